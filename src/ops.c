/*
 * ops.c — the operations behind the VM's arithmetic, comparison, attribute, item, slice and
 * iteration instructions, with Python's (Jinja2's) semantics; also used by the builtins.
 * Integers are int64 while they fit: an operation that overflows makes a big int (bigint.c),
 * as Python does; the jinjava profile keeps Java's longs (an overflow is an error).
 * The jinjava profile's arithmetic, comparisons and iteration (JUEL's) are at the end: the VM
 * calls them instead of op_arith / val_equal / val_compare / op_to_list in that profile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "bigint.h"
#include "builtins.h"
#include "dtoa.h"

/* ======================================================================================
 * Undefined
 * ====================================================================================== */

bool op_check_defined(jrt *R, value v)
{
    if (v.t == JV_UNDEF) return val_undef_error(R, v);
    return true;
}

/* ======================================================================================
 * Arithmetic
 * ====================================================================================== */


/* Python's name of an operand's type: a safe string is a Markup */
static const char *operand_type(value v) { return v.t == JV_STR && (v.f & JV_SAFE) ? "Markup" : val_type_name(v); }
/* a str, list or tuple: what Python's + concatenates and * repeats (not a range, nor an iterator) */
static bool is_seq(value v) { return v.t == JV_STR || (v.t == JV_LIST && !(v.f & (JV_RANGE | JV_ITER))); }

/* Python's TypeError for operands the operator does not take: a str, list or tuple left of +
 * (not a Markup: its __add__ gives up first) and a sequence beside * say so their own way;
 * a Markup beside * hands the other operand to str.__mul__, which reads it as an int. (Out of
 * line: op_arith, which the VM calls for every operation, stays as small as it was.) */
static __attribute__((noinline, cold)) bool type_error2(jrt *R, int op, value a, value b)
{
    if (a.t == JV_UNDEF) return val_undef_error(R, a);
    if (b.t == JV_UNDEF) return val_undef_error(R, b);
    const char *ta = operand_type(a), *tb = operand_type(b);
    if (op == OPB_ADD && is_seq(a) && !(a.t == JV_STR && (a.f & JV_SAFE)))
        return rt_error(R, JINN_ERR_TYPE, "can only concatenate %s (not \"%s\") to %s", ta, tb, ta);
    if (op == OPB_MUL && ((a.t == JV_STR && (a.f & JV_SAFE)) || (b.t == JV_STR && (b.f & JV_SAFE))))
        return rt_error(R, JINN_ERR_TYPE, "'%s' object cannot be interpreted as an integer",
                        a.t == JV_STR && (a.f & JV_SAFE) ? tb : ta);
    if (op == OPB_MUL && (is_seq(a) || is_seq(b)))
        return rt_error(R, JINN_ERR_TYPE, "can't multiply sequence by non-int of type '%s'", is_seq(a) ? tb : ta);
    return rt_error(R, JINN_ERR_TYPE, "unsupported operand type(s) for %s: '%s' and '%s'",
                    op == OPB_POW ? "** or pow()" : opb_symbol(op), ta, tb);
}

static int64_t ival(value v) { return v.t == JV_BOOL ? v.u.b : v.u.i; }
static bool is_intlike(value v) { return v.t == JV_INT || v.t == JV_BOOL; }
/* a slice bound: a big int is past either end (Python clamps it) */
static int64_t slice_ival(value v) { return v.t == JV_BIG ? (big_sign(v) < 0 ? INT64_MIN / 2 : INT64_MAX / 2) : ival(v); }

static bool repeat_seq(jrt *R, value seq, int64_t n, value *out)
{
    if (n < 0) n = 0;
    if (seq.t == JV_STR) {
        size_t len = v_sl(seq);
        if (n && len > SIZE_MAX / (uint64_t)n) return rt_overflow(R);
        jstr *s = str_new(R, len * (size_t)n);
        if (!s) return false;
        for (int64_t i = 0; i < n; i++) memcpy(s->s + (size_t)i * len, v_sp(seq), len);
        out->t = JV_STR;
        out->f = seq.f & JV_SAFE; /* Markup * n is Markup */
        out->u.s = s;
        return true;
    }
    size_t len = seq.u.l->len;
    if (n && len > (SIZE_MAX / sizeof(value)) / (uint64_t)n) return rt_overflow(R);
    value l = v_list(R, len * (size_t)n);
    if (l.t == JV_ERROR) return false;
    l.f = seq.f & JV_TUPLE;
    for (int64_t i = 0; i < n; i++)
        for (size_t j = 0; j < len; j++) l.u.l->items[l.u.l->len++] = val_dup(seq.u.l->items[j]);
    *out = l;
    return true;
}

/* grow: on overflow, the exact big int (the jinja profile) instead of the error (jinjava's) */
static bool int_pow(jrt *R, int64_t base, int64_t exp, value *out, bool grow)
{
    int64_t base0 = base, exp0 = exp;
    if (exp < 0) {
        if (base == 0) return rt_error(R, JINN_ERR_VALUE, "0.0 cannot be raised to a negative power");
        *out = v_float(pow((double)base, (double)exp));
        return true;
    }
    int64_t r = 1;
    while (exp) {
        if ((exp & 1 && __builtin_mul_overflow(r, base, &r)) || (exp > 1 && __builtin_mul_overflow(base, base, &base)))
            return grow ? big_arith(R, OPB_POW, v_int(base0), v_int(exp0), out) : rt_overflow(R);
        exp >>= 1;
    }
    *out = v_int(r);
    return true;
}

/* float % as CPython's float_rem: the remainder takes the divisor's sign, a zero one too */
static double py_fmod(double a, double b)
{
    double m = fmod(a, b);
    if (m != 0) {
        if ((b < 0) != (m < 0)) m += b;
    } else {
        m = copysign(0.0, b);
    }
    return m;
}

/* Two strings joined where one is safe (Markup): the other is HTML-escaped and the result is
 * safe, as markupsafe's Markup.__add__ / __radd__ and Jinja2's markup_join do. */
static bool join_markup(jrt *R, value sa, value sb, value *out)
{
    jbuf b = {0};
    bool ok = (sa.f & JV_SAFE) ? buf_put(R, &b, v_sp(sa), v_sl(sa)) : print_escaped(R, &b, v_sp(sa), v_sl(sa));
    ok = ok && ((sb.f & JV_SAFE) ? buf_put(R, &b, v_sp(sb), v_sl(sb)) : print_escaped(R, &b, v_sp(sb), v_sl(sb)));
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    out->f |= JV_SAFE;
    return true;
}

/* float // as CPython's _float_div_mod: the quotient of a - fmod(a, b), which is exactly a
 * multiple of b, snapped to the nearest integer — not floor(a / b), whose rounded division
 * is off by one near integers (0.25 // 0.05 is 4.0, floor(0.25 / 0.05) is 5.0). */
static double py_floordiv(double a, double b)
{
    double mod = fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0;
    if (div == 0) return copysign(0.0, a / b);
    double fl = floor(div);
    if (div - fl > 0.5) fl += 1.0;
    return fl;
}

