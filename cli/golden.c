/*
 * golden.c — `jinn test`: the golden-file runner (as jq runs tests/jq.test itself).
 *
 * A case is one file, sections introduced by lines "--- NAME":
 *     --- template        the template text
 *     --- context         JSON object of variables (optional)
 *     --- providers       JSON provider fixtures (optional)
 *     --- options         one per line: seed=N trim_blocks lstrip_blocks keep_trailing_newline
 *                         autoescape strict_providers profile=jinja|jinjava name=NAME
 *                         profile=jinjava:SWITCHES (Jinjava's LegacyOverrides, as --profile)
 *                         limit.NAME=VALUE (e.g. limit.fuel=1000)
 *                         migrate=jinjava:jinja|jinja:jinjava (a check: the migration lint too) (optional)
 *     --- output          the expected render, or
 *     --- error           the expected diagnostic (what `jinn render` prints on stderr)
 *     --- warnings        the expected warnings (optional)
 *     --- kept            with --- error: the output a render kept beside its error (the
 *                         jinjava profile's collected errors) (optional)
 *     --- disasm          instead of rendering: the expected bytecode listing
 *     --- check           instead of rendering: what `jinn check` reports (--- check-json: as JSON)
 *     --- file NAME       another template, for include / import (repeatable)
 * A section's text runs to the next header; its final newline is not part of it. Lines before the
 * first header are a comment (the jinjava cases name the Jinjava source they follow there).
 * On a mismatch the runner prints a unified diff, keeps the actual text in FILE.actual, and
 * with --update rewrites the expectation. It ends with "N passed, M failed".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

typedef struct {
    char name[64];
    const char *text;
    size_t len;
    const char *hdr;  /* where the header line starts (for --update) */
} section;

#define MAX_SECTIONS 16

typedef struct {
    section s[MAX_SECTIONS];
    int n;
} sections;

static void split_sections(const char *text, size_t len, sections *S)
{
    S->n = 0;
    const char *p = text, *end = text + len;
    section *cur = NULL;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le - p >= 4 && !memcmp(p, "--- ", 4) && S->n < MAX_SECTIONS) {
            if (cur) {
                cur->len = (size_t)(p - cur->text);
                if (cur->len && cur->text[cur->len - 1] == '\n') cur->len--;
            }
            cur = &S->s[S->n++];
            size_t nl2 = (size_t)(le - p - 4);
            if (nl2 > 63) nl2 = 63;
            memcpy(cur->name, p + 4, nl2);
            cur->name[nl2] = 0;
            cur->hdr = p;
            cur->text = nl ? nl + 1 : end;
        }
        p = nl ? nl + 1 : end;
    }
    if (cur) {
        cur->len = (size_t)(end - cur->text);
        if (cur->len && cur->text[cur->len - 1] == '\n') cur->len--;
    }
}

static section *find(sections *S, const char *name)
{
    for (int i = 0; i < S->n; i++)
        if (!strcmp(S->s[i].name, name)) return &S->s[i];
    return NULL;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fwrite(data, 1, len, f);
    fclose(f);
    return 0;
}

static void show_diff(const char *path, const char *exp, size_t elen, const char *act, size_t alen)
{
    char ef[4096], af[4096];
    snprintf(ef, sizeof ef, "%s.expected.tmp", path);
    snprintf(af, sizeof af, "%s.actual", path);
    /* each side ends with a newline so diff does not complain */
    char *e = malloc(elen + 1), *a = malloc(alen + 1);
    if (!e || !a) { free(e); free(a); return; }
    memcpy(e, exp, elen); e[elen] = '\n';
    memcpy(a, act, alen); a[alen] = '\n';
    write_file(ef, e, elen + 1);
    write_file(af, a, alen + 1);
    free(e);
    free(a);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("diff", "diff", "-u", "--label", "expected", "--label", "actual", ef, af, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        int st;
        while (waitpid(pid, &st, 0) < 0) {}
    }
    unlink(ef);
}

