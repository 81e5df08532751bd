/*
 * filters_jinjava.c — Jinjava's extra filters (reference/jinjava-dialect.md §3) and the
 * vendor's names for some of them (§7.2: base64Encode, base64Decode, hash('SHA-256')).
 *
 * Jinja2 has none of these, so there is no reference output to match; the semantics are
 * Jinjava's as the reference documents them, adapted to jinn's values where Java's differ:
 * in the jinja profile there is no BigDecimal, so `add`/`multiply`/`divide` give int when
 * both sides are ints (divide rounds half-up to an int, as Jinjava rounds to the dividend's
 * scale 0) and float otherwise; the jinjava profile gives decimals (value.h), as Jinjava does. Set operations keep first-seen order, as Jinjava's LinkedHashSets do.
 *
 * Hashes come from OpenSSL's libcrypto (EVP), regular expressions from regex.c (PCRE2 with
 * bounded work).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <openssl/evp.h>

#include "dtoa.h"
#include "ext.h"

/* ======================================================================================
 * Shared bits
 * ====================================================================================== */

static bool str_out(jrt *R, value *out, jbuf *b, bool ok)
{
    if (!ok) { buf_free(R, b); return false; }
    *out = v_str_from_buf(R, b);
    return out->t != JV_ERROR;
}

/* A number from a number or a numeric string (Jinjava parses strings); false + type error
 * otherwise. Ints stay ints. */
static bool to_number(jrt *R, value v, value *num, const char *fn)
{
    if (v.t == JV_INT || v.t == JV_FLOAT) { *num = v; return true; }
    if (v.t == JV_BOOL) { *num = v_int(v.u.b); return true; }
    if (v.t == JV_STR) {
        const char *s = v_sp(v);
        char *end;
        while (*s == ' ' || *s == '\t') s++;
        errno = 0;
        long long i = strtoll(s, &end, 10);
        if (end != s && errno == 0) {
            const char *e = end;
            while (*e == ' ' || *e == '\t') e++;
            if (!*e && (size_t)(e - v_sp(v)) == v_sl(v)) { *num = v_int(i); return true; }
        }
        double d = dtoa_strtod(s, &end);
        if (end != s) {
            while (*end == ' ' || *end == '\t') end++;
            if (!*end && (size_t)(end - v_sp(v)) == v_sl(v)) { *num = v_float(d); return true; }
        }
        return rt_error(R, JINN_ERR_VALUE, "%s: '%s' is not a number", fn, v_sp(v));
    }
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    return rt_error(R, JINN_ERR_TYPE, "%s: expected a number, not '%s'", fn, val_type_name(v));
}

/* ======================================================================================
 * bool, add, multiply, divide, divisible, log, root
 * ====================================================================================== */

/* bool(value) — booleans as they are, numbers non-zero, strings "true" "1" "yes" "on" "y"
 * "t" in any case; everything else false. */
BI_EXT(flt_bool)
{
    value v = args[0];
    bool r = false;
    if (v.t == JV_BOOL) r = v.u.b;
    else if (v.t == JV_INT) r = v.u.i != 0;
    else if (v.t == JV_FLOAT) r = v.u.d != 0 && !isnan(v.u.d);
    else if (v.t == JV_STR) {
        static const char *const yes[] = {"true", "1", "yes", "on", "y", "t"};
        for (int i = 0; i < 6; i++)
            if (v_sl(v) == strlen(yes[i]) && !strncasecmp(v_sp(v), yes[i], v_sl(v))) r = true;
    }
    (void)R;
    *out = v_bool(r);
    return true;
}

static bool arith2(jrt *R, value *args, int op, const char *fn, value *out)
{
    value a, b;
    if (!to_number(R, args[0], &a, fn) || !to_number(R, args[1], &b, fn)) return false;
    return op_arith(R, op, a, b, out);
}

/* The jinjava profile's add/multiply/divide: Jinjava computes new BigDecimal(value.toString())
 * op new BigDecimal(arg.toString()), a decimal (value.h): add keeps the larger scale,
 * multiply adds the scales (10|multiply(.25) is 2.50), divide keeps the dividend's, rounding
 * HALF_UP (9|divide(10) is 1). A none value gives none. */
static bool jv_dec_filter(jrt *R, value *args, int op, const char *fn, value *out)
{
    double a, b;
    int sa, sb;
    int k = dec_from(R, args[0], &a, &sa, fn);
    if (k <= 0) { *out = v_none(); return k == 0; }
    k = dec_from(R, args[1], &b, &sb, fn);
    if (k < 0) return false;
    if (k == 0) return rt_error(R, JINN_ERR_VALUE, "%s: the argument is null", fn);
    switch (op) {
    case OPB_ADD: *out = v_dec(a + b, sa > sb ? sa : sb); return true;
    case OPB_MUL: *out = v_dec(a * b, sa + sb); return true;
    default:
        if (b == 0) return rt_error(R, JINN_ERR_VALUE, "%s: division by zero", fn);
        *out = v_dec(dec_round(a / b, sa, DEC_HALF_UP), sa);
        return true;
    }
}

/* add(addend), multiply(n) */
BI_EXT(flt_add)
{
    if (R->profile == PROF_JINJAVA) return jv_dec_filter(R, args, OPB_ADD, "add", out);
    return arith2(R, args, OPB_ADD, "add", out);
}
BI_EXT(flt_multiply)
{
    if (R->profile == PROF_JINJAVA) return jv_dec_filter(R, args, OPB_MUL, "multiply", out);
    return arith2(R, args, OPB_MUL, "multiply", out);
}

