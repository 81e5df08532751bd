/*
 * options.h — the command table and the one option parser every command uses.
 *
 * Every option of every command is a row of CLI_OPTIONS, and every command a row of the
 * command table (cli/commands.c) naming the options it takes. From these two lists come the
 * parser (getopt_long: --opt=value and --opt value, -Dx and -D x, "needs an argument"
 * errors), `jinn help`, the man page's command and option sections, and the bash completion
 * (`jinn help --man`, `jinn help --bash-completion`; tests/cli checks that docs/jinn.1 and
 * completion/jinn.bash are in step).
 */
#ifndef JINN_CLI_OPTIONS_H
#define JINN_CLI_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "jinn.h"

/* X(ID, the option as written ("--seed", or "-D" when it has no long form), its short letter or
 *   0, argument name or NULL for a flag, completion
 *   of the argument ("file", "dir", a word list "jinja jinjava", or NULL), help) */
#define CLI_OPTIONS(X)                                                                                         \
    X(CONTEXT, "--context", 0, "FILE", "file", "variables from a JSON object or a YAML mapping (.yaml, .yml; repeatable; later files override earlier keys; - reads stdin)") \
    X(DEFINE, "-D", 'D', "name=value", NULL, "a string variable; -D name:=json a JSON variable")              \
    X(PROVIDERS, "--providers", 0, "SPEC", "file", "insert-tag answers: FILE.json fixtures, or sqlite:DB (an event store, docs/providers.md)") \
    X(CUSTOMER, "--customer", 0, "ID", NULL, "render for customer ID of the sqlite store: its attributes are `customer`") \
    X(STRICT_PROVIDERS, "--strict-providers", 0, NULL, NULL, "a missing provider value is an error (default: none and a warning)") \
    X(SEED, "--seed", 0, "N", NULL, "seed for |random and |shuffle (default 0)")                                \
    X(TRIM_BLOCKS, "--trim-blocks", 0, NULL, NULL, "remove the first newline after a block tag")                \
    X(LSTRIP_BLOCKS, "--lstrip-blocks", 0, NULL, NULL, "strip blanks before a block tag at the start of a line") \
    X(KEEP_TRAILING_NEWLINE, "--keep-trailing-newline", 0, NULL, NULL, "keep the template's final newline")     \
    X(AUTOESCAPE, "--autoescape", 0, NULL, NULL, "HTML-escape what {{ }} prints")                               \
    X(PROFILE, "--profile", 0, "jinja|jinjava[:SWITCHES]", "jinja jinjava", "the dialect: printing, truthiness, operators (default jinja); jinjava:SWITCHES also sets Jinjava's LegacyOverrides: presets NONE, THREE_POINT_0, ALL and +name/-name, in order (docs/language.md)") \
    X(UNDEFINED, "--undefined", 0, "MODE", "default chainable debug strict lenient", "undefined values as Jinja2's: default, chainable, debug or strict (lenient: chainable)") \
    X(LIMIT, "--limit", 0, "NAME=N", NULL, "change a limit (repeatable; see 'jinn limits')")                    \
    X(SYNTAX, "--syntax", 0, "\"BS BE VS VE CS CE\"", NULL, "other delimiters, e.g. \"<% %> ${ } <%# %>\"")      \
    X(LINE_STATEMENT_PREFIX, "--line-statement-prefix", 0, "P", NULL, "line statements: P for ... on a line of its own") \
    X(LINE_COMMENT_PREFIX, "--line-comment-prefix", 0, "P", NULL, "line comments: from P to the end of the line") \
    X(INCLUDE_DIR, "-I", 'I', "DIR", "dir", "where include/import find templates (repeatable; then the template's folder)") \
    X(TIMEOUT, "--timeout", 0, "SECONDS", NULL, "stop the render after this long (Ctrl-C stops it too)")         \
    X(OUTPUT, "-o", 'o', "FILE", "file", "write the output to FILE (atomically: a temporary file renamed over it)") \
    X(ERRORS, "--errors", 0, "text|json", "text json", "print an error as a diagnostic with its caret, or as JSON") \
    X(CUSTOMERS, "--customers", 0, "all|FILE", "file", "every customer (default), or the ids in FILE, one a line (- stdin)") \
    X(JOBS, "--jobs", 'j', "N", NULL, "rendering threads (default: the CPUs, at most 8)")                       \
    X(EMIT, "--emit", 0, "NAME", NULL, "the action of the events written back (default optimal.channel)")       \
    X(DRY_RUN, "--dry-run", 0, NULL, NULL, "write nothing: print \"ID<TAB>output\" lines instead")              \
    X(CHUNK, "--chunk", 0, "N", NULL, "customers per transaction (default 256)")                                \
    X(STOP_AFTER, "--stop-after", 0, "N", NULL, "score at most N customers, then stop (resumable)")             \
    X(NEW_RUN, "--new-run", 0, NULL, NULL, "do not resume an unfinished run, nor stop at a finished one: start a new run") \
    X(PARAM, "--param", 0, "KEY=VALUE", NULL, "a member of the decisions' params (KEY:=JSON a JSON value; repeatable; type=CTR by default)") \
    X(EARLY_STOP, "--early-stop", 0, "N", NULL, "stop when each of the first N customers this command scores failed (default 100; 0: never)") \
    X(FAILURES, "--failures", 0, "RUN|last", NULL, "list the customers failing in run RUN, with their diagnostics (--format json)") \
    X(RETRY_FAILURES, "--retry-failures", 0, "RUN|last", NULL, "re-score only the customers failing in run RUN, in that run") \
    X(QUIET, "--quiet", 'q', NULL, NULL, "no progress bar (there is none when stderr is not a terminal)")       \
    X(MIGRATE, "--migrate", 0, "FROM:TO", "jinjava:jinja jinja:jinjava", "also list what behaves differently in the other dialect (jinjava:jinja or jinja:jinjava)") \
    X(FORMAT, "--format", 0, "FORMAT", "text json yaml", "check: diagnostics as text, or json (one object a line); batch --failures: text or json; render: the --context files not named .json, .yaml or .yml (and stdin) are json (default) or yaml") \
    X(UPDATE, "--update", 0, NULL, NULL, "rewrite the expectations instead of comparing")                       \
    X(JSON, "--json", 0, NULL, NULL, "everything, parameters and methods too, as JSON")                         \
    X(HELP, "--help", 'h', NULL, NULL, "this help")

