/*
 * providers/postgres.c — the PostgreSQL event store: the second implementation of the store
 * interface (providers/store.h), on libpq, for `jinn batch --providers postgres:CONNINFO`.
 * Same tables as the SQLite store (providers/sqlite.c, docs/providers.md), in PostgreSQL types:
 *
 *   customers(id text PRIMARY KEY, attributes jsonb)
 *   events(customer_id text, action text, params jsonb, timestamp bigint)
 *   definitions(id text PRIMARY KEY, kind text, name text, sql text, set_sql text)  -- set_sql optional
 *   batch_runs(id bigserial PRIMARY KEY, action, template, fingerprint, started, finished, scored, errors)
 *   batch_failures(run_id, customer_id, kind, message, line, col)  -- failing now, per run
 *
 * Definitions hold PostgreSQL SQL. Where the SQLite store binds :customer_id and :now, a
 * PostgreSQL definition says $1 (text: the customer id; NULL for metrics asked without one and
 * in set forms) and $2 (bigint: unix seconds now); both are always bound, neither need appear.
 * A set form reads the chunk's ids from the temporary table chunk_customers(customer_id text),
 * one per connection, filled before the set forms of each chunk run. Answers are JSON by the
 * column's type: integers and numeric as numbers, float4/float8 as floats (non-finite: null),
 * boolean as true/false, json/jsonb as they are, NULL as null, anything else as a string.
 * The answering connections are read-only (default_transaction_read_only): a definition that
 * would write fails; libpq refuses more than one statement in a prepared one.
 *
 * Threads. As the SQLite store: each answering thread has its own connection (a pthread key
 * maps the thread to a connection from a pool; an exiting thread gives it back), with its own
 * prepared statements ("d<i>" per definition, "s<i>" its set form, prepared at first use). The
 * reader (customers) and the writer (runs, decisions) have a connection each. The definitions
 * are read once, at open. The metric cache (METRIC_TTL) is behind a mutex.
 *
 * Runs. A chunk's decisions, its failures and the run's counters are one transaction, so they
 * commit together or not at all: a resumed run skips exactly the committed customers. A
 * statement under way is cancelled on the server (exec_wait) when the store is interrupted,
 * or the lookup's render is, or its query_ms is over.
 *
 * Answer lifetime: as in providers/sqlite.c (the thread's connection buffer until its next
 * lookup; prefetched answers until answers_free).
 */
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
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

/* PostgreSQL type oids (pg_type.dat; stable across versions) */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_JSON 114
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700
#define OID_JSONB 3802

enum { DEF_EXPRESSION, DEF_METRIC, DEF_AGGREGATE };
static const char *const def_kinds[] = {"expression", "metric", "aggregate"};

typedef struct {
    char *id, *name, *sql; /* NUL-terminated copies */
    char *set_sql;         /* the set form, or NULL */
    size_t id_len;
    int kind;
} pdef;

typedef struct pprov pprov;

/* One connection, used by one thread at a time. */
typedef struct pconn {
    pprov *P;
    PGconn *db;
    unsigned char *prepared; /* 2 * P->ndefs: 1 prepared, 2 failed (message in bad[]) */
    char **bad;              /* 2 * P->ndefs: the message of a statement that failed to prepare */
    pbuf ans; /* the last answer (or error message) of this thread */
    const int *intr; /* the lookup under way: its render's interrupt flag, or NULL */
    double deadline; /* and when its query_ms ends (monotonic seconds), or 0 */
    uint32_t deadline_ms; /* that query_ms (for the message) */
    int in_use;
    struct pconn *next;
} pconn;

typedef struct {
    char *json;
    size_t len;
    double expires;
} pmetric;

struct pprov {
    uint32_t query_ms;  /* a prefetch statement's bound (set_query_ms), 0: none */
    jinn_alloc_fn alloc;
    void *alloc_user;
    char *conninfo;
    pdef *defs; /* sorted by id */
    size_t ndefs;
    pthread_mutex_t mu; /* guards conns, in_use flags, metrics and once */
    pthread_key_t key;
    pthread_key_t bound;
    pconn *conns;
    pmetric *metrics;
    char **once;
    size_t *once_len;
    unsigned char *asked;
    pconn *reader; /* customers */
    pconn *writer; /* runs and decisions */
    int writer_ready;
    const int *stop; /* store.h interrupt: statements under way are cancelled when set */
};

/* ---- memory ------------------------------------------------------------------------------ */

static void *pmem(pprov *P, void *p, size_t old, size_t n) { return P->alloc(P->alloc_user, p, old, n); }

static char *pstrdup(pprov *P, const char *s, size_t n) { return pbuf_strdup(P->alloc, P->alloc_user, s, n); }
static void pstrfree(pprov *P, char *s) { pbuf_strfree(P->alloc, P->alloc_user, s); }

/* ---- a connection's answer buffer (buf.h) --------------------------------------------------- */

static int ans_put(pconn *c, const char *s, size_t n) { return pbuf_put(&c->ans, c->P->alloc, c->P->alloc_user, s, n); }
static int ans_puts(pconn *c, const char *s) { return ans_put(c, s, strlen(s)); }
#define ans_printf(c, ...) pbuf_printf(&(c)->ans, (c)->P->alloc, (c)->P->alloc_user, __VA_ARGS__)
static int ans_json_string(pconn *c, const char *s, size_t n)
{
    return pbuf_json_string(&c->ans, c->P->alloc, c->P->alloc_user, s, n);
}

/* One field of a result as JSON, by the column's type (the file's comment). */
static int ans_field(pconn *c, const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col)) return ans_puts(c, "null");
    const char *v = PQgetvalue(r, row, col);
    size_t n = (size_t)PQgetlength(r, row, col);
    switch (PQftype(r, col)) {
    case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID: return ans_put(c, v, n);
    case OID_NUMERIC: return strcmp(v, "NaN") ? ans_put(c, v, n) : ans_puts(c, "null");
    case OID_BOOL: return ans_puts(c, *v == 't' ? "true" : "false");
    case OID_JSON: case OID_JSONB: return ans_put(c, v, n);
    case OID_FLOAT4: case OID_FLOAT8: {
        double d = strtod(v, NULL);
        if (!isfinite(d)) return ans_puts(c, "null");
        char num[40];
        jinn_float_repr(d, num, sizeof num); /* the shortest text that reads back as d; a float's (2.0) */
        return ans_puts(c, num);
    }
    default: return ans_json_string(c, v, n);
    }
}

/* The first line of libpq's last message on db, without its "ERROR:  " (the primary message:
 * the LINE/caret and HINT lines that follow would break the one-line reports of the batch). */
static const char *pg_msg(PGconn *db, char *buf, size_t cap)
{
    const char *m = db ? PQerrorMessage(db) : "out of memory";
    for (const char *pfx = "ERROR:  \0FATAL:  \0"; *pfx; pfx += strlen(pfx) + 1)
        if (!strncmp(m, pfx, strlen(pfx))) m += strlen(pfx);
    size_t n = strcspn(m, "\n");
    snprintf(buf, cap, "%.*s", (int)n, m);
    return buf;
}

