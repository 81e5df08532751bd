/*
 * tests.c — Jinja2 3.1's built-in tests (`x is odd`, `x is divisibleby 3`, ...).
 *
 * Each test is a jnative_fn returning a JV_BOOL, bound like every builtin (builtins.h):
 * args[0] is the value under test. The type tests follow Python's isinstance() exactly,
 * including its surprises: `true is number` (bool is a Number), `true is integer` is false
 * (Jinja2 excludes bool by hand), a namespace is not a mapping, undefined is callable and a
 * sequence (Undefined defines __call__, __len__ and __getitem__ that fail only when used).
 */
#include <utf8proc.h>

#include "bigint.h"
#include "ext.h"
#include "lib.h"

#define BI_FN(name) static bool name(jrt *R, value *args, int nargs __attribute__((unused)), value *out)
#define RET(cond) do { *out = v_bool(cond); return true; } while (0)

/* ======================================================================================
 * Kinds of value
 * ====================================================================================== */

BI_FN(t_defined) { (void)R; RET(args[0].t != JV_UNDEF); }
BI_FN(t_undefined) { (void)R; RET(args[0].t == JV_UNDEF); }
BI_FN(t_none) { (void)R; RET(args[0].t == JV_NONE); }


BI_FN(t_boolean) { (void)R; RET(args[0].t == JV_BOOL); }
BI_FN(t_true) { (void)R; RET(args[0].t == JV_BOOL && args[0].u.b); }
BI_FN(t_false) { (void)R; RET(args[0].t == JV_BOOL && !args[0].u.b); }
BI_FN(t_number) { (void)R; RET(val_is_number(args[0])); }
/* the jinjava profile: a decimal (add, round, ...) of scale 0 is an integer, not a float
 * (lib/exptest/IsIntegerExpTest.java, IsFloatExpTest.java: BigDecimal by its scale) */
BI_FN(t_integer)
{
    value v = args[0];
    RET(v.t == JV_INT || v.t == JV_BIG || (R->profile == PROF_JINJAVA && v_is_dec(v) && v_dec_scale(v) == 0));
}
BI_FN(t_float)
{
    value v = args[0];
    RET(v.t == JV_FLOAT && !(R->profile == PROF_JINJAVA && v_is_dec(v) && v_dec_scale(v) == 0));
}
BI_FN(t_string) { (void)R; RET(args[0].t == JV_STR); }
BI_FN(t_mapping) { (void)R; RET(args[0].t == JV_DICT && !(args[0].f & JV_NS)); }
/* (a cycler is an object with methods in Jinja2, not a callable; a joiner is one) */
BI_FN(t_callable) { (void)R; RET((args[0].t == JV_FUNC && args[0].u.fn->kind != FN_CYCLER) || args[0].t == JV_UNDEF); }
BI_FN(t_escaped) { (void)R; RET(args[0].t == JV_STR && (args[0].f & JV_SAFE)); }

/* sequence: len() and __getitem__ both exist — str, list, tuple, dict (and Undefined) */
BI_FN(t_sequence)
{
    value v = args[0];
    if (v.t == JV_LIST && (v.f & JV_ITER) && R->profile == PROF_JINJA) RET(false); /* an iterator has no len */
    RET(v.t == JV_STR || v.t == JV_LIST || v.t == JV_UNDEF || (v.t == JV_DICT && !(v.f & JV_NS)));
}

/* iterable: iter() succeeds. The jinjava profile: a Java Iterable or array, so only a list
 * (lib/exptest/IsIterableExpTest.java: null, strings and maps are not) */
BI_FN(t_iterable)
{
    value v = args[0];
    if (R->profile == PROF_JINJAVA) RET(v.t == JV_LIST);
    RET(lib_iterable(v) && !(v.t == JV_DICT && (v.f & JV_NS)));
}

/* JUEL's `empty x` (the jinjava profile's prefix operator, compiled as this test): null,
 * undefined, "", an empty list or dict (JUEL BooleanOperations.empty) */
