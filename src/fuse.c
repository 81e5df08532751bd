/*
 * fuse.c — the compiler's last step: fused instructions for the commonest sequences.
 *
 * Reading a variable's attribute or a constant key (`c.name`, `c["expression"]`) is two or three
 * instructions, each a dispatch, a reference taken and dropped. After the compile (the late
 * fix-ups have turned unresolved LOADs into LOAD_GLOBALs), each such sequence's first
 * instruction becomes its fused form (opcodes.h: LOAD_ATTR, GLOBAL_ATTR, LOAD_ITEMC,
 * COMPARE_JUMP, TEST_JUMP, LOAD_SETATTR, APPEND_POP (its receiver's LOAD_RECV is compile.c's), DICT_GET, FOR_ITER_STORE; CALL a=1 before |float, PRINT b=1 before the end; BUILD_DICT c=1 before .update). Nothing else moves: the instructions after it stay, so a jump
 * to one of them still runs it, and the VM falls back to the plain first instruction whenever
 * the fused fast case does not hold.
 *
 * Keys: a dict built from the template's constants (`{"name": …}`, `namespace(total=0)`) has
 * those constants' strings as keys, and `c.name` looks up the name's string: the same text, but
 * not the same string, so each lookup compared the bytes. Here every CONST of a string is
 * pointed at the first constant of that text, and every name gets as its key (methods[i].key)
 * the constant string of its text where there is one: the lookups then find the very pointer.
 */
#include "compile.h"

#define KEYS_MAX 1024 /* the most strings told apart (more are left as they are) */
typedef struct {
    const jstr *s;
    int ci; /* its constant's index, or -1: an item of a constant list (a call's keyword names) */
} fuse_key;

typedef struct {
    fuse_key tab[KEYS_MAX];
    uint32_t mask; /* the table's size - 1: a power of two, twice the strings at least */
    int n;
} fuse_keys;

static fuse_key *key_find(fuse_keys *K, const jstr *s)
{
    for (uint32_t i = s->hash & K->mask;; i = (i + 1) & K->mask)
        if (!K->tab[i].s || (K->tab[i].s->len == s->len && !memcmp(K->tab[i].s->s, s->s, s->len))) return &K->tab[i];
}

static void key_add(fuse_keys *K, const jstr *s, int ci)
{
    if (!s->hash || (uint32_t)K->n * 2 >= K->mask) return;
    fuse_key *e = key_find(K, s);
    if (!e->s) { e->s = s; e->ci = ci; K->n++; }
}

/* plain strings only: a constant with flags (Markup) is not interchangeable */
static bool plain_str(value v) { return v.t == JV_STR && !v.f && v.u.s->hash; }

static void keys_init(template *T, fuse_keys *K)
{
    size_t want = 0;
    for (int i = 0; i < T->nconsts; i++)
        want += T->consts[i].t == JV_STR ? 1 : T->consts[i].t == JV_LIST ? T->consts[i].u.l->len : 0;
    uint32_t size = 16;
    while (size < 2 * want + 2 && size < KEYS_MAX) size *= 2;
    K->mask = size - 1;
    K->n = 0;
    memset(K->tab, 0, size * sizeof *K->tab);
    for (int i = 0; i < T->nconsts; i++)
        if (plain_str(T->consts[i])) key_add(K, T->consts[i].u.s, i);
    for (int i = 0; i < T->nconsts; i++)
        if (T->consts[i].t == JV_LIST)
            for (size_t k = 0; k < T->consts[i].u.l->len; k++)
                if (plain_str(T->consts[i].u.l->items[k])) key_add(K, T->consts[i].u.l->items[k].u.s, -1);
    for (int i = 0; i < T->nnames; i++) {
        fuse_key *e = T->names[i]->hash ? key_find(K, T->names[i]) : NULL;
        T->methods[i].key = e && e->s ? (jstr *)e->s : T->names[i];
    }
}

/* A CLEAR at a scope's top makes the scope's variables unset, so that a read before the scope
 * assigns one sees the enclosing scope's. A slot that the straight run of instructions after the
 * CLEAR stores before anything reads it needs no clearing: nothing can see what it held. The run
 * is instructions that neither jump nor call (a call could run a macro reading variables by
 * reference, or an include seeing them); the CLEAR keeps the rest of its range (its ends are
 * trimmed: a range has no holes). A loop's CLEAR runs at every iteration (FOR_ITER_STORE). */