/* divide(n) — an int dividend gives an int rounded half-up (away from zero), as Jinjava's
 * BigDecimal keeps the dividend's scale 0: 9|divide(10) is 1. Division by zero is an error. */
BI_EXT(flt_divide)
{
    if (R->profile == PROF_JINJAVA) return jv_dec_filter(R, args, OPB_DIV, "divide", out);
    value a, b;
    if (!to_number(R, args[0], &a, "divide") || !to_number(R, args[1], &b, "divide")) return false;
    if ((b.t == JV_INT && b.u.i == 0) || (b.t == JV_FLOAT && b.u.d == 0))
        return rt_error(R, JINN_ERR_VALUE, "divide: division by zero");
    if (a.t == JV_INT && b.t == JV_INT) {
        if (b.u.i == -1) {
            if (a.u.i == INT64_MIN) return rt_overflow(R);
            *out = v_int(-a.u.i);
            return true;
        }
        int64_t q = a.u.i / b.u.i, r = a.u.i % b.u.i;
        /* |r| * 2 >= |b|: round away from zero (no overflow: |r| < |b| <= 2^63) */
        uint64_t ar = r < 0 ? 0 - (uint64_t)r : (uint64_t)r, ab = b.u.i < 0 ? 0 - (uint64_t)b.u.i : (uint64_t)b.u.i;
        if (ar && ar >= ab - ar) q += ((a.u.i < 0) != (b.u.i < 0)) ? -1 : 1;
        *out = v_int(q);
        return true;
    }
    if (a.t == JV_INT) { /* scale 0: rounded to an int */
        double x = (double)a.u.i / val_to_double(b);
        double r = x < 0 ? -floor(-x + 0.5) : floor(x + 0.5);
        if (!(fabs(r) < 9.2e18)) return rt_overflow(R);
        *out = v_int((int64_t)r);
        return true;
    }
    *out = v_float(val_to_double(a) / val_to_double(b));
    return true;
}

/* divisible(n) — value % n == 0 on integers (numbers are truncated, as Java's longValue) */
BI_EXT(flt_divisible)
{
    value a, b;
    if (!to_number(R, args[0], &a, "divisible") || !to_number(R, args[1], &b, "divisible")) return false;
    double da = a.t == JV_INT ? 0 : trunc(a.u.d), db = b.t == JV_INT ? 0 : trunc(b.u.d);
    if ((a.t == JV_FLOAT && !(fabs(da) < 9.2e18)) || (b.t == JV_FLOAT && !(fabs(db) < 9.2e18))) return rt_overflow(R);
    int64_t x = a.t == JV_INT ? a.u.i : (int64_t)da, n = b.t == JV_INT ? b.u.i : (int64_t)db;
    if (n == 0) return rt_error(R, JINN_ERR_VALUE, "divisible: division by zero");
    *out = v_bool(n == -1 || x % n == 0);
    return true;
}

/* log(base=e) */
BI_EXT(flt_log)
{
    value a, b = v_float(M_E);
    if (!to_number(R, args[0], &a, "log")) return false;
    if (ARG_GIVEN(1) && args[1].t != JV_NONE && !to_number(R, args[1], &b, "log")) return false;
    double x = val_to_double(a), base = val_to_double(b);
    if (x <= 0 || base <= 0 || base == 1) return rt_error(R, JINN_ERR_VALUE, "log: math domain error");
    *out = v_float(log(x) / log(base));
    return true;
}

/* root(n=2) — the n-th root; an even root of a negative number is an error */
BI_EXT(flt_root)
{
    value a, b = v_int(2);
    if (!to_number(R, args[0], &a, "root")) return false;
    if (ARG_GIVEN(1) && args[1].t != JV_NONE && !to_number(R, args[1], &b, "root")) return false;
    double x = val_to_double(a), n = val_to_double(b);
    if (n == 0) return rt_error(R, JINN_ERR_VALUE, "root: the root must not be zero");
    bool odd_int = n == trunc(n) && fmod(fabs(n), 2) == 1;
    if (x < 0 && !odd_int) return rt_error(R, JINN_ERR_VALUE, "root: math domain error");
    double r = n == 2 ? sqrt(x) : n == 3 ? cbrt(x) : x < 0 ? -pow(-x, 1 / n) : pow(x, 1 / n);
    /* an exact root when there is one: cbrt(27) and pow(x, 1/n) may miss it by an ulp */
    double ri = nearbyint(r);
    if (ri != r && n == trunc(n) && n > 0 && n < 64 && fabs(ri) < 1e6 && pow(ri, n) == x) r = ri;
    *out = v_float(r);
    return true;
}

/* ======================================================================================
 * Strings: cut, split, regex_replace, escapejs, escapejson
 * ====================================================================================== */

/* cut(to_remove) — every occurrence removed from str(value) */
BI_EXT(flt_cut)
{
    value s = lib_soft_str(R, args[0]), t = lib_soft_str(R, args[1]);
    bool ok = s.t != JV_ERROR && t.t != JV_ERROR;
    if (ok && !v_sl(t)) { *out = val_dup(s); }
    else if (ok) { *out = lib_replace(R, v_sp(s), v_sl(s), v_sp(t), v_sl(t), "", 0, -1); ok = out->t != JV_ERROR; }
    if (s.t != JV_ERROR) val_drop(R, s);
    if (t.t != JV_ERROR) val_drop(R, t);
    return ok;
}

