/*
 * yaml.c — Jinjava's fromyaml and toyaml filters (lib/filter/FromYamlFilter.java,
 * ToYamlFilter.java, both on Jackson's YAMLMapper).
 *
 * fromyaml reads with libyaml's event parser (yaml-0.1) and builds values the way Jackson
 * types scalars: a quoted scalar is a string; a plain one is null (~, null, empty), a
 * boolean (true/false in any case), an integer, a float, or else a string. Aliases are
 * refused (a bounded parser is simpler than an alias-bomb guard) and nesting is capped.
 *
 * toyaml writes what YAMLMapper writes with WRITE_DOC_START_MARKER off: block style, keys
 * plain, strings double-quoted (Jackson's default, MINIMIZE_QUOTES off), sequence items
 * "- " at their parent's indentation, two spaces per nested mapping level, [] and {} for
 * empty containers, a final newline. SnakeYAML's folding of strings longer than 80 columns
 * is not reproduced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "ext.h"

#define YAML_MAX_DEPTH 200

/* ======================================================================================
 * fromyaml
 * ====================================================================================== */

static value plain_scalar(jrt *R, const char *s, size_t n)
{
    if (!n || (n == 1 && s[0] == '~') || (n == 4 && !strncasecmp(s, "null", 4))) return v_none();
    if (n == 4 && !strncasecmp(s, "true", 4)) return v_bool(true);
    if (n == 5 && !strncasecmp(s, "false", 5)) return v_bool(false);
    char tmp[64];
    if (n < sizeof tmp) {
        memcpy(tmp, s, n);
        tmp[n] = 0;
        char *end;
        long long i = strtoll(tmp, &end, 10);
        if (!*end && end != tmp && (tmp[0] != '0' || n == 1)) return v_int(i);
        double d = strtod(tmp, &end);
        if (!*end && end != tmp && strpbrk(tmp, ".eE") && !strpbrk(tmp, "xXnN")) return v_float(d);
    }
    return v_str(R, s, n);
}

/* the value of the node that starts with event ev (already taken) */
static bool read_node(jrt *R, yaml_parser_t *p, yaml_event_t *ev, value *out, int depth)
{
    if (depth > YAML_MAX_DEPTH) return rt_error(R, JINN_ERR_LIMIT, "fromyaml: nested more than %d deep", YAML_MAX_DEPTH);
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        const char *s = (const char *)ev->data.scalar.value;
        size_t n = ev->data.scalar.length;
        *out = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_scalar(R, s, n) : v_str(R, s, n);
        return out->t != JV_ERROR;
    }
    case YAML_ALIAS_EVENT: return rt_error(R, JINN_ERR_VALUE, "fromyaml: aliases are not supported");
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        *out = map ? v_dict(R, 0) : v_list(R, 0);
        if (out->t == JV_ERROR) return false;
        for (;;) {
            yaml_event_t e;
            if (!yaml_parser_parse(p, &e)) {
                val_drop(R, *out);
                *out = v_none(); /* the caller drops what it holds */
                return rt_error(R, JINN_ERR_VALUE, "fromyaml: %s at line %zu", p->problem ? p->problem : "invalid YAML",
                                p->problem_mark.line + 1);
            }
            if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) { yaml_event_delete(&e); return true; }
            value k = v_none(), v = v_none();
            bool ok = read_node(R, p, &e, &k, depth + 1);
            yaml_event_delete(&e);
            if (ok && map) {
                if (!yaml_parser_parse(p, &e)) ok = rt_error(R, JINN_ERR_VALUE, "fromyaml: invalid YAML");
                else {
                    ok = read_node(R, p, &e, &v, depth + 1);
                    yaml_event_delete(&e);
                }
                if (ok && k.t != JV_STR) { /* Jackson's map keys are strings */
                    value ks = val_to_str(R, k);
                    val_drop(R, k);
                    k = ks;
                    ok = k.t != JV_ERROR;
                }
                if (ok) { ok = dict_set(R, out->u.m, k, v); k = v = v_none(); }
            } else if (ok) {
                ok = list_push(R, out->u.l, k);
                k = v_none();
            }
            val_drop(R, k);
            val_drop(R, v);
            if (!ok) { val_drop(R, *out); *out = v_none(); return false; }
        }
    }
    default:
        return rt_error(R, JINN_ERR_VALUE, "fromyaml: unexpected YAML event");
    }
}

