/*
 * methods.c — Python methods on dicts, lists and strings (`d.update(x)`, `l.append(1)`,
 * `s.split(',')`), with Python's semantics, as the jinja profile promises.
 *
 * The receiver is args[0]. Mutating methods change the receiver's contents in place — that
 * is their point (`{% do NEWSLETTER.update(...) %}`) — and return none. A receiver that is
 * immortal (a compiler constant, or a context shared between renders and threads) is refused
 * rather than mutated: changing it would leak into other renders, and race with them. The
 * engine is expected to hand methods a render-local copy of such values.
 *
 * Indices of str methods (find, startswith, ...) are in code points, as in Python.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "bigint.h"
#include "lib.h"

#define BI_FN(name) static bool name(jrt *R, value *args, int nargs __attribute__((unused)), value *out)
#define FMT_MAX_WIDTH 10000

/* Mutating methods need a receiver this render owns: values of the shared context are
 * copied for the render on first mutation (op_unshare), so args[0] may be replaced. */
static bool mutable_receiver_slow(jrt *R, value *v, const char *method)
{
    /* Jinja2 looks the method up and finds none: calling that Undefined is its error */
    if (v->t == JV_LIST && (v->f & JV_TUPLE))
        return rt_error(R, JINN_ERR_UNDEFINED, "'tuple object' has no attribute '%s'", method);
    if (v->t == JV_LIST && (v->f & JV_RANGE))
        return rt_error(R, JINN_ERR_UNDEFINED, "'range object' has no attribute '%s'", method);
    if (v->u.h->rc >= JH_IMMORTAL) return op_unshare(R, v, method);
    return true;
}
/* (inline: the common receiver, a plain list or a dict of this render's, answered at once) */
static inline bool mutable_receiver(jrt *R, value *v, const char *method)
{
    if ((v->t != JV_LIST || !(v->f & (JV_TUPLE | JV_RANGE))) && v->u.h->rc < JH_IMMORTAL) return true;
    return mutable_receiver_slow(R, v, method);
}

/* An int argument as a Python method reads it (__index__): absent is dflt; a bool is an int.
 * Each kind of argument has its own words and its own way with none and big ints:
 *   IX_INT    pop's, insert's index, replace's count, split's maxsplit: none is refused,
 *             a big int overflows;
 *   IX_LIST   list.index's start and end: none is refused, a big int is past either end;
 *   IX_STR    a str method's start and end: none is dflt, a big int is past either end. */
enum { IX_INT, IX_LIST, IX_STR };
static bool index_arg(jrt *R, value *args, int i, int64_t dflt, int kind, int64_t *out)
{
    value v = args[i];
    if (v.t == JV_ABSENT || (v.t == JV_NONE && kind == IX_STR)) { *out = dflt; return true; }
    if (v.t == JV_INT || v.t == JV_BOOL) { *out = v.t == JV_INT ? v.u.i : v.u.b; return true; }
    if (v.t == JV_BIG && kind != IX_INT) { *out = big_sign(v) < 0 ? INT64_MIN / 2 : INT64_MAX / 2; return true; }
    if (v.t == JV_BIG) return rt_error(R, JINN_ERR_VALUE, "Python int too large to convert to C ssize_t");
    if (v.t == JV_UNDEF) return val_undef_error(R, v);
    if (kind == IX_INT) return rt_error(R, JINN_ERR_TYPE, "'%s' object cannot be interpreted as an integer", val_type_name(v));
    return rt_error(R, JINN_ERR_TYPE, "slice indices must be integers%s or have an __index__ method", kind == IX_STR ? " or None" : "");
}

/* a Python repr() for an error message, in a buffer the caller frees */
static const char *repr_of(jrt *R, jbuf *b, value v)
{
    if (!lib_repr_buf(R, b, v) || !b->p) return "?";
    return b->p;
}

/* ======================================================================================
 * dict methods
 * ====================================================================================== */

/* update([mapping_or_pairs], **kwargs) */
BI_FN(d_update)
{
    if (!mutable_receiver(R, &args[0], "update")) return false;
    if (!lib_dict_update(R, args[0].u.m, args[1], args[2].u.m)) return false;
    *out = v_none();
    return true;
}

/* a range or an iterator as a key looked up: hashable in Python, and no dict here holds one
 * (lib_check_key lets it by) */
/* get(key, default=None) */
BI_FN(d_get)
{
    value *v;
    if (args[1].t == JV_STR) v = dict_get_jstr(args[0].u.m, args[1].u.s); /* hashable, its hash cached */
    else if (!lib_check_key(R, args[1])) return false;
    else v = val_unheld_key(args[1]) ? NULL : dict_get(args[0].u.m, args[1]);
    *out = v ? val_dup(*v) : ARG_GIVEN(2) ? val_dup(args[2]) : v_none();
    return true;
}

/* items(), keys(), values(): lists (items of 2-tuples), snapshots of the dict */
static bool d_view(jrt *R, value d, int which, value *out)
{
    *out = v_list(R, d.u.m->len);
    if (out->t == JV_ERROR) return false;
    jentry *e;
    for (size_t i = 0; dict_next(d.u.m, &i, &e);) {
        value x = which == 0 ? val_dup(e->key) : which == 1 ? val_dup(e->val)
                : lib_tuple2(R, val_dup(e->key), val_dup(e->val));
        if (x.t == JV_ERROR) { val_drop(R, *out); return false; }
        list_push(R, out->u.l, x);
    }
    return true;
}

BI_FN(d_keys) { return d_view(R, args[0], 0, out); }
BI_FN(d_values) { return d_view(R, args[0], 1, out); }
BI_FN(d_items) { return d_view(R, args[0], 2, out); }

/* pop(key[, default]) — KeyError when missing and no default */
BI_FN(d_pop)
{
    if (!mutable_receiver(R, &args[0], "pop")) return false;
    /* CPython answers an empty dict before it hashes the key: {}.pop([1], 0) is 0 */
    if (!(args[0].u.m->len == 0 && ARG_GIVEN(2)) && !lib_check_key(R, args[1])) return false;
    if (args[0].u.m->len == 0 || val_unheld_key(args[1]) || !dict_get(args[0].u.m, args[1])) {
        if (ARG_GIVEN(2)) { *out = val_dup(args[2]); return true; }
        jbuf b = {0};
        rt_error(R, JINN_ERR_VALUE, "KeyError: %s", repr_of(R, &b, args[1]));
        buf_free(R, &b);
        return false;
    }
    return dict_del(R, args[0].u.m, args[1], out);
}

