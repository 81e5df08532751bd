/*
 * batch.c — `jinn batch`: score every customer of an event store (SQLite, or PostgreSQL with
 * --providers postgres:CONNINFO) with one template,
 * on N threads sharing one compiled template, and write each decision back as an event.
 *
 *   jinn batch TEMPLATE --providers sqlite:crm.db [--customers all|FILE] [--jobs N]
 *              [--emit optimal.channel] [--dry-run] [--seed N] [--chunk N] [--stop-after N]
 *              [--new-run] [--param K=V] [--early-stop N] [--quiet] [--trim-blocks] ...
 *   jinn batch TEMPLATE --providers ... --retry-failures RUN|last
 *   jinn batch --providers ... --failures RUN|last [--format text|json]
 *
 * The shape: a reader, N renderers, one writer, and two bounded queues between them. The
 * reader (the main thread) reads customers (id, attributes) in chunks and queues them. A
 * renderer takes a chunk, has the store prefetch its answers on the renderer's own connection
 * — every definition the template can ask for: the constant insert ids (jinn_template_inserts)
 * and the ones renders asked for before (ids computed at run time) — in one set-form
 * statement each, then renders the chunk customer by customer from memory (the context is
 * {"customer": the attributes}, the render's customer id is the customer's; a definition that
 * was not prefetched is asked of the store per customer). The writer writes each rendered
 * chunk in one transaction: an event per scored customer (action = --emit, params = {"type":
 * "CTR" (or --param's members), "value": the trimmed output, "batch": run id}), the failed
 * customers with their diagnostics, and the run's counters.
 * So the reads, the renders and the writes overlap, the store's reads scale with the
 * renderers, and no thread waits on another's connection.
 *
 * Memory. At most 3 * jobs + 2 chunks are alive at once (one being read, jobs queued for
 * the renderers, jobs being prefetched or rendered, jobs queued for the writer, one being
 * written): memory is bounded by --chunk and --jobs, never by the number of customers
 * (docs/providers.md).
 *
 * Exactly once per run. Every run has a row in batch_runs, keyed by a fingerprint of what
 * decides the results (the emit name, the template text, the seed, the whitespace options,
 * --param, the customer selection). A run that did not finish (Ctrl-C, a crash, --stop-after,
 * an early stop, a failed write) is picked up by the next identical command: the customers
 * that already have an event of this action from this run are skipped, so nothing committed
 * is redone and nothing is lost. The identical command after the run finished does nothing
 * and says so; --new-run starts a new run; --retry-failures RUN scores only the customers
 * failing in RUN, in RUN. The summary counts the run (all legs, as the store committed them).
 *
 * The store is reached through its interface only (providers/store.h: reading customers,
 * the provider, runs and write-back); this file holds no SQL and no schema.
 *
 * What goes through the engine is the public API only; jinn_result_clear is not thread-safe
 * per env (it frees through the env's own runtime), so it is serialised by env_mu, and only
 * called when a result holds something. jinn_render and building or freeing contexts are.
 *
 * Per-customer failures (a template error, a provider error, attributes that are not JSON)
 * are counted, the first few reported, stored, and do not stop the batch — unless each of
 * the first --early-stop customers failed: then one error says so and the batch stops.
 * Ctrl-C stops within a second: the renders and the store's statements under way are
 * interrupted (g_stop), what was rendered is committed. Exit status: 0 all scored, 1 some
 * customers failed (or an early stop), 2 a usage error or the database could not be used,
 * 130 Ctrl-C.
 *
 * JINN_BATCH_TIMES=1 prints where the threads' time went: wall seconds each thread spent
 * reading, probing, prefetching, rendering, writing and waiting on the queues, their CPU
 * seconds, and the store's close (its last checkpoint). A thread's wall time less its CPU and
 * its waits is time it could have run but had no CPU: on a shared 2-core machine most of it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "options.h"
#include "../providers/store.h"

#define MAX_REPORTED 5 /* per-customer error messages printed */

/* ---- small helpers ------------------------------------------------------------------------- */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) { fputs("jinn: out of memory\n", stderr); exit(2); }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}
#define FNV_INIT 0xcbf29ce484222325ULL

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* now_mono for JINN_BATCH_TIMES only: 0 when it is off (no clock read per chunk) */
static double tick(int on) { return on ? now_mono() : 0; }

/* the calling thread's CPU seconds so far (JINN_BATCH_TIMES): with the wall times, what is
 * left over is the time the thread could run but had no CPU (a loaded machine) */
static double thread_cpu(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- one customer's attributes (also for `jinn render --customer ID`) --------------------- */

typedef struct {
    char *attrs;
} one_customer;

static int take_attrs(void *cb, const char *id, size_t id_len, const char *attrs, size_t attrs_len)
{
    (void)id;
    (void)id_len;
    one_customer *o = cb;
    if (attrs) o->attrs = xstrndup(attrs, attrs_len);
    return 1;
}

char *cli_customer_attributes(const char *path, const char *id, char *err, size_t errcap)
{
    const store_module *S = &store_sqlite;
    void *st;
    if (S->open(path, 0, NULL, NULL, &st, err, errcap) != JINN_OK) return NULL;
    one_customer o = {NULL};
    if (S->get(st, &id, 1, take_attrs, &o, err, errcap) == JINN_OK && !o.attrs)
        snprintf(err, errcap, "no customer '%s' in '%s'", id, path);
    S->close(st);
    return o.attrs;
}

/* ---- a set of strings (the customers a resumed run already scored) -------------------------- */

typedef struct {
    char **slots;
    size_t cap, n;
} strset;

static void set_add(strset *s, const char *k)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 1024;
        char **ns = xmalloc(ncap * sizeof *ns);
        memset(ns, 0, ncap * sizeof *ns);
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slots[i]) continue;
            size_t j = fnv1a(FNV_INIT, s->slots[i], strlen(s->slots[i])) & (ncap - 1);
            while (ns[j]) j = (j + 1) & (ncap - 1);
            ns[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = ns;
        s->cap = ncap;
    }
    size_t j = fnv1a(FNV_INIT, k, strlen(k)) & (s->cap - 1);
    while (s->slots[j]) {
        if (!strcmp(s->slots[j], k)) return;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = xstrndup(k, strlen(k));
    s->n++;
}

static int set_has(const strset *s, const char *k)
{
    if (!s->n) return 0;
    size_t j = fnv1a(FNV_INIT, k, strlen(k)) & (s->cap - 1);
    while (s->slots[j]) {
        if (!strcmp(s->slots[j], k)) return 1;
        j = (j + 1) & (s->cap - 1);
    }
    return 0;
}

static void set_free(strset *s)
{
    for (size_t i = 0; i < s->cap; i++) free(s->slots[i]);
    free(s->slots);
}

/* ---- chunks and the queue ------------------------------------------------------------------------ */

typedef struct {
    char *id;
    char *attrs; /* JSON text, or NULL: the customer does not exist (--customers FILE) */
    char *value; /* the trimmed output (ok) */
    char *error; /* the failure as reported (not ok) */
    char *diag;  /* its bare message, for the store */
    const char *kind; /* its kind (store_failure.kind) */
    int line, column;
    int warned;  /* the render warned (a missing provider value, ...) */
} item;

typedef struct chunk {
    item *items;
    int n;
    store_answers *answers; /* prefetched by the reader, or NULL */
    char *warning;          /* the chunk's first render warning */
    struct chunk *next;
} chunk;

/* The template's constant insert ids (jinn_template_inserts), NUL-terminated, for prefetch. */
typedef struct idlist {
    char **ids;
    int n, cap;
} idlist;

