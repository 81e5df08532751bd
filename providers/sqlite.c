/*
 * providers/sqlite.c — the SQLite event-store provider (`--providers sqlite:PATH`).
 *
 * The database holds customers, their events, and *definitions*: named SQL queries that
 * answer the insert tags (the schema is in docs/providers.md):
 *
 *   customers(id TEXT PRIMARY KEY, attributes TEXT)               -- attributes: a JSON object
 *   events(customer_id TEXT, action TEXT, params TEXT, timestamp INTEGER)
 *   definitions(id TEXT PRIMARY KEY, kind TEXT, name TEXT, sql TEXT)
 *
 * An `expression` is a query over the events with :customer_id and :now bound; its answer is
 * the first column of the first row (no row: none). An `aggregate` is the same, answered with
 * all rows as a list of objects keyed by column name. A `metric` is a global query (both
 * parameters are bound too, :customer_id to the render's customer) whose answer is cached in
 * the provider for METRIC_TTL seconds, shared by all threads.
 *
 * It plugs in through the public version-2 provider vtable, like an embedder's provider.
 *
 * Threads. Renders on many threads share one env and so this provider. Every thread gets its
 * own connection (a pthread key maps the thread to a connection from a pool; a thread that
 * exits gives its connection back to the pool), and each connection has its own prepared
 * statements, prepared at the first use of a definition and reused (reset) afterwards: no
 * connection or statement is ever used by two threads at once. The definitions are read once,
 * at install time, and are immutable afterwards. The metric cache is behind a mutex.
 *
 * Answer lifetime. The vtable asks that an answer stay valid until the render ends. Answers
 * here live in the thread's connection buffer until the next lookup on the same thread — which
 * is enough because the engine (src/vm.c, insert_lookup) parses the answer with json_to_value
 * in the same call, before any other lookup can happen on this thread, and memoizes the parsed
 * value. If the engine ever kept the text for later, this provider would need a per-render
 * arena instead.
 *
 * Lifetime of the provider: jinn_env_free destroys it; the threads that rendered must be
 * joined (or at least have stopped rendering) before then.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jinn.h"

#define METRIC_TTL 60.0 /* seconds a metric's answer is reused across renders */

enum { DEF_EXPRESSION, DEF_METRIC, DEF_AGGREGATE };
static const char *const def_kinds[] = {"expression", "metric", "aggregate"};

typedef struct {
    char *id, *name, *sql; /* NUL-terminated copies */
    size_t id_len;
    int kind;
} sdef;

typedef struct sprov sprov;

/* One connection, used by one thread at a time. */
typedef struct sconn {
    sprov *P;
    sqlite3 *db;
    sqlite3_stmt **stmts; /* P->ndefs entries, NULL until first used */
    char *ans;            /* the last answer (or error message) of this thread */
    size_t ans_len, ans_cap;
    int in_use;
    struct sconn *next;
} sconn;

typedef struct {
    char *json; /* cached answer, or NULL */
    size_t len;
    double expires;
} smetric;

struct sprov {
    jinn_alloc_fn alloc;
    void *alloc_user;
    char *path;
    size_t path_len;
    sdef *defs; /* sorted by id */
    size_t ndefs;
    pthread_mutex_t mu; /* guards conns, in_use flags and metrics */
    pthread_key_t key;
    sconn *conns;
    smetric *metrics; /* ndefs entries */
};

/* ---- memory through the env's allocator ------------------------------------------------ */

static void *pmem(sprov *P, void *p, size_t old, size_t n)
{
    return P->alloc(P->alloc_user, p, old, n);
}

static char *pstrdup(sprov *P, const char *s, size_t n)
{
    char *d = pmem(P, NULL, 0, n + 1);
    if (d) { memcpy(d, s, n); d[n] = 0; }
    return d;
}

static void pstrfree(sprov *P, char *s)
{
    if (s) pmem(P, s, strlen(s) + 1, 0);
}

/* ---- the answer buffer of a connection ---------------------------------------------------- */

static int ans_put(sconn *c, const char *s, size_t n)
{
    if (c->ans_len + n + 1 > c->ans_cap) {
        size_t cap = c->ans_cap ? c->ans_cap : 256;
        while (cap < c->ans_len + n + 1) cap *= 2;
        char *p = pmem(c->P, c->ans, c->ans_cap, cap);
        if (!p) return 0;
        c->ans = p;
        c->ans_cap = cap;
    }
    memcpy(c->ans + c->ans_len, s, n);
    c->ans_len += n;
    c->ans[c->ans_len] = 0;
    return 1;
}

