/*
 * filters.c — Jinja2 3.1's built-in filters, with Jinja2's signatures and behaviour.
 *
 * Each filter is one jnative_fn and one row of bi_filters[]. The engine binds positional and
 * keyword arguments from the row's parameter list before the call (builtins.h), so a body
 * only reads its slots. Where Jinja2 returns a generator (map, select, unique, ...) jinn
 * returns a list: the items are the same, and a template that prints the generator itself
 * is not one anybody means to write.
 *
 * Undefined input follows Jinja2's default Undefined: it iterates as empty, has length 0 and
 * str() '' — and where Jinja2 would raise (int, round, abs, dictsort) the engine's
 * op_check_defined raises with the undefined value's own message.
 *
 * Markup: a JV_SAFE string is Jinja2's Markup. Filters that Markup overrides (upper, replace,
 * format, trim) keep or produce safe strings as Markup does; replace and join do so only under
 * autoescape (R->autoescape), as Jinja2's do_replace and do_join.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <utf8proc.h>

#include "bigint.h"
#include "dtoa.h"
#include "ext.h"

#define BI_FN(name) static bool name(jrt *R, value *args, int nargs __attribute__((unused)), value *out)

/* Python's limit on nothing; ours on width/precision in format(), so that "%99999999d" can't
 * allocate gigabytes. */
#define FMT_MAX_WIDTH 10000

/* ======================================================================================
 * Shared bits
 * ====================================================================================== */

static bool set_str(jrt *R, value *out, const char *s, size_t n, uint8_t flags)
{
    *out = v_str(R, s, n);
    if (out->t == JV_ERROR) return false;
    out->f |= flags;
    return true;
}

static bool set_owned(value *out, value v)
{
    *out = v;
    return v.t != JV_ERROR;
}

/* the byte length of the code point starting at s[i] */
static size_t cp_len(const char *s, size_t len, size_t i)
{
    size_t j = i + 1;
    while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
    return j - i;
}

/* ======================================================================================
 * length, count, first, last, random
 * ====================================================================================== */

/* length(value) / count(value) — len(value): code points of a string, items of a list,
 * keys of a dict; undefined has length 0. */
BI_FN(f_length)
{
    value v = args[0];
    size_t n;
    if (R->profile == PROF_JINJAVA && v.t != JV_LIST && v.t != JV_DICT) {
        /* Jinjava: a string's length in UTF-16 units; any other value (numbers, none) is 0 */
        n = 0;
        if (v.t == JV_STR) {
            size_t cps;
            if (!lib_utf8_len(R, v_sp(v), v_sl(v), &cps)) return false;
            n = cps;
            for (size_t i = 0; i < v_sl(v); i++) if (((unsigned char)v_sp(v)[i] & 0xF8) == 0xF0) n++; /* surrogate pairs */
        }
        *out = v_int((int64_t)n);
        return true;
    }
    switch (v.t) {
    case JV_UNDEF: n = 0; break;
    case JV_STR: if (!lib_utf8_len(R, v_sp(v), v_sl(v), &n)) return false; break;
    case JV_LIST:
        if ((v.f & JV_ITER) && R->profile == PROF_JINJA)
            return rt_error(R, JINN_ERR_TYPE, "object of type '%s' has no len()", val_type_name(v));
        n = v.u.l->len;
        break;
    case JV_DICT:
        if ((v.f & JV_NS) && R->profile == PROF_JINJA) return rt_error(R, JINN_ERR_TYPE, "object of type 'Namespace' has no len()");
        n = v.u.m->len;
        break;
    default:
        return rt_error(R, JINN_ERR_TYPE, "object of type '%s' has no len()", val_type_name(v));
    }
    *out = v_int((int64_t)n);
    return true;
}

/* first(seq) — the first item; an undefined value ("No first item, sequence was empty.")
 * for an empty sequence. */
/* Jinjava's first/last: a string is one item (itself), a dict's items are its values, a
 * scalar is itself, empty gives none. */
static bool jv_first_last(value v, value *out, bool last)
{
    switch (v.t) {
    case JV_LIST:
        *out = v.u.l->len ? val_dup(v.u.l->items[last ? v.u.l->len - 1 : 0]) : v_none();
        return true;
    case JV_DICT: {
        jentry *e, *pick = NULL;
        for (size_t i = 0; dict_next(v.u.m, &i, &e);) { pick = e; if (!last) break; }
        *out = pick ? val_dup(pick->val) : v_none();
        return true;
    }
    case JV_UNDEF:
    case JV_NONE:
        *out = v_none();
        return true;
    default:
        *out = val_dup(v);
        return true;
    }
}

BI_FN(f_first)
{
    value v = args[0];
    if (R->profile == PROF_JINJAVA) return jv_first_last(v, out, false);
    switch (v.t) {
    case JV_STR:
        if (v_sl(v) == 0) break;
        {
            size_t i = 0;
            int32_t c;
            if (!lib_utf8_next(R, v_sp(v), v_sl(v), &i, &c)) return false;
            return set_str(R, out, v_sp(v), i, 0);
        }
    case JV_LIST:
        if (!v.u.l->len) break;
        *out = val_dup(v.u.l->items[0]);
        return true;
    case JV_DICT: {
        jentry *e;
        size_t i = 0;
        if (!dict_next(v.u.m, &i, &e)) break;
        *out = val_dup(e->key);
        return true;
    }
    case JV_UNDEF: break;
    default: return lib_not_iterable(R, v);
    }
    return set_owned(out, v_undef_msg(R, "No first item, sequence was empty."));
}

/* last(seq) — next(iter(reversed(seq))). */
BI_FN(f_last)
{
    value v = args[0];
    if (R->profile == PROF_JINJAVA) return jv_first_last(v, out, true);
    if (v.t == JV_LIST && (v.f & JV_ITER)) /* (reversed() of an iterator) */
        return rt_error(R, JINN_ERR_TYPE, "'%s' object is not reversible", val_type_name(v));
    switch (v.t) {
    case JV_STR: {
        size_t len = v_sl(v);
        if (!len) break;
        size_t st = len - 1;
        while (st > 0 && ((unsigned char)v_sp(v)[st] & 0xC0) == 0x80) st--;
        size_t i = st;
        int32_t c;
        if (!lib_utf8_next(R, v_sp(v), len, &i, &c)) return false;
        return set_str(R, out, v_sp(v) + st, len - st, 0);
    }
    case JV_LIST:
        if (!v.u.l->len) break;
        *out = val_dup(v.u.l->items[v.u.l->len - 1]);
        return true;
    case JV_DICT: {
        jentry *e, *last = NULL;
        for (size_t i = 0; dict_next(v.u.m, &i, &e);) last = e;
        if (!last) break;
        *out = val_dup(last->key);
        return true;
    }
    case JV_UNDEF: break;
    default:
        return rt_error(R, JINN_ERR_TYPE, "'%s' object is not reversible", val_type_name(v));
    }
    return set_owned(out, v_undef_msg(R, "No last item, sequence was empty."));
}

/* random(seq) — random.choice(seq), drawn from the per-render generator. */
BI_FN(f_random)
{
    value v = args[0];
    switch (v.t) {
    case JV_STR: {
        size_t n;
        if (!lib_utf8_len(R, v_sp(v), v_sl(v), &n)) return false;
        if (!n) break;
        size_t at = utf8_offset(v_sp(v), v_sl(v), (size_t)rt_random(R, n));
        return set_str(R, out, v_sp(v) + at, cp_len(v_sp(v), v_sl(v), at), 0);
    }
    case JV_LIST:
        if (!v.u.l->len) break;
        *out = val_dup(v.u.l->items[rt_random(R, v.u.l->len)]);
        return true;
    case JV_UNDEF: break;
    case JV_DICT:
        return rt_error(R, JINN_ERR_TYPE, "random: a dict is not a sequence (use |list first)");
    default:
        return rt_error(R, JINN_ERR_TYPE, "object of type '%s' has no len()", val_type_name(v));
    }
    return set_owned(out, v_undef_msg(R, "No random item, sequence was empty."));
}

/* ======================================================================================
 * default, string, list, safe, escape
 * ====================================================================================== */

/* default(value, default_value='', boolean=False) */
BI_FN(f_default)
{
    if (!ARG_GIVEN(2) && !ARG_GIVEN(3) && R->profile != PROF_JINJAVA) { /* default(x, d), as below */
        if (args[0].t != JV_UNDEF) { *out = val_dup(args[0]); return true; }
        if (ARG_GIVEN(1)) { *out = val_dup(args[1]); return true; }
        return set_str(R, out, "", 0, 0);
    }
    /* truthy= is Jinjava's name for boolean (lib/filter/DefaultFilter.java) */
    if (ARG_GIVEN(3) && R->profile != PROF_JINJAVA)
        return rt_error(R, JINN_ERR_TYPE, "filter 'default' got an unexpected keyword argument 'truthy'");
    bool boolean = arg_bool(R, args, ARG_GIVEN(3) ? 3 : 2, false);
    if (R->err_kind) return false;
    if (R->profile == PROF_JINJAVA) {
        /* Jinjava: none counts as missing too, and the default becomes a string unless it is a
         * list, a dict or none: x|default(0) + 1 is "01" */
        value v = args[0];
        if (!(v.t == JV_UNDEF || v.t == JV_NONE || (boolean && !val_truthy(R, v)))) { *out = val_dup(v); return true; }
        value d = ARG_GIVEN(1) ? args[1] : v_none();
        if (d.t == JV_LIST || d.t == JV_DICT || d.t == JV_NONE || d.t == JV_UNDEF || d.t == JV_STR) {
            *out = d.t == JV_UNDEF ? v_none() : val_dup(d);
            return true;
        }
        return set_owned(out, val_to_str(R, d));
    }
    if (args[0].t == JV_UNDEF || (boolean && !val_truthy(R, args[0]))) {
        if (ARG_GIVEN(1)) { *out = val_dup(args[1]); return true; }
        return set_str(R, out, "", 0, 0);
    }
    *out = val_dup(args[0]);
    return true;
}

bool flt_is_default(const jbuiltin *b) { return b->fn == f_default; }

/* string(value) — soft_str: a safe string stays safe. */
BI_FN(f_string) { return set_owned(out, lib_soft_str(R, args[0])); }

/* list(value) — a new list (never the argument itself: the result may be mutated). */
BI_FN(f_list)
{
    value l;
    if (R->profile == PROF_JINJAVA && args[0].t != JV_LIST && args[0].t != JV_STR) {
        /* Jinjava: a dict or a scalar becomes a one-item list of itself; none an empty list */
        *out = v_list(R, 1);
        if (out->t == JV_ERROR) return false;
        if (args[0].t != JV_NONE && args[0].t != JV_UNDEF) out->u.l->items[out->u.l->len++] = val_dup(args[0]);
        return true;
    }
    if (args[0].t == JV_LIST && !args[0].f && args[0].u.l->h.rc == 1) {
        /* a plain list that only this call holds (select(...)|list): nobody can tell it from
         * its copy, so it is the result itself */
        *out = val_dup(args[0]);
        return true;
    }
    if (!lib_items(R, args[0], &l)) return false;
    *out = lib_list_of(R, l.u.l->items, l.u.l->len);
    val_drop(R, l);
    return out->t != JV_ERROR;
}

/* safe(value) — Markup(value). */
BI_FN(f_safe)
{
    if (args[0].t == JV_STR && (args[0].f & JV_SAFE)) { *out = val_dup(args[0]); return true; }
    value s = val_to_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    if (s.u.s->h.rc != 1) { /* a shared string: mark a copy, not the original */
        value c = v_str(R, v_sp(s), v_sl(s));
        val_drop(R, s);
        if (c.t == JV_ERROR) return false;
        s = c;
    }
    s.f |= JV_SAFE;
    *out = s;
    return true;
}

/* escape(value) / e — markupsafe.escape: safe input is returned unchanged. */
BI_FN(f_escape) { return set_owned(out, lib_escape(R, args[0])); }

/* ======================================================================================
 * upper, lower, trim, replace
 * ====================================================================================== */

static inline bool case_filter(jrt *R, value v, int mode, value *out)
{
    if (v.t == JV_STR) { /* lib_soft_str's charge, without its reference */
        if (v_sl(v) >= 64 && !rt_charge(R, (int64_t)(v_sl(v) / 4))) return false;
        *out = lib_case(R, v_sp(v), v_sl(v), mode);
        if (out->t != JV_ERROR) out->f |= v.f & JV_SAFE;
        return out->t != JV_ERROR;
    }
    value s = lib_soft_str(R, v);
    if (s.t == JV_ERROR) return false;
    *out = lib_case(R, v_sp(s), v_sl(s), mode);
    if (out->t != JV_ERROR) out->f |= s.f & JV_SAFE; /* Markup.upper() is Markup */
    val_drop(R, s);
    return out->t != JV_ERROR;
}

