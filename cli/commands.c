/*
 * commands.c — THE command table of `jinn`, and what is generated from it with the option
 * list (options.h): `jinn help`, the man page's COMMANDS and OPTIONS sections (`jinn help
 * --man`) and the bash completion (`jinn help --bash-completion`). docs/jinn.1 and
 * completion/jinn.bash hold the generated text; `make gen` rewrites them and tests/cli fails
 * when they are out of step.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "options.h"

#define OPTS_RENDER                                                                                    \
    (OPTS_ENGINE | OPTM(CONTEXT) | OPTM(DEFINE) | OPTM(PROVIDERS) | OPTM(CUSTOMER) | OPTM(SEED) |      \
     OPTM(INCLUDE_DIR) | OPTM(TIMEOUT) | OPTM(FORMAT) | OPTM(HELP))

const cli_command cli_commands[] = {
    {"render", cli_render, OPTS_RENDER | OPTM(OUTPUT) | OPTM(ERRORS), "TEMPLATE|-", "render a template to stdout",
     "Render TEMPLATE (- reads it from stdin) and print the output.\n"
     "\n"
     "exit status: 0 rendered, 1 a template error, 2 a usage error or an unreadable file\n"},
    {"batch", cli_batch, OPTS_ENGINE | OPTM(PROVIDERS) | OPTM(CUSTOMERS) | OPTM(JOBS) | OPTM(EMIT) | OPTM(DRY_RUN) |
         OPTM(SEED) | OPTM(CHUNK) | OPTM(STOP_AFTER) | OPTM(NEW_RUN) | OPTM(QUIET) | OPTM(PARAM) | OPTM(EARLY_STOP) |
         OPTM(FAILURES) | OPTM(RETRY_FAILURES) | OPTM(FORMAT) | OPTM(HELP),
     "TEMPLATE --providers sqlite:DB", "score every customer of an event store, write results back",
     "Render TEMPLATE for every customer of the event store DB on N threads, and write each\n"
     "trimmed output back as an event (action = the --emit name, params = {\"type\": \"CTR\",\n"
     "\"value\": output, \"batch\": run id}; --param adds to or changes the members before\n"
     "value), one transaction per chunk. Includes and imports are found beside TEMPLATE. See\n"
     "docs/providers.md. --seed seeds |random per customer (N and the customer id).\n"
     "--providers postgres:CONNINFO (a libpq conninfo or postgresql:// URI) scores a store in\n"
     "PostgreSQL instead (docs/providers.md, \"The PostgreSQL store\").\n"
     "\n"
     "Exactly once per run: an interrupted run is resumed by the same command (its failed\n"
     "customers are retried); the same command after the run finished scores nothing and says\n"
     "so (--new-run starts a new run). Each failed customer is stored with its diagnostic:\n"
     "--failures RUN lists them, --retry-failures RUN re-scores only them, in that run. A run\n"
     "whose first --early-stop customers (default 100) all fail stops with one error.\n"
     "\n"
     "exit status: 0 all scored, 1 some customers failed (counted, the first reported, stored) or\n"
     "an early stop, 2 a usage or database error, 130 interrupted (Ctrl-C: the customers\n"
     "rendered are committed, the renders and queries under way stop; the same command resumes)\n"},
    {"disasm", cli_disasm, OPTS_RENDER, "TEMPLATE|-", "print the template's bytecode",
     "Compile TEMPLATE and print its bytecode, one instruction a line. Takes the render options;\n"
     "those that change compilation (--trim-blocks, --profile, ...) change the bytecode.\n"},
    {"test", cli_test, OPTM(UPDATE) | OPTM(HELP), "PATH...", "run golden tests (*.test files, folders recursively)",
     "Run the golden tests in PATH (*.test files; folders are searched recursively). A case is\n"
     "one file of sections: --- template, --- context, --- providers, --- options, then the\n"
     "expectation: --- output, --- error, --- warnings or --- disasm. A failing case prints a\n"
     "unified diff and leaves FILE.actual; --update rewrites the expectations instead.\n"
     "Ends with \"N passed, M failed\"; exits 1 if anything failed.\n"},
    {"check", cli_check, OPTS_ENGINE | OPTM(FORMAT) | OPTM(MIGRATE) | OPTM(HELP), "FILE...", "report every error and lint warning, no render",
     "Parse and compile each FILE without rendering it; report every diagnostic (syntax errors,\n"
     "unknown filters, tests and tags, lint warnings), not just the first. Exit 0 with no errors\n"
     "(warnings allowed), 1 with any error, 2 on a usage error or an unreadable file.\n"},
    {"builtins", cli_builtins, OPTM(JSON) | OPTM(PROFILE) | OPTM(HELP), "", "list the builtin filters, tests, functions, modules",
     "List every builtin filter, test and global function, and the stdlib modules to import\n"
     "(docs/stdlib.md); with --json, also their parameters and the dict, list and str methods,\n"
     "for editors and documentation.\n"},
    {"limits", cli_limits, OPTM(LIMIT) | OPTM(HELP), "", "print the limits renders run with",
     "Print every limit (name, value, what it bounds): the defaults, changed by --limit as\n"
     "render and repl would change them. See docs/limits.md.\n"},
    {"repl", cli_repl, OPTS_ENGINE | OPTM(CONTEXT) | OPTM(DEFINE) | OPTM(PROVIDERS) | OPTM(SEED) | OPTM(HELP), "",
     "explore templates interactively",
     "A read-eval-print loop. Type an expression (1 + 2, x|sort) to see its value, or template\n"
     "text with tags ({% set x = [3,1,2] %}, {{ x|sort }}) to see its render; variables and\n"
     "macros persist from one input to the next. An unfinished input (an open {% for %}, bracket\n"
     "or string) gets a continuation prompt. Dot-commands (.help lists them) load context,\n"
     "install providers, time and disassemble. History is kept in ~/.jinn_history; Tab completes\n"
     "variables, filters, tests and dot-commands; Ctrl-C cancels the input, Ctrl-D quits.\n"
     "When stdin is not a terminal there are no prompts: the REPL reads a script.\n"},
    {"version", cli_version, 0, "", "print the version (also --version)", "Print \"jinn VERSION\".\n"},
    {"help", cli_help, 0, "[COMMAND]", "this text, or one command's help",
     "Print the overview, or the help of COMMAND.\n"},
    {NULL, NULL, 0, NULL, NULL, NULL},
};

const cli_command *cli_find_command(const char *name)
{
    for (const cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

static const struct {
    char shrt;
    const char *arg, *compl, *help;
} option_text[OPT__COUNT] = {
#define X(id, name, shrt, arg, compl, help) {shrt, arg, compl, help},
    CLI_OPTIONS(X)
#undef X
};

/* "--seed N", "-D name=value", "--jobs, -j N" */
static void option_synopsis(char *buf, size_t cap, int id)
{
    const char *arg = option_text[id].arg;
    if (option_text[id].shrt && opt_name(id)[1] == '-')
        snprintf(buf, cap, "%s, -%c%s%s", opt_name(id), option_text[id].shrt, arg ? " " : "", arg ? arg : "");
    else
        snprintf(buf, cap, "%s%s%s", opt_name(id), arg ? " " : "", arg ? arg : "");
}

