/*
 * native.c — the embedder's filters, tests and functions: the jinn_value / jinn_call view of
 * a call that include/jinn.h gives callbacks, on top of the value layer. A callback's row in
 * the registry (registry.h) is called through native_call / native_call_slots.
 */
#include "bigint.h"
#include "registry.h"


struct jinn_call {
    jrt *R;
    value *args;
    int npos;
    jdict *kw;
    value result;
    bool failed;
};

#define VAL(v) ((const value *)(v))

jinn_type jinn_value_type(const jinn_value *jv)
{
    const value *v = VAL(jv);
    switch (v ? v->t : JV_UNDEF) {
    case JV_UNDEF: case JV_ABSENT: return JINN_T_UNDEFINED;
    case JV_NONE: return JINN_T_NONE;
    case JV_BOOL: return JINN_T_BOOL;
    case JV_INT: case JV_BIG: return JINN_T_INT;
    case JV_FLOAT: return JINN_T_FLOAT;
    case JV_STR: return JINN_T_STRING;
    case JV_LIST: return JINN_T_LIST;
    case JV_DICT: return JINN_T_DICT;
    default: return JINN_T_OTHER;
    }
}

int jinn_value_truthy(const jinn_value *jv)
{
    const value *v = VAL(jv);
    if (!v) return 0;
    switch (v->t) {
    case JV_BOOL: return v->u.b;
    case JV_INT: return v->u.i != 0;
    case JV_FLOAT: return v->u.d != 0;
    case JV_STR: return v_sl(*v) != 0;
    case JV_LIST: return v->u.l->len != 0;
    case JV_DICT: return v->u.m->len != 0 || (v->f & JV_NS);
    case JV_FUNC: case JV_BIG: return 1; /* a big int is never 0 */
    default: return 0;
    }
}

int64_t jinn_value_int(const jinn_value *jv)
{
    const value *v = VAL(jv);
    return !v ? 0 : v->t == JV_INT ? v->u.i : v->t == JV_BOOL ? v->u.b : 0;
}

double jinn_value_float(const jinn_value *jv)
{
    const value *v = VAL(jv);
    return v && val_is_number(*v) ? val_to_double(*v) : 0;
}

const char *jinn_value_string(const jinn_value *jv, size_t *len)
{
    const value *v = VAL(jv);
    if (!v || v->t != JV_STR) { if (len) *len = 0; return NULL; }
    if (len) *len = v_sl(*v);
    return v_sp(*v);
}

size_t jinn_value_len(const jinn_value *jv)
{
    const value *v = VAL(jv);
    if (!v) return 0;
    return v->t == JV_LIST ? v->u.l->len : v->t == JV_DICT ? v->u.m->len : v->t == JV_STR ? v_sl(*v) : 0;
}

const jinn_value *jinn_value_item(const jinn_value *jv, size_t i)
{
    const value *v = VAL(jv);
    return v && v->t == JV_LIST && i < v->u.l->len ? (const jinn_value *)&v->u.l->items[i] : NULL;
}

const jinn_value *jinn_value_get(const jinn_value *jv, const char *key, size_t klen)
{
    const value *v = VAL(jv);
    return v && v->t == JV_DICT ? (const jinn_value *)dict_get_str(v->u.m, key, klen) : NULL;
}

int64_t jinn_value_intx(const jinn_value *jv, int *ok)
{
    const value *v = VAL(jv);
    bool is = v && (v->t == JV_INT || v->t == JV_BOOL);
    if (ok) *ok = is;
    return !is ? 0 : v->t == JV_INT ? v->u.i : v->u.b;
}

size_t jinn_value_int_text(const jinn_value *jv, char *buf, size_t size)
{
    const value *v = VAL(jv);
    if (!v || (v->t != JV_INT && v->t != JV_BIG)) {
        if (buf && size) buf[0] = 0;
        return 0;
    }
    return big_text(*v, buf, buf ? size : 0);
}

double jinn_value_floatx(const jinn_value *jv, int *ok)
{
    const value *v = VAL(jv);
    bool is = v && val_is_number(*v);
    if (ok) *ok = is;
    return is ? val_to_double(*v) : 0;
}

