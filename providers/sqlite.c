/*
 * providers/sqlite.c — the SQLite event store: the provider of `--providers sqlite:PATH` and
 * the first implementation of the store interface (providers/store.h) that `jinn batch` runs
 * on. This file owns the store's schema; nothing else in jinn speaks SQL to it:
 *
 *   customers(id TEXT PRIMARY KEY, attributes TEXT)               -- attributes: a JSON object
 *   events(customer_id TEXT, action TEXT, params TEXT, timestamp INTEGER)
 *   definitions(id TEXT PRIMARY KEY, kind TEXT, name TEXT, sql TEXT, set_sql TEXT)
 *   batch_runs(id, action, template, fingerprint, started, finished, scored, errors)
 *   batch_failures(run_id, customer_id, kind, message, line, col)  -- failing now, per run
 *
 * Definitions are named SQL queries that answer the insert tags (docs/providers.md). An
 * `expression` is a query over the events with :customer_id and :now bound; its answer is the
 * first column of the first row (no row: none). An `aggregate` is the same, answered with all
 * rows as a list of objects keyed by column name. A `metric` is a global query (both
 * parameters are bound too, :customer_id to the render's customer) whose answer is cached in
 * the provider for METRIC_TTL seconds, shared by all threads. The optional set_sql (the column
 * may be absent) is the *set form* of an expression or aggregate: the same answers for every
 * customer of a chunk at once, rows keyed by a customer_id column, over the temporary table
 * chunk_customers(customer_id) holding the chunk's ids (store prefetch, below).
 *
 * It plugs in through the public version-2 provider vtable, like an embedder's provider.
 *
 * Threads. Renders on many threads share one env and so this provider. Every thread gets its
 * own connection (a pthread key maps the thread to a connection from a pool; a thread that
 * exits gives its connection back to the pool), and each connection has its own prepared
 * statements, prepared at the first use of a definition and reused (reset) afterwards: no
 * connection or statement is ever used by two threads at once. The definitions are read once,
 * at open time, and are immutable afterwards. The metric cache is behind a mutex. The store
 * calls have two connections of their own: the reader (customers, prefetch) and the writer
 * (runs, decisions), each used by one thread at a time (store.h).
 *
 * Answer lifetime. The vtable asks that an answer stay valid until the render ends. Answers
 * here live in the thread's connection buffer until the next lookup on the same thread — which
 * is enough because the engine (src/vm.c, insert_lookup) parses the answer with json_to_value
 * in the same call, before any other lookup can happen on this thread, and memoizes the parsed
 * value. If the engine ever kept the text for later, this provider would need a per-render
 * arena instead. Prefetched answers live in their store_answers until answers_free.
 *
 * Lifetime of the provider: jinn_env_free destroys it (when installed as owned); the threads
 * that rendered must be joined (or at least have stopped rendering) before then.
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jinn.h"
#include "buf.h"
#include "store.h"

#define METRIC_TTL 60.0 /* seconds a metric's answer is reused across renders */

enum { DEF_EXPRESSION, DEF_METRIC, DEF_AGGREGATE };
static const char *const def_kinds[] = {"expression", "metric", "aggregate"};

typedef struct {
    char *id, *name, *sql; /* NUL-terminated copies */
    char *set_sql;         /* the set form, or NULL */
    size_t id_len;
    int kind;
} sdef;

typedef struct sprov sprov;

/* One connection, used by one thread at a time. */
typedef struct sconn {
    sprov *P;
    sqlite3 *db;
    sqlite3_stmt **stmts; /* 2 * P->ndefs entries, NULL until first used: the definitions'
                             per-customer statements, then their set forms */
    sqlite3_stmt *tmp_clear, *tmp_add; /* chunk_customers, made at the first prefetch */
    int tmp_ready;
    pbuf ans;            /* the last answer (or error message) of this thread */
    const int *intr;     /* the lookup under way: its render's interrupt flag, or NULL */
    double deadline;     /* and when its query_ms ends (monotonic seconds), or 0 */
    uint32_t deadline_ms;/* that query_ms (for the message) */
    int in_use;
    struct sconn *next;
} sconn;

typedef struct {
    char *json; /* cached answer, or NULL */
    size_t len;
    double expires;
} smetric;

struct sprov {
    uint32_t query_ms;   /* a prefetch statement's bound (set_query_ms), 0: none */
    jinn_alloc_fn alloc;
    void *alloc_user;
    char *path;
    size_t path_len;
    sdef *defs; /* sorted by id */
    size_t ndefs;
    pthread_mutex_t mu; /* guards conns, in_use flags and metrics */
    pthread_key_t key;
    pthread_key_t bound; /* the thread's prefetched customer (a pbuf_cust), or NULL */
    sconn *conns;
    smetric *metrics; /* ndefs entries */
    /* the store's own connections (store.h: one thread at a time each) */
    sconn *reader;              /* customers and prefetch; opened at first use */
    sqlite3_stmt *st_scan, *st_scan_from, *st_get, *st_count;
    char **once;                /* ndefs entries: metrics answered once per open store (prefetch) */
    unsigned char *asked;       /* ndefs entries: the provider was asked for it (atomic; prefetch learns) */
    size_t *once_len;
    int flags;                  /* STORE_* of open */
    sqlite3 *wdb;               /* the writer; opened by run_begin */
    sqlite3_stmt *st_ins, *st_upd, *st_fail, *st_unfail, *st_anyfail;
    const int *stop;            /* store.h interrupt: every statement ends when set */
    /* the checkpointer: its own connection and thread, woken by the writer's commits */
    sqlite3 *cdb;
    pthread_t ckpt_th;
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cv;
    int ckpt_started, ckpt_pending, ckpt_stop;
    int ckpt_base; /* the WAL's length when the checkpointer was last woken (the writer's) */
};

/* ---- memory through the env's allocator ------------------------------------------------ */

static void *pmem(sprov *P, void *p, size_t old, size_t n)
{
    return P->alloc(P->alloc_user, p, old, n);
}


static char *pstrdup(sprov *P, const char *s, size_t n) { return pbuf_strdup(P->alloc, P->alloc_user, s, n); }
static void pstrfree(sprov *P, char *s) { pbuf_strfree(P->alloc, P->alloc_user, s); }

/* ---- a connection's answer buffer (buf.h) --------------------------------------------------- */

static int ans_put(sconn *c, const char *s, size_t n) { return pbuf_put(&c->ans, c->P->alloc, c->P->alloc_user, s, n); }
static int ans_puts(sconn *c, const char *s) { return ans_put(c, s, strlen(s)); }
#define ans_printf(c, ...) pbuf_printf(&(c)->ans, (c)->P->alloc, (c)->P->alloc_user, __VA_ARGS__)
static int ans_json_string(sconn *c, const char *s, size_t n)
{
    return pbuf_json_string(&c->ans, c->P->alloc, c->P->alloc_user, s, n);
}

/* v in decimal, without printf (a set form prints a number a customer, a write one a decision) */
static int ans_int(sconn *c, int64_t v)
{
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char num[24], *p = num + sizeof num;
    do *--p = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *--p = '-';
    return ans_put(c, p, (size_t)(num + sizeof num - p));
}

/* One column of the current row as JSON: integers and reals as numbers (non-finite reals as
 * null), text and blobs as strings, NULL as null. */