BI_FN(t_empty)
{
    (void)R;
    value v = args[0];
    RET(v.t == JV_NONE || v.t == JV_UNDEF || (v.t == JV_STR && !v_sl(v)) || (v.t == JV_LIST && !v.u.l->len) ||
        (v.t == JV_DICT && !v.u.m->len));
}

/* `x is filter` / `x is test`: is there a filter/test of that name? */
/* Jinja2 looks the value up in a dict of names: a list or a dict is unhashable there (an
 * undefined is no name, lib_check_key) */
BI_FN(t_filter) { if (!lib_check_key(R, args[0])) return false; RET(args[0].t == JV_STR && reg_exists(R, BI_FILTER, v_sp(args[0]), v_sl(args[0]))); }
BI_FN(t_test) { if (!lib_check_key(R, args[0])) return false; RET(args[0].t == JV_STR && reg_exists(R, BI_TEST, v_sp(args[0]), v_sl(args[0]))); }

/* sameas: Python's `is`. Immediates are interned in CPython in the cases a template can
 * produce (None, True, False, small ints), so compare type and value; heap values compare by
 * identity. */
BI_FN(t_sameas)
{
    (void)R;
    value a = args[0], b = args[1];
    if (a.t != b.t) RET(false);
    switch (a.t) {
    case JV_NONE: case JV_UNDEF: RET(a.t != JV_UNDEF || a.u.h == b.u.h);
    case JV_BOOL: RET(a.u.b == b.u.b);
    case JV_INT: RET(a.u.i == b.u.i);
    case JV_FLOAT: RET(memcmp(&a.u.d, &b.u.d, sizeof a.u.d) == 0);
    default: RET(a.u.h == b.u.h && a.f == b.f);
    }
}

/* ======================================================================================
 * Arithmetic: divisibleby, even, odd — value % n == 0 with the engine's Python '%'
 * ====================================================================================== */

static bool mod_is(jrt *R, value v, value n, int64_t want, value *out)
{
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    value r;
    if (!op_arith(R, OPB_MOD, v, n, &r)) return false;
    *out = v_bool(val_equal(r, v_int(want)));
    val_drop(R, r);
    return true;
}

BI_FN(t_divisibleby) { return mod_is(R, args[0], args[1], 0, out); }
BI_FN(t_even) { return mod_is(R, args[0], v_int(2), 0, out); }
BI_FN(t_odd) { return mod_is(R, args[0], v_int(2), 1, out); }

/* ======================================================================================
 * Comparisons: eq ne lt le gt ge in
 * ====================================================================================== */

/* The jinjava profile compares as its operators do, loosely (`4 is equalto "4"`:
 * lib/exptest/IsEqualToExpTest.java calls JUEL's BooleanOperations.eq) */
static bool jv_test(jrt *R, int op, value *args, value *out)
{
    bool r;
    if (!op_jv_compare(R, op, args[0], args[1], &r)) return false;
    RET(r);
}

/* under strict undefined, == and != on an undefined operand fail (StrictUndefined.__eq__), as
 * the operators do (vm.c, STRICT_CHECK) */
static bool strict_ok(jrt *R, value *args) { return rt_strict_ok(R, args[0]) && rt_strict_ok(R, args[1]); }

BI_FN(t_eq)
{
    if (!strict_ok(R, args)) return false;
    if (R->profile == PROF_JINJAVA) return jv_test(R, OPC_EQ, args, out);
    bool eq;
    if (args[0].t == JV_STR && args[1].t == JV_STR ? !str_equal_rt(R, args[0].u.s, args[1].u.s, &eq) /* without a call */
                                                   : !val_equal_rt(R, args[0], args[1], &eq))
        return false;
    RET(eq);
}
BI_FN(t_ne)
{
    if (!strict_ok(R, args)) return false;
    if (R->profile == PROF_JINJAVA) return jv_test(R, OPC_NE, args, out);
    bool eq;
    if (!val_equal_rt(R, args[0], args[1], &eq)) return false;
    RET(!eq);
}

