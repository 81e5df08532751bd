/*
 * main.c — the `jinn` command: the dispatcher over the command table (commands.c), and
 * render, disasm, builtins and limits.
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
#include "options.h"

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
    /* jansson writes the string (escapes, and \uFFFD for what is not UTF-8 never happens:
     * a string that is not UTF-8 is written as null) */
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    cli_puts(b, t ? t : "null");
    free(t);
    json_decref(j);
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

void cli_print_warning(FILE *f, const jinn_diagnostic *d)
{
    bool color = cli_color(f);
    char where[600];
    if (d->line > 0) snprintf(where, sizeof where, "%s:%d:%d:", d->name, d->line, d->column);
    else snprintf(where, sizeof where, "%s:", d->name);
    if (color) fprintf(f, BOLD "%s" RESET " " YELLOW "warning:" RESET " %s\n", where, d->message);
    else fprintf(f, "%s warning: %s\n", where, d->message);
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

/* Read all of f, but never more than max bytes: NULL on failure (errno set; EFBIG when f
 * holds more than max). A file that has a size is refused on its size, before a byte is
 * read; a pipe or a device (/dev/zero) is read up to max + 1 bytes, never further. */
static char *slurp(FILE *f, size_t *len, size_t max)
{
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
        errno = EFBIG;
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t want = cap - n - 1;
        if (want > max + 1 - n) want = max + 1 - n;
        size_t got = fread(buf + n, 1, want, f);
        n += got;
        if (n > max) { free(buf); buf = NULL; errno = EFBIG; break; }
        if (got < want) {
            if (ferror(f)) { int e = errno; free(buf); buf = NULL; errno = e ? e : EIO; }
            break;
        }
        if (n + 1 < cap) continue;
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

/* read_file with the failure as text instead of on stderr (for --errors json); at most max
 * bytes, the cap named by the limit `limit` (template_bytes, context_bytes) */
static char *read_file_max(const char *path, size_t *len, size_t max, const char *limit, char *err, size_t errsize)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    errno = 0;
    char *buf = slurp(f, len, max);
    int e = errno;
    if (f != stdin) fclose(f);
    if (!buf && e == EFBIG)
        snprintf(err, errsize, "cannot read '%s': limit '%s' exceeded: more than %zu bytes", path, limit, max);
    else if (!buf) snprintf(err, errsize, "cannot read '%s': %s", path, strerror(e ? e : EIO));
    return buf;
}

/* a template, capped by the default template_bytes limit */
static char *read_file_msg(const char *path, size_t *len, char *err, size_t errsize)
{
    jinn_limits l;
    jinn_limits_init(&l);
    return read_file_max(path, len, l.template_bytes, "template_bytes", err, errsize);
}

void cli_add_template_dir(jinn_env *env, const char *template_path)
{
    if (!strcmp(template_path, "-")) return;
    const char *slash = strrchr(template_path, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - template_path) : 1, slash ? template_path : ".");
    jinn_env_add_search_path(env, dir[0] ? dir : "/");
}

char *cli_read_text(const char *path, size_t *len, size_t max, const char *limit, char *err, size_t errsize)
{
    return read_file_max(path, len, max, limit, err, errsize);
}

char *cli_read_file_max(const char *path, size_t *len, size_t max, const char *limit)
{
    char err[512];
    char *buf = read_file_max(path, len, max, limit, err, sizeof err);
    if (!buf) fprintf(stderr, "jinn: %s\n", err);
    return buf;
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
    struct { bool define; const char *arg; } ctx_src[256]; /* --context and -D, in order */
    int nctx;
    const char *ctx_format;  /* --format json|yaml for the --context files; NULL: by extension */
    const char *providers;
    const char *customer; /* --customer ID (with --providers sqlite:DB) */
    const char *out_path;
    const char *stdin_user; /* the option that reads stdin, to refuse a second one */
    bool errors_json;
    opt_engine eng;      /* config, seed, syntax */
    double timeout;      /* --timeout SECONDS, 0: none */
    const char *incdirs[32]; /* -I DIR: where include / import look */
    int nincdirs;
    const cli_command *cmd;
} render_args;

