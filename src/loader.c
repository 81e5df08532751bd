/*
 * loader.c — finding templates by name (include, import, from), compiling each once, and
 * caching it in the environment. Loading happens at compile time, which is single-threaded per
 * environment, so the cache needs no lock: a compiled template never loads anything while
 * rendering.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "loader.h"
#include "modules.h"

/* A template name is a relative path of plain components: no absolute paths, no "..", no
 * backslashes or NUL bytes, no hidden names. NULL if fine, else why not. */
static const char *bad_name(const char *name, size_t len)
{
    if (!len) return "an empty name";
    if (name[0] == '/') return "an absolute path";
    if (memchr(name, 0, len)) return "a NUL byte in the name";
    if (memchr(name, '\\', len)) return "a backslash in the name";
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && name[j] != '/') j++;
        if (j == i) return "an empty path component";
        if (name[i] == '.') return j - i == 2 && name[i + 1] == '.' ? "'..' in the path" : "a hidden (dot) name";
        i = j + 1;
    }
    return NULL;
}

static char *dup_mem(jrt *R, const char *s, size_t n)
{
    char *p = rt_alloc(R, NULL, 0, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

jinn_status jinn_env_add_search_path(jinn_env *E, const char *dir)
{
    if (!E || !dir || !*dir) return JINN_USAGE;
    /* the copy first: the array's size must always be npaths entries (freed with that size) */
    char *copy = dup_mem(&E->R, dir, strlen(dir));
    if (!copy) return JINN_NOMEM;
    char **p = rt_alloc(&E->R, E->paths, (size_t)E->npaths * sizeof(char *), (size_t)(E->npaths + 1) * sizeof(char *));
    if (!p) { rt_alloc(&E->R, copy, strlen(dir) + 1, 0); return JINN_NOMEM; }
    E->paths = p;
    E->paths[E->npaths++] = copy;
    return JINN_OK;
}

jinn_status jinn_env_add_template(jinn_env *E, const char *name, const char *src, size_t len)
{
    if (!E || !name || (!src && len) || bad_name(name, strlen(name))) return JINN_USAGE;
    if (!E->sources) {
        value d = v_dict(&E->R, 0);
        if (d.t == JV_ERROR) return JINN_NOMEM;
        E->sources = d.u.m;
    }
    value k = v_cstr(&E->R, name), v = v_str(&E->R, src ? src : "", len);
    if (k.t == JV_ERROR || v.t == JV_ERROR) { val_drop(&E->R, k); val_drop(&E->R, v); return JINN_NOMEM; }
    return dict_set(&E->R, E->sources, k, v) ? JINN_OK : JINN_NOMEM;
}

/* the source of name: from memory, else from the search path (malloc'd through R) */
static char *find_source(env *E, const char *name, size_t len, size_t *out_len, char *where, size_t wcap)
{
    if (E->sources) {
        value *v = dict_get_str(E->sources, name, len);
        if (v) {
            *out_len = v_sl(*v);
            snprintf(where, wcap, "<memory>");
            return dup_mem(&E->R, v_sp(*v), v_sl(*v));
        }
    }
    for (int i = 0; i < E->npaths; i++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%.*s", E->paths[i], (int)len, name);
        if (n < 0 || (size_t)n >= sizeof path) continue;
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        jbuf b = {0};
        char chunk[8192];
        size_t got;
        bool ok = true;
        while (ok && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
            ok = buf_put(&E->R, &b, chunk, got);
            if (b.len > E->cfg.limits.template_bytes) ok = false;
        }
        fclose(f);
        if (!ok) { buf_free(&E->R, &b); continue; }
        snprintf(where, wcap, "%s", path);
        char *s = dup_mem(&E->R, b.p ? b.p : "", b.len);
        *out_len = b.len;
        buf_free(&E->R, &b);
        return s;
    }
    /* last, the stdlib modules compiled into the library */
    for (const struct stdlib_module *m = stdlib_modules; m->name; m++)
        if (strlen(m->name) == len && !memcmp(m->name, name, len)) {
            snprintf(where, wcap, "<stdlib>/%s", m->name);
            *out_len = m->len;
            return dup_mem(&E->R, m->src, m->len);
        }
    return NULL;
}

static bool cache_put(env *E, template *T)
{
    if (!E->cache) {
        value d = v_dict(&E->R, 0);
        if (d.t == JV_ERROR) return false;
        E->cache = d.u.m;
    }
    if (E->ncached == E->capcached) {
        int cap = E->capcached ? E->capcached * 2 : 8;
        template **p = rt_alloc(&E->R, E->cached, (size_t)E->capcached * sizeof *p, (size_t)cap * sizeof *p);
        if (!p) return false;
        E->cached = p;
        E->capcached = cap;
    }
    value k = v_cstr(&E->R, T->name);
    if (k.t == JV_ERROR || !dict_set(&E->R, E->cache, k, v_int(E->ncached))) return false;
    E->cached[E->ncached++] = T;
    T->refs++; /* the cache's */
    return true;
}

template *loader_load(env *E, const char *name, size_t len, diags *D, uint32_t pos, bool *missing)
{
    *missing = false;
    const char *why = bad_name(name, len);
    if (why) {
        diag_error(D, JINN_ERR_IO, pos, "template name '%.*s' refused: %s", (int)(len > 100 ? 100 : len), name, why);
        return NULL;
    }
    if (E->cache) {
        value *i = dict_get_str(E->cache, name, len);
        if (i) return E->cached[i->u.i];
    }
    /* a cycle: the template is already being compiled further out */
    for (int i = 0; i < E->nloading; i++)
        if (strlen(E->loading[i]) == len && !memcmp(E->loading[i], name, len)) {
            jbuf chain = {0};
            for (int k = i; k < E->nloading; k++) buf_printf(&E->R, &chain, "%s -> ", E->loading[k]);
            buf_put(&E->R, &chain, name, len);
            diag_error(D, JINN_ERR_SYNTAX, pos, "include cycle: %s", chain.p ? chain.p : "");
            buf_free(&E->R, &chain);
            return NULL;
        }
    if (E->nloading >= (int)(sizeof E->loading / sizeof E->loading[0]) || (uint32_t)E->nloading >= E->cfg.limits.call_depth) {
        diag_error(D, JINN_ERR_LIMIT, pos, "limit 'call_depth' exceeded: templates included %d deep", E->nloading);
        return NULL;
    }
    size_t slen = 0;
    char where[4200];
    char *src = find_source(E, name, len, &slen, where, sizeof where);
    if (!src) {
        *missing = true;
        return NULL;
    }
    char *nm = dup_mem(&E->R, name, len);
    if (!nm) { rt_alloc(&E->R, src, slen + 1, 0); return NULL; }
    E->loading[E->nloading++] = nm;
    diags D2;
    template *T = NULL;
    bool ok = slen <= E->cfg.limits.template_bytes && !utf8_invalid(src, slen) &&
              comp_template(&E->R, E, nm, src, slen, &T, &D2, 0);
    E->nloading--;
    if (!ok) {
        if (slen > E->cfg.limits.template_bytes)
            diag_error(D, JINN_ERR_LIMIT, pos, "limit 'template_bytes' exceeded: '%s' is %zu bytes", nm, slen);
        else if (utf8_invalid(src, slen))
            diag_error(D, JINN_ERR_SYNTAX, pos, "template '%s' is not valid UTF-8", nm);
        else {
            /* the included template's own diagnostics, after ours */
            diag_error(D, D2.kind ? D2.kind : JINN_ERR_SYNTAX, pos, "in template '%s' (%s): %s", nm, where,
                       D2.text.p ? D2.text.p : "it failed to compile (no message)");
            if (D2.out.p) buf_put(D->R, &D->out, D2.out.p, D2.out.len);
            diag_free(&D2);
        }
    } else {
        diag_free(&D2);
        T->refs = 0;
        if (!cache_put(E, T)) { comp_free(&E->R, T); T = NULL; }
    }
    rt_alloc(&E->R, nm, len + 1, 0);
    rt_alloc(&E->R, src, slen + 1, 0);
    return T;
}

const template *loader_runtime(env *E, jrt *R, value name, bool ignore_missing, bool *skipped)
{
    *skipped = false;
    if (name.t == JV_UNDEF) { val_undef_error(R, name); return NULL; }
    const value *items = &name;
    size_t n = 1;
    if (name.t == JV_LIST) { items = name.u.l->items; n = name.u.l->len; }
    for (size_t i = 0; i < n; i++) {
        if (items[i].t == JV_UNDEF) { val_undef_error(R, items[i]); return NULL; }
        if (items[i].t != JV_STR) {
            rt_error(R, JINN_ERR_TYPE, "a template name must be a string, not '%s'", val_type_name(items[i]));
            return NULL;
        }
    }
    jbuf tried = {0};
    pthread_mutex_lock(&E->loader_mu);
    for (size_t i = 0; i < n; i++) {
        diags D;
        diag_init(&D, &E->R, "<include>", "", 0);
        bool missing;
        template *T = loader_load(E, v_sp(items[i]), v_sl(items[i]), &D, 0, &missing);
        E->R.err_kind = JINN_ERR_NONE;
        if (T || !missing) {
            pthread_mutex_unlock(&E->loader_mu);
            if (!T) rt_error(R, D.kind ? D.kind : JINN_ERR_SYNTAX, "%s", D.text.len ? D.text.p : "the template could not be loaded");
            diag_free(&D);
            buf_free(R, &tried);
            return T;
        }
        diag_free(&D);
        if (!buf_printf(R, &tried, "%s'%s'", tried.len ? ", " : "", v_sp(items[i]))) break;
    }
    pthread_mutex_unlock(&E->loader_mu);
    if (ignore_missing) *skipped = true;
    else rt_error(R, JINN_ERR_IO, "template %s not found", tried.p ? tried.p : "(none given)");
    buf_free(R, &tried);
    return NULL;
}

void loader_release(env *E, template *T)
{
    if (T && --T->refs <= 0) comp_free(&E->R, T);
}

static jinn_status get_template_locked(jinn_env *E, const char *name, jinn_template **out, jinn_result *res);

jinn_status jinn_get_template(jinn_env *E, const char *name, jinn_template **out, jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!E || !name || !out) return JINN_USAGE;
    pthread_mutex_lock(&E->loader_mu);
    jinn_status st = get_template_locked(E, name, out, res);
    pthread_mutex_unlock(&E->loader_mu);
    return st;
}

static jinn_status get_template_locked(jinn_env *E, const char *name, jinn_template **out, jinn_result *res)
{
    diags D;
    diag_init(&D, &E->R, name, "", 0);
    bool missing;
    template *T = loader_load(E, name, strlen(name), &D, 0, &missing);
    if (!T) {
        if (res) {
            jbuf m = {0};
            if (missing) buf_printf(&E->R, &m, "template '%s' not found", name);
            else if (D.out.p) buf_put(&E->R, &m, D.out.p, D.out.len);
            else buf_printf(&E->R, &m, "template '%s' failed to compile (no message)", name);
            res->kind = missing ? JINN_ERR_IO : D.kind;
            res->message = dup_mem(&E->R, m.p ? m.p : "", m.len);
            res->text = dup_mem(&E->R, missing ? m.p : (D.text.p ? D.text.p : ""), missing ? m.len : D.text.len);
            res->name = dup_mem(&E->R, name, strlen(name));
            buf_free(&E->R, &m);
        }
        diag_free(&D);
        return JINN_ERROR;
    }
    diag_free(&D);
    T->refs++; /* the caller's handle */
    *out = T;
    return JINN_OK;
}

/* release the loader's state (jinn_env_free) */
void loader_free(env *E)
{
    for (int i = 0; i < E->ncached; i++) loader_release(E, E->cached[i]);
    if (E->cached) rt_alloc(&E->R, E->cached, (size_t)E->capcached * sizeof *E->cached, 0);
    if (E->cache) { value d = {.t = JV_DICT}; d.u.m = E->cache; val_drop(&E->R, d); }
    if (E->sources) { value d = {.t = JV_DICT}; d.u.m = E->sources; val_drop(&E->R, d); }
    for (int i = 0; i < E->npaths; i++) rt_alloc(&E->R, E->paths[i], strlen(E->paths[i]) + 1, 0);
    if (E->paths) rt_alloc(&E->R, E->paths, (size_t)E->npaths * sizeof(char *), 0);
}