/* ---- connections ------------------------------------------------------------------------------ */

/* Run prepared statement name (or, name NULL, sql with parameters) on c and wait for its result,
 * cancelling it on the server (PQcancel) when the store is interrupted, when the render of the
 * lookup under way is, or at its query_ms: the result is then the server's "canceling
 * statement" error. As PQexecPrepared / PQexecParams otherwise. */
static PGresult *exec_wait(pconn *c, const char *name, const char *sql, int n, const char *const *vals)
{
    int sent = name ? PQsendQueryPrepared(c->db, name, n, vals, NULL, NULL, 0)
                    : PQsendQueryParams(c->db, sql, n, NULL, vals, NULL, NULL, 0);
    if (!sent) return NULL;
    int cancelled = 0;
    while (PQisBusy(c->db)) {
        struct pollfd pf = {.fd = PQsocket(c->db), .events = POLLIN};
        int rc = poll(&pf, 1, 50);
        if (rc < 0 && errno != EINTR) break;
        if (rc > 0 && !PQconsumeInput(c->db)) break;
        int stop = (c->P->stop && __atomic_load_n(c->P->stop, __ATOMIC_RELAXED)) ||
                   (c->intr && __atomic_load_n(c->intr, __ATOMIC_RELAXED)) ||
                   (c->deadline > 0 && pbuf_now_seconds() >= c->deadline);
        if (stop && !cancelled) {
            PGcancel *k = PQgetCancel(c->db);
            char e[256];
            if (k) PQcancel(k, e, sizeof e);
            PQfreeCancel(k);
            cancelled = 1;
        }
    }
    PGresult *last = NULL, *r;
    while ((r = PQgetResult(c->db))) {
        PQclear(last);
        last = r;
    }
    return last;
}

/* the message of a statement exec_wait ran: its query_ms when that cancelled it, else the
 * server's (pg_msg) */
static const char *stmt_msg(pconn *c, char *buf, size_t cap)
{
    if (c->deadline > 0 && pbuf_now_seconds() >= c->deadline) {
        snprintf(buf, cap, "took more than %u ms (limit query_ms)", (unsigned)c->deadline_ms);
        return buf;
    }
    return pg_msg(c->db, buf, cap);
}

static void conn_close(pconn *c)
{
    pprov *P = c->P;
    if (c->bad) {
        for (size_t i = 0; i < 2 * P->ndefs; i++) pstrfree(P, c->bad[i]);
        pmem(P, c->bad, 2 * P->ndefs * sizeof *c->bad, 0);
    }
    if (c->prepared) pmem(P, c->prepared, 2 * P->ndefs, 0);
    PQfinish(c->db);
    if (c->ans.s) pmem(P, c->ans.s, c->ans.cap, 0);
    pmem(P, c, sizeof *c, 0);
}

static void conn_release(void *p)
{
    pconn *c = p;
    pthread_mutex_lock(&c->P->mu);
    c->in_use = 0;
    pthread_mutex_unlock(&c->P->mu);
}

/* libpq prints the server's notices on stderr ("already exists, skipping"): not here */
static void no_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A new connection; read_only for the answering ones. */
static pconn *conn_open(pprov *P, int read_only, char *err, size_t errcap)
{
    pconn *c = pmem(P, NULL, 0, sizeof *c);
    if (!c) { snprintf(err, errcap, "out of memory"); return NULL; }
    memset(c, 0, sizeof *c);
    c->P = P;
    c->db = PQconnectdb(P->conninfo);
    char msg[400];
    if (!c->db || PQstatus(c->db) != CONNECTION_OK) {
        /* not the conninfo: it may hold a password (libpq's message names the server) */
        snprintf(err, errcap, "cannot connect to the event store: %s", pg_msg(c->db, msg, sizeof msg));
        conn_close(c);
        return NULL;
    }
    PQsetNoticeProcessor(c->db, no_notice, NULL);
    /* chunk_customers is made before the connection turns read-only (then its rows may still
     * change: a temporary table is writable in a read-only transaction) */
    PGresult *r = PQexec(c->db, read_only ? "SET client_encoding = 'UTF8'; "
                                            "CREATE TEMP TABLE chunk_customers(customer_id text PRIMARY KEY); "
                                            "SET default_transaction_read_only = on"
                                          : "SET client_encoding = 'UTF8'");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        snprintf(err, errcap, "setting up the connection: %s", pg_msg(c->db, msg, sizeof msg));
        conn_close(c);
        return NULL;
    }
    if (P->ndefs) {
        c->prepared = pmem(P, NULL, 0, 2 * P->ndefs);
        c->bad = pmem(P, NULL, 0, 2 * P->ndefs * sizeof *c->bad);
        if (!c->prepared || !c->bad) {
            snprintf(err, errcap, "out of memory");
            if (!c->bad) { pmem(P, c->prepared, c->prepared ? 2 * P->ndefs : 0, 0); c->prepared = NULL; }
            else memset(c->bad, 0, 2 * P->ndefs * sizeof *c->bad);
            conn_close(c);
            return NULL;
        }
        memset(c->prepared, 0, 2 * P->ndefs);
        memset(c->bad, 0, 2 * P->ndefs * sizeof *c->bad);
    }
    return c;
}

static pconn *conn_get(pprov *P, char *err, size_t errcap)
{
    pconn *c = pthread_getspecific(P->key);
    if (c) return c;
    pthread_mutex_lock(&P->mu);
    for (c = P->conns; c && c->in_use; c = c->next) {}
    if (c) c->in_use = 1;
    pthread_mutex_unlock(&P->mu);
    if (!c) {
        c = conn_open(P, 1, err, errcap);
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

static int def_cmp(const char *id, size_t n, const pdef *d)
{
    int r = memcmp(id, d->id, n < d->id_len ? n : d->id_len);
    return r ? r : (n < d->id_len ? -1 : n > d->id_len);
}

static const pdef *def_find(const pprov *P, const char *id, size_t n)
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
    const pdef *x = a, *y = b;
    return def_cmp(x->id, x->id_len, y);
}

static int ans_def(pconn *c, const pdef *d)
{
    return ans_puts(c, "definition '") && ans_put(c, d->id, d->id_len) && ans_puts(c, "'") &&
           (!d->name || !*d->name || (ans_puts(c, " (") && ans_puts(c, d->name) && ans_puts(c, ")")));
}

/* Prepare definition d's sql (set: its set form) on c as "d<i>"/"s<i>", once. 1, or 0 with the
 * message in c->ans (kept for the next asks). */
static int def_prepare(pconn *c, const pdef *d, int set, char *name, size_t namecap)
{
    pprov *P = c->P;
    size_t di = (size_t)(d - P->defs), slot = set ? P->ndefs + di : di;
    snprintf(name, namecap, "%c%zu", set ? 's' : 'd', di);
    if (c->prepared[slot] == 1) return 1;
    c->ans.len = 0;
    if (c->prepared[slot] == 2) {
        if (!ans_puts(c, c->bad[slot])) ans_puts(c, "out of memory");
        return 0;
    }
    static const unsigned int types[2] = {OID_TEXT, OID_INT8};
    PGresult *r = PQprepare(c->db, name, set ? d->set_sql : d->sql, 2, types);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) {
        c->prepared[slot] = 1;
        return 1;
    }
    char msg[400];
    if (ans_def(c, d) && ans_puts(c, set ? ": bad SQL in the set form: " : ": bad SQL: ") &&
        ans_puts(c, pg_msg(c->db, msg, sizeof msg))) {
        c->bad[slot] = pstrdup(P, c->ans.s, c->ans.len);
        if (c->bad[slot]) c->prepared[slot] = 2;
    }
    return 0;
}