/* setdefault(key, default=None) */
BI_FN(d_setdefault)
{
    if (!lib_check_hashable(R, args[1])) return false;
    value *v = dict_get(args[0].u.m, args[1]);
    if (v) { *out = val_dup(*v); return true; }
    if (!mutable_receiver(R, &args[0], "setdefault")) return false;
    value dv = ARG_GIVEN(2) ? args[2] : v_none();
    if (!dict_set(R, args[0].u.m, val_dup(args[1]), val_dup(dv))) return false;
    *out = val_dup(dv);
    return true;
}

/* copy() — a shallow copy (a plain dict even when the receiver is a namespace) */
BI_FN(d_copy)
{
    *out = v_dict(R, args[0].u.m->len);
    if (out->t == JV_ERROR) return false;
    if (!lib_dict_update(R, out->u.m, args[0], NULL)) { val_drop(R, *out); return false; }
    return true;
}

/* ======================================================================================
 * list methods
 * ====================================================================================== */

BI_FN(l_append)
{
    if (!mutable_receiver(R, &args[0], "append")) return false;
    if (!list_push(R, args[0].u.l, val_dup(args[1]))) return false;
    *out = R->profile == PROF_JINJAVA ? v_bool(true) : v_none(); /* Java's List.add is true */
    return true;
}

BI_FN(l_extend)
{
    if (!mutable_receiver(R, &args[0], "extend")) return false;
    value src = args[1];
    value items;
    /* (a plain list, the common argument, as lib_items lends it, without the call) */
    if (src.t == JV_LIST && !(src.f & (JV_ITER | JV_RANGE))) items = val_dup(src);
    else if (!lib_items(R, src, &items)) return false;
    jlist *l = args[0].u.l;
    size_t n = items.u.l->len; /* fixed up front: l.extend(l) doubles l once */
    bool ok = l->len <= SIZE_MAX - n && list_reserve(R, l, l->len + n);
    if (ok && n) { /* the room is there: no push can grow l (items.u.l->items is read after the reserve:
               * it is l's own when l.extend(l); the copies go past its first n items; an empty
               * l extended by nothing may have no items block at all) */
        const value *from = items.u.l->items; /* (read once: a value stored could be a length or a */
        value *to = l->items + l->len;        /* pointer of the lists, to the compiler) */
        for (size_t i = 0; i < n; i++) to[i] = val_dup(from[i]);
        l->len += n;
    }
    val_drop(R, items);
    if (!ok) return false;
    *out = R->profile == PROF_JINJAVA ? v_bool(true) : v_none();
    return true;
}

/* Python's slice-index normalisation: negative counts from the end, then clamp to [0, len] */
static size_t norm_index(int64_t i, size_t len)
{
    if (i < 0) {
        uint64_t m = 0 - (uint64_t)i;
        return m >= len ? 0 : len - (size_t)m;
    }
    return (uint64_t)i > len ? len : (size_t)i;
}

BI_FN(l_insert)
{
    int64_t i;
    if (!mutable_receiver(R, &args[0], "insert") || !index_arg(R, args, 1, 0, IX_INT, &i)) return false;
    jlist *l = args[0].u.l;
    size_t at = norm_index(i, l->len);
    if (!list_push(R, l, val_dup(args[2]))) return false;
    value x = l->items[l->len - 1];
    memmove(l->items + at + 1, l->items + at, (l->len - 1 - at) * sizeof(value));
    l->items[at] = x;
    *out = v_none();
    return true;
}

BI_FN(l_pop)
{
    int64_t i;
    if (!mutable_receiver(R, &args[0], "pop") || !index_arg(R, args, 1, -1, IX_INT, &i)) return false;
    jlist *l = args[0].u.l;
    if (!l->len) return rt_error(R, JINN_ERR_VALUE, "pop from empty list");
    if (i < 0) i += (int64_t)l->len;
    if (i < 0 || (uint64_t)i >= l->len) return rt_error(R, JINN_ERR_VALUE, "pop index out of range");
    *out = l->items[i];
    memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(value));
    l->len--;
    return true;
}

BI_FN(l_remove)
{
    if (!mutable_receiver(R, &args[0], "remove")) return false;
    jlist *l = args[0].u.l;
    for (size_t i = 0; i < l->len; i++) {
        bool eq;
        if (!val_equal_rt(R, l->items[i], args[1], &eq)) return false;
        if (!eq) continue;
        value x = l->items[i];
        memmove(l->items + i, l->items + i + 1, (l->len - i - 1) * sizeof(value));
        l->len--;
        val_drop(R, x);
        *out = v_none();
        return true;
    }
    return rt_error(R, JINN_ERR_VALUE, "list.remove(x): x not in list");
}

BI_FN(l_index)
{
    jlist *l = args[0].u.l;
    int64_t s, e;
    if ((args[0].f & JV_RANGE) && R->profile == PROF_JINJA && ARG_GIVEN(2)) /* range.index(value): no bounds */
        return rt_error(R, JINN_ERR_TYPE, "range.index() takes exactly one argument (%d given)", 2 + ARG_GIVEN(3));
    if (!index_arg(R, args, 2, 0, IX_LIST, &s) || !index_arg(R, args, 3, INT64_MAX, IX_LIST, &e)) return false;
    for (size_t i = norm_index(s, l->len), end = norm_index(e, l->len); i < end; i++) {
        bool eq;
        if (!val_equal_rt(R, l->items[i], args[1], &eq)) return false;
        if (eq) { *out = v_int((int64_t)i); return true; }
    }
    /* Jinjava: -1 when absent (objects/collections/PyList.java index()) */
    if (R->profile == PROF_JINJAVA) { *out = v_int(-1); return true; }
    jbuf b = {0};
    rt_error(R, JINN_ERR_VALUE, "%s is not in list", repr_of(R, &b, args[1]));
    buf_free(R, &b);
    return false;
}

/* clear() — Java's List.clear() / Map.clear() (the jinjava profile's PyList and PyMap, and
 * Python's list.clear() / dict.clear()): empties the receiver, returns none */
