/*
 * oom_test.c — allocator failure injection: for every N, the Nth allocation fails. Compiling,
 * building a context, rendering and freeing must then fail cleanly (a status, never a crash),
 * and every byte taken through the allocator hook must be given back. Prints
 * "N passed, M failed".
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

/* one complete run; returns 1 if every step succeeded */
static int run_once(char *expect, size_t cap)
{
    jinn_config cfg;
    jinn_config_init(&cfg);
    cfg.alloc = failing_alloc;
    jinn_env *env = jinn_env_new(&cfg);
    if (!env) return 0;
    int ok = 0;
    jinn_result res;
    jinn_template *t = NULL;
    jinn_context *ctx = NULL;
    jinn_buf out = {0};
    if (jinn_env_add_template(env, "lib", lib, sizeof lib - 1) != JINN_OK) goto done;
    if (jinn_env_use_json_provider(env, prov, sizeof prov - 1, &res) != JINN_OK) { jinn_result_clear(env, &res); goto done; }
    if (jinn_compile(env, "t", tpl, sizeof tpl - 1, &t, &res) != JINN_OK) { jinn_result_clear(env, &res); goto done; }
    if (jinn_context_from_json(env, ctx_json, sizeof ctx_json - 1, &ctx, &res) != JINN_OK) { jinn_result_clear(env, &res); goto done; }
    jinn_render_opts o = {.context = ctx, .seed = 1};
    if (jinn_render(t, &o, &out, &res) == JINN_OK) {
        ok = 1;
        if (expect && cap) snprintf(expect, cap, "%s", out.data);
        else if (expect && strcmp(expect, out.data)) ok = -1; /* succeeded but wrong */
    }
    jinn_result_clear(env, &res);
done:
    jinn_buf_free(env, &out);
    jinn_context_free(ctx);
    jinn_template_free(t);
    jinn_env_free(env);
    return ok;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    if (argc > 1) { /* one budget, for debugging: oom_test N */
        budget = atol(argv[1]);
        trace = argc > 2;
        live_bytes = 0;
        int r = run_once(NULL, 0);
        printf("result %d, live bytes %ld\n", r, live_bytes);
        return 0;
    }
    char expect[4096];
    budget = -1;
    live_bytes = 0;
    if (run_once(expect, sizeof expect) != 1) { printf("FAIL: the run without failures failed\n0 passed, 1 failed\n"); return 1; }
    long n;
    for (n = 0; n < 100000; n++) {
        budget = n;
        live_bytes = 0;
        int r = run_once(expect, 0);
        if (live_bytes != 0) { failed++; printf("FAIL: allocation %ld failing leaks %ld bytes\n", n, live_bytes); }
        else if (r < 0) { failed++; printf("FAIL: allocation %ld failing gave a wrong output\n", n); }
        else passed++;
        if (r == 1) break; /* the budget is larger than what a whole run needs */
    }
    printf("(a complete run takes %ld allocations)\n", n);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
