/*
 * api_test.c — the embedding API, through include/jinn.h only:
 *   - compile errors come back as a kind, a position and a formatted message;
 *   - a C provider answers the insert tags;
 *   - every allocation goes through the allocator hook, and all of it is given back;
 *   - one compiled template rendered from several threads at once gives identical output
 *     (no global mutable state; context values are shared read-only and copied on write).
 * Prints "N passed, M failed".
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jinn.h"

static int passed, failed;

#define CHECK(cond, ...) do { \
    if (cond) passed++; \
    else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
} while (0)

/* ---- an allocator that counts ------------------------------------------------------------- */
static atomic_long live_bytes, nallocs;

static void *counting_alloc(void *user, void *ptr, size_t old, size_t n)
{
    (void)user;
    if (ptr) atomic_fetch_sub(&live_bytes, (long)old);
    if (n == 0) { free(ptr); return NULL; }
    void *p = realloc(ptr, n);
    if (p) { atomic_fetch_add(&live_bytes, (long)n); atomic_fetch_add(&nallocs, 1); }
    else if (ptr) atomic_fetch_add(&live_bytes, (long)old);
    return p;
}

/* ---- a C provider --------------------------------------------------------------------------- */
static int my_lookup(void *user, jinn_lookup_kind kind, const char *id, size_t len, const char **json, size_t *jlen)
{
    (void)user;
    *json = NULL;
    if (kind == JINN_LOOKUP_EXPRESSION && len == 3 && !memcmp(id, "ctr", 3)) { *json = "0.42"; *jlen = 4; return JINN_OK; }
    if (kind == JINN_LOOKUP_METRIC && len == 4 && !memcmp(id, "base", 4)) { *json = "0.3"; *jlen = 3; return JINN_OK; }
    if (kind == JINN_LOOKUP_AGGREGATE && len == 4 && !memcmp(id, "boom", 4)) { *json = "backend down"; *jlen = 12; return JINN_ERROR; }
    return JINN_ERROR;
}

static const char channel[] =
    "{% set C = [] %}{% for c in channels %}{% do c.update({'seen': true}) %}"
    "{% do C.append({'name': c.name, 'expression': c.expression, 'metric': c.metric}) %}{% endfor %}"
    "{% set w = [] %}{% for c in C if c.expression > c.metric %}{% do w.append(c) %}{% endfor %}"
    "{{ (w|sort(true, true, 'expression')|first).name if w else C|random }} {{ channels|selectattr('seen')|list|length }}"
    "{% expressionvar ctr %}{{ expression_result }}{% endexpressionvar %}";

typedef struct {
    jinn_env *env;
    const jinn_template *t;
    const jinn_context *ctx;
    char expect[256];
    int mismatches;
} thread_arg;

static void *render_many(void *p)
{
    thread_arg *a = p;
    jinn_buf out = {0};
    jinn_result res;
    for (int i = 0; i < 2000; i++) {
        jinn_render_opts o = {.context = a->ctx, .seed = (uint64_t)i};
        if (jinn_render(a->t, &o, &out, &res) != JINN_OK || strcmp(out.data, a->expect)) a->mismatches++;
        jinn_result_clear(a->env, &res);
    }
    jinn_buf_free(a->env, &out);
    return NULL;
}

/* ---- the embedder's filters, tests and functions ------------------------------------------------ */
static int destroyed;
static void on_destroy(void *user) { (void)user; destroyed++; }