static void now_text(char *buf, size_t cap) { snprintf(buf, cap, "%lld", (long long)time(NULL)); }

/* Run definition d for customer (may be NULL) into c->ans. 1: an answer; 0: an error message. */
static int def_run(pconn *c, const pdef *d, const char *customer, size_t customer_len)
{
    char name[32], now[24], *cust = NULL;
    if (!def_prepare(c, d, 0, name, sizeof name)) return 0;
    if (customer) {
        cust = pstrdup(c->P, customer, customer_len);
        if (!cust) { c->ans.len = 0; ans_puts(c, "out of memory"); return 0; }
    }
    now_text(now, sizeof now);
    const char *vals[2] = {cust, now};
    PGresult *r = exec_wait(c, name, NULL, 2, vals);
    pstrfree(c->P, cust);
    c->ans.len = 0;
    int ok;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char msg[400];
        ok = 0;
        if (!(ans_def(c, d) && ans_puts(c, ": ") && ans_puts(c, stmt_msg(c, msg, sizeof msg)))) {
            c->ans.len = 0;
            ans_puts(c, "out of memory");
        }
        PQclear(r);
        return 0;
    }
    int nrows = PQntuples(r), ncol = PQnfields(r);
    if (d->kind == DEF_AGGREGATE) {
        ok = ans_put(c, "[", 1);
        for (int row = 0; ok && row < nrows; row++) {
            ok = ans_puts(c, row ? ", {" : "{");
            for (int col = 0; ok && col < ncol; col++) {
                const char *cn = PQfname(r, col);
                ok = (!col || ans_puts(c, ", ")) && ans_json_string(c, cn ? cn : "", cn ? strlen(cn) : 0) &&
                     ans_puts(c, ": ") && ans_field(c, r, row, col);
            }
            ok = ok && ans_puts(c, "}");
        }
        ok = ok && ans_puts(c, "]");
    } else {
        ok = nrows && ncol ? ans_field(c, r, 0, 0) : ans_puts(c, "null");
    }
    PQclear(r);
    if (!ok) {
        c->ans.len = 0;
        ans_puts(c, "out of memory");
    }
    return ok;
}


/* ---- the provider ------------------------------------------------------------------------------- */

static const int kind_of_lookup[] = {DEF_EXPRESSION, DEF_METRIC, DEF_AGGREGATE};

static int bound_answer(pprov *P, const pdef *d, const jinn_lookup *q, const char **json, size_t *json_len, int *st)
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
    pprov *P = user;
    static __thread char errbuf[512];
    *json = NULL;
    *json_len = 0;
    if ((unsigned)q->kind > JINN_LOOKUP_AGGREGATE) return JINN_ERROR;
    const pdef *d = def_find(P, q->id, q->id_len);
    if (!d) return JINN_ERROR;
    int st;
    if (d->kind == kind_of_lookup[q->kind] && bound_answer(P, d, q, json, json_len, &st)) return st;
    unsigned char *asked = &P->asked[d - P->defs];
    if (!__atomic_load_n(asked, __ATOMIC_RELAXED)) __atomic_store_n(asked, 1, __ATOMIC_RELAXED);
    pconn *c = conn_get(P, errbuf, sizeof errbuf);
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
    pmetric *m = d->kind == DEF_METRIC ? &P->metrics[d - P->defs] : NULL;
    if (m) {
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

/* ---- open and close ------------------------------------------------------------------------------ */

static int load_definitions(pprov *P, PGconn *db, char *err, size_t errcap)
{
    char msg[400];
    /* set_sql, the set form, is optional */
    PGresult *r = PQexec(db, "SELECT id, kind, name, sql, set_sql FROM definitions WHERE id IS NOT NULL");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        r = PQexec(db, "SELECT id, kind, name, sql, NULL FROM definitions WHERE id IS NOT NULL");
    }
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errcap, "database '%s' is not a jinn event store: %s (see docs/providers.md)", PQdb(db),
                 pg_msg(db, msg, sizeof msg));
        PQclear(r);
        return 0;
    }
    size_t n = (size_t)PQntuples(r);
    if (n) {
        P->defs = pmem(P, NULL, 0, n * sizeof *P->defs);
        if (!P->defs) { PQclear(r); snprintf(err, errcap, "out of memory"); return 0; }
        memset(P->defs, 0, n * sizeof *P->defs);
    }
    P->ndefs = n;
    int ok = 1;
    for (size_t i = 0; ok && i < n; i++) {
        const char *kind = PQgetisnull(r, (int)i, 1) ? NULL : PQgetvalue(r, (int)i, 1);
        const char *id = PQgetvalue(r, (int)i, 0);
        int k = -1;
        for (int j = 0; kind && j < 3; j++)
            if (!strcmp(kind, def_kinds[j])) k = j;
        if (k < 0) {
            snprintf(err, errcap, "definition '%s': kind '%s' is not expression, metric or aggregate", id,
                     kind ? kind : "NULL");
            ok = 0;
            break;
        }
        pdef *d = &P->defs[i];
        const char *name = PQgetvalue(r, (int)i, 2), *sql = PQgetvalue(r, (int)i, 3), *set = PQgetvalue(r, (int)i, 4);
        d->kind = k;
        d->id_len = strlen(id);
        d->id = pstrdup(P, id, d->id_len);
        d->name = pstrdup(P, name, strlen(name));
        d->sql = pstrdup(P, sql, strlen(sql));
        int has_set = *set && k != DEF_METRIC;
        d->set_sql = has_set ? pstrdup(P, set, strlen(set)) : NULL;
        if (!d->id || !d->name || !d->sql || (has_set && !d->set_sql)) { snprintf(err, errcap, "out of memory"); ok = 0; }
    }
    PQclear(r);
    if (!ok) return 0;
    qsort(P->defs, P->ndefs, sizeof *P->defs, def_sort);
    if (P->ndefs) {
        P->metrics = pmem(P, NULL, 0, P->ndefs * sizeof *P->metrics);
        P->once = pmem(P, NULL, 0, P->ndefs * sizeof *P->once);
        P->once_len = pmem(P, NULL, 0, P->ndefs * sizeof *P->once_len);
        P->asked = pmem(P, NULL, 0, P->ndefs);
        if (!P->metrics || !P->once || !P->once_len || !P->asked) { snprintf(err, errcap, "out of memory"); return 0; }
        memset(P->metrics, 0, P->ndefs * sizeof *P->metrics);
        memset(P->once, 0, P->ndefs * sizeof *P->once);
        memset(P->once_len, 0, P->ndefs * sizeof *P->once_len);
        memset(P->asked, 0, P->ndefs);
    }
    return 1;
}

