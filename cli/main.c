/*
 * main.c — the `jinn` command: render, disasm, test, repl, version, help.
 *
 * Exit status: 0 success, 1 a template error (diagnostic on stderr), 2 a usage error.
 * Diagnostics are coloured only on a terminal and never when NO_COLOR is set; their plain
 * text is the same either way (golden tests compare it). `render --errors json` prints the
 * first error as one JSON object instead, for editors and CI.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ---- help: one table, one row per command (jinn help COMMAND prints the row's text) -------- */

typedef struct {
    const char *name;
    const char *summary; /* one line for the overview */
    const char *text;    /* the whole per-command help */
} command_help;

#define RENDER_OPTIONS \
    "  --context FILE.json     variables (repeatable; later files override earlier keys; - reads stdin)\n" \
    "  -D name=value           a string variable;  -D name:=json  a JSON variable\n" \
    "  --providers FILE.json   insert-tag fixtures {\"expressions\":{..},\"metrics\":{..},\"aggregates\":{..}}\n" \
    "  --providers sqlite:DB   answer insert tags from a SQLite event store (docs/providers.md)\n" \
    "  --customer ID           render for customer ID of the sqlite store: its attributes are `customer`\n" \
    "  --strict-providers      a missing provider value is an error (default: none + warning)\n" \
    "  --seed N                seed for |random (default 0)\n" \
    "  --trim-blocks  --lstrip-blocks  --keep-trailing-newline  --autoescape\n" \
    "  --profile jinja|jinjava printing style and truthiness (default jinja)\n" \
    "  --limit NAME=N          change a limit (repeatable; see 'jinn limits')\n" \
    "  --undefined MODE        default, lenient (chainable) or strict undefined values\n" \
    "  --syntax \"BS BE VS VE CS CE\"  other delimiters, e.g. \"<% %> ${ } <%# %>\"\n" \
    "  --line-statement-prefix P  --line-comment-prefix P   line statements / comments\n" \
    "  -I DIR                  where include/import find templates (repeatable; then the template's folder)\n" \
    "  --timeout SECONDS       stop the render after this long (Ctrl-C stops it too)\n"