/* split(separator=None, limit=0) — Guava's Splitter with trimResults().omitEmptyStrings():
 * a literal separator (whitespace runs when none), pieces trimmed, empty pieces dropped;
 * with limit > 0 the last piece holds the rest of the string. */
BI_EXT(flt_split)
{
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    const char *sep = NULL;
    size_t sl = 0;
    if (ARG_GIVEN(1) && args[1].t != JV_NONE) {
        if (args[1].t != JV_STR) { val_drop(R, s); return rt_error(R, JINN_ERR_TYPE, "split: separator must be a string"); }
        sep = v_sp(args[1]);
        sl = v_sl(args[1]);
    }
    int64_t limit = 0;
    if (!arg_int(R, args, 2, 0, &limit, "limit")) { val_drop(R, s); return false; }
    *out = v_list(R, 0);
    bool ok = out->t != JV_ERROR;
    const char *p = v_sp(s);
    size_t len = v_sl(s), i = 0;
    while (ok && i <= len) {
        size_t st = i, en;
        bool last = limit > 0 && (int64_t)out->u.l->len == limit - 1;
        if (last) en = len;
        else if (sep && sl) {
            const char *hit = lib_memmem(p + i, len - i, sep, sl);
            en = hit ? (size_t)(hit - p) : len;
        } else {
            en = i;
            while (en < len && !lib_isspace((unsigned char)p[en])) en++;
        }
        value piece = lib_strip(R, p + st, en - st, NULL, 0, LIB_LEFT | LIB_RIGHT);
        if (piece.t == JV_ERROR) { ok = false; break; }
        if (v_sl(piece)) ok = list_push(R, out->u.l, piece);
        else val_drop(R, piece);
        if (en >= len) break;
        i = en + (sep && sl ? sl : 1);
        if (sep && !sl) break;
    }
    val_drop(R, s);
    if (!ok && out->t != JV_ERROR) { val_drop(R, *out); *out = v_none(); }
    return ok;
}

/* regex_replace(regex, new) — every match replaced ($1, ${name} refer to groups) */
BI_EXT(flt_regex_replace)
{
    const char *pat, *rep;
    size_t pl, rl;
    if (!arg_str(R, args, 1, "", &pat, &pl, "regex") || !arg_str(R, args, 2, "", &rep, &rl, "new")) return false;
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    re_prog *re = re_compile(R, pat, pl, 0);
    if (!re) { val_drop(R, s); return false; }
    *out = re_replace_all(R, re, v_sp(s), v_sl(s), rep, rl);
    re_free(R, re);
    val_drop(R, s);
    return out->t != JV_ERROR;
}

/* escapejs / escapejson: commons-text's escapeEcmaScript / escapeJson — quotes, backslash
 * and '/' backslashed, control characters and everything outside ASCII as \uXXXX (UTF-16) */
static bool js_escape(jrt *R, value v, bool json, value *out)
{
    value s = lib_soft_str(R, v);
    if (s.t == JV_ERROR) return false;
    jbuf b = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < v_sl(s);) {
        int32_t c;
        if (!lib_utf8_next(R, v_sp(s), v_sl(s), &i, &c)) { ok = false; break; }
        switch (c) {
        case '"': ok = buf_puts(R, &b, "\\\""); break;
        case '\\': ok = buf_puts(R, &b, "\\\\"); break;
        case '/': ok = buf_puts(R, &b, "\\/"); break;
        case '\'': ok = json ? buf_putc(R, &b, '\'') : buf_puts(R, &b, "\\'"); break;
        case '\b': ok = buf_puts(R, &b, "\\b"); break;
        case '\n': ok = buf_puts(R, &b, "\\n"); break;
        case '\t': ok = buf_puts(R, &b, "\\t"); break;
        case '\f': ok = buf_puts(R, &b, "\\f"); break;
        case '\r': ok = buf_puts(R, &b, "\\r"); break;
        default:
            if (c < 32 || c > 0x7e) {
                if (c > 0xFFFF) {
                    int32_t x = c - 0x10000;
                    ok = buf_printf(R, &b, "\\u%04X\\u%04X", 0xD800 + (x >> 10), 0xDC00 + (x & 0x3FF));
                } else {
                    ok = buf_printf(R, &b, "\\u%04X", c);
                }
            } else {
                ok = buf_putc(R, &b, (char)c);
            }
        }
    }
    val_drop(R, s);
    return str_out(R, out, &b, ok);
}

BI_EXT(flt_escapejs) { return js_escape(R, args[0], false, out); }
BI_EXT(flt_escapejson) { return js_escape(R, args[0], true, out); }

/* ======================================================================================
 * Digests and base64
 * ====================================================================================== */