static void store_close(void *user)
{
    pprov *P = user;
    if (!P) return;
    pthread_key_delete(P->key);
    pthread_key_delete(P->bound);
    for (pconn *c = P->conns, *next; c; c = next) {
        next = c->next;
        conn_close(c);
    }
    if (P->reader) conn_close(P->reader);
    if (P->writer) conn_close(P->writer);
    for (size_t i = 0; i < P->ndefs && P->defs; i++) {
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
    pstrfree(P, P->conninfo);
    pmem(P, P, sizeof *P, 0);
}

static jinn_status store_open(const char *conninfo, int flags, jinn_alloc_fn alloc, void *alloc_user, void **user,
                              char *err, size_t errcap)
{
    (void)flags; /* memory is bounded by the chunk: libpq holds one result at a time */
    *user = NULL;
    if (!alloc) alloc = pbuf_default_alloc, alloc_user = NULL;
    pprov *P = alloc(alloc_user, NULL, 0, sizeof *P);
    if (!P) { snprintf(err, errcap, "out of memory"); return JINN_ERROR; }
    memset(P, 0, sizeof *P);
    P->alloc = alloc;
    P->alloc_user = alloc_user;
    P->conninfo = pstrdup(P, conninfo, strlen(conninfo));
    if (!P->conninfo || pthread_mutex_init(&P->mu, NULL) != 0) {
        pstrfree(P, P->conninfo);
        pmem(P, P, sizeof *P, 0);
        snprintf(err, errcap, "out of memory");
        return JINN_ERROR;
    }
    if (pthread_key_create(&P->key, conn_release) != 0) {
        pthread_mutex_destroy(&P->mu);
        pstrfree(P, P->conninfo);
        pmem(P, P, sizeof *P, 0);
        snprintf(err, errcap, "cannot create a thread key");
        return JINN_ERROR;
    }
    if (pthread_key_create(&P->bound, NULL) != 0) {
        pthread_key_delete(P->key);
        pthread_mutex_destroy(&P->mu);
        pstrfree(P, P->conninfo);
        pmem(P, P, sizeof *P, 0);
        snprintf(err, errcap, "cannot create a thread key");
        return JINN_ERROR;
    }
    /* the reader's connection reads the definitions (opened before them: no statement slots) */
    pconn *first = conn_open(P, 1, err, errcap);
    if (!first) { store_close(P); return JINN_ERROR; }
    int ok = load_definitions(P, first->db, err, errcap);
    conn_close(first);
    if (!ok) { store_close(P); return JINN_ERROR; }
    *user = P;
    return JINN_OK;
}

/* ---- reading customers (the reader connection) ----------------------------------------------------- */

static pconn *reader_get(pprov *P, char *err, size_t errcap)
{
    if (!P->reader) P->reader = conn_open(P, 1, err, errcap);
    return P->reader;
}

/* run sql with params on the reader; the result, or NULL with the message in err */
static PGresult *reader_query(pprov *P, const char *sql, int n, const char *const *vals, const char *what, char *err,
                              size_t errcap)
{
    if (!reader_get(P, err, errcap)) return NULL;
    PGresult *r = PQexecParams(P->reader->db, sql, n, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) return r;
    char msg[400];
    snprintf(err, errcap, "%s: %s", what, pg_msg(P->reader->db, msg, sizeof msg));
    PQclear(r);
    return NULL;
}

static jinn_status store_count(void *user, long *n, char *err, size_t errcap)
{
    pprov *P = user;
    *n = 0;
    PGresult *r = reader_query(P, "SELECT count(*) FROM customers", 0, NULL, "counting the customers", err, errcap);
    if (!r) return JINN_ERROR;
    *n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return JINN_OK;
}

static int customer_row(const PGresult *r, int row, const char *id, store_row_fn fn, void *cb)
{
    if (!id) id = PQgetvalue(r, row, 0);
    int null = PQgetisnull(r, row, 1);
    const char *attrs = null ? "{}" : PQgetvalue(r, row, 1);
    return fn(cb, id, strlen(id), attrs, null ? 2 : (size_t)PQgetlength(r, row, 1));
}

static jinn_status store_scan(void *user, const char *after, int max, store_row_fn row, void *cb, int *nread,
                              char *err, size_t errcap)
{
    pprov *P = user;
    *nread = 0;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", max);
    const char *vals[2] = {lim, after};
    PGresult *r = reader_query(P,
                               after ? "SELECT id, attributes::text FROM customers WHERE id > $2 ORDER BY id LIMIT $1::int"
                                     : "SELECT id, attributes::text FROM customers WHERE id IS NOT NULL ORDER BY id LIMIT $1::int",
                               after ? 2 : 1, vals, "reading the customers", err, errcap);
    if (!r) return JINN_ERROR;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        ++*nread;
        if (customer_row(r, i, NULL, row, cb)) break;
    }
    PQclear(r);
    return JINN_OK;
}

static jinn_status store_get(void *user, const char *const *ids, int n, store_row_fn row, void *cb, char *err,
                             size_t errcap)
{
    pprov *P = user;
    for (int i = 0; i < n; i++) {
        PGresult *r = reader_query(P, "SELECT id, attributes::text FROM customers WHERE id = $1", 1, &ids[i],
                                   "reading the customers", err, errcap);
        if (!r) return JINN_ERROR;
        int stop = PQntuples(r) ? customer_row(r, 0, ids[i], row, cb) : row(cb, ids[i], strlen(ids[i]), NULL, 0);
        PQclear(r);
        if (stop) break;
    }
    return JINN_OK;
}

/* ---- install, bind, prefetch ------------------------------------------------------------------------- */

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
    pprov *P = user;
    pthread_setspecific(P->bound, a ? &a->refs[i] : NULL);
}

static void store_answers_free(void *user, store_answers *a)
{
    pprov *P = user;
    pbuf_answers_free(a, P->alloc, P->alloc_user);
}

static int text_put(pprov *P, store_answers *a, const char *s, size_t n, size_t *off)
{
    return pbuf_text_put(a, P->alloc, P->alloc_user, s, n, off);
}

static int slot_all(pprov *P, store_answers *a, int k, const char *s, size_t n, int failed)
{
    return pbuf_slot_all(a, P->alloc, P->alloc_user, k, s, n, failed);
}

