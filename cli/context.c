/*
 * context.c — the variables of a render as the command line gives them: --context files in
 * JSON or YAML (by extension — .json, .yaml, .yml — else --format), stdin, -D definitions, merged in
 * command-line order into one JSON object with jansson (a later key wins), which the caller
 * turns into a jinn_context. YAML is read with libyaml's document API and mapped onto JSON
 * values (YAML 1.2's core schema for plain scalars). Every error carries the file and, for
 * text that does not parse, its line and column there.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "cli.h"

static void set_err(cli_ctx_error *e, const char *file, int line, int col, const char *fmt, const char *a, const char *b)
{
    snprintf(e->file, sizeof e->file, "%s", file);
    e->line = line;
    e->column = col;
    snprintf(e->message, sizeof e->message, fmt, a ? a : "", b ? b : "");
}

/* ---- YAML ------------------------------------------------------------------------------------ */

/* a plain scalar as the core schema reads it: null, bool, int, float, or NULL (a string) */
static json_t *plain_scalar(const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '~') || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")) return json_null();
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) return json_true();
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) return json_false();
    char *end;
    errno = 0;
    if (s[0] == '0' && s[1] == 'o') {
        long long v = strtoll(s + 2, &end, 8);
        if (!*end && end != s + 2 && !errno) return json_integer(v);
    } else if (s[0] == '0' && s[1] == 'x') {
        long long v = strtoll(s + 2, &end, 16);
        if (!*end && end != s + 2 && !errno) return json_integer(v);
    } else if (strspn(s + (s[0] == '-' || s[0] == '+'), "0123456789") == n - (s[0] == '-' || s[0] == '+') && n > (size_t)(s[0] == '-' || s[0] == '+')) {
        long long v = strtoll(s, &end, 10);
        if (!*end && !errno) return json_integer(v);
    }
    const char *f = s + (s[0] == '-' || s[0] == '+');
    if (!strcmp(f, ".inf") || !strcmp(f, ".Inf") || !strcmp(f, ".INF") || !strcmp(s, ".nan") || !strcmp(s, ".NaN") ||
        !strcmp(s, ".NAN"))
        return NULL; /* JSON has no infinities or NaN: kept as the text */
    /* [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
    size_t i = f - s, digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (i < n && s[i] == '.') { i++; while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++; }
    if (digits && i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        size_t e = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == e) return NULL;
    }
    if (digits && i == n) {
        double d = strtod(s, &end);
        if (!*end && isfinite(d)) return json_real(d);
    }
    return NULL;
}

#define YAML_MAX_NODES 1000000 /* aliases can multiply a small text (the "billion laughs") */

static json_t *yaml_node_json(yaml_document_t *doc, yaml_node_t *node, int depth, long *budget, const char *path,
                              cli_ctx_error *err)
{
    int line = (int)node->start_mark.line + 1, col = (int)node->start_mark.column + 1;
    if (depth > 256 || --*budget < 0) {
        set_err(err, path, line, col, "%s%s", depth > 256 ? "the YAML is nested too deeply" : "the YAML expands to too many values (aliases)", NULL);
        return NULL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        const char *s = (const char *)node->data.scalar.value;
        size_t n = node->data.scalar.length;
        const char *tag = (const char *)node->tag;
        json_t *v = NULL;
        /* libyaml gives an untagged scalar the str tag: a plain one is resolved by its text,
         * a quoted one (or one tagged otherwise) is a string */
        if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && (!tag || !strcmp(tag, YAML_STR_TAG))) v = plain_scalar(s, n);
        if (!v) v = json_stringn(s, n);
        if (!v) set_err(err, path, line, col, "%s%s", "a YAML string is not valid UTF-8", NULL);
        return v;
    }
    case YAML_SEQUENCE_NODE: {
        json_t *a = json_array();
        for (yaml_node_item_t *it = node->data.sequence.items.start; a && it < node->data.sequence.items.top; it++) {
            json_t *x = yaml_node_json(doc, yaml_document_get_node(doc, *it), depth + 1, budget, path, err);
            if (!x || json_array_append_new(a, x)) { json_decref(a); return NULL; }
        }
        return a;
    }
    case YAML_MAPPING_NODE: {
        json_t *o = json_object();
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; o && p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) {
                set_err(err, path, k ? (int)k->start_mark.line + 1 : line, k ? (int)k->start_mark.column + 1 : col,
                        "%s%s", "a YAML key must be a scalar (JSON objects have string keys)", NULL);
                json_decref(o);
                return NULL;
            }
            char *key = strndup((const char *)k->data.scalar.value, k->data.scalar.length);
            json_t *x = key ? yaml_node_json(doc, yaml_document_get_node(doc, p->value), depth + 1, budget, path, err) : NULL;
            int bad = !x || json_object_set_new(o, key, x);
            free(key);
            if (bad) {
                if (x && !err->message[0]) set_err(err, path, (int)k->start_mark.line + 1, (int)k->start_mark.column + 1, "%s%s", "a YAML key is not valid UTF-8", NULL);
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    default:
        set_err(err, path, line, col, "%s%s", "an empty YAML node", NULL);
        return NULL;
    }
}

