/*
 * print.c — how values become text, in the two profiles.
 *
 * jinja:   str() at the top level, Python repr() inside containers — {'a': 1, 'b': None},
 *          True/False/None, floats as Python's shortest round-trip repr (2.0, 1e-05, 1e+16).
 * jinjava: Java's toString — {a=1, b=null}, [a, b], true/false, none prints empty, doubles
 *          as Java prints them (2.0, 1.0E7, Infinity), decimals with their scale (3.00).
 * Self-containing values print "[...]" / "{...}" instead of recursing forever.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bigint.h"
#include "dtoa.h"
#include "json.h"
#include "print.h"
#include "value.h"

/* ======================================================================================
 * Numbers
 * ====================================================================================== */

static bool print_int(jrt *R, jbuf *b, int64_t i)
{
    char tmp[24], *e = tmp + sizeof tmp, *p = dtoa_int_back(i, e);
    return buf_put(R, b, p, (size_t)(e - p));
}


/* m·10^-k as repr prints the double nearest it, written backwards to end; its first byte.
 * For m < 10^15 and k <= 18: a decimal of at most 15 significant digits is the only one of
 * its length that reads back as that double (15 digits survive decimal -> double -> decimal),
 * so with its trailing zeros dropped it is the shortest, repr's digits; between 1e-4 and 1e16
 * (or 0) repr prints them without an exponent, with at least one decimal ("12.0"). At most
 * 1 + 15 + 1 + 18 bytes. */
static inline char *decimal_back(uint64_t m, int k, bool neg, char *end)
{
    static const uint64_t p10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
                                    10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
                                    1000000000000000, 10000000000000000, 100000000000000000,
                                    1000000000000000000};
    uint64_t iu = m / p10u[k], fu = m - iu * p10u[k];
    char *p = end;
    if (fu == 0) {
        *--p = '0';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    } else if (k <= 4) {
        /* up to 4 decimals (a |round(n)'s, print_float's first try): as four digits in one
         * word (fu scaled to 4 places: its leading zeros, then trailing ones), the last digit
         * in its highest byte; the trailing zeros, its high zero digits, counted by a clz and
         * shifted out at the top, so the store of the word at end - 4 ends with the last
         * nonzero decimal (the bytes before the decimals are overwritten below) */
        static const uint32_t scale[] = {10000, 1000, 100, 10, 1};
        uint32_t f = (uint32_t)fu * scale[k];
        uint16_t hi, lo;
        memcpy(&hi, dtoa_two_digits + 2 * (f / 100), 2);
        memcpy(&lo, dtoa_two_digits + 2 * (f % 100), 2);
        uint32_t w = hi | (uint32_t)lo << 16;
        int tz = __builtin_clz(w ^ 0x30303030u) >> 3; /* (fu != 0: a digit is not 0) */
        w <<= 8 * tz;
        memcpy(end - 4, &w, 4);
        p = end - (4 - tz);
#endif
    } else {
        /* the trailing zeros, four at a time (a short number's m has up to 14 of them) */
        while (fu % 10000 == 0) fu /= 10000, k -= 4;
        if (fu % 100 == 0) fu /= 100, k -= 2;
        if (fu % 10 == 0) fu /= 10, k--;
        for (; k >= 2; k -= 2) { /* the decimals, two at a time */
            uint64_t q = fu / 100;
            p -= 2;
            memcpy(p, dtoa_two_digits + 2 * (fu - 100 * q), 2);
            fu = q;
        }
        if (k) *--p = (char)('0' + fu);
    }
    *--p = '.';
    p = dtoa_digits_back(iu, p);
    if (neg) *--p = '-';
    return p;
}

/* Python's repr(float) of a number of few decimals (a rounded price) without Ryu, written
 * backwards to end: its first byte, or NULL when d is not such a number (dtoa_repr's then).
 * Such a number is m / 10^k for an integer m of at most 15 digits, k <= 18: both are exact
 * (m < 2^53, 10^k <= 10^22), so the division is correctly rounded, the decimal m·10^-k reads
 * back as d, and decimal_back prints it with its trailing zeros dropped. One k is tried, the
 * largest with d·10^k < 10^15: if any k works, that one does (its m is the smaller k's times
 * a power of ten — d·10^k is within 0.2 of it — and two decimals of at most 15 digits never
 * read back as the same double), so a number of 17 digits costs one try, not 16. */
