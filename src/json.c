/*
 * json.c — JSON in (contexts, provider answers, fixtures) through jansson, and JSON out
 * (|tojson) written here so that it is byte for byte what Jinja2's htmlsafe_json_dumps
 * prints: Python's json.dumps separators, float repr, ensure_ascii escapes, and <>&'
 * escaped as \u003c \u003e \u0026 \u0027. (jansson would print 0.1 as 0.10000000000000001.)
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "bigint.h"
#include "json.h"
#include "print.h"
#include "value.h"

/* ======================================================================================
 * In
 * ====================================================================================== */

/* Integers beyond int64, which jansson refuses ("too big integer"): json_to_value_at then parses
 * a copy of the text (big_rewrite) where each such integer is the string "\u0000" + its digits
 * and each string value that began with "\u0000" has one more, so that from_json (big set) tells
 * them apart: a string that starts with NUL is one NUL shorter, or the integer it spells. */
static value from_json(jrt *R, json_t *j, int depth, bool big);

static value json_string_value_big(jrt *R, const char *s, size_t n, bool big)
{
    if (!big || n == 0 || s[0] != '\0') return v_str(R, s, n);
    if (n > 1 && s[1] == '\0') return v_str(R, s + 1, n - 1);
    bool neg = n > 1 && s[1] == '-';
    value v;
    if (!big_parse(R, s + 1 + neg, n - 1 - neg, 10, neg, &v)) return v_err();
    return v;
}

static bool beyond_int64(const char *d, size_t n, bool neg) /* n decimal digits, no leading 0 */
{
    const char *max = neg ? "9223372036854775808" : "9223372036854775807";
    return n > 19 || (n == 19 && memcmp(d, max, 19) > 0);
}

static bool big_rewrite(jrt *R, const char *text, size_t len, jbuf *out)
{
    size_t run = 0;
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (c == '"') { /* a string: "\u0000... gets one more \u0000 (not a key: jansson refuses
                         * NUL in keys anyway); escapes skipped */
            size_t at = i;
            for (i++; i < len && text[i] != '"'; i++)
                if (text[i] == '\\') i++;
            i++;
            size_t nx = i;
            while (nx < len && strchr(" \t\r\n", text[nx]) && text[nx]) nx++;
            if (len - at >= 7 && !memcmp(text + at + 1, "\\u0000", 6) && !(nx < len && text[nx] == ':')) {
                if (!buf_put(R, out, text + run, at + 1 - run) || !buf_puts(R, out, "\\u0000")) return false;
                run = at + 1;
            }
            continue;
        }
        if (c != '-' && (c < '0' || c > '9')) { i++; continue; }
        size_t k = i + (c == '-'), d = k;
        while (d < len && text[d] >= '0' && text[d] <= '9') d++;
        size_t end = d;
        while (end < len && ((text[end] >= '0' && text[end] <= '9') || memchr("+-.eE", text[end], 5))) end++;
        size_t nd = d - k;
        if (end == d && nd > 0 && (text[k] != '0' || nd == 1) && beyond_int64(text + k, nd, c == '-')) {
            if (!buf_put(R, out, text + run, i - run) || !buf_puts(R, out, "\"\\u0000") ||
                !buf_put(R, out, text + i, d - i) || !buf_putc(R, out, '"'))
                return false;
            run = d;
        }
        i = end > i ? end : i + 1;
    }
    return buf_put(R, out, text + run, len - run);
}