/* `~` of two strings or ints (a key made of a name and a counter: sku ~ "#" ~ n), not safe
 * markup: the ints' digits on the C stack, not strings of their own, charged as val_to_str
 * charges them (its 64-byte print buffer, then the string) -- docs/limits.md. 1 done, 0 failed,
 * -1 not such a pair (an int past string_bytes: val_to_str's own error) */
static int concat_plain(jrt *R, value a, value b, value *out)
{
    char ta[24], tb[24];
    const char *pa, *pb;
    size_t na, nb;
    if (a.t == JV_STR) pa = v_sp(a), na = v_sl(a);
    else pa = dtoa_int_back(a.u.i, ta + sizeof ta), na = (size_t)(ta + sizeof ta - pa);
    if (b.t == JV_STR) pb = v_sp(b), nb = v_sl(b);
    else pb = dtoa_int_back(b.u.i, tb + sizeof tb), nb = (size_t)(tb + sizeof tb - pb);
    if (R->lim && ((a.t == JV_INT && na > R->lim->string_bytes) || (b.t == JV_INT && nb > R->lim->string_bytes)))
        return -1;
    if (a.t == JV_INT && !(rt_charge_bytes(R, 64) && rt_charge_bytes(R, na))) return 0;
    if (b.t == JV_INT && !(rt_charge_bytes(R, 64) && rt_charge_bytes(R, nb))) return 0;
    *out = str_concat(R, pa, na, pb, nb);
    return out->t != JV_ERROR;
}

/* does the %-format f convert anything (a % not part of a %%)? */
static __attribute__((noinline)) bool format_converts(value f)
{
    const char *s = v_sp(f), *end = s + v_sl(f);
    while ((s = memchr(s, '%', (size_t)(end - s)))) {
        if (s + 1 >= end || s[1] != '%') return true;
        s += 2;
    }
    return false;
}

bool op_arith(jrt *R, int op, value a, value b, value *out)
{
    if (R->profile == PROF_JINJAVA && op != OPB_CONCAT) return op_jv_arith(R, op, a, b, out);
    if (op == OPB_CONCAT) {
        if ((a.t == JV_STR || a.t == JV_INT) && (b.t == JV_STR || b.t == JV_INT) &&
            !(R->autoescape && R->profile == PROF_JINJA && (((a.t == JV_STR ? a.f : 0) | (b.t == JV_STR ? b.f : 0)) & JV_SAFE))) {
            int r = concat_plain(R, a, b, out);
            if (r >= 0) return r;
        }
        value sa = val_to_str(R, a);
        if (sa.t == JV_ERROR) return false;
        value sb = val_to_str(R, b);
        if (sb.t == JV_ERROR) { val_drop(R, sa); return false; }
        bool ok;
        /* `~` under autoescape is markup_join: a safe operand keeps the result safe */
        if (R->autoescape && R->profile == PROF_JINJA && ((sa.f | sb.f) & JV_SAFE)) {
            ok = join_markup(R, sa, sb, out);
        } else {
            *out = str_concat(R, v_sp(sa), v_sl(sa), v_sp(sb), v_sl(sb));
            ok = out->t != JV_ERROR;
        }
        val_drop(R, sa);
        val_drop(R, sb);
        return ok;
    }
    if (is_intlike(a) && is_intlike(b)) {
        int64_t x = ival(a), y = ival(b), r;
        switch (op) {
        /* int64 overflow: the exact result, a big int (bigint.c) */
        case OPB_ADD: if (__builtin_add_overflow(x, y, &r)) return big_arith(R, op, a, b, out); *out = v_int(r); return true;
        case OPB_SUB: if (__builtin_sub_overflow(x, y, &r)) return big_arith(R, op, a, b, out); *out = v_int(r); return true;
        case OPB_MUL: if (__builtin_mul_overflow(x, y, &r)) return big_arith(R, op, a, b, out); *out = v_int(r); return true;
        case OPB_DIV:
            if (y == 0) return rt_error(R, JINN_ERR_VALUE, "division by zero");
            /* beyond 2^53 a double does not hold the operands: the correctly rounded quotient */
            if (x > (1LL << 53) || x < -(1LL << 53) || y > (1LL << 53) || y < -(1LL << 53)) return big_arith(R, op, a, b, out);
            *out = v_float((double)x / (double)y);
            return true;
        case OPB_FLOORDIV:
        case OPB_MOD:
            if (y == 0) return rt_error(R, JINN_ERR_VALUE, op == OPB_MOD ? "integer modulo by zero" : "integer division or modulo by zero");
            if (x == INT64_MIN && y == -1) {
                if (op == OPB_MOD) { *out = v_int(0); return true; }
                return big_arith(R, op, a, b, out);
            }
            {
                int64_t q = x / y, m = x % y;
                if (m != 0 && ((m < 0) != (y < 0))) { q--; m += y; }
                *out = v_int(op == OPB_MOD ? m : q);
            }
            return true;
        case OPB_POW: return int_pow(R, x, y, out, true);
        }
    }
    if ((a.t == JV_BIG || b.t == JV_BIG) && val_is_number(a) && val_is_number(b)) {
        if (a.t != JV_FLOAT && b.t != JV_FLOAT) return big_arith(R, op, a, b, out);
        double d; /* with a float: Python converts the int, which may not fit */
        if (!big_to_double(R, a.t == JV_BIG ? a : b, &d)) return false;
        return a.t == JV_BIG ? op_arith(R, op, v_float(d), b, out) : op_arith(R, op, a, v_float(d), out);
    }
    if (val_is_number(a) && val_is_number(b)) {
        double x = val_to_double(a), y = val_to_double(b);
        switch (op) {
        case OPB_ADD: *out = v_float(x + y); return true;
        case OPB_SUB: *out = v_float(x - y); return true;
        case OPB_MUL: *out = v_float(x * y); return true;
        case OPB_DIV:
            if (y == 0) return rt_error(R, JINN_ERR_VALUE, "float division by zero");
            *out = v_float(x / y);
            return true;
        case OPB_FLOORDIV:
            if (y == 0) return rt_error(R, JINN_ERR_VALUE, "float floor division by zero");
            *out = v_float(py_floordiv(x, y)); /* divmod-based, so inf // y is nan */
            return true;
        case OPB_MOD:
            if (y == 0) return rt_error(R, JINN_ERR_VALUE, "float modulo" /* (Python 3.11's words) */);
            *out = v_float(py_fmod(x, y));
            return true;
        case OPB_POW:
            if (x == 0 && y < 0) return rt_error(R, JINN_ERR_VALUE, "0.0 cannot be raised to a negative power");
            if (x < 0 && y != floor(y)) return rt_error(R, JINN_ERR_VALUE, "a negative number cannot be raised to a fractional power");
            *out = v_float(pow(x, y));
            if (isinf(out->u.d) && !isinf(x) && !isinf(y)) return rt_error(R, JINN_ERR_VALUE, "numerical result out of range");
            return true;
        }
    }
    if (op == OPB_ADD) {
        if (a.t == JV_STR && b.t == JV_STR) {
            if ((a.f ^ b.f) & JV_SAFE) return join_markup(R, a, b, out); /* str + Markup: escaped */
            *out = str_concat(R, v_sp(a), v_sl(a), v_sp(b), v_sl(b));
            if (out->t == JV_ERROR) return false;
            out->f = a.f & b.f & JV_SAFE;
            return true;
        }
        if (a.t == JV_LIST && b.t == JV_LIST && (a.f & JV_TUPLE) == (b.f & JV_TUPLE) && !((a.f | b.f) & (JV_RANGE | JV_ITER))) {
            size_t na = a.u.l->len, nb = b.u.l->len, n = na + nb;
            if (!rt_charge(R, (int64_t)n)) return false; /* every item copied (and counted) */
            value l = v_list(R, n);
            if (l.t == JV_ERROR) return false;
            l.f = a.f & JV_TUPLE;
            /* the copies through locals: to the compiler a value stored may be a list's length (an
             * int64 and a size_t may share memory), so the lengths were read again per item */
            const value *ai = a.u.l->items, *bi = b.u.l->items;
            value *w = l.u.l->items;
            for (size_t i = 0; i < na; i++) w[i] = val_dup(ai[i]);
            for (size_t i = 0; i < nb; i++) w[na + i] = val_dup(bi[i]);
            l.u.l->len = n;
            *out = l;
            return true;
        }
    }
    if (op == OPB_MUL) {
        if (((a.t == JV_STR || a.t == JV_LIST) && b.t == JV_BIG) || ((b.t == JV_STR || b.t == JV_LIST) && a.t == JV_BIG))
            return is_seq(a) || is_seq(b) ? rt_error(R, JINN_ERR_VALUE, "cannot fit 'int' into an index-sized integer")
                                          : type_error2(R, op, a, b); /* a range or an iterator does not repeat */
        if (is_seq(a) && is_intlike(b)) return repeat_seq(R, a, ival(b), out);
        if (is_seq(b) && is_intlike(a)) return repeat_seq(R, b, ival(a), out);
    }
    if (op == OPB_MOD && a.t == JV_STR) {
        /* "%s and %s" % (a, b): printf-style formatting, done by the stdlib's format filter */
        value pos[BI_MAXPARAMS];
        int n = 0;
        pos[n++] = a;
        if (b.t == JV_LIST && (b.f & JV_TUPLE)) {
            for (size_t i = 0; i < b.u.l->len && n < BI_MAXPARAMS; i++) pos[n++] = b.u.l->items[i];
        } else if (b.t == JV_DICT) {
            return reg_percent(R, pos, n, b.u.m, out);
        } else if (((b.t == JV_LIST && !(b.f & JV_ITER)) || b.t == JV_UNDEF) && !format_converts(a)) {
            /* a list, a range or an Undefined is a mapping to Python's % (it has __getitem__):
             * a format that converts nothing leaves it unused without "not all arguments
             * converted" */
            return reg_percent(R, pos, n, NULL, out);
        } else {
            pos[n++] = b;
        }
        return reg_percent(R, pos, n, NULL, out);
    }
    return type_error2(R, op, a, b);
}

