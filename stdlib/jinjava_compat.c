/*
 * jinjava_compat.c — the jinjava profile's own versions of filters both dialects have, where
 * Jinjava 2.8 computes something else than Jinja2 (truncate, slice, filesizeformat), and the
 * small Jinjava-only builtins: closehtml, allow_snake_case, and the functions list() and
 * immutable_list().
 *
 * The Jinja2 filters (filters.c, filters_text.c) call the jv_* bodies here when
 * R->profile is the jinjava one, so each table keeps one row per name. Each function names
 * the Jinjava source it follows (paths in HubSpot's jinjava repository). Jinjava's "simple"
 * filters receive their arguments as strings (lib/filter/Filter.java), which is why fill
 * values come back as their string form.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext.h"

/* a Java String's toString of an argument (null stays null: *s NULL) */
static bool arg_text(jrt *R, value v, value *s)
{
    if (v.t == JV_ABSENT || v.t == JV_NONE || v.t == JV_UNDEF) { *s = v_none(); return true; }
    *s = val_to_str(R, v);
    return s->t != JV_ERROR;
}

/* Integer.parseInt(Objects.toString(v)), or dflt when that fails */
static int64_t parse_int_or(value v, int64_t dflt)
{
    if (v.t == JV_INT) return v.u.i;
    if (v.t != JV_STR || !v_sl(v)) return dflt;
    char *end;
    long long x = strtoll(v_sp(v), &end, 10);
    return *end ? dflt : (int64_t)x;
}

/* BooleanUtils.toBoolean(String): true, on, yes, y, t in any case */
static bool java_bool(jrt *R, value v)
{
    if (v.t == JV_BOOL) return v.u.b;
    value s;
    if (!arg_text(R, v, &s) || s.t != JV_STR) return false;
    static const char *const yes[] = {"true", "on", "yes", "y", "t"};
    bool r = false;
    for (int i = 0; i < 5 && !r; i++) r = strcasecmp(v_sp(s), yes[i]) == 0;
    val_drop(R, s);
    return r;
}

/* ======================================================================================
 * truncate(length=255, killwords=false, end='...') — lib/fn/Functions.java truncate():
 * only strings longer than length are cut, the end is added after the cut (not counted in
 * length), and without killwords the cut moves back to just after the last whitespace
 * (movePointerToJustBeforeLastWord). Lengths count code points (Java counts UTF-16 units:
 * they differ only outside the BMP). Other values come back unchanged.
 * ====================================================================================== */
bool jv_truncate(jrt *R, value *args, value *out)
{
    value s = args[0];
    if (s.t != JV_STR) { *out = s.t == JV_UNDEF ? v_none() : val_dup(s); return true; }
    int64_t length = ARG_GIVEN(1) ? parse_int_or(args[1], 255) : 255;
    bool killwords = ARG_GIVEN(2) && java_bool(R, args[2]);
    value end = v_none();
    if (ARG_GIVEN(3) && !arg_text(R, args[3], &end)) return false;
    size_t n;
    if (!lib_utf8_len(R, v_sp(s), v_sl(s), &n)) { val_drop(R, end); return false; }
    if ((int64_t)n <= length) { val_drop(R, end); *out = val_dup(s); return true; }
    const char *p = v_sp(s);
    size_t len = v_sl(s), i = 0;
    int32_t cp;
    int64_t cut = length < 0 ? 0 : length;
    for (int64_t k = 0; k < cut && i < len; k++) lib_utf8_next(R, p, len, &i, &cp); /* valid: measured above */
    if (!killwords) { /* movePointerToJustBeforeLastWord: back to the last whitespace before the cut */
        int64_t ptr = cut;
        while (ptr > 0 && ptr < (int64_t)n) {
            do i--; while (i > 0 && ((unsigned char)p[i] & 0xC0) == 0x80);
            size_t j = i;
            lib_utf8_next(R, p, len, &j, &cp);
            ptr--;
            if (lib_isspace(cp)) break;
        }
        /* cut = ptr + 1: one code point past the whitespace (or past the first one) */
        if (ptr < (int64_t)n) lib_utf8_next(R, p, len, &i, &cp);
    }
    jbuf b = {0};
    bool ok = buf_put(R, &b, p, i) && (end.t == JV_STR ? buf_put(R, &b, v_sp(end), v_sl(end))
                                                       : ARG_GIVEN(3) ? buf_puts(R, &b, "null") : buf_puts(R, &b, "..."));
    val_drop(R, end);
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    return out->t != JV_ERROR;
}

