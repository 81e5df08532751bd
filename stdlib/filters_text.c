/*
 * filters_text.c — the rest of Jinja2 3.1's filters: text layout (center indent truncate
 * wordwrap wordcount striptags urlize urlencode xmlattr filesizeformat forceescape pprint)
 * and sequences (attr batch slice groupby items reverse).
 *
 * Bodies are extern (ext.h) so that their rows sit in the one bi_filters[] table. Behaviour
 * is Jinja2's, checked against its output (tests/golden/gen_library2.py); where Jinja2 hands
 * work to Python (textwrap, pprint, html.unescape, urllib's quote), the algorithm is that
 * module's, transcribed. Lengths and cuts are in code points, as Python's str counts.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "bigint.h"
#include "ext.h"

/* ======================================================================================
 * Shared bits
 * ====================================================================================== */

/* The byte offset of every code point of s, plus len at the end: offs[i] .. offs[i+1] is
 * code point i. *n gets the code point count. The caller frees (n + 1) entries. */
static size_t *cp_offsets(jrt *R, const char *s, size_t len, size_t *n)
{
    size_t k;
    if (!lib_utf8_len(R, s, len, &k)) return NULL;
    size_t *o = rt_alloc(R, NULL, 0, (k + 1) * sizeof *o);
    if (!o) return NULL;
    size_t i = 0, j = 0;
    while (i < len) {
        o[j++] = i;
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    }
    o[j] = len;
    *n = k;
    return o;
}

static void free_offsets(jrt *R, size_t *o, size_t n) { if (o) rt_alloc(R, o, (n + 1) * sizeof *o, 0); }

static bool str_out(jrt *R, value *out, jbuf *b, bool ok, bool safe)
{
    if (!ok) { buf_free(R, b); return false; }
    *out = v_str_from_buf(R, b);
    if (out->t == JV_ERROR) return false;
    if (safe) out->f |= JV_SAFE;
    return true;
}

/* an int argument that Python would use as an index/count (int or bool) */
static bool int_arg(jrt *R, value v, int64_t *res, const char *fn)
{
    if (v.t == JV_INT) { *res = v.u.i; return true; }
    if (v.t == JV_BOOL) { *res = v.u.b; return true; }
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    return rt_error(R, JINN_ERR_TYPE, "%s: '%s' object cannot be interpreted as an integer", fn, val_type_name(v));
}

/* ======================================================================================
 * center, indent
 * ====================================================================================== */

/* center(value, width=80) — str.center: the odd space goes left when width is odd. */
BI_EXT(flt_center)
{
    int64_t width = 80;
    if (ARG_GIVEN(1) && !int_arg(R, args[1], &width, "center")) return false;
    if (width > 1000000) return rt_error(R, JINN_ERR_LIMIT, "center: width too large (limit 1000000)");
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    size_t n;
    if (!lib_utf8_len(R, v_sp(s), v_sl(s), &n)) { val_drop(R, s); return false; }
    if ((int64_t)n >= width) { *out = s; return true; }
    int64_t marg = width - (int64_t)n;
    int64_t left = marg / 2 + (marg & width & 1);
    jbuf b = {0};
    bool ok = buf_grow(R, &b, (size_t)marg + v_sl(s) + 1);
    for (int64_t i = 0; ok && i < left; i++) b.p[b.len++] = ' ';
    ok = ok && buf_put(R, &b, v_sp(s), v_sl(s));
    for (int64_t i = left; ok && i < marg; i++) b.p[b.len++] = ' ';
    if (ok) b.p[b.len] = 0;
    bool safe = s.f & JV_SAFE;
    val_drop(R, s);
    return str_out(R, out, &b, ok, safe);
}

/* indent(s, width=4, first=False, blank=False) — every line after the first that is not
 * blank gets the indentation (a string width is used as is). */
BI_EXT(flt_indent)
{
    value s = args[0];
    if (s.t == JV_UNDEF && !op_check_defined(R, s)) return false;
    if (s.t != JV_STR)
        return rt_error(R, JINN_ERR_TYPE, "unsupported operand type(s) for +=: '%s' and 'str'", val_type_name(s));
    /* indentfirst= is Jinjava's name (lib/filter/IndentFilter.java) and Jinja2 2.x's */
    if (ARG_GIVEN(4) && R->profile != PROF_JINJAVA)
        return rt_error(R, JINN_ERR_TYPE, "filter 'indent' got an unexpected keyword argument 'indentfirst'");
    bool first = arg_bool(R, args, ARG_GIVEN(4) ? 4 : 2, false), blank = arg_bool(R, args, 3, false);
    if (R->err_kind) return false;
    bool markup = s.f & JV_SAFE;
    jbuf ind = {0};
    bool ok = true;
    if (ARG_GIVEN(1) && args[1].t == JV_STR) {
        ok = buf_put(R, &ind, v_sp(args[1]), v_sl(args[1]));
    } else {
        int64_t w = 4;
        if (ARG_GIVEN(1)) {
            if (args[1].t != JV_INT && args[1].t != JV_BOOL)
                return rt_error(R, JINN_ERR_TYPE, "can't multiply sequence by non-int of type '%s'", val_type_name(args[1]));
            w = args[1].t == JV_INT ? args[1].u.i : args[1].u.b;
        }
        if (w > 100000) return rt_error(R, JINN_ERR_LIMIT, "indent: width too large (limit 100000)");
        for (int64_t i = 0; ok && i < w; i++) ok = buf_putc(R, &ind, ' ');
    }
    /* Markup(indention) marks the indentation safe as it is: no escaping */
    /* s + "\n", split into lines: the quirk makes a trailing newline survive */
    value lines = ok ? lib_splitlines(R, v_sp(s), v_sl(s)) : v_err();
    jbuf b = {0};
    if (lines.t == JV_ERROR) ok = false;
    else {
        jlist *l = lines.u.l;
        /* splitlines(s + "\n") gives the lines of s, plus "" when s ends with a line break */
        size_t nl = l->len, count = nl;
        if (v_sl(s) > 0) {
            const unsigned char *e = (const unsigned char *)v_sp(s) + v_sl(s);
            size_t L = v_sl(s);
            bool ends_break = e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\v' || e[-1] == '\f'
                || (e[-1] >= 0x1c && e[-1] <= 0x1e) || (L >= 2 && e[-2] == 0xC2 && e[-1] == 0x85)
                || (L >= 3 && e[-3] == 0xE2 && e[-2] == 0x80 && (e[-1] == 0xA8 || e[-1] == 0xA9));
            if (ends_break) count = nl + 1; /* the "" line after the final break */
        } else {
            count = 1; /* "\n".splitlines() == [''] */
        }
        if (first) ok = buf_put(R, &b, ind.p ? ind.p : "", ind.len);
        for (size_t i = 0; ok && i < count; i++) {
            value line = i < nl ? l->items[i] : v_none();
            const char *lp = i < nl ? v_sp(line) : "";
            size_t ll = i < nl ? v_sl(line) : 0;
            if (i > 0) ok = buf_putc(R, &b, '\n');
            if (ok && i > 0 && (blank || ll)) ok = buf_put(R, &b, ind.p ? ind.p : "", ind.len);
            if (ok) ok = buf_put(R, &b, lp, ll);
        }
        val_drop(R, lines);
    }
    buf_free(R, &ind);
    return str_out(R, out, &b, ok, markup);
}

/* ======================================================================================
 * truncate, wordcount
 * ====================================================================================== */

