/*
 * registry.c — the environment's builtins (see registry.h): built from the stdlib's tables,
 * extended by the embedder, looked up by name at compile time and by row at run time.
 */
#include <stdlib.h>

#include "env.h"
#include "../stdlib/std.h"

static const char *const params_for_native[BI__KINDS] = {
    [BI_FILTER] = "value *args **kwargs",
    [BI_TEST] = "value *args **kwargs",
    [BI_FUNCTION] = "*args **kwargs",
};

/* Python's markers in a parameter list, as a method's is written (stdlib/methods.c):
 * `/` ends the positional-only parameters and is no slot; a bare `*` starts the
 * keyword-only ones and stays a slot (bi_parse_sig makes it the *args slot, which keeps the
 * VM's positional fast path and bi_call_sig's binding away from the row). */
static void python_markers(reg_row *r)
{
    bi_sig *sig = &r->sig;
    r->posonly = r->kwonly = -1;
    r->bracketed = false;
    for (int i = 0; i < sig->nslots; i++) {
        /* `[start end]`: the names without their brackets */
        if (sig->lens[i] > 1 && sig->names[i][0] == '[') { sig->names[i]++; sig->lens[i]--; r->bracketed = true; }
        if (sig->lens[i] > 1 && sig->names[i][sig->lens[i] - 1] == ']') sig->lens[i]--;
        if (sig->lens[i] != 1) continue;
        if (sig->names[i][0] == '*') r->kwonly = (int8_t)i;
        if (sig->names[i][0] != '/') continue;
        r->posonly = (int8_t)i;
        for (int j = i; j + 1 < sig->nslots; j++) {
            sig->names[j] = sig->names[j + 1];
            sig->lens[j] = sig->lens[j + 1];
        }
        sig->nslots--;
        if (sig->varargs > i) sig->varargs--;
        if (sig->kwargs > i) sig->kwargs--;
        i--;
    }
    if (r->bracketed && r->posonly < 0) r->posonly = (int8_t)sig->nslots;
}

/* the name index entry of row k->n, just stored */
static bool index_row(jrt *R, struct reg_kind *k, reg_row *r)
{
    bi_parse_sig(&r->b, &r->sig);
    python_markers(r);
    /* the index is the environment's, not a render's: no collection limit applies to it */
    const jinn_limits *lim = R->lim;
    R->lim = NULL;
    value key = v_cstr(R, r->b.name);
    bool ok = key.t != JV_ERROR && dict_set(R, k->index, key, v_int(k->n));
    R->lim = lim;
    if (!ok) return false;
    k->n++;
    return true;
}

bool reg_init(jrt *R, registry *g)
{
    memset(g, 0, sizeof *g);
    for (int kind = 0; kind < BI__KINDS; kind++) {
        struct reg_kind *k = &g->k[kind];
        value d = v_dict(R, 0);
        if (d.t == JV_ERROR) return false;
        k->index = d.u.m;
        int n = 0;
        for (const jbuiltin *b = std_table((bi_kind)kind); b->name; b++) n++;
        k->base = rt_alloc(R, NULL, 0, (size_t)(n ? n : 1) * sizeof *k->base);
        if (!k->base) return false;
        k->nbase = n;
        for (const jbuiltin *b = std_table((bi_kind)kind); b->name; b++) {
            reg_row *r = &k->base[k->n];
            *r = (reg_row){.b = *b, .flags = std_row_flags((bi_kind)kind, b),
                            .text = std_row_text((bi_kind)kind, b), .kind = (bi_kind)kind, .index = k->n};
            if (!index_row(R, k, r)) return false;
        }
    }
    g->percent = reg_find(g, BI_FILTER, "format", 6);
    return true;
}

void reg_free(jrt *R, registry *g)
{
    for (int kind = 0; kind < BI__KINDS; kind++) {
        struct reg_kind *k = &g->k[kind];
        for (int i = 0; i < k->n - k->nbase; i++) {
            reg_row *r = k->extra[i];
            if (r->native->destroy) r->native->destroy(r->native->user);
            rt_alloc(R, r->native, sizeof *r->native, 0);
            rt_alloc(R, r->owned_name, strlen(r->owned_name) + 1, 0);
            rt_alloc(R, r, sizeof *r, 0);
        }
        if (k->extra) rt_alloc(R, k->extra, (size_t)k->capextra * sizeof *k->extra, 0);
        if (k->base) rt_alloc(R, k->base, (size_t)(k->nbase ? k->nbase : 1) * sizeof *k->base, 0);
        if (k->index) { value d = {.t = JV_DICT}; d.u.m = k->index; val_drop(R, d); }
    }
    memset(g, 0, sizeof *g);
}

