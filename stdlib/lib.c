/*
 * lib.c — helpers shared by the stdlib tables: UTF-8, Python's case mapping (from ICU), the stable
 * sort, attribute paths, and dynamic calls of other builtins. See lib.h.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <utf8proc.h>

#include "lib.h"

/* ======================================================================================
 * UTF-8
 * ====================================================================================== */

bool lib_utf8_next(jrt *R, const char *s, size_t len, size_t *i, int32_t *cp)
{
    utf8proc_int32_t c = 0;
    size_t left = len - *i;
    /* utf8proc takes a signed length; a string can't be that long in practice, but clamp
     * rather than wrap: a code point is at most 4 bytes anyway. */
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
                                          (utf8proc_ssize_t)(left > 4 ? 4 : left), &c);
    if (n <= 0) return rt_error(R, JINN_ERR_VALUE, "invalid UTF-8 in string (byte %zu)", *i);
    *i += (size_t)n;
    *cp = c;
    return true;
}

bool lib_ascii_of_repr(jrt *R, jbuf *rb)
{
    jbuf ab = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < rb->len;) {
        int32_t c;
        size_t at = i;
        if (!lib_utf8_next(R, rb->p, rb->len, &i, &c)) { ok = false; break; }
        ok = c < 0x80 ? buf_put(R, &ab, rb->p + at, i - at)
           : buf_printf(R, &ab, c <= 0xff ? "\\x%02x" : c <= 0xffff ? "\\u%04x" : "\\U%08x", (unsigned)c);
    }
    buf_free(R, rb);
    *rb = ab;
    return ok;
}

bool lib_utf8_len(jrt *R, const char *s, size_t len, size_t *n)
{
    if (!rt_charge_bytes(R, len)) return false; /* the bytes scanned */
    size_t i = 0, k = 0;
    int32_t cp;
    while (i < len) {
        /* ASCII runs are the common case: skip the decoder for them, eight bytes at a time
         * (a whole text, as {% filter trim %} strips it, is mostly ASCII) */
        uint64_t w;
        if (i + 8 <= len && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080u))) { i += 8; k += 8; continue; }
        if ((unsigned char)s[i] < 0x80) { i++; k++; continue; }
        if (!lib_utf8_next(R, s, len, &i, &cp)) return false;
        k++;
    }
    *n = k;
    return true;
}

bool lib_put_cp(jrt *R, jbuf *b, int32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
    if (n <= 0) return rt_error(R, JINN_ERR_VALUE, "invalid code point U+%04X", (unsigned)cp);
    /* (byte by byte: buf_put's word moves would read past tmp as far as the compiler can tell) */
    if (b->len + (size_t)n + 1 > b->cap && !buf_grow(R, b, (size_t)n)) return false;
    for (utf8proc_ssize_t i = 0; i < n; i++) b->p[b->len++] = (char)tmp[i];
    b->p[b->len] = 0;
    return true;
}

/* ======================================================================================
 * Python's str predicates and case mapping
 * ====================================================================================== */

/* str.isspace(): the code points whose bidirectional class is WS, B or S, or whose category
 * is Zs. The set is small and fixed, so it is spelled out rather than derived. */