/* truncate(s, length=255, killwords=False, end='...', leeway=None→5) */
BI_EXT(flt_truncate)
{
    if (R->profile == PROF_JINJAVA) return jv_truncate(R, args, out);
    int64_t length = 255, leeway = 5;
    if (ARG_GIVEN(1) && !int_arg(R, args[1], &length, "truncate")) return false;
    bool killwords = arg_bool(R, args, 2, false);
    if (R->err_kind) return false;
    const char *end;
    size_t elen;
    if (!arg_str(R, args, 3, "...", &end, &elen, "end")) return false;
    if (ARG_GIVEN(4) && args[4].t != JV_NONE && !int_arg(R, args[4], &leeway, "truncate")) return false;
    size_t endn;
    if (!lib_utf8_len(R, end, elen, &endn)) return false;
    if (length < (int64_t)endn)
        return rt_error(R, JINN_ERR_VALUE, "expected length >= %zu, got %lld", endn, (long long)length);
    if (leeway < 0) return rt_error(R, JINN_ERR_VALUE, "expected leeway >= 0, got %lld", (long long)leeway);
    value s = args[0];
    if (s.t == JV_UNDEF) { /* len() of an undefined is 0 (StrictUndefined's fails): it comes back as it is */
        if (!rt_strict_ok(R, s)) return false;
        *out = val_dup(s);
        return true;
    }
    if (s.t != JV_STR) {
        if (s.t == JV_LIST && (int64_t)s.u.l->len - leeway <= length) { *out = val_dup(s); return true; }
        if (s.t == JV_DICT && (int64_t)s.u.m->len - leeway <= length) { *out = val_dup(s); return true; }
        if (s.t == JV_LIST || s.t == JV_DICT)
            return rt_error(R, JINN_ERR_TYPE, "can only concatenate %s (not \"str\") to %s", val_type_name(s), val_type_name(s));
        return rt_error(R, JINN_ERR_TYPE, "object of type '%s' has no len()", val_type_name(s));
    }
    size_t n, *o = cp_offsets(R, v_sp(s), v_sl(s), &n);
    if (!o) return false;
    /* n - leeway <= length: no overflow for any length (n and leeway are small or checked) */
    if ((int64_t)n - leeway <= length) { free_offsets(R, o, n); *out = val_dup(s); return true; }
    size_t keep = (size_t)(length - (int64_t)endn); /* code points */
    size_t cut = o[keep];
    free_offsets(R, o, n);
    if (!killwords) { /* rsplit(" ", 1)[0] */
        const char *p = v_sp(s);
        size_t k = cut;
        while (k > 0 && p[k - 1] != ' ') k--;
        if (k > 0) cut = k - 1;
    }
    bool safe = s.f & JV_SAFE;
    jbuf b = {0};
    bool ok = buf_put(R, &b, v_sp(s), cut);
    if (ok && safe) { /* Markup + str escapes the str */
        value e = lib_escape_str(R, end, elen);
        ok = e.t != JV_ERROR && buf_put(R, &b, v_sp(e), v_sl(e));
        if (e.t != JV_ERROR) val_drop(R, e);
    } else if (ok) {
        ok = buf_put(R, &b, end, elen);
    }
    return str_out(R, out, &b, ok, safe);
}

/* Python's \w: letters (L*), digits and numerics (N*), and the underscore */
static bool is_word_cp(int32_t c)
{
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return true;
    default: return false;
    }
}

/* wordcount(s) — the number of \w+ runs of str(s). */
BI_EXT(flt_wordcount)
{
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    size_t i = 0, n = 0;
    bool in = false, ok = true;
    while (i < v_sl(s)) {
        int32_t c;
        if (!lib_utf8_next(R, v_sp(s), v_sl(s), &i, &c)) { ok = false; break; }
        bool w = is_word_cp(c);
        if (w && !in) n++;
        in = w;
    }
    val_drop(R, s);
    if (!ok) return false;
    *out = v_int((int64_t)n);
    return true;
}

/* ======================================================================================
 * wordwrap: Python's textwrap.wrap (expand_tabs and replace_whitespace off), per line
 * ====================================================================================== */

/* textwrap's chunking regexes, with its whitespace set spelled out */
#define TW_WS "[\\t\\n\\x0b\\x0c\\r ]"
#define TW_NWS "[^\\t\\n\\x0b\\x0c\\r ]"
#define TW_WP "[\\w!\"'&.,?]"
#define TW_LT "[^\\d\\W]"
static const char tw_wordsep[] =
    "(" TW_WS "+"
    "|(?<=" TW_WP ")-{2,}(?=\\w)"
    "|" TW_NWS "+?(?:-(?:(?<=" TW_LT "{2}-)|(?<=" TW_LT "-" TW_LT "-))(?=" TW_LT "-?" TW_LT ")"
    "|(?=" TW_WS "|\\z)"
    "|(?<=" TW_WP ")(?=-{2,}\\w)))";
static const char tw_simple[] = "(" TW_WS "+)";

typedef struct { size_t a, b; size_t n; } chunk; /* bytes [a, b) of the line, n code points */

static bool is_blank_chunk(jrt *R, const char *s, chunk c)
{
    size_t i = c.a;
    while (i < c.b) {
        int32_t cp;
        if (!lib_utf8_next(R, s, c.b, &i, &cp)) return false;
        if (!lib_isspace(cp)) return false;
    }
    return true;
}