typedef struct {
    const char *id;
    int i;
} pidx;

static int pidx_cmp(const void *x, const void *y)
{
    const pidx *a = x, *b = y;
    int r = strcmp(a->id, b->id);
    return r ? r : (a->i > b->i) - (a->i < b->i);
}

static int pidx_find(const pidx *s, int n, const char *id)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(s[mid].id, id) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && !strcmp(s[lo].id, id) ? s[lo].i : -1;
}

/* A text[] literal of the strings s[0..n): {"a","b\"c"} (in c's buffer). */
static int array_literal(pconn *c, const char *const *s, int n, size_t stride)
{
    c->ans.len = 0;
    int ok = ans_put(c, "{", 1);
    for (int i = 0; ok && i < n; i++) {
        const char *v = *(const char *const *)((const char *)s + (size_t)i * stride);
        ok = (!i || ans_put(c, ",", 1)) && ans_put(c, "\"", 1);
        for (; ok && *v; v++) ok = (*v == '"' || *v == '\\' ? ans_put(c, "\\", 1) : 1) && ans_put(c, v, 1);
        ok = ok && ans_put(c, "\"", 1);
    }
    return ok && ans_put(c, "}", 1);
}

/* Fill chunk_customers (c's temporary table, made by conn_open) with the chunk's ids. */
static int fill_chunk_table(pconn *c, const char *const *customers, int n, char *err, size_t errcap)
{
    char msg[400];
    PGresult *r;
    if (!array_literal(c, customers, n, sizeof *customers)) { snprintf(err, errcap, "out of memory"); return 0; }
    const char *vals[1] = {c->ans.s};
    r = PQexec(c->db, "DELETE FROM chunk_customers");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) {
        r = PQexecParams(c->db, "INSERT INTO chunk_customers SELECT DISTINCT unnest($1::text[])", 1, NULL, vals, NULL,
                         NULL, 0);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (!ok) snprintf(err, errcap, "filling chunk_customers: %s", pg_msg(c->db, msg, sizeof msg));
    return ok;
}

typedef struct {
    int cust, seq;
    size_t off, len;
} prow;

static int prow_cmp(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    return a->cust != b->cust ? (a->cust > b->cust) - (a->cust < b->cust) : (a->seq > b->seq) - (a->seq < b->seq);
}

/* The set form of expression or aggregate d into slot k, for the chunk (sorted ids in ix). 1,
 * or 0 when out of memory; a statement that fails fails the slot, with its message. */
/* the deadline of a prefetch statement (exec_wait cancels it on the server) */
static void prefetch_deadline(pprov *P, pconn *c)
{
    c->deadline = P->query_ms ? pbuf_now_seconds() + P->query_ms / 1e3 : 0;
    c->deadline_ms = P->query_ms;
}

static int prefetch_set(pprov *P, pconn *c, store_answers *a, int k, const pdef *d, const pidx *ix)
{
    char name[32], now[24], msg[400];
    if (!def_prepare(c, d, 1, name, sizeof name)) return slot_all(P, a, k, c->ans.s, c->ans.len, 1);
    now_text(now, sizeof now);
    const char *vals[2] = {NULL, now};
    prefetch_deadline(P, c);
    PGresult *r = exec_wait(c, name, NULL, 2, vals);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        c->ans.len = 0;
        int ok = ans_def(c, d) && ans_puts(c, ": ") && ans_puts(c, stmt_msg(c, msg, sizeof msg)) &&
                 slot_all(P, a, k, c->ans.s, c->ans.len, 1);
        c->deadline = 0;
        PQclear(r);
        return ok;
    }
    c->deadline = 0;
    int ncol = PQnfields(r), idcol = PQfnumber(r, "customer_id");
    if (idcol < 0) {
        PQclear(r);
        c->ans.len = 0;
        int ok = ans_def(c, d) && ans_puts(c, ": bad SQL in the set form: no customer_id column");
        return ok && slot_all(P, a, k, c->ans.s, c->ans.len, 1);
    }
    const char *none = d->kind == DEF_AGGREGATE ? "[]" : "null";
    if (!slot_all(P, a, k, none, strlen(none), 0)) { PQclear(r); return 0; }
    size_t base = (size_t)k * (size_t)a->n;
    int nrows_r = PQntuples(r);
    unsigned char *seen = pmem(P, NULL, 0, (size_t)a->n);
    if (!seen) { PQclear(r); return 0; }
    memset(seen, 0, (size_t)a->n);
    prow *rows = NULL;
    size_t nrows = 0, rows_cap = 0;
    int ok = 1;
    for (int row = 0; ok && row < nrows_r; row++) {
        int i = PQgetisnull(r, row, idcol) ? -1 : pidx_find(ix, a->n, PQgetvalue(r, row, idcol));
        if (i < 0) continue;
        c->ans.len = 0;
        if (d->kind == DEF_EXPRESSION) {
            if (seen[i]) continue;
            int vcol = idcol == 0 ? 1 : 0;
            ok = (vcol < ncol ? ans_field(c, r, row, vcol) : ans_puts(c, "null")) &&
                 text_put(P, a, c->ans.s, c->ans.len, &a->off[base + (size_t)i]);
            a->len[base + (size_t)i] = c->ans.len;
            seen[i] = 1;
            continue;
        }
        ok = ans_puts(c, "{");
        for (int col = 0, first = 1; ok && col < ncol; col++) {
            if (col == idcol) continue;
            const char *cn = PQfname(r, col);
            ok = (first || ans_puts(c, ", ")) && ans_json_string(c, cn ? cn : "", cn ? strlen(cn) : 0) &&
                 ans_puts(c, ": ") && ans_field(c, r, row, col);
            first = 0;
        }
        ok = ok && ans_puts(c, "}");
        if (ok && nrows == rows_cap) {
            size_t ncap = rows_cap ? rows_cap * 2 : 256;
            prow *nr = pmem(P, rows, rows_cap * sizeof *rows, ncap * sizeof *rows);
            if (!nr) ok = 0;
            else rows = nr, rows_cap = ncap;
        }
        if (ok) {
            rows[nrows] = (prow){i, (int)nrows, 0, c->ans.len};
            ok = text_put(P, a, c->ans.s, c->ans.len, &rows[nrows].off);
            nrows++;
        }
    }
    PQclear(r);
    if (ok && d->kind == DEF_AGGREGATE && nrows) {
        qsort(rows, nrows, sizeof *rows, prow_cmp);
        for (size_t q0 = 0; ok && q0 < nrows;) {
            int i = rows[q0].cust;
            size_t off;
            ok = text_put(P, a, "[", 1, &off);
            for (size_t q = q0; ok && q < nrows && rows[q].cust == i; q++) {
                c->ans.len = 0; /* through c->ans: text_put may move a->text */
                ok = ans_put(c, a->text + rows[q].off, rows[q].len) && (q == q0 || text_put(P, a, ", ", 2, NULL)) &&
                     text_put(P, a, c->ans.s, c->ans.len, NULL);
            }
            ok = ok && text_put(P, a, "]", 1, NULL);
            a->off[base + (size_t)i] = off;
            a->len[base + (size_t)i] = a->text_len - off;
            while (q0 < nrows && rows[q0].cust == i) q0++;
        }
    }
    if (rows) pmem(P, rows, rows_cap * sizeof *rows, 0);
    pmem(P, seen, (size_t)a->n, 0);
    return ok;
}