static const command_help commands[] = {
    {"render", "render TEMPLATE|- [options]   render a template to stdout",
     "usage: jinn render TEMPLATE|- [options]\n"
     "\n"
     "Render TEMPLATE (- reads it from stdin) and print the output.\n"
     "\n"
     "options:\n" RENDER_OPTIONS
     "  -o FILE                 write the output to FILE (atomically: a temporary file in the same\n"
     "                          folder, renamed over FILE once the render succeeded)\n"
     "  --errors text|json      how to print an error on stderr: the diagnostic with its caret\n"
     "                          (default), or one JSON object {\"file\",\"line\",\"column\",\"severity\",\n"
     "                          \"kind\",\"message\"} per line\n"
     "\n"
     "exit status: 0 rendered, 1 a template error, 2 a usage error or an unreadable file\n"},
    {"batch", "batch TEMPLATE --providers sqlite:DB [options]  score every customer, write results back",
     "usage: jinn batch TEMPLATE --providers sqlite:DB [options]\n"
     "\n"
     "Render TEMPLATE for every customer of the event store DB on N threads, and write each\n"
     "trimmed output back as an event (action = the --emit name, params = {\"type\": \"CTR\",\n"
     "\"value\": output, \"batch\": run id}), one transaction per chunk. An interrupted run is\n"
     "resumed by the same command. Includes and imports are found beside TEMPLATE. See\n"
     "docs/providers.md.\n"
     "\n"
     "options:\n"
     "  --customers all|FILE    every customer (default), or the ids in FILE, one a line (- stdin)\n"
     "  --jobs N                rendering threads (default: the CPUs, at most 8)\n"
     "  --emit NAME             the events' action (default optimal.channel)\n"
     "  --dry-run               write nothing: print \"ID<TAB>output\" lines instead\n"
     "  --seed N                seeds |random (per customer: N and the customer id)\n"
     "  --chunk N               customers per transaction (default 256)\n"
     "  --stop-after N          score at most N customers, then stop (resumable)\n"
     "  --new-run               do not resume an unfinished run: start a new one\n"
     "  --quiet                 no progress bar (there is none when stderr is not a terminal)\n"
     "  --trim-blocks  --lstrip-blocks  --keep-trailing-newline  --strict-providers\n"
     "  --profile jinja|jinjava  --limit NAME=N\n"
     "\n"
     "exit status: 0 all scored, 1 some customers failed (counted, the first reported), 2 a usage\n"
     "or database error, 130 interrupted (Ctrl-C: the chunks under way are finished and kept)\n"},
    {"disasm", "disasm TEMPLATE [options]     print the template's bytecode",
     "usage: jinn disasm TEMPLATE|- [options]\n"
     "\n"
     "Compile TEMPLATE and print its bytecode, one instruction a line. Accepts the render\n"
     "options that change compilation (--trim-blocks, --lstrip-blocks, --profile, ...).\n"},
    {"test", "test PATH... [--update]       run golden tests (*.test files, folders recursively)",
     "usage: jinn test PATH... [--update]\n"
     "\n"
     "Run the golden tests in PATH (*.test files; folders are searched recursively). A case is\n"
     "one file of sections: --- template, --- context, --- providers, --- options, then the\n"
     "expectation: --- output, --- error, --- warnings or --- disasm. A failing case prints a\n"
     "unified diff and leaves FILE.actual; --update rewrites the expectations instead.\n"
     "Ends with \"N passed, M failed\"; exits 1 if anything failed.\n"},
    {"check", "check FILE... [--format F]    report every error and lint warning, no render",
     "usage: jinn check FILE... [--format text|json] [--profile jinja|jinjava]\n"
     "\n"
     "Parse and compile each FILE without rendering it; report every diagnostic (syntax errors,\n"
     "unknown filters, tests and tags, lint warnings), not just the first. --format json prints\n"
     "one JSON object per diagnostic. Exit 0 with no errors (warnings allowed), 1 with any\n"
     "error, 2 on a usage error or an unreadable file.\n"},
    {"builtins", "builtins [--json] [--profile P] list the builtin filters, tests, functions, modules",
     "usage: jinn builtins [--json] [--profile jinja|jinjava]\n"
     "\n"
     "List every builtin filter, test and global function, and the stdlib modules to import\n"
     "(docs/stdlib.md); with --json, also their parameters and the dict, list and str methods,\n"
     "for editors and documentation.\n"},
    {"limits", "limits [--limit NAME=N]...     print the limits renders run with",
     "usage: jinn limits [--limit NAME=N]...\n"
     "\n"
     "Print every limit (name, value, what it bounds): the defaults, changed by --limit as\n"
     "render and repl would change them. See docs/limits.md.\n"},
    {"repl", "repl [options]                explore templates interactively",
     "usage: jinn repl [--context FILE.json]... [-D name=value] [--providers FILE.json] [--seed N]\n"
     "                 [--profile jinja|jinjava] [--trim-blocks] [--lstrip-blocks] [--strict-providers]\n"
     "\n"
     "A read-eval-print loop. Type an expression (1 + 2, x|sort) to see its value, or template\n"
     "text with tags ({% set x = [3,1,2] %}, {{ x|sort }}) to see its render; variables and\n"
     "macros persist from one input to the next. An unfinished input (an open {% for %}, bracket\n"
     "or string) gets a continuation prompt. Dot-commands (.help lists them) load context,\n"
     "install providers, time and disassemble. History is kept in ~/.jinn_history; Tab completes\n"
     "variables, filters, tests and dot-commands; Ctrl-C cancels the input, Ctrl-D quits.\n"
     "When stdin is not a terminal there are no prompts: the REPL reads a script.\n"},
    {"version", "version                       print the version (also --version)",
     "usage: jinn version   (or jinn --version)\n\nPrint \"jinn VERSION\".\n"},
    {"help", "help [COMMAND]                this text, or one command's help",
     "usage: jinn help [COMMAND]\n\nPrint the overview, or the help of COMMAND.\n"},
    {NULL, NULL, NULL},
};

static void print_overview(FILE *f)
{
    fputs("usage: jinn COMMAND [ARGS]\n\ncommands:\n", f);
    for (const command_help *c = commands; c->name; c++) fprintf(f, "  %s\n", c->summary);
    fputs("\nrender options:\n" RENDER_OPTIONS
          "  -o FILE                 write the output to FILE instead of stdout (atomically)\n"
          "  --errors text|json      print errors as diagnostics (default) or JSON objects\n"
          "\n'jinn help COMMAND' tells more; 'man jinn' (docs/jinn.1) has it all.\n",
          f);
}

static const command_help *find_command(const char *name)
{
    for (const command_help *c = commands; c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "jinn: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(run 'jinn help' for usage)\n");
    return 2;
}

/* ---- small shared helpers (cli.h) ---------------------------------------------------------- */

void cli_put(cli_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) { fprintf(stderr, "jinn: out of memory\n"); exit(1); }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
void cli_puts(cli_buf *b, const char *s) { cli_put(b, s, strlen(s)); }