static value from_json(jrt *R, json_t *j, int depth, bool big)
{
    if (depth > 512) { rt_error(R, JINN_ERR_LIMIT, "JSON nested too deeply"); return v_err(); }
    switch (json_typeof(j)) {
    case JSON_NULL: return v_none();
    case JSON_TRUE: return v_bool(true);
    case JSON_FALSE: return v_bool(false);
    case JSON_INTEGER: return v_int((int64_t)json_integer_value(j));
    case JSON_REAL: return v_float(json_real_value(j));
    case JSON_STRING: return json_string_value_big(R, json_string_value(j), json_string_length(j), big);
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        value l = v_list(R, n);
        if (l.t == JV_ERROR) return l;
        for (size_t i = 0; i < n; i++) {
            value x = from_json(R, json_array_get(j, i), depth + 1, big);
            if (x.t == JV_ERROR || !list_push(R, l.u.l, x)) { val_drop(R, l); return v_err(); }
        }
        return l;
    }
    case JSON_OBJECT: {
        value d = v_dict(R, json_object_size(j));
        if (d.t == JV_ERROR) return d;
        const char *k;
        json_t *x;
        size_t klen;
        /* jansson keeps insertion order (2.x), which Python's json.loads also does */
        json_object_keylen_foreach(j, k, klen, x) {
            value key = v_str(R, k, klen);
            if (key.t == JV_ERROR) { val_drop(R, d); return v_err(); }
            value val = from_json(R, x, depth + 1, big);
            if (val.t == JV_ERROR) { val_drop(R, key); val_drop(R, d); return v_err(); }
            if (!dict_set(R, d.u.m, key, val)) { val_drop(R, d); return v_err(); }
        }
        return d;
    }
    }
    return v_none();
}

value json_to_value(jrt *R, const char *text, size_t len, const char *what)
{
    return json_to_value_at(R, text, len, what, NULL, NULL);
}

value json_to_value_at(jrt *R, const char *text, size_t len, const char *what, int *line, int *col)
{
    json_error_t err;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    bool big = false;
    if (!j && strstr(err.text, "too big")) { /* an integer beyond int64: read it exactly */
        jbuf b = {0};
        if (!big_rewrite(R, text, len, &b)) { buf_free(R, &b); return v_err(); }
        json_error_t err2;
        j = json_loadb(b.p ? b.p : "", b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err2);
        buf_free(R, &b);
        big = true;
        if (!j && !strstr(err2.text, "too big")) err = err2; /* (its column counts the added text) */
    }
    if (!j) {
        rt_error(R, JINN_ERR_TYPE, "%s is not valid JSON: %s at line %d, column %d", what, err.text, err.line, err.column);
        if (line) *line = err.line;
        if (col) *col = err.column;
        return v_err();
    }
    value v = from_json(R, j, 0, big);
    json_decref(j);
    return v;
}

/* ======================================================================================
 * Out
 * ====================================================================================== */

static bool jw_string(jrt *R, jbuf *b, const char *s, size_t n, bool html)
{
    if (!buf_putc(R, b, '"')) return false;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        char esc[16];
        const char *e = NULL;
        size_t adv = 1;
        if (c == '"') e = "\\\"";
        else if (c == '\\') e = "\\\\";
        else if (c == '\n') e = "\\n";
        else if (c == '\r') e = "\\r";
        else if (c == '\t') e = "\\t";
        else if (c == '\b') e = "\\b";
        else if (c == '\f') e = "\\f";
        else if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&' || c == '\''))) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            e = esc;
        } else if (c >= 0x80) {
            /* ensure_ascii: a code point as \uXXXX (a surrogate pair above the BMP) */
            uint32_t cp;
            if ((c & 0xE0) == 0xC0 && i + 1 < n) cp = (uint32_t)(c & 0x1F) << 6 | (s[i + 1] & 0x3F), adv = 2;
            else if ((c & 0xF0) == 0xE0 && i + 2 < n) cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F), adv = 3;
            else if ((c & 0xF8) == 0xF0 && i + 3 < n)
                cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3F) << 12 | (uint32_t)(s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3F), adv = 4;
            else cp = 0xFFFD;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                snprintf(esc, sizeof esc, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", cp);
            }
            e = esc;
        }
        if (e) { if (!buf_puts(R, b, e)) return false; }
        else if (!buf_putc(R, b, (char)c)) return false;
        i += adv;
    }
    return buf_putc(R, b, '"');
}

static bool newline_indent(jrt *R, jbuf *b, int indent, int level)
{
    if (indent < 0) return true;
    if (!buf_putc(R, b, '\n')) return false;
    for (int i = 0; i < indent * level; i++)
        if (!buf_putc(R, b, ' ')) return false;
    return true;
}