BI_FN(l_clear)
{
    if (!mutable_receiver(R, &args[0], "clear")) return false;
    jlist *l = args[0].u.l;
    while (l->len) val_drop(R, l->items[--l->len]);
    *out = v_none();
    return true;
}

BI_FN(l_count)
{
    jlist *l = args[0].u.l;
    int64_t n = 0;
    for (size_t i = 0; i < l->len; i++) {
        bool eq;
        if (!val_equal_rt(R, l->items[i], args[1], &eq)) return false;
        n += eq;
    }
    *out = v_int(n);
    return true;
}

BI_FN(l_reverse)
{
    if (!mutable_receiver(R, &args[0], "reverse")) return false;
    jlist *l = args[0].u.l;
    for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
        value t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
    *out = v_none();
    return true;
}

/* sort(reverse=False) — stable, Python's order; key= would need a callable per item and is
 * not supported (use the |sort filter with attribute=). */
BI_FN(l_sort)
{
    if (ARG_GIVEN(1) && args[1].t != JV_NONE)
        return rt_error(R, JINN_ERR_TYPE, "list.sort(): key= is not supported; use the sort filter with attribute=");
    /* Python reads reverse= as an int (a bool is one): none, a float or a str is refused */
    if (ARG_GIVEN(2) && args[2].t != JV_BOOL && (args[2].t != JV_INT || args[2].u.i > INT32_MAX || args[2].u.i < INT32_MIN))
        return args[2].t == JV_UNDEF ? val_undef_error(R, args[2])
             : args[2].t == JV_BIG || (args[2].t == JV_INT && (args[2].u.i > INT32_MAX || args[2].u.i < INT32_MIN))
             ? rt_error(R, JINN_ERR_VALUE, "Python int too large to convert to C int")
             : rt_error(R, JINN_ERR_TYPE, "'%s' object cannot be interpreted as an integer", val_type_name(args[2]));
    bool reverse = arg_bool(R, args, 2, false);
    if (R->err_kind || !mutable_receiver(R, &args[0], "sort")) return false;
    if (!lib_sort(R, args[0].u.l->items, NULL, args[0].u.l->len, reverse)) return false;
    *out = v_none();
    return true;
}

BI_FN(l_copy)
{
    /* a tuple or a range has count and index, no copy (Jinja2's undefined method, as
     * mutable_receiver's) */
    if (args[0].f & (JV_TUPLE | JV_RANGE)) return mutable_receiver_slow(R, &args[0], "copy");
    *out = lib_list_of(R, args[0].u.l->items, args[0].u.l->len);
    return out->t != JV_ERROR;
}

/* ======================================================================================
 * str methods: case, strip, replace
 * ====================================================================================== */

static bool s_case(jrt *R, value s, int mode, value *out)
{
    *out = lib_case(R, v_sp(s), v_sl(s), mode);
    if (out->t == JV_ERROR) return false;
    out->f |= s.f & JV_SAFE;
    return true;
}

BI_FN(s_upper) { return s_case(R, args[0], LIB_UPPER, out); }
BI_FN(s_lower) { return s_case(R, args[0], LIB_LOWER, out); }
BI_FN(s_title) { return s_case(R, args[0], LIB_TITLE, out); }
BI_FN(s_capitalize) { return s_case(R, args[0], LIB_CAPITALIZE, out); }

static bool s_strip_any(jrt *R, value *args, int which, value *out)
{
    const char *chars = NULL;
    size_t clen = 0;
    if (ARG_GIVEN(1) && args[1].t != JV_NONE) {
        if (args[1].t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "strip arg must be None or str");
        chars = v_sp(args[1]);
        clen = v_sl(args[1]);
    }
    *out = lib_strip(R, v_sp(args[0]), v_sl(args[0]), chars, clen, which);
    if (out->t == JV_ERROR) return false;
    out->f |= args[0].f & JV_SAFE;
    return true;
}

BI_FN(s_strip) { return s_strip_any(R, args, LIB_LEFT | LIB_RIGHT, out); }
BI_FN(s_lstrip) { return s_strip_any(R, args, LIB_LEFT, out); }
BI_FN(s_rstrip) { return s_strip_any(R, args, LIB_RIGHT, out); }

/* what: the argument's name in Python's words, or NULL where Python names none */
static bool need_str(jrt *R, value v, const char *what)
{
    if (v.t == JV_STR) return true;
    return rt_error(R, JINN_ERR_TYPE, "%s%smust be str, not %s", what ? what : "", what ? " " : "", val_type_name(v));
}

/* replace(old, new, count=-1); on a safe string the new text is escaped, whatever its type,
 * and the old one taken as it is (MarkupSafe 3's Markup.replace) */
BI_FN(s_replace)
{
    int64_t count;
    bool markup = args[0].f & JV_SAFE;
    if (!need_str(R, args[1], "replace() argument 1") || (!markup && !need_str(R, args[2], "replace() argument 2"))
        || !index_arg(R, args, 3, -1, IX_INT, &count))
        return false;
    value o = val_dup(args[1]);
    value n = markup ? lib_escape(R, args[2]) : val_dup(args[2]);
    bool ok = o.t != JV_ERROR && n.t != JV_ERROR;
    if (ok) {
        *out = lib_replace(R, v_sp(args[0]), v_sl(args[0]), v_sp(o), v_sl(o), v_sp(n), v_sl(n), count);
        ok = out->t != JV_ERROR;
        if (ok) out->f |= args[0].f & JV_SAFE;
    }
    val_drop(R, o);
    val_drop(R, n);
    return ok;
}

/* ======================================================================================
 * str methods: split, join
 * ====================================================================================== */

static bool push_str(jrt *R, jlist *l, const char *s, size_t n, uint8_t flags)
{
    value v = v_str(R, s, n);
    if (v.t == JV_ERROR) return false;
    v.f |= flags;
    return list_push(R, l, v);
}

