/*
 * providers/json.c — the JSON fixture provider: answers insert tags from a file
 *     {"expressions": {ID: value}, "metrics": {ID: value}, "aggregates": {ID: [..]},
 *      "catalogs": {ID: value},
 *      "customers": {CUSTOMER_ID: {"expressions": {...}, "aggregates": {...}, ...}}}
 * A render for a customer (jinn_render_opts.customer_id) looks in that customer's section
 * first, then in the top-level sections (metrics are usually global).
 * It plugs in through the public provider vtable like any embedder's provider would; the
 * answers are kept as JSON text (jansson) and handed back as such.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jinn.h"

/* Answers are serialised once, at install time, into `answers` (section -> id -> JSON text
 * as a jansson string), so a lookup only reads: renders on many threads may share it. */
typedef struct {
    json_t *answers;
    jinn_alloc_fn alloc;
    void *alloc_user;
} json_prov;

static const char *const sections[] = {"expressions", "metrics", "aggregates", "catalogs"};

static int lookup2(void *user, const jinn_lookup *q, const char **json, size_t *json_len)
{
    json_prov *p = user;
    jinn_lookup_kind kind = q->kind;
    const char *id = q->id;
    size_t id_len = q->id_len;
    *json = NULL;
    *json_len = 0;
    if ((unsigned)kind > 3) return JINN_ERROR;
    if (q->customer) {
        json_t *cust = json_object_getn(json_object_get(p->answers, "customers"), q->customer, q->customer_len);
        json_t *v = cust ? json_object_getn(json_object_get(cust, sections[kind]), id, id_len) : NULL;
        if (v) {
            *json = json_string_value(v);
            *json_len = json_string_length(v);
            return JINN_OK;
        }
    }
    json_t *sec = json_object_get(p->answers, sections[kind]);
    json_t *v = sec ? json_object_getn(sec, id, id_len) : NULL;
    if (!v) return JINN_ERROR;
    *json = json_string_value(v);
    *json_len = json_string_length(v);
    return JINN_OK;
}

static void destroy(void *user)
{
    json_prov *p = user;
    json_decref(p->answers);
    p->alloc(p->alloc_user, p, sizeof *p, 0);
}

/* every key must be a section (or, at the top level, "customers": an object of sections) */
static bool check_sections(json_t *obj, int top, char *err, size_t errcap)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        int known = 0;
        for (int i = 0; i < 4; i++) known |= !strcmp(key, sections[i]);
        if (top && !strcmp(key, "customers") && json_is_object(val)) {
            const char *cid;
            json_t *cv;
            json_object_foreach(val, cid, cv)
                if (!json_is_object(cv) || !check_sections(cv, 0, err, errcap)) {
                    if (!json_is_object(cv)) snprintf(err, errcap, "provider fixtures: customer '%s' is not an object of sections", cid);
                    return false;
                }
            continue;
        }
        if (!known || !json_is_object(val)) {
            snprintf(err, errcap, "provider fixtures: '%s' is not one of expressions, metrics, aggregates, catalogs%s (an object of ID: value)",
                       key, top ? ", customers" : "");
            return false;
        }
    }
    return true;
}

/* the sections of obj with each answer serialised once, as a JSON string */
static json_t *serialise_sections(json_t *obj)
{
    json_t *answers = json_object();
    for (int i = 0; i < 4; i++) {
        json_t *val = json_object_get(obj, sections[i]);
        if (!val) continue;
        json_t *sec = json_object();
        const char *id;
        json_t *v;
        json_object_foreach(val, id, v) {
            char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));
            if (text) json_object_set_new(sec, id, json_string(text));
            free(text);
        }
        json_object_set_new(answers, sections[i], sec);
    }
    return answers;
}

jinn_status jinn_env_use_json_provider(jinn_env *E, const char *json, size_t len, jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!E || (!json && len)) return JINN_USAGE;
    char err[400];
    json_error_t e;
    json_t *root = json_loadb(json ? json : "", len, 0, &e);
    if (!root) {
        snprintf(err, sizeof err, "provider fixtures are not valid JSON: %s at line %d, column %d", e.text, e.line, e.column);
        return jinn_result_error(E, res, JINN_ERR_PROVIDER, "providers", err);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return jinn_result_error(E, res, JINN_ERR_PROVIDER, "providers", "provider fixtures must be a JSON object");
    }
    if (!check_sections(root, 1, err, sizeof err)) {
        json_decref(root);
        return jinn_result_error(E, res, JINN_ERR_PROVIDER, "providers", err);
    }
    json_t *answers = serialise_sections(root);
    json_t *customers = json_object_get(root, "customers");
    if (customers) {
        json_t *cs = json_object();
        const char *cid;
        json_t *cv;
        json_object_foreach(customers, cid, cv) json_object_set_new(cs, cid, serialise_sections(cv));
        json_object_set_new(answers, "customers", cs);
    }
    json_decref(root);
    void *au;
    jinn_alloc_fn alloc = jinn_env_allocator(E, &au);
    json_prov *p = alloc(au, NULL, 0, sizeof *p);
    if (!p) { json_decref(answers); return jinn_result_error(E, res, JINN_ERR_PROVIDER, "providers", "out of memory"); }
    p->answers = answers;
    p->alloc = alloc;
    p->alloc_user = au;
    jinn_provider vt = {.version = 2, .lookup2 = lookup2, .destroy = destroy};
    jinn_status st = jinn_env_set_provider(E, &vt, p);
    if (st != JINN_OK) destroy(p);
    return st;
}