static bool digest(jrt *R, value v, const char *alg, value *out)
{
    const EVP_MD *md = NULL;
    char norm[16];
    size_t k = 0;
    for (const char *p = alg; *p && k < sizeof norm - 1; p++)
        if (*p != '-' && *p != '_') norm[k++] = (char)(*p | 0x20);
    norm[k] = 0;
    if (!strcmp(norm, "md5")) md = EVP_md5();
    else if (!strcmp(norm, "sha1")) md = EVP_sha1();
    else if (!strcmp(norm, "sha256")) md = EVP_sha256();
    else if (!strcmp(norm, "sha512")) md = EVP_sha512();
    else if (!strcmp(norm, "sha384")) md = EVP_sha384();
    else if (!strcmp(norm, "sha224")) md = EVP_sha224();
    if (!md) return rt_error(R, JINN_ERR_VALUE, "hash: unknown algorithm '%s' (MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512)", alg);
    value s = lib_soft_str(R, v);
    if (s.t == JV_ERROR) return false;
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned int hl = 0;
    int rc = EVP_Digest(v_sp(s), v_sl(s), h, &hl, md, NULL);
    val_drop(R, s);
    if (rc != 1) return rt_error(R, JINN_ERR_VALUE, "hash: digest failed");
    jbuf b = {0};
    bool ok = buf_grow(R, &b, 2 * hl + 1);
    for (unsigned i = 0; ok && i < hl; i++) ok = buf_printf(R, &b, "%02x", h[i]);
    return str_out(R, out, &b, ok);
}

/* md5(value) — hex MD5 of str(value) */
BI_EXT(flt_md5) { return digest(R, args[0], "md5", out); }

/* hash(algorithm='SHA-256') — the vendor's name: hex digest of str(value) */
BI_EXT(flt_hash)
{
    const char *alg;
    size_t al;
    if (!arg_str(R, args, 1, "SHA-256", &alg, &al, "algorithm")) return false;
    if (al > 15) return rt_error(R, JINN_ERR_VALUE, "hash: unknown algorithm");
    char a[16];
    memcpy(a, alg, al);
    a[al] = 0;
    return digest(R, args[0], a, out);
}

static bool check_encoding(jrt *R, value *args, int i, const char *fn)
{
    const char *e;
    size_t el;
    if (!arg_str(R, args, i, "UTF-8", &e, &el, "encoding")) return false;
    if ((el == 5 && !strncasecmp(e, "utf-8", 5)) || (el == 4 && !strncasecmp(e, "utf8", 4))) return true;
    return rt_error(R, JINN_ERR_VALUE, "%s: unsupported encoding '%.*s' (only UTF-8)", fn, (int)el, e);
}

/* b64encode(encoding='UTF-8') / base64Encode — standard alphabet, padded (libcrypto's
 * EVP_EncodeBlock) */
BI_EXT(flt_b64encode)
{
    if (!check_encoding(R, args, 1, "b64encode")) return false;
    value s;
    if (R->profile == PROF_JINJAVA && (args[0].t == JV_LIST || args[0].t == JV_DICT)) {
        /* Jinjava encodes PyishObjectMapper.getAsUnquotedPyishString(var): Python-style
         * {'a': 1}, [1, 'b', null, true] (lib/filter/Base64EncodeFilter.java) */
        jbuf r = {0};
        bool ok = lib_pyish_buf(R, &r, args[0]);
        if (!ok) { buf_free(R, &r); return false; }
        s = v_str_from_buf(R, &r);
    } else {
        s = lib_soft_str(R, args[0]);
    }
    if (s.t == JV_ERROR) return false;
    size_t n = v_sl(s);
    if (n > INT_MAX / 4 * 3 - 3) { val_drop(R, s); return rt_error(R, JINN_ERR_VALUE, "b64encode: the value is too long"); }
    jbuf b = {0};
    bool ok = buf_grow(R, &b, (n + 2) / 3 * 4 + 1);
    if (ok) b.len = (size_t)EVP_EncodeBlock((unsigned char *)b.p, (const unsigned char *)v_sp(s), (int)n);
    val_drop(R, s);
    return str_out(R, out, &b, ok);
}

/* b64decode(encoding='UTF-8') / base64Decode — padding optional, whitespace ignored, the
 * URL-safe alphabet (- _) accepted; the bytes must be UTF-8. The text is checked and
 * normalised here (positions for the messages), decoded by libcrypto's EVP_DecodeBlock. */
BI_EXT(flt_b64decode)
{
    if (!check_encoding(R, args, 1, "b64decode")) return false;
    value s = args[0];
    if (s.t == JV_UNDEF && !op_check_defined(R, s)) return false;
    if (s.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "b64decode: expected a string, not '%s'", val_type_name(s));
    if (v_sl(s) > INT_MAX - 4) return rt_error(R, JINN_ERR_VALUE, "b64decode: the value is too long");
    jbuf in = {0}, b = {0};
    int pad = 0;
    bool ok = buf_grow(R, &in, v_sl(s) + 4);
    for (size_t i = 0; ok && i < v_sl(s); i++) {
        char c = v_sp(s)[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '=') { pad++; continue; }
        if (pad) { ok = rt_error(R, JINN_ERR_VALUE, "b64decode: data after padding"); break; }
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
            ok = rt_error(R, JINN_ERR_VALUE, "b64decode: invalid base64 character at %zu", i);
            break;
        }
        in.p[in.len++] = c;
    }
    size_t digits = in.len;
    if (ok && digits % 4 == 1) ok = rt_error(R, JINN_ERR_VALUE, "b64decode: truncated base64 input");
    while (ok && in.len % 4) in.p[in.len++] = '='; /* EVP_DecodeBlock wants whole quanta */
    if (ok) ok = buf_grow(R, &b, in.len / 4 * 3 + 1);
    if (ok && in.len) {
        int n = EVP_DecodeBlock((unsigned char *)b.p, (const unsigned char *)in.p, (int)in.len);
        if (n < 0) ok = rt_error(R, JINN_ERR_VALUE, "b64decode: invalid base64 input");
        else b.len = (size_t)n - (in.len - digits); /* it counts the padding as zero bytes */
    }
    buf_free(R, &in);
    size_t n;
    if (ok) ok = lib_utf8_len(R, b.p ? b.p : "", b.len, &n);
    return str_out(R, out, &b, ok);
}

