/*
 * ext/postgres/jinn_pg.c — the PostgreSQL face of jinn (docs/postgres.md):
 *
 *   jinn_render(template, context jsonb [, options jsonb]) returns text   (template: text or a literal)
 *   jinn_check_json(template text [, options jsonb]) returns text   (jinn_check() reads it as rows)
 *   jinn_real(float8) returns jsonb        a float as JSON that jinn reads back as a float
 *   jinn_json_value(text) returns jsonb    a render's output as `jinn batch` stores it in params
 *   jinn_cache_stats() returns (templates int, compiles bigint)
 *
 * The engine part (options, cache, provider answers from the context) is ext/common/jinn_ext.c.
 * Here: the conversions, the GUC jinn.cache_size, errors and warnings, and interrupts.
 *
 * Errors. Every jinn failure becomes ereport(ERROR) with an SQLSTATE per error kind (table in
 * docs/postgres.md), the bare message, and a DETAIL with the diagnostic ("template:line:col:
 * message", the source line, the caret line). Nothing of jinn's is allocated in PostgreSQL's
 * memory contexts, so everything jinn owns for the call is released *before* ereport jumps
 * out: the outcome's strings are copied with pstrdup first.
 *
 * Interrupts. The engine calls progress() every 4096 units of work; it answers "stop" when a
 * query cancel (statement_timeout, pg_cancel_backend, Ctrl-C in psql) or a termination is
 * pending. The render then fails, and CHECK_FOR_INTERRUPTS() raises PostgreSQL's own error
 * ("canceling statement due to statement timeout").
 *
 * State. A backend is one process running one statement at a time, so the cache is a static
 * of this file (it is what "per backend" means), created on first use and never shared.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "jinn_ext.h"

PG_MODULE_MAGIC;

void _PG_init(void);

static int cache_size = 16;     /* GUC jinn.cache_size: compiled templates kept per backend */
static jx_cache *cache;         /* this backend's (see "State" above) */
static bool stopped_by_pg;      /* the last render was stopped by progress() */

/* ---- set-up -------------------------------------------------------------------------------- */

void _PG_init(void)
{
    DefineCustomIntVariable("jinn.cache_size", "Compiled jinn templates kept per backend.",
                            "Keyed by template source and options; the least recently used leave first. "
                            "0 compiles on every call.",
                            &cache_size, 16, 0, 100000, PGC_USERSET, 0, NULL, NULL, NULL);
    MarkGUCPrefixReserved("jinn");
}

static int progress(void *user)
{
    (void)user;
    if (QueryCancelPending || ProcDiePending) {
        stopped_by_pg = true;
        return 1;
    }
    return 0;
}

static jx_cache *get_cache(void)
{
    if (!cache) {
        cache = jx_cache_new(progress, NULL);
        if (!cache) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
    }
    return cache;
}

/* jinn speaks UTF-8; so must the database */
static void require_utf8(void)
{
    if (GetDatabaseEncoding() != PG_UTF8)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("jinn needs a UTF8 database, not %s", GetDatabaseEncodingName())));
}

/* ---- errors ------------------------------------------------------------------------------------ */

static int sqlstate_of(jinn_status st, jinn_error_kind kind)
{
    if (st == JINN_NOMEM) return ERRCODE_OUT_OF_MEMORY;
    if (st == JINN_USAGE) return ERRCODE_INVALID_PARAMETER_VALUE;
    switch (kind) {
    case JINN_ERR_SYNTAX: return ERRCODE_SYNTAX_ERROR;              /* 42601 */
    case JINN_ERR_UNDEFINED: return ERRCODE_UNDEFINED_OBJECT;       /* 42704 */
    case JINN_ERR_TYPE: return ERRCODE_DATATYPE_MISMATCH;           /* 42804 */
    case JINN_ERR_VALUE: return ERRCODE_DATA_EXCEPTION;             /* 22000 */
    case JINN_ERR_LIMIT: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;     /* 54000 */
    case JINN_ERR_PROVIDER: return ERRCODE_EXTERNAL_ROUTINE_EXCEPTION; /* 38000 */
    case JINN_ERR_IO: return ERRCODE_IO_ERROR;                      /* 58030 */
    default: return ERRCODE_INTERNAL_ERROR;
    }
}

/* the diagnostic without its last newline, in palloc'd memory */
static char *pcopy_trimmed(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n') n--;
    return pnstrdup(s, n);
}

/* Raise the outcome as an error; the outcome is cleared first. */
static void pg_attribute_noreturn() raise_outcome(jx_outcome *oc)
{
    int code = sqlstate_of(oc->status, oc->kind);
    char *msg = pstrdup(oc->text ? oc->text : "error");
    char *detail = pcopy_trimmed(oc->message);
    jx_outcome_clear(oc);
    if (detail)
        ereport(ERROR, (errcode(code), errmsg("%s", msg), errdetail("%s", detail)));
    ereport(ERROR, (errcode(code), errmsg("%s", msg)));
}

/* Warnings as NOTICEs, one per warning (its diagnostic, as jinn prints it). */
static void notify(const char *warnings)
{
    const char *p = warnings;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) ereport(NOTICE, (errmsg("%.*s", (int)n, p)));
        p = nl ? nl + 1 : p + n;
    }
}

static void parse_options(Jsonb *jb, jx_options *o)
{
    char err[512];
    char *s = jb ? JsonbToCString(NULL, &jb->root, VARSIZE(jb)) : NULL;
    if (jx_options_parse(s, s ? strlen(s) : 0, o, err, sizeof err) != JINN_OK)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("jinn: %s", err)));
    if (s) pfree(s);
}

