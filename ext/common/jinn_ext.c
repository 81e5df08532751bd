/*
 * ext/common/jinn_ext.c — the engine side of the database extensions (see jinn_ext.h): options
 * from JSON, the compiled-template cache, the render whose insert tags are answered from the
 * context, `jinn check` as JSON lines. Public API (include/jinn.h) and jansson only.
 *
 * The provider. A template is compiled once per (options, source) into its own env, and an
 * env has one provider; but every row brings its own answers. So the provider installed on an
 * entry's env reads entry->answers, which jx_render points at the current row's sections for
 * the length of one render. That is safe because a cache is used by one thread at a time (a
 * PostgreSQL backend, a SQLite connection), and the engine parses each answer before it asks
 * for the next (docs/providers.md, "Threads and lifetimes"); answers are kept until the render
 * ends anyway.
 */
#include "jinn_ext.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV_INIT 0xcbf29ce484222325ULL

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static char *dup_s(const char *s)
{
    return s ? dup_n(s, strlen(s)) : NULL;
}

/* ---- options ------------------------------------------------------------------------------- */

static jinn_status opt_fail(char *err, size_t errcap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static jinn_status opt_fail(char *err, size_t errcap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
    return JINN_USAGE;
}

static int want_bool(json_t *v, const char *key, int *dst, char *err, size_t errcap)
{
    if (!json_is_boolean(v)) {
        opt_fail(err, errcap, "option '%s': expected true or false", key);
        return 0;
    }
    *dst = json_is_true(v);
    return 1;
}

/* a non-negative integer: a JSON integer, or a string of digits (seeds beyond 2^63) */
static int want_u64(json_t *v, const char *what, uint64_t *dst, char *err, size_t errcap)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *dst = (uint64_t)json_integer_value(v);
        return 1;
    }
    if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) <= 20) {
        const char *s = json_string_value(v);
        uint64_t n = 0;
        for (; *s; s++) {
            if (*s < '0' || *s > '9' || n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10) goto bad;
            n = n * 10 + (uint64_t)(*s - '0');
        }
        *dst = n;
        return 1;
    }
bad:
    opt_fail(err, errcap, "%s: expected a non-negative integer", what);
    return 0;
}