/* ======================================================================================
 * Containers: attributes, items, slices, membership, iteration
 * ====================================================================================== */

value op_getattr(jrt *R, value obj, const char *name, size_t len)
{
    if (obj.t == JV_FUNC && obj.u.fn->kind == FN_LOOP) return op_getattr(R, obj.u.fn->self, name, len);
    if (obj.t == JV_FUNC && obj.u.fn->kind == FN_CYCLER && len == 7 && !memcmp(name, "current", 7)) {
        jlist *st = obj.u.fn->self.u.l;
        return val_dup(st->items[0].u.l->items[st->items[1].u.i]);
    }
    if (obj.t == JV_LIST && (obj.f & JV_GROUP) && obj.u.l->len == 2) {
        if (len == 7 && !memcmp(name, "grouper", 7)) return val_dup(obj.u.l->items[0]);
        if (len == 4 && !memcmp(name, "list", 4)) return val_dup(obj.u.l->items[1]);
    }
    if (obj.t == JV_LIST && (obj.f & JV_RANGE) && len == 4 && (!memcmp(name, "stop", 4) || !memcmp(name, "step", 4))) {
        int64_t r[3];
        range_bounds(obj, &r[0], &r[1], &r[2]);
        return v_int(r[name[2] == 'e' ? 2 : 1]);
    }
    if (obj.t == JV_LIST && (obj.f & JV_RANGE) && len == 5 && !memcmp(name, "start", 5)) {
        int64_t r[3];
        range_bounds(obj, &r[0], &r[1], &r[2]);
        return v_int(r[0]);
    }
    if (obj.t == JV_DICT) {
        value *v = dict_get_str(obj.u.m, name, len);
        if (v) return val_dup(*v);
    } else if (obj.t == JV_UNDEF) {
        val_undef_error(R, obj);
        return v_err();
    }
    value s = v_str(R, name, len);
    if (s.t == JV_ERROR) return s;
    value u = v_undef_why(UK_ATTR, &obj, s.u.s);
    val_drop(R, s);
    return u;
}

static bool norm_index(int64_t *i, size_t len)
{
    if (*i < 0) *i += (int64_t)len;
    return *i >= 0 && (uint64_t)*i < len;
}

/* the undefined of an index past the end of obj (an int, or a big int, which is past the end of
 * any sequence): "list object has no element 5" */
static value elem_undef(jrt *R, value obj, value key)
{
    jbuf t = {0};
    if (!(key.t == JV_BIG ? big_print(R, &t, key) : buf_printf(R, &t, "%lld", (long long)ival(key)))) {
        buf_free(R, &t);
        return v_err();
    }
    value s = v_str_from_buf(R, &t);
    if (s.t == JV_ERROR) return s;
    value u = v_undef_why(UK_ELEM, &obj, s.u.s);
    val_drop(R, s);
    return u;
}