/* (inlined in each of lt, le, gt, ge: op is a constant there, so the numbers' common case is
 * one compare, with no call; selectattr('x', 'gt', 0) makes a call per item) */
static inline __attribute__((always_inline)) bool order(jrt *R, value *args, value *out, const char *op)
{
    if (R->profile == PROF_JINJAVA) return jv_test(R, op[0] == '<' ? (op[1] ? 3 : 2) : (op[1] ? 5 : 4), args, out);
    int c;
    double x, y;
    if (num_as_exact_double(args[0], &x) && num_as_exact_double(args[1], &y)) {
        /* the common case, val_compare's answer without its dispatch (NaN: every test false) */
        if (op[0] == '<') RET(op[1] ? x <= y : x < y);
        RET(op[1] ? x >= y : x > y);
    }
    if (args[0].t == JV_UNDEF && !op_check_defined(R, args[0])) return false;
    if (args[1].t == JV_UNDEF && !op_check_defined(R, args[1])) return false;
    if (!val_compare(R, args[0], args[1], &c, op)) return false;
    bool r;
    if (c == 2) r = false; /* NaN: unordered */
    else if (op[0] == '<') r = op[1] ? c <= 0 : c < 0;
    else r = op[1] ? c >= 0 : c > 0;
    *out = v_bool(r);
    return true;
}

BI_FN(t_lt) { return order(R, args, out, "<"); }
BI_FN(t_le) { return order(R, args, out, "<="); }
BI_FN(t_gt) { return order(R, args, out, ">"); }
BI_FN(t_ge) { return order(R, args, out, ">="); }

BI_FN(t_in)
{
    bool r; /* (a string in a list: op_contains compares string items without a call each) */
    if (!op_contains_strict_ok(R, args[1], args[0]) || !op_contains(R, args[1], args[0], &r)) return false;
    RET(r);
}

unsigned tst_tag_flags(const jbuiltin *b)
{
    return b->fn == t_defined ? BI_IS_DEFINED : b->fn == t_undefined ? BI_IS_UNDEFINED : b->fn == t_none ? BI_IS_NONE
         : b->fn == t_string ? BI_IS_STRING : b->fn == t_mapping ? BI_IS_MAPPING : b->fn == t_number ? BI_IS_NUMBER
         : b->fn == t_boolean ? BI_IS_BOOLEAN : b->fn == t_eq ? BI_IS_EQ : b->fn == t_in ? BI_IS_IN : 0;
}

/* ======================================================================================
 * Jinjava's extra tests (reference/jinjava-dialect.md §4.1)
 * ====================================================================================== */

BI_FN(t_truthy)
{
    bool r = val_truthy(R, args[0]);
    if (R->err_kind) return false;
    RET(r);
}

/* containing v: the collection holds v; containingall l: it holds every item of l */
BI_FN(t_containing)
{
    bool r;
    if (!op_contains(R, args[0], args[1], &r)) return false;
    RET(r);
}

BI_FN(t_containingall)
{
    value l = args[1];
    if (l.t == JV_UNDEF && !op_check_defined(R, l)) return false;
    if (l.t != JV_LIST) return rt_error(R, JINN_ERR_TYPE, "containingall: expected a list, not '%s'", val_type_name(l));
    for (size_t i = 0; i < l.u.l->len; i++) {
        bool r;
        if (!op_contains(R, args[0], l.u.l->items[i], &r)) return false;
        if (!r) RET(false);
    }
    RET(true);
}

/* string_containing s / string_startingwith s: a string with str(s) inside / at the start */
static bool str_test(jrt *R, value *args, bool prefix, value *out)
{
    if (args[0].t != JV_STR) RET(false);
    value n = lib_soft_str(R, args[1]);
    if (n.t == JV_ERROR) return false;
    bool r = prefix ? v_sl(n) <= v_sl(args[0]) && !memcmp(v_sp(args[0]), v_sp(n), v_sl(n))
                    : lib_memmem(v_sp(args[0]), v_sl(args[0]), v_sp(n), v_sl(n)) != NULL;
    val_drop(R, n);
    RET(r);
}

