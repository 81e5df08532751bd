/*
 * compile.c — AST to bytecode.
 *
 * Scoping follows Jinja2 and is resolved here, at compile time, into numbered local slots:
 * the template's top level and each macro are code units with their own slots; `for`,
 * `with` and insert blocks open scopes whose assignments do not leak out (a slot declared
 * there falls back to the same name in the enclosing scope until it is assigned); `if`
 * opens none. Names that are not local are context variables (LOAD_GLOBAL). Builtin filters,
 * tests and functions are resolved and their arguments bound to parameter slots here, once,
 * so a render never looks a filter up by name or matches keyword arguments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "loader.h"
#include "migrate.h"

/* ======================================================================================
 * Compiler state
 * ====================================================================================== */

#define MAX_SCOPE_NAMES 64

typedef struct scope {
    struct scope *up;
    int unit_root;               /* the outermost scope of a code unit */
    int n;
    struct { const char *s; uint32_t len; int slot; } names[MAX_SCOPE_NAMES];
    struct scope *overflow;      /* more names: a chained scope with the same role */
    uint64_t bloom;              /* a bit per name here and in overflow (scope_bit): most lookups
                                  * of a name a scope does not have end at this test */
} scope;

static inline uint64_t scope_bit(const char *name, uint32_t len)
{
    return len ? (uint64_t)1 << ((len * 7u + (uint8_t)name[0] * 3u + (uint8_t)name[len - 1]) & 63) : 1;
}

typedef struct patch {
    struct patch *next;
    int at;
} patch;

typedef struct loopctx {
    struct loopctx *up;
    int iter_pc;                 /* continue jumps here */
    patch *breaks;
} loopctx;

typedef struct bi_memo { const char *s; uint32_t len; int kind; const reg_row *row; } bi_memo;

typedef struct comp {
    jrt *R;
    diags *D;
    pctx *P;
    template *T;
    env *E;
    unit *u;
    scope *sc;
    scope *root;                 /* the top-level scope (for macros reading template variables) */
    int in_macro;
    /* the last method call .append(x) on a variable: its CALL_METHOD's pc and its receiver's
     * LOAD's (-1: none); {% do %} of it makes that LOAD a LOAD_RECV (fuse.c: APPEND_POP) */
    int append_call, append_recv;
    /* Jinja2's soft frame: inside an if (test, body, elif, else) or an inline if, not inside a
     * for, with, macro or block below it. There an unknown filter or test is an error only when
     * it runs (soft_pos: where the if starts, for jinn check's warning). */
    int soft;
    uint32_t soft_pos;
    /* the unit being compiled may capture the variables of the scopes it is defined in (a
     * macro, call block or recursive loop; not a block): outer_sc is the defining unit's scope
     * at the definition, outer_root_top whether that unit is the template's top level */
    scope *outer_sc;
    int can_capture, outer_unit;
    int compiling_block;     /* set by compile_block for the unit it asks for: no closure */
    /* inside {% autoescape EXPR %}: constants print with the autoescape around it (ae_outer) */
    int ae_volatile, ae_outer;
    int loops;                   /* loops open in this unit */
    int nested;                  /* inside a filter or autoescape block: not the top level for extends */
    int sees_locals;             /* the template has an include, import, block or |render: what
                                  * sees the variables where it stands (include_context) */
    int extended;                /* the top level (or a recursive loop in it) has an `extends` before
                                  * this point (jinja profile) */
    loopctx *loop;
    int depth, max_depth;        /* operand stack depth */
    uint32_t edepth;             /* expression nesting, against the parse_depth limit */
    uint32_t edepth_max;         /* that limit for expressions: parse_depth * 4 (read per node) */
    /* name -> index into T->names: open addressing over FNV-1a hashes, each entry the index
     * plus one (0: empty); a power-of-two capacity kept at most half full. A plain table, not
     * a jdict: add_name runs for every name the compiler meets, and a jdict lookup (its hash,
     * its entry layout) cost a quarter of the compile */
    int32_t *name_ix;
    uint32_t name_cap;
    /* the names of 8 bytes or less met lately, by their ast_word (exact at that length): a
     * direct-mapped memo in front of name_ix (add_name), as the same attribute and variable
     * names come again and again; len1 is the length plus one (0: an empty entry) */
    struct { uint64_t w; uint32_t len1; int32_t ix; } nmemo[256];
    /* the same in front of find_builtin's bim, for builtins (filters, tests, functions) of
     * names of 8 bytes or less, by kind too */
    struct { uint64_t w; uint32_t len1; int32_t kind; const reg_row *row; } bmemo[64];
    /* plain string constants of the template (literals) -> their index in T->consts, the same
     * open addressing: a literal met again is the constant already made (comp_fuse points every
     * OP_CONST at the first constant of its text anyway; this keeps the copies out of the table) */
    int32_t *str_ix;
    uint32_t str_cap, nstr;
    /* LOAD_ROOTs emitted in macros, resolved when the whole template is compiled (a macro may
     * call itself, or a macro defined after it, as Jinja2 resolves names at call time) */
    struct { int unit, pc; } *late;
    int nlate, caplate;
    uint8_t *is_method;          /* by name index: the name is called as a method (note_method) */
    int cap_is_method;
    int check;                   /* jinn check: go on after errors, lint */
    int autoescape;              /* the autoescape setting here ({% autoescape %} blocks change it) */
    int rec_unit, rec_depth_slot;/* inside a recursive for loop: its unit and depth slot, else -1 */
    int cur_block;               /* the block being compiled (for super()), or -1 */
    uint8_t *root_read;          /* check: top-level slots that are read */
    int cap_root_read;
    struct { int slot; uint32_t pos; } *sets;    /* check: top-level `set` targets */
    int nsets, capsets;
    struct { int name; uint32_t pos; } *calls;   /* check: calls of names that are not local */
    int ncalls, capcalls;
    int failed;
    /* the top level's first code capacity: about one instruction per 8 bytes of source (W3's
     * 20 KB make 3,027), so a big template is not copied through six doublings */
    int code_hint;
    uint32_t frame_stamp;    /* declare_missing's frames so far (pname.stamp) */
    struct bi_memo *bim;     /* find_builtin's answers: open addressing, capacity bimcap */
    uint32_t bimcap;
    int nbim;
    instr scratch;           /* where writes to an instruction that could not be emitted go */
} comp;

static const struct { const char *name, *operands; int pops, pushes; } op_info[] = {
#define OP(name, operands, pops, pushes) {#name, operands, pops, pushes},
#include "opcodes.h"
#undef OP
};

static bool cfail(comp *c, uint32_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool cfail(comp *c, uint32_t pos, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!c->failed) diag_error(c->D, JINN_ERR_SYNTAX, pos, "%s", msg);
    if (!c->check) c->failed = 1;
    return false;
}

static bool nomem(comp *c);

/* grow an array of `size`-byte elements held in *p with *cap slots to hold n+1 */
static bool grow(comp *c, void **p, int *cap, int n, size_t size)
{
    if (n < *cap) return true;
    int nc = *cap ? *cap * 2 : 16;
    void *q = rt_alloc(c->R, *p, (size_t)*cap * size, (size_t)nc * size);
    if (!q) return nomem(c);
    memset((char *)q + (size_t)*cap * size, 0, (size_t)(nc - *cap) * size);
    *p = q;
    *cap = nc;
    return true;
}

/* check: slot of unit 0 is read (and the outer slots it falls back to) */
static void mark_read(comp *c, int slot)
{
    if (!c->check || c->u != c->T->units) return;
    for (; slot >= 0; slot = c->u->slot_parent[slot]) {
        if (!grow(c, (void **)&c->root_read, &c->cap_root_read, slot, 1)) return;
        c->root_read[slot] = 1;
    }
}

static bool nomem(comp *c)
{
    if (!c->failed) diag_error(c->D, JINN_ERR_LIMIT, 0, "out of memory while compiling");
    c->failed = 1;
    return false;
}

/* name ni is called as a method: comp_template resolves its rows (a flag per name, outside the
 * render limits: collection_items must not drop a method) */
static void note_method(comp *c, int ni)
{
    if (ni < 0) return;
    if (ni >= c->cap_is_method) {
        int cap = c->cap_is_method ? c->cap_is_method : 64;
        while (cap <= ni) cap *= 2;
        uint8_t *p = rt_alloc(c->R, c->is_method, (size_t)c->cap_is_method, (size_t)cap);
        if (!p) { nomem(c); return; }
        memset(p + c->cap_is_method, 0, (size_t)(cap - c->cap_is_method));
        c->is_method = p;
        c->cap_is_method = cap;
    }
    c->is_method[ni] = 1;
}

/* ======================================================================================
 * Emitting code
 * ====================================================================================== */

/* double the unit's code and positions (both allocated before either is swapped in) */
static bool code_grow(comp *c, unit *u)
{
    int cap = u->capcode ? u->capcode * 2 : u == c->T->units ? c->code_hint : 64;
    instr *code = rt_alloc(c->R, NULL, 0, (size_t)cap * sizeof(instr));
    uint32_t *p = code ? rt_alloc(c->R, NULL, 0, (size_t)cap * sizeof(uint32_t)) : NULL;
    if (!code || !p) {
        if (code) rt_alloc(c->R, code, (size_t)cap * sizeof(instr), 0);
        return nomem(c);
    }
    if (u->ncode) {
        memcpy(code, u->code, (size_t)u->ncode * sizeof(instr));
        memcpy(p, u->pos, (size_t)u->ncode * sizeof(uint32_t));
    }
    if (u->code) rt_alloc(c->R, u->code, (size_t)u->capcode * sizeof(instr), 0);
    if (u->pos) rt_alloc(c->R, u->pos, (size_t)u->capcode * sizeof(uint32_t), 0);
    u->code = code;
    u->pos = p;
    u->capcode = cap;
    return true;
}