/* fromyaml — a YAML document (the first) to values; none gives none */
BI_EXT(flt_fromyaml)
{
    value s = args[0];
    if (s.t == JV_NONE || s.t == JV_UNDEF) { *out = v_none(); return true; }
    if (s.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "fromyaml: expected a string, not '%s'", val_type_name(s));
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return rt_error(R, JINN_ERR_LIMIT, "fromyaml: out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)v_sp(s), v_sl(s));
    *out = v_none();
    bool ok = true, done = false;
    while (ok && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            ok = rt_error(R, JINN_ERR_VALUE, "fromyaml: %s at line %zu", p.problem ? p.problem : "invalid YAML", p.problem_mark.line + 1);
            break;
        }
        switch (e.type) {
        case YAML_STREAM_START_EVENT: case YAML_DOCUMENT_START_EVENT: break;
        case YAML_STREAM_END_EVENT: case YAML_DOCUMENT_END_EVENT: done = true; break;
        default: ok = read_node(R, &p, &e, out, 0); done = true; break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    if (!ok) *out = v_none();
    return ok;
}

/* ======================================================================================
 * toyaml
 * ====================================================================================== */

static bool put_indent(jrt *R, jbuf *b, int n)
{
    for (int i = 0; i < n; i++) if (!buf_putc(R, b, ' ')) return false;
    return true;
}

/* a double-quoted YAML string (SnakeYAML's escapes; non-ASCII kept) */
static bool put_quoted(jrt *R, jbuf *b, const char *s, size_t n)
{
    bool ok = buf_putc(R, b, '"');
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': ok = buf_puts(R, b, "\\\""); break;
        case '\\': ok = buf_puts(R, b, "\\\\"); break;
        case '\n': ok = buf_puts(R, b, "\\n"); break;
        case '\t': ok = buf_puts(R, b, "\\t"); break;
        case '\r': ok = buf_puts(R, b, "\\r"); break;
        case 0: ok = buf_puts(R, b, "\\0"); break;
        default: ok = c < 0x20 ? buf_printf(R, b, "\\x%02X", c) : buf_putc(R, b, (char)c); break;
        }
    }
    return ok && buf_putc(R, b, '"');
}

/* a scalar as Jackson writes it */
static bool put_scalar(jrt *R, jbuf *b, value v)
{
    switch (v.t) {
    case JV_NONE: case JV_UNDEF: case JV_ABSENT: return buf_puts(R, b, "null");
    case JV_STR: return put_quoted(R, b, v_sp(v), v_sl(v));
    default: return print_str(R, b, v); /* numbers, booleans: their Java text */
    }
}

static bool is_block(value v) { return (v.t == JV_LIST && v.u.l->len) || (v.t == JV_DICT && v.u.m->len); }

static bool put_node(jrt *R, jbuf *b, value v, int indent, int depth);

/* the value after "key:" or "- ": a scalar or empty container on the same line, else a
 * block on the next lines */
static bool put_child(jrt *R, jbuf *b, value v, int indent, bool in_seq, int depth)
{
    if (!is_block(v)) {
        bool ok = buf_putc(R, b, ' ');
        if (ok) ok = v.t == JV_LIST ? buf_puts(R, b, "[]") : v.t == JV_DICT ? buf_puts(R, b, "{}") : put_scalar(R, b, v);
        return ok && buf_putc(R, b, '\n');
    }
    if (in_seq) { /* "- " then the block's first line on the same line */
        if (!buf_putc(R, b, ' ')) return false;
        return put_node(R, b, v, -(indent + 2), depth + 1);
    }
    if (!buf_putc(R, b, '\n')) return false;
    return put_node(R, b, v, v.t == JV_DICT ? indent + 2 : indent, depth + 1);
}

/* indent < 0: the first line continues the current one (after "- ") at -indent */
static bool put_node(jrt *R, jbuf *b, value v, int indent, int depth)
{
    if (depth > 200) return rt_error(R, JINN_ERR_LIMIT, "toyaml: nested more than 200 deep");
    bool first = true;
    int ind = indent < 0 ? -indent : indent;
    if (v.t == JV_LIST) {
        for (size_t i = 0; i < v.u.l->len; i++, first = false) {
            if (!(first && indent < 0) && !put_indent(R, b, ind)) return false;
            if (!buf_putc(R, b, '-') || !put_child(R, b, v.u.l->items[i], ind, true, depth)) return false;
        }
        return true;
    }
    jentry *e;
    for (size_t i = 0; dict_next(v.u.m, &i, &e); first = false) {
        if (!(first && indent < 0) && !put_indent(R, b, ind)) return false;
        if (e->key.t == JV_STR) { if (!buf_put(R, b, v_sp(e->key), v_sl(e->key))) return false; }
        else if (!put_scalar(R, b, e->key)) return false;
        if (!buf_putc(R, b, ':') || !put_child(R, b, e->val, ind, false, depth)) return false;
    }
    return true;
}

/* toyaml — the value as a YAML document */
BI_EXT(flt_toyaml)
{
    value v = args[0];
    jbuf b = {0};
    bool ok;
    if (is_block(v)) ok = put_node(R, &b, v, 0, 0);
    else {
        ok = v.t == JV_LIST ? buf_puts(R, &b, "[]") : v.t == JV_DICT ? buf_puts(R, &b, "{}") : put_scalar(R, &b, v);
        if (ok) ok = buf_putc(R, &b, '\n');
    }
    if (!ok) { buf_free(R, &b); return false; }
    *out = v_str_from_buf(R, &b);
    return out->t != JV_ERROR;
}