jinn_status jx_options_parse(const char *json, size_t len, jx_options *o, char *err, size_t errcap)
{
    memset(o, 0, sizeof *o);
    jinn_config_init(&o->cfg);
    if (!json || !len) return JINN_OK;
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_DECODE_ANY, &je);
    if (!root) return opt_fail(err, errcap, "the options are not JSON: %s", je.text);
    if (json_is_null(root)) { json_decref(root); return JINN_OK; }
    if (!json_is_object(root)) {
        json_decref(root);
        return opt_fail(err, errcap, "the options are not a JSON object");
    }
    const char *key;
    json_t *v;
    int ok = 1;
    json_object_foreach(root, key, v) {
        if (!strcmp(key, "profile")) {
            const char *s = json_string_value(v);
            if (s && !strcmp(s, "jinja")) o->cfg.profile = JINN_PROFILE_JINJA;
            else if (s && !strcmp(s, "jinjava")) o->cfg.profile = JINN_PROFILE_JINJAVA;
            else ok = !opt_fail(err, errcap, "option 'profile': expected \"jinja\" or \"jinjava\"");
        } else if (!strcmp(key, "trim_blocks")) ok = want_bool(v, key, &o->cfg.trim_blocks, err, errcap);
        else if (!strcmp(key, "lstrip_blocks")) ok = want_bool(v, key, &o->cfg.lstrip_blocks, err, errcap);
        else if (!strcmp(key, "keep_trailing_newline"))
            ok = want_bool(v, key, &o->cfg.keep_trailing_newline, err, errcap);
        else if (!strcmp(key, "autoescape")) ok = want_bool(v, key, &o->cfg.autoescape, err, errcap);
        else if (!strcmp(key, "strict_providers")) ok = want_bool(v, key, &o->cfg.strict_providers, err, errcap);
        else if (!strcmp(key, "trim")) ok = want_bool(v, key, &o->trim, err, errcap);
        else if (!strcmp(key, "seed_per_customer")) ok = want_bool(v, key, &o->seed_per_customer, err, errcap);
        else if (!strcmp(key, "seed")) ok = want_u64(v, "option 'seed'", &o->seed, err, errcap);
        else if (!strcmp(key, "undefined")) {
            const char *s = json_string_value(v);
            if (s && !strcmp(s, "default")) o->cfg.undefined = JINN_UNDEFINED_DEFAULT;
            else if (s && (!strcmp(s, "lenient") || !strcmp(s, "chainable"))) o->cfg.undefined = JINN_UNDEFINED_LENIENT;
            else if (s && !strcmp(s, "strict")) o->cfg.undefined = JINN_UNDEFINED_STRICT;
            else ok = !opt_fail(err, errcap, "option 'undefined': expected \"default\", \"lenient\" or \"strict\"");
        } else if (!strcmp(key, "warnings")) {
            const char *s = json_string_value(v);
            if (s && !strcmp(s, "notice")) o->warnings = JX_WARN_NOTICE;
            else if (s && !strcmp(s, "ignore")) o->warnings = JX_WARN_IGNORE;
            else if (s && !strcmp(s, "error")) o->warnings = JX_WARN_ERROR;
            else ok = !opt_fail(err, errcap, "option 'warnings': expected \"notice\", \"ignore\" or \"error\"");
        } else if (!strcmp(key, "customer_id")) {
            if (json_is_string(v)) {
                free(o->customer_id);
                o->customer_id = dup_n(json_string_value(v), json_string_length(v));
                if (!o->customer_id) ok = !opt_fail(err, errcap, "out of memory");
            } else if (!json_is_null(v)) ok = !opt_fail(err, errcap, "option 'customer_id': expected a string");
        } else if (!strcmp(key, "limits")) {
            if (!json_is_object(v)) ok = !opt_fail(err, errcap, "option 'limits': expected an object of name: value");
            const char *lname;
            json_t *lv;
            json_object_foreach(v, lname, lv) {
                if (!ok) break;
                char what[96];
                snprintf(what, sizeof what, "limit '%s'", lname);
                uint64_t n;
                if (!want_u64(lv, what, &n, err, errcap)) ok = 0;
                else if (jinn_limits_set(&o->cfg.limits, lname, n) != JINN_OK)
                    ok = !opt_fail(err, errcap, "unknown limit '%s' (the names of `jinn limits`)", lname);
            }
        } else {
            ok = !opt_fail(err, errcap,
                           "unknown option '%s' (profile, trim_blocks, lstrip_blocks, keep_trailing_newline, "
                           "autoescape, undefined, strict_providers, seed, seed_per_customer, customer_id, trim, warnings, limits)",
                           key);
        }
        if (!ok) break;
    }
    json_decref(root);
    if (!ok) {
        jx_options_clear(o);
        return JINN_USAGE;
    }
    return JINN_OK;
}

void jx_options_clear(jx_options *o)
{
    free(o->customer_id);
    o->customer_id = NULL;
}