int reg_find(const registry *g, bi_kind kind, const char *name, size_t len)
{
    if (!g->k[kind].index || memchr(name, 0, len)) return -1;
    value *i = dict_get_str(g->k[kind].index, name, len);
    return i ? (int)i->u.i : -1;
}

jinn_status reg_add_native(jrt *R, registry *g, bi_kind kind, const char *name, const reg_native *n)
{
    struct reg_kind *k = &g->k[kind];
    int i = reg_find(g, kind, name, strlen(name));
    if (i >= 0 && reg_row_at(g, kind, i)->native) { /* re-registering replaces the callback */
        reg_native *old = reg_row_at(g, kind, i)->native;
        if (old->destroy) old->destroy(old->user);
        *old = *n;
        return JINN_OK;
    }
    if (k->n - k->nbase == k->capextra) {
        int cap = k->capextra ? k->capextra * 2 : 8;
        reg_row **p = rt_alloc(R, k->extra, (size_t)k->capextra * sizeof *p, (size_t)cap * sizeof *p);
        if (!p) return JINN_NOMEM;
        k->extra = p;
        k->capextra = cap;
    }
    reg_row *r = rt_alloc(R, NULL, 0, sizeof *r);
    reg_native *nat = r ? rt_alloc(R, NULL, 0, sizeof *nat) : NULL;
    char *nm = nat ? rt_alloc(R, NULL, 0, strlen(name) + 1) : NULL;
    if (!nm) {
        if (nat) rt_alloc(R, nat, sizeof *nat, 0);
        if (r) rt_alloc(R, r, sizeof *r, 0);
        return JINN_NOMEM;
    }
    memcpy(nm, name, strlen(name) + 1);
    *nat = *n;
    *r = (reg_row){.b = {nm, NULL, params_for_native[kind], 0}, .flags = BI_SEES_UNDEFINED, .native = nat,
                   .owned_name = nm, .kind = kind, .index = k->n};
    k->extra[k->n - k->nbase] = r;
    if (!index_row(R, k, r)) { /* not counted: give it back */
        rt_alloc(R, nm, strlen(nm) + 1, 0);
        rt_alloc(R, nat, sizeof *nat, 0);
        rt_alloc(R, r, sizeof *r, 0);
        return JINN_NOMEM;
    }
    return JINN_OK;
}

/* ---- a method's arguments, bound as Python binds them --------------------------------------
 * Python's methods of dict, list and str take no keyword for most parameters
 * (`d.get('a', default=2)` is a TypeError), list.sort takes only keywords, and each kind of
 * method words its arity errors its own way; the jinja profile follows them all. The
 * jinjava profile keeps the generic binding: a keyword for any parameter, positional ones in
 * order (the keyword-only ones too). The VM calls a method with positional arguments that
 * fit straight; every other call comes here. */

/* Python's words when the positional arguments do not fit (n given after the receiver;
 * npar parameters that may be positional, nmin of them required) */
static bool method_arity_error(jrt *R, const reg_row *r, value recv, int n, int nkw, int npar, int nmin)
{
    const char *nm = r->b.name, *owner = val_type_name(recv);
    if (r->kwonly >= 0) { /* list.sort(*, key, reverse) */
        int nall = npar + (r->sig.kwargs >= 0 ? r->sig.kwargs : r->sig.nslots) - r->kwonly - 1;
        if (n + nkw > nall)
            return rt_error(R, JINN_ERR_TYPE, "%s() takes at most %d argument%s (%d given)", nm, nall, nall == 1 ? "" : "s", n + nkw);
        return rt_error(R, JINN_ERR_TYPE, "%s() takes no positional arguments", nm);
    }
    if (r->posonly < 0) /* keywords allowed too (str.split) */
        return rt_error(R, JINN_ERR_TYPE, "%s() takes at most %d argument%s (%d given)", nm, npar, npar == 1 ? "" : "s", n);
    if (r->bracketed)
        return rt_error(R, JINN_ERR_TYPE, "%s() takes at %s %d argument%s (%d given)", nm, n < nmin ? "least" : "most",
                        n < nmin ? nmin : npar, (n < nmin ? nmin : npar) == 1 ? "" : "s", n);
    /* positional-only: CPython's METH_NOARGS, METH_O and Argument Clinic words */
    if (npar == 0) return rt_error(R, JINN_ERR_TYPE, "%s.%s() takes no arguments (%d given)", owner, nm, n);
    if (npar == 1 && nmin == 1) return rt_error(R, JINN_ERR_TYPE, "%s.%s() takes exactly one argument (%d given)", owner, nm, n);
    int k = n < nmin ? nmin : npar;
    return rt_error(R, JINN_ERR_TYPE, "%s expected %s%d argument%s, got %d", nm,
                    nmin == npar ? "" : n < nmin ? "at least " : "at most ", k, k == 1 ? "" : "s", n);
}