/* A metric into slot k: computed once per open store ($1 NULL), then copied. */
static int prefetch_metric(pprov *P, pconn *c, store_answers *a, int k, const pdef *d)
{
    size_t di = (size_t)(d - P->defs);
    pthread_mutex_lock(&P->mu);
    int have = P->once[di] != NULL;
    pthread_mutex_unlock(&P->mu);
    if (!have) {
        pmetric *m = &P->metrics[di];
        int hit = 0;
        pthread_mutex_lock(&P->mu);
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
        char *copy = pstrdup(P, c->ans.s, c->ans.len);
        if (!copy) return 0;
        pthread_mutex_lock(&P->mu);
        if (!P->once[di]) {
            P->once[di] = copy;
            P->once_len[di] = c->ans.len;
            copy = NULL;
        }
        pthread_mutex_unlock(&P->mu);
        if (copy) pmem(P, copy, c->ans.len + 1, 0);
    }
    return slot_all(P, a, k, P->once[di], P->once_len[di], 0);
}

static jinn_status store_prefetch(void *user, const char *const *customers, int n, const char *const *ids, int nids,
                                  store_answers **out, char *err, size_t errcap)
{
    pprov *P = user;
    *out = NULL;
    int nslots = 0, sets = 0;
    for (int j = 0; j < nids; j++) {
        const pdef *d = def_find(P, ids[j], strlen(ids[j]));
        if (d && (d->kind == DEF_METRIC || d->set_sql)) nslots++, sets += d->kind != DEF_METRIC;
    }
    for (size_t i = 0; i < P->ndefs; i++)
        if (__atomic_load_n(&P->asked[i], __ATOMIC_RELAXED) && (P->defs[i].kind == DEF_METRIC || P->defs[i].set_sql))
            nslots++, sets += P->defs[i].kind != DEF_METRIC;
    if (!nslots || n <= 0) return JINN_OK;
    pconn *c = conn_get(P, err, errcap);
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
    pidx *ix = NULL;
    if (sets) {
        if (!fill_chunk_table(c, customers, n, err, errcap)) {
            store_answers_free(P, a);
            return JINN_ERROR;
        }
        ix = pmem(P, NULL, 0, (size_t)n * sizeof *ix);
        if (!ix) goto oom;
        for (int i = 0; i < n; i++) ix[i] = (pidx){a->ids[i], i};
        qsort(ix, (size_t)n, sizeof *ix, pidx_cmp);
    }
    int k = 0, ok = 1;
    for (int j = 0; ok && j < nids + (int)P->ndefs && k < nslots; j++) {
        const pdef *d = j < nids ? def_find(P, ids[j], strlen(ids[j])) : &P->defs[j - nids];
        if (j >= nids && !__atomic_load_n(&P->asked[j - nids], __ATOMIC_RELAXED)) continue;
        if (!d || !(d->kind == DEF_METRIC || d->set_sql) || a->slot[d - P->defs] >= 0) continue;
        if (d->kind != DEF_METRIC && !ix) continue;
        a->slot[d - P->defs] = k;
        ok = d->kind == DEF_METRIC ? prefetch_metric(P, c, a, k, d) : prefetch_set(P, c, a, k, d, ix);
        k++;
    }
    /* a customer listed twice answers as its first listing */
    for (int s = 1, f = 0; ok && ix && s < n; s++) {
        if (strcmp(ix[s].id, ix[f].id)) { f = s; continue; }
        for (int q = 0; q < k; q++) {
            a->off[(size_t)q * (size_t)n + (size_t)ix[s].i] = a->off[(size_t)q * (size_t)n + (size_t)ix[f].i];
            a->len[(size_t)q * (size_t)n + (size_t)ix[s].i] = a->len[(size_t)q * (size_t)n + (size_t)ix[f].i];
        }
    }
    if (ix) pmem(P, ix, (size_t)n * sizeof *ix, 0);
    if (!ok) goto oom;
    *out = a;
    return JINN_OK;
oom:
    snprintf(err, errcap, "prefetching answers: out of memory");
    store_answers_free(P, a);
    return JINN_ERROR;
}

/* ---- runs and write-back (the writer connection) ------------------------------------------------- */

static jinn_status wexec(pprov *P, const char *sql, int n, const char *const *vals, PGresult **out, const char *what,
                         char *err, size_t errcap)
{
    PGresult *r = PQexecParams(P->writer->db, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (out) *out = r;
        else PQclear(r);
        return JINN_OK;
    }
    char msg[400];
    snprintf(err, errcap, "%s: %s", what, pg_msg(P->writer->db, msg, sizeof msg));
    PQclear(r);
    return JINN_ERROR;
}

/* The writer, the run table and the index the resume reads (as the SQLite store makes them). */
static jinn_status writer_open(pprov *P, char *err, size_t errcap)
{
    if (P->writer_ready) return JINN_OK;
    if (!P->writer && !(P->writer = conn_open(P, 0, err, errcap))) return JINN_ERROR;
    if (wexec(P,
              "CREATE TABLE IF NOT EXISTS batch_runs(id bigserial PRIMARY KEY, action text NOT NULL, "
              "template text NOT NULL, fingerprint text NOT NULL, started bigint NOT NULL, finished bigint, "
              "scored bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0)",
              0, NULL, NULL, "creating batch_runs", err, errcap) != JINN_OK ||
        wexec(P,
              "CREATE TABLE IF NOT EXISTS batch_failures(run_id bigint NOT NULL, customer_id text NOT NULL, "
              "kind text NOT NULL, message text NOT NULL, line integer NOT NULL, col integer NOT NULL, "
              "PRIMARY KEY(run_id, customer_id))",
              0, NULL, NULL, "creating batch_failures", err, errcap) != JINN_OK ||
        wexec(P, "CREATE INDEX IF NOT EXISTS events_by_action ON events(action, customer_id)", 0, NULL, NULL,
              "creating events_by_action", err, errcap) != JINN_OK)
        return JINN_ERROR;
    P->writer_ready = 1;
    return JINN_OK;
}

#define RUN_COLUMNS "SELECT id, finished IS NOT NULL, scored, errors, action, fingerprint FROM batch_runs "

/* Row i of r (RUN_COLUMNS) into *info. */
static void run_row(const PGresult *r, int i, store_run_info *info)
{
    info->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    info->finished = PQgetvalue(r, i, 1)[0] == 't';
    info->scored = strtol(PQgetvalue(r, i, 2), NULL, 10);
    info->errors = strtol(PQgetvalue(r, i, 3), NULL, 10);
    snprintf(info->action, sizeof info->action, "%s", PQgetvalue(r, i, 4));
    snprintf(info->fingerprint, sizeof info->fingerprint, "%s", PQgetvalue(r, i, 5));
}

