/*
 * api.c — include/jinn.h on top of the compiler, the VM and the value layer.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "loader.h"
#include "vm.h"
#include "modules.h"

static char *dupstr(jrt *R, const char *s, size_t n);

static void *default_alloc(void *user, void *ptr, size_t old, size_t n)
{
    (void)user;
    (void)old;
    if (n == 0) { free(ptr); return NULL; }
    return ptr ? realloc(ptr, n) : malloc(n);
}

/* ---- limits ------------------------------------------------------------------------------ */
static const struct {
    const char *name;
    size_t off, size;
    uint64_t dflt;
    const char *unit;
} limit_table[] = {
#define L(field, dflt, unit) {#field, offsetof(jinn_limits, field), sizeof(((jinn_limits *)0)->field), dflt, unit}
    L(template_bytes, 16u << 20, "bytes of template source"),
    L(parse_depth, 256, "levels of nested brackets, blocks and operators"),
    L(call_depth, 100, "nested macro calls"),
    L(fuel, 100000000, "units of work per render"),
    L(output_bytes, 64u << 20, "bytes of output"),
    L(string_bytes, 16u << 20, "bytes in one string"),
    L(collection_items, 1000000, "items in one list or dict"),
    L(range_items, 100000, "items from one range()"),
    L(provider_calls, 10000, "provider lookups per render"),
    L(memory_bytes, 512u << 20, "bytes allocated by one render"),
    L(context_bytes, 64u << 20, "bytes of context or provider JSON"),
#undef L
};
#define NLIMITS (sizeof limit_table / sizeof limit_table[0])

static void limit_put(jinn_limits *l, size_t i, uint64_t v)
{
    char *p = (char *)l + limit_table[i].off;
    if (limit_table[i].size == 4) { uint32_t x = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; memcpy(p, &x, 4); }
    else memcpy(p, &v, 8);
}