/* A bounded queue of chunks: push waits while it is full, pop while it is empty and open. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t nonempty, nonfull;
    chunk *head, *tail;
    int n, cap, closed;
} cqueue;

typedef struct {
    /* set up once, read by all */
    const jinn_template *t;
    jinn_env *env;
    const char *emit;
    const char *params; /* the decisions' params members: "type": "CTR", ... */
    uint64_t seed;
    int dry_run, progress;
    int64_t run_id;
    const store_module *S; /* the event store (its writing calls under write_mu) */
    void *st;
    const idlist *defs;  /* what to prefetch (read-only once the threads run) */
    int prefetch_failed;       /* atomic: the store could not prefetch; per customer from then on */
    /* reader -> renderers -> writer */
    cqueue render_q, write_q;
    /* serialised env calls */
    pthread_mutex_t env_mu;
    /* results (write_mu) */
    pthread_mutex_t write_mu;
    long scored, errors, warned, todo;
    int reported;
    char *first_warning;
    int write_failed;
    /* early stop: every one of the first early_stop customers failed */
    long early_stop, seen;
    int any_ok, early_stopped;
    char *held[MAX_REPORTED]; /* failure reports held while no customer succeeded yet */
    int nheld;
    char *first_failure;
    double t0, last_draw;
    /* JINN_BATCH_TIMES=1: where each thread's time went, printed at the end (write_mu) */
    int times;
    double tm_read, tm_probe, tm_read_push, tm_pop_r, tm_prefetch, tm_render, tm_push_w, tm_pop_w, tm_write;
    double cpu_reader, cpu_renderers, cpu_writer; /* thread CPU seconds */
} batch;

/* Stop: Ctrl-C, a failed write or an early stop. The renders under way and the store's
 * statements are interrupted (their customers are left for the resume), the chunks rendered
 * so far are committed, nothing more is read. A static flag: a signal handler sets it. */
static int g_stop;
static int g_sigint; /* the stop was Ctrl-C */

static void on_sigint(int sig)
{
    (void)sig;
    __atomic_store_n(&g_sigint, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&g_stop, 1, __ATOMIC_RELAXED);
}

static int stopping(void) { return __atomic_load_n(&g_stop, __ATOMIC_RELAXED); }

/* jinn_error_kind as docs/diagnostics.md names it (the order of the enum in jinn.h) */
static const char *kind_name(jinn_error_kind k)
{
    static const char *const names[] = {"none", "syntax", "undefined", "type", "value", "limit", "provider", "io", "lint"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "error";
}

static void queue_init(cqueue *q, int cap)
{
    memset(q, 0, sizeof *q);
    q->cap = cap;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    pthread_cond_init(&q->nonfull, NULL);
}

static void queue_destroy(cqueue *q)
{
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->nonempty);
    pthread_cond_destroy(&q->nonfull);
}

static void queue_push(cqueue *q, chunk *c)
{
    pthread_mutex_lock(&q->mu);
    while (q->n >= q->cap) pthread_cond_wait(&q->nonfull, &q->mu);
    c->next = NULL;
    if (q->tail) q->tail->next = c;
    else q->head = c;
    q->tail = c;
    q->n++;
    pthread_cond_signal(&q->nonempty);
    pthread_mutex_unlock(&q->mu);
}

static chunk *queue_pop(cqueue *q)
{
    pthread_mutex_lock(&q->mu);
    while (!q->head && !q->closed) pthread_cond_wait(&q->nonempty, &q->mu);
    chunk *c = q->head;
    if (c) {
        q->head = c->next;
        if (!q->head) q->tail = NULL;
        q->n--;
        pthread_cond_signal(&q->nonfull);
    }
    pthread_mutex_unlock(&q->mu);
    return c;
}

static void queue_close(cqueue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->nonempty);
    pthread_mutex_unlock(&q->mu);
}

static void chunk_free(chunk *c)
{
    free(c->warning);
    for (int i = 0; i < c->n; i++) {
        free(c->items[i].id);
        free(c->items[i].attrs);
        free(c->items[i].value);
        free(c->items[i].error);
        free(c->items[i].diag);
    }
    free(c->items);
    free(c);
}

/* ---- the customer's context without jansson ------------------------------------------------
 * Attributes are plain JSON objects: parsed here straight into a jinn_builder, about twice as
 * fast as jinn_context_from_json (which builds a jansson tree first). Only what is surely
 * valid JSON and parses exactly as jansson would is taken: a \u escape, a number of more than
 * 18 digits or out of range, a control character, a byte sequence that is not strict UTF-8,
 * nesting deeper than 64 or any builder error makes fast_context fail, and the caller then
 * takes jinn_context_from_json's way (same value, or its error message). */
typedef struct {
    const char *p, *end;
    char *buf; /* scratch: a key or a string with escapes, NUL-terminated */
    size_t cap;
} fastjson;

static void fj_ws(fastjson *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

/* the length of the strict UTF-8 sequence at s (as jansson checks it), or 0 */
static int fj_utf8(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0], n, cp;
    if (c < 0xC2 || c > 0xF4) return 0;
    n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (end - s < (long)n) return 0;
    cp = c & (0x7F >> n);
    for (unsigned i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return (int)n;
}

/* room for need bytes in j->buf */
static int fj_room(fastjson *j, size_t need)
{
    if (need <= j->cap) return 1;
    size_t ncap = j->cap * 2 + need + 64;
    char *nb = realloc(j->buf, ncap);
    if (!nb) return 0;
    j->buf = nb;
    j->cap = ncap;
    return 1;
}

/* the string at j->p (after its opening quote) into j->buf; its length in *n. 0: not taken.
 * Runs of bytes that stand for themselves (printable ASCII but '"' and '\\', and strict UTF-8
 * sequences) are copied at once; an escape is one byte. */
static int fj_string(fastjson *j, size_t *n)
{
    size_t len = 0;
    for (;;) {
        const char *run = j->p;
        while (j->p < j->end) {
            unsigned char c = (unsigned char)*j->p;
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') j->p++;
            else if (c >= 0x80) {
                int adv = fj_utf8((const unsigned char *)j->p, (const unsigned char *)j->end);
                if (!adv) return 0;
                j->p += adv;
            } else break;
        }
        size_t k = (size_t)(j->p - run);
        if (!fj_room(j, len + k + 2)) return 0;
        memcpy(j->buf + len, run, k);
        len += k;
        if (j->p >= j->end || (unsigned char)*j->p < 0x20) return 0;
        if (*j->p == '"') break;
        /* a backslash */
        if (j->end - j->p < 2) return 0;
        char out;
        switch (j->p[1]) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '/': out = '/'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        default: return 0; /* \u and the invalid ones */
        }
        j->buf[len++] = out;
        j->p += 2;
    }
    j->p++;
    j->buf[len] = 0;
    *n = len;
    return 1;
}

static int fj_value(fastjson *j, jinn_builder *b, const char *key, int depth);