BI_FN(f_upper) { return case_filter(R, args[0], LIB_UPPER, out); }
BI_FN(f_lower) { return case_filter(R, args[0], LIB_LOWER, out); }
BI_FN(f_capitalize) { return case_filter(R, args[0], LIB_CAPITALIZE, out); }

/* the byte length of the code point at p[i] when it separates words for |title (the regex
 * [-\s({\[<]: str.isspace() or one of -({[<), else 0 */
static size_t title_sep(const char *p, size_t n, size_t i)
{
    unsigned char c = (unsigned char)p[i];
    if (c < 0x80) return c && (strchr("-({[<", c) || lib_isspace(c)) ? 1 : 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t w = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i > 4 ? 4 : n - i), &cp);
    return w > 0 && lib_isspace(cp) ? (size_t)w : 0;
}

/* title(s) — Jinja2's, not str.title(): the text is split after runs of whitespace and
 * -({[< and each piece gets its first character upper-cased and the rest lower-cased
 * (so "o'neil" stays "O'neil"). */
BI_FN(f_title)
{
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    const char *p = v_sp(s);
    size_t n = v_sl(s), i = 0;
    jbuf b = {0};
    bool ok = true;
    while (ok && i < n) {
        size_t j = i;
        for (size_t w; j < n && (w = title_sep(p, n, j)); j += w) {}
        ok = buf_put(R, &b, p + i, j - i);
        if (!ok || j >= n) { i = j; break; }
        size_t k = j;
        while (k < n && !title_sep(p, n, k)) k++;
        /* the piece [j, k): its first code point upper, the rest lower */
        size_t first = j, cp_end = j;
        int32_t cp;
        if (!lib_utf8_next(R, p, n, &cp_end, &cp)) { ok = false; break; }
        value up = lib_case(R, p + first, cp_end - first, LIB_UPPER);
        value lo = lib_case(R, p + cp_end, k - cp_end, LIB_LOWER);
        ok = up.t != JV_ERROR && lo.t != JV_ERROR && buf_put(R, &b, v_sp(up), v_sl(up)) && buf_put(R, &b, v_sp(lo), v_sl(lo));
        if (up.t != JV_ERROR) val_drop(R, up);
        if (lo.t != JV_ERROR) val_drop(R, lo);
        i = k;
    }
    val_drop(R, s); /* "".join(...): a str, even of Markup */
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    return out->t != JV_ERROR;
}

/* trim(value, chars=None) — str.strip(chars). */
BI_FN(f_trim)
{
    const char *chars = NULL;
    size_t clen = 0;
    if (ARG_GIVEN(1) && args[1].t != JV_NONE) {
        if (args[1].t != JV_STR)
            return rt_error(R, JINN_ERR_TYPE, "strip arg must be None or str");
        chars = v_sp(args[1]);
        clen = v_sl(args[1]);
    }
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    *out = lib_strip(R, v_sp(s), v_sl(s), chars, clen, LIB_LEFT | LIB_RIGHT);
    if (out->t != JV_ERROR) out->f |= s.f & JV_SAFE;
    val_drop(R, s);
    return out->t != JV_ERROR;
}

/* replace(s, old, new, count=None). Without autoescape, a str; with it and Markup involved, Markup.replace: the subject is
 * escaped if it was not safe, old/new are escaped unless safe, the result is safe. */
BI_FN(f_replace)
{
    int64_t count = -1;
    if (ARG_GIVEN(3) && args[3].t != JV_NONE && !arg_int(R, args, 3, -1, &count, "count"))
        return false;
    bool markup = R->autoescape && ((args[0].t == JV_STR && (args[0].f & JV_SAFE))
               || (args[1].t == JV_STR && (args[1].f & JV_SAFE))
               || (args[2].t == JV_STR && (args[2].f & JV_SAFE)));
    /* then Markup.replace (MarkupSafe 3): the new text escaped, the old one as it is */
    value s = markup ? lib_escape(R, args[0]) : lib_soft_str(R, args[0]);
    value o = lib_soft_str(R, args[1]);
    value n = markup ? lib_escape(R, args[2]) : lib_soft_str(R, args[2]);
    bool ok = s.t != JV_ERROR && o.t != JV_ERROR && n.t != JV_ERROR;
    if (ok) {
        *out = lib_replace(R, v_sp(s), v_sl(s), v_sp(o), v_sl(o), v_sp(n), v_sl(n), count);
        ok = out->t != JV_ERROR;
        if (ok && markup) out->f |= JV_SAFE;
    }
    val_drop(R, s);
    val_drop(R, o);
    val_drop(R, n);
    return ok;
}

/* ======================================================================================
 * join
 * ====================================================================================== */

/* n bytes from s to w, returning w + n (a list of words and its ", ": copy_short) */
static inline char *join_put(char *w, const char *s, size_t n)
{
    copy_short(w, s, n);
    return w + n;
}

/* join_printed's most parts (its scratch, on the C stack: PRINT_FLOAT_MAX bytes a part) */
#define JOIN_PRINTED_MAX 16

/* join_any's plain join (no Markup) of strings and numbers, the jinja profile's: the numbers'
 * texts (print_str's: an int's digits, a float's repr) printed into a scratch on the C stack
 * first, so that the result is made at its size and filled, as a join of strings only is,
 * with no buffer grown, printed into and copied out. Charged as the buffer's way charges: the
 * buffer buf_grow would make for join_any's estimate, each part as it is put. 1: *made is the
 * result; 0: failed (a charge, the string); -1: not such a join (a part of another kind, too
 * many parts): join_any's buffer way. */
static int join_printed(jrt *R, const value *parts, size_t got, value d, jstr **made)
{
    if (got > JOIN_PRINTED_MAX || R->profile != PROF_JINJA) return -1;
    for (size_t i = 0; i < got; i++)
        if (!(parts[i].t == JV_STR || parts[i].t == JV_INT || (parts[i].t == JV_FLOAT && !(parts[i].f & JV_DEC))))
            return -1;
    char txt[JOIN_PRINTED_MAX][PRINT_FLOAT_MAX];
    const char *src[JOIN_PRINTED_MAX];
    size_t len[JOIN_PRINTED_MAX];
    /* the buffer's charge: buf_grow's 64-byte-doubled capacity for join_any's estimate */
    size_t want = got ? (got - 1) * v_sl(d) + 1 : 1;
    for (size_t i = 0; i < got; i++) want += parts[i].t == JV_STR ? v_sl(parts[i]) : 24;
    if (!rt_charge_bytes(R, buf_grown_cap(0, want + 1))) return 0;
    size_t total = got ? (got - 1) * v_sl(d) : 0;
    for (size_t i = 0; i < got; i++) {
        value p = parts[i];
        if (p.t == JV_STR) {
            if (v_sl(p) >= 64 && !rt_charge(R, (int64_t)(v_sl(p) / 4))) return 0;
            src[i] = v_sp(p), len[i] = v_sl(p);
        } else {
            if (p.t == JV_INT) {
                char *e = txt[i] + PRINT_FLOAT_MAX;
                src[i] = dtoa_int_back(p.u.i, e);
                len[i] = (size_t)(e - src[i]);
            } else {
                src[i] = txt[i];
                len[i] = print_float_text(p.u.d, txt[i]);
            }
            if (!rt_charge_bytes(R, len[i])) return 0;
        }
        total += len[i];
    }
    jstr *r = str_new(R, total);
    if (!r) return 0;
    char *w = r->s;
    for (size_t i = 0; i < got; i++) {
        if (i) w = join_put(w, v_sp(d), v_sl(d));
        w = join_put(w, src[i], len[i]);
    }
    *made = r;
    return 1;
}

/* join's general way: any iterable, attributes, parts that are not strings, Markup */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool join_any(jrt *R, value *args, value *out)
{
    value l;
    if (!lib_items(R, args[0], &l)) return false;
    size_t n = l.u.l->len;
    /* the parts: the items themselves (borrowed from l), or their attributes (owned) */
    bool by_attr = ARG_GIVEN(2);
    value *parts = by_attr ? NULL : l.u.l->items;
    if (by_attr && n && !(parts = rt_alloc(R, NULL, 0, n * sizeof *parts))) { val_drop(R, l); return false; }
    size_t got = 0;
    bool ok = true, markup = R->autoescape && ARG_GIVEN(1) && args[1].t == JV_STR && (args[1].f & JV_SAFE);
    for (; got < n; got++) {
        value it = by_attr ? lib_getattr(R, l.u.l->items[got], args[2]) : parts[got];
        if (it.t == JV_ERROR) { ok = false; break; }
        if (by_attr) parts[got] = it;
        if (R->autoescape && it.t == JV_STR && (it.f & JV_SAFE)) markup = true;
    }
    value d = v_none();
    if (ok) {
        d = !ARG_GIVEN(1) ? v_str(R, "", 0) : markup ? lib_escape(R, args[1]) : lib_soft_str(R, args[1]);
        ok = d.t != JV_ERROR;
    }
    jbuf b = {0};
    jstr *made = NULL; /* the result, when made at its size */
    int printed;
    bool all_str = ok && !markup;
    for (size_t i = 0; all_str && i < got; i++) all_str = parts[i].t == JV_STR;
    if (all_str) {
        /* strings only: the result is made at its size and filled, with the charges and the
         * limit check of the buffer's way below (its 64-byte-doubled buffer, each part, the
         * final string) */
        size_t total = got ? (got - 1) * v_sl(d) : 0;
        for (size_t i = 0; i < got; i++) total += v_sl(parts[i]);
        size_t cap = 64;
        while (cap < total + 2 && cap <= SIZE_MAX / 2) cap *= 2;
        ok = rt_charge_bytes(R, cap);
        for (size_t i = 0; ok && i < got; i++) ok = v_sl(parts[i]) < 64 || rt_charge(R, (int64_t)(v_sl(parts[i]) / 4));
        made = ok ? str_new(R, total) : NULL;
        ok = made != NULL;
        if (made) {
            char *w = made->s;
            for (size_t i = 0; i < got; i++) {
                if (i && v_sl(d)) { memcpy(w, v_sp(d), v_sl(d)); w += v_sl(d); }
                if (v_sl(parts[i])) { memcpy(w, v_sp(parts[i]), v_sl(parts[i])); w += v_sl(parts[i]); }
            }
        }
    } else if (ok && !markup && (printed = join_printed(R, parts, got, d, &made)) >= 0) {
        ok = printed == 1;
    } else if (ok && !markup) {
        /* the plain join: each part printed straight into one buffer sized once (no string
         * per part), charged as lib_soft_str and val_to_str's string would have been */
        size_t want = got ? (got - 1) * v_sl(d) + 1 : 1;
        for (size_t i = 0; i < got; i++) want += parts[i].t == JV_STR ? v_sl(parts[i]) : 24;
        ok = buf_grow(R, &b, want);
        for (size_t i = 0; ok && i < got; i++) {
            value p = parts[i];
            if (i && !buf_put(R, &b, v_sp(d), v_sl(d))) { ok = false; break; }
            if (p.t == JV_STR) {
                ok = (v_sl(p) < 64 || rt_charge(R, (int64_t)(v_sl(p) / 4))) && buf_put(R, &b, v_sp(p), v_sl(p));
            } else {
                size_t at = b.len;
                ok = rt_strict_ok(R, p) && print_str(R, &b, p) && rt_charge_bytes(R, b.len - at);
            }
        }
    }
    for (size_t i = 0; markup && ok && i < got; i++) {
        value s = lib_escape(R, parts[i]);
        if (s.t == JV_ERROR) { ok = false; break; }
        ok = (i == 0 || buf_put(R, &b, v_sp(d), v_sl(d))) && buf_put(R, &b, v_sp(s), v_sl(s));
        val_drop(R, s);
    }
    if (by_attr) {
        for (size_t i = 0; i < got; i++) val_drop(R, parts[i]);
        if (parts) rt_alloc(R, parts, n * sizeof *parts, 0);
    }
    val_drop(R, d);
    val_drop(R, l);
    if (!ok) { buf_free(R, &b); return false; }
    if (made) {
        value r = {.t = JV_STR};
        r.u.s = made;
        *out = r;
        return true;
    }
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    if (markup) out->f |= JV_SAFE;
    return true;
}

/* join's common case: a list of strings joined by a string (or nothing), no Markup in play
 * (none of them safe, or no autoescape). The result is made at its size from the list as it
 * stands (no copy of the list, no string for the delimiter), with the charges join_any makes. */
