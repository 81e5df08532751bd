/*
 * api_test.c — the embedding API, through include/jinn.h only:
 *   - compile errors come back as a kind, a position and a formatted message;
 *   - a C provider answers the insert tags;
 *   - every allocation goes through the allocator hook, and all of it is given back;
 *   - one compiled template rendered from several threads at once gives identical output
 *     (no global mutable state; context values are shared read-only and copied on write);
 *   - the context builder, dict iteration, typed getters, warnings as records, the version,
 *     a version 3 provider whose answers are released once copied, sessions.
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

/* an embedder's `in` / `eq`: true when the value is a string of one byte (not what the
 * stdlib's tests answer) */
static int one_byte(void *user, jinn_call *c)
{
    (void)user;
    size_t n = 0;
    const char *s = jinn_value_string(jinn_call_arg(c, 0), &n);
    jinn_return_bool(c, s && n == 1);
    return JINN_OK;
}

/* select / selectattr answer the stdlib's `in` and `eq` of a string, and the VM `x is string`,
 * without the call: an embedder's test of the same name is called all the same */
static void native_same_name_tests(void)
{
    jinn_env *env = jinn_env_new(NULL);
    CHECK(jinn_env_register_test(env, "in", one_byte, NULL, NULL) == JINN_OK, "register in");
    CHECK(jinn_env_register_test(env, "equalto", one_byte, NULL, NULL) == JINN_OK, "register equalto");
    CHECK(jinn_env_register_test(env, "string", one_byte, NULL, NULL) == JINN_OK, "register string");
    const char *src = "{{ ['a', 'bc', 'd']|select('in', ['bc'])|list }} {{ ['a', 'bc']|reject('equalto', 'bc')|list }} "
                      "{{ [{'k': 'x'}, {'k': 'yz'}]|selectattr('k', 'in', ['yz'])|map(attribute='k')|join }} "
                      "{{ ['a', 'bc']|select('eq', 'bc')|list }} {{ 'a' is in [] }} {{ 'bc' is string }}{{ 'b' is not string }}";
    jinn_template *t = NULL;
    jinn_result res;
    CHECK(jinn_compile(env, "s", src, strlen(src), &t, &res) == JINN_OK, "compile same-name tests: %s", res.message ? res.message : "");
    jinn_buf out = {0};
    jinn_render_opts o = {0};
    jinn_status st = jinn_render(t, &o, &out, &res);
    CHECK(st == JINN_OK && !strcmp(out.data, "['a', 'd'] ['bc'] x ['bc'] True FalseFalse"), "same-name tests output '%s' %s",
          out.data ? out.data : "", res.message ? res.message : "");
    jinn_result_clear(env, &res);
    jinn_template_free(t);
    jinn_buf_free(env, &out);
    jinn_env_free(env);
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
    /* rows never move: registering many more after the compile leaves the template's rows
     * (the method's, map('shout')'s bound row) where they were */
    for (int i = 0; i < 40; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "more%d", i);
        jinn_env_register_filter(env, nm, shout, NULL, NULL);
    }
    st = jinn_render(t, &o, &out, &res);
    CHECK(st == JINN_OK && !strcmp(out.data, "HI! HI? True True 11.25 [1, 3] A! x."), "natives after more registrations '%s'",
          out.data ? out.data : "");
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

typedef struct {
    char s[256];
} collected;

static void collect_id(void *user, jinn_lookup_kind kind, const char *id, size_t len)
{
    collected *c = user;
    size_t n = strlen(c->s);
    snprintf(c->s + n, sizeof c->s - n, "%d:%.*s ", (int)kind, (int)len, id);
}

/* ---- the embedder's API without JSON detours (issue 11, item 5) ------------------------------ */