static inline char *short_float_back(double d, char *end)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18};
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e15)) return NULL;
    /* first a number of at most 4 decimals below 1e11 (a price, a |round(4)'s result): the
     * same reasoning with k = 4 (m < 2^53: exact), and decimal_back of 4 decimals, where the
     * largest k's m has ten or more trailing zeros to divide off */
    if (a < 1e11) {
        int64_t m4 = (int64_t)(a * 1e4 + 0.5);
        if ((double)m4 / 1e4 == a) return decimal_back((uint64_t)m4, 4, d < 0, end);
    }
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    /* floor(log10 a) is f or f + 1, f = floor(e2·log10 2) (78913 / 2^18, exact enough for
     * the exponents here); from 15 - f, at most two steps down reach the largest k */
    int e2 = (int)(bits >> 52) - 1023, k = 15 - ((e2 * 78913) >> 18);
    if (k > 18) k = 18;
    double y = a * p10[k];
    while (y >= 1e15) y = a * p10[--k];
    int64_t m = (int64_t)(y + 0.5); /* signed: the conversions are one instruction each */
    if ((double)m / p10[k] != a) return NULL;
    return decimal_back((uint64_t)m, k, d < 0, end);
}

char *print_decimal_back(uint64_t m, int k, bool neg, char *end) { return decimal_back(m, k, neg, end); }

/* Python's repr(float): the shortest string that reads back as the same double (dtoa.c). */
bool print_float(jrt *R, jbuf *b, double d)
{
    char out[DTOA_BUFSIZE], *e = out + sizeof out, *p = short_float_back(d, e);
    if (p) return buf_put(R, b, p, (size_t)(e - p));
    return buf_put(R, b, out, dtoa_repr_long(d, out)); /* (no short decimal: Ryu's digits) */
}

_Static_assert(PRINT_FLOAT_MAX >= DTOA_BUFSIZE, "print_float_text's room");
size_t print_float_text(double d, char *dst)
{
    char tmp[DTOA_BUFSIZE], *e = tmp + sizeof tmp, *p = short_float_back(d, e);
    if (!p) return dtoa_repr_long(d, dst);
    copy_short(dst, p, (size_t)(e - p));
    return (size_t)(e - p);
}

/* Java's Double.toString: like Python's repr between 1e-3 and 1e7, "1.0E7" style outside. */
static bool print_java_double(jrt *R, jbuf *b, double d)
{
    char out[DTOA_BUFSIZE];
    return buf_put(R, b, out, dtoa_java(d, out));
}

/* A decimal (value.h, DECIMALS): exactly its scale's decimals, as Java's BigDecimal prints
 * (no exponent: jinn's decimals have a scale >= 0). glibc's %f is exact, and the double is
 * the nearest to the decimal, so the digits are the decimal's. BigDecimal has no -0. */
static bool print_decimal(jrt *R, jbuf *b, value v)
{
    double d = v.u.d;
    if (!isfinite(d)) return print_java_double(R, b, d);
    int scale = v_dec_scale(v);
    /* The shortest digits that read back as d, when they have no more decimals than the scale:
     * then they are the decimal's (it reads back as d too, and has no fewer digits), padded
     * with zeros. Otherwise (a decimal of more digits than a double tells apart) %f. */
    dtoa_dec s = dtoa_shortest(d);
    char dg[24];
    int nd = s.digits ? (int)dtoa_digits(s.digits, dg) : 0;
    if (s.exp >= -scale && (s.exp <= 0 || nd + s.exp <= 40)) {
        int point = nd + s.exp; /* digits before the point (<= 0: none of them) */
        if (!buf_grow(R, b, (size_t)(2 + (point > 0 ? point : 1) + scale + 1))) return false;
        char *o = b->p + b->len;
        if (s.neg && s.digits) *o++ = '-';
        if (point <= 0) *o++ = '0';
        for (int i = 0; i < point; i++) *o++ = i < nd ? dg[i] : '0';
        if (scale) {
            *o++ = '.';
            for (int i = 0; i < scale; i++) {
                int k = point + i; /* the digit's place, counted from the first digit */
                *o++ = k >= 0 && k < nd ? dg[k] : '0';
            }
        }
        b->len = (size_t)(o - b->p);
        b->p[b->len] = 0;
        return true;
    }
    size_t at = b->len;
    if (!buf_printf(R, b, "%.*f", scale, d)) return false;
    if (b->p[at] == '-') {
        bool zero = true;
        for (size_t i = at + 1; i < b->len; i++) if (b->p[i] != '0' && b->p[i] != '.') zero = false;
        if (zero) { memmove(b->p + at, b->p + at + 1, b->len - at - 1); b->p[--b->len] = 0; }
    }
    return true;
}

