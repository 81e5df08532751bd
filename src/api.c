/*
 * api.c — include/jinn.h on top of the compiler, the VM and the value layer.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "dtoa.h"
#include "loader.h"
#include "migrate.h"
#include "vm.h"
#include "modules.h"

static char *dupstr(jrt *R, const char *s, size_t n);

const char *jinn_version(void) { return JINN_VERSION; }
int jinn_version_number(void) { return JINN_VERSION_NUMBER; }

size_t jinn_float_repr(double d, char *buf, size_t size)
{
    char t[DTOA_BUFSIZE];
    size_t n = dtoa_repr(d, t);
    if (buf && size > n) {
        memcpy(buf, t, n);
        buf[n] = 0;
    }
    return n;
}

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
    L(int_digits, 100000, "decimal digits in one integer"),
    L(query_ms, 10000, "milliseconds of one provider lookup"),
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

/* ---- the jinjava profile's switches ------------------------------------------------------ */
static const char *const jv_names[] = {
#define JINN_X(name, bit, jname) [bit] = jname,
    JINN_JINJAVA_OPTIONS(JINN_X)
#undef JINN_X
};
#define NJV (sizeof jv_names / sizeof jv_names[0])

const char *jinn_jinjava_option_name(int i)
{
    return i >= 0 && (size_t)i < NJV ? jv_names[i] : NULL;
}

jinn_status jinn_jinjava_options_parse(const char *spec, uint32_t *bits, char *err, size_t cap)
{
    uint32_t b = *bits;
    const char *p = spec ? spec : "";
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char sign = n && (*p == '+' || *p == '-') ? *p : 0;
        const char *w = sign ? p + 1 : p;
        size_t wl = sign ? n - 1 : n;
#define IS(s) (wl == sizeof(s) - 1 && !memcmp(w, s, wl))
        if (!sign && IS("NONE")) b = JINN_JV_NONE;
        else if (!sign && IS("THREE_POINT_0")) b = JINN_JV_THREE_POINT_0;
        else if (!sign && IS("ALL")) b = JINN_JV_ALL;
        else if (n) {
            size_t i = 0;
            while (i < NJV && !(strlen(jv_names[i]) == wl && !memcmp(w, jv_names[i], wl))) i++;
            if (i == NJV) {
                if (err && cap) snprintf(err, cap, "unknown Jinjava switch '%.*s' (a preset NONE, THREE_POINT_0 or ALL, "
                                         "or a switch such as usePyishObjectMapper; see docs/language.md)", (int)n, p);
                return JINN_USAGE;
            }
            if (sign == '-') b &= ~(1u << i);
            else b |= 1u << i;
        }
#undef IS
        p += n;
        if (*p == ',') p++;
    }
    *bits = b;
    return JINN_OK;
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
    memset(R, 0, offsetof(jrt, alloc)); /* the fields from alloc on are all set below */
    R->alloc = cfg->alloc ? cfg->alloc : default_alloc;
    R->alloc_user = cfg->alloc_user;
    R->profile = cfg->profile == JINN_PROFILE_JINJAVA ? PROF_JINJAVA : PROF_JINJA;
    R->jv_opts = R->profile == PROF_JINJAVA ? cfg->jinjava_options & JINN_JV_ALL : 0;
    R->autoescape = cfg->autoescape;
    R->undef_mode = cfg->undefined;
    R->lim = &cfg->limits;
    R->fuel = cfg->limits.fuel > INT64_MAX ? INT64_MAX : (int64_t)cfg->limits.fuel;
    rt_tick_refill(R);
    R->progress = cfg->progress;
    R->progress_user = cfg->progress_user;
    rt_live_init(R);
}

/* (a buffer never written has no block: most renders write none of these, so the test here
 * spares them the calls) */
static void rt_fini(jrt *R)
{
    if (R->err_msg.p) buf_free(R, &R->err_msg);
    if (R->warnings.p) buf_free(R, &R->warnings);
    if (R->warn_at.p) buf_free(R, &R->warn_at);
}

/* The env's pool of small-block caches (rt_cache, value.h): a render takes one from a free slot
 * and puts it back at its end, so the blocks one render frees serve the next render on any
 * thread; a render that finds every slot empty starts a new cache, and one that finds every slot
 * taken gives its blocks back to the allocator. Lock-free: one atomic exchange per slot tried. */
static void cache_take(env *E, jrt *R)
{
    if (!rt_cache_on) return;
    for (int i = 0; i < ENV_CACHES; i++) {
        rt_cache *c = atomic_exchange_explicit(&E->caches[i], NULL, memory_order_acquire);
        if (c) { R->cache = c; return; }
    }
    rt_cache *c = R->alloc(R->alloc_user, NULL, 0, sizeof *c);
    if (c) memset(c, 0, sizeof *c);
    R->cache = c;
}

static void cache_put(env *E, jrt *R)
{
    rt_cache *c = R->cache;
    R->cache = NULL;
    if (!c) return;
    for (int i = 0; i < ENV_CACHES; i++) {
        rt_cache *none = NULL;
        if (atomic_compare_exchange_strong_explicit(&E->caches[i], &none, c, memory_order_release, memory_order_relaxed))
            return;
    }
    rt_cache_drain(R, c);
    R->alloc(R->alloc_user, c, sizeof *c, 0);
}