/* a filter that walks a dict with jinn_value_next and the typed getters: "k=int;k=str;..." */
static int describe(void *user, jinn_call *c)
{
    (void)user;
    const jinn_value *d = jinn_call_arg(c, 0), *k, *v;
    char out[256] = "";
    size_t it = 0, n;
    while (jinn_value_next(d, &it, &k, &v)) {
        int ok_i, ok_f, ok_b;
        int64_t i = jinn_value_intx(v, &ok_i);
        double f = jinn_value_floatx(v, &ok_f);
        int b = jinn_value_boolx(v, &ok_b);
        const char *ks = jinn_value_string(k, &n);
        char item[64];
        if (ok_b) snprintf(item, sizeof item, "%.*s=bool:%d;", (int)n, ks, b);
        else if (ok_i) snprintf(item, sizeof item, "%.*s=int:%lld;", (int)n, ks, (long long)i);
        else if (jinn_value_type(v) == JINN_T_INT) { /* beyond int64: its text */
            char digits[40], small[4];
            size_t need = jinn_value_int_text(v, small, sizeof small), got = jinn_value_int_text(v, digits, sizeof digits);
            snprintf(item, sizeof item, "%.*s=big:%s:%d;", (int)n, ks, digits, need >= got && small[0] == 0);
        }
        else if (ok_f) snprintf(item, sizeof item, "%.*s=float:%g;", (int)n, ks, f);
        else snprintf(item, sizeof item, "%.*s=%s;", (int)n, ks, ok_i || ok_f || i || f != 0 ? "?" : "other");
        strncat(out, item, sizeof out - strlen(out) - 1);
    }
    jinn_return_string(c, out, strlen(out));
    return JINN_OK;
}

/* a version 3 provider: answers allocated per call, given back through release */
static int answers_out, answers_released;
static int heap_lookup(void *user, const jinn_lookup *q, const char **json, size_t *jlen)
{
    (void)user;
    char *a = malloc(32);
    if (!a) return JINN_ERROR;
    if (q->kind == JINN_LOOKUP_EXPRESSION) snprintf(a, 32, "{\"v\": %d}", (int)q->id_len);
    else snprintf(a, 32, "no such %s", "metric");
    *json = a;
    *jlen = strlen(a);
    answers_out++;
    return q->kind == JINN_LOOKUP_EXPRESSION ? JINN_OK : JINN_ERROR;
}
static void heap_release(void *user, const char *json, size_t len)
{
    (void)user;
    (void)len;
    answers_released++;
    free((void *)json);
}

static char *render_with(jinn_env *env, const char *src, const jinn_context *ctx, jinn_result *res)
{
    jinn_template *t = NULL;
    if (jinn_compile(env, "t", src, strlen(src), &t, res) != JINN_OK) return NULL;
    jinn_result_clear(env, res);
    jinn_buf out = {0};
    jinn_render_opts o = {.context = ctx};
    jinn_status st = jinn_render(t, &o, &out, res);
    jinn_template_free(t);
    char *r = st == JINN_OK ? strdup(out.data) : NULL;
    jinn_buf_free(env, &out);
    return r;
}