void cli_json_string(cli_buf *b, const char *s)
{
    cli_puts(b, "\"");
    for (; *s; s++) {
        char tmp[8];
        if (*s == '"' || *s == '\\') { tmp[0] = '\\'; tmp[1] = *s; cli_put(b, tmp, 2); }
        else if (*s == '\n') cli_puts(b, "\\n");
        else if (*s == '\t') cli_puts(b, "\\t");
        else if ((unsigned char)*s < 0x20) { snprintf(tmp, sizeof tmp, "\\u%04x", *s); cli_puts(b, tmp); }
        else cli_put(b, s, 1);
    }
    cli_puts(b, "\"");
}

bool cli_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) return false;
    return isatty(fileno(f));
}

#define BOLD "\033[1m"
#define RED "\033[1;31m"
#define YELLOW "\033[1;33m"
#define RESET "\033[0m"

/* the length of a "name:line:col: " prefix at the start of s, or 0 */
static size_t location_prefix(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != ':' || s[i + 1] < '0' || s[i + 1] > '9') continue;
        size_t j = i + 1;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        if (j >= n || s[j] != ':' || j + 1 >= n || s[j + 1] < '0' || s[j + 1] > '9') continue;
        j++;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        if (j + 1 < n && s[j] == ':' && s[j + 1] == ' ') return j + 2;
    }
    return 0;
}

void cli_print_diag(FILE *f, const char *msg)
{
    if (!msg) return;
    if (!cli_color(f)) { fputs(msg, f); return; }
    const char *p = msg;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t loc = location_prefix(p, n);
        size_t k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\t')) k++;
        if (loc) {
            /* no "error:" word is added: the text stays what golden tests pin */
            fprintf(f, BOLD "%.*s" RESET RED "%.*s" RESET, (int)loc, p, (int)(n - loc), p + loc);
        } else if (k + 1 == n && p[k] == '^') {
            fprintf(f, "%.*s" RED "^" RESET, (int)k, p);
        } else {
            fwrite(p, 1, n, f);
        }
        if (!nl) break;
        fputc('\n', f);
        p = nl + 1;
    }
}

void cli_print_warnings(FILE *f, const char *name, const char *warnings)
{
    if (!warnings) return;
    bool color = cli_color(f);
    const char *p = warnings;
    while (*p) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        if (color) fprintf(f, BOLD "%s:" RESET " " YELLOW "warning:" RESET " %.*s\n", name, n, p);
        else fprintf(f, "%s: warning: %.*s\n", name, n, p);
        if (!nl) break;
        p = nl + 1;
    }
}

/* ---- reading files -------------------------------------------------------------------------- */

/* Read all of f; NULL on failure (errno set). */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) {
            if (ferror(f)) { int e = errno; free(buf); buf = NULL; errno = e ? e : EIO; }
            break;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) { free(buf); buf = NULL; errno = ENOMEM; break; }
        buf = nb;
        cap *= 2;
    }
    if (!buf) return NULL;
    buf[n] = 0;
    *len = n;
    return buf;
}

/* read_file with the failure as text instead of on stderr (for --errors json) */
static char *read_file_msg(const char *path, size_t *len, char *err, size_t errsize)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    errno = 0;
    char *buf = slurp(f, len);
    int e = errno;
    if (f != stdin) fclose(f);
    if (!buf) snprintf(err, errsize, "cannot read '%s': %s", path, strerror(e ? e : EIO));
    return buf;
}

void cli_add_template_dir(jinn_env *env, const char *template_path)
{
    if (!strcmp(template_path, "-")) return;
    const char *slash = strrchr(template_path, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - template_path) : 1, slash ? template_path : ".");
    jinn_env_add_search_path(env, dir[0] ? dir : "/");
}

char *cli_read_file(const char *path, size_t *len)
{
    char err[512];
    char *buf = read_file_msg(path, len, err, sizeof err);
    if (!buf) fprintf(stderr, "jinn: %s\n", err);
    return buf;
}

/* ---- building the context JSON from --context files and -D definitions ----------------- */

typedef struct {
    const char *template_path;
    cli_buf ctx_parts;   /* JSON object members, merged by a tiny {"a":..}+{"b":..} concatenation */
    int nparts;
    const char *providers;
    const char *customer; /* --customer ID (with --providers sqlite:DB) */
    const char *out_path;
    const char *stdin_user; /* the option that reads stdin, to refuse a second one */
    uint64_t seed;
    bool errors_json;
    jinn_config cfg;
    double timeout;      /* --timeout SECONDS, 0: none */
    const char *incdirs[32]; /* -I DIR: where include / import look */
    char syntax[6][64];  /* --syntax "BS BE VS VE CS CE" */
    int nincdirs;
} render_args;