bool lib_isspace(int32_t c)
{
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

bool lib_iscased(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT
        || utf8proc_islower(c) || utf8proc_isupper(c);
}

/* Python's case mapping is the full (SpecialCasing) one: "ﬁ".upper() is "FI", "İ".lower() is
 * "i̇", "ß".title() is "Ss". ICU's root locale supplies those mappings; the string-level rules
 * (str.title's "after a cased character", Final_Sigma) are Python's own and are spelled out
 * below, so each code point goes to ICU alone and the context is decided here. */
static bool put_mapped(jrt *R, jbuf *b, UChar32 c, int how, UCaseMap **title_map)
{
    UChar src[2], dst[8];
    int32_t n = 0, m;
    UBool bad = false;
    U16_APPEND(src, n, 2, c, bad);
    if (bad) return rt_error(R, JINN_ERR_VALUE, "invalid code point U+%04X", (unsigned)c);
    UErrorCode e = U_ZERO_ERROR;
    if (how == LIB_UPPER) {
        m = u_strToUpper(dst, 8, src, n, "", &e);
    } else if (how == LIB_LOWER) {
        m = u_strToLower(dst, 8, src, n, "", &e);
    } else {
        /* the title-case mapping of c itself: no word breaking, no skipping to a letter (the
         * map is opened on the first title-cased code point and kept for the string) */
        if (!*title_map) *title_map = ucasemap_open("", U_TITLECASE_WHOLE_STRING | U_TITLECASE_NO_BREAK_ADJUSTMENT, &e);
        m = U_SUCCESS(e) ? ucasemap_toTitle(*title_map, dst, 8, src, n, &e) : 0;
    }
    if (U_FAILURE(e) || m > 8) return rt_error(R, JINN_ERR_VALUE, "case mapping of U+%04X failed", (unsigned)c);
    for (int32_t i = 0; i < m;) {
        UChar32 o;
        U16_NEXT(dst, i, m, o);
        if (!lib_put_cp(R, b, o)) return false;
    }
    return true;
}

static bool is_cased(UChar32 c) { return u_hasBinaryProperty(c, UCHAR_CASED); }
static bool is_case_ignorable(UChar32 c) { return u_hasBinaryProperty(c, UCHAR_CASE_IGNORABLE); }

/* Python's handle_capital_sigma: cp[i] (a capital sigma) lowers to final sigma when a cased
 * code point precedes it and none follows it, case-ignorable ones skipped on both sides. */
static bool final_sigma(const int32_t *cp, size_t n, size_t i)
{
    size_t j = i;
    while (j > 0 && is_case_ignorable(cp[j - 1])) j--;
    if (j == 0 || !is_cased(cp[j - 1])) return false;
    for (j = i + 1; j < n && is_case_ignorable(cp[j]); j++) {}
    return j == n || !is_cased(cp[j]);
}

value lib_case(jrt *R, const char *s, size_t len, int mode)
{
    /* a name of 4 to 8 bytes (most keys, channel names): the two overlapping words lib_ascii
     * and lib_case_ascii would each read, read once, tested and mapped together */
    if ((mode == LIB_UPPER || mode == LIB_LOWER) && len >= 4 && len <= 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        if (!((a | b) & 0x80808080u)) {
            jstr *o = str_new(R, len);
            if (!o) return v_err();
            a = lib_case_word4(a, mode);
            b = lib_case_word4(b, mode);
            memcpy(o->s, &a, 4);
            memcpy(o->s + len - 4, &b, 4);
            value v = {.t = JV_STR};
            v.u.s = o;
            return v;
        }
    }
    /* ASCII fast path for upper/lower: no code point needs ICU (lib.h) */
    if ((mode == LIB_UPPER || mode == LIB_LOWER) && lib_ascii(s, len)) {
        jstr *o = str_new(R, len);
        if (!o) return v_err();
        lib_case_ascii(o->s, s, len, mode);
        value v = {.t = JV_STR};
        v.u.s = o;
        return v;
    }
    /* decoded first: Final_Sigma looks at the code points on both sides */
    size_t n = 0;
    int32_t *cp = rt_alloc(R, NULL, 0, (len + 1) * sizeof *cp);
    if (!cp) return v_err();
    for (size_t i = 0; i < len;)
        if (!lib_utf8_next(R, s, len, &i, &cp[n++])) { rt_alloc(R, cp, (len + 1) * sizeof *cp, 0); return v_err(); }
    jbuf b = {0};
    UCaseMap *title_map = NULL;
    bool ok = buf_grow(R, &b, len + 1), prev_cased = false;
    for (size_t i = 0; ok && i < n; i++) {
        int32_t c = cp[i];
        int how;
        switch (mode) {
        case LIB_UPPER: how = LIB_UPPER; break;
        case LIB_LOWER: how = LIB_LOWER; break;
        case LIB_TITLE:
            /* str.title(): a code point after a cased one is lowered, any other is
             * title-cased; digits and apostrophes are not cased ("they're" → "They'Re"). */
            how = prev_cased ? LIB_LOWER : LIB_TITLE;
            prev_cased = is_cased(c);
            break;
        default: /* capitalize: first code point title-cased (Python 3.8+), the rest lowered */
            how = i == 0 ? LIB_TITLE : LIB_LOWER;
            break;
        }
        if (how == LIB_LOWER && c == 0x3A3)
            ok = lib_put_cp(R, &b, final_sigma(cp, n, i) ? 0x3C2 : 0x3C3);
        else
            ok = put_mapped(R, &b, c, how, &title_map);
    }
    ucasemap_close(title_map);
    rt_alloc(R, cp, (len + 1) * sizeof *cp, 0);
    if (!ok) { buf_free(R, &b); return v_err(); }
    return v_str_from_buf(R, &b);
}

/* A string filter takes its input here and then walks it code point by code point, at a
 * few nanoseconds a byte: a unit per 4 bytes (rt_charge_bytes' copying rate is 16). */
value lib_soft_str(jrt *R, value v)
{
    if (v.t == JV_STR) return v_sl(v) < 64 || rt_charge(R, (int64_t)(v_sl(v) / 4)) ? val_dup(v) : v_err();
    return val_to_str(R, v);
}

/* ======================================================================================
 * HTML escaping (markupsafe)
 * ====================================================================================== */

value lib_escape_str(jrt *R, const char *s, size_t len)
{
    jbuf b = {0};
    if (!print_escaped(R, &b, s, len)) { buf_free(R, &b); return v_err(); }
    value r = v_str_from_buf(R, &b);
    if (r.t == JV_STR) r.f |= JV_SAFE;
    return r;
}

value lib_escape(jrt *R, value v)
{
    if (v.t == JV_STR && (v.f & JV_SAFE)) return val_dup(v);
    value s = lib_soft_str(R, v);
    if (s.t != JV_STR) return s;
    value r = lib_escape_str(R, v_sp(s), v_sl(s));
    val_drop(R, s);
    return r;
}

/* ======================================================================================
 * Sorting
 * ====================================================================================== */

/* The keys' kind, decided once per sort: all strings, or all numbers that are exactly doubles
 * (floats but NaN, ints within 2^53), are compared directly, with val_compare's answers and charges
 * (a string comparison charges the bytes of the shorter, a NaN is never before anything);
 * anything else goes through val_compare, whose TypeError texts depend on the pair. */
enum { SK_ANY, SK_STR, SK_NUM };

static inline __attribute__((always_inline)) int sort_kind(const value *k, size_t n, bool *short_strs)
{
    if (k[0].t == JV_STR) {
        *short_strs = true;
        for (size_t i = 0; i < n; i++) {
            if (k[i].t != JV_STR) return SK_ANY;
            if (k[i].u.s->len >= RT_UNIT_BYTES) *short_strs = false;
        }
        return SK_STR;
    }
    for (size_t i = 0; i < n; i++) {
        if (k[i].t == JV_FLOAT && !isnan(k[i].u.d)) continue; /* (NaN: the order depends on the algorithm) */
        if (k[i].t != JV_INT || k[i].u.i < -(1ll << 53) || k[i].u.i > (1ll << 53)) return SK_ANY;
    }
    return SK_NUM;
}

/* Does key b (the later one) come before key a? Ascending: b < a. Descending: a < b. Equal
 * keys never move, which is what makes both directions stable (Python's sorted(reverse=True)
 * keeps equal items in their original order). The later element is the left operand, as in
 * CPython's merge, so the TypeError names the types in the order Python does for simple cases. */
static inline __attribute__((always_inline)) bool goes_before(jrt *R, int kind, const value *k, const double *num, size_t b, size_t a,
                               bool reverse, bool undef_eq, bool *res)
{
    if (kind == SK_NUM) {
        *res = reverse ? num[a] < num[b] : num[b] < num[a];
        return true;
    }
    if (reverse) { size_t t = a; a = b; b = t; }
    if (kind == SK_STR) {
        const jstr *x = k[b].u.s, *y = k[a].u.s;
        size_t m = x->len < y->len ? x->len : y->len;
        if (!rt_charge_bytes(R, m)) return false;
        /* (the first differing byte by a loop: keys mostly differ early, a call costs more) */
        size_t i = 0;
        while (i < m && x->s[i] == y->s[i]) i++;
        *res = i < m ? (unsigned char)x->s[i] < (unsigned char)y->s[i] : x->len < y->len;
        return true;
    }
    if (undef_eq && k[b].t == JV_UNDEF && k[a].t == JV_UNDEF) {
        /* [u] < [v]: list compare asks u == v first, True for two Undefined (StrictUndefined's
         * == fails, with the left operand's message) */
        *res = false;
        return rt_strict_ok(R, k[b]);
    }
    int c;
    if (!val_compare(R, k[b], k[a], &c, "<")) return false;
    *res = c == -1;
    return true;
}

/* a sort key that is a number (SK_NUM) as the double it is exactly */
static inline double num_key(value k) { return k.t == JV_FLOAT ? k.u.d : (double)k.u.i; }

/* Does string key x (the later one) go before string key y? goes_before's answer for strings
 * shorter than RT_UNIT_BYTES (their comparison charges nothing). */
static inline bool small_str_before(value x, value y, bool reverse)
{
    if (reverse) { value t = x; x = y; y = t; }
    const jstr *a = x.u.s, *b = y.u.s;
    size_t m = a->len < b->len ? a->len : b->len, i = 0;
    while (i < m && a->s[i] == b->s[i]) i++;
    return i < m ? (unsigned char)a->s[i] < (unsigned char)b->s[i] : a->len < b->len;
}

/* A short list whose comparisons cannot fail nor charge anything (most: a few rows by a
 * number or a short name): a stable insertion sort that moves the items and keys themselves,
 * with no permutation to build and apply; charged as the merge passes of lib_sort would have
 * been. */
static bool small_sort(jrt *R, value *items, value *keys, size_t n, int kind, bool reverse)
{
    for (size_t w = 1; w < n; w *= 2)
        if (!rt_charge(R, (int64_t)n)) return false;
    value *k = keys ? keys : items;
    if (kind == SK_NUM) {
        /* the keys as doubles once, moved along with the items (a key's type read once) */
        double num[LIB_SORT_STACK];
        for (size_t i = 0; i < n; i++) num[i] = num_key(k[i]);
        for (size_t i = 1; i < n; i++) {
            value x = items[i], xk = k[i];
            double xn = num[i];
            size_t j = i;
            while (j > 0 && (reverse ? num[j - 1] < xn : xn < num[j - 1])) {
                items[j] = items[j - 1];
                if (keys) keys[j] = keys[j - 1];
                num[j] = num[j - 1];
                j--;
            }
            items[j] = x;
            if (keys) keys[j] = xk;
            num[j] = xn;
        }
        return true;
    }
    for (size_t i = 1; i < n; i++) {
        value x = items[i], xk = k[i];
        size_t j = i;
        while (j > 0 && small_str_before(xk, k[j - 1], reverse)) {
            items[j] = items[j - 1];
            if (keys) keys[j] = keys[j - 1];
            j--;
        }
        items[j] = x;
        if (keys) keys[j] = xk;
    }
    return true;
}

static inline __attribute__((always_inline)) bool sort_keys(jrt *R, value *items, value *keys, size_t n, bool reverse,
                                                             bool undef_eq)
{
    if (n < 2) return true;
    const value *k = keys ? keys : items;
    bool short_strs = false;
    int kind = sort_kind(k, n, &short_strs);
    if (n == 2) {
        /* one pass of one comparison, charged as the passes below: no scratch, a swap or not */
        double num2[2];
        if (kind == SK_NUM)
            for (int i = 0; i < 2; i++) num2[i] = k[i].t == JV_FLOAT ? k[i].u.d : (double)k[i].u.i;
        bool before;
        if (!rt_charge(R, 2) || !goes_before(R, kind, k, num2, 1, 0, reverse, undef_eq, &before)) return false;
        if (before) {
            value t = items[0];
            items[0] = items[1], items[1] = t;
            if (keys) t = keys[0], keys[0] = keys[1], keys[1] = t;
        }
        return true;
    }
    if (n <= LIB_SORT_STACK && (kind == SK_NUM || (kind == SK_STR && short_strs)))
        return small_sort(R, items, keys, n, kind, reverse);
    /* one block: the permutation and its merge buffer, the keys as doubles, the items' and
     * keys' copies to permute from */
    size_t nv = keys ? 2 * n : n;
    if (n > SIZE_MAX / (2 * sizeof(size_t) + sizeof(double) + 2 * sizeof(value))) return rt_overflow(R);
    size_t bytes = 2 * n * sizeof(size_t) + (kind == SK_NUM ? n * sizeof(double) : 0) + nv * sizeof(value);
    /* a sort of a few items (most: a short list of rows by an attribute) works on the C stack:
     * no allocation, and not counted in memory_bytes (docs/limits.md) */
    _Alignas(value) char stk[LIB_SORT_STACK * (2 * sizeof(size_t) + sizeof(double) + 2 * sizeof(value))];
    char *blk = n <= LIB_SORT_STACK ? stk : rt_alloc(R, NULL, 0, bytes);
    if (!blk) return false;
    value *copy = (value *)blk;
    size_t *ix = (size_t *)(copy + nv), *tmp = ix + n;
    double *num = kind == SK_NUM ? (double *)(tmp + n) : NULL;
    for (size_t i = 0; i < n; i++) {
        ix[i] = i;
        if (num) num[i] = k[i].t == JV_FLOAT ? k[i].u.d : (double)k[i].u.i;
    }
    bool ok = true;
    /* bottom-up merge sort: runs of width 1, 2, 4, ... merged from ix into tmp and back */
    for (size_t w = 1; w < n && ok; w *= 2) {
        /* a pass makes at most n comparisons: charged (and the interrupt polled) per pass */
        if (!rt_charge(R, (int64_t)n)) { ok = false; break; }
        for (size_t lo = 0; lo < n && ok; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                bool before;
                if (!goes_before(R, kind, k, num, ix[j], ix[i], reverse, undef_eq, &before)) { ok = false; break; }
                tmp[o++] = before ? ix[j++] : ix[i++];
            }
            if (!ok) break;
            while (i < mid) tmp[o++] = ix[i++];
            while (j < hi) tmp[o++] = ix[j++];
        }
        if (!ok) break;
        memcpy(ix, tmp, n * sizeof *ix);
        if (w > SIZE_MAX / 2) break;
    }
    size_t moved = 0; /* (already in order, as sorting a sorted list finds it: nothing to move) */
    while (ok && moved < n && ix[moved] == moved) moved++;
    if (ok && moved < n) {
        if (blk == stk) { /* (a few: no calls) */
            for (size_t i = 0; i < n; i++) copy[i] = items[i];
            if (keys)
                for (size_t i = 0; i < n; i++) copy[n + i] = keys[i];
        } else {
            memcpy(copy, items, n * sizeof(value));
            if (keys) memcpy(copy + n, keys, n * sizeof(value));
        }
        for (size_t i = 0; i < n; i++) {
            items[i] = copy[ix[i]];
            if (keys) keys[i] = copy[n + ix[i]];
        }
    }
    if (blk != stk) rt_alloc(R, blk, bytes, 0);
    return ok;
}

