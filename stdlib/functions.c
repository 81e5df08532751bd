/*
 * functions.c — the global functions: range, dict, namespace here; lipsum and type
 * (filters_jinjava.c) and Jinjava's date functions (dates.c) are declared in ext.h.
 *
 * They are bound like every builtin (builtins.h). range() returns a list, not a lazy range
 * object: templates iterate it or pipe it through filters, and a list is what those see.
 * That makes its size matter, so it is capped (a template can't ask for a billion items).
 */
#include "bigint.h"
#include "ext.h"

#define BI_FN(name) static bool name(jrt *R, value *args, int nargs __attribute__((unused)), value *out)


/* ======================================================================================
 * range
 * ====================================================================================== */

/* an argument of range() as Python's __index__: int or bool, nothing else */
static bool index_arg(jrt *R, value v, int64_t *res)
{
    if (v.t == JV_INT) { *res = v.u.i; return true; }
    if (v.t == JV_BOOL) { *res = v.u.b; return true; }
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    if (v.t == JV_BIG) return rt_error(R, JINN_ERR_VALUE, "cannot fit 'int' into an index-sized integer");
    return rt_error(R, JINN_ERR_TYPE, "'%s' object cannot be interpreted as an integer",
                    val_type_name(v));
}

static bool set_owned_list(jrt *R, value *out, size_t cap)
{
    *out = v_list(R, cap);
    return out->t != JV_ERROR;
}

/* range() where an argument is a big int (beyond int64): the same items, by big arithmetic */
static bool range_big(jrt *R, value start, value stop, value step, value *out)
{
    for (int i = 0; i < 3; i++) {
        value v = i == 0 ? start : i == 1 ? stop : step;
        if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
        if (!v_intlike(v)) return rt_error(R, JINN_ERR_TYPE, "'%s' object cannot be interpreted as an integer", val_type_name(v));
    }
    int sg = big_sign(step);
    if (!sg) return rt_error(R, JINN_ERR_VALUE, "range() arg 3 must not be zero");
    value n = v_int(0), d;
    if (big_cmp(start, stop) == -sg) { /* n = (stop - start - sign) // step + 1 */
        if (!big_arith(R, OPB_SUB, stop, start, &d)) return false;
        value d2;
        bool ok = big_arith(R, OPB_SUB, d, v_int(sg), &d2);
        val_drop(R, d);
        if (!ok) return false;
        ok = big_arith(R, OPB_FLOORDIV, d2, step, &n);
        val_drop(R, d2);
        if (!ok) return false;
    }
    if (n.t == JV_BIG || (uint64_t)n.u.i + 1 > R->lim->range_items) {
        val_drop(R, n);
        return rt_limit(R, "range_items", "range() of more than %zu items", R->lim->range_items);
    }
    size_t count = n.t == JV_INT && big_sign(n) >= 0 ? (size_t)n.u.i + (big_cmp(start, stop) == -sg) : 0;
    *out = v_list(R, count);
    if (out->t == JV_ERROR) return false;
    value cur = start.t == JV_BOOL ? v_int(start.u.b) : val_dup(start);
    for (size_t i = 0; i < count; i++) {
        value next;
        if (i + 1 < count && !big_arith(R, OPB_ADD, cur, step, &next)) { val_drop(R, cur); val_drop(R, *out); return false; }
        out->u.l->items[out->u.l->len++] = cur;
        cur = i + 1 < count ? next : v_int(0);
    }
    val_drop(R, cur); /* an empty range never stored it */
    return true;
}

/* range(stop) / range(start, stop[, step]) — Python's semantics, as a list. The jinjava
 * profile: step 0 gives [], and at most 1000 items (Jinjava's rangeLimit), silently. */