/* What decides a compiled template besides its source: the env's configuration. */
static size_t options_key(const jinn_config *c, char *buf, size_t cap)
{
    const jinn_limits *l = &c->limits;
    int n = snprintf(buf, cap, "p%d t%d l%d k%d a%d s%d u%d|%zu %u %u %llu %zu %zu %zu %zu %u %zu", (int)c->profile,
                     c->trim_blocks, c->lstrip_blocks, c->keep_trailing_newline, c->autoescape, c->strict_providers,
                     (int)c->undefined, l->template_bytes, l->parse_depth, l->call_depth,
                     (unsigned long long)l->fuel, l->output_bytes, l->string_bytes, l->collection_items,
                     l->range_items, l->provider_calls, l->memory_bytes);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- outcomes ------------------------------------------------------------------------------- */

void jx_outcome_clear(jx_outcome *oc)
{
    free(oc->text);
    free(oc->message);
    free(oc->warnings);
    memset(oc, 0, sizeof *oc);
}

static void outcome_set(jx_outcome *oc, jinn_status st, jinn_error_kind kind, const char *text, const char *message)
{
    oc->status = st;
    oc->kind = kind;
    free(oc->text);
    free(oc->message);
    oc->text = dup_s(text ? text : st == JINN_NOMEM ? "out of memory" : "error");
    oc->message = dup_s(message);
}

/* copy what a jinn_result says (the caller clears it with its env) */
static void outcome_from(jx_outcome *oc, jinn_status st, const jinn_result *res)
{
    outcome_set(oc, st, res->kind, res->text, res->message);
    if (res->warnings && !oc->warnings) oc->warnings = dup_s(res->warnings);
}

/* ---- the cache -------------------------------------------------------------------------------- */

typedef struct entry {
    struct entry *prev, *next; /* most recently used first */
    uint64_t hash;
    char *key;                 /* options key, NUL, source */
    size_t keylen;
    jinn_env *env;
    jinn_template *t;
    /* the current render's answers: the context's sections (borrowed), and the JSON texts
     * handed to the engine (freed when the render ends) */
    json_t *answers[4];
    char **texts;
    size_t ntexts, captexts;
} entry;

struct jx_cache {
    entry *head, *tail;
    size_t n;
    uint64_t compiles; /* templates compiled so far (tests: a statement compiles once) */
    jinn_progress_fn progress;
    void *progress_user;
    jinn_buf out;
};

static const char *const sections[] = {"expressions", "metrics", "aggregates", "catalogs"};

/* The provider over the current row's sections: an id that is not there is a missing value
 * (none and a warning, or an error with strict providers), as in the fixture provider. */
static int row_lookup(void *user, const jinn_lookup *q, const char **json, size_t *json_len)
{
    entry *e = user;
    *json = NULL;
    *json_len = 0;
    if ((unsigned)q->kind > 3 || !e->answers[q->kind]) return JINN_ERROR;
    json_t *v = json_object_getn(e->answers[q->kind], q->id, q->id_len);
    if (!v) return JINN_ERROR;
    if (e->ntexts == e->captexts) {
        size_t ncap = e->captexts ? e->captexts * 2 : 8;
        char **nt = realloc(e->texts, ncap * sizeof *nt);
        if (!nt) { *json = "out of memory"; return JINN_ERROR; }
        e->texts = nt;
        e->captexts = ncap;
    }
    /* reals as %.17g: the text reads back as the very same double */
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!s) { *json = "out of memory"; return JINN_ERROR; }
    e->texts[e->ntexts++] = s;
    *json = s;
    *json_len = strlen(s);
    return JINN_OK;
}

static const jinn_provider row_provider = {.version = 2, .lookup2 = row_lookup};

static void entry_free(entry *e)
{
    if (!e) return;
    jinn_template_free(e->t);
    jinn_env_free(e->env);
    free(e->texts);
    free(e->key);
    free(e);
}

static void unlink_entry(jx_cache *c, entry *e)
{
    if (e->prev) e->prev->next = e->next;
    else c->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else c->tail = e->prev;
    e->prev = e->next = NULL;
    c->n--;
}

static void push_front(jx_cache *c, entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head) c->head->prev = e;
    else c->tail = e;
    c->head = e;
    c->n++;
}

jx_cache *jx_cache_new(jinn_progress_fn progress, void *user)
{
    jx_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->progress = progress;
    c->progress_user = user;
    return c;
}

void jx_cache_free(jx_cache *c)
{
    if (!c) return;
    while (c->head) {
        entry *e = c->head;
        unlink_entry(c, e);
        entry_free(e);
    }
    free(c->out.data);
    free(c);
}

size_t jx_cache_count(const jx_cache *c)
{
    return c ? c->n : 0;
}

uint64_t jx_cache_compiles(const jx_cache *c)
{
    return c ? c->compiles : 0;
}

/* The entry for (options, source): found (and moved to the front) or compiled. A compile
 * error leaves nothing behind and fills oc. */
