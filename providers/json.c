/*
 * providers/json.c — the JSON fixture provider: answers insert tags from a file
 *     {"expressions": {ID: value}, "metrics": {ID: value}, "aggregates": {ID: [..]},
 *      "catalogs": {ID: value}}
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

static int lookup(void *user, jinn_lookup_kind kind, const char *id, size_t id_len, const char **json, size_t *json_len)
{
    json_prov *p = user;
    *json = NULL;
    *json_len = 0;
    if ((unsigned)kind > 3) return JINN_ERROR;
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

bool prov_json_install(env *E, const char *json, size_t len, jbuf *err)
{
    json_error_t e;
    json_t *root = json_loadb(json, len, 0, &e);
    if (!root) return buf_printf(&E->R, err, "provider fixtures are not valid JSON: %s at line %d, column %d", e.text, e.line, e.column) && false;
    if (!json_is_object(root)) {
        json_decref(root);
        return buf_printf(&E->R, err, "provider fixtures must be a JSON object") && false;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        int known = 0;
        for (int i = 0; i < 4; i++) known |= !strcmp(key, sections[i]);
        if (!known || !json_is_object(val)) {
            json_decref(root);
            return buf_printf(&E->R, err, "provider fixtures: '%s' is not one of expressions, metrics, aggregates, catalogs (an object of ID: value)", key) && false;
        }
    }
    json_t *answers = json_object();
    json_object_foreach(root, key, val) {
        json_t *sec = json_object();
        const char *id;
        json_t *v;
        json_object_foreach(val, id, v) {
            char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));
            if (text) json_object_set_new(sec, id, json_string(text));
            free(text);
        }
        json_object_set_new(answers, key, sec);
    }
    json_decref(root);
    json_prov *p = E->cfg.alloc(E->cfg.alloc_user, NULL, 0, sizeof *p);
    if (!p) { json_decref(answers); return buf_printf(&E->R, err, "out of memory") && false; }
    p->answers = answers;
    p->alloc = E->cfg.alloc;
    p->alloc_user = E->cfg.alloc_user;
    jinn_provider vt = {.version = 1, .lookup = lookup, .destroy = destroy};
    return jinn_env_set_provider(E, &vt, p) == JINN_OK;
}
