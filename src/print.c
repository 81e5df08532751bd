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

#include "json.h"
#include "print.h"
#include "value.h"

/* ======================================================================================
 * Numbers
 * ====================================================================================== */

static bool print_int(jrt *R, jbuf *b, int64_t i)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
    if (i < 0) *--p = '-';
    return buf_put(R, b, p, (size_t)(tmp + sizeof tmp - p));
}

static const double pow10_tab[] = {1, 10, 100, 1000, 1e4, 1e5, 1e6};

/* Python's repr(float): the shortest string that reads back as the same double. */
bool print_float(jrt *R, jbuf *b, double d)
{
    if (isnan(d)) return buf_put(R, b, "nan", 3);
    if (isinf(d)) return d > 0 ? buf_put(R, b, "inf", 3) : buf_put(R, b, "-inf", 4);
    if (d == 0) return signbit(d) ? buf_put(R, b, "-0.0", 4) : buf_put(R, b, "0.0", 3);
    /* Fast path: values with at most 6 decimals and 15 significant digits, the common case
     * for prices and ratios. Decimal k digits that round-trip exactly are the shortest
     * representation; llround picks the closest candidate, as Python's algorithm does. */
    double ad = fabs(d);
    if (ad < 1e9 && ad >= 1e-4) {
        for (int k = 0; k <= 6; k++) {
            double m = d * pow10_tab[k];
            long long r = llround(m);
            if ((double)r / pow10_tab[k] == d) {
                char tmp[40];
                unsigned long long u = r < 0 ? (unsigned long long)-r : (unsigned long long)r;
                char *p = tmp + sizeof tmp;
                int digits = 0;
                if (k == 0) { *--p = '0'; *--p = '.'; }
                do {
                    *--p = (char)('0' + u % 10);
                    u /= 10;
                    if (++digits == k) *--p = '.';
                } while (u || digits < k);
                if (digits == k) *--p = '0';
                if (r < 0) *--p = '-';
                return buf_put(R, b, p, (size_t)(tmp + sizeof tmp - p));
            }
        }
    }
    /* General path: the shortest of 15, 16, 17 significant digits that round-trips,
     * laid out as Python does (scientific when the exponent is < -4 or >= 16). */
    char e[40];
    int prec;
    for (prec = 15; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (strtod(e, NULL) == d) break;
    }
    /* e looks like "-1.2345000e+05": collect the digits and the exponent */
    char digs[24];
    int nd = 0, neg = 0;
    const char *p = e;
    if (*p == '-') { neg = 1; p++; }
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digs[nd++] = *p;
    int exp10 = atoi(p + 1);
    while (nd > 1 && digs[nd - 1] == '0') nd--;
    char out[64];
    int o = 0;
    if (neg) out[o++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        out[o++] = digs[0];
        if (nd > 1) {
            out[o++] = '.';
            for (int i = 1; i < nd; i++) out[o++] = digs[i];
        }
        o += snprintf(out + o, sizeof out - (size_t)o, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    } else if (exp10 < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -exp10 - 1; i++) out[o++] = '0';
        for (int i = 0; i < nd; i++) out[o++] = digs[i];
    } else {
        for (int i = 0; i <= exp10; i++) out[o++] = i < nd ? digs[i] : '0';
        out[o++] = '.';
        if (nd > exp10 + 1) for (int i = exp10 + 1; i < nd; i++) out[o++] = digs[i];
        else out[o++] = '0';
    }
    return buf_put(R, b, out, (size_t)o);
}

/* Java's Double.toString: like Python's repr between 1e-3 and 1e7, "1.0E7" style outside. */
static bool print_java_double(jrt *R, jbuf *b, double d)
{
    if (isnan(d)) return buf_puts(R, b, "NaN");
    if (isinf(d)) return buf_puts(R, b, d > 0 ? "Infinity" : "-Infinity");
    double ad = fabs(d);
    if (d == 0 || (ad >= 1e-3 && ad < 1e7)) return print_float(R, b, d);
    jbuf t = {0};
    if (!print_float(R, &t, d)) return false;
    /* rebuild from the repr's digits and exponent: m.mmmE±x */
    char digs[32];
    int nd = 0, exp10 = 0, seen_dot = 0, lead = 1;
    const char *p = t.p;
    bool neg = *p == '-';
    if (neg) p++;
    int intdigits = 0;
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') { seen_dot = 1; continue; }
        if (lead && *p == '0') { if (seen_dot) exp10--; continue; }
        lead = 0;
        if (nd < 31) digs[nd++] = *p;
        if (!seen_dot) intdigits++;
    }
    if (*p == 'e') exp10 += atoi(p + 1);
    exp10 += intdigits ? intdigits - 1 : -1;
    buf_free(R, &t);
    while (nd > 1 && digs[nd - 1] == '0') nd--;
    char out[64];
    int o = 0;
    if (neg) out[o++] = '-';
    out[o++] = nd ? digs[0] : '0';
    out[o++] = '.';
    if (nd > 1) for (int i = 1; i < nd; i++) out[o++] = digs[i];
    else out[o++] = '0';
    o += snprintf(out + o, sizeof out - (size_t)o, "E%d", exp10);
    return buf_put(R, b, out, (size_t)o);
}

/* A decimal (value.h, DECIMALS): exactly its scale's decimals, as Java's BigDecimal prints
 * (no exponent: jinn's decimals have a scale >= 0). glibc's %f is exact, and the double is
 * the nearest to the decimal, so the digits are the decimal's. BigDecimal has no -0. */