static void print_options(FILE *f, uint64_t mask)
{
    for (int id = 0; id < OPT__COUNT; id++) {
        if (!(mask & ((uint64_t)1 << id))) continue;
        char syn[80];
        option_synopsis(syn, sizeof syn, id);
        if (strlen(syn) < 24) fprintf(f, "  %-24s%s\n", syn, option_text[id].help);
        else fprintf(f, "  %s\n  %-24s%s\n", syn, "", option_text[id].help);
    }
}

void cli_print_help(FILE *f, const cli_command *cmd)
{
    if (!cmd) {
        fputs("usage: jinn COMMAND [ARGS]\n\ncommands:\n", f);
        for (const cli_command *c = cli_commands; c->name; c++) {
            char syn[80];
            snprintf(syn, sizeof syn, "%s%s%s%s", c->name, *c->args ? " " : "", c->args, c->options ? " [options]" : "");
            if (strlen(syn) < 30) fprintf(f, "  %-30s%s\n", syn, c->summary);
            else fprintf(f, "  %s\n  %-30s%s\n", syn, "", c->summary);
        }
        fputs("\n'jinn help COMMAND' tells more; 'man jinn' (docs/jinn.1) has it all.\n", f);
        return;
    }
    fprintf(f, "usage: jinn %s%s%s%s\n\n%s", cmd->name, *cmd->args ? " " : "", cmd->args, cmd->options ? " [options]" : "",
            cmd->text);
    if (cmd->options) {
        fputs("\noptions:\n", f);
        print_options(f, cmd->options);
    }
}

