/*
 * vm.c — the bytecode interpreter.
 *
 * A stack machine. Each code unit (the template's top level, a macro) runs in a frame: its
 * local slots followed by its operand stack, carved from chunks that never move (so pointers
 * into a caller's frame stay valid while a callee runs). Loops keep their state on a separate
 * loop stack; output goes to the innermost buffer of an output stack (captures, macro bodies).
 * Dispatch is computed goto on GCC/Clang, a switch when JINN_SWITCH_DISPATCH is defined
 * (and always when JINN_TRACE is, which prints every instruction to stderr).
 *
 * Nothing here is global: all per-render state is in `vm`, and the template is only read.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "bigint.h"
#include "compile.h"
#include "diag.h"
#include "loader.h"
#include "vm.h"

#if defined(__GNUC__) && !defined(JINN_SWITCH_DISPATCH) && !defined(JINN_TRACE)
#define JINN_COMPUTED_GOTO 1
#endif

typedef struct loopstate {
    value items;      /* owned list */
    size_t i, n;      /* i: items consumed so far (the current item's 1-based index); n: the
                       * length at the start (jinjava) or when loop.length was first asked */
    bool n_known;     /* jinja: n is cached (the loop iterates the live list, as Python does) */
    bool done;        /* the body ran to its end at least once */
    int64_t depth;    /* loop.depth */
    value last;       /* loop.changed's previous arguments, JV_ABSENT at first */
} loopstate;

typedef struct chunk {
    struct chunk *prev;
    size_t cap, used;
    value v[];
} chunk;

typedef struct vm {
    int nloops;
    int nouts;
    int hiouts;              /* outs[0..hiouts-1] have been used (and need freeing) */
    value *root_slots;       /* the top-level frame's slots (macros read template variables) */
    jstr **cur_names;        /* the names table of the template whose code runs */
    /* the frame of the builtin being called (for |render, which sees the caller's variables) */
    const template *bi_T;
    const unit *bi_u;
    value *bi_slots;
    const instr *bi_ip;
    /* template inheritance: the chain from the template rendered to its last ancestor, each
     * with its top-level frame; the parent an `extends` asked for; the blocks being rendered */
    int nchain;
    const template *pending_parent;
    int discard_at;          /* the output buffer `extends` pushed, dropped at the end */
    int nbstack;
    const unit *root_unit;
    prov_memo memo;          /* provider answers of this render */
    /* copy-on-write of the shared (immortal) context: the first mutation copies it once;
     * ovl maps each shared container to its render-local copy */
    struct { const jhdr *from; value to; } *ovl;
    size_t novl, capovl;
    value ctx_copy;
    /* the dict of n (0..KW_CACHE-1) keyword arguments last made for a builtin call's **kwargs
     * (BUILD_DICT before FILTER, TEST, CALL_FN: map(attribute=...), select, ...): made again
     * only when someone else holds it, or it no longer has just the same constant keys */
#define KW_CACHE 5
    value kwc[KW_CACHE];
    /* the same for the list of a builtin call's *args (BUILD_LIST before an empty **kwargs):
     * it keeps the last call's arguments until the next call takes it over. (Both zeroed, not
     * a dict or list, until the first such call.) */
    value args0;
    bool args_kept;          /* args_keep has kept one of kwc or args0 (else none to drop) */
    int depth;               /* macro call depth */
    /* frames whose closures read their variables by reference (OP_MACRO c=1), innermost last:
     * the env list the closures hold is empty while its frame runs (they read `slots`), and
     * gets a copy of the frame's slots when the frame ends (Python's cells, closed) */
    struct { jlist *cells; value *slots; } *envs;
    int nenvs, capenvs;
    uint32_t err_pos;
    const template *err_tmpl;
    bool err_set;
    /* jinjava: the first error collected beside the output (collect_print_error) */
    jinn_error_kind coll_kind;
    uint32_t coll_pos;
    const template *coll_tmpl;
    jbuf coll_msg;
    /* not cleared at the start of a render (vm_render zeroes the fields above): set by
     * vm_render before anything reads them */
    jrt *R;
    const template *T;       /* the template being rendered */
    const value *ctx;        /* the context dict (borrowed) or NULL */
    chunk *stk;              /* frames: slots + operand stack */
    loopstate *loops;
    int caploops;
    jbuf *outs;              /* output stack; outs[0] is the render's output (nouts above) */
    int capouts;
    /* the float whose text is all a capture's buffer holds (print_float_out): outs[fl_out]
     * holds fl_len bytes, fl's repr, when fl_out > 0; a macro's text given to |float is that
     * float (MACRO_FLOAT). -k: capture k is a MACRO_FLOAT call's, its body at depth flt_depth,
     * and has had no float yet. push_out clears it (and the discard buffer's push): a note is
     * read only while the capture it names is the top one, which a push has made since */
    int fl_out, flt_depth;
#define FL_NONE INT_MIN /* fl_out: no note (not 0: -0 would name the render's own output) */
    size_t fl_len;
    double fl;
    /* not cleared either: read only below nchain and nbstack */
    const template *chain[16];
    value *chain_roots[16];
    struct { const template *t; int block, k; } bstack[64];
    /* the first frame chunk, output buffers and loop states live here, on the C stack, so a
     * small render allocates none of them */
    _Alignas(value) char chunk0[sizeof(chunk) + 192 * sizeof(value)];
    jbuf outs0[8];
    loopstate loops0[8];
} vm;

/* ======================================================================================
 * Frames, loops and output buffers
 * ====================================================================================== */

/* n values on the frame stack, the first nclear of them absent (a frame's slots: its operand
 * stack above them is written before it is read, and unwound down to its base) */
static bool frame_chunk(vm *V, size_t n)
{
    size_t cap = n > 256 ? n : 256;
    chunk *k = rt_alloc(V->R, NULL, 0, sizeof(chunk) + cap * sizeof(value));
    if (!k) return false;
    k->prev = V->stk;
    k->cap = cap;
    k->used = 0;
    V->stk = k;
    return true;
}

static inline value *frame_alloc_cleared(vm *V, size_t n, size_t nclear)
{
    chunk *c = V->stk;
    if (!c || c->used + n > c->cap) { /* a new chunk (the one below stays: pointers into it) */
        if (!frame_chunk(V, n)) return NULL;
        c = V->stk;
    }
    value *p = c->v + c->used;
    c->used += n;
    for (size_t i = 0; i < nclear; i++) p[i] = v_absent();
    return p;
}

/* a frame of n values for unit u: its slots unset (the operand stack above them is written
 * before it is read) */
static value *frame_alloc(vm *V, size_t n, const unit *u) { return frame_alloc_cleared(V, n, (size_t)u->nslots); }

static inline void frame_free(vm *V, size_t n)
{
    chunk *c = V->stk;
    c->used -= n;
    if (c->used == 0 && c->prev) {
        V->stk = c->prev;
        rt_alloc(V->R, c, sizeof(chunk) + c->cap * sizeof(value), 0);
    }
}

static bool push_out(vm *V)
{
    if (V->nouts == V->capouts) {
        int cap = V->capouts * 2;
        jbuf *p = rt_alloc(V->R, V->outs == V->outs0 ? NULL : V->outs, V->outs == V->outs0 ? 0 : (size_t)V->capouts * sizeof(jbuf),
                           (size_t)cap * sizeof(jbuf));
        if (!p) return false;
        if (V->outs == V->outs0) memcpy(p, V->outs0, (size_t)V->hiouts * sizeof(jbuf));
        V->outs = p;
        V->capouts = cap;
    }
    if (V->nouts == V->hiouts) { /* a buffer never used: empty */
        memset(&V->outs[V->nouts], 0, sizeof(jbuf));
        V->hiouts++;
    }
    V->outs[V->nouts++].len = 0; /* a buffer from an earlier capture keeps its capacity */
    V->fl_out = FL_NONE;
    return true;
}

/* PRINT of a float: its repr written to o, the top of the output stack; when o was empty, o
 * now holds just that float's text (V->fl_out). When o is the empty capture of a MACRO_FLOAT
 * call, printed by the macro's own body (not a macro it calls) whose next step is its return
 * (last: PRINT's b, fuse.c),
 * the text would be all the macro prints, and is not read: the float is noted, not printed
 * (fl_len 0, which the empty buffer matches). */
static __attribute__((noinline)) bool print_float_out(vm *V, jbuf *o, double d, bool last)
{
    size_t len0 = o->len;
    bool unread = !len0 && last && V->fl_out == -(V->nouts - 1) && V->flt_depth == V->depth;
    if (!unread && !print_float(V->R, o, d)) return false;
    if (!len0) { /* (unread: o->len is 0, which the empty buffer matches) */
        V->fl_out = V->nouts - 1;
        V->fl_len = o->len;
        V->fl = d;
    }
    return true;
}

static value pop_out(vm *V, bool safe)
{
    jbuf *b = &V->outs[--V->nouts];
    value v = v_str(V->R, b->p ? b->p : "", b->len);
    if (v.t == JV_STR && safe) v.f |= JV_SAFE;
    return v;
}

/* ======================================================================================
 * Calls
 * ====================================================================================== */

static bool run(vm *V, const template *T, const unit *u, value *slots);

/* Call a macro: bind positional and keyword arguments to its parameters, run it with its
 * own output buffer, and return what it printed (safe under autoescape, as Jinja2's Markup). */
/* what a macro call does with what the macro prints: make it the call's string, print it
 * where the call is printed ({{ m() }}), or drop it ({% do m() %}) */
enum { MACRO_STRING, MACRO_PRINT, MACRO_DROP,
       MACRO_FLOAT /* its string goes to |float: a float, when all the macro printed is one float's
                    * repr (float(repr(x)) is x; a NaN's sign is not in its repr), else the string */,
       MACRO_MOVE = 4 /* or'ed in: the positional arguments bound to parameters move from pos
                       * into the frame (the caller's operand stack gives them up) */ };
static bool call_macro_to(vm *V, const jfunc *f, value *pos, int npos, jdict *kw, value *out, int mode);

static bool call_macro(vm *V, const jfunc *f, value *pos, int npos, jdict *kw, value *out)
{
    return call_macro_to(V, f, pos, npos, kw, out, MACRO_STRING);
}

/* MACRO_PRINT: the caller prints the result at once, so the macro writes straight into the
 * caller's output (the bytes are the same: a macro's result is printed unescaped); MACRO_DROP:
 * the caller drops the result, so an empty output makes no string (one that is not is made
 * and dropped, as its limits and charges say). With MACRO_MOVE (the VM's own calls), the
 * positional arguments bound to parameters move from pos into the frame (none left there). */
/* A closure by reference (FNF_ENV): copy into the macro's slots the current values of the
 * variables it captured, read in the defining frame's slots as OP_LOAD does (an unset slot
 * falls back to the one it shadows). The frame may still run (V->envs) or have ended (its
 * slots are then in the env list). What no slot holds stays unset: the context's, as a load. */
static inline value resolve(vm *V, value x);
static void closure_read(vm *V, const jfunc *f, value *slots)
{
    const unit *u = f->def;
    const unit *ou = &((const template *)f->owner)->units[u->defined_in];
    jlist *cell = f->self.u.l;
    const value *src = cell->len ? cell->items : NULL;
    for (int i = V->nenvs; !src && i-- > 0;)
        if (V->envs[i].cells == cell) src = V->envs[i].slots;
    if (!src) return;
    for (int i = 0; i < u->ncapt; i++) {
        int s = u->capt_outer[i];
        while (src[s].t == JV_ABSENT && ou->slot_parent[s] >= 0) s = ou->slot_parent[s];
        value v = src[s].t != JV_ABSENT ? resolve(V, val_dup(src[s]))
                : ou->slot_parent[s] == SLOT_MISSING ? v_undef_why(UK_NAME, NULL, ((const template *)f->owner)->names[ou->slot_name[s]])
                : v_absent();
        val_drop(V->R, slots[u->capt_inner[i]]);
        slots[u->capt_inner[i]] = v;
    }
}

/* A macro call's bindings beyond the positional parameters: varargs, kwargs, the closure's
 * variables, caller, the keyword arguments (a function apart: a plain macro has none) */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool bind_rest(vm *V, const jfunc *f, value *pos, int npos, jdict *kw, value *slots)
{
    const unit *u = f->def;
    jrt *R = V->R;
    bool ok = true;
    /* varargs: the extra positional arguments as a tuple; kwargs: the unknown keywords */
    if (u->varargs_slot >= 0) {
        int extra = npos > u->nparams ? npos - u->nparams : 0;
        value t = v_list(R, (size_t)extra);
        ok = t.t != JV_ERROR;
        if (ok) {
            t.f |= JV_TUPLE;
            for (int i = 0; i < extra; i++) t.u.l->items[t.u.l->len++] = val_dup(pos[u->nparams + i]);
            slots[u->varargs_slot] = t;
        }
    }
    if (ok && u->kwargs_slot >= 0) {
        value d = v_dict(R, 0);
        ok = d.t != JV_ERROR;
        if (ok) slots[u->kwargs_slot] = d;
    }
    /* a closure's variables: by reference, the defining frame's slots as they are now (or
     * were when it ended); else a list in f->self, pushed by OP_MACRO */
    if (f->flags & FNF_ENV) closure_read(V, f, slots);
    else if (f->self.t == JV_LIST)
        for (int i = 0; i < u->ncapt && (size_t)i < f->self.u.l->len; i++) {
            val_drop(R, slots[u->capt_inner[i]]);
            slots[u->capt_inner[i]] = val_dup(f->self.u.l->items[i]);
        }
    if (ok && u->caller_slot >= 0) slots[u->caller_slot] = v_undef_msg(R, "no caller: macro '%s' was not called from a call block", u->name->s);
    if (ok && u->caller_slot >= 0 && slots[u->caller_slot].t == JV_ERROR) ok = false;
    if (ok && kw) {
        jentry *e;
        for (size_t i = 0; ok && dict_next(kw, &i, &e);) {
            int k;
            for (k = 0; k < u->nparams; k++)
                if (str_eq(u->param_names[k], e->key.u.s)) break;
            if (k < u->nparams) {
                if (slots[k].t != JV_ABSENT) ok = rt_error(R, JINN_ERR_TYPE, "macro '%s' got multiple values for argument '%s'", u->name->s, e->key.u.s->s);
                else slots[k] = val_dup(e->val);
            } else if (e->key.u.s->len == 6 && !memcmp(e->key.u.s->s, "caller", 6) && u->caller_slot >= 0) {
                val_drop(R, slots[u->caller_slot]);
                slots[u->caller_slot] = val_dup(e->val);
            } else if (u->kwargs_slot >= 0) {
                ok = dict_set(R, slots[u->kwargs_slot].u.m, val_dup(e->key), val_dup(e->val));
            } else {
                ok = rt_error(R, JINN_ERR_TYPE, "macro '%s' takes no keyword argument '%s'", u->name->s, e->key.u.s->s);
            }
        }
    }
    return ok;
}