/* ======================================================================================
 * slice(n, fill_with) — lib/filter/SliceFilter.java: chunks of n items (like batch), the
 * last one padded with the fill value's string form when one is given; an empty input
 * gives [] with or without a fill value. n <= 0 is an error.
 * ====================================================================================== */
bool jv_slice(jrt *R, value *args, value *out)
{
    int64_t n = parse_int_or(args[1], 3);
    if (n <= 0) return rt_error(R, JINN_ERR_VALUE, "slice: the number of items per slice must be positive, not %lld", (long long)n);
    value items = op_jv_iter(R, args[0]);
    if (items.t == JV_ERROR) return false;
    value fill = v_absent();
    if (ARG_GIVEN(2) && !arg_text(R, args[2], &fill)) { val_drop(R, items); return false; }
    jlist *l = items.u.l;
    *out = v_list(R, 0);
    bool ok = out->t != JV_ERROR;
    value cur = v_none();
    for (size_t i = 0; ok && i < l->len; i++) {
        if (i % (uint64_t)n == 0) {
            cur = v_list(R, 0);
            ok = cur.t != JV_ERROR && list_push(R, out->u.l, cur);
        }
        if (ok) ok = list_push(R, cur.u.l, val_dup(l->items[i]));
    }
    if (ok && fill.t != JV_ABSENT && cur.t == JV_LIST)
        while (ok && (int64_t)cur.u.l->len < n) ok = list_push(R, cur.u.l, val_dup(fill));
    val_drop(R, fill);
    val_drop(R, items);
    if (!ok) { if (out->t != JV_ERROR) val_drop(R, *out); *out = v_none(); }
    return ok;
}

/* ======================================================================================
 * filesizeformat(binary=false) — lib/filter/FileSizeFormatFilter.java: the size as a Java
 * float (NumberUtils.toFloat, 0 when not a number), units KB MB GB ... or KiB MiB ..., the
 * unit computed as (int) Math.pow(base, i + 2), which saturates at Integer.MAX_VALUE from
 * the third unit on (so 5 GB prints as "2.3 GB": Jinjava's arithmetic, kept), and
 * String.format("%.1f") of the float quotient.
 * ====================================================================================== */
bool jv_filesizeformat(jrt *R, value *args, value *out)
{
    value t;
    if (!arg_text(R, args[0], &t)) return false;
    float bytes = 0;
    if (t.t == JV_STR) {
        char *end;
        const char *s = v_sp(t);
        double d = strtod(s, &end);
        if (end != s && !*end && !isspace((unsigned char)*s)) bytes = (float)d;
    }
    val_drop(R, t);
    jbuf b = {0};
    bool ok;
    if (bytes == 1) ok = buf_puts(R, &b, "1 Byte");
    else {
        bool binary = ARG_GIVEN(1) && java_bool(R, args[1]);
        int base = binary ? 1024 : 1000;
        static const char *const dec[] = {"KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
        static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
        if (bytes < (float)base) ok = buf_printf(R, &b, "%d Bytes", isnan(bytes) ? 0 : bytes < -2147483648.0f ? INT32_MIN : (int)bytes);
        else {
            int unit = 1, i;
            for (i = 0; i < 8; i++) {
                double u = pow(base, i + 2);
                unit = u >= 2147483647.0 ? 2147483647 : (int)u; /* Java's (int) cast saturates */
                if (bytes < (float)unit) break;
            }
            if (i == 8) i = 7;
            volatile float q = (float)base * bytes; /* float arithmetic, as Java's */
            q = q / (float)unit;
            ok = buf_printf(R, &b, "%.1f %s", (double)q, binary ? bin[i] : dec[i]);
        }
    }
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    return out->t != JV_ERROR;
}

/* ======================================================================================
 * closehtml — lib/filter/CloseHtmlFilter.java (jsoup's Jsoup.parseBodyFragment(s).body()
 * .html()): closes the tags left open at the end. jinn closes every element still open, in
 * reverse order, skipping void elements (br, img, ...), and drops stray closing tags;
 * jsoup's re-serialisation of the rest (attribute quoting, entity normalisation) is not
 * reproduced.
 * ====================================================================================== */
static bool void_element(const char *n, size_t len)
{
    static const char *const v[] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                                    "meta", "param", "source", "track", "wbr"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strlen(v[i]) == len && !strncasecmp(v[i], n, len)) return true;
    return false;
}