static int ans_puts(sconn *c, const char *s) { return ans_put(c, s, strlen(s)); }

static int ans_printf(sconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ans_printf(sconn *c, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return 0;
    return ans_put(c, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static int ans_json_string(sconn *c, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    int ok = ans_put(c, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        ok = ans_put(c, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        if (ch == '"' || ch == '\\') esc[1] = (char)ch, ok = ok && ans_put(c, esc, 2);
        else if (ch == '\n') ok = ok && ans_put(c, "\\n", 2);
        else if (ch == '\t') ok = ok && ans_put(c, "\\t", 2);
        else if (ch == '\r') ok = ok && ans_put(c, "\\r", 2);
        else {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[ch >> 4];
            esc[5] = hex[ch & 15];
            ok = ok && ans_put(c, esc, 6);
        }
    }
    return ok && ans_put(c, s + run, n - run) && ans_put(c, "\"", 1);
}

/* One column of the current row as JSON: integers and reals as numbers (non-finite reals as
 * null), text and blobs as strings, NULL as null. */
static int ans_column(sconn *c, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER: return ans_printf(c, "%lld", (long long)sqlite3_column_int64(st, col));
    case SQLITE_FLOAT: {
        double d = sqlite3_column_double(st, col);
        if (!isfinite(d)) return ans_puts(c, "null");
        char num[40];
        snprintf(num, sizeof num, "%.15g", d); /* the shortest of %.15g / %.17g that round-trips */
        if (strtod(num, NULL) != d) snprintf(num, sizeof num, "%.17g", d);
        if (!strpbrk(num, ".eE")) strcat(num, ".0"); /* stays a float */
        return ans_puts(c, num);
    }
    case SQLITE_NULL: return ans_puts(c, "null");
    default: {
        const char *s = (const char *)sqlite3_column_text(st, col);
        return ans_json_string(c, s ? s : "", (size_t)sqlite3_column_bytes(st, col));
    }
    }
}

/* ---- connections ------------------------------------------------------------------------------ */

static void conn_close(sconn *c)
{
    sprov *P = c->P;
    if (c->stmts) {
        for (size_t i = 0; i < P->ndefs; i++) sqlite3_finalize(c->stmts[i]);
        pmem(P, c->stmts, P->ndefs * sizeof *c->stmts, 0);
    }
    sqlite3_close(c->db);
    if (c->ans) pmem(P, c->ans, c->ans_cap, 0);
    pmem(P, c, sizeof *c, 0);
}

/* pthread key destructor: the thread ended, its connection goes back to the pool */
static void conn_release(void *p)
{
    sconn *c = p;
    pthread_mutex_lock(&c->P->mu);
    c->in_use = 0;
    pthread_mutex_unlock(&c->P->mu);
}

/* Open a new connection: read-only, waits for a writer (the batch) instead of failing busy. */
static sconn *conn_open(sprov *P, char *err, size_t errcap)
{
    sconn *c = pmem(P, NULL, 0, sizeof *c);
    if (!c) { snprintf(err, errcap, "out of memory"); return NULL; }
    memset(c, 0, sizeof *c);
    c->P = P;
    int rc = sqlite3_open_v2(P->path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errcap, "cannot open the event store '%s': %s", P->path,
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        pmem(P, c, sizeof *c, 0);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, 10000);
    /* Read through a memory map and keep more pages: without them, most of a render's time is
     * spent copying pages in pread (measured on the example database: 64% in the kernel). */
    sqlite3_exec(c->db, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384", NULL, NULL, NULL);
    if (P->ndefs) {
        c->stmts = pmem(P, NULL, 0, P->ndefs * sizeof *c->stmts);
        if (!c->stmts) {
            snprintf(err, errcap, "out of memory");
            sqlite3_close(c->db);
            pmem(P, c, sizeof *c, 0);
            return NULL;
        }
        memset(c->stmts, 0, P->ndefs * sizeof *c->stmts);
    }
    return c;
}

/* The connection of the calling thread: its own, a free one from the pool, or a new one. */
static sconn *conn_get(sprov *P, char *err, size_t errcap)
{
    sconn *c = pthread_getspecific(P->key);
    if (c) return c;
    pthread_mutex_lock(&P->mu);
    for (c = P->conns; c && c->in_use; c = c->next) {}
    if (c) c->in_use = 1;
    pthread_mutex_unlock(&P->mu);
    if (!c) {
        c = conn_open(P, err, errcap);
        if (!c) return NULL;
        c->in_use = 1;
        pthread_mutex_lock(&P->mu);
        c->next = P->conns;
        P->conns = c;
        pthread_mutex_unlock(&P->mu);
    }
    if (pthread_setspecific(P->key, c) != 0) {
        conn_release(c);
        snprintf(err, errcap, "cannot attach a connection to this thread");
        return NULL;
    }
    return c;
}

/* ---- definitions ------------------------------------------------------------------------------ */

static int def_cmp(const char *id, size_t n, const sdef *d)
{
    int r = memcmp(id, d->id, n < d->id_len ? n : d->id_len);
    return r ? r : (n < d->id_len ? -1 : n > d->id_len);
}

static const sdef *def_find(const sprov *P, const char *id, size_t n)
{
    size_t lo = 0, hi = P->ndefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = def_cmp(id, n, &P->defs[mid]);
        if (!r) return &P->defs[mid];
        if (r < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

static int def_sort(const void *a, const void *b)
{
    const sdef *x = a, *y = b;
    return def_cmp(x->id, x->id_len, y);
}

/* "definition 'ID' (NAME)" */
static int ans_def(sconn *c, const sdef *d)
{
    return ans_puts(c, "definition '") && ans_put(c, d->id, d->id_len) && ans_puts(c, "'") &&
           (!d->name || !*d->name || (ans_puts(c, " (") && ans_puts(c, d->name) && ans_puts(c, ")")));
}

/* The prepared statement of definition d on connection c, prepared at its first use. NULL
 * with the error message in c->ans when the SQL is bad. */
static sqlite3_stmt *def_stmt(sconn *c, const sdef *d)
{
    size_t i = (size_t)(d - c->P->defs);
    if (c->stmts[i]) return c->stmts[i];
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(c->db, d->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    const char *why = NULL;
    char extra[160] = "";
    if (rc != SQLITE_OK) why = sqlite3_errmsg(c->db);
    else if (!st) why = "the SQL is empty";
    else {
        while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' || *tail == ';')) tail++;
        if (tail && *tail) why = "the SQL holds more than one statement";
        else if (!sqlite3_stmt_readonly(st)) why = "the SQL must be a query (it would write)";
        else {
            for (int k = 1; k <= sqlite3_bind_parameter_count(st); k++) {
                const char *pn = sqlite3_bind_parameter_name(st, k);
                if (!pn || (strcmp(pn, ":customer_id") && strcmp(pn, ":now"))) {
                    snprintf(extra, sizeof extra, "parameter %s is not bound: only :customer_id and :now are",
                             pn ? pn : "?");
                    why = extra;
                    break;
                }
            }
        }
    }
    if (why) {
        c->ans_len = 0;
        (void)(ans_def(c, d) && ans_puts(c, ": bad SQL: ") && ans_puts(c, why));
        sqlite3_finalize(st);
        return NULL;
    }
    c->stmts[i] = st;
    return st;
}

/* Run definition d for customer (may be NULL) into c->ans. 1: an answer; 0: an error message. */
static int def_run(sconn *c, const sdef *d, const char *customer, size_t customer_len)
{
    sqlite3_stmt *st = def_stmt(c, d);
    if (!st) return 0;
    int k = sqlite3_bind_parameter_index(st, ":customer_id");
    if (k) {
        if (customer) sqlite3_bind_text(st, k, customer, (int)customer_len, SQLITE_STATIC);
        else sqlite3_bind_null(st, k);
    }
    k = sqlite3_bind_parameter_index(st, ":now");
    if (k) sqlite3_bind_int64(st, k, (sqlite3_int64)time(NULL));
    c->ans_len = 0;
    int ok = 1, rc;
    if (d->kind == DEF_AGGREGATE) {
        ok = ans_put(c, "[", 1);
        int nrows = 0;
        while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            ok = ans_puts(c, nrows++ ? ", {" : "{");
            int ncol = sqlite3_column_count(st);
            for (int col = 0; ok && col < ncol; col++) {
                const char *cn = sqlite3_column_name(st, col);
                ok = (!col || ans_puts(c, ", ")) && ans_json_string(c, cn ? cn : "", cn ? strlen(cn) : 0) &&
                     ans_puts(c, ": ") && ans_column(c, st, col);
            }
            ok = ok && ans_puts(c, "}");
        }
        ok = ok && ans_puts(c, "]");
    } else {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            ok = sqlite3_column_count(st) > 0 ? ans_column(c, st, 0) : ans_puts(c, "null");
            rc = SQLITE_DONE;
        } else if (rc == SQLITE_DONE) {
            ok = ans_puts(c, "null");
        }
    }
    if (ok && rc != SQLITE_DONE) {
        c->ans_len = 0;
        (void)(ans_def(c, d) && ans_puts(c, ": ") && ans_puts(c, sqlite3_errmsg(c->db)));
        ok = 0;
    } else if (!ok) {
        c->ans_len = 0;
        ans_puts(c, "out of memory");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ok;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the vtable --------------------------------------------------------------------------------- */

static const int kind_of_lookup[] = {DEF_EXPRESSION, DEF_METRIC, DEF_AGGREGATE};

static int lookup2(void *user, const jinn_lookup *q, const char **json, size_t *json_len)
{
    sprov *P = user;
    static __thread char errbuf[512]; /* when the thread has no connection to hold the message */
    *json = NULL;
    *json_len = 0;
    if ((unsigned)q->kind > JINN_LOOKUP_AGGREGATE) return JINN_ERROR; /* catalogs: not kept here */
    const sdef *d = def_find(P, q->id, q->id_len);
    if (!d) return JINN_ERROR;
    sconn *c = conn_get(P, errbuf, sizeof errbuf);
    if (!c) { *json = errbuf; *json_len = strlen(errbuf); return JINN_ERROR; }
    if (d->kind != kind_of_lookup[q->kind]) {
        c->ans_len = 0;
        if (!(ans_def(c, d) && ans_printf(c, " is a%s %s, not a%s %s", d->kind == DEF_EXPRESSION ? "n" : "",
                                          def_kinds[d->kind], q->kind == JINN_LOOKUP_EXPRESSION ? "n" : "",
                                          def_kinds[kind_of_lookup[q->kind]]))) {
            *json = "out of memory";
            *json_len = 13;
            return JINN_ERROR;
        }
        *json = c->ans;
        *json_len = c->ans_len;
        return JINN_ERROR;
    }
    smetric *m = d->kind == DEF_METRIC ? &P->metrics[d - P->defs] : NULL;
    if (m) { /* a fresh cached answer, copied into this thread's buffer under the lock */
        int hit = 0, ok = 1;
        pthread_mutex_lock(&P->mu);
        if (m->json && m->expires > now_seconds()) {
            hit = 1;
            c->ans_len = 0;
            ok = ans_put(c, m->json, m->len);
        }
        pthread_mutex_unlock(&P->mu);
        if (hit) {
            if (!ok) { *json = "out of memory"; *json_len = 13; return JINN_ERROR; }
            *json = c->ans;
            *json_len = c->ans_len;
            return JINN_OK;
        }
    }
    int ok = def_run(c, d, q->customer, q->customer_len);
    *json = c->ans ? c->ans : "out of memory";
    *json_len = c->ans ? c->ans_len : 13;
    if (!ok) return JINN_ERROR;
    if (m) {
        char *copy = pstrdup(P, c->ans, c->ans_len);
        if (copy) {
            pthread_mutex_lock(&P->mu);
            pstrfree(P, m->json);
            m->json = copy;
            m->len = c->ans_len;
            m->expires = now_seconds() + METRIC_TTL;
            pthread_mutex_unlock(&P->mu);
        }
    }
    return JINN_OK;
}

static void destroy(void *user)
{
    sprov *P = user;
    pthread_key_delete(P->key);
    for (sconn *c = P->conns, *next; c; c = next) {
        next = c->next;
        conn_close(c);
    }
    for (size_t i = 0; i < P->ndefs; i++) {
        pstrfree(P, P->defs[i].id);
        pstrfree(P, P->defs[i].name);
        pstrfree(P, P->defs[i].sql);
        if (P->metrics) pstrfree(P, P->metrics[i].json);
    }
    if (P->defs) pmem(P, P->defs, P->ndefs * sizeof *P->defs, 0);
    if (P->metrics) pmem(P, P->metrics, P->ndefs * sizeof *P->metrics, 0);
    pthread_mutex_destroy(&P->mu);
    pstrfree(P, P->path);
    pmem(P, P, sizeof *P, 0);
}

/* ---- install -------------------------------------------------------------------------------------- */

/* Read the definitions table into P->defs (sorted by id). 0 + message in err on failure. */
static int load_definitions(sprov *P, sqlite3 *db, char *err, size_t errcap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, kind, name, sql FROM definitions WHERE id IS NOT NULL", -1, &st, NULL) !=
        SQLITE_OK) {
        snprintf(err, errcap, "'%s' is not a jinn event store: %s (see docs/providers.md)", P->path, sqlite3_errmsg(db));
        return 0;
    }
    size_t cap = 0;
    int rc, ok = 1;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        size_t id_len = (size_t)sqlite3_column_bytes(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        const char *name = (const char *)sqlite3_column_text(st, 2);
        const char *sql = (const char *)sqlite3_column_text(st, 3);
        int k = -1;
        for (int i = 0; kind && i < 3; i++)
            if (!strcmp(kind, def_kinds[i])) k = i;
        if (k < 0) {
            snprintf(err, errcap, "definition '%s': kind '%s' is not expression, metric or aggregate", id ? id : "",
                     kind ? kind : "NULL");
            ok = 0;
            break;
        }
        if (P->ndefs == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            sdef *nd = pmem(P, P->defs, cap * sizeof *nd, ncap * sizeof *nd);
            if (!nd) { snprintf(err, errcap, "out of memory"); ok = 0; break; }
            P->defs = nd;
            cap = ncap;
        }
        sdef *d = &P->defs[P->ndefs];
        d->kind = k;
        d->id_len = id_len;
        d->id = pstrdup(P, id ? id : "", id_len);
        d->name = pstrdup(P, name ? name : "", name ? strlen(name) : 0);
        d->sql = pstrdup(P, sql ? sql : "", sql ? strlen(sql) : 0);
        P->ndefs++;
        if (!d->id || !d->name || !d->sql) { snprintf(err, errcap, "out of memory"); ok = 0; }
    }
    if (ok && rc != SQLITE_DONE) {
        snprintf(err, errcap, "'%s': reading the definitions: %s", P->path, sqlite3_errmsg(db));
        ok = 0;
    }
    sqlite3_finalize(st);
    /* shrink to the exact size, so destroy knows it */
    if (P->defs && cap != P->ndefs) {
        if (P->ndefs) {
            sdef *nd = pmem(P, P->defs, cap * sizeof *nd, P->ndefs * sizeof *nd);
            if (nd) P->defs = nd;
            else { /* keep the big block: record its size by padding ndefs with empty entries */
                for (size_t i = P->ndefs; i < cap; i++) memset(&P->defs[i], 0, sizeof P->defs[i]);
                P->ndefs = cap;
            }
        } else {
            pmem(P, P->defs, cap * sizeof *P->defs, 0);
            P->defs = NULL;
        }
    }
    if (!ok) return 0;
    qsort(P->defs, P->ndefs, sizeof *P->defs, def_sort);
    if (P->ndefs) {
        P->metrics = pmem(P, NULL, 0, P->ndefs * sizeof *P->metrics);
        if (!P->metrics) { snprintf(err, errcap, "out of memory"); return 0; }
        memset(P->metrics, 0, P->ndefs * sizeof *P->metrics);
    }
    return 1;
}

static jinn_status install_error(jinn_env *E, jinn_result *res, const char *msg)
{
    return jinn_result_error(E, res, JINN_ERR_PROVIDER, "providers", msg);
}

jinn_status jinn_env_use_sqlite_provider(jinn_env *E, const char *path, jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!E || !path) return JINN_USAGE;
    char err[600];
    void *au;
    jinn_alloc_fn alloc = jinn_env_allocator(E, &au);
    sprov *P = alloc(au, NULL, 0, sizeof *P);
    if (!P) return install_error(E, res, "out of memory");
    memset(P, 0, sizeof *P);
    P->alloc = alloc;
    P->alloc_user = au;
    P->path = pstrdup(P, path, strlen(path));
    if (!P->path || pthread_mutex_init(&P->mu, NULL) != 0) {
        pstrfree(P, P->path);
        pmem(P, P, sizeof *P, 0);
        return install_error(E, res, "out of memory");
    }
    if (pthread_key_create(&P->key, conn_release) != 0) {
        pthread_mutex_destroy(&P->mu);
        pstrfree(P, P->path);
        pmem(P, P, sizeof *P, 0);
        return install_error(E, res, "cannot create a thread key");
    }
    /* a first connection reads the definitions; it then joins the pool */
    sconn *first = conn_open(P, err, sizeof err);
    if (!first) { destroy(P); return install_error(E, res, err); }
    if (!load_definitions(P, first->db, err, sizeof err)) {
        conn_close(first); /* stmts is NULL (ndefs was 0 when it opened) */
        destroy(P);
        return install_error(E, res, err);
    }
    conn_close(first); /* it was opened with no statement slots; renders open their own */
    jinn_provider vt = {.version = 2, .lookup2 = lookup2, .destroy = destroy};
    if (jinn_env_set_provider(E, &vt, P) != JINN_OK) { destroy(P); return install_error(E, res, "cannot install the provider"); }
    return JINN_OK;
}