/* a builtin's argument slots dropped, unrolled: most have one to four (no loop count per slot) */
static inline __attribute__((always_inline)) void drop_args(jrt *R, value *args, int n)
{
    switch (n) {
    default: for (int i = 4; i < n; i++) val_drop(R, args[i]); /* fall through */
    case 4: val_drop(R, args[3]); /* fall through */
    case 3: val_drop(R, args[2]); /* fall through */
    case 2: val_drop(R, args[1]); /* fall through */
    case 1: val_drop(R, args[0]); /* fall through */
    case 0: break;
    }
}

/* keep v (just made for a builtin call's *args or **kwargs) in *keep for the next such call */
static void args_keep(vm *V, value *keep, value v)
{
    val_drop(V->R, *keep);
    *keep = val_dup(v);
    V->args_kept = true;
}

/* a frame's n slots dropped: the end is read once (val_drop's call to free may write any
 * memory, so a bound read through the unit would be read again after each slot) */
static inline void drop_slots(jrt *R, value *slots, int n)
{
    for (value *p = slots, *end = slots + n; p < end; p++) val_drop(R, *p);
}

static bool call_macro_to(vm *V, const jfunc *f, value *pos, int npos, jdict *kw, value *out, int mode)
{
    bool move = mode & MACRO_MOVE;
    mode &= ~MACRO_MOVE;
    bool direct = mode == MACRO_PRINT;
    const unit *u = f->def;
    const template *T = f->owner;
    jrt *R = V->R;
    if ((uint32_t)V->depth >= R->lim->call_depth)
        return rt_limit(R, "call_depth", "macro '%s' called with %u calls already open", u->name->s, R->lim->call_depth);
    if (npos > u->nparams && u->varargs_slot < 0)
        return rt_error(R, JINN_ERR_TYPE, "macro '%s' takes not more than %d argument(s)", u->name->s, u->nparams);
    /* a macro call sets up a frame and its output: worth several loop iterations */
    if (!rt_charge(R, 8)) return false;
    size_t n = (size_t)u->nslots + (size_t)u->max_stack + 1;
    value *slots = frame_alloc_cleared(V, n, 0);
    if (!slots) return false;
    bool ok = true;
    int nbound = npos < u->nparams ? npos : u->nparams;
    if (move) /* the caller's operand stack gives its arguments up (it drops what is left) */
        for (int i = 0; i < nbound; i++) slots[i] = pos[i], pos[i] = v_none();
    else
        for (int i = 0; i < nbound; i++) slots[i] = val_dup(pos[i]);
    for (int i = nbound; i < u->nslots; i++) slots[i] = v_absent(); /* the others: unset */
    if (u->varargs_slot >= 0 || u->kwargs_slot >= 0 || u->caller_slot >= 0 || kw || (f->flags & FNF_ENV) ||
        f->self.t == JV_LIST)
        ok = bind_rest(V, f, pos, npos, kw, slots);
    /* a macro of an imported module reads that module's top-level variables */
    value *saved_root = V->root_slots;
    const unit *saved_unit = V->root_unit;
    const value *saved_ctx = V->ctx;
    if (f->extra.t == JV_LIST) {
        V->root_slots = f->extra.u.l->items;
        V->root_unit = &T->units[0];
        if (f->extra.u.l->len > (size_t)T->units[0].nslots) V->ctx = &f->extra.u.l->items[T->units[0].nslots];
    }
    if (f->flags & FNF_NO_CONTEXT) V->ctx = NULL; /* imported without context: it sees none */
    if (ok && direct) {
        V->depth++;
        ok = run(V, T, u, slots);
        V->depth--;
        *out = v_none();
    } else if (ok && (ok = push_out(V))) {
        V->depth++;
        if (mode == MACRO_FLOAT) { /* armed (print_float_out): this capture, this body */
            V->fl_out = -(V->nouts - 1);
            V->flt_depth = V->depth;
        }
        ok = run(V, T, u, slots);
        V->depth--;
        if (mode == MACRO_DROP && !V->outs[V->nouts - 1].len) {
            V->nouts--;
            *out = v_none();
        } else if (mode == MACRO_FLOAT && ok && V->fl_out == V->nouts - 1 && V->fl_len == V->outs[V->nouts - 1].len) {
            /* (no string is made, so none is charged: docs/limits.md) */
            V->nouts--;
            *out = v_float(isnan(V->fl) ? NAN : V->fl);
        } else {
            value r = pop_out(V, T->autoescape);
            if (ok && r.t == JV_ERROR) ok = false;
            if (ok) *out = r; else val_drop(R, r);
        }
    }
    V->root_slots = saved_root;
    V->root_unit = saved_unit;
    V->ctx = saved_ctx;
    drop_slots(R, slots, u->nslots);
    frame_free(V, n);
    return ok;
}

static bool vm_call(jrt *R, value fn, value *pos, int npos, jdict *kw, value *out)
{
    if (fn.t == JV_FUNC && fn.u.fn->kind == FN_JOINER) {
        /* joiner: "" the first time, the separator after */
        jlist *st = fn.u.fn->self.u.l;
        (void)pos; (void)npos; (void)kw;
        if (!st->items[1].u.i) { st->items[1].u.i = 1; *out = v_str(R, "", 0); }
        else *out = val_dup(st->items[0]);
        return out->t != JV_ERROR;
    }
    if (fn.t == JV_FUNC && fn.u.fn->kind == FN_CYCLER)
        return rt_error(R, JINN_ERR_TYPE, "a cycler is not callable: use .next()");
    if (fn.t == JV_FUNC) {
        if (fn.u.fn->kind == FN_MACRO) return call_macro(R->vm, fn.u.fn, pos, npos, kw, out);
        if (fn.u.fn->kind == FN_NATIVE) return reg_call(R, fn.u.fn->def, pos, npos, kw, out);
        if (fn.u.fn->kind == FN_LOOP) { /* parent(items): the loop again, one level deeper */
            if (npos != 1 || kw) return rt_error(R, JINN_ERR_TYPE, "loop() takes one iterable");
            value *d = dict_get_str(fn.u.fn->self.u.m, "depth", 5);
            value args[2] = {pos[0], v_int(d && d->t == JV_INT ? d->u.i + 1 : 2)};
            return call_macro(R->vm, fn.u.fn->extra.u.fn, args, 2, NULL, out);
        }
        if (fn.u.fn->kind == FN_METHOD) { /* a bound method (|attr): the receiver goes first */
            value small[8], *all = npos < 8 ? small : rt_alloc(R, NULL, 0, ((size_t)npos + 1) * sizeof *all);
            if (!all) return false;
            all[0] = fn.u.fn->self;
            if (npos) memcpy(all + 1, pos, (size_t)npos * sizeof *all);
            bool ok = reg_call(R, fn.u.fn->def, all, npos + 1, kw, out);
            if (all != small) rt_alloc(R, all, ((size_t)npos + 1) * sizeof *all, 0);
            return ok;
        }
    }
    if (fn.t == JV_UNDEF) return val_undef_error(R, fn);
    return rt_error(R, JINN_ERR_TYPE, "'%s' object is not callable", val_type_name(fn));
}

/* ======================================================================================
 * Copy-on-write of the shared context
 * ====================================================================================== */

/* the keyword arguments of a call as a dict (none when nkw is 0): nkw values at kwv, their
 * names in the list *names. False on allocation failure; *kwd is then dropped by the caller
 * only if it is a dict. */
static bool call_kwargs(jrt *R, const value *names, const value *kwv, int nkw, value *kwd)
{
    *kwd = v_none();
    if (!nkw) return true;
    *kwd = v_dict(R, (size_t)nkw);
    if (kwd->t == JV_ERROR) return false;
    for (int i = 0; i < nkw; i++)
        if (!dict_set(R, kwd->u.m, val_dup(names->u.l->items[i]), val_dup(kwv[i]))) return false;
    return true;
}

static bool shared_container(value v)
{
    return (v.t == JV_LIST || v.t == JV_DICT) && v.u.h->rc >= JH_IMMORTAL;
}

static value *ovl_find(vm *V, const jhdr *h)
{
    if (!V->capovl) return NULL;
    size_t mask = V->capovl - 1;
    for (size_t i = ((uintptr_t)h >> 4) & mask;; i = (i + 1) & mask) {
        if (!V->ovl[i].from) return NULL;
        if (V->ovl[i].from == h) return &V->ovl[i].to;
    }
}

static bool ovl_add(vm *V, const jhdr *h, value to)
{
    if ((V->novl + 1) * 2 > V->capovl) {
        size_t cap = V->capovl ? V->capovl * 2 : 64;
        void *old = V->ovl;
        size_t oldcap = V->capovl;
        V->ovl = rt_alloc(V->R, NULL, 0, cap * sizeof *V->ovl);
        if (!V->ovl) { V->ovl = old; return false; }
        memset(V->ovl, 0, cap * sizeof *V->ovl);
        V->capovl = cap;
        V->novl = 0;
        for (size_t i = 0; i < oldcap; i++)
            if (((typeof(V->ovl))old)[i].from) ovl_add(V, ((typeof(V->ovl))old)[i].from, ((typeof(V->ovl))old)[i].to);
        if (old) rt_alloc(V->R, old, oldcap * sizeof *V->ovl, 0);
    }
    size_t mask = V->capovl - 1;
    size_t i = ((uintptr_t)h >> 4) & mask;
    while (V->ovl[i].from) i = (i + 1) & mask;
    V->ovl[i].from = h;
    V->ovl[i].to = to;
    V->novl++;
    return true;
}

/* a render-local deep copy of a shared container (owned), registering every copy */
static value deep_copy(vm *V, value x, int depth)
{
    if (!shared_container(x)) return val_dup(x);
    value *seen = ovl_find(V, x.u.h);
    if (seen) return val_dup(*seen);
    if (depth > 512) { rt_error(V->R, JINN_ERR_LIMIT, "context nested too deeply"); return v_err(); }
    value c = x.t == JV_LIST ? v_list(V->R, x.u.l->len) : v_dict(V->R, 0);
    if (c.t == JV_ERROR) return c;
    c.f = x.f;
    if (!ovl_add(V, x.u.h, c)) { val_drop(V->R, c); return v_err(); }
    if (x.t == JV_LIST) {
        for (size_t i = 0; i < x.u.l->len; i++) {
            value e = deep_copy(V, x.u.l->items[i], depth + 1);
            if (e.t == JV_ERROR || !list_push(V->R, c.u.l, e)) return v_err();
        }
    } else {
        jentry *e;
        for (size_t i = 0; dict_next(x.u.m, &i, &e);) {
            value v = deep_copy(V, e->val, depth + 1);
            if (v.t == JV_ERROR || !dict_set(V->R, c.u.m, val_dup(e->key), v)) return v_err();
        }
    }
    return val_dup(c);
}

/* Python's reference semantics, once the context has its copy: every list and dict of this
 * render that holds an object of the context (appended before any mutation) now holds that
 * object's copy, so the mutation that follows shows through every alias. One pass over the
 * render's live containers (the cycle registry), once per render. */
static void swizzle_aliases(vm *V)
{
    jrt *R = V->R;
    for (jgc *g = R->live.next; g && g != &R->live; g = g->next) {
        jhdr *h = (jhdr *)((char *)g - offsetof(jlist, gc)); /* jdict has its gc at the same place */
        if (h->type == JV_LIST) {
            jlist *l = (jlist *)h;
            for (size_t i = 0; i < l->len; i++) {
                value *c = shared_container(l->items[i]) ? ovl_find(V, l->items[i].u.h) : NULL;
                if (c) l->items[i] = val_dup(*c); /* the original is immortal: nothing to drop */
            }
        } else if (h->type == JV_DICT) {
            jdict *d = (jdict *)h;
            for (size_t i = 0; i < d->used; i++) {
                value *c = shared_container(d->entries[i].val) ? ovl_find(V, d->entries[i].val.u.h) : NULL;
                if (c) d->entries[i].val = val_dup(*c);
            }
        }
    }
    /* a loop over a context list iterates the copy from now on (it sees what is appended) */
    for (int i = 0; i < V->nloops; i++) {
        value *c = shared_container(V->loops[i].items) ? ovl_find(V, V->loops[i].items.u.h) : NULL;
        if (c) V->loops[i].items = val_dup(*c);
    }
}

static bool vm_unshare(jrt *R, value *v, const char *method)
{
    vm *V = R->vm;
    if (V && V->ctx && V->ctx_copy.t != JV_DICT) {
        value c = deep_copy(V, *V->ctx, 0);
        if (c.t == JV_ERROR) return false;
        V->ctx_copy = c;
        V->ctx = &V->ctx_copy;
        swizzle_aliases(V);
    }
    value *copy = V ? ovl_find(V, v->u.h) : NULL;
    if (!copy)
        return rt_error(R, JINN_ERR_TYPE, "cannot %s: the %s is a read-only constant", method, val_type_name(*v));
    uint8_t f = v->f;
    *v = *copy;
    v->f = f;
    return true;
}

/* a value read through a stale reference to a shared container: its render-local copy */
static inline value resolve(vm *V, value x)
{
    if (V->novl && shared_container(x)) {
        value *c = ovl_find(V, x.u.h);
        if (c) return val_dup(*c);
    }
    return x;
}

/* A name that neither a variable nor the context holds: a global function of the registry as
 * a value (Jinja2's globals: {% set f = range %}{{ f(3) }}), else undefined. */