static entry *get_entry(jx_cache *c, const jx_options *o, const char *src, size_t srclen, jx_outcome *oc)
{
    char kbuf[256];
    size_t klen = options_key(&o->cfg, kbuf, sizeof kbuf);
    uint64_t h = fnv1a(fnv1a(FNV_INIT, kbuf, klen + 1), src, srclen);
    size_t keylen = klen + 1 + srclen;
    for (entry *e = c->head; e; e = e->next) {
        if (e->hash == h && e->keylen == keylen && !memcmp(e->key, kbuf, klen + 1) &&
            !memcmp(e->key + klen + 1, src, srclen)) {
            if (e != c->head) {
                unlink_entry(c, e);
                push_front(c, e);
            }
            return e;
        }
    }
    entry *e = calloc(1, sizeof *e);
    char *key = malloc(keylen + 1);
    jinn_config cfg = o->cfg;
    cfg.progress = c->progress;
    cfg.progress_user = c->progress_user;
    jinn_env *env = e && key ? jinn_env_new(&cfg) : NULL;
    if (!env) {
        free(e);
        free(key);
        outcome_set(oc, JINN_NOMEM, JINN_ERR_LIMIT, "out of memory", NULL);
        return NULL;
    }
    memcpy(key, kbuf, klen + 1);
    memcpy(key + klen + 1, src, srclen);
    key[keylen] = 0;
    e->key = key;
    e->keylen = keylen;
    e->hash = h;
    e->env = env;
    jinn_result res;
    c->compiles++;
    jinn_status st = jinn_env_set_provider(env, &row_provider, e);
    if (st == JINN_OK) st = jinn_compile(env, "template", src, srclen, &e->t, &res);
    else memset(&res, 0, sizeof res);
    if (st != JINN_OK) {
        outcome_from(oc, st, &res);
        jinn_result_clear(env, &res);
        entry_free(e);
        return NULL;
    }
    jinn_result_clear(env, &res);
    push_front(c, e);
    return e;
}

/* ---- the render --------------------------------------------------------------------------------- */