static jinn_status store_run_begin(void *user, const store_run *r, int new_run, store_run_info *info, int *state,
                                   char *err, size_t errcap)
{
    pprov *P = user;
    memset(info, 0, sizeof *info);
    *state = STORE_RUN_NEW;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    PGresult *res;
    if (!new_run) { /* the newest unfinished run like r, else the newest finished one */
        const char *vals[2] = {r->action, r->fingerprint};
        if (wexec(P,
                  RUN_COLUMNS "WHERE action = $1 AND fingerprint = $2 ORDER BY finished IS NULL DESC, id DESC LIMIT 1",
                  2, vals, &res, "reading batch_runs", err, errcap) != JINN_OK)
            return JINN_ERROR;
        int found = PQntuples(res) > 0;
        if (found) {
            run_row(res, 0, info);
            *state = info->finished ? STORE_RUN_FINISHED : STORE_RUN_RESUMED;
        }
        PQclear(res);
        if (found) return JINN_OK;
    }
    char now[24];
    now_text(now, sizeof now);
    const char *vals[4] = {r->action, r->template_name, r->fingerprint, now};
    if (wexec(P, "INSERT INTO batch_runs(action, template, fingerprint, started) VALUES($1, $2, $3, $4) RETURNING id", 4,
              vals, &res, "writing batch_runs", err, errcap) != JINN_OK)
        return JINN_ERROR;
    info->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    snprintf(info->action, sizeof info->action, "%s", r->action);
    snprintf(info->fingerprint, sizeof info->fingerprint, "%s", r->fingerprint);
    return JINN_OK;
}

static jinn_status store_run_get(void *user, int64_t id, store_run_info *info, int *found, char *err, size_t errcap)
{
    pprov *P = user;
    memset(info, 0, sizeof *info);
    *found = 0;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    const char *vals[1] = {idt};
    PGresult *res;
    if (wexec(P, id ? RUN_COLUMNS "WHERE id = $1::bigint" : RUN_COLUMNS "ORDER BY id DESC LIMIT 1", id ? 1 : 0,
              id ? vals : NULL, &res, "reading batch_runs", err, errcap) != JINN_OK)
        return JINN_ERROR;
    if (PQntuples(res)) {
        run_row(res, 0, info);
        *found = 1;
    }
    PQclear(res);
    return JINN_OK;
}

static jinn_status store_run_failures(void *user, int64_t id, store_failure_fn fn, void *cb, char *err, size_t errcap)
{
    pprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    const char *vals[1] = {idt};
    PGresult *r;
    if (wexec(P,
              "SELECT customer_id, kind, message, line, col FROM batch_failures WHERE run_id = $1::bigint "
              "ORDER BY customer_id COLLATE \"C\"",
              1, vals, &r, "reading batch_failures", err, errcap) != JINN_OK)
        return JINN_ERROR;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        store_failure f = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                           atoi(PQgetvalue(r, i, 3)), atoi(PQgetvalue(r, i, 4))};
        if (fn(cb, &f)) break;
    }
    PQclear(r);
    return JINN_OK;
}

static jinn_status store_run_scored(void *user, int64_t id, const char *action, store_row_fn row, void *cb, char *err,
                                    size_t errcap)
{
    pprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    const char *vals[2] = {action, idt};
    PGresult *r;
    if (wexec(P, "SELECT customer_id FROM events WHERE action = $1 AND params->'batch' = to_jsonb($2::bigint)", 2, vals,
              &r, "reading the events of the run", err, errcap) != JINN_OK)
        return JINN_ERROR;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        if (PQgetisnull(r, i, 0)) continue;
        const char *cid = PQgetvalue(r, i, 0);
        if (row(cb, cid, strlen(cid), NULL, 0)) break;
    }
    PQclear(r);
    return JINN_OK;
}

/* ---- is a text one JSON value (as the SQLite store's json_loads(JSON_DECODE_ANY) says) ---- */

static const char *js_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    return s;
}

static const char *js_value(const char *s, int depth);

/* the 4 hex digits at s, or -1 */
static long js_hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char h = s[i];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static const char *js_string(const char *s)
{
    for (s++;; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"') return s + 1;
        if (ch < 0x20) return NULL;
        if (ch != '\\') continue;
        s++;
        if (*s != 'u') {
            if (!*s || !strchr("\"\\/bfnrt", *s)) return NULL;
            continue;
        }
        long v = js_hex4(s + 1);
        /* \u0000 and lone surrogates: refused, as jansson (and jsonb) do */
        if (v <= 0 || (v >= 0xDC00 && v <= 0xDFFF)) return NULL;
        s += 4;
        if (v >= 0xD800 && v <= 0xDBFF) { /* a high surrogate needs its low one */
            long lo = s[1] == '\\' && s[2] == 'u' ? js_hex4(s + 3) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) return NULL;
            s += 6;
        }
    }
}

static const char *js_number(const char *s)
{
    const char *start = s;
    if (*s == '-') s++;
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9') while (*s >= '0' && *s <= '9') s++;
    else return NULL;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) return NULL;
        while (*s >= '0' && *s <= '9') s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return NULL;
        while (*s >= '0' && *s <= '9') s++;
    }
    /* what jansson cannot hold is not JSON to it: an integer beyond 64 bits, a real that
     * overflows (the SQLite store then writes the output as a string; so does this one) */
    char num[400];
    size_t n = (size_t)(s - start);
    if (n >= sizeof num) return NULL;
    memcpy(num, start, n);
    num[n] = 0;
    errno = 0;
    if (!strpbrk(num, ".eE")) (void)strtoll(num, NULL, 10);
    else if (!isfinite(strtod(num, NULL))) return NULL;
    return errno == ERANGE && !strpbrk(num, ".eE") ? NULL : s;
}

static const char *js_value(const char *s, int depth)
{
    if (depth > 2048) return NULL;
    s = js_ws(s);
    switch (*s) {
    case '"': return js_string(s);
    case 't': return strncmp(s, "true", 4) ? NULL : s + 4;
    case 'f': return strncmp(s, "false", 5) ? NULL : s + 5;
    case 'n': return strncmp(s, "null", 4) ? NULL : s + 4;
    case '[': case '{': {
        char close = *s == '[' ? ']' : '}';
        s = js_ws(s + 1);
        if (*s == close) return s + 1;
        for (;;) {
            if (close == '}') {
                s = js_ws(s);
                if (*s != '"' || !(s = js_string(s))) return NULL;
                s = js_ws(s);
                if (*s++ != ':') return NULL;
            }
            if (!(s = js_value(s, depth + 1))) return NULL;
            s = js_ws(s);
            if (*s == close) return s + 1;
            if (*s++ != ',') return NULL;
        }
    }
    default: return js_number(s);
    }
}