/* ======================================================================================
 * Strings
 * ====================================================================================== */

/* Python's str.isprintable for one code point past ASCII: not a control, format, surrogate,
 * private-use, unassigned, line or paragraph separator, nor a space other than ' ' (utf8proc's
 * Unicode tables; Python 3.11's are Unicode 14, so a character assigned since prints raw here
 * where Python escapes it) */
static bool py_printable(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS: case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_ZS:
        return false;
    default:
        return true;
    }
}

/* Python's repr of a str: quoted with ' (with " when it holds ' and no "), backslash escapes
 * for the quote, \\, \t \n \r, and \xHH / \uHHHH / \UHHHHHHHH for what is not printable;
 * a byte that is not UTF-8 (Python's strings hold none) is copied as it is */
static bool repr_string(jrt *R, jbuf *b, const char *s, size_t n)
{
    bool has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    if (!buf_grow(R, b, n + 2)) return false;
    buf_putc(R, b, q);
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != (unsigned char)q && c != '\\') { i++; continue; }
        const char *esc = NULL;
        char hex[12];
        size_t adv = 1;
        if (c == (unsigned char)q) esc = q == '\'' ? "\\'" : "\\\"";
        else if (c == '\\') esc = "\\\\";
        else if (c == '\n') esc = "\\n";
        else if (c == '\r') esc = "\\r";
        else if (c == '\t') esc = "\\t";
        else if (c < 0x80) { snprintf(hex, sizeof hex, "\\x%02x", c); esc = hex; }
        else {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (k <= 0) { i++; continue; }
            if (py_printable(cp)) { i += (size_t)k; continue; }
            snprintf(hex, sizeof hex, cp <= 0xff ? "\\x%02x" : cp <= 0xffff ? "\\u%04x" : "\\U%08x", (unsigned)cp);
            esc = hex;
            adv = (size_t)k;
        }
        if (!buf_put(R, b, s + run, i - run) || !buf_puts(R, b, esc)) return false;
        i += adv;
        run = i;
    }
    return buf_put(R, b, s + run, n - run) && buf_putc(R, b, q);
}

/* HTML escaping, as markupsafe: & < > " '. A table marks the five bytes; runs without them
 * are copied in one piece. */