/* inline: every instruction goes through here */
static inline __attribute__((always_inline)) int emitd(comp *c, int op, int32_t a, int b, int cc, uint32_t pos, int delta)
{
    unit *u = c->u;
    if (u->ncode == u->capcode && !code_grow(c, u)) return -1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* the instruction as one 8-byte store (op, c, b, a: the struct's order, compile.h), its
     * constant operands folded into one immediate, not four stores */
    _Static_assert(sizeof(instr) == 8 && offsetof(instr, c) == 1 && offsetof(instr, b) == 2 && offsetof(instr, a) == 4,
                   "instr is op, c, b, a in 8 bytes");
    uint64_t w = (uint64_t)(uint8_t)op | (uint64_t)(uint8_t)cc << 8 | (uint64_t)(uint16_t)b << 16 | (uint64_t)(uint32_t)a << 32;
    memcpy(&u->code[u->ncode], &w, 8);
#else
    instr *i = &u->code[u->ncode];
    i->op = (uint8_t)op;
    i->a = a;
    i->b = (uint16_t)b;
    i->c = (uint8_t)cc;
#endif
    u->pos[u->ncode] = pos;
    c->depth += delta;
    /* (only a push can pass the maximum: the depth never rises but through here, or back to
     * a level it had, as compile_for_loop's) */
    if (delta > 0 && c->depth > c->max_depth) c->max_depth = c->depth;
    return u->ncode++;
}

static inline __attribute__((always_inline)) int emit(comp *c, int op, int32_t a, int b, int cc, uint32_t pos)
{
    return emitd(c, op, a, b, cc, pos, op_info[op].pushes - op_info[op].pops);
}

/* The instruction emit returned pc for, to fill in its operands later. emit returns -1 when it
 * could not allocate (the compile has failed and nothing it makes is kept): the write then
 * goes to a scratch instruction instead of before the code array. */
static instr *at(comp *c, int pc) { return pc >= 0 ? &c->u->code[pc] : &c->scratch; }

static void patch_here(comp *c, int pc) { at(c, pc)->a = c->u->ncode; }

static int add_const(comp *c, value v)
{
    template *T = c->T;
    if (T->nconsts == T->capconsts) {
        int cap = T->capconsts ? T->capconsts * 2 : 8;
        value *p = rt_alloc(c->R, T->consts, (size_t)T->capconsts * sizeof(value), (size_t)cap * sizeof(value));
        if (!p) { val_drop(c->R, v); nomem(c); return 0; }
        T->consts = p;
        T->capconsts = cap;
    }
    T->consts[T->nconsts] = v;
    return T->nconsts++;
}

static uint32_t name_hash(const char *s, size_t len) { return ast_name_hash(s, len); }

/* double the string constants' table (or make its first 32 entries) */
static bool str_grow(comp *c)
{
    uint32_t cap = c->str_cap ? c->str_cap * 2 : 32;
    int32_t *ix = rt_alloc(c->R, NULL, 0, (size_t)cap * sizeof *ix);
    if (!ix) return nomem(c);
    memset(ix, 0, (size_t)cap * sizeof *ix);
    for (uint32_t k = 0; k < c->str_cap; k++) {
        int32_t e = c->str_ix[k];
        if (!e) continue;
        value w = c->T->consts[e - 1];
        uint32_t h = name_hash(v_sp(w), v_sl(w)) & (cap - 1);
        while (ix[h]) h = (h + 1) & (cap - 1);
        ix[h] = e;
    }
    if (c->str_ix) rt_alloc(c->R, c->str_ix, (size_t)c->str_cap * sizeof *ix, 0);
    c->str_ix = ix;
    c->str_cap = cap;
    return true;
}

/* add_const for a literal's value (owned): a plain string (no flags) already among the
 * constants is that constant (v is dropped) */
static int add_literal(comp *c, value v)
{
    if (v.t != JV_STR || v.f) return add_const(c, v);
    if ((c->nstr + 1) * 2 > c->str_cap && !str_grow(c)) { val_drop(c->R, v); return 0; }
    const char *s = v_sp(v);
    size_t len = v_sl(v);
    uint32_t mask = c->str_cap - 1, h = name_hash(s, len) & mask;
    for (int32_t e; (e = c->str_ix[h]); h = (h + 1) & mask) {
        value w = c->T->consts[e - 1];
        if (v_sl(w) == len && !memcmp(v_sp(w), s, len)) { val_drop(c->R, v); return e - 1; }
    }
    int failed = c->failed;
    int i = add_const(c, v);
    if (c->failed && !failed) return i;
    c->str_ix[h] = i + 1;
    c->nstr++;
    return i;
}

/* double the name table (or make its first 64 entries) */
static bool name_grow(comp *c)
{
    uint32_t cap = c->name_cap ? c->name_cap * 2 : 64;
    int32_t *ix = rt_alloc(c->R, NULL, 0, (size_t)cap * sizeof *ix);
    if (!ix) return nomem(c);
    memset(ix, 0, (size_t)cap * sizeof *ix);
    for (int i = 0; i < c->T->nnames; i++) {
        uint32_t h = name_hash(c->T->names[i]->s, c->T->names[i]->len) & (cap - 1);
        while (ix[h]) h = (h + 1) & (cap - 1);
        ix[h] = i + 1;
    }
    if (c->name_ix) rt_alloc(c->R, c->name_ix, (size_t)c->name_cap * sizeof *ix, 0);
    c->name_ix = ix;
    c->name_cap = cap;
    return true;
}

static __attribute__((noinline)) int add_name_slow(comp *c, const char *s, size_t len)
{
    template *T = c->T;
    if (!c->name_cap && !name_grow(c)) return 0;
    uint32_t mask = c->name_cap - 1, h = name_hash(s, len) & mask;
    for (int32_t e; (e = c->name_ix[h]); h = (h + 1) & mask) {
        const jstr *nm = T->names[e - 1];
        if (nm->len == len && ast_same(nm->s, s, len)) return e - 1;
    }
    if (T->nnames >= 65535) { cfail(c, 0, "too many distinct names in one template"); return 0; }
    if (T->nnames == T->capnames) {
        int cap = T->capnames ? T->capnames * 2 : 8;
        jstr **p = rt_alloc(c->R, T->names, (size_t)T->capnames * sizeof(jstr *), (size_t)cap * sizeof(jstr *));
        if (!p) { nomem(c); return 0; }
        T->names = p;
        T->capnames = cap;
    }
    value k = v_str(c->R, s, len);
    if (k.t == JV_ERROR) { nomem(c); return 0; }
    T->names[T->nnames] = k.u.s;
    c->name_ix[h] = T->nnames + 1;
    int i = T->nnames++;
    if ((uint32_t)T->nnames * 2 > c->name_cap && !name_grow(c)) return 0;
    return i;
}

/* the index of the name in the template's names (added if new) */
static inline int add_name(comp *c, const char *s, size_t len)
{
    if (len > 8) return add_name_slow(c, s, len);
    uint64_t w = ast_word(s, len);
    __typeof__(c->nmemo[0]) *m = &c->nmemo[((w ^ len) * 0x9E3779B97F4A7C15u) >> 56];
    if (m->len1 == len + 1 && m->w == w) return m->ix;
    int i = add_name_slow(c, s, len);
    if (!c->failed) { m->w = w; m->len1 = (uint32_t)len + 1; m->ix = i; }
    return i;
}

/* ======================================================================================
 * Scopes and slots
 * ====================================================================================== */

static int new_slot(comp *c, int parent, int name)
{
    unit *u = c->u;
    if (u->nslots >= 30000) { cfail(c, 0, "too many variables in one template"); return 0; }
    if (u->nslots == u->capslots) {
        /* three parallel arrays: allocate all, then swap (a half-done growth would leave their
         * sizes unknown) */
        int cap = u->capslots ? u->capslots * 2 : 16;
        int16_t *p = rt_alloc(c->R, NULL, 0, (size_t)cap * 2);
        int16_t *q = p ? rt_alloc(c->R, NULL, 0, (size_t)cap * 2) : NULL;
        uint8_t *r = q ? rt_alloc(c->R, NULL, 0, (size_t)cap) : NULL;
        if (!r) {
            if (q) rt_alloc(c->R, q, (size_t)cap * 2, 0);
            if (p) rt_alloc(c->R, p, (size_t)cap * 2, 0);
            nomem(c);
            return 0;
        }
        if (u->nslots) {
            memcpy(p, u->slot_parent, (size_t)u->nslots * 2);
            memcpy(q, u->slot_name, (size_t)u->nslots * 2);
            memcpy(r, u->slot_root, (size_t)u->nslots);
        }
        if (u->slot_parent) rt_alloc(c->R, u->slot_parent, (size_t)u->capslots * 2, 0);
        if (u->slot_name) rt_alloc(c->R, u->slot_name, (size_t)u->capslots * 2, 0);
        if (u->slot_root) rt_alloc(c->R, u->slot_root, (size_t)u->capslots, 0);
        u->slot_parent = p;
        u->slot_name = q;
        u->slot_root = r;
        u->capslots = cap;
    }
    u->slot_parent[u->nslots] = (int16_t)parent;
    u->slot_name[u->nslots] = (int16_t)name;
    u->slot_root[u->nslots] = c->sc && c->sc->unit_root;
    return u->nslots++;
}

static int scope_find_local(scope *s, const char *name, uint32_t len)
{
    if (!(s->bloom & scope_bit(name, len))) return -1;
    for (; s; s = s->overflow)
        for (int i = 0; i < s->n; i++)
            if (s->names[i].len == len && ast_same(s->names[i].s, name, len))
                return s->names[i].slot;
    return -1;
}

/* the slot of name in this unit's scopes, innermost first, or -1 */
static int lookup_slot(comp *c, const char *name, uint32_t len)
{
    for (scope *s = c->sc; s; s = s->up) {
        int slot = scope_find_local(s, name, len);
        if (slot >= 0) return slot;
        if (s->unit_root) break;
    }
    return -1;
}

static void push_scope(comp *c, scope *s, int unit_root)
{
    s->up = c->sc; /* (names[] is read only up to n: no memset of its 64 entries) */
    s->unit_root = unit_root;
    s->n = 0;
    s->overflow = NULL;
    s->bloom = 0;
    c->sc = s;
}

static void pop_scope(comp *c)
{
    scope *s = c->sc;
    c->sc = s->up;
    scope *o = s->overflow;
    while (o) {
        scope *n = o->overflow;
        rt_alloc(c->R, o, sizeof *o, 0);
        o = n;
    }
}

/* declare name in the innermost scope (if it is not there already); returns its slot */
static int declare(comp *c, const char *name, uint32_t len)
{
    int slot = scope_find_local(c->sc, name, len);
    if (slot >= 0) return slot;
    int parent = lookup_slot(c, name, len); /* the outer variable it shadows */
    slot = new_slot(c, parent, add_name(c, name, len));
    scope *s = c->sc;
    s->bloom |= scope_bit(name, len);
    while (s->n == MAX_SCOPE_NAMES) {
        if (!s->overflow) {
            s->overflow = rt_alloc(c->R, NULL, 0, sizeof(scope));
            if (!s->overflow) { nomem(c); return 0; }
            memset(s->overflow, 0, sizeof(scope));
        }
        s = s->overflow;
    }
    s->names[s->n].s = name;
    s->names[s->n].len = len;
    s->names[s->n].slot = slot;
    s->n++;
    return slot;
}

/* A name the unit being compiled does not have, found in the scopes around its definition
 * (not the template's top level: macros read those at call time through LOAD_ROOT): a
 * variable of the closure. It gets a slot in the unit's outermost scope, filled at each call
 * with the value it had when the macro was defined. The slot, or -1. */
static int capture(comp *c, const char *name, uint32_t len)
{
    const unit *ou = &c->T->units[c->outer_unit];
    int outer = -1;
    for (scope *s = c->outer_sc; s; s = s->up) {
        if (s->unit_root && c->outer_unit == 0) break; /* the top level: late-bound */
        if ((outer = scope_find_local(s, name, len)) >= 0) break;
        if (s->unit_root) break;
    }
    if (outer < 0 || outer >= ou->nslots) return -1;
    scope *root = c->sc;
    while (!root->unit_root) root = root->up;
    scope *saved = c->sc;
    c->sc = root;
    int inner = declare(c, name, len);
    c->sc = saved;
    if (c->failed) return -1;
    unit *u = c->u;
    int *o = rt_alloc(c->R, u->capt_outer, (size_t)u->ncapt * sizeof *o, (size_t)(u->ncapt + 1) * sizeof *o);
    if (!o) { nomem(c); return -1; }
    u->capt_outer = o;
    int *in = rt_alloc(c->R, u->capt_inner, (size_t)u->ncapt * sizeof *in, (size_t)(u->ncapt + 1) * sizeof *in);
    if (!in) { nomem(c); return -1; }
    u->capt_inner = in;
    u->capt_outer[u->ncapt] = outer;
    u->capt_inner[u->ncapt++] = inner;
    return inner;
}

/* OP_MACRO for unit ui. Where it is defined, its closure is the defining frame's variables,
 * read at each call (Python's closures: a later assignment is seen); where it calls itself (a
 * recursive loop), the values of its closure pushed first, from its own slots; elsewhere (a
 * macro value named in another unit) none, as before closures. */
static void emit_macro(comp *c, int ui, uint32_t pos)
{
    const unit *u = &c->T->units[ui];
    int cur = (int)(c->u - c->T->units);
    int n = 0;
    if (u->ncapt && cur == u->defined_in) {
        emit(c, OP_MACRO, ui, 0, 1, pos);
        return;
    }
    if (u->ncapt && cur == ui) {
        for (int i = 0; i < u->ncapt; i++) {
            int s = cur == ui ? u->capt_inner[i] : u->capt_outer[i];
            emit(c, OP_LOAD, s, c->u->slot_name[s], 0, pos);
        }
        n = u->ncapt;
    }
    emitd(c, OP_MACRO, ui, n, 0, pos, 1 - n);
}

/* ======================================================================================
 * Expressions
 * ====================================================================================== */

static void expr(comp *c, node *n);
static void body(comp *c, node *b);
static int test_false(comp *c, node *n, uint32_t pos, int chain);
static void patch_chain(comp *c, int j);

static bool is_name(node *n, const char *s)
{
    return n && n->kind == N_NAME && n->slen == strlen(s) && !memcmp(n->s, s, n->slen);
}

/* loop.<field>: the innermost loop's variable */
static int loop_field(node *attr)
{
    for (int i = 0; i < LF__COUNT; i++)
        if (attr->slen == strlen(loop_field_names[i]) && !memcmp(attr->s, loop_field_names[i], attr->slen)) return i;
    return -1;
}

static int count_list(node *l)
{
    int n = 0;
    for (node *x = l ? l->head : NULL; x; x = x->next) n++;
    return n;
}

/* Would Jinja2 fold the expression to a constant when it compiles (nodes.Expr.as_const)? A `~`
 * of such operands is folded there into a plain str: a safe operand does not keep it safe. */
static bool j2_foldable(const node *n, int depth)
{
    static const char *const pass_context[] = {"random", "map", "select", "reject", "selectattr", "rejectattr"};
    if (!n || depth > 100) return false;
    switch (n->kind) {
    case N_CONST: return true;
    case N_NEG: case N_POS: case N_NOT: return j2_foldable(n->a, depth + 1);
    case N_BIN: case N_AND: case N_OR: return j2_foldable(n->a, depth + 1) && j2_foldable(n->b, depth + 1);
    case N_COND: return n->c && j2_foldable(n->a, depth + 1) && j2_foldable(n->b, depth + 1) && j2_foldable(n->c, depth + 1);
    case N_ITEM: return j2_foldable(n->a, depth + 1) && j2_foldable(n->b, depth + 1);
    case N_SLICE:
        return j2_foldable(n->a, depth + 1) && (!n->b || j2_foldable(n->b, depth + 1)) &&
               (!n->c || j2_foldable(n->c, depth + 1)) && (!n->d || j2_foldable(n->d, depth + 1));
    case N_FILTER: case N_TEST:
        for (size_t i = 0; n->kind == N_FILTER && i < sizeof pass_context / sizeof *pass_context; i++)
            if (n->slen == strlen(pass_context[i]) && !memcmp(n->s, pass_context[i], n->slen)) return false;
        /* the value and the arguments, as a comparison's operands */
        /* fall through */
    case N_CMP: case N_LIST: case N_TUPLE:
        if (n->kind != N_LIST && n->kind != N_TUPLE && !j2_foldable(n->a, depth + 1)) return false;
        for (const node *x = n->head; x; x = x->next) {
            const node *v = x->kind == N_KWARG || x->kind == N_CMPOP ? x->a : x;
            if (x->kind == N_STAR || x->kind == N_STARSTAR || !j2_foldable(v, depth + 1)) return false;
        }
        return true;
    case N_DICT:
        for (const node *x = n->head; x; x = x->next)
            if (!j2_foldable(x->a, depth + 1) || !j2_foldable(x->b, depth + 1)) return false;
        return true;
    default: return false;
    }
}

/* add_name for a name node the parser noted: remembered in its note, as the same global is
 * read many times */
static int node_name(comp *c, node *n)
{
    if (!n->nm) return add_name(c, n->s, n->slen);
    pname *x = &c->P->pnames[n->nm - 1];
    if (x->index < 0) {
        int i = add_name(c, n->s, n->slen);
        if (c->failed) return i;
        x->index = i;
    }
    return x->index;
}

static void load_name(comp *c, node *n)
{
    int slot = lookup_slot(c, n->s, n->slen);
    if (slot >= 0) { mark_read(c, slot); emit(c, OP_LOAD, slot, c->u->slot_name[slot], 0, n->pos); return; }
    if (c->in_macro && c->can_capture && (slot = capture(c, n->s, n->slen)) >= 0) {
        emit(c, OP_LOAD, slot, c->u->slot_name[slot], 0, n->pos);
        return;
    }
    if (c->in_macro) {
        if (c->nlate == c->caplate) {
            int cap = c->caplate ? c->caplate * 2 : 16;
            void *p = rt_alloc(c->R, c->late, (size_t)c->caplate * sizeof *c->late, (size_t)cap * sizeof *c->late);
            if (!p) { nomem(c); return; }
            c->late = p;
            c->caplate = cap;
        }
        int pc = emit(c, OP_LOAD_ROOT, -1, node_name(c, n), 0, n->pos);
        c->late[c->nlate].unit = (int)(c->u - c->T->units);
        c->late[c->nlate++].pc = pc;
        return;
    }
    emit(c, OP_LOAD_GLOBAL, node_name(c, n), 0, 0, n->pos);
}

static const reg_row *find_builtin(comp *c, bi_kind kind, const char *name, size_t len);
static void emit_row_value(comp *c, const reg_row *r, uint32_t pos);

/* Bind a call's arguments to a builtin's parameter slots and emit them in slot order.
 * `first` is the node that fills slot 0 (the filtered/tested value), or NULL for functions.
 * Returns the number of slots pushed. */
static int bind_args_general(comp *c, const reg_row *row, const char *kind, node *first, node *args, uint32_t pos);
static int bind_args(comp *c, const reg_row *row, const char *kind, node *first, node *args, uint32_t pos)
{
    const jbuiltin *b = &row->b;
    const bi_sig *sig = &row->sig; /* (a pointer: a copy of the struct was a `rep movs`) */
    /* the commonest call, x|f or x|f(a, b): no *args or **kwargs in the signature, only
     * positional arguments, no more than its slots and the required ones given. They fill the
     * slots in order, the rest are ABSENT: what the general binding emits, without its
     * tables (and its frame: bind_args_general). Anything else (keywords, too many, too few:
     * an error to report) goes there. */
    if (sig->varargs < 0 && sig->kwargs < 0) {
        int given = first ? 1 : 0;
        node *a = args ? args->head : NULL;
        for (; a && a->kind != N_KWARG; a = a->next) given++;
        if (!a && given <= sig->nslots && given >= (b->nreq < sig->nslots ? b->nreq : sig->nslots)) {
            if (first) expr(c, first);
            for (a = args ? args->head : NULL; a; a = a->next) expr(c, a);
            for (int k = given; k < sig->nslots; k++) emit(c, OP_ABSENT, 0, 0, 0, pos);
            return sig->nslots;
        }
    }
    return bind_args_general(c, row, kind, first, args, pos);
}

static __attribute__((noinline)) int bind_args_general(comp *c, const reg_row *row, const char *kind, node *first, node *args,
                                                       uint32_t pos)
{
    const jbuiltin *b = &row->b;
    const bi_sig *sig = &row->sig;
    node *slot_arg[BI_MAXPARAMS];
    /* only the signature's slots are read below (every index is under nslots, or under fixed
     * which is at most nslots) */
    for (int k = 0; k < sig->nslots; k++) slot_arg[k] = NULL;
    node *extra_pos[64];
    int nextra = 0;
    node *extra_kw[64];
    int nextrakw = 0;
    int next = 0;
    if (first) slot_arg[next++] = first;
    int fixed = sig->varargs >= 0 ? sig->varargs : sig->kwargs >= 0 ? sig->kwargs : sig->nslots;
    for (node *a = args ? args->head : NULL; a; a = a->next) {
        if (a->kind == N_KWARG) {
            int k; /* (not a positional-only parameter, before a `/`: registry.c) */
            for (k = row->posonly > 0 ? row->posonly : 0; k < fixed; k++)
                if (sig->lens[k] == a->slen && !memcmp(sig->names[k], a->s, a->slen)) break;
            if (k < fixed && !(first && k == 0)) {
                if (slot_arg[k]) { cfail(c, a->pos, "%s '%s' got multiple values for argument '%.*s'", kind, b->name, (int)a->slen, a->s); return 0; }
                slot_arg[k] = a->a;
            } else if (sig->kwargs >= 0 && nextrakw < 64) {
                extra_kw[nextrakw++] = a;
            } else {
                cfail(c, a->pos, "%s '%s' got an unexpected keyword argument '%.*s'", kind, b->name, (int)a->slen, a->s);
                return 0;
            }
        } else {
            while (next < fixed && slot_arg[next]) next++;
            if (next < fixed) slot_arg[next++] = a;
            else if (sig->varargs >= 0 && nextra < 64) extra_pos[nextra++] = a;
            else {
                cfail(c, a->pos, "%s '%s' takes at most %d argument%s (%d given)", kind, b->name,
                      fixed - (first ? 1 : 0), fixed - (first ? 1 : 0) == 1 ? "" : "s",
                      count_list(args));
                return 0;
            }
        }
    }
    for (int k = 0; k < b->nreq && k < fixed; k++)
        if (!slot_arg[k]) {
            cfail(c, pos, "%s '%s' is missing its required argument '%.*s'", kind, b->name, (int)sig->lens[k], sig->names[k]);
            return 0;
        }
    for (int k = 0; k < sig->nslots; k++) {
        if (k == sig->varargs) {
            /* map('upper'), selectattr('x', 'gt', 0): a constant name resolved now (BI_ARG_FILTER) */
            int named = row->flags & (BI_ARG_FILTER | BI_ARG_TEST) ? (row->flags & BI_ARG_SECOND ? 1 : 0) : -1;
            for (int i = 0; i < nextra; i++) {
                node *a = extra_pos[i];
                const reg_row *r = i == named && a->kind == N_CONST && a->v.t == JV_STR
                    ? find_builtin(c, row->flags & BI_ARG_TEST ? BI_TEST : BI_FILTER, v_sp(a->v), v_sl(a->v)) : NULL;
                if (r) emit_row_value(c, r, a->pos);
                else expr(c, a);
            }
            emitd(c, OP_BUILD_LIST, nextra, 0, 0, pos, 1 - nextra);
        } else if (k == sig->kwargs) {
            for (int i = 0; i < nextrakw; i++) {
                value key = v_str(c->R, extra_kw[i]->s, extra_kw[i]->slen);
                if (key.t == JV_ERROR) { nomem(c); return 0; }
                emit(c, OP_CONST, add_const(c, key), 0, 0, extra_kw[i]->pos);
                expr(c, extra_kw[i]->a);
            }
            emitd(c, OP_BUILD_DICT, nextrakw, 0, 0, pos, 1 - 2 * nextrakw);
        } else if (slot_arg[k]) {
            expr(c, slot_arg[k]);
        } else {
            emit(c, OP_ABSENT, 0, 0, 0, pos);
        }
    }
    return sig->nslots;
}

/* a generic call's arguments: positional first, then keyword values, then the names tuple */
static void call_args(comp *c, node *n, int *npos, int *nkw)
{
    *npos = *nkw = 0;
    for (node *a = n->head; a; a = a->next)
        if (a->kind != N_KWARG) { expr(c, a); (*npos)++; }
    value names = v_none();
    for (node *a = n->head; a; a = a->next)
        if (a->kind == N_KWARG) {
            if (!*nkw) {
                names = v_list(c->R, 4);
                if (names.t == JV_ERROR) { nomem(c); return; }
                names.f |= JV_TUPLE;
            }
            expr(c, a->a);
            value k = v_str(c->R, a->s, a->slen);
            if (k.t == JV_ERROR || !list_push(c->R, names.u.l, k)) { nomem(c); return; }
            (*nkw)++;
        }
    if (*nkw) emit(c, OP_CONST, add_const(c, names), 0, 0, n->pos);
    if (*npos > 255 || *nkw > 255) cfail(c, n->pos, "too many arguments in one call");
}

/* Enter (on) or leave (!on) a soft frame (see comp.soft); returns the state to restore. */
static int soft_frame(comp *c, int on, uint32_t pos)
{
    int old = c->soft;
    if (on && !c->soft) c->soft_pos = pos;
    c->soft = on;
    return old;
}

/* An unknown filter or test in a soft frame: an instruction that fails when it runs (the value
 * filtered or tested, already on the stack, is popped), and a warning from jinn check. */
static void compile_lazy_unknown(comp *c, const char *what, const char *name, size_t len, uint32_t pos)
{
    if (c->check) {
        int line, col;
        diag_position(c->T->src, c->T->srclen, c->soft_pos, &line, &col);
        diag_warn(c->D, pos, (uint32_t)len, "unknown %s '%.*s': the branch of the if at %d:%d fails when it runs", what,
                  (int)len, name, line, col);
    }
    char msg[300];
    snprintf(msg, sizeof msg, "unknown %s '%.*s'", what, (int)(len > 200 ? 200 : len), name);
    value m = v_cstr(c->R, msg);
    if (m.t == JV_ERROR) { nomem(c); return; }
    emit(c, OP_FAIL, add_const(c, m), 0, 0, pos);
}

/* The registry row of a builtin of this kind named name (the embedder's first), or NULL. */
/* double find_builtin's memo (or make its first 64 entries) */
static bool bim_grow(comp *c)
{
    uint32_t cap = c->bimcap ? c->bimcap * 2 : 64;
    bi_memo *t = rt_alloc(c->R, NULL, 0, (size_t)cap * sizeof *t);
    if (!t) return nomem(c);
    memset(t, 0, (size_t)cap * sizeof *t);
    for (uint32_t i = 0; i < c->bimcap; i++) {
        if (!c->bim[i].s) continue;
        uint32_t h = (name_hash(c->bim[i].s, c->bim[i].len) + (uint32_t)c->bim[i].kind * 0x9e3779b9u) & (cap - 1);
        while (t[h].s) h = (h + 1) & (cap - 1);
        t[h] = c->bim[i];
    }
    if (c->bim) rt_alloc(c->R, c->bim, (size_t)c->bimcap * sizeof *t, 0);
    c->bim = t;
    c->bimcap = cap;
    return true;
}

/* a builtin by kind and name, or NULL; answers are kept (bim): a template names the same
 * filters and tests again and again, and the registry's lookup costs several times the memo's */
static const reg_row *find_builtin_slow(comp *c, bi_kind kind, const char *name, size_t len);
static const reg_row *find_builtin(comp *c, bi_kind kind, const char *name, size_t len)
{
    if (!name || len > 8) return find_builtin_slow(c, kind, name, len);
    uint64_t w = ast_word(name, len);
    __typeof__(c->bmemo[0]) *m = &c->bmemo[((w ^ len ^ (uint64_t)kind << 59) * 0x9E3779B97F4A7C15u) >> 58];
    if (m->len1 == len + 1 && m->w == w && m->kind == (int)kind) return m->row;
    const reg_row *r = find_builtin_slow(c, kind, name, len);
    if (!c->failed) { m->w = w; m->len1 = (uint32_t)len + 1; m->kind = (int)kind; m->row = r; }
    return r;
}

static __attribute__((noinline)) const reg_row *find_builtin_slow(comp *c, bi_kind kind, const char *name, size_t len)
{
    if (!name || ((uint32_t)c->nbim * 2 >= c->bimcap && !bim_grow(c))) {
        int i = reg_find(&c->E->reg, kind, name, len);
        return i < 0 ? NULL : reg_row_at(&c->E->reg, kind, i);
    }
    uint32_t mask = c->bimcap - 1, h = (name_hash(name, len) + (uint32_t)kind * 0x9e3779b9u) & mask;
    for (; c->bim[h].s; h = (h + 1) & mask)
        if (c->bim[h].kind == (int)kind && c->bim[h].len == len && ast_same(c->bim[h].s, name, len)) return c->bim[h].row;
    int i = reg_find(&c->E->reg, kind, name, len);
    const reg_row *r = i < 0 ? NULL : reg_row_at(&c->E->reg, kind, i);
    c->bim[h] = (bi_memo){name, (uint32_t)len, (int)kind, r};
    c->nbim++;
    return r;
}

/* a registry row's index, as OP_FILTER / OP_TEST / OP_CALL_FN carry it */
static int32_t row_index(comp *c, bi_kind kind, const reg_row *r) { (void)c; (void)kind; return r->index; }

/* Does a call's argument list hold *args or **kwargs? */
static bool has_star(node *args)
{
    for (node *a = args ? args->head : NULL; a; a = a->next)
        if (a->kind == N_STAR || a->kind == N_STARSTAR) return true;
    return false;
}

/* The arguments of a call known only at run time, for CALL_EX: a list of the positional ones
 * (first, when given, then the plain ones, then each *args), a dict of the keyword ones (then
 * each **kwargs). Python's order: positional arguments may not follow keyword ones. */
static void dynamic_args(comp *c, node *first, node *args, uint32_t pos)
{
    int npos = 0, nkw = 0;
    if (first) { expr(c, first); npos++; }
    for (node *a = args ? args->head : NULL; a; a = a->next)
        if (a->kind != N_KWARG && a->kind != N_STAR && a->kind != N_STARSTAR) { expr(c, a); npos++; }
    emitd(c, OP_BUILD_LIST, npos, 0, 0, pos, 1 - npos);
    for (node *a = args ? args->head : NULL; a; a = a->next)
        if (a->kind == N_STAR) { expr(c, a->a); emit(c, OP_LIST_EXTEND, 0, 0, 0, a->pos); }
    for (node *a = args ? args->head : NULL; a; a = a->next)
        if (a->kind == N_KWARG) {
            value key = v_str(c->R, a->s, a->slen);
            if (key.t == JV_ERROR) { nomem(c); return; }
            emit(c, OP_CONST, add_const(c, key), 0, 0, a->pos);
            expr(c, a->a);
            nkw++;
        }
    emitd(c, OP_BUILD_DICT, nkw, 0, 0, pos, 1 - 2 * nkw);
    for (node *a = args ? args->head : NULL; a; a = a->next)
        if (a->kind == N_STARSTAR) { expr(c, a->a); emit(c, OP_DICT_MERGE, 0, 0, 0, a->pos); }
}

/* a registry row as a callable constant (a builtin called with *args, or used as a value) */
static void emit_row_value(comp *c, const reg_row *r, uint32_t pos)
{
    value name = v_cstr(c->R, r->b.name);
    value f = name.t == JV_ERROR ? name : v_func(c->R, FN_NATIVE, r, name.u.s);
    val_drop(c->R, name);
    if (f.t == JV_ERROR) { nomem(c); return; }
    emit(c, OP_CONST, add_const(c, f), 0, 0, pos);
}

/* A filter or test whose arguments hold *args / **kwargs: the row called at run time. */
static void compile_dynamic_builtin(comp *c, const reg_row *b, node *n, int negate)
{
    emit_row_value(c, b, n->pos);
    dynamic_args(c, n->a, n, n->pos);
    emit(c, OP_CALL_EX, 0, 0, 0, n->pos);
    if (negate) emit(c, OP_NOT, 0, 0, 0, n->pos);
}

static void compile_call(comp *c, node *n)
{
    node *f = n->a;
    if (has_star(n)) {
        /* loop.cycle(*items): the arguments as one list */
        if (f->kind == N_ATTR && is_name(f->a, "loop") && c->loops > 0 && lookup_slot(c, "loop", 4) < 0 &&
            f->slen == 5 && !memcmp(f->s, "cycle", 5)) {
            dynamic_args(c, NULL, n, n->pos);
            emit(c, OP_POP, 0, 0, 0, n->pos); /* the keyword dict: cycle takes none */
            emit(c, OP_LOOP_CYCLE, 0, 1, 0, n->pos);
            return;
        }
        if (f->kind == N_ATTR) { /* obj.method(*args) */
            expr(c, f->a);
            dynamic_args(c, NULL, n, n->pos);
            int ni = add_name(c, f->s, f->slen);
            note_method(c, ni);
            emit(c, OP_CALL_EX, ni, 0, 1, f->pos);
            return;
        }
        const reg_row *b = f->kind == N_NAME && lookup_slot(c, f->s, f->slen) < 0 ? find_builtin(c, BI_FUNCTION, f->s, f->slen) : NULL;
        if (b) emit_row_value(c, b, f->pos);
        else expr(c, f);
        dynamic_args(c, NULL, n, n->pos);
        emit(c, OP_CALL_EX, 0, 0, 0, n->pos);
        return;
    }
    /* loop.cycle(...) / loop.changed(...) */
    if (f->kind == N_ATTR && is_name(f->a, "loop") && c->loops > 0 && lookup_slot(c, "loop", 4) < 0) {
        int cyc = f->slen == 5 && !memcmp(f->s, "cycle", 5);
        int chg = f->slen == 7 && !memcmp(f->s, "changed", 7);
        if (cyc || chg) {
            int na = 0;
            for (node *a = n->head; a; a = a->next) {
                if (a->kind == N_KWARG) { cfail(c, a->pos, "loop.%s takes no keyword arguments", cyc ? "cycle" : "changed"); return; }
                expr(c, a);
                na++;
            }
            if (cyc && na == 0) { cfail(c, n->pos, "loop.cycle needs at least one argument"); return; }
            emitd(c, cyc ? OP_LOOP_CYCLE : OP_LOOP_CHANGED, 0, 0, na, n->pos, 1 - na);
            return;
        }
    }
    /* loop(items) inside a recursive for: render the loop's body again, one level deeper */
    if (is_name(f, "loop") && c->rec_unit >= 0 && lookup_slot(c, "loop", 4) < 0) {
        if (count_list(n) != 1 || n->head->kind == N_KWARG) { cfail(c, n->pos, "loop() takes one iterable"); return; }
        emit_macro(c, c->rec_unit, n->pos);
        expr(c, n->head);
        emit(c, OP_LOAD, c->rec_depth_slot, c->u->slot_name[c->rec_depth_slot], 0, n->pos);
        emit(c, OP_CONST, add_const(c, v_int(1)), 0, 0, n->pos);
        emit(c, OP_BINARY, 0, 0, OPB_ADD, n->pos);
        emitd(c, OP_CALL, 0, 0, 2, n->pos, -2);
        return;
    }
    /* super() inside a block; self.name() anywhere */
    if (is_name(f, "super") && c->cur_block >= 0 && lookup_slot(c, "super", 5) < 0) {
        if (n->head) { cfail(c, n->pos, "super() takes no arguments"); return; }
        emit(c, OP_SUPER, c->cur_block, 0, 0, n->pos);
        return;
    }
    if (f->kind == N_ATTR && is_name(f->a, "self") && lookup_slot(c, "self", 4) < 0) {
        if (n->head) { cfail(c, n->pos, "self.%.*s() takes no arguments", (int)f->slen, f->s); return; }
        emit(c, OP_SELF_BLOCK, add_name(c, f->s, f->slen), 0, 0, n->pos);
        return;
    }
    /* an embedder's or a builtin global function, unless a local variable shadows it */
    if (f->kind == N_NAME && lookup_slot(c, f->s, f->slen) < 0 &&
        !(c->in_macro && scope_find_local(c->root, f->s, f->slen) >= 0)) {
        const reg_row *b = find_builtin(c, BI_FUNCTION, f->s, f->slen);
        if (b) {
            int ns = bind_args(c, b, "function", NULL, n, n->pos);
            emitd(c, OP_CALL_FN, row_index(c, BI_FUNCTION, b), 0, ns, n->pos, 1 - ns);
            return;
        }
    }
    int npos, nkw;
    if (c->check && f->kind == N_NAME && lookup_slot(c, f->s, f->slen) < 0 &&
        grow(c, (void **)&c->calls, &c->capcalls, c->ncalls, sizeof *c->calls)) {
        c->calls[c->ncalls].name = add_name(c, f->s, f->slen);
        c->calls[c->ncalls++].pos = f->pos;
    }
    if (f->kind == N_ATTR) {
        int recv = c->u->ncode;
        expr(c, f->a);
        bool recv_load = !c->failed && c->u->ncode == recv + 1 && c->u->code[recv].op == OP_LOAD;
        call_args(c, n, &npos, &nkw);
        int ni = add_name(c, f->s, f->slen);
        note_method(c, ni);
        int pc = emitd(c, OP_CALL_METHOD, ni, nkw, npos, f->pos, -(npos + nkw + (nkw > 0)));
        if (recv_load && npos == 1 && !nkw && f->slen == 6 && !memcmp(f->s, "append", 6)) {
            c->append_call = pc;
            c->append_recv = recv;
        }
        return;
    }
    expr(c, f);
    call_args(c, n, &npos, &nkw);
    emitd(c, OP_CALL, 0, nkw, npos, n->pos, -(npos + nkw + (nkw > 0)));
}

static inline void expr_inner(comp *c, node *n);
static int compile_unit(comp *c, const char *name, size_t nlen, node *params, node *body, uint32_t pos,
                        const char *const *extra, int nextra, node *loop);
static void compile_for_loop(comp *c, node *n, int iter_slot, int depth_slot);

/* every expression compiles through here: left-nested chains (a|f|f|f..., 1+1+1...) are deep
 * trees the parser builds without nesting, so the depth is checked again here */
/* 1 when a dict literal's keys are 1 to 8 string constants of distinct hashes (so none
 * repeats): BUILD_DICT then fills the dict in order, without hashing or searching */
static int const_str_keys(const node *n)
{
    uint32_t hs[8];
    int k = 0;
    for (const node *x = n->head; x; x = x->next, k++) {
        if (k == 8 || x->a->kind != N_CONST || x->a->v.t != JV_STR) return 0;
        hs[k] = str_hash(x->a->v.u.s);
        for (int j = 0; j < k; j++)
            if (hs[j] == hs[k]) return 0;
    }
    return k > 0;
}

static void expr(comp *c, node *n)
{
    if (c->failed) return;
    if (++c->edepth > c->edepth_max) {
        cfail(c, n->pos, "limit 'parse_depth' exceeded: an expression nested more than %u deep", c->edepth_max);
        c->D->kind = JINN_ERR_LIMIT;
    } else {
        expr_inner(c, n);
    }
    c->edepth--;
}

/* The commonest expressions in functions of their own (the dispatch below tail-calls them):
 * the rest's switch wants a large frame, saved and restored for every node otherwise */
static void expr_const(comp *c, node *n)
{
    /* a body compiled twice ({% autoescape EXPR %}) meets its constants twice: one entry each,
     * since constants are made immortal and freed one by one */
    if (c->ae_volatile && v_heap(n->v))
        for (int i = 0; i < c->T->nconsts; i++)
            if (v_heap(c->T->consts[i]) && c->T->consts[i].u.h == n->v.u.h) {
                emit(c, OP_CONST, i, 0, 0, n->pos);
                return;
            }
    emit(c, OP_CONST, add_literal(c, val_dup(n->v)), 0, 0, n->pos);
}

static void expr_name(comp *c, node *n)
{
    if (c->loops > 0 && is_name(n, "loop") && lookup_slot(c, "loop", 4) < 0) {
        if (c->rec_unit >= 0 && c->loops == 1) {
            /* a recursive loop's `loop` as a value is also callable ({% set parent = loop %}
             * ... parent(children)): the snapshot with the loop's unit */
            emit_macro(c, c->rec_unit, n->pos);
            emit(c, OP_LOOP_ATTR, 0, 0, LF__COUNT, n->pos);
            emit(c, OP_LOOP_VALUE, 0, 0, 0, n->pos);
            return;
        }
        emit(c, OP_LOOP_ATTR, 0, 0, LF__COUNT, n->pos); /* `loop` as a value: a snapshot */
        return;
    }
    load_name(c, n);
}

static void expr_attr(comp *c, node *n)
{
    if (c->loops > 0 && is_name(n->a, "loop") && lookup_slot(c, "loop", 4) < 0) {
        int f = loop_field(n);
        if (f >= 0) { emit(c, OP_LOOP_ATTR, 0, 0, f, n->pos); return; }
    }
    expr(c, n->a);
    emit(c, OP_GETATTR, add_name(c, n->s, n->slen), 0, 0, n->pos);
}

static void expr_filter(comp *c, node *n)
{
    const reg_row *b = find_builtin(c, BI_FILTER, n->s, n->slen);
    if (!b && c->E->cfg.profile == JINN_PROFILE_JINJAVA) {
        /* Jinjava: an unknown filter gives null (prints empty), no error; jinn check warns */
        if (c->check)
            diag_warn(c->D, n->pos, n->slen, "unknown filter '%.*s': the jinjava profile prints it empty, as Jinjava does",
                      (int)n->slen, n->s);
        emit(c, OP_NO_FILTER, add_name(c, n->s, n->slen), 0, 0, n->pos);
        return;
    }
    if (!b && c->soft) {
        expr(c, n->a);
        compile_lazy_unknown(c, "filter", n->s, n->slen, n->pos);
        return;
    }
    if (!b) { cfail(c, n->pos, "unknown filter '%.*s'", (int)n->slen, n->s); return; }
    if (has_star(n)) { compile_dynamic_builtin(c, b, n, 0); return; }
    int ns = bind_args(c, b, "filter", n->a, n, n->pos);
    emitd(c, OP_FILTER, row_index(c, BI_FILTER, b), 0, ns, n->pos, 1 - ns);
}

static void expr_other(comp *c, node *n);

static inline void expr_inner(comp *c, node *n)
{
    switch (n->kind) {
    case N_CONST: expr_const(c, n); return;
    case N_NAME: expr_name(c, n); return;
    case N_ATTR: expr_attr(c, n); return;
    case N_FILTER: expr_filter(c, n); return;
    default: expr_other(c, n); return;
    }
}

static void expr_other(comp *c, node *n)
{
    switch (n->kind) {
    case N_ITEM:
        expr(c, n->a);
        expr(c, n->b);
        emit(c, OP_GETITEM, 0, 0, 0, n->pos);
        break;
    case N_SLICE:
        expr(c, n->a);
        if (n->b) expr(c, n->b); else emit(c, OP_CONST, add_const(c, v_none()), 0, 0, n->pos);
        if (n->c) expr(c, n->c); else emit(c, OP_CONST, add_const(c, v_none()), 0, 0, n->pos);
        if (n->d) expr(c, n->d); else emit(c, OP_CONST, add_const(c, v_none()), 0, 0, n->pos);
        /* a: Jinja2 folds it when it compiles, through getitem, which gives undefined where the
         * subscript it runs otherwise fails ('int' object is not subscriptable) */
        emit(c, OP_SLICE, j2_foldable(n, 0), 0, 0, n->pos);
        break;
    case N_BIN:
        expr(c, n->a);
        expr(c, n->b);
        if (n->op == OPB_CONCAT && !c->ae_volatile && c->E->cfg.profile != JINN_PROFILE_JINJAVA && c->autoescape &&
            j2_foldable(n->a, 0) && j2_foldable(n->b, 0))
            emit(c, OP_CONCAT_AE, 0, 0, 0, n->pos); /* folded by Jinja2: a plain str */
        else if (n->op == OPB_CONCAT && !c->ae_volatile && c->autoescape != c->E->cfg.autoescape &&
                 c->E->cfg.profile != JINN_PROFILE_JINJAVA)
            emit(c, OP_CONCAT_AE, 0, 0, c->autoescape, n->pos);
        else
            emit(c, OP_BINARY, 0, 0, n->op, n->b->pos > n->pos ? n->pos : n->pos);
        break;
    case N_NEG: expr(c, n->a); emit(c, OP_NEG, 0, 0, 0, n->pos); break;
    case N_POS: expr(c, n->a); emit(c, OP_POS, 0, 0, 0, n->pos); break;
    case N_NOT: expr(c, n->a); emit(c, OP_NOT, 0, 0, 0, n->pos); break;
    case N_AND:
    case N_OR: {
        expr(c, n->a);
        int j = emitd(c, n->kind == N_AND ? OP_AND_JUMP : OP_OR_JUMP, 0, 0, 0, n->pos, -1);
        expr(c, n->b);
        patch_here(c, j);
        if (n->kind == N_AND && c->E->cfg.profile == JINN_PROFILE_JINJAVA) { /* JUEL: `and` is a boolean */
            emit(c, OP_NOT, 0, 0, 0, n->pos);
            emit(c, OP_NOT, 0, 0, 0, n->pos);
        }
        break;
    }
    case N_CMP: {
        expr(c, n->a);
        patch *ends = NULL;
        for (node *o = n->head; o; o = o->next) {
            expr(c, o->a);
            if (o->next) {
                int j = emitd(c, OP_COMPARE_CHAIN, 0, 0, o->op, o->pos, -1);
                patch *p = ast_alloc(c->P, sizeof *p);
                if (!p) { nomem(c); return; }
                p->at = j;
                p->next = ends;
                ends = p;
            } else {
                emit(c, OP_COMPARE, 0, 0, o->op, o->pos);
            }
        }
        for (patch *p = ends; p; p = p->next) patch_here(c, p->at);
        break;
    }
    case N_COND: {
        int soft = soft_frame(c, 1, n->pos);
        expr(c, n->b);
        int jf = emit(c, OP_JUMP_IF_FALSE, 0, 0, 0, n->pos);
        expr(c, n->a);
        int je = emit(c, OP_JUMP, 0, 0, 0, n->pos);
        c->depth--;
        patch_here(c, jf);
        if (n->c) {
            expr(c, n->c);
        } else {
            value u = v_undef(); /* Jinja2's cond_expr_undefined: a default Undefined in every mode */
            u.f |= UK_SOFT;
            emit(c, OP_CONST, add_const(c, u), 0, 0, n->pos);
        }
        patch_here(c, je);
        soft_frame(c, soft, 0);
        break;
    }
    case N_LIST:
    case N_TUPLE: {
        int k = 0;
        for (node *x = n->head; x; x = x->next, k++) expr(c, x);
        emitd(c, n->kind == N_LIST ? OP_BUILD_LIST : OP_BUILD_TUPLE, k, 0, 0, n->pos, 1 - k);
        break;
    }
    case N_DICT: {
        int k = 0;
        for (node *x = n->head; x; x = x->next, k++) {
            /* Jinjava 2.x: a bare name as a key is that name (el/ext/AstDict.java); under the
             * switch evaluateMapKeys, the name's value as text, or the name when it is null */
            if (x->a->kind == N_NAME && c->E->cfg.profile == JINN_PROFILE_JINJAVA) {
                value key = v_str(c->R, x->a->s, x->a->slen);
                if (key.t == JV_ERROR) { nomem(c); return; }
                if (c->E->cfg.jinjava_options & JINN_JV_EVALUATE_MAP_KEYS) {
                    expr(c, x->a);
                    emit(c, OP_MAP_KEY, add_const(c, key), 0, 0, x->a->pos);
                } else
                    emit(c, OP_CONST, add_const(c, key), 0, 0, x->a->pos);
            } else
                expr(c, x->a);
            expr(c, x->b);
        }
        emitd(c, OP_BUILD_DICT, k, const_str_keys(n), 0, n->pos, 1 - 2 * k);
        break;
    }
    case N_CALL:
        compile_call(c, n);
        break;
    case N_TEST: {
        const reg_row *b = find_builtin(c, BI_TEST, n->s, n->slen);
        if (!b && c->E->cfg.profile == JINN_PROFILE_JINJAVA) {
            /* Jinjava: an unknown test gives null, which is false (reference §4.1); jinn check warns */
            if (c->check)
                diag_warn(c->D, n->pos, n->slen, "unknown test '%.*s': the jinjava profile gives none (false), as Jinjava does",
                          (int)n->slen, n->s);
            emit(c, OP_NO_FILTER, add_name(c, n->s, n->slen), 0, 1, n->pos);
            if (n->flag) emit(c, OP_NOT, 0, 0, 0, n->pos);
            break;
        }
        if (!b && c->soft) {
            expr(c, n->a);
            compile_lazy_unknown(c, "test", n->s, n->slen, n->pos);
            break;
        }
        if (!b) { cfail(c, n->pos, "unknown test '%.*s'", (int)n->slen, n->s); return; }
        if (has_star(n)) { compile_dynamic_builtin(c, b, n, n->flag); break; }
        int ns = bind_args(c, b, "test", n->a, n, n->pos);
        emitd(c, OP_TEST, row_index(c, BI_TEST, b), n->flag, ns, n->pos, 1 - ns);
        break;
    }
    case N_KWARG:
        cfail(c, n->pos, "keyword argument outside a call");
        break;
    case N_MACROVAL:
        emit_macro(c, (int)n->slen, n->pos);
        break;
    default:
        cfail(c, n->pos, "internal error: unexpected node %d in an expression", n->kind);
    }
}

/* ======================================================================================
 * Statements
 * ====================================================================================== */

/* store the value on the stack into the targets (a, b unpack; ns.x sets an attribute) */
static void store_targets_as(comp *c, node *targets, int is_set);
static void store_targets(comp *c, node *targets) { store_targets_as(c, targets, 0); }

static void store_targets_as(comp *c, node *targets, int is_set)
{
    int n = count_list(targets);
    if (n > 1) emitd(c, OP_UNPACK, n, 0, 0, targets->pos, n - 1);
    for (node *t = targets->head; t; t = t->next) {
        if (t->kind == N_TARGETS) { /* a nested (a, b): unpack the item in turn */
            store_targets_as(c, t, is_set);
            continue;
        }
        if (t->kind == N_ATTR) {
            expr(c, t->a);
            emit(c, OP_SETATTR, add_name(c, t->s, t->slen), 0, 0, t->pos);
        } else {
            if (is_name(t, "loop") && c->loops > 0)
                { cfail(c, t->pos, "cannot assign to 'loop' inside a for loop"); return; }
            if (c->check && is_set && c->loops > 0 && scope_find_local(c->sc, t->s, t->slen) < 0 && lookup_slot(c, t->s, t->slen) >= 0)
                diag_warn(c->D, t->pos, t->slen,
                          "'%.*s' is set inside a for loop: the new value does not leave the loop (Jinja2 scoping; "
                          "use a namespace: {%% set ns.%.*s = ... %%})", (int)t->slen, t->s, (int)t->slen, t->s);
            int slot = declare(c, t->s, t->slen);
            if (c->check && is_set && c->sc->unit_root && c->u == c->T->units &&
                grow(c, (void **)&c->sets, &c->capsets, c->nsets, sizeof *c->sets)) {
                c->sets[c->nsets].slot = slot;
                c->sets[c->nsets++].pos = t->pos;
            }
            emit(c, OP_STORE, slot, 0, 0, t->pos);
        }
    }
}

/* ---- names the top level assigns before anything reads them -------------------------------
 * Jinja2 analyses a frame before it runs: a name whose first use in the frame (in order, the
 * branches of an if merged) is an assignment outside any branch starts as its `missing` and
 * reads as undefined until assigned, also from the loops, filter blocks and macros nested in
 * the frame; anything else starts as the context's value. For the template's top level (and
 * a block's, both frames without a parent) such a name gets its slot when the frame opens,
 * marked SLOT_MISSING: unset, it reads as undefined, not from the context. */
enum { NM_LOADED = 1, NM_STORED = 2 };

typedef struct { uint8_t *st; int cap; } namescan;

static void scan_use(comp *c, namescan *ns, const char *s, uint32_t len, int state)
{
    if (c->T->nnames >= 30000) return; /* past the variables' limit: compiling reports it */
    int i = add_name(c, s, len);
    while (!c->failed && i >= ns->cap) /* grow doubles once: the index may be further on */
        if (!grow(c, (void **)&ns->st, &ns->cap, ns->cap, 1)) return;
    if (c->failed) return;
    if (!ns->st[i]) ns->st[i] = (uint8_t)state;
}

/* (the children are tested before the call: most are NULL, and a call each cost more than
 * the names) */
static void scan_loads(comp *c, namescan *ns, const node *n, int depth)
{
    if (!n || depth > 200 || c->failed) return;
    if (n->kind == N_NAME) scan_use(c, ns, n->s, n->slen, NM_LOADED);
    if (n->a) scan_loads(c, ns, n->a, depth + 1);
    if (n->b) scan_loads(c, ns, n->b, depth + 1);
    if (n->c) scan_loads(c, ns, n->c, depth + 1);
    if (n->d) scan_loads(c, ns, n->d, depth + 1);
    if (n->e) scan_loads(c, ns, n->e, depth + 1);
    for (const node *x = n->head; x; x = x->next) scan_loads(c, ns, x, depth + 1);
}

static void scan_stores(comp *c, namescan *ns, const node *targets, int cond)
{
    for (const node *t = targets ? targets->head : NULL; t; t = t->next)
        if (t->kind == N_TARGETS) scan_stores(c, ns, t, cond);
        else if (t->kind == N_NAME) scan_use(c, ns, t->s, t->slen, cond ? NM_LOADED : NM_STORED);
        else scan_loads(c, ns, t->a, 0); /* ns.x = ...: a read of ns */
}

/* the statements of one frame (not the frames nested in it: their bodies are not scanned) */
static void scan_frame(comp *c, namescan *ns, const node *b, int cond, int depth)
{
    if (!b || depth > 200 || c->failed) return;
    for (const node *n = b->kind == N_BODY ? b->head : b; n; n = b->kind == N_BODY ? n->next : NULL) {
        switch (n->kind) {
        case N_PRINT: case N_DO: case N_INCLUDE: case N_EXTENDS: case N_CALLBLOCK: case N_CYCLE: scan_loads(c, ns, n->a, 0); break;
        case N_SET: scan_loads(c, ns, n->b, 0); scan_stores(c, ns, n->a, cond); break;
        case N_SETBLOCK: scan_loads(c, ns, n->c, 0); scan_stores(c, ns, n->a, cond); break;
        case N_FILTERBLOCK: scan_loads(c, ns, n->c, 0); break;
        case N_FOR: scan_loads(c, ns, n->b, 0); break;
        case N_WITH:
            for (const node *a = n->b->head; a; a = a->next) scan_loads(c, ns, a->b, 0);
            break;
        case N_MACRO: scan_use(c, ns, n->s, n->slen, cond ? NM_LOADED : NM_STORED); break;
        case N_IMPORT: scan_loads(c, ns, n->a, 0); scan_use(c, ns, n->b->s, n->b->slen, cond ? NM_LOADED : NM_STORED); break;
        case N_FROMIMPORT:
            scan_loads(c, ns, n->a, 0);
            for (const node *x = n->b->head; x; x = x->next)
                scan_use(c, ns, (x->c ? x->c : x)->s, (x->c ? x->c : x)->slen, cond ? NM_LOADED : NM_STORED);
            break;
        case N_IF: /* an elif chain in a loop, as compile_if */
            for (const node *e = n; e; e = e->c && e->c->kind == N_IF ? e->c : NULL) {
                scan_loads(c, ns, e->a, 0);
                scan_frame(c, ns, e->b, 1, depth + 1);
                if (e->c && e->c->kind != N_IF) scan_frame(c, ns, e->c, 1, depth + 1);
            }
            break;
        case N_BODY: scan_frame(c, ns, n, cond, depth + 1); break;
        default: break;
        }
    }
}

/* declare, as the frame opens, the names of body that start as `missing` (jinja profile) */
/* the index of a name already in the template's names, or -1 (add_name without adding) */
static int find_name(comp *c, const char *s, size_t len)
{
    if (!c->name_cap) return -1;
    uint32_t mask = c->name_cap - 1, h = name_hash(s, len) & mask;
    for (int32_t e; (e = c->name_ix[h]); h = (h + 1) & mask) {
        const jstr *nm = c->T->names[e - 1];
        if (nm->len == len && ast_same(nm->s, s, len)) return e - 1;
    }
    return -1;
}

/* ---- the same without the walk --------------------------------------------------------------
 * A name stored by a statement S of the frame (outside any branch) has S's store as its first
 * use when no other node carrying the name (parse.c's notes: names, import names, macros,
 * anywhere in the template) lies before the statement after S: everything the scan meets
 * before that store (the statements before S, S's own expressions) lies before it in the
 * source. The notes give the two first positions of each name, enough to check that in O(1).
 * When every candidate passes (the common case: names set once, read afterwards), these are
 * exactly the names the scan would find; otherwise the scan decides. */
typedef struct { const node *t; int key; } fast_cand;
typedef struct { fast_cand *v; int n, cap; uint32_t stamp; } fast_scan;

/* target t of the statement whose successor starts at next: false when the proof fails */
static bool fast_store(comp *c, fast_scan *fs, const node *t, uint32_t next)
{
    if (!t->nm) return false;
    pname *x = &c->P->pnames[t->nm - 1];
    if (x->stamp == fs->stamp) return true; /* stored before: that store came first */
    if (x->first != t->pos || x->second < next) return false;
    x->stamp = fs->stamp;
    if (!grow(c, (void **)&fs->v, &fs->cap, fs->n, sizeof *fs->v)) return false;
    fs->v[fs->n].t = t;
    int k = find_name(c, t->s, t->slen); /* the scan's order: names known before, then first uses */
    fs->v[fs->n].key = k >= 0 ? k : (1 << 30) + fs->n;
    fs->n++;
    return true;
}

static bool fast_targets(comp *c, fast_scan *fs, const node *targets, uint32_t next)
{
    for (const node *t = targets ? targets->head : NULL; t; t = t->next)
        if (t->kind == N_TARGETS ? !fast_targets(c, fs, t, next) : t->kind == N_NAME && !fast_store(c, fs, t, next))
            return false;
    return true;
}

static bool fast_missing(comp *c, const node *body)
{
    if (c->P->pnames_lost || !body || body->kind != N_BODY) return false;
    fast_scan fs = {.stamp = ++c->frame_stamp};
    bool ok = true;
    for (const node *n = body->head; n && ok; n = n->next) {
        uint32_t next = n->next ? n->next->pos : UINT32_MAX;
        switch (n->kind) {
        case N_SET: case N_SETBLOCK: ok = fast_targets(c, &fs, n->a, next); break;
        case N_MACRO: ok = fast_store(c, &fs, n, next); break;
        case N_IMPORT: ok = fast_store(c, &fs, n->b, next); break;
        case N_FROMIMPORT:
            for (const node *x = n->b->head; x && ok; x = x->next) ok = fast_store(c, &fs, x->c ? x->c : x, next);
            break;
        case N_BODY: ok = false; break; /* (error recovery's) nested bodies: the scan's */
        default: break; /* no store outside a branch */
        }
    }
    if (ok) {
        for (int i = 1; i < fs.n; i++) /* insertion sort: few names, mostly in order already */
            for (int j = i; j > 0 && fs.v[j - 1].key > fs.v[j].key; j--) {
                fast_cand t = fs.v[j];
                fs.v[j] = fs.v[j - 1];
                fs.v[j - 1] = t;
            }
        for (int i = 0; i < fs.n && !c->failed; i++) {
            int slot = declare(c, fs.v[i].t->s, fs.v[i].t->slen);
            if (!c->failed) c->u->slot_parent[slot] = SLOT_MISSING;
        }
    }
    if (fs.v) rt_alloc(c->R, fs.v, (size_t)fs.cap * sizeof *fs.v, 0);
    return ok || c->failed;
}

static void declare_missing(comp *c, const node *body)
{
    if (c->E->cfg.profile == JINN_PROFILE_JINJAVA) return;
    if (fast_missing(c, body)) return;
    namescan ns = {0};
    scan_frame(c, &ns, body, 0, 0);
    for (int i = 0; i < ns.cap && !c->failed; i++)
        if (ns.st[i] == NM_STORED) {
            jstr *nm = c->T->names[i];
            int slot = declare(c, nm->s, (uint32_t)nm->len);
            if (!c->failed) c->u->slot_parent[slot] = SLOT_MISSING;
        }
    if (ns.st) rt_alloc(c->R, ns.st, (size_t)ns.cap, 0);
}

/* Does the subtree hold what sees the variables where it stands (an include, an import, a
 * block, |render)? Only then a scope that ends clears its slots. */
static bool sees_locals(const node *n, int depth)
{
    if (!n || depth > 200) return n != NULL;
    if (n->kind == N_INCLUDE || n->kind == N_IMPORT || n->kind == N_FROMIMPORT || n->kind == N_BLOCK ||
        (n->kind == N_FILTER && n->slen == 6 && !memcmp(n->s, "render", 6)))
        return true;
    if (sees_locals(n->a, depth + 1) || sees_locals(n->b, depth + 1) || sees_locals(n->c, depth + 1) ||
        sees_locals(n->d, depth + 1) || sees_locals(n->e, depth + 1))
        return true;
    for (const node *x = n->head; x; x = x->next)
        if (sees_locals(x, depth + 1)) return true;
    return false;
}

/* Does the subtree define a closure (a macro, call block or recursive loop)? */
static bool defines_closure(const node *n, int depth)
{
    if (!n || depth > 200) return false;
    if (n->kind == N_MACRO || n->kind == N_CALLBLOCK || (n->kind == N_FOR && n->flag)) return true;
    if (n->kind < N_BODY) return false; /* an expression */
    if (defines_closure(n->a, depth + 1) || defines_closure(n->b, depth + 1) || defines_closure(n->c, depth + 1) ||
        defines_closure(n->d, depth + 1))
        return true;
    for (const node *x = n->head; x; x = x->next)
        if (defines_closure(x, depth + 1)) return true;
    return false;
}

/* defines_closure where the parser made any closure at all (most templates have none) */
static bool closure_in(comp *c, const node *n) { return c->P->closure_made && defines_closure(n, 0); }

static void predeclare_targets(comp *c, node *targets)
{
    for (node *t = targets ? targets->head : NULL; t; t = t->next)
        if (t->kind == N_TARGETS) predeclare_targets(c, t);
        else if (t->kind == N_NAME && !is_name(t, "loop")) declare(c, t->s, t->slen);
}

/* A name assigned anywhere in a scope is the scope's own from its start, in Jinja2 (a frame's
 * symbols), so a closure defined in the scope before the assignment reads it once it is made.
 * Declare, when the scope opens, the names its statements assign (not those of the scopes in
 * it); only where a closure is defined, as elsewhere declaring a name where it is assigned is
 * the same (an unset slot reads the one it shadows). */
static void predeclare(comp *c, node *b, int depth)
{
    if (!b || depth > 200 || c->failed) return;
    for (node *n = b->kind == N_BODY ? b->head : b; n; n = b->kind == N_BODY ? n->next : NULL) {
        switch (n->kind) {
        case N_SET: case N_SETBLOCK: predeclare_targets(c, n->a); break;
        case N_MACRO: declare(c, n->s, n->slen); break;
        case N_IMPORT: declare(c, n->b->s, n->b->slen); break;
        case N_FROMIMPORT:
            for (node *x = n->b->head; x; x = x->next) declare(c, (x->c ? x->c : x)->s, (x->c ? x->c : x)->slen);
            break;
        case N_IF: /* an elif chain in a loop, as compile_if */
            for (node *e = n; e; e = e->c && e->c->kind == N_IF ? e->c : NULL) {
                predeclare(c, e->b, depth + 1);
                if (e->c && e->c->kind != N_IF) predeclare(c, e->c, depth + 1);
            }
            break;
        case N_BODY: predeclare(c, n, depth + 1); break;
        case N_AUTOESCAPE: case N_IFCHANGED: case N_FILTERBLOCK: predeclare(c, n->b, depth + 1); break;
        default: break;
        }
    }
}

/* After a loop whose body defines a closure, its variables as Jinja2 leaves them for the
 * closure to read: unset, and its targets the sentinel Jinja2 puts there (`missing`, which a
 * closure called after the loop prints). Only the closures can still read them. */
static void loop_targets_missing(comp *c, node *targets)
{
    for (node *t = targets->head; t && !c->failed; t = t->next) {
        if (t->kind == N_TARGETS) { loop_targets_missing(c, t); continue; }
        int slot = t->kind == N_NAME ? scope_find_local(c->sc, t->s, t->slen) : -1;
        if (slot < 0) continue;
        value m = v_str(c->R, "missing", 7);
        if (m.t == JV_ERROR) { nomem(c); return; }
        emit(c, OP_CONST, add_const(c, m), 0, 0, t->pos);
        emit(c, OP_STORE, slot, 0, 0, t->pos);
    }
}

static void loop_vars_after(comp *c, node *targets, int first_slot, int nslots)
{
    emit(c, OP_CLEAR, first_slot, nslots, 0, targets->pos);
    loop_targets_missing(c, targets);
}

/* The loop itself. iter_slot >= 0: the iterable is in that slot (a recursive loop's unit);
 * depth_slot >= 0: the slot holding loop.depth. */
static void compile_for_loop(comp *c, node *n, int iter_slot, int depth_slot)
{
    scope s;
    push_scope(c, &s, 0);
    int first_slot = c->u->nslots;
    bool closures = closure_in(c, n->c);
    if (closures) predeclare(c, n->c, 0);
    if (n->e) {
        /* `for x in seq if cond`: filter into a hidden list first, so loop.length counts
         * only the items that pass, as in Jinja2 */
        int hidden = new_slot(c, -1, add_name(c, "(filtered)", 10));
        emitd(c, OP_BUILD_LIST, 0, 0, 0, n->pos, 1);
        emit(c, OP_STORE, hidden, 0, 0, n->pos);
        if (iter_slot >= 0) emit(c, OP_LOAD, iter_slot, c->u->slot_name[iter_slot], 0, n->pos);
        else expr(c, n->b);
        emit(c, OP_FOR_PREP, -1, 0, 0, n->pos);
        c->loops++;
        int top = emit(c, OP_FOR_ITER, 0, 0, 0, n->pos);
        emit(c, OP_DUP, 0, 0, 0, n->pos);
        store_targets(c, n->a);
        int skip = test_false(c, n->e, n->e->pos, -1);
        emit(c, OP_LIST_APPEND, hidden, 0, 0, n->pos);
        emit(c, OP_JUMP, top, 0, 0, n->pos);
        patch_chain(c, skip);
        c->depth++; /* the DUPed item is still there on this path */
        emit(c, OP_POP, 0, 0, 0, n->pos);
        emit(c, OP_JUMP, top, 0, 0, n->pos);
        patch_here(c, top);
        emit(c, OP_FOR_END, 0, 0, 0, n->pos);
        emit(c, OP_POP, 0, 0, 0, n->pos);
        c->loops--;
        emit(c, OP_LOAD, hidden, c->u->slot_name[hidden], 0, n->pos);
    } else if (iter_slot >= 0) {
        emit(c, OP_LOAD, iter_slot, c->u->slot_name[iter_slot], 0, n->pos);
    } else {
        expr(c, n->b);
    }
    emit(c, OP_FOR_PREP, depth_slot, 0, 0, n->e ? n->pos : n->b->pos);
    c->loops++;
    if (c->loops > c->u->max_loops) c->u->max_loops = c->loops;
    loopctx lc = {.up = c->loop};
    c->loop = &lc;
    lc.iter_pc = emit(c, OP_FOR_ITER, 0, 0, 0, n->pos);
    /* Jinjava 2.x puts a null item into the loop's scope as null, which its ScopeMap reads as
     * absent: the name shows the enclosing variable (lib/tag/ForTag.java); its switch
     * keepNullableLoopValues keeps the null */
    if (c->E->cfg.profile == JINN_PROFILE_JINJAVA && !(c->E->cfg.jinjava_options & JINN_JV_KEEP_NULLABLE_LOOP_VALUES) &&
        count_list(n->a) == 1 && n->a->head->kind == N_NAME)
        at(c, lc.iter_pc)->c = 1;
    /* every iteration starts with the loop's own variables unset: a read before the body
     * assigns them sees the enclosing scope, as in Jinja2 */
    int clear = emit(c, OP_CLEAR, 0, 0, 0, n->pos);
    store_targets(c, n->a);
    body(c, n->c);
    /* Jinjava 2.x has no for-else: its `else` is ignored and what follows is part of the body */
    bool jinjava_else = n->d && c->E->cfg.profile == JINN_PROFILE_JINJAVA;
    if (jinjava_else) body(c, n->d);
    else if (n->d) emit(c, OP_LOOP_DONE, 0, 0, 0, n->pos); /* Jinja2: break/continue leave it unset */
    emit(c, OP_JUMP, lc.iter_pc, 0, 0, n->pos);
    patch_here(c, lc.iter_pc);
    for (patch *p = lc.breaks; p; p = p->next) patch_here(c, p->at);
    c->loop = lc.up;
    c->loops--;
    emit(c, OP_FOR_END, 0, 0, 0, n->pos);
    int nslots = c->u->nslots - first_slot;
    at(c, clear)->a = first_slot;
    at(c, clear)->b = (uint16_t)nslots;
    if (closures) loop_vars_after(c, n->a, first_slot, nslots);
    else if (nslots && c->sees_locals) emit(c, OP_CLEAR, first_slot, nslots, 0, n->pos); /* gone: an include after it sees none */
    pop_scope(c);
    if (n->d && !jinjava_else) {
        emit(c, OP_NOT, 0, 0, 0, n->pos);
        int j = emit(c, OP_JUMP_IF_FALSE, 0, 0, 0, n->pos);
        body(c, n->d);
        patch_here(c, j);
    } else {
        emit(c, OP_POP, 0, 0, 0, n->pos);
    }
}

static void compile_for_rec(comp *c, node *n);
static void unguard(comp *c, int end, uint32_t pos);
static void compile_for(comp *c, node *n)
{
    int soft = soft_frame(c, 0, 0); /* a loop is a frame of its own (Jinja2's frame.inner()) */
    if (!n->flag) compile_for_loop(c, n, -1, -1);
    else compile_for_rec(c, n);
    soft_frame(c, soft, 0);
}

static void compile_for_rec(comp *c, node *n)
{
    /* `for ... recursive`: the loop is a unit taking (items, depth); loop(x) calls it again */
    static const char *const hidden[2] = {"(items)", "(depth)"};
    int ui = compile_unit(c, "loop", 4, NULL, NULL, n->pos, hidden, 2, n);
    if (ui < 0) return;
    emit_macro(c, ui, n->pos);
    expr(c, n->b);
    emit(c, OP_CONST, add_const(c, v_int(1)), 0, 0, n->pos);
    unguard(c, 0, n->pos);
    emitd(c, OP_CALL, 0, 0, 2, n->pos, -2);
    emit(c, OP_PRINT, 0, 0, c->autoescape, n->pos);
    unguard(c, 1, n->pos);
}

/* An if's test, jumping to its false branch when it fails: `a and b` (but in the jinjava profile,
 * where `and` makes a bool) is a's test and then b's, each a JUMP_IF_FALSE there, not a's
 * AND_JUMP to the if's JUMP_IF_FALSE, which tested a falsy `a` a second time: the same order,
 * short cut and truth (val_truthy has no effects), the same strict check, each at the position
 * its test had (the AND_JUMP's for a left operand, pos for the last), one dispatch fewer, and
 * a comparison before the jump fuses with it (COMPARE_JUMP). Nested `and`s count towards
 * parse_depth as expr counts them. The jumps are linked through their operands from the
 * returned one (chain: the ones before; -1 ends it); patch_chain points them all here. */
static int test_false(comp *c, node *n, uint32_t pos, int chain)
{
    if (c->failed) return chain;
    if (n->kind != N_AND || c->E->cfg.profile == JINN_PROFILE_JINJAVA) {
        expr(c, n);
        int j = emit(c, OP_JUMP_IF_FALSE, chain, 0, 0, pos);
        return j >= 0 ? j : chain;
    }
    if (++c->edepth > c->edepth_max) {
        cfail(c, n->pos, "limit 'parse_depth' exceeded: an expression nested more than %u deep", c->edepth_max);
        c->D->kind = JINN_ERR_LIMIT;
    } else {
        chain = test_false(c, n->a, n->pos, chain);
        chain = test_false(c, n->b, pos, chain);
    }
    c->edepth--;
    return chain;
}

static void patch_chain(comp *c, int j)
{
    while (j >= 0) {
        int next = at(c, j)->a;
        patch_here(c, j);
        j = next;
    }
}

/* if / elif / else. An elif chain (the else of an N_IF that is itself an N_IF) is compiled in a
 * loop, not by recursion, so a chain of any length costs no C stack; the jumps to the end are
 * linked through their operands and patched when the end is known. */
static void compile_if(comp *c, node *n)
{
    int ends = -1;
    int soft = soft_frame(c, 1, n->pos);
    for (;;) {
        int jf = test_false(c, n->a, n->pos, -1);
        body(c, n->b);
        if (!n->c) { patch_chain(c, jf); break; }
        int je = emit(c, OP_JUMP, ends, 0, 0, n->pos);
        if (je >= 0) ends = je;
        patch_chain(c, jf);
        if (n->c->kind != N_IF) { body(c, n->c); break; }
        n = n->c;
    }
    while (ends >= 0) {
        int next = at(c, ends)->a;
        patch_here(c, ends);
        ends = next;
    }
    soft_frame(c, soft, 0);
}

/* apply a list of N_FILTER (value slot already on the stack) */
static void apply_filters(comp *c, node *filters)
{
    for (node *f = filters ? filters->head : NULL; f; f = f->next) {
        const reg_row *b = find_builtin(c, BI_FILTER, f->s, f->slen);
        if (!b && c->soft) { compile_lazy_unknown(c, "filter", f->s, f->slen, f->pos); continue; }
        if (!b) { cfail(c, f->pos, "unknown filter '%.*s'", (int)f->slen, f->s); return; }
        if (has_star(f)) { cfail(c, f->pos, "*args and **kwargs are not supported in a block filter"); return; }
        /* slot 0 is the value, already on the stack: bind the rest after it */
        node dummy = {.kind = N_CONST};
        dummy.v = v_absent();
        int before = c->u->ncode;
        int ns = bind_args(c, b, "filter", &dummy, f, f->pos);
        /* the first emitted instruction is the CONST of the dummy: drop it */
        if (c->u->ncode > before && c->u->code[before].op == OP_CONST) {
            memmove(&c->u->code[before], &c->u->code[before + 1], (size_t)(c->u->ncode - before - 1) * sizeof(instr));
            memmove(&c->u->pos[before], &c->u->pos[before + 1], (size_t)(c->u->ncode - before - 1) * sizeof(uint32_t));
            c->u->ncode--;
            c->depth--;
        }
        emitd(c, OP_FILTER, row_index(c, BI_FILTER, b), 0, ns, f->pos, 1 - ns);
    }
}

/* {% set x | f %}...{% endset %}: capture, apply the filters, store */
static void compile_setblock(comp *c, node *n)
{
    /* the body runs in a child scope, in Jinja2 (a new frame) and Jinjava
     * (lib/tag/SetTag.java renders it in interpreter.enterScope()) alike */
    scope s;
    emit(c, OP_CAPTURE, 0, 0, 0, n->pos);
    push_scope(c, &s, 0);
    int first_slot = c->u->nslots;
    int clear = emit(c, OP_CLEAR, 0, 0, 0, n->pos);
    body(c, n->b);
    at(c, clear)->a = first_slot;
    at(c, clear)->b = (uint16_t)(c->u->nslots - first_slot);
    if (c->sees_locals && c->u->nslots > first_slot && !closure_in(c, n->b)) /* gone: an include after it sees none */
        emit(c, OP_CLEAR, first_slot, c->u->nslots - first_slot, 0, n->pos);
    pop_scope(c);
    emit(c, OP_CAPTURE_END, 0, 0, c->autoescape, n->pos);
    apply_filters(c, n->c);
    store_targets_as(c, n->a, 1);
}

/* After `extends` in the top level, Jinja2 guards the output of text and {{ }} with `if
 * parent_template is None`, and nothing else: what an include, a call block, a filter block
 * or a block that is not at the top level prints shows before the parent's output. */
static bool guarded(comp *c) { return c->extended; }
static void unguard(comp *c, int end, uint32_t pos)
{
    if (guarded(c)) emit(c, OP_UNGUARD, 0, 0, end, pos);
}

/* {% filter f | g %}...{% endfilter %}: capture, apply, print */
static void compile_filterblock(comp *c, node *n)
{
    emit(c, OP_CAPTURE, 0, 0, 0, n->pos);
    c->nested++;
    if (c->E->cfg.profile == JINN_PROFILE_JINJAVA) body(c, n->b);
    else { /* Jinja2's filter_frame = frame.inner(): what the body sets stays in it (as N_WITH) */
        scope s;
        push_scope(c, &s, 0);
        int first_slot = c->u->nslots;
        if (closure_in(c, n->b)) predeclare(c, n->b, 0);
        int clear = emit(c, OP_CLEAR, 0, 0, 0, n->pos);
        int soft = soft_frame(c, 0, 0);
        body(c, n->b);
        soft_frame(c, soft, 0);
        at(c, clear)->a = first_slot;
        at(c, clear)->b = (uint16_t)(c->u->nslots - first_slot);
        if (c->sees_locals && c->u->nslots > first_slot && !closure_in(c, n->b))
            emit(c, OP_CLEAR, first_slot, c->u->nslots - first_slot, 0, n->pos);
        pop_scope(c);
    }
    c->nested--;
    emit(c, OP_CAPTURE_END, 0, 0, c->autoescape, n->pos);
    apply_filters(c, n->c);
    unguard(c, 0, n->pos);
    /* Jinja2 writes the filters' result as it is: a str they return (|title, |striptags of the
     * Markup body) is not escaped again */
    emit(c, OP_PRINT, 0, 0, c->E->cfg.profile == JINN_PROFILE_JINJAVA ? c->autoescape : 0, n->pos);
    unguard(c, 1, n->pos);
}

static void compile_macro(comp *c, node *n);
static void compile_callblock(comp *c, node *n);

static bool looks_like_uuid(const char *s, size_t n)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    size_t i = 0;
    for (int g = 0; g < 5; g++) {
        for (int k = 0; k < groups[g]; k++, i++)
            if (i >= n || !((s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f'))) return false;
        if (g < 4 && (i >= n || s[i++] != '-')) return false;
    }
    return i == n;
}

static void compile_insert(comp *c, node *n)
{
    scope s;
    if (n->kind == N_INSERT_PRINT) {
        /* {% expression %}ID{% endexpression %}: the body's text is the id; print the value */
        emit(c, OP_CAPTURE, 0, 0, 0, n->pos);
        body(c, n->b);
        emit(c, OP_CAPTURE_END, 0, 0, 0, n->pos);
        emit(c, OP_INSERT, 0, 0, n->op | 0x80, n->pos); /* 0x80: trim the id */
        emit(c, OP_PRINT, 0, 0, c->autoescape, n->pos);
        return;
    }
    static const char *const result_names[] = {"expression_result", "metric_result", "aggregate_result"};
    push_scope(c, &s, 0);
    int first_slot = c->u->nslots;
    int clear = emit(c, OP_CLEAR, 0, 0, 0, n->pos);
    if (c->check && n->a->kind == N_CONST && n->a->v.t == JV_STR && !looks_like_uuid(v_sp(n->a->v), v_sl(n->a->v)))
        diag_warn(c->D, n->a->pos, (uint32_t)v_sl(n->a->v), "insert id '%s' is not a UUID (8-4-4-4-12 hex digits)", v_sp(n->a->v));
    expr(c, n->a);
    emit(c, OP_INSERT, 0, 0, n->op, n->pos);
    const char *rn = result_names[n->op];
    emit(c, OP_STORE, declare(c, rn, (uint32_t)strlen(rn)), 0, 0, n->pos);
    body(c, n->b);
    at(c, clear)->a = first_slot;
    at(c, clear)->b = (uint16_t)(c->u->nslots - first_slot);
    pop_scope(c);
}

/* a template this one includes or imports: loaded and compiled now, kept as a dependency */
static int add_dep(comp *c, template *d)
{
    template *T = c->T;
    for (int i = 0; i < T->ndeps; i++)
        if (T->deps[i] == d) return i;
    if (T->ndeps == T->capdeps) {
        int cap = T->capdeps ? T->capdeps * 2 : 4;
        template **p = rt_alloc(c->R, T->deps, (size_t)T->capdeps * sizeof *p, (size_t)cap * sizeof *p);
        if (!p) { nomem(c); return -1; }
        T->deps = p;
        T->capdeps = cap;
    }
    d->refs++;
    T->deps[T->ndeps] = d;
    return T->ndeps++;
}

/* the template named by a constant string (or the first that exists of a constant list) */
static int resolve_dep(comp *c, node *name, bool ignore_missing, bool *skipped)
{
    *skipped = false;
    node one = {.kind = N_LIST};
    node *list = name;
    if (name->kind == N_CONST) { one.head = name; list = &one; }
    else if (name->kind != N_LIST && name->kind != N_TUPLE) {
        cfail(c, name->pos, "the template name must be a string constant (or a list of them)");
        return -1;
    }
    jbuf tried = {0};
    for (node *x = list->head; x; x = x->next) {
        if (x->kind != N_CONST || x->v.t != JV_STR) {
            buf_free(c->R, &tried);
            cfail(c, x->pos, "the template name must be a string constant");
            return -1;
        }
        bool missing;
        int before = c->D->count;
        template *d = loader_load(c->E, v_sp(x->v), v_sl(x->v), c->D, x->pos, &missing);
        if (d) { buf_free(c->R, &tried); return add_dep(c, d); }
        if (!missing || c->D->count > before) { buf_free(c->R, &tried); if (!c->check) c->failed = 1; return -1; }
        buf_printf(c->R, &tried, "%s'%s'", tried.len ? ", " : "", v_sp(x->v));
    }
    if (ignore_missing) { buf_free(c->R, &tried); *skipped = true; return -1; }
    diag_error(c->D, JINN_ERR_IO, name->pos, "template %s not found%s", tried.p ? tried.p : "?",
               c->E->npaths || c->E->sources ? "" : " (no search path is set: -I DIR)");
    buf_free(c->R, &tried);
    if (!c->check) c->failed = 1;
    return -1;
}

/* Is a template name known now: a string constant, or a list or tuple of them? Otherwise it is
 * an expression, and the template is found when the render gets there (IMP_DYNAMIC). */
static bool constant_name(node *name)
{
    if (name->kind == N_CONST) return name->v.t == JV_STR;
    if (name->kind != N_LIST && name->kind != N_TUPLE) return false;
    for (node *x = name->head; x; x = x->next)
        if (x->kind != N_CONST || x->v.t != JV_STR) return false;
    return true;
}

static void compile_import(comp *c, node *n)
{
    int di = -1, flags = n->flag;
    if (constant_name(n->a)) {
        bool skipped;
        di = resolve_dep(c, n->a, n->kind == N_INCLUDE && (n->flag & IMP_IGNORE_MISSING), &skipped);
        if (di < 0) return;
    } else {
        expr(c, n->a);
        flags |= IMP_DYNAMIC;
    }
    /* a name computed at run time: its errors (undefined, not found) point at the name */
    uint32_t pos = flags & IMP_DYNAMIC ? n->a->pos : n->pos;
    if (n->kind == N_INCLUDE) {
        emitd(c, OP_INCLUDE, di, 0, flags, pos, flags & IMP_DYNAMIC ? -1 : 0);
        return;
    }
    emitd(c, OP_IMPORT, di, 0, flags, pos, flags & IMP_DYNAMIC ? 0 : 1);
    if (n->kind == N_IMPORT) {
        emit(c, OP_STORE, declare(c, n->b->s, n->b->slen), 0, 0, n->b->pos);
        return;
    }
    for (node *x = n->b->head; x; x = x->next) {
        emit(c, OP_DUP, 0, 0, 0, x->pos);
        emit(c, OP_GETATTR, add_name(c, x->s, x->slen), 0, 0, x->pos);
        node *as = x->c ? x->c : x;
        emit(c, OP_STORE, declare(c, as->s, as->slen), 0, 0, as->pos);
    }
    emit(c, OP_POP, 0, 0, 0, n->pos);
}

/* {% block name %}: the body is a unit of its own, registered in the template's block table;
 * where it stands, BLOCK renders the most derived definition */
static void compile_block(comp *c, node *n)
{
    template *T = c->T;
    for (int i = 0; i < T->nblocks; i++)
        if (T->blocks[i].name->len == n->slen && !memcmp(T->blocks[i].name->s, n->s, n->slen)) {
            cfail(c, n->pos, "block '%.*s' is defined twice", (int)n->slen, n->s);
            return;
        }
    if (T->nblocks == T->capblocks) {
        int cap = T->capblocks ? T->capblocks * 2 : 4;
        struct tblock *p = rt_alloc(c->R, T->blocks, (size_t)T->capblocks * sizeof *p, (size_t)cap * sizeof *p);
        if (!p) { nomem(c); return; }
        T->blocks = p;
        T->capblocks = cap;
    }
    int ni = add_name(c, n->s, n->slen); /* may move T->names: index first */
    int bi = T->nblocks++;
    T->blocks[bi].name = T->names[ni];
    T->blocks[bi].flags = n->flag;
    T->blocks[bi].unit = -1;
    int saved = c->cur_block;
    c->cur_block = bi;
    c->compiling_block = 1;
    int ui = compile_unit(c, n->s, n->slen, NULL, n->a, n->pos, NULL, 0, NULL);
    c->cur_block = saved;
    if (ui < 0) return;
    c->T->blocks[bi].unit = ui;
    emit(c, OP_BLOCK, bi, 0, n->flag & 1, n->pos);
}

/* The commonest statements (a text, a print) in functions of their own, as for expressions
 * (expr_inner): the rest's switch wants a large frame */
static void stmt_text(comp *c, node *n)
{
    template *T = c->T;
    if (T->ntexts == T->captexts) {
        int cap = T->captexts ? T->captexts * 2 : 16;
        void *p = rt_alloc(c->R, T->texts, (size_t)T->captexts * sizeof *T->texts, (size_t)cap * sizeof *T->texts);
        if (!p) { nomem(c); return; }
        T->texts = p;
        T->captexts = cap;
    }
    T->texts[T->ntexts].off = (uint32_t)(n->s - T->src);
    T->texts[T->ntexts].len = n->slen;
    int g = guarded(c) ? emit(c, OP_JUMP_IF_EXTENDED, 0, 0, 0, n->pos) : -1;
    emit(c, OP_TEXT, T->ntexts++, 0, 0, n->pos);
    if (g >= 0) patch_here(c, g);
}

static void stmt_print(comp *c, node *n)
{
    int g = guarded(c) ? emit(c, OP_JUMP_IF_EXTENDED, 0, 0, 0, n->pos) : -1;
    if (c->check && n->a->kind == N_NEG && !(c->P->jv & JINN_JV_STRICT_WHITESPACE))
        diag_warn(c->D, n->a->pos, 1, "a leading minus in '{{ -x }}' is dropped by Jinjava 2.x (the jinjava profile's "
                                      "scripts print x): write '{{ 0 - x }}' or '{{ (-x) }}'");
    expr(c, n->a);
    /* under an autoescape whose value is an expression, Jinja2 finalizes a constant's output
     * when it compiles, with the autoescape around the block (its eval context is volatile) */
    emit(c, OP_PRINT, 0, 0, c->ae_volatile && n->a->kind == N_CONST ? c->ae_outer : c->autoescape, n->pos);
    if (g >= 0) patch_here(c, g);
}

static void stmt_other(comp *c, node *n);

static void stmt(comp *c, node *n)
{
    if (c->failed) return;
    switch (n->kind) {
    case N_TEXT: stmt_text(c, n); return;
    case N_PRINT: stmt_print(c, n); return;
    default: stmt_other(c, n); return;
    }
}

static void stmt_other(comp *c, node *n)
{
    switch (n->kind) {
    case N_IF: compile_if(c, n); break;
    case N_FOR: compile_for(c, n); break;
    case N_SET:
        expr(c, n->b);
        store_targets_as(c, n->a, 1);
        break;
    case N_SETBLOCK: compile_setblock(c, n); break;
    case N_DO:
        if (!n->a) { /* {% do %}...{% enddo %}: run the body, drop its output */
            emit(c, OP_CAPTURE, 0, 0, 0, n->pos);
            body(c, n->b);
            emit(c, OP_CAPTURE_END, 0, 0, 0, n->pos);
        } else {
            c->append_recv = -1;
            expr(c, n->a);
            /* {% do l.append(x) %}: the call becomes APPEND_POP (fuse.c), its receiver LOAD_RECV */
            if (c->append_recv >= 0 && c->append_call == c->u->ncode - 1) c->u->code[c->append_recv].op = OP_LOAD_RECV;
        }
        emit(c, OP_POP, 0, 0, 0, n->pos);
        break;
    case N_WITH: {
        scope s;
        /* the values are evaluated in the outer scope, then bound in the new one */
        int k = 0;
        for (node *a = n->b->head; a; a = a->next, k++) expr(c, a->b);
        push_scope(c, &s, 0);
        int first_slot = c->u->nslots;
        if (closure_in(c, n->a)) predeclare(c, n->a, 0);
        int clear = emit(c, OP_CLEAR, 0, 0, 0, n->pos);
        node *as[256];
        int m = 0;
        for (node *a = n->b->head; a && m < 256; a = a->next) as[m++] = a;
        for (int i = m - 1; i >= 0; i--) store_targets(c, as[i]->a);
        int soft = soft_frame(c, 0, 0); /* Jinja2's with_frame = frame.inner() */
        body(c, n->a);
        soft_frame(c, soft, 0);
        at(c, clear)->a = first_slot;
        at(c, clear)->b = (uint16_t)(c->u->nslots - first_slot);
        if (c->sees_locals && c->u->nslots > first_slot && !closure_in(c, n->a)) /* gone: an include after it sees none */
            emit(c, OP_CLEAR, first_slot, c->u->nslots - first_slot, 0, n->pos);
        pop_scope(c);
        break;
    }
    case N_BREAK:
    case N_CONTINUE:
        if (!c->loop) { cfail(c, n->pos, "'%s' outside a for loop", n->kind == N_BREAK ? "break" : "continue"); return; }
        if (n->kind == N_CONTINUE) emit(c, OP_JUMP, c->loop->iter_pc, 0, 0, n->pos);
        else {
            patch *p = ast_alloc(c->P, sizeof *p);
            if (!p) { nomem(c); return; }
            p->at = emit(c, OP_JUMP, 0, 0, 0, n->pos);
            p->next = c->loop->breaks;
            c->loop->breaks = p;
        }
        break;
    case N_MACRO: compile_macro(c, n); break;
    case N_BODY: body(c, n); break; /* a tag skipped by error recovery */
    case N_FILTERBLOCK: compile_filterblock(c, n); break;
    case N_INCLUDE: case N_IMPORT: case N_FROMIMPORT:
        if (n->kind == N_INCLUDE) unguard(c, 0, n->pos);
        compile_import(c, n);
        if (n->kind == N_INCLUDE) unguard(c, 1, n->pos);
        break;
    case N_EXTENDS: {
        /* Jinja2: not in a loop, macro, block, with, set block, filter or autoescape block */
        if (c->in_macro || c->loops || ((!c->sc->unit_root || c->nested) && c->E->cfg.profile != JINN_PROFILE_JINJAVA))
            { cfail(c, n->pos, "'extends' must be at the top level of a template"); return; }
        if (!constant_name(n->a)) {
            expr(c, n->a);
            emitd(c, OP_EXTENDS, -1, 0, IMP_DYNAMIC, n->a->pos, -1);
            c->extended = c->E->cfg.profile != JINN_PROFILE_JINJAVA;
            break;
        }
        bool skipped;
        int di = resolve_dep(c, n->a, false, &skipped);
        if (di >= 0) emit(c, OP_EXTENDS, di, 0, 0, n->pos);
        c->extended = c->E->cfg.profile != JINN_PROFILE_JINJAVA;
        break;
    }
    case N_BLOCK: {
        bool inner = c->loops || !c->sc->unit_root || c->nested; /* not Jinja2's top-level frame */
        if (inner) unguard(c, 0, n->pos);
        compile_block(c, n);
        if (inner) unguard(c, 1, n->pos);
        break;
    }
    case N_CALLBLOCK:
        unguard(c, 0, n->pos);
        compile_callblock(c, n);
        unguard(c, 1, n->pos);
        break;
    case N_AUTOESCAPE: {
        int saved = c->autoescape;
        c->nested++;
        if (n->a->kind == N_CONST) {
            c->autoescape = val_truthy(c->R, n->a->v);
            body(c, n->b);
            c->autoescape = saved;
            c->nested--;
            break;
        }
        /* an expression: known only when the render gets there, so the body is compiled twice,
         * escaping and not, and the value picks one (printing escapes or not per instruction) */
        int saved_volatile = c->ae_volatile, saved_outer = c->ae_outer;
        if (!c->ae_volatile) c->ae_outer = saved;
        c->ae_volatile = 1;
        expr(c, n->a);
        int jf = emit(c, OP_JUMP_IF_FALSE, 0, 0, 0, n->pos);
        c->autoescape = 1;
        body(c, n->b);
        int je = emit(c, OP_JUMP, 0, 0, 0, n->pos);
        patch_here(c, jf);
        c->autoescape = 0;
        body(c, n->b);
        patch_here(c, je);
        c->autoescape = saved;
        c->ae_volatile = saved_volatile;
        c->ae_outer = saved_outer;
        c->nested--;
        break;
    }
    case N_IFCHANGED: {
        if (!c->loops) { body(c, n->b); break; } /* outside a loop it has nothing to compare with */
        int na = 0;
        for (node *x = n->a->head; x; x = x->next, na++) expr(c, x);
        emitd(c, OP_LOOP_CHANGED, 0, 0, na, n->pos, 1 - na);
        int j = emit(c, OP_JUMP_IF_FALSE, 0, 0, 0, n->pos);
        body(c, n->b);
        patch_here(c, j);
        break;
    }
    case N_CYCLE: {
        if (!c->loops) { cfail(c, n->pos, "'cycle' outside a for loop"); return; }
        int na = 0;
        for (node *x = n->a->head; x; x = x->next, na++) expr(c, x);
        emitd(c, OP_LOOP_CYCLE, 0, 0, na, n->pos, 1 - na);
        emit(c, OP_PRINT, 0, 0, c->autoescape, n->pos);
        break;
    }
    case N_INSERT:
    case N_INSERT_PRINT: compile_insert(c, n); break;
    default:
        cfail(c, n->pos, "internal error: unexpected node %d in a body", n->kind);
    }
}

static void body(comp *c, node *b)
{
    for (node *s = b ? b->head : NULL; s && !c->failed; s = s->next) stmt(c, s);
}

/* ======================================================================================
 * Code units: the top level and macros
 * ====================================================================================== */

static int new_unit(comp *c)
{
    template *T = c->T;
    if (T->nunits == T->capunits) {
        int cap = T->capunits ? T->capunits * 2 : 4;
        unit *p = rt_alloc(c->R, T->units, (size_t)T->capunits * sizeof(unit), (size_t)cap * sizeof(unit));
        if (!p) { nomem(c); return -1; }
        T->units = p;
        T->capunits = cap;
    }
    memset(&T->units[T->nunits], 0, sizeof(unit));
    T->units[T->nunits].caller_slot = T->units[T->nunits].varargs_slot = T->units[T->nunits].kwargs_slot = -1;
    return T->nunits++;
}

/* does the subtree use the name (caller, varargs, kwargs)? nested macros excluded */
/* whether the parser noted a name of this text anywhere in the template (unknown: true) */
static bool name_noted(const comp *c, const char *s, size_t len)
{
    const pctx *P = c->P;
    if (P->pnames_lost || !P->pname_cap) return P->pnames_lost;
    return pname_find(P, s, len, NULL) != 0;
}

/* Which of caller (1), varargs (2) and kwargs (4) the subtree reads (not inside a nested
 * macro, which has its own): one walk for the three, until all three are found. */
static unsigned uses_specials(node *n, unsigned found)
{
    if (!n || found == 7) return found;
    if (n->kind == N_NAME) {
        if (n->slen == 6 && !memcmp(n->s, "caller", 6)) found |= 1;
        else if (n->slen == 7 && !memcmp(n->s, "varargs", 7)) found |= 2;
        else if (n->slen == 6 && !memcmp(n->s, "kwargs", 6)) found |= 4;
    }
    if (n->kind == N_MACRO) return found;
    found = uses_specials(n->a, found);
    found = uses_specials(n->b, found);
    found = uses_specials(n->c, found);
    found = uses_specials(n->d, found);
    found = uses_specials(n->e, found);
    for (node *x = n->head; x && found != 7; x = x->next) found = uses_specials(x, found);
    return found;
}

/* Capture, before the body is compiled, every name the subtree reads that the scopes around
 * the definition hold (capture() decides): the closure's slots come right after the
 * parameters, outside every scope the body opens and clears (a loop clears its slots). */
static void capture_free_names(comp *c, node *n, int depth)
{
    if (!n || depth > 200 || c->failed) return;
    if (n->kind == N_NAME && lookup_slot(c, n->s, n->slen) < 0) capture(c, n->s, n->slen);
    capture_free_names(c, n->a, depth + 1);
    capture_free_names(c, n->b, depth + 1);
    capture_free_names(c, n->c, depth + 1);
    capture_free_names(c, n->d, depth + 1);
    capture_free_names(c, n->e, depth + 1);
    for (node *x = n->head; x; x = x->next) capture_free_names(c, x, depth + 1);
}

/* Compile a macro body (or a call block's caller, or a recursive loop) as its own code unit.
 * params: a list of N_PARAM (or NULL); extra: hidden parameter names appended after them. */
static int compile_unit(comp *c, const char *name, size_t nlen, node *params, node *code, uint32_t pos,
                        const char *const *extra, int nextra, node *loop)
{
    /* save the enclosing unit's state (by index: new_unit may move the units array) */
    int saved_uidx = (int)(c->u - c->T->units);
    int ui = new_unit(c);
    if (ui < 0) return -1;
    scope *saved_sc = c->sc;
    int saved_loops = c->loops, saved_depth = c->depth, saved_max = c->max_depth, saved_in = c->in_macro;
    int saved_soft = soft_frame(c, 0, 0); /* a macro, block or call block: a frame of its own */
    int saved_rec = c->rec_unit, saved_rec_slot = c->rec_depth_slot;
    loopctx *saved_loop = c->loop;
    scope *saved_outer_sc = c->outer_sc;
    int saved_can = c->can_capture, saved_outer_unit = c->outer_unit;
    int saved_extended = c->extended;
    if (!loop) c->extended = 0; /* a recursive loop's output is the top level's, in Jinja2 */
    c->outer_sc = saved_sc;
    c->outer_unit = saved_uidx;
    c->can_capture = !c->compiling_block;
    c->compiling_block = 0;

    c->u = &c->T->units[ui];
    c->u->defined_in = saved_uidx;
    c->loops = 0;
    c->loop = NULL;
    c->depth = c->max_depth = 0;
    c->in_macro = 1;
    c->sc = NULL;
    if (!loop) c->rec_unit = -1;
    scope s;
    push_scope(c, &s, 1);
    int result = ui;
    value nm = v_str(c->R, name, nlen);
    if (nm.t == JV_ERROR) { nomem(c); result = -1; goto restore; }
    val_make_immortal(nm);
    c->u->name = nm.u.s;
    int np = params ? count_list(params) : 0;
    bool want[3] = {false, false, false};
    static const char *const specials[3] = {"caller", "varargs", "kwargs"};
    /* (a template that names none of the three anywhere, most, needs no walk) */
    if (code && !loop && (name_noted(c, "caller", 6) || name_noted(c, "varargs", 7) || name_noted(c, "kwargs", 6))) {
        unsigned used = uses_specials(code, 0);
        for (int k = 0; k < 3; k++) want[k] = used >> k & 1;
    }
    int total = np + nextra; /* caller, varargs and kwargs have slots, not parameter names */
    c->u->nparams = np + nextra;
    c->u->param_names = rt_alloc(c->R, NULL, 0, (size_t)(total ? total : 1) * sizeof(jstr *));
    if (!c->u->param_names) { nomem(c); result = -1; goto restore; }
    int k = 0;
    for (node *p = params ? params->head : NULL; p; p = p->next, k++) {
        if (scope_find_local(c->sc, p->s, p->slen) >= 0) { cfail(c, p->pos, "duplicate parameter '%.*s'", (int)p->slen, p->s); break; }
        int slot = declare(c, p->s, p->slen);
        if (c->failed) { result = -1; goto restore; }
        c->u->param_names[k] = c->T->names[c->u->slot_name[slot]];
    }
    for (int i = 0; i < nextra; i++, k++) {
        int slot = declare(c, extra[i], (uint32_t)strlen(extra[i]));
        if (c->failed) { result = -1; goto restore; }
        c->u->param_names[k] = c->T->names[c->u->slot_name[slot]];
    }
    /* caller, varargs, kwargs: slots after the parameters, filled by the call */
    int *special_slot[3] = {&c->u->caller_slot, &c->u->varargs_slot, &c->u->kwargs_slot};
    for (int i = 0; i < 3; i++)
        if (want[i]) *special_slot[i] = declare(c, specials[i], (uint32_t)strlen(specials[i]));
    int seen_default = 0;
    for (node *p = params ? params->head : NULL; p && !c->failed; p = p->next) {
        if (p->a) seen_default = 1;
        else if (seen_default) cfail(c, p->pos, "parameter '%.*s' without a default follows a parameter with one", (int)p->slen, p->s);
    }
    /* (a macro defined right at the top level captures nothing: capture() stops at once) */
    if (c->can_capture && !(c->outer_unit == 0 && c->outer_sc && c->outer_sc->unit_root)) {
        capture_free_names(c, code, 0);
        if (loop) { capture_free_names(c, loop->c, 0); capture_free_names(c, loop->e, 0); capture_free_names(c, loop->d, 0); }
    }
    if (closure_in(c, code)) predeclare(c, code, 0);
    if (!c->can_capture) declare_missing(c, code); /* a block: a frame without a parent */
    /* defaults are evaluated at call time, in the macro's scope (they may use earlier params) */
    k = 0;
    for (node *p = params ? params->head : NULL; p && !c->failed; p = p->next, k++) {
        if (!p->a) continue;
        int j = emit(c, OP_JUMP_IF_SET, 0, k, 0, p->pos);
        expr(c, p->a);
        emit(c, OP_STORE, k, 0, 0, p->pos);
        patch_here(c, j);
    }
    if (loop) {
        c->rec_unit = ui;
        c->rec_depth_slot = np + 1;
        compile_for_loop(c, loop, 0, np + 1);
    } else {
        body(c, code);
    }
    emit(c, OP_RETURN, 0, 0, 0, pos);
    c->u->max_stack = c->max_depth;
restore:
    pop_scope(c);

    c->u = &c->T->units[saved_uidx];
    c->sc = saved_sc;
    c->loops = saved_loops;
    c->loop = saved_loop;
    c->depth = saved_depth;
    c->max_depth = saved_max;
    c->in_macro = saved_in;
    soft_frame(c, saved_soft, 0);
    c->rec_unit = saved_rec;
    c->rec_depth_slot = saved_rec_slot;
    c->outer_sc = saved_outer_sc;
    c->can_capture = saved_can;
    c->outer_unit = saved_outer_unit;
    c->extended = saved_extended;
    return c->failed && !c->check ? -1 : result;
}

static void compile_macro(comp *c, node *n)
{
    node params = {.kind = N_LIST};
    params.head = n->head;
    params.last = n->last;
    int ui = compile_unit(c, n->s, n->slen, &params, n->a, n->pos, NULL, 0, NULL);
    if (ui < 0) return;
    /* bind the macro to its name in the enclosing scope */
    emit_macro(c, ui, n->pos);
    emit(c, OP_STORE, declare(c, n->s, n->slen), 0, 0, n->pos);
}

/* {% call(args) m(...) %}body{% endcall %}: the body becomes the `caller` macro passed to m */
static void compile_callblock(comp *c, node *n)
{
    node params = {.kind = N_LIST};
    params.head = n->head;
    params.last = n->last;
    int ui = compile_unit(c, "caller", 6, &params, n->b, n->pos, NULL, 0, NULL);
    if (ui < 0) return;
    node *kw = ast_node(c->P, N_KWARG, n->pos);
    node *mv = ast_node(c->P, N_MACROVAL, n->pos);
    mv->slen = (uint32_t)ui;
    kw->s = "caller";
    kw->slen = 6;
    kw->a = mv;
    ast_add(n->a, kw);
    expr(c, n->a);
    emit(c, OP_PRINT, 0, 0, c->autoescape, n->pos);
}

bool comp_template(jrt *R, env *E, const char *name, const char *src, size_t len, template **out, diags *D, int check)
{
    *out = NULL;
    diag_init(D, R, name, src, len); /* first: the caller frees D whatever happens */
    template *T = rt_alloc(R, NULL, 0, sizeof *T);
    if (!T) return false;
    memset(T, 0, sizeof *T);
    T->env = E;
    T->refs = 1;
    T->autoescape = E->cfg.autoescape;
    size_t nlen = strlen(name);
    T->name = rt_alloc(R, NULL, 0, nlen + 1);
    if (!T->name) { comp_free(R, T); return false; }
    memcpy(T->name, name, nlen + 1); /* now: comp_free measures it */
    T->src = rt_alloc(R, NULL, 0, len + 1);
    T->srclen = len;
    if (!T->src) { comp_free(R, T); return false; }
    /* Jinja2 normalises \r\n and \r to \n in everything it reads */
    size_t w = 0;
    if (!memchr(src, '\r', len)) { memcpy(T->src, src, len); w = len; }
    else for (size_t i = 0; i < len; i++) {
        if (src[i] == '\r') {
            T->src[w++] = '\n';
            if (i + 1 < len && src[i + 1] == '\n') i++;
        } else {
            T->src[w++] = src[i];
        }
    }
    len = w;
    T->srclen = len; /* fewer bytes when \r\n became \n */
    T->src[len] = 0; /* the lexer's sentinel */
    /* Jinja2 drops one trailing newline unless keep_trailing_newline; Jinjava 2.x keeps it
     * (its switch stripTrailingNewline: defaultKeepTrailingNewlineBehavior(false)) */
    size_t effective = len;
    bool keeps_nl = E->cfg.profile == JINN_PROFILE_JINJAVA && !(E->cfg.jinjava_options & JINN_JV_STRIP_TRAILING_NEWLINE);
    if (!E->cfg.keep_trailing_newline && !keeps_nl && effective && T->src[effective - 1] == '\n') effective--;
    diag_init(D, R, T->name, T->src, len);
    D->json = (check & 3) == 2;

    pctx P;
    node oom;
    memset(&P, 0, sizeof P);
    P.oom = &oom;
    P.R = R;
    P.D = D;
    P.max_depth = E->cfg.limits.parse_depth;
    P.jv = E->cfg.profile == JINN_PROFILE_JINJAVA ? E->cfg.jinjava_options : 0;
    const jinn_config *cf = &E->cfg;
    lex_syntax syn = {cf->block_start, cf->block_end, cf->variable_start, cf->variable_end, cf->comment_start,
                      cf->comment_end, cf->line_statement_prefix, cf->line_comment_prefix};
    if (syn.bs || syn.be || syn.vs || syn.ve || syn.cs || syn.ce || syn.lsp || syn.lcp) P.syntax = &syn;
    P.recover = check != 0;
    /* the lexer needs a NUL right after the effective end */
    char saved = T->src[effective];
    T->src[effective] = 0;
    node *root = parse_template(&P, T->src, effective, E->cfg.trim_blocks, E->cfg.lstrip_blocks);
    T->src[effective] = saved;
    D->parse_recs = D->nrecs; /* jinn check tells the parser's errors from the compiler's */

    comp c;
    memset(&c, 0, sizeof c);
    c.R = R;
    c.D = D;
    c.P = &P;
    c.T = T;
    c.E = E;
    c.edepth_max = E->cfg.limits.parse_depth * 4;
    c.check = check != 0;
    c.autoescape = T->autoescape;
    c.rec_unit = c.rec_depth_slot = -1;
    c.cur_block = -1;
    c.code_hint = 64;
    while (c.code_hint < (1 << 20) && (size_t)c.code_hint * 8 < len) c.code_hint *= 2;
    bool ok = root != NULL;
    if (ok) {
        int u0 = new_unit(&c);
        if (u0 == 0) {
            c.u = &T->units[0];
            scope s;
            push_scope(&c, &s, 1);
            c.root = &s;
            /* the walk only where it can find something: the parser saw an include, import or
             * block, or a filter named render */
            c.sees_locals = c.P->scope_reader ? 1 : c.P->render_named ? sees_locals(root, 0) : 0;
            declare_missing(&c, root);
            body(&c, root);
            emit(&c, OP_RETURN, 0, 0, 0, (uint32_t)effective);
            /* a failed compile keeps nothing: its late names may point at instructions that
             * were never emitted */
            for (int i = 0; i < c.nlate && !c.failed; i++) {
                instr *in = &T->units[c.late[i].unit].code[c.late[i].pc];
                jstr *nm = T->names[in->b];
                int rs = scope_find_local(c.root, nm->s, (uint32_t)nm->len);
                if (rs >= 0) { in->a = rs; c.u = &T->units[0]; mark_read(&c, rs); }
                else { in->op = OP_LOAD_GLOBAL; in->a = in->b; in->b = 0; }
            }
            if (c.check) {
                /* calls of names the template never defines: a JSON context holds no macros */
                for (int i = 0; i < c.ncalls; i++) {
                    jstr *nm = T->names[c.calls[i].name];
                    if (scope_find_local(c.root, nm->s, (uint32_t)nm->len) < 0 && reg_find(&E->reg, BI_FUNCTION, nm->s, nm->len) < 0)
                        diag_error(D, JINN_ERR_UNDEFINED, c.calls[i].pos, "'%s' is called, but no macro '%s' is defined in this template", nm->s, nm->s);
                }
                for (int i = 0; i < c.nsets; i++) {
                    int sl = c.sets[i].slot;
                    if (sl >= c.cap_root_read || !c.root_read[sl])
                        diag_warn(D, c.sets[i].pos, (uint32_t)T->names[T->units[0].slot_name[sl]]->len,
                                  "'%s' is set but never used", T->names[T->units[0].slot_name[sl]]->s);
                }
            }
            /* c.u may have moved when macros added units */
            T->units[0].max_stack = c.max_depth;
            c.root = NULL;
            pop_scope(&c);
        }
        ok = !c.failed && !D->count && !check;
    }
    /* jinn check --migrate: the migration lint reads the tree before the arena goes */
    if (root && (check >> 2) && !mig_lint(R, D, root, T->src, len, &E->cfg, check >> 2)) ok = false;
    if (c.name_ix) rt_alloc(R, c.name_ix, (size_t)c.name_cap * sizeof *c.name_ix, 0);
    if (c.str_ix) rt_alloc(R, c.str_ix, (size_t)c.str_cap * sizeof *c.str_ix, 0);
    if (c.bim) rt_alloc(R, c.bim, (size_t)c.bimcap * sizeof *c.bim, 0);
    if (c.late) rt_alloc(R, c.late, (size_t)c.caplate * sizeof *c.late, 0);
    if (c.root_read) rt_alloc(R, c.root_read, (size_t)c.cap_root_read, 0);
    if (c.sets) rt_alloc(R, c.sets, (size_t)c.capsets * sizeof *c.sets, 0);
    if (c.calls) rt_alloc(R, c.calls, (size_t)c.capcalls * sizeof *c.calls, 0);
    ast_free(&P);
    if (!ok) { if (c.is_method) rt_alloc(R, c.is_method, (size_t)c.cap_is_method, 0); comp_free(R, T); return false; }
    /* method dispatch is by receiver type and name: resolve every name once, here */
    T->methods = rt_alloc(R, NULL, 0, (size_t)(T->nnames ? T->nnames : 1) * sizeof *T->methods);
    if (!T->methods) { if (c.is_method) rt_alloc(R, c.is_method, (size_t)c.cap_is_method, 0); comp_free(R, T); return false; }
    memset(T->methods, 0, (size_t)(T->nnames ? T->nnames : 1) * sizeof *T->methods);
    for (int i = 0; i < T->nnames && i < c.cap_is_method; i++) {
        if (!c.is_method[i]) continue;
        static const bi_kind kinds[3] = {BI_DICT_METHOD, BI_LIST_METHOD, BI_STR_METHOD};
        for (int k2 = 0; k2 < 3; k2++) {
            int r = reg_find(&E->reg, kinds[k2], T->names[i]->s, T->names[i]->len);
            T->methods[i].m[k2] = r < 0 ? NULL : reg_row_at(&E->reg, kinds[k2], r);
        }
    }
    if (c.is_method) rt_alloc(R, c.is_method, (size_t)c.cap_is_method, 0);
    for (int i = 0; i < T->nconsts; i++) val_make_immortal(T->consts[i]);
    for (int i = 0; i < T->nnames; i++) {
        value v = {.t = JV_STR};
        v.u.s = T->names[i];
        val_make_immortal(v);
    }
    comp_fuse(T);
    *out = T;
    return true;
}

void comp_free(jrt *R, template *T)
{
    if (!T) return;
    for (int i = 0; i < T->ndeps; i++) loader_release(T->env, T->deps[i]);
    if (T->deps) rt_alloc(R, T->deps, (size_t)T->capdeps * sizeof *T->deps, 0);
    for (int i = 0; i < T->nunits; i++) {
        unit *u = &T->units[i];
        rt_alloc(R, u->code, (size_t)u->capcode * sizeof(instr), 0);
        rt_alloc(R, u->pos, (size_t)u->capcode * sizeof(uint32_t), 0);
        rt_alloc(R, u->slot_parent, (size_t)u->capslots * 2, 0);
        rt_alloc(R, u->slot_name, (size_t)u->capslots * 2, 0);
        rt_alloc(R, u->slot_root, (size_t)u->capslots, 0);
        if (u->param_names) rt_alloc(R, u->param_names, (size_t)(u->nparams ? u->nparams : 1) * sizeof(jstr *), 0);
        if (u->capt_outer) rt_alloc(R, u->capt_outer, (size_t)u->ncapt * sizeof(int), 0);
        if (u->capt_inner) rt_alloc(R, u->capt_inner, (size_t)u->ncapt * sizeof(int), 0);
        if (u->name) { value v = {.t = JV_STR}; v.u.s = u->name; val_free_immortal(R, v); }
    }
    if (T->units) rt_alloc(R, T->units, (size_t)T->capunits * sizeof(unit), 0);
    for (int i = 0; i < T->nconsts; i++) {
        if (T->consts[i].u.h && v_heap(T->consts[i]) && T->consts[i].u.h->rc < JH_IMMORTAL) val_drop(R, T->consts[i]);
        else val_free_immortal(R, T->consts[i]);
    }
    if (T->texts) rt_alloc(R, T->texts, (size_t)T->captexts * sizeof *T->texts, 0);
    if (T->blocks) rt_alloc(R, T->blocks, (size_t)T->capblocks * sizeof *T->blocks, 0);
    if (T->consts) rt_alloc(R, T->consts, (size_t)T->capconsts * sizeof(value), 0);
    for (int i = 0; i < T->nnames; i++) {
        value v = {.t = JV_STR};
        v.u.s = T->names[i];
        if (T->names[i]->h.rc >= JH_IMMORTAL) val_free_immortal(R, v);
        else { T->names[i]->h.rc = 1; val_drop(R, v); }
    }
    if (T->methods) rt_alloc(R, T->methods, (size_t)(T->nnames ? T->nnames : 1) * sizeof *T->methods, 0);
    if (T->names) rt_alloc(R, T->names, (size_t)T->capnames * sizeof(jstr *), 0);
    if (T->name) rt_alloc(R, T->name, strlen(T->name) + 1, 0);
    if (T->src) rt_alloc(R, T->src, T->srclen + 1, 0);
    rt_alloc(R, T, sizeof *T, 0);
}

/* ======================================================================================
 * Disassembler
 * ====================================================================================== */

/* One instruction's operands, as its row of opcodes.h says to print them (see there). */
static void disasm_operands(jrt *R, jbuf *out, const template *T, const unit *u, const instr *in)
{
    static const char *const insert_kinds[] = {
#define X(name, what, section) what,
        JINN_LOOKUP_KINDS(X)
#undef X
    };
    const registry *g = &T->env->reg;
    for (const char *f = op_info[in->op].operands; *f; f++) {
        if (*f != '%') { buf_putc(R, out, *f); continue; }
        char kind = *++f;
        if (kind == 'a' || kind == 'b' || kind == 'c') {
            buf_printf(R, out, "%d", kind == 'a' ? in->a : kind == 'b' ? in->b : in->c);
            continue;
        }
        if (kind == 'R') { /* an empty range: fuse.c found every slot stored before it is read */
            if (in->b) buf_printf(R, out, "%d..%d", in->a, in->a + in->b - 1);
            else buf_printf(R, out, "(none)");
            continue;
        }
        char field = *++f;
        int32_t x = field == 'a' ? in->a : field == 'b' ? in->b : in->c;
        switch (kind) {
        case '?': if (!x) return; break;
        case 'N': buf_puts(R, out, T->names[x]->s); break;
        case 'S': buf_puts(R, out, T->names[u->slot_name[x]]->s); break;
        case 'T': case 'K': {
            jbuf tmp = {0};
            if (kind == 'T') {
                value t = v_str(R, T->src + T->texts[x].off, T->texts[x].len);
                if (t.t == JV_STR) { print_repr(R, &tmp, t); val_drop(R, t); }
            } else {
                print_repr(R, &tmp, T->consts[x]);
            }
            if (tmp.len > 40) { tmp.len = 37; buf_put(R, &tmp, "...", 3); }
            buf_puts(R, out, tmp.p ? tmp.p : "");
            buf_free(R, &tmp);
            break;
        }
        case 'F': buf_puts(R, out, reg_row_at(g, BI_FILTER, x)->b.name); break;
        case 'E': buf_printf(R, out, "%s%s", in->b ? "not " : "", reg_row_at(g, BI_TEST, x)->b.name); break;
        case 'U': buf_puts(R, out, reg_row_at(g, BI_FUNCTION, x)->b.name); break;
        case 'O': buf_puts(R, out, opb_symbol(x)); break;
        case 'C': buf_puts(R, out, opc_symbol(x)); break;
        case 'L':
            if (x < LF__COUNT) buf_printf(R, out, "loop.%s", loop_field_names[x]);
            else buf_puts(R, out, "loop (as a value)");
            break;
        case 'I': buf_puts(R, out, insert_kinds[x & 3]); break;
        case 'D': buf_puts(R, out, x >= 0 ? T->deps[x]->name : "(the name on the stack)"); break;
        case 'B': buf_puts(R, out, T->blocks[x].name->s); break;
        }
    }
}

bool comp_disasm(jrt *R, const template *T, jbuf *out)
{
    for (int ui = 0; ui < T->nunits; ui++) {
        const unit *u = &T->units[ui];
        if (ui == 0) buf_printf(R, out, "== %s (top level): %d slots, stack %d ==\n", T->name, u->nslots, u->max_stack);
        else buf_printf(R, out, "\n== macro %s (unit %d): %d params, %d slots, stack %d ==\n", u->name->s, ui, u->nparams, u->nslots, u->max_stack);
        for (int i = 0; i < u->ncode; i++) {
            const instr *in = &u->code[i];
            int line, col;
            diag_position(T->src, T->srclen, u->pos[i], &line, &col);
            buf_printf(R, out, "%5d  %4d:%-3d %-14s", i, line, col, op_info[in->op].name);
            disasm_operands(R, out, T, u, in);
            buf_putc(R, out, '\n');
        }
    }
    return !R->err_kind;
}