/* wrap one line (no line breaks inside) into b, lines joined by wrapstring */
static bool wrap_line(jrt *R, jbuf *b, re_prog *re, const char *s, size_t len, int64_t width,
                      bool break_long, bool break_hyph, const char *ws, size_t wsl, bool *first_out)
{
    /* split into chunks: the matches and the text between them, empties dropped */
    size_t cap = 16, n = 0;
    chunk *ch = rt_alloc(R, NULL, 0, cap * sizeof *ch);
    if (!ch) return false;
    bool ok = true;
    size_t pos = 0;
    while (ok && pos < len) {
        size_t ov[2];
        int m = re_match(R, re, s, len, pos, false, ov, 2);
        if (m < 0) { ok = false; break; }
        size_t ma = m ? ov[0] : len, mb = m ? ov[1] : len;
        chunk parts[2] = {{pos, ma, 0}, {ma, mb, 0}};
        for (int k = 0; k < 2; k++) {
            if (parts[k].b <= parts[k].a) continue;
            if (n == cap) {
                chunk *nc = rt_alloc(R, ch, cap * sizeof *ch, 2 * cap * sizeof *ch);
                if (!nc) { ok = false; break; }
                ch = nc;
                cap *= 2;
            }
            size_t cnt;
            if (!lib_utf8_len(R, s + parts[k].a, parts[k].b - parts[k].a, &cnt)) { ok = false; break; }
            parts[k].n = cnt;
            ch[n++] = parts[k];
        }
        if (!m || mb == pos) break;
        pos = mb;
    }
    /* textwrap._wrap_chunks, with the chunk list consumed from the front */
    size_t next = 0;
    bool any_line = false;
    chunk *cur = NULL;
    size_t ccap = 0;
    while (ok && next < n) {
        size_t ncur = 0, cur_len = 0;
        if (any_line && is_blank_chunk(R, s, ch[next])) next++;
        if (R->err_kind) { ok = false; break; }
        if (!cur) {
            ccap = n + 1;
            cur = rt_alloc(R, NULL, 0, ccap * sizeof *cur);
            if (!cur) { ok = false; break; }
        }
        while (next < n && (int64_t)(cur_len + ch[next].n) <= width) {
            cur[ncur++] = ch[next];
            cur_len += ch[next].n;
            next++;
        }
        if (next < n && (int64_t)ch[next].n > width) {
            /* _handle_long_word */
            int64_t space_left = width < 1 ? 1 : width - (int64_t)cur_len;
            if (break_long) {
                chunk c = ch[next];
                size_t end = (size_t)space_left; /* code points */
                if (break_hyph && c.n > (size_t)space_left) {
                    /* chunk.rfind('-', 0, space_left), and something not '-' before it */
                    size_t i = c.a, k = 0, hyph = SIZE_MAX;
                    bool nondash_before = false, nd_at_h = false;
                    while (i < c.b && k < (size_t)space_left) {
                        if (s[i] == '-') { hyph = k; nd_at_h = nondash_before; }
                        else nondash_before = true;
                        i++;
                        while (i < c.b && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
                        k++;
                    }
                    if (hyph != SIZE_MAX && hyph > 0 && nd_at_h) end = hyph + 1;
                }
                size_t i = c.a;
                for (size_t k = 0; k < end && i < c.b; k++) {
                    i++;
                    while (i < c.b && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
                }
                chunk head = {c.a, i, end < c.n ? end : c.n};
                cur[ncur++] = head;
                ch[next].a = i;
                ch[next].n = c.n - head.n;
                if (ch[next].a >= ch[next].b) next++;
            } else if (ncur == 0) {
                cur[ncur++] = ch[next++];
            }
        }
        if (ncur && is_blank_chunk(R, s, cur[ncur - 1])) ncur--;
        if (R->err_kind) { ok = false; break; }
        if (ncur) {
            if (!*first_out) ok = buf_put(R, b, ws, wsl);
            *first_out = false;
            for (size_t k = 0; ok && k < ncur; k++) ok = buf_put(R, b, s + cur[k].a, cur[k].b - cur[k].a);
            any_line = true;
        }
    }
    if (cur) rt_alloc(R, cur, ccap * sizeof *cur, 0);
    rt_alloc(R, ch, cap * sizeof *ch, 0);
    return ok;
}

/* wordwrap(s, width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True) */
BI_EXT(flt_wordwrap)
{
    int64_t width = 79;
    if (ARG_GIVEN(1) && !int_arg(R, args[1], &width, "wordwrap")) return false;
    bool break_long = arg_bool(R, args, 2, true), break_hyph = arg_bool(R, args, 4, true);
    if (R->err_kind) return false;
    const char *ws = "\n";
    size_t wsl = 1;
    if (ARG_GIVEN(3) && args[3].t != JV_NONE && !arg_str(R, args, 3, "\n", &ws, &wsl, "wrapstring")) return false;
    value s = args[0];
    if (s.t == JV_UNDEF && !op_check_defined(R, s)) return false;
    if (s.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "'%s' object has no attribute 'splitlines'", val_type_name(s));
    value lines = lib_splitlines(R, v_sp(s), v_sl(s));
    if (lines.t == JV_ERROR) return false;
    if (lines.u.l->len && width <= 0) {
        val_drop(R, lines);
        return rt_error(R, JINN_ERR_VALUE, "invalid width %lld (must be > 0)", (long long)width);
    }
    re_prog *re = re_compile(R, break_hyph ? tw_wordsep : tw_simple, PCRE2_ZERO_TERMINATED, 0);
    if (!re) { val_drop(R, lines); return false; }
    jbuf b = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < lines.u.l->len; i++) {
        value line = lines.u.l->items[i];
        if (i > 0) ok = buf_put(R, &b, ws, wsl);
        bool first = true;
        if (ok) ok = wrap_line(R, &b, re, v_sp(line), v_sl(line), width, break_long, break_hyph, ws, wsl, &first);
    }
    re_free(R, re);
    val_drop(R, lines);
    return str_out(R, out, &b, ok, false);
}

/* ======================================================================================
 * striptags (markupsafe's Markup.striptags: comments, tags, whitespace, html.unescape)
 * ====================================================================================== */

#include "html_entities.h"

static const char *entity_find(const char *name, size_t len)
{
    size_t lo = 0, hi = sizeof html5_entities / sizeof html5_entities[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *e = html5_entities[mid].name;
        int c = strncmp(e, name, len);
        if (c == 0 && e[len]) c = 1;
        if (c == 0) return html5_entities[mid].text;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

/* html.unescape's numeric fix-ups: the Windows-1252 C1 range, and code points it drops */
static int32_t invalid_charref(int64_t n)
{
    static const int32_t c1[32] = {
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};
    if (n == 0) return 0xFFFD;
    if (n == 0x0d) return '\r';
    if (n >= 0x80 && n <= 0x9f) return c1[n - 0x80];
    return -1;
}

static bool invalid_codepoint(int64_t n)
{
    return (n >= 0x1 && n <= 0x8) || n == 0xb || (n >= 0xe && n <= 0x1f) || (n >= 0x7f && n <= 0x9f)
        || (n >= 0xfdd0 && n <= 0xfdef) || (n & 0xFFFE) == 0xFFFE;
}

/* Python's html.unescape */
static bool html_unescape(jrt *R, jbuf *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t stop = amp ? (size_t)(amp - s) : len;
        if (!buf_put(R, b, s + i, stop - i)) return false;
        if (!amp) break;
        i = stop + 1;
        if (i < len && s[i] == '#') {
            size_t j = i + 1;
            bool hex = j < len && (s[j] == 'x' || s[j] == 'X');
            if (hex) j++;
            size_t d0 = j;
            int64_t num = 0;
            bool big = false;
            while (j < len && (hex ? isxdigit((unsigned char)s[j]) : isdigit((unsigned char)s[j]))) {
                int d = isdigit((unsigned char)s[j]) ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10;
                if (num > 0x10FFFF) big = true; else num = num * (hex ? 16 : 10) + d;
                j++;
            }
            if (j == d0) { if (!buf_putc(R, b, '&')) return false; continue; }
            if (j < len && s[j] == ';') j++;
            i = j;
            if (big) num = 0x110000;
            int32_t inv = invalid_charref(num);
            if (inv >= 0) { if (!lib_put_cp(R, b, inv)) return false; continue; }
            if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) { if (!lib_put_cp(R, b, 0xFFFD)) return false; continue; }
            if (invalid_codepoint(num)) continue;
            if (!lib_put_cp(R, b, (int32_t)num)) return false;
            continue;
        }
        /* [^\t\n\f <&#;]{1,32};? */
        size_t j = i;
        while (j < len && j - i < 32 && !strchr("\t\n\f <&#;", s[j])) j++;
        if (j == i) { if (!buf_putc(R, b, '&')) return false; continue; }
        if (j < len && s[j] == ';') j++;
        const char *hit = entity_find(s + i, j - i);
        if (hit) { if (!buf_puts(R, b, hit)) return false; i = j; continue; }
        /* the longest prefix that is an entity (those without ';' exist for the old names) */
        bool done = false;
        for (size_t x = j - i - 1; x > 1; x--) {
            if ((hit = entity_find(s + i, x))) {
                if (!buf_puts(R, b, hit) || !buf_put(R, b, s + i + x, j - i - x)) return false;
                done = true;
                break;
            }
        }
        if (!done && (!buf_putc(R, b, '&') || !buf_put(R, b, s + i, j - i))) return false;
        i = j;
    }
    return true;
}

/* striptags(value) */
BI_EXT(flt_striptags)
{
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    const char *p = v_sp(s);
    size_t len = v_sl(s);
    jbuf a = {0}, c = {0}, w = {0};
    bool ok = true;
    /* <!--.*?--> */
    for (size_t i = 0; ok && i < len;) {
        const char *st = lib_memmem(p + i, len - i, "<!--", 4);
        const char *en = st ? lib_memmem(st + 4, (size_t)(p + len - st - 4), "-->", 3) : NULL;
        if (!st || !en) { ok = buf_put(R, &a, p + i, len - i); break; }
        ok = buf_put(R, &a, p + i, (size_t)(st - (p + i)));
        i = (size_t)(en + 3 - p);
    }
    /* <.*?> */
    for (size_t i = 0; ok && i < a.len;) {
        const char *st = memchr(a.p + i, '<', a.len - i);
        const char *en = st ? memchr(st + 1, '>', (size_t)(a.p + a.len - st - 1)) : NULL;
        if (!st || !en) { ok = buf_put(R, &c, a.p + i, a.len - i); break; }
        ok = buf_put(R, &c, a.p + i, (size_t)(st - (a.p + i)));
        i = (size_t)(en + 1 - a.p);
    }
    /* " ".join(value.split()) */
    for (size_t i = 0; ok && i < c.len;) {
        size_t st = i;
        int32_t cp;
        if (!lib_utf8_next(R, c.p, c.len, &i, &cp)) { ok = false; break; }
        if (lib_isspace(cp)) continue;
        size_t e = i;
        while (e < c.len) {
            size_t k = e;
            if (!lib_utf8_next(R, c.p, c.len, &k, &cp)) { ok = false; break; }
            if (lib_isspace(cp)) break;
            e = k;
        }
        if (ok && w.len) ok = buf_putc(R, &w, ' ');
        if (ok) ok = buf_put(R, &w, c.p + st, e - st);
        i = e;
    }
    jbuf r = {0};
    if (ok) ok = html_unescape(R, &r, w.p ? w.p : "", w.len);
    buf_free(R, &a);
    buf_free(R, &c);
    buf_free(R, &w);
    val_drop(R, s);
    return str_out(R, out, &r, ok, false);
}

/* ======================================================================================
 * forceescape, urlencode, xmlattr, filesizeformat
 * ====================================================================================== */

BI_EXT(flt_forceescape)
{
    value s = args[0].t == JV_STR ? val_dup(args[0]) : val_to_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    *out = lib_escape_str(R, v_sp(s), v_sl(s));
    val_drop(R, s);
    return out->t != JV_ERROR;
}

/* urllib.parse.quote of UTF-8 bytes: unreserved characters kept, others %XX */
static bool url_quote(jrt *R, jbuf *b, value v, bool for_qs)
{
    value s = v.t == JV_STR ? val_dup(v) : val_to_str(R, v);
    if (s.t == JV_ERROR) return false;
    bool ok = true;
    for (size_t i = 0; ok && i < v_sl(s); i++) {
        unsigned char c = (unsigned char)v_sp(s)[i];
        /* (strchr finds the terminating NUL: a NUL byte is quoted as %00 like any other) */
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c && strchr("_.-~", c))
            || (c == '/' && !for_qs))
            ok = buf_putc(R, b, (char)c);
        else if (c == ' ' && for_qs) ok = buf_putc(R, b, '+');
        else ok = buf_printf(R, b, "%%%02X", c);
    }
    val_drop(R, s);
    return ok;
}

/* urlencode(value) — a string (or any non-iterable) is quoted; a dict or an iterable of
 * pairs becomes a query string. */