static int claim_stdin(render_args *a, const char *who)
{
    if (a->stdin_user) {
        fprintf(stderr, "jinn: %s: stdin is already read by %s\n(run 'jinn help' for usage)\n", who, a->stdin_user);
        return 2;
    }
    a->stdin_user = who;
    return 0;
}

/* Merge JSON objects by textual concatenation of their members: {"a":1} {"b":2} -> {"a":1,"b":2}.
 * Later duplicate keys win, as jansson keeps the last value of a key. */
static int add_context_file(render_args *a, const char *path)
{
    if (!strcmp(path, "-") && claim_stdin(a, "--context -")) return 2;
    size_t n;
    char *text = cli_read_file(path, &n);
    if (!text) return 2;
    /* validate with jansson first, so a broken file gets jansson's line and column */
    json_error_t jerr;
    json_t *parsed = json_loadb(text, n, JSON_ALLOW_NUL, &jerr);
    if (!parsed) {
        char msg[400];
        snprintf(msg, sizeof msg, "--context %s: the context is not valid JSON: %s at line %d, column %d", path, jerr.text,
                 jerr.line, jerr.column);
        free(text);
        return usage_error("%s", msg);
    }
    bool is_object = json_is_object(parsed);
    json_decref(parsed);
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) i++;
    size_t j = n;
    while (j > i && (text[j - 1] == ' ' || text[j - 1] == '\n' || text[j - 1] == '\t' || text[j - 1] == '\r')) j--;
    if (!is_object || i >= j || text[i] != '{' || text[j - 1] != '}') {
        free(text);
        return usage_error("--context %s: the file must hold a JSON object", path);
    }
    /* the inside of the object */
    size_t k = i + 1, e = j - 1;
    while (k < e && (text[k] == ' ' || text[k] == '\n' || text[k] == '\t' || text[k] == '\r')) k++;
    if (k < e) {
        if (a->nparts++) cli_puts(&a->ctx_parts, ",");
        cli_put(&a->ctx_parts, text + k, e - k);
    }
    free(text);
    return 0;
}

static int add_define(render_args *a, const char *def)
{
    const char *eq = strchr(def, '=');
    if (!eq || eq == def) return usage_error("-D %s: expected name=value or name:=json", def);
    bool json = eq > def && eq[-1] == ':';
    const char *name_end = json ? eq - 1 : eq;
    if (name_end == def) return usage_error("-D %s: expected name=value or name:=json", def);
    if (a->nparts++) cli_puts(&a->ctx_parts, ",");
    char *name = strndup(def, (size_t)(name_end - def));
    cli_json_string(&a->ctx_parts, name);
    free(name);
    cli_puts(&a->ctx_parts, ":");
    if (json) cli_puts(&a->ctx_parts, eq + 1);
    else cli_json_string(&a->ctx_parts, eq + 1);
    return 0;
}

/* Ctrl-C and --timeout stop a render through the engine's interrupt flag (the render then
 * fails with "limit 'interrupt' exceeded"); the CLI is a program, so a static flag is fine. */
static int g_interrupt;

static void on_stop_signal(int sig)
{
    (void)sig;
    __atomic_store_n(&g_interrupt, 1, __ATOMIC_RELAXED);
}

static void arm_interrupt(double timeout)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    if (timeout > 0) {
        sigaction(SIGALRM, &sa, NULL);
        struct itimerval it;
        memset(&it, 0, sizeof it);
        it.it_value.tv_sec = (time_t)timeout;
        it.it_value.tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6);
        if (!it.it_value.tv_sec && !it.it_value.tv_usec) it.it_value.tv_usec = 1;
        setitimer(ITIMER_REAL, &it, NULL);
    }
}