BI_FN(fn_range)
{
    int64_t start = 0, stop, step = 1;
    if (R->profile != PROF_JINJAVA && (args[0].t == JV_BIG || args[1].t == JV_BIG || args[2].t == JV_BIG)) {
        if (!ARG_GIVEN(1)) return range_big(R, v_int(0), args[0], v_int(1), out);
        return range_big(R, args[0], args[1], ARG_GIVEN(2) ? args[2] : v_int(1), out);
    }
    if (!ARG_GIVEN(1)) {
        if (ARG_GIVEN(2)) return rt_error(R, JINN_ERR_TYPE, "range expected at most 3 arguments");
        if (!index_arg(R, args[0], &stop)) return false;
    } else {
        if (!index_arg(R, args[0], &start) || !index_arg(R, args[1], &stop)) return false;
        if (ARG_GIVEN(2) && !index_arg(R, args[2], &step)) return false;
    }
    bool jinjava = R->profile == PROF_JINJAVA;
    if (step == 0 && jinjava) return set_owned_list(R, out, 0);
    if (step == 0) return rt_error(R, JINN_ERR_VALUE, "range() arg 3 must not be zero");
    /* the item count in unsigned arithmetic: stop - start can exceed INT64_MAX */
    uint64_t n = 0;
    if (step > 0 && start < stop)
        n = ((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1;
    else if (step < 0 && start > stop)
        n = ((uint64_t)start - (uint64_t)stop - 1) / (0 - (uint64_t)step) + 1;
    if (jinjava && n > 1000) n = 1000; /* Jinjava's rangeLimit: the first 1000 items, silently */
    if (n > R->lim->range_items)
        return rt_limit(R, "range_items", "range() of %llu items (limit %zu)", (unsigned long long)n, R->lim->range_items);
    size_t cap = (size_t)n; /* with room for range_mark's bounds when they fit */
    if (!jinjava && (!R->lim || (size_t)n + 3 <= R->lim->collection_items)) cap += 3;
    *out = v_list(R, cap); /* reserves cap items or fails on collection_items */
    if (out->t == JV_ERROR) return false;
    /* start + i*step stays within [start, stop) for i < n, so it cannot overflow */
    jlist *l = out->u.l; /* (held: the stores below cannot change it) */
    for (uint64_t i = 0; i < n; i++) l->items[i] = v_int((int64_t)((uint64_t)start + i * (uint64_t)step));
    l->len = (size_t)n;
    if (!jinjava && !range_mark(R, out, start, stop, step)) { val_drop(R, *out); return false; }
    return true;
}

/* ======================================================================================
 * dict, namespace
 * ====================================================================================== */

/* dict(mapping_or_pairs=None, **kwargs) — Python's dict() */
BI_FN(fn_dict)
{
    /* 5 to 8 keywords and entries (namespace(a=.., b=.., c=.., d=.., e=..)): room for 8 in the
     * dict's own block at once, where growing 4 -> 8 on the fifth would move them to a block
     * of their own; the capacity, so every later growth and charge, is the same (and 8 is
     * within collection_items, or the limit would refuse the eighth anyway: then as before) */
    size_t n = args[1].u.m->len + (args[0].t == JV_DICT ? args[0].u.m->len : 0);
    *out = v_dict(R, n > 4 && n <= 8 && (!R->lim || R->lim->collection_items >= 8) ? 8 : 0);
    if (out->t == JV_ERROR) return false;
    if (!lib_dict_update(R, out->u.m, args[0], args[1].u.m)) {
        val_drop(R, *out);
        return false;
    }
    return true;
}

/* namespace(mapping=None, **kwargs) — a dict flagged JV_NS: `{% set ns.x = 1 %}` may assign
 * its attributes from inside loops. */
BI_FN(fn_namespace)
{
    if (!fn_dict(R, args, nargs, out)) return false;
    out->f |= JV_NS;
    return true;
}

/* ======================================================================================
 * The table
 * ====================================================================================== */

/* cycler(*items) and joiner(sep=", "): objects with state (see value.h, FN_CYCLER) */
static bool make_stateful(jrt *R, int kind, value first, value *out)
{
    value st = v_list(R, 2);
    if (st.t == JV_ERROR) return false;
    st.u.l->items[0] = val_dup(first);
    st.u.l->items[1] = v_int(0);
    st.u.l->len = 2;
    jfunc *f = rt_alloc(R, NULL, 0, sizeof *f);
    if (!f) { val_drop(R, st); return false; }
    memset(f, 0, sizeof *f);
    f->h.rc = 1;
    f->h.type = JV_FUNC;
    f->kind = (uint8_t)kind;
    f->self = st;
    f->extra = v_none();
    out->t = JV_FUNC;
    out->f = 0;
    out->u.fn = f;
    return true;
}

BI_FN(fn_cycler)
{
    if (!args[0].u.l->len) return rt_error(R, JINN_ERR_TYPE, "cycler() needs at least one item");
    value items = args[0];
    items.f |= JV_TUPLE;
    return make_stateful(R, FN_CYCLER, items, out);
}

BI_FN(fn_joiner)
{
    value sep = ARG_GIVEN(0) ? args[0] : v_none();
    if (sep.t == JV_NONE) {
        value d = v_str(R, ", ", 2);
        if (d.t == JV_ERROR) return false;
        bool ok = make_stateful(R, FN_JOINER, d, out);
        val_drop(R, d);
        return ok;
    }
    return make_stateful(R, FN_JOINER, sep, out);
}

const jbuiltin bi_functions[] = {
    {"cycler", fn_cycler, "*items", 0},
    {"joiner", fn_joiner, "sep", 0},
    {"dict", fn_dict, "mapping / **kwargs", 0},
    {"namespace", fn_namespace, "mapping / **kwargs", 0},
    {"range", fn_range, "a b c", 1},
    /* filters_jinjava.c, dates.c */
    {"datetimeformat", fn_datetimeformat, "value format timezone locale tz", 0},
    {"format_date", flt_format_date, "value format timeZone locale", 1},
    {"format_datetime", flt_format_datetime, "value format timeZone locale", 1},
    {"format_time", flt_format_time, "value format timeZone locale", 1},
    {"lipsum", fn_lipsum, "n html min max", 0},
    {"strtodate", fn_strtotime, "value format timezone", 1},
    {"strtotime", fn_strtotime, "value format timezone", 1},
    {"today", fn_today, "timezone", 0},
    {"truncate", flt_truncate, "s length killwords end leeway", 1},
    {"type", fn_type, "value", 1},
    {"unixtimestamp", fn_unixtimestamp, "value", 0},
    /* jinjava_compat.c */
    {"list", fn_list, "*items", 0},
    {"immutable_list", fn_immutable_list, "*items", 0},
    {NULL, NULL, NULL, 0}
};
