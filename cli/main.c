/*
 * main.c — the `jinn` command: render, disasm, test, version, help.
 *
 * Exit status: 0 success, 1 a template error (diagnostic on stderr), 2 a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: jinn COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  render TEMPLATE|- [options]   render a template to stdout\n"
    "  disasm TEMPLATE [options]     print the template's bytecode\n"
    "  test PATH... [--update]       run golden tests (*.test files, folders recursively)\n"
    "  version                       print the version\n"
    "  help [COMMAND]                this text\n"
    "\n"
    "render options:\n"
    "  --context FILE.json     variables (repeatable; later files override earlier keys)\n"
    "  -D name=value           a string variable;  -D name:=json  a JSON variable\n"
    "  --providers FILE.json   insert-tag fixtures {\"expressions\":{..},\"metrics\":{..},\"aggregates\":{..}}\n"
    "  --strict-providers      a missing provider value is an error (default: none + warning)\n"
    "  --seed N                seed for |random (default 0)\n"
    "  --trim-blocks  --lstrip-blocks  --keep-trailing-newline  --autoescape\n"
    "  --profile jinja|jinjava\n"
    "  -o FILE                 write the output to FILE instead of stdout\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "jinn: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(run 'jinn help' for usage)\n");
    return 2;
}

char *cli_read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "jinn: cannot read '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) {
            if (ferror(f)) { free(buf); buf = NULL; }
            break;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) { free(buf); buf = NULL; break; }
        buf = nb;
        cap *= 2;
    }
    if (f != stdin) fclose(f);
    if (!buf) {
        fprintf(stderr, "jinn: cannot read '%s'\n", path);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* ---- building the context JSON from --context files and -D definitions ----------------- */

typedef struct { char *p; size_t len, cap; } sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
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
static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_json_string(sbuf *b, const char *s)
{
    sb_puts(b, "\"");
    for (; *s; s++) {
        char tmp[8];
        if (*s == '"' || *s == '\\') { tmp[0] = '\\'; tmp[1] = *s; sb_put(b, tmp, 2); }
        else if ((unsigned char)*s < 0x20) { snprintf(tmp, sizeof tmp, "\\u%04x", *s); sb_puts(b, tmp); }
        else sb_put(b, s, 1);
    }
    sb_puts(b, "\"");
}

typedef struct {
    const char *template_path;
    sbuf ctx_parts;      /* JSON object members, merged by a tiny {"a":..}+{"b":..} concatenation */
    int nparts;
    const char *providers;
    const char *out_path;
    uint64_t seed;
    jinn_config cfg;
} render_args;

/* Merge JSON objects by textual concatenation of their members: {"a":1} {"b":2} -> {"a":1,"b":2}.
 * Later duplicate keys win, as jansson keeps the last value of a key. */
static int add_context_file(render_args *a, const char *path)
{
    size_t n;
    char *text = cli_read_file(path, &n);
    if (!text) return 2;
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) i++;
    size_t j = n;
    while (j > i && (text[j - 1] == ' ' || text[j - 1] == '\n' || text[j - 1] == '\t' || text[j - 1] == '\r')) j--;
    if (i >= j || text[i] != '{' || text[j - 1] != '}') {
        free(text);
        return usage_error("--context %s: the file must hold a JSON object", path);
    }
    /* the inside of the object */
    size_t k = i + 1, e = j - 1;
    while (k < e && (text[k] == ' ' || text[k] == '\n' || text[k] == '\t' || text[k] == '\r')) k++;
    if (k < e) {
        if (a->nparts++) sb_puts(&a->ctx_parts, ",");
        sb_put(&a->ctx_parts, text + k, e - k);
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
    if (a->nparts++) sb_puts(&a->ctx_parts, ",");
    char *name = strndup(def, (size_t)(name_end - def));
    sb_json_string(&a->ctx_parts, name);
    free(name);
    sb_puts(&a->ctx_parts, ":");
    if (json) sb_puts(&a->ctx_parts, eq + 1);
    else sb_json_string(&a->ctx_parts, eq + 1);
    return 0;
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
        else if (!strcmp(s, "--seed")) {
            NEED_ARG();
            char *end;
            errno = 0;
            unsigned long long v = strtoull(next, &end, 10);
            if (errno || *end || !*next || next[0] == '-') return usage_error("--seed %s: expected a non-negative integer", next);
            a->seed = v;
        }
        else if (!strcmp(s, "-o")) { NEED_ARG(); a->out_path = next; }
        else if (!strcmp(s, "--trim-blocks")) a->cfg.trim_blocks = 1;
        else if (!strcmp(s, "--lstrip-blocks")) a->cfg.lstrip_blocks = 1;
        else if (!strcmp(s, "--keep-trailing-newline")) a->cfg.keep_trailing_newline = 1;
        else if (!strcmp(s, "--autoescape")) a->cfg.autoescape = 1;
        else if (!strcmp(s, "--strict-providers")) a->cfg.strict_providers = 1;
        else if (!strcmp(s, "--profile")) {
            NEED_ARG();
            if (!strcmp(next, "jinja")) a->cfg.profile = JINN_PROFILE_JINJA;
            else if (!strcmp(next, "jinjava")) a->cfg.profile = JINN_PROFILE_JINJAVA;
            else return usage_error("--profile %s: expected jinja or jinjava", next);
        }
        else if (s[0] == '-' && s[1]) return usage_error("unknown option '%s'", s);
        else if (!a->template_path) a->template_path = s;
        else return usage_error("unexpected argument '%s' (one template at a time)", s);
#undef NEED_ARG
    }
    if (!a->template_path) return usage_error("%s", "no template given");
    return 0;
}