static int parse_render_args(int argc, char **argv, render_args *a)
{
    memset(a, 0, sizeof *a);
    jinn_config_init(&a->cfg);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_ARG() do { if (!next) return usage_error("%s needs an argument", s); i++; } while (0)
        if (!strcmp(s, "--context")) { NEED_ARG(); int r = add_context_file(a, next); if (r) return r; }
        else if (!strcmp(s, "-D")) { NEED_ARG(); int r = add_define(a, next); if (r) return r; }
        else if (!strncmp(s, "-D", 2) && s[2]) { int r = add_define(a, s + 2); if (r) return r; }
        else if (!strcmp(s, "--providers")) { NEED_ARG(); a->providers = next; }
        else if (!strcmp(s, "--customer")) { NEED_ARG(); a->customer = next; }
        else if (!strcmp(s, "--seed")) {
            NEED_ARG();
            char *end;
            errno = 0;
            unsigned long long v = strtoull(next, &end, 10);
            if (errno || *end || !*next || next[0] == '-') return usage_error("--seed %s: expected a non-negative integer", next);
            a->seed = v;
        }
        else if (!strcmp(s, "-o")) { NEED_ARG(); a->out_path = next; }
        else if (!strcmp(s, "--errors")) {
            NEED_ARG();
            if (!strcmp(next, "json")) a->errors_json = true;
            else if (!strcmp(next, "text")) a->errors_json = false;
            else return usage_error("--errors %s: expected text or json", next);
        }
        else if (!strcmp(s, "--trim-blocks")) a->cfg.trim_blocks = 1;
        else if (!strcmp(s, "--lstrip-blocks")) a->cfg.lstrip_blocks = 1;
        else if (!strcmp(s, "--keep-trailing-newline")) a->cfg.keep_trailing_newline = 1;
        else if (!strcmp(s, "--autoescape")) a->cfg.autoescape = 1;
        else if (!strcmp(s, "--strict-providers")) a->cfg.strict_providers = 1;
        else if (!strcmp(s, "--syntax")) {
            NEED_ARG();
            int k = sscanf(next, "%63s %63s %63s %63s %63s %63s", a->syntax[0], a->syntax[1], a->syntax[2], a->syntax[3],
                           a->syntax[4], a->syntax[5]);
            if (k != 6) return usage_error("--syntax '%s': expected six delimiters: BLOCK_START BLOCK_END VARIABLE_START VARIABLE_END COMMENT_START COMMENT_END", next);
            a->cfg.block_start = a->syntax[0]; a->cfg.block_end = a->syntax[1];
            a->cfg.variable_start = a->syntax[2]; a->cfg.variable_end = a->syntax[3];
            a->cfg.comment_start = a->syntax[4]; a->cfg.comment_end = a->syntax[5];
        }
        else if (!strcmp(s, "--line-statement-prefix")) { NEED_ARG(); a->cfg.line_statement_prefix = next; }
        else if (!strcmp(s, "--line-comment-prefix")) { NEED_ARG(); a->cfg.line_comment_prefix = next; }
        else if (!strcmp(s, "--undefined")) {
            NEED_ARG();
            if (!strcmp(next, "default")) a->cfg.undefined = JINN_UNDEFINED_DEFAULT;
            else if (!strcmp(next, "lenient")) a->cfg.undefined = JINN_UNDEFINED_LENIENT;
            else if (!strcmp(next, "strict")) a->cfg.undefined = JINN_UNDEFINED_STRICT;
            else return usage_error("--undefined %s: expected default, lenient or strict", next);
        }
        else if (!strcmp(s, "-I") || (!strncmp(s, "-I", 2) && s[2])) {
            const char *dir = s[2] ? s + 2 : next;
            if (!s[2]) NEED_ARG();
            if (a->nincdirs == 32) return usage_error("%s", "too many -I directories (32 at most)");
            a->incdirs[a->nincdirs++] = dir;
        }
        else if (!strcmp(s, "--limit")) {
            NEED_ARG();
            const char *eq = strchr(next, '=');
            char *end;
            errno = 0;
            unsigned long long v = eq ? strtoull(eq + 1, &end, 10) : 0;
            if (!eq || errno || *end || !eq[1] || eq[1] == '-')
                return usage_error("--limit %s: expected NAME=NUMBER (see 'jinn limits')", next);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(eq - next), next);
            if (jinn_limits_set(&a->cfg.limits, name, v) != JINN_OK)
                return usage_error("--limit: unknown limit '%s' (see 'jinn limits')", name);
        }
        else if (!strcmp(s, "--timeout")) {
            NEED_ARG();
            char *end;
            errno = 0;
            double secs = strtod(next, &end);
            if (errno || *end || !(secs > 0) || secs > 86400 * 365)
                return usage_error("--timeout %s: expected a positive number of seconds", next);
            a->timeout = secs;
        }
        else if (!strcmp(s, "--profile")) {
            NEED_ARG();
            if (!strcmp(next, "jinja")) a->cfg.profile = JINN_PROFILE_JINJA;
            else if (!strcmp(next, "jinjava")) a->cfg.profile = JINN_PROFILE_JINJAVA;
            else return usage_error("--profile %s: expected jinja or jinjava", next);
        }
        else if (s[0] == '-' && s[1]) return usage_error("unknown option '%s'", s);
        else if (!a->template_path) {
            if (!strcmp(s, "-") && claim_stdin(a, "the template -")) return 2;
            a->template_path = s;
        }
        else return usage_error("unexpected argument '%s' (one template at a time)", s);
