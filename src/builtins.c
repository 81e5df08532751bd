/*
 * builtins.c — the one generic argument binder for builtins, and the ARG_* helpers.
 * The compiler binds statically (compile.c, bind_args) from the same signatures; this is
 * the run-time path, for calls whose target is only known when rendering (methods, map's
 * filter name, select's test name, a builtin passed around as a value).
 */
#include "builtins.h"

void bi_parse_sig(const jbuiltin *b, bi_sig *sig)
{
    sig->nslots = 0;
    sig->varargs = sig->kwargs = -1;
    const char *p = b->params ? b->params : "";
    while (*p && sig->nslots < BI_MAXPARAMS) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *q = p;
        while (*q && *q != ' ') q++;
        if (q - p >= 2 && p[0] == '*' && p[1] == '*') sig->kwargs = sig->nslots;
        else if (*p == '*') sig->varargs = sig->nslots;
        sig->names[sig->nslots] = p;
        sig->lens[sig->nslots] = (size_t)(q - p);
        sig->nslots++;
        p = q;
    }
}

bool bi_call(jrt *R, const jbuiltin *b, value *pos, int npos, jdict *kw, value *out)
{
    bi_sig sig;
    bi_parse_sig(b, &sig);
    return bi_call_sig(R, b, &sig, pos, npos, kw, out);
}

bool bi_call_sig(jrt *R, const jbuiltin *b, const bi_sig *sigp, value *pos, int npos, jdict *kw, value *out)
{
    const bi_sig *sig = sigp; /* not a copy: it is 272 bytes, and this runs once per item of map('upper') */
    value args[BI_MAXPARAMS];
    /* the common case: positional arguments only, no *args / **kwargs */
    if (!kw && sig->varargs < 0 && sig->kwargs < 0 && npos <= sig->nslots && npos >= b->nreq) {
        /* one loop, not a copy then a fill: the compiler makes a copy loop a memcpy call,
         * which costs more than the two or three slots a method has */
        for (int i = 0; i < sig->nslots; i++) args[i] = i < npos ? pos[i] : v_absent();
        return b->fn(R, args, sig->nslots, out);
    }
    int fixed = sig->varargs >= 0 ? sig->varargs : sig->kwargs >= 0 ? sig->kwargs : sig->nslots;
    for (int i = 0; i < sig->nslots; i++) args[i] = v_absent();
    value extra = v_none(), extrakw = v_none();
    bool ok = true;
    if (sig->varargs >= 0) { extra = v_list(R, 0); ok = extra.t != JV_ERROR; }
    if (ok && sig->kwargs >= 0) { extrakw = v_dict(R, 0); ok = extrakw.t != JV_ERROR; }
    for (int i = 0; ok && i < npos; i++) {
        if (i < fixed) args[i] = pos[i];
        else if (sig->varargs >= 0) ok = list_push(R, extra.u.l, val_dup(pos[i]));
        else ok = rt_error(R, JINN_ERR_TYPE, "'%s' takes at most %d argument%s (%d given)", b->name, fixed - 1,
                           fixed == 2 ? "" : "s", npos - 1);
    }
    if (ok && kw) {
        jentry *e;
        for (size_t i = 0; ok && dict_next(kw, &i, &e);) {
            int k;
            for (k = 1; k < fixed; k++)
                if (sig->lens[k] == v_sl(e->key) && !memcmp(sig->names[k], v_sp(e->key), sig->lens[k])) break;
            if (k < fixed) {
                if (args[k].t != JV_ABSENT) ok = rt_error(R, JINN_ERR_TYPE, "'%s' got multiple values for argument '%s'", b->name, v_sp(e->key));
                else args[k] = e->val;
            } else if (sig->kwargs >= 0) {
                ok = dict_set(R, extrakw.u.m, val_dup(e->key), val_dup(e->val));
            } else {
                ok = rt_error(R, JINN_ERR_TYPE, "'%s' got an unexpected keyword argument '%s'", b->name, v_sp(e->key));
            }
        }
    }
    for (int k = 0; ok && k < b->nreq && k < fixed; k++)
        if (args[k].t == JV_ABSENT)
            ok = rt_error(R, JINN_ERR_TYPE, "'%s' is missing its required argument '%.*s'", b->name, (int)sig->lens[k], sig->names[k]);
    if (sig->varargs >= 0) args[sig->varargs] = extra;
    if (sig->kwargs >= 0) args[sig->kwargs] = extrakw;
    if (ok) ok = b->fn(R, args, sig->nslots, out);
    val_drop(R, extra);
    val_drop(R, extrakw);
    return ok;
}

/* ======================================================================================
 * Argument helpers
 * ====================================================================================== */

bool arg_int(jrt *R, value *args, int i, int64_t dflt, int64_t *out, const char *what)
{
    value v = args[i];
    if (v.t == JV_ABSENT || v.t == JV_NONE) { *out = dflt; return true; }
    if (v.t == JV_INT) { *out = v.u.i; return true; }
    if (v.t == JV_BOOL) { *out = v.u.b; return true; }
    if (v.t == JV_UNDEF) return val_undef_error(R, v);
    return rt_error(R, JINN_ERR_TYPE, "%s must be an integer, not '%s'", what, val_type_name(v));
}

bool arg_num(jrt *R, value *args, int i, double dflt, double *out, const char *what)
{
    value v = args[i];
    if (v.t == JV_ABSENT || v.t == JV_NONE) { *out = dflt; return true; }
    if (val_is_number(v)) { *out = val_to_double(v); return true; }
    if (v.t == JV_UNDEF) return val_undef_error(R, v);
    return rt_error(R, JINN_ERR_TYPE, "%s must be a number, not '%s'", what, val_type_name(v));
}

bool arg_str(jrt *R, value *args, int i, const char *dflt, const char **s, size_t *len, const char *what)
{
    value v = args[i];
    if (v.t == JV_ABSENT) {
        *s = dflt;
        *len = dflt ? strlen(dflt) : 0;
        return true;
    }
    if (v.t == JV_STR) { *s = v_sp(v); *len = v_sl(v); return true; }
    if (v.t == JV_UNDEF) return val_undef_error(R, v);
    return rt_error(R, JINN_ERR_TYPE, "%s must be a string, not '%s'", what, val_type_name(v));
}