static value global_function(jrt *R, const template *T, jstr *name)
{
    const registry *g = &T->env->reg;
    int i = reg_find(g, BI_FUNCTION, name->s, name->len);
    if (i < 0) return v_undef_why(UK_NAME, NULL, name);
    return v_func(R, FN_NATIVE, reg_row_at(g, BI_FUNCTION, i), name);
}

/* recv.name(pos..., **kw): the receiver's type picks the method (dict, list, str); else an
 * attribute that is callable (a cycler's next, a dict's callable value, a macro of a module) */
/* recv's method m may work in place: recv a plain mutable list or dict (type t), and m the
 * stdlib's (only the stdlib has list and dict methods); the fast cases of list.append
 * (call_method, APPEND_POP) and dict.update (call_method, BUILD_DICT into .update) ask */
static inline bool plain_mutable(const value *recv, int t, const reg_row *m)
{
    return recv->t == t && !recv->f && recv->u.h->rc < JH_IMMORTAL && m && !m->native;
}

static bool call_method(vm *V, const template *T, int name_idx, value *recv, value *posv, int npos, jdict *kw,
                        value *out)
{
    jrt *R = V->R;
    jstr *name = T->names[name_idx];
    /* (a namespace() has no dict methods in Jinja2: its attributes only) */
    int ti = recv->t == JV_DICT ? ((recv->f & JV_NS) && R->profile == PROF_JINJA ? -1 : 0)
           : recv->t == JV_LIST ? 1 : recv->t == JV_STR ? 2 : -1;
    const reg_row *m = ti >= 0 ? T->methods[name_idx].m[ti] : NULL;
    /* list.append(x) on a plain mutable list, the scoring scripts' commonest call: what the
     * stdlib's l_append does, without the generic call (only the stdlib has list methods) */
    if (npos == 1 && !kw && plain_mutable(recv, JV_LIST, m) && name->len == 6 && !memcmp(name->s, "append", 6)) {
        if (!list_push(R, recv->u.l, val_dup(posv[0]))) return false;
        *out = R->profile == PROF_JINJAVA ? v_bool(true) : v_none(); /* Java's List.add is true */
        return true;
    }
    /* d.update(other_dict) on a plain mutable dict, the campaign modules' way to fill a result:
     * the stdlib's d_update (lib_dict_update) without the generic call, whose binding makes an
     * empty **kwargs dict each time (only the stdlib has dict methods) */
    if (npos == 1 && !kw && plain_mutable(recv, JV_DICT, m) && posv[0].t == JV_DICT && posv[0].u.m != recv->u.m &&
        name->len == 6 && !memcmp(name->s, "update", 6)) {
        jentry *e;
        for (size_t i = 0; dict_next(posv[0].u.m, &i, &e);)
            if (!dict_set(R, recv->u.m, val_dup(e->key), val_dup(e->val))) return false;
        *out = v_none();
        return true;
    }
    if (m && posv == recv + 1 && !kw && !m->native && m->sig.varargs < 0 && m->sig.kwargs < 0 &&
        npos + 1 <= m->sig.nslots && npos + 1 >= m->b.nreq) {
        /* the stdlib's method with positional arguments only: bi_call_sig's common binding
         * here (into a copy: a method may replace its receiver slot, op_unshare) */
        value args[BI_MAXPARAMS];
        for (int i = 0; i < m->sig.nslots; i++) args[i] = i <= npos ? recv[i] : v_absent();
        return m->b.fn(R, args, m->sig.nslots, out);
    }
    if (m && posv == recv + 1) return reg_call(R, m, recv, npos + 1, kw, out); /* contiguous on the stack */
    if (m) { /* the arguments came in a list (CALL_EX): the receiver goes first */
        value small[8], *all = npos < 8 ? small : rt_alloc(R, NULL, 0, ((size_t)npos + 1) * sizeof *all);
        if (!all) return false;
        all[0] = *recv;
        if (npos) memcpy(all + 1, posv, (size_t)npos * sizeof *all);
        bool ok = reg_call(R, m, all, npos + 1, kw, out);
        if (all != small) rt_alloc(R, all, ((size_t)npos + 1) * sizeof *all, 0);
        return ok;
    }
    if (recv->t == JV_FUNC && recv->u.fn->kind == FN_CYCLER &&
        ((name->len == 4 && !memcmp(name->s, "next", 4)) || (name->len == 5 && !memcmp(name->s, "reset", 5)))) {
        /* cycler.next() returns the current item and moves on; cycler.reset() goes back */
        jlist *st = recv->u.fn->self.u.l;
        jlist *items = st->items[0].u.l;
        if (name->len == 5) { st->items[1].u.i = 0; *out = v_none(); }
        else { *out = val_dup(items->items[st->items[1].u.i]); st->items[1].u.i = (st->items[1].u.i + 1) % (int64_t)items->len; }
        return true;
    }
    if (recv->t == JV_UNDEF) return val_undef_error(R, *recv);
    value f = op_getattr(R, *recv, name->s, name->len);
    if (f.t == JV_ERROR) return false;
    bool ok;
    if (f.t == JV_UNDEF) ok = val_undef_error(R, f);
    else ok = vm_call(R, f, posv, npos, kw, out);
    val_drop(R, f);
    return ok;
}

/* A macro's attributes, as Jinja2's Macro object has them: name, arguments (its parameters'
 * names), catch_kwargs, catch_varargs, caller (does it use them). JV_ABSENT: no such one. */
static value macro_attr(jrt *R, const jfunc *f, const jstr *name)
{
    const unit *u = f->def;
    if (name->len == 4 && !memcmp(name->s, "name", 4)) return v_str(R, u->name->s, u->name->len);
    if (name->len == 9 && !memcmp(name->s, "arguments", 9)) {
        value t = v_list(R, (size_t)u->nparams);
        if (t.t == JV_ERROR) return t;
        t.f |= JV_TUPLE;
        for (int i = 0; i < u->nparams; i++) {
            value s = {.t = JV_STR};
            s.u.s = u->param_names[i];
            t.u.l->items[t.u.l->len++] = val_dup(s);
        }
        return t;
    }
    if (name->len == 12 && !memcmp(name->s, "catch_kwargs", 12)) return v_bool(u->kwargs_slot >= 0);
    if (name->len == 13 && !memcmp(name->s, "catch_varargs", 13)) return v_bool(u->varargs_slot >= 0);
    if (name->len == 6 && !memcmp(name->s, "caller", 6)) return v_bool(u->caller_slot >= 0);
    return v_absent();
}

/* loop.<field> of L at iteration i (1-based) of n items (end: where `last` is; live: the
 * list's length now) */
static value loop_field_value(const loopstate *L, int field, int64_t i, int64_t n, int64_t end, int64_t live)
{
    switch (field) {
    case LF_INDEX: return v_int(i);
    case LF_INDEX0: return v_int(i - 1);
    case LF_REVINDEX: return v_int(n - i + 1);
    case LF_REVINDEX0: return v_int(n - i);
    case LF_FIRST: return v_bool(i == 1);
    case LF_LAST: return v_bool(i >= end);
    case LF_LENGTH: return v_int(n);
    case LF_PREVITEM: return i >= 2 ? val_dup(L->items.u.l->items[i - 2]) : v_undef();
    case LF_NEXTITEM: return i < end && i < live ? val_dup(L->items.u.l->items[i]) : v_undef();
    case LF_DEPTH: return v_int(L->depth);
    default: return v_int(L->depth - 1);
    }
}

/* ======================================================================================
 * The interpreter loop
 * ====================================================================================== */

static const char *const op_names[] = {
#define OP(name, operands, pops, pushes) #name,
#include "opcodes.h"
#undef OP
};

static bool unpack_error(jrt *R, size_t want, size_t got)
{
    if (got > want) return rt_error(R, JINN_ERR_VALUE, "too many values to unpack (expected %zu)", want);
    return rt_error(R, JINN_ERR_VALUE, "not enough values to unpack (expected %zu, got %zu)", want, got);
}

static bool write_value(jrt *R, jbuf *out, value v, bool escape)
{
    if (v.t == JV_STR) {
        if (escape && !(v.f & JV_SAFE)) return print_escaped(R, out, v_sp(v), v_sl(v));
        return buf_put(R, out, v_sp(v), v_sl(v));
    }
    if (v.t == JV_FLOAT && !(v.f & JV_DEC) && R->profile != PROF_JINJAVA) return print_float(R, out, v.u.d); /* print_value's way */
    if ((R->jv_opts & JINN_JV_PYISH) && (v.t == JV_LIST || v.t == JV_DICT)) { /* JinjavaInterpreter.getAsString */
        jbuf tmp = {0};
        bool ok = print_pyish(R, &tmp, v) && (escape ? print_escaped(R, out, tmp.p ? tmp.p : "", tmp.len)
                                                     : buf_put(R, out, tmp.p ? tmp.p : "", tmp.len));
        buf_free(R, &tmp);
        return ok;
    }
    if (!escape || v.t == JV_INT || v.t == JV_FLOAT || v.t == JV_BOOL || v.t == JV_NONE || v.t == JV_UNDEF)
        return print_str(R, out, v);
    jbuf tmp = {0};
    bool ok = print_str(R, &tmp, v) && print_escaped(R, out, tmp.p ? tmp.p : "", tmp.len);
    buf_free(R, &tmp);
    return ok;
}

/* The variables an included template sees: the render's context, then the variables visible
 * where the include stands (later slots, inner scopes, win). An owned dict. */
static value include_context(vm *V, const unit *u, value *slots)
{
    jrt *R = V->R;
    value d = v_dict(R, 0);
    if (d.t == JV_ERROR) return d;
    jentry *e;
    if (V->ctx)
        for (size_t i = 0; dict_next(V->ctx->u.m, &i, &e);)
            if (!dict_set(R, d.u.m, val_dup(e->key), val_dup(e->val))) { val_drop(R, d); return v_err(); }
    const template *T = V->T;
    (void)T;
    for (int i = 0; i < u->nslots; i++) {
        if (slots[i].t == JV_ABSENT) continue;
        jstr *name = V->cur_names[u->slot_name[i]];
        if (name->s[0] == '(') continue;
        value k = {.t = JV_STR};
        k.u.s = name;
        if (!dict_set(R, d.u.m, val_dup(k), val_dup(slots[i]))) { val_drop(R, d); return v_err(); }
    }
    return d;
}

/* Run a dependency's top level in a frame of its own, with ctx as its context; its output
 * goes to the current buffer (include) or is discarded (import). For an import, *module gets
 * the exports: its top-level variables and macros (each macro keeps the module's variables,
 * so it reads them wherever it is called). */
static bool run_dependency(vm *V, const template *D, const value *ctx, value *module)
{
    jrt *R = V->R;
    const unit *u = &D->units[0];
    if ((uint32_t)V->depth >= R->lim->call_depth)
        return rt_limit(R, "call_depth", "template '%s' included or imported with %u calls already open", D->name, R->lim->call_depth);
    size_t n = (size_t)u->nslots + (size_t)u->max_stack + 1;
    value *slots = frame_alloc(V, n, u);
    if (!slots) return false;
    const value *saved_ctx = V->ctx;
    value *saved_root = V->root_slots;
    const unit *saved_unit = V->root_unit;
    jstr **saved_names = V->cur_names;
    V->ctx = ctx;
    V->root_slots = slots;
    V->root_unit = u;
    V->depth++;
    bool ok = !module || push_out(V);
    if (ok) ok = run(V, D, u, slots);
    if (module) {
        V->nouts--; /* an import's output is dropped */
        if (ok) {
            /* the module's top-level slots, then the context it was imported with (its
             * macros see that one, not their caller's: the importer's variables are in it) */
            value modslots = v_list(R, (size_t)u->nslots + 1);
            value d = v_dict(R, 0);
            ok = modslots.t != JV_ERROR && d.t != JV_ERROR;
            for (int i = 0; ok && i < u->nslots; i++) modslots.u.l->items[modslots.u.l->len++] = val_dup(slots[i]);
            if (ok && ctx) modslots.u.l->items[modslots.u.l->len++] = val_dup(*ctx);
            for (int i = 0; ok && i < u->nslots; i++) {
                value v = slots[i];
                if (!u->slot_root[i] || v.t == JV_ABSENT) continue;
                jstr *name = D->names[u->slot_name[i]];
                if (name->s[0] == '(') continue;
                if (v.t == JV_FUNC && v.u.fn->kind == FN_MACRO && v.u.fn->owner == D) {
                    val_drop(R, v.u.fn->extra);
                    v.u.fn->extra = val_dup(modslots);
                    if (!ctx) v.u.fn->flags |= FNF_NO_CONTEXT;
                }
                value k = {.t = JV_STR};
                k.u.s = name;
                ok = dict_set(R, d.u.m, val_dup(k), val_dup(v));
            }
            val_drop(R, modslots);
            if (ok) *module = d;
            else if (d.t == JV_DICT) val_drop(R, d);
        }
    }
    V->depth--;
    V->ctx = saved_ctx;
    V->root_slots = saved_root;
    V->root_unit = saved_unit;
    V->cur_names = saved_names;
    drop_slots(R, slots, u->nslots);
    frame_free(V, n);
    return ok;
}

/* |render (Jinjava's RenderFilter, interpreter.renderFlat): compile src now and run it with
 * the variables the calling code sees (the context, and the locals of the frame that called
 * the filter); its output is the result. The compiled template lives for this call only.
 * (The environment's lazily built builtin index is only read: the template being rendered
 * was compiled first and built it.) */