/* ---- jinn_render ---------------------------------------------------------------------------------- */

/* The template argument is declared "any": an untyped literal then stays `unknown` (a C
 * string), which is not collatable, and postgres_fdw ships a call only when its collatable
 * inputs come from the remote tables (docs/sharding.md). text and varchar arrive as text. */
static void template_arg(FunctionCallInfo fcinfo, const char **src, size_t *len)
{
    Oid type = get_fn_expr_argtype(fcinfo->flinfo, 0);
    if (type == UNKNOWNOID || type == CSTRINGOID) {
        *src = PG_GETARG_CSTRING(0);
        *len = strlen(*src);
    } else if (type == TEXTOID || type == VARCHAROID || type == InvalidOid) {
        text *t = PG_GETARG_TEXT_PP(0);
        *src = VARDATA_ANY(t);
        *len = VARSIZE_ANY_EXHDR(t);
    } else {
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("jinn_render: the template must be text, not %s", format_type_be(type))));
    }
}

PG_FUNCTION_INFO_V1(jinn_render_pg);
Datum jinn_render_pg(PG_FUNCTION_ARGS)
{
    require_utf8();
    const char *src;
    size_t srclen;
    template_arg(fcinfo, &src, &srclen);
    Jsonb *ctx = PG_GETARG_JSONB_P(1);
    Jsonb *opt = PG_NARGS() > 2 && !PG_ARGISNULL(2) ? PG_GETARG_JSONB_P(2) : NULL;
    /* PostgreSQL allocations first: nothing of jinn's is held while they may fail */
    char *ctext = JsonbToCString(NULL, &ctx->root, VARSIZE(ctx));
    jx_cache *c = get_cache();
    jx_options o;
    parse_options(opt, &o);

    const char *out;
    size_t outlen;
    jx_outcome oc;
    stopped_by_pg = false;
    jinn_status st = jx_render(c, (size_t)cache_size, &o, src, srclen, ctext,
                               strlen(ctext), &out, &outlen, &oc);
    jx_warn_mode wmode = o.warnings;
    jx_options_clear(&o);
    if (st != JINN_OK) {
        if (stopped_by_pg) {
            jx_outcome_clear(&oc);
            CHECK_FOR_INTERRUPTS();
            /* interrupts held off: say what happened in jinn's words */
            ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("jinn: the render was interrupted")));
        }
        raise_outcome(&oc);
    }
    if (oc.warnings && wmode == JX_WARN_ERROR) {
        char *w = pcopy_trimmed(oc.warnings);
        jx_outcome_clear(&oc);
        ereport(ERROR, (errcode(ERRCODE_WARNING), errmsg("jinn: the render warned (option \"warnings\": \"error\")"),
                        errdetail("%s", w)));
    }
    /* the output is the cache's buffer: copy it before anything else can render */
    text *result = cstring_to_text_with_len(out, (int)outlen);
    char *w = oc.warnings && wmode == JX_WARN_NOTICE ? pstrdup(oc.warnings) : NULL;
    jx_outcome_clear(&oc);
    if (w) notify(w);
    pfree(ctext);
    PG_RETURN_TEXT_P(result);
}

/* ---- jinn_check ---------------------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(jinn_check_json_pg);
Datum jinn_check_json_pg(PG_FUNCTION_ARGS)
{
    require_utf8();
    text *tpl = PG_GETARG_TEXT_PP(0);
    Jsonb *opt = PG_NARGS() > 1 && !PG_ARGISNULL(1) ? PG_GETARG_JSONB_P(1) : NULL;
    jx_options o;
    parse_options(opt, &o);
    jx_outcome oc;
    char *lines = jx_check_json(&o, VARDATA_ANY(tpl), VARSIZE_ANY_EXHDR(tpl), &oc);
    jx_options_clear(&o);
    if (!lines) raise_outcome(&oc);
    /* copy, then free: cstring_to_text may fail */
    char *p = pstrdup(lines);
    free(lines);
    PG_RETURN_TEXT_P(cstring_to_text(p));
}

/* ---- JSON helpers ------------------------------------------------------------------------------- */

static Datum jsonb_from_cstring(const char *s)
{
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(s));
}

PG_FUNCTION_INFO_V1(jinn_real_pg);
Datum jinn_real_pg(PG_FUNCTION_ARGS)
{
    char buf[JX_REAL_CAP];
    jx_real_json(PG_GETARG_FLOAT8(0), buf, sizeof buf);
    return jsonb_from_cstring(buf);
}

PG_FUNCTION_INFO_V1(jinn_json_value_pg);
Datum jinn_json_value_pg(PG_FUNCTION_ARGS)
{
    text *t = PG_GETARG_TEXT_PP(0);
    char *s = text_to_cstring(t);
    if (jx_is_json(s, strlen(s))) return jsonb_from_cstring(s);
    StringInfoData b;
    initStringInfo(&b);
    escape_json(&b, s);
    return jsonb_from_cstring(b.data);
}

PG_FUNCTION_INFO_V1(jinn_cache_stats_pg);
Datum jinn_cache_stats_pg(PG_FUNCTION_ARGS)
{
    TupleDesc td;
    if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("jinn_cache_stats: a record is expected")));
    td = BlessTupleDesc(td);
    Datum v[2];
    bool nulls[2] = {false, false};
    v[0] = Int32GetDatum((int32)jx_cache_count(cache));
    v[1] = Int64GetDatum((int64)jx_cache_compiles(cache));
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, v, nulls)));
}