/* run one case; fills *actual (malloc'd) and whether it is an error */
static int run_case(const char *path, sections *S, char **actual, size_t *alen, char **warnings, char **kept, char **err)
{
    section *tpl = find(S, "template"), *ctx = find(S, "context"), *prov = find(S, "providers"), *opt = find(S, "options");
    *actual = NULL;
    *warnings = NULL;
    *kept = NULL;
    *err = NULL;
    if (!tpl) { *err = strdup("no '--- template' section"); return -1; }
    jinn_config cfg;
    jinn_config_init(&cfg);
    uint64_t seed = 0;
    int migrate = 0; /* 0, or 1 + the profile migrated to */
    char syn[6][64], lsp[256], lcp[256], customer[256] = "";
    char name[256];
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(name, sizeof name, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot && !strcmp(dot, ".test")) strcpy(dot, ".jinja");
    if (opt) {
        const char *p = opt->text, *end = opt->text + opt->len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = (size_t)((nl ? nl : end) - p);
            char line[256];
            if (n > 255) n = 255;
            memcpy(line, p, n);
            line[n] = 0;
            if (!strncmp(line, "seed=", 5)) seed = strtoull(line + 5, NULL, 10);
            else if (!strcmp(line, "trim_blocks")) cfg.trim_blocks = 1;
            else if (!strcmp(line, "lstrip_blocks")) cfg.lstrip_blocks = 1;
            else if (!strcmp(line, "keep_trailing_newline")) cfg.keep_trailing_newline = 1;
            else if (!strcmp(line, "autoescape")) cfg.autoescape = 1;
            else if (!strcmp(line, "strict_providers")) cfg.strict_providers = 1;
            else if (!strcmp(line, "profile=jinjava")) cfg.profile = JINN_PROFILE_JINJAVA;
            else if (!strncmp(line, "profile=jinjava:", 16)) {
                char m[300]; /* a bad switch list is the case's error, as --profile reports it */
                if (opt_profile(line + 8, &cfg, m, sizeof m)) {
                    char full[600];
                    snprintf(full, sizeof full, "--profile %s: %s", line + 8, m);
                    if (!(*actual = strdup(full))) { *err = strdup("out of memory"); return -1; }
                    *alen = strlen(*actual);
                    return 1;
                }
            }
            else if (!strncmp(line, "syntax=", 7) &&
                     sscanf(line + 7, "%63s %63s %63s %63s %63s %63s", syn[0], syn[1], syn[2], syn[3], syn[4], syn[5]) == 6) {
                cfg.block_start = syn[0]; cfg.block_end = syn[1]; cfg.variable_start = syn[2];
                cfg.variable_end = syn[3]; cfg.comment_start = syn[4]; cfg.comment_end = syn[5];
            }
            else if (!strncmp(line, "line_statement_prefix=", 22)) { snprintf(lsp, sizeof lsp, "%s", line + 22); cfg.line_statement_prefix = lsp; }
            else if (!strncmp(line, "line_comment_prefix=", 20)) { snprintf(lcp, sizeof lcp, "%s", line + 20); cfg.line_comment_prefix = lcp; }
            else if (!strncmp(line, "customer=", 9)) snprintf(customer, sizeof customer, "%s", line + 9);
            else if (!strcmp(line, "undefined=strict")) cfg.undefined = JINN_UNDEFINED_STRICT;
            else if (!strcmp(line, "undefined=lenient")) cfg.undefined = JINN_UNDEFINED_LENIENT;
            else if (!strcmp(line, "undefined=chainable")) cfg.undefined = JINN_UNDEFINED_CHAINABLE;
            else if (!strcmp(line, "undefined=debug")) cfg.undefined = JINN_UNDEFINED_DEBUG;
            else if (!strcmp(line, "undefined=default")) cfg.undefined = JINN_UNDEFINED_DEFAULT;
            else if (!strcmp(line, "profile=jinja")) cfg.profile = JINN_PROFILE_JINJA;
            else if (!strcmp(line, "migrate=jinjava:jinja")) { migrate = 1 + JINN_PROFILE_JINJA; cfg.profile = JINN_PROFILE_JINJAVA; }
            else if (!strcmp(line, "migrate=jinja:jinjava")) { migrate = 1 + JINN_PROFILE_JINJAVA; cfg.profile = JINN_PROFILE_JINJA; }
            else if (!strncmp(line, "name=", 5)) snprintf(name, sizeof name, "%s", line + 5);
            else if (!strncmp(line, "limit.", 6) && strchr(line, '=')) {
                char *eq = strchr(line, '=');
                *eq = 0;
                if (jinn_limits_set(&cfg.limits, line + 6, strtoull(eq + 1, NULL, 10)) != JINN_OK) {
                    char m[300];
                    snprintf(m, sizeof m, "unknown limit '%s'", line + 6);
                    *err = strdup(m);
                    return -1;
                }
            }
            else if (line[0]) {
                char m[300];
                snprintf(m, sizeof m, "unknown option '%s'", line);
                *err = strdup(m);
                return -1;
            }
            p = nl ? nl + 1 : end;
        }
    }
    jinn_env *env = jinn_env_new(&cfg);
    jinn_result res;
    memset(&res, 0, sizeof res);
    jinn_template *t = NULL;
    jinn_context *c = NULL;
    int is_error = 0;
    for (int i = 0; i < S->n; i++)
        if (!strncmp(S->s[i].name, "file ", 5)) jinn_env_add_template(env, S->s[i].name + 5, S->s[i].text, S->s[i].len);
    if (prov && jinn_env_use_json_provider(env, prov->text, prov->len, &res) != JINN_OK) {
        *err = strdup(res.text);
        jinn_result_clear(env, &res);
        jinn_env_free(env);
        return -1;
    }
    if (find(S, "check") || find(S, "check-json")) {
        jinn_buf out = {0};
        int e, w;
        if (migrate) jinn_check_migrate(env, name, tpl->text, tpl->len, (jinn_profile)(migrate - 1), find(S, "check-json") != NULL, &out, &e, &w);
        else jinn_check(env, name, tpl->text, tpl->len, find(S, "check-json") != NULL, &out, &e, &w);
        char tail[64];
        snprintf(tail, sizeof tail, "%d errors, %d warnings", e, w);
        size_t n = out.len + strlen(tail);
        *actual = malloc(n + 1);
        memcpy(*actual, out.data ? out.data : "", out.len);
        memcpy(*actual + out.len, tail, strlen(tail) + 1);
        *alen = n;
        jinn_buf_free(env, &out);
        is_error = find(S, "check-json") ? 4 : 3;
    } else if (jinn_compile(env, name, tpl->text, tpl->len, &t, &res) != JINN_OK) {
        *actual = strdup(res.message);
        is_error = 1;
    } else if (find(S, "disasm")) {
        jinn_buf out = {0};
        jinn_disasm(t, &out);
        *actual = malloc(out.len + 1);
        memcpy(*actual, out.data ? out.data : "", out.len + 1);
        *alen = out.len;
        while (*alen && (*actual)[*alen - 1] == '\n') (*actual)[--*alen] = 0;
        jinn_buf_free(env, &out);
        is_error = 2;
    } else {
        const char *cj = ctx ? ctx->text : "{}";
        size_t cl = ctx ? ctx->len : 2;
        if (jinn_context_from_json(env, cj, cl, &c, &res) != JINN_OK) {
            *err = strdup(res.text);
            jinn_result_clear(env, &res);
            jinn_template_free(t);
            jinn_env_free(env);
            return -1;
        }
        jinn_render_opts o = {.context = c, .seed = seed, .customer_id = customer[0] ? customer : NULL};
        jinn_buf out = {0};
        if (jinn_render(t, &o, &out, &res) != JINN_OK) {
            *actual = strdup(res.message);
            *kept = strndup(out.data ? out.data : "", out.len);
            is_error = 1;
        } else {
            *actual = malloc(out.len + 1);
            memcpy(*actual, out.data, out.len + 1);
            *alen = out.len;
        }
        if (res.warnings) *warnings = strdup(res.warnings);
        jinn_buf_free(env, &out);
    }
    if (is_error == 1) {
        *alen = strlen(*actual);
        while (*alen && (*actual)[*alen - 1] == '\n') (*actual)[--*alen] = 0;
    }
    jinn_result_clear(env, &res);
    jinn_context_free(c);
    jinn_template_free(t);
    jinn_env_free(env);
    return is_error;
}