static bool vm_render_string(jrt *R, const char *src, size_t len, value *out)
{
    vm *V = R->vm;
    if (!V || !V->bi_u) return rt_error(R, JINN_ERR_VALUE, "render: not inside a render");
    const template *CT = V->bi_T;
    const unit *cu = V->bi_u;
    value *cslots = V->bi_slots;
    diags D;
    template *T = NULL;
    env *E = R->env;
    pthread_mutex_lock(&E->loader_mu); /* it may load templates it includes into the env's cache */
    bool compiled = comp_template(R, E, "<render>", src, len, &T, &D, 0);
    pthread_mutex_unlock(&E->loader_mu);
    if (!compiled) {
        rt_error(R, D.kind ? D.kind : JINN_ERR_SYNTAX, "render: %s", D.text.p ? D.text.p : "the template does not compile");
        diag_free(&D);
        return false;
    }
    diag_free(&D);
    jstr **saved_names = V->cur_names;
    V->cur_names = CT->names;
    value ctx = include_context(V, cu, cslots);
    V->cur_names = saved_names;
    uint32_t pos = cu->pos[V->bi_ip - cu->code];
    bool ok = ctx.t != JV_ERROR && push_out(V);
    if (ok) {
        ok = run_dependency(V, T, &ctx, NULL);
        value s = pop_out(V, false);
        if (ok && s.t != JV_ERROR) *out = s;
        else { if (s.t != JV_ERROR) val_drop(R, s); ok = false; }
    }
    if (ctx.t != JV_ERROR) val_drop(R, ctx);
    /* T goes now: an error in it is reported at the |render that ran it */
    if (!ok && V->err_set && V->err_tmpl == T) { V->err_set = false; V->err_tmpl = NULL; }
    if (V->coll_tmpl == T) { V->coll_tmpl = CT; V->coll_pos = pos; }
    rt_warn_move(R, T, CT, pos); /* so are its warnings (their sites would name a freed template) */
    comp_free(R, T);
    return ok;
}

/* the most derived definition of block `name`, searching the chain from level `from`; sets *k
 * to its level, or returns -1 */
static int find_block(vm *V, const jstr *name, int from, int *k)
{
    for (int i = from; i < V->nchain; i++) {
        const template *C = V->chain[i];
        for (int b = 0; b < C->nblocks; b++)
            if (str_eq(C->blocks[b].name, name)) { *k = i; return b; }
    }
    return -1;
}

/* Render block b of template C (chain level k, or -1 outside the chain) with C's top-level
 * variables; into the current output, or captured into *out. ctx: for scoped blocks. */
static bool render_block(vm *V, const template *C, int b, int k, const value *ctx, value *out)
{
    jrt *R = V->R;
    if (C->blocks[b].flags & 2)
        return rt_error(R, JINN_ERR_SYNTAX, "required block '%s' not found: a template extending '%s' must define it",
                        C->blocks[b].name->s, C->name);
    if (V->nbstack >= 64 || (uint32_t)V->depth >= R->lim->call_depth)
        return rt_limit(R, "call_depth", "blocks nested %d deep", V->nbstack);
    const unit *u = &C->units[C->blocks[b].unit];
    size_t n = (size_t)u->nslots + (size_t)u->max_stack + 1;
    value *slots = frame_alloc(V, n, u);
    if (!slots) return false;
    value *saved_root = V->root_slots;
    const unit *saved_unit = V->root_unit;
    const value *saved_ctx = V->ctx;
    if (k >= 0) { V->root_slots = V->chain_roots[k]; V->root_unit = &C->units[0]; }
    if (ctx) V->ctx = ctx;
    V->bstack[V->nbstack].t = C;
    V->bstack[V->nbstack].block = b;
    V->bstack[V->nbstack++].k = k;
    V->depth++;
    bool ok = !out || push_out(V);
    if (ok) ok = run(V, C, u, slots);
    if (out) {
        value r = pop_out(V, C->autoescape);
        if (ok && r.t != JV_ERROR) *out = r;
        else { val_drop(R, r); ok = false; }
    }
    V->depth--;
    V->nbstack--;
    V->root_slots = saved_root;
    V->root_unit = saved_unit;
    V->ctx = saved_ctx;
    drop_slots(R, slots, u->nslots);
    frame_free(V, n);
    return ok;
}

/* the context a parent template renders with: the context, then the child's top-level
 * variables (Jinja2 exports them: a parent's blocks see what the child set) */
static value parent_context(vm *V, const template *C, value *slots)
{
    jstr **saved = V->cur_names;
    V->cur_names = C->names;
    value d = include_context(V, &C->units[0], slots);
    V->cur_names = saved;
    return d;
}

/* In an inheritance chain the templates' top-level variables (macros included) are part of
 * the context, as in Jinja2: a child's block can call a macro its parent defines. */
static value *chain_lookup(vm *V, const jstr *name)
{
    for (int i = 0; i < V->nchain; i++) {
        const template *C = V->chain[i];
        const unit *u0 = &C->units[0];
        for (int s = 0; s < u0->nslots; s++)
            if (u0->slot_root[s] && V->chain_roots[i][s].t != JV_ABSENT && str_eq(C->names[u0->slot_name[s]], name))
                return &V->chain_roots[i][s];
    }
    return NULL;
}

/* streaming: hand the render's output buffer to the write callback and empty it */
#define STREAM_CHUNK 16384
static bool flush_out(vm *V)
{
    jrt *R = V->R;
    jbuf *b = &V->outs[0];
    if (!b->len) return true;
    if (R->write(R->write_user, b->p, b->len)) return rt_error(R, JINN_ERR_IO, "the output could not be written");
    R->flushed += b->len;
    b->len = 0;
    b->p[0] = 0;
    return true;
}

static bool out_limit(jrt *R)
{
    return rt_limit(R, "output_bytes", "more than %zu bytes of output", R->lim->output_bytes);
}

/* how loop.changed / loop.cycle and friends find their loop */
static loopstate *loop_at(vm *V, int depth) { return &V->loops[V->nloops - 1 - depth]; }

/* Record an error beside the output (the jinjava profile): a warning "name:line:col: kind
 * error: msg[note]", and the first one is what the render fails with when it ends */
static bool collect_as(vm *V, const template *et, uint32_t pos, jinn_error_kind kind, const char *msg, const char *note)
{
    static const char *const kinds[] = {"", "syntax", "undefined", "type", "value"};
    int line, col;
    diag_position(et->src, et->srclen, pos, &line, &col);
    rt_warn(V->R, "%s:%d:%d: %s error: %s%s", et->name, line, col, kind <= JINN_ERR_VALUE ? kinds[kind] : "", msg, note);
    if (V->coll_kind) return true;
    V->coll_kind = kind;
    V->coll_pos = pos;
    V->coll_tmpl = et;
    V->coll_msg.len = 0;
    return buf_puts(V->R, &V->coll_msg, msg);
}

/* The jinjava profile's error collection (reference §8): a type, value or undefined error
 * (not a limit, provider or strict-undefined one) raised while evaluating the expression of a
 * {{ }} makes that {{ }} print nothing, and the render goes on. The instruction that failed
 * belongs to a {{ }} when the next PRINT of its unit starts before it in the source (a PRINT
 * is placed at its '{{', its expression's instructions inside; a statement's come before the
 * next PRINT in both orders). The error becomes a warning "name:line:col: kind error: text",
 * the first one is kept and reported by vm_render when the render ends, with the output.
 * Returns the PRINT's index (the operand stack is empty at a statement: the caller clears
 * it), or -1 to fail. */
static int collect_print_error(vm *V, const template *T, const unit *u, int at)
{
    jrt *R = V->R;
    if (R->err_kind != JINN_ERR_TYPE && R->err_kind != JINN_ERR_VALUE &&
        (R->err_kind != JINN_ERR_UNDEFINED || R->undef_mode == JINN_UNDEFINED_STRICT))
        return -1;
    int k = at + 1;
    while (k < u->ncode && u->code[k].op != OP_PRINT) k++;
    if (k >= u->ncode || u->pos[k] >= u->pos[at]) return -1;
    const template *et = V->err_tmpl ? V->err_tmpl : T;
    if (!collect_as(V, et, V->err_pos, R->err_kind, R->err_msg.p ? R->err_msg.p : "the expression failed (no message)", " (printed empty, as Jinjava does)"))
        return -1;
    R->err_kind = JINN_ERR_NONE;
    R->err_msg.len = 0;
    V->err_set = false;
    V->err_tmpl = NULL;
    return k;
}

/* The env of a frame that makes a closure by reference: an empty list with room for the
 * frame's slots (so closing it cannot fail), registered with the frame's slots in V->envs. */
static value env_open(vm *V, const unit *u, value *slots)
{
    jrt *R = V->R;
    if (V->nenvs == V->capenvs) {
        int cap = V->capenvs ? V->capenvs * 2 : 8;
        void *p = rt_alloc(R, V->envs, (size_t)V->capenvs * sizeof *V->envs, (size_t)cap * sizeof *V->envs);
        if (!p) return v_err();
        V->envs = p;
        V->capenvs = cap;
    }
    value cells = v_list(R, (size_t)u->nslots);
    if (cells.t == JV_ERROR) return cells;
    V->envs[V->nenvs].cells = cells.u.l;
    V->envs[V->nenvs++].slots = slots;
    return cells;
}

/* The frame ends: the closures still holding its cells keep a copy of its slots. */
static void env_close(vm *V, const unit *u, value *slots, value cells)
{
    V->nenvs--;
    if (cells.u.l->h.rc > 1)
        for (int i = 0; i < u->nslots; i++) cells.u.l->items[cells.u.l->len++] = val_dup(slots[i]);
    val_drop(V->R, cells);
}

/* DICT_GET (fuse.c): the stdlib's dict.get (d_get: the value, else the default, else none) of
 * the dict and string key below sp, without the call, the arguments dropped; absent when it is
 * not that (not a dict, a key not a string, a namespace, which has no dict methods in the
 * jinja profile, or a host's own get): the plain CALL_METHOD then; an error: the fuel. Out of
 * run(), which keeps its registers, and charged as the call. */
static value dict_get_op(vm *V, const template *T, const instr *ip, value *sp)
{
    value *recv = sp - ip->c - 1;
    const reg_row *m;
    if (recv->t != JV_DICT || recv[1].t != JV_STR || ((recv->f & JV_NS) && V->R->profile == PROF_JINJA) ||
        !(m = T->methods[ip->a].m[0]) || m->native)
        return v_absent();
    if (!rt_tick(V->R, 1)) return v_err();
    const value *v = dict_get_jstr(recv->u.m, recv[1].u.s);
    value r = v ? val_dup(*v) : ip->c == 2 ? val_dup(recv[2]) : v_none();
    for (value *x = recv; x < sp; x++) val_drop(V->R, *x); /* (after the dup: the dict may go) */
    return r;
}