int jinn_value_boolx(const jinn_value *jv, int *ok)
{
    const value *v = VAL(jv);
    bool is = v && v->t == JV_BOOL;
    if (ok) *ok = is;
    return is ? v->u.b : 0;
}

int jinn_value_next(const jinn_value *jv, size_t *iter, const jinn_value **key, const jinn_value **val)
{
    const value *v = VAL(jv);
    jentry *e;
    if (!v || v->t != JV_DICT || !iter || !dict_next(v->u.m, iter, &e)) return 0;
    if (key) *key = (const jinn_value *)&e->key;
    if (val) *val = (const jinn_value *)&e->val;
    return 1;
}

size_t jinn_call_nargs(const jinn_call *c) { return (size_t)c->npos; }

const jinn_value *jinn_call_arg(const jinn_call *c, size_t i)
{
    return i < (size_t)c->npos ? (const jinn_value *)&c->args[i] : NULL;
}

const jinn_value *jinn_call_kwarg(const jinn_call *c, const char *name)
{
    return c->kw ? (const jinn_value *)dict_get_str(c->kw, name, strlen(name)) : NULL;
}

static void set_result(jinn_call *c, value v)
{
    val_drop(c->R, c->result);
    c->result = v;
    if (v.t == JV_ERROR) { c->result = v_none(); c->failed = true; }
}

void jinn_return_none(jinn_call *c) { set_result(c, v_none()); }
void jinn_return_bool(jinn_call *c, int b) { set_result(c, v_bool(b != 0)); }
void jinn_return_int(jinn_call *c, int64_t i) { set_result(c, v_int(i)); }
void jinn_return_float(jinn_call *c, double d) { set_result(c, v_float(d)); }
void jinn_return_string(jinn_call *c, const char *s, size_t len)
{
    const char *bad = s ? utf8_invalid(s, len) : NULL;
    if (bad) { rt_error(c->R, JINN_ERR_VALUE, "a callback returned invalid UTF-8 (offset %zu)", (size_t)(bad - s)); c->failed = true; return; }
    set_result(c, v_str(c->R, s ? s : "", s ? len : 0));
}
int jinn_return_json(jinn_call *c, const char *json, size_t len)
{
    value v = json_to_value(c->R, json, len, "a callback's result");
    set_result(c, v);
    return c->failed ? JINN_ERROR : JINN_OK;
}
void jinn_return_arg(jinn_call *c, const jinn_value *v) { if (v) set_result(c, val_dup(*VAL(v))); }
int jinn_call_error(jinn_call *c, const char *message)
{
    rt_error(c->R, JINN_ERR_VALUE, "%s", message ? message : "the callback failed without a message");
    c->failed = true;
    return JINN_ERROR;
}

bool native_call(jrt *R, const reg_row *r, value *args, int npos, jdict *kw, value *out)
{
    jinn_call c = {R, args, npos, kw, v_none(), false};
    int st = r->native->fn(r->native->user, &c);
    if (c.failed || st != JINN_OK) {
        val_drop(R, c.result);
        if (!R->err_kind) rt_error(R, JINN_ERR_VALUE, "'%s' failed", r->b.name);
        return false;
    }
    *out = c.result;
    if (r->kind == BI_TEST) {
        bool t = val_truthy(R, *out);
        val_drop(R, *out);
        *out = v_bool(t);
    }
    return true;
}

/* Bound slots of a row with params "value *args **kwargs" (filters, tests) or "*args **kwargs"
 * (functions): the positional arguments are [value] + the *args list. */
bool native_call_slots(jrt *R, const reg_row *r, value *args, int nslots, value *out)
{
    int off = r->kind == BI_FUNCTION ? 0 : 1;
    const jlist *extra = args[off].u.l;
    jdict *kw = args[off + 1].u.m;
    size_t npos = (size_t)off + extra->len;
    value small[16], *pos = npos <= 16 ? small : rt_alloc(R, NULL, 0, npos * sizeof *pos);
    if (!pos) return false;
    if (off) pos[0] = args[0];
    for (size_t i = 0; i < extra->len; i++) pos[off + i] = extra->items[i];
    bool ok = native_call(R, r, pos, (int)npos, kw->len ? kw : NULL, out);
    if (pos != small) rt_alloc(R, pos, npos * sizeof *pos, 0);
    (void)nslots;
    return ok;
}