/* split(sep=None, maxsplit=-1) */
BI_FN(s_split)
{
    int64_t maxsplit;
    if (!index_arg(R, args, 2, -1, IX_INT, &maxsplit)) return false;
    const char *s = v_sp(args[0]);
    size_t len = v_sl(args[0]), cps;
    uint8_t fl = args[0].f & JV_SAFE;
    if (!lib_utf8_len(R, s, len, &cps)) return false;
    *out = v_list(R, 0);
    if (out->t == JV_ERROR) return false;
    jlist *l = out->u.l;
    bool ok = true;
    if (!ARG_GIVEN(1) || args[1].t == JV_NONE) {
        /* runs of whitespace separate; no empty strings; the rest after maxsplit splits keeps
         * its trailing whitespace but not its leading */
        size_t i = 0;
        int64_t splits = 0;
        while (ok) {
            size_t j;
            int32_t c = 0;
            for (;;) { /* skip whitespace */
                if (i >= len) goto done;
                j = i;
                lib_utf8_next(R, s, len, &j, &c);
                if (!lib_isspace(c)) break;
                i = j;
            }
            if (maxsplit >= 0 && splits >= maxsplit) { ok = push_str(R, l, s + i, len - i, fl); break; }
            size_t st = i;
            while (i < len) {
                j = i;
                lib_utf8_next(R, s, len, &j, &c);
                if (lib_isspace(c)) break;
                i = j;
            }
            ok = push_str(R, l, s + st, i - st, fl);
            splits++;
        }
    } else {
        if (args[1].t != JV_STR) {
            val_drop(R, *out);
            return rt_error(R, JINN_ERR_TYPE, "must be str or None, not %s", val_type_name(args[1]));
        }
        const char *sep = v_sp(args[1]);
        size_t sl = v_sl(args[1]);
        if (!sl) { val_drop(R, *out); return rt_error(R, JINN_ERR_VALUE, "empty separator"); }
        size_t i = 0;
        int64_t splits = 0;
        for (;;) {
            const char *hit = (maxsplit < 0 || splits < maxsplit) ? lib_memmem(s + i, len - i, sep, sl) : NULL;
            if (!hit) { ok = push_str(R, l, s + i, len - i, fl); break; }
            if (!(ok = push_str(R, l, s + i, (size_t)(hit - s) - i, fl))) break;
            i = (size_t)(hit - s) + sl;
            splits++;
        }
    }
done:
    if (!ok) { val_drop(R, *out); return false; }
    return true;
}

/* join(iterable) — every item must be a str; on a safe separator items are escaped */
BI_FN(s_join)
{
    value src = args[1];
    if (!lib_iterable(src))
        return rt_error(R, JINN_ERR_TYPE, "can only join an iterable");
    value items = src.t == JV_UNDEF ? v_list(R, 0) : op_to_list(R, src);
    if (items.t == JV_ERROR) return false;
    bool markup = args[0].f & JV_SAFE, ok = true;
    jbuf b = {0};
    for (size_t i = 0; ok && i < items.u.l->len; i++) {
        value it = items.u.l->items[i];
        if (it.t != JV_STR && !markup) { /* (Markup.join escapes every item, of any type) */
            ok = rt_error(R, JINN_ERR_TYPE, "sequence item %zu: expected str instance, %s found", i,
                          val_type_name(it));
            break;
        }
        value s = markup ? lib_escape(R, it) : val_dup(it);
        if (s.t == JV_ERROR) { ok = false; break; }
        ok = (i == 0 || buf_put(R, &b, v_sp(args[0]), v_sl(args[0]))) && buf_put(R, &b, v_sp(s), v_sl(s));
        val_drop(R, s);
    }
    val_drop(R, items);
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    out->f |= args[0].f & JV_SAFE;
    return true;
}

/* ======================================================================================
 * str methods: find, count, startswith, endswith (code point indices)
 * ====================================================================================== */

/* the byte range of s[start:end] (Python slice bounds in code points); false when start is
 * past the end, where Python's find/startswith answer "not found" even for '' */
static bool slice_bytes(jrt *R, value *args, int si, size_t *a, size_t *b, size_t *base_cp, bool *ok)
{
    const char *s = v_sp(args[0]);
    size_t len = v_sl(args[0]), cps;
    *ok = false;
    if (!lib_utf8_len(R, s, len, &cps)) return false;
    int64_t st = 0, en = INT64_MAX;
    if (!index_arg(R, args, si, 0, IX_STR, &st) || !index_arg(R, args, si + 1, INT64_MAX, IX_STR, &en)) return false;
    *ok = true;
    if (st > 0 && (uint64_t)st > cps) return false;
    size_t cs = norm_index(st, cps), ce = norm_index(en, cps);
    if (ce < cs) ce = cs;
    *a = utf8_offset(s, len, cs);
    *b = *a + utf8_offset(s + *a, len - *a, ce - cs);
    *base_cp = cs;
    return true;
}

static bool s_find_count(jrt *R, value *args, value *out, bool count)
{
    if (!need_str(R, args[1], NULL)) return false;
    size_t a, b, base;
    bool ok;
    if (!slice_bytes(R, args, 2, &a, &b, &base, &ok)) {
        if (!ok) return false;
        *out = v_int(count ? 0 : -1);
        return true;
    }
    const char *s = v_sp(args[0]), *sub = v_sp(args[1]);
    size_t sl = v_sl(args[1]);
    if (count) {
        int64_t n = 0;
        if (!sl) n = (int64_t)utf8_count(s + a, b - a) + 1;
        else
            for (size_t i = a; i + sl <= b;) {
                const char *h = lib_memmem(s + i, b - i, sub, sl);
                if (!h) break;
                n++;
                i = (size_t)(h - s) + sl;
            }
        *out = v_int(n);
        return true;
    }
    const char *h = lib_memmem(s + a, b - a, sub, sl);
    *out = v_int(h ? (int64_t)(base + utf8_count(s + a, (size_t)(h - s) - a)) : -1);
    return true;
}

BI_FN(s_find) { return s_find_count(R, args, out, false); }
BI_FN(s_count) { return s_find_count(R, args, out, true); }

static bool s_affix(jrt *R, value *args, value *out, bool end)
{
    value p = args[1];
    const value *cands = &p;
    size_t nc = 1;
    if (p.t == JV_LIST && (p.f & JV_TUPLE)) { cands = p.u.l->items; nc = p.u.l->len; }
    for (size_t i = 0; i < nc; i++)
        if (cands[i].t != JV_STR)
            return rt_error(R, JINN_ERR_TYPE, "%s first arg must be str or a tuple of str, not %s",
                            end ? "endswith" : "startswith", val_type_name(cands[i]));
    size_t a, b, base;
    bool ok;
    *out = v_bool(false);
    if (!slice_bytes(R, args, 2, &a, &b, &base, &ok)) return ok;
    const char *s = v_sp(args[0]);
    for (size_t i = 0; i < nc; i++) {
        size_t n = v_sl(cands[i]);
        if (n > b - a) continue;
        if (!memcmp(end ? s + b - n : s + a, v_sp(cands[i]), n)) { *out = v_bool(true); break; }
    }
    return true;
}