static bool run(vm *V, const template *T, const unit *u, value *slots)
{
    jrt *R = V->R;
    const instr *code = u->code, *ip = code;
    value *const consts = T->consts;
    value *sp = slots + u->nslots; /* next free operand slot */
    value *base = sp;
    int loop_base = V->nloops;
    value a, b, r;
    const reg_row *bt; /* the builtin FILTER, TEST and CALL_FN call */
    const bool jinjava = R->profile == PROF_JINJAVA;
    /* the jinjava profile's default undefined is chainable: Jinjava's x.y of a missing x is null */
    const bool strict = R->undef_mode == JINN_UNDEFINED_STRICT,
               lenient = R->undef_mode == JINN_UNDEFINED_LENIENT || R->undef_mode == JINN_UNDEFINED_CHAINABLE ||
                         (jinjava && R->undef_mode == JINN_UNDEFINED_DEFAULT);
    const int out_base = V->nouts;
    value cells = v_none(); /* this frame's cells, once a closure by reference needs it */

#ifdef JINN_COMPUTED_GOTO
    static const void *const labels[] = {
#define OP(name, operands, pops, pushes) &&L_##name,
#include "opcodes.h"
#undef OP
    };
#define CASE(name) L_##name:
#define NEXT() do { ip++; goto *labels[ip->op]; } while (0)
#define JUMP(t) do { ip = code + (t); goto *labels[ip->op]; } while (0)
#define DISPATCH() goto *labels[ip->op];
#else
#define CASE(name) case OP_##name:
#define NEXT() do { ip++; goto dispatch; } while (0)
#define JUMP(t) do { ip = code + (t); goto dispatch; } while (0)
#ifdef JINN_TRACE
#define DISPATCH() dispatch: fprintf(stderr, "  %4d %-14s a=%d b=%d c=%d depth=%d\n", (int)(ip - code), op_names[ip->op], ip->a, ip->b, ip->c, (int)(sp - base)); switch (ip->op)
#else
#define DISPATCH() dispatch: switch (ip->op)
#endif
#endif
#define FAIL() goto fail
#define OUT (&V->outs[V->nouts - 1])
#define TICK(n) do { if (!rt_tick(R, (n))) FAIL(); } while (0)
/* StrictUndefined: printing, testing, iterating or comparing an undefined value is an error */
#define STRICT_CHECK(v) do { if (strict && v_strict_undef(v)) { val_undef_error(R, (v)); FAIL(); } } while (0)
/* after a write: the buffer being written may not pass output_bytes */
/* (out_max and streaming are locals: the compiler keeps them across the writes, which may
 * alias anything reached through R) */
#define CHECK_OUT() do { \
        if (!streaming) { if (OUT->len > out_max) { out_limit(R); FAIL(); } } \
        else { if (OUT->len + (V->nouts == 1 ? R->flushed : 0) > out_max) { out_limit(R); FAIL(); } \
               if (V->nouts == 1 && OUT->len >= STREAM_CHUNK && !flush_out(V)) FAIL(); } } while (0)
    const size_t out_max = R->lim->output_bytes;
    const bool streaming = R->write != NULL;
    (void)op_names;

    DISPATCH()
    {
    CASE(TEXT) {
        /* buf_put spelled out on a local: the buffer's fields are not read again after the
         * bytes are stored (a char store may alias them), and the limit check is one compare
         * unless it streams */
        TICK(1);
        jbuf *o = OUT;
        size_t n = T->texts[ip->a].len, len = o->len;
        const char *src = T->src + T->texts[ip->a].off;
        if (len + n + 1 > o->cap && !buf_grow(R, o, n)) FAIL();
        char *p = o->p;
        copy_bytes(p + len, src, n);
        len += n;
        p[len] = 0;
        o->len = len;
        if (streaming || len > out_max) CHECK_OUT();
        NEXT();
    }
    CASE(PRINT) {
        TICK(1);
        a = *--sp;
        if (strict && v_strict_undef(a)) { val_undef_error(R, a); val_drop(R, a); FAIL(); }
        jbuf *o = OUT;
        /* a string to escape goes to print_escaped, a float to print_float, without
         * write_value's call */
        bool ok = a.t == JV_STR && ip->c && !(a.f & JV_SAFE) ? print_escaped(R, o, v_sp(a), v_sl(a))
                : a.t == JV_FLOAT && !(a.f & JV_DEC) && !jinjava ? print_float_out(V, o, a.u.d, ip->b)
                : write_value(R, o, a, ip->c);
        if (!ok) { val_drop(R, a); FAIL(); }
        val_drop(R, a);
        if (streaming || o->len > out_max) CHECK_OUT();
        NEXT();
    }
    op_filter_print: {
        /* FILTER then PRINT, the filter having a text form (bt->text, builtins.h): its bytes
         * go to the output without its result value (no string made to be printed and
         * freed). The ticks, charges, errors and their positions are the two instructions'. */
        TICK(1);
        int n = ip->c;
        value *args = sp - n;
        R->at_tmpl = T; /* where a builtin's warning is */
        R->at_pos = u->pos[ip - code];
        char tb[JTEXT_MIN + JTEXT_PAD];
        const char *s;
        size_t len;
        bool safe;
        int made = bt->text(R, args, n, tb, JTEXT_MIN, &s, &len, &safe);
        if (made < 0) goto op_call_bt_ticked; /* not a case it knows: the call */
        if (!made) FAIL();
        ip++; /* the PRINT */
        TICK(1);
        jbuf *o = OUT;
        bool ok = ip->c && !safe ? print_escaped_padded(R, o, s, len) : buf_put(R, o, s, len);
        drop_args(R, args, n); /* (after the write: the text form's bytes are written out first) */
        sp = args;
        if (!ok) FAIL();
        if (streaming || o->len > out_max) CHECK_OUT();
        NEXT();
    }
    CASE(CONST) /* constants are immortal (comp_template): no reference to take */
        *sp++ = consts[ip->a];
        NEXT();
    CASE(NO_FILTER) {
        int line, col;
        diag_position(T->src, T->srclen, u->pos[ip - code], &line, &col);
        if (ip->c)
            rt_warn(R, "%s:%d:%d: unknown test '%s': none (false), as Jinjava's null", T->name, line, col, T->names[ip->a]->s);
        else
            rt_warn(R, "%s:%d:%d: unknown filter '%s': the jinjava profile prints it empty, as Jinjava does", T->name, line, col,
                    T->names[ip->a]->s);
        *sp++ = v_none();
        NEXT();
    }
    CASE(ABSENT)
        *sp++ = v_absent();
        NEXT();
    CASE(POP)
        val_drop(R, *--sp);
        NEXT();
    CASE(DUP)
        sp[0] = val_dup(sp[-1]);
        sp++;
        NEXT();
    CASE(LOAD)
    op_load: {
        int s = ip->a;
        while (slots[s].t == JV_ABSENT && u->slot_parent[s] >= 0) s = u->slot_parent[s];
        if (slots[s].t != JV_ABSENT) { *sp++ = resolve(V, val_dup(slots[s])); NEXT(); }
        if (u->slot_parent[s] == SLOT_MISSING) { *sp++ = v_undef_why(UK_NAME, NULL, T->names[ip->b]); NEXT(); }
        goto load_global_b;
    }
    CASE(LOAD_ROOT) {
        int s = ip->a;
        const unit *ru = V->root_unit;
        while (V->root_slots[s].t == JV_ABSENT && ru->slot_parent[s] >= 0) s = ru->slot_parent[s];
        if (V->root_slots[s].t != JV_ABSENT) { *sp++ = resolve(V, val_dup(V->root_slots[s])); NEXT(); }
        if (ru->slot_parent[s] == SLOT_MISSING) { *sp++ = v_undef_why(UK_NAME, NULL, T->names[ip->b]); NEXT(); }
        goto load_global_b;
    }
    load_global_b: {
        jstr *name = T->names[ip->b];
        value *v = V->ctx ? dict_get_jstr(V->ctx->u.m, name) : NULL;
        if (!v && V->nchain > 1) v = chain_lookup(V, name);
        if (v) { *sp++ = val_dup(*v); NEXT(); }
        if ((r = global_function(R, T, name)).t == JV_ERROR) FAIL();
        *sp++ = r;
        NEXT();
    }
    CASE(STORE)
        val_drop(R, slots[ip->a]);
        slots[ip->a] = *--sp;
        NEXT();
    CASE(LOAD_GLOBAL)
    op_load_global: {
        jstr *name = T->names[ip->a];
        value *v = V->ctx ? dict_get_jstr(V->ctx->u.m, name) : NULL;
        if (!v && V->nchain > 1) v = chain_lookup(V, name);
        if (v) { *sp++ = val_dup(*v); NEXT(); }
        if ((r = global_function(R, T, name)).t == JV_ERROR) FAIL();
        *sp++ = r;
        NEXT();
    }
    /* the fused forms (fuse.c): the fast case, else the plain first instruction */
    CASE(LOAD_ATTR) {
        value *x = &slots[ip->a];
        if (x->t != JV_DICT || V->novl) goto op_load;
        value *v = dict_get_jstr(x->u.m, T->methods[ip[1].a].key);
        *sp++ = v ? val_dup(*v) : v_undef_why(UK_ATTR, x, T->names[ip[1].a]);
        ip++;
        NEXT();
    }
    CASE(GLOBAL_ATTR) {
        value *x = V->ctx && !V->novl ? dict_get_jstr(V->ctx->u.m, T->names[ip->a]) : NULL;
        if (!x || x->t != JV_DICT) goto op_load_global;
        value *v = dict_get_jstr(x->u.m, T->methods[ip[1].a].key);
        *sp++ = v ? val_dup(*v) : v_undef_why(UK_ATTR, x, T->names[ip[1].a]);
        ip++;
        NEXT();
    }
    CASE(LOAD_ITEMC) {
        value *x = &slots[ip->a], *v;
        if (x->t != JV_DICT || V->novl || !(v = dict_get_jstr(x->u.m, consts[ip[1].a].u.s))) goto op_load;
        *sp++ = val_dup(*v);
        ip += 2;
        NEXT();
    }
    CASE(GETATTR) {
        a = sp[-1] = resolve(V, sp[-1]);
        jstr *name = T->names[ip->a];
        if (a.t == JV_DICT) {
            value *v = dict_get_jstr(a.u.m, T->methods[ip->a].key);
            sp[-1] = v ? val_dup(*v) : v_undef_why(UK_ATTR, &a, name);
            val_drop(R, a);
            NEXT();
        }
        if (a.t == JV_UNDEF) {
            if (lenient) NEXT(); /* ChainableUndefined: x.a.b stays undefined */
            val_undef_error(R, a);
            FAIL();
        }
        if (a.t == JV_FUNC && a.u.fn->kind == FN_MACRO && (r = macro_attr(R, a.u.fn, name)).t != JV_ABSENT) {
            if (r.t == JV_ERROR) FAIL();
            sp[-1] = r;
            val_drop(R, a);
            NEXT();
        }
        if ((a.t == JV_LIST && (a.f & (JV_GROUP | JV_RANGE))) || (a.t == JV_FUNC && (a.u.fn->kind == FN_CYCLER || a.u.fn->kind == FN_LOOP))) {
            r = op_getattr(R, a, name->s, name->len);
            if (r.t == JV_ERROR) FAIL();
            sp[-1] = r;
            val_drop(R, a);
            NEXT();
        }
        sp[-1] = v_undef_why(UK_ATTR, &a, name);
        val_drop(R, a);
        NEXT();
    }
    CASE(GETITEM)
        b = *--sp;
        a = sp[-1] = resolve(V, sp[-1]);
        if (a.t == JV_UNDEF && lenient) { val_drop(R, b); NEXT(); }
        if (a.t == JV_DICT && b.t == JV_STR) {
            value *v = dict_get_jstr(a.u.m, b.u.s);
            if (v) {
                r = val_dup(*v);
                val_drop(R, b);
                val_drop(R, a);
                sp[-1] = r;
                NEXT();
            }
        }
        r = op_getitem(R, a, b);
        val_drop(R, b);
        if (r.t == JV_ERROR) FAIL();
        val_drop(R, a);
        sp[-1] = r;
        NEXT();
    CASE(SLICE)
        a = sp[-4];
        if (!ip->a && R->profile == PROF_JINJA && a.t != JV_LIST && a.t != JV_STR && a.t != JV_UNDEF) {
            if (a.t == JV_DICT && !(a.f & JV_NS)) rt_error(R, JINN_ERR_TYPE, "unhashable type: 'slice'");
            else rt_error(R, JINN_ERR_TYPE, "'%s' object is not subscriptable", val_type_name(a));
            FAIL();
        }
        r = op_slice(R, sp[-4], sp[-3], sp[-2], sp[-1]);
        if (r.t == JV_ERROR) FAIL();
        for (int i = 1; i <= 4; i++) val_drop(R, sp[-i]);
        sp -= 3;
        sp[-1] = r;
        NEXT();
    CASE(BINARY)
        b = sp[-1];
        a = sp[-2];
        if (a.t == JV_INT && b.t == JV_INT && ip->c <= OPB_MUL) {
            int64_t x;
            bool ov = ip->c == OPB_ADD ? __builtin_add_overflow(a.u.i, b.u.i, &x)
                    : ip->c == OPB_SUB ? __builtin_sub_overflow(a.u.i, b.u.i, &x)
                                       : __builtin_mul_overflow(a.u.i, b.u.i, &x);
            if (!ov) {
                sp--;
                sp[-1] = v_int(x);
                NEXT();
            } /* else op_arith makes the big int (or raises jinjava's overflow) */
        } else if (a.t == JV_INT && b.t == JV_INT && (ip->c == OPB_MOD || ip->c == OPB_FLOORDIV) && !jinjava &&
                   b.u.i > 0) {
            /* Python's floor division and modulo, as op_arith (a positive divisor: no zero, no
             * INT64_MIN / -1); jinjava's are Java's */
            int64_t q = a.u.i / b.u.i, m = a.u.i % b.u.i;
            if (m < 0) { q--; m += b.u.i; }
            sp--;
            sp[-1] = v_int(ip->c == OPB_MOD ? m : q);
            NEXT();
        } else if (!jinjava && ip->c <= OPB_DIV && (a.t == JV_FLOAT || b.t == JV_FLOAT) &&
                   (a.t == JV_FLOAT || a.t == JV_INT) && (b.t == JV_FLOAT || b.t == JV_INT)) {
            /* float arithmetic as op_arith does it (an int converted, as Python's float(int)) */
            double x = a.t == JV_FLOAT ? a.u.d : (double)a.u.i, y = b.t == JV_FLOAT ? b.u.d : (double)b.u.i;
            if (ip->c != OPB_DIV || y != 0) {
                sp--;
                sp[-1] = v_float(ip->c == OPB_ADD ? x + y : ip->c == OPB_SUB ? x - y : ip->c == OPB_MUL ? x * y : x / y);
                NEXT();
            }
        }
        if (!op_arith(R, ip->c, a, b, &r)) FAIL();
        val_drop(R, a);
        val_drop(R, b);
        sp--;
        sp[-1] = r;
        NEXT();
    CASE(COMPARE)
    CASE(COMPARE_JUMP)
    CASE(COMPARE_CHAIN) {
        b = sp[-1];
        a = sp[-2];
        bool res;
        int op = ip->c;
        if (R->profile == PROF_JINJAVA) { /* JUEL's loose equality and ordering (ops.c) */
            STRICT_CHECK(a);
            STRICT_CHECK(b);
            if (!op_jv_compare(R, op, a, b, &res)) FAIL();
        } else if (op == OPC_EQ || op == OPC_NE) {
            double x, y;
            if (a.t == JV_INT && b.t == JV_INT) res = a.u.i == b.u.i;
            /* floats, and ints a double holds exactly (NaN is unequal to itself, as Python's) */
            else if ((a.t == JV_FLOAT || b.t == JV_FLOAT) && num_as_exact_double(a, &x) && num_as_exact_double(b, &y)) res = x == y;
            else {
                STRICT_CHECK(a);
                STRICT_CHECK(b);
                if (!val_equal_rt(R, a, b, &res)) FAIL();
            }
            res = res == (op == OPC_EQ);
        } else if (op == OPC_IN || op == OPC_NOTIN) {
            if (!op_contains_strict_ok(R, b, a) || !op_contains(R, b, a, &res)) FAIL();
            if (op == OPC_NOTIN) res = !res;
        } else {
            int cmp;
            double x, y;
            if (a.t == JV_INT && b.t == JV_INT) cmp = a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
            /* floats, and ints a double holds exactly; NaN takes the general path */
            else if (num_as_exact_double(a, &x) && num_as_exact_double(b, &y) && (x == y || x < y || x > y))
                cmp = x < y ? -1 : x > y;
            else if (!val_compare(R, a, b, &cmp, opc_symbol(op))) FAIL();
            switch (op) {
            case OPC_LT: res = cmp == -1; break;
            case OPC_LE: res = cmp == -1 || cmp == 0; break;
            case OPC_GT: res = cmp == 1; break;
            default: res = cmp == 1 || cmp == 0; break;
            }
        }
        if (ip->op == OP_COMPARE) {
            val_drop(R, a);
            val_drop(R, b);
            sp--;
            sp[-1] = v_bool(res);
            NEXT();
        }
        if (ip->op == OP_COMPARE_JUMP) { /* the JUMP_IF_FALSE after it, done */
            val_drop(R, a);
            val_drop(R, b);
            sp -= 2;
            if (!res) JUMP(ip[1].a);
            ip++;
            NEXT();
        }
        val_drop(R, a);
        sp--;
        sp[-1] = b;
        if (res) NEXT();
        val_drop(R, b);
        sp[-1] = v_bool(false);
        JUMP(ip->a);
    }
    CASE(NEG)
    CASE(POS)
        a = sp[-1];
        if (a.t == JV_INT || a.t == JV_BOOL) {
            int64_t x = a.t == JV_BOOL ? a.u.b : a.u.i;
            if (ip->op == OP_NEG) {
                if (x == INT64_MIN) {
                    if (R->profile == PROF_JINJAVA) { rt_overflow(R); FAIL(); }
                    if (!big_neg(R, a, true, &sp[-1])) FAIL();
                    NEXT();
                }
                x = -x;
            }
            sp[-1] = v_int(x);
            NEXT();
        }
        if (a.t == JV_FLOAT) { if (ip->op == OP_NEG) sp[-1].u.d = -a.u.d; NEXT(); } /* a decimal keeps its scale */
        if (a.t == JV_BIG) {
            if (ip->op == OP_POS) NEXT();
            if (!big_neg(R, a, true, &r)) FAIL();
            val_drop(R, a);
            sp[-1] = r;
            NEXT();
        }
        if (a.t == JV_UNDEF) { val_undef_error(R, a); FAIL(); }
        rt_error(R, JINN_ERR_TYPE, "bad operand type for unary %c: '%s'", ip->op == OP_NEG ? '-' : '+', val_type_name(a));
        FAIL();
    CASE(NOT)
        a = sp[-1];
        STRICT_CHECK(a);
        sp[-1] = v_bool(!(a.t == JV_BOOL ? a.u.b : val_truthy(R, a)));
        val_drop(R, a);
        NEXT();
    CASE(JUMP)
        JUMP(ip->a);
    CASE(JUMP_IF_FALSE) {
        a = *--sp;
        if (strict && v_strict_undef(a)) { val_undef_error(R, a); val_drop(R, a); FAIL(); }
        bool t = a.t == JV_BOOL ? a.u.b : val_truthy(R, a); /* (a test's or a not's bool: no call) */
        val_drop(R, a);
        if (!t) JUMP(ip->a);
        NEXT();
    }
    CASE(OR_JUMP)
        STRICT_CHECK(sp[-1]);
        if (sp[-1].t == JV_BOOL ? sp[-1].u.b : val_truthy(R, sp[-1])) JUMP(ip->a);
        val_drop(R, *--sp);
        NEXT();
    CASE(AND_JUMP)
        STRICT_CHECK(sp[-1]);
        if (!(sp[-1].t == JV_BOOL ? sp[-1].u.b : val_truthy(R, sp[-1]))) JUMP(ip->a);
        val_drop(R, *--sp);
        NEXT();
    CASE(BUILD_LIST)
    CASE(BUILD_TUPLE) {
        int n = ip->a;
        if ((ip[1].op == OP_COMPARE || ip[1].op == OP_COMPARE_JUMP) && (ip[1].c == OPC_IN || ip[1].c == OPC_NOTIN) && !jinjava &&
            (!R->lim || (size_t)n <= R->lim->collection_items)) { /* (a longer literal fails the limit) */
            /* `x in [a, b, c]`: the list is only looked into, so it is not made: the same test
             * (op_contains) on a list header over the stacked items */
            jlist tmp;
            memset(&tmp, 0, sizeof tmp);
            tmp.h.rc = JH_IMMORTAL;
            tmp.h.type = JV_LIST;
            tmp.items = sp - n;
            tmp.len = tmp.cap = (size_t)n;
            r = (value){.t = JV_LIST, .f = ip->op == OP_BUILD_TUPLE ? JV_TUPLE : 0};
            r.u.l = &tmp;
            a = sp[-n - 1];
            bool res;
            if (!op_contains_strict_ok(R, r, a) || !op_contains(R, r, a, &res)) { ip++; FAIL(); } /* (at the `in`) */
            if (ip[1].c == OPC_NOTIN) res = !res;
            for (value *x = sp - n - 1; x < sp; x++) val_drop(R, *x);
            sp -= n + 1;
            if (ip[1].op == OP_COMPARE) {
                *sp++ = v_bool(res);
                ip++;
                NEXT();
            }
            if (!res) JUMP(ip[2].a);
            ip += 2;
            NEXT();
        }
        bool args = ip->op == OP_BUILD_LIST && ip[1].op == OP_BUILD_DICT && !ip[1].a &&
                    (ip[2].op == OP_FILTER || ip[2].op == OP_TEST || ip[2].op == OP_CALL_FN);
        if (args && V->args0.t == JV_LIST && V->args0.u.h->rc == 1 && V->args0.u.l->cap >= (size_t)n) {
            /* a builtin's *args: the last call's list again, while nobody else holds it */
            jlist *l = V->args0.u.l;
            size_t old = l->len;
            l->len = 0;
            for (size_t i = 0; i < old; i++) val_drop(R, l->items[i]);
            sp -= n;
            if (n) memcpy(l->items, sp, (size_t)n * sizeof(value));
            l->len = (size_t)n;
            *sp++ = val_dup(V->args0);
            NEXT();
        }
        r = v_list(R, (size_t)n);
        if (r.t == JV_ERROR) FAIL();
        if (args) args_keep(V, &V->args0, r);
        if (ip->op == OP_BUILD_TUPLE) r.f |= JV_TUPLE;
        sp -= n;
        if (n) memcpy(r.u.l->items, sp, (size_t)n * sizeof(value));
        r.u.l->len = (size_t)n;
        *sp++ = r;
        NEXT();
    }
    CASE(MAP_KEY)
        a = sp[-1];
        if (a.t == JV_NONE || a.t == JV_UNDEF) { sp[-1] = val_dup(consts[ip->a]); val_drop(R, a); NEXT(); }
        r = val_to_str(R, a);
        val_drop(R, a);
        sp[-1] = r.t == JV_ERROR ? v_none() : r;
        if (r.t == JV_ERROR) FAIL();
        NEXT();
    CASE(BUILD_DICT) {
        int n = ip->a;
        value *kv = sp - 2 * n;
        bool kwargs = n < KW_CACHE && (ip[1].op == OP_FILTER || ip[1].op == OP_TEST);
        jdict *kd = kwargs && V->kwc[n].t == JV_DICT ? V->kwc[n].u.m : NULL;
        if (kd && kd->h.rc == 1 && kd->used == (size_t)n && kd->len == (size_t)n && !kd->mask) {
            /* a builtin's **kwargs: the last one of these keys again, while nobody else holds
             * it and it has just these keys (constants, in this order), its values replaced */
            int i = 0;
            while (i < n && kv[2 * i].t == JV_STR && kd->entries[i].key.t == JV_STR && kd->entries[i].key.u.s == kv[2 * i].u.s) i++;
            if (i == n) {
                for (i = 0; i < n; i++) {
                    val_drop(R, kv[2 * i]); /* (the same string as the key kept: a constant) */
                    val_drop(R, kd->entries[i].val);
                    kd->entries[i].val = kv[2 * i + 1];
                }
                sp = kv;
                *sp++ = val_dup(V->kwc[n]);
                NEXT();
            }
        }
        if (ip->c && (!R->lim || (size_t)n <= R->lim->collection_items)) {
            /* fuse.c: `d.update({"k": v, ...})`, constant keys: on a plain mutable dict (as
             * call_method's own fast case) the pairs go straight into it, the literal not made */
            value *recv = kv - 1;
            if (plain_mutable(recv, JV_DICT, T->methods[ip[1].a].m[0])) {
                TICK(1);
                bool ok = true;
                for (int i = 0; i < n; i++) {
                    if (ok) ok = dict_set(R, recv->u.m, kv[2 * i], kv[2 * i + 1]);
                    else { val_drop(R, kv[2 * i]); val_drop(R, kv[2 * i + 1]); }
                }
                sp = kv;
                if (!ok) { ip++; FAIL(); } /* (at the call) */
                val_drop(R, *--sp);
                *sp++ = v_none();
                ip++; /* the CALL_METHOD is done */
                NEXT();
            }
        }
        r = v_dict(R, (size_t)n);
        if (r.t == JV_ERROR) FAIL();
        if (ip->b) { /* string constants for keys, none repeated (compile.c): in order */
            jdict *d = r.u.m;
            for (int i = 0; i < n; i++) {
                d->entries[i].key = kv[2 * i];
                d->entries[i].val = kv[2 * i + 1];
                d->entries[i].hash = kv[2 * i].u.s->hash;
            }
            d->used = d->len = (size_t)n;
            sp = kv;
            if (kwargs) args_keep(V, &V->kwc[n], r);
            *sp++ = r;
            NEXT();
        }
        if (dict_put_strs(r.u.m, kv, n)) {
            sp = kv;
            if (kwargs) args_keep(V, &V->kwc[n], r);
            *sp++ = r;
            NEXT();
        }
        for (int i = 0; i < n; i++) {
            if (!val_hashable(kv[2 * i])) {
                rt_error(R, JINN_ERR_TYPE, "unhashable type: '%s'", val_type_name(kv[2 * i]));
                val_drop(R, r);
                FAIL();
            }
        }
        bool ok = true;
        for (int i = 0; i < n; i++) {
            if (ok) ok = dict_set(R, r.u.m, kv[2 * i], kv[2 * i + 1]);
            else { val_drop(R, kv[2 * i]); val_drop(R, kv[2 * i + 1]); }
        }
        sp = kv;
        if (!ok) { val_drop(R, r); FAIL(); }
        *sp++ = r;
        NEXT();
    }
    CASE(TEST_JUMP)
    CASE(TEST) {
        /* x is defined / undefined / none / string / mapping / number / boolean: the stdlib's
         * test (t_defined, ... in stdlib/tests.c) answered from the tag */
        bt = reg_row_at(&T->env->reg, BI_TEST, ip->a);
        if (ip->c != 1 || !(bt->flags & BI_TAG_TEST)) goto op_call_bt;
        TICK(1);
        a = sp[-1];
        unsigned fl = bt->flags;
        bool t = fl & BI_IS_DEFINED ? a.t != JV_UNDEF : fl & BI_IS_UNDEFINED ? a.t == JV_UNDEF : fl & BI_IS_NONE ? a.t == JV_NONE
               : fl & BI_IS_STRING ? a.t == JV_STR : fl & BI_IS_MAPPING ? a.t == JV_DICT && !(a.f & JV_NS)
               : fl & BI_IS_NUMBER ? val_is_number(a) : a.t == JV_BOOL;
        val_drop(R, a);
        t = t != (ip->b != 0);
        if (ip->op == OP_TEST_JUMP) { /* fuse.c: the JUMP_IF_FALSE after it, done */
            sp--;
            if (!t) JUMP(ip[1].a);
            ip++;
            NEXT();
        }
        sp[-1] = v_bool(t);
        NEXT();
    }
    CASE(FILTER) {
        bt = reg_row_at(&T->env->reg, BI_FILTER, ip->a);
        /* StrictUndefined: a filter of an undefined value fails, but for |default */
        if (strict && ip->c && v_strict_undef(sp[-ip->c]) && !(bt->flags & BI_SEES_UNDEFINED)) {
            val_undef_error(R, sp[-ip->c]);
            FAIL();
        }
        if (bt->text && ip[1].op == OP_PRINT) goto op_filter_print;
        goto op_call_bt;
    }
    CASE(CALL_FN)
        bt = reg_row_at(&T->env->reg, BI_FUNCTION, ip->a);
    op_call_bt: {
        /* bt: the row of the filter, test or function; its bound slots are on the stack */
        TICK(1);
    op_call_bt_ticked:;
        int n = ip->c;
        value *args = sp - n;
        R->at_tmpl = T; /* where a builtin's warning is */
        R->at_pos = u->pos[ip - code];
        r = v_none();
        V->bi_T = T, V->bi_u = u, V->bi_slots = slots, V->bi_ip = ip; /* (for |render) */
        bool ok = reg_call_slots(R, bt, args, n, &r);
        V->bi_u = NULL;
        drop_args(R, args, n);
        sp = args;
        if (!ok) FAIL();
        if (ip->b) r = v_bool(!val_truthy(R, r)); /* a negated test (a FILTER's or CALL_FN's b is 0) */
        *sp++ = r;
        NEXT();
    }
    CASE(LOAD_RECV) /* compile.c: the receiver of the APPEND_POP ahead, by its slot */
        if (slots[ip->a].t == JV_ABSENT) goto op_load;
        *sp++ = (value){.t = JV_ABSENT, .u.i = ip->a};
        NEXT();
    CASE(APPEND_POP) {
        value *recv = sp - 2;
        if (recv->t == JV_ABSENT) { /* LOAD_RECV's slot: its list, no reference taken or dropped */
            value *l = &slots[recv->u.i];
            if (!plain_mutable(l, JV_LIST, T->methods[ip->a].m[1]) || V->novl) {
                *recv = resolve(V, val_dup(*l));
                goto op_call;
            }
            TICK(1);
            if (!list_push(R, l->u.l, *--sp)) FAIL(); /* (the item is stolen, kept or dropped) */
            sp--;
            ip++;
            NEXT();
        }
        if (!plain_mutable(recv, JV_LIST, T->methods[ip->a].m[1])) goto op_call;
        TICK(1);
        a = *--sp;
        if (!list_push(R, recv->u.l, a)) FAIL(); /* (a is stolen, kept or dropped) */
        val_drop(R, *--sp);
        ip++;
        NEXT();
    }
    CASE(DICT_GET) /* fuse.c: d.get(k) / d.get(k, default) of a dict and a string key */
        r = dict_get_op(V, T, ip, sp);
        if (r.t == JV_ABSENT) goto op_call;
        if (r.t == JV_ERROR) FAIL();
        sp -= ip->c + 1;
        *sp++ = r;
        NEXT();
    CASE(CALL)
    CASE(CALL_METHOD)
    op_call: {
        TICK(1);
        int npos = ip->c, nkw = ip->b;
        if (!nkw && ip->op == OP_CALL && ip[1].op == OP_PRINT && sp[-npos - 1].t == JV_FUNC &&
            sp[-npos - 1].u.fn->kind == FN_MACRO) {
            /* {{ m(positional arguments) }}: the macro prints straight into this output (as
             * the general way below does, without its keyword dict and its branches) */
            value *callee = sp - npos - 1;
            bool ok = call_macro_to(V, callee->u.fn, callee + 1, npos, NULL, &r, MACRO_PRINT | MACRO_MOVE);
            for (value *x = callee; x < sp; x++) val_drop(R, *x);
            sp = callee;
            if (!ok) FAIL();
            ip++; /* the PRINT that follows is done */
            if (streaming || OUT->len > out_max) CHECK_OUT();
            NEXT();
        }
        value *names = nkw ? sp - 1 : NULL;
        value *kwv = sp - (nkw ? 1 : 0) - nkw;
        value *posv = kwv - npos;
        value *callee = posv - 1;
        value kwd;
        bool ok = call_kwargs(R, names, kwv, nkw, &kwd);
        r = v_none();
        /* a macro, called here with its arguments moved off the stack; printed at once, or
         * dropped ({% do m() %}): the PRINT or POP after it is done here */
        int mode = ok && ip->op == OP_CALL && callee->t == JV_FUNC && callee->u.fn->kind == FN_MACRO
                 ? (ip[1].op == OP_PRINT ? MACRO_PRINT : ip[1].op == OP_POP ? MACRO_DROP : ip->a ? MACRO_FLOAT : MACRO_STRING)
                 : -1;
        if (mode >= 0) {
            ok = call_macro_to(V, callee->u.fn, posv, npos, nkw ? kwd.u.m : NULL, &r, mode | MACRO_MOVE);
        } else if (ok && ip->op == OP_CALL) {
            ok = vm_call(R, *callee, posv, npos, nkw ? kwd.u.m : NULL, &r);
        } else if (ok) {
            ok = call_method(V, T, ip->a, callee, posv, npos, nkw ? kwd.u.m : NULL, &r);
        }
        if (kwd.t == JV_DICT) val_drop(R, kwd);
        for (value *x = callee; x < sp; x++) val_drop(R, *x);
        sp = callee;
        if (!ok) FAIL();
        if (mode == MACRO_PRINT) { ip++; CHECK_OUT(); NEXT(); }
        if (mode == MACRO_DROP) {
            val_drop(R, r); /* (none, or the string of a non-empty output) */
            ip++;
            NEXT();
        }
        *sp++ = r;
        if (r.t == JV_FLOAT && mode == MACRO_FLOAT) { /* the ABSENT and |float after it: done, its tick kept */
            ip += 2;
            TICK(1);
        }
        NEXT();
    }
    CASE(LIST_EXTEND) {
        a = *--sp;
        b = a.t == JV_UNDEF ? v_list(R, 0) : op_to_list(R, a);
        val_drop(R, a);
        if (b.t == JV_ERROR) FAIL();
        jlist *l = sp[-1].u.l;
        bool ok = true;
        for (size_t i = 0; ok && i < b.u.l->len; i++) ok = list_push(R, l, val_dup(b.u.l->items[i]));
        val_drop(R, b);
        if (!ok) FAIL();
        NEXT();
    }
    CASE(DICT_MERGE) {
        a = *--sp;
        if (a.t != JV_DICT) {
            rt_error(R, JINN_ERR_TYPE, "argument after ** must be a mapping, not '%s'", val_type_name(a));
            val_drop(R, a);
            FAIL();
        }
        jentry *e;
        bool ok = true;
        for (size_t i = 0; ok && dict_next(a.u.m, &i, &e);) ok = dict_set(R, sp[-1].u.m, val_dup(e->key), val_dup(e->val));
        val_drop(R, a);
        if (!ok) FAIL();
        NEXT();
    }
    CASE(CALL_EX) {
        TICK(1);
        value *callee = sp - 3;
        jlist *l = sp[-2].u.l;
        jdict *kw = sp[-1].u.m->len ? sp[-1].u.m : NULL;
        r = v_none();
        bool ok = ip->c ? call_method(V, T, ip->a, callee, l->items, (int)l->len, kw, &r)
                        : vm_call(R, *callee, l->items, (int)l->len, kw, &r);
        for (value *x = callee; x < sp; x++) val_drop(R, *x);
        sp = callee;
        if (!ok) FAIL();
        *sp++ = r;
        NEXT();
    }
    CASE(FOR_PREP) {
        a = resolve(V, *--sp);
        if (strict && v_strict_undef(a)) { val_undef_error(R, a); val_drop(R, a); FAIL(); }
        r = R->profile == PROF_JINJAVA ? op_jv_iter(R, a) : op_to_list(R, a); /* jinjava: a dict's values */
        val_drop(R, a);
        if (r.t == JV_ERROR) FAIL();
        if (V->nloops == V->caploops) {
            int cap = V->caploops * 2;
            bool inl = V->loops == V->loops0;
            loopstate *p = rt_alloc(R, inl ? NULL : V->loops, inl ? 0 : (size_t)V->caploops * sizeof(loopstate), (size_t)cap * sizeof(loopstate));
            if (!p) { val_drop(R, r); FAIL(); }
            if (inl) memcpy(p, V->loops0, sizeof V->loops0);
            V->loops = p;
            V->caploops = cap;
        }
        loopstate *L = &V->loops[V->nloops++];
        L->items = r;
        L->i = 0;
        L->n = r.u.l->len;
        L->n_known = jinjava;
        L->last = v_absent();
        L->done = false;
        L->depth = ip->a >= 0 && slots[ip->a].t == JV_INT ? slots[ip->a].u.i : 1;
        NEXT();
    }
    CASE(FOR_ITER_STORE) { /* fuse.c: FOR_ITER, CLEAR, STORE */
        loopstate *L = &V->loops[V->nloops - 1];
        if (jinjava || ip->c || L->i >= L->items.u.l->len) goto op_for_iter;
        TICK(1);
        a = resolve(V, val_dup(L->items.u.l->items[L->i++]));
        if (ip[1].b) /* (most loops' CLEAR is empty: fuse.c's trim_clear) */
            for (value *p = slots + ip[1].a, *end = p + ip[1].b; p < end; p++) { /* (the end read once) */
                val_drop(R, *p);
                *p = v_absent();
            }
        val_drop(R, slots[ip[2].a]);
        slots[ip[2].a] = a;
        ip += 2;
        NEXT();
    }
    CASE(FOR_ITER)
    op_for_iter: {
        TICK(1);
        loopstate *L = &V->loops[V->nloops - 1];
        size_t len = L->items.u.l->len; /* the live length: the body may append or pop */
        if (L->i >= len) JUMP(ip->a);
        if (jinjava && len != L->n) {
            /* Java's list iterator: a list changed inside its for loop stops the loop with
             * an error, collected beside the output (reference §4, §10) */
            if (!collect_as(V, T, u->pos[ip - code], JINN_ERR_VALUE,
                            "Concurrent Modification Error: Cannot modify collection in 'for' loop", ""))
                FAIL();
            JUMP(ip->a);
        }
        a = L->items.u.l->items[L->i++];
        *sp++ = ip->c && a.t == JV_NONE ? v_absent() : resolve(V, val_dup(a));
        NEXT();
    }
    CASE(LOOP_DONE)
        V->loops[V->nloops - 1].done = true;
        NEXT();
    CASE(FOR_END) {
        loopstate *L = &V->loops[--V->nloops];
        bool ran = L->done;
        val_drop(R, L->items);
        val_drop(R, L->last);
        *sp++ = v_bool(ran);
        NEXT();
    }
    CASE(LOOP_ATTR) {
        loopstate *L = loop_at(V, ip->a);
        /* Jinja2's loop.length is the list's length when first asked, then kept; last and
         * nextitem look at the live list */
        int64_t live = (int64_t)L->items.u.l->len;
        bool wants_length = ip->c == LF_REVINDEX || ip->c == LF_REVINDEX0 || ip->c == LF_LENGTH ||
                            ip->c >= LF__COUNT; /* the loop object itself */
        if (!L->n_known && wants_length) {
            L->n = (size_t)live;
            L->n_known = true;
        }
        int64_t i = (int64_t)L->i, n = (int64_t)L->n, end = jinjava ? n : live;
        if (ip->c < LF__COUNT) {
            r = loop_field_value(L, ip->c, i, n, end, live);
        } else {
            /* the loop object itself: a dict of its variables at this iteration */
            r = v_dict(R, 12);
            if (r.t == JV_ERROR) FAIL();
            static const bool in_snapshot[LF__COUNT] = {
#define X(name, str, snap) snap,
                LOOP_FIELDS(X)
#undef X
            };
            for (int k = 0; k < LF__COUNT; k++) {
                if (!in_snapshot[k]) continue;
                value key = v_cstr(R, loop_field_names[k]);
                if (key.t == JV_ERROR || !dict_set(R, r.u.m, key, loop_field_value(L, k, i, n, end, live))) {
                    val_drop(R, r);
                    FAIL();
                }
            }
        }
        *sp++ = r;
        NEXT();
    }
    CASE(LOOP_VALUE) {
        r = v_func(R, FN_LOOP, NULL, NULL);
        if (r.t == JV_ERROR) FAIL();
        r.u.fn->self = *--sp;  /* the snapshot */
        r.u.fn->extra = *--sp; /* the macro */
        *sp++ = r;
        NEXT();
    }
    CASE(LOOP_CYCLE) {
        loopstate *L = loop_at(V, ip->a);
        if (ip->b) { /* loop.cycle(*items): one list of the arguments */
            a = *--sp;
            if (!a.u.l->len) { val_drop(R, a); rt_error(R, JINN_ERR_TYPE, "no items for cycling given"); FAIL(); }
            r = val_dup(a.u.l->items[(L->i ? L->i - 1 : 0) % a.u.l->len]);
            val_drop(R, a);
            *sp++ = r;
            NEXT();
        }
        int n = ip->c;
        value *args = sp - n;
        r = val_dup(args[(L->i ? L->i - 1 : 0) % (size_t)n]);
        for (int i = 0; i < n; i++) val_drop(R, args[i]);
        sp = args;
        *sp++ = r;
        NEXT();
    }
    CASE(LOOP_CHANGED) {
        loopstate *L = loop_at(V, ip->a);
        int n = ip->c;
        value *args = sp - n;
        r = v_list(R, (size_t)n);
        if (r.t == JV_ERROR) FAIL();
        if (n) memcpy(r.u.l->items, args, (size_t)n * sizeof(value));
        r.u.l->len = (size_t)n;
        sp = args;
        bool changed = true;
        if (L->last.t != JV_ABSENT && !val_equal_rt(R, L->last, r, &changed)) { val_drop(R, r); FAIL(); }
        if (L->last.t != JV_ABSENT) changed = !changed;
        val_drop(R, L->last);
        L->last = r;
        *sp++ = v_bool(changed);
        NEXT();
    }
    CASE(LIST_APPEND)
        a = *--sp;
        if (!list_push(R, slots[ip->a].u.l, a)) FAIL();
        NEXT();
    CASE(UNPACK) {
        a = *--sp;
        size_t want = (size_t)ip->a;
        value l = a.t == JV_LIST ? val_dup(a) : op_to_list(R, a);
        val_drop(R, a);
        if (l.t == JV_ERROR) FAIL();
        if (l.u.l->len != want) { unpack_error(R, want, l.u.l->len); val_drop(R, l); FAIL(); }
        for (size_t i = want; i-- > 0;) *sp++ = val_dup(l.u.l->items[i]);
        val_drop(R, l);
        NEXT();
    }
    CASE(CLEAR)
        for (int i = ip->a; i < ip->a + ip->b; i++) {
            val_drop(R, slots[i]);
            slots[i] = v_absent();
        }
        NEXT();
    CASE(LOAD_SETATTR) { /* fuse.c: a namespace in a slot, no overlay; else the plain LOAD */
        value *x = &slots[ip->a];
        if (x->t != JV_DICT || !(x->f & JV_NS) || V->novl) goto op_load;
        value key = {.t = JV_STR};
        key.u.s = T->methods[ip[1].a].key; /* immortal, as the name */
        b = *--sp;
        if (!dict_set(R, x->u.m, key, b)) FAIL();
        ip++;
        NEXT();
    }
    CASE(SETATTR) {
        a = *--sp; /* the object */
        b = *--sp; /* the value */
        if (a.t != JV_DICT || !(a.f & JV_NS)) {
            rt_error(R, JINN_ERR_TYPE, a.t == JV_UNDEF ? "cannot assign attribute '%s' on an undefined value"
                                                      : "cannot assign attribute '%s' on a non-namespace object", T->names[ip->a]->s);
            val_drop(R, a);
            val_drop(R, b);
            FAIL();
        }
        value key = {.t = JV_STR};
        key.u.s = T->methods[ip->a].key; /* immortal, as the name */
        bool ok = dict_set(R, a.u.m, key, b);
        val_drop(R, a);
        if (!ok) FAIL();
        NEXT();
    }
    CASE(CAPTURE)
        if (!push_out(V)) FAIL();
        NEXT();
    CASE(CAPTURE_END)
        r = pop_out(V, ip->c);
        if (r.t == JV_ERROR) FAIL();
        *sp++ = r;
        NEXT();
    CASE(MACRO) {
        r = v_func(R, FN_MACRO, &T->units[ip->a], T->units[ip->a].name);
        if (r.t == JV_ERROR) FAIL();
        jfunc *f = r.u.fn;
        f->owner = T;
        if (ip->c) { /* a closure reading this frame's variables by reference */
            if (cells.t != JV_LIST && (cells = env_open(V, u, slots)).t == JV_ERROR) { cells = v_none(); val_drop(R, r); FAIL(); }
            f->self = val_dup(cells);
            f->flags |= FNF_ENV;
        } else if (ip->b) { /* the closure's values, as the definition saw them (a recursive loop's own) */
            value cl = v_list(R, (size_t)ip->b);
            if (cl.t == JV_ERROR) { val_drop(R, r); FAIL(); }
            sp -= ip->b;
            for (int i = 0; i < ip->b; i++) cl.u.l->items[cl.u.l->len++] = sp[i];
            f->self = cl;
        }
        *sp++ = r;
        NEXT();
    }
    CASE(JUMP_IF_SET)
        if (slots[ip->b].t != JV_ABSENT) JUMP(ip->a);
        NEXT();
    CASE(FAIL)
        rt_error(R, JINN_ERR_UNDEFINED, "%s", v_sp(consts[ip->a]));
        FAIL();
    CASE(INSERT)
        a = sp[-1];
        R->at_tmpl = T; /* a missing answer warns here */
        R->at_pos = u->pos[ip - code];
        if (!prov_lookup(R, &T->env->prov, &V->memo, ip->c & 3, ip->c & 0x80, a, &r)) FAIL();
        val_drop(R, a);
        sp[-1] = r;
        NEXT();
    CASE(INCLUDE) {
        const template *D = T->deps ? T->deps[ip->a < 0 ? 0 : ip->a] : NULL;
        if (ip->c & IMP_DYNAMIC) {
            bool skipped;
            a = *--sp;
            D = loader_runtime(T->env, R, a, ip->c & IMP_IGNORE_MISSING, &skipped);
            val_drop(R, a);
            if (skipped) NEXT();
            if (!D) FAIL();
        }
        value ctxd = v_none();
        if (!(ip->c & IMP_NO_CONTEXT)) {
            V->cur_names = T->names;
            ctxd = include_context(V, u, slots);
            if (ctxd.t == JV_ERROR) FAIL();
        }
        bool ok = run_dependency(V, D, ctxd.t == JV_DICT ? &ctxd : NULL, NULL);
        val_drop(R, ctxd);
        if (!ok) FAIL();
        CHECK_OUT();
        NEXT();
    }
    CASE(IMPORT) {
        const template *D = T->deps ? T->deps[ip->a < 0 ? 0 : ip->a] : NULL;
        if (ip->c & IMP_DYNAMIC) {
            bool skipped;
            a = *--sp;
            D = loader_runtime(T->env, R, a, false, &skipped);
            val_drop(R, a);
            if (!D) FAIL();
        }
        value ctxd = v_none();
        if (ip->c & IMP_CONTEXT) {
            V->cur_names = T->names;
            ctxd = include_context(V, u, slots);
            if (ctxd.t == JV_ERROR) FAIL();
        }
        r = v_none();
        bool ok = run_dependency(V, D, ctxd.t == JV_DICT ? &ctxd : NULL, &r);
        val_drop(R, ctxd);
        if (!ok) FAIL();
        *sp++ = r;
        NEXT();
    }
    CASE(EXTENDS) {
        const template *D = T->deps ? T->deps[ip->a < 0 ? 0 : ip->a] : NULL;
        if (ip->c & IMP_DYNAMIC) {
            bool skipped;
            a = *--sp;
            D = loader_runtime(T->env, R, a, false, &skipped);
            val_drop(R, a);
            if (!D) FAIL();
        }
        if (V->pending_parent) { rt_error(R, JINN_ERR_SYNTAX, "'extends' used twice in one template"); FAIL(); }
        if (V->nchain >= 16) { rt_limit(R, "call_depth", "templates extended more than 16 deep"); FAIL(); }
        V->pending_parent = D;
        if (!push_out(V)) FAIL(); /* the rest of this top level prints nothing */
        V->discard_at = V->nouts - 1;
        NEXT();
    }
    CASE(CONCAT_AE) {
        b = sp[-1];
        a = sp[-2];
        int ae = R->autoescape;
        R->autoescape = ip->c;
        bool ok = op_arith(R, OPB_CONCAT, a, b, &r);
        R->autoescape = ae;
        if (!ok) FAIL();
        val_drop(R, a);
        val_drop(R, b);
        sp--;
        sp[-1] = r;
        NEXT();
    }
    CASE(JUMP_IF_EXTENDED)
        if (V->pending_parent) JUMP(ip->a);
        NEXT();
    CASE(UNGUARD) {
        /* the dropped buffer's slot is free meanwhile: a capture may reuse it (its text is
         * dropped anyway), so coming back it starts empty */
        if (!ip->c && V->pending_parent && V->nouts - 1 == V->discard_at) V->nouts--;
        else if (ip->c && V->pending_parent && V->nouts == V->discard_at) V->outs[V->nouts++].len = 0, V->fl_out = FL_NONE;
        NEXT();
    }
    CASE(BLOCK) {
        /* an extending template's blocks render in its parent (a block not at its top level
         * renders here too, in Jinja2: UNGUARD or a capture around it) */
        if (V->pending_parent && V->nouts - 1 == V->discard_at) NEXT();
        int k = -1, blk = find_block(V, T->blocks[ip->a].name, 0, &k);
        const template *C = blk >= 0 ? V->chain[k] : T;
        if (blk < 0) blk = ip->a;
        value ctxd = v_none();
        if (ip->c) {
            V->cur_names = T->names;
            ctxd = include_context(V, u, slots);
            if (ctxd.t == JV_ERROR) FAIL();
        }
        bool ok = render_block(V, C, blk, k, ctxd.t == JV_DICT ? &ctxd : NULL, NULL);
        val_drop(R, ctxd);
        if (!ok) FAIL();
        CHECK_OUT();
        NEXT();
    }
    CASE(SUPER) {
        int cur = V->nbstack - 1, k = -1, blk = -1;
        if (cur >= 0 && V->bstack[cur].k >= 0) blk = find_block(V, T->blocks[ip->a].name, V->bstack[cur].k + 1, &k);
        if (blk < 0) { rt_error(R, JINN_ERR_UNDEFINED, "super(): no parent template defines block '%s'", T->blocks[ip->a].name->s); FAIL(); }
        r = v_none();
        if (!render_block(V, V->chain[k], blk, k, NULL, &r)) FAIL();
        *sp++ = r;
        NEXT();
    }
    CASE(SELF_BLOCK) {
        int k = -1, blk = find_block(V, T->names[ip->a], 0, &k);
        const template *C = V->chain[k >= 0 ? k : 0];
        if (blk < 0) {
            for (int i = 0; i < T->nblocks; i++) if (str_eq(T->blocks[i].name, T->names[ip->a])) { blk = i; C = T; }
            if (blk < 0) { rt_error(R, JINN_ERR_UNDEFINED, "self.%s(): there is no block '%s'", T->names[ip->a]->s, T->names[ip->a]->s); FAIL(); }
        }
        r = v_none();
        if (!render_block(V, C, blk, k, NULL, &r)) FAIL();
        *sp++ = r;
        NEXT();
    }
    CASE(RETURN)
        if (cells.t == JV_LIST) env_close(V, u, slots, cells);
        return true;
    }