static int is_json(const char *s)
{
    const char *e = *s ? js_value(s, 0) : NULL;
    return e && !*js_ws(e);
}

/* A decision's params: {PARAMS, "value": V, "batch": ID} (PARAMS: the run's members, as
 * "type": "CTR"), V the output when it is JSON,
 * else a JSON string of it (as the SQLite store writes them; in c's buffer). */
static int params_json(pconn *c, const char *params, const char *value, int64_t run_id)
{
    c->ans.len = 0;
    int ok = ans_puts(c, "{") && ans_puts(c, params) && ans_puts(c, *params ? ", \"value\": " : "\"value\": ");
    if (is_json(value)) ok = ok && ans_puts(c, value);
    else {
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
    return ok && ans_printf(c, ", \"batch\": %lld}", (long long)run_id);
}

/* A text[] literal of the numbers v[0..n) (stride bytes apart), in c's buffer, copied. */
static char *int_array(pprov *P, pconn *c, const int *v, size_t n, size_t stride)
{
    c->ans.len = 0;
    int ok = ans_put(c, "{", 1);
    for (size_t i = 0; ok && i < n; i++)
        ok = ans_printf(c, i ? ",%d" : "%d", *(const int *)((const char *)v + i * stride));
    ok = ok && ans_put(c, "}", 1);
    return ok ? pstrdup(P, c->ans.s, c->ans.len) : NULL;
}

/* A text[] literal of n strings (stride bytes apart), copied. */
static char *text_array(pprov *P, pconn *c, const char *const *s, size_t n, size_t stride)
{
    return array_literal(c, n ? s : NULL, (int)n, stride) ? pstrdup(P, c->ans.s, c->ans.len) : NULL;
}

static jinn_status store_write(void *user, int64_t id, const char *action, const char *params, const store_decision *d,
                               size_t n, const store_failure *f, size_t nf, char *err, size_t errcap)
{
    pprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    pconn buf = {.P = P}; /* two buffers: the ids' array, then the params' */
    char **pj = n ? pmem(P, NULL, 0, n * sizeof *pj) : NULL;
    int ok = !n || pj;
    size_t made = 0;
    for (; ok && made < n; made++) {
        ok = params_json(&buf, params, d[made].value, id);
        if (ok) ok = (pj[made] = pstrdup(P, buf.ans.s, buf.ans.len)) != NULL;
        if (!ok) break;
    }
    char *lit[7] = {NULL}; /* ids, params, failed ids, kinds, messages, lines, columns */
    if (ok) {
        lit[0] = text_array(P, &buf, n ? &d->customer : NULL, n, sizeof *d);
        lit[1] = text_array(P, &buf, (const char *const *)pj, n, sizeof *pj);
        lit[2] = text_array(P, &buf, nf ? &f->customer : NULL, nf, sizeof *f);
        lit[3] = text_array(P, &buf, nf ? &f->kind : NULL, nf, sizeof *f);
        lit[4] = text_array(P, &buf, nf ? &f->message : NULL, nf, sizeof *f);
        lit[5] = int_array(P, &buf, nf ? &f->line : NULL, nf, sizeof *f);
        lit[6] = int_array(P, &buf, nf ? &f->column : NULL, nf, sizeof *f);
        for (int i = 0; i < 7; i++) ok = ok && lit[i];
    }
    for (size_t i = 0; i < made; i++) pstrfree(P, pj[i]);
    if (pj) pmem(P, pj, n * sizeof *pj, 0);
    if (buf.ans.s) pmem(P, buf.ans.s, buf.ans.cap, 0);
    jinn_status st = JINN_ERROR;
    if (!ok) snprintf(err, errcap, "writing the results failed: out of memory");
    else {
        char idt[24], now[24], nt[24];
        snprintf(idt, sizeof idt, "%lld", (long long)id);
        snprintf(nt, sizeof nt, "%zu", n);
        now_text(now, sizeof now);
        const char *vals[10] = {lit[0], action, lit[1], now, idt, lit[2], lit[3], lit[4], lit[5], lit[6]};
        /* one transaction: the events, the failures and the run's counters commit together */
        st = wexec(P, "BEGIN", 0, NULL, NULL, "writing the results failed", err, errcap);
        if (st == JINN_OK)
            st = wexec(P,
                       "WITH ins AS (INSERT INTO events(customer_id, action, params, timestamp) "
                       "SELECT u.c, $2, u.p::jsonb, $4::bigint FROM unnest($1::text[], $3::text[]) AS u(c, p)), "
                       "del AS (DELETE FROM batch_failures WHERE run_id = $5::bigint AND customer_id = ANY($1::text[])) "
                       "INSERT INTO batch_failures(run_id, customer_id, kind, message, line, col) "
                       "SELECT $5::bigint, x.c, x.k, x.m, x.l, x.o "
                       "FROM unnest($6::text[], $7::text[], $8::text[], $9::int[], $10::int[]) AS x(c, k, m, l, o) "
                       "ON CONFLICT (run_id, customer_id) DO UPDATE SET kind = EXCLUDED.kind, "
                       "message = EXCLUDED.message, line = EXCLUDED.line, col = EXCLUDED.col",
                       10, vals, NULL, "writing the results failed", err, errcap);
        const char *v2[2] = {nt, idt};
        if (st == JINN_OK)
            st = wexec(P,
                       "UPDATE batch_runs SET scored = scored + $1::bigint, errors = (SELECT count(*) FROM "
                       "batch_failures WHERE run_id = $2::bigint) WHERE id = $2::bigint",
                       2, v2, NULL, "writing the results failed", err, errcap);
        if (st == JINN_OK) st = wexec(P, "COMMIT", 0, NULL, NULL, "writing the results failed", err, errcap);
        if (st != JINN_OK) {
            char e2[8];
            wexec(P, "ROLLBACK", 0, NULL, NULL, "", e2, sizeof e2);
        }
    }
    for (int i = 0; i < 7; i++) pstrfree(P, lit[i]);
    return st;
}

static jinn_status store_run_finish(void *user, int64_t id, char *err, size_t errcap)
{
    pprov *P = user;
    if (writer_open(P, err, errcap) != JINN_OK) return JINN_ERROR;
    char idt[24], now[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    now_text(now, sizeof now);
    const char *vals[2] = {now, idt};
    return wexec(P, "UPDATE batch_runs SET finished = $1::bigint WHERE id = $2::bigint", 2, vals, NULL,
                 "finishing the run", err, errcap);
}

static void store_interrupt(void *user, const int *flag)
{
    pprov *P = user;
    P->stop = flag; /* exec_wait on every connection reads it */
}

static void store_set_query_ms(void *user, uint32_t ms)
{
    pprov *P = user;
    P->query_ms = ms;
}

const store_module store_postgres = {
    .version = 3,
    .scheme = "postgres",
    .init = NULL,
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
