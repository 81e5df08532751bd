/*
 * providers/store.h — the event-store interface: everything `jinn batch` (and `jinn render
 * --customer`) needs from a store of customers, events and definitions, behind one vtable.
 *
 * A store is a module (a static table of functions, as sqlite3_module) and an instance (the
 * `void *user` its open returns, passed back to every call). SQLite is the first module
 * (providers/sqlite.c, which owns the schema); a second store implements the same table. The
 * batch names no table and speaks no SQL: it reads customers in chunks, prefetches the chunk's
 * answers, renders through the provider the store installs, and hands the decisions back.
 *
 * Threads. The calls fall in three groups:
 *   - reading customers: count, scan, get — one thread at a time (the batch's reader);
 *   - writing and the runs: run_begin, run_get, run_scored, run_failures, write, run_finish —
 *     one thread at a time (the writer);
 *   - answering: the provider install puts in the env, prefetch, bind, answers_free — any
 *     number of threads at once (each uses a connection of its own).
 * open, close and interrupt are called alone (before the threads start).
 *
 * Errors. Calls return JINN_OK, or JINN_ERROR with a message (no trailing newline, naming what
 * failed) in err[0..errcap).
 */
#ifndef JINN_PROVIDERS_STORE_H
#define JINN_PROVIDERS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "jinn.h"

/* One customer: id (id_len bytes) and attributes (a JSON object text of attrs_len bytes, "{}"
 * when the store has none; NULL when there is no such customer, for get). Both strings are
 * NUL-terminated and live until the callback returns. Return 0 to go on, non-zero to stop. */
typedef int (*store_row_fn)(void *cb, const char *id, size_t id_len, const char *attrs, size_t attrs_len);

/* What identifies a run: an unfinished run with the same action and fingerprint resumes. */
typedef struct {
    const char *action;      /* the event action of the decisions (--emit) */
    const char *template_name; /* for people reading the runs */
    const char *fingerprint; /* what decides the results (template hash, seed, options, ...) */
} store_run;

/* One decision to write back: the customer and the render's trimmed output. */
typedef struct {
    const char *customer;
    const char *value;
} store_decision;

/* One failed customer of a run and its diagnostic (as jinn_result gives it). */
typedef struct {
    const char *customer;
    const char *kind;    /* "syntax", "undefined", "type", "value", "limit", "provider", or
                            "data" (no such customer, attributes that are not JSON) */
    const char *message; /* one line */
    int line, column;    /* 0: none */
} store_failure;
typedef int (*store_failure_fn)(void *cb, const store_failure *f); /* 0: go on */

/* What the store knows of a run (run_begin, run_get). */
typedef struct {
    int64_t id;
    int finished;          /* the run ended: an identical command does not score it again */
    long scored;           /* customers with a decision of the run */
    long errors;           /* customers failing now: the run's failures (run_failures) */
    char action[256];      /* cut when longer */
    char fingerprint[1024];
} store_run_info;

/* What run_begin found or made. */
enum { STORE_RUN_NEW, STORE_RUN_RESUMED, STORE_RUN_FINISHED };