#ifndef JINN_COMPUTED_GOTO
    rt_error(R, JINN_ERR_TYPE, "internal error: bad opcode %d", ip->op);
#endif
fail:
    if (!V->err_set) {
        V->err_set = true;
        V->err_pos = u->pos[ip - code];
        V->err_tmpl = T;
    }
    if (jinjava) {
        /* Jinjava collects errors beside the output: a failing {{ }} prints nothing and the
         * render goes on (collect_print_error); anything else fails the render, and a frame
         * that fails gives back the output buffers it opened (a capture cut short) */
        int k = collect_print_error(V, T, u, (int)(ip - code));
        if (k >= 0) {
            while (sp > base) val_drop(R, *--sp);
            ip = code + k;
            NEXT();
        }
        V->nouts = out_base;
    }
    /* unwind this frame's operand stack and loops */
    while (sp > base) val_drop(R, *--sp);
    while (V->nloops > loop_base) {
        loopstate *L = &V->loops[--V->nloops];
        val_drop(R, L->items);
        val_drop(R, L->last);
    }
    if (cells.t == JV_LIST) env_close(V, u, slots, cells);
    return false;
#undef CASE
#undef NEXT
#undef JUMP
#undef DISPATCH
#undef FAIL
#undef OUT
#undef TICK
#undef CHECK_OUT
#undef STRICT_CHECK
}