BI_EXT(flt_urlencode)
{
    value v = args[0];
    jbuf b = {0};
    bool ok = true;
    if (v.t == JV_STR || !lib_iterable(v)) return str_out(R, out, &b, url_quote(R, &b, v, false), false);
    if (v.t == JV_DICT) {
        jentry *e;
        for (size_t i = 0; ok && dict_next(v.u.m, &i, &e);) {
            if (b.len) ok = buf_putc(R, &b, '&');
            ok = ok && url_quote(R, &b, e->key, true) && buf_putc(R, &b, '=') && url_quote(R, &b, e->val, true);
        }
        return str_out(R, out, &b, ok, false);
    }
    value l = op_to_list(R, v);
    if (l.t == JV_ERROR) return false;
    for (size_t i = 0; ok && i < l.u.l->len; i++) {
        value it = l.u.l->items[i];
        value pair = it.t == JV_LIST ? val_dup(it) : op_to_list(R, it);
        if (pair.t == JV_ERROR) { ok = false; break; }
        if (pair.u.l->len != 2)
            ok = rt_error(R, JINN_ERR_VALUE, "%s values to unpack (expected 2, got %zu)",
                          pair.u.l->len > 2 ? "too many" : "not enough", pair.u.l->len);
        if (ok && b.len) ok = buf_putc(R, &b, '&');
        ok = ok && url_quote(R, &b, pair.u.l->items[0], true) && buf_putc(R, &b, '=')
            && url_quote(R, &b, pair.u.l->items[1], true);
        val_drop(R, pair);
    }
    val_drop(R, l);
    return str_out(R, out, &b, ok, false);
}

/* xmlattr(d, autospace=True) — key="escaped value" pairs, none/undefined values skipped;
 * keys with a space, '/', '>' or '=' are refused. Markup under autoescape. */
BI_EXT(flt_xmlattr)
{
    value d = args[0];
    bool autospace = arg_bool(R, args, 1, true);
    if (R->err_kind) return false;
    if (d.t == JV_UNDEF && !op_check_defined(R, d)) return false;
    if (d.t != JV_DICT) return rt_error(R, JINN_ERR_TYPE, "'%s' object has no attribute 'items'", val_type_name(d));
    jbuf b = {0};
    bool ok = true;
    jentry *e;
    for (size_t i = 0; ok && dict_next(d.u.m, &i, &e);) {
        if (e->val.t == JV_NONE || e->val.t == JV_UNDEF) continue;
        if (e->key.t != JV_STR) { ok = rt_error(R, JINN_ERR_TYPE, "expected string or bytes-like object"); break; }
        for (size_t k = 0; ok && k < v_sl(e->key); k++) {
            int32_t c = (unsigned char)v_sp(e->key)[k];
            if (c == '/' || c == '>' || c == '=' || c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f)) {
                jbuf rb = {0};
                lib_repr_buf(R, &rb, e->key);
                ok = rt_error(R, JINN_ERR_VALUE, "Invalid character in attribute name: %s", rb.p ? rb.p : "?");
                buf_free(R, &rb);
            }
        }
        if (!ok) break;
        value k = lib_escape(R, e->key), v = lib_escape(R, e->val);
        ok = k.t != JV_ERROR && v.t != JV_ERROR && (autospace || b.len ? buf_putc(R, &b, ' ') : true)
            && buf_put(R, &b, v_sp(k), v_sl(k)) && buf_put(R, &b, "=\"", 2) && buf_put(R, &b, v_sp(v), v_sl(v))
            && buf_putc(R, &b, '"');
        if (k.t != JV_ERROR) val_drop(R, k);
        if (v.t != JV_ERROR) val_drop(R, v);
    }
    return str_out(R, out, &b, ok, R->autoescape);
}

/* filesizeformat(value, binary=False) */
BI_EXT(flt_filesizeformat)
{
    if (R->profile == PROF_JINJAVA) return jv_filesizeformat(R, args, out);
    value v = args[0];
    bool binary = arg_bool(R, args, 1, false);
    if (R->err_kind) return false;
    double bytes;
    if (v.t == JV_BIG) { if (!big_to_double(R, v, &bytes)) return false; } /* float(value) */
    else if (val_is_number(v)) bytes = val_to_double(v);
    else if (v.t == JV_STR) {
        value f;
        const jbuiltin *fl = lib_find(bi_filters, "float", 5);
        value a[2] = {v, v_none()};
        if (!fl || !bi_call(R, fl, a, 2, NULL, &f)) return false;
        if (f.t != JV_FLOAT) return rt_error(R, JINN_ERR_VALUE, "could not convert string to float: '%s'", v_sp(v));
        bytes = f.u.d;
    } else {
        if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
        return rt_error(R, JINN_ERR_TYPE, "float() argument must be a string or a real number, not '%s'", val_type_name(v));
    }
    double base = binary ? 1024 : 1000;
    static const char *const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
    jbuf b = {0};
    bool ok;
    if (bytes == 1) ok = buf_puts(R, &b, "1 Byte");
    else if (bytes < base) {
        if (isnan(bytes)) return rt_error(R, JINN_ERR_VALUE, "cannot convert float NaN to integer");
        value n; /* int(bytes): exact, a big int below int64 */
        if (!big_from_double(R, bytes, &n)) return false;
        ok = big_print(R, &b, n) && buf_puts(R, &b, " Bytes");
        val_drop(R, n);
    } else {
        int i = 0;
        double unit = base * base;
        while (i < 7 && !(bytes < unit)) { i++; unit *= base; }
        if (i == 7 && !(bytes < unit)) unit = pow(base, 9);
        double x = base * bytes / unit;
        if (isinf(x)) ok = buf_printf(R, &b, "inf %s", binary ? bin[i] : dec[i]);
        else ok = buf_printf(R, &b, "%.1f %s", x, binary ? bin[i] : dec[i]);
    }
    return str_out(R, out, &b, ok, false);
}

/* ======================================================================================
 * urlize
 * ====================================================================================== */

static const char http_re[] =
    "^((https?://|www\\.)(([\\w%-]+\\.)+)?([a-z]{2,63}|xn--[\\w%]{2,59})"
    "|([\\w%-]{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)"
    "|(https?://)((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}])))"
    "(?::[\\d]{1,5})?(?:[/?#]\\S*)?$";
static const char email_re[] = "^\\S+@\\w[\\w.-]*\\.\\w+$";

static size_t count_sub(const char *s, size_t n, const char *t)
{
    size_t tl = strlen(t), c = 0;
    for (size_t i = 0; i + tl <= n;) {
        if (!memcmp(s + i, t, tl)) { c++; i += tl; } else i++;
    }
    return c;
}

static bool ends_with(const char *s, size_t n, const char *t)
{
    size_t tl = strlen(t);
    return n >= tl && !memcmp(s + n - tl, t, tl);
}