static uint64_t limit_get(const jinn_limits *l, size_t i)
{
    const char *p = (const char *)l + limit_table[i].off;
    if (limit_table[i].size == 4) { uint32_t x; memcpy(&x, p, 4); return x; }
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

void jinn_limits_init(jinn_limits *l)
{
    for (size_t i = 0; i < NLIMITS; i++) limit_put(l, i, limit_table[i].dflt);
}

jinn_status jinn_limits_set(jinn_limits *l, const char *name, uint64_t v)
{
    for (size_t i = 0; i < NLIMITS; i++)
        if (!strcmp(limit_table[i].name, name)) {
            limit_put(l, i, v);
            return JINN_OK;
        }
    return JINN_USAGE;
}

jinn_status jinn_limits_describe(const jinn_limits *l, char *out, size_t cap)
{
    size_t used = 0;
    for (size_t i = 0; i < NLIMITS; i++) {
        int n = snprintf(out + used, used < cap ? cap - used : 0, "%-17s %llu  (%s)\n", limit_table[i].name,
                         (unsigned long long)limit_get(l, i), limit_table[i].unit);
        if (n < 0) return JINN_USAGE;
        used += (size_t)n;
    }
    return used < cap ? JINN_OK : JINN_USAGE;
}

void jinn_config_init(jinn_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->alloc = default_alloc;
    cfg->profile = JINN_PROFILE_JINJA;
    jinn_limits_init(&cfg->limits);
}

static void rt_init(jrt *R, const jinn_config *cfg)
{
    memset(R, 0, sizeof *R);
    R->alloc = cfg->alloc ? cfg->alloc : default_alloc;
    R->alloc_user = cfg->alloc_user;
    R->profile = cfg->profile == JINN_PROFILE_JINJAVA ? PROF_JINJAVA : PROF_JINJA;
    R->autoescape = cfg->autoescape;
    R->undef_mode = cfg->undefined;
    R->lim = &cfg->limits;
    R->fuel = cfg->limits.fuel > INT64_MAX ? INT64_MAX : (int64_t)cfg->limits.fuel;
    R->tick = 4096;
    R->progress = cfg->progress;
    R->progress_user = cfg->progress_user;
    rt_live_init(R);
}

static void rt_fini(jrt *R)
{
    buf_free(R, &R->err_msg);
    buf_free(R, &R->warnings);
}

jinn_env *jinn_env_new(const jinn_config *cfg)
{
    jinn_config c;
    if (!cfg) { jinn_config_init(&c); cfg = &c; }
    jinn_alloc_fn a = cfg->alloc ? cfg->alloc : default_alloc;
    env *E = a(cfg->alloc_user, NULL, 0, sizeof *E);
    if (!E) return NULL;
    memset(E, 0, sizeof *E);
    E->cfg = *cfg;
    E->cfg.alloc = a;
    rt_init(&E->R, &E->cfg);
    /* the syntax strings are the env's own copies: callers need not keep theirs */
    const char **strs[8] = {&E->cfg.block_start, &E->cfg.block_end, &E->cfg.variable_start, &E->cfg.variable_end,
                            &E->cfg.comment_start, &E->cfg.comment_end, &E->cfg.line_statement_prefix,
                            &E->cfg.line_comment_prefix};
    for (int i = 0; i < 8; i++) {
        if (!*strs[i]) continue;
        if (!**strs[i] && i < 6) { *strs[i] = NULL; continue; } /* an empty delimiter: the default */
        char *copy = dupstr(&E->R, *strs[i], strlen(*strs[i]));
        if (!copy) { for (int k = 0; k < i; k++) if (*strs[k]) rt_alloc(&E->R, (void *)*strs[k], strlen(*strs[k]) + 1, 0);
                  rt_fini(&E->R); a(cfg->alloc_user, E, sizeof *E, 0); return NULL; }
        *strs[i] = copy;
    }
    E->prov.strict = cfg->strict_providers;
    E->R.fuel = INT64_MAX; /* compiling is bounded by template_bytes and parse_depth */
    E->R.progress = NULL;  /* the progress callback watches renders, not compiles */
    if (!reg_init(&E->R, &E->reg)) { jinn_env_free(E); return NULL; }
    return E;
}

void jinn_env_free(jinn_env *E)
{
    if (!E) return;
    prov_clear(&E->prov);
    loader_free(E);
    reg_free(&E->R, &E->reg);
    const char *strs[8] = {E->cfg.block_start, E->cfg.block_end, E->cfg.variable_start, E->cfg.variable_end,
                           E->cfg.comment_start, E->cfg.comment_end, E->cfg.line_statement_prefix, E->cfg.line_comment_prefix};
    for (int i = 0; i < 8; i++)
        if (strs[i]) rt_alloc(&E->R, (void *)strs[i], strlen(strs[i]) + 1, 0);
    rt_fini(&E->R);
    E->cfg.alloc(E->cfg.alloc_user, E, sizeof *E, 0);
}

jinn_status jinn_env_set_provider(jinn_env *E, const jinn_provider *p, void *user)
{
    if (!E || !p || p->version < 1 || p->version > 2 || (p->version == 1 && !p->lookup) ||
        (p->version == 2 && !p->lookup2 && !p->lookup))
        return JINN_USAGE;
    prov_set(&E->prov, p, user);
    return JINN_OK;
}

static char *dupstr(jrt *R, const char *s, size_t n)
{
    char *p = R->alloc(R->alloc_user, NULL, 0, n + 1);
    if (p) { if (n) memcpy(p, s, n); p[n] = 0; }
    return p;
}

/* What a jinn_result holds when its strings could not be allocated: never NULL after an error.
 * These are not the allocator's, and jinn_result_clear knows them. */
static char reserved_message[] = "out of memory (the error's own message could not be kept)\n";
static char reserved_text[] = "out of memory";
static char reserved_name[] = "<jinn>";

static void release(jrt *R, char *s)
{
    if (s && s != reserved_message && s != reserved_text && s != reserved_name)
        R->alloc(R->alloc_user, s, strlen(s) + 1, 0);
}

static void result_clear_fields(jrt *R, jinn_result *res)
{
    release(R, res->message);
    release(R, res->text);
    release(R, res->name);
    release(R, res->warnings);
    memset(res, 0, sizeof *res);
}

void jinn_result_clear(jinn_env *E, jinn_result *res)
{
    if (E && res) result_clear_fields(&E->R, res);
}

/* Fill res with an error at pos of (name, src). */
static void set_error(jrt *R, jinn_result *res, jinn_error_kind kind, const char *name, const char *src,
                      size_t srclen, uint32_t pos, const char *msg, size_t msglen, const char *full)
{
    if (!res) return;
    res->kind = kind;
    res->text = dupstr(R, msg, msglen);
    res->name = dupstr(R, name, strlen(name));
    if (src) diag_position(src, srclen, pos, &res->line, &res->column);
    if (full) {
        res->message = dupstr(R, full, strlen(full));
    } else if (src) {
        jbuf b = {0};
        diag_format(R, &b, name, src, srclen, pos, msg, msglen);
        res->message = dupstr(R, b.p ? b.p : "", b.len);
        buf_free(R, &b);
    } else {
        jbuf b = {0};
        buf_printf(R, &b, "%s: %.*s\n", name, (int)msglen, msg);
        res->message = dupstr(R, b.p ? b.p : "", b.len);
        buf_free(R, &b);
    }
    if (!res->message || !*res->message) { release(R, res->message); res->message = reserved_message; }
    if (!res->text) res->text = reserved_text;
    if (!res->name) res->name = reserved_name;
}

static void set_warnings(jrt *R, jinn_result *res, jrt *from)
{
    if (!res || !from->nwarnings) return;
    res->warnings = dupstr(R, from->warnings.p, from->warnings.len);
    res->nwarnings = from->nwarnings;
}

jinn_status jinn_compile(jinn_env *E, const char *name, const char *src, size_t len, jinn_template **out,
                         jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!E || !out || (!src && len)) return JINN_USAGE;
    if (!name) name = "<template>";
    if (len > UINT32_MAX - 1 || len > E->cfg.limits.template_bytes) {
        char m[160];
        int n = snprintf(m, sizeof m, "limit 'template_bytes' exceeded: a template of %zu bytes (limit %zu)", len,
                         E->cfg.limits.template_bytes);
        set_error(&E->R, res, JINN_ERR_LIMIT, name, NULL, 0, 0, m, (size_t)n, NULL);
        return JINN_ERROR;
    }
    const char *bad = src ? utf8_invalid(src, len) : NULL;
    if (bad) {
        char m[160];
        int n = snprintf(m, sizeof m, "the template is not valid UTF-8 (byte 0x%02x at offset %zu)",
                         (unsigned char)*bad, (size_t)(bad - src));
        set_error(&E->R, res, JINN_ERR_SYNTAX, name, src, len, (uint32_t)(bad - src), m, (size_t)n, NULL);
        return JINN_ERROR;
    }
    diags D;
    template *T = NULL;
    E->R.err_kind = JINN_ERR_NONE;
    E->R.oom = false;
    /* the template itself is the first link of any include chain */
    bool pushed = E->nloading < (int)(sizeof E->loading / sizeof E->loading[0]);
    if (pushed) E->loading[E->nloading++] = name;
    bool ok = comp_template(&E->R, E, name, src ? src : "", len, &T, &D, 0);
    if (pushed) E->nloading--;
    if (!ok) {
        if (D.count && D.text.len)
            set_error(&E->R, res, D.kind, name, src, len, D.pos, D.text.p, D.text.len, D.out.p);
        else
            set_error(&E->R, res, E->R.err_kind ? E->R.err_kind : JINN_ERR_LIMIT, name, NULL, 0, 0,
                      E->R.err_msg.len ? E->R.err_msg.p : "out of memory", E->R.err_msg.len ? E->R.err_msg.len : 13, NULL);
        if (res) res->incomplete = D.incomplete;
        diag_free(&D);
        E->R.err_kind = JINN_ERR_NONE;
        bool oom = E->R.oom;
        E->R.oom = false;
        return oom ? JINN_NOMEM : JINN_ERROR;
    }
    diag_free(&D);
    *out = T;
    return JINN_OK;
}

