/*
 * ext/sqlite/jinn_sqlite.c — jinn as a SQLite loadable extension (docs/sqlite-extension.md):
 *
 *   .load build/ext/sqlite/jinn            (entry point sqlite3_jinn_init)
 *   jinn_render(template, context_json [, options_json])   the output text
 *   jinn_check(template [, options_json])                   a JSON array of diagnostics
 *   jinn_real(x)          a real as JSON that jinn reads back as the same float (JSON subtype)
 *   jinn_json_value(out)  a render's output as `jinn batch` stores it in params.value
 *   jinn_cache_size([n])  the connection's cache bound (default 16); with n, sets it
 *   jinn_cache_stats()    '{"templates": N, "compiles": M}'
 *
 * Options, the cache and the provider answers taken from the context are the PostgreSQL
 * extension's (ext/common/jinn_ext.c). Each connection that loads the extension gets its own
 * cache, owned by the functions' user data and freed with the connection; SQLite runs one
 * statement of a connection at a time, which is what the cache needs.
 *
 * Errors are sqlite3_result_error with the whole diagnostic ("template:line:col: message", the
 * source line, the caret) and the code SQLITE_ERROR (SQLITE_NOMEM, SQLITE_TOOBIG for limits).
 * Warnings: "notice" (the default) sends each to sqlite3_log (SQLITE_WARNING), "ignore" drops
 * them, "error" fails the call.
 */
#include <sqlite3ext.h>
#include <stdlib.h>
#include <string.h>

#include "jinn_ext.h"

SQLITE_EXTENSION_INIT1

typedef struct {
    jx_cache *cache;
    size_t cap;
} conn_state;

#define JSON_SUBTYPE 74 /* 'J': json1 embeds such a value as JSON, not as a string */

static void state_free(void *p)
{
    conn_state *s = p;
    if (!s) return;
    jx_cache_free(s->cache);
    free(s);
}

/* options from the argument at index i (absent or NULL: the defaults); 0 after an error */
static int get_options(sqlite3_context *ctx, int argc, sqlite3_value **argv, int i, jx_options *o)
{
    const char *t = argc > i ? (const char *)sqlite3_value_text(argv[i]) : NULL;
    size_t n = t ? (size_t)sqlite3_value_bytes(argv[i]) : 0;
    char err[512];
    if (jx_options_parse(t, n, o, err, sizeof err) != JINN_OK) {
        char *m = sqlite3_mprintf("jinn: %s", err);
        sqlite3_result_error(ctx, m ? m : err, -1);
        sqlite3_free(m);
        return 0;
    }
    return 1;
}

static void result_outcome(sqlite3_context *ctx, const jx_outcome *oc)
{
    if (oc->status == JINN_NOMEM) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    const char *m = oc->message ? oc->message : oc->text ? oc->text : "error";
    size_t n = strlen(m);
    while (n && m[n - 1] == '\n') n--;
    sqlite3_result_error(ctx, m, (int)n);
    if (oc->kind == JINN_ERR_LIMIT) sqlite3_result_error_code(ctx, SQLITE_TOOBIG);
}

static void fn_render(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    conn_state *s = sqlite3_user_data(ctx);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *src = (const char *)sqlite3_value_text(argv[0]);
    size_t srclen = (size_t)sqlite3_value_bytes(argv[0]);
    const char *cj = (const char *)sqlite3_value_text(argv[1]);
    size_t cjlen = (size_t)sqlite3_value_bytes(argv[1]);
    if (!src || !cj) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    jx_options o;
    if (!get_options(ctx, argc, argv, 2, &o)) return;
    const char *out;
    size_t outlen;
    jx_outcome oc;
    jinn_status st = jx_render(s->cache, s->cap, &o, src, srclen, cj, cjlen, &out, &outlen, &oc);
    if (st != JINN_OK) {
        result_outcome(ctx, &oc);
    } else if (oc.warnings && o.warnings == JX_WARN_ERROR) {
        char *m = sqlite3_mprintf("jinn: the render warned (option \"warnings\": \"error\"): %s", oc.warnings);
        sqlite3_result_error(ctx, m ? m : "jinn: the render warned", -1);
        sqlite3_free(m);
    } else {
        if (oc.warnings && o.warnings == JX_WARN_NOTICE) {
            for (char *p = oc.warnings; *p;) {
                char *nl = strchr(p, '\n');
                if (nl) *nl = 0;
                if (*p) sqlite3_log(SQLITE_WARNING, "jinn: %s", p);
                if (!nl) break;
                p = nl + 1;
            }
        }
        sqlite3_result_text(ctx, out, (int)outlen, SQLITE_TRANSIENT);
    }
    jx_outcome_clear(&oc);
    jx_options_clear(&o);
}