static json_t *load_yaml(const char *text, size_t len, const char *path, cli_ctx_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) { set_err(err, path, 0, 0, "%s%s", "out of memory", NULL); return NULL; }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    json_t *v = NULL;
    if (!yaml_parser_load(&parser, &doc)) {
        set_err(err, path, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
                "the context is not valid YAML: %s%s", parser.problem ? parser.problem : "error", NULL);
        if (parser.context) {
            size_t l = strlen(err->message);
            snprintf(err->message + l, sizeof err->message - l, " (%s)", parser.context);
        }
        yaml_parser_delete(&parser);
        return NULL;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    long budget = YAML_MAX_NODES;
    if (!root) v = json_object(); /* an empty file: no variables */
    else v = yaml_node_json(&doc, root, 0, &budget, path, err);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return v;
}

/* ---- the context ----------------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

int cli_context_file(json_t *into, const char *path, const char *format, size_t max, cli_ctx_error *err)
{
    memset(err, 0, sizeof *err);
    /* the extension decides (.json, .yaml, .yml); --format, for other names and stdin */
    bool yaml = ends_with(path, ".yaml") || ends_with(path, ".yml") ? true
                : ends_with(path, ".json")                          ? false
                                                                     : format && !strcmp(format, "yaml");
    size_t n;
    char msg[512];
    char *text = cli_read_text(path, &n, max, "context_bytes", msg, sizeof msg);
    if (!text) { set_err(err, path, 0, 0, "%s%s", msg, NULL); err->io = true; return 2; }
    json_t *v;
    if (yaml) {
        v = load_yaml(text, n, path, err);
    } else {
        json_error_t jerr;
        v = json_loadb(text, n, JSON_ALLOW_NUL, &jerr);
        if (!v) set_err(err, path, jerr.line, jerr.column, "the context is not valid JSON: %s%s", jerr.text, NULL);
    }
    free(text);
    if (!v) return 2;
    if (!json_is_object(v)) {
        set_err(err, path, 0, 0, "the file must hold %s%s", yaml ? "a YAML mapping" : "a JSON object", NULL);
        json_decref(v);
        return 2;
    }
    json_object_update(into, v); /* a later file's keys win */
    json_decref(v);
    return 0;
}

int cli_context_define(json_t *into, const char *def, cli_ctx_error *err)
{
    memset(err, 0, sizeof *err);
    const char *eq = strchr(def, '=');
    bool is_json = eq && eq > def && eq[-1] == ':';
    const char *name_end = is_json ? eq - 1 : eq;
    if (!eq || name_end <= def) { set_err(err, "-D", 0, 0, "-D %s: expected name=value or name:=json%s", def, NULL); return 2; }
    char *name = strndup(def, (size_t)(name_end - def));
    if (!name) { set_err(err, "-D", 0, 0, "%s%s", "out of memory", NULL); return 2; }
    json_t *v;
    if (is_json) {
        json_error_t jerr;
        v = json_loads(eq + 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!v) {
            set_err(err, "-D", 1, jerr.column, "-D %s: the value is not valid JSON: %s", name, jerr.text);
            free(name);
            return 2;
        }
    } else {
        v = json_string(eq + 1);
        if (!v) { set_err(err, "-D", 0, 0, "-D %s: the value is not valid UTF-8%s", name, NULL); free(name); return 2; }
    }
    int bad = json_object_set_new(into, name, v);
    if (bad) set_err(err, "-D", 0, 0, "-D %s: the name is not valid UTF-8%s", name, NULL);
    free(name);
    return bad ? 2 : 0;
}