value op_getitem(jrt *R, value obj, value key)
{
    switch (obj.t) {
    case JV_UNDEF:
        val_undef_error(R, obj);
        return v_err();
    case JV_DICT:
        if (val_hashable(key)) {
            value *v = dict_get(obj.u.m, key);
            if (v) return val_dup(*v);
        }
        break;
    case JV_LIST:
        if (key.t == JV_BIG) return elem_undef(R, obj, key);
        if (is_intlike(key) && !(obj.f & JV_ITER)) {
            int64_t i = ival(key);
            if (norm_index(&i, obj.u.l->len)) return val_dup(obj.u.l->items[i]);
            return elem_undef(R, obj, key);
        }
        break;
    case JV_STR:
        if (key.t == JV_BIG) return elem_undef(R, obj, key);
        if (is_intlike(key)) {
            int64_t i = ival(key);
            size_t n = utf8_count(v_sp(obj), v_sl(obj));
            if (norm_index(&i, n)) {
                size_t a = utf8_offset(v_sp(obj), v_sl(obj), (size_t)i);
                size_t b = utf8_offset(v_sp(obj), v_sl(obj), (size_t)i + 1);
                value ch = v_str(R, v_sp(obj) + a, b - a);
                if (ch.t == JV_STR) ch.f |= obj.f & JV_SAFE; /* an item of Markup is Markup */
                return ch;
            }
            return elem_undef(R, obj, key);
        }
        break;
    default:
        break;
    }
    if (key.t == JV_STR) return op_getattr(R, obj, v_sp(key), v_sl(key));
    if (key.t == JV_UNDEF) { val_undef_error(R, key); return v_err(); }
    jbuf b = {0};
    if (!print_repr(R, &b, key)) { buf_free(R, &b); return v_err(); }
    value s = v_str_from_buf(R, &b);
    if (s.t == JV_ERROR) return s;
    value u = v_undef_why(UK_ATTR, &obj, s.u.s);
    val_drop(R, s);
    return u;
}

value op_getpath(jrt *R, value obj, const char *path, size_t len)
{
    value cur = val_dup(obj);
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && path[j] != '.') j++;
        value next;
        /* an all-digit component indexes a list, as Jinja2's attribute paths do */
        int digits = j > i;
        for (size_t k = i; k < j; k++) if (path[k] < '0' || path[k] > '9') digits = 0;
        if (digits && j - i < 18 && cur.t != JV_DICT) {
            int64_t n = 0;
            for (size_t k = i; k < j; k++) n = n * 10 + (path[k] - '0');
            next = op_getitem(R, cur, v_int(n));
        } else if (cur.t == JV_UNDEF) {
            next = val_dup(cur);
        } else {
            next = op_getattr(R, cur, path + i, j - i);
        }
        val_drop(R, cur);
        if (next.t == JV_ERROR) return next;
        cur = next;
        i = j + 1;
        if (j >= len) break;
    }
    return cur;
}

/* Python slice semantics on lists, tuples and strings (strings by code point). */
value op_slice(jrt *R, value obj, value start, value stop, value step)
{
    int64_t st = 1;
    if (step.t != JV_NONE && step.t != JV_UNDEF) {
        if (!v_intlike(step)) { rt_error(R, JINN_ERR_TYPE, "slice indices must be integers or None"); return v_err(); }
        st = slice_ival(step);
        if (st == 0) { rt_error(R, JINN_ERR_VALUE, "slice step cannot be zero"); return v_err(); }
    }
    if ((start.t != JV_NONE && start.t != JV_UNDEF && !v_intlike(start)) ||
        (stop.t != JV_NONE && stop.t != JV_UNDEF && !v_intlike(stop))) {
        rt_error(R, JINN_ERR_TYPE, "slice indices must be integers or None");
        return v_err();
    }
    if (obj.t == JV_UNDEF) { val_undef_error(R, obj); return v_err(); }
    int64_t len;
    if (obj.t == JV_LIST) len = (int64_t)obj.u.l->len;
    else if (obj.t == JV_STR) len = (int64_t)utf8_count(v_sp(obj), v_sl(obj));
    else return v_undef(); /* Jinja2's getitem: a value with no items gives undefined */
    int64_t a, b;
    if (st > 0) {
        a = start.t == JV_NONE || start.t == JV_UNDEF ? 0 : slice_ival(start);
        b = stop.t == JV_NONE || stop.t == JV_UNDEF ? len : slice_ival(stop);
        if (a < 0) { a += len; if (a < 0) a = 0; }
        if (a > len) a = len;
        if (b < 0) { b += len; if (b < 0) b = 0; }
        if (b > len) b = len;
    } else {
        a = start.t == JV_NONE || start.t == JV_UNDEF ? len - 1 : slice_ival(start);
        b = stop.t == JV_NONE || stop.t == JV_UNDEF ? -1 : slice_ival(stop);
        if (a < 0) { a += len; if (a < 0) a = -1; }
        if (a >= len) a = len - 1;
        if (stop.t != JV_NONE && stop.t != JV_UNDEF) {
            if (b < 0) { b += len; if (b < 0) b = -1; }
            if (b >= len) b = len - 1;
        }
    }
    if (obj.t == JV_LIST) {
        value l = v_list(R, 0);
        if (l.t == JV_ERROR) return l;
        l.f = obj.f & JV_TUPLE;
        for (int64_t i = a; st > 0 ? i < b : i > b; i += st)
            if (!list_push(R, l.u.l, val_dup(obj.u.l->items[i]))) { val_drop(R, l); return v_err(); }
        if (obj.f & JV_RANGE) { /* a slice of a range is a range: range(10)[2:5] is range(2, 5) */
            int64_t r0, r1, rs, x, y, z;
            range_bounds(obj, &r0, &r1, &rs);
            if (__builtin_mul_overflow(a, rs, &x) || __builtin_add_overflow(r0, x, &x) ||
                __builtin_mul_overflow(b, rs, &y) || __builtin_add_overflow(r0, y, &y) || __builtin_mul_overflow(rs, st, &z))
                l.f |= JV_RANGE; /* bounds beyond int64: derived from the items */
            else if (!range_mark(R, &l, x, y, z)) { val_drop(R, l); return v_err(); }
        }
        return l;
    }
    /* strings: a contiguous forward slice is one copy; otherwise gather code points */
    const char *s = v_sp(obj);
    size_t sl = v_sl(obj);
    value r;
    if (st == 1) {
        size_t x = b <= a ? 0 : utf8_offset(s, sl, (size_t)a), y = b <= a ? 0 : utf8_offset(s, sl, (size_t)b);
        r = v_str(R, s + x, y - x);
    } else {
        jbuf out = {0};
        for (int64_t i = a; st > 0 ? i < b : i > b; i += st) {
            size_t x = utf8_offset(s, sl, (size_t)i), y = utf8_offset(s, sl, (size_t)i + 1);
            if (!buf_put(R, &out, s + x, y - x)) { buf_free(R, &out); return v_err(); }
        }
        r = v_str_from_buf(R, &out);
    }
    if (r.t == JV_STR) r.f |= obj.f & JV_SAFE; /* a slice of Markup is Markup */
    return r;
}

/* the Python class of an undefined value, as Jinja2's messages name it */
static const char *undef_class(jrt *R, value u)
{
    if (u.f & UK_SOFT) return "Undefined"; /* an inline if's: always the plain one */
    switch (R->undef_mode) {
    case JINN_UNDEFINED_STRICT: return "StrictUndefined";
    case JINN_UNDEFINED_LENIENT:
    case JINN_UNDEFINED_CHAINABLE: return "ChainableUndefined";
    case JINN_UNDEFINED_DEBUG: return "DebugUndefined";
    default: return "Undefined";
    }
}

bool op_contains_strict_ok(jrt *R, value container, value item)
{
    if (R->undef_mode != JINN_UNDEFINED_STRICT) return true;
    if (v_strict_undef(container)) return val_undef_error(R, container);
    if (v_strict_undef(item) && (container.t == JV_DICT || (container.t == JV_LIST && container.u.l->len)))
        return val_undef_error(R, item);
    return true;
}