static bool print_decimal(jrt *R, jbuf *b, value v)
{
    double d = v.u.d;
    if (!isfinite(d)) return print_java_double(R, b, d);
    int scale = v_dec_scale(v);
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

static bool repr_string(jrt *R, jbuf *b, const char *s, size_t n)
{
    bool has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    if (!buf_grow(R, b, n + 2)) return false;
    buf_putc(R, b, q);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char hex[5];
        if (c == (unsigned char)q) esc = q == '\'' ? "\\'" : "\\\"";
        else if (c == '\\') esc = "\\\\";
        else if (c == '\n') esc = "\\n";
        else if (c == '\r') esc = "\\r";
        else if (c == '\t') esc = "\\t";
        else if (c < 0x20 || c == 0x7f) { snprintf(hex, sizeof hex, "\\x%02x", c); esc = hex; }
        if (!esc) continue;
        if (!buf_put(R, b, s + run, i - run) || !buf_puts(R, b, esc)) return false;
        run = i + 1;
    }
    return buf_put(R, b, s + run, n - run) && buf_putc(R, b, q);
}

/* HTML escaping, as markupsafe: & < > " '. A table marks the five bytes; runs without them
 * are copied in one piece. */
static const unsigned char esc_class[256] = {['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5};
static const char *const esc_text[] = {"", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
static const uint8_t esc_len[] = {0, 5, 4, 4, 5, 5};

bool print_escaped(jrt *R, jbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned k = esc_class[(unsigned char)s[i]];
        if (!k) continue;
        if (!buf_put(R, b, s + run, i - run) || !buf_put(R, b, esc_text[k], esc_len[k])) return false;
        run = i + 1;
    }
    return buf_put(R, b, s + run, n - run);
}

/* ======================================================================================
 * Values
 * ====================================================================================== */

#define MAX_PRINT_DEPTH 64

static bool print_value(jrt *R, jbuf *b, value v, bool top, int depth);

/* a printed container is a string too: stop when it passes string_bytes (values that share or
 * contain themselves can otherwise print exponentially large text) */
static bool too_long(jrt *R, jbuf *b)
{
    if (R->lim && b->len > R->lim->string_bytes)
        return !rt_limit(R, "string_bytes", "printing a value of more than %zu bytes", R->lim->string_bytes);
    return false;
}

static bool print_items(jrt *R, jbuf *b, value v, int depth)
{
    bool java = R->profile == PROF_JINJAVA;
    if (too_long(R, b)) return false;
    if (!rt_charge(R, 1 + (int64_t)(v.t == JV_LIST ? v.u.l->len : v.u.m->len))) return false; /* a unit per node */
    if (depth > MAX_PRINT_DEPTH) return buf_puts(R, b, v.t == JV_DICT ? "{...}" : "[...]");
    if (v.t == JV_LIST) {
        bool tuple = (v.f & JV_TUPLE) && !java;
        if (!buf_putc(R, b, tuple ? '(' : '[')) return false;
        for (size_t i = 0; i < v.u.l->len; i++) {
            if (i && !buf_put(R, b, ", ", 2)) return false;
            value x = v.u.l->items[i];
            bool ok = (x.t == JV_LIST && x.u.l == v.u.l) ? buf_puts(R, b, tuple ? "(...)" : "[...]")
                                                          : print_value(R, b, x, false, depth + 1);
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
        if (!print_value(R, b, e->key, false, depth + 1) || !buf_put(R, b, java ? "=" : ": ", java ? 1 : 2))
            return false;
        bool ok = (e->val.t == JV_DICT && e->val.u.m == v.u.m) ? buf_puts(R, b, "{...}")
                                                               : print_value(R, b, e->val, false, depth + 1);
        if (!ok || too_long(R, b)) return false;
    }
    if (!buf_putc(R, b, '}')) return false;
    return java || !(v.f & JV_NS) || buf_putc(R, b, '>');
}

static bool print_value(jrt *R, jbuf *b, value v, bool top, int depth)
{
    bool java = R->profile == PROF_JINJAVA;
    switch (v.t) {
    case JV_UNDEF:
    case JV_ABSENT:
        return top ? true : buf_puts(R, b, java ? "null" : "Undefined");
    case JV_NONE:
        return top && java ? true : buf_puts(R, b, java ? "null" : "None");
    case JV_BOOL:
        return java ? buf_puts(R, b, v.u.b ? "true" : "false") : buf_puts(R, b, v.u.b ? "True" : "False");
    case JV_INT: return print_int(R, b, v.u.i);
    case JV_FLOAT:
        if (v.f & JV_DEC) return print_decimal(R, b, v);
        return java ? print_java_double(R, b, v.u.d) : print_float(R, b, v.u.d);
    case JV_STR:
        if (top || java) return buf_put(R, b, v_sp(v), v_sl(v));
        return repr_string(R, b, v_sp(v), v_sl(v));
    case JV_LIST:
    case JV_DICT:
        return print_items(R, b, v, depth);
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

bool print_str(jrt *R, jbuf *b, value v) { return print_value(R, b, v, true, 0); }
bool print_repr(jrt *R, jbuf *b, value v) { return print_value(R, b, v, false, 0); }

value val_to_str(jrt *R, value v)
{
    if (v.t == JV_STR) return val_dup(v);
    if (v.t == JV_UNDEF && R->undef_mode == JINN_UNDEFINED_STRICT) { val_undef_error(R, v); return v_err(); }
    jbuf b = {0};
    if (!print_str(R, &b, v)) { buf_free(R, &b); return v_err(); }
    return v_str_from_buf(R, &b);
}