BI_FN(s_startswith) { return s_affix(R, args, out, false); }
BI_FN(s_endswith) { return s_affix(R, args, out, true); }

/* ======================================================================================
 * str.format: {} {0} {name} {0.attr} {0[key]} {!r} and the format-spec mini-language
 * ====================================================================================== */

typedef struct {
    int32_t fill;
    char align;   /* 0, '<', '>', '^', '=' */
    char sign;    /* 0, '+', '-', ' ' */
    bool alt, zero;
    int64_t width, prec; /* -1: not given */
    char group;   /* 0, ',', '_' */
    char type;    /* 0 or the type letter */
} pspec;

/* number: the value is a number, whose default alignment is '>' (a str's is '<') */
static bool parse_spec(jrt *R, const char *s, size_t len, pspec *p, bool number)
{
    bool fill_given = false;
    memset(p, 0, sizeof *p);
    p->fill = ' ';
    p->width = p->prec = -1;
    size_t i = 0;
    /* [[fill]align]: the fill may be any code point */
    if (len) {
        size_t j = 0;
        int32_t c = 0;
        if (!lib_utf8_next(R, s, len, &j, &c)) return false;
        if (j < len && strchr("<>^=", s[j])) { p->fill = c; p->align = s[j]; i = j + 1; fill_given = true; }
        else if (strchr("<>^=", s[0])) { p->align = s[0]; i = 1; }
    }
    if (i < len && strchr("+- ", s[i])) p->sign = s[i++];
    if (i < len && s[i] == '#') { p->alt = true; i++; }
    if (i < len && s[i] == '0') { p->zero = true; i++; }
    int64_t w = 0;
    bool any = false;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        w = w * 10 + (s[i++] - '0');
        any = true;
        if (w > FMT_MAX_WIDTH) return rt_error(R, JINN_ERR_VALUE, "format: width too large (limit %d)", FMT_MAX_WIDTH);
    }
    if (any) p->width = w;
    if (i < len && (s[i] == ',' || s[i] == '_')) p->group = s[i++];
    if (i < len && s[i] == '.') {
        i++;
        int64_t pr = 0;
        any = false;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            pr = pr * 10 + (s[i++] - '0');
            any = true;
            if (pr > FMT_MAX_WIDTH) return rt_error(R, JINN_ERR_VALUE, "format: precision too large (limit %d)", FMT_MAX_WIDTH);
        }
        if (!any) return rt_error(R, JINN_ERR_VALUE, "Format specifier missing precision");
        p->prec = pr;
    }
    if (i < len) p->type = s[i++];
    if (i < len) return rt_error(R, JINN_ERR_VALUE, "Invalid format specifier");
    /* CPython: the '0' flag is a '0' fill unless a fill is given, and '=' alignment for a
     * number unless an alignment is */
    if (p->zero && !fill_given) p->fill = '0';
    if (p->zero && !p->align && number) p->align = '=';
    return true;
}

/* CPython's check of a thousands separator against the type (a str's is 's'; a number's
 * none, d e f g E G % F; '_' also every 4 digits of b o x X) */
static bool check_group(jrt *R, const pspec *p, char type)
{
    if (!p->group || !type || strchr("defgEG%F", type) || (p->group == '_' && strchr("boxX", type)))
        return true;
    return rt_error(R, JINN_ERR_VALUE, "Cannot specify '%c' with '%c'.", p->group, type);
}

/* body (ncp code points) with an optional sign/prefix, padded by the spec's fill and align */
static bool put_aligned(jrt *R, jbuf *b, const char *pre, size_t plen, const char *body, size_t blen,
                        size_t ncp, const pspec *p, char dflt_align)
{
    char al = p->align ? p->align : dflt_align;
    size_t total = plen + ncp;
    size_t pad = p->width > 0 && (size_t)p->width > total ? (size_t)p->width - total : 0;
    size_t left = al == '>' || al == '=' ? pad : al == '^' ? pad / 2 : 0, right = pad - left;
    jbuf fillb = {0};
    if (!lib_put_cp(R, &fillb, p->fill)) return false;
    bool ok = true;
    if (al != '=') for (size_t i = 0; ok && i < left; i++) ok = buf_put(R, b, fillb.p, fillb.len);
    ok = ok && buf_put(R, b, pre, plen);
    if (al == '=') for (size_t i = 0; ok && i < left; i++) ok = buf_put(R, b, fillb.p, fillb.len);
    ok = ok && buf_put(R, b, body, blen);
    for (size_t i = 0; ok && i < right; i++) ok = buf_put(R, b, fillb.p, fillb.len);
    buf_free(R, &fillb);
    return ok;
}

/* the nd digits d, grouped by g every size digits, onto out; zero-padded on the left to at
 * least min chars where a '0' fill and '=' alignment ask for it, the zeros grouped too
 * (CPython's _PyUnicode_InsertThousandsGrouping: a separator never comes first) */
static bool put_grouped(jrt *R, jbuf *out, const char *d, size_t nd, char g, int64_t size, int64_t min)
{
    size_t from = out->len;
    int64_t rem = (int64_t)nd, mw = min;
    bool ok = true;
    for (;;) { /* right to left, reversed at the end */
        int64_t l = rem > mw ? rem : mw;
        if (l < 1) l = 1;
        if (l > size) l = size;
        int64_t nc = rem < l ? rem : l, nz = l - nc;
        for (int64_t k = 0; ok && k < nc; k++) ok = buf_putc(R, out, d[--rem]);
        for (int64_t k = 0; ok && k < nz; k++) ok = buf_putc(R, out, '0');
        mw -= l;
        if (!ok || (rem <= 0 && mw <= 0)) break;
        ok = buf_putc(R, out, g);
        mw--;
    }
    for (size_t i = from, j = out->len; ok && i + 1 < j; i++, j--) { char c = out->p[i]; out->p[i] = out->p[j - 1]; out->p[j - 1] = c; }
    return ok;
}