/* utils.urlize on one whitespace-free word (already escaped) */
static bool urlize_word(jrt *R, jbuf *b, re_prog *hre, re_prog *ere, const char *w, size_t wl,
                        bool has_trim, int64_t trim, const char *relattr, const char *tgtattr)
{
    size_t hs = 0; /* ^([(<]|&lt;)+ */
    for (;;) {
        if (hs < wl && (w[hs] == '(' || w[hs] == '<')) hs++;
        else if (wl - hs >= 4 && !memcmp(w + hs, "&lt;", 4)) hs += 4;
        else break;
    }
    size_t ms = hs, me = wl; /* middle [ms, me), tail [me, wl) */
    if (ends_with(w + ms, me - ms, ")") || ends_with(w + ms, me - ms, ">") || ends_with(w + ms, me - ms, ".")
        || ends_with(w + ms, me - ms, ",") || ends_with(w + ms, me - ms, "\n") || ends_with(w + ms, me - ms, "&gt;")) {
        for (;;) { /* ([)>.,\n]|&gt;)+$ */
            if (me > ms && strchr(")>.,\n", w[me - 1])) me--;
            else if (me - ms >= 4 && !memcmp(w + me - 4, "&gt;", 4)) me -= 4;
            else break;
        }
    }
    jbuf mid = {0};
    bool ok = buf_put(R, &mid, w + ms, me - ms);
    size_t ts = me; /* the tail is w[ts, wl) */
    static const char *const pairs[3][2] = {{"(", ")"}, {"<", ">"}, {"&lt;", "&gt;"}};
    for (int p = 0; ok && p < 3; p++) {
        size_t sc = count_sub(mid.p ? mid.p : "", mid.len, pairs[p][0]);
        if (sc <= count_sub(mid.p ? mid.p : "", mid.len, pairs[p][1])) continue;
        size_t tc = count_sub(w + ts, wl - ts, pairs[p][1]);
        size_t el = strlen(pairs[p][1]);
        for (size_t k = 0; ok && k < (sc < tc ? sc : tc); k++) {
            const char *at = lib_memmem(w + ts, wl - ts, pairs[p][1], el);
            size_t upto = (size_t)(at - w) + el;
            ok = buf_put(R, &mid, w + ts, upto - ts);
            ts = upto;
        }
    }
    if (ok) ok = buf_put(R, b, w, hs);
    const char *m = mid.p ? mid.p : "";
    size_t ml = mid.len;
    int hm = ok ? re_match(R, hre, m, ml, 0, true, NULL, 0) : -1;
    if (hm < 0) ok = false;
    if (ok && hm) {
        bool scheme = (ml >= 8 && !memcmp(m, "https://", 8)) || (ml >= 7 && !memcmp(m, "http://", 7));
        ok = buf_printf(R, b, "<a href=\"%s", scheme ? "" : "https://") && buf_put(R, b, m, ml)
            && buf_printf(R, b, "\"%s%s>", relattr, tgtattr);
        size_t n;
        if (ok) ok = lib_utf8_len(R, m, ml, &n);
        if (ok && has_trim && (trim < 0 || n > (size_t)trim)) { /* x[:trim] + "..." */
            int64_t k = trim < 0 ? (int64_t)n + trim : trim;
            ok = buf_put(R, b, m, utf8_offset(m, ml, k < 0 ? 0 : (size_t)k)) && buf_puts(R, b, "...");
        }
        else if (ok) ok = buf_put(R, b, m, ml);
        if (ok) ok = buf_puts(R, b, "</a>");
    } else if (ok) {
        int em = -2;
        if (ml > 7 && !memcmp(m, "mailto:", 7)) {
            em = re_match(R, ere, m + 7, ml - 7, 0, true, NULL, 0);
            if (em < 0) ok = false;
            if (em == 1) ok = buf_puts(R, b, "<a href=\"") && buf_put(R, b, m, ml) && buf_puts(R, b, "\">")
                && buf_put(R, b, m + 7, ml - 7) && buf_puts(R, b, "</a>");
        }
        if (ok && em != 1 && memchr(m, '@', ml) && !(ml >= 4 && !memcmp(m, "www.", 4)) && !memchr(m, ':', ml)) {
            em = re_match(R, ere, m, ml, 0, true, NULL, 0);
            if (em < 0) ok = false;
            if (em == 1) ok = buf_puts(R, b, "<a href=\"mailto:") && buf_put(R, b, m, ml) && buf_puts(R, b, "\">")
                && buf_put(R, b, m, ml) && buf_puts(R, b, "</a>");
        }
        if (ok && em != 1) ok = buf_put(R, b, m, ml);
    }
    if (ok) ok = buf_put(R, b, w + ts, wl - ts);
    buf_free(R, &mid);
    return ok;
}

/* urlize(value, trim_url_limit=None, nofollow=False, target=None, rel=None, extra_schemes=None) */
BI_EXT(flt_urlize)
{
    int64_t trim = 0;
    bool has_trim = ARG_GIVEN(1) && args[1].t != JV_NONE;
    if (has_trim && !int_arg(R, args[1], &trim, "urlize")) return false;
    bool nofollow = arg_bool(R, args, 2, false);
    if (R->err_kind) return false;
    if (ARG_GIVEN(5) && args[5].t != JV_NONE)
        return rt_error(R, JINN_ERR_VALUE, "urlize: extra_schemes is not supported");
    /* rel: the given words, nofollow, and the policy's "noopener", sorted and unique */
    const char *words[64];
    size_t wlen[64], nw = 0;
    value relv = ARG_GIVEN(4) && args[4].t != JV_NONE ? lib_soft_str(R, args[4]) : v_str(R, "", 0);
    if (relv.t == JV_ERROR) return false;
    for (size_t i = 0; i < v_sl(relv) && nw < 62;) {
        while (i < v_sl(relv) && lib_isspace((unsigned char)v_sp(relv)[i])) i++;
        size_t st = i;
        while (i < v_sl(relv) && !lib_isspace((unsigned char)v_sp(relv)[i])) i++;
        if (i > st) { words[nw] = v_sp(relv) + st; wlen[nw++] = i - st; }
    }
    if (nofollow) { words[nw] = "nofollow"; wlen[nw++] = 8; }
    words[nw] = "noopener"; wlen[nw++] = 8;
    for (size_t i = 1; i < nw; i++) /* insertion sort: a handful of words */
        for (size_t j = i; j > 0; j--) {
            size_t ml = wlen[j] < wlen[j - 1] ? wlen[j] : wlen[j - 1];
            int c = memcmp(words[j], words[j - 1], ml);
            if (c > 0 || (c == 0 && wlen[j] >= wlen[j - 1])) break;
            const char *t = words[j]; words[j] = words[j - 1]; words[j - 1] = t;
            size_t tl = wlen[j]; wlen[j] = wlen[j - 1]; wlen[j - 1] = tl;
        }
    jbuf rel = {0}, tgt = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < nw; i++) {
        if (i && wlen[i] == wlen[i - 1] && !memcmp(words[i], words[i - 1], wlen[i])) continue;
        if (rel.len) ok = buf_putc(R, &rel, ' ');
        if (ok) ok = buf_put(R, &rel, words[i], wlen[i]);
    }
    if (ok && rel.len) {
        value e = lib_escape_str(R, rel.p, rel.len);
        rel.len = 0;
        ok = e.t != JV_ERROR && buf_puts(R, &rel, " rel=\"") && buf_put(R, &rel, v_sp(e), v_sl(e)) && buf_putc(R, &rel, '"');
        if (e.t != JV_ERROR) val_drop(R, e);
    }
    val_drop(R, relv);
    if (ok && ARG_GIVEN(3) && args[3].t != JV_NONE && val_truthy(R, args[3])) {
        value e = lib_escape(R, args[3]);
        ok = e.t != JV_ERROR && buf_puts(R, &tgt, " target=\"") && buf_put(R, &tgt, v_sp(e), v_sl(e)) && buf_putc(R, &tgt, '"');
        if (e.t != JV_ERROR) val_drop(R, e);
    }
    value text = ok ? lib_escape(R, args[0]) : v_err();
    re_prog *hre = NULL, *ere = NULL;
    if (text.t == JV_ERROR) ok = false;
    if (ok) ok = (hre = re_compile(R, http_re, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS)) != NULL;
    if (ok) ok = (ere = re_compile(R, email_re, PCRE2_ZERO_TERMINATED, 0)) != NULL;
    jbuf b = {0};
    const char *p = ok ? v_sp(text) : "";
    size_t len = ok ? v_sl(text) : 0, i = 0;
    while (ok && i < len) {
        /* split on runs of whitespace (\s: str.isspace), keeping them */
        size_t st = i;
        bool space = false;
        while (i < len) {
            size_t k = i;
            int32_t cp;
            if (!lib_utf8_next(R, p, len, &k, &cp)) { ok = false; break; }
            bool sp = lib_isspace(cp);
            if (i == st) space = sp;
            else if (sp != space) break;
            i = k;
        }
        if (!ok) break;
        if (space) ok = buf_put(R, &b, p + st, i - st);
        else ok = urlize_word(R, &b, hre, ere, p + st, i - st, has_trim, trim, rel.p ? rel.p : "", tgt.p ? tgt.p : "");
    }
    re_free(R, hre);
    re_free(R, ere);
    if (text.t != JV_ERROR) val_drop(R, text);
    buf_free(R, &rel);
    buf_free(R, &tgt);
    return str_out(R, out, &b, ok, R->autoescape);
}

/* ======================================================================================
 * pprint: Python's pprint.pformat (width 80, dicts sorted by key)
 * ====================================================================================== */

static value sorted_repr_copy(jrt *R, value v, int depth);

static bool pf_repr(jrt *R, jbuf *b, value v)
{
    value c = sorted_repr_copy(R, v, 0);
    if (c.t == JV_ERROR) return false;
    bool ok = print_repr(R, b, c);
    val_drop(R, c);
    return ok;
}

/* a copy whose dicts have their keys sorted (pprint's _safe_key: incomparable keys keep
 * their order) */