static const unsigned char esc_class[256] = {['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5};
static const char *const esc_text[] = {"", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
static const uint8_t esc_len[] = {0, 5, 4, 4, 5, 5};

/* the same texts padded to 8 bytes, stored as one word into room made beforehand */
static const char esc_word[][8] = {"", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};

/* piece by piece, into a buffer that may grow (a function apart: print_escaped's common way
 * then saves fewer registers) */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool escape_pieces(jrt *R, jbuf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n, *run = p;
    for (;;) {
        while (p < e && !esc_class[*p]) p++; /* the scan, in registers: no write in it */
        if (p == e) break;
        unsigned k = esc_class[*p];
        if (!buf_put(R, b, (const char *)run, (size_t)(p - run)) || !buf_put(R, b, esc_text[k], esc_len[k])) return false;
        run = ++p;
    }
    return buf_put(R, b, (const char *)run, (size_t)(e - run));
}

bool print_escaped(jrt *R, jbuf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n, *run = p;
    if (n < ((size_t)1 << 56) && b->len + 5 * n + 8 <= b->cap) {
        /* the buffer has room for the worst case (every byte escaped, and a word's store past
         * the last): no check per piece. Only when it has (the output buffer, mostly), so a
         * buffer grows, and is charged for, exactly as piece by piece */
        char *w = b->p + b->len;
        for (;;) {
            /* four bytes a step, then the byte */
            while (e - p >= 4 && !(esc_class[p[0]] | esc_class[p[1]] | esc_class[p[2]] | esc_class[p[3]])) p += 4;
            while (p < e && !esc_class[*p]) p++;
            size_t r = (size_t)(p - run); /* a run between escapes is short: copy_short */
            copy_short(w, (const char *)run, r);
            w += r;
            if (p == e) break;
            unsigned k = esc_class[*p];
            memcpy(w, esc_word[k], 8);
            w += esc_len[k];
            run = ++p;
        }
        *w = 0;
        b->len = (size_t)(w - b->p);
        return true;
    }
    return escape_pieces(R, b, s, n);
}

/* print_escaped of s when 16 bytes past its end may be read (not used: a text buffer's slack,
 * JTEXT_PAD): sixteen bytes a step (SSE2, which every x86-64 has). Each step stores the sixteen
 * bytes as they are and keeps those before the first byte to escape (the buffer has room for
 * the worst case and a step's store past it), then writes that byte's entity; the bytes read
 * past the end are masked out before they are looked at. Elsewhere print_escaped's way. */
bool print_escaped_padded(jrt *R, jbuf *b, const char *s, size_t n)
{
#if defined(__SSE2__)
    if (n < ((size_t)1 << 56) && b->len + 5 * n + 16 <= b->cap) {
        const char *p = s, *e = s + n;
        char *w = b->p + b->len;
        /* & and ' differ in bit 0 only, < and > in bit 1: three compares find the five */
        const __m128i b0 = _mm_set1_epi8(1), b1 = _mm_set1_epi8(2), amp_apos = _mm_set1_epi8('\''),
                      lt_gt = _mm_set1_epi8('>'), quot = _mm_set1_epi8('"');
        while (p < e) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, b0), amp_apos),
                                                    _mm_cmpeq_epi8(_mm_or_si128(v, b1), lt_gt)),
                                       _mm_cmpeq_epi8(v, quot));
            unsigned mask = (unsigned)_mm_movemask_epi8(hit);
            size_t left = (size_t)(e - p);
            if (left < 16) mask &= (1u << left) - 1;
            _mm_storeu_si128((__m128i *)(void *)w, v);
            if (!mask) {
                size_t step = left < 16 ? left : 16;
                p += step;
                w += step;
                continue;
            }
            unsigned i = (unsigned)__builtin_ctz(mask), k = esc_class[(unsigned char)p[i]];
            w += i;
            memcpy(w, esc_word[k], 8);
            w += esc_len[k];
            p += i + 1;
        }
        *w = 0;
        b->len = (size_t)(w - b->p);
        return true;
    }
#endif
    return print_escaped(R, b, s, n);
}

/* ======================================================================================
 * Values
 * ====================================================================================== */

#define MAX_PRINT_DEPTH 64

/* The containers being printed, innermost first. Python's repr prints a container it is
 * already inside of as [...], (...), {...} (Py_ReprEnter): a list that holds itself, or holds
 * a list that holds it. The jinjava profile marks only a container that holds itself. */
typedef struct print_up {
    const jhdr *h;
    const struct print_up *up;
} print_up;

static bool print_value(jrt *R, jbuf *b, value v, bool top, int depth, const print_up *up);

/* x's mark when x is a container being printed (in up), else NULL */
static const char *reentered(value x, const print_up *up, bool java)
{
    if (x.t != JV_LIST && x.t != JV_DICT) return NULL;
    for (; up; up = java ? NULL : up->up)
        if (up->h == x.u.h)
            return x.t == JV_DICT ? (!java && (x.f & JV_NS) ? "<Namespace {...}>" : "{...}")
                                  : !java && (x.f & JV_TUPLE) ? "(...)" : "[...]";
    return NULL;
}

/* a printed container is a string too: stop when it passes string_bytes (values that share or
 * contain themselves can otherwise print exponentially large text) */
static bool too_long(jrt *R, jbuf *b)
{
    if (R->lim && b->len > R->lim->string_bytes)
        return !rt_limit(R, "string_bytes", "printing a value of more than %zu bytes", R->lim->string_bytes);
    return false;
}