/* the number at j->p: strictly JSON's grammar, an int64 of at most 18 digits or a finite double */
static int fj_number(fastjson *j, jinn_builder *b, const char *key)
{
    const char *s = j->p, *q = s;
    int is_real = 0;
    if (q < j->end && *q == '-') q++;
    if (q >= j->end || *q < '0' || *q > '9') return 0;
    if (*q == '0') q++;
    else while (q < j->end && *q >= '0' && *q <= '9') q++;
    size_t digits = (size_t)(q - s);
    if (q < j->end && *q == '.') {
        is_real = 1;
        if (++q >= j->end || *q < '0' || *q > '9') return 0;
        while (q < j->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < j->end && (*q == 'e' || *q == 'E')) {
        is_real = 1;
        if (++q < j->end && (*q == '+' || *q == '-')) q++;
        if (q >= j->end || *q < '0' || *q > '9') return 0;
        while (q < j->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < j->end && !strchr(" \t\n\r,]}", *q)) return 0;
    char tmp[64];
    if ((size_t)(q - s) >= sizeof tmp || (!is_real && digits > 18)) return 0;
    memcpy(tmp, s, (size_t)(q - s));
    tmp[q - s] = 0;
    j->p = q;
    errno = 0;
    if (!is_real) return jinn_build_int(b, key, strtoll(tmp, NULL, 10)) == JINN_OK;
    double d = strtod(tmp, NULL);
    return errno == 0 && jinn_build_float(b, key, d) == JINN_OK;
}

static int fj_value(fastjson *j, jinn_builder *b, const char *key, int depth)
{
    fj_ws(j);
    if (j->p >= j->end || depth > 64) return 0;
    char c = *j->p;
    if (c == '"') {
        size_t n;
        j->p++;
        return fj_string(j, &n) && jinn_build_string(b, key, j->buf, n) == JINN_OK;
    }
    if (c == '{' || c == '[') {
        int dict = c == '{';
        j->p++;
        if ((dict ? jinn_build_begin_dict(b, key) : jinn_build_begin_list(b, key)) != JINN_OK) return 0;
        fj_ws(j);
        if (j->p < j->end && *j->p == (dict ? '}' : ']')) { j->p++; return jinn_build_end(b) == JINN_OK; }
        for (;;) {
            if (dict) {
                size_t n;
                fj_ws(j);
                if (j->p >= j->end || *j->p != '"') return 0;
                j->p++;
                if (!fj_string(j, &n) || memchr(j->buf, 0, n)) return 0;
                fj_ws(j);
                if (j->p >= j->end || *j->p != ':') return 0;
                j->p++;
                /* the key is copied: the value's strings reuse the scratch buffer */
                char kbuf[128], *k = n < sizeof kbuf ? kbuf : malloc(n + 1);
                if (!k) return 0;
                memcpy(k, j->buf, n + 1);
                int ok = fj_value(j, b, k, depth + 1);
                if (k != kbuf) free(k);
                if (!ok) return 0;
            } else if (!fj_value(j, b, NULL, depth + 1)) {
                return 0;
            }
            fj_ws(j);
            if (j->p >= j->end) return 0;
            if (*j->p == ',') { j->p++; continue; }
            if (*j->p != (dict ? '}' : ']')) return 0;
            j->p++;
            return jinn_build_end(b) == JINN_OK;
        }
    }
    static const struct { const char *w; size_t n; int v; } words[] = {{"true", 4, 1}, {"false", 5, 0}, {"null", 4, -1}};
    for (size_t i = 0; i < 3; i++)
        if ((size_t)(j->end - j->p) >= words[i].n && !memcmp(j->p, words[i].w, words[i].n) &&
            ((size_t)(j->end - j->p) == words[i].n || strchr(" \t\n\r,]}", j->p[words[i].n]))) {
            j->p += words[i].n;
            return (words[i].v < 0 ? jinn_build_none(b, key) : jinn_build_bool(b, key, words[i].v)) == JINN_OK;
        }
    return fj_number(j, b, key);
}

/* {"customer": attrs} as a context, or NULL: not taken (jinn_context_from_json decides) */
static jinn_context *fast_context(batch *B, const char *attrs, size_t len)
{
    fastjson j = {attrs, attrs + len, malloc(256), 256};
    jinn_builder *b = j.buf ? jinn_builder_new(B->env) : NULL;
    jinn_context *ctx = NULL;
    if (b && fj_value(&j, b, "customer", 1)) {
        jinn_result res;
        fj_ws(&j);
        if (j.p == j.end && jinn_builder_finish(b, &ctx, &res) != JINN_OK) {
            ctx = NULL;
            pthread_mutex_lock(&B->env_mu);
            jinn_result_clear(B->env, &res);
            pthread_mutex_unlock(&B->env_mu);
        }
    }
    jinn_builder_free(b);
    free(j.buf);
    return ctx;
}

/* ---- rendering one customer ------------------------------------------------------------------ */

static char *first_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return xstrndup(s, nl ? (size_t)(nl - s) : strlen(s));
}

/* The context through jinn_context_from_json (what fast_context did not take), or NULL with
 * it->error set. */
static jinn_context *slow_context(batch *B, item *it, size_t alen)
{
    char *ctxjson = xmalloc(alen + 16);
    memcpy(ctxjson, "{\"customer\": ", 13);
    memcpy(ctxjson + 13, it->attrs, alen);
    memcpy(ctxjson + 13 + alen, "}", 2);
    jinn_context *ctx = NULL;
    jinn_result res;
    /* contexts are built and freed on many threads at once (a runtime of their own) */
    if (jinn_context_from_json(B->env, ctxjson, alen + 14, &ctx, &res) != JINN_OK) {
        cli_buf m = {0};
        cli_puts(&m, "the customer's attributes are not a JSON object: ");
        cli_puts(&m, res.text ? res.text : "out of memory");
        it->error = m.p; /* (its position is in the wrapped text: none is stored) */
        pthread_mutex_lock(&B->env_mu);
        jinn_result_clear(B->env, &res);
        pthread_mutex_unlock(&B->env_mu);
        ctx = NULL;
    }
    free(ctxjson);
    return ctx;
}

static void score(batch *B, item *it, jinn_buf *out, char **warning)
{
    it->kind = "data";
    if (!it->attrs) { it->error = xstrndup("no such customer", 16); return; }
    size_t alen = strlen(it->attrs);
    jinn_context *ctx = fast_context(B, it->attrs, alen);
    if (!ctx) ctx = slow_context(B, it, alen);
    if (!ctx) return;
    jinn_result res;
    jinn_render_opts opts = {.context = ctx,
                             .seed = B->seed ^ fnv1a(FNV_INIT, it->id, strlen(it->id)),
                             .customer_id = it->id,
                             .interrupt = &g_stop};
    jinn_status st = jinn_render(B->t, &opts, out, &res);
    if (st == JINN_OK) {
        const char *p = out->data ? out->data : "";
        size_t n = out->len;
        while (n && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\t' || p[n - 1] == '\r')) n--;
        it->value = xstrndup(p, n);
    } else {
        it->error = first_line(res.message ? res.message : res.text ? res.text : "out of memory");
        it->diag = first_line(res.text ? res.text : it->error);
        it->kind = kind_name(res.kind);
        it->line = res.line;
        it->column = res.column;
    }
    if (res.warnings) {
        it->warned = 1;
        if (!*warning) *warning = first_line(res.warnings);
    }
    jinn_context_free(ctx);
    if (res.text || res.message || res.name || res.warnings || res.warning_list) {
        pthread_mutex_lock(&B->env_mu);
        jinn_result_clear(B->env, &res);
        pthread_mutex_unlock(&B->env_mu);
    }
}

/* A failure after the stop is the stop's doing (an interrupted render or query): the customer
 * is left for the resume, not stored as failed. */
static void left_if_stopped(item *it)
{
    if (!it->error || !stopping()) return;
    free(it->error);
    free(it->diag);
    it->error = it->diag = NULL;
}

/* ---- writing a chunk back --------------------------------------------------------------------- */

static void draw_progress(batch *B, int final)
{
    double now = now_mono();
    if (!final && now - B->last_draw < 0.1) return;
    B->last_draw = now;
    long done = B->scored + B->errors;
    double secs = now - B->t0;
    double rate = secs > 0 ? (double)done / secs : 0;
    double frac = B->todo > 0 ? (double)done / (double)B->todo : 1;
    if (frac > 1) frac = 1;
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
    bar[30] = 0;
    long eta = rate > 0 && B->todo > done ? (long)((double)(B->todo - done) / rate + 0.5) : 0;
    fprintf(stderr, "\r[%s] %ld/%ld %3d%% %.0f/s ETA %ld:%02ld  errors %ld ", bar, done, B->todo, (int)(frac * 100),
            rate, eta / 60, eta % 60, B->errors);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

/* A failure's report line, printed at once or held (write_mu) */
static void report(batch *B, const item *it)
{
    if (B->early_stopped || B->reported + B->nheld >= MAX_REPORTED) return;
    cli_buf m = {0};
    cli_puts(&m, "customer ");
    cli_puts(&m, it->id);
    cli_puts(&m, ": ");
    cli_puts(&m, it->error ? it->error : "error");
    /* held while no customer succeeded and an early stop may come: it then says it once */
    if (B->early_stop > 0 && !B->any_ok && B->seen <= B->early_stop) {
        B->held[B->nheld++] = m.p;
        return;
    }
    fprintf(stderr, "%s%s\n", B->progress ? "\r\033[K" : "", m.p);
    B->reported++;
    free(m.p);
}

static void release_held(batch *B)
{
    for (int i = 0; i < B->nheld; i++) {
        fprintf(stderr, "%s%s\n", B->progress ? "\r\033[K" : "", B->held[i]);
        free(B->held[i]);
        B->reported++;
    }
    B->nheld = 0;
}

static void write_chunk(batch *B, chunk *c, const char *warning)
{
    pthread_mutex_lock(&B->write_mu);
    long ok = 0, bad = 0;
    for (int i = 0; i < c->n; i++) {
        item *it = &c->items[i];
        if (it->value) ok++;
        else if (it->error) bad++;
    }
    for (int i = 0; i < c->n; i++) B->warned += c->items[i].warned;
    if (warning && !B->first_warning) B->first_warning = xstrndup(warning, strlen(warning));
    if (B->dry_run) {
        for (int i = 0; i < c->n; i++)
            if (c->items[i].value) printf("%s\t%s\n", c->items[i].id, c->items[i].value);
    } else if (!B->write_failed && (ok || bad)) {
        store_decision *d = xmalloc((size_t)c->n * sizeof *d);
        store_failure *f = xmalloc((size_t)c->n * sizeof *f);
        size_t nd = 0, nf = 0;
        for (int i = 0; i < c->n; i++) {
            item *it = &c->items[i];
            if (it->value) d[nd++] = (store_decision){it->id, it->value};
            else if (it->error)
                f[nf++] = (store_failure){it->id, it->kind ? it->kind : "data", it->diag ? it->diag : it->error,
                                          it->line, it->column};
        }
        char err[600];
        jinn_status st = B->S->write(B->st, B->run_id, B->emit, B->params, d, nd, f, nf, err, sizeof err);
        free(d);
        free(f);
        if (st != JINN_OK) {
            fprintf(stderr, "%sjinn: batch: %s; stopping (committed chunks are kept)\n", B->progress ? "\r\033[K" : "",
                    err);
            B->write_failed = 1;
            __atomic_store_n(&g_stop, 1, __ATOMIC_RELAXED);
        }
    }
    if (!B->dry_run && B->write_failed) ok = bad = 0;
    /* what is counted is what was committed (or printed, --dry-run) */
    for (int i = 0; i < c->n && (ok || bad); i++) {
        item *it = &c->items[i];
        if (!it->value && !it->error) continue;
        B->seen++;
        if (it->value) {
            if (!B->any_ok) {
                B->any_ok = 1;
                if (!B->early_stopped) release_held(B);
            }
        } else {
            if (!B->first_failure) {
                cli_buf m = {0};
                cli_puts(&m, "customer ");
                cli_puts(&m, it->id);
                cli_puts(&m, ": ");
                cli_puts(&m, it->error);
                B->first_failure = m.p;
            }
            if (B->early_stop > 0 && !B->any_ok && B->seen >= B->early_stop && !B->early_stopped) {
                B->early_stopped = 1;
                __atomic_store_n(&g_stop, 1, __ATOMIC_RELAXED);
            }
            report(B, it);
        }
    }
    B->scored += ok;
    B->errors += bad;
    if (B->progress) draw_progress(B, 0);
    pthread_mutex_unlock(&B->write_mu);
}

/* A renderer: chunks from the reader, their answers prefetched, rendered from them, to the
 * writer. (Items the reader already scored, its probe, are left as they are.) */
static void *renderer(void *arg)
{
    batch *B = arg;
    jinn_buf out = {0};
    chunk *c;
    double t_pop = 0, t_pre = 0, t_ren = 0, t_push = 0, t = tick(B->times);
    while ((c = queue_pop(&B->render_q))) {
        double t1 = tick(B->times);
        t_pop += t1 - t;
        if (!stopping() && !__atomic_load_n(&B->prefetch_failed, __ATOMIC_RELAXED)) {
            const char **cids = xmalloc((size_t)c->n * sizeof *cids);
            char err[600];
            for (int i = 0; i < c->n; i++) cids[i] = c->items[i].id;
            if (B->S->prefetch(B->st, cids, c->n, (const char *const *)B->defs->ids, B->defs->n, &c->answers, err,
                               sizeof err) != JINN_OK &&
                !stopping() && !__atomic_exchange_n(&B->prefetch_failed, 1, __ATOMIC_RELAXED))
                fprintf(stderr, "jinn: batch: %s; answering per customer from now on\n", err);
            free(cids);
        }
        double t2 = tick(B->times);
        t_pre += t2 - t1;
        for (int i = 0; i < c->n && !stopping(); i++) {
            item *it = &c->items[i];
            if (it->value || it->error) continue;
            if (c->answers) B->S->bind(B->st, c->answers, i);
            score(B, it, &out, &c->warning);
            left_if_stopped(it);
        }
        B->S->bind(B->st, NULL, 0);
        double t3 = tick(B->times);
        t_ren += t3 - t2;
        queue_push(&B->write_q, c);
        t = tick(B->times);
        t_push += t - t3;
    }
    pthread_mutex_lock(&B->write_mu);
    B->tm_pop_r += t_pop, B->tm_prefetch += t_pre, B->tm_render += t_ren, B->tm_push_w += t_push;
    if (B->times) B->cpu_renderers += thread_cpu();
    pthread_mutex_unlock(&B->write_mu);
    jinn_buf_free(B->env, &out);
    return NULL;
}

/* The writer: each rendered chunk written back (or printed, --dry-run) and freed. */
static void *writer(void *arg)
{
    batch *B = arg;
    chunk *c;
    double t_pop = 0, t_write = 0, t = tick(B->times);
    while ((c = queue_pop(&B->write_q))) {
        double t1 = tick(B->times);
        t_pop += t1 - t;
        write_chunk(B, c, c->warning);
        B->S->answers_free(B->st, c->answers);
        chunk_free(c);
        t = tick(B->times);
        t_write += t - t1;
    }
    pthread_mutex_lock(&B->write_mu);
    B->tm_pop_w += t_pop, B->tm_write += t_write;
    if (B->times) B->cpu_writer = thread_cpu();
    pthread_mutex_unlock(&B->write_mu);
    return NULL;
}

/* ---- arguments ---------------------------------------------------------------------------------- */

typedef struct {
    const char *template_path, *db_path, *customers, *emit;
    const store_module *store; /* the store of --providers: sqlite:PATH or postgres:CONNINFO */
    int jobs, chunk, dry_run, new_run, quiet, emit_set;
    long stop_after, early_stop;
    const char *failures, *retry; /* --failures RUN, --retry-failures RUN ("last": the newest) */
    int json;                     /* --format json (--failures) */
    json_t *params;               /* --param: the decisions' params before value and batch */
    opt_engine eng;       /* config and seed, parsed as every command parses them */
    const cli_command *cmd;
} batch_args;

static int parse_num(const char *s, long min, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || !*s || v < min) return 0;
    *out = v;
    return 1;
}

static int batch_option(void *ctx, int id, const char *arg)
{
    batch_args *a = ctx;
    const cli_command *cmd = a->cmd;
    long v;
    switch (id) {
    case OPT_PROVIDERS:
        if ((!strncmp(arg, "postgres:", 9) && arg[9]) || !strncmp(arg, "postgresql://", 13)) {
            a->store = &store_postgres; /* a libpq conninfo, or a postgres[ql]:// URI as it is */
            a->db_path = strncmp(arg, "postgres://", 11) && strncmp(arg, "postgresql://", 13) ? arg + 9 : arg;
            return 0;
        }
        if (strncmp(arg, "sqlite:", 7) || !arg[7])
            return opt_usage(cmd, "--providers %s: expected sqlite:PATH or postgres:CONNINFO", arg);
        a->store = &store_sqlite;
        a->db_path = arg + 7;
        return 0;
    case OPT_CUSTOMERS: a->customers = arg; return 0;
    case OPT_EMIT:
        if (!*arg) return opt_usage(cmd, "%s", "--emit needs a name");
        a->emit = arg;
        a->emit_set = 1;
        return 0;
    case OPT_EARLY_STOP:
        if (!parse_num(arg, 0, &v)) return opt_usage(cmd, "--early-stop %s: expected a number (0: never)", arg);
        a->early_stop = v;
        return 0;
    case OPT_FAILURES:
    case OPT_RETRY_FAILURES:
        if (strcmp(arg, "last") && (!parse_num(arg, 1, &v)))
            return opt_usage(cmd, "%s %s: expected a run id or last", id == OPT_FAILURES ? "--failures" : "--retry-failures",
                             arg);
        if (id == OPT_FAILURES) a->failures = arg;
        else a->retry = arg;
        return 0;
    case OPT_FORMAT:
        if (strcmp(arg, "text") && strcmp(arg, "json")) return opt_usage(cmd, "--format %s: expected text or json", arg);
        a->json = !strcmp(arg, "json");
        return 0;
    case OPT_PARAM: {
        /* KEY=TEXT a string, KEY:=JSON any value, as -D */
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg || (eq == arg + 1 && arg[0] == ':'))
            return opt_usage(cmd, "--param %s: expected KEY=VALUE or KEY:=JSON", arg);
        int is_json = eq[-1] == ':';
        char *key = xstrndup(arg, (size_t)(eq - arg) - (size_t)is_json);
        json_t *val;
        json_error_t je;
        if (is_json) val = json_loads(eq + 1, JSON_DECODE_ANY, &je);
        else val = json_string(eq + 1);
        int r = 0;
        if (!strcmp(key, "value") || !strcmp(key, "batch"))
            r = opt_usage(cmd, "--param %s: '%s' is the batch's own (the output, the run id)", arg, key);
        else if (!val)
            r = opt_usage(cmd, "--param %s: %s", arg, is_json ? je.text : "not UTF-8 text");
        else if (json_object_set_new(a->params, key, val) != 0)
            r = opt_usage(cmd, "--param %s: cannot be set", arg);
        else val = NULL;
        json_decref(val);
        free(key);
        return r;
    }
    case OPT_JOBS:
        if (!parse_num(arg, 1, &v) || v > 256) return opt_usage(cmd, "--jobs %s: expected a number from 1 to 256", arg);
        a->jobs = (int)v;
        return 0;
    case OPT_CHUNK:
        if (!parse_num(arg, 1, &v) || v > 100000) return opt_usage(cmd, "--chunk %s: expected a number from 1 to 100000", arg);
        a->chunk = (int)v;
        return 0;
    case OPT_STOP_AFTER:
        if (!parse_num(arg, 0, &v)) return opt_usage(cmd, "--stop-after %s: expected a number", arg);
        a->stop_after = v;
        return 0;
    case OPT_DRY_RUN: a->dry_run = 1; return 0;
    case OPT_NEW_RUN: a->new_run = 1; return 0;
    case OPT_QUIET: a->quiet = 1; return 0;
    case OPT_ARG:
        if (a->template_path) return opt_usage(cmd, "unexpected argument '%s' (one template at a time)", arg);
        a->template_path = arg;
        return 0;
    }
    return opt_engine_apply(&a->eng, cmd, id, arg);
}

static int parse_args(const cli_command *cmd, int argc, char **argv, batch_args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    opt_engine_init(&a->eng);
    a->customers = "all";
    a->emit = "optimal.channel";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;
    a->chunk = 256;
    a->stop_after = -1;
    a->early_stop = 100;
    a->params = json_object();
    if (!a->params || json_object_set_new(a->params, "type", json_string("CTR")) != 0) {
        fputs("jinn: out of memory\n", stderr);
        return 2;
    }
    int r = opt_parse(cmd, argc, argv, batch_option, a);
    if (r) return r;
    if (!a->db_path) return opt_usage(cmd, "%s", "--providers sqlite:PATH or postgres:CONNINFO is required");
    if (a->failures) {
        if (a->retry || a->dry_run || a->template_path)
            return opt_usage(cmd, "%s", "--failures lists a run's failures: no template, --retry-failures or --dry-run with it");
        return 0;
    }
    if (!a->template_path) return opt_usage(cmd, "%s", "no template given");
    if (a->retry && (a->dry_run || a->new_run || strcmp(a->customers, "all")))
        return opt_usage(cmd, "%s", "--retry-failures re-scores a run's failures: no --dry-run, --new-run or --customers with it");
    /* --customers FILE is read only after the run is recorded: refuse what cannot be a list now */
    struct stat st;
    if (strcmp(a->customers, "all") && strcmp(a->customers, "-") && stat(a->customers, &st) == 0 && S_ISDIR(st.st_mode))
        return opt_usage(cmd, "--customers %s: is a directory, not a file of customer ids", a->customers);
    return 0;
}

/* ---- the run ------------------------------------------------------------------------------------ */

static int store_fail(const char *err)
{
    fprintf(stderr, "jinn: batch: %s\n", err);
    return 2;
}

static int add_done(void *cb, const char *id, size_t id_len, const char *attrs, size_t attrs_len)
{
    (void)id_len;
    (void)attrs;
    (void)attrs_len;
    set_add(cb, id);
    return 0;
}

/* The producer's chunk being filled: customers not yet scored by this run, up to a limit. */
typedef struct {
    chunk *c;
    const strset *done;
    int max;       /* room left in c */
    char *last;    /* the last id read (the next scan starts after it) */
} filling;

static int add_customer(void *cb, const char *id, size_t id_len, const char *attrs, size_t attrs_len)
{
    filling *f = cb;
    free(f->last);
    f->last = xstrndup(id, id_len);
    if (set_has(f->done, id)) return 0;
    item *it = &f->c->items[f->c->n++];
    memset(it, 0, sizeof *it);
    it->id = xstrndup(id, id_len);
    it->attrs = attrs ? xstrndup(attrs, attrs_len) : NULL;
    return --f->max <= 0;
}


static void add_insert_id(void *user, jinn_lookup_kind kind, const char *id, size_t id_len)
{
    (void)kind;
    idlist *l = user;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        char **n = realloc(l->ids, (size_t)l->cap * sizeof *n);
        if (!n) { fputs("jinn: out of memory\n", stderr); exit(2); }
        l->ids = n;
    }
    l->ids[l->n++] = xstrndup(id, id_len);
}