jinn_env *jinn_env_new(const jinn_config *cfg)
{
    jinn_config c;
    if (!cfg) { jinn_config_init(&c); cfg = &c; }
    jinn_alloc_fn a = cfg->alloc ? cfg->alloc : default_alloc;
    env *E = a(cfg->alloc_user, NULL, 0, sizeof *E);
    if (!E) return NULL;
    memset(E, 0, sizeof *E);
    pthread_mutex_init(&E->loader_mu, NULL);
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
                  rt_fini(&E->R); pthread_mutex_destroy(&E->loader_mu); a(cfg->alloc_user, E, sizeof *E, 0); return NULL; }
        *strs[i] = copy;
    }
    E->prov.strict = cfg->strict_providers;
    E->R.fuel = INT64_MAX; /* compiling is bounded by template_bytes and parse_depth */
    rt_tick_refill(&E->R);
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
    for (int i = 0; i < ENV_CACHES; i++) {
        rt_cache *c = atomic_load(&E->caches[i]);
        if (!c) continue;
        rt_cache_drain(&E->R, c);
        E->R.alloc(E->R.alloc_user, c, sizeof *c, 0);
    }
    rt_fini(&E->R);
    pthread_mutex_destroy(&E->loader_mu);
    E->cfg.alloc(E->cfg.alloc_user, E, sizeof *E, 0);
}