typedef struct {
    const jlist *L;
    const char *dp;    /* the delimiter */
    size_t dl, total;  /* its length; the result's */
    bool longer;       /* an item of 64 bytes or more (charged apart) */
} join_plan;

/* false: not the common case (nothing charged) */
static inline bool join_plan_of(jrt *R, const value *args, join_plan *p)
{
    if (!(args[0].t == JV_LIST && !(args[0].f & JV_ITER) && !ARG_GIVEN(2) && (!ARG_GIVEN(1) || args[1].t == JV_STR)))
        return false;
    const jlist *L = args[0].u.l;
    size_t n = L->len, dl = ARG_GIVEN(1) ? v_sl(args[1]) : 0, total = n ? (n - 1) * dl : 0, i;
    bool safe = ARG_GIVEN(1) && (args[1].f & JV_SAFE), longer = false;
    for (i = 0; i < n && L->items[i].t == JV_STR; i++) {
        size_t k = v_sl(L->items[i]);
        safe |= (L->items[i].f & JV_SAFE) != 0;
        longer |= k >= 64;
        total += k;
    }
    if (i < n || (safe && R->autoescape)) return false;
    *p = (join_plan){L, dl ? v_sp(args[1]) : "", dl, total, longer};
    return true;
}

/* join_any's charges for the plan's work (before its string is made) */
static inline bool join_charge(jrt *R, const join_plan *p)
{
    if (p->dl >= 64 && !rt_charge(R, (int64_t)(p->dl / 4))) return false;
    size_t cap = 64;
    while (cap < p->total + 2 && cap <= SIZE_MAX / 2) cap *= 2;
    if (!rt_charge_bytes(R, cap)) return false;
    for (size_t i = 0; p->longer && i < p->L->len; i++)
        if (v_sl(p->L->items[i]) >= 64 && !rt_charge(R, (int64_t)(v_sl(p->L->items[i]) / 4))) return false;
    return true;
}

/* the joined bytes at w (total of them) */
static inline void join_write(char *w, const join_plan *p)
{
    const jlist *L = p->L;
    for (size_t i = 0; i < L->len; i++) {
        if (i) w = join_put(w, p->dp, p->dl);
        w = join_put(w, v_sp(L->items[i]), v_sl(L->items[i]));
    }
}

/* join(value, d='', attribute=None) — str(d).join(map(str, value)); under autoescape, when the
 * delimiter or any item is safe, the Markup join: the other parts are escaped and the result is safe. */
BI_FN(f_join)
{
    join_plan p;
    if (join_plan_of(R, args, &p)) {
        if (!join_charge(R, &p)) return false;
        jstr *made = str_new(R, p.total);
        if (!made) return false;
        join_write(made->s, &p);
        value r = {.t = JV_STR};
        r.u.s = made;
        *out = r;
        return true;
    }
    return join_any(R, args, out);
}

/* ======================================================================================
 * Numbers: abs, round, int, float
 * ====================================================================================== */

BI_FN(f_abs)
{
    value v = args[0];
    switch (v.t) {
    case JV_INT:
        if (v.u.i == INT64_MIN) return R->profile == PROF_JINJAVA ? rt_overflow(R) : big_neg(R, v, false, out);
        *out = v_int(v.u.i < 0 ? -v.u.i : v.u.i);
        return true;
    case JV_BIG: return big_neg(R, v, false, out);
    case JV_BOOL: *out = v_int(v.u.b); return true;
    case JV_FLOAT: *out = v_float(fabs(v.u.d)); return true;
    case JV_UNDEF: if (!op_check_defined(R, v)) return false; /* fall through */
    default:
        return rt_error(R, JINN_ERR_TYPE, "bad operand type for abs(): '%s'", val_type_name(v));
    }
}

/* Python's round(float, ndigits): correctly rounded, ties to even on the exact binary value.
 * glibc's printf is exact, so "%.*f" does the rounding for ndigits >= 0; for ndigits < 0 the
 * exact integer digits are rounded by hand. */
/* Fast path: y = x*10^nd; when y's nearest integer is not in doubt (y is not within 2^-20 of
 * a .5 tie and below 2^52), r/10^nd is the correctly rounded division of exact integers and
 * equals what round_float's exact decimal route returns. False: not taken. */
static inline bool round_quick(double x, int64_t nd, double *res, int64_t *whole)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (nd < 0 || nd > 15 || !isfinite(x) || x == 0) return false;
    double y = x * p10[nd];
    if (!(fabs(y) < 4503599627370496.0)) return false;
    /* the nearest integer without libm's call: y ± 0.5 can round only when y is within an
     * ulp of a tie, which the test below sends the long way; a zero keeps y's sign, as
     * nearbyint's */
    double r = (double)(int64_t)(y + (y < 0 ? -0.5 : 0.5));
    if (r == 0) r = copysign(0.0, y);
    if (!(fabs(fabs(y - r) - 0.5) > 0x1p-20)) return false;
    *res = r / p10[nd];
    *whole = (int64_t)r;
    return true;
}

static bool round_float(jrt *R, double x, int64_t nd, double *res)
{
    if (!isfinite(x) || x == 0 || nd > 330) { *res = x; return true; }
    int64_t whole;
    if (round_quick(x, nd, res, &whole)) return true;
    if (nd >= 0) {
        char tmp[400 + 330];
        snprintf(tmp, sizeof tmp, "%.*f", (int)nd, x);
        *res = strtod(tmp, NULL);
        return true;
    }
    if (nd < -330) { *res = copysign(0.0, x); return true; }
    /* x's integer digits, exactly (|x| < 2^1024 has at most 309 of them) */
    double ip = trunc(x);
    bool frac = ip != x;
    char dig[400];
    int n = snprintf(dig, sizeof dig, "%.0f", fabs(ip));
    int drop = (int)-nd;
    if (drop > n) { *res = copysign(0.0, x); return true; }
    /* decide on the dropped digits dig[n-drop..n-1] plus the fraction */
    int keep = n - drop;
    char first = dig[keep];
    bool rest = frac;
    for (int i = keep + 1; i < n; i++) rest |= dig[i] != '0';
    bool up = first > '5' || (first == '5' && (rest || (keep > 0 && (dig[keep - 1] - '0') % 2)));
    char num[420];
    if (keep == 0) {
        snprintf(num, sizeof num, "%s1e%d", x < 0 ? "-" : "", drop);
        *res = up ? strtod(num, NULL) : copysign(0.0, x);
        return true;
    }
    /* the kept digits, +1 if rounding up (carry by hand), then the exponent */
    int i = keep - 1;
    if (up) {
        while (i >= 0 && dig[i] == '9') dig[i--] = '0';
        if (i >= 0) dig[i]++;
    }
    snprintf(num, sizeof num, "%s%s%.*se%d", x < 0 ? "-" : "", up && i < 0 ? "1" : "", keep, dig, drop);
    (void)R;
    *res = strtod(num, NULL);
    return true;
}

/* Python's round(int, ndigits) for ndigits < 0: to a multiple of 10^-nd, ties to even. */
static bool round_int(jrt *R, int64_t v, int64_t nd, int64_t *res)
{
    if (nd >= 0) { *res = v; return true; }
    if (nd < -18) { *res = 0; return true; } /* 10^19 > any int64: everything rounds to 0 */
    int64_t p = 1;
    for (int64_t i = 0; i < -nd; i++) p *= 10;
    int64_t q = v / p, r = v % p; /* C truncates: work on magnitudes */
    if (r < 0) { r = -r; }
    int64_t half = p / 2;
    bool up = r > half || (r == half && (q % 2 != 0));
    if (up) {
        if (v < 0) { if (q == INT64_MIN) return rt_overflow(R); q -= 1; }
        else { if (q == INT64_MAX) return rt_overflow(R); q += 1; }
    }
    if (q > INT64_MAX / p || q < INT64_MIN / p) return rt_overflow(R);
    *res = q * p;
    return true;
}

/* round(v, None) (method common): an int, a float's halves to even (Python's round(x));
 * ceil and floor compute 10 ** None, a TypeError. (Out of line: f_round's fast path stays
 * small.) */
static __attribute__((noinline)) bool round_none(jrt *R, value v, int m, value *out)
{
    if (m) return rt_error(R, JINN_ERR_TYPE, "unsupported operand type(s) for ** or pow(): 'int' and 'NoneType'");
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    if (!val_is_number(v)) return rt_error(R, JINN_ERR_TYPE, "type %s doesn't define __round__ method", val_type_name(v));
    if (v.t == JV_BOOL) { *out = v_int(v.u.b); return true; }
    if (v.t != JV_FLOAT) { *out = val_dup(v); return true; }
    double d = v.u.d;
    if (isnan(d)) return rt_error(R, JINN_ERR_VALUE, "cannot convert float NaN to integer");
    if (isinf(d)) return rt_error(R, JINN_ERR_VALUE, "cannot convert float infinity to integer");
    double r = nearbyint(d); /* (the default rounding: to nearest, halves to even) */
    if (r >= -9223372036854775808.0 && r < 9223372036854775808.0) { *out = v_int((int64_t)r); return true; }
    return big_from_double(R, r, out);
}

/* round's general way: ints, big ints, ceil and floor, the jinjava profile, errors */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool round_any(jrt *R, value *args, value *out)
{
    int64_t prec;
    const char *method = "common";
    size_t mlen = 6;
    /* precision none: Python's round(x, None), round(x) (common), or 10 ** None (ceil, floor) */
    bool none = args[1].t == JV_NONE && R->profile != PROF_JINJAVA;
    if (!none && !arg_int(R, args, 1, 0, &prec, "precision")) return false;
    if (ARG_GIVEN(2) && !arg_str(R, args, 2, "common", &method, &mlen, "method")) return false;
    int m = mlen == 6 && !memcmp(method, "common", 6) ? 0
          : mlen == 4 && !memcmp(method, "ceil", 4) ? 1
          : mlen == 5 && !memcmp(method, "floor", 5) ? 2 : -1;
    if (m < 0) return rt_error(R, JINN_ERR_VALUE, "method must be common, ceil or floor");
    value v = args[0];
    if (none) return round_none(R, v, m, out);
    if (R->profile == PROF_JINJAVA) {
        /* Jinjava: a BigDecimal with exactly `precision` decimals, rounded HALF_UP (CEILING,
         * FLOOR) from the number's decimal text: 2.5|round is 3, 3|round(2) is 3.00 */
        double d;
        int sc;
        int k = dec_from(R, v, &d, &sc, "round");
        if (k <= 0) { *out = v_none(); return k == 0; }
        if (prec > JV_DEC_MAXSCALE) prec = JV_DEC_MAXSCALE;
        if (prec < -400) prec = -400;
        *out = v_dec(dec_round(d, (int)prec, m == 0 ? DEC_HALF_UP : m == 1 ? DEC_CEILING : DEC_FLOOR), (int)prec);
        return true;
    }
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    if (!val_is_number(v))
        return rt_error(R, JINN_ERR_TYPE, "type %s doesn't define __round__ method", val_type_name(v));
    if (m == 0) {
        if (v.t == JV_BIG) return big_round(R, v, prec, out);
        if (v.t != JV_FLOAT) { /* round(int, n) is an int */
            int64_t r = 0;
            if (!round_int(R, v.t == JV_BOOL ? v.u.b : v.u.i, prec, &r)) return big_round(R, v, prec, out);
            *out = v_int(r);
            return true;
        }
        double r;
        if (!round_float(R, v.u.d, prec, &r)) return false;
        *out = v_float(r);
        return true;
    }
    /* ceil/floor: func(value * 10**precision) / 10**precision, always a float */
    double p = pow(10.0, (double)prec);
    double x = val_to_double(v) * p;
    if (isinf(x) || isnan(x)) {
        if (isnan(x)) return rt_error(R, JINN_ERR_VALUE, "cannot convert float NaN to integer");
        return rt_error(R, JINN_ERR_VALUE, "cannot convert float infinity to integer");
    }
    /* math.ceil/floor return an int, which has no negative zero: + 0.0 drops the sign */
    *out = v_float(((m == 1 ? ceil(x) : floor(x)) + 0.0) / p);
    return true;
}

/* round(value, precision=0, method='common') */
BI_FN(f_round)
{
    /* the common case first: a float, rounded the common way to a precision given as an int
     * (or none, or not given), as round_any does it, without parsing the arguments' defaults */
    if (args[0].t == JV_FLOAT && R->profile != PROF_JINJAVA && !ARG_GIVEN(2) &&
        (args[1].t == JV_INT || args[1].t == JV_ABSENT || args[1].t == JV_NONE)) {
        if (args[1].t == JV_NONE) return round_none(R, args[0], 0, out); /* round(x): an int */
        double r;
        int64_t nd = args[1].t == JV_INT ? args[1].u.i : 0;
        int64_t whole;
        if (!round_quick(args[0].u.d, nd, &r, &whole) && !round_float(R, args[0].u.d, nd, &r)) return false;
        *out = v_float(r);
        return true;
    }
    /* and an int to no fewer than 0 digits: itself, as round_int gives it (round(int, n) is an
     * int) */
    if (args[0].t == JV_INT && R->profile != PROF_JINJAVA && !ARG_GIVEN(2) &&
        ((args[1].t == JV_INT && args[1].u.i >= 0) || args[1].t == JV_ABSENT || args[1].t == JV_NONE)) {
        *out = args[0];
        return true;
    }
    return round_any(R, args, out);
}