bool lib_sort(jrt *R, value *items, value *keys, size_t n, bool reverse)
{
    return sort_keys(R, items, keys, n, reverse, false);
}

bool lib_sort_listed(jrt *R, value *items, value *keys, size_t n, bool reverse)
{
    return sort_keys(R, items, keys, n, reverse, true);
}

value lib_ignore_case_str(jrt *R, value v)
{
    /* already lower case ASCII (most keys): itself, no copy (a key is only compared). Eight
     * bytes at a time, as lib_case_ascii finds the letters: in a word of ASCII bytes,
     * b + (0x80 - 'A') has its top bit when b >= 'A' and b + (0x80 - 'Z' - 1) when b > 'Z'
     * (no carry between bytes); a byte of 0x80 or more sets its own top bit, whatever the
     * sums do then. */
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    const uint64_t lo = ones * (0x80 - 'A'), hi = ones * (0x80 - 'Z' - 1);
    const unsigned char *p = (const unsigned char *)v_sp(v);
    size_t n = v_sl(v), i = 0;
    uint64_t w, bad = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        bad |= (w | ((w + lo) & ~(w + hi))) & high;
    }
    if (n >= 8 && i < n) { /* the last word again, overlapping */
        memcpy(&w, p + n - 8, 8);
        bad |= (w | ((w + lo) & ~(w + hi))) & high;
        i = n;
    } else if (n >= 4 && n < 8) { /* two 4-byte words, overlapping, in one */
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        w = a | (uint64_t)b << 32;
        bad |= (w | ((w + lo) & ~(w + hi))) & high;
        i = n;
    }
    while (!bad && i < n && p[i] < 0x80 && (p[i] < 'A' || p[i] > 'Z')) i++;
    if (!bad && i == n) {
        if (!rt_charge_bytes(R, n)) return v_err(); /* what the copy was charged */
        value r = val_dup(v);
        r.f = 0; /* as lib_case's result: no flags */
        return r;
    }
    return lib_case(R, v_sp(v), v_sl(v), LIB_LOWER);
}