/* ======================================================================================
 * Collections: shuffle, fromjson, set operations
 * ====================================================================================== */

/* shuffle(value) — a shuffled copy (Fisher-Yates on the per-render generator); a value
 * that is not a sequence comes back as it is */
BI_EXT(flt_shuffle)
{
    value v = args[0];
    if (v.t == JV_UNDEF) { *out = v_list(R, 0); return out->t != JV_ERROR; }
    if (v.t != JV_LIST && v.t != JV_DICT) { *out = val_dup(v); return true; }
    value l = op_to_list(R, v);
    if (l.t == JV_ERROR) return false;
    value r = lib_list_of(R, l.u.l->items, l.u.l->len);
    val_drop(R, l);
    if (r.t == JV_ERROR) return false;
    value *it = r.u.l->items;
    for (size_t i = r.u.l->len; i > 1; i--) {
        size_t j = (size_t)rt_random(R, i);
        value t = it[i - 1]; it[i - 1] = it[j]; it[j] = t;
    }
    *out = r;
    return true;
}

/* fromjson(value) — JSON text to values */
BI_EXT(flt_fromjson)
{
    value s = args[0];
    if (s.t == JV_UNDEF && !op_check_defined(R, s)) return false;
    if (s.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "fromjson: expected a string, not '%s'", val_type_name(s));
    *out = json_to_value(R, v_sp(s), v_sl(s), "fromjson");
    return out->t != JV_ERROR;
}

/* Java's equals() between a Long, a Double, a BigDecimal and a Boolean is false even where
 * Python's == holds (1 == 1.0 == True): the jinjava profile's sets keep them apart */
static bool same_kind(value a, value b)
{
    return a.t == b.t && (a.t != JV_FLOAT || (a.f & JV_DEC) == (b.f & JV_DEC));
}

/* Does l[0..n-1] hold an item equal to x? Hashable items go through the index dict (which
 * maps each item to the first one equal to it); strict: Java's equals (same_kind too). */
static bool set_has(value idx, const value *items, size_t n, value x, bool strict)
{
    if (val_hashable(x)) {
        value *hit = dict_get(idx.u.m, x);
        if (!hit) return false;
        if (!strict || same_kind(*hit, x)) return true;
    }
    for (size_t i = 0; i < n; i++) if (val_equal(items[i], x) && (!strict || same_kind(items[i], x))) return true;
    return false;
}

static bool index_add(jrt *R, value idx, value x)
{
    if (!val_hashable(x) || dict_get(idx.u.m, x)) return true;
    return dict_set(R, idx.u.m, val_dup(x), val_dup(x));
}

static bool set_add(jrt *R, value res, value idx, value x, bool strict)
{
    if (set_has(idx, res.u.l->items, res.u.l->len, x, strict)) return true;
    if (!index_add(R, idx, x)) return false;
    return list_push(R, res.u.l, val_dup(x));
}

/* op: 0 union, 1 intersect, 2 difference, 3 symmetric difference. The jinjava profile
 * (lib/filter/AbstractSetFilter.java): both sides iterate as a for loop does (a dict's
 * values, a scalar once), items are equal as Java's equals() says, and when the first items
 * of the two sides have different types() a warning says so, in Jinjava's words. */
static bool set_op(jrt *R, value *args, int op, value *out)
{
    bool jv = R->profile == PROF_JINJAVA;
    value a = v_none(), b = v_none(), res = v_list(R, 0), ia = v_dict(R, 0), ib = v_dict(R, 0), idx = v_dict(R, 0);
    bool ok = res.t != JV_ERROR && ia.t != JV_ERROR && ib.t != JV_ERROR && idx.t != JV_ERROR;
    for (int k = 0; ok && k < 2; k++) {
        value v = args[k], *dst = k ? &b : &a;
        if (v.t == JV_UNDEF || v.t == JV_NONE) *dst = v_list(R, 0);
        else if (jv) *dst = op_jv_iter(R, v);
        else if (v.t == JV_LIST || v.t == JV_DICT) *dst = op_to_list(R, v);
        else { *dst = v_list(R, 1); if (dst->t != JV_ERROR) list_push(R, dst->u.l, val_dup(v)); }
        if (dst->t == JV_ERROR) ok = false;
    }
    if (ok && jv && a.u.l->len && b.u.l->len) {
        value ta, tb, x = a.u.l->items[0], y = b.u.l->items[0];
        if (fn_type(R, &x, 1, &ta)) {
            if (fn_type(R, &y, 1, &tb)) {
                if (strcmp(v_sp(ta), v_sp(tb)))
                    rt_warn(R, "Mismatched Types: input set has elements of type '%s' but arg set has elements of type '%s'. "
                               "Use |map filter to convert sets to the same type for filter to work correctly.", v_sp(ta), v_sp(tb));
                val_drop(R, tb);
            }
            val_drop(R, ta);
        }
        ok = !R->err_kind;
    }
    /* membership indexes of both sides */
    for (size_t i = 0; ok && i < a.u.l->len; i++) ok = index_add(R, ia, a.u.l->items[i]);
    for (size_t i = 0; ok && i < b.u.l->len; i++) ok = index_add(R, ib, b.u.l->items[i]);
    for (size_t i = 0; ok && i < a.u.l->len; i++) {
        value x = a.u.l->items[i];
        bool inb = set_has(ib, b.u.l->items, b.u.l->len, x, jv);
        if (op == 0 || (op == 1 && inb) || (op >= 2 && !inb)) ok = set_add(R, res, idx, x, jv);
    }
    for (size_t i = 0; ok && (op == 0 || op == 3) && i < b.u.l->len; i++) {
        value x = b.u.l->items[i];
        if (op == 0 || !set_has(ia, a.u.l->items, a.u.l->len, x, jv)) ok = set_add(R, res, idx, x, jv);
    }
    if (a.t != JV_ERROR) val_drop(R, a);
    if (b.t != JV_ERROR) val_drop(R, b);
    if (ia.t != JV_ERROR) val_drop(R, ia);
    if (ib.t != JV_ERROR) val_drop(R, ib);
    if (idx.t != JV_ERROR) val_drop(R, idx);
    if (!ok) { if (res.t != JV_ERROR) val_drop(R, res); return false; }
    *out = res;
    return true;
}