static bool contains_any(jrt *R, value container, value item, bool *out);
static bool contains_str_from(jrt *R, const jlist *l, size_t i, const jstr *s, bool *out);

/* A string in a list (select's `in`, `x in [...]`) and a string key in a dict (not a namespace)
 * here, before the other cases' frame. In the list an item of another length (or another
 * type) is not equal and the very string is, without a compare and without a charge
 * (str_equal_rt's own first test); the first item of the same length goes to
 * contains_str_from, which compares (and charges) from there on. Anything else: contains_any. */
bool op_contains(jrt *R, value container, value item, bool *out)
{
    if (item.t == JV_STR && container.t == JV_LIST) {
        const jlist *l = container.u.l;
        const jstr *s = item.u.s;
        for (size_t i = 0, n = l->len; i < n; i++) {
            const value *x = &l->items[i];
            if (x->t != JV_STR) continue;
            if (x->u.s == s) { *out = true; return true; }
            if (x->u.s->len == s->len) return contains_str_from(R, l, i, s, out);
        }
        *out = false;
        return true;
    }
    if (item.t == JV_STR && container.t == JV_DICT && !(container.f & JV_NS)) {
        *out = dict_get_jstr(container.u.m, item.u.s) != NULL;
        return true;
    }
    return contains_any(R, container, item, out);
}

static __attribute__((noinline)) bool contains_str_from(jrt *R, const jlist *l, size_t i, const jstr *s, bool *out)
{
    for (; i < l->len; i++) {
        bool eq;
        value x = l->items[i];
        if (x.t != JV_STR) continue;
        if (!str_equal_rt(R, x.u.s, s, &eq)) return false;
        if (eq) { *out = true; return true; }
    }
    *out = false;
    return true;
}

static __attribute__((noinline)) bool contains_any(jrt *R, value container, value item, bool *out)
{
    switch (container.t) {
    case JV_STR:
        if (item.t != JV_STR)
            return rt_error(R, JINN_ERR_TYPE, "'in <string>' requires string as left operand, not %s",
                            item.t == JV_UNDEF ? undef_class(R, item) : val_type_name(item));
        if (v_sl(item) == 0) { *out = true; return true; }
        if (!rt_charge_bytes(R, v_sl(container))) return false;
        *out = v_sl(item) <= v_sl(container) &&
               memmem(v_sp(container), v_sl(container), v_sp(item), v_sl(item)) != NULL;
        return true;
    case JV_LIST: /* (an item not a string: a string item is op_contains's) */
        for (size_t i = 0; i < container.u.l->len; i++) {
            bool eq;
            if (!val_equal_rt(R, container.u.l->items[i], item, &eq)) return false;
            if (eq) { *out = true; return true; }
        }
        *out = false;
        return true;
    case JV_DICT:
        if ((container.f & JV_NS) && R->profile == PROF_JINJA)
            return rt_error(R, JINN_ERR_TYPE, "argument of type 'Namespace' is not iterable");
        if (item.t == JV_UNDEF) { *out = false; return true; } /* Undefined hashes, and is no key */
        if (!val_hashable(item)) {
            /* a range, an iterator, a function or a namespace hashes in Python, and is no key
             * here (no dict holds one) */
            if (val_unheld_key(item)) {
                *out = false;
                return true;
            }
            return rt_error(R, JINN_ERR_TYPE, "unhashable type: '%s'", val_type_name(item));
        }
        *out = (item.t == JV_STR ? dict_get_jstr(container.u.m, item.u.s) : dict_get(container.u.m, item)) != NULL;
        return true;
    case JV_UNDEF:
        /* Jinja2's Undefined iterates as empty: nothing is in it */
        *out = false;
        return true;
    default:
        return rt_error(R, JINN_ERR_TYPE, "argument of type '%s' is not iterable", val_type_name(container));
    }
}

static value to_list_any(jrt *R, value v);
value op_to_list(jrt *R, value v)
{
    /* a list (what a for loop mostly walks): itself, with no call, so no frame */
    if (v.t == JV_LIST && !(v.f & JV_ITER)) {
        value l = val_dup(v);
        l.f &= (uint8_t)~JV_RANGE; /* the items of a range, as list(range) */
        return l;
    }
    return to_list_any(R, v);
}

static __attribute__((noinline)) value to_list_any(jrt *R, value v)
{
    switch (v.t) {
    case JV_LIST: {
        if ((v.f & JV_ITER) && R->profile == PROF_JINJA) { /* an iterator: its items, once */
            value l = v_list(R, v.u.l->len);
            if (l.t == JV_ERROR) return l;
            if (v.u.l->len) memcpy(l.u.l->items, v.u.l->items, v.u.l->len * sizeof(value));
            l.u.l->len = v.u.l->len;
            v.u.l->len = 0; /* the references move to l */
            return l;
        }
        value l = val_dup(v);
        l.f &= (uint8_t)~JV_RANGE; /* the items of a range, as list(range) */
        return l;
    }
    case JV_UNDEF:
    case JV_ABSENT:
        return v_list(R, 0);
    case JV_DICT: {
        if ((v.f & JV_NS) && R->profile == PROF_JINJA) { /* Jinja2's Namespace has no __iter__ */
            rt_error(R, JINN_ERR_TYPE, "'Namespace' object is not iterable");
            return v_err();
        }
        value l = v_list(R, v.u.m->len);
        if (l.t == JV_ERROR) return l;
        jentry *e;
        for (size_t i = 0; dict_next(v.u.m, &i, &e);) l.u.l->items[l.u.l->len++] = val_dup(e->key);
        return l;
    }
    case JV_STR: {
        const char *s = v_sp(v);
        size_t n = v_sl(v);
        value l = v_list(R, utf8_count(s, n));
        if (l.t == JV_ERROR) return l;
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            while (j < n && ((uint8_t)s[j] & 0xC0) == 0x80) j++;
            value c = v_str(R, s + i, j - i);
            if (c.t == JV_ERROR || !list_push(R, l.u.l, c)) { val_drop(R, l); return v_err(); }
            i = j;
        }
        return l;
    }
    default:
        rt_error(R, JINN_ERR_TYPE, "'%s' object is not iterable", val_type_name(v));
        return v_err();
    }
}

/* ======================================================================================
 * Randomness: a per-render xorshift64* generator (seeded from the render options)
 * ====================================================================================== */

uint64_t rt_random(jrt *R, uint64_t n)
{
    if (n <= 1) return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    for (;;) {
        uint64_t x = R->rng ? R->rng : 0x9E3779B97F4A7C15ULL;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        R->rng = x;
        uint64_t r = x * 0x2545F4914F6CDD1DULL;
        if (r < limit) return r % n;
    }
}

/* ======================================================================================
 * The jinjava profile (reference/jinjava-dialect.md §5.3, §5.4): JUEL's arithmetic and
 * comparisons, and decimals for Java's BigDecimal (value.h, DECIMALS)
 * ====================================================================================== */