static bool print_items(jrt *R, jbuf *b, value v, int depth, const print_up *up)
{
    bool java = R->profile == PROF_JINJAVA;
    const print_up me = {v.u.h, up};
    if (too_long(R, b)) return false;
    if (!rt_charge(R, 1 + (int64_t)(v.t == JV_LIST ? v.u.l->len : v.u.m->len))) return false; /* a unit per node */
    if (depth > MAX_PRINT_DEPTH) return buf_puts(R, b, v.t == JV_DICT ? "{...}" : "[...]");
    if (v.t == JV_LIST && (v.f & JV_RANGE) && !java) { /* Python's repr of a range */
        int64_t start, stop, step;
        range_bounds(v, &start, &stop, &step);
        if (step == 1) return buf_printf(R, b, "range(%lld, %lld)", (long long)start, (long long)stop);
        return buf_printf(R, b, "range(%lld, %lld, %lld)", (long long)start, (long long)stop, (long long)step);
    }
    if (v.t == JV_LIST && (v.f & JV_ITER) && !java)
        return buf_printf(R, b, "<list_reverseiterator object at %p>", (void *)v.u.l);
    if (v.t == JV_LIST) {
        bool tuple = (v.f & JV_TUPLE) && !java;
        if (!buf_putc(R, b, tuple ? '(' : '[')) return false;
        for (size_t i = 0; i < v.u.l->len; i++) {
            if (i && !buf_put(R, b, ", ", 2)) return false;
            value x = v.u.l->items[i];
            const char *mark = reentered(x, &me, java);
            bool ok = mark ? buf_puts(R, b, mark) : print_value(R, b, x, false, depth + 1, &me);
            if (!ok || too_long(R, b)) return false;
        }
        if (tuple && v.u.l->len == 1 && !buf_putc(R, b, ',')) return false;
        return buf_putc(R, b, tuple ? ')' : ']');
    }
    if (!java && (v.f & JV_NS) && !buf_puts(R, b, "<Namespace ")) return false;
    if (!buf_putc(R, b, '{')) return false;
    jentry *e;
    bool first = true;
    for (size_t i = 0; dict_next(v.u.m, &i, &e);) {
        if (!first && !buf_put(R, b, ", ", 2)) return false;
        first = false;
        if (!print_value(R, b, e->key, false, depth + 1, &me) || !buf_put(R, b, java ? "=" : ": ", java ? 1 : 2))
            return false;
        const char *mark = reentered(e->val, &me, java);
        bool ok = mark ? buf_puts(R, b, mark) : print_value(R, b, e->val, false, depth + 1, &me);
        if (!ok || too_long(R, b)) return false;
    }
    if (!buf_putc(R, b, '}')) return false;
    return java || !(v.f & JV_NS) || buf_putc(R, b, '>');
}

static bool print_value(jrt *R, jbuf *b, value v, bool top, int depth, const print_up *up)
{
    bool java = R->profile == PROF_JINJAVA;
    switch (v.t) {
    case JV_UNDEF:
        if (top && R->undef_mode == JINN_UNDEFINED_DEBUG && !(v.f & UK_SOFT)) return val_undef_debug(R, b, v);
        /* fall through */
    case JV_ABSENT:
        return top ? true : buf_puts(R, b, java ? "null" : "Undefined");
    case JV_NONE:
        return top && java ? true : buf_puts(R, b, java ? "null" : "None");
    case JV_BOOL:
        return java ? buf_puts(R, b, v.u.b ? "true" : "false") : buf_puts(R, b, v.u.b ? "True" : "False");
    case JV_INT: return print_int(R, b, v.u.i);
    case JV_BIG: return big_print(R, b, v);
    case JV_FLOAT:
        if (v.f & JV_DEC) return print_decimal(R, b, v);
        return java ? print_java_double(R, b, v.u.d) : print_float(R, b, v.u.d);
    case JV_STR:
        if (top || java) return buf_put(R, b, v_sp(v), v_sl(v));
        if (v.f & JV_SAFE) /* markupsafe's repr: Markup('...') */
            return buf_puts(R, b, "Markup(") && repr_string(R, b, v_sp(v), v_sl(v)) && buf_putc(R, b, ')');
        return repr_string(R, b, v_sp(v), v_sl(v));
    case JV_LIST:
    case JV_DICT:
        return print_items(R, b, v, depth, up);
    case JV_FUNC:
        if (v.u.fn->kind == FN_MACRO && v.u.fn->name)
            return buf_printf(R, b, "<Macro '%s'>", v.u.fn->name->s);
        if (v.u.fn->kind == FN_CYCLER) return buf_puts(R, b, "<Cycler>");
        if (v.u.fn->kind == FN_JOINER) return buf_puts(R, b, "<Joiner>");
        return buf_puts(R, b, "<function>");
    default:
        return buf_puts(R, b, "?");
    }
}