#undef NEED_ARG
    }
    if (!a->template_path) return usage_error("%s", "no template given");
    if (a->providers && !strcmp(a->providers, "-") && claim_stdin(a, "--providers -")) return 2;
    if (a->customer && !a->providers)
        return usage_error("%s", "--customer needs --providers (sqlite:DB, or JSON fixtures with a \"customers\" section)");
    return 0;
}

/* ---- errors as JSON ------------------------------------------------------------------------ */

static const char *const kind_names[] = {
    [JINN_ERR_NONE] = "value", [JINN_ERR_SYNTAX] = "syntax", [JINN_ERR_UNDEFINED] = "undefined",
    [JINN_ERR_TYPE] = "type", [JINN_ERR_VALUE] = "value", [JINN_ERR_LIMIT] = "limit",
    [JINN_ERR_PROVIDER] = "provider", [JINN_ERR_IO] = "io",
};

static void print_json_error(const char *file, int line, int col, const char *severity, const char *kind,
                             const char *msg)
{
    cli_buf b = {0};
    cli_puts(&b, "{\"file\":");
    cli_json_string(&b, file ? file : "");
    char num[64];
    snprintf(num, sizeof num, ",\"line\":%d,\"column\":%d,\"severity\":", line, col);
    cli_puts(&b, num);
    cli_json_string(&b, severity);
    cli_puts(&b, ",\"kind\":");
    cli_json_string(&b, kind);
    cli_puts(&b, ",\"message\":");
    cli_json_string(&b, msg ? msg : "error");
    cli_puts(&b, "}\n");
    fputs(b.p, stderr);
    free(b.p);
}

static void report_result(const render_args *a, const jinn_result *res)
{
    if (!a->errors_json) { cli_print_diag(stderr, res->message ? res->message : "error\n"); return; }
    unsigned k = (unsigned)res->kind < sizeof kind_names / sizeof *kind_names ? (unsigned)res->kind : 0;
    print_json_error(res->name, res->line, res->column, "error", kind_names[k], res->text);
}

static void report_warnings(const render_args *a, const char *name, const char *warnings)
{
    if (!warnings) return;
    if (!a->errors_json) { cli_print_warnings(stderr, name, warnings); return; }
    const char *p = warnings;
    while (*p) {
        const char *nl = strchr(p, '\n');
        char *one = strndup(p, nl ? (size_t)(nl - p) : strlen(p));
        print_json_error(name, 0, 0, "warning", "provider", one);
        free(one);
        if (!nl) break;
        p = nl + 1;
    }
}

/* ---- -o: write atomically -------------------------------------------------------------------
 * The output goes to a temporary file beside OUT, which is renamed over OUT once complete: a
 * reader never sees a half-written file, and a failed render leaves OUT as it was. */
static int write_atomic(const char *path, const char *data, size_t len)
{
    cli_buf tmp = {0};
    cli_puts(&tmp, path);
    cli_puts(&tmp, ".jinn-XXXXXX");
    int fd = mkstemp(tmp.p);
    if (fd < 0) {
        fprintf(stderr, "jinn: cannot write '%s': %s\n", path, strerror(errno));
        free(tmp.p);
        return 2;
    }
    /* mkstemp makes the file 0600: give it the mode OUT has, or the usual 0666 & ~umask */
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) mode = st.st_mode & 07777;
    else { mode_t um = umask(0); umask(um); mode = 0666 & ~um; }
    bool ok = fchmod(fd, mode) == 0;
    for (size_t off = 0; ok && off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) { if (errno == EINTR) continue; ok = false; break; }
        off += (size_t)w;
    }
    int e = errno;
    if (close(fd) != 0 && ok) { ok = false; e = errno; }
    if (ok && rename(tmp.p, path) != 0) { ok = false; e = errno; }
    if (!ok) {
        unlink(tmp.p);
        fprintf(stderr, "jinn: cannot write '%s': %s\n", path, strerror(e));
    }
    free(tmp.p);
    return ok ? 0 : 2;
}

/* ---- render and disasm ----------------------------------------------------------------------- */