/* ======================================================================================
 * Attribute paths
 * ====================================================================================== */

value lib_getattr(jrt *R, value item, value attr)
{
    switch (attr.t) {
    case JV_ABSENT: case JV_NONE: return val_dup(item);
    case JV_STR:
        /* the common case, a plain key of a dict: no path to split, the key's hash cached */
        if (item.t == JV_DICT && !lib_name_has(v_sp(attr), v_sl(attr), '.')) {
            value *v = dict_get_jstr(item.u.m, attr.u.s);
            if (v) return val_dup(*v);
        }
        return op_getpath(R, item, v_sp(attr), v_sl(attr));
    default: return op_getitem(R, item, attr);
    }
}

value lib_attr_get_slow(jrt *R, lib_attr *a, value item)
{
    if (a->plain && item.t == JV_DICT) {
        jdict *d = item.u.m;
        /* the attribute's own string object as a key (a literal shared by the template that
         * made the dicts and the one that reads them): found without hashing */
        if (d->used <= DICT_INLINE_MAX)
            for (size_t i = 0; i < d->used; i++)
                if (d->entries[i].key.t == JV_STR && d->entries[i].key.u.s == a->attr.u.s) {
                    a->at = i;
                    a->key = a->attr.u.s;
                    return val_dup(d->entries[i].val);
                }
        value *v = dict_get_jstr(d, a->attr.u.s);
        if (v) {
            const jentry *e = (const jentry *)(const void *)((const char *)v - offsetof(jentry, val));
            a->at = (size_t)(e - d->entries);
            a->key = e->key.u.s;
            return val_dup(*v);
        }
    }
    return lib_getattr(R, item, a->attr);
}

