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

/* the name index entry of row k->n, just stored */
static bool index_row(jrt *R, struct reg_kind *k, reg_row *r)
{
    bi_parse_sig(&r->b, &r->sig);
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

bool reg_call(jrt *R, const reg_row *r, value *pos, int npos, jdict *kw, value *out)
{
    if (r->native) return native_call(R, r, pos, npos, kw, out);
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