static int cmd_render(int argc, char **argv, bool disasm)
{
    render_args a;
    int r = parse_render_args(argc, argv, &a);
    if (r) { free(a.ctx_parts.p); return r; }
    size_t len;
    char *src = cli_read_file(a.template_path, &len);
    if (!src) { free(a.ctx_parts.p); return 2; }
    const char *name = strcmp(a.template_path, "-") ? a.template_path : "<stdin>";
    jinn_env *env = jinn_env_new(&a.cfg);
    jinn_result res;
    jinn_template *t = NULL;
    jinn_context *ctx = NULL;
    int status = 0;
    if (!env) { fprintf(stderr, "jinn: out of memory\n"); free(src); free(a.ctx_parts.p); return 1; }
    if (a.providers) {
        size_t plen;
        char *ptext = cli_read_file(a.providers, &plen);
        if (!ptext) { status = 2; goto done; }
        if (jinn_env_use_json_provider(env, ptext, plen, &res) != JINN_OK) {
            fprintf(stderr, "jinn: %s: %s\n", a.providers, res.text);
            jinn_result_clear(env, &res);
            free(ptext);
            status = 2;
            goto done;
        }
        free(ptext);
    }
    if (jinn_compile(env, name, src, len, &t, &res) != JINN_OK) {
        fputs(res.message, stderr);
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
        sbuf ctxjson = {0};
        sb_puts(&ctxjson, "{");
        if (a.ctx_parts.p) sb_puts(&ctxjson, a.ctx_parts.p);
        sb_puts(&ctxjson, "}");
        if (jinn_context_from_json(env, ctxjson.p, ctxjson.len, &ctx, &res) != JINN_OK) {
            fprintf(stderr, "jinn: context: %s\n", res.text);
            jinn_result_clear(env, &res);
            free(ctxjson.p);
            status = 2;
            goto done;
        }
        free(ctxjson.p);
    }
    {
        jinn_render_opts opts = {.context = ctx, .seed = a.seed};
        jinn_buf out = {0};
        jinn_status st = jinn_render(t, &opts, &out, &res);
        if (res.warnings) fprintf(stderr, "%s: warning: %s\n", name, res.warnings);
        FILE *f = stdout;
        if (a.out_path && !(f = fopen(a.out_path, "wb"))) {
            fprintf(stderr, "jinn: cannot write '%s': %s\n", a.out_path, strerror(errno));
            status = 2;
        } else if (st == JINN_OK) {
            fwrite(out.data, 1, out.len, f);
        }
        if (f && f != stdout) fclose(f);
        if (st != JINN_OK) {
            fputs(res.message ? res.message : "error\n", stderr);
            status = 1;
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

int main(int argc, char **argv)
{
    if (argc < 2) { fputs(usage_text, stderr); return 2; }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "render")) return cmd_render(argc - 2, argv + 2, false);
    if (!strcmp(cmd, "disasm")) return cmd_render(argc - 2, argv + 2, true);
    if (!strcmp(cmd, "test")) return cli_test(argc - 2, argv + 2);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) { printf("jinn %s\n", JINN_VERSION); return 0; }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) { fputs(usage_text, stdout); return 0; }
    return usage_error("unknown command '%s'", cmd);
}
