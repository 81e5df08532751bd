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
#include <stdlib.h>

#include "../src/env.h"

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
static bool check_sections(json_t *obj, int top, env *E, jbuf *err)
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
                if (!json_is_object(cv) || !check_sections(cv, 0, E, err)) {
                    if (!json_is_object(cv)) buf_printf(&E->R, err, "provider fixtures: customer '%s' is not an object of sections", cid);
                    return false;
                }
            continue;
        }
        if (!known || !json_is_object(val)) {
            buf_printf(&E->R, err, "provider fixtures: '%s' is not one of expressions, metrics, aggregates, catalogs%s (an object of ID: value)",
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

bool prov_json_install(env *E, const char *json, size_t len, jbuf *err)
{
    json_error_t e;
    json_t *root = json_loadb(json, len, 0, &e);
    if (!root) return buf_printf(&E->R, err, "provider fixtures are not valid JSON: %s at line %d, column %d", e.text, e.line, e.column) && false;
    if (!json_is_object(root)) {
        json_decref(root);
        return buf_printf(&E->R, err, "provider fixtures must be a JSON object") && false;
    }
    if (!check_sections(root, 1, E, err)) { json_decref(root); return false; }
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
    json_prov *p = E->cfg.alloc(E->cfg.alloc_user, NULL, 0, sizeof *p);
    if (!p) { json_decref(answers); return buf_printf(&E->R, err, "out of memory") && false; }
    p->answers = answers;
    p->alloc = E->cfg.alloc;
    p->alloc_user = E->cfg.alloc_user;
    jinn_provider vt = {.version = 2, .lookup2 = lookup2, .destroy = destroy};
    return jinn_env_set_provider(E, &vt, p) == JINN_OK;
}