jinn_status jinn_check(jinn_env *E, const char *name, const char *src, size_t len, int json, jinn_buf *out,
                       int *errors, int *warnings)
{
    if (!E || !out || (!src && len)) return JINN_USAGE;
    if (!name) name = "<template>";
    jrt *R = &E->R;
    jbuf o = {out->data, out->len, out->cap};
    int nerr = 0, nwarn = 0;
    const char *bad = src ? utf8_invalid(src, len) : NULL;
    if (len > E->cfg.limits.template_bytes || bad) {
        diags D;
        diag_init(&D, R, name, src, len);
        D.json = json;
        if (bad) diag_error(&D, JINN_ERR_SYNTAX, (uint32_t)(bad - src), "the template is not valid UTF-8 (byte 0x%02x at offset %zu)",
                            (unsigned char)*bad, (size_t)(bad - src));
        else diag_error(&D, JINN_ERR_LIMIT, 0, "limit 'template_bytes' exceeded: a template of %zu bytes (limit %zu)", len,
                        E->cfg.limits.template_bytes);
        jbuf *src_b = json ? &D.json_out : &D.out;
        buf_put(R, &o, src_b->p ? src_b->p : "", src_b->len);
        nerr = D.count;
        diag_free(&D);
    } else {
        diags D;
        template *T = NULL;
        R->err_kind = JINN_ERR_NONE;
        D.json = json; /* comp_template re-initialises D: the flag is passed through check */
        bool ok = comp_template(R, E, name, src ? src : "", len, &T, &D, json ? 2 : 1);
        if (ok) comp_free(R, T);
        jbuf *src_b = json ? &D.json_out : &D.out;
        buf_put(R, &o, src_b->p ? src_b->p : "", src_b->len);
        nerr = D.count;
        nwarn = D.nwarn;
        diag_free(&D);
        R->err_kind = JINN_ERR_NONE;
    }
    out->data = o.p;
    out->len = o.len;
    out->cap = o.cap;
    if (errors) *errors = nerr;
    if (warnings) *warnings = nwarn;
    return nerr ? JINN_ERROR : JINN_OK;
}

