/*
 * oom_test.c — allocator failure injection: for every N, the Nth allocation fails. Compiling,
 * building a context, rendering and freeing must then fail cleanly — JINN_NOMEM from the call
 * whose allocation failed, a result whose message is never NULL, never a crash or a memory
 * error (the suite also runs under ASan) — and every byte taken through the allocator hook
 * must be given back. Prints "N passed, M failed".
 *
 *   oom_test                                   the built-in case below
 *   oom_test -f TEMPLATE [CONTEXT.json] [PROVIDERS.json]   a template file (its folder is the
 *                                              search path; the stdlib modules come with it),
 *                                              rendered with trim_blocks and lstrip_blocks
 *   oom_test N [trace]                         one budget of the built-in case, for debugging
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jinn.h"

static long budget;     /* allocations left before one fails; < 0: never fail */
static long live_bytes;

static int trace;
static void *failing_alloc(void *user, void *ptr, size_t old, size_t n)
{
    (void)user;
    if (trace) fprintf(stderr, "alloc %p old=%zu new=%zu budget=%ld\n", ptr, old, n, budget);
    if (n == 0) { if (ptr) { live_bytes -= (long)old; free(ptr); } return NULL; }
    if (budget == 0) return NULL;
    if (budget > 0) budget--;
    void *p = ptr ? realloc(ptr, n) : malloc(n);
    if (p) live_bytes += (long)n - (long)(ptr ? old : 0);
    return p;
}

static const char lib[] = "{% macro row(c) %}<{{ c.name|upper }}:{{ c.expression|round(2) }}>{% endmacro %}";
static const char tpl[] =
    "{% import 'lib' as lib %}{% set C = [] %}{% for c in channels %}{% do C.append({'name': c.name, "
    "'expression': c.expression, 'metric': c.metric}) %}{% endfor %}{% set w = [] %}"
    "{% for c in C if c.expression > c.metric %}{% do w.append(c) %}{% endfor %}"
    "{{ (w|sort(true, true, 'expression')|first).name }} {% for c in C %}{{ lib.row(c) }}{% endfor %}"
    "{{ C|map(attribute='name')|join(', ') }} {{ C|tojson }} {{ '%05.1f'|format(3.14159) }}"
    "{% expressionvar e1 %}{{ expression_result }}{% endexpressionvar %}{{ 'a b c'.split() }}";
static const char ctx_json[] =
    "{\"channels\": [{\"name\": \"email\", \"expression\": 7.25, \"metric\": 3.1},"
    "{\"name\": \"sms\", \"expression\": 4.0, \"metric\": 5.5}, {\"name\": \"push\", \"expression\": 8.9, \"metric\": 2.4}]}";
static const char prov[] = "{\"expressions\": {\"e1\": [1, {\"k\": 2}]}}";

/* what one run works on */
static const char *t_name = "t", *t_src = tpl, *t_ctx = ctx_json, *t_prov = prov, *t_dir;
static size_t t_len = sizeof tpl - 1, t_ctxlen = sizeof ctx_json - 1, t_provlen = sizeof prov - 1;
static int t_file; /* a template file: trim_blocks, lstrip_blocks, no "lib" */

static int bad_status; /* a failed call that did not say JINN_NOMEM, or left no message */

/* A call failed while an allocation failed: it must say JINN_NOMEM and leave a message. */
static void check_failure(const char *what, jinn_status st, const jinn_result *res)
{
    if (st != JINN_NOMEM || !res->message || !res->text) {
        bad_status++;
        printf("FAIL: %s answered %d (%s) instead of JINN_NOMEM\n", what, (int)st, res->message ? res->message : "no message");
    }
}