jinn_status jx_render(jx_cache *c, size_t cap, const jx_options *o, const char *src, size_t srclen,
                      const char *ctx, size_t ctxlen, const char **out, size_t *out_len, jx_outcome *oc)
{
    memset(oc, 0, sizeof *oc);
    *out = NULL;
    *out_len = 0;
    /* the context first: a bad one should not cost a compile */
    json_t *root = NULL;
    char *vars = NULL; /* the context without the provider sections, when it had any */
    if (ctx && ctxlen) {
        json_error_t je;
        root = json_loadb(ctx, ctxlen, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        if (!root || !json_is_object(root)) {
            char msg[200];
            if (!root) snprintf(msg, sizeof msg, "the context is not JSON: %s", je.text);
            else snprintf(msg, sizeof msg, "the context is not a JSON object");
            json_decref(root);
            outcome_set(oc, JINN_USAGE, JINN_ERR_VALUE, msg, NULL);
            return JINN_USAGE;
        }
    }
    entry *e = get_entry(c, o, src, srclen, oc);
    if (!e) {
        json_decref(root);
        return oc->status;
    }
    int found = 0;
    for (int k = 0; k < 4; k++) {
        json_t *s = root ? json_object_get(root, sections[k]) : NULL;
        e->answers[k] = json_is_object(s) ? json_incref(s) : NULL;
        if (s) {
            json_object_del(root, sections[k]);
            found = 1;
        }
    }
    jinn_status st = JINN_OK;
    jinn_result res;
    memset(&res, 0, sizeof res);
    if (found) {
        vars = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
        if (!vars) {
            outcome_set(oc, JINN_NOMEM, JINN_ERR_LIMIT, "out of memory", NULL);
            st = JINN_NOMEM;
        }
    }
    jinn_context *jc = NULL;
    if (st == JINN_OK && root) {
        const char *text = vars ? vars : ctx;
        size_t tlen = vars ? strlen(vars) : ctxlen;
        st = jinn_context_from_json(e->env, text, tlen, &jc, &res);
        if (st != JINN_OK) {
            outcome_from(oc, st, &res);
            jinn_result_clear(e->env, &res);
        }
    }
    if (st == JINN_OK) {
        uint64_t seed = o->seed;
        if (o->seed_per_customer && o->customer_id)
            seed ^= fnv1a(FNV_INIT, o->customer_id, strlen(o->customer_id));
        jinn_render_opts ro = {.context = jc, .seed = seed, .customer_id = o->customer_id};
        c->out.len = 0;
        st = jinn_render(e->t, &ro, &c->out, &res);
        if (st != JINN_OK) {
            outcome_from(oc, st, &res);
            /* the engine's words for a stop by the progress callback (src/value.c) */
            oc->interrupted = res.kind == JINN_ERR_LIMIT && res.text && strstr(res.text, "progress callback");
        } else {
            if (res.warnings) oc->warnings = dup_s(res.warnings);
            const char *p = c->out.data ? c->out.data : "";
            size_t n = c->out.len;
            if (o->trim) { /* the characters `jinn batch` trims */
                while (n && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++, n--;
                while (n && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\t' || p[n - 1] == '\r')) n--;
            }
            *out = p;
            *out_len = n;
        }
        jinn_result_clear(e->env, &res);
    }
    jinn_context_free(jc);
    for (size_t i = 0; i < e->ntexts; i++) free(e->texts[i]);
    e->ntexts = 0;
    for (int k = 0; k < 4; k++) {
        json_decref(e->answers[k]);
        e->answers[k] = NULL;
    }
    free(vars);
    json_decref(root);
    /* the bound: the least recently used leave; the one just used is at the front, so it
     * goes only when cap is 0 (its output lives in the cache's buffer, not in the entry) */
    while (c->n > cap && c->tail) {
        entry *old = c->tail;
        unlink_entry(c, old);
        entry_free(old);
    }
    return st;
}

/* ---- check ---------------------------------------------------------------------------------------- */

char *jx_check_json(const jx_options *o, const char *src, size_t srclen, jx_outcome *oc)
{
    memset(oc, 0, sizeof *oc);
    jinn_env *env = jinn_env_new(&o->cfg);
    if (!env) {
        outcome_set(oc, JINN_NOMEM, JINN_ERR_LIMIT, "out of memory", NULL);
        return NULL;
    }
    jinn_buf b = {0};
    int errors = 0, warnings = 0;
    jinn_status st = jinn_check(env, "template", src, srclen, 1, &b, &errors, &warnings);
    char *r = NULL;
    if (st == JINN_OK || st == JINN_ERROR) {
        r = dup_n(b.data ? b.data : "", b.len);
        if (!r) outcome_set(oc, JINN_NOMEM, JINN_ERR_LIMIT, "out of memory", NULL);
    } else {
        outcome_set(oc, st, JINN_ERR_LIMIT, st == JINN_NOMEM ? "out of memory" : "jinn_check failed", NULL);
    }
    jinn_buf_free(env, &b);
    jinn_env_free(env);
    return r;
}

/* ---- JSON helpers ---------------------------------------------------------------------------------- */

void jx_real_json(double d, char *buf, size_t cap)
{
    if (!isfinite(d)) {
        snprintf(buf, cap, "null");
        return;
    }
    /* integral values as digits and ".0": a JSON number with an exponent loses its fraction
     * in PostgreSQL's jsonb (1e+20 comes back as 100000000000000000000, an integer) */
    if (d == floor(d) && fabs(d) < 1e300) {
        snprintf(buf, cap, "%.1f", d);
        return;
    }
    snprintf(buf, cap, "%.15g", d);
    if (strtod(buf, NULL) != d) snprintf(buf, cap, "%.17g", d);
    if (!strpbrk(buf, ".eEn")) strncat(buf, ".0", cap - strlen(buf) - 1);
}

int jx_is_json(const char *text, size_t len)
{
    if (!len) return 0;
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY, &je);
    json_decref(j);
    return j != NULL;
}