value lib_multi_getattr(jrt *R, value item, value attr, bool ignore_case)
{
    if (attr.t != JV_STR || !lib_name_has(v_sp(attr), v_sl(attr), ',')) {
        value k = lib_getattr(R, item, attr);
        if (k.t == JV_ERROR || !ignore_case) return k;
        value l = lib_ignore_case(R, k);
        val_drop(R, k);
        return l;
    }
    /* "a,b.c": a list of keys, compared element by element like Python's lists */
    value out = v_list(R, 2);
    if (out.t == JV_ERROR) return out;
    const char *p = v_sp(attr), *end = p + v_sl(attr);
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        value k = op_getpath(R, item, p, (size_t)(stop - p));
        if (k.t != JV_ERROR && ignore_case) {
            value l = lib_ignore_case(R, k);
            val_drop(R, k);
            k = l;
        }
        if (k.t == JV_ERROR || !list_push(R, out.u.l, k)) { val_drop(R, out); return v_err(); }
        if (!comma) break;
        p = comma + 1;
    }
    return out;
}

/* ======================================================================================
 * Small constructors
 * ====================================================================================== */

value lib_tuple2(jrt *R, value a, value b)
{
    value t = v_list(R, 2);
    if (t.t == JV_ERROR) { val_drop(R, a); val_drop(R, b); return t; }
    t.f |= JV_TUPLE;
    t.u.l->items[0] = a; /* capacity reserved */
    t.u.l->items[1] = b;
    t.u.l->len = 2;
    return t;
}