static int cmd_render(int argc, char **argv, bool disasm)
{
    render_args a;
    int r = parse_render_args(argc, argv, &a);
    if (r) { free(a.ctx_parts.p); return r; }
    size_t len;
    char err[512];
    char *src = read_file_msg(a.template_path, &len, err, sizeof err);
    if (!src) {
        if (a.errors_json) print_json_error(a.template_path, 0, 0, "error", "io", err);
        else fprintf(stderr, "jinn: %s\n", err);
        free(a.ctx_parts.p);
        return 2;
    }
    const char *name = strcmp(a.template_path, "-") ? a.template_path : "<stdin>";
    jinn_env *env = jinn_env_new(&a.cfg);
    jinn_result res;
    jinn_template *t = NULL;
    jinn_context *ctx = NULL;
    int status = 0;
    if (!env) { fprintf(stderr, "jinn: out of memory\n"); free(src); free(a.ctx_parts.p); return 1; }
    /* include / import search: the -I directories, then the template's own directory */
    for (int i = 0; i < a.nincdirs; i++) jinn_env_add_search_path(env, a.incdirs[i]);
    cli_add_template_dir(env, a.template_path);
    if (a.providers && !strncmp(a.providers, "sqlite:", 7)) {
        if (jinn_env_use_sqlite_provider(env, a.providers + 7, &res) != JINN_OK) {
            if (a.errors_json) print_json_error(a.providers + 7, 0, 0, "error", "provider", res.text);
            else fprintf(stderr, "jinn: %s\n", res.text);
            jinn_result_clear(env, &res);
            status = 2;
            goto done;
        }
        if (a.customer) { /* the customer's attributes are the variable `customer` */
            char *attrs = cli_customer_attributes(a.providers + 7, a.customer, err, sizeof err);
            if (!attrs) {
                if (a.errors_json) print_json_error(a.providers + 7, 0, 0, "error", "provider", err);
                else fprintf(stderr, "jinn: %s\n", err);
                status = 2;
                goto done;
            }
            if (a.nparts++) cli_puts(&a.ctx_parts, ",");
            cli_puts(&a.ctx_parts, "\"customer\": ");
            cli_puts(&a.ctx_parts, attrs);
            free(attrs);
        }
    } else if (a.providers) {
        size_t plen;
        char *ptext = read_file_msg(a.providers, &plen, err, sizeof err);
        if (!ptext) {
            if (a.errors_json) print_json_error(a.providers, 0, 0, "error", "io", err);
            else fprintf(stderr, "jinn: %s\n", err);
            status = 2;
            goto done;
        }
        if (jinn_env_use_json_provider(env, ptext, plen, &res) != JINN_OK) {
            if (a.errors_json) print_json_error(a.providers, res.line, res.column, "error", "provider", res.text);
            else fprintf(stderr, "jinn: %s: %s\n", a.providers, res.text);
            jinn_result_clear(env, &res);
            free(ptext);
            status = 2;
            goto done;
        }
        free(ptext);
    }
    if (jinn_compile(env, name, src, len, &t, &res) != JINN_OK) {
        report_result(&a, &res);
        jinn_result_clear(env, &res);
        status = 1;
        goto done;
    }
    if (disasm) {
        jinn_buf out = {0};
        jinn_disasm(t, &out);
        fwrite(out.data, 1, out.len, stdout);
        jinn_buf_free(env, &out);
        goto done;
    }
    {
        cli_buf ctxjson = {0};
        cli_puts(&ctxjson, "{");
        if (a.ctx_parts.p) cli_puts(&ctxjson, a.ctx_parts.p);
        cli_puts(&ctxjson, "}");
        if (jinn_context_from_json(env, ctxjson.p, ctxjson.len, &ctx, &res) != JINN_OK) {
            if (a.errors_json) print_json_error("context", res.line, res.column, "error", "value", res.text);
            else fprintf(stderr, "jinn: context: %s\n", res.text);
            jinn_result_clear(env, &res);
            free(ctxjson.p);
            status = 2;
            goto done;
        }
        free(ctxjson.p);
    }
    {
        arm_interrupt(a.timeout);
        jinn_render_opts opts = {.context = ctx, .seed = a.seed, .interrupt = &g_interrupt, .customer_id = a.customer};
        jinn_buf out = {0};
        jinn_status st = jinn_render(t, &opts, &out, &res);
        report_warnings(&a, name, res.warnings);
        if (st != JINN_OK) {
            /* the jinjava profile collects errors beside the output, as Jinjava does: print
             * the output it kept (stdout only; -o is never written from a failed render) */
            if (a.cfg.profile == JINN_PROFILE_JINJAVA && out.len && !(a.out_path && strcmp(a.out_path, "-")))
                fwrite(out.data, 1, out.len, stdout);
            report_result(&a, &res);
            status = 1;
        } else if (a.out_path && strcmp(a.out_path, "-")) {
            status = write_atomic(a.out_path, out.data, out.len);
        } else {
            fwrite(out.data, 1, out.len, stdout);
        }
        jinn_result_clear(env, &res);
        jinn_buf_free(env, &out);
    }
done:
    jinn_context_free(ctx);
    jinn_template_free(t);
    jinn_env_free(env);
    free(src);
    free(a.ctx_parts.p);
    return status;
}