/* ---- --failures RUN: a run's failures, as text or JSON ------------------------------------------- */

typedef struct {
    int json;
    json_t *list;
    long n;
} failure_list;

static int print_failure(void *cb, const store_failure *f)
{
    failure_list *L = cb;
    L->n++;
    if (!L->json) {
        printf("%s\t%s\t%d:%d\t%s\n", f->customer, f->kind, f->line, f->column, f->message);
        return 0;
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:i}", "customer", f->customer, "kind", f->kind, "message", f->message,
                          "line", f->line, "column", f->column);
    if (!o || json_array_append_new(L->list, o) != 0) { fputs("jinn: out of memory\n", stderr); exit(2); }
    return 0;
}

/* "last" or a run id: the id, 0 for the newest run */
static int64_t run_arg(const char *s) { return strcmp(s, "last") ? strtoll(s, NULL, 10) : 0; }

static int list_failures(const batch_args *a)
{
    const store_module *S = a->store;
    void *st;
    char err[600];
    if (S->open(a->db_path, STORE_BOUNDED, NULL, NULL, &st, err, sizeof err) != JINN_OK) return store_fail(err);
    store_run_info info;
    int found, status = 0;
    failure_list L = {a->json, a->json ? json_array() : NULL, 0};
    if (S->run_get(st, run_arg(a->failures), &info, &found, err, sizeof err) != JINN_OK) status = store_fail(err);
    else if (!found) {
        if (strcmp(a->failures, "last")) fprintf(stderr, "jinn: batch: no run %s in the store\n", a->failures);
        else fputs("jinn: batch: no run in the store yet\n", stderr);
        status = 2;
    } else if (S->run_failures(st, info.id, print_failure, &L, err, sizeof err) != JINN_OK) {
        status = store_fail(err);
    } else if (a->json) {
        json_t *o = json_pack("{s:I, s:s, s:b, s:I, s:I, s:O}", "run", (json_int_t)info.id, "action", info.action,
                              "finished", info.finished, "scored", (json_int_t)info.scored, "errors",
                              (json_int_t)info.errors, "failures", L.list);
        char *t = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (!t) { fputs("jinn: out of memory\n", stderr); exit(2); }
        puts(t);
        free(t);
        json_decref(o);
    } else {
        fprintf(stderr, "run %lld (%s, %s): %ld customers scored, %ld failing\n", (long long)info.id, info.action,
                info.finished ? "finished" : "unfinished", info.scored, L.n);
    }
    json_decref(L.list);
    S->close(st);
    return status;
}