value lib_list_of(jrt *R, const value *items, size_t n)
{
    value l = v_list(R, n);
    if (l.t == JV_ERROR) return l;
    for (size_t i = 0; i < n; i++) l.u.l->items[i] = val_dup(items[i]); /* capacity reserved */
    l.u.l->len = n;
    return l;
}

bool lib_iterable(value v)
{
    return v.t == JV_LIST || v.t == JV_DICT || v.t == JV_STR || v.t == JV_UNDEF;
}

bool lib_not_iterable(jrt *R, value v)
{
    return rt_error(R, JINN_ERR_TYPE, "'%s' object is not iterable", val_type_name(v));
}

bool lib_items(jrt *R, value v, value *l)
{
    /* a plain list (the most common input): op_to_list's answer, the list itself, without the call */
    if (v.t == JV_LIST && !(v.f & (JV_ITER | JV_RANGE))) { *l = val_dup(v); return true; }
    if (v.t == JV_UNDEF) { *l = v_list(R, 0); return l->t != JV_ERROR; }
    if (!lib_iterable(v)) return lib_not_iterable(R, v);
    *l = op_to_list(R, v);
    return l->t != JV_ERROR;
}

bool lib_repr_buf(jrt *R, jbuf *b, value v) { return print_repr(R, b, v); }
bool lib_pyish_buf(jrt *R, jbuf *b, value v) { return print_pyish(R, b, v); }

/* ======================================================================================
 * Dynamic calls (map('upper'), select('odd'))
 * ====================================================================================== */

bool lib_has_filter(jrt *R, value name)
{
    return name.t == JV_STR && reg_exists(R, BI_FILTER, v_sp(name), v_sl(name));
}

bool lib_call_named(jrt *R, bi_kind kind, value name, value item, const value *extra, size_t nextra, jdict *kw,
                    value *out)
{
    const char *what = kind == BI_TEST ? "test" : "filter";
    bool row = reg_is_row(name, kind); /* the name, resolved when the template was compiled */
    if (!row && name.t != JV_STR)
        return rt_error(R, JINN_ERR_TYPE, "%s name must be a string, not '%s'", what,
                        val_type_name(name));
    if (nextra > BI_MAXPARAMS * 4)
        return rt_error(R, JINN_ERR_VALUE, "too many arguments for %s '%s'", what,
                        row ? name.u.fn->name->s : v_sp(name));
    value pos[BI_MAXPARAMS * 4 + 1];
    pos[0] = item;
    for (size_t i = 0; i < nextra; i++) pos[i + 1] = extra[i];
    if (row) return reg_call_row(R, name, pos, (int)nextra + 1, kw && kw->len ? kw : NULL, out);
    return reg_call_named(R, kind, v_sp(name), v_sl(name), pos, (int)nextra + 1, kw && kw->len ? kw : NULL, out);
}

bool lib_caller_slow(jrt *R, lib_caller *c, value item, value *out)
{
    if (!c->row) {
        /* the first call: lib_call_named's checks, then the callee and its binding, once */
        const char *what = c->kind == BI_TEST ? "test" : "filter";
        bool row = reg_is_row(c->name, c->kind);
        if (!row && c->name.t != JV_STR)
            return rt_error(R, JINN_ERR_TYPE, "%s name must be a string, not '%s'", what, val_type_name(c->name));
        if (c->nextra > BI_MAXPARAMS * 4)
            return rt_error(R, JINN_ERR_VALUE, "too many arguments for %s '%s'", what,
                            row ? c->name.u.fn->name->s : v_sp(c->name));
        c->row = row ? c->name.u.fn->def : reg_prepare(R, c->kind, c->name);
        if (!c->row) return false;
        unsigned fl;
        c->fn = reg_prebind(c->row, item, c->extra, (int)c->nextra, c->kw, c->args, &c->nslots, &fl);
        if (c->fn) {
            /* (a prebound row is the stdlib's; eq is the jinja profile's only, in is both's) */
            unsigned q = c->kind == BI_TEST ? fl & (BI_IS_EQ | BI_IS_IN) : 0;
            c->quick = q == BI_IS_IN || (q == BI_IS_EQ && R->profile == PROF_JINJA) ? q : 0;
            c->lens = c->lasts = 0; /* (set whatever the test: lib_quick_of copies them) */
            if (c->quick == BI_IS_IN && c->args[1].t == JV_LIST) {
                /* the list's string lengths, once: most items then need no walk of the list
                 * (the list cannot change during the calls: a test only reads it) */
                const jlist *l = c->args[1].u.l;
                for (size_t i = 0; i < l->len; i++) {
                    if (l->items[i].t != JV_STR) continue;
                    size_t n = l->items[i].u.s->len;
                    c->lens |= 1ull << (n < 63 ? n : 63);
                    if (n && n < RT_UNIT_BYTES) c->lasts |= 1ull << (l->items[i].u.s->s[n - 1] & 63);
                }
            }
            /* the first item too is answered without the call when the quick test can */
            int a = lib_caller_quick(R, c, item);
            if (a >= 0) {
                *out = v_bool(a);
                return true;
            }
            if (a == -2) return false;
            return c->fn(R, c->args, c->nslots, out);
        }
        for (size_t i = 0; i < c->nextra; i++) c->pos[i + 1] = c->extra[i]; /* the generic path's, once */
    }
    c->pos[0] = item;
    return reg_call_prepared(R, c->row, c->pos, (int)c->nextra + 1, c->kw, out);
}