static value sorted_repr_copy(jrt *R, value v, int depth)
{
    if (depth > 500) { rt_error(R, JINN_ERR_LIMIT, "pprint: value nested too deeply"); return v_err(); }
    if ((v.t == JV_LIST || v.t == JV_DICT) && !rt_charge(R, 1 + (int64_t)(v.t == JV_LIST ? v.u.l->len : v.u.m->len)))
        return v_err(); /* a unit per node visited */
    if (v.t == JV_LIST) {
        /* copied only from the first item that changed (a dict inside): a list that shares
         * its sublists is not expanded into a tree */
        value r = v_none();
        for (size_t i = 0; i < v.u.l->len; i++) {
            value it = v.u.l->items[i];
            value c = sorted_repr_copy(R, it, depth + 1);
            if (c.t == JV_ERROR) { val_drop(R, r); return v_err(); }
            if (r.t == JV_NONE) {
                if (c.t == it.t && c.u.i == it.u.i) { val_drop(R, c); continue; }
                r = v_list(R, v.u.l->len);
                if (r.t == JV_ERROR) { val_drop(R, c); return v_err(); }
                r.f = v.f;
                for (size_t j = 0; j < i; j++) list_push(R, r.u.l, val_dup(v.u.l->items[j]));
            }
            if (!list_push(R, r.u.l, c)) { val_drop(R, r); return v_err(); }
        }
        return r.t == JV_NONE ? val_dup(v) : r;
    }
    if (v.t != JV_DICT) return val_dup(v);
    size_t n = v.u.m->len;
    value *keys = rt_alloc(R, NULL, 0, (2 * n + 1) * sizeof *keys);
    if (!keys) return v_err();
    value *idx = keys + n;
    jentry *e;
    size_t k = 0;
    for (size_t i = 0; dict_next(v.u.m, &i, &e); k++) {
        keys[k] = e->key;
        idx[k] = v_int((int64_t)(i - 1));
    }
    /* insertion sort with pprint's _safe_key: keys that do not compare order by their
     * type's name, and otherwise keep their order (CPython would use their ids) */
    for (size_t i = 1; i < n; i++) {
        if (!rt_charge(R, (int64_t)i)) { /* at most i comparisons for this key */
            rt_alloc(R, keys, (2 * n + 1) * sizeof *keys, 0);
            return v_err();
        }
        for (size_t j = i; j > 0; j--) {
            int c;
            if (!val_compare(R, keys[j], keys[j - 1], &c, "<")) {
                if (R->err_kind == JINN_ERR_LIMIT) { /* the fuel ran out: not a key that does not compare */
                    rt_alloc(R, keys, (2 * n + 1) * sizeof *keys, 0);
                    return v_err();
                }
                R->err_kind = 0;
                R->err_msg.len = 0;
                c = strcmp(val_type_name(keys[j]), val_type_name(keys[j - 1]));
            }
            if (c >= 0 || c == 2) break;
            value tk = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = tk;
            value ti = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = ti;
        }
    }
    value r = v_dict(R, n);
    for (size_t j = 0; r.t != JV_ERROR && j < n; j++) {
        jentry *src = &v.u.m->entries[idx[j].u.i];
        value c = sorted_repr_copy(R, src->val, depth + 1);
        if (c.t == JV_ERROR || !dict_set(R, r.u.m, val_dup(src->key), c)) { val_drop(R, r); r = v_err(); }
    }
    if (r.t != JV_ERROR) r.f = v.f;
    rt_alloc(R, keys, (2 * n + 1) * sizeof *keys, 0);
    return r;
}

static bool pf_format(jrt *R, jbuf *b, value v, int64_t indent, int64_t allowance, int depth);

/* _format_items: one item per line, aligned after the opening bracket */
static bool pf_items(jrt *R, jbuf *b, const value *items, size_t n, int64_t indent, int64_t allowance, int depth)
{
    indent += 1;
    for (size_t i = 0; i < n; i++) {
        bool last = i + 1 == n;
        if (i && (!buf_puts(R, b, ",\n") || !buf_printf(R, b, "%*s", (int)indent, ""))) return false;
        if (!pf_format(R, b, items[i], indent, last ? allowance : 1, depth + 1)) return false;
    }
    return true;
}

/* A long str, as pprint's _pprint_str wraps it: line by line (ends kept), a line too wide cut
 * into runs of non-space-then-space (`\S*\s*`) joined while their repr fits, each chunk's repr
 * on its own line, in parentheses at the top level. The width of a chunk's repr is summed from
 * its pieces' (the body under either quote: repr takes "..." when the text has ' and no "), so
 * the whole is linear in the string, where Python's is quadratic. */
typedef struct { size_t sq, dq; bool has_sq, has_dq; } pf_piece;

static bool pf_piece_of(jrt *R, const char *p, size_t n, pf_piece *out)
{
    value s = v_str(R, p, n);
    if (s.t == JV_ERROR) return false;
    jbuf b = {0};
    bool ok = print_repr(R, &b, s);
    val_drop(R, s);
    size_t cps = 0;
    if (ok) ok = lib_utf8_len(R, b.p ? b.p : "", b.len, &cps);
    buf_free(R, &b);
    if (!ok) return false;
    size_t nsq = 0, ndq = 0;
    for (size_t i = 0; i < n; i++) { nsq += p[i] == '\''; ndq += p[i] == '"'; }
    size_t body = cps - 2;
    bool dq = nsq && !ndq; /* its own repr took double quotes */
    *out = (pf_piece){dq ? body + nsq : body, dq ? body : body - nsq, nsq > 0, ndq > 0};
    return true;
}

static void pf_join(pf_piece *a, const pf_piece *b)
{
    a->sq += b->sq, a->dq += b->dq, a->has_sq |= b->has_sq, a->has_dq |= b->has_dq;
}

static int64_t pf_width(const pf_piece *a) { return 2 + (int64_t)(a->has_sq && !a->has_dq ? a->dq : a->sq); }

typedef struct { size_t off, len; } pf_chunk;

static bool pf_chunk_add(jrt *R, pf_chunk **c, size_t *n, size_t *cap, size_t off, size_t len)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        pf_chunk *g = rt_alloc(R, *c, *cap * sizeof **c, nc * sizeof **c);
        if (!g) return false;
        *c = g, *cap = nc;
    }
    (*c)[(*n)++] = (pf_chunk){off, len};
    return true;
}

static bool pf_str(jrt *R, jbuf *b, value v, int64_t indent, int64_t allowance, int depth)
{
    const char *s = v_sp(v);
    size_t len = v_sl(v);
    bool top = depth == 0;
    if (top) indent++, allowance++;
    int64_t max_width = 80 - indent, max_width1 = max_width;
    pf_chunk *ch = NULL;
    size_t nch = 0, cap = 0;
    bool ok = true;
    for (size_t ls = 0; ok && ls < len;) {
        size_t le = ls, eol = 0;
        while (le < len && !(eol = lib_eol(s, len, le))) le++;
        le += eol; /* the line with its end: [ls, le) */
        bool last_line = le == len;
        if (last_line) max_width1 -= allowance;
        pf_piece line;
        if (!(ok = pf_piece_of(R, s + ls, le - ls, &line))) break;
        if (pf_width(&line) <= max_width1) { ok = pf_chunk_add(R, &ch, &nch, &cap, ls, le - ls); ls = le; continue; }
        int64_t max_width2 = max_width;
        size_t cur = ls, curlen = 0;
        pf_piece cp = {0};
        for (size_t i = ls; ok && i < le;) {
            size_t ps = i;
            int32_t c;
            size_t j = i;
            while (i < le && (j = i, ok = lib_utf8_next(R, s, le, &j, &c)) && !lib_isspace(c)) i = j;
            while (ok && i < le && (j = i, ok = lib_utf8_next(R, s, le, &j, &c)) && lib_isspace(c)) i = j;
            if (!ok) break;
            pf_piece part;
            if (!(ok = pf_piece_of(R, s + ps, i - ps, &part))) break;
            if (i == le && last_line) max_width2 -= allowance;
            pf_piece cand = cp;
            pf_join(&cand, &part);
            if (pf_width(&cand) > max_width2) {
                if (curlen && !(ok = pf_chunk_add(R, &ch, &nch, &cap, cur, curlen))) break;
                cur = ps, curlen = i - ps, cp = part;
            } else {
                curlen += i - ps, cp = cand;
            }
        }
        if (ok && curlen) ok = pf_chunk_add(R, &ch, &nch, &cap, cur, curlen);
        ls = le;
    }
    for (size_t i = 0; ok && i < nch; i++) {
        if (i == 0 && top && nch > 1) ok = buf_putc(R, b, '(');
        if (ok && i) ok = buf_putc(R, b, '\n') && buf_printf(R, b, "%*s", (int)indent, "");
        value piece = ok ? v_str(R, s + ch[i].off, ch[i].len) : v_err();
        ok = piece.t != JV_ERROR && print_repr(R, b, piece);
        if (piece.t != JV_ERROR) val_drop(R, piece);
    }
    if (ok && top && nch > 1) ok = buf_putc(R, b, ')');
    if (ch) rt_alloc(R, ch, cap * sizeof *ch, 0);
    return ok;
}