/* Python's int(str, base): whitespace around, a sign, an optional 0x/0o/0b prefix matching the
 * base (any of them for base 0), digits with single underscores between them. 1 parsed (a big
 * int beyond int64), 0 not an integer (Python's ValueError, which includes more than 4300
 * decimal digits), -1 an error (a limit). */
static int parse_pyint(jrt *R, const char *s, size_t len, int64_t base, value *res)
{
    bool ovf = false, *overflow = &ovf;
    size_t i = 0, e = len;
    while (i < e && lib_isspace((unsigned char)s[i])) i++;
    while (e > i && lib_isspace((unsigned char)s[e - 1])) e--;
    bool neg = false;
    if (i < e && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (base != 0 && (base < 2 || base > 36)) return 0;
    bool prefixed = false;
    if (e - i >= 2 && s[i] == '0') {
        char p = (char)(s[i + 1] | 0x20);
        int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
        if (pb && (base == 0 || base == pb)) { base = pb; i += 2; prefixed = true; }
    }
    bool zero_lead = false;
    size_t d0 = i;
    if (base == 0) {
        base = 10;
        zero_lead = i < e && s[i] == '0'; /* "010" is not a base-0 literal; "000" is */
    }
    uint64_t acc = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    bool any = false, under = false, nonzero = false;
    for (; i < e; i++) {
        char c = s[i];
        if (c == '_') {
            /* one underscore between digits, or right after a base prefix ("0x_1f") */
            if (under || (!any && !prefixed)) return 0;
            under = true;
            continue;
        }
        int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
        if (d >= base) return 0;
        under = false;
        any = true;
        if (d) nonzero = true;
        if (acc > (lim - (uint64_t)d) / (uint64_t)base) *overflow = true;
        else acc = acc * (uint64_t)base + (uint64_t)d;
    }
    if (!any || under) return 0;
    if (zero_lead && nonzero) return 0;
    if (*overflow) {
        jbuf t = {0};
        for (size_t k = d0; k < e; k++)
            if (s[k] != '_' && !buf_putc(R, &t, s[k])) { buf_free(R, &t); return -1; }
        if ((base & (base - 1)) && t.len > 4300) { buf_free(R, &t); return 0; } /* Python's int_max_str_digits */
        bool ok = big_parse(R, t.p, t.len, (int)base, neg, res);
        buf_free(R, &t);
        return ok ? 1 : -1;
    }
    *res = v_int(neg ? (int64_t)(0 - acc) : (int64_t)acc);
    return 1;
}

/* Python's float(str): decimal digits with underscores, an exponent, inf/infinity/nan in any
 * case. false when the text is not a float literal. */
static bool parse_pyfloat_rest(const char *s, size_t i, size_t e, double *res);
/* (a byte in '!'..'~' is no space: most texts start and end with one, and need no lib_isspace) */
static inline bool pyfloat_space(unsigned char c) { return (c <= ' ' || c >= 0x7f) && lib_isspace(c); }
/* (inline: |float of a macro's or a field's text is mostly a plain decimal, dtoa_parse's in one
 * call, and this wrapper's own call was a good part of the rest) */
static inline bool parse_pyfloat(jrt *R, const char *s, size_t len, double *res)
{
    (void)R;
    size_t i = 0, e = len;
    while (i < e && pyfloat_space((unsigned char)s[i])) i++;
    while (e > i && pyfloat_space((unsigned char)s[e - 1])) e--;
    if (dtoa_parse(s + i, e - i, res)) return true; /* plain decimals, in one pass */
    return parse_pyfloat_rest(s, i, e, res);
}
/* the rest of float(): underscores, inf and nan, what dtoa_parse leaves (its own frame: the
 * copy's buffer is big) */
static __attribute__((noinline)) bool parse_pyfloat_rest(const char *s, size_t i, size_t e, double *res)
{
    if (e - i > 1000) return false; /* no float literal is that long; keeps the copy bounded */
    char tmp[1002];
    size_t k = 0;
    size_t j = i;
    if (j < e && (s[j] == '+' || s[j] == '-')) tmp[k++] = s[j++];
    size_t rest = e - j;
    static const char *const words[] = {"inf", "infinity", "nan"};
    for (int w = 0; w < 3; w++) {
        if (rest == strlen(words[w]) && !strncasecmp(s + j, words[w], rest)) {
            double d = w == 2 ? NAN : INFINITY;
            *res = k && tmp[0] == '-' ? -d : d;
            return true;
        }
    }
    bool digits = false, prev_digit = false, dot = false, exp = false;
    for (; j < e; j++) {
        char c = s[j];
        if (c >= '0' && c <= '9') { tmp[k++] = c; digits = true; prev_digit = true; continue; }
        if (c == '_') {
            if (!prev_digit || j + 1 >= e || s[j + 1] < '0' || s[j + 1] > '9') return false;
            prev_digit = false;
            continue;
        }
        prev_digit = false;
        if (c == '.' && !dot && !exp) { dot = true; tmp[k++] = c; continue; }
        if ((c == 'e' || c == 'E') && digits && !exp) {
            exp = true;
            tmp[k++] = 'e';
            if (j + 1 < e && (s[j + 1] == '+' || s[j + 1] == '-')) tmp[k++] = s[++j];
            if (j + 1 >= e || s[j + 1] < '0' || s[j + 1] > '9') return false;
            continue;
        }
        return false;
    }
    if (!digits) return false;
    tmp[k] = 0;
    *res = dtoa_strtod(tmp, NULL);
    return true;
}

/* int(float) as Python: truncation; NaN is a ValueError (Jinja2 then returns the default),
 * infinity an OverflowError (which Jinja2 lets through). */
static int float_to_int(jrt *R, double d, value *res)
{
    if (isnan(d)) return 0;
    if (isinf(d)) { rt_error(R, JINN_ERR_VALUE, "cannot convert float infinity to integer"); return -1; }
    return big_from_double(R, trunc(d), res) ? 1 : -1; /* exact, a big int beyond int64 */
}

/* int(value, default=0, base=10) — int(value, base) for strings, int(value) otherwise, then
 * int(float(value)) ("42.23"|int is 42), then the default. */
BI_FN(int_python)
{
    value v = args[0];
    int64_t base;
    if (!arg_int(R, args, 2, 10, &base, "base")) return false;
    switch (v.t) {
    case JV_INT: *out = v; return true;
    case JV_BIG: *out = val_dup(v); return true;
    case JV_BOOL: *out = v_int(v.u.b); return true;
    case JV_FLOAT: {
        int k = float_to_int(R, v.u.d, out);
        if (k < 0) return false;
        if (k > 0) return true;
        break;
    }
    case JV_STR: {
        int k = parse_pyint(R, v_sp(v), v_sl(v), base, out);
        if (k) return k > 0;
        double d;
        /* int(float(s)): an infinite one is an OverflowError, which Jinja2 catches here */
        if (parse_pyfloat(R, v_sp(v), v_sl(v), &d) && !isinf(d)) {
            k = float_to_int(R, d, out);
            if (k < 0) return false;
            if (k > 0) return true;
        }
        break;
    }
    case JV_UNDEF: return op_check_defined(R, v);
    default: break;
    }
    *out = ARG_GIVEN(1) ? val_dup(args[1]) : v_int(0);
    return true;
}

/* The jinjava profile's numbers are Java longs, never a big int: text beyond a long is no
 * number (NumberUtils gives the default), a float beyond it an overflow error as before. */
BI_FN(f_int)
{
    if (!int_python(R, args, nargs, out)) return false;
    if (R->profile != PROF_JINJAVA || out->t != JV_BIG) return true;
    val_drop(R, *out);
    if (args[0].t != JV_STR) return rt_overflow(R);
    *out = ARG_GIVEN(1) ? val_dup(args[1]) : v_int(0);
    return true;
}

/* float(value, default=0.0) */
BI_FN(f_float)
{
    value v = args[0];
    double d;
    switch (v.t) {
    case JV_FLOAT: *out = v; return true;
    case JV_INT: *out = v_float((double)v.u.i); return true;
    case JV_BIG: if (!big_to_double(R, v, &d)) return false; *out = v_float(d); return true;
    case JV_BOOL: *out = v_float(v.u.b); return true;
    case JV_STR:
        if (parse_pyfloat(R, v_sp(v), v_sl(v), &d)) { *out = v_float(d); return true; }
        break;
    case JV_UNDEF: return op_check_defined(R, v);
    default: break;
    }
    *out = ARG_GIVEN(1) ? val_dup(args[1]) : v_float(0.0);
    return true;
}

/* ======================================================================================
 * Sorting and aggregates: sort, dictsort, unique, min, max, sum
 * ====================================================================================== */

/* Sort the owned values items[0..n-1] (in place) by key: the attribute(s) of each item,
 * lowercased unless case_sensitive. */
static bool sort_values(jrt *R, value *items, size_t n, value attr, bool multi, bool cs, bool reverse)
{
    if (n < 2) return true;
    /* the keys of a few items on the C stack, as lib_sort's scratch (not counted in memory_bytes) */
    value kst[LIB_SORT_STACK];
    value *keys = n <= LIB_SORT_STACK ? kst : rt_alloc(R, NULL, 0, n * sizeof *keys);
    if (!keys) return false;
    size_t got = 0;
    bool ok = true;
    /* one key (no comma): its plain-key test once, not per item */
    lib_attr one;
    bool single = multi && (attr.t != JV_STR || !lib_name_has(v_sp(attr), v_sl(attr), ','));
    if (single) lib_attr_init(&one, attr);
    for (; got < n; got++) {
        value k;
        if (multi && !single) {
            k = lib_multi_getattr(R, items[got], attr, !cs);
        } else {
            k = single ? lib_attr_get(R, &one, items[got]) : lib_getattr(R, items[got], attr);
            if (!cs && k.t == JV_STR) { /* (anything else is its own key: no copy) */
                value a = k;
                k = lib_ignore_case_str(R, a);
                val_drop(R, a);
            }
        }
        if (k.t == JV_ERROR) { ok = false; break; }
        keys[got] = k;
    }
    if (!ok) {
    } else if (R->profile == PROF_JINJAVA) {
        /* Jinjava 2.x cannot compare a Long with a Double (or a BigDecimal): the sort fails
         * with a ClassCastException and gives null. jinn compares them as numbers, and says so. */
        int kinds = 0;
        for (size_t i = 0; i < n; i++)
            kinds |= keys[i].t == JV_INT ? 1 : v_is_dec(keys[i]) ? 4 : keys[i].t == JV_FLOAT ? 2 : 0;
        if (kinds & (kinds - 1))
            rt_warn(R, "sort: integers and floats mixed: Jinjava 2.x fails here (ClassCastException, the result is null); "
                       "jinn compares them as numbers");
        ok = lib_sort(R, items, keys, n, reverse);
    } else {
        /* (Jinja2's keys are lists: [k] for one attribute, as lib_multi_getattr makes several) */
        ok = lib_sort_listed(R, items, keys, n, reverse);
    }
    for (size_t i = 0; i < got; i++) val_drop(R, keys[i]);
    if (keys != kst) rt_alloc(R, keys, n * sizeof *keys, 0);
    return ok;
}

/* sort(value, reverse=False, case_sensitive=False, attribute=None) — Python's sorted():
 * stable in both directions; "a,b" sorts by several attributes. */
BI_FN(f_sort)
{
    bool reverse = arg_bool(R, args, 1, false);
    bool cs = arg_bool(R, args, 2, false);
    if (R->err_kind) return false;
    value r;
    if (args[0].t == JV_LIST && !(args[0].f & JV_ITER)) { /* (lib_items would lend the list itself) */
        r = lib_list_of(R, args[0].u.l->items, args[0].u.l->len);
    } else {
        value l;
        if (!lib_items(R, args[0], &l)) return false;
        r = lib_list_of(R, l.u.l->items, l.u.l->len);
        val_drop(R, l);
    }
    if (r.t == JV_ERROR) return false;
    if (!sort_values(R, r.u.l->items, r.u.l->len, args[3], true, cs, reverse)) {
        val_drop(R, r);
        return false;
    }
    *out = r;
    return true;
}

/* dictsort(value, case_sensitive=False, by='key', reverse=False) — a list of (key, value)
 * tuples sorted by key or value. */
BI_FN(f_dictsort)
{
    bool cs = arg_bool(R, args, 1, false);
    bool reverse = arg_bool(R, args, 3, false);
    const char *by;
    size_t blen;
    if (R->err_kind || !arg_str(R, args, 2, "key", &by, &blen, "by")) return false;
    int pos = blen == 3 && !memcmp(by, "key", 3) ? 0 : blen == 5 && !memcmp(by, "value", 5) ? 1 : -1;
    if (pos < 0) return rt_error(R, JINN_ERR_VALUE, "You can only sort by either \"key\" or \"value\"");
    value d = args[0];
    if (d.t == JV_UNDEF && !op_check_defined(R, d)) return false;
    if (d.t != JV_DICT)
        return rt_error(R, JINN_ERR_TYPE, "'%s' object has no attribute 'items'", val_type_name(d));
    size_t n = d.u.m->len;
    value r = v_list(R, n);
    if (r.t == JV_ERROR) return false;
    jentry *e;
    for (size_t i = 0; dict_next(d.u.m, &i, &e);) {
        value t = lib_tuple2(R, val_dup(e->key), val_dup(e->val));
        if (t.t == JV_ERROR) { val_drop(R, r); return false; }
        list_push(R, r.u.l, t);
    }
    /* the key of each tuple is its item [pos]: sort with explicit keys */
    value *keys = n ? rt_alloc(R, NULL, 0, n * sizeof *keys) : NULL;
    if (n && !keys) { val_drop(R, r); return false; }
    bool ok = true;
    size_t got = 0;
    for (; got < n; got++) {
        value k = r.u.l->items[got].u.l->items[pos];
        keys[got] = cs ? val_dup(k) : lib_ignore_case(R, k);
        if (keys[got].t == JV_ERROR) { ok = false; break; }
    }
    if (ok) ok = lib_sort(R, r.u.l->items, keys, n, reverse);
    for (size_t i = 0; i < got; i++) val_drop(R, keys[i]);
    if (keys) rt_alloc(R, keys, n * sizeof *keys, 0);
    if (!ok) { val_drop(R, r); return false; }
    *out = r;
    return true;
}

/* unique(value, case_sensitive=False, attribute=None) — first occurrence of each key. */
BI_FN(f_unique)
{
    bool cs = arg_bool(R, args, 1, false);
    if (R->err_kind) return false;
    value l;
    if (!lib_items(R, args[0], &l)) return false;
    value r = v_list(R, 0), seen = v_dict(R, 0);
    bool ok = r.t != JV_ERROR && seen.t != JV_ERROR, seen_undef = false;
    for (size_t i = 0; ok && i < l.u.l->len; i++) {
        value it = l.u.l->items[i];
        value a = lib_getattr(R, it, args[2]);
        if (a.t == JV_ERROR) { ok = false; break; }
        value k = cs ? a : lib_ignore_case(R, a);
        if (!cs) val_drop(R, a);
        if (k.t == JV_ERROR) { ok = false; break; }
        bool fresh;
        if (!rt_strict_ok(R, k)) { /* StrictUndefined cannot be hashed */
            ok = false;
            val_drop(R, k);
            break;
        } else if (k.t == JV_UNDEF) { /* Undefined hashes alike: all missing attributes are one key */
            fresh = !seen_undef;
            seen_undef = true;
            val_drop(R, k);
        } else if (!val_hashable(k)) {
            ok = rt_error(R, JINN_ERR_TYPE, "unhashable type: '%s'", val_type_name(k));
            val_drop(R, k);
            break;
        } else if (dict_get(seen.u.m, k)) {
            fresh = false;
            val_drop(R, k);
        } else {
            fresh = true;
            if (!dict_set(R, seen.u.m, k, v_none())) { ok = false; break; }
        }
        if (fresh && !list_push(R, r.u.l, val_dup(it))) ok = false;
    }
    val_drop(R, seen);
    val_drop(R, l);
    if (!ok) { val_drop(R, r); return false; }
    *out = r;
    return true;
}

/* min/max(value, case_sensitive=False, attribute=None): the first item whose key is
 * smallest/largest; undefined ("No aggregated item, sequence was empty.") when empty. */
static bool min_max(jrt *R, value *args, value *out, bool is_max)
{
    bool cs = arg_bool(R, args, 1, false);
    if (R->err_kind) return false;
    value l;
    if (!lib_items(R, args[0], &l)) return false;
    if (!l.u.l->len) {
        val_drop(R, l);
        return set_owned(out, v_undef_msg(R, "No aggregated item, sequence was empty."));
    }
    size_t best = 0;
    value bk = v_none();
    bool ok = true;
    for (size_t i = 0; i < l.u.l->len; i++) {
        value a = lib_getattr(R, l.u.l->items[i], args[2]);
        if (a.t == JV_ERROR) { ok = false; break; }
        value k = cs ? a : lib_ignore_case(R, a);
        if (!cs) val_drop(R, a);
        if (k.t == JV_ERROR) { ok = false; break; }
        if (i == 0) { bk = k; continue; }
        int c;
        if (!val_compare(R, k, bk, &c, is_max ? ">" : "<")) { val_drop(R, k); ok = false; break; }
        if (c == (is_max ? 1 : -1)) {
            val_drop(R, bk);
            bk = k;
            best = i;
        } else {
            val_drop(R, k);
        }
    }
    val_drop(R, bk);
    if (ok) *out = val_dup(l.u.l->items[best]);
    val_drop(R, l);
    return ok;
}

BI_FN(f_min) { return min_max(R, args, out, false); }
BI_FN(f_max) { return min_max(R, args, out, true); }

/* sum(iterable, attribute=None, start=0) — start + item + item ..., with the engine's '+'
 * (so int overflow is an error and floats add as Python's do). */
/* Jinjava's sum: a BigDecimal built from each number's exact value (ints scale 0, floats
 * their binary expansion, strings parsed); none items are skipped. [0.5, 0.25]|sum is 0.75. */
static bool jv_sum(jrt *R, value *args, value *out)
{
    double acc = 0;
    int scale = 0;
    value l;
    if (!lib_items(R, args[0], &l)) return false;
    bool ok = true;
    for (size_t i = 0; ok && i <= l.u.l->len; i++) {
        value x;
        if (i == l.u.l->len) { if (!ARG_GIVEN(2)) break; x = val_dup(args[2]); }
        else x = lib_getattr(R, l.u.l->items[i], args[1]);
        if (x.t == JV_ERROR) { ok = false; break; }
        double d = 0;
        int sc = 0;
        if (x.t == JV_FLOAT && !v_is_dec(x)) { d = x.u.d; sc = dec_double_scale(d); }
        else if (x.t != JV_NONE && x.t != JV_UNDEF) ok = dec_from(R, x, &d, &sc, "sum") > 0;
        val_drop(R, x);
        acc += d;
        if (sc > scale) scale = sc;
    }
    val_drop(R, l);
    if (!ok) return false;
    *out = v_dec(acc, scale);
    return true;
}

/* lib_items, with a plain list (the common input of sum, map and select) taken as it is, without
 * the calls (op_to_list's answer for it: the list itself) */
static inline bool items_of(jrt *R, value v, value *l)
{
    if (v.t == JV_LIST && !(v.f & (JV_ITER | JV_RANGE))) { *l = val_dup(v); return true; }
    return lib_items(R, v, l);
}

BI_FN(f_sum)
{
    if (R->profile == PROF_JINJAVA) return jv_sum(R, args, out);
    value acc = ARG_GIVEN(2) ? val_dup(args[2]) : v_int(0);
    if (acc.t == JV_STR) {
        val_drop(R, acc);
        return rt_error(R, JINN_ERR_TYPE, "sum() can't sum strings [use ''.join(seq) instead]");
    }
    value l;
    if (!items_of(R, args[0], &l)) { val_drop(R, acc); return false; }
    bool ok = true;
    lib_attr at;
    lib_attr_init(&at, args[1]);
    for (size_t i = 0; ok && i < l.u.l->len; i++) {
        value x = lib_attr_get(R, &at, l.u.l->items[i]);
        if (x.t == JV_ERROR) { ok = false; break; }
        value nv;
        if (x.t == JV_FLOAT && (acc.t == JV_FLOAT || (acc.t == JV_INT && acc.u.i >= -(1ll << 53) && acc.u.i <= (1ll << 53)))) {
            /* float + float, or a small int (the start, 0) + float: Python's float addition */
            acc = v_float((acc.t == JV_FLOAT ? acc.u.d : (double)acc.u.i) + x.u.d);
            continue;
        }
        int64_t si;
        if (x.t == JV_INT && acc.t == JV_INT && !__builtin_add_overflow(acc.u.i, x.u.i, &si)) {
            acc = v_int(si); /* int + int inside int64: op_arith's answer without its dispatch */
            continue;
        }
        if (x.t == JV_INT && acc.t == JV_FLOAT && x.u.i >= -(1ll << 53) && x.u.i <= (1ll << 53)) {
            acc = v_float(acc.u.d + (double)x.u.i); /* float + a small int: Python's float addition */
            continue;
        }
        ok = op_arith(R, OPB_ADD, acc, x, &nv);
        val_drop(R, x);
        if (ok) { val_drop(R, acc); acc = nv; }
    }
    val_drop(R, l);
    if (!ok) { val_drop(R, acc); return false; }
    *out = acc;
    return true;
}

/* ======================================================================================
 * map, select, reject, selectattr, rejectattr
 * ====================================================================================== */

/* map(value, name, *args, **kwargs) or map(value, attribute=..., default=...) */
/* a builtin that fails releases what it had put in *out (the caller does not) */
static bool fail_out(jrt *R, value *out)
{
    val_drop(R, *out);
    *out = v_none();
    return false;
}

/* val_truthy of map's and select's input, a plain list's answer (its length) without the call */
static inline bool seq_truthy(jrt *R, value v)
{
    return v.t == JV_LIST && !(v.f & JV_ITER) ? v.u.l->len != 0 : val_truthy(R, v);
}

BI_FN(f_map)
{
    jlist *pos = args[1].u.l;
    jdict *kw = args[2].u.m;
    if (!seq_truthy(R, args[0])) { *out = v_list(R, 0); return out->t != JV_ERROR; }
    *out = v_none(); /* the list is made below, sized for every item */
    value *attr = NULL, *dflt = NULL;
    const jentry *bad = NULL; /* the first keyword that is neither attribute nor default */
    if (!pos->len) {
        /* one pass over the keywords (the dict is fresh per call: no lookup by hashing) */
        jentry *e;
        for (size_t i = 0; dict_next(kw, &i, &e);) {
            if (e->key.t == JV_STR && v_sl(e->key) == 9 && !memcmp(v_sp(e->key), "attribute", 9)) attr = &e->val;
            else if (e->key.t == JV_STR && v_sl(e->key) == 7 && !memcmp(v_sp(e->key), "default", 7)) dflt = &e->val;
            else if (!bad) bad = e;
        }
    }
    if (attr && bad) {
        jbuf b = {0};
        lib_repr_buf(R, &b, bad->key);
        rt_error(R, JINN_ERR_VALUE, "Unexpected keyword argument %s", b.p ? b.p : "?");
        buf_free(R, &b);
        return fail_out(R, out);
    }
    if (!attr && !pos->len) {
        rt_error(R, JINN_ERR_VALUE, "map requires a filter argument");
        return fail_out(R, out);
    } else if (!attr && R->profile == PROF_JINJAVA && pos->items[0].t == JV_STR && !lib_has_filter(R, pos->items[0])) {
        /* Jinjava: a name that is no filter is an attribute (lib/filter/MapFilter.java) */
        attr = &pos->items[0];
    }
    value l;
    if (!items_of(R, args[0], &l)) return fail_out(R, out);
    *out = v_list(R, l.u.l->len); /* one item per item */
    bool ok = out->t != JV_ERROR;
    if (!ok) *out = v_none();
    lib_attr at = {.plain = false};
    lib_caller dc;
    if (attr) lib_attr_init(&at, *attr);
    else lib_caller_init(&dc, BI_FILTER, pos->items[0], pos->items + 1, pos->len - 1, kw);
    for (size_t i = 0; ok && i < l.u.l->len; i++) {
        value it = l.u.l->items[i], r;
        if (attr) {
            r = lib_attr_get(R, &at, it);
            if (r.t == JV_UNDEF && dflt && dflt->t != JV_NONE) { val_drop(R, r); r = val_dup(*dflt); }
            if (r.t == JV_ERROR) ok = false;
        } else {
            ok = lib_caller_call(R, &dc, it, &r);
        }
        if (ok) ok = list_push(R, out->u.l, r);
    }
    val_drop(R, l);
    return ok || fail_out(R, out);
}

/* select/reject's steady state, once the first item has found the test (a quick one,
 * lib_caller_quick) and, by attribute, the attribute's entry (lib_attr): the items from i on
 * whose value (by_attr: whose entry at the remembered position, as lib_attr_peek finds it) the
 * quick test answers, tested and kept in res with nothing looked up again per item. Returns
 * the index of the first item it leaves to the general loop (l->len: none); *ok false when a
 * compare ran out of fuel. */
static size_t select_quick(jrt *R, const lib_caller *c, const lib_attr *a, bool by_attr, const jlist *l, size_t i,
                           jlist *res, bool reject, bool *ok)
{
    const jstr *key = a->key;
    size_t at = a->at;
    /* the test's constants and the input's items in locals, read once (the list is only read:
     * a quick test calls nothing that could change it) */
    const lib_quick q = lib_quick_of(c);
    const value *items = l->items;
    size_t n = l->len;
    for (; i < n; i++) {
        value it = items[i], x = it;
        if (by_attr) {
            if (it.t != JV_DICT) break;
            const jdict *d = it.u.m;
            if (at >= d->used || d->entries[at].key.t != JV_STR || d->entries[at].key.u.s != key) break;
            x = d->entries[at].val;
        }
        int t = lib_quick_test(R, q, x);
        if (t < 0) {
            *ok = t == -1;
            break;
        }
        if ((bool)t != reject && !list_push(R, res, val_dup(it))) {
            *ok = false;
            break;
        }
    }
    return i;
}

static bool select_reject(jrt *R, value *args, value *out, bool reject, bool by_attr)
{
    jlist *pos = args[1].u.l;
    jdict *kw = args[2].u.m;
    if (!seq_truthy(R, args[0])) { *out = v_list(R, 0); return out->t != JV_ERROR; }
    size_t off = 0;
    if (by_attr) {
        if (!pos->len) { *out = v_none(); return rt_error(R, JINN_ERR_VALUE, "Missing parameter for attribute name"); }
        off = 1;
    }
    bool has_test = pos->len > off;
    value l;
    if (!items_of(R, args[0], &l)) { *out = v_none(); return false; }
    /* room for every item at once: the result is at most that long, and mostly short-lived
     * (the next filter's input), so no growing it item by item */
    *out = v_list(R, l.u.l->len);
    if (out->t == JV_ERROR) { val_drop(R, l); *out = v_none(); return false; }
    bool ok = true;
    lib_attr at = {.plain = false};
    lib_caller dc;
    if (by_attr) lib_attr_init(&at, pos->items[0]);
    if (has_test) lib_caller_init(&dc, BI_TEST, pos->items[off], pos->items + off + 1, pos->len - off - 1, kw);
    bool fast = false; /* select_quick takes the items after the first (which found the test) */
    for (size_t i = 0; ok && i < l.u.l->len; i++) {
        if (fast) {
            i = select_quick(R, &dc, &at, by_attr, l.u.l, i, out->u.l, reject, &ok);
            if (!ok || i == l.u.l->len) break;
        }
        value it = l.u.l->items[i], x = it, owned = v_none();
        if (by_attr) { /* the item's attribute: borrowed from the item when it is where it was last */
            const value *px = lib_attr_peek(&at, it);
            if (px) x = *px;
            else if ((x = owned = lib_attr_get(R, &at, it)).t == JV_ERROR) { ok = false; break; }
        }
        bool t;
        if (has_test) { /* (the call answers as lib_caller_quick would, had select_quick taken it) */
            value r;
            ok = lib_caller_call(R, &dc, x, &r);
            t = ok && (r.t == JV_BOOL ? r.u.b : val_truthy(R, r));
            if (ok) val_drop(R, r);
        } else {
            t = val_truthy(R, x);
        }
        val_drop(R, owned);
        if (ok && t != reject) ok = list_push(R, out->u.l, val_dup(it));
        if (i == 0) fast = has_test && dc.quick && (at.key || !by_attr);
    }
    val_drop(R, l);
    return ok || fail_out(R, out);
}

BI_FN(f_select) { return select_reject(R, args, out, false, false); }
BI_FN(f_reject) { return select_reject(R, args, out, true, false); }
BI_FN(f_selectattr) { return select_reject(R, args, out, false, true); }
BI_FN(f_rejectattr) { return select_reject(R, args, out, true, true); }

/* map / select / reject / selectattr / rejectattr: which *args item names a filter or test */
unsigned flt_arg_names(const jbuiltin *b)
{
    if (b->fn == f_map) return BI_ARG_FILTER;
    if (b->fn == f_select || b->fn == f_reject) return BI_ARG_TEST;
    if (b->fn == f_selectattr || b->fn == f_rejectattr) return BI_ARG_TEST | BI_ARG_SECOND;
    return 0;
}

/* ======================================================================================
 * tojson
 * ====================================================================================== */

/* Jinja2's tojson dumps with sort_keys=True: a copy of v whose dicts have sorted keys. */
static value sorted_copy(jrt *R, value v, int depth)
{
    if (depth > 1000) { rt_error(R, JINN_ERR_LIMIT, "tojson: value nested too deeply"); return v_err(); }
    if (v.t == JV_UNDEF && R->profile == PROF_JINJA) { /* Python's json knows no Undefined (its class, as ops.c names it) */
        rt_error(R, JINN_ERR_TYPE, "Object of type %s is not JSON serializable",
                 (v.f & UK_SOFT) ? "Undefined" : R->undef_mode == JINN_UNDEFINED_STRICT ? "StrictUndefined"
                 : R->undef_mode == JINN_UNDEFINED_CHAINABLE || R->undef_mode == JINN_UNDEFINED_LENIENT ? "ChainableUndefined"
                 : R->undef_mode == JINN_UNDEFINED_DEBUG ? "DebugUndefined" : "Undefined");
        return v_err();
    }
    if ((v.t == JV_LIST || v.t == JV_DICT) && !rt_charge(R, 1 + (int64_t)(v.t == JV_LIST ? v.u.l->len : v.u.m->len)))
        return v_err(); /* a unit per node visited */
    if (v.t == JV_LIST) {
        /* copied only from the first item that changed (a dict inside): a list that holds no
         * dict is shared, so a list that shares its sublists is not expanded into a tree */
        value r = v_none();
        for (size_t i = 0; i < v.u.l->len; i++) {
            value it = v.u.l->items[i];
            value c = sorted_copy(R, it, depth + 1);
            if (c.t == JV_ERROR) { val_drop(R, r); return c; }
            if (r.t == JV_NONE) {
                if (c.t == it.t && c.u.i == it.u.i) { val_drop(R, c); continue; }
                r = v_list(R, v.u.l->len);
                if (r.t == JV_ERROR) { val_drop(R, c); return r; }
                r.f = v.f;
                for (size_t j = 0; j < i; j++) list_push(R, r.u.l, val_dup(v.u.l->items[j]));
            }
            list_push(R, r.u.l, c);
        }
        return r.t == JV_NONE ? val_dup(v) : r;
    }
    if (v.t != JV_DICT) return val_dup(v);
    size_t n = v.u.m->len;
    value *keys = n ? rt_alloc(R, NULL, 0, 2 * n * sizeof *keys) : NULL;
    if (n && !keys) return v_err();
    value *idx = keys ? keys + n : NULL; /* no arithmetic on NULL for an empty dict */
    jentry *e;
    size_t k = 0;
    for (size_t i = 0; dict_next(v.u.m, &i, &e); k++) {
        keys[k] = e->key;   /* borrowed */
        idx[k] = v_int((int64_t)(i - 1));
    }
    value r = v_err();
    if (lib_sort(R, idx, keys, n, false)) {
        r = v_dict(R, n);
        for (size_t j = 0; r.t != JV_ERROR && j < n; j++) {
            jentry *src = &v.u.m->entries[idx[j].u.i];
            if (src->key.t == JV_LIST && R->profile == PROF_JINJA) { /* a tuple: Python's json takes no such key */
                rt_error(R, JINN_ERR_TYPE, "keys must be str, int, float, bool or None, not %s", val_type_name(src->key));
                val_drop(R, r);
                r = v_err();
                break;
            }
            value c = sorted_copy(R, src->val, depth + 1);
            if (c.t == JV_ERROR || !dict_set(R, r.u.m, val_dup(src->key), c)) {
                val_drop(R, r);
                r = v_err();
            }
        }
        if (r.t != JV_ERROR) r.f = v.f;
    }
    if (keys) rt_alloc(R, keys, 2 * n * sizeof *keys, 0);
    return r;
}

/* tojson(value, indent=None) — htmlsafe_json_dumps with sort_keys: a safe string. */
BI_FN(f_tojson)
{
    int64_t indent = -1; /* -1: None (compact, ", " and ": " separators) */
    if (ARG_GIVEN(1) && args[1].t != JV_NONE && !arg_int(R, args, 1, -1, &indent, "indent"))
        return false;
    if (indent > 1000) return rt_error(R, JINN_ERR_VALUE, "tojson: indent too large");
    value c = sorted_copy(R, args[0], 0);
    if (c.t == JV_ERROR) return false;
    jbuf b = {0};
    bool ok = value_to_json(R, &b, c, (int)indent, true);
    val_drop(R, c);
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    out->f |= JV_SAFE;
    return true;
}

/* ======================================================================================
 * format: Python's printf-style formatting (str % args)
 * ====================================================================================== */

typedef struct {
    bool minus, plus, space, alt, zero;
    int64_t width, prec; /* -1: not given */
} fspec;

/* pad s (n code points) to the spec's width with spaces */
static bool put_padded(jrt *R, jbuf *b, const char *s, size_t len, size_t ncp, const fspec *f)
{
    size_t pad = f->width > 0 && (size_t)f->width > ncp ? (size_t)f->width - ncp : 0;
    if (!buf_grow(R, b, len + pad + 1)) return false;
    if (!f->minus) while (pad) { b->p[b->len++] = ' '; pad--; }
    if (!buf_put(R, b, s, len)) return false;
    while (pad) { b->p[b->len++] = ' '; pad--; }
    b->p[b->len] = 0;
    return true;
}

/* %s, %r, %a: str() or repr(), cut to the precision, padded to the width */
static bool fmt_string(jrt *R, jbuf *b, value arg, char conv, bool markup, const fspec *f)
{
    value s;
    if (conv == 's') {
        s = markup ? lib_escape(R, arg) : lib_soft_str(R, arg);
    } else {
        jbuf rb = {0};
        if (!print_repr(R, &rb, arg) || (conv == 'a' && !lib_ascii_of_repr(R, &rb))) { buf_free(R, &rb); return false; }
        s = v_str_from_buf(R, &rb);
        if (markup && s.t == JV_STR) {
            value e = lib_escape_str(R, v_sp(s), v_sl(s));
            val_drop(R, s);
            s = e;
        }
    }
    if (s.t == JV_ERROR) return false;
    size_t n, len = v_sl(s);
    bool ok = lib_utf8_len(R, v_sp(s), len, &n);
    if (ok && f->prec >= 0 && (size_t)f->prec < n) {
        len = utf8_offset(v_sp(s), len, (size_t)f->prec);
        n = (size_t)f->prec;
    }
    ok = ok && put_padded(R, b, v_sp(s), len, n, f);
    val_drop(R, s);
    return ok;
}

/* %d %i %u %x %X %o: Python's own integer formatting (a '-' sign rather than two's
 * complement, "0o" for %#o), so printf is not used here at all. */
static bool fmt_digits(jrt *R, jbuf *b, bool neg, const char *dig, size_t n, char conv, const fspec *f);
static bool fmt_int(jrt *R, jbuf *b, int64_t v, char conv, const fspec *f)
{
    unsigned base = conv == 'x' || conv == 'X' ? 16 : conv == 'o' ? 8 : 10;
    const char *digs = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char tmp[72];
    int n = 0;
    do { tmp[sizeof tmp - 1 - n++] = digs[m % base]; m /= base; } while (m);
    return fmt_digits(R, b, v < 0, tmp + sizeof tmp - n, (size_t)n, conv, f);
}

/* a big int: its digits from bigint.c, then the same layout */
static bool fmt_big(jrt *R, jbuf *b, value v, char conv, const fspec *f)
{
    jbuf t = {0};
    int base = conv == 'x' || conv == 'X' ? 16 : conv == 'o' ? 8 : 10;
    bool ok = big_print_base(R, &t, v, base, conv == 'X');
    bool neg = ok && t.p[0] == '-';
    ok = ok && fmt_digits(R, b, neg, t.p + neg, t.len - neg, conv, f);
    buf_free(R, &t);
    return ok;
}

/* sign, prefix, zeros, digits and padding as printf-style %d %x %o lay them out */
static bool fmt_digits(jrt *R, jbuf *b, bool neg, const char *dig, size_t n, char conv, const fspec *f)
{
    unsigned base = conv == 'x' || conv == 'X' ? 16 : conv == 'o' ? 8 : 10;
    char pre[4];
    int np = 0;
    if (neg) pre[np++] = '-';
    else if (f->plus) pre[np++] = '+';
    else if (f->space) pre[np++] = ' ';
    if (f->alt && base != 10) { pre[np++] = '0'; pre[np++] = conv == 'o' ? 'o' : conv; }
    size_t zeros = f->prec > 0 && (size_t)f->prec > n ? (size_t)f->prec - n : 0;
    size_t body = (size_t)np + zeros + (size_t)n;
    size_t pad = f->width > 0 && (size_t)f->width > body ? (size_t)f->width - body : 0;
    if (!buf_grow(R, b, body + pad + 1)) return false;
    char *o = b->p + b->len;
    if (!f->minus && !f->zero) { memset(o, ' ', pad); o += pad; }
    memcpy(o, pre, (size_t)np); o += np;
    if (!f->minus && f->zero) { memset(o, '0', pad); o += pad; }
    memset(o, '0', zeros); o += zeros;
    memcpy(o, dig, n); o += n;
    if (f->minus) { memset(o, ' ', pad); o += pad; }
    b->len = (size_t)(o - b->p);
    b->p[b->len] = 0;
    return true;
}

/* "%.2f" of a price, quickly: |d| × 10^prec rounded to an integer below 2^52, when no flag
 * is set and that rounding is not in doubt — round_float's fast path and its argument: the
 * product is within half an ulp of the exact one, and its distance to a .5 tie is either
 * more than 2^-20 (which is more than that half ulp below 2^33) or, above 2^33, a nonzero
 * multiple of the ulp. Then the digits are printf's (which rounds the exact binary value).
 * false: not this case (printf does it). */
/* "%.{p}f" of d written backwards from the end of tmp[48]: its start (*n bytes), or NULL when
 * the fast way cannot be sure of printf's rounding (or p > 15, or d not finite) */
static const char *fixed_digits(double d, int p, char *tmp, size_t *n)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (p > 15 || !isfinite(d)) return NULL;
    double y = fabs(d) * p10[p];
    if (!(y < 4503599627370496.0)) return NULL;
    double r = nearbyint(y);
    if (!(fabs(fabs(y - r) - 0.5) > 0x1p-20)) return NULL;
    uint64_t u = (uint64_t)r, ip = u / (uint64_t)p10[p], fp = u - ip * (uint64_t)p10[p];
    char *e = tmp + 48, *o = e;
    for (int i = 0; i < p; i++) { *--o = (char)('0' + fp % 10); fp /= 10; }
    if (p) *--o = '.';
    o = dtoa_digits_back(ip, o);
    if (signbit(d)) *--o = '-'; /* printf keeps the sign of a negative that rounds to 0 */
    *n = (size_t)(e - o);
    return o;
}