static int ans_column(sconn *c, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER: return ans_int(c, sqlite3_column_int64(st, col));
    case SQLITE_FLOAT: {
        double d = sqlite3_column_double(st, col);
        if (!isfinite(d)) return ans_puts(c, "null");
        char num[40];
        jinn_float_repr(d, num, sizeof num); /* the shortest text that reads back as d; a float's (2.0) */
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
        for (size_t i = 0; i < 2 * P->ndefs; i++) sqlite3_finalize(c->stmts[i]);
        pmem(P, c->stmts, 2 * P->ndefs * sizeof *c->stmts, 0);
    }
    sqlite3_finalize(c->tmp_clear);
    sqlite3_finalize(c->tmp_add);
    sqlite3_close(c->db);
    if (c->ans.s) pmem(P, c->ans.s, c->ans.cap, 0);
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

static void store_why(sprov *P, sqlite3 *db, const char *what, char *err, size_t errcap);

/* sqlite3_progress_handler: a statement ends ("interrupted") when the store is interrupted
 * (Ctrl-C in the batch), when the render of the lookup under way is, or at its query_ms. */
static int conn_progress(void *arg)
{
    sconn *c = arg;
    if (c->P->stop && __atomic_load_n(c->P->stop, __ATOMIC_RELAXED)) return 1;
    if (c->intr && __atomic_load_n(c->intr, __ATOMIC_RELAXED)) return 1;
    return c->deadline > 0 && pbuf_now_seconds() >= c->deadline;
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
    sqlite3_progress_handler(c->db, 1000, conn_progress, c);
    /* Read through a memory map and keep more pages: without them, most of a render's time is
     * spent copying pages in pread (measured on the example database: 64% in the kernel). But a
     * map's pages count in the process's memory up to the size of the base: a bounded store
     * (the batch, whose reads are set-form statements over a chunk) reads without one, its
     * memory then bounded by a 4 MB page cache per connection: a chunk's statements read its
     * customers' index pages (about 0.5 MB for 256 customers) again and again, and every
     * other page once; a commit of the batch's writer empties the cache anyway. 16 MB only
     * cost memory and CPU (the pages faulted in): on the 50k store, --jobs 2 --dry-run
     * 76 -> 31 MB max RSS and 0.85-0.90 -> 0.77-0.82 s CPU, written back 36 -> 23 MB. */
    /* (the pragmas read the schema: a lock or an unreadable file shows here first) */
    rc = sqlite3_exec(c->db,
                      P->flags & STORE_BOUNDED ? "PRAGMA cache_size = -4096"
                                               : "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK && !strstr(sqlite3_errmsg(c->db), "no such")) {
        store_why(P, c->db, "opening it", err, errcap);
        sqlite3_close(c->db);
        pmem(P, c, sizeof *c, 0);
        return NULL;
    }
    if (P->ndefs) {
        c->stmts = pmem(P, NULL, 0, 2 * P->ndefs * sizeof *c->stmts);
        if (!c->stmts) {
            snprintf(err, errcap, "out of memory");
            sqlite3_close(c->db);
            pmem(P, c, sizeof *c, 0);
            return NULL;
        }
        memset(c->stmts, 0, 2 * P->ndefs * sizeof *c->stmts);
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

/* The prepared statement of definition d's sql (its own, or its set form) on connection c,
 * kept in *slot, prepared at its first use. NULL with the error message in c->ans when the
 * SQL is bad. */
static sqlite3_stmt *def_prepare(sconn *c, const sdef *d, const char *sql, sqlite3_stmt **slot)
{
    if (*slot) return *slot;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
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
        c->ans.len = 0;
        (void)(ans_def(c, d) && ans_puts(c, sql == d->sql ? ": bad SQL: " : ": bad SQL in the set form: ") &&
               ans_puts(c, why));
        sqlite3_finalize(st);
        return NULL;
    }
    *slot = st;
    return st;
}

static sqlite3_stmt *def_stmt(sconn *c, const sdef *d)
{
    return def_prepare(c, d, d->sql, &c->stmts[d - c->P->defs]);
}

/* a statement's error as an answer: "definition 'ID' (name): MESSAGE", or its query_ms */
static int ans_stmt_error(sconn *c, const sdef *d, int rc)
{
    c->ans.len = 0;
    if (rc == SQLITE_INTERRUPT && c->deadline > 0 && pbuf_now_seconds() >= c->deadline) {
        char m[80];
        snprintf(m, sizeof m, ": took more than %u ms (limit query_ms)", (unsigned)c->deadline_ms);
        return ans_def(c, d) && ans_puts(c, m);
    }
    return ans_def(c, d) && ans_puts(c, ": ") && ans_puts(c, sqlite3_errmsg(c->db));
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
    c->ans.len = 0;
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
        (void)ans_stmt_error(c, d, rc);
        ok = 0;
    } else if (!ok) {
        c->ans.len = 0;
        ans_puts(c, "out of memory");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ok;
}


/* ---- the vtable --------------------------------------------------------------------------------- */

static const int kind_of_lookup[] = {DEF_EXPRESSION, DEF_METRIC, DEF_AGGREGATE};

/* The prefetched answer of definition d for the calling thread's bound customer: 1 (JINN_OK
 * or JINN_ERROR in *st), or 0 when there is none (no binding, another customer, a definition
 * the chunk did not prefetch). */
static int bound_answer(sprov *P, const sdef *d, const jinn_lookup *q, const char **json, size_t *json_len, int *st)
{
    const pbuf_cust *b = pthread_getspecific(P->bound);
    if (!b || !q->customer) return 0;
    const store_answers *a = b->a;
    int k = a->slot[d - P->defs];
    const char *id = a->ids[b->i];
    if (k < 0 || strlen(id) != q->customer_len || memcmp(id, q->customer, q->customer_len)) return 0;
    size_t x = (size_t)k * (size_t)a->n + (size_t)b->i;
    *json = a->text + a->off[x];
    *json_len = a->len[x];
    *st = a->failed[k] ? JINN_ERROR : JINN_OK;
    return 1;
}

static int lookup2(void *user, const jinn_lookup *q, const char **json, size_t *json_len)
{
    sprov *P = user;
    static __thread char errbuf[512]; /* when the thread has no connection to hold the message */
    *json = NULL;
    *json_len = 0;
    if ((unsigned)q->kind > JINN_LOOKUP_AGGREGATE) return JINN_ERROR; /* catalogs: not kept here */
    const sdef *d = def_find(P, q->id, q->id_len);
    if (!d) return JINN_ERROR;
    int st;
    if (d->kind == kind_of_lookup[q->kind] && bound_answer(P, d, q, json, json_len, &st)) return st;
    unsigned char *asked = &P->asked[d - P->defs];
    if (!__atomic_load_n(asked, __ATOMIC_RELAXED)) __atomic_store_n(asked, 1, __ATOMIC_RELAXED);
    sconn *c = conn_get(P, errbuf, sizeof errbuf);
    if (!c) { *json = errbuf; *json_len = strlen(errbuf); return JINN_ERROR; }
    if (d->kind != kind_of_lookup[q->kind]) {
        c->ans.len = 0;
        if (!(ans_def(c, d) && ans_printf(c, " is a%s %s, not a%s %s", d->kind == DEF_EXPRESSION ? "n" : "",
                                          def_kinds[d->kind], q->kind == JINN_LOOKUP_EXPRESSION ? "n" : "",
                                          def_kinds[kind_of_lookup[q->kind]]))) {
            *json = "out of memory";
            *json_len = 13;
            return JINN_ERROR;
        }
        *json = c->ans.s;
        *json_len = c->ans.len;
        return JINN_ERROR;
    }
    smetric *m = d->kind == DEF_METRIC ? &P->metrics[d - P->defs] : NULL;
    if (m) { /* a fresh cached answer, copied into this thread's buffer under the lock */
        int hit = 0, ok = 1;
        pthread_mutex_lock(&P->mu);
        if (m->json && m->expires > pbuf_now_seconds()) {
            hit = 1;
            c->ans.len = 0;
            ok = ans_put(c, m->json, m->len);
        }
        pthread_mutex_unlock(&P->mu);
        if (hit) {
            if (!ok) { *json = "out of memory"; *json_len = 13; return JINN_ERROR; }
            *json = c->ans.s;
            *json_len = c->ans.len;
            return JINN_OK;
        }
    }
    c->intr = q->interrupt;
    c->deadline = q->query_ms ? pbuf_now_seconds() + q->query_ms / 1e3 : 0;
    c->deadline_ms = q->query_ms;
    int ok = def_run(c, d, q->customer, q->customer_len);
    c->intr = NULL;
    c->deadline = 0;
    *json = c->ans.s ? c->ans.s : "out of memory";
    *json_len = c->ans.s ? c->ans.len : 13;
    if (!ok) return JINN_ERROR;
    if (m) {
        char *copy = pstrdup(P, c->ans.s, c->ans.len);
        if (copy) {
            pthread_mutex_lock(&P->mu);
            pstrfree(P, m->json);
            m->json = copy;
            m->len = c->ans.len;
            m->expires = pbuf_now_seconds() + METRIC_TTL;
            pthread_mutex_unlock(&P->mu);
        }
    }
    return JINN_OK;
}

static void store_close(void *user);

static void destroy(void *user) { store_close(user); }

/* ---- install -------------------------------------------------------------------------------------- */

/* What failed on db, said as it is: a lock, a read-only file, or (no such table) not a store. */
static void store_why(sprov *P, sqlite3 *db, const char *what, char *err, size_t errcap)
{
    int rc = sqlite3_errcode(db), x = sqlite3_extended_errcode(db);
    const char *m = sqlite3_errmsg(db);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        snprintf(err, errcap, "'%s' is locked by another connection (%s): %s; try again when it is free", P->path, what, m);
    else if (rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN || x == SQLITE_READONLY_CANTINIT ||
             x == SQLITE_READONLY_RECOVERY || x == SQLITE_READONLY_CANTLOCK)
        snprintf(err, errcap,
                 "'%s' cannot be read here (%s): %s; a WAL database needs its -wal and -shm files writable, or "
                 "open it with file:PATH?immutable=1 on read-only media",
                 P->path, what, m);
    else if (rc == SQLITE_NOTADB)
        snprintf(err, errcap, "'%s' is not a SQLite database: %s", P->path, m);
    else if (strstr(m, "no such table") || strstr(m, "no such column"))
        snprintf(err, errcap, "'%s' is not a jinn event store: %s (see docs/providers.md)", P->path, m);
    else
        snprintf(err, errcap, "'%s': %s: %s", P->path, what, m);
}

/* Read the definitions table into P->defs (sorted by id). 0 + message in err on failure. */
static int load_definitions(sprov *P, sqlite3 *db, char *err, size_t errcap)
{
    sqlite3_stmt *st = NULL;
    /* set_sql, the set form, is optional: a store made before it answers per customer */
    if (sqlite3_prepare_v2(db, "SELECT id, kind, name, sql, set_sql FROM definitions WHERE id IS NOT NULL", -1, &st,
                           NULL) != SQLITE_OK &&
        (!strstr(sqlite3_errmsg(db), "no such column") || /* locked, unreadable: said as it is, not waited twice */
         sqlite3_prepare_v2(db, "SELECT id, kind, name, sql, NULL FROM definitions WHERE id IS NOT NULL", -1, &st,
                           NULL) != SQLITE_OK)) {
        store_why(P, db, "reading the definitions", err, errcap);
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
        const char *set_sql = (const char *)sqlite3_column_text(st, 4);
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
        d->set_sql = set_sql && *set_sql && k != DEF_METRIC ? pstrdup(P, set_sql, strlen(set_sql)) : NULL;
        P->ndefs++;
        if (!d->id || !d->name || !d->sql || (set_sql && *set_sql && k != DEF_METRIC && !d->set_sql)) {
            snprintf(err, errcap, "out of memory");
            ok = 0;
        }
    }
    if (ok && rc != SQLITE_DONE) {
        store_why(P, db, "reading the definitions", err, errcap);
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
    if (P->ndefs) qsort(P->defs, P->ndefs, sizeof *P->defs, def_sort); /* (a store without definitions: defs NULL) */
    if (P->ndefs) {
        P->metrics = pmem(P, NULL, 0, P->ndefs * sizeof *P->metrics);
        if (!P->metrics) { snprintf(err, errcap, "out of memory"); return 0; }
        memset(P->metrics, 0, P->ndefs * sizeof *P->metrics);
        P->once = pmem(P, NULL, 0, P->ndefs * sizeof *P->once);
        P->once_len = pmem(P, NULL, 0, P->ndefs * sizeof *P->once_len);
        P->asked = pmem(P, NULL, 0, P->ndefs);
        if (!P->once || !P->once_len || !P->asked) { snprintf(err, errcap, "out of memory"); return 0; }
        memset(P->asked, 0, P->ndefs);
        memset(P->once, 0, P->ndefs * sizeof *P->once);
        memset(P->once_len, 0, P->ndefs * sizeof *P->once_len);
    }
    return 1;
}


/* ---- the store: open and close -------------------------------------------------------------- */

static void checkpointer_stop(sprov *P);

static void store_close(void *user)
{
    sprov *P = user;
    if (!P) return;
    checkpointer_stop(P);
    pthread_key_delete(P->key);
    pthread_key_delete(P->bound);
    for (sconn *c = P->conns, *next; c; c = next) {
        next = c->next;
        conn_close(c);
    }
    sqlite3_finalize(P->st_scan);
    sqlite3_finalize(P->st_scan_from);
    sqlite3_finalize(P->st_get);
    sqlite3_finalize(P->st_count);
    if (P->reader) conn_close(P->reader);
    sqlite3_finalize(P->st_ins);
    sqlite3_finalize(P->st_upd);
    sqlite3_finalize(P->st_fail);
    sqlite3_finalize(P->st_unfail);
    sqlite3_finalize(P->st_anyfail);
    sqlite3_close(P->wdb);
    for (size_t i = 0; i < P->ndefs; i++) {
        pstrfree(P, P->defs[i].id);
        pstrfree(P, P->defs[i].name);
        pstrfree(P, P->defs[i].sql);
        pstrfree(P, P->defs[i].set_sql);
        if (P->metrics) pstrfree(P, P->metrics[i].json);
        if (P->once && P->once[i]) pmem(P, P->once[i], P->once_len[i] + 1, 0);
    }
    if (P->defs) pmem(P, P->defs, P->ndefs * sizeof *P->defs, 0);
    if (P->metrics) pmem(P, P->metrics, P->ndefs * sizeof *P->metrics, 0);
    if (P->once) pmem(P, P->once, P->ndefs * sizeof *P->once, 0);
    if (P->once_len) pmem(P, P->once_len, P->ndefs * sizeof *P->once_len, 0);
    if (P->asked) pmem(P, P->asked, P->ndefs, 0);
    pthread_mutex_destroy(&P->mu);
    pstrfree(P, P->path);
    pmem(P, P, sizeof *P, 0);
}

static jinn_status store_open(const char *path, int flags, jinn_alloc_fn alloc, void *alloc_user, void **user,
                              char *err, size_t errcap)
{
    *user = NULL;
    if (!alloc) alloc = pbuf_default_alloc, alloc_user = NULL;
    sprov *P = alloc(alloc_user, NULL, 0, sizeof *P);
    if (!P) { snprintf(err, errcap, "out of memory"); return JINN_ERROR; }
    memset(P, 0, sizeof *P);
    P->alloc = alloc;
    P->alloc_user = alloc_user;
    P->flags = flags;
    P->path = pstrdup(P, path, strlen(path));
    if (!P->path || pthread_mutex_init(&P->mu, NULL) != 0) {
        pstrfree(P, P->path);
        pmem(P, P, sizeof *P, 0);
        snprintf(err, errcap, "out of memory");
        return JINN_ERROR;
    }
    if (pthread_key_create(&P->key, conn_release) != 0) {
        pthread_mutex_destroy(&P->mu);
        pstrfree(P, P->path);
        pmem(P, P, sizeof *P, 0);
        snprintf(err, errcap, "cannot create a thread key");
        return JINN_ERROR;
    }
    if (pthread_key_create(&P->bound, NULL) != 0) {
        pthread_key_delete(P->key);
        pthread_mutex_destroy(&P->mu);
        pstrfree(P, P->path);
        pmem(P, P, sizeof *P, 0);
        snprintf(err, errcap, "cannot create a thread key");
        return JINN_ERROR;
    }
    /* a first connection reads the definitions */
    sconn *first = conn_open(P, err, errcap);
    if (!first) { store_close(P); return JINN_ERROR; }
    if (!load_definitions(P, first->db, err, errcap)) {
        conn_close(first); /* stmts is NULL (ndefs was 0 when it opened) */
        store_close(P);
        return JINN_ERROR;
    }
    conn_close(first); /* it was opened with no statement slots; renders open their own */
    *user = P;
    return JINN_OK;
}

/* ---- the store: reading customers (the reader connection) ------------------------------------ */

static sconn *reader_get(sprov *P, char *err, size_t errcap)
{
    if (!P->reader) P->reader = conn_open(P, err, errcap);
    return P->reader;
}

static int reader_prepare(sprov *P, sqlite3_stmt **st, const char *sql, const char *what, char *err, size_t errcap)
{
    if (!reader_get(P, err, errcap)) return 0;
    if (!*st && sqlite3_prepare_v3(P->reader->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", what, sqlite3_errmsg(P->reader->db));
        return 0;
    }
    return 1;
}

static jinn_status store_count(void *user, long *n, char *err, size_t errcap)
{
    sprov *P = user;
    *n = 0;
    if (!reader_prepare(P, &P->st_count, "SELECT count(*) FROM customers", "counting the customers", err, errcap))
        return JINN_ERROR;
    int rc = sqlite3_step(P->st_count);
    if (rc == SQLITE_ROW) *n = (long)sqlite3_column_int64(P->st_count, 0);
    else snprintf(err, errcap, "counting the customers: %s", sqlite3_errmsg(P->reader->db));
    sqlite3_reset(P->st_count);
    return rc == SQLITE_ROW ? JINN_OK : JINN_ERROR;
}

/* One customer row of st (id in column 0, attributes in column 1) to row. */
static int customer_row(sqlite3_stmt *st, const char *id, store_row_fn row, void *cb)
{
    if (!id) id = (const char *)sqlite3_column_text(st, 0);
    const char *attrs = (const char *)sqlite3_column_text(st, 1);
    size_t alen = attrs ? (size_t)sqlite3_column_bytes(st, 1) : 2;
    return row(cb, id, strlen(id), attrs ? attrs : "{}", alen);
}

static jinn_status store_scan(void *user, const char *after, int max, store_row_fn row, void *cb, int *nread,
                              char *err, size_t errcap)
{
    sprov *P = user;
    *nread = 0;
    sqlite3_stmt **sp = after ? &P->st_scan_from : &P->st_scan;
    if (!reader_prepare(P, sp,
                        after ? "SELECT id, attributes FROM customers WHERE id > ?2 ORDER BY id LIMIT ?1"
                              : "SELECT id, attributes FROM customers WHERE id IS NOT NULL ORDER BY id LIMIT ?1",
                        "reading the customers", err, errcap))
        return JINN_ERROR;
    sqlite3_stmt *st = *sp;
    sqlite3_bind_int(st, 1, max);
    if (after) sqlite3_bind_text(st, 2, after, -1, SQLITE_STATIC);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!sqlite3_column_text(st, 0)) continue;
        ++*nread;
        stop = customer_row(st, NULL, row, cb);
    }
    jinn_status status = JINN_OK;
    if (!stop && rc != SQLITE_DONE) {
        snprintf(err, errcap, "reading the customers: %s", sqlite3_errmsg(P->reader->db));
        status = JINN_ERROR;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return status;
}

static jinn_status store_get(void *user, const char *const *ids, int n, store_row_fn row, void *cb, char *err,
                             size_t errcap)
{
    sprov *P = user;
    if (!reader_prepare(P, &P->st_get, "SELECT ?1, attributes FROM customers WHERE id = ?1", "reading the customers",
                        err, errcap))
        return JINN_ERROR;
    sqlite3_stmt *st = P->st_get;
    jinn_status status = JINN_OK;
    for (int i = 0; i < n && status == JINN_OK; i++) {
        sqlite3_bind_text(st, 1, ids[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(st), stop;
        if (rc == SQLITE_ROW) stop = customer_row(st, ids[i], row, cb);
        else if (rc == SQLITE_DONE) stop = row(cb, ids[i], strlen(ids[i]), NULL, 0);
        else {
            snprintf(err, errcap, "reading the customers: %s", sqlite3_errmsg(P->reader->db));
            status = JINN_ERROR;
            stop = 1;
        }
        sqlite3_reset(st);
        if (stop) break;
    }
    sqlite3_clear_bindings(st);
    return status;
}

/* ---- the store: the provider and prefetched answers ------------------------------------------- */

static jinn_status store_install(void *user, jinn_env *env, int owned, char *err, size_t errcap)
{
    jinn_provider vt = {.version = 2, .lookup2 = lookup2, .destroy = owned ? destroy : NULL};
    if (jinn_env_set_provider(env, &vt, user) != JINN_OK) {
        snprintf(err, errcap, "cannot install the provider");
        return JINN_ERROR;
    }
    return JINN_OK;
}

static void store_bind(void *user, const store_answers *a, int i)
{
    sprov *P = user;
    pthread_setspecific(P->bound, a ? &a->refs[i] : NULL);
}

static void store_answers_free(void *user, store_answers *a)
{
    sprov *P = user;
    pbuf_answers_free(a, P->alloc, P->alloc_user);
}

/* append s[0..n) to the answers' text; its offset in *off */
static int text_put(sprov *P, store_answers *a, const char *s, size_t n, size_t *off)
{
    return pbuf_text_put(a, P->alloc, P->alloc_user, s, n, off);
}

/* every customer of slot k answers s[0..n) (a failed slot: s is its message) */
static int slot_all(sprov *P, store_answers *a, int k, const char *s, size_t n, int failed)
{
    return pbuf_slot_all(a, P->alloc, P->alloc_user, k, s, n, failed);
}

/* the chunk's customers sorted by id, for finding a set form's rows */
typedef struct {
    const char *id;
    int i;
} sidx;

static int sidx_cmp(const void *x, const void *y)
{
    const sidx *a = x, *b = y;
    int r = strcmp(a->id, b->id);
    return r ? r : (a->i > b->i) - (a->i < b->i);
}

/* the first index of customer id (len bytes) in the chunk, or -1 */
static int sidx_find(const sidx *s, int n, const char *id, size_t len)
{
    int lo = 0, hi = n;
    while (lo < hi) { /* lower bound */
        int mid = lo + (hi - lo) / 2;
        int r = strncmp(s[mid].id, id, len);
        if (!r && s[mid].id[len]) r = 1;
        if (r < 0) lo = mid + 1;
        else hi = mid;
    }
    if (lo < n && !strncmp(s[lo].id, id, len) && !s[lo].id[len]) return s[lo].i;
    return -1;
}

/* one row of an aggregate's set form, kept until the rows are grouped by customer */
typedef struct {
    int cust, seq;
    size_t off, len;
} srow;

static int srow_cmp(const void *x, const void *y)
{
    const srow *a = x, *b = y;
    return a->cust != b->cust ? (a->cust > b->cust) - (a->cust < b->cust) : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Fill chunk_customers with the chunk's ids (a temporary table of connection c's). */
static int fill_chunk_table(sconn *c, const char *const *customers, int n, char *err, size_t errcap)
{
    sqlite3 *db = c->db;
    int ok = 1;
    if (!c->tmp_ready) {
        ok = sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS chunk_customers(customer_id TEXT PRIMARY KEY)", NULL,
                          NULL, NULL) == SQLITE_OK &&
             sqlite3_prepare_v3(db, "DELETE FROM temp.chunk_customers", -1, SQLITE_PREPARE_PERSISTENT, &c->tmp_clear,
                                NULL) == SQLITE_OK &&
             sqlite3_prepare_v3(db, "INSERT OR IGNORE INTO temp.chunk_customers VALUES(?1)", -1,
                                SQLITE_PREPARE_PERSISTENT, &c->tmp_add, NULL) == SQLITE_OK;
        c->tmp_ready = ok;
    }
    ok = ok && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    ok = ok && sqlite3_step(c->tmp_clear) == SQLITE_DONE;
    if (c->tmp_clear) sqlite3_reset(c->tmp_clear);
    for (int i = 0; ok && i < n; i++) {
        sqlite3_bind_text(c->tmp_add, 1, customers[i], -1, SQLITE_STATIC);
        ok = sqlite3_step(c->tmp_add) == SQLITE_DONE;
        sqlite3_reset(c->tmp_add);
    }
    if (c->tmp_add) sqlite3_clear_bindings(c->tmp_add);
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        snprintf(err, errcap, "filling chunk_customers: %s", sqlite3_errmsg(db));
        if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return ok;
}

/* The set form of expression or aggregate d into slot k, for the chunk (sorted ids in ix). 1,
 * or 0 when out of memory; a statement that fails fails the slot, with its message. */
/* the deadline of a prefetch statement (conn_progress stops it) */
static void prefetch_deadline(sprov *P, sconn *c)
{
    c->deadline = P->query_ms ? pbuf_now_seconds() + P->query_ms / 1e3 : 0;
    c->deadline_ms = P->query_ms;
}

static int prefetch_set(sprov *P, sconn *c, store_answers *a, int k, const sdef *d, const sidx *ix)
{
    size_t di = (size_t)(d - P->defs);
    sqlite3_stmt *st = def_prepare(c, d, d->set_sql, &c->stmts[P->ndefs + di]);
    if (!st) return slot_all(P, a, k, c->ans.s, c->ans.len, 1);
    int ncol = sqlite3_column_count(st), idcol = -1;
    for (int col = 0; col < ncol && idcol < 0; col++) {
        const char *cn = sqlite3_column_name(st, col);
        if (cn && !strcmp(cn, "customer_id")) idcol = col;
    }
    if (idcol < 0) {
        c->ans.len = 0;
        int ok = ans_def(c, d) && ans_puts(c, ": bad SQL in the set form: no customer_id column");
        return ok && slot_all(P, a, k, c->ans.s, c->ans.len, 1);
    }
    int kn = sqlite3_bind_parameter_index(st, ":now");
    if (kn) sqlite3_bind_int64(st, kn, (sqlite3_int64)time(NULL));
    /* until a customer has a row: no row's answer */
    const char *none = d->kind == DEF_AGGREGATE ? "[]" : "null";
    if (!slot_all(P, a, k, none, strlen(none), 0)) return 0;
    size_t base = (size_t)k * (size_t)a->n;
    unsigned char *seen = pmem(P, NULL, 0, (size_t)a->n);
    if (!seen) return 0;
    memset(seen, 0, (size_t)a->n);
    srow *rows = NULL;
    size_t nrows = 0, rows_cap = 0;
    int ok = 1, rc;
    prefetch_deadline(P, c);
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cid = (const char *)sqlite3_column_text(st, idcol);
        int i = cid ? sidx_find(ix, a->n, cid, (size_t)sqlite3_column_bytes(st, idcol)) : -1;
        if (i < 0) continue; /* not a customer of the chunk */
        c->ans.len = 0;
        if (d->kind == DEF_EXPRESSION) {
            if (seen[i]) continue; /* the first row answers */
            int vcol = idcol == 0 ? 1 : 0;
            ok = (vcol < ncol ? ans_column(c, st, vcol) : ans_puts(c, "null")) &&
                 text_put(P, a, c->ans.s, c->ans.len, &a->off[base + (size_t)i]);
            a->len[base + (size_t)i] = c->ans.len;
            seen[i] = 1;
            continue;
        }
        /* an aggregate's row: an object of the other columns, grouped by customer below */
        ok = ans_puts(c, "{");
        for (int col = 0, first = 1; ok && col < ncol; col++) {
            if (col == idcol) continue;
            const char *cn = sqlite3_column_name(st, col);
            ok = (first || ans_puts(c, ", ")) && ans_json_string(c, cn ? cn : "", cn ? strlen(cn) : 0) &&
                 ans_puts(c, ": ") && ans_column(c, st, col);
            first = 0;
        }
        ok = ok && ans_puts(c, "}");
        if (ok && nrows == rows_cap) {
            size_t ncap = rows_cap ? rows_cap * 2 : 256;
            srow *nr = pmem(P, rows, rows_cap * sizeof *rows, ncap * sizeof *rows);
            if (!nr) ok = 0;
            else rows = nr, rows_cap = ncap;
        }
        if (ok) {
            rows[nrows] = (srow){i, (int)nrows, 0, c->ans.len};
            ok = text_put(P, a, c->ans.s, c->ans.len, &rows[nrows].off);
            nrows++;
        }
    }
    if (ok && d->kind == DEF_AGGREGATE && nrows) {
        qsort(rows, nrows, sizeof *rows, srow_cmp);
        for (size_t r = 0; ok && r < nrows;) {
            int i = rows[r].cust;
            size_t off;
            ok = text_put(P, a, "[", 1, &off);
            for (size_t q = r; ok && q < nrows && rows[q].cust == i; q++) {
                /* copy out of a->text through c->ans: text_put may move a->text */
                c->ans.len = 0;
                ok = ans_put(c, a->text + rows[q].off, rows[q].len) &&
                     (q == r || text_put(P, a, ", ", 2, NULL)) && text_put(P, a, c->ans.s, c->ans.len, NULL);
            }
            ok = ok && text_put(P, a, "]", 1, NULL);
            a->off[base + (size_t)i] = off;
            a->len[base + (size_t)i] = a->text_len - off;
            while (r < nrows && rows[r].cust == i) r++;
        }
    }
    if (rows) pmem(P, rows, rows_cap * sizeof *rows, 0);
    pmem(P, seen, (size_t)a->n, 0);
    if (ok && rc != SQLITE_DONE) ok = ans_stmt_error(c, d, rc) && slot_all(P, a, k, c->ans.s, c->ans.len, 1);
    c->deadline = 0;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ok;
}

/* A metric into slot k: computed once per open store (:customer_id NULL), then copied. Two
 * threads may compute it at once at the start; the first answer kept is the run's. */
static int prefetch_metric(sprov *P, sconn *c, store_answers *a, int k, const sdef *d)
{
    size_t di = (size_t)(d - P->defs);
    pthread_mutex_lock(&P->mu);
    int have = P->once[di] != NULL;
    pthread_mutex_unlock(&P->mu);
    if (!have) {
        smetric *m = &P->metrics[di];
        int hit = 0;
        pthread_mutex_lock(&P->mu); /* a fresh answer of the provider's cache is the run's answer */
        if (m->json && m->expires > pbuf_now_seconds()) {
            c->ans.len = 0;
            hit = ans_put(c, m->json, m->len);
        }
        pthread_mutex_unlock(&P->mu);
        if (!hit) {
            prefetch_deadline(P, c);
            int ran = def_run(c, d, NULL, 0);
            c->deadline = 0;
            if (!ran) return c->ans.s ? slot_all(P, a, k, c->ans.s, c->ans.len, 1) : 0;
        }
        char *copy = pmem(P, NULL, 0, c->ans.len + 1);
        if (!copy) return 0;
        memcpy(copy, c->ans.s, c->ans.len);
        copy[c->ans.len] = 0;
        pthread_mutex_lock(&P->mu);
        if (!P->once[di]) {
            P->once[di] = copy;
            P->once_len[di] = c->ans.len;
            copy = NULL;
        }
        pthread_mutex_unlock(&P->mu);
        if (copy) pmem(P, copy, c->ans.len + 1, 0);
    }
    /* once set, once[di] never changes until close: read without the lock */
    return slot_all(P, a, k, P->once[di], P->once_len[di], 0);
}

static jinn_status store_prefetch(void *user, const char *const *customers, int n, const char *const *ids, int nids,
                                  store_answers **out, char *err, size_t errcap)
{
    sprov *P = user;
    *out = NULL;
    /* the definitions asked for: the ids given, and those the provider was asked for since open
     * (ids computed at run time, learned from the renders of earlier chunks) */
    int nslots = 0, sets = 0;
    for (int j = 0; j < nids; j++) {
        const sdef *d = def_find(P, ids[j], strlen(ids[j]));
        if (d && (d->kind == DEF_METRIC || d->set_sql)) nslots++, sets += d->kind != DEF_METRIC;
    }
    for (size_t i = 0; i < P->ndefs; i++)
        if (__atomic_load_n(&P->asked[i], __ATOMIC_RELAXED) && (P->defs[i].kind == DEF_METRIC || P->defs[i].set_sql))
            nslots++, sets += P->defs[i].kind != DEF_METRIC;
    if (!nslots || n <= 0) return JINN_OK;
    sconn *c = conn_get(P, err, errcap); /* the calling thread's: prefetches run on many threads */
    if (!c) return JINN_ERROR;
    store_answers *a = pmem(P, NULL, 0, sizeof *a);
    if (!a) goto oom;
    memset(a, 0, sizeof *a);
    a->n = n;
    a->ndefs = P->ndefs;
    a->nslots = nslots;
    size_t cells = (size_t)nslots * (size_t)n;
    for (int i = 0; i < n; i++) a->idtext_len += strlen(customers[i]) + 1;
    a->ids = pmem(P, NULL, 0, (size_t)n * sizeof *a->ids);
    a->idtext = pmem(P, NULL, 0, a->idtext_len);
    a->slot = pmem(P, NULL, 0, P->ndefs * sizeof *a->slot);
    a->failed = pmem(P, NULL, 0, (size_t)nslots);
    a->off = pmem(P, NULL, 0, cells * sizeof *a->off);
    a->len = pmem(P, NULL, 0, cells * sizeof *a->len);
    a->refs = pmem(P, NULL, 0, (size_t)n * sizeof *a->refs);
    if (!a->ids || !a->idtext || !a->slot || !a->failed || !a->off || !a->len || !a->refs) goto oom;
    for (size_t i = 0; i < P->ndefs; i++) a->slot[i] = -1;
    memset(a->failed, 0, (size_t)nslots);
    char *p = a->idtext;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(customers[i]);
        memcpy(p, customers[i], l + 1);
        a->ids[i] = p;
        p += l + 1;
        a->refs[i] = (pbuf_cust){a, i};
    }
    sidx *ix = NULL;
    if (sets) {
        if (!fill_chunk_table(c, customers, n, err, errcap)) {
            store_answers_free(P, a);
            return JINN_ERROR;
        }
        ix = pmem(P, NULL, 0, (size_t)n * sizeof *ix);
        if (!ix) goto oom;
        for (int i = 0; i < n; i++) ix[i] = (sidx){a->ids[i], i};
        qsort(ix, (size_t)n, sizeof *ix, sidx_cmp);
    }
    int k = 0, ok = 1;
    for (int j = 0; ok && j < nids + (int)P->ndefs && k < nslots; j++) {
        const sdef *d = j < nids ? def_find(P, ids[j], strlen(ids[j])) : &P->defs[j - nids];
        if (j >= nids && !__atomic_load_n(&P->asked[j - nids], __ATOMIC_RELAXED)) continue;
        if (!d || !(d->kind == DEF_METRIC || d->set_sql) || a->slot[d - P->defs] >= 0) continue;
        if (d->kind != DEF_METRIC && !ix) continue; /* asked for since the count: the next chunk */
        a->slot[d - P->defs] = k;
        ok = d->kind == DEF_METRIC ? prefetch_metric(P, c, a, k, d) : prefetch_set(P, c, a, k, d, ix);
        k++;
    }
    /* a customer listed twice answers as its first listing (the one the set form's rows found) */
    for (int s = 1, f = 0; ok && ix && s < n; s++) {
        if (strcmp(ix[s].id, ix[f].id)) { f = s; continue; }
        for (int q = 0; q < k; q++) {
            a->off[(size_t)q * (size_t)n + (size_t)ix[s].i] = a->off[(size_t)q * (size_t)n + (size_t)ix[f].i];
            a->len[(size_t)q * (size_t)n + (size_t)ix[s].i] = a->len[(size_t)q * (size_t)n + (size_t)ix[f].i];
        }
    }
    if (ix) pmem(P, ix, (size_t)n * sizeof *ix, 0);
    if (!ok) goto oom;
    *out = a; /* (slots past k, left by ids listed twice, stay unused) */
    return JINN_OK;
oom:
    snprintf(err, errcap, "prefetching answers: out of memory");
    store_answers_free(P, a);
    return JINN_ERROR;
}

/* ---- the store: runs and write-back (the writer connection) ----------------------------------- */

static void store_why(sprov *P, sqlite3 *db, const char *what, char *err, size_t errcap);

static jinn_status wfail(sprov *P, const char *what, char *err, size_t errcap)
{
    int rc = sqlite3_errcode(P->wdb);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN)
        store_why(P, P->wdb, what, err, errcap);
    else
        snprintf(err, errcap, "%s: %s", what, sqlite3_errmsg(P->wdb));
    return JINN_ERROR;
}

/* ---- the checkpointer ----
 * In WAL mode the commits append pages to the WAL and a checkpoint copies them back into the
 * database. SQLite checkpoints in the committing call, every 1000 pages: on the 50k store that
 * was most of the writer's time (1.6 of 2.3 s), and the renderers waited on the writer. So the
 * writer does not checkpoint (wal_autocheckpoint off); a thread of the store does, on its own
 * connection, PASSIVE (it never blocks the writer or a reader), woken when a commit leaves the
 * WAL CKPT_PAGES or longer. Closing the last connection checkpoints the rest. */

#define CKPT_PAGES 8000

static void *checkpointer(void *arg)
{
    sprov *P = arg;
    pthread_mutex_lock(&P->ckpt_mu);
    for (;;) {
        while (!P->ckpt_pending && !P->ckpt_stop) pthread_cond_wait(&P->ckpt_cv, &P->ckpt_mu);
        if (P->ckpt_stop) break;
        P->ckpt_pending = 0;
        pthread_mutex_unlock(&P->ckpt_mu);
        sqlite3_wal_checkpoint_v2(P->cdb, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&P->ckpt_mu);
    }
    pthread_mutex_unlock(&P->ckpt_mu);
    return NULL;
}

/* sqlite3_wal_hook of the writer: after each commit, with the WAL's length in pages */
static int wal_committed(void *user, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    sprov *P = user;
    /* pages counts the whole WAL, copied back or not, until a write starts it again: woken
     * once per CKPT_PAGES new pages, not at every commit while readers keep it from restarting */
    if (pages < P->ckpt_base) P->ckpt_base = 0; /* the WAL started again */
    if (pages - P->ckpt_base >= CKPT_PAGES) {
        P->ckpt_base = pages;
        pthread_mutex_lock(&P->ckpt_mu);
        P->ckpt_pending = 1;
        pthread_cond_signal(&P->ckpt_cv);
        pthread_mutex_unlock(&P->ckpt_mu);
    }
    return SQLITE_OK;
}

/* Start the checkpointer; without one (no connection, no thread), SQLite's own checkpoints stay. */
static void checkpointer_start(sprov *P)
{
    if (sqlite3_open_v2(P->path, &P->cdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        sqlite3_close(P->cdb);
        P->cdb = NULL;
        return;
    }
    sqlite3_busy_timeout(P->cdb, 10000);
    /* a connection that has not read the database does not know it is in WAL mode (its
     * checkpoints would do nothing) */
    if (sqlite3_exec(P->cdb, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) goto fail;
    if (pthread_mutex_init(&P->ckpt_mu, NULL) != 0) goto fail;
    if (pthread_cond_init(&P->ckpt_cv, NULL) != 0) {
        pthread_mutex_destroy(&P->ckpt_mu);
        goto fail;
    }
    if (pthread_create(&P->ckpt_th, NULL, checkpointer, P) != 0) {
        pthread_cond_destroy(&P->ckpt_cv);
        pthread_mutex_destroy(&P->ckpt_mu);
        goto fail;
    }
    P->ckpt_started = 1;
    sqlite3_wal_autocheckpoint(P->wdb, 0);
    sqlite3_wal_hook(P->wdb, wal_committed, P);
    return;
fail:
    sqlite3_close(P->cdb);
    P->cdb = NULL;
}

static void checkpointer_stop(sprov *P)
{
    if (P->ckpt_started) {
        pthread_mutex_lock(&P->ckpt_mu);
        P->ckpt_stop = 1;
        pthread_cond_signal(&P->ckpt_cv);
        pthread_mutex_unlock(&P->ckpt_mu);
        pthread_join(P->ckpt_th, NULL);
        pthread_cond_destroy(&P->ckpt_cv);
        pthread_mutex_destroy(&P->ckpt_mu);
        P->ckpt_started = 0;
    }
    sqlite3_close(P->cdb);
    P->cdb = NULL;
}

/* Open the writer: WAL, so the readers never wait for the batch's writes, nor it for them; in
 * WAL mode, synchronous=NORMAL still survives a crash of the process (a commit is in the WAL
 * before COMMIT returns); only a power loss may drop the last chunks, which a resume then
 * scores again. The run table and the index the resume reads are made here. */
static jinn_status writer_open(sprov *P, char *err, size_t errcap)
{
    if (P->wdb) return JINN_OK;
    if (sqlite3_open_v2(P->path, &P->wdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        if (P->wdb) store_why(P, P->wdb, "opening it to write", err, errcap);
        else snprintf(err, errcap, "%s: out of memory", P->path);
        sqlite3_close(P->wdb);
        P->wdb = NULL;
        return JINN_ERROR;
    }
    sqlite3_busy_timeout(P->wdb, 10000);
    sqlite3_exec(P->wdb, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    sqlite3_exec(P->wdb, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    if (sqlite3_exec(P->wdb,
                     "CREATE TABLE IF NOT EXISTS batch_runs(\n"
                     "  id INTEGER PRIMARY KEY,      -- recorded in each event's params as \"batch\"\n"
                     "  action TEXT NOT NULL,        -- the --emit name\n"
                     "  template TEXT NOT NULL,      -- the template's path, for people\n"
                     "  fingerprint TEXT NOT NULL,   -- what decides the results: an identical command resumes\n"
                     "  started INTEGER NOT NULL, finished INTEGER,  -- unix seconds; finished NULL: resumable\n"
                     "  scored INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return wfail(P, "creating batch_runs", err, errcap);
    if (sqlite3_exec(P->wdb,
                     "CREATE TABLE IF NOT EXISTS batch_failures(\n"
                     "  run_id INTEGER NOT NULL,     -- batch_runs.id\n"
                     "  customer_id TEXT NOT NULL,\n"
                     "  kind TEXT NOT NULL,          -- the diagnostic's kind (docs/diagnostics.md), or data\n"
                     "  message TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL,\n"
                     "  PRIMARY KEY(run_id, customer_id))",
                     NULL, NULL, NULL) != SQLITE_OK)
        return wfail(P, "creating batch_failures", err, errcap);
    sqlite3_exec(P->wdb, "CREATE INDEX IF NOT EXISTS events_by_action ON events(action, customer_id)", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(P->wdb, "INSERT INTO events(customer_id, action, params, timestamp) VALUES(?1, ?2, ?3, ?4)",
                           -1, &P->st_ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(P->wdb,
                           "UPDATE batch_runs SET scored = scored + ?1, errors = (SELECT count(*) FROM batch_failures "
                           "WHERE run_id = ?2) WHERE id = ?2",
                           -1, &P->st_upd, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(P->wdb,
                           "INSERT OR REPLACE INTO batch_failures(run_id, customer_id, kind, message, line, col) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &P->st_fail, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(P->wdb, "DELETE FROM batch_failures WHERE run_id = ?1 AND customer_id = ?2", -1,
                           &P->st_unfail, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(P->wdb, "SELECT 1 FROM batch_failures WHERE run_id = ?1 LIMIT 1", -1, &P->st_anyfail,
                           NULL) != SQLITE_OK)
        return wfail(P, "preparing the writes", err, errcap);
    checkpointer_start(P);
    return JINN_OK;
}

/* The row of batch_runs st is on (id, finished, scored, errors, action, fingerprint) into *info. */
static void run_row(sqlite3_stmt *st, store_run_info *info)
{
    const char *a = (const char *)sqlite3_column_text(st, 4), *f = (const char *)sqlite3_column_text(st, 5);
    info->id = sqlite3_column_int64(st, 0);
    info->finished = sqlite3_column_type(st, 1) != SQLITE_NULL;
    info->scored = (long)sqlite3_column_int64(st, 2);
    info->errors = (long)sqlite3_column_int64(st, 3);
    snprintf(info->action, sizeof info->action, "%s", a ? a : "");
    snprintf(info->fingerprint, sizeof info->fingerprint, "%s", f ? f : "");
}

#define RUN_COLUMNS "SELECT id, finished, scored, errors, action, fingerprint FROM batch_runs "

static jinn_status store_run_begin(void *user, const store_run *r, int new_run, store_run_info *info, int *state,
                                   char *err, size_t errcap)
{
    sprov *P = user;
    memset(info, 0, sizeof *info);
    *state = STORE_RUN_NEW;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    sqlite3 *db = P->wdb;
    sqlite3_stmt *st;
    if (!new_run) {
        /* the newest unfinished run like r, else the newest finished one */
        if (sqlite3_prepare_v2(db,
                               RUN_COLUMNS "WHERE action = ?1 AND fingerprint = ?2 "
                                           "ORDER BY finished IS NULL DESC, id DESC LIMIT 1",
                               -1, &st, NULL) != SQLITE_OK)
            return wfail(P, "reading batch_runs", err, errcap);
        sqlite3_bind_text(st, 1, r->action, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->fingerprint, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            run_row(st, info);
            *state = info->finished ? STORE_RUN_FINISHED : STORE_RUN_RESUMED;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return wfail(P, "reading batch_runs", err, errcap);
        if (rc == SQLITE_ROW) return JINN_OK;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO batch_runs(action, template, fingerprint, started) VALUES(?1, ?2, ?3, ?4)",
                           -1, &st, NULL) != SQLITE_OK)
        return wfail(P, "writing batch_runs", err, errcap);
    sqlite3_bind_text(st, 1, r->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->template_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return wfail(P, "writing batch_runs", err, errcap);
    info->id = sqlite3_last_insert_rowid(db);
    snprintf(info->action, sizeof info->action, "%s", r->action);
    snprintf(info->fingerprint, sizeof info->fingerprint, "%s", r->fingerprint);
    return JINN_OK;
}

static jinn_status store_run_get(void *user, int64_t id, store_run_info *info, int *found, char *err, size_t errcap)
{
    sprov *P = user;
    memset(info, 0, sizeof *info);
    *found = 0;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(P->wdb, id ? RUN_COLUMNS "WHERE id = ?1" : RUN_COLUMNS "ORDER BY id DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return wfail(P, "reading batch_runs", err, errcap);
    if (id) sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        run_row(st, info);
        *found = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return wfail(P, "reading batch_runs", err, errcap);
    return JINN_OK;
}

static jinn_status store_run_failures(void *user, int64_t id, store_failure_fn fn, void *cb, char *err, size_t errcap)
{
    sprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(P->wdb,
                           "SELECT customer_id, kind, message, line, col FROM batch_failures WHERE run_id = ?1 "
                           "ORDER BY customer_id",
                           -1, &st, NULL) != SQLITE_OK)
        return wfail(P, "reading batch_failures", err, errcap);
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_failure f = {(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                           (const char *)sqlite3_column_text(st, 2), sqlite3_column_int(st, 3),
                           sqlite3_column_int(st, 4)};
        if (!f.customer) continue;
        if (!f.kind) f.kind = "";
        if (!f.message) f.message = "";
        if (fn(cb, &f)) { rc = SQLITE_DONE; break; }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return wfail(P, "reading batch_failures", err, errcap);
    return JINN_OK;
}

static jinn_status store_run_scored(void *user, int64_t id, const char *action, store_row_fn row, void *cb, char *err,
                                    size_t errcap)
{
    sprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(P->wdb,
                           "SELECT customer_id FROM events WHERE action = ?1 AND json_extract(params, '$.batch') = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return wfail(P, "reading the events of the run", err, errcap);
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *cid = (const char *)sqlite3_column_text(st, 0);
        if (cid && row(cb, cid, strlen(cid), NULL, 0)) break;
    }
    sqlite3_finalize(st);
    return JINN_OK;
}

/* A decision's params: {PARAMS, "value": V, "batch": ID} (PARAMS: the run's members, as
 * "type": "CTR"); V is the output when it is JSON, else a JSON string of it. Built in the
 * writer's buffer (c). */
/* 0 when text cannot be JSON (a Python-style dict, a word), without parsing it: the common
 * decisions are not JSON, and json_loads would build an error for each; 1: it may be */
static int maybe_json(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    if (*s == '{') { /* an object: empty or a string key */
        s++;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
        return *s == '"' || *s == '}';
    }
    return *s && strchr("[\"-0123456789tfn", *s) != NULL;
}

static int params_json(sconn *c, const char *params, const char *value, int64_t run_id)
{
    c->ans.len = 0;
    int ok = ans_puts(c, "{") && ans_puts(c, params) && ans_puts(c, *params ? ", \"value\": " : "\"value\": ");
    int is_json = 0;
    if (maybe_json(value)) {
        json_error_t e;
        json_t *j = json_loads(value, JSON_DECODE_ANY, &e);
        is_json = j != NULL;
        json_decref(j);
    }
    if (is_json) ok = ok && ans_puts(c, value);
    else { /* a JSON string: as the batch always wrote it (\r as \u000d, unlike answers) */
        ok = ok && ans_put(c, "\"", 1);
        for (const char *s = value; ok && *s; s++) {
            if (*s == '"' || *s == '\\') ok = ans_put(c, "\\", 1) && ans_put(c, s, 1);
            else if (*s == '\n') ok = ans_puts(c, "\\n");
            else if (*s == '\t') ok = ans_puts(c, "\\t");
            else if ((unsigned char)*s < 0x20) ok = ans_printf(c, "\\u%04x", *s);
            else ok = ans_put(c, s, 1);
        }
        ok = ok && ans_put(c, "\"", 1);
    }
    return ok && ans_puts(c, ", \"batch\": ") && ans_int(c, run_id) && ans_put(c, "}", 1);
}

static jinn_status store_write(void *user, int64_t id, const char *action, const char *params, const store_decision *d,
                               size_t n, const store_failure *f, size_t nf, char *err, size_t errcap)
{
    sprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    sconn buf = {.P = P}; /* only its answer buffer, for the params */
    int rc = sqlite3_exec(P->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL), oom = 0;
    sqlite3_int64 ts = (sqlite3_int64)time(NULL);
    /* the run's earlier failures to forget: none (the common case) spares a delete per decision */
    int anyfail = 1;
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(P->st_anyfail, 1, id);
        int r = sqlite3_step(P->st_anyfail);
        if (r == SQLITE_DONE) anyfail = 0;
        else if (r != SQLITE_ROW) rc = SQLITE_ERROR;
        sqlite3_reset(P->st_anyfail);
    }
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        if (!params_json(&buf, params, d[i].value, id)) { oom = 1; rc = SQLITE_NOMEM; break; }
        sqlite3_bind_text(P->st_ins, 1, d[i].customer, -1, SQLITE_STATIC);
        sqlite3_bind_text(P->st_ins, 2, action, -1, SQLITE_STATIC);
        sqlite3_bind_text(P->st_ins, 3, buf.ans.s, (int)buf.ans.len, SQLITE_STATIC);
        sqlite3_bind_int64(P->st_ins, 4, ts);
        rc = sqlite3_step(P->st_ins) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(P->st_ins);
        if (rc != SQLITE_OK || !anyfail) continue;
        sqlite3_bind_int64(P->st_unfail, 1, id);
        sqlite3_bind_text(P->st_unfail, 2, d[i].customer, -1, SQLITE_STATIC);
        rc = sqlite3_step(P->st_unfail) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(P->st_unfail);
    }
    if (buf.ans.s) pmem(P, buf.ans.s, buf.ans.cap, 0);
    for (size_t i = 0; rc == SQLITE_OK && i < nf; i++) {
        sqlite3_bind_int64(P->st_fail, 1, id);
        sqlite3_bind_text(P->st_fail, 2, f[i].customer, -1, SQLITE_STATIC);
        sqlite3_bind_text(P->st_fail, 3, f[i].kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(P->st_fail, 4, f[i].message, -1, SQLITE_STATIC);
        sqlite3_bind_int(P->st_fail, 5, f[i].line);
        sqlite3_bind_int(P->st_fail, 6, f[i].column);
        rc = sqlite3_step(P->st_fail) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(P->st_fail);
    }
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(P->st_upd, 1, (sqlite3_int64)n);
        sqlite3_bind_int64(P->st_upd, 2, id);
        rc = sqlite3_step(P->st_upd) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(P->st_upd);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(P->wdb, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        int code = sqlite3_errcode(P->wdb);
        if (!oom && (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_READONLY))
            store_why(P, P->wdb, "writing the results", err, errcap);
        else if (!oom && (code == SQLITE_FULL || sqlite3_extended_errcode(P->wdb) == SQLITE_IOERR_WRITE))
            /* a full disk, ulimit -f (a short write: SQLite has no errno to give) */
            snprintf(err, errcap, "writing the results failed: %s (%s)", sqlite3_errmsg(P->wdb),
                     sqlite3_system_errno(P->wdb) ? strerror(sqlite3_system_errno(P->wdb))
                                                  : "a write was cut short: the disk is full or a file size limit "
                                                    "was reached");
        else
            snprintf(err, errcap, "writing the results failed: %s", oom ? "out of memory" : sqlite3_errmsg(P->wdb));
        sqlite3_exec(P->wdb, "ROLLBACK", NULL, NULL, NULL);
        return JINN_ERROR;
    }
    return JINN_OK;
}

static jinn_status store_run_finish(void *user, int64_t id, char *err, size_t errcap)
{
    sprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE batch_runs SET finished = %lld WHERE id = %lld", (long long)time(NULL),
             (long long)id);
    if (sqlite3_exec(P->wdb, sql, NULL, NULL, NULL) != SQLITE_OK) return wfail(P, "finishing the run", err, errcap);
    return JINN_OK;
}

static void store_interrupt(void *user, const int *flag)
{
    sprov *P = user;
    P->stop = flag; /* conn_progress of every connection reads it */
}

/* SQLite's memory statistics take a global mutex on every allocation: threads would queue on
 * it. Only before SQLite is first used in the process (a no-op error otherwise). */
static void store_init(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static void store_set_query_ms(void *user, uint32_t ms)
{
    sprov *P = user;
    P->query_ms = ms;
}

const store_module store_sqlite = {
    .version = 3,
    .scheme = "sqlite",
    .init = store_init,
    .open = store_open,
    .close = store_close,
    .count = store_count,
    .scan = store_scan,
    .get = store_get,
    .install = store_install,
    .prefetch = store_prefetch,
    .answers_free = store_answers_free,
    .bind = store_bind,
    .run_begin = store_run_begin,
    .run_get = store_run_get,
    .run_scored = store_run_scored,
    .run_failures = store_run_failures,
    .write = store_write,
    .run_finish = store_run_finish,
    .interrupt = store_interrupt,
    .set_query_ms = store_set_query_ms,
};

/* ---- the public installer ------------------------------------------------------------------------ */

jinn_status jinn_env_use_sqlite_provider(jinn_env *E, const char *path, jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!E || !path) return JINN_USAGE;
    char err[600];
    void *au, *P;
    jinn_alloc_fn alloc = jinn_env_allocator(E, &au);
    if (store_open(path, 0, alloc, au, &P, err, sizeof err) != JINN_OK ||
        (store_install(P, E, 1, err, sizeof err) != JINN_OK && (store_close(P), 1)))
        return jinn_result_error(E, res, JINN_ERR_PROVIDER, "providers", err);
    return JINN_OK;
}