/* the top-level variables of a finished render as a JSON object (what JSON can hold) */
static bool export_slots(vm *V, const template *T, value *slots, jbuf *ex)
{
    jrt *R = V->R;
    const unit *u = &T->units[0];
    ex->len = 0;
    bool ok = buf_putc(R, ex, '{');
    bool first = true;
    for (int i = 0; ok && i < u->nslots; i++) {
        value v = slots[i];
        if (!u->slot_root[i] || v.t == JV_ABSENT || v.t == JV_UNDEF || v.t == JV_FUNC) continue;
        v = resolve(V, val_dup(v)); /* a shared context value this render changed: its copy */
        jstr *name = T->names[u->slot_name[i]];
        if (name->s[0] == '(') continue; /* hidden compiler slots */
        jbuf one = {0};
        bool fits = value_to_json(R, &one, v, -1, false);
        val_drop(R, v);
        if (!fits) { R->err_kind = JINN_ERR_NONE; buf_free(R, &one); continue; }
        value k = {.t = JV_STR};
        k.u.s = name;
        ok = (first || buf_put(R, ex, ", ", 2)) && value_to_json(R, ex, k, -1, false) && buf_put(R, ex, ": ", 2) &&
             buf_put(R, ex, one.p, one.len);
        first = false;
        buf_free(R, &one);
    }
    return ok && buf_putc(R, ex, '}');
}