void jinn_template_free(jinn_template *t)
{
    if (!t) return;
    loader_release(t->env, t);
}

jinn_status jinn_context_from_json(jinn_env *E, const char *json, size_t len, jinn_context **out, jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!E || !out) return JINN_USAGE;
    /* a runtime of its own: contexts may be built on many threads at once */
    jrt local;
    rt_init(&local, &E->cfg);
    jrt *R = &local;
    local.fuel = INT64_MAX; /* bounded by context_bytes, not by a render's fuel */
    local.progress = NULL;
    value v = v_err();
    if (E->cfg.limits.context_bytes && len > E->cfg.limits.context_bytes)
        rt_limit(R, "context_bytes", "a context of %zu bytes (limit %zu)", len, E->cfg.limits.context_bytes);
    else v = json_to_value(R, json, len, "the context");
    if (v.t != JV_ERROR && v.t != JV_DICT) {
        val_drop(R, v);
        rt_error(R, JINN_ERR_TYPE, "the context must be a JSON object");
        v = v_err();
    }
    if (v.t == JV_ERROR) {
        set_error(R, res, R->err_kind, "context", NULL, 0, 0, R->err_msg.len ? R->err_msg.p : "out of memory",
                  R->err_msg.len ? R->err_msg.len : 13, NULL);
        bool oom = R->oom;
        rt_fini(R);
        return oom ? JINN_NOMEM : JINN_ERROR;
    }
    jinn_context *c = rt_alloc(R, NULL, 0, sizeof *c);
    if (!c) {
        val_drop(R, v);
        set_error(R, res, JINN_ERR_LIMIT, "context", NULL, 0, 0, "out of memory", 13, NULL);
        rt_fini(R);
        return JINN_NOMEM;
    }
    val_make_immortal(v);
    c->E = E;
    c->vars = v;
    *out = c;
    rt_fini(R);
    return JINN_OK;
}

void jinn_context_free(jinn_context *c)
{
    if (!c) return;
    jrt local;
    rt_init(&local, &c->E->cfg);
    val_free_immortal(&local, c->vars);
    rt_alloc(&local, c, sizeof *c, 0);
    rt_fini(&local);
}

static jinn_status render_impl(const jinn_template *t, const jinn_render_opts *opts, jinn_buf *out, jinn_result *res,
                               jinn_write_fn write, void *write_user);

jinn_status jinn_render(const jinn_template *t, const jinn_render_opts *opts, jinn_buf *out, jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!t || !out) return JINN_USAGE;
    return render_impl(t, opts, out, res, NULL, NULL);
}