/* the scale of new BigDecimal(d): the digits of d's exact binary expansion (0.5 → 1, 0.1 → 55) */
int dec_double_scale(double d)
{
    if (!isfinite(d) || d == floor(d)) return 0;
    int e;
    double f = frexp(fabs(d), &e); /* |d| = f * 2^e, f in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(f, 53);
    int k = 53 - e; /* |d| = m / 2^k, and m / 2^k has k decimals when m is odd */
    while (k > 0 && !(m & 1)) { m >>= 1; k--; }
    return k > JV_DEC_MAXSCALE ? JV_DEC_MAXSCALE : k;
}

/* the scale of new BigDecimal(text): decimals minus the exponent ("2.50" 2, "1.0E-4" 5);
 * -1 when text is not a decimal number. Negative scales count as 0 (jinn's decimals print
 * plainly). */
int dec_text_scale(const char *s, size_t n)
{
    size_t i = 0;
    int frac = 0;
    bool digits = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') { i++; digits = true; }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') { i++; frac++; digits = true; }
    }
    if (!digits) return -1;
    long ex = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool neg = i < n && s[i] == '-';
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n) return -1;
        while (i < n && s[i] >= '0' && s[i] <= '9') { if (ex < 100000) ex = ex * 10 + (s[i] - '0'); i++; }
        if (neg) ex = -ex;
    }
    if (i != n) return -1;
    long sc = frac - ex;
    return sc < 0 ? 0 : sc > JV_DEC_MAXSCALE ? JV_DEC_MAXSCALE : (int)sc;
}

/* x rounded to scale decimals (negative: to tens, hundreds...), on x's shortest decimal text,
 * as BigDecimal.setScale does on new BigDecimal(Double.toString(x)): DEC_HALF_UP rounds
 * halves away from zero (2.675 → 2.68, where binary rounding gives 2.67). */
double dec_round(double x, int scale, int mode)
{
    if (!isfinite(x) || x == 0) return x;
    dtoa_dec s = dtoa_shortest(x);
    bool neg = s.neg;
    char digs[24];
    int nd = (int)dtoa_digits(s.digits, digs); /* (x != 0: s.digits != 0) */
    int exp10 = s.exp + nd - 1; /* x = d0.d1d2... * 10^exp10 */
    int keep = exp10 + 1 + scale; /* digits that stay */
    if (keep >= nd) return x;
    bool rest = false;
    for (int i = keep < 0 ? 0 : keep; i < nd; i++) if (digs[i] != '0') rest = true;
    bool up = mode == DEC_HALF_UP ? keep >= 0 && digs[keep] >= '5'
            : mode == DEC_CEILING ? !neg && rest : neg && rest;
    if (keep < 0) {
        if (!up) return neg ? -0.0 : 0.0;
        double u = pow(10.0, -scale);
        return neg ? -u : u;
    }
    char out[48];
    int o = 0;
    if (neg) out[o++] = '-';
    char kd[24];
    memcpy(kd, digs, (size_t)keep);
    int at = keep - 1;
    if (up) {
        while (at >= 0 && kd[at] == '9') kd[at--] = '0';
        if (at >= 0) kd[at]++;
        else out[o++] = '1';
    }
    memcpy(out + o, kd, (size_t)keep);
    o += keep;
    if (o == neg) out[o++] = '0';
    int e = exp10 + 1 - keep; /* "e%d" */
    out[o++] = 'e';
    if (e < 0) out[o++] = '-', e = -e;
    o += (int)dtoa_digits((uint64_t)e, out + o);
    out[o] = 0;
    return dtoa_strtod(out, NULL);
}

/* new BigDecimal(v.toString()): *d and *scale of a number or numeric string. Returns 1, 0 for
 * none/undefined (Jinjava's filters give null), or -1 after an error. */
int dec_from(jrt *R, value v, double *d, int *scale, const char *what)
{
    switch (v.t) {
    case JV_NONE:
    case JV_UNDEF:
        return 0;
    case JV_INT:
        *d = (double)v.u.i;
        *scale = 0;
        return 1;
    case JV_FLOAT:
        *d = v.u.d;
        if (v.f & JV_DEC) { *scale = v_dec_scale(v); return 1; }
        if (!isfinite(v.u.d)) break;
        {
            jbuf t = {0};
            if (!print_str(R, &t, v)) { buf_free(R, &t); return -1; }
            *scale = dec_text_scale(t.p, t.len);
            buf_free(R, &t);
        }
        if (*scale < 0) *scale = 0;
        return 1;
    case JV_STR: {
        const char *s = v_sp(v);
        size_t n = v_sl(v);
        while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
        int sc = dec_text_scale(s, n);
        if (sc < 0 || n > 400) break;
        char tmp[401];
        memcpy(tmp, s, n);
        tmp[n] = 0;
        *d = dtoa_strtod(tmp, NULL);
        *scale = sc;
        return 1;
    }
    default:
        break;
    }
    jbuf t = {0};
    print_str(R, &t, v);
    rt_error(R, JINN_ERR_VALUE, "%s: '%s' is not a number", what, t.p ? t.p : "");
    buf_free(R, &t);
    return -1;
}

/* A number as JUEL coerces an operand: none and undefined are 0, strings are parsed (with a
 * '.', 'e' or 'E' as a double), booleans and containers are not numbers. */
enum { JN_NAN = -1, JN_LONG = 1, JN_DOUBLE = 2, JN_DEC = 3 };
static int jv_num(value v, int64_t *i, double *d)
{
    switch (v.t) {
    case JV_NONE:
    case JV_UNDEF: *i = 0; return JN_LONG;
    case JV_INT: *i = v.u.i; return JN_LONG;
    case JV_FLOAT: *d = v.u.d; return (v.f & JV_DEC) ? JN_DEC : JN_DOUBLE;
    case JV_STR: {
        const char *s = v_sp(v);
        size_t n = v_sl(v);
        if (!n) { *i = 0; return JN_LONG; }
        if (n > 400) return JN_NAN;
        char tmp[401], *end;
        memcpy(tmp, s, n);
        tmp[n] = 0;
        if (memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n)) {
            if (dec_text_scale(s, n) < 0) return JN_NAN;
            *d = dtoa_strtod(tmp, &end);
            return JN_DOUBLE;
        }
        errno = 0;
        long long x = strtoll(tmp, &end, 10);
        if (end == tmp || *end || errno) return JN_NAN;
        *i = x;
        return JN_LONG;
    }
    default: return JN_NAN;
    }
}

static bool jv_not_number(jrt *R, value v, const char *op)
{
    jbuf t = {0};
    print_str(R, &t, v);
    rt_error(R, JINN_ERR_TYPE, "cannot use %s%s%s (%s) as a number in '%s'", v.t == JV_STR ? "'" : "",
             t.p ? t.p : "", v.t == JV_STR ? "'" : "", val_type_name(v), op);
    buf_free(R, &t);
    return false;
}