static bool spec_error(jrt *R, char type, value v)
{
    return rt_error(R, JINN_ERR_VALUE, "Unknown format code '%c' for object of type '%s'", type,
                    val_type_name(v));
}

static bool format_number(jrt *R, jbuf *b, value v, const pspec *p)
{
    char type = p->type;
    char digits[400 + FMT_MAX_WIDTH];
    size_t n;
    bool neg;
    const char *prefix = "";
    if ((v.t == JV_INT || v.t == JV_BOOL) && (!type || strchr("bcdoxXn", type))) {
        int64_t iv = v.t == JV_INT ? v.u.i : v.u.b;
        if (!check_group(R, p, type ? type : 'd')) return false;
        if (p->prec >= 0) return rt_error(R, JINN_ERR_VALUE, "Precision not allowed in integer format specifier");
        if (type == 'c' && p->sign) return rt_error(R, JINN_ERR_VALUE, "Sign not allowed with integer format specifier 'c'");
        if (type == 'c' && p->alt) return rt_error(R, JINN_ERR_VALUE, "Alternate form (#) not allowed with integer format specifier 'c'");
        if (type == 'c') {
            if (iv < 0 || iv > 0x10FFFF) return rt_error(R, JINN_ERR_VALUE, "%%c arg not in range(0x110000)");
            if (iv >= 0xD800 && iv <= 0xDFFF)
                return rt_error(R, JINN_ERR_VALUE, "%%c arg %lld is a surrogate, which UTF-8 cannot encode", (long long)iv);
            jbuf one = {0};
            bool ok = lib_put_cp(R, &one, (int32_t)iv) && put_aligned(R, b, "", 0, one.p, one.len, 1, p, '<');
            buf_free(R, &one);
            return ok;
        }
        unsigned base = type == 'b' ? 2 : type == 'o' ? 8 : type == 'x' || type == 'X' ? 16 : 10;
        const char *dg = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        neg = iv < 0;
        uint64_t m = neg ? 0 - (uint64_t)iv : (uint64_t)iv;
        char tmp[70];
        int k = 0;
        do { tmp[k++] = dg[m % base]; m /= base; } while (m);
        for (n = 0; k;) digits[n++] = tmp[--k];
        if (p->alt && base != 10) prefix = type == 'b' ? "0b" : type == 'o' ? "0o" : type == 'x' ? "0x" : "0X";
    } else if (v.t == JV_BIG && (!type || strchr("bdoxXn", type))) {
        if (!check_group(R, p, type ? type : 'd')) return false;
        if (p->prec >= 0) return rt_error(R, JINN_ERR_VALUE, "Precision not allowed in integer format specifier");
        unsigned base = type == 'b' ? 2 : type == 'o' ? 8 : type == 'x' || type == 'X' ? 16 : 10;
        jbuf t = {0};
        if (!big_print_base(R, &t, v, (int)base, type == 'X')) { buf_free(R, &t); return false; }
        neg = t.p[0] == '-';
        n = t.len - neg;
        if (n > 400) { buf_free(R, &t); return rt_error(R, JINN_ERR_VALUE, "format(): an integer of more than 400 digits"); }
        memcpy(digits, t.p + neg, n);
        buf_free(R, &t);
        if (p->alt && base != 10) prefix = type == 'b' ? "0b" : type == 'o' ? "0o" : type == 'x' ? "0x" : "0X";
    } else if (val_is_number(v) && (!type || strchr("eEfFgGn%", type))) {
        if (!check_group(R, p, type)) return false;
        double d = val_to_double(v);
        if (v.t == JV_BIG && !big_to_double(R, v, &d)) return false;
        neg = signbit(d) && !isnan(d);
        double a = fabs(d);
        int prec = p->prec >= 0 ? (int)p->prec : 6;
        char conv = type == '%' ? 'f' : type == 'n' ? 'g' : type ? type : 'g';
        if (!type && p->prec < 0) {
            /* no type, no precision: str(float) */
            jbuf fb = {0};
            if (!print_float(R, &fb, a)) { buf_free(R, &fb); return false; }
            n = fb.len < sizeof digits ? fb.len : 0;
            memcpy(digits, fb.p, n);
            buf_free(R, &fb);
            char *ep = memchr(digits, 'e', n);
            if (p->alt && ep && !memchr(digits, '.', n)) { /* '#': the point kept, 1.e+16 */
                memmove(ep + 1, ep, (size_t)(digits + n - ep));
                *ep = '.';
                n++;
            }
        } else if (!isfinite(a)) {
            bool up = type == 'E' || type == 'F' || type == 'G';
            n = (size_t)snprintf(digits, sizeof digits, "%s", isnan(a) ? (up ? "NAN" : "nan") : (up ? "INF" : "inf"));
            if (type == '%') digits[n++] = '%';
        } else {
            if (type == '%') a *= 100;
            char fmt[16];
            if (!type) {
                /* like 'g', but fixed-point output keeps a digit after the point and the switch
                 * to exponent happens at exp >= precision - 1 */
                int pr = prec ? prec : 1;
                char e[FMT_MAX_WIDTH + 64]; /* room for every digit precision allows */
                snprintf(e, sizeof e, "%.*e", pr - 1, a);
                const char *epos = strchr(e, 'e');
                int x = epos ? atoi(epos + 1) : 0;
                if (x >= -4 && x < pr - 1) {
                    n = (size_t)snprintf(digits, sizeof digits, "%.*f", pr - 1 - x, a);
                    if (!p->alt && memchr(digits, '.', n)) {
                        while (digits[n - 1] == '0') n--;
                        if (digits[n - 1] == '.') digits[n++] = '0';
                    } else if (!memchr(digits, '.', n)) {
                        digits[n++] = '.';
                        digits[n++] = '0';
                    }
                } else {
                    snprintf(fmt, sizeof fmt, "%%%s.%de", p->alt ? "#" : "", pr - 1);
                    n = (size_t)snprintf(digits, sizeof digits, fmt, a);
                    if (!p->alt) { /* strip zeros from the mantissa, as 'g' does */
                        char *ep = memchr(digits, 'e', n);
                        size_t mant = (size_t)(ep - digits), ml = mant;
                        if (memchr(digits, '.', mant)) {
                            while (digits[ml - 1] == '0') ml--;
                            if (digits[ml - 1] == '.') ml--;
                        }
                        memmove(digits + ml, ep, n - mant);
                        n -= mant - ml;
                    }
                }
            } else {
                snprintf(fmt, sizeof fmt, "%%%s.%d%c", p->alt ? "#" : "", prec, conv);
                n = (size_t)snprintf(digits, sizeof digits, fmt, a);
                if (type == '%') digits[n++] = '%';
            }
        }
        digits[n] = 0;
    } else {
        return spec_error(R, type, v);
    }
    char pre[4];
    size_t pl = 0;
    if (neg) pre[pl++] = '-';
    else if (p->sign == '+' || p->sign == ' ') pre[pl++] = p->sign;
    for (const char *q = prefix; *q; q++) pre[pl++] = *q;
    if (!p->group) return put_aligned(R, b, pre, pl, digits, n, n, p, '>');
    /* the digits before the point (an int's all of them), grouped; the rest after them */
    bool whole = *prefix || (v.t != JV_FLOAT && (!type || strchr("bdoxXn", type)));
    size_t nd = whole ? n : 0;
    while (nd < n && digits[nd] >= '0' && digits[nd] <= '9') nd++;
    int64_t min = p->fill == '0' && p->align == '=' && p->width > 0 ? p->width - (int64_t)pl - (int64_t)(n - nd) : 0;
    jbuf body = {0};
    bool ok = put_grouped(R, &body, digits, nd, p->group, type && strchr("boxX", type) ? 4 : 3, min) &&
              buf_put(R, &body, digits + nd, n - nd) && put_aligned(R, b, pre, pl, body.p, body.len, body.len, p, '>');
    buf_free(R, &body);
    return ok;
}