BI_EXT(flt_union) { return set_op(R, args, 0, out); }
BI_EXT(flt_intersect) { return set_op(R, args, 1, out); }
BI_EXT(flt_difference) { return set_op(R, args, 2, out); }
BI_EXT(flt_symmetric_difference) { return set_op(R, args, 3, out); }

/* ======================================================================================
 * truncatehtml
 * ====================================================================================== */

static bool void_tag(const char *n, size_t l)
{
    static const char *const v[] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                    "param", "source", "track", "wbr"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strlen(v[i]) == l && !strncasecmp(v[i], n, l)) return true;
    return false;
}

/* truncatehtml(length=255, end='...', breakword=False) — the visible text cut to length
 * characters (at a word boundary unless breakword), end appended, and every tag still open
 * at the cut closed, so the markup stays well formed. Entities count as one character. */
BI_EXT(flt_truncatehtml)
{
    int64_t length = 255;
    if (!arg_int(R, args, 1, 255, &length, "length")) return false;
    const char *end;
    size_t el;
    if (!arg_str(R, args, 2, "...", &end, &el, "end")) return false;
    bool breakword = arg_bool(R, args, 3, false);
    if (R->err_kind) return false;
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    const char *p = v_sp(s);
    size_t len = v_sl(s), i = 0;
    int64_t seen = 0;
    /* the stack of open tag names, as offsets into p */
    size_t stk_cap = 32, nstk = 0;
    size_t (*stk)[2] = rt_alloc(R, NULL, 0, stk_cap * sizeof *stk);
    jbuf b = {0};
    bool ok = stk != NULL, cut = false;
    while (ok && i < len) {
        if (p[i] == '<') {
            const char *gt = memchr(p + i, '>', len - i);
            if (!gt) { ok = buf_put(R, &b, p + i, len - i); break; }
            size_t te = (size_t)(gt - p) + 1;
            size_t ns = i + 1;
            bool closing = ns < te && p[ns] == '/';
            if (closing) ns++;
            size_t ne = ns;
            while (ne < te && (isalnum((unsigned char)p[ne]) || p[ne] == '-' || p[ne] == ':')) ne++;
            bool selfclose = te >= 2 && p[te - 2] == '/';
            if (ne > ns && p[i + 1] != '!') {
                if (closing) {
                    for (size_t k = nstk; k-- > 0;)
                        if (stk[k][1] - stk[k][0] == ne - ns && !strncasecmp(p + stk[k][0], p + ns, ne - ns)) { nstk = k; break; }
                } else if (!selfclose && !void_tag(p + ns, ne - ns)) {
                    if (nstk == stk_cap) {
                        void *n2 = rt_alloc(R, stk, stk_cap * sizeof *stk, 2 * stk_cap * sizeof *stk);
                        if (!n2) { ok = false; break; }
                        stk = n2;
                        stk_cap *= 2;
                    }
                    stk[nstk][0] = ns;
                    stk[nstk][1] = ne;
                    nstk++;
                }
            }
            ok = buf_put(R, &b, p + i, te - i);
            i = te;
            continue;
        }
        /* a text run up to the next tag */
        size_t te = i;
        while (te < len && p[te] != '<') te++;
        size_t k = i;
        while (k < te && seen < length) {
            if (p[k] == '&') {
                size_t sc = k + 1;
                while (sc < te && sc - k < 12 && p[sc] != ';' && p[sc] != ' ' && p[sc] != '&') sc++;
                k = sc < te && p[sc] == ';' ? sc + 1 : k + 1;
            } else {
                k++;
                while (k < te && ((unsigned char)p[k] & 0xC0) == 0x80) k++;
            }
            seen++;
        }
        if (k < te) { /* the limit falls inside this run */
            size_t c = k;
            if (!breakword && c < te && p[c] != ' ') {
                size_t w = c;
                while (w > i && p[w - 1] != ' ') w--;
                if (w > i) c = w - 1; /* before the space */
                else c = b.len ? i : c;
            }
            while (c > i && p[c - 1] == ' ') c--;
            ok = buf_put(R, &b, p + i, c - i) && buf_put(R, &b, end, el);
            cut = true;
            break;
        }
        ok = buf_put(R, &b, p + i, te - i);
        i = te;
    }
    if (ok && cut)
        for (size_t k = nstk; ok && k-- > 0;)
            ok = buf_puts(R, &b, "</") && buf_put(R, &b, p + stk[k][0], stk[k][1] - stk[k][0]) && buf_putc(R, &b, '>');
    if (stk) rt_alloc(R, stk, stk_cap * sizeof *stk, 0);
    bool safe = s.f & JV_SAFE;
    val_drop(R, s);
    if (!str_out(R, out, &b, ok)) return false;
    if (safe) out->f |= JV_SAFE;
    return true;
}