/* serialised text is a string too: stop when it passes string_bytes (values that share
 * sublists serialise exponentially large text), and charge a unit per node */
static bool json_too_long(jrt *R, jbuf *b)
{
    if (R->lim && b->len > R->lim->string_bytes)
        return !rt_limit(R, "string_bytes", "serialising a value to more than %zu bytes of JSON", R->lim->string_bytes);
    return false;
}

static bool to_json(jrt *R, jbuf *b, value v, int indent, bool html, int level)
{
    if (level > 256) return rt_error(R, JINN_ERR_VALUE, "value nested too deeply (or contains itself) for JSON");
    if ((v.t == JV_LIST || v.t == JV_DICT)
        && (json_too_long(R, b) || !rt_charge(R, 1 + (int64_t)(v.t == JV_LIST ? v.u.l->len : v.u.m->len))))
        return false;
    switch (v.t) {
    case JV_NONE: case JV_UNDEF: return buf_puts(R, b, "null");
    case JV_BOOL: return buf_puts(R, b, v.u.b ? "true" : "false");
    case JV_INT: return buf_printf(R, b, "%lld", (long long)v.u.i);
    case JV_BIG: return big_print(R, b, v);
    case JV_FLOAT:
        if (isnan(v.u.d)) return buf_puts(R, b, "NaN");
        if (isinf(v.u.d)) return buf_puts(R, b, v.u.d > 0 ? "Infinity" : "-Infinity");
        return print_float(R, b, v.u.d);
    case JV_STR: return jw_string(R, b, v_sp(v), v_sl(v), html);
    case JV_LIST: {
        if ((v.f & JV_RANGE) || ((v.f & JV_ITER) && R->profile == PROF_JINJA))
            return rt_error(R, JINN_ERR_TYPE, "Object of type %s is not JSON serializable", val_type_name(v));
        if (v.u.l->len == 0) return buf_puts(R, b, "[]");
        if (!buf_putc(R, b, '[')) return false;
        for (size_t i = 0; i < v.u.l->len; i++) {
            if (i && !buf_puts(R, b, indent < 0 ? ", " : ",")) return false;
            if (!newline_indent(R, b, indent, level + 1) || !to_json(R, b, v.u.l->items[i], indent, html, level + 1)
                || json_too_long(R, b)) return false;
        }
        return newline_indent(R, b, indent, level) && buf_putc(R, b, ']');
    }
    case JV_DICT: {
        if (v.u.m->len == 0) return buf_puts(R, b, "{}");
        if (!buf_putc(R, b, '{')) return false;
        jentry *e;
        bool first = true;
        for (size_t i = 0; dict_next(v.u.m, &i, &e);) {
            if (!first && !buf_puts(R, b, indent < 0 ? ", " : ",")) return false;
            first = false;
            if (!newline_indent(R, b, indent, level + 1)) return false;
            value k = e->key;
            bool ok;
            if (k.t == JV_STR) ok = jw_string(R, b, v_sp(k), v_sl(k), html);
            else {
                /* Python's json turns non-string keys into strings: 1 -> "1", True -> "true" */
                jbuf t = {0};
                ok = to_json(R, &t, k, -1, html, level + 1) && buf_putc(R, b, '"') && buf_put(R, b, t.p, t.len) && buf_putc(R, b, '"');
                buf_free(R, &t);
            }
            if (!ok || !buf_puts(R, b, ": ") || !to_json(R, b, e->val, indent, html, level + 1) || json_too_long(R, b))
                return false;
        }
        return newline_indent(R, b, indent, level) && buf_putc(R, b, '}');
    }
    default:
        return rt_error(R, JINN_ERR_TYPE, "Object of type %s is not JSON serializable", val_type_name(v));
    }
}

bool value_to_json(jrt *R, jbuf *b, value v, int indent, bool html_safe)
{
    return to_json(R, b, v, indent, html_safe, 0);
}