/* Java's toString of an operand of string '+': none and undefined are "null" */
static bool jv_str_part(jrt *R, jbuf *b, value v)
{
    if (v.t == JV_NONE || v.t == JV_UNDEF) return buf_put(R, b, "null", 4);
    return print_str(R, b, v);
}

bool op_jv_arith(jrt *R, int op, value a, value b, value *out)
{
    if (op == OPB_CONCAT) return op_arith(R, op, a, b, out); /* '~': none prints empty */
    if (op == OPB_ADD) {
        if (a.t == JV_LIST) { /* list + list concatenates, list + x appends x */
            size_t nb = b.t == JV_LIST ? b.u.l->len : 1;
            value l = v_list(R, a.u.l->len + nb);
            if (l.t == JV_ERROR) return false;
            for (size_t i = 0; i < a.u.l->len; i++) l.u.l->items[l.u.l->len++] = val_dup(a.u.l->items[i]);
            if (b.t == JV_LIST)
                for (size_t i = 0; i < nb; i++) l.u.l->items[l.u.l->len++] = val_dup(b.u.l->items[i]);
            else
                l.u.l->items[l.u.l->len++] = val_dup(b);
            *out = l;
            return true;
        }
        if (a.t == JV_DICT && b.t == JV_DICT) { /* a merge */
            value d = v_dict(R, a.u.m->len + b.u.m->len);
            if (d.t == JV_ERROR) return false;
            jentry *e;
            for (int k = 0; k < 2; k++)
                for (size_t i = 0; dict_next((k ? b : a).u.m, &i, &e);)
                    if (!dict_set(R, d.u.m, val_dup(e->key), val_dup(e->val))) { val_drop(R, d); return false; }
            *out = d;
            return true;
        }
        if (a.t == JV_STR || b.t == JV_STR) { /* string concatenation of Java's toString */
            jbuf t = {0};
            if (!jv_str_part(R, &t, a) || !jv_str_part(R, &t, b)) { buf_free(R, &t); return false; }
            *out = v_str_from_buf(R, &t);
            return out->t != JV_ERROR;
        }
    }
    int64_t x = 0, y = 0;
    double dx = 0, dy = 0;
    int ka = jv_num(a, &x, &dx), kb = jv_num(b, &y, &dy);
    if (ka == JN_NAN) return jv_not_number(R, a, opb_symbol(op));
    if (kb == JN_NAN) return jv_not_number(R, b, opb_symbol(op));
    if (op == OPB_FLOORDIV && (a.t == JV_STR || b.t == JV_STR))
        return rt_error(R, JINN_ERR_TYPE, "unsupported operand type(s) for //: '%s' and '%s'", val_type_name(a), val_type_name(b));
    if ((ka == JN_DEC || kb == JN_DEC) && op <= OPB_DIV) {
        /* BigDecimal arithmetic: the other side as new BigDecimal(double) */
        int sa = ka == JN_DEC ? v_dec_scale(a) : ka == JN_LONG ? 0 : dec_double_scale(dx);
        int sb = kb == JN_DEC ? v_dec_scale(b) : kb == JN_LONG ? 0 : dec_double_scale(dy);
        if (ka == JN_LONG) dx = (double)x;
        if (kb == JN_LONG) dy = (double)y;
        switch (op) {
        case OPB_ADD: *out = v_dec(dx + dy, sa > sb ? sa : sb); return true;
        case OPB_SUB: *out = v_dec(dx - dy, sa > sb ? sa : sb); return true;
        case OPB_MUL: *out = v_dec(dx * dy, sa + sb); return true;
        default:
            if (dy == 0) return rt_error(R, JINN_ERR_VALUE, "division by zero");
            *out = v_dec(dec_round(dx / dy, sa, DEC_HALF_UP), sa); /* the dividend's scale, HALF_UP */
            return true;
        }
    }
    if (ka == JN_LONG && kb == JN_LONG) {
        int64_t r;
        switch (op) {
        case OPB_ADD: if (__builtin_add_overflow(x, y, &r)) return rt_overflow(R); *out = v_int(r); return true;
        case OPB_SUB: if (__builtin_sub_overflow(x, y, &r)) return rt_overflow(R); *out = v_int(r); return true;
        case OPB_MUL: if (__builtin_mul_overflow(x, y, &r)) return rt_overflow(R); *out = v_int(r); return true;
        case OPB_DIV: *out = v_float((double)x / (double)y); return true; /* 1/0 is Infinity */
        case OPB_FLOORDIV:
        case OPB_MOD:
            if (y == 0) return rt_error(R, JINN_ERR_VALUE, "/ by zero");
            if (y == -1) { if (op == OPB_MOD) { *out = v_int(0); return true; } if (x == INT64_MIN) return rt_overflow(R); }
            if (op == OPB_MOD) { *out = v_int(x % y); return true; } /* Java: the sign of the dividend */
            r = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0))) r--; /* Math.floorDiv */
            *out = v_int(r);
            return true;
        case OPB_POW:
            if (y >= 0) return int_pow(R, x, y, out, false);
            { /* (long)Math.pow: 2 ** -1 is 0 */
                double pw = pow((double)x, (double)y);
                if (!(fabs(pw) < 9.2e18)) return rt_overflow(R);
                *out = v_int((int64_t)pw);
            }
            return true;
        }
    }
    if (ka == JN_LONG) dx = (double)x;
    if (kb == JN_LONG) dy = (double)y;
    switch (op) {
    case OPB_ADD: *out = v_float(dx + dy); return true;
    case OPB_SUB: *out = v_float(dx - dy); return true;
    case OPB_MUL: *out = v_float(dx * dy); return true;
    case OPB_DIV: *out = v_float(dx / dy); return true;
    case OPB_FLOORDIV: *out = v_float(floor(dx / dy)); return true;
    case OPB_MOD: *out = v_float(fmod(dx, dy)); return true;
    default: *out = v_float(pow(dx, dy)); return true;
    }
}