/* ======================================================================================
 * ipaddr, ipv4, ipv6 (Ansible's filters, the common queries)
 * ====================================================================================== */

typedef struct {
    int fam;              /* 4 or 6 */
    unsigned char a[16];
    int prefix;           /* -1 when not given */
} ipnet;

static bool parse_ip(const char *s, size_t n, ipnet *ip)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *slash = strchr(tmp, '/');
    ip->prefix = -1;
    if (slash) {
        *slash = 0;
        char *e;
        long pl = strtol(slash + 1, &e, 10);
        if (!slash[1] || *e || pl < 0 || pl > 128) return false;
        ip->prefix = (int)pl;
    }
    memset(ip->a, 0, sizeof ip->a);
    if (inet_pton(AF_INET, tmp, ip->a) == 1) { ip->fam = 4; return ip->prefix <= 32; }
    if (inet_pton(AF_INET6, tmp, ip->a) == 1) { ip->fam = 6; return true; }
    return false;
}

static bool put_addr(jrt *R, jbuf *b, const ipnet *ip)
{
    char t[INET6_ADDRSTRLEN];
    inet_ntop(ip->fam == 4 ? AF_INET : AF_INET6, ip->a, t, sizeof t);
    return buf_puts(R, b, t);
}

static bool is_private(const ipnet *ip)
{
    const unsigned char *a = ip->a;
    if (ip->fam == 4)
        return a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168)
            || a[0] == 127 || (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (a[1] & 0xC0) == 64);
    static const unsigned char lo[16] = {[15] = 1};
    return (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) || !memcmp(a, lo, 16);
}

/* one query on one value: a value to keep (owned), or false (the bool) when it does not
 * apply; JV_ERROR on error */
static value ip_query(jrt *R, value v, const char *q, size_t ql, int want_fam)
{
    ipnet ip;
    if (v.t != JV_STR || !parse_ip(v_sp(v), v_sl(v), &ip) || (want_fam && ip.fam != want_fam)) return v_bool(false);
    int bits = ip.fam == 4 ? 32 : 128;
    int pl = ip.prefix < 0 ? bits : ip.prefix;
    jbuf b = {0};
    bool ok = true;
#define Q(name) (ql == strlen(name) && !memcmp(q, name, ql))
    if (ql == 0) return val_dup(v);
    if (Q("address")) ok = put_addr(R, &b, &ip);
    else if (Q("prefix")) return v_int(pl);
    else if (Q("version")) return v_int(ip.fam);
    else if (Q("private")) return is_private(&ip) ? val_dup(v) : v_bool(false);
    else if (Q("public")) return !is_private(&ip) ? val_dup(v) : v_bool(false);
    else if (Q("network") || Q("broadcast") || Q("netmask") || Q("hostmask")) {
        ipnet m = ip;
        for (int k = 0; k < bits / 8; k++) {
            int left = pl - 8 * k;
            unsigned char mask = left >= 8 ? 0xFF : left <= 0 ? 0 : (unsigned char)(0xFF << (8 - left));
            if (Q("network")) m.a[k] = ip.a[k] & mask;
            else if (Q("broadcast")) m.a[k] = ip.a[k] | (unsigned char)~mask;
            else if (Q("netmask")) m.a[k] = mask;
            else m.a[k] = (unsigned char)~mask;
        }
        ok = put_addr(R, &b, &m);
    } else {
        rt_error(R, JINN_ERR_VALUE, "ipaddr: unknown query '%.*s'", (int)ql, q);
        return v_err();
    }
#undef Q
    if (!ok) { buf_free(R, &b); return v_err(); }
    return v_str_from_buf(R, &b);
}

static bool ip_filter(jrt *R, value *args, int fam, value *out)
{
    const char *q;
    size_t ql;
    if (!arg_str(R, args, 1, "", &q, &ql, "query")) return false;
    value v = args[0];
    if (v.t != JV_LIST) { *out = ip_query(R, v, q, ql, fam); return out->t != JV_ERROR; }
    /* a list: the results that apply */
    *out = v_list(R, 0);
    if (out->t == JV_ERROR) return false;
    for (size_t i = 0; i < v.u.l->len; i++) {
        value r = ip_query(R, v.u.l->items[i], q, ql, fam);
        if (r.t == JV_ERROR) { val_drop(R, *out); return false; }
        if (r.t == JV_BOOL && !r.u.b) continue;
        if (!list_push(R, out->u.l, r)) { val_drop(R, *out); return false; }
    }
    return true;
}

/* ipaddr(query='') — the value when it is an IP address or network (false otherwise), or
 * one of its parts: address prefix version network broadcast netmask hostmask private
 * public. On a list: the values that qualify. */
BI_EXT(flt_ipaddr) { return ip_filter(R, args, 0, out); }
BI_EXT(flt_ipv4) { return ip_filter(R, args, 4, out); }
BI_EXT(flt_ipv6) { return ip_filter(R, args, 6, out); }

/* ======================================================================================
 * Functions: type, lipsum
 * ====================================================================================== */