BI_FN(t_string_containing) { return str_test(R, args, false, out); }
BI_FN(t_string_startingwith) { return str_test(R, args, true, out); }

/* ======================================================================================
 * Case: lower, upper — str(value).islower() / .isupper()
 * ====================================================================================== */

/* islower: at least one cased character and no upper- or title-case one; isupper likewise. */
static bool case_test(jrt *R, value v, bool want_upper, value *out)
{
    value s = lib_soft_str(R, v);
    if (s.t == JV_ERROR) return false;
    const char *p = v_sp(s);
    size_t len = v_sl(s), i = 0;
    bool any = false, ok = true, res = true;
    while (i < len) {
        int32_t c = 0;
        if (!lib_utf8_next(R, p, len, &i, &c)) { ok = false; break; }
        bool up = utf8proc_isupper(c) || utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
        bool lo = utf8proc_islower(c) && !up;
        if (up || lo) any = true;
        if (want_upper ? (lo || utf8proc_category(c) == UTF8PROC_CATEGORY_LT) : up) res = false;
    }
    val_drop(R, s);
    if (!ok) return false;
    *out = v_bool(res && any);
    return true;
}

BI_FN(t_lower) { return case_test(R, args[0], false, out); }
BI_FN(t_upper) { return case_test(R, args[0], true, out); }

/* ======================================================================================
 * The table
 * ====================================================================================== */

const jbuiltin bi_tests[] = {
    {"!=", t_ne, "value other", 2},
    {"<", t_lt, "value other", 2},
    {"<=", t_le, "value other", 2},
    {"==", t_eq, "value other", 2},
    {">", t_gt, "value other", 2},
    {">=", t_ge, "value other", 2},
    {"boolean", t_boolean, "value", 1},
    {"callable", t_callable, "value", 1},
    {"defined", t_defined, "value", 1},
    {"divisibleby", t_divisibleby, "value num", 2},
    {"empty", t_empty, "value", 1},
    {"eq", t_eq, "value other", 2},
    {"equalto", t_eq, "value other", 2},
    {"escaped", t_escaped, "value", 1},
    {"even", t_even, "value", 1},
    {"false", t_false, "value", 1},
    {"filter", t_filter, "value", 1},
    {"float", t_float, "value", 1},
    {"ge", t_ge, "value other", 2},
    {"greaterthan", t_gt, "value other", 2},
    {"gt", t_gt, "value other", 2},
    {"in", t_in, "value seq", 2},
    {"containing", t_containing, "value item", 2},
    {"containingall", t_containingall, "value items", 2},
    {"string_containing", t_string_containing, "value s", 2},
    {"string_startingwith", t_string_startingwith, "value s", 2},
    {"truthy", t_truthy, "value", 1},
    {"within", t_in, "value seq", 2},
    {"integer", t_integer, "value", 1},
    {"iterable", t_iterable, "value", 1},
    {"le", t_le, "value other", 2},
    {"lessthan", t_lt, "value other", 2},
    {"lower", t_lower, "value", 1},
    {"lt", t_lt, "value other", 2},
    {"mapping", t_mapping, "value", 1},
    {"ne", t_ne, "value other", 2},
    {"none", t_none, "value", 1},
    {"number", t_number, "value", 1},
    {"odd", t_odd, "value", 1},
    {"sameas", t_sameas, "value other", 2},
    {"sequence", t_sequence, "value", 1},
    {"string", t_string, "value", 1},
    {"test", t_test, "value", 1},
    {"true", t_true, "value", 1},
    {"undefined", t_undefined, "value", 1},
    {"upper", t_upper, "value", 1},
    {NULL, NULL, NULL, 0}
};