/* ---- the dispatcher -------------------------------------------------------------------------- */

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) { print_overview(stdout); return 0; }
    const command_help *c = find_command(argv[0]);
    if (!c) return usage_error("help: unknown command '%s'", argv[0]);
    fputs(c->text, stdout);
    return 0;
}

static bool wants_help(int argc, char **argv)
{
    return argc > 0 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));
}

/* jinn builtins [--json]: the builtin filters, tests, functions and methods */
static int cmd_builtins(int argc, char **argv)
{
    bool json = false, jinjava = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = true;
        else if (!strcmp(argv[i], "--profile") && i + 1 < argc && (!strcmp(argv[i + 1], "jinjava") || !strcmp(argv[i + 1], "jinja")))
            jinjava = !strcmp(argv[++i], "jinjava");
        else return usage_error("builtins: expected --json or --profile jinja|jinjava, not '%s'", argv[i]);
    }
    jinn_env *env = jinn_env_new(NULL);
    jinn_buf out = {0};
    if (!env || jinn_builtins_json(env, &out) != JINN_OK) { fprintf(stderr, "jinn: out of memory\n"); return 1; }
    if (jinjava) { /* Jinjava 2.8's registries, each marked implemented or not */
        cli_builtins_jinjava(out.data, out.len, json);
    } else if (json) {
        fwrite(out.data, 1, out.len, stdout);
    } else {
        /* a compact listing: "filters: a b c", from the same JSON */
        json_error_t e;
        json_t *root = json_loadb(out.data, out.len, 0, &e);
        const char *kinds[] = {"filters", "tests", "functions", "modules"};
        for (int k = 0; root && k < 4; k++) {
            json_t *arr = json_object_get(root, kinds[k]);
            printf("%s (%zu):", kinds[k], json_array_size(arr));
            size_t i;
            json_t *x;
            json_array_foreach(arr, i, x) printf(" %s", json_string_value(json_object_get(x, "name")));
            printf("\n");
        }
        json_decref(root);
    }
    jinn_buf_free(env, &out);
    jinn_env_free(env);
    return 0;
}

/* jinn limits [--limit NAME=N]...: the limits a render runs with */
static int cmd_limits(int argc, char **argv)
{
    render_args a;
    memset(&a, 0, sizeof a);
    jinn_config_init(&a.cfg);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            const char *next = argv[++i], *eq = strchr(next, '=');
            char name[64], *end;
            if (!eq) return usage_error("--limit %s: expected NAME=NUMBER", next);
            snprintf(name, sizeof name, "%.*s", (int)(eq - next), next);
            unsigned long long v = strtoull(eq + 1, &end, 10);
            if (*end || !eq[1] || jinn_limits_set(&a.cfg.limits, name, v) != JINN_OK)
                return usage_error("--limit %s: unknown limit or bad number", next);
        } else {
            return usage_error("limits: unexpected argument '%s'", argv[i]);
        }
    }
    char text[2048];
    jinn_limits_describe(&a.cfg.limits, text, sizeof text);
    fputs(text, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) { print_overview(stderr); return 2; }
    const char *cmd = argv[1];
    int n = argc - 2;
    char **args = argv + 2;
    if (find_command(cmd) && wants_help(n, args)) { fputs(find_command(cmd)->text, stdout); return 0; }
    if (!strcmp(cmd, "render")) return cmd_render(n, args, false);
    if (!strcmp(cmd, "disasm")) return cmd_render(n, args, true);
    if (!strcmp(cmd, "test")) return cli_test(n, args);
    if (!strcmp(cmd, "repl")) return cli_repl(n, args);
    if (!strcmp(cmd, "check")) return cli_check(n, args);
    if (!strcmp(cmd, "batch")) return cli_batch(n, args);
    if (!strcmp(cmd, "limits")) return cmd_limits(n, args);
    if (!strcmp(cmd, "builtins")) return cmd_builtins(n, args);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("jinn %s\n", JINN_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return cmd_help(n, args);
    return usage_error("unknown command '%s'", cmd);
}
