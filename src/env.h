/*
 * env.h — the environment: configuration, the data provider, and what every render shares.
 */
#ifndef JINN_ENV_H
#define JINN_ENV_H

#include <pthread.h>
#include <stdatomic.h>

#include "provider.h"
#include "registry.h"

typedef struct jinn_env env;

struct jinn_env {
    jinn_config cfg;
    jrt R;                 /* for allocations made at compile time (single-threaded) */
    prov_slot prov;        /* the data provider (provider.h) */
    registry reg;          /* every builtin: the stdlib's rows, then the embedder's */
    /* the loader: search path, in-memory sources, the cache of compiled templates by name */
    char **paths;
    int npaths;
    jdict *sources;        /* name -> source string (jinn_env_add_template) */
    jdict *cache;          /* name -> index into cached */
    struct jinn_template **cached;
    int ncached, capcached;
    const char *loading[64]; /* the templates being compiled, outermost first (cycles) */
    int nloading;
    /* Held by every compile through the API and by loads at render time (a template name
     * computed by the template): renders on many threads may then compile and cache. */
    pthread_mutex_t loader_mu;
    /* the renders' caches of small blocks, free for the taking (api.c, cache_take) */
#define ENV_CACHES 8
    _Atomic(rt_cache *) caches[ENV_CACHES];
};

struct jinn_context {
    env *E;
    value vars;            /* an immortal dict */
};

#endif