/* ---- the ids to score from a list (--customers FILE, or a run's failures) ------------------------ */

typedef struct {
    FILE *f;      /* --customers FILE, or NULL */
    char **ids;   /* --retry-failures: the failed ids */
    size_t n, next;
    char *line;
    size_t linecap;
} idsource;

static int add_failed(void *cb, const store_failure *f)
{
    idsource *src = cb;
    if ((src->n & (src->n - 1)) == 0) { /* at 0, 1, 2, 4, ...: double */
        char **n = realloc(src->ids, (src->n ? 2 * src->n : 1) * sizeof *n);
        if (!n) { fputs("jinn: out of memory\n", stderr); exit(2); }
        src->ids = n;
    }
    src->ids[src->n++] = xstrndup(f->customer, strlen(f->customer));
    return 0;
}

/* The next id (blank and # lines skipped), or NULL at the end. */
static const char *next_id(idsource *src)
{
    if (!src->f) return src->next < src->n ? src->ids[src->next++] : NULL;
    for (;;) {
        ssize_t n = getline(&src->line, &src->linecap, src->f);
        if (n < 0) return NULL;
        char *line = src->line;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) line[--n] = 0;
        if (n && line[0] != '#') return line;
    }
}

/* Fingerprints alike but for the customers= selection (a retry scores the run's failures). */
static int same_but_customers(const char *a, const char *b)
{
    const char *ca = strstr(a, " customers="), *cb = strstr(b, " customers=");
    if (!ca || !cb) return !strcmp(a, b);
    const char *pa = strstr(ca, " params="), *pb = strstr(cb, " params=");
    return ca - a == cb - b && !strncmp(a, b, (size_t)(ca - a)) && !strcmp(pa ? pa : "", pb ? pb : "");
}