static bool fmt_fixed_fast(jrt *R, jbuf *b, double d, const fspec *f, bool *ok)
{
    int p = f->prec >= 0 ? (int)f->prec : 6;
    if (f->minus || f->plus || f->space || f->alt || f->zero) return false;
    char tmp[48];
    size_t n;
    const char *o = fixed_digits(d, p, tmp, &n);
    if (!o) return false;
    *ok = put_padded(R, b, o, n, n, f);
    return true;
}

/* %e %f %g (and upper case): printf with a format built here from validated parts. */
static bool fmt_float(jrt *R, jbuf *b, double d, char conv, const fspec *f)
{
    bool fast_ok;
    if (conv == 'f' && fmt_fixed_fast(R, b, d, f, &fast_ok)) return fast_ok;
    char spec[40];
    int k = 0;
    spec[k++] = '%';
    if (f->minus) spec[k++] = '-';
    if (f->plus) spec[k++] = '+';
    if (f->space) spec[k++] = ' ';
    if (f->alt) spec[k++] = '#';
    if (f->zero) spec[k++] = '0';
    k += snprintf(spec + k, sizeof spec - (size_t)k, "%d.%d%c", (int)(f->width > 0 ? f->width : 0),
                  (int)(f->prec >= 0 ? f->prec : 6), conv);
    int n = snprintf(NULL, 0, spec, d);
    if (n < 0 || !buf_grow(R, b, (size_t)n + 1)) return n >= 0 ? false : rt_error(R, JINN_ERR_VALUE, "format failed");
    snprintf(b->p + b->len, (size_t)n + 1, spec, d);
    b->len += (size_t)n;
    return true;
}