BI_EXT(flt_closehtml)
{
    value s = args[0];
    if (s.t != JV_STR) { *out = s.t == JV_UNDEF ? v_none() : val_dup(s); return true; }
    const char *p = v_sp(s), *e = p + v_sl(s);
    struct { const char *n; size_t len; } open[64];
    int nopen = 0;
    jbuf b = {0};
    bool ok = true;
    while (ok && p < e) {
        const char *lt = memchr(p, '<', (size_t)(e - p));
        if (!lt) { ok = buf_put(R, &b, p, (size_t)(e - p)); break; }
        ok = buf_put(R, &b, p, (size_t)(lt - p));
        const char *gt = memchr(lt, '>', (size_t)(e - lt));
        if (!gt) { p = e; break; } /* an unfinished tag is dropped, as jsoup does */
        bool closing = lt[1] == '/';
        const char *n = lt + 1 + closing, *ne = n;
        while (ne < gt && (isalnum((unsigned char)*ne) || *ne == '-')) ne++;
        size_t nl = (size_t)(ne - n);
        bool selfclose = gt[-1] == '/';
        if (!nl || lt[1] == '!') { if (ok) ok = buf_put(R, &b, lt, (size_t)(gt - lt + 1)); }
        else if (closing) {
            int k = nopen - 1;
            while (k >= 0 && !(open[k].len == nl && !strncasecmp(open[k].n, n, nl))) k--;
            if (k >= 0) { /* close what was opened after it too */
                while (ok && nopen > k + 1) { nopen--; ok = buf_printf(R, &b, "</%.*s>", (int)open[nopen].len, open[nopen].n); }
                nopen = k;
                if (ok) ok = buf_put(R, &b, lt, (size_t)(gt - lt + 1));
            }
        } else {
            if (ok) ok = buf_put(R, &b, lt, (size_t)(gt - lt + 1));
            if (!selfclose && !void_element(n, nl)) {
                if (nopen == 64) { buf_free(R, &b); return rt_error(R, JINN_ERR_LIMIT, "closehtml: elements nested more than 64 deep"); }
                open[nopen].n = n;
                open[nopen++].len = nl;
            }
        }
        p = gt + 1;
    }
    while (ok && nopen > 0) { nopen--; ok = buf_printf(R, &b, "</%.*s>", (int)open[nopen].len, open[nopen].n); }
    if (ok && !b.p) ok = buf_puts(R, &b, "");
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    if (out->t == JV_ERROR) return false;
    out->f |= s.f & JV_SAFE;
    return true;
}

/* render — lib/filter/RenderFilter.java (interpreter.renderFlat(string)): the string rendered
 * as a template now, with the variables the caller sees; other values come back as they are */
BI_EXT(flt_render)
{
    value s = args[0];
    if (s.t != JV_STR) { *out = s.t == JV_UNDEF ? v_none() : val_dup(s); return true; }
    return op_render_string(R, v_sp(s), v_sl(s), out);
}

/* allow_snake_case — lib/filter/AllowSnakeCaseFilter.java: wraps a map so that Java bean
 * properties can be read in snake_case. jinn's dicts are read by their own keys already, so
 * the value comes back as it is. */
BI_EXT(flt_allow_snake_case)
{
    (void)R;
    *out = args[0].t == JV_UNDEF ? v_none() : val_dup(args[0]);
    return true;
}

/* ======================================================================================
 * list(a, b, ...) / immutable_list(a, b, ...) — lib/fn/FunctionLibrary.java registers
 * Guava's Lists.newArrayList and Functions.immutableListOf (as fn:list / fn:immutable_list;
 * the lexer accepts the fn: prefix). A new list of the arguments; the immutable one is a
 * tuple, whose mutating methods fail. The jinja profile has no such globals (Jinja2: "'list'
 * is undefined").
 * ====================================================================================== */
static bool list_of_args(jrt *R, value *args, value *out, bool immutable, const char *name)
{
    if (R->profile != PROF_JINJAVA) return rt_error(R, JINN_ERR_UNDEFINED, "'%s' is undefined", name);
    jlist *a = args[0].u.l;
    *out = lib_list_of(R, a->items, a->len);
    if (out->t == JV_ERROR) return false;
    if (immutable) out->f |= JV_TUPLE;
    return true;
}

BI_EXT(fn_list) { return list_of_args(R, args, out, false, "list"); }
BI_EXT(fn_immutable_list) { return list_of_args(R, args, out, true, "immutable_list"); }