static bool pf_format(jrt *R, jbuf *b, value v, int64_t indent, int64_t allowance, int depth)
{
    if (depth > 500) return rt_error(R, JINN_ERR_LIMIT, "pprint: value nested too deeply");
    jbuf rep = {0};
    if (!pf_repr(R, &rep, v)) { buf_free(R, &rep); return false; }
    size_t n;
    if (!lib_utf8_len(R, rep.p ? rep.p : "", rep.len, &n)) { buf_free(R, &rep); return false; }
    bool wide = (int64_t)n > 80 - indent - allowance;
    if (wide && v.t == JV_STR && !(v.f & JV_SAFE)) { buf_free(R, &rep); return pf_str(R, b, v, indent, allowance, depth); }
    if (!wide || !(v.t == JV_LIST || (v.t == JV_DICT && !(v.f & JV_NS))) ) {
        bool ok = buf_put(R, b, rep.p ? rep.p : "", rep.len);
        buf_free(R, &rep);
        return ok;
    }
    buf_free(R, &rep);
    if (v.t == JV_LIST) {
        bool tuple = v.f & JV_TUPLE;
        if (!v.u.l->len) return buf_puts(R, b, tuple ? "()" : "[]");
        const char *endc = tuple ? (v.u.l->len == 1 ? ",)" : ")") : "]";
        return buf_putc(R, b, tuple ? '(' : '[')
            && pf_items(R, b, v.u.l->items, v.u.l->len, indent, allowance + (int64_t)strlen(endc), depth)
            && buf_puts(R, b, endc);
    }
    /* dict: sorted items, "key: value" per line */
    value c = sorted_repr_copy(R, v, 0);
    if (c.t == JV_ERROR) return false;
    bool ok = buf_putc(R, b, '{');
    jentry *e;
    size_t left = c.u.m->len, k = 0;
    int64_t ind = indent + 1;
    for (size_t i = 0; ok && dict_next(c.u.m, &i, &e); k++) {
        bool last = k + 1 == left;
        jbuf kr = {0};
        ok = print_repr(R, &kr, e->key);
        size_t kn = 0;
        if (ok) ok = lib_utf8_len(R, kr.p ? kr.p : "", kr.len, &kn);
        if (ok) ok = buf_put(R, b, kr.p ? kr.p : "", kr.len) && buf_puts(R, b, ": ");
        buf_free(R, &kr);
        if (ok) ok = pf_format(R, b, e->val, ind + (int64_t)kn + 2, last ? allowance + 1 : 1, depth + 1);
        if (ok && !last) ok = buf_puts(R, b, ",\n") && buf_printf(R, b, "%*s", (int)ind, "");
    }
    val_drop(R, c);
    return ok && buf_putc(R, b, '}');
}

BI_EXT(flt_pprint)
{
    jbuf b = {0};
    return str_out(R, out, &b, pf_format(R, &b, args[0], 0, 0, 0), false);
}

/* ======================================================================================
 * attr, reverse, items
 * ====================================================================================== */

/* attr(obj, name) — an attribute, never an item: a namespace's attributes are its keys, a
 * dict's, list's or str's methods are bound methods; anything else is undefined. */
BI_EXT(flt_attr)
{
    value o = args[0], n = args[1];
    if (n.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "attribute name must be string, not '%s'", val_type_name(n));
    if (o.t == JV_UNDEF && !op_check_defined(R, o)) return false;
    if (o.t == JV_DICT && (o.f & JV_NS)) { *out = op_getattr(R, o, v_sp(n), v_sl(n)); return out->t != JV_ERROR; }
    value m = reg_method(R, o, v_sp(n), v_sl(n)); /* a method, bound: obj|attr("items")() */
    if (m.t != JV_UNDEF) { *out = m; return m.t != JV_ERROR; }
    *out = v_undef_why(UK_ATTR, &o, n.u.s);
    return true;
}

/* reverse(value) — a string reversed by code points; a sequence as a reversed list, marked as
 * an iterator in the jinja profile (Python's reversed(): JV_ITER, value.h), and in the
 * jinjava profile under its switch iteratorOnlyReverseFilter, one marked as an iterator:
 * lib/filter/ReverseFilter.java returns an Iterator, which cannot be indexed) */
BI_EXT(flt_reverse)
{
    value v = args[0];
    if (v.t == JV_STR) {
        size_t n, *o = cp_offsets(R, v_sp(v), v_sl(v), &n);
        if (!o) return false;
        jstr *s = str_new(R, v_sl(v));
        if (!s) { free_offsets(R, o, n); return false; }
        size_t w = 0;
        for (size_t i = n; i-- > 0;) {
            memcpy(s->s + w, v_sp(v) + o[i], o[i + 1] - o[i]);
            w += o[i + 1] - o[i];
        }
        free_offsets(R, o, n);
        out->t = JV_STR;
        out->f = v.f & JV_SAFE;
        out->u.s = s;
        return true;
    }
    if (v.t == JV_UNDEF) { *out = v_list(R, 0); return out->t != JV_ERROR; }
    if (!lib_iterable(v)) return rt_error(R, JINN_ERR_TYPE, "argument must be iterable");
    value l = op_to_list(R, v);
    if (l.t == JV_ERROR) return false;
    size_t n = l.u.l->len;
    *out = v_list(R, n);
    if (out->t != JV_ERROR)
        for (size_t i = n; i-- > 0;) list_push(R, out->u.l, val_dup(l.u.l->items[i]));
    if (out->t != JV_ERROR && (R->jv_opts & JINN_JV_ITERATOR_REVERSE)) out->f |= JV_ITER;
    /* Python's reversed(): an iterator; but an iterator is not reversible, and Jinja2 then
     * reverses list(value), a list */
    if (out->t != JV_ERROR && R->profile == PROF_JINJA && !(v.t == JV_LIST && (v.f & JV_ITER))) out->f |= JV_ITER;
    val_drop(R, l);
    return out->t != JV_ERROR;
}

/* items(value) — a dict's (key, value) pairs; undefined gives none */
BI_EXT(flt_items)
{
    value d = args[0];
    if (d.t == JV_UNDEF) { *out = v_list(R, 0); return out->t != JV_ERROR; }
    if (d.t != JV_DICT || (d.f & JV_NS)) return rt_error(R, JINN_ERR_TYPE, "Can only get item pairs from a mapping.");
    *out = v_list(R, d.u.m->len);
    if (out->t == JV_ERROR) return false;
    jentry *e;
    for (size_t i = 0; dict_next(d.u.m, &i, &e);) {
        value t = lib_tuple2(R, val_dup(e->key), val_dup(e->val));
        if (t.t == JV_ERROR) { val_drop(R, *out); return false; }
        list_push(R, out->u.l, t);
    }
    return true;
}

/* ======================================================================================
 * batch, slice, groupby
 * ====================================================================================== */

/* batch(value, linecount, fill_with=None) — lists of linecount items; the last one padded
 * with fill_with when given. */
BI_EXT(flt_batch)
{
    int64_t lc = 0;
    bool counted = args[1].t == JV_INT || args[1].t == JV_BOOL;
    if (counted) lc = args[1].t == JV_INT ? args[1].u.i : args[1].u.b;
    else if (args[1].t == JV_UNDEF && !op_check_defined(R, args[1])) return false;
    bool fill = ARG_GIVEN(2) && args[2].t != JV_NONE;
    value l;
    if (!lib_items(R, args[0], &l)) return false;
    *out = v_list(R, 0);
    value cur = v_list(R, 0);
    bool ok = out->t != JV_ERROR && cur.t != JV_ERROR;
    for (size_t i = 0; ok && i < l.u.l->len; i++) {
        if (counted && (int64_t)cur.u.l->len == lc) {
            ok = list_push(R, out->u.l, cur);
            cur = ok ? v_list(R, 0) : v_none();
            if (cur.t == JV_ERROR) { ok = false; break; }
        }
        if (ok) ok = list_push(R, cur.u.l, val_dup(l.u.l->items[i]));
    }
    if (ok && cur.u.l->len) {
        if (fill && !counted)
            ok = rt_error(R, JINN_ERR_TYPE, "unsupported operand type(s) for -: '%s' and 'int'", val_type_name(args[1]));
        else if (fill && (int64_t)cur.u.l->len < lc) {
            if (lc > 1000000) ok = rt_error(R, JINN_ERR_LIMIT, "batch: linecount too large (limit 1000000)");
            while (ok && (int64_t)cur.u.l->len < lc) ok = list_push(R, cur.u.l, val_dup(args[2]));
        }
        if (ok) { ok = list_push(R, out->u.l, cur); cur = v_none(); }
    }
    val_drop(R, cur);
    val_drop(R, l);
    if (!ok) { val_drop(R, *out); *out = v_none(); }
    return ok;
}