static bool method_call(jrt *R, const reg_row *r, value *pos, int npos, jdict *kw, value *out)
{
    const bi_sig *sig = &r->sig;
    bool py = R->profile == PROF_JINJA;
    if (!py && r->kwonly < 0) return bi_call_sig(R, &r->b, sig, pos, npos, kw, out);
    /* the parameters after the receiver, in order (not the `*` nor the **kwargs slot); the
     * slots the method sees are the row's without the `*` */
    int par[BI_MAXPARAMS], npar = 0, npositional = 0;
    for (int i = 1; i < sig->nslots; i++) {
        if (i == r->kwonly || i == sig->kwargs) continue;
        if (!py || r->kwonly < 0 || i < r->kwonly) npositional++;
        par[npar++] = i;
    }
#define FN_SLOT(i) (r->kwonly >= 0 && (i) > r->kwonly ? (i) - 1 : (i))
    int n = npos - 1, nkw = kw ? (int)kw->len : 0, nmin = r->b.nreq - 1;
    bool all_posonly = r->posonly >= 0 && (npar == 0 || par[npar - 1] < r->posonly);
    if (py && nkw && all_posonly && sig->kwargs < 0)
        return r->bracketed ? rt_error(R, JINN_ERR_TYPE, "%s() takes no keyword arguments", r->b.name)
                            : rt_error(R, JINN_ERR_TYPE, "%s.%s() takes no keyword arguments", val_type_name(pos[0]), r->b.name);
    if (py && r->posonly < 0 && r->kwonly < 0 && sig->kwargs < 0 && n + nkw > npar) /* str.split's count */
        return rt_error(R, JINN_ERR_TYPE, "%s() takes at most %d argument%s (%d given)", r->b.name, npar, npar == 1 ? "" : "s", n + nkw);
    if (n > npositional) {
        if (py) return method_arity_error(R, r, pos[0], n, nkw, npositional, nmin);
        return rt_error(R, JINN_ERR_TYPE, "'%s' takes at most %d argument%s (%d given)", r->b.name, npositional,
                        npositional == 1 ? "" : "s", n);
    }
    value args[BI_MAXPARAMS], extrakw = v_none();
    int nslots = sig->nslots - (r->kwonly >= 0);
    for (int i = 0; i < nslots; i++) args[i] = v_absent();
    args[0] = pos[0];
    for (int j = 0; j < n; j++) args[FN_SLOT(par[j])] = pos[j + 1];
    bool ok = true;
    if (sig->kwargs >= 0) { extrakw = v_dict(R, 0); ok = extrakw.t != JV_ERROR; }
    jentry *e;
    for (size_t it = 0; ok && kw && dict_next(kw, &it, &e);) {
        int j;
        for (j = 0; j < npar; j++)
            if ((!py || par[j] >= r->posonly) && sig->lens[par[j]] == v_sl(e->key) &&
                !memcmp(sig->names[par[j]], v_sp(e->key), v_sl(e->key)))
                break;
        if (j < npar && args[FN_SLOT(par[j])].t != JV_ABSENT)
            ok = py ? rt_error(R, JINN_ERR_TYPE, "argument for %s() given by name ('%s') and position (%d)", r->b.name, v_sp(e->key), j + 1)
                    : rt_error(R, JINN_ERR_TYPE, "'%s' got multiple values for argument '%s'", r->b.name, v_sp(e->key));
        else if (j < npar) args[FN_SLOT(par[j])] = e->val;
        else if (sig->kwargs >= 0) ok = dict_set(R, extrakw.u.m, val_dup(e->key), val_dup(e->val));
        else ok = py ? rt_error(R, JINN_ERR_TYPE, "'%s' is an invalid keyword argument for %s()", v_sp(e->key), r->b.name)
                     : rt_error(R, JINN_ERR_TYPE, "'%s' got an unexpected keyword argument '%s'", r->b.name, v_sp(e->key));
    }
    if (sig->kwargs >= 0) args[FN_SLOT(sig->kwargs)] = extrakw;
    for (int j = 0; ok && j < nmin; j++) /* (the required parameters are positional-only) */
        if (args[FN_SLOT(par[j])].t == JV_ABSENT)
            ok = py ? method_arity_error(R, r, pos[0], n, nkw, npositional, nmin)
                    : rt_error(R, JINN_ERR_TYPE, "'%s' is missing its required argument '%.*s'", r->b.name,
                               (int)sig->lens[par[j]], sig->names[par[j]]);
#undef FN_SLOT
    if (ok) ok = r->b.fn(R, args, nslots, out);
    val_drop(R, extrakw);
    return ok;
}

