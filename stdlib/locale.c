/*
 * locale.c — locale-aware number formatting through ICU (the C API, unum_*): the jinjava
 * profile's format_number filter, and the locale helper dates.c shares.
 *
 * ICU carries CLDR's data, which is what java.text.NumberFormat formats with since Java 9
 * (the CLDR locale provider), so `1234.5|format_number('de-DE')` is "1.234,5" here as there.
 * Every call opens and closes its own formatter: no cache, no global state (renders run on
 * many threads; ICU's own data cache is thread-safe).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uloc.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "ext.h"

/* A Java language tag ("en-US", "de", "pt_BR") as an ICU locale id in id[0..n-1]; an
 * absent, none or empty argument gives dflt. False + error for a tag ICU cannot read. */
bool loc_from_arg(jrt *R, value v, const char *dflt, char *id, size_t n, const char *fn)
{
    if (v.t == JV_ABSENT || v.t == JV_NONE || v.t == JV_UNDEF || (v.t == JV_STR && !v_sl(v))) {
        snprintf(id, n, "%s", dflt);
        return true;
    }
    if (v.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "%s: the locale must be a string, not '%s'", fn, val_type_name(v));
    char tag[64];
    size_t len = v_sl(v);
    if (len >= sizeof tag) return rt_error(R, JINN_ERR_VALUE, "%s: unknown locale '%.40s'", fn, v_sp(v));
    for (size_t i = 0; i < len; i++) tag[i] = v_sp(v)[i] == '_' ? '-' : v_sp(v)[i];
    tag[len] = 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(tag, id, (int32_t)n, &parsed, &st);
    if (U_FAILURE(st) || parsed != (int32_t)len) return rt_error(R, JINN_ERR_VALUE, "%s: unknown locale '%s'", fn, v_sp(v));
    return true;
}

/* UTF-16 from ICU to a string value */
bool loc_utf16_out(jrt *R, const UChar *u, int32_t ulen, value *out)
{
    char small[256];
    int32_t need = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strToUTF8(small, (int32_t)sizeof small, &need, u, ulen, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return rt_error(R, JINN_ERR_VALUE, "text conversion failed");
    if (need < (int32_t)sizeof small) { *out = v_str(R, small, (size_t)need); return out->t != JV_ERROR; }
    char *big = rt_alloc(R, NULL, 0, (size_t)need + 1);
    if (!big) return false;
    st = U_ZERO_ERROR;
    u_strToUTF8(big, need + 1, NULL, u, ulen, &st);
    *out = v_str(R, big, (size_t)need);
    rt_alloc(R, big, (size_t)need + 1, 0);
    return out->t != JV_ERROR;
}

/* The number text DecimalFormat.parse reads from Objects.toString(var) with the default
 * (en_US) symbols: an optional sign, digits with ',' grouping, an optional '.' and
 * fraction; it stops at the first other character and fails when no digit came first.
 * Writes a plain decimal ("-1234.50") to dec and the fraction's digit count (the
 * BigDecimal's scale) to *scale. */
static bool parse_decimal(const char *s, size_t n, char *dec, size_t cap, int *scale)
{
    size_t i = 0, o = 0;
    *scale = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) { if (s[i] == '-') dec[o++] = '-'; i++; }
    bool digit = false;
    for (; i < n && (isdigit((unsigned char)s[i]) || (s[i] == ',' && digit)); i++) {
        if (s[i] == ',') continue;
        if (o + 2 >= cap) return false;
        dec[o++] = s[i];
        digit = true;
    }
    if (!digit) return false;
    if (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
        dec[o++] = '.';
        for (i++; i < n && isdigit((unsigned char)s[i]); i++) {
            if (o + 2 >= cap) return false;
            dec[o++] = s[i];
            (*scale)++;
        }
    }
    dec[o] = 0;
    return true;
}

/* format_number(locale=the page's (en-US), max_decimal_precision) —
 * lib/filter/FormatNumberFilter.java: the input's string form parsed as a BigDecimal, then
 * NumberFormat.getNumberInstance(locale) with at most min(scale, precision) fraction digits
 * (HALF_EVEN, Java's and ICU's default). Input that is not a number comes back unchanged,
 * with Jinjava's warning "Input value '...' could not be parsed." */
BI_EXT(flt_format_number)
{
    char loc[ULOC_FULLNAME_CAPACITY];
    if (!loc_from_arg(R, ARG_GIVEN(1) ? args[1] : v_none(), "en_US", loc, sizeof loc, "format_number")) return false;
    int64_t prec = -1;
    if (ARG_GIVEN(2) && args[2].t != JV_NONE && !arg_int(R, args, 2, 0, &prec, "max_decimal_precision")) return false;
    value v = args[0];
    jbuf t = {0};
    if (v.t != JV_UNDEF && v.t != JV_NONE && !print_str(R, &t, v)) { buf_free(R, &t); return false; }
    char dec[400];
    int scale;
    if (!parse_decimal(t.p ? t.p : "", t.len, dec, sizeof dec, &scale)) {
        rt_warn(R, "format_number: Input value '%s' could not be parsed.", t.p ? t.p : "null");
        buf_free(R, &t);
        *out = v.t == JV_UNDEF ? v_none() : val_dup(v);
        return true;
    }
    buf_free(R, &t);
    int digits = prec >= 0 && prec < scale ? (int)prec : scale;
    UErrorCode st = U_ZERO_ERROR;
    UNumberFormat *nf = unum_open(UNUM_DECIMAL, NULL, 0, loc, NULL, &st);
    if (U_FAILURE(st)) return rt_error(R, JINN_ERR_VALUE, "format_number: no number format for locale '%s'", loc);
    unum_setAttribute(nf, UNUM_MAX_FRACTION_DIGITS, digits);
    unum_setAttribute(nf, UNUM_ROUNDING_MODE, UNUM_ROUND_HALFEVEN);
    UChar buf[512];
    int32_t len = unum_formatDecimal(nf, dec, -1, buf, 512, NULL, &st);
    unum_close(nf);
    if (U_FAILURE(st)) return rt_error(R, JINN_ERR_VALUE, "format_number: cannot format '%s'", dec);
    return loc_utf16_out(R, buf, len, out);
}