/* A session's render (jinn_session): the top-level variables it set become the session's,
 * as live values (shared objects stay shared; macros are not kept). */
static bool session_keep(vm *V, const template *T, value *slots)
{
    jrt *R = V->R;
    const unit *u = &T->units[0];
    for (int i = 0; i < u->nslots; i++) {
        value v = slots[i];
        if (!u->slot_root[i] || v.t == JV_ABSENT || v.t == JV_UNDEF || v.t == JV_FUNC) continue;
        jstr *name = T->names[u->slot_name[i]];
        if (name->s[0] == '(') continue; /* hidden compiler slots */
        value k = v_str(R, name->s, name->len);
        if (k.t == JV_ERROR || !dict_set(R, R->session_vars->u.m, k, resolve(V, val_dup(v)))) return false;
    }
    return true;
}

bool vm_render(jrt *R, const template *T, const value *ctx, jbuf *out, uint32_t *err_pos, const template **err_tmpl,
               jbuf *exports)
{
    vm V;
    memset(&V, 0, offsetof(vm, R));
    chunk *c0 = (chunk *)V.chunk0;
    c0->prev = NULL;
    c0->cap = 192;
    c0->used = 0;
    V.stk = c0;
    V.outs = V.outs0;
    V.capouts = 8;
    V.loops = V.loops0;
    V.caploops = 8;
    V.R = R;
    V.T = T;
    V.ctx = ctx && ctx->t == JV_DICT ? ctx : NULL;
    V.ctx_copy = v_none();
    V.fl_out = FL_NONE;
    V.flt_depth = 0;
    R->vm = &V;
    static const rt_services services = {vm_call, vm_unshare, vm_render_string};
    R->svc = &services;
    const unit *u = &T->units[0];
    /* the first output is the caller's buffer: the render writes straight into it (set here,
     * not by push_out: the first of outs0 is always free) */
    V.outs[0] = *out;
    V.nouts = V.hiouts = 1;
    bool ok = true;
    size_t n = (size_t)u->nslots + (size_t)u->max_stack + 1;
    value *slots = frame_alloc(&V, n, u);
    if (slots) {
        V.root_slots = slots;
        V.root_unit = u;
        V.chain[0] = T;
        V.chain_roots[0] = slots;
        V.nchain = 1;
        ok = run(&V, T, u, slots);
        /* {% extends %}: the parent renders now (and its parent after it) */
        value *pframes[16];
        size_t psizes[16];
        value parctx[16];
        int nparents = 0;
        while (ok && V.pending_parent) {
            const template *P = V.pending_parent;
            V.pending_parent = NULL;
            V.nouts--; /* drop what the extending top level printed after `extends` */
            const unit *pu = &P->units[0];
            size_t pn = (size_t)pu->nslots + (size_t)pu->max_stack + 1;
            value *ps = frame_alloc(&V, pn, pu);
            if (!ps) { ok = false; break; }
            parctx[nparents] = parent_context(&V, V.chain[V.nchain - 1], V.chain_roots[V.nchain - 1]);
            pframes[nparents] = ps;
            psizes[nparents++] = pn;
            if (parctx[nparents - 1].t == JV_ERROR) { ok = false; break; }
            V.chain[V.nchain] = P;
            V.chain_roots[V.nchain++] = ps;
            V.ctx = &parctx[nparents - 1];
            V.root_slots = ps;
            V.root_unit = pu;
            ok = run(&V, P, pu, ps);
        }
        while (nparents > 0) {
            nparents--;
            const unit *pu = &V.chain[nparents + 1]->units[0];
            drop_slots(R, pframes[nparents], pu->nslots);
            val_drop(R, parctx[nparents]);
            frame_free(&V, psizes[nparents]);
        }
        if (ok && R->write) ok = flush_out(&V);
        *out = V.outs[0];
        if (ok && exports) ok = export_slots(&V, T, slots, exports);
        if (ok && R->session_vars) ok = session_keep(&V, T, slots);
        /* capture buffers (pooled across captures) */
        for (int i = 1; i < V.hiouts; i++) buf_free(R, &V.outs[i]);
        drop_slots(R, slots, u->nslots);
        frame_free(&V, n);
    } else {
        ok = false;
    }
    if (V.memo.answers) prov_memo_free(R, &V.memo); /* (a render that asked no provider has none) */
    for (size_t i = 0; i < V.capovl; i++)
        if (V.ovl[i].from) val_drop(R, V.ovl[i].to);
    if (V.ovl) rt_alloc(R, V.ovl, V.capovl * sizeof *V.ovl, 0);
    if (V.envs) rt_alloc(R, V.envs, (size_t)V.capenvs * sizeof *V.envs, 0);
    val_drop(R, V.ctx_copy);
    if (V.args_kept) {
        for (int i = 0; i < KW_CACHE; i++) val_drop(R, V.kwc[i]);
        val_drop(R, V.args0);
    }
    if (R->session_live) rt_live_move(R, R->session_live); /* the session's now (and its cycles) */
    else rt_collect(R); /* containers kept alive only by a cycle (l.append(l)) */
    while (V.stk && V.stk != c0) { chunk *c = V.stk; V.stk = c->prev; rt_alloc(R, c, sizeof(chunk) + c->cap * sizeof(value), 0); }
    if (V.loops != V.loops0) rt_alloc(R, V.loops, (size_t)V.caploops * sizeof(loopstate), 0);
    if (V.outs != V.outs0) rt_alloc(R, V.outs, (size_t)V.capouts * sizeof(jbuf), 0);
    R->vm = NULL;
    R->svc = NULL;
    if (ok && V.coll_kind) {
        /* jinjava: the render went on past errors in {{ }}; it fails with the first of them
         * (the others are warnings), and the caller keeps the output */
        R->err_kind = V.coll_kind;
        R->err_msg.len = 0;
        buf_put(R, &R->err_msg, V.coll_msg.p ? V.coll_msg.p : "", V.coll_msg.len);
        V.err_set = true;
        V.err_pos = V.coll_pos;
        V.err_tmpl = V.coll_tmpl;
        ok = false;
    }
    if (V.coll_msg.p) buf_free(R, &V.coll_msg);
    if (!ok) {
        *err_pos = V.err_set ? V.err_pos : 0;
        *err_tmpl = V.err_tmpl ? V.err_tmpl : T;
    }
    return ok;
}