/* slice(value, slices, fill_with=None) — slices columns, the first ones one item longer;
 * the shorter ones padded with fill_with when given. */
BI_EXT(flt_slice)
{
    if (R->profile == PROF_JINJAVA) return jv_slice(R, args, out);
    int64_t slices;
    if (!int_arg(R, args[1], &slices, "slice")) return false;
    value l;
    if (!lib_items(R, args[0], &l)) return false;
    int64_t length = (int64_t)l.u.l->len;
    if (slices == 0) { val_drop(R, l); return rt_error(R, JINN_ERR_VALUE, "integer division or modulo by zero"); }
    if (slices > 1000000) { val_drop(R, l); return rt_error(R, JINN_ERR_LIMIT, "slice: too many slices (limit 1000000)"); }
    /* Python's floor division and modulo */
    int64_t per = length / slices, extra = length % slices;
    if (extra != 0 && ((extra < 0) != (slices < 0))) { per--; extra += slices; }
    bool fill = ARG_GIVEN(2) && args[2].t != JV_NONE;
    *out = v_list(R, 0);
    bool ok = out->t != JV_ERROR;
    int64_t offset = 0;
    for (int64_t k = 0; ok && k < slices; k++) {
        int64_t start = offset + k * per;
        if (k < extra) offset++;
        int64_t end = offset + (k + 1) * per;
        value part = op_slice(R, l, v_int(start), v_int(end), v_none());
        if (part.t == JV_ERROR) { ok = false; break; }
        part.f &= (uint8_t)~JV_TUPLE; /* Jinja2's slices are lists, of a tuple too */
        if (fill && k >= extra) ok = list_push(R, part.u.l, val_dup(args[2]));
        if (ok) ok = list_push(R, out->u.l, part);
        else val_drop(R, part);
    }
    val_drop(R, l);
    if (!ok) { val_drop(R, *out); *out = v_none(); }
    return ok;
}

/* the group key of item: its attribute (the default when missing), case-folded unless
 * case_sensitive */
static inline __attribute__((always_inline)) value group_key(jrt *R, value item, lib_attr *attr, value dflt, bool fold)
{
    value a = lib_attr_get(R, attr, item);
    if (a.t == JV_UNDEF && dflt.t != JV_ABSENT && dflt.t != JV_NONE) { val_drop(R, a); a = val_dup(dflt); }
    if (!fold || a.t == JV_ERROR) return a;
    value k = lib_ignore_case(R, a);
    val_drop(R, a);
    return k;
}

/* groupby(value, attribute, default=None, case_sensitive=False) — a list of
 * (grouper, list) tuples sorted by grouper; unfolded, the grouper has the case of the
 * group's first item. */
BI_EXT(flt_groupby)
{
    bool cs = arg_bool(R, args, 3, false);
    if (R->err_kind) return false;
    value l;
    if (!lib_items(R, args[0], &l)) return false;
    size_t n = l.u.l->len;
    /* the items in the order to sort: a few on the C stack, borrowed from l (which lives until
     * the groups hold their own references: no copy of the list, not counted in memory_bytes
     * as lib_sort's scratch is not); more in a copy of the list */
    value ist[LIB_SORT_STACK], items = v_none();
    value *its = ist;
    if (n <= LIB_SORT_STACK) {
        for (size_t i = 0; i < n; i++) ist[i] = l.u.l->items[i];
    } else {
        items = lib_list_of(R, l.u.l->items, n);
        val_drop(R, l);
        l = v_none();
        if (items.t == JV_ERROR) return false;
        its = items.u.l->items;
    }
    lib_attr at;
    lib_attr_init(&at, args[1]);
    /* the keys of a few items on the C stack, as lib_sort's scratch (not counted in memory_bytes) */
    value kst[LIB_SORT_STACK];
    value *keys = n <= LIB_SORT_STACK ? kst : rt_alloc(R, NULL, 0, (n + 1) * sizeof *keys);
    bool ok = keys != NULL;
    size_t got = 0;
    for (; ok && got < n; got++) {
        keys[got] = group_key(R, its[got], &at, args[2], !cs);
        if (keys[got].t == JV_ERROR) { ok = false; break; }
    }
    if (ok) ok = lib_sort(R, its, keys, n, false);
    *out = v_list(R, 0);
    if (out->t == JV_ERROR) ok = false;
    for (size_t i = 0; ok && i < n;) {
        size_t j = i + 1;
        while (j < n && (keys[j].t == JV_STR && keys[i].t == JV_STR ? str_eq(keys[j].u.s, keys[i].u.s)
                                                                     : val_equal(keys[j], keys[i])))
            j++;
        value grp = lib_list_of(R, its + i, j - i);
        value g = cs ? val_dup(keys[i]) : group_key(R, its[i], &at, args[2], false);
        if (grp.t == JV_ERROR || g.t == JV_ERROR) {
            if (grp.t != JV_ERROR) val_drop(R, grp);
            if (g.t != JV_ERROR) val_drop(R, g);
            ok = false;
            break;
        }
        value t = lib_tuple2(R, g, grp);
        if (t.t != JV_ERROR) t.f |= JV_GROUP;
        ok = t.t != JV_ERROR && list_push(R, out->u.l, t);
        i = j;
    }
    for (size_t i = 0; i < got; i++) val_drop(R, keys[i]);
    if (keys && keys != kst) rt_alloc(R, keys, (n + 1) * sizeof *keys, 0);
    val_drop(R, items);
    val_drop(R, l);
    if (!ok && out->t != JV_ERROR) { val_drop(R, *out); *out = v_none(); }
    return ok;
}

/* ======================================================================================
 * Jinjava's text extras that share this file's machinery: unescape_html, urldecode,
 * escape_jinjava
 * ====================================================================================== */

/* unescape_html(value) — HTML entities to characters (Python's html.unescape rules) */
BI_EXT(flt_unescape_html)
{
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    jbuf b = {0};
    bool ok = html_unescape(R, &b, v_sp(s), v_sl(s));
    val_drop(R, s);
    if (ok && !b.p) ok = buf_puts(R, &b, "");
    return str_out(R, out, &b, ok, false);
}

/* urldecode(value) — %XX sequences to bytes and '+' to a space (Java's URLDecoder); the
 * result must be UTF-8 */
BI_EXT(flt_urldecode)
{
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    jbuf b = {0};
    bool ok = buf_puts(R, &b, "");
    const char *p = v_sp(s);
    for (size_t i = 0; ok && i < v_sl(s); i++) {
        if (p[i] == '+') ok = buf_putc(R, &b, ' ');
        else if (p[i] == '%') {
            if (i + 2 >= v_sl(s)) { ok = rt_error(R, JINN_ERR_VALUE, "urldecode: incomplete escape at %zu", i); break; }
            if (!isxdigit((unsigned char)p[i + 1]) || !isxdigit((unsigned char)p[i + 2])) {
                ok = rt_error(R, JINN_ERR_VALUE, "urldecode: bad escape at %zu", i);
                break;
            }
            int hi = isdigit((unsigned char)p[i + 1]) ? p[i + 1] - '0' : (p[i + 1] | 0x20) - 'a' + 10;
            int lo = isdigit((unsigned char)p[i + 2]) ? p[i + 2] - '0' : (p[i + 2] | 0x20) - 'a' + 10;
            ok = buf_putc(R, &b, (char)(hi * 16 + lo));
            i += 2;
        } else ok = buf_putc(R, &b, p[i]);
    }
    size_t n;
    if (ok) ok = lib_utf8_len(R, b.p, b.len, &n);
    val_drop(R, s);
    return str_out(R, out, &b, ok, false);
}

/* escape_jinjava(value) — '{' and '}' as the HTML entities &lbrace; and &rbrace; */
BI_EXT(flt_escape_jinjava)
{
    value s = lib_soft_str(R, args[0]);
    if (s.t == JV_ERROR) return false;
    jbuf b = {0};
    bool ok = buf_puts(R, &b, "");
    for (size_t i = 0; ok && i < v_sl(s); i++) {
        char c = v_sp(s)[i];
        ok = c == '{' ? buf_puts(R, &b, "&lbrace;") : c == '}' ? buf_puts(R, &b, "&rbrace;") : buf_putc(R, &b, c);
    }
    val_drop(R, s);
    return str_out(R, out, &b, ok, false);
}