/* format(value, spec) for one replacement field; on a safe template, string values are
 * escaped (Markup.format) */
static bool format_value(jrt *R, jbuf *b, value v, const char *spec, size_t slen, bool markup)
{
    if (!slen || v.t == JV_STR) {
        value s = markup ? lib_escape(R, v) : lib_soft_str(R, v);
        if (s.t == JV_ERROR) return false;
        bool ok = true;
        pspec p;
        size_t n = 0, blen = v_sl(s);
        if (slen) {
            ok = parse_spec(R, spec, slen, &p, false) && check_group(R, &p, p.type ? p.type : 's');
            if (ok && p.type && p.type != 's') ok = spec_error(R, p.type, v);
            else if (ok && p.sign) ok = rt_error(R, JINN_ERR_VALUE, "Sign not allowed in string format specifier");
            else if (ok && p.alt) ok = rt_error(R, JINN_ERR_VALUE, "Alternate form (#) not allowed in string format specifier");
            else if (ok && p.align == '=') ok = rt_error(R, JINN_ERR_VALUE, "'=' alignment not allowed in string format specifier");
            ok = ok && lib_utf8_len(R, v_sp(s), blen, &n);
            if (ok && p.prec >= 0 && (size_t)p.prec < n) {
                blen = utf8_offset(v_sp(s), blen, (size_t)p.prec);
                n = (size_t)p.prec;
            }
            ok = ok && put_aligned(R, b, "", 0, v_sp(s), blen, n, &p, '<');
        } else {
            ok = buf_put(R, b, v_sp(s), blen);
        }
        val_drop(R, s);
        return ok;
    }
    if (!val_is_number(v))
        return rt_error(R, JINN_ERR_TYPE, "unsupported format string passed to %s.__format__",
                        val_type_name(v));
    pspec p;
    return parse_spec(R, spec, slen, &p, true) && format_number(R, b, v, &p);
}

/* one field's value: arg_name, then .attr / [key] parts */
static value field_value(jrt *R, const char *f, size_t flen, value *argv, size_t argc, jdict *kw,
                         int *auto_idx)
{
    size_t i = 0;
    while (i < flen && f[i] != '.' && f[i] != '[') i++;
    value cur;
    if (i == 0) {
        if (*auto_idx < 0) {
            rt_error(R, JINN_ERR_VALUE, "cannot switch from manual field specification to automatic field numbering");
            return v_err();
        }
        if ((size_t)*auto_idx >= argc) {
            rt_error(R, JINN_ERR_VALUE, "Replacement index %d out of range for positional args tuple", *auto_idx);
            return v_err();
        }
        cur = val_dup(argv[(*auto_idx)++]);
    } else if (f[0] >= '0' && f[0] <= '9') {
        if (*auto_idx > 0) {
            rt_error(R, JINN_ERR_VALUE, "cannot switch from automatic field numbering to manual field specification");
            return v_err();
        }
        *auto_idx = -1;
        uint64_t k = 0;
        for (size_t j = 0; j < i; j++) {
            if (f[j] < '0' || f[j] > '9' || k > 100000000) { rt_error(R, JINN_ERR_VALUE, "invalid field index"); return v_err(); }
            k = k * 10 + (uint64_t)(f[j] - '0');
        }
        if (k >= argc) {
            rt_error(R, JINN_ERR_VALUE, "Replacement index %llu out of range for positional args tuple", (unsigned long long)k);
            return v_err();
        }
        cur = val_dup(argv[k]);
    } else {
        value *v = dict_get_str(kw, f, i);
        if (!v) { rt_error(R, JINN_ERR_VALUE, "KeyError: '%.*s'", (int)i, f); return v_err(); }
        cur = val_dup(*v);
    }
    while (i < flen) {
        value nx;
        if (f[i] == '.') {
            size_t s = ++i;
            while (i < flen && f[i] != '.' && f[i] != '[') i++;
            nx = op_getattr(R, cur, f + s, i - s);
        } else {
            size_t s = ++i;
            while (i < flen && f[i] != ']') i++;
            if (i >= flen) { val_drop(R, cur); rt_error(R, JINN_ERR_VALUE, "Missing ']' in format string"); return v_err(); }
            bool num = i > s;
            for (size_t j = s; j < i; j++) num = num && f[j] >= '0' && f[j] <= '9';
            value key = num ? v_int(atoll(f + s)) : v_str(R, f + s, i - s); /* digits end at ']' */
            if (key.t == JV_ERROR) { val_drop(R, cur); return key; }
            nx = op_getitem(R, cur, key);
            val_drop(R, key);
            i++;
        }
        val_drop(R, cur);
        if (nx.t == JV_ERROR) return nx;
        cur = nx;
    }
    return cur;
}