enum {
#define X(id, name, shrt, arg, compl, help) OPT_##id,
    CLI_OPTIONS(X)
#undef X
    OPT__COUNT,
    OPT_ARG = -1 /* not an option: an argument (a template, a file) */
};
#define OPTM(id) ((uint64_t)1 << OPT_##id)

/* the options that shape the engine, shared by every command that compiles or renders */
#define OPTS_ENGINE                                                                                       \
    (OPTM(TRIM_BLOCKS) | OPTM(LSTRIP_BLOCKS) | OPTM(KEEP_TRAILING_NEWLINE) | OPTM(AUTOESCAPE) |            \
     OPTM(STRICT_PROVIDERS) | OPTM(PROFILE) | OPTM(UNDEFINED) | OPTM(LIMIT) | OPTM(SYNTAX) |                \
     OPTM(LINE_STATEMENT_PREFIX) | OPTM(LINE_COMMENT_PREFIX))

typedef struct cli_command {
    const char *name;
    int (*run)(const struct cli_command *cmd, int argc, char **argv); /* argv: after the name */
    uint64_t options;       /* OPTM(...) | ... */
    const char *args;       /* the arguments, for the synopsis ("TEMPLATE|-") */
    const char *summary;    /* one line */
    const char *text;       /* the prose of its help (what it does, exit status) */
} cli_command;

/* the command table (cli/commands.c), ended by a row whose name is NULL */
extern const cli_command cli_commands[];
const cli_command *cli_find_command(const char *name);

/* Called for each option (id, its argument or NULL) and each argument (OPT_ARG, the text), in
 * order; returns 0 to go on, or an exit status. */
typedef int (*opt_fn)(void *ctx, int id, const char *arg);
/* Parse argv[0..argc-1] by cmd's options. 0, or the exit status of the first failure (2 for a
 * usage error, already reported); --help prints the command's help and exits. */
int opt_parse(const cli_command *cmd, int argc, char **argv, opt_fn fn, void *ctx);
/* "jinn CMD: MESSAGE" and a pointer to the help on stderr; returns 2 */
int opt_usage(const cli_command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The engine options, parsed the same way for every command. */
typedef struct {
    jinn_config cfg;
    uint64_t seed;
    char syntax[6][64];
} opt_engine;
void opt_engine_init(opt_engine *e);
/* Apply option id (an OPTS_ENGINE option, or SEED) to e: 0, or 2 after a usage error. */
int opt_engine_apply(opt_engine *e, const cli_command *cmd, int id, const char *arg);
/* "jinja", "jinjava" or "jinjava:SWITCHES" (jinn_jinjava_options_parse) into cfg's profile and
 * switches; 0, or -1 with a message in err. The REPL's .profile takes the same. */
int opt_profile(const char *arg, jinn_config *cfg, char *err, size_t cap);
/* a non-negative integer argument: 0, or 2 after a usage error naming the option */
int opt_uint(const cli_command *cmd, int id, const char *arg, uint64_t *out);
/* the option's name as written ("--seed", "-D") */
const char *opt_name(int id);

/* Print the help of cmd, the overview (cmd NULL), the man page's generated part, or the bash
 * completion script: each generated from the two tables. */
void cli_print_help(FILE *f, const cli_command *cmd);
void cli_print_man(FILE *f);
void cli_print_completion(FILE *f);

#endif
