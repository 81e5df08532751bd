/*
 * env.h — the environment: configuration, the data provider, and what every render shares.
 */
#ifndef JINN_ENV_H
#define JINN_ENV_H

#include "compile.h"

struct jinn_env {
    jinn_config cfg;
    jrt R;                 /* for allocations made at compile time (single-threaded) */
    jinn_provider prov;
    void *prov_user;
    int has_prov;
    jdict *bi_index[3];    /* filters, tests, functions by name (built at the first compile) */
};

/* the builtin of a table (0 filters, 1 tests, 2 functions) named name, or NULL */
const jbuiltin *env_find_builtin(env *E, int table, const char *name, size_t len);

struct jinn_context {
    env *E;
    value vars;            /* an immortal dict */
};

/* vm.c: run a compiled template */
bool vm_render(jrt *R, const template *T, const value *ctx, jbuf *out, uint32_t *err_pos, const template **err_tmpl,
               jbuf *exports);

/* the JSON fixture provider (providers/json.c) */
bool prov_json_install(env *E, const char *json, size_t len, jbuf *err);

#endif
