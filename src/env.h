/*
 * env.h — the environment: configuration, the data provider, and what every render shares.
 */
#ifndef JINN_ENV_H
#define JINN_ENV_H

#include "compile.h"
#include "provider.h"
#include "registry.h"

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
};

/* Load and compile the template `name` for an include/import at pos of the template being
 * compiled (diagnostics go to D). NULL when it is missing (missing set) or failed (reported). */
struct jinn_template *env_load(env *E, const char *name, size_t len, diags *D, uint32_t pos, bool *missing);
void env_template_release(env *E, struct jinn_template *t);
void env_loader_free(env *E);

struct jinn_context {
    env *E;
    value vars;            /* an immortal dict */
};

/* vm.c: run a compiled template */
bool vm_render(jrt *R, const template *T, const value *ctx, jbuf *out, uint32_t *err_pos, const template **err_tmpl,
               jbuf *exports);

#endif