/* type(x) — Jinjava's type names */
BI_EXT(fn_type)
{
    value v = args[0];
    const char *t;
    switch (v.t) {
    case JV_INT: t = v.u.i >= INT32_MIN && v.u.i <= INT32_MAX ? "int" : "long"; break;
    case JV_FLOAT: t = "float"; break;
    case JV_STR: t = "str"; break;
    case JV_LIST: t = "list"; break;
    case JV_DICT: t = "dict"; break;
    case JV_BOOL: t = "bool"; break;
    case JV_NONE: case JV_UNDEF: t = "null"; break;
    default: t = "unknown"; break;
    }
    *out = v_cstr(R, t);
    return out->t != JV_ERROR;
}

/* Jinja2's LOREM_IPSUM_WORDS */
static const char lorem_words[] =
    "a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at auctor augue bibendum blandit "
    "class commodo condimentum congue consectetuer consequat conubia convallis cras cubilia cum curabitur curae "
    "cursus dapibus diam dictum dictumst dignissim dis dolor donec dui duis egestas eget eleifend elementum elit "
    "enim erat eros est et etiam eu euismod facilisi facilisis fames faucibus felis fermentum feugiat fringilla "
    "fusce gravida habitant habitasse hac hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum "
    "ipsum justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem luctus maecenas magna magnis "
    "malesuada massa mattis mauris metus mi molestie mollis montes morbi mus nam nascetur natoque nec neque netus "
    "nibh nisi nisl non nonummy nostra nulla nullam nunc odio orci ornare parturient pede pellentesque penatibus "
    "per pharetra phasellus placerat platea porta porttitor posuere potenti praesent pretium primis proin pulvinar "
    "purus quam quis quisque rhoncus ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus "
    "sit sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor tempus tincidunt torquent "
    "tortor tristique turpis ullamcorper ultrices ultricies urna ut varius vehicula vel velit venenatis vestibulum "
    "vitae vivamus viverra volutpat vulputate";

/* lipsum(n=5, html=True, min=20, max=100) — Jinja2's generate_lorem_ipsum, drawing from the
 * per-render generator (so a seeded render is reproducible) */
BI_EXT(fn_lipsum)
{
    int64_t n, mn, mx;
    if (!arg_int(R, args, 0, 5, &n, "n") || !arg_int(R, args, 2, 20, &mn, "min") || !arg_int(R, args, 3, 100, &mx, "max"))
        return false;
    bool html = arg_bool(R, args, 1, true);
    if (R->err_kind) return false;
    if (n > 1000 || mx > 100000) return rt_error(R, JINN_ERR_LIMIT, "lipsum: too much text (n <= 1000, max <= 100000)");
    const char *w[200];
    size_t wl[200], nw = 0;
    for (const char *p = lorem_words; *p && nw < 200;) {
        const char *q = strchr(p, ' ');
        size_t l = q ? (size_t)(q - p) : strlen(p);
        w[nw] = p;
        wl[nw++] = l;
        p += l + (q ? 1 : 0);
    }
    jbuf b = {0};
    bool ok = true;
    for (int64_t k = 0; ok && k < n; k++) {
        bool next_cap = true;
        int64_t last_comma = 0, last_fullstop = 0;
        size_t last = SIZE_MAX;
        jbuf p = {0};
        /* randrange(min, max): an empty range is Python's ValueError */
        if (mx <= mn) { ok = rt_error(R, JINN_ERR_VALUE, "empty range for randrange() (%lld, %lld)", (long long)mn, (long long)mx); break; }
        int64_t count = mn + (int64_t)rt_random(R, (uint64_t)(mx - mn));
        for (int64_t i = 0; ok && i < count; i++) {
            size_t word;
            do word = (size_t)rt_random(R, nw); while (word == last);
            last = word;
            if (p.len) ok = buf_putc(R, &p, ' ');
            if (ok && next_cap) {
                ok = buf_putc(R, &p, (char)(w[word][0] - 32)) && buf_put(R, &p, w[word] + 1, wl[word] - 1);
                next_cap = false;
            } else if (ok) {
                ok = buf_put(R, &p, w[word], wl[word]);
            }
            if (ok && i - (3 + (int64_t)rt_random(R, 5)) > last_comma) { /* add commas */
                last_comma = i;
                last_fullstop += 2;
                ok = buf_putc(R, &p, ',');
            }
            if (ok && i - (10 + (int64_t)rt_random(R, 10)) > last_fullstop) { /* end of sentences */
                last_comma = last_fullstop = i;
                ok = buf_putc(R, &p, '.');
                next_cap = true;
            }
        }
        if (ok && p.len && p.p[p.len - 1] == ',') p.p[p.len - 1] = '.';
        else if (ok && (!p.len || p.p[p.len - 1] != '.')) ok = buf_putc(R, &p, '.');
        if (ok) {
            if (html) ok = (k ? buf_puts(R, &b, "\n") : true) && buf_puts(R, &b, "<p>") && buf_put(R, &b, p.p, p.len) && buf_puts(R, &b, "</p>");
            else ok = (k ? buf_puts(R, &b, "\n\n") : true) && buf_put(R, &b, p.p, p.len);
        }
        buf_free(R, &p);
    }
    if (!ok) { buf_free(R, &b); return false; }
    if (!b.p && !buf_puts(R, &b, "")) return false;
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    if (html) out->f |= JV_SAFE;
    return true;
}
