/*
 * ext/common/jinn_ext.h — what the PostgreSQL and SQLite extensions share (prefix jx_):
 * the options object of jinn_render (the CLI's options, as JSON), a bounded cache of compiled
 * templates keyed by source and options, and one render whose provider answers come from the
 * context's "expressions" / "metrics" / "aggregates" / "catalogs" keys (the JSON-fixture shape
 * of docs/providers.md). Only include/jinn.h and jansson are used; the hosts turn outcomes
 * into their own errors (ereport, sqlite3_result_error).
 *
 * Ownership: a jx_cache owns its environments, templates and the output buffer; the output of
 * jx_render lives until the next jx_render on the same cache. A jx_outcome's strings are the
 * caller's, released by jx_outcome_clear. Nothing here is shared between caches: one cache per
 * PostgreSQL backend, one per SQLite connection (each used by one thread at a time).
 */
#ifndef JINN_EXT_H
#define JINN_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "jinn.h"

/* what a render's warnings become */
typedef enum { JX_WARN_NOTICE = 0, JX_WARN_IGNORE = 1, JX_WARN_ERROR = 2 } jx_warn_mode;

typedef struct {
    jinn_config cfg;       /* profile, whitespace options, undefined mode, strict providers, limits */
    uint64_t seed;         /* |random's seed */
    int seed_per_customer; /* seed ^ FNV-1a(customer_id), as `jinn batch` seeds each customer */
    char *customer_id;     /* malloc'd, or NULL */
    jx_warn_mode warnings;
    int trim;              /* strip the output's surrounding whitespace, as `jinn batch` does */
} jx_options;

/* The outcome of a failed call (status != JINN_OK) or a render's warnings. */
typedef struct {
    jinn_status status;
    jinn_error_kind kind;
    char *text;     /* the bare message */
    char *message;  /* "name:line:col: text", the source line, the caret (or NULL) */
    char *warnings; /* newline-separated, or NULL */
    int interrupted; /* the progress callback stopped the render */
} jx_outcome;

/* Parse an options object ({"profile": "jinjava", "trim_blocks": true, "limits": {"fuel": 1000}});
 * NULL or "" means the defaults. On an error, JINN_USAGE with a message in err. */
jinn_status jx_options_parse(const char *json, size_t len, jx_options *o, char *err, size_t errcap);
void jx_options_clear(jx_options *o);

typedef struct jx_cache jx_cache;

/* A cache calling progress(user) every few thousand units of work of a render (NULL: none). */
jx_cache *jx_cache_new(jinn_progress_fn progress, void *user);
void jx_cache_free(jx_cache *c);
size_t jx_cache_count(const jx_cache *c);     /* templates kept */
uint64_t jx_cache_compiles(const jx_cache *c); /* templates compiled since the cache was made */

/* Render src with the context (a JSON object, or NULL for none) under the options; the
 * compiled template is taken from or put into the cache (at most cap templates, the least
 * recently used leaving first; cap 0 caches nothing). JINN_OK: *out (*out_len bytes) is the output.
 * Otherwise oc says why. Warnings go to oc->warnings in both cases. */
jinn_status jx_render(jx_cache *c, size_t cap, const jx_options *o, const char *src, size_t srclen,
                      const char *ctx, size_t ctxlen, const char **out, size_t *out_len, jx_outcome *oc);

/* `jinn check` on src as JSON lines (file, line, column, end_column, severity, kind, message);
 * a malloc'd string, or NULL with oc set. */
char *jx_check_json(const jx_options *o, const char *src, size_t srclen, jx_outcome *oc);

/* The double d as JSON that jinn reads back as the same float, as the SQLite provider writes
 * it (shortest of %.15g/%.17g; integral values as digits and ".0"); "null" when not
 * finite. cap: at least JX_REAL_CAP bytes. */
#define JX_REAL_CAP 512
void jx_real_json(double d, char *buf, size_t cap);

/* Whether text is a JSON text for `jinn batch` (any value; jansson decides, as batch does). */
int jx_is_json(const char *text, size_t len);

void jx_outcome_clear(jx_outcome *oc);

#endif