static bool fmt_number_error(jrt *R, char conv, value arg, bool want_int)
{
    if (want_int)
        return rt_error(R, JINN_ERR_TYPE, "%%%c format: an integer is required, not %s", conv,
                        val_type_name(arg));
    if (conv == 'd' || conv == 'i' || conv == 'u')
        return rt_error(R, JINN_ERR_TYPE, "%%%c format: a real number is required, not %s", conv,
                        val_type_name(arg));
    return rt_error(R, JINN_ERR_TYPE, "must be real number, not %s", val_type_name(arg));
}

static bool fmt_one(jrt *R, jbuf *b, value arg, char conv, bool markup, const fspec *f)
{
    switch (conv) {
    case 's': case 'r': case 'a': return fmt_string(R, b, arg, conv, markup, f);
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
        bool want_int = conv == 'x' || conv == 'X' || conv == 'o';
        int64_t iv;
        if (arg.t == JV_BIG) return fmt_big(R, b, arg, conv, f);
        if (arg.t == JV_INT) iv = arg.u.i;
        else if (arg.t == JV_BOOL) iv = arg.u.b;
        else if (arg.t == JV_FLOAT && !want_int) {
            if (isnan(arg.u.d)) return rt_error(R, JINN_ERR_VALUE, "cannot convert float NaN to integer");
            value big;
            if (float_to_int(R, arg.u.d, &big) <= 0) return false;
            if (big.t == JV_BIG) { bool ok = fmt_big(R, b, big, conv, f); val_drop(R, big); return ok; }
            iv = big.u.i;
        } else {
            return fmt_number_error(R, conv, arg, want_int);
        }
        return fmt_int(R, b, iv, conv, f);
    }
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        if (!val_is_number(arg)) return fmt_number_error(R, conv, arg, false);
        return fmt_float(R, b, val_to_double(arg), conv, f);
    case 'c': {
        int32_t cp;
        if (arg.t == JV_INT || arg.t == JV_BOOL) {
            int64_t iv = arg.t == JV_INT ? arg.u.i : arg.u.b;
            if (iv < 0 || iv > 0x10FFFF)
                return rt_error(R, JINN_ERR_VALUE, "%%c arg not in range(0x110000)");
            if (iv >= 0xD800 && iv <= 0xDFFF)
                return rt_error(R, JINN_ERR_VALUE, "%%c arg %lld is a surrogate, which UTF-8 cannot encode", (long long)iv);
            cp = (int32_t)iv;
        } else if (arg.t == JV_STR) {
            size_t n, i = 0;
            if (!lib_utf8_len(R, v_sp(arg), v_sl(arg), &n)) return false;
            if (n != 1) return rt_error(R, JINN_ERR_TYPE, "%%c requires int or char");
            if (!lib_utf8_next(R, v_sp(arg), v_sl(arg), &i, &cp)) return false;
        } else {
            return rt_error(R, JINN_ERR_TYPE, "%%c requires int or char");
        }
        jbuf one = {0};
        bool ok = lib_put_cp(R, &one, cp) && put_padded(R, b, one.p, one.len, 1, f);
        buf_free(R, &one);
        return ok;
    }
    default: return rt_error(R, JINN_ERR_VALUE, "unsupported format character");
    }
}