static jinn_status render_impl(const jinn_template *t, const jinn_render_opts *opts, jinn_buf *out, jinn_result *res,
                               jinn_write_fn write, void *write_user)
{
    env *E = t->env;
    jrt R;
    rt_init(&R, &E->cfg);
    R.write = write;
    R.write_user = write_user;
    R.env = E;
    R.mem_limit = E->cfg.limits.memory_bytes;
    R.interrupt = opts ? opts->interrupt : NULL;
    R.customer = opts ? opts->customer_id : NULL;
    R.rng = opts ? opts->seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL : 0x2545F4914F6CDD1DULL;
    jbuf b = {out->data, 0, out->cap};
    if (b.p) b.p[0] = 0;
    uint32_t pos = 0;
    const template *et = NULL;
    jbuf ex = {0}, *exp = NULL;
    if (opts && opts->exports) {
        ex.p = opts->exports->data;
        ex.cap = opts->exports->cap;
        exp = &ex;
    }
    /* the interrupt flag and the progress callback are polled before the first instruction
     * and after the last, so a render too small to reach a poll still sees them */
    bool polled = R.interrupt || R.progress;
    bool ok = (!polled || rt_tick_slow(&R))
              && vm_render(&R, t, opts && opts->context ? &opts->context->vars : NULL, &b, &pos, &et, exp)
              && (!polled || rt_tick_slow(&R));
    if (exp) {
        opts->exports->data = ex.p;
        opts->exports->len = ex.len;
        opts->exports->cap = ex.cap;
    }
    out->data = b.p;
    out->len = b.len;
    out->cap = b.cap;
    if (!out->data) {
        /* always hand back a NUL-terminated buffer */
        buf_grow(&R, &b, 1);
        out->data = b.p;
        out->cap = b.cap;
        if (b.p) b.p[0] = 0;
    }
    R.mem_limit = 0; /* the result's strings are not the render's: a memory limit error keeps its message */
    set_warnings(&R, res, &R);
    jinn_status st = JINN_OK;
    if (!ok) {
        if (!et) et = t;
        const char *msg = R.err_msg.len ? R.err_msg.p : R.oom ? "out of memory" : "the render failed (its message was lost)";
        set_error(&R, res, R.err_kind ? R.err_kind : JINN_ERR_LIMIT, et->name, et->src, et->srclen, pos, msg,
                  R.err_msg.len ? R.err_msg.len : strlen(msg), NULL);
        st = R.oom ? JINN_NOMEM : JINN_ERROR;
    }
    rt_fini(&R);
    return st;
}

jinn_status jinn_render_stream(const jinn_template *t, const jinn_render_opts *opts, jinn_write_fn write, void *user,
                               jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!t || !write) return JINN_USAGE;
    jinn_buf out = {0};
    jinn_status st = render_impl(t, opts, &out, res, write, user);
    jinn_buf_free(t->env, &out);
    return st;
}

jinn_status jinn_render_to(const jinn_template *t, const jinn_render_opts *opts, char *buf, size_t cap, size_t *len,
                           jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!t || !buf || !cap) return JINN_USAGE;
    jinn_buf out = {0};
    jinn_status st = jinn_render(t, opts, &out, res);
    if (st == JINN_OK && out.len + 1 > cap) {
        jrt R;
        rt_init(&R, &t->env->cfg);
        char msg[160];
        int n = snprintf(msg, sizeof msg, "limit 'output_bytes' exceeded: %zu bytes of output do not fit the caller's buffer of %zu",
                         out.len, cap);
        set_error(&R, res, JINN_ERR_LIMIT, t->name, NULL, 0, 0, msg, (size_t)n, NULL);
        rt_fini(&R);
        st = JINN_ERROR;
    }
    if (st == JINN_OK) {
        memcpy(buf, out.data, out.len + 1);
        if (len) *len = out.len;
    } else {
        buf[0] = 0;
        if (len) *len = 0;
    }
    jinn_buf_free(t->env, &out);
    return st;
}

void jinn_buf_free(jinn_env *E, jinn_buf *b)
{
    if (!b || !b->data) return;
    if (E) E->cfg.alloc(E->cfg.alloc_user, b->data, b->cap, 0);
    else free(b->data);
    memset(b, 0, sizeof *b);
}