static int claim_stdin(render_args *a, const char *who)
{
    if (a->stdin_user) {
        return opt_usage(a->cmd, "%s: stdin is already read by %s", who, a->stdin_user);
    }
    a->stdin_user = who;
    return 0;
}

/* --context and -D are kept in order and merged after the options are read (context.c), so
 * that --format and --errors apply whatever their place on the command line */
static int add_context_source(render_args *a, bool define, const char *arg)
{
    if (!define && !strcmp(arg, "-") && claim_stdin(a, "--context -")) return 2;
    if (a->nctx == (int)(sizeof a->ctx_src / sizeof a->ctx_src[0]))
        return opt_usage(a->cmd, "%s", "too many --context and -D options (256 at most)");
    a->ctx_src[a->nctx].define = define;
    a->ctx_src[a->nctx++].arg = arg;
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

static int render_option(void *ctx, int id, const char *arg)
{
    render_args *a = ctx;
    const cli_command *cmd = a->cmd;
    switch (id) {
    case OPT_CONTEXT: return add_context_source(a, false, arg);
    case OPT_DEFINE: return add_context_source(a, true, arg);
    case OPT_FORMAT:
        if (strcmp(arg, "json") && strcmp(arg, "yaml")) return opt_usage(cmd, "--format %s: expected json or yaml (the --context files)", arg);
        a->ctx_format = arg;
        return 0;
    case OPT_PROVIDERS: a->providers = arg; return 0;
    case OPT_CUSTOMER: a->customer = arg; return 0;
    case OPT_OUTPUT: a->out_path = arg; return 0;
    case OPT_ERRORS:
        if (!strcmp(arg, "json")) a->errors_json = true;
        else if (!strcmp(arg, "text")) a->errors_json = false;
        else return opt_usage(cmd, "--errors %s: expected text or json", arg);
        return 0;
    case OPT_INCLUDE_DIR:
        if (a->nincdirs == 32) return opt_usage(cmd, "%s", "too many -I directories (32 at most)");
        a->incdirs[a->nincdirs++] = arg;
        return 0;
    case OPT_TIMEOUT: {
        char *end;
        errno = 0;
        double secs = strtod(arg, &end);
        if (errno || *end || !(secs > 0) || secs > 86400 * 365)
            return opt_usage(cmd, "--timeout %s: expected a positive number of seconds", arg);
        a->timeout = secs;
        return 0;
    }
    case OPT_ARG:
        if (a->template_path) return opt_usage(cmd, "unexpected argument '%s' (one template at a time)", arg);
        if (!strcmp(arg, "-") && claim_stdin(a, "the template -")) return 2;
        a->template_path = arg;
        return 0;
    }
    return opt_engine_apply(&a->eng, cmd, id, arg);
}

static int parse_render_args(const cli_command *cmd, int argc, char **argv, render_args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    opt_engine_init(&a->eng);
    int r = opt_parse(cmd, argc, argv, render_option, a);
    if (r) return r;
    if (!a->template_path) return opt_usage(cmd, "%s", "no template given");
    if (a->providers && !strcmp(a->providers, "-") && claim_stdin(a, "--providers -")) return 2;
    if (a->customer && !a->providers)
        return opt_usage(cmd, "%s", "--customer needs --providers (sqlite:DB, or JSON fixtures with a \"customers\" section)");
    return 0;
}

/* ---- errors as JSON ------------------------------------------------------------------------ */

void cli_print_json_diag(FILE *f, const jinn_diagnostic *d)
{
    jinn_buf b = {0};
    if (jinn_diagnostic_json(NULL, d, &b) == JINN_OK) fputs(b.data, f);
    else fputs("{\"severity\":1,\"code\":\"limit\",\"source\":\"jinn\",\"message\":\"out of memory\"}\n", f);
    jinn_buf_free(NULL, &b);
}

static void print_json_error(const char *file, int line, int col, jinn_error_kind kind, const char *msg)
{
    jinn_diagnostic d = {JINN_SEVERITY_ERROR, kind, file ? file : "", line, col, 0, msg ? msg : "error"};
    cli_print_json_diag(stderr, &d);
}

static void report_result(const render_args *a, const jinn_result *res)
{
    if (!a->errors_json) { cli_print_diag(stderr, res->message ? res->message : "error\n"); return; }
    print_json_error(res->name, res->line, res->column, res->kind, res->text);
}

static void report_warnings(const render_args *a, const char *name, const jinn_result *res)
{
    if (!res->warnings) return;
    if (!res->warning_list) { cli_print_warnings(stderr, name, res->warnings); return; } /* no memory for the records */
    for (int i = 0; i < res->nwarnings; i++) {
        if (a->errors_json) cli_print_json_diag(stderr, &res->warning_list[i]);
        else cli_print_warning(stderr, &res->warning_list[i]);
    }
}

/* The context of the render: the --context files and -D definitions merged (context.c), then
 * the customer's attributes as `customer`. 0, or 2 with the error reported. */
/* A lone JSON --context file with an integer beyond int64 (jansson, which merges the sources,
 * holds none): its text goes to the engine as it is, which reads such integers exactly. */
static int big_int_context(render_args *a, jinn_env *env, const char *customer_attrs, const cli_ctx_error *err,
                           jinn_context **out)
{
    const char *path = a->ctx_src[0].arg;
    if (a->nctx != 1 || a->ctx_src[0].define || customer_attrs || !strcmp(path, "-") || !strstr(err->message, "too big") ||
        strncmp(err->message, "the context is not valid JSON", 29))
        return -1;
    size_t n;
    char msg[512];
    char *text = cli_read_text(path, &n, a->eng.cfg.limits.context_bytes, "context_bytes", msg, sizeof msg);
    if (!text) return -1;
    jinn_result res;
    int r = 0;
    if (jinn_context_from_json(env, text, n, out, &res) != JINN_OK) {
        if (a->errors_json) print_json_error("context", res.line, res.column, res.kind, res.text);
        else fprintf(stderr, "jinn: --context %s: %s\n", path, res.text);
        jinn_result_clear(env, &res);
        r = 2;
    }
    free(text);
    return r;
}

static int build_context(render_args *a, jinn_env *env, const char *customer_attrs, jinn_context **out)
{
    json_t *obj = json_object();
    if (!obj) { fprintf(stderr, "jinn: out of memory\n"); return 2; }
    cli_ctx_error err;
    int r = 0;
    for (int i = 0; !r && i < a->nctx; i++) {
        r = a->ctx_src[i].define ? cli_context_define(obj, a->ctx_src[i].arg, &err)
                                 : cli_context_file(obj, a->ctx_src[i].arg, a->ctx_format, a->eng.cfg.limits.context_bytes, &err);
        if (!r) continue;
        int big = big_int_context(a, env, customer_attrs, &err, out);
        if (big >= 0) { json_decref(obj); return big; }
        if (strstr(err.message, "too big") && strlen(err.message) + 80 < sizeof err.message)
            strcat(err.message, " (beyond int64: read exactly only from a lone JSON --context file)");
        if (a->errors_json) {
            jinn_diagnostic d = {JINN_SEVERITY_ERROR, err.io ? JINN_ERR_IO : JINN_ERR_SYNTAX, err.file, err.line, err.column, 0,
                                 err.message};
            cli_print_json_diag(stderr, &d);
        } else if (err.io) {
            fprintf(stderr, "jinn: %s\n", err.message);
        } else if (a->ctx_src[i].define) {
            opt_usage(a->cmd, "%s", err.message);
        } else if (err.line) {
            opt_usage(a->cmd, "--context %s: %s at line %d, column %d", err.file, err.message, err.line, err.column);
        } else {
            opt_usage(a->cmd, "--context %s: %s", err.file, err.message);
        }
    }
    if (!r && customer_attrs) {
        json_error_t jerr;
        json_t *c = json_loads(customer_attrs, 0, &jerr);
        if (c) json_object_set_new(obj, "customer", c);
    }
    char *text = r ? NULL : json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (r) return r;
    if (!text) { fprintf(stderr, "jinn: out of memory\n"); return 2; }
    jinn_result res;
    if (jinn_context_from_json(env, text, strlen(text), out, &res) != JINN_OK) {
        if (a->errors_json) print_json_error("context", res.line, res.column, res.kind, res.text);
        else fprintf(stderr, "jinn: context: %s\n", res.text);
        jinn_result_clear(env, &res);
        r = 2;
    }
    free(text);
    return r;
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

static int render_or_disasm(const cli_command *cmd, int argc, char **argv, bool disasm)
{
    render_args a;
    int r = parse_render_args(cmd, argc, argv, &a);
    if (r) return r;
    size_t len;
    char err[512];
    char *src = read_file_max(a.template_path, &len, a.eng.cfg.limits.template_bytes, "template_bytes", err, sizeof err);
    if (!src) {
        if (a.errors_json) print_json_error(a.template_path, 0, 0, JINN_ERR_IO, err);
        else fprintf(stderr, "jinn: %s\n", err);
        return 2;
    }
    const char *name = strcmp(a.template_path, "-") ? a.template_path : "<stdin>";
    jinn_env *env = jinn_env_new(&a.eng.cfg);
    jinn_result res;
    jinn_template *t = NULL;
    jinn_context *ctx = NULL;
    int status = 0;
    char *customer_attrs = NULL;
    if (!env) { fprintf(stderr, "jinn: out of memory\n"); free(src); return 1; }
    /* include / import search: the -I directories, then the template's own directory */
    for (int i = 0; i < a.nincdirs; i++) jinn_env_add_search_path(env, a.incdirs[i]);
    cli_add_template_dir(env, a.template_path);
    if (a.providers && !strncmp(a.providers, "sqlite:", 7)) {
        if (jinn_env_use_sqlite_provider(env, a.providers + 7, &res) != JINN_OK) {
            if (a.errors_json) print_json_error(a.providers + 7, 0, 0, JINN_ERR_PROVIDER, res.text);
            else fprintf(stderr, "jinn: %s\n", res.text);
            jinn_result_clear(env, &res);
            status = 2;
            goto done;
        }
        if (a.customer) { /* the customer's attributes are the variable `customer` */
            customer_attrs = cli_customer_attributes(a.providers + 7, a.customer, err, sizeof err);
            if (!customer_attrs) {
                if (a.errors_json) print_json_error(a.providers + 7, 0, 0, JINN_ERR_PROVIDER, err);
                else fprintf(stderr, "jinn: %s\n", err);
                status = 2;
                goto done;
            }
        }
    } else if (a.providers) {
        size_t plen;
        char *ptext = read_file_max(a.providers, &plen, a.eng.cfg.limits.context_bytes, "context_bytes", err, sizeof err);
        if (!ptext) {
            if (a.errors_json) print_json_error(a.providers, 0, 0, JINN_ERR_IO, err);
            else fprintf(stderr, "jinn: %s\n", err);
            status = 2;
            goto done;
        }
        /* a fixture that is not JSON: the error at its line and column in that file */
        json_error_t jerr;
        json_t *pj = json_loadb(ptext, plen, JSON_ALLOW_NUL, &jerr);
        json_decref(pj);
        if (!pj) {
            char m[400];
            snprintf(m, sizeof m, "provider fixtures are not valid JSON: %s", jerr.text);
            if (a.errors_json) print_json_error(a.providers, jerr.line, jerr.column, JINN_ERR_SYNTAX, m);
            else fprintf(stderr, "jinn: %s:%d:%d: %s\n", a.providers, jerr.line, jerr.column, m);
            free(ptext);
            status = 2;
            goto done;
        }
        if (jinn_env_use_json_provider(env, ptext, plen, &res) != JINN_OK) {
            if (a.errors_json) print_json_error(a.providers, res.line, res.column, JINN_ERR_PROVIDER, res.text);
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
    status = build_context(&a, env, customer_attrs, &ctx);
    if (status) goto done;
    {
        arm_interrupt(a.timeout);
        jinn_render_opts opts = {.context = ctx, .seed = a.eng.seed, .interrupt = &g_interrupt, .customer_id = a.customer};
        jinn_buf out = {0};
        jinn_status st = jinn_render(t, &opts, &out, &res);
        report_warnings(&a, name, &res);
        if (st != JINN_OK) {
            /* the jinjava profile collects errors beside the output, as Jinjava does: print
             * the output it kept (stdout only; -o is never written from a failed render) */
            if (a.eng.cfg.profile == JINN_PROFILE_JINJAVA && out.len && !(a.out_path && strcmp(a.out_path, "-")))
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
    free(customer_attrs);
    return status;
}

int cli_render(const cli_command *cmd, int argc, char **argv) { return render_or_disasm(cmd, argc, argv, false); }
int cli_disasm(const cli_command *cmd, int argc, char **argv) { return render_or_disasm(cmd, argc, argv, true); }

/* jinn builtins [--json] [--profile P]: the builtin filters, tests, functions and methods */
typedef struct {
    const cli_command *cmd;
    opt_engine eng;
    bool json;
} builtins_args;

static int builtins_option(void *ctx, int id, const char *arg)
{
    builtins_args *a = ctx;
    if (id == OPT_JSON) { a->json = true; return 0; }
    if (id == OPT_ARG) return opt_usage(a->cmd, "unexpected argument '%s'", arg);
    return opt_engine_apply(&a->eng, a->cmd, id, arg);
}

int cli_builtins(const cli_command *cmd, int argc, char **argv)
{
    builtins_args a = {.cmd = cmd};
    opt_engine_init(&a.eng);
    int r = opt_parse(cmd, argc, argv, builtins_option, &a);
    if (r) return r;
    jinn_env *env = jinn_env_new(&a.eng.cfg);
    jinn_buf out = {0};
    if (!env || jinn_builtins_json(env, &out) != JINN_OK) { fprintf(stderr, "jinn: out of memory\n"); return 1; }
    if (a.eng.cfg.profile == JINN_PROFILE_JINJAVA) { /* Jinjava 2.8's registries, each marked implemented or not */
        cli_builtins_jinjava(out.data, out.len, a.json);
    } else if (a.json) {
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
static int limits_option(void *ctx, int id, const char *arg)
{
    builtins_args *a = ctx;
    if (id == OPT_ARG) return opt_usage(a->cmd, "unexpected argument '%s'", arg);
    return opt_engine_apply(&a->eng, a->cmd, id, arg);
}

int cli_limits(const cli_command *cmd, int argc, char **argv)
{
    builtins_args a = {.cmd = cmd};
    opt_engine_init(&a.eng);
    int r = opt_parse(cmd, argc, argv, limits_option, &a);
    if (r) return r;
    char text[2048];
    jinn_limits_describe(&a.eng.cfg.limits, text, sizeof text);
    fputs(text, stdout);
    return 0;
}

/* ---- the dispatcher -------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc < 2) { cli_print_help(stderr, NULL); return 2; }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) name = "version";
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) name = "help";
    const cli_command *cmd = cli_find_command(name);
    if (!cmd) {
        fprintf(stderr, "jinn: unknown command '%s'\n(run 'jinn help' for usage)\n", name);
        return 2;
    }
    return cmd->run(cmd, argc - 2, argv + 2);
}