static void fn_check(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *src = (const char *)sqlite3_value_text(argv[0]);
    if (!src) {
        sqlite3_result_null(ctx);
        return;
    }
    jx_options o;
    if (!get_options(ctx, argc, argv, 1, &o)) return;
    jx_outcome oc;
    char *lines = jx_check_json(&o, src, (size_t)sqlite3_value_bytes(argv[0]), &oc);
    jx_options_clear(&o);
    if (!lines) {
        result_outcome(ctx, &oc);
        jx_outcome_clear(&oc);
        return;
    }
    /* JSON lines -> one JSON array, for json_each() */
    sqlite3_str *b = sqlite3_str_new(NULL);
    sqlite3_str_appendchar(b, 1, '[');
    int first = 1;
    for (char *p = lines; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            if (!first) sqlite3_str_appendchar(b, 1, ',');
            sqlite3_str_append(b, p, (int)n);
            first = 0;
        }
        p += n + (nl ? 1 : 0);
    }
    sqlite3_str_appendchar(b, 1, ']');
    free(lines);
    int len = sqlite3_str_length(b);
    char *arr = sqlite3_str_finish(b);
    if (!arr) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, arr, len, sqlite3_free);
    sqlite3_result_subtype(ctx, JSON_SUBTYPE);
}

static void fn_real(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    char buf[JX_REAL_CAP];
    jx_real_json(sqlite3_value_double(argv[0]), buf, sizeof buf);
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, JSON_SUBTYPE);
}

/* the output when it is JSON, else a JSON string of it (json_quote), as JSON (subtype) */
static void fn_json_value(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    if (jx_is_json(t, n)) {
        sqlite3_result_text(ctx, t, (int)n, SQLITE_TRANSIENT);
    } else {
        sqlite3_str *b = sqlite3_str_new(NULL);
        sqlite3_str_appendchar(b, 1, '"');
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)t[i];
            if (c == '"' || c == '\\') {
                sqlite3_str_appendchar(b, 1, '\\');
                sqlite3_str_appendchar(b, 1, (char)c);
            } else if (c < 0x20) {
                switch (c) {
                case '\n': sqlite3_str_appendall(b, "\\n"); break;
                case '\t': sqlite3_str_appendall(b, "\\t"); break;
                case '\r': sqlite3_str_appendall(b, "\\r"); break;
                case '\b': sqlite3_str_appendall(b, "\\b"); break;
                case '\f': sqlite3_str_appendall(b, "\\f"); break;
                default: sqlite3_str_appendf(b, "\\u%04x", c);
                }
            } else {
                sqlite3_str_appendchar(b, 1, (char)c);
            }
        }
        sqlite3_str_appendchar(b, 1, '"');
        int len = sqlite3_str_length(b);
        char *s = sqlite3_str_finish(b);
        if (!s) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        sqlite3_result_text(ctx, s, len, sqlite3_free);
    }
    sqlite3_result_subtype(ctx, JSON_SUBTYPE);
}

static void fn_cache_size(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    conn_state *s = sqlite3_user_data(ctx);
    sqlite3_int64 old = (sqlite3_int64)s->cap;
    if (argc > 0) {
        sqlite3_int64 n = sqlite3_value_int64(argv[0]);
        if (n < 0 || n > 100000) {
            sqlite3_result_error(ctx, "jinn_cache_size: expected 0 to 100000", -1);
            return;
        }
        s->cap = (size_t)n;
    }
    sqlite3_result_int64(ctx, old);
}

static void fn_cache_stats(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    conn_state *s = sqlite3_user_data(ctx);
    char *m = sqlite3_mprintf("{\"templates\": %lld, \"compiles\": %lld}", (long long)jx_cache_count(s->cache),
                              (long long)jx_cache_compiles(s->cache));
    if (!m) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, m, -1, sqlite3_free);
    sqlite3_result_subtype(ctx, JSON_SUBTYPE);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_jinn_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);
int sqlite3_jinn_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    SQLITE_EXTENSION_INIT2(pApi);
    conn_state *s = calloc(1, sizeof *s);
    if (s) s->cache = jx_cache_new(NULL, NULL);
    if (!s || !s->cache) {
        state_free(s);
        if (pzErrMsg) *pzErrMsg = sqlite3_mprintf("jinn: out of memory");
        return SQLITE_NOMEM;
    }
    s->cap = 16;
    /* deterministic: same arguments, same result (|random is seeded by the options) */
    const int det = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    int rc = sqlite3_create_function_v2(db, "jinn_render", 2, det, s, fn_render, NULL, NULL, state_free);
    struct {
        const char *name;
        int nargs, flags;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } more[] = {
        {"jinn_render", 3, det, fn_render},
        {"jinn_check", 1, det, fn_check},
        {"jinn_check", 2, det, fn_check},
        {"jinn_real", 1, det | SQLITE_INNOCUOUS, fn_real},
        {"jinn_json_value", 1, det | SQLITE_INNOCUOUS, fn_json_value},
        {"jinn_cache_size", 0, SQLITE_UTF8, fn_cache_size},
        {"jinn_cache_size", 1, SQLITE_UTF8, fn_cache_size},
        {"jinn_cache_stats", 0, SQLITE_UTF8, fn_cache_stats},
    };
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof more / sizeof more[0]; i++)
        rc = sqlite3_create_function_v2(db, more[i].name, more[i].nargs, more[i].flags, s, more[i].fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK && pzErrMsg) *pzErrMsg = sqlite3_mprintf("jinn: cannot register the functions");
    return rc;
}