/* open flags */
#define STORE_BOUNDED 1 /* memory bounded by the store's caches, whatever the size of the base
                           (SQLite: no memory map, only each connection's page cache) */

/* A chunk's prefetched answers (owned by the store; see prefetch). */
typedef struct store_answers store_answers;

typedef struct store_module {
    int version;        /* 3 (set_query_ms); 2 without it */
    const char *scheme; /* "sqlite": the prefix of --providers sqlite:PATH */

    /* Process-wide set-up, called by a program once before it uses the store from threads and
     * before anything else in the process uses the store's library (SQLite: memory statistics
     * off, their global mutex would serialise the threads). May be NULL. */
    void (*init)(void);
    /* Open the store at target (for SQLite: a path or a file: URI) with STORE_* flags. alloc
     * may be NULL (the C library's realloc/free). Nothing is written until run_begin. */
    jinn_status (*open)(const char *target, int flags, jinn_alloc_fn alloc, void *alloc_user, void **user,
                        char *err, size_t errcap);
    /* Free everything; the renders using an installed provider must have ended. */
    void (*close)(void *user);

    /* ---- reading customers ---- */
    /* The number of customers. */
    jinn_status (*count)(void *user, long *n, char *err, size_t errcap);
    /* Up to max customers in id order, after the id `after` (NULL: from the first), one call of
     * row each; *nread gets how many were read (fewer than max: the end). Each call is its own
     * short read, so a scan never holds the store open between chunks. */
    jinn_status (*scan)(void *user, const char *after, int max, store_row_fn row, void *cb, int *nread, char *err,
                        size_t errcap);
    /* The customers of ids[0..n), in that order, one call of row each (attrs NULL: none such). */
    jinn_status (*get)(void *user, const char *const *ids, int n, store_row_fn row, void *cb, char *err,
                       size_t errcap);

    /* ---- answering insert tags ---- */
    /* Install the store's provider in env (jinn_env_set_provider). With owned, jinn_env_free
     * closes the store; otherwise the caller closes it after the env is freed. */
    jinn_status (*install)(void *user, jinn_env *env, int owned, char *err, size_t errcap);
    /* Answer the definitions ids[0..nids) (NUL-terminated; unknown ones are skipped), and those
     * the provider was asked for since open (ids computed at run time: the store learns them),
     * for the customers[0..n), one statement per definition over the whole chunk where the
     * definition has a set form (the others stay for the provider to ask per customer), and
     * the metrics among them once per open store. The answers live until answers_free. *out
     * NULL with JINN_OK: nothing to prefetch. */
    jinn_status (*prefetch)(void *user, const char *const *customers, int n, const char *const *ids, int nids,
                            store_answers **out, char *err, size_t errcap);
    void (*answers_free)(void *user, store_answers *a);
    /* The provider's lookups on the calling thread answer from customer i of a first (a NULL:
     * from the store again). A definition the chunk did not prefetch is asked of the store. */
    void (*bind)(void *user, const store_answers *a, int i);

    /* ---- runs and write-back ---- */
    /* The run a command works in (exactly once per run: docs/providers.md). Unless new_run:
     * the newest unfinished run like r, resumed (*state STORE_RUN_RESUMED), or else the newest
     * finished one like r (*state STORE_RUN_FINISHED: nothing is recorded, the command has
     * nothing to do); otherwise a new run is recorded (STORE_RUN_NEW). *info describes it. */
    jinn_status (*run_begin)(void *user, const store_run *r, int new_run, store_run_info *info, int *state, char *err,
                             size_t errcap);
    /* Run id (0: the newest run); *found 0 when there is none. */
    jinn_status (*run_get)(void *user, int64_t id, store_run_info *info, int *found, char *err, size_t errcap);
    /* The customers run id already scored (a decision of that action written by it). */
    jinn_status (*run_scored)(void *user, int64_t id, const char *action, store_row_fn row, void *cb, char *err,
                              size_t errcap);
    /* The failures of run id, one call each, in customer id order. */
    jinn_status (*run_failures)(void *user, int64_t id, store_failure_fn fn, void *cb, char *err, size_t errcap);
    /* In one transaction, all of it or none: write d[0..n) as events of the action, with the
     * params {PARAMS, "value": the decision, "batch": id} (params: JSON object members, e.g.
     * "\"type\": \"CTR\""); record f[0..nf) as failures of the run (replacing a customer's
     * earlier one) and forget the earlier failures of the customers of d; add n to the run's
     * scored and set its errors to its number of failures. */
    jinn_status (*write)(void *user, int64_t id, const char *action, const char *params, const store_decision *d,
                         size_t n, const store_failure *f, size_t nf, char *err, size_t errcap);
    /* Mark the run finished (an identical command then has nothing to do). */
    jinn_status (*run_finish)(void *user, int64_t id, char *err, size_t errcap);

    /* A flag (set with an atomic store, e.g. from a signal handler) that makes every statement
     * of the store under way or to come fail quickly ("interrupted"); NULL: none. The renders'
     * own interrupt and query_ms (jinn_lookup) stop the lookups they make too. */
    void (*interrupt)(void *user, const int *flag);

    /* ---- version 3 ---- */
    /* The longest one statement of a prefetch may run (the env's limits.query_ms; 0: no bound),
     * set once after open, before the store is used from threads. A set form or a metric that
     * runs longer is stopped, and the chunk's customers fail with "... took more than N ms
     * (limit query_ms)" (the lookups a render makes are bounded by their own query_ms). May be
     * NULL. */
    void (*set_query_ms)(void *user, uint32_t ms);
} store_module;

/* The SQLite event store (providers/sqlite.c; the schema: docs/providers.md). */
extern const store_module store_sqlite;
/* The PostgreSQL event store (providers/postgres.c, libpq; --providers postgres:CONNINFO). */
extern const store_module store_postgres;

#endif