/* Tables are short (tens of rows) and looked up only by the stdlib itself, so a linear scan is
 * the simple right choice. */
const jbuiltin *lib_find(const jbuiltin *table, const char *name, size_t len)
{
    for (const jbuiltin *b = table; b->name; b++)
        if (!strncmp(b->name, name, len) && b->name[len] == 0 && memchr(name, 0, len) == NULL)
            return b;
    return NULL;
}

/* ======================================================================================
 * strip and replace (shared by |trim, |replace and the str methods)
 * ====================================================================================== */

const char *lib_memmem(const char *h, size_t hl, const char *n, size_t nl)
{
    /* memchr to each candidate first byte for short needles; a long needle goes to the C
     * library's memmem (two-way: linear, where trying each candidate costs hl * nl) */
    if (nl == 0) return h;
    if (nl > hl) return NULL;
    if (nl > 8) return memmem(h, hl, n, nl);
    const char *end = h + (hl - nl) + 1;
    for (const char *p = h; p < end;) {
        p = memchr(p, (unsigned char)n[0], (size_t)(end - p));
        if (!p) return NULL;
        if (!memcmp(p, n, nl)) return p;
        p++;
    }
    return NULL;
}

static bool in_chars(int32_t c, const char *chars, size_t clen)
{
    size_t i = 0;
    while (i < clen) {
        utf8proc_int32_t d;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)chars + i,
                                              (utf8proc_ssize_t)(clen - i > 4 ? 4 : clen - i), &d);
        if (n <= 0) { i++; continue; } /* chars were validated by the caller */
        if (d == c) return true;
        i += (size_t)n;
    }
    return false;
}

value lib_strip(jrt *R, const char *s, size_t len, const char *chars, size_t clen, int which)
{
    size_t n;
    if (!lib_utf8_len(R, s, len, &n)) return v_err();
    if (chars && !lib_utf8_len(R, chars, clen, &n)) return v_err();
    size_t a = 0, b = len;
    if (which & LIB_LEFT) {
        while (a < b) {
            size_t i = a;
            int32_t c = 0;
            if (!lib_utf8_next(R, s, len, &i, &c)) return v_err();
            if (chars ? !in_chars(c, chars, clen) : !lib_isspace(c)) break;
            a = i;
        }
    }
    if (which & LIB_RIGHT) {
        while (b > a) {
            size_t st = b - 1;
            while (st > a && ((unsigned char)s[st] & 0xC0) == 0x80) st--;
            size_t i = st;
            int32_t c = 0;
            if (!lib_utf8_next(R, s, len, &i, &c)) return v_err();
            if (chars ? !in_chars(c, chars, clen) : !lib_isspace(c)) break;
            b = st;
        }
    }
    return v_str(R, s + a, b - a);
}

value lib_replace(jrt *R, const char *s, size_t len, const char *old, size_t olen,
                  const char *nw, size_t nlen, int64_t count)
{
    size_t cps;
    if (!lib_utf8_len(R, s, len, &cps)) return v_err();
    /* count the replacements first so the result is allocated once, at its exact size */
    size_t k = 0;
    if (olen == 0) {
        k = cps + 1;
    } else {
        for (size_t i = 0; i + olen <= len;) {
            const char *hit = lib_memmem(s + i, len - i, old, olen);
            if (!hit) break;
            k++;
            i = (size_t)(hit - s) + olen;
            /* every hit is work (found, then copied): charged as it goes, so that the
             * interrupt flag is polled inside a long replace */
            if (!(k & 0xffff) && !rt_charge(R, 2 * 0x10000)) return v_err();
        }
    }
    if (!rt_charge_bytes(R, len) || !rt_charge(R, 2 * (int64_t)(k & 0xffff))) return v_err();
    if (count >= 0 && (uint64_t)count < k) k = (size_t)count;
    if (k == 0) return v_str(R, s, len);
    size_t removed = olen * k; /* cannot overflow: k * olen <= len */
    if (nlen && k > (SIZE_MAX - len) / nlen) { rt_overflow(R); return v_err(); }
    size_t total = len - removed + nlen * k;
    jstr *r = str_new(R, total);
    if (!r) return v_err();
    char *o = r->s;
    size_t i = 0;
    for (size_t done = 0; done < k; done++) {
        if (olen == 0) {
            memcpy(o, nw, nlen);
            o += nlen;
            if (i < len) { /* copy one code point */
                size_t j = i + 1;
                while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
                memcpy(o, s + i, j - i);
                o += j - i;
                i = j;
            }
        } else {
            const char *hit = lib_memmem(s + i, len - i, old, olen);
            size_t at = (size_t)(hit - s);
            memcpy(o, s + i, at - i);
            o += at - i;
            memcpy(o, nw, nlen);
            o += nlen;
            i = at + olen;
        }
    }
    memcpy(o, s + i, len - i);
    value v = {.t = JV_STR};
    v.u.s = r;
    return v;
}