static void trim_clear(const unit *u, instr *clear)
{
    int lo = clear->a, hi = clear->a + clear->b; /* [lo, hi) */
    if (hi - lo <= 0 || hi - lo > 64) return;
    uint64_t stored = 0, read = 0;
    for (const instr *in = clear + 1; in < u->code + u->ncode; in++) {
        bool reads_a = false;
        switch (in->op) {
        case OP_STORE:
            if (in->a >= lo && in->a < hi && !(read >> (in->a - lo) & 1)) stored |= UINT64_C(1) << (in->a - lo);
            continue;
        case OP_LOAD: case OP_LOAD_ATTR: case OP_LOAD_ITEMC: case OP_LOAD_SETATTR: case OP_LOAD_RECV:
            reads_a = true;
            break;
        case OP_CONST: case OP_LOAD_GLOBAL: case OP_GLOBAL_ATTR: case OP_GETATTR: case OP_GETITEM:
        case OP_BINARY: case OP_COMPARE: case OP_NOT: case OP_NEG: case OP_POS: case OP_BUILD_LIST:
        case OP_BUILD_TUPLE: case OP_BUILD_DICT: case OP_TEXT: case OP_POP: case OP_DUP:
        case OP_SETATTR: case OP_ABSENT:
            break;
        default:
            in = u->code + u->ncode - 1; /* the straight run ends here */
            continue;
        }
        if (reads_a && in->a >= lo && in->a < hi) read |= UINT64_C(1) << (in->a - lo);
    }
    while (lo < hi && (stored >> (lo - clear->a) & 1)) lo++;
    while (hi > lo && (stored >> (hi - 1 - clear->a) & 1)) hi--;
    if (lo == hi) lo = hi = clear->a;
    clear->a = lo;
    clear->b = (uint16_t)(hi - lo);
}

/* Is code[i] a `{% do l.append(x) %}`: the method call .append of one argument, its value
 * dropped (APPEND_POP)? */
static bool append_pop(const template *T, const instr *code, int i, int n)
{
    const instr *in = &code[i];
    return i + 1 < n && in->op == OP_CALL_METHOD && in[1].op == OP_POP && in->b == 0 && in->c == 1 &&
           T->names[in->a]->len == 6 && !memcmp(T->names[in->a]->s, "append", 6);
}

/* Is filter row i the stdlib's float (no embedder's filter of that name)? */
static bool stdlib_float(const template *T, int i)
{
    const reg_row *r = reg_row_at(&T->env->reg, BI_FILTER, i);
    return r && !r->native && r->b.fn && !strcmp(r->b.name, "float");
}

void comp_fuse(template *T)
{
    fuse_keys K;
    keys_init(T, &K);
    for (int ui = 0; ui < T->nunits; ui++) {
        unit *u = &T->units[ui];
        instr *code = u->code;
        int n = u->ncode;
        for (int i = 0; i < n; i++) {
            instr *in = &code[i];
            switch (in->op) {
            case OP_CONST:
                if (plain_str(T->consts[in->a])) { /* the first constant of its text */
                    fuse_key *e = key_find(&K, T->consts[in->a].u.s);
                    if (e->s && e->ci >= 0) in->a = e->ci;
                }
                break;
            case OP_CALL_METHOD:
                if (append_pop(T, code, i, n))
                    in->op = OP_APPEND_POP;
                else if (in->b == 0 && (in->c == 1 || in->c == 2) && T->names[in->a]->len == 3 &&
                         !memcmp(T->names[in->a]->s, "get", 3))
                    in->op = OP_DICT_GET;
                break;
            case OP_BUILD_DICT: /* a literal of constant keys given to .update(): c=1 */
                if (in->b && i + 1 < n && in[1].op == OP_CALL_METHOD && in[1].c == 1 && in[1].b == 0 &&
                    T->names[in[1].a]->len == 6 && !memcmp(T->names[in[1].a]->s, "update", 6))
                    in->c = 1;
                break;
            case OP_CLEAR:
                trim_clear(u, in);
                break;
            case OP_PRINT: /* b=1: the unit's next step is its end (print_float_out) */
                if (i + 1 < n && (in[1].op == OP_RETURN || (in[1].op == OP_JUMP && code[in[1].a].op == OP_RETURN)))
                    in->b = 1;
                break;
            case OP_CALL: /* `m(...)|float`: a=1, its value goes to the stdlib's |float (MACRO_FLOAT) */
                if (in->b == 0 && i + 2 < n && in[1].op == OP_ABSENT && in[2].op == OP_FILTER && in[2].c == 2 &&
                    stdlib_float(T, in[2].a))
                    in->a = 1;
                break;
            case OP_FOR_ITER:
                if (i + 2 < n && in[1].op == OP_CLEAR && in[2].op == OP_STORE) in->op = OP_FOR_ITER_STORE;
                break;
            case OP_COMPARE:
                if (i + 1 < n && in[1].op == OP_JUMP_IF_FALSE) in->op = OP_COMPARE_JUMP;
                break;
            case OP_TEST: /* (one slot: a tag test has no other; *args or **kwargs would be more) */
                if (in->c == 1 && i + 1 < n && in[1].op == OP_JUMP_IF_FALSE) in->op = OP_TEST_JUMP;
                break;
            case OP_LOAD_GLOBAL:
                if (i + 1 < n && in[1].op == OP_GETATTR) in->op = OP_GLOBAL_ATTR;
                break;
            case OP_LOAD:
                if (i + 1 < n && in[1].op == OP_GETATTR) in->op = OP_LOAD_ATTR;
                else if (i + 1 < n && in[1].op == OP_SETATTR) in->op = OP_LOAD_SETATTR;
                else if (i + 2 < n && in[1].op == OP_CONST && in[2].op == OP_GETITEM && T->consts[in[1].a].t == JV_STR)
                    in->op = OP_LOAD_ITEMC;
                break;
            default:
                break;
            }
        }
    }
}