/* ======================================================================================
 * Jinjava's PyishObjectMapper (objects/serialization/: Jackson with '\'' as the quote
 * character, PyishCharacterEscapes and PyishPrettyPrinter, as Jinjava 2.8 has them): the
 * jinjava profile's {{ }} of a list or dict under its switch usePyishObjectMapper, and what
 * b64encode encodes. JSON with single quotes: strings '...' (' " \ escaped, newlines and
 * tabs kept), null, true, Java doubles; ", " between items, ": " in entries; every object
 * but the outermost is followed by a space (`[{'a': 1} , {'b': 2} ]`: the printer writes
 * "} " and getAsUnquotedPyishString trims the outermost).
 * ====================================================================================== */

static bool pyish_string(jrt *R, jbuf *b, const char *s, size_t n)
{
    if (!buf_putc(R, b, '\'')) return false;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '\'' || c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; esc[2] = 0; }
        else if (c == '\b') strcpy(esc, "\\b");
        else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' && c != '\f') snprintf(esc, sizeof esc, "\\u%04X", c);
        else continue;
        if (!buf_put(R, b, s + run, i - run) || !buf_puts(R, b, esc)) return false;
        run = i + 1;
    }
    return buf_put(R, b, s + run, n - run) && buf_putc(R, b, '\'');
}

static bool pyish_value(jrt *R, jbuf *b, value v, int depth)
{
    if (v.t == JV_STR) return pyish_string(R, b, v_sp(v), v_sl(v));
    if (v.t != JV_LIST && v.t != JV_DICT) return print_value(R, b, v, false, depth, NULL); /* null, true, 2.0, 3.00 */
    if (too_long(R, b)) return false;
    if (!rt_charge(R, 1 + (int64_t)(v.t == JV_LIST ? v.u.l->len : v.u.m->len))) return false;
    if (depth > MAX_PRINT_DEPTH) return buf_puts(R, b, v.t == JV_DICT ? "{...}" : "[...]");
    if (v.t == JV_LIST) {
        if (!buf_putc(R, b, '[')) return false;
        for (size_t i = 0; i < v.u.l->len; i++) {
            value x = v.u.l->items[i];
            if ((i && !buf_put(R, b, ", ", 2)) ||
                !(x.t == JV_LIST && x.u.l == v.u.l ? buf_puts(R, b, "[...]") : pyish_value(R, b, x, depth + 1)))
                return false;
        }
        return buf_putc(R, b, ']');
    }
    if (!buf_putc(R, b, '{')) return false;
    jentry *e;
    bool first = true;
    for (size_t i = 0; dict_next(v.u.m, &i, &e);) {
        if (!first && !buf_put(R, b, ", ", 2)) return false;
        first = false;
        bool ok;
        if (e->key.t == JV_STR) ok = pyish_string(R, b, v_sp(e->key), v_sl(e->key));
        else { /* a field name is a string: 1 -> '1', null -> '' (NullKeySerializer) */
            jbuf k = {0};
            ok = print_value(R, &k, e->key, true, depth + 1, NULL) && pyish_string(R, b, k.p ? k.p : "", k.len);
            buf_free(R, &k);
        }
        if (!ok || !buf_put(R, b, ": ", 2)) return false;
        ok = e->val.t == JV_DICT && e->val.u.m == v.u.m ? buf_puts(R, b, "{...}") : pyish_value(R, b, e->val, depth + 1);
        if (!ok || too_long(R, b)) return false;
    }
    return buf_puts(R, b, depth ? "} " : "}");
}

bool print_pyish(jrt *R, jbuf *b, value v)
{
    return v.t == JV_LIST || v.t == JV_DICT ? pyish_value(R, b, v, 0) : print_value(R, b, v, true, 0, NULL);
}

bool print_str(jrt *R, jbuf *b, value v) { return print_value(R, b, v, true, 0, NULL); }
bool print_repr(jrt *R, jbuf *b, value v) { return print_value(R, b, v, false, 0, NULL); }

value val_to_str(jrt *R, value v)
{
    if (v.t == JV_STR) return val_dup(v);
    if (!rt_strict_ok(R, v)) return v_err();
    jbuf b = {0};
    if (!print_str(R, &b, v)) { buf_free(R, &b); return v_err(); }
    return v_str_from_buf(R, &b);
}