/* ---- the run ------------------------------------------------------------------------------------ */

int cli_batch(const cli_command *cmd, int argc, char **argv)
{
    batch_args a;
    int r = parse_args(cmd, argc, argv, &a);
    if (r || a.failures) {
        if (!r) r = list_failures(&a);
        json_decref(a.params);
        return r;
    }
    const store_module *S = a.store;
    if (S->init) S->init();
    size_t srclen;
    char *src = cli_read_file(a.template_path, &srclen);
    if (!src) { json_decref(a.params); return 2; }
    /* the params members: the object's text without its braces */
    char *params = json_dumps(a.params, JSON_PRESERVE_ORDER);
    json_decref(a.params);
    if (!params) { free(src); fputs("jinn: out of memory\n", stderr); return 2; }
    size_t plen = strlen(params);
    memmove(params, params + 1, plen - 2);
    params[plen - 2] = 0;

    batch B;
    memset(&B, 0, sizeof B);
    B.emit = a.emit;
    B.params = params;
    B.seed = a.eng.seed;
    B.dry_run = a.dry_run;
    B.progress = !a.quiet && isatty(2);
    B.early_stop = a.early_stop;
    B.S = S;
    __atomic_store_n(&g_stop, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&g_sigint, 0, __ATOMIC_RELAXED);
    int status = 0;
    jinn_template *t = NULL;
    idsource ids_in = {0};
    int have_list = 0; /* the ids come from ids_in, not a scan of the store */
    strset done = {0};
    strset listed = {0}; /* the ids of the list read so far */
    idlist defs = {0};
    jinn_result res;
    char err[600];
    store_run_info info;
    memset(&info, 0, sizeof info);
    int state = STORE_RUN_NEW;
    char emit_buf[sizeof info.action];

    jinn_env *env = jinn_env_new(&a.eng.cfg);
    if (!env) { free(src); free(params); fputs("jinn: out of memory\n", stderr); return 2; }
    B.env = env;
    if (S->open(a.db_path, STORE_BOUNDED, NULL, NULL, &B.st, err, sizeof err) != JINN_OK ||
        S->install(B.st, env, 0, err, sizeof err) != JINN_OK) {
        status = store_fail(err);
        goto out;
    }
    S->interrupt(B.st, &g_stop);
    if (S->version >= 3 && S->set_query_ms) S->set_query_ms(B.st, a.eng.cfg.limits.query_ms); /* the prefetches' bound */
    cli_add_template_dir(env, a.template_path);
    if (jinn_compile(env, a.template_path, src, srclen, &t, &res) != JINN_OK) {
        cli_print_diag(stderr, res.message ? res.message : "error\n");
        jinn_result_clear(env, &res);
        status = 1;
        goto out;
    }
    B.t = t;
    /* what to prefetch: the constant ids now; the ones computed at run time, once renders ask */
    int dynamic = jinn_template_inserts(t, add_insert_id, &defs);
    B.defs = &defs;

    /* unless --dry-run, the run: a new one, the unfinished one this command resumes, or the
     * one whose failures --retry-failures re-scores (exactly once per run: docs/providers.md) */
    if (!a.dry_run) {
        char *fp = NULL;
        uint64_t h = fnv1a(FNV_INIT, src, srclen);
        cli_buf fpb = {0};
        char head[200];
        snprintf(head, sizeof head, "%016llx seed=%llu trim=%d lstrip=%d keepnl=%d strict=%d profile=%d customers=",
                 (unsigned long long)h, (unsigned long long)a.eng.seed, a.eng.cfg.trim_blocks, a.eng.cfg.lstrip_blocks,
                 a.eng.cfg.keep_trailing_newline, a.eng.cfg.strict_providers, (int)a.eng.cfg.profile);
        cli_puts(&fpb, head);
        cli_puts(&fpb, a.customers);
        if (strcmp(params, "\"type\": \"CTR\"")) { /* the default keeps the fingerprints of before */
            cli_puts(&fpb, " params=");
            cli_puts(&fpb, params);
        }
        fp = fpb.p;
        int found = 1;
        if (a.retry) {
            if (S->run_get(B.st, run_arg(a.retry), &info, &found, err, sizeof err) != JINN_OK) {
                free(fp);
                status = store_fail(err);
                goto out;
            }
            if (!found) {
                free(fp);
                if (strcmp(a.retry, "last")) fprintf(stderr, "jinn: batch: no run %s in the store\n", a.retry);
                else fputs("jinn: batch: no run in the store yet\n", stderr);
                status = 2;
                goto out;
            }
            if (a.emit_set && strcmp(a.emit, info.action)) {
                free(fp);
                fprintf(stderr, "jinn: batch: run %lld emits '%s', not '%s'\n", (long long)info.id, info.action, a.emit);
                status = 2;
                goto out;
            }
            snprintf(emit_buf, sizeof emit_buf, "%s", info.action);
            B.emit = emit_buf;
            if (!same_but_customers(fp, info.fingerprint))
                fprintf(stderr, "jinn: batch: note: the template or options differ from run %lld's: its failures are "
                                "re-scored with these\n", (long long)info.id);
            state = STORE_RUN_RESUMED;
        } else {
            store_run run = {a.emit, a.template_path, fp};
            if (S->run_begin(B.st, &run, a.new_run, &info, &state, err, sizeof err) != JINN_OK) {
                free(fp);
                status = store_fail(err);
                goto out;
            }
        }
        free(fp);
        B.run_id = info.id;
        if (state == STORE_RUN_FINISHED) {
            fprintf(stderr,
                    "jinn: batch: run %lld, with this template, these options and customers, is finished: %ld "
                    "customers scored, %ld failed; nothing to do (exactly once per run). ",
                    (long long)info.id, info.scored, info.errors);
            if (info.errors)
                fprintf(stderr, "--retry-failures %lld re-scores the failed ones; ", (long long)info.id);
            fputs("--new-run scores every customer again\n", stderr);
            status = info.errors ? 1 : 0;
            goto out;
        }
        if (state == STORE_RUN_RESUMED &&
            S->run_scored(B.st, B.run_id, B.emit, add_done, &done, err, sizeof err) != JINN_OK) {
            status = store_fail(err);
            goto out;
        }
        if (a.retry) {
            if (S->run_failures(B.st, B.run_id, add_failed, &ids_in, err, sizeof err) != JINN_OK) {
                status = store_fail(err);
                goto out;
            }
            if (!ids_in.n) {
                fprintf(stderr, "jinn: batch: run %lld has no failures: nothing to retry\n", (long long)B.run_id);
                goto out;
            }
            have_list = 1;
            fprintf(stderr, "jinn: batch: retrying the %zu failed customers of run %lld\n", ids_in.n,
                    (long long)B.run_id);
        } else if (state == STORE_RUN_RESUMED) {
            fprintf(stderr, "jinn: batch: resuming run %lld: %zu customers already scored", (long long)B.run_id, done.n);
            if (info.errors) fprintf(stderr, ", %ld failed ones retried", info.errors);
            fputc('\n', stderr);
        }
    }

    int all = !have_list && !strcmp(a.customers, "all");
    if (all) {
        long n;
        if (S->count(B.st, &n, err, sizeof err) != JINN_OK) {
            status = store_fail(err);
            goto out;
        }
        B.todo = n - (long)done.n;
    } else if (have_list) {
        B.todo = (long)ids_in.n;
    } else {
        ids_in.f = strcmp(a.customers, "-") ? fopen(a.customers, "r") : stdin;
        struct stat st;
        if (ids_in.f && fstat(fileno(ids_in.f), &st) == 0 && S_ISDIR(st.st_mode)) {
            fclose(ids_in.f);
            ids_in.f = NULL;
            errno = EISDIR;
        }
        if (!ids_in.f) {
            fprintf(stderr, "jinn: batch: cannot read '%s': %s\n", a.customers, strerror(errno));
            status = 2;
            goto out;
        }
        have_list = 1;
        B.todo = -1; /* unknown: no ETA */
    }
    if (a.stop_after >= 0 && (B.todo < 0 || B.todo > a.stop_after)) B.todo = a.stop_after;

    queue_init(&B.render_q, a.jobs);
    queue_init(&B.write_q, a.jobs);
    pthread_mutex_init(&B.env_mu, NULL);
    pthread_mutex_init(&B.write_mu, NULL);
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sa);
    /* a file size limit (ulimit -f) makes a write fail (EFBIG), reported, not kill the batch */
    signal(SIGXFSZ, SIG_IGN);

    B.t0 = now_mono();
    B.times = getenv("JINN_BATCH_TIMES") && *getenv("JINN_BATCH_TIMES") == '1';
    pthread_t *th = xmalloc((size_t)a.jobs * sizeof *th), wth;
    int nth = 0, have_writer = pthread_create(&wth, NULL, writer, &B) == 0;
    if (have_writer)
        for (; nth < a.jobs; nth++)
            if (pthread_create(&th[nth], NULL, renderer, &B) != 0) break;
    if (!nth) {
        fputs("jinn: batch: cannot start a thread\n", stderr);
        status = 2;
    }

    /* the reader: chunks of customers not yet scored by this run, to the renderers */
    jinn_buf probe_out = {0};
    long queued = 0;
    int read_failed = 0, stopped = 0;
    int dup_warned = 0;
    filling f = {.done = &done};
    char **ids = xmalloc((size_t)a.chunk * sizeof *ids);
    double t_rd = tick(B.times), cpu0 = B.times ? thread_cpu() : 0;
    while (nth) {
        chunk *c = xmalloc(sizeof *c);
        c->items = xmalloc((size_t)a.chunk * sizeof *c->items);
        c->n = 0;
        c->answers = NULL;
        c->warning = NULL;
        f.c = c;
        int eof = 0;
        while (c->n < a.chunk && !(a.stop_after >= 0 && queued + c->n >= a.stop_after) && !stopping()) {
            int want = a.chunk - c->n;
            if (a.stop_after >= 0 && a.stop_after - queued - c->n < want) want = (int)(a.stop_after - queued - c->n);
            f.max = want;
            if (all) {
                int nread;
                if (S->scan(B.st, f.last, want, add_customer, &f, &nread, err, sizeof err) != JINN_OK) {
                    if (!stopping()) {
                        store_fail(err);
                        read_failed = 1;
                    }
                    eof = 1;
                    break;
                }
                if (nread < want && f.max > 0) { eof = 1; break; }
            } else {
                int nids = 0;
                const char *line;
                while (nids < want) {
                    if (!(line = next_id(&ids_in))) { eof = 1; break; }
                    if (set_has(&done, line)) continue;
                    /* an id listed twice is scored once in the run: exactly once is the rule */
                    if (set_has(&listed, line)) {
                        if (!dup_warned++) fprintf(stderr, "jinn: batch: '%s' is listed more than once in %s: scored once\n", line, a.customers);
                        continue;
                    }
                    set_add(&listed, line);
                    ids[nids++] = xstrndup(line, strlen(line));
                }
                int ok = S->get(B.st, (const char *const *)ids, nids, add_customer, &f, err, sizeof err) == JINN_OK;
                for (int i = 0; i < nids; i++) free(ids[i]);
                if (!ok) {
                    if (!stopping()) {
                        store_fail(err);
                        read_failed = 1;
                    }
                    eof = 1;
                    break;
                }
                if (eof) break;
            }
        }
        queued += c->n;
        if (stopping()) {
            stopped = 1;
            chunk_free(c);
            break;
        }
        if (c->n && dynamic && queued == c->n) {
            /* the probe: the first customer, rendered here per customer, shows the renders'
             * run-time ids to the store, which then prefetches them with the first chunk */
            double tp = tick(B.times);
            score(&B, &c->items[0], &probe_out, &c->warning);
            left_if_stopped(&c->items[0]);
            B.tm_probe = tick(B.times) - tp;
        }
        double t_q = tick(B.times);
        B.tm_read += t_q - t_rd;
        if (c->n) queue_push(&B.render_q, c);
        else chunk_free(c);
        t_rd = tick(B.times);
        B.tm_read_push += t_rd - t_q;
        if (eof) break;
        if (a.stop_after >= 0 && queued >= a.stop_after) { stopped = 1; break; }
    }
    free(ids);
    free(f.last);
    jinn_buf_free(env, &probe_out);
    if (B.times) B.cpu_reader = thread_cpu() - cpu0;
    queue_close(&B.render_q);
    for (int i = 0; i < nth; i++) pthread_join(th[i], NULL);
    queue_close(&B.write_q);
    if (have_writer) pthread_join(wth, NULL);
    free(th);
    sigaction(SIGINT, &old_sa, NULL);
    double secs = now_mono() - B.t0;
    if (B.progress) draw_progress(&B, 1);
    if (B.times)
        fprintf(stderr,
                "jinn: batch: times (s, summed over threads): reader %.3f read (%.3f of it the probe) + %.3f waiting to "
                "queue; renderers %.3f "
                "waiting for a chunk, %.3f prefetch, %.3f render, %.3f waiting to queue; writer %.3f waiting, %.3f "
                "writing; %.3f in all\n"
                "jinn: batch: CPU (s): reader %.3f, renderers %.3f, writer %.3f (a thread's wall time less its CPU "
                "and its waits: it could run but had no CPU)\n",
                B.tm_read, B.tm_probe, B.tm_read_push, B.tm_pop_r, B.tm_prefetch, B.tm_render, B.tm_push_w, B.tm_pop_w, B.tm_write,
                secs, B.cpu_reader, B.cpu_renderers, B.cpu_writer);
    int interrupted = __atomic_load_n(&g_sigint, __ATOMIC_RELAXED) && !B.write_failed;
    if (stopping()) stopped = 1;
    if (B.early_stopped) { /* the one error below says it: the held reports are dropped */
        for (int i = 0; i < B.nheld; i++) free(B.held[i]);
        B.nheld = 0;
    } else {
        release_held(&B);
    }

    if (!a.dry_run && nth && !stopped && !read_failed && !B.write_failed && !a.retry &&
        S->run_finish(B.st, B.run_id, err, sizeof err) != JINN_OK)
        status = store_fail(err);
    if (B.errors > B.reported && !B.early_stopped)
        fprintf(stderr, "... and %ld more failed customers\n", B.errors - B.reported);
    if (B.warned)
        fprintf(stderr, "%ld customers had warnings, the first: %s\n", B.warned,
                B.first_warning ? B.first_warning : "(none)");
    if (B.early_stopped)
        fprintf(stderr,
                "jinn: batch: stopped early: each of the first %ld customers failed (--early-stop %ld), the first with: "
                "%s\n",
                a.early_stop, a.early_stop, B.first_failure ? B.first_failure : "error");
    /* the run's totals, all legs, as committed (the store's count; this leg's when it cannot say) */
    long run_scored = B.scored, run_errors = B.errors;
    int totals = 0;
    if (!a.dry_run && nth) {
        store_run_info now;
        int found;
        if (S->run_get(B.st, B.run_id, &now, &found, err, sizeof err) == JINN_OK && found) {
            run_scored = now.scored;
            run_errors = now.errors;
            totals = 1;
        } else {
            run_scored = (long)done.n + B.scored;
        }
        fprintf(stderr, "%s run %lld: ", stopped ? "stopped" : "finished", (long long)B.run_id);
    }
    fprintf(stderr, "%ld customers scored, %ld errors", run_scored, run_errors);
    if (!a.dry_run && nth && (state == STORE_RUN_RESUMED || !totals))
        fprintf(stderr, " (this time: %ld scored, %ld failed)", B.scored, B.errors);
    fprintf(stderr, ", %.2f s, %.0f customers/s\n", secs, secs > 0 ? (double)(B.scored + B.errors) / secs : 0.0);
    if (stopped && !a.dry_run && nth) {
        if (a.retry) fprintf(stderr, "jinn: batch: run the same command again to go on retrying run %lld\n", (long long)B.run_id);
        else fprintf(stderr, "jinn: batch: run the same command again to resume run %lld\n", (long long)B.run_id);
    }
    if (run_errors && !a.dry_run && nth && !stopped)
        fprintf(stderr, "jinn: batch: jinn batch --failures %lld lists the failed customers; --retry-failures %lld "
                        "re-scores them\n",
                (long long)B.run_id, (long long)B.run_id);
    if (!status) {
        if (read_failed || B.write_failed) status = 2;
        else if (interrupted) status = 130;
        else if (B.errors || B.early_stopped) status = 1;
    }
    free(B.first_warning);
    free(B.first_failure);
    queue_destroy(&B.render_q);
    queue_destroy(&B.write_q);
    pthread_mutex_destroy(&B.env_mu);
    pthread_mutex_destroy(&B.write_mu);
out:
    if (ids_in.f && ids_in.f != stdin) fclose(ids_in.f);
    free(ids_in.line);
    for (size_t i = 0; i < ids_in.n; i++) free(ids_in.ids[i]);
    free(ids_in.ids);
    for (int i = 0; i < defs.n; i++) free(defs.ids[i]);
    free(defs.ids);
    set_free(&done);
    set_free(&listed);
    jinn_template_free(t);
    jinn_env_free(env);
    if (B.st) {
        double tc = now_mono();
        S->close(B.st);
        if (B.times) fprintf(stderr, "jinn: batch: closing the store (its last checkpoint): %.3f s\n", now_mono() - tc);
    }
    free(src);
    free(params);
    return status;
}