/* ======================================================================================
 * dict updates (dict(), namespace(), dict.update())
 * ====================================================================================== */

bool lib_check_hashable(jrt *R, value v)
{
    if (val_hashable(v)) return true;
    return rt_error(R, JINN_ERR_TYPE, "unhashable type: '%s'", val_type_name(v));
}

bool lib_check_key(jrt *R, value v)
{
    /* a range, an iterator, a function or a namespace hashes in Python too, and no dict here
     * holds one: the caller finds no such key (val_unheld_key) */
    if (val_unheld_key(v)) return true;
    return v.t == JV_UNDEF ? rt_strict_ok(R, v) : lib_check_hashable(R, v);
}

bool lib_dict_update(jrt *R, jdict *d, value src, const jdict *kw)
{
    jentry *e;
    if (src.t == JV_DICT) {
        if (src.u.m == d) return true; /* d.update(d): nothing changes */
        for (size_t i = 0; dict_next(src.u.m, &i, &e);)
            if (!dict_set(R, d, val_dup(e->key), val_dup(e->val))) return false;
    } else if (src.t == JV_LIST) {
        /* an iterable of pairs (2-item lists/tuples, or 2-character strings as Python allows) */
        for (size_t i = 0; i < src.u.l->len; i++) {
            value p = src.u.l->items[i];
            if (p.t == JV_STR) {
                size_t n;
                if (!lib_utf8_len(R, v_sp(p), v_sl(p), &n)) return false;
                if (n != 2)
                    return rt_error(R, JINN_ERR_VALUE, "dictionary update sequence element #%zu has length %zu; 2 is required", i, n);
                size_t k = utf8_offset(v_sp(p), v_sl(p), 1);
                value a = v_str(R, v_sp(p), k), b = v_str(R, v_sp(p) + k, v_sl(p) - k);
                if (a.t == JV_ERROR || b.t == JV_ERROR) { val_drop(R, a); val_drop(R, b); return false; }
                if (!dict_set(R, d, a, b)) return false;
                continue;
            }
            if (p.t != JV_LIST)
                return rt_error(R, JINN_ERR_TYPE, "cannot convert dictionary update sequence element #%zu to a sequence", i);
            if (p.u.l->len != 2)
                return rt_error(R, JINN_ERR_VALUE, "dictionary update sequence element #%zu has length %zu; 2 is required", i, p.u.l->len);
            if (!lib_check_hashable(R, p.u.l->items[0])) return false;
            if (!dict_set(R, d, val_dup(p.u.l->items[0]), val_dup(p.u.l->items[1]))) return false;
        }
    } else if (src.t == JV_UNDEF) {
        if (!op_check_defined(R, src)) return false;
    } else if (src.t != JV_ABSENT && src.t != JV_NONE) {
        /* a str is an iterable of one-character strings: not pairs, unless there is none ('') */
        if (src.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "'%s' object is not iterable", val_type_name(src));
        if (v_sl(src)) return rt_error(R, JINN_ERR_VALUE, "dictionary update sequence element #0 has length 1; 2 is required");
    } else if (src.t == JV_NONE) {
        return rt_error(R, JINN_ERR_TYPE, "'NoneType' object is not iterable");
    }
    if (kw)
        for (size_t i = 0; dict_next(kw, &i, &e);)
            if (!dict_set(R, d, val_dup(e->key), val_dup(e->val))) return false;
    return true;
}

/* ======================================================================================
 * str.splitlines()
 * ====================================================================================== */

size_t lib_eol(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) return 1;
    if (c == '\r') return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85) return 2;
    if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80
        && ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) return 3;
    return 0;
}

value lib_splitlines(jrt *R, const char *s, size_t len)
{
    value l = v_list(R, 0);
    if (l.t == JV_ERROR) return l;
    size_t i = 0, st = 0;
    while (i < len) {
        size_t eol = lib_eol(s, len, i); /* bytes of the line break at i */
        if (!eol) { i++; continue; }
        value line = v_str(R, s + st, i - st);
        if (line.t == JV_ERROR || !list_push(R, l.u.l, line)) { val_drop(R, l); return v_err(); }
        i += eol;
        st = i;
    }
    if (st < len) {
        value line = v_str(R, s + st, len - st);
        if (line.t == JV_ERROR || !list_push(R, l.u.l, line)) { val_drop(R, l); return v_err(); }
    }
    return l;
}
