/*
 * registry.h — the environment's builtins: one row array per kind, built at jinn_env_new.
 *
 * The stdlib's C rows come first (stdlib/std.h hands over its tables), the embedder's
 * callbacks after them, as they are registered. The compiler resolves a name to a row index
 * once (reg_find: the embedder's row when one has the name, so a registered name takes
 * precedence over a builtin), binds the call's arguments to the row's parameter slots, and
 * emits the index; the VM indexes the same array. Every call of a builtin goes through a row:
 * a C row calls its jnative_fn with the bound slots; an embedder's row is bound as
 * `value *args **kwargs` (functions: `*args **kwargs`) and reg_call_slots unpacks that into
 * the jinn_call the callback sees (src/native.c).
 *
 * Rows are appended and never move (a compiled template may hold a row's address); the row
 * array of the embedder's grows, so jinn_env_register_* must not race with compiles or
 * renders (register first, as the API says).
 */
#ifndef JINN_REGISTRY_H
#define JINN_REGISTRY_H

#include "builtins.h"

/* the embedder's callback behind a row (jinn_env_register_filter and friends) */
typedef struct reg_native {
    jinn_native_fn fn;
    void *user;
    void (*destroy)(void *user);
} reg_native;

typedef struct reg_row {
    jbuiltin b;        /* name, fn (NULL for the embedder's), params, nreq */
    unsigned flags;    /* BI_* (builtins.h) */
    /* a method's Python binding, from Python's own markers in its parameter list
     * (stdlib/methods.c): the parameters before slot posonly take no keyword (`/`, which
     * is no slot: -1, every parameter may); kwonly is the slot of a bare `*` (a slot, so
     * that the VM's positional fast path passes the row by), the parameters after it
     * keyword-only (-1: none); bracketed, the list is written as Python's documentation
     * writes a method of CPython's older argument parser, `sub [start end]`
     * (str.count(sub[, start[, end]])): positional-only, and worded its way in errors */
    int8_t posonly, kwonly; /* (beside flags, in what was padding: row i's address stays cheap) */
    bool bracketed;
    jtext_fn text;     /* the stdlib filter's printed text (builtins.h), or NULL */
    bi_sig sig;        /* b.params, parsed once */
    reg_native *native;/* the embedder's callback, or NULL */
    char *owned_name;  /* the embedder's name (b.name points here) */
    bi_kind kind;
    int index;         /* its index in its kind (what OP_FILTER and friends carry) */
} reg_row;

typedef struct registry {
    struct reg_kind {
        /* Rows never move once made (templates keep pointers to them: a method's row, a row
         * as a constant): the stdlib's in one array sized at jinn_env_new, each of the
         * embedder's allocated alone; reg_row_at finds row i. */
        reg_row *base;
        int nbase;
        reg_row **extra;
        int n, capextra;   /* n: every row, base and extra */
        jdict *index;  /* name -> row index (the last row of that name wins) */
    } k[BI__KINDS];
    int percent;       /* the stdlib's format filter, which `%` on a string is (-1: none) */
} registry;

/* Fill g with the stdlib's rows (allocations through R). False on allocation failure. */
bool reg_init(jrt *R, registry *g);
void reg_free(jrt *R, registry *g);
/* The row index of the builtin of this kind named name, or -1. */
int reg_find(const registry *g, bi_kind kind, const char *name, size_t len);
/* Add (or replace) the embedder's callback for name: JINN_OK, JINN_NOMEM. */
jinn_status reg_add_native(jrt *R, registry *g, bi_kind kind, const char *name, const reg_native *n);

/* row i of a kind */
static inline const reg_row *reg_row_at(const registry *g, bi_kind kind, int i)
{
    const struct reg_kind *k = &g->k[kind];
    return i < k->nbase ? &k->base[i] : k->extra[i - k->nbase];
}

/* Call row r with its parameter slots bound (args[0..nslots-1]): the VM's path. */
static inline bool reg_call_slots(jrt *R, const reg_row *r, value *args, int nslots, value *out);
/* Call row r with positional and keyword arguments, binding them now: the run-time path. */
bool reg_call(jrt *R, const reg_row *r, value *pos, int npos, jdict *kw, value *out);

/* the embedder's callback with positional and keyword arguments (src/native.c) */
bool native_call(jrt *R, const reg_row *r, value *pos, int npos, jdict *kw, value *out);
/* the same from bound slots: [value,] *args list, **kwargs dict */
bool native_call_slots(jrt *R, const reg_row *r, value *args, int nslots, value *out);

static inline bool reg_call_slots(jrt *R, const reg_row *r, value *args, int nslots, value *out)
{
    if (r->native) return native_call_slots(R, r, args, nslots, out);
    return r->b.fn(R, args, nslots, out);
}

#endif