jinn_status jinn_env_set_provider(jinn_env *E, const jinn_provider *p, void *user)
{
    if (!E || !p || p->version < 1 || p->version > 3 || (p->version == 1 && !p->lookup) ||
        (p->version == 2 && !p->lookup2 && !p->lookup) || (p->version == 3 && !p->lookup2))
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

/* warning_list is one block: its size, the records, then their messages and name */
static void release_warning_list(jrt *R, jinn_diagnostic *list)
{
    if (!list) return;
    char *block = (char *)list - sizeof(size_t);
    size_t size;
    memcpy(&size, block, sizeof size);
    R->alloc(R->alloc_user, block, size, 0);
}

static void result_clear_fields(jrt *R, jinn_result *res)
{
    release_warning_list(R, res->warning_list);
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

/* What a warning's text says of it. The jinjava profile's errors collected beside the output
 * (vm.c, collect_as) read "NAME:LINE:COL: KIND error: message": the record gets that template,
 * position and kind, and the message after the position. A provider's missing answer
 * (provider.c) is of kind provider. */
static void warning_fields(jinn_diagnostic *d)
{
    static const char *const kinds[] = {"", "syntax", "undefined", "type", "value"};
    const char *m = d->message;
    if (!strncmp(m, "no data provider is configured", 30) || !strncmp(m, "the provider has no value", 25)) {
        d->kind = JINN_ERR_PROVIDER;
        return;
    }
    /* NAME:LINE:COL: — the name may hold colons: the position is the last ":N:N: " before " error: " */
    const char *err = strstr(m, " error: ");
    if (!err) return;
    const char *q = err;
    while (q > m && q[-1] != ' ') q--; /* the kind word */
    for (int k = 1; k <= 4; k++) {
        size_t kl = strlen(kinds[k]);
        if ((size_t)(err - q) != kl || strncmp(q, kinds[k], kl)) continue;
        /* q - 2 is the ": " before the kind; walk back over ":COL" and ":LINE" */
        if (q - m < 6 || q[-1] != ' ' || q[-2] != ':') return;
        const char *c = q - 2;
        const char *c0 = c;
        while (c0 > m && c0[-1] >= '0' && c0[-1] <= '9') c0--;
        if (c0 == c || c0 == m || c0[-1] != ':') return;
        const char *l1 = c0 - 1, *l0 = l1;
        while (l0 > m && l0[-1] >= '0' && l0[-1] <= '9') l0--;
        if (l0 == l1 || l0 == m || l0[-1] != ':') return;
        d->line = atoi(l0);
        d->column = atoi(c0);
        d->kind = (jinn_error_kind)k;
        d->message = q; /* "type error: ..." */
        /* the name: the record's own when it is the same, else this template's */
        size_t nl = (size_t)(l0 - 1 - m);
        if (strlen(d->name) != nl || strncmp(d->name, m, nl)) { d->line = 0; d->column = 0; d->message = m; }
        return;
    }
}

/* The warnings as text (one a line) and as records (warning_list: one allocation). */
static void set_warnings(jrt *R, jinn_result *res, jrt *from, const char *name)
{
    if (!res || !from->nwarnings) return;
    res->warnings = dupstr(R, from->warnings.p, from->warnings.len);
    res->nwarnings = from->nwarnings;
    size_t n = (size_t)from->nwarnings, nlen = strlen(name);
    size_t size = sizeof(size_t) + n * sizeof(jinn_diagnostic) + from->warnings.len + 1 + nlen + 1;
    char *block = R->alloc(R->alloc_user, NULL, 0, size);
    if (!block) return; /* the text is still there */
    memcpy(block, &size, sizeof size);
    jinn_diagnostic *list = (jinn_diagnostic *)(block + sizeof(size_t));
    char *text = (char *)(list + n), *nm = text + from->warnings.len + 1;
    memcpy(text, from->warnings.p ? from->warnings.p : "", from->warnings.len);
    text[from->warnings.len] = 0;
    memcpy(nm, name, nlen + 1);
    char *p = text;
    for (size_t i = 0; i < n; i++) {
        list[i] = (jinn_diagnostic){JINN_SEVERITY_WARNING, JINN_ERR_NONE, nm, 0, 0, 0, p};
        char *nl = strchr(p, '\n');
        if (nl) { *nl = 0; p = nl + 1; }
        else p += strlen(p);
        /* the position the VM gave, when the warning is about this template */
        if (from->warn_at.len >= (i + 1) * sizeof(warn_site)) {
            warn_site w;
            memcpy(&w, from->warn_at.p + i * sizeof w, sizeof w);
            const template *wt = w.tmpl;
            if (wt && !strcmp(wt->name, name)) {
                diag_position(wt->src, wt->srclen, w.pos, &list[i].line, &list[i].column);
            }
        }
        warning_fields(&list[i]);
    }
    res->warning_list = list;
}

static jinn_status compile_locked(jinn_env *E, const char *name, const char *src, size_t len, jinn_template **out,
                                  jinn_result *res);

/* Compiles take the env's loader lock: a render may be loading a template (a name computed at
 * run time) on another thread. */
jinn_status jinn_compile(jinn_env *E, const char *name, const char *src, size_t len, jinn_template **out,
                         jinn_result *res)
{
    if (!E) return JINN_USAGE;
    pthread_mutex_lock(&E->loader_mu);
    jinn_status st = compile_locked(E, name, src, len, out, res);
    pthread_mutex_unlock(&E->loader_mu);
    return st;
}

static jinn_status compile_locked(jinn_env *E, const char *name, const char *src, size_t len, jinn_template **out,
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

static jinn_status check_locked(jinn_env *E, const char *name, const char *src, size_t len, int json, jinn_buf *out,
                                int *errors, int *warnings, int migrate);

/* ---- jinn check: every diagnostic, syntax and semantic, sorted ---------------------------- */

/* a diagnostic kept by jinn_check (its message a copy) */
typedef struct {
    diag_rec r;
    char *msg;
} check_diag;

typedef struct {
    check_diag *v;
    int n, cap;
    bool failed;
} check_list;

static void check_add(jrt *R, check_list *L, const diag_rec *r, const char *msg)
{
    for (int i = 0; i < L->n; i++) /* a later pass may find what an earlier one did */
        if (L->v[i].r.pos == r->pos && L->v[i].r.kind == r->kind && L->v[i].r.msg_len == r->msg_len &&
            !memcmp(L->v[i].msg, msg, r->msg_len))
            return;
    if (L->n == L->cap) {
        int cap = L->cap ? L->cap * 2 : 16;
        check_diag *n = rt_alloc(R, L->v, (size_t)L->cap * sizeof *n, (size_t)cap * sizeof *n);
        if (!n) { L->failed = true; return; }
        L->v = n;
        L->cap = cap;
    }
    char *m = dupstr(R, msg, r->msg_len);
    if (!m) { L->failed = true; return; }
    L->v[L->n].r = *r;
    L->v[L->n++].msg = m;
}

static void check_free(jrt *R, check_list *L)
{
    for (int i = 0; i < L->n; i++) release(R, L->v[i].msg);
    if (L->v) rt_alloc(R, L->v, (size_t)L->cap * sizeof *L->v, 0);
}

/* first occurrence of needle in s[from, len), or len */
static size_t find_from(const char *s, size_t len, size_t from, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = from; i + nl <= len; i++)
        if (!memcmp(s + i, needle, nl)) return i;
    return len;
}

/* Blank (spaces, newlines kept: positions do not move) the tag or {{ }} that holds pos, so the
 * next pass of the checker sees the rest of the template without it. An error at the end (an
 * unclosed block) blanks the tag that opened the block ("opened at L:C" in its message). */
static void blank_at(const jinn_config *cf, char *s, size_t len, uint32_t pos, const char *msg, size_t mlen)
{
    const char *bs = cf->block_start ? cf->block_start : "{%", *be = cf->block_end ? cf->block_end : "%}";
    const char *vs = cf->variable_start ? cf->variable_start : "{{", *ve = cf->variable_end ? cf->variable_end : "}}";
    size_t p = pos;
    if (p >= len) {
        const char *at = NULL;
        for (size_t i = 0; i + 10 <= mlen; i++)
            if (!memcmp(msg + i, "opened at ", 10)) { at = msg + i + 10; break; }
        int line = 0, col = 0;
        if (!at || sscanf(at, "%d:%d", &line, &col) != 2) return;
        p = 0;
        for (int l = 1; l < line && p < len; p++)
            if (s[p] == '\n') l++;
        for (int c = 1; c < col && p < len; p++)
            if (((unsigned char)s[p] & 0xC0) != 0x80) c++;
        while (p < len && ((unsigned char)s[p] & 0xC0) == 0x80) p++;
    }
    /* the nearest opener at or before p, and its closer after p */
    size_t open = len, bl = strlen(bs), vl = strlen(vs);
    const char *close = NULL;
    for (size_t i = p + 1; i-- > 0;) {
        if (i + bl <= len && !memcmp(s + i, bs, bl)) { open = i; close = be; break; }
        if (i + vl <= len && !memcmp(s + i, vs, vl)) { open = i; close = ve; break; }
    }
    if (open == len) return;
    size_t c = find_from(s, len, p > open + 2 ? p : open + 2, close);
    size_t end = c < len ? c + strlen(close) : len;
    if (c == len) { /* no closer: up to the end of the line */
        end = open;
        while (end < len && s[end] != '\n') end++;
    }
    for (size_t i = open; i < end; i++)
        if (s[i] != '\n') s[i] = ' ';
}

/* stable: by position, errors before warnings at the same place */
static void check_sort(check_list *L)
{
    for (int i = 1; i < L->n; i++) {
        check_diag x = L->v[i];
        int j = i;
        while (j > 0 && (L->v[j - 1].r.pos > x.r.pos || (L->v[j - 1].r.pos == x.r.pos && L->v[j - 1].r.severity > x.r.severity))) {
            L->v[j] = L->v[j - 1];
            j--;
        }
        L->v[j] = x;
    }
}

/* One pass of the checker over text: its diagnostics into L (keep_syntax: the syntax errors
 * too; a later pass's are artefacts of the blanking), the syntax errors blanked in text.
 * Returns the number of syntax errors it found. */
static int check_pass(env *E, const char *name, char *text, size_t len, check_list *L, bool keep_syntax, int migrate)
{
    jrt *R = &E->R;
    diags D;
    template *T = NULL;
    R->err_kind = JINN_ERR_NONE;
    bool ok = comp_template(R, E, name, text, len, &T, &D, 1 | migrate << 2);
    if (ok) comp_free(R, T);
    /* the parser's errors come first (parse_recs of them); the compiler's after */
    int nsyntax = D.parse_recs;
    for (int i = keep_syntax ? 0 : D.parse_recs; i < D.nrecs; i++)
        check_add(R, L, &D.recs[i], D.rec_text.p + D.recs[i].msg_off);
    if (D.nrecs < D.count + D.nwarn) L->failed = true; /* a record was lost (no memory) */
    for (int i = 0; i < D.parse_recs; i++)
        blank_at(&E->cfg, text, len, D.recs[i].pos, D.rec_text.p + D.recs[i].msg_off, D.recs[i].msg_len);
    diag_free(&D);
    R->err_kind = JINN_ERR_NONE;
    return nsyntax;
}

jinn_status jinn_check(jinn_env *E, const char *name, const char *src, size_t len, int json, jinn_buf *out,
                       int *errors, int *warnings)
{
    if (!E) return JINN_USAGE;
    pthread_mutex_lock(&E->loader_mu);
    jinn_status st = check_locked(E, name, src, len, json, out, errors, warnings, 0);
    pthread_mutex_unlock(&E->loader_mu);
    return st;
}

jinn_status jinn_check_migrate(jinn_env *E, const char *name, const char *src, size_t len, jinn_profile to, int json,
                               jinn_buf *out, int *errors, int *warnings)
{
    if (!E || (to != JINN_PROFILE_JINJA && to != JINN_PROFILE_JINJAVA)) return JINN_USAGE;
    pthread_mutex_lock(&E->loader_mu);
    jinn_status st = check_locked(E, name, src, len, json, out, errors, warnings,
                                  to == JINN_PROFILE_JINJA ? MIG_TO_JINJA : MIG_TO_JINJAVA);
    pthread_mutex_unlock(&E->loader_mu);
    return st;
}

static jinn_status check_locked(jinn_env *E, const char *name, const char *src, size_t len, int json, jinn_buf *out,
                                int *errors, int *warnings, int migrate)
{
    if (!E || !out || (!src && len)) return JINN_USAGE;
    if (!name) name = "<template>";
    jrt *R = &E->R;
    jbuf o = {out->data, out->len, out->cap};
    int nerr = 0, nwarn = 0;
    const char *bad = src ? utf8_invalid(src, len) : NULL;
    check_list L = {0};
    /* the text as the compiler sees it (\r\n and \r are \n): positions are into it */
    char *text = rt_alloc(R, NULL, 0, len + 1);
    size_t tlen = 0;
    if (text) {
        for (size_t i = 0; i < len; i++) {
            if (src[i] == '\r') { text[tlen++] = '\n'; if (i + 1 < len && src[i + 1] == '\n') i++; }
            else text[tlen++] = src[i];
        }
        text[tlen] = 0;
    }
    if (!text) {
        L.failed = true;
    } else if (len > E->cfg.limits.template_bytes || bad) {
        char m[200];
        int n = bad ? snprintf(m, sizeof m, "the template is not valid UTF-8 (byte 0x%02x at offset %zu)", (unsigned char)*bad,
                               (size_t)(bad - src))
                    : snprintf(m, sizeof m, "limit 'template_bytes' exceeded: a template of %zu bytes (limit %zu)", len,
                               E->cfg.limits.template_bytes);
        diag_rec r = {bad ? (uint32_t)(bad - src) : 0, 0, JINN_SEVERITY_ERROR, bad ? JINN_ERR_SYNTAX : JINN_ERR_LIMIT, 0, (size_t)n};
        check_add(R, &L, &r, m);
        if (bad) tlen = 0; /* the position is into src; a line and column of the valid part */
    } else {
        /* the first pass reports everything it finds; then, while there were syntax errors,
         * check again with them blanked out, for what they hid (unknown filters, macros...) */
        char *pristine = dupstr(R, text, tlen);
        /* the migration lint reads the first pass's tree only: blanked text is not what moves */
        int nsyntax = check_pass(E, name, text, tlen, &L, true, migrate);
        for (int pass = 0; nsyntax && pass < 8; pass++) nsyntax = check_pass(E, name, text, tlen, &L, false, 0);
        if (pristine) { memcpy(text, pristine, tlen); release(R, pristine); }
        else L.failed = true;
    }
    check_sort(&L);
    const char *fmt_src = bad ? src : text ? text : "";
    size_t fmt_len = bad ? len : tlen;
    for (int i = 0; i < L.n; i++) {
        const check_diag *d = &L.v[i];
        bool warn = d->r.severity == JINN_SEVERITY_WARNING;
        if (warn) nwarn++;
        else nerr++;
        if (json) {
            int line, col, eline, ecol;
            diag_position(fmt_src, fmt_len, d->r.pos, &line, &col);
            diag_position(fmt_src, fmt_len, d->r.pos + (d->r.len ? d->r.len : 1), &eline, &ecol);
            if (eline != line) ecol = col + 1;
            jinn_diagnostic jd = {d->r.severity, d->r.kind, name, line, col, ecol, d->msg};
            diag_json(R, &o, &jd);
        } else {
            jbuf m = {0};
            if (warn) buf_puts(R, &m, "warning: ");
            buf_put(R, &m, d->msg, d->r.msg_len);
            diag_format(R, &o, name, fmt_src, fmt_len, d->r.pos, m.p ? m.p : "", m.len);
            buf_free(R, &m);
        }
    }
    if (L.failed && !nerr) nerr = 1; /* out of memory: not a clean bill of health */
    check_free(R, &L);
    if (text) rt_alloc(R, text, len + 1, 0);
    R->err_kind = JINN_ERR_NONE;
    out->data = o.p;
    out->len = o.len;
    out->cap = o.cap;
    if (errors) *errors = nerr;
    if (warnings) *warnings = nwarn;
    return nerr ? JINN_ERROR : JINN_OK;
}

jinn_status jinn_diagnostic_json(jinn_env *E, const jinn_diagnostic *d, jinn_buf *out)
{
    if (!d || !out) return JINN_USAGE;
    /* env may be NULL (an error before there is one): the default allocator, as jinn_buf_free */
    jinn_config cfg;
    jinn_config_init(&cfg);
    jrt R;
    rt_init(&R, E ? &E->cfg : &cfg);
    jbuf o = {out->data, out->len, out->cap};
    bool ok = diag_json(&R, &o, d);
    rt_fini(&R);
    out->data = o.p;
    out->len = o.len;
    out->cap = o.cap;
    return ok ? JINN_OK : JINN_NOMEM;
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
    rt_tick_refill(&local);
    local.progress = NULL;
    int line = 0, col = 0;
    value v = v_err();
    if (E->cfg.limits.context_bytes && len > E->cfg.limits.context_bytes)
        rt_limit(R, "context_bytes", "a context of %zu bytes (limit %zu)", len, E->cfg.limits.context_bytes);
    else v = json_to_value_at(R, json, len, "the context", &line, &col);
    if (v.t != JV_ERROR && v.t != JV_DICT) {
        val_drop(R, v);
        rt_error(R, JINN_ERR_TYPE, "the context must be a JSON object");
        v = v_err();
    }
    if (v.t == JV_ERROR) {
        /* text that is not JSON: a syntax error at its position in the text */
        set_error(R, res, line ? JINN_ERR_SYNTAX : R->err_kind, "context", NULL, 0, 0,
                  R->err_msg.len ? R->err_msg.p : "out of memory", R->err_msg.len ? R->err_msg.len : 13, NULL);
        if (res && line) { res->line = line; res->column = col; }
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
    env *E = c->E;
    cache_take(E, &local); /* the blocks freed serve the next context built or rendered */
    val_free_immortal(&local, c->vars);
    rt_alloc(&local, c, sizeof *c, 0);
    rt_fini(&local);
    cache_put(E, &local);
}

/* ---- the context builder ------------------------------------------------------------------
 * A runtime of its own (contexts may be built on many threads), a stack of the containers
 * being built (the root dict at the bottom), and the first error. finish makes the root
 * immortal, as jinn_context_from_json does. */
#define BUILD_DEPTH 256

struct jinn_builder {
    env *E;
    jrt R;
    value stack[BUILD_DEPTH];
    int depth;               /* containers open, the root included */
    jinn_error_kind err;     /* the first error's kind (JINN_ERR_NONE: none) */
    char msg[200];           /* and its message */
    jinn_status err_status;
    bool finished;
};

jinn_builder *jinn_builder_new(jinn_env *E)
{
    if (!E) return NULL;
    jinn_builder *b = E->cfg.alloc(E->cfg.alloc_user, NULL, 0, sizeof *b);
    if (!b) return NULL;
    memset(b, 0, sizeof *b);
    b->E = E;
    rt_init(&b->R, &E->cfg);
    cache_take(E, &b->R); /* a context is many small blocks: from the env's pool, as a render's */
    b->stack[0] = v_dict(&b->R, 0);
    if (b->stack[0].t == JV_ERROR) { rt_fini(&b->R); cache_put(E, &b->R); E->cfg.alloc(E->cfg.alloc_user, b, sizeof *b, 0); return NULL; }
    b->depth = 1;
    return b;
}

static jinn_status build_fail(jinn_builder *b, jinn_status st, jinn_error_kind kind, const char *fmt, const char *arg)
{
    if (!b->err) {
        b->err = kind;
        b->err_status = st;
        snprintf(b->msg, sizeof b->msg, fmt, arg ? arg : "");
    }
    return st;
}

/* Put v (owned) under key in the open container. */
static jinn_status build_put(jinn_builder *b, const char *key, value v)
{
    jrt *R = &b->R;
    if (b->err || b->finished) { val_drop(R, v); return b->err ? b->err_status : JINN_USAGE; }
    if (v.t == JV_ERROR) {
        bool oom = R->oom;
        jinn_status st = build_fail(b, oom ? JINN_NOMEM : JINN_ERROR, R->err_kind ? R->err_kind : JINN_ERR_LIMIT, "%s",
                                    R->err_msg.len ? R->err_msg.p : "out of memory");
        R->err_kind = JINN_ERR_NONE;
        return st;
    }
    value *top = &b->stack[b->depth - 1];
    bool ok;
    if (top->t == JV_LIST) {
        if (key) { val_drop(R, v); return build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "a key ('%s') given for an item of a list", key); }
        ok = top->u.l->len < b->R.lim->collection_items
                 ? list_push(R, top->u.l, v)
                 : (val_drop(R, v), rt_limit(R, "collection_items", "a list of the context has more than %zu items", b->R.lim->collection_items));
    } else {
        if (!key) { val_drop(R, v); return build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sa value of a dict given without a key", ""); }
        size_t kl = strlen(key);
        if (utf8_invalid(key, kl)) { val_drop(R, v); return build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sa key is not valid UTF-8", ""); }
        if (top->u.m->len >= b->R.lim->collection_items && !dict_get_str(top->u.m, key, kl)) { /* full, and a new key */
            val_drop(R, v);
            ok = rt_limit(R, "collection_items", "a dict of the context has more than %zu items", b->R.lim->collection_items);
        } else {
            value k = v_str(R, key, kl);
            ok = k.t != JV_ERROR ? dict_set(R, top->u.m, k, v) : (val_drop(R, v), false);
        }
    }
    if (ok) return JINN_OK;
    bool oom = R->oom;
    jinn_status st = build_fail(b, oom ? JINN_NOMEM : JINN_ERROR, R->err_kind ? R->err_kind : JINN_ERR_LIMIT, "%s",
                                R->err_msg.len ? R->err_msg.p : "out of memory");
    R->err_kind = JINN_ERR_NONE;
    return st;
}

jinn_status jinn_build_none(jinn_builder *b, const char *key) { return b ? build_put(b, key, v_none()) : JINN_USAGE; }
jinn_status jinn_build_bool(jinn_builder *b, const char *key, int v) { return b ? build_put(b, key, v_bool(v != 0)) : JINN_USAGE; }
jinn_status jinn_build_int(jinn_builder *b, const char *key, int64_t v) { return b ? build_put(b, key, v_int(v)) : JINN_USAGE; }
jinn_status jinn_build_float(jinn_builder *b, const char *key, double v) { return b ? build_put(b, key, v_float(v)) : JINN_USAGE; }

jinn_status jinn_build_string(jinn_builder *b, const char *key, const char *str, size_t len)
{
    if (!b) return JINN_USAGE;
    if (!str && len) return build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sa NULL string with a length", "");
    if (str && utf8_invalid(str, len)) return build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sa string is not valid UTF-8", "");
    if (len > b->R.lim->string_bytes) {
        rt_limit(&b->R, "string_bytes", "a string of the context is longer than %zu bytes", b->R.lim->string_bytes);
        return build_put(b, key, v_err());
    }
    return build_put(b, key, v_str(&b->R, str ? str : "", len));
}

jinn_status jinn_build_json(jinn_builder *b, const char *key, const char *json, size_t len)
{
    if (!b) return JINN_USAGE;
    if (!json) return build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sjinn_build_json without JSON text", "");
    return build_put(b, key, json_to_value(&b->R, json, len, "a value of the context"));
}

static jinn_status build_begin(jinn_builder *b, const char *key, bool list)
{
    if (!b) return JINN_USAGE;
    if (b->depth == BUILD_DEPTH) return build_fail(b, JINN_ERROR, JINN_ERR_LIMIT, "%scontainers nested more than 256 deep", "");
    value c = list ? v_list(&b->R, 0) : v_dict(&b->R, 0);
    /* the container goes in now (a reference), and stays open on the stack */
    value keep = c.t == JV_ERROR ? c : val_dup(c);
    jinn_status st = build_put(b, key, c);
    if (st != JINN_OK) { if (keep.t != JV_ERROR) val_drop(&b->R, keep); return st; }
    b->stack[b->depth++] = keep;
    return JINN_OK;
}

jinn_status jinn_build_begin_dict(jinn_builder *b, const char *key) { return build_begin(b, key, false); }
jinn_status jinn_build_begin_list(jinn_builder *b, const char *key) { return build_begin(b, key, true); }

jinn_status jinn_build_end(jinn_builder *b)
{
    if (!b) return JINN_USAGE;
    if (b->err) return b->err_status;
    if (b->depth <= 1) return build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sjinn_build_end with no container open", "");
    val_drop(&b->R, b->stack[--b->depth]);
    return JINN_OK;
}

jinn_status jinn_builder_finish(jinn_builder *b, jinn_context **out, jinn_result *res)
{
    if (res) memset(res, 0, sizeof *res);
    if (!b || !out) return JINN_USAGE;
    jrt *R = &b->R;
    if (!b->err && b->finished) build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sjinn_builder_finish called twice", "");
    if (!b->err && b->depth != 1) build_fail(b, JINN_USAGE, JINN_ERR_VALUE, "%sa nested container was not closed (jinn_build_end)", "");
    if (b->err) {
        set_error(R, res, b->err, "context", NULL, 0, 0, b->msg, strlen(b->msg), NULL);
        return b->err_status;
    }
    jinn_context *c = rt_alloc(R, NULL, 0, sizeof *c);
    if (!c) {
        set_error(R, res, JINN_ERR_LIMIT, "context", NULL, 0, 0, "out of memory", 13, NULL);
        return JINN_NOMEM;
    }
    b->finished = true;
    val_make_immortal(b->stack[0]);
    c->E = b->E;
    c->vars = b->stack[0];
    b->stack[0] = v_none();
    b->depth = 0;
    *out = c;
    return JINN_OK;
}

void jinn_builder_free(jinn_builder *b)
{
    if (!b) return;
    for (int i = b->depth - 1; i >= 0; i--) val_drop(&b->R, b->stack[i]);
    rt_fini(&b->R);
    cache_put(b->E, &b->R);
    b->E->cfg.alloc(b->E->cfg.alloc_user, b, sizeof *b, 0);
}

/* ---- sessions ---------------------------------------------------------------------------
 * A runtime of the session's own holds the list of its containers (every render's that are
 * still alive when it ends joins it: vm.c) and its variables, an ordinary (not immortal)
 * dict, which a render sees as its context. */
struct jinn_session {
    env *E;
    jrt R;
    value vars;
    template **kept;  /* the templates rendered with it: their constants may be its values */
    size_t nkept, capkept;
};

jinn_session *jinn_session_new(jinn_env *E, const jinn_context *initial)
{
    if (!E) return NULL;
    jinn_session *S = E->cfg.alloc(E->cfg.alloc_user, NULL, 0, sizeof *S);
    if (!S) return NULL;
    memset(S, 0, sizeof *S);
    S->E = E;
    rt_init(&S->R, &E->cfg);
    S->vars = v_dict(&S->R, 0);
    if (S->vars.t == JV_DICT && initial && initial->vars.t == JV_DICT) {
        /* a copy of the context's (immortal) values, through JSON: the session's own */
        jbuf j = {0};
        value c = value_to_json(&S->R, &j, initial->vars, -1, false) ? json_to_value(&S->R, j.p, j.len, "the context") : v_err();
        buf_free(&S->R, &j);
        val_drop(&S->R, S->vars);
        S->vars = c.t == JV_DICT ? c : (val_drop(&S->R, c), v_err());
    }
    if (S->vars.t != JV_DICT) { jinn_session_free(S); return NULL; }
    return S;
}

void jinn_session_free(jinn_session *S)
{
    if (!S) return;
    if (S->vars.t == JV_DICT) val_drop(&S->R, S->vars);
    rt_collect(&S->R); /* what only cycles kept */
    for (size_t i = 0; i < S->nkept; i++) loader_release(S->E, S->kept[i]);
    if (S->kept) rt_alloc(&S->R, S->kept, S->capkept * sizeof *S->kept, 0);
    rt_fini(&S->R);
    S->E->cfg.alloc(S->E->cfg.alloc_user, S, sizeof *S, 0);
}

jinn_status jinn_session_unset(jinn_session *S, const char *name)
{
    if (!S || !name) return JINN_USAGE;
    value k = v_str(&S->R, name, strlen(name)), old;
    if (k.t == JV_ERROR) return JINN_NOMEM;
    bool had = dict_del(&S->R, S->vars.u.m, k, &old);
    val_drop(&S->R, k);
    if (!had) { S->R.err_kind = JINN_ERR_NONE; return JINN_ERROR; }
    val_drop(&S->R, old);
    return JINN_OK;
}

jinn_status jinn_session_json(jinn_session *S, jinn_buf *out)
{
    if (!S || !out) return JINN_USAGE;
    jrt *R = &S->R;
    jbuf b = {out->data, out->len, out->cap};
    bool ok = buf_putc(R, &b, '{');
    bool first = true;
    jentry *e;
    for (size_t i = 0; ok && dict_next(S->vars.u.m, &i, &e);) {
        jbuf one = {0};
        if (!value_to_json(R, &one, e->val, -1, false)) { R->err_kind = JINN_ERR_NONE; buf_free(R, &one); continue; }
        ok = (first || buf_put(R, &b, ", ", 2)) && value_to_json(R, &b, e->key, -1, false) && buf_put(R, &b, ": ", 2) &&
             buf_put(R, &b, one.p, one.len);
        first = false;
        buf_free(R, &one);
    }
    ok = ok && buf_putc(R, &b, '}');
    R->err_kind = JINN_ERR_NONE;
    out->data = b.p;
    out->len = b.len;
    out->cap = b.cap;
    return ok ? JINN_OK : JINN_NOMEM;
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
    cache_take(E, &R);
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
    const value *ctx = opts && opts->context ? &opts->context->vars : NULL;
    jinn_session *S = opts ? opts->session : NULL;
    if (S && S->nkept == S->capkept) {
        size_t cap = S->capkept ? S->capkept * 2 : 16;
        template **k = rt_alloc(&S->R, S->kept, S->capkept * sizeof *k, cap * sizeof *k);
        if (!k) {
            rt_fini(&R);
            cache_put(E, &R);
            jinn_result_error(E, res, JINN_ERR_LIMIT, t->name, "out of memory");
            return JINN_NOMEM;
        }
        S->kept = k;
        S->capkept = cap;
    }
    if (S) {
        /* the session keeps the template: values it leaves may be the template's constants */
        ((template *)t)->refs++;
        S->kept[S->nkept++] = (template *)t;
        ctx = &S->vars;
        R.session_vars = &S->vars;
        R.session_live = &S->R.live;
        /* the render may free the session's older objects: memory_bytes counts what it adds */
        if (R.mem_limit) { R.mem = (size_t)1 << 62; R.mem_limit += (size_t)1 << 62; }
    }
    /* the interrupt flag and the progress callback are polled before the first instruction
     * and after the last, so a render too small to reach a poll still sees them */
    bool polled = R.interrupt || R.progress;
    bool ok = (!polled || rt_tick_slow(&R)) && vm_render(&R, t, ctx, &b, &pos, &et, exp) && (!polled || rt_tick_slow(&R));
    if (S) R.mem_limit = 0;
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
    set_warnings(&R, res, &R, t->name);
    jinn_status st = JINN_OK;
    if (!ok) {
        if (!et) et = t;
        const char *msg = R.err_msg.len ? R.err_msg.p : R.oom ? "out of memory" : "the render failed (its message was lost)";
        set_error(&R, res, R.err_kind ? R.err_kind : JINN_ERR_LIMIT, et->name, et->src, et->srclen, pos, msg,
                  R.err_msg.len ? R.err_msg.len : strlen(msg), NULL);
        st = R.oom ? JINN_NOMEM : JINN_ERROR;
    }
    rt_fini(&R);
    cache_put(E, &R);
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

/* The ids of OP_INSERT that a constant feeds: a CONST string just before it (the *var tags),
 * or the lone TEXT of a captured body (the print tags, 0x80: trimmed). */
static int template_inserts(const jinn_template *t, jinn_insert_fn fn, void *user, int depth)
{
    int dynamic = 0;
    for (int u = 0; u < t->nunits; u++) {
        const instr *code = t->units[u].code;
        for (int k = 0; k < t->units[u].ncode; k++) {
            if (code[k].op != OP_INSERT) continue;
            const char *p = NULL;
            size_t n = 0;
            if (k >= 1 && code[k - 1].op == OP_CONST && t->consts[code[k - 1].a].t == JV_STR) {
                p = v_sp(t->consts[code[k - 1].a]);
                n = v_sl(t->consts[code[k - 1].a]);
            } else if ((code[k].c & 0x80) && k >= 3 && code[k - 1].op == OP_CAPTURE_END && code[k - 2].op == OP_TEXT &&
                       code[k - 3].op == OP_CAPTURE) {
                p = t->src + t->texts[code[k - 2].a].off;
                n = t->texts[code[k - 2].a].len;
            }
            while ((code[k].c & 0x80) && n && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++, n--;
            while ((code[k].c & 0x80) && n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r')) n--;
            if (p && n) fn(user, (jinn_lookup_kind)(code[k].c & 3), p, n);
            else dynamic++;
        }
    }
    for (int d = 0; d < t->ndeps && depth < 64; d++) dynamic += template_inserts(t->deps[d], fn, user, depth + 1);
    return dynamic;
}

int jinn_template_inserts(const jinn_template *t, jinn_insert_fn fn, void *user)
{
    return t && fn ? template_inserts(t, fn, user, 0) : 0;
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

/* The builtins as JSON, built with jansson (the library's own |tojson printer is for what
 * templates print; this is data for tools). */
static json_t *builtin_table_json(const struct reg_kind *k)
{
    json_t *a = json_array();
    for (int r = 0; a && r < k->n; r++) {
        const reg_row *x = r < k->nbase ? &k->base[r] : k->extra[r - k->nbase];
        json_t *params = json_array();
        for (int i = 0; params && i < x->sig.nslots; i++)
            if (json_array_append_new(params, json_stringn(x->sig.names[i], x->sig.lens[i]))) { json_decref(params); params = NULL; }
        json_t *row = params ? json_pack("{s:s, s:o, s:i}", "name", x->b.name, "params", params, "required", x->b.nreq) : NULL;
        if (!row || json_array_append_new(a, row)) { json_decref(a); a = NULL; }
    }
    return a;
}

jinn_status jinn_builtins_json(jinn_env *E, jinn_buf *out)
{
    if (!E || !out) return JINN_USAGE;
    jrt *R = &E->R;
    static const char *const keys[BI__KINDS] = {
#define X(e, what, json) json,
        BI_KINDS(X)
#undef X
    };
    json_t *top = json_object(), *methods = json_object(), *modules = json_array();
    bool ok = top && methods && modules;
    for (int k = 0; ok && k < BI__KINDS; k++)
        ok = !json_object_set_new(k < BI_NAMED_KINDS ? top : methods, keys[k], builtin_table_json(&E->reg.k[k]));
    for (const struct stdlib_module *m = stdlib_modules; ok && m->name; m++)
        ok = !json_array_append_new(modules, json_pack("{s:s}", "name", m->name));
    ok = ok && !json_object_set(top, "methods", methods) && !json_object_set(top, "modules", modules);
    char *text = ok ? json_dumps(top, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(top);
    json_decref(methods);
    json_decref(modules);
    jbuf b = {out->data, out->len, out->cap};
    ok = text && buf_puts(R, &b, text) && buf_putc(R, &b, '\n');
    free(text);
    R->err_kind = JINN_ERR_NONE;
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