static int shout(void *user, jinn_call *c)
{
    (void)user;
    size_t n;
    const char *s = jinn_value_string(jinn_call_arg(c, 0), &n);
    if (!s) return jinn_call_error(c, "shout needs a string");
    char buf[256];
    size_t k = n < 200 ? n : 200;
    for (size_t i = 0; i < k; i++) buf[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
    const jinn_value *mark = jinn_call_kwarg(c, "mark");
    size_t ml = 1;
    const char *m = mark ? jinn_value_string(mark, &ml) : "!";
    memcpy(buf + k, m, ml < 50 ? ml : 50);
    jinn_return_string(c, buf, k + (ml < 50 ? ml : 50));
    return JINN_OK;
}

static int positive(void *user, jinn_call *c)
{
    (void)user;
    jinn_return_bool(c, jinn_value_float(jinn_call_arg(c, 0)) > 0);
    return JINN_OK;
}

static int scale(void *user, jinn_call *c)
{
    double f = *(double *)user;
    if (jinn_call_nargs(c) != 1 || jinn_value_type(jinn_call_arg(c, 0)) == JINN_T_STRING) return jinn_call_error(c, "scale(number)");
    char json[64];
    int n = snprintf(json, sizeof json, "{\"value\": %g, \"n\": %zu}", jinn_value_float(jinn_call_arg(c, 0)) * f,
                     jinn_value_len(jinn_call_arg(c, 0)));
    return jinn_return_json(c, json, (size_t)n);
}

static void native_tests(void)
{
    jinn_env *env = jinn_env_new(NULL);
    static double factor = 2.5;
    destroyed = 0;
    CHECK(jinn_env_register_filter(env, "shout", shout, NULL, on_destroy) == JINN_OK, "register filter");
    CHECK(jinn_env_register_test(env, "positive", positive, NULL, on_destroy) == JINN_OK, "register test");
    CHECK(jinn_env_register_function(env, "scale", scale, &factor, NULL) == JINN_OK, "register function");
    CHECK(jinn_env_register_filter(env, "bad name", shout, NULL, NULL) == JINN_USAGE, "names are identifiers");
    const char *src = "{{ 'hi'|shout }} {{ 'hi'|shout(mark='?') }} {{ 3 is positive }} {{ -1 is not positive }} "
                      "{{ scale(4.5).value }} {{ [1, -2, 3]|select('positive')|list }} {{ ['a']|map('shout')|join }} "
                      "{% filter shout(mark='.')|lower %}x{% endfilter %}";
    jinn_template *t = NULL;
    jinn_result res;
    CHECK(jinn_compile(env, "n", src, strlen(src), &t, &res) == JINN_OK, "compile natives: %s", res.message ? res.message : "");
    jinn_buf out = {0};
    jinn_render_opts o = {0};
    jinn_status st = jinn_render(t, &o, &out, &res);
    CHECK(st == JINN_OK && !strcmp(out.data, "HI! HI? True True 11.25 [1, 3] A! x.") , "natives output '%s' %s", out.data ? out.data : "",
          res.message ? res.message : "");
    jinn_result_clear(env, &res);
    jinn_template_free(t);
    const char *bad = "{{ 5|shout }}";
    CHECK(jinn_compile(env, "b", bad, strlen(bad), &t, &res) == JINN_OK, "compile bad");
    CHECK(jinn_render(t, &o, &out, &res) == JINN_ERROR && strstr(res.text, "shout needs a string") && res.line == 1,
          "a callback's error: %s", res.text ? res.text : "");
    jinn_result_clear(env, &res);
    jinn_template_free(t);
    CHECK(jinn_env_register_filter(env, "shout", shout, NULL, on_destroy) == JINN_OK && destroyed == 1, "re-registering replaces");
    jinn_buf_free(env, &out);
    jinn_env_free(env);
    CHECK(destroyed == 3, "destroy called for each registration (%d)", destroyed);
}

/* ---- streaming ------------------------------------------------------------------------------ */
typedef struct { size_t total, chunks, biggest; int fail_after; } sink;

static int sink_write(void *user, const char *data, size_t len)
{
    sink *k = user;
    (void)data;
    if (k->fail_after >= 0 && (int)k->chunks >= k->fail_after) return 1;
    k->total += len;
    k->chunks++;
    if (len > k->biggest) k->biggest = len;
    return 0;
}

static void streaming_tests(jinn_env *env)
{
    const char *big = "{% for i in range(20000) %}line {{ i }}\n{% endfor %}";
    jinn_template *t = NULL;
    jinn_result res;
    CHECK(jinn_compile(env, "big", big, strlen(big), &t, &res) == JINN_OK, "compile big");
    jinn_buf whole = {0};
    jinn_render_opts o = {0};
    CHECK(jinn_render(t, &o, &whole, &res) == JINN_OK, "render big");
    sink k = {0, 0, 0, -1};
    CHECK(jinn_render_stream(t, &o, sink_write, &k, &res) == JINN_OK, "stream");
    CHECK(k.total == whole.len, "streamed %zu bytes, rendered %zu", k.total, whole.len);
    CHECK(k.chunks > 5 && k.biggest < 20000, "%zu chunks, biggest %zu", k.chunks, k.biggest);
    sink f = {0, 0, 0, 2};
    CHECK(jinn_render_stream(t, &o, sink_write, &f, &res) == JINN_ERROR && res.kind == JINN_ERR_IO, "a failing writer stops the render");
    jinn_result_clear(env, &res);
    jinn_template_free(t);
    jinn_buf_free(env, &whole);
    /* output_bytes counts what was streamed */
    jinn_config cfg;
    jinn_config_init(&cfg);
    cfg.limits.output_bytes = 50000;
    jinn_env *small = jinn_env_new(&cfg);
    CHECK(jinn_compile(small, "big", big, strlen(big), &t, &res) == JINN_OK, "compile big (small env)");
    sink k2 = {0, 0, 0, -1};
    CHECK(jinn_render_stream(t, &o, sink_write, &k2, &res) == JINN_ERROR && res.kind == JINN_ERR_LIMIT &&
          strstr(res.text, "output_bytes"), "output_bytes with streaming: %s", res.text ? res.text : "");
    CHECK(k2.total <= 50000, "streamed %zu bytes past the limit", k2.total);
    jinn_result_clear(small, &res);
    jinn_template_free(t);
    jinn_env_free(small);
}

/* ---- interrupts and the work limits (issue 17.4, 17.6) -------------------------------------- */
static int stop_at(void *user)
{
    int *calls = user;
    return ++calls[0] >= calls[1];
}

static void test_interrupts(void)
{
    jinn_config cfg;
    jinn_config_init(&cfg);
    int calls[2] = {0, 3}; /* stop on the third poll */
    cfg.progress = stop_at;
    cfg.progress_user = calls;
    jinn_env *env = jinn_env_new(&cfg);
    jinn_result res;
    jinn_template *t = NULL;
    jinn_buf out = {0};
    /* a render too small to reach a tick still sees a flag set before it starts */
    const char *tiny = "hello";
    CHECK(jinn_compile(env, "tiny", tiny, strlen(tiny), &t, &res) == JINN_OK, "compile tiny");
    int flag = 1;
    jinn_render_opts o = {.interrupt = &flag};
    CHECK(jinn_render(t, &o, &out, &res) == JINN_ERROR && res.kind == JINN_ERR_LIMIT && strstr(res.text, "limit 'interrupt'"),
          "a set flag stops a tiny render: %s", res.text ? res.text : "(ok)");
    jinn_result_clear(env, &res);
    flag = 0;
    calls[0] = 0;
    calls[1] = 1000;
    CHECK(jinn_render(t, &o, &out, &res) == JINN_OK && calls[0] == 2, "progress polled at start and end: %d", calls[0]);
    jinn_result_clear(env, &res);
    jinn_template_free(t);
    /* a 16 MB replace polls as it charges: the third poll stops the loop at its first replaces */
    const char *big = "{% set s = 'a' * 16000000 %}{% for i in range(1000) %}{% set x = s|replace('a', 'b') %}{% endfor %}";
    CHECK(jinn_compile(env, "big", big, strlen(big), &t, &res) == JINN_OK, "compile big");
    calls[0] = 0;
    calls[1] = 3;
    CHECK(jinn_render(t, &o, &out, &res) == JINN_ERROR && strstr(res.text, "stopped by the progress callback") && calls[0] == 3,
          "progress stops a replace loop: %d calls, %s", calls[0], res.text ? res.text : "(ok)");
    jinn_result_clear(env, &res);
    jinn_template_free(t);
    jinn_buf_free(env, &out);
    jinn_env_free(env);
    /* context_bytes */
    jinn_config_init(&cfg);
    CHECK(jinn_limits_set(&cfg.limits, "context_bytes", 5) == JINN_OK, "context_bytes is a limit");
    env = jinn_env_new(&cfg);
    jinn_context *ctx = NULL;
    CHECK(jinn_context_from_json(env, "{\"a\": 1}", 8, &ctx, &res) == JINN_ERROR && res.kind == JINN_ERR_LIMIT
          && strstr(res.text, "limit 'context_bytes' exceeded: a context of 8 bytes (limit 5)"), "context_bytes: %s", res.text ? res.text : "(ok)");
    jinn_result_clear(env, &res);
    jinn_context_free(ctx);
    jinn_env_free(env);
}

int main(void)
{
    jinn_config cfg;
    jinn_config_init(&cfg);
    cfg.alloc = counting_alloc;
    jinn_env *env = jinn_env_new(&cfg);
    jinn_provider prov = {.version = 1, .lookup = my_lookup};
    CHECK(jinn_env_set_provider(env, &prov, NULL) == JINN_OK, "set provider");

    /* compile errors */
    jinn_template *t = NULL;
    jinn_result res;
    const char *bad = "line one\n{% for x in y %}{{ x }";
    CHECK(jinn_compile(env, "bad.jinja", bad, strlen(bad), &t, &res) == JINN_ERROR, "bad template fails");
    CHECK(res.kind == JINN_ERR_SYNTAX, "kind %d", res.kind);
    CHECK(res.line == 2, "line %d", res.line);
    CHECK(res.message && strstr(res.message, "bad.jinja:2:"), "message %s", res.message ? res.message : "(null)");
    jinn_result_clear(env, &res);

    /* a render with a context and the provider */
    const char *ok = "{{ n * 2 }} {% expressionvar ctr %}{{ expression_result }}{% endexpressionvar %}"
                     "{% metricsvar metric_id:base %}/{{ metric_result }}{% endmetricsvar %}";
    CHECK(jinn_compile(env, "ok", ok, strlen(ok), &t, &res) == JINN_OK, "compile ok");
    jinn_context *ctx = NULL;
    CHECK(jinn_context_from_json(env, "{\"n\": 21}", 9, &ctx, &res) == JINN_OK, "context");
    jinn_buf out = {0};
    jinn_render_opts o = {.context = ctx, .seed = 1};
    CHECK(jinn_render(t, &o, &out, &res) == JINN_OK, "render");
    CHECK(out.data && !strcmp(out.data, "42 0.42/0.3"), "output '%s'", out.data ? out.data : "");
    jinn_result_clear(env, &res);
    jinn_template_free(t);
    jinn_context_free(ctx);
    o.context = NULL;

    /* a provider failure is a provider error naming the id */
    const char *boom = "{% aggregate boom %}{{ aggregate_result }}{% endaggregate %}";
    CHECK(jinn_compile(env, "boom", boom, strlen(boom), &t, &res) == JINN_OK, "compile boom");
    CHECK(jinn_render(t, &o, &out, &res) == JINN_ERROR, "boom fails");
    CHECK(res.kind == JINN_ERR_PROVIDER && strstr(res.text, "boom") && strstr(res.text, "backend down"), "provider error: %s", res.text);
    jinn_result_clear(env, &res);
    jinn_template_free(t);

    /* a missing value: none and a warning */
    const char *miss = "[{% expressionvar nope %}{{ expression_result }}{% endexpressionvar %}]";
    CHECK(jinn_compile(env, "miss", miss, strlen(miss), &t, &res) == JINN_OK, "compile miss");
    CHECK(jinn_render(t, &o, &out, &res) == JINN_OK && !strcmp(out.data, "[None]"), "miss output %s", out.data);
    CHECK(res.nwarnings == 1 && strstr(res.warnings, "nope"), "warning");
    jinn_result_clear(env, &res);
    jinn_template_free(t);

    streaming_tests(env);
    native_tests();

    /* one template, one shared context, four threads */
    CHECK(jinn_compile(env, "channel", channel, strlen(channel), &t, &res) == JINN_OK, "compile channel: %s", res.message);
    const char *cj = "{\"channels\": [{\"name\": \"email\", \"expression\": 7.25, \"metric\": 3.1},"
                     "{\"name\": \"sms\", \"expression\": 4.0, \"metric\": 5.5},"
                     "{\"name\": \"push\", \"expression\": 8.9, \"metric\": 2.4}]}";
    CHECK(jinn_context_from_json(env, cj, strlen(cj), &ctx, &res) == JINN_OK, "channel context");
    thread_arg args[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        args[i].env = env;
        args[i].t = t;
        args[i].ctx = ctx;
        snprintf(args[i].expect, sizeof args[i].expect, "push 30.42");
        args[i].mismatches = 0;
        pthread_create(&th[i], NULL, render_many, &args[i]);
    }
    int mism = 0;
    for (int i = 0; i < 4; i++) { pthread_join(th[i], NULL); mism += args[i].mismatches; }
    CHECK(mism == 0, "%d renders differed across threads", mism);
    /* the shared context was not changed by the renders' updates */
    const char *probe = "{{ channels|selectattr('seen')|list|length }}";
    jinn_template *t2 = NULL;
    jinn_compile(env, "probe", probe, strlen(probe), &t2, &res);
    o.context = ctx;
    CHECK(jinn_render(t2, &o, &out, &res) == JINN_OK && !strcmp(out.data, "0"), "context untouched: %s", out.data);
    jinn_template_free(t2);
    jinn_template_free(t);
    jinn_context_free(ctx);
    jinn_buf_free(env, &out);
    jinn_env_free(env);
    CHECK(atomic_load(&live_bytes) == 0, "%ld bytes still allocated through the hook", atomic_load(&live_bytes));
    CHECK(atomic_load(&nallocs) > 0, "the hook was used");
    test_interrupts();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
