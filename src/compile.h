/*
 * compile.h — compiled templates: code units of bytecode, constants, names.
 *
 * A template is immutable once compiled: the VM only reads it, and every constant in it is
 * immortal, so any number of threads may render it at once.
 */
#ifndef JINN_COMPILE_H
#define JINN_COMPILE_H

#include "ast.h"
#include "builtins.h"
#include "env.h"

enum {
#define OP(name, operands, pops, pushes) OP_##name,
#include "opcodes.h"
#undef OP
    OP__COUNT
};

typedef struct instr {
    uint8_t op;
    uint8_t c;
    uint16_t b;
    int32_t a;
} instr;

/* loop.<field>, THE list: X(NAME, "name", in the snapshot that `loop` as a value gives) */
#define LOOP_FIELDS(X)              \
    X(INDEX, "index", 1)            \
    X(INDEX0, "index0", 1)          \
    X(REVINDEX, "revindex", 1)      \
    X(REVINDEX0, "revindex0", 1)    \
    X(FIRST, "first", 1)            \
    X(LAST, "last", 1)              \
    X(LENGTH, "length", 1)          \
    X(PREVITEM, "previtem", 0)      \
    X(NEXTITEM, "nextitem", 0)      \
    X(DEPTH, "depth", 1)            \
    X(DEPTH0, "depth0", 1)
enum {
#define X(name, str, snap) LF_##name,
    LOOP_FIELDS(X)
#undef X
    LF__COUNT              /* OP_LOOP_ATTR's field LF__COUNT: `loop` itself, as a snapshot dict */
};
static const char *const loop_field_names[LF__COUNT] = {
#define X(name, str, snap) str,
    LOOP_FIELDS(X)
#undef X
};

/* One function body: the template's top level, or a macro. */
#define SLOT_MISSING (-2)

typedef struct unit {
    instr *code;
    uint32_t *pos;      /* source byte offset of each instruction (for diagnostics) */
    int ncode, capcode;
    int nslots;
    int16_t *slot_parent; /* outer slot a scope-local slot falls back to, or -1 (the context),
                           * or SLOT_MISSING: unset, it is undefined (Jinja2's `missing`) */
    int16_t *slot_name;   /* name index of each slot (for the global fallback) */
    uint8_t *slot_root;   /* 1: declared in the unit's outermost scope (exported by a REPL) */
    int capslots;
    int max_loops;
    int max_stack;
    /* macros */
    jstr *name;
    int nparams;          /* parameters occupy slots 0..nparams-1 */
    jstr **param_names;
    int caller_slot, varargs_slot, kwargs_slot; /* -1 when unused */
    /* a closure: variables of the scopes around the definition (a for's, a with's, an enclosing
     * macro's) that the body reads; OP_MACRO pushes their values, the call puts them in these
     * slots (capt_inner) of the frame; capt_outer are their slots in unit `defined_in` */
    int ncapt, defined_in;
    int *capt_outer, *capt_inner;
} unit;

typedef struct jinn_template {
    struct jinn_env *env;
    char *name;
    char *src;            /* our copy of the source (diagnostics point into it) */
    size_t srclen;
    unit *units;          /* units[0] is the top level */
    int nunits, capunits;
    value *consts;
    int nconsts, capconsts;
    struct { uint32_t off, len; } *texts; /* template text: slices of src, written by TEXT */
    int ntexts, captexts;
    jstr **names;         /* attribute / variable names, immortal, hashed */
    struct tmethod {
        /* per name: the dict, list and str method of that name (rows of the env's registry) */
        const struct reg_row *m[3];
        /* and the string a dict lookup of it uses: a constant of the same text, where there is
         * one, else the name (fuse.c) */
        jstr *key;
    } *methods;
    int nnames, capnames;
    int autoescape;
    int refs;             /* the user's handle and the env's cache each hold one */
    struct jinn_template **deps; /* templates included, imported or extended (each holds a ref) */
    struct tblock {
        jstr *name;
        int unit;             /* the block's body, compiled as a unit */
        int flags;            /* 1 scoped, 2 required */
    } *blocks;
    int nblocks, capblocks;
    int ndeps, capdeps;
} template;


/* check: jinn check's mode — recover from syntax errors, go on after compile errors, and add
 * lint warnings; the template is not kept */
bool comp_template(jrt *R, env *E, const char *name, const char *src, size_t len, template **out, diags *D, int check);
void comp_free(jrt *R, template *t);
bool comp_disasm(jrt *R, const template *t, jbuf *out);
/* fused instructions for the commonest sequences (fuse.c); the compile's last step */
void comp_fuse(template *t);

#endif