jinn_status jinn_disasm(const jinn_template *t, jinn_buf *out)
{
    jrt R;
    rt_init(&R, &t->env->cfg);
    jbuf b = {out->data, out->len, out->cap};
    bool ok = comp_disasm(&R, t, &b);
    out->data = b.p;
    out->len = b.len;
    out->cap = b.cap;
    rt_fini(&R);
    return ok ? JINN_OK : JINN_NOMEM;
}

jinn_alloc_fn jinn_env_allocator(const jinn_env *E, void **user)
{
    if (user) *user = E ? E->cfg.alloc_user : NULL;
    return E ? E->cfg.alloc : default_alloc;
}

jinn_status jinn_result_error(jinn_env *E, jinn_result *res, jinn_error_kind kind, const char *name, const char *message)
{
    if (!res) return JINN_ERROR;
    if (!E) return JINN_USAGE;
    result_clear_fields(&E->R, res);
    if (!name) name = "<jinn>";
    if (!message) message = "failed (no message was given)";
    set_error(&E->R, res, kind, name, NULL, 0, 0, message, strlen(message), NULL);
    return res->message && res->text && res->name ? JINN_ERROR : JINN_NOMEM;
}

static bool builtin_table_json(jrt *R, jbuf *b, const struct reg_kind *k)
{
    bool ok = buf_putc(R, b, '[');
    for (int r = 0; ok && r < k->n; r++) {
        const reg_row *x = &k->rows[r];
        ok = buf_printf(R, b, "%s\n  {\"name\": \"%s\", \"params\": [", r ? "," : "", x->b.name);
        for (int i = 0; ok && i < x->sig.nslots; i++)
            ok = buf_printf(R, b, "%s\"%.*s\"", i ? ", " : "", (int)x->sig.lens[i], x->sig.names[i]);
        ok = ok && buf_printf(R, b, "], \"required\": %d}", x->b.nreq);
    }
    return ok && buf_puts(R, b, "]");
}

jinn_status jinn_builtins_json(jinn_env *E, jinn_buf *out)
{
    if (!E || !out) return JINN_USAGE;
    jrt *R = &E->R;
    jbuf b = {out->data, out->len, out->cap};
    static const char *const keys[BI__KINDS] = {
#define X(e, what, json) json,
        BI_KINDS(X)
#undef X
    };
    bool ok = buf_putc(R, &b, '{');
    for (int k = 0; ok && k < BI__KINDS; k++)
        ok = buf_printf(R, &b, "%s\"%s\": ", k == 0 ? "" : k == BI_NAMED_KINDS ? ",\n\"methods\": {" : ",\n", keys[k]) &&
             builtin_table_json(R, &b, &E->reg.k[k]);
    ok = ok && buf_puts(R, &b, "},\n\"modules\": [");
    for (const struct stdlib_module *m = stdlib_modules; ok && m->name; m++)
        ok = buf_printf(R, &b, "%s{\"name\": \"%s\"}", m == stdlib_modules ? "" : ", ", m->name);
    ok = ok && buf_puts(R, &b, "]}\n");
    out->data = b.p;
    out->len = b.len;
    out->cap = b.cap;
    return ok ? JINN_OK : JINN_NOMEM;
}

/* ======================================================================================
 * The embedder's filters, tests and functions (rows of the registry; calls in native.c)
 * ====================================================================================== */

static jinn_status register_native(jinn_env *E, bi_kind kind, const char *name, jinn_native_fn fn, void *user,
                                   void (*destroy)(void *))
{
    if (!E || !name || !*name || !fn) return JINN_USAGE;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')) return JINN_USAGE;
    reg_native n = {fn, user, destroy};
    return reg_add_native(&E->R, &E->reg, kind, name, &n);
}

jinn_status jinn_env_register_filter(jinn_env *E, const char *name, jinn_native_fn fn, void *user, void (*destroy)(void *))
{
    return register_native(E, BI_FILTER, name, fn, user, destroy);
}
jinn_status jinn_env_register_test(jinn_env *E, const char *name, jinn_native_fn fn, void *user, void (*destroy)(void *))
{
    return register_native(E, BI_TEST, name, fn, user, destroy);
}
jinn_status jinn_env_register_function(jinn_env *E, const char *name, jinn_native_fn fn, void *user, void (*destroy)(void *))
{
    return register_native(E, BI_FUNCTION, name, fn, user, destroy);
}