static void test_embedding(jinn_env *env)
{
    jinn_result res;
    /* the version at run time is the header's */
    CHECK(!strcmp(jinn_version(), JINN_VERSION) && jinn_version_number() == JINN_VERSION_NUMBER, "version %s %d",
          jinn_version(), jinn_version_number());

    /* jinn_float_repr: Python's repr, the shortest text that reads back as the double */
    {
        static const struct { double d; const char *s; } reprs[] = {
            {2.0, "2.0"}, {0.1, "0.1"}, {1e-05, "1e-05"}, {1e16, "1e+16"}, {-0.0, "-0.0"},
            {0.30000000000000004, "0.30000000000000004"}, {123456789012345680.0, "1.2345678901234568e+17"},
            {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"}, {0.0001, "0.0001"},
        };
        for (size_t i = 0; i < sizeof reprs / sizeof reprs[0]; i++) {
            char b[32];
            size_t n = jinn_float_repr(reprs[i].d, b, sizeof b);
            CHECK(n == strlen(reprs[i].s) && !strcmp(b, reprs[i].s) && strtod(b, NULL) == reprs[i].d,
                  "jinn_float_repr(%.17g) = %s", reprs[i].d, b);
        }
        char small[4] = "xyz";
        CHECK(jinn_float_repr(0.125, small, sizeof small) == 5 && !strcmp(small, "xyz"), "jinn_float_repr: too small a buffer is left alone");
        CHECK(jinn_float_repr(0.125, NULL, 0) == 5, "jinn_float_repr: the length without a buffer");
    }

    /* the builder gives what the same JSON gives */
    const char *json = "{\"name\": \"Ada\", \"n\": 3, \"x\": 1.5, \"ok\": true, \"none\": null, "
                       "\"tags\": [\"a\", [1, 2], {\"k\": \"v\"}], \"nested\": {\"deep\": {\"z\": 0}}, \"j\": [1, {\"a\": null}]}";
    jinn_context *cj = NULL, *cb = NULL;
    CHECK(jinn_context_from_json(env, json, strlen(json), &cj, &res) == JINN_OK, "json context");
    jinn_builder *b = jinn_builder_new(env);
    CHECK(b != NULL, "builder");
    jinn_status st = jinn_build_string(b, "name", "Ada", 3);
    st |= jinn_build_int(b, "n", 3);
    st |= jinn_build_float(b, "x", 1.5);
    st |= jinn_build_bool(b, "ok", 1);
    st |= jinn_build_none(b, "none");
    st |= jinn_build_begin_list(b, "tags");
    st |= jinn_build_string(b, NULL, "a", 1);
    st |= jinn_build_begin_list(b, NULL);
    st |= jinn_build_int(b, NULL, 1);
    st |= jinn_build_int(b, NULL, 2);
    st |= jinn_build_end(b);
    st |= jinn_build_begin_dict(b, NULL);
    st |= jinn_build_string(b, "k", "v", 1);
    st |= jinn_build_end(b);
    st |= jinn_build_end(b);
    st |= jinn_build_begin_dict(b, "nested");
    st |= jinn_build_begin_dict(b, "deep");
    st |= jinn_build_int(b, "z", 0);
    st |= jinn_build_end(b);
    st |= jinn_build_end(b);
    st |= jinn_build_json(b, "j", "[1, {\"a\": null}]", 16);
    CHECK(st == JINN_OK, "builder calls");
    CHECK(jinn_builder_finish(b, &cb, &res) == JINN_OK, "finish: %s", res.text ? res.text : "");
    jinn_builder_free(b);
    const char *show = "{{ name }} {{ n + 1 }} {{ x }} {{ ok }} {{ none }} {{ tags }} {{ nested.deep.z }} {{ j }} {{ tags|tojson }}";
    char *a = render_with(env, show, cj, &res);
    jinn_result_clear(env, &res);
    char *bb = render_with(env, show, cb, &res);
    jinn_result_clear(env, &res);
    CHECK(a && bb && !strcmp(a, bb), "builder and JSON agree: '%s' vs '%s'", a ? a : "", bb ? bb : "");
    CHECK(bb && !strcmp(bb, "Ada 4 1.5 True None ['a', [1, 2], {'k': 'v'}] 0 [1, {'a': None}] [\"a\", [1, 2], {\"k\": \"v\"}]"),
          "builder output '%s'", bb ? bb : "");
    free(a);
    free(bb);
    /* the built context is immutable and shared: a render's mutation is its own */
    a = render_with(env, "{% do tags.append(9) %}{{ tags|length }}", cb, &res);
    jinn_result_clear(env, &res);
    bb = render_with(env, "{{ tags|length }}", cb, &res);
    jinn_result_clear(env, &res);
    CHECK(a && bb && !strcmp(a, "4") && !strcmp(bb, "3"), "copy on write of a built context: %s %s", a ? a : "", bb ? bb : "");
    free(a);
    free(bb);
    jinn_context_free(cj);
    jinn_context_free(cb);

    /* misuse: the first error is kept and finish reports it */
    b = jinn_builder_new(env);
    CHECK(jinn_build_int(b, NULL, 1) == JINN_USAGE, "a dict item needs a key");
    CHECK(jinn_build_int(b, "later", 1) == JINN_USAGE, "the builder stays failed");
    CHECK(jinn_builder_finish(b, &cb, &res) == JINN_USAGE && res.text && strstr(res.text, "without a key"), "finish reports: %s",
          res.text ? res.text : "");
    jinn_result_clear(env, &res);
    jinn_builder_free(b);
    b = jinn_builder_new(env);
    jinn_build_begin_list(b, "l");
    CHECK(jinn_build_int(b, "k", 1) == JINN_USAGE, "a list item takes no key");
    jinn_builder_free(b);
    b = jinn_builder_new(env);
    CHECK(jinn_build_end(b) == JINN_USAGE, "end at the top");
    jinn_builder_free(b);
    b = jinn_builder_new(env);
    jinn_build_begin_dict(b, "open");
    CHECK(jinn_builder_finish(b, &cb, &res) == JINN_USAGE && strstr(res.text, "not closed"), "unclosed: %s", res.text);
    jinn_result_clear(env, &res);
    jinn_builder_free(b);
    b = jinn_builder_new(env);
    CHECK(jinn_build_string(b, "s", "\xff", 1) == JINN_USAGE, "invalid UTF-8");
    jinn_builder_free(b);
    b = jinn_builder_new(env);
    CHECK(jinn_build_json(b, "j", "[1,", 3) == JINN_ERROR, "bad JSON value");
    jinn_builder_free(b);

    /* iteration and typed getters in a callback */
    CHECK(jinn_env_register_filter(env, "describe", describe, NULL, NULL) == JINN_OK, "register describe");
    char *d = render_with(env, "{{ {'i': 7, 'f': 2.5, 'b': false, 's': 'x', 'n': none}|describe }}", NULL, &res);
    jinn_result_clear(env, &res);
    CHECK(d && !strcmp(d, "i=int:7;f=float:2.5;b=bool:0;s=other;n=other;"), "iteration: '%s'", d ? d : "");
    free(d);
    /* an int beyond int64 in a JSON context: read exactly, JINN_T_INT, its text */
    const char *bigj = "{\"d\": {\"big\": 123456789012345678901234567890, \"neg\": -9223372036854775809, "
                       "\"s\": \"\\u00001\", \"i\": -9223372036854775808}}";
    jinn_context *cbig = NULL;
    CHECK(jinn_context_from_json(env, bigj, strlen(bigj), &cbig, &res) == JINN_OK, "a context with big ints");
    jinn_result_clear(env, &res);
    d = render_with(env, "{{ d|describe }}|{{ d.big + 1 }}|{{ d.s|length }}", cbig, &res);
    jinn_result_clear(env, &res);
    CHECK(d && !strcmp(d, "big=big:123456789012345678901234567890:1;neg=big:-9223372036854775809:1;s=other;"
                          "i=int:-9223372036854775808;|123456789012345678901234567891|2"), "big ints: '%s'", d ? d : "");
    free(d);
    jinn_context_free(cbig);
    d = render_with(env, "{{ [1]|describe }}|", NULL, &res);
    jinn_result_clear(env, &res);
    CHECK(d && !strcmp(d, "|"), "a list is not iterated as a dict: '%s'", d ? d : "");
    free(d);

    /* warnings as records */
    d = render_with(env, "{% expressionvar e1 %}{% endexpressionvar %}{% metricsvar metric_id:m1 %}{% endmetricsvar %}", NULL,
                    &res);
    CHECK(d && res.nwarnings == 2 && res.warning_list, "two warnings: %d", res.nwarnings);
    if (res.warning_list && res.nwarnings == 2) {
        CHECK(res.warning_list[0].severity == JINN_SEVERITY_WARNING && !strcmp(res.warning_list[0].name, "t") &&
                  strstr(res.warning_list[0].message, "expression 'e1'") && !strchr(res.warning_list[0].message, '\n'),
              "warning 0: %s", res.warning_list[0].message);
        CHECK(strstr(res.warning_list[1].message, "metric 'm1'") != NULL, "warning 1: %s", res.warning_list[1].message);
    }
    jinn_result_clear(env, &res);
    CHECK(res.warning_list == NULL && res.nwarnings == 0, "cleared");
    free(d);

    /* one JSON shape for every diagnostic (docs/diagnostics.md) */
    {
        jinn_diagnostic w = {JINN_SEVERITY_WARNING, JINN_ERR_PROVIDER, "p.jinja", 2, 3, 0, "no \"value\" \xc3\xbc"};
        jinn_buf j = {0};
        CHECK(jinn_diagnostic_json(env, &w, &j) == JINN_OK && j.data &&
                  !strcmp(j.data, "{\"file\":\"p.jinja\",\"range\":{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":1,"
                                  "\"character\":3}},\"severity\":2,\"code\":\"provider\",\"source\":\"jinn\",\"message\":\"no "
                                  "\\\"value\\\" \xc3\xbc\",\"line\":2,\"column\":3,\"endColumn\":0}\n"),
              "diagnostic JSON: %s", j.data ? j.data : "");
        jinn_diagnostic e = {JINN_SEVERITY_ERROR, JINN_ERR_SYNTAX, "q", 0, 0, 0, "x"};
        CHECK(jinn_diagnostic_json(env, &e, &j) == JINN_OK && strstr(j.data, "\n{\"file\":\"q\",\"range\":{\"start\":{\"line\":0,"
                                                                      "\"character\":0},\"end\":{\"line\":0,\"character\":0}},\"severity\":1,\"code\":\"syntax\""),
              "appended, no position: %s", j.data);
        jinn_buf_free(env, &j);
        /* without an env (an error before there is one): the default allocator */
        CHECK(jinn_diagnostic_json(NULL, &e, &j) == JINN_OK && !strncmp(j.data, "{\"file\":\"q\"", 10), "no env: %s", j.data);
        jinn_buf_free(NULL, &j);
    }

    /* a context that is not JSON: a syntax error at its position */
    CHECK(jinn_context_from_json(env, "{\n  \"a\": 1,\n  oops}", 19, &cj, &res) == JINN_ERROR, "bad context");
    CHECK(res.kind == JINN_ERR_SYNTAX && res.line == 3 && res.column > 0, "context error at %d:%d kind %d", res.line, res.column,
          res.kind);
    jinn_result_clear(env, &res);

    /* a session: each render runs against the variables the renders before left, live */
    {
        jinn_context *c0 = NULL;
        CHECK(jinn_context_from_json(env, "{\"c\": [1]}", 10, &c0, &res) == JINN_OK, "session context");
        jinn_session *s = jinn_session_new(env, c0);
        jinn_context_free(c0); /* the session has its own copy */
        CHECK(s != NULL, "session");
        static const char *const steps[][2] = {
            {"{% set d = {'a': 1} %}{% set holder = [d] %}{% set ns = namespace(n=0) %}", ""},
            {"{% do d.update({'b': 2}) %}{% set ns.n = ns.n + 1 %}{{ holder }} {{ ns.n }}", "[{'a': 1, 'b': 2}] 1"},
            {"{% do c.append(2) %}{% set x = 5 %}{{ 1 // 0 }}", NULL},
            {"{{ c }} {{ x is defined }}", "[1, 2] False"},
            {"{% set l = [] %}{% do l.append(l) %}{{ l|length }}", "1"},
        };
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            jinn_template *t = NULL;
            jinn_buf sb = {0};
            CHECK(jinn_compile(env, "s", steps[i][0], strlen(steps[i][0]), &t, &res) == JINN_OK, "session compile %zu", i);
            jinn_result_clear(env, &res);
            jinn_render_opts so = {.session = s};
            jinn_status sst = jinn_render(t, &so, &sb, &res);
            jinn_template_free(t); /* the session keeps what it needs */
            if (steps[i][1]) CHECK(sst == JINN_OK && !strcmp(sb.data, steps[i][1]), "session step %zu: '%s'", i, sb.data);
            else CHECK(sst == JINN_ERROR, "session step %zu fails", i);
            jinn_result_clear(env, &res);
            jinn_buf_free(env, &sb);
        }
        jinn_buf j = {0};
        CHECK(jinn_session_json(s, &j) == JINN_OK && strstr(j.data, "\"holder\": [{\"a\": 1, \"b\": 2}]") &&
                  strstr(j.data, "\"c\": [1, 2]") && !strstr(j.data, "\"x\""), "session json: %s", j.data);
        jinn_buf_free(env, &j);
        CHECK(jinn_session_unset(s, "d") == JINN_OK && jinn_session_unset(s, "d") == JINN_ERROR, "session unset");
        jinn_session_free(s);
    }

    /* a version 3 provider: every answer (and error message) released once copied */
    jinn_provider p3 = {.version = 3, .lookup2 = heap_lookup, .release = heap_release};
    CHECK(jinn_env_set_provider(env, &p3, NULL) == JINN_OK, "set a version 3 provider");
    jinn_provider p3bad = {.version = 3, .lookup = my_lookup};
    CHECK(jinn_env_set_provider(env, &p3bad, NULL) == JINN_USAGE, "version 3 needs lookup2");
    jinn_provider p4 = {.version = 4, .lookup2 = heap_lookup};
    CHECK(jinn_env_set_provider(env, &p4, NULL) == JINN_USAGE, "no version 4");
    d = render_with(env, "{% expressionvar abc %}{{ expression_result.v }}{% endexpressionvar %}"
                         "{% expressionvar abc %}{{ expression_result.v }}{% endexpressionvar %}"
                         "{% expressionvar abcd %}{{ expression_result.v }}{% endexpressionvar %}", NULL, &res);
    jinn_result_clear(env, &res);
    CHECK(d && !strcmp(d, "334"), "version 3 answers: '%s'", d ? d : "");
    free(d);
    d = render_with(env, "{% metricsvar metric_id:m %}{% endmetricsvar %}", NULL, &res);
    CHECK(!d && res.text && strstr(res.text, "no such metric"), "version 3 error: %s", res.text ? res.text : "");
    jinn_result_clear(env, &res);
    CHECK(answers_out == 3 && answers_released == 3, "asked %d, released %d", answers_out, answers_released);
    jinn_provider p1 = {.version = 1, .lookup = my_lookup};
    jinn_env_set_provider(env, &p1, NULL);
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

/* Jinjava's LegacyOverrides switches: the name <-> bit calls, presets, and a render with one */
static void test_jinjava_options(void)
{
    uint32_t bits = 0;
    char err[200] = "";
    CHECK(jinn_jinjava_options_parse("THREE_POINT_0", &bits, err, sizeof err) == JINN_OK && bits == JINN_JV_THREE_POINT_0,
          "THREE_POINT_0: %x", (unsigned)bits);
    CHECK(jinn_jinjava_options_parse("ALL,-usePyishObjectMapper,+usePyishObjectMapper,-stripTrailingNewline", &bits, err, sizeof err) == JINN_OK
          && bits == (JINN_JV_ALL & ~(uint32_t)JINN_JV_STRIP_TRAILING_NEWLINE), "ALL minus one: %x", (unsigned)bits);
    CHECK(jinn_jinjava_options_parse("", &bits, err, sizeof err) == JINN_OK && bits == JINN_JV_ALL - JINN_JV_STRIP_TRAILING_NEWLINE,
          "an empty list changes nothing: %x", (unsigned)bits);
    CHECK(jinn_jinjava_options_parse("NONE,evaluateMapKeys", &bits, err, sizeof err) == JINN_OK && bits == JINN_JV_EVALUATE_MAP_KEYS,
          "NONE then one: %x", (unsigned)bits);
    uint32_t before = bits;
    CHECK(jinn_jinjava_options_parse("usePyishObjectMapper,bogus", &bits, err, sizeof err) == JINN_USAGE && bits == before
          && strstr(err, "unknown Jinjava switch 'bogus'"), "an unknown name: %s", err);
    CHECK(jinn_jinjava_options_parse("+NONE", &bits, NULL, 0) == JINN_USAGE, "a preset takes no sign");
    int n = 0;
    while (jinn_jinjava_option_name(n)) n++;
    CHECK(n == 12 && !strcmp(jinn_jinjava_option_name(0), "usePyishObjectMapper") && !jinn_jinjava_option_name(-1),
          "%d switch names", n);
    for (int i = 0; i < n; i++) {
        CHECK(jinn_jinjava_options_parse(jinn_jinjava_option_name(i), &bits, err, sizeof err) == JINN_OK
              && bits == (before | 1u << i), "name %d reads back", i);
        bits = before;
    }
    /* the field in jinn_config: printing changes in the jinjava profile only */
    const char *src = "{{ ['a'] }}";
    for (int prof = 0; prof < 2; prof++) {
        jinn_config cfg;
        jinn_config_init(&cfg);
        CHECK(cfg.jinjava_options == JINN_JV_NONE, "the default is NONE");
        cfg.profile = prof ? JINN_PROFILE_JINJAVA : JINN_PROFILE_JINJA;
        cfg.jinjava_options = JINN_JV_PYISH;
        jinn_env *env = jinn_env_new(&cfg);
        jinn_template *t = NULL;
        jinn_result res;
        jinn_buf out = {0};
        jinn_render_opts o = {0};
        CHECK(jinn_compile(env, "p", src, strlen(src), &t, &res) == JINN_OK && jinn_render(t, &o, &out, &res) == JINN_OK
              && out.data && !strcmp(out.data, "['a']"), "pyish in profile %d: %s", prof, out.data ? out.data : "");
        jinn_result_clear(env, &res);
        jinn_buf_free(env, &out);
        jinn_template_free(t);
        jinn_env_free(env);
    }
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
    /* the constant insert ids, for a batch's prefetch */
    collected ids = {0};
    CHECK(jinn_template_inserts(t, collect_id, &ids) == 0 && !strcmp(ids.s, "0:ctr 1:base "), "inserts '%s'", ids.s);
    jinn_template_free(t);
    const char *dyn = "{% expression %} e-1\n{% endexpression %}{% aggregatevar {{ n }} %}{% endaggregatevar %}"
                      "{% set k = 'x' %}{% metricsvar metric_id:{{ k }} %}{% endmetricsvar %}{% import 'm' as m %}";
    const char *m = "{% macro f() %}{% expressionvar e-2 %}{% endexpressionvar %}{% endmacro %}";
    CHECK(jinn_env_add_template(env, "m", m, strlen(m)) == JINN_OK, "add m");
    CHECK(jinn_compile(env, "dyn", dyn, strlen(dyn), &t, &res) == JINN_OK, "compile dyn");
    ids.s[0] = 0;
    int ndyn = jinn_template_inserts(t, collect_id, &ids);
    CHECK(ndyn == 2 && !strcmp(ids.s, "0:e-1 0:e-2 "), "inserts %d '%s'", ndyn, ids.s);
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
    native_same_name_tests();

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
    test_embedding(env);
    jinn_env_free(env);
    CHECK(atomic_load(&live_bytes) == 0, "%ld bytes still allocated through the hook", atomic_load(&live_bytes));
    CHECK(atomic_load(&nallocs) > 0, "the hook was used");
    test_interrupts();
    test_jinjava_options();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