/* roff: a backslash and a leading dot or quote must be escaped */
static void roff(FILE *f, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '\\') fputs("\\e", f);
        else if (*p == '-') fputs("\\-", f);
        else if ((*p == '.' || *p == '\'') && (p == s || p[-1] == '\n')) fputs("\\&", f), fputc(*p, f);
        else fputc(*p, f);
    }
}

void cli_print_man(FILE *f)
{
    fputs(".\\\" BEGIN GENERATED by `jinn help --man` from cli/commands.c and cli/options.h\n.SH COMMANDS\n", f);
    for (const cli_command *c = cli_commands; c->name; c++) {
        fputs(".TP\n.B jinn ", f);
        roff(f, c->name);
        if (*c->args) { fputs(" ", f); roff(f, c->args); }
        if (c->options) fputs(" [options]", f);
        fputs("\n", f);
        roff(f, c->text);
        if (c->options) {
            fputs(".br\nOptions:", f);
            for (int id = 0; id < OPT__COUNT; id++)
                if (c->options & ((uint64_t)1 << id)) { fputs(" ", f); roff(f, opt_name(id)); }
            fputs("\n", f);
        }
    }
    fputs(".SH OPTIONS\n", f);
    for (int id = 0; id < OPT__COUNT; id++) {
        char syn[80];
        option_synopsis(syn, sizeof syn, id);
        fputs(".TP\n.B ", f);
        roff(f, syn);
        fputs("\n", f);
        roff(f, option_text[id].help);
        fputs("\n", f);
    }
    fputs(".\\\" END GENERATED\n", f);
}

void cli_print_completion(FILE *f)
{
    fputs("# bash completion for jinn — generated by `jinn help --bash-completion` from the command\n"
          "# table (cli/commands.c, cli/options.h); do not edit. Source it, or install it as\n"
          "#   /usr/share/bash-completion/completions/jinn (make install does)\n"
          "_jinn()\n{\n"
          "    local cur prev cmd\n"
          "    cur=${COMP_WORDS[COMP_CWORD]}\n"
          "    prev=${COMP_CWORD:+${COMP_WORDS[COMP_CWORD-1]}}\n"
          "    cmd=${COMP_WORDS[1]:-}\n",
          f);
    fputs("    local commands=\"", f);
    for (const cli_command *c = cli_commands; c->name; c++) fprintf(f, "%s%s", c == cli_commands ? "" : " ", c->name);
    fputs("\"\n", f);
    fputs("    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        COMPREPLY=($(compgen -W \"$commands --version --help\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    case $prev in\n",
          f);
    for (int id = 0; id < OPT__COUNT; id++) {
        const char *cp = option_text[id].compl;
        if (!option_text[id].arg) continue;
        fprintf(f, "        %s) ", opt_name(id));
        if (!cp) fputs("COMPREPLY=(); return ;;\n", f);
        else if (!strcmp(cp, "file")) fputs("COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", f);
        else if (!strcmp(cp, "dir")) fputs("COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n", f);
        else fprintf(f, "COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n", cp);
    }
    fputs("    esac\n    case $cmd in\n", f);
    fputs("        help) [ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")) ;;\n", f);
    for (const cli_command *c = cli_commands; c->name; c++) {
        if (!c->options) continue;
        fprintf(f, "        %s)\n            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"", c->name);
        int first = 1;
        for (int id = 0; id < OPT__COUNT; id++)
            if (c->options & ((uint64_t)1 << id)) { fprintf(f, "%s%s", first ? "" : " ", opt_name(id)); first = 0; }
        fprintf(f, "\" -- \"$cur\"))\n            else COMPREPLY=(%s); fi ;;\n",
                *c->args ? "$(compgen -f -- \"$cur\")" : "");
    }
    fputs("    esac\n}\ncomplete -o filenames -F _jinn jinn\n", f);
}

int cli_version(const cli_command *cmd, int argc, char **argv)
{
    (void)cmd; (void)argc; (void)argv;
    printf("jinn %s\n", JINN_VERSION);
    return 0;
}

/* jinn help [COMMAND | --man | --bash-completion] */
int cli_help(const cli_command *cmd, int argc, char **argv)
{
    if (argc == 0) { cli_print_help(stdout, NULL); return 0; }
    if (!strcmp(argv[0], "--man")) { cli_print_man(stdout); return 0; }
    if (!strcmp(argv[0], "--bash-completion")) { cli_print_completion(stdout); return 0; }
    const cli_command *c = cli_find_command(argv[0]);
    if (!c) return opt_usage(cmd, "unknown command '%s'", argv[0]);
    cli_print_help(stdout, c);
    return 0;
}