/* rewrite the expectation section(s) of a case file */
static void update_file(const char *path, const char *text, size_t len, sections *S, int is_error,
                        const char *actual, size_t alen, const char *warnings, const char *kept)
{
    /* keep everything before the first expectation header */
    const char *cut = text + len;
    for (int i = 0; i < S->n; i++)
        if (!strcmp(S->s[i].name, "output") || !strcmp(S->s[i].name, "error") || !strcmp(S->s[i].name, "warnings") || !strcmp(S->s[i].name, "kept") ||
            !strcmp(S->s[i].name, "disasm") || !strcmp(S->s[i].name, "check") || !strcmp(S->s[i].name, "check-json"))
            if (S->s[i].hdr < cut) cut = S->s[i].hdr;
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(text, 1, (size_t)(cut - text), f);
    if (cut > text && cut[-1] != '\n') fputc('\n', f);
    static const char *const kinds[] = {"output", "error", "disasm", "check", "check-json"};
    fprintf(f, "--- %s\n", kinds[is_error]);
    fwrite(actual, 1, alen, f);
    fputc('\n', f);
    if (warnings) fprintf(f, "--- warnings\n%s\n", warnings);
    if (kept) fprintf(f, "--- kept\n%s\n", kept);
    fclose(f);
}

typedef struct {
    int passed, failed;
    bool update;
} stats;