/* a width or precision: digits (bounded) or '*' taking the next argument */
static bool fmt_num(jrt *R, const char *s, size_t len, size_t *i, int64_t *res, value *argv,
                    size_t argc, size_t *ai, bool mapping, const char *what)
{
    if (*i < len && s[*i] == '*') {
        (*i)++;
        if (mapping) return rt_error(R, JINN_ERR_TYPE, "format requires a mapping");
        if (*ai >= argc) return rt_error(R, JINN_ERR_TYPE, "not enough arguments for format string");
        value a = argv[(*ai)++];
        if (a.t != JV_INT && a.t != JV_BOOL) return rt_error(R, JINN_ERR_TYPE, "* wants int");
        int64_t v = a.t == JV_INT ? a.u.i : a.u.b;
        if (v > FMT_MAX_WIDTH || v < -FMT_MAX_WIDTH)
            return rt_error(R, JINN_ERR_VALUE, "format: %s too large (limit %d)", what, FMT_MAX_WIDTH);
        *res = v;
        return true;
    }
    int64_t v = 0;
    bool any = false;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[(*i)++] - '0');
        any = true;
        if (v > FMT_MAX_WIDTH)
            return rt_error(R, JINN_ERR_VALUE, "format: %s too large (limit %d)", what, FMT_MAX_WIDTH);
    }
    if (any) *res = v;
    return true;
}

/* s % args (a tuple: argv[0..argc-1]) or s % kwargs (a mapping: kw) */
static bool percent_format(jrt *R, jbuf *b, const char *s, size_t len, value *argv, size_t argc,
                           value kw, bool markup)
{
    bool mapping = kw.t == JV_DICT;
    size_t ai = 0, i = 0;
    bool dict_used = false;
    while (i < len) {
        const char *pc = memchr(s + i, '%', len - i);
        size_t stop = pc ? (size_t)(pc - s) : len;
        if (!buf_put(R, b, s + i, stop - i)) return false;
        if (!pc) break;
        size_t start = stop;
        i = stop + 1;
        if (i >= len) return rt_error(R, JINN_ERR_VALUE, "incomplete format");
        value arg = v_absent();
        if (s[i] == '(') {
            if (!mapping) return rt_error(R, JINN_ERR_TYPE, "format requires a mapping");
            size_t k0 = ++i;
            int depth = 1;
            while (i < len && depth) {
                if (s[i] == '(') depth++;
                else if (s[i] == ')') depth--;
                if (depth) i++;
            }
            if (i >= len) return rt_error(R, JINN_ERR_VALUE, "incomplete format key");
            value *hit = dict_get_str(kw.u.m, s + k0, i - k0);
            if (!hit) return rt_error(R, JINN_ERR_VALUE, "KeyError: '%.*s'", (int)(i - k0), s + k0);
            arg = *hit;
            i++;
        }
        fspec f = {false, false, false, false, false, -1, -1};
        for (; i < len; i++) {
            char c = s[i];
            if (c == '-') f.minus = true;
            else if (c == '+') f.plus = true;
            else if (c == ' ') f.space = true;
            else if (c == '#') f.alt = true;
            else if (c == '0') f.zero = true;
            else break;
        }
        if (!fmt_num(R, s, len, &i, &f.width, argv, argc, &ai, mapping, "width")) return false;
        if (f.width < 0 && f.width != -1) { f.minus = true; f.width = -f.width; }
        if (i < len && s[i] == '.') {
            i++;
            f.prec = 0;
            if (!fmt_num(R, s, len, &i, &f.prec, argv, argc, &ai, mapping, "precision")) return false;
            if (f.prec < 0) f.prec = 0;
        }
        while (i < len && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) i++;
        if (i >= len) return rt_error(R, JINN_ERR_VALUE, "incomplete format");
        char conv = s[i++];
        if (conv == '%') { if (!buf_putc(R, b, '%')) return false; continue; }
        if (!strchr("sradiuxXoeEfFgGc", conv)) {
            if ((unsigned char)conv < 0x80)
                return rt_error(R, JINN_ERR_VALUE, "unsupported format character '%c' (0x%x) at index %zu",
                                conv, (unsigned)conv, i - 1);
            return rt_error(R, JINN_ERR_VALUE, "unsupported format character at index %zu", i - 1);
        }
        if (arg.t == JV_ABSENT) {
            if (mapping) {
                /* a mapping on the right of % is itself the one positional argument */
                if (dict_used) return rt_error(R, JINN_ERR_TYPE, "not enough arguments for format string");
                dict_used = true;
                arg = kw;
            } else {
                if (ai >= argc) return rt_error(R, JINN_ERR_TYPE, "not enough arguments for format string");
                arg = argv[ai++];
            }
        }
        (void)start;
        if (!fmt_one(R, b, arg, conv, markup, &f)) return false;
    }
    if (!mapping && ai < argc)
        return rt_error(R, JINN_ERR_TYPE, "not all arguments converted during string formatting");
    return true;
}