/* JUEL's ==: 1 equal, 0 not, -1 a conversion failed (nothing recorded) */
static int jv_eq(jrt *R, value a, value b)
{
    bool an = a.t == JV_NONE || a.t == JV_UNDEF, bn = b.t == JV_NONE || b.t == JV_UNDEF;
    if (an || bn) return an && bn;
    int64_t x = 0, y = 0;
    double dx = 0, dy = 0;
    bool af = a.t == JV_FLOAT, bf = b.t == JV_FLOAT;
    if (v_is_dec(a) || v_is_dec(b) || af || bf) {
        /* BigDecimal.equals is scale-sensitive: 3|round(2) == 3 is false */
        bool dec = v_is_dec(a) || v_is_dec(b);
        int ka = jv_num(a, &x, &dx), kb = jv_num(b, &y, &dy);
        if (ka == JN_NAN || kb == JN_NAN || a.t == JV_BOOL || b.t == JV_BOOL) return -1;
        if (ka == JN_LONG) dx = (double)x;
        if (kb == JN_LONG) dy = (double)y;
        if (dx != dy) return 0;
        if (!dec) return 1;
        int sa = ka == JN_DEC ? v_dec_scale(a) : ka == JN_LONG ? 0 : dec_double_scale(dx);
        int sb = kb == JN_DEC ? v_dec_scale(b) : kb == JN_LONG ? 0 : dec_double_scale(dy);
        return sa == sb;
    }
    if (a.t == JV_INT || b.t == JV_INT) {
        if (a.t == JV_BOOL || b.t == JV_BOOL) return -1;
        if (jv_num(a, &x, &dx) != JN_LONG || jv_num(b, &y, &dy) != JN_LONG) return -1;
        return x == y;
    }
    if (a.t == JV_BOOL || b.t == JV_BOOL) {
        value o = a.t == JV_BOOL ? b : a;
        bool ob;
        if (o.t == JV_BOOL) ob = o.u.b;
        else if (o.t == JV_STR) ob = v_sl(o) == 4 && !strncasecmp(v_sp(o), "true", 4);
        else return -1;
        return (a.t == JV_BOOL ? a.u.b : b.u.b) == ob;
    }
    if (a.t == JV_STR || b.t == JV_STR) {
        jbuf ta = {0}, tb = {0};
        bool ok = print_str(R, &ta, a) && print_str(R, &tb, b);
        int r = ok && ta.len == tb.len && (!ta.len || !memcmp(ta.p, tb.p, ta.len));
        buf_free(R, &ta);
        buf_free(R, &tb);
        return r;
    }
    return val_equal(a, b);
}

static bool jv_cmp_error(jrt *R, value a, value b, const char *op)
{
    return rt_error(R, JINN_ERR_TYPE, "cannot compare '%s' and '%s' with '%s'", val_type_name(a), val_type_name(b), op);
}

/* JUEL's ordering: *cmp -1/0/1, 2 unordered (NaN) */
static bool jv_order(jrt *R, value a, value b, int *cmp, const char *op)
{
    int64_t x = 0, y = 0;
    double dx = 0, dy = 0;
    if (a.t == JV_FLOAT || b.t == JV_FLOAT) {
        int ka = jv_num(a, &x, &dx), kb = jv_num(b, &y, &dy);
        if (ka == JN_NAN || kb == JN_NAN || a.t == JV_BOOL || b.t == JV_BOOL) return jv_cmp_error(R, a, b, op);
        if (ka == JN_LONG) dx = (double)x;
        if (kb == JN_LONG) dy = (double)y;
        *cmp = isnan(dx) || isnan(dy) ? 2 : dx < dy ? -1 : dx > dy;
        return true;
    }
    if (a.t == JV_INT || b.t == JV_INT) {
        if (a.t == JV_BOOL || b.t == JV_BOOL) return jv_cmp_error(R, a, b, op);
        int ka = jv_num(a, &x, &dx), kb = jv_num(b, &y, &dy);
        if (ka == JN_NAN || kb == JN_NAN) return jv_cmp_error(R, a, b, op);
        if (ka == JN_DOUBLE || kb == JN_DOUBLE) { /* "0.35" > 0 */
            if (ka == JN_LONG) dx = (double)x;
            if (kb == JN_LONG) dy = (double)y;
            *cmp = dx < dy ? -1 : dx > dy;
            return true;
        }
        *cmp = x < y ? -1 : x > y;
        return true;
    }
    if (a.t == JV_STR && b.t == JV_STR) return val_compare(R, a, b, cmp, op);
    if (a.t == JV_BOOL && b.t == JV_BOOL) { *cmp = (int)a.u.b - (int)b.u.b; return true; }
    return jv_cmp_error(R, a, b, op);
}

/* an OPC_ comparison (operators.h) in the jinjava profile */
bool op_jv_compare(jrt *R, int op, value a, value b, bool *res)
{
    if (op == OPC_EQ || op == OPC_NE) {
        int e = jv_eq(R, a, b);
        if (e < 0) return jv_cmp_error(R, a, b, opc_symbol(op));
        *res = (e == 1) == (op == OPC_EQ);
        return true;
    }
    if (op == OPC_IN || op == OPC_NOTIN) {
        bool in = false;
        if (b.t == JV_STR) {
            jbuf t = {0};
            if (!print_str(R, &t, a)) { buf_free(R, &t); return false; }
            in = !t.len || (t.len <= v_sl(b) && memmem(v_sp(b), v_sl(b), t.p, t.len) != NULL);
            buf_free(R, &t);
        } else if (b.t == JV_LIST) {
            for (size_t i = 0; !in && i < b.u.l->len; i++) in = jv_eq(R, a, b.u.l->items[i]) == 1;
        } else if (b.t == JV_DICT) {
            if (val_hashable(a)) in = dict_get(b.u.m, a) != NULL;
            if (!in && a.t != JV_STR && a.t != JV_NONE && a.t != JV_UNDEF) { /* keys are strings: d[1] is d["1"] */
                jbuf t = {0};
                if (!print_str(R, &t, a)) { buf_free(R, &t); return false; }
                in = dict_get_str(b.u.m, t.p ? t.p : "", t.len) != NULL;
                buf_free(R, &t);
            }
        }
        *res = in == (op == OPC_IN);
        return true;
    }
    bool an = a.t == JV_NONE || a.t == JV_UNDEF, bn = b.t == JV_NONE || b.t == JV_UNDEF;
    if (an || bn) { /* x > 0 with x undefined is false; >= and <= of two nulls are true */
        *res = an && bn && (op == OPC_LE || op == OPC_GE);
        return true;
    }
    int cmp;
    if (!jv_order(R, a, b, &cmp, opc_symbol(op))) return false;
    switch (op) {
    case OPC_LT: *res = cmp == -1; break;
    case OPC_LE: *res = cmp == -1 || cmp == 0; break;
    case OPC_GT: *res = cmp == 1; break;
    default: *res = cmp == 1 || cmp == 0; break;
    }
    return true;
}

/* what a jinjava `for` iterates (util/ObjectIterator.getLoop): a dict's values (its keys under
 * the switch iterateOverMapKeys), nothing for none, a scalar (strings included) once, as itself */
value op_jv_iter(jrt *R, value v)
{
    switch (v.t) {
    case JV_LIST: return val_dup(v);
    case JV_UNDEF:
    case JV_NONE:
    case JV_ABSENT: return v_list(R, 0);
    case JV_DICT: {
        value l = v_list(R, v.u.m->len);
        if (l.t == JV_ERROR) return l;
        jentry *e;
        bool keys = R->jv_opts & JINN_JV_ITERATE_MAP_KEYS;
        for (size_t i = 0; dict_next(v.u.m, &i, &e);) l.u.l->items[l.u.l->len++] = val_dup(keys ? e->key : e->val);
        return l;
    }
    default: {
        value l = v_list(R, 1);
        if (l.t == JV_ERROR) return l;
        l.u.l->items[l.u.l->len++] = val_dup(v);
        return l;
    }
    }
}