/* one complete run; returns 1 if every step succeeded */
static int run_once(char *expect, size_t cap)
{
    jinn_config cfg;
    jinn_config_init(&cfg);
    cfg.alloc = failing_alloc;
    cfg.trim_blocks = cfg.lstrip_blocks = t_file;
    jinn_env *env = jinn_env_new(&cfg);
    if (!env) return 0;
    int ok = 0;
    jinn_result res;
    jinn_status st;
    jinn_template *t = NULL;
    jinn_context *ctx = NULL;
    jinn_buf out = {0};
    if (!t_file && jinn_env_add_template(env, "lib", lib, sizeof lib - 1) != JINN_OK) goto done;
    if (t_dir && jinn_env_add_search_path(env, t_dir) != JINN_OK) goto done;
    if (t_prov && jinn_env_use_json_provider(env, t_prov, t_provlen, &res) != JINN_OK) { jinn_result_clear(env, &res); goto done; }
    if ((st = jinn_compile(env, t_name, t_src, t_len, &t, &res)) != JINN_OK) { check_failure("jinn_compile", st, &res); jinn_result_clear(env, &res); goto done; }
    if (t_ctx && (st = jinn_context_from_json(env, t_ctx, t_ctxlen, &ctx, &res)) != JINN_OK) { check_failure("jinn_context_from_json", st, &res); jinn_result_clear(env, &res); goto done; }
    jinn_render_opts o = {.context = ctx, .seed = 1};
    if ((st = jinn_render(t, &o, &out, &res)) == JINN_OK) {
        ok = 1;
        if (expect && cap) snprintf(expect, cap, "%s", out.data);
        else if (expect && strncmp(expect, out.data, cap ? cap : 8191)) ok = -1; /* succeeded but wrong */
    } else {
        check_failure("jinn_render", st, &res);
    }
    jinn_result_clear(env, &res);
done:
    jinn_buf_free(env, &out);
    jinn_context_free(ctx);
    jinn_template_free(t);
    jinn_env_free(env);
    return ok;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "%s: cannot read\n", path); exit(2); }
    p[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return p;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    char dir[1024];
    if (argc > 2 && !strcmp(argv[1], "-f")) { /* a template file, its context and providers */
        t_file = 1;
        t_name = argv[2];
        t_src = slurp(argv[2], &t_len);
        t_ctx = argc > 3 && *argv[3] ? slurp(argv[3], &t_ctxlen) : NULL;
        t_prov = argc > 4 ? slurp(argv[4], &t_provlen) : NULL;
        snprintf(dir, sizeof dir, "%s", argv[2]);
        char *slash = strrchr(dir, '/');
        if (slash) { *slash = 0; t_dir = dir; }
        argc = 1;
        if (getenv("OOM_ONE")) { /* one budget of the file's run, for debugging */
            budget = atol(getenv("OOM_ONE"));
            trace = getenv("OOM_TRACE") != NULL;
            int r = run_once(NULL, 0);
            printf("result %d, live bytes %ld\n", r, live_bytes);
            return 0;
        }
    }
    if (argc > 1) { /* one budget, for debugging: oom_test N */
        budget = atol(argv[1]);
        trace = argc > 2;
        live_bytes = 0;
        int r = run_once(NULL, 0);
        printf("result %d, live bytes %ld\n", r, live_bytes);
        return 0;
    }
    static char expect[8192];
    budget = -1;
    live_bytes = 0;
    if (run_once(expect, sizeof expect) != 1) { printf("FAIL: the run without failures failed\n0 passed, 1 failed\n"); return 1; }
    long n;
    for (n = 0; n < 100000; n++) {
        budget = n;
        live_bytes = 0;
        int bad_before = bad_status;
        int r = run_once(expect, 0);
        if (live_bytes != 0) { failed++; printf("FAIL: allocation %ld failing leaks %ld bytes\n", n, live_bytes); }
        else if (r < 0) { failed++; printf("FAIL: allocation %ld failing gave a wrong output\n", n); }
        else if (bad_status != bad_before) { failed++; printf("  (allocation %ld failing)\n", n); }
        else passed++;
        if (r == 1) break; /* the budget is larger than what a whole run needs */
    }
    printf("(%s: a complete run takes %ld allocations)\n", t_name, n);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