/* str.format(*args, **kwargs) */
BI_FN(s_format)
{
    const char *s = v_sp(args[0]);
    size_t len = v_sl(args[0]);
    value *argv = args[1].u.l->items;
    size_t argc = args[1].u.l->len;
    jdict *kw = args[2].u.m;
    bool markup = args[0].f & JV_SAFE;
    int auto_idx = 0;
    jbuf b = {0};
    size_t i = 0;
    bool ok = true;
    while (ok && i < len) {
        char c = s[i];
        if (c == '}') {
            if (i + 1 < len && s[i + 1] == '}') { ok = buf_putc(R, &b, '}'); i += 2; continue; }
            ok = rt_error(R, JINN_ERR_VALUE, "Single '}' encountered in format string");
            break;
        }
        if (c != '{') {
            size_t j = i;
            while (j < len && s[j] != '{' && s[j] != '}') j++;
            ok = buf_put(R, &b, s + i, j - i);
            i = j;
            continue;
        }
        if (i + 1 < len && s[i + 1] == '{') { ok = buf_putc(R, &b, '{'); i += 2; continue; }
        /* a field: up to the matching '}', with nested {} allowed in the spec */
        size_t st = ++i;
        int depth = 1;
        while (i < len && depth) {
            if (s[i] == '{') depth++;
            else if (s[i] == '}') depth--;
            if (depth) i++;
        }
        if (i >= len) { ok = rt_error(R, JINN_ERR_VALUE, "expected '}' before end of string"); break; }
        const char *f = s + st;
        size_t flen = i - st;
        i++;
        size_t nend = 0;
        while (nend < flen && f[nend] != '!' && f[nend] != ':') nend++;
        char conv = 0;
        size_t sp = nend;
        if (sp < flen && f[sp] == '!') {
            if (sp + 1 >= flen || !strchr("rsa", f[sp + 1]) || (sp + 2 < flen && f[sp + 2] != ':')) {
                ok = rt_error(R, JINN_ERR_VALUE, "Unknown conversion specifier");
                break;
            }
            conv = f[sp + 1];
            sp += 2;
        }
        const char *spec = sp < flen ? f + sp + 1 : "";
        size_t slen = sp < flen ? flen - sp - 1 : 0;
        value v = field_value(R, f, nend, argv, argc, kw, &auto_idx);
        if (v.t == JV_ERROR) { ok = false; break; }
        /* nested fields in the spec ({:{width}}) are expanded first */
        jbuf sb = {0};
        if (memchr(spec, '{', slen)) {
            for (size_t k = 0; ok && k < slen; k++) {
                if (spec[k] != '{') { ok = buf_putc(R, &sb, spec[k]); continue; }
                size_t e = k + 1;
                while (e < slen && spec[e] != '}') e++;
                value nv = field_value(R, spec + k + 1, e - k - 1, argv, argc, kw, &auto_idx);
                if (nv.t == JV_ERROR) { ok = false; break; }
                ok = print_str(R, &sb, nv);
                val_drop(R, nv);
                k = e;
            }
            spec = sb.p ? sb.p : "";
            slen = sb.len;
        }
        if (ok && conv) {
            jbuf rb = {0};
            ok = conv == 's' ? print_str(R, &rb, v) : print_repr(R, &rb, v);
            if (ok && conv == 'a') ok = lib_ascii_of_repr(R, &rb);
            val_drop(R, v);
            v = ok ? v_str_from_buf(R, &rb) : (buf_free(R, &rb), v_err());
            ok = v.t != JV_ERROR;
        }
        if (ok) ok = format_value(R, &b, v, spec, slen, markup);
        val_drop(R, v);
        buf_free(R, &sb);
    }
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    out->f |= args[0].f & JV_SAFE;
    return true;
}

/* ======================================================================================
 * The tables
 * ====================================================================================== */

/* The parameter lists carry Python's own markers (src/registry.c binds by them in the jinja
 * profile): the parameters before `/` take no keyword (`d.get('a', default=2)` is a
 * TypeError, as `help(dict.get)` shows `get(self, key, default=None, /)`), those after a bare
 * `*` only keywords (`l.sort(reverse=true)`); str.split takes both. Brackets are the
 * documentation's, for the methods of CPython's older argument parser (`str.count(sub[,
 * start[, end]])`): positional-only too, their errors worded their own way. */

const jbuiltin bi_dict_methods[] = {
    {"copy", d_copy, "self /", 1},
    {"get", d_get, "self key default /", 2},
    {"items", d_items, "self /", 1},
    {"keys", d_keys, "self /", 1},
    {"pop", d_pop, "self key default /", 2},
    {"setdefault", d_setdefault, "self key default /", 2},
    {"update", d_update, "self mapping / **kwargs", 1},
    {"values", d_values, "self /", 1},
    {NULL, NULL, NULL, 0}
};

const jbuiltin bi_list_methods[] = {
    {"append", l_append, "self item /", 2},
    {"clear", l_clear, "self /", 1},
    {"copy", l_copy, "self /", 1},
    {"count", l_count, "self item /", 2},
    {"extend", l_extend, "self iterable /", 2},
    {"index", l_index, "self item start end /", 2},
    {"insert", l_insert, "self index item /", 3},
    {"pop", l_pop, "self index /", 1},
    {"remove", l_remove, "self item /", 2},
    {"reverse", l_reverse, "self /", 1},
    {"sort", l_sort, "self * key reverse", 1},
    {NULL, NULL, NULL, 0}
};

const jbuiltin bi_str_methods[] = {
    {"capitalize", s_capitalize, "self /", 1},
    {"count", s_count, "self sub [start end]", 2},
    {"endswith", s_endswith, "self suffix [start end]", 2},
    {"find", s_find, "self sub [start end]", 2},
    {"format", s_format, "self *args **kwargs", 1},
    {"join", s_join, "self iterable /", 2},
    {"lower", s_lower, "self /", 1},
    {"lstrip", s_lstrip, "self chars /", 1},
    {"replace", s_replace, "self old new count /", 3},
    {"rstrip", s_rstrip, "self chars /", 1},
    {"split", s_split, "self sep maxsplit", 1},
    {"startswith", s_startswith, "self prefix [start end]", 2},
    {"strip", s_strip, "self chars /", 1},
    {"title", s_title, "self /", 1},
    {"upper", s_upper, "self /", 1},
    {NULL, NULL, NULL, 0}
};