static void run_file(const char *path, stats *st)
{
    size_t len;
    char *text = cli_read_file(path, &len);
    if (!text) { st->failed++; return; }
    sections S;
    split_sections(text, len, &S);
    char *actual, *warnings, *kept, *err;
    size_t alen = 0;
    int is_error = run_case(path, &S, &actual, &alen, &warnings, &kept, &err);
    if (is_error < 0) {
        printf("FAIL %s: %s\n", path, err ? err : "bad test file");
        st->failed++;
        free(err);
        free(text);
        return;
    }
    static const char *const kinds[] = {"output", "error", "disasm", "check", "check-json"};
    const char *kind = kinds[is_error];
    section *want = find(&S, kind);
    section *other = find(&S, is_error ? "output" : "error");
    section *ww = find(&S, "warnings"), *wk = find(&S, "kept");
    bool ok = want && alen == want->len && !memcmp(actual, want->text, alen);
    if (ok && ww) ok = warnings && strlen(warnings) == ww->len && !memcmp(warnings, ww->text, ww->len);
    bool kept_ok = !wk || (kept && strlen(kept) == wk->len && !memcmp(kept, wk->text, wk->len));
    ok = ok && kept_ok;
    if (ok) {
        st->passed++;
        char af[4096];
        snprintf(af, sizeof af, "%s.actual", path);
        unlink(af);
    } else if (st->update) {
        update_file(path, text, len, &S, is_error, actual, alen, ww ? warnings : NULL, wk ? kept : NULL);
        printf("UPDATED %s\n", path);
        st->passed++;
    } else {
        st->failed++;
        printf("FAIL %s\n", path);
        if (!want && other)
            printf("  expected %s, got %s\n", is_error ? "output" : "an error", is_error ? "an error" : "output");
        const char *exp = want ? want->text : other ? other->text : "";
        size_t elen = want ? want->len : other ? other->len : 0;
        if (want && !kept_ok && alen == want->len && !memcmp(actual, want->text, alen)) {
            printf("  kept output differs\n");
            show_diff(path, wk->text, wk->len, kept ? kept : "", kept ? strlen(kept) : 0);
        } else if (want && ww && alen == want->len && !memcmp(actual, want->text, alen)) {
            exp = ww->text;
            elen = ww->len;
            printf("  warnings differ\n");
            show_diff(path, exp, elen, warnings ? warnings : "", warnings ? strlen(warnings) : 0);
        } else {
            show_diff(path, exp, elen, actual, alen);
        }
    }
    free(actual);
    free(warnings);
    free(kept);
    free(text);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void run_path(const char *path, stats *st)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        printf("FAIL %s: no such file or directory\n", path);
        st->failed++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) { run_file(path, st); return; }
    DIR *d = opendir(path);
    if (!d) return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t l = strlen(e->d_name);
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        struct stat s2;
        if (stat(full, &s2) != 0) continue;
        if (!S_ISDIR(s2.st_mode) && !(l > 5 && !strcmp(e->d_name + l - 5, ".test"))) continue;
        if (n == cap) { cap = cap ? cap * 2 : 64; names = realloc(names, cap * sizeof *names); }
        names[n++] = strdup(full);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) { run_path(names[i], st); free(names[i]); }
    free(names);
}

typedef struct {
    stats st;
    char **paths;
    int npaths;
} test_args;

static int test_option(void *ctx, int id, const char *arg)
{
    test_args *a = ctx;
    if (id == OPT_UPDATE) a->st.update = true;
    else a->paths[a->npaths++] = (char *)arg; /* OPT_ARG */
    return 0;
}

int cli_test(const cli_command *cmd, int argc, char **argv)
{
    char *paths[argc + 1];
    test_args a = {{0, 0, false}, paths, 0};
    int r = opt_parse(cmd, argc, argv, test_option, &a);
    if (r) return r;
    if (!a.npaths) return opt_usage(cmd, "%s", "give one or more files or folders");
    for (int i = 0; i < a.npaths; i++) run_path(a.paths[i], &a.st);
    printf("%d passed, %d failed\n", a.st.passed, a.st.failed);
    return a.st.failed ? 1 : 0;
}