bool reg_call(jrt *R, const reg_row *r, value *pos, int npos, jdict *kw, value *out)
{
    if (r->native) return native_call(R, r, pos, npos, kw, out);
    /* a method, but str.format (its *args takes anything) */
    if (r->kind >= BI_NAMED_KINDS && (r->sig.varargs < 0 || r->kwonly >= 0)) return method_call(R, r, pos, npos, kw, out);
    return bi_call_sig(R, &r->b, &r->sig, pos, npos, kw, out);
}

/* ---- as builtins see it -------------------------------------------------------------------- */

static const registry *registry_of(jrt *R)
{
    const env *E = R->env;
    return E ? &E->reg : NULL;
}

bool reg_exists(jrt *R, bi_kind kind, const char *name, size_t len)
{
    const registry *g = registry_of(R);
    return g && reg_find(g, kind, name, len) >= 0;
}

bool reg_call_named(jrt *R, bi_kind kind, const char *name, size_t len, value *pos, int npos, jdict *kw, value *out)
{
    const registry *g = registry_of(R);
    int i = g ? reg_find(g, kind, name, len) : -1;
    if (i < 0) return rt_error(R, JINN_ERR_VALUE, "No %s named '%.*s'.", kind == BI_TEST ? "test" : "filter", (int)len, name);
    return reg_call(R, reg_row_at(g, kind, i), pos, npos, kw, out);
}

bool reg_is_row(value f, bi_kind kind)
{
    return f.t == JV_FUNC && f.u.fn->kind == FN_NATIVE && ((const reg_row *)f.u.fn->def)->kind == kind;
}

bool reg_call_row(jrt *R, value f, value *pos, int npos, jdict *kw, value *out)
{
    return reg_call(R, f.u.fn->def, pos, npos, kw, out);
}

const reg_row *reg_prepare(jrt *R, bi_kind kind, value f)
{
    if (reg_is_row(f, kind)) return f.u.fn->def;
    const registry *g = registry_of(R);
    int i = g ? reg_find(g, kind, v_sp(f), v_sl(f)) : -1;
    if (i < 0) {
        rt_error(R, JINN_ERR_VALUE, "No %s named '%.*s'.", kind == BI_TEST ? "test" : "filter", (int)v_sl(f), v_sp(f));
        return NULL;
    }
    return reg_row_at(g, kind, i);
}

jnative_fn reg_prebind(const reg_row *r, value item, const value *extra, int nextra, const jdict *kw, value *args,
                       int *nslots, unsigned *flags)
{
    const bi_sig *sig = &r->sig;
    int npos = nextra + 1;
    *flags = r->flags;
    /* bi_call_sig's common case, decided once */
    if (r->native || (kw && kw->len) || sig->varargs >= 0 || sig->kwargs >= 0 || npos > sig->nslots || npos < r->b.nreq)
        return NULL;
    args[0] = item;
    for (int i = 1; i < sig->nslots; i++) args[i] = i < npos ? extra[i - 1] : v_absent();
    *nslots = sig->nslots;
    return r->b.fn;
}

bool reg_call_prepared(jrt *R, const reg_row *r, value *pos, int npos, jdict *kw, value *out)
{
    return reg_call(R, r, pos, npos, kw, out);
}

bool reg_percent(jrt *R, value *pos, int npos, jdict *kw, value *out)
{
    const registry *g = registry_of(R);
    if (!g || g->percent < 0) return rt_error(R, JINN_ERR_TYPE, "unsupported operand type(s) for %%: 'str'");
    return reg_call(R, reg_row_at(g, BI_FILTER, g->percent), pos, npos, kw, out);
}

value reg_method(jrt *R, value recv, const char *name, size_t len)
{
    const registry *g = registry_of(R);
    bi_kind kind = recv.t == JV_DICT ? BI_DICT_METHOD : recv.t == JV_LIST ? BI_LIST_METHOD : BI_STR_METHOD;
    int i = g && (recv.t == JV_DICT || recv.t == JV_LIST || recv.t == JV_STR) ? reg_find(g, kind, name, len) : -1;
    if (i < 0) return v_undef();
    value f = v_func(R, FN_METHOD, reg_row_at(g, kind, i), NULL);
    if (f.t != JV_ERROR) f.u.fn->self = val_dup(recv);
    return f;
}