/* format(value, *args, **kwargs) — soft_str(value) % (kwargs or args). */
BI_FN(f_format)
{
    jlist *pos = args[1].u.l;
    jdict *kw = args[2].u.m;
    if (pos->len && kw->len)
        return rt_error(R, JINN_ERR_VALUE, "can't handle positional and keyword arguments at the same time");
    /* "%.2f"|format(x), the commonest use (a price): the digits on the C stack, made a string at
     * once, charged as percent_format's path charges them (its first 64-byte buffer, then the
     * string); the buffer's short-lived bytes are not counted in memory_bytes (docs/limits.md) */
    value a0 = args[0], x = pos->len == 1 ? pos->items[0] : v_none();
    if (a0.t == JV_STR && !a0.f && v_sl(a0) == 4 && R->profile == PROF_JINJA && !kw->len &&
        ((x.t == JV_FLOAT && !x.f) || x.t == JV_INT)) {
        const char *f = v_sp(a0);
        double d;
        char tmp[48];
        size_t n;
        const char *o;
        if (f[0] == '%' && f[1] == '.' && f[2] >= '0' && f[2] <= '9' && f[3] == 'f' && num_as_exact_double(x, &d) &&
            (o = fixed_digits(d, f[2] - '0', tmp, &n))) {
            if (!rt_charge_bytes(R, 64)) return false;
            *out = v_str(R, o, n);
            return out->t != JV_ERROR;
        }
    }
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    bool markup = (s.f & JV_SAFE) != 0;
    jbuf b = {0};
    bool ok = percent_format(R, &b, v_sp(s), v_sl(s), pos->items, pos->len,
                             kw->len ? args[2] : v_none(), markup);
    val_drop(R, s);
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    if (markup) out->f |= JV_SAFE;
    return true;
}

/* ======================================================================================
 * Printed at once: the text forms (jtext_fn, builtins.h)
 * ====================================================================================== */

/* {{ x|upper }}: an ASCII string's upper case, as case_filter and lib_case charge it (str_new's
 * string_bytes and charge for the string they make; that limit's error is left to them) */
static int t_upper(jrt *R, value *args, int nslots, char *buf, size_t cap, const char **s, size_t *len, bool *safe)
{
    (void)nslots;
    value v = args[0];
    if (v.t != JV_STR) return -1;
    size_t n = v_sl(v);
    if (n > cap || (R->lim && n > R->lim->string_bytes) || !lib_ascii(v_sp(v), n)) return -1;
    if (n >= 64 && !rt_charge(R, (int64_t)(n / 4))) return 0;
    if (!rt_charge_bytes(R, n)) return 0;
    lib_case_ascii(buf, v_sp(v), n, LIB_UPPER);
    *s = buf;
    *len = n;
    *safe = (v.f & JV_SAFE) != 0; /* Markup.upper() is Markup */
    return 1;
}

/* {{ l|join(d) }}: f_join's common case, charged as f_join and str_new charge it */
static int t_join(jrt *R, value *args, int nslots, char *buf, size_t cap, const char **s, size_t *len, bool *safe)
{
    (void)nslots;
    join_plan p;
    if (!join_plan_of(R, args, &p) || p.total > cap || (R->lim && p.total > R->lim->string_bytes)) return -1;
    if (!join_charge(R, &p) || !rt_charge_bytes(R, p.total)) return 0;
    join_write(buf, &p);
    *s = buf;
    *len = p.total;
    *safe = false;
    return 1;
}

/* {{ x|round(n) }}: f_round's common case, a float, printed as PRINT prints a float (its
 * digits need no escaping) */
static int t_round(jrt *R, value *args, int nslots, char *buf, size_t cap, const char **s, size_t *len, bool *safe)
{
    (void)nslots;
    if (!(args[0].t == JV_FLOAT && R->profile != PROF_JINJAVA && !ARG_GIVEN(2) &&
          (args[1].t == JV_INT || args[1].t == JV_ABSENT)) || cap < PRINT_FLOAT_MAX)
        return -1; /* (precision none: f_round, an int) */
    double r;
    int64_t nd = args[1].t == JV_INT ? args[1].u.i : 0, m;
    if (round_quick(args[0].u.d, nd, &r, &m) && nd <= 4 && m > -1000000000000000 && m < 1000000000000000) {
        /* r is the double nearest m·10^-nd (round_quick), 1e-4 or more unless 0: repr's digits
         * are m's (print_decimal_back), without print_float's search for them */
        *s = print_decimal_back((uint64_t)(m < 0 ? -m : m), (int)nd, signbit(r), buf + cap);
        *len = (size_t)(buf + cap - *s);
    } else if (round_float(R, args[0].u.d, nd, &r)) {
        *s = buf;
        *len = print_float_text(r, buf);
    } else {
        return 0;
    }
    *safe = true;
    return 1;
}

/* {{ x|default(d) }}: f_default's common case when what it gives is a string (copied) */
static int t_default(jrt *R, value *args, int nslots, char *buf, size_t cap, const char **s, size_t *len, bool *safe)
{
    (void)nslots;
    if (ARG_GIVEN(2) || ARG_GIVEN(3) || R->profile == PROF_JINJAVA) return -1;
    value v = args[0].t != JV_UNDEF ? args[0] : ARG_GIVEN(1) ? args[1] : v_none();
    if (v.t == JV_NONE && args[0].t == JV_UNDEF && !ARG_GIVEN(1)) { /* the empty string */
        *s = buf;
        *len = 0;
        *safe = true;
        return 1;
    }
    if (v.t != JV_STR || v_sl(v) > cap) return -1;
    copy_short(buf, v_sp(v), v_sl(v));
    *s = buf;
    *len = v_sl(v);
    *safe = (v.f & JV_SAFE) != 0;
    return 1;
}

jtext_fn flt_text(const jbuiltin *b)
{
    return b->fn == f_upper ? t_upper : b->fn == f_join ? t_join : b->fn == f_round ? t_round
         : b->fn == f_default ? t_default : NULL;
}

/* ======================================================================================
 * The table, and lookup
 * ====================================================================================== */

/* ONE table for every filter (the compiler stores row indices): the bodies above, then
 * those of filters_text.c (the rest of Jinja2's), filters_jinjava.c (Jinjava's extras and
 * the vendor's names) and dates.c, declared in ext.h. */
const jbuiltin bi_filters[] = {
    {"capitalize", f_capitalize, "s", 1},
    {"title", f_title, "s", 1},
    {"abs", f_abs, "value", 1},
    {"count", f_length, "value", 1},
    {"d", f_default, "value default_value boolean truthy", 1},
    {"default", f_default, "value default_value boolean truthy", 1},
    {"dictsort", f_dictsort, "value case_sensitive by reverse", 1},
    {"e", f_escape, "value", 1},
    {"escape", f_escape, "value", 1},
    {"first", f_first, "value", 1},
    {"float", f_float, "value default", 1},
    {"format", f_format, "value *args **kwargs", 1},
    {"int", f_int, "value default base", 1},
    {"join", f_join, "value d attribute", 1},
    {"last", f_last, "value", 1},
    {"length", f_length, "value", 1},
    {"list", f_list, "value", 1},
    {"lower", f_lower, "value", 1},
    {"map", f_map, "value *args **kwargs", 1},
    {"max", f_max, "value case_sensitive attribute", 1},
    {"min", f_min, "value case_sensitive attribute", 1},
    {"random", f_random, "value", 1},
    {"reject", f_reject, "value *args **kwargs", 1},
    {"rejectattr", f_rejectattr, "value *args **kwargs", 1},
    {"replace", f_replace, "s old new count", 3},
    {"round", f_round, "value precision method", 1},
    {"safe", f_safe, "value", 1},
    {"select", f_select, "value *args **kwargs", 1},
    {"selectattr", f_selectattr, "value *args **kwargs", 1},
    {"sort", f_sort, "value reverse case_sensitive attribute", 1},
    {"string", f_string, "value", 1},
    {"sum", f_sum, "iterable attribute start", 1},
    {"tojson", f_tojson, "value indent", 1},
    {"trim", f_trim, "value chars", 1},
    {"unique", f_unique, "value case_sensitive attribute", 1},
    {"upper", f_upper, "value", 1},
    /* filters_text.c */
    {"attr", flt_attr, "obj name", 2},
    {"batch", flt_batch, "value linecount fill_with", 2},
    {"center", flt_center, "value width", 1},
    {"filesizeformat", flt_filesizeformat, "value binary", 1},
    {"forceescape", flt_forceescape, "value", 1},
    {"groupby", flt_groupby, "value attribute default case_sensitive", 2},
    {"indent", flt_indent, "s width first blank indentfirst", 1},
    {"items", flt_items, "value", 1},
    {"pprint", flt_pprint, "value", 1},
    {"reverse", flt_reverse, "value", 1},
    {"slice", flt_slice, "value slices fill_with", 2},
    {"striptags", flt_striptags, "value", 1},
    {"truncate", flt_truncate, "s length killwords end leeway", 1},
    {"urlencode", flt_urlencode, "value", 1},
    {"urlize", flt_urlize, "value trim_url_limit nofollow target rel extra_schemes", 1},
    {"wordcount", flt_wordcount, "s", 1},
    {"wordwrap", flt_wordwrap, "s width break_long_words wrapstring break_on_hyphens", 1},
    {"xmlattr", flt_xmlattr, "d autospace", 1},
    /* filters_jinjava.c: Jinjava's extras, the vendor's names */
    {"add", flt_add, "value addend", 2},
    {"b64decode", flt_b64decode, "value encoding", 1},
    {"b64encode", flt_b64encode, "value encoding", 1},
    {"base64Decode", flt_b64decode, "value encoding", 1},
    {"base64Encode", flt_b64encode, "value encoding", 1},
    {"bool", flt_bool, "value", 1},
    {"cut", flt_cut, "value to_remove", 2},
    {"difference", flt_difference, "value other", 2},
    {"divide", flt_divide, "value divisor", 2},
    {"divisible", flt_divisible, "value divisor", 2},
    {"escape_jinjava", flt_escape_jinjava, "value", 1},
    {"escapejs", flt_escapejs, "value", 1},
    {"escapejson", flt_escapejson, "value", 1},
    {"fromjson", flt_fromjson, "value", 1},
    {"hash", flt_hash, "value algorithm", 1},
    {"intersect", flt_intersect, "value other", 2},
    {"ipaddr", flt_ipaddr, "value query", 1},
    {"ipv4", flt_ipv4, "value query", 1},
    {"ipv6", flt_ipv6, "value query", 1},
    {"log", flt_log, "value base", 1},
    {"md5", flt_md5, "value", 1},
    {"multiply", flt_multiply, "value factor", 2},
    {"regex_replace", flt_regex_replace, "value regex new", 3},
    {"root", flt_root, "value root", 1},
    {"shuffle", flt_shuffle, "value", 1},
    {"split", flt_split, "value separator limit", 1},
    {"symmetric_difference", flt_symmetric_difference, "value other", 2},
    {"truncatehtml", flt_truncatehtml, "value length end breakword", 1},
    {"unescape_html", flt_unescape_html, "value", 1},
    {"union", flt_union, "value other", 2},
    {"urldecode", flt_urldecode, "value", 1},
    /* dates.c: datetimes are epoch milliseconds */
    {"between_times", flt_between_times, "value end unit", 2},
    {"date", flt_datetimeformat, "value format timezone locale tz", 1},
    {"datetimeformat", flt_datetimeformat, "value format timezone locale tz", 1},
    {"format_date", flt_format_date, "value format timeZone locale", 1},
    {"format_datetime", flt_format_datetime, "value format timeZone locale", 1},
    {"format_time", flt_format_time, "value format timeZone locale", 1},
    {"iso8601_to_time", flt_iso8601_to_time, "value", 1},
    {"minus_time", flt_minus_time, "value diff unit", 2},
    {"plus_time", flt_plus_time, "value diff unit", 2},
    {"strtodate", flt_strtotime, "value format timezone", 1},
    {"strtotime", flt_strtotime, "value format timezone", 1},
    {"timestamp_to_time", flt_timestamp_to_time, "value", 1},
    {"closehtml", flt_closehtml, "value", 1},
    {"render", flt_render, "value", 1},
    {"format_number", flt_format_number, "value locale max_decimal_precision", 1},
    {"fromyaml", flt_fromyaml, "value", 1},
    {"toyaml", flt_toyaml, "value", 1},
    {"allow_snake_case", flt_allow_snake_case, "value", 1},
    {"unixtimestamp", flt_unixtimestamp, "value", 1},
    {NULL, NULL, NULL, 0}
};
