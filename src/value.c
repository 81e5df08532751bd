/*
 * value.c — allocation, strings, lists, dicts, equality, ordering and truthiness.
 * The representation and ownership rules are described at the top of value.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <utf8proc.h>

#include "bigint.h"
#include "json.h"
#include "print.h"
#include "value.h"

/* ======================================================================================
 * Allocation and errors
 * ====================================================================================== */

/* What a block of n bytes really holds: a C allocator adds a header and rounds up (glibc:
 * an 8-byte header, 16-byte steps, so n + 8 to n + 23 bytes; a big block is mapped whole
 * pages, a small overhead beside its size). memory_bytes counts n + 16, the mean, not n, so
 * that the process's memory stays within the limit (docs/limits.md). Cheap: every allocation
 * of a render comes here. */
static inline size_t mem_cost(size_t n)
{
    return n ? (n < SIZE_MAX - 16 ? n + 16 : SIZE_MAX) : 0;
}

/* The cache of small blocks (RT_CACHE_MAX; rt_alloc in value.h), when the runtime has one (a render takes
 * one from its env's pool, api.c). Exact sizes only, so the embedder's allocator always sees a
 * block freed with the size it was allocated with; memory_bytes counts the blocks in use, a cache
 * holds at most RT_CACHE_BYTES more. Off under AddressSanitizer, which must see every free to
 * catch a use after it. */
#if defined(__SANITIZE_ADDRESS__)
#define RT_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_CACHE 0
#endif
#endif
#ifndef RT_CACHE
#define RT_CACHE 1
#endif
const bool rt_cache_on = RT_CACHE;

void rt_cache_drain(jrt *R, rt_cache *c)
{
    for (size_t i = 0; i < sizeof c->bin / sizeof c->bin[0]; i++)
        while (c->bin[i]) {
            void *b = c->bin[i];
            c->bin[i] = *(void **)b;
            R->alloc(R->alloc_user, b, i * 8, 0);
        }
    memset(c->count, 0, sizeof c->count);
    c->bytes = 0;
}

void *rt_alloc_slow(jrt *R, void *p, size_t old, size_t n)
{
    size_t cn = mem_cost(n), co = mem_cost(old);
    /* a block that grows may be copied: old and new are both held for a moment */
    if (cn > co && R->mem_limit && (cn > R->mem_limit || R->mem + cn > R->mem_limit)) {
        rt_limit(R, "memory_bytes", "a render may hold at most %zu bytes", R->mem_limit);
        return NULL;
    }
    void *q = R->alloc(R->alloc_user, p, old, n);
    if (n && !q) {
        R->oom = true;
        if (!R->err_kind) {
            R->err_kind = JINN_ERR_LIMIT;
            R->err_msg.len = 0;
            /* the message buffer may itself fail to grow: try once, directly */
            static const char oom[] = "out of memory";
            void *m = R->alloc(R->alloc_user, R->err_msg.p, R->err_msg.cap, sizeof oom);
            if (m) {
                R->mem += mem_cost(sizeof oom) - mem_cost(R->err_msg.cap);
                R->err_msg.p = m;
                R->err_msg.cap = sizeof oom;
                memcpy(m, oom, sizeof oom);
                R->err_msg.len = sizeof oom - 1;
            }
        }
        return NULL;
    }
    R->mem += cn - co; /* wraps correctly when shrinking */
    return q;
}

bool rt_limit(jrt *R, const char *name, const char *fmt, ...)
{
    if (R->err_kind) return false;
    char tail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tail, sizeof tail, fmt, ap);
    va_end(ap);
    return rt_error(R, JINN_ERR_LIMIT, "limit '%s' exceeded: %s", name, tail);
}

bool rt_tick_slow(jrt *R)
{
    R->fuel -= R->tick_set - R->tick; /* the stretch's units, charged at once */
    rt_tick_refill(R);
    /* an error is being reported (its message, the diagnostic's strings): that is not work */
    if (R->err_kind) return true;
    if (R->fuel < 0)
        return rt_limit(R, "fuel", "more than %llu units of work (loop iterations, calls, filters, outputs) in one render",
                        (unsigned long long)(R->lim ? R->lim->fuel : 0));
    if (R->interrupt && __atomic_load_n(R->interrupt, __ATOMIC_RELAXED))
        return rt_limit(R, "interrupt", "the render was interrupted");
    if (R->progress && R->progress(R->progress_user))
        return rt_limit(R, "interrupt", "the render was stopped by the progress callback");
    return true;
}

void rt_live_init(jrt *R)
{
    R->live.prev = R->live.next = &R->live;
}

/* put g at the head of R's live list (initialised: the fast paths of v_list and v_dict) */
static inline void live_push(jrt *R, jgc *g)
{
    g->next = R->live.next;
    g->prev = &R->live;
    R->live.next->prev = g;
    R->live.next = g;
}

static void live_link(jrt *R, jgc *g)
{
    if (!R->live.next) rt_live_init(R);
    live_push(R, g);
}

static void live_unlink(jgc *g)
{
    g->prev->next = g->next;
    g->next->prev = g->prev;
    g->prev = g->next = g;
}

#define GC_HDR(g) ((jhdr *)((char *)(g) - offsetof(jlist, gc)))
_Static_assert(offsetof(jlist, gc) == offsetof(jdict, gc), "lists and dicts link at the same offset");

/* out of the live list for good (the block is freed next: no self-link, as live_unlink makes) */
static inline void live_drop(jgc *g)
{
    g->prev->next = g->next;
    g->next->prev = g->prev;
}

/* a list's or a dict's blocks (each inline in free_flat and free_tree, which free them all) */
static inline __attribute__((always_inline)) void free_list_memory(jrt *R, jlist *l)
{
    live_drop(&l->gc);
    if (l->items && l->items != (value *)(l + 1)) rt_alloc(R, l->items, l->cap * sizeof(value), 0);
    rt_alloc(R, l, sizeof *l + l->h.inl * sizeof(value), 0);
}
static inline __attribute__((always_inline)) void free_dict_memory(jrt *R, jdict *d)
{
    live_drop(&d->gc);
    if (d->entries && d->entries != (jentry *)(d + 1)) rt_alloc(R, d->entries, d->cap * sizeof(jentry), 0);
    if (d->index) rt_alloc(R, d->index, (d->mask + 1) * sizeof(int32_t), 0);
    rt_alloc(R, d, sizeof *d + d->h.inl * sizeof(jentry), 0);
}
static void free_container_memory(jrt *R, jhdr *h)
{
    if (h->type == JV_LIST) free_list_memory(R, (jlist *)h);
    else free_dict_memory(R, (jdict *)h);
}

static bool is_container(value v) { return v.t == JV_LIST || v.t == JV_DICT; }

void rt_collect(jrt *R)
{
    if (!R->live.next || R->live.next == &R->live) return;
    /* everything still linked is unreachable now: mark it dying, release what it holds
     * that is not itself a dying container, then free the containers themselves */
    for (jgc *g = R->live.next; g != &R->live; g = g->next) GC_HDR(g)->rc = JH_IMMORTAL;
    for (jgc *g = R->live.next; g != &R->live; g = g->next) {
        jhdr *h = GC_HDR(g);
        if (h->type == JV_LIST) {
            jlist *l = (jlist *)h;
            for (size_t i = 0; i < l->len; i++)
                if (!is_container(l->items[i])) val_drop(R, l->items[i]);
            l->len = 0;
        } else {
            jdict *d = (jdict *)h;
            for (size_t i = 0; i < d->used; i++) {
                if (!is_container(d->entries[i].key)) val_drop(R, d->entries[i].key);
                if (!is_container(d->entries[i].val)) val_drop(R, d->entries[i].val);
            }
            d->used = d->len = 0;
        }
    }
    while (R->live.next != &R->live) free_container_memory(R, GC_HDR(R->live.next));
}

void rt_live_move(jrt *R, jgc *to)
{
    if (!R->live.next || R->live.next == &R->live) return;
    jgc *first = R->live.next, *last = R->live.prev;
    if (!to->next) to->prev = to->next = to;
    first->prev = to; /* splice R's whole list in after `to` */
    last->next = to->next;
    to->next->prev = last;
    to->next = first;
    R->live.prev = R->live.next = &R->live;
}

static bool buf_vprintf(jrt *R, jbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !buf_grow(R, b, (size_t)n + 1)) return false;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool rt_error(jrt *R, jinn_error_kind kind, const char *fmt, ...)
{
    if (R->err_kind) return false; /* keep the first error */
    R->err_kind = kind;
    R->err_msg.len = 0;
    /* the message must survive the limit it reports: memory_bytes does not apply to it */
    size_t limit = R->mem_limit;
    R->mem_limit = 0;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(R, &R->err_msg, fmt, ap);
    va_end(ap);
    R->mem_limit = limit;
    return false;
}

void rt_warn(jrt *R, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (R->warnings.len) buf_putc(R, &R->warnings, '\n');
    buf_vprintf(R, &R->warnings, fmt, ap);
    va_end(ap);
    warn_site w = {R->at_tmpl, R->at_pos};
    if (R->warn_at.len == (size_t)R->nwarnings * sizeof w) buf_put(R, &R->warn_at, (const char *)&w, sizeof w);
    R->nwarnings++;
}

void rt_warn_move(jrt *R, const void *from, const void *to, uint32_t pos)
{
    for (size_t i = 0; i + sizeof(warn_site) <= R->warn_at.len; i += sizeof(warn_site)) {
        warn_site w;
        memcpy(&w, R->warn_at.p + i, sizeof w);
        if (w.tmpl != from) continue;
        w.tmpl = to;
        w.pos = pos;
        memcpy(R->warn_at.p + i, &w, sizeof w);
    }
    if (R->at_tmpl == from) {
        R->at_tmpl = to;
        R->at_pos = pos;
    }
}

bool rt_overflow(jrt *R) { return rt_error(R, JINN_ERR_VALUE, "integer overflow"); }

/* ======================================================================================
 * Buffers
 * ====================================================================================== */

bool buf_grow(jrt *R, jbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return true;
    size_t need = b->len + extra + 1;
    if (need < b->len) return rt_overflow(R);
    size_t cap = buf_grown_cap(b->cap, need);
    /* bytes produced into a buffer (join, format, printing, serialising, the output) are work;
     * an error or warning message is not charged, so it survives the fuel limit it reports */
    if (b != &R->warnings && !rt_charge_bytes(R, cap - b->cap)) return false;
    char *p = rt_alloc(R, b->p, b->cap, cap);
    if (!p) return false;
    b->p = p;
    b->cap = cap;
    return true;
}


bool buf_printf(jrt *R, jbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = buf_vprintf(R, b, fmt, ap);
    va_end(ap);
    return ok;
}

void buf_free(jrt *R, jbuf *b)
{
    if (b->p) rt_alloc(R, b->p, b->cap, 0);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ======================================================================================
 * Strings
 * ====================================================================================== */

jstr *str_new(jrt *R, size_t len)
{
    if (len > SIZE_MAX - sizeof(jstr) - 8) { rt_overflow(R); return NULL; }
    if (R->lim && len > R->lim->string_bytes) {
        rt_limit(R, "string_bytes", "a string of %zu bytes (limit %zu)", len, R->lim->string_bytes);
        return NULL;
    }
    if (!rt_charge_bytes(R, len)) return NULL; /* every string made is work in its size */
    jstr *s = rt_alloc(R, NULL, 0, str_block(len));
    if (!s) return NULL;
    s->h.rc = 1;
    s->h.type = JV_STR;
    s->hash = 0;
    s->len = len;
    s->s[len] = 0;
    return s;
}

value v_str(jrt *R, const char *p, size_t len)
{
    jstr *s = str_new(R, len);
    if (!s) return v_err();
    copy_bytes(s->s, p, len); /* (inline up to 32 bytes: names, keys, a macro's short output) */
    value v = {.t = JV_STR};
    v.u.s = s;
    return v;
}

value v_cstr(jrt *R, const char *s) { return v_str(R, s, strlen(s)); }

value v_str_from_buf(jrt *R, jbuf *b)
{
    value v = v_str(R, b->p ? b->p : "", b->len);
    buf_free(R, b);
    return v;
}

value v_undef_msg(jrt *R, const char *fmt, ...)
{
    jbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    bool ok = buf_vprintf(R, &b, fmt, ap);
    va_end(ap);
    if (!ok) { buf_free(R, &b); return v_err(); }
    value s = v_str_from_buf(R, &b);
    if (s.t == JV_ERROR) return s;
    value v = {.t = JV_UNDEF};
    v.u.s = s.u.s;
    return v;
}

uint32_t str_hash(jstr *s)
{
    if (s->hash) return s->hash;
    /* FNV-1a; 0 is reserved for "not computed" */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s->len; i++) h = (h ^ (uint8_t)s->s[i]) * 16777619u;
    if (!h) h = 1;
    /* immortal strings are shared between threads: they are hashed before they become
     * immortal (val_make_immortal) and never written after */
    if (s->h.rc < JH_IMMORTAL) s->hash = h;
    return h;
}

value str_concat(jrt *R, const char *a, size_t al, const char *b, size_t bl)
{
    if (al > SIZE_MAX / 2 || bl > SIZE_MAX / 2) { rt_overflow(R); return v_err(); }
    jstr *s = str_new(R, al + bl);
    if (!s) return v_err();
    copy_bytes(s->s, a, al); /* (inline up to 32 bytes each: `~` joins short pieces) */
    copy_bytes(s->s + al, b, bl);
    value v = {.t = JV_STR};
    v.u.s = s;
    return v;
}

const char *utf8_invalid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    while (p < e) {
        /* ASCII runs, eight bytes at a time */
        while (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (w & 0x8080808080808080ULL) break;
            p += 8;
        }
        if (p >= e) break;
        if (*p < 0x80) { p++; continue; }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, e - p, &cp);
        if (n <= 0) return (const char *)p;
        p += n;
    }
    return NULL;
}

size_t utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((uint8_t)s[i] & 0xC0) != 0x80) n++;
    return n;
}

size_t utf8_offset(const char *s, size_t len, size_t idx)
{
    size_t i = 0;
    while (i < len && idx) {
        i++;
        while (i < len && ((uint8_t)s[i] & 0xC0) == 0x80) i++;
        idx--;
    }
    return i;
}

/* ======================================================================================
 * Lists
 * ====================================================================================== */

/* rt_alloc's cache hit alone, with no call on its path (so that v_list's and v_dict's common
 * case needs no frame): a block of n bytes (a multiple of 8, at most RT_CACHE_MAX) from R's
 * cache, or NULL: rt_alloc's full path decides */
static inline void *cache_pop(jrt *R, size_t n)
{
    rt_cache *c = R->cache;
    void *b;
    if (!c || !(b = c->bin[n >> 3]) || (R->mem_limit && R->mem + n + 16 > R->mem_limit)) return NULL;
    c->bin[n >> 3] = *(void **)b;
    c->count[n >> 3]--;
    c->bytes -= n;
    R->mem += n + 16;
    return b;
}
_Static_assert(sizeof(jlist) + LIST_INLINE_MAX * sizeof(value) <= RT_CACHE_MAX && sizeof(jlist) % 8 == 0,
               "a list's block is a cached size");
_Static_assert(sizeof(jdict) + DICT_INLINE_MAX * sizeof(jentry) <= RT_CACHE_MAX && sizeof(jdict) % 8 == 0 &&
               sizeof(jentry) % 8 == 0, "a dict's block is a cached size");

static value v_list_slow(jrt *R, size_t cap, size_t inl);
value v_list(jrt *R, size_t cap)
{
    size_t inl = cap > LIST_INLINE_MAX ? 0 : cap ? cap : LIST_INLINE;
    if (R->lim && inl > R->lim->collection_items) inl = 0; /* (room past the limit would hold it) */
    /* the common case: a block from the cache, the items in it, a charge that ends no stretch
     * (rt_tick), the live list made: what v_list_slow does then, without a call */
    int64_t units = (int64_t)(cap / 4);
    jlist *l;
    if ((!cap || (inl && R->tick - units > 0)) && R->live.next &&
        (l = cache_pop(R, sizeof *l + inl * sizeof(value)))) {
        l->h.rc = 1;
        l->h.type = JV_LIST;
        l->h.inl = (uint8_t)inl;
        l->len = 0;
        l->cap = cap ? inl : 0;
        l->items = cap ? (value *)(l + 1) : NULL;
        R->tick -= units;
        live_push(R, &l->gc);
        value v = {.t = JV_LIST};
        v.u.l = l;
        return v;
    }
    return v_list_slow(R, cap, inl);
}

static __attribute__((noinline)) value v_list_slow(jrt *R, size_t cap, size_t inl)
{
    jlist *l = rt_alloc(R, NULL, 0, sizeof *l + inl * sizeof(value));
    if (!l) return v_err();
    l->h.rc = 1;
    l->h.type = JV_LIST;
    l->h.inl = (uint8_t)inl;
    l->len = 0;
    l->cap = 0;
    l->items = NULL;
    live_link(R, &l->gc);
    if (cap && !list_reserve(R, l, cap)) { /* (its first step takes the block's room) */
        live_unlink(&l->gc);
        rt_alloc(R, l, sizeof *l + inl * sizeof(value), 0);
        return v_err();
    }
    value v = {.t = JV_LIST};
    v.u.l = l;
    return v;
}

bool list_reserve(jrt *R, jlist *l, size_t n)
{
    if (n <= l->cap) return true;
    /* callers write up to n items after this: never hand back less than asked for */
    if (R->lim && n > R->lim->collection_items)
        return rt_limit(R, "collection_items", "a list of more than %zu items", R->lim->collection_items);
    if (n > SIZE_MAX / sizeof(value)) return rt_overflow(R);
    if (!rt_charge(R, (int64_t)((n - l->cap) / 4))) return false; /* a unit per 4 item slots made (and filled) */
    value *p;
    if (!l->items && n <= l->h.inl) { /* the room in the list's own block */
        l->items = (value *)(l + 1);
        l->cap = l->h.inl;
        return true;
    }
    if (l->items == (value *)(l + 1)) { /* out of that room */
        p = rt_alloc(R, NULL, 0, n * sizeof(value));
        if (!p) return false;
        memcpy(p, l->items, l->cap * sizeof(value));
    } else if (l->items && n * sizeof(value) <= RT_CACHE_MAX && R->cache) {
        /* a small list grows through the block cache: rt_alloc hands a resize (a realloc) to
         * the allocator, and select, map and append grow short lists all the time */
        p = rt_alloc(R, NULL, 0, n * sizeof(value));
        if (!p) return false;
        memcpy(p, l->items, l->cap * sizeof(value));
        rt_alloc(R, l->items, l->cap * sizeof(value), 0);
    } else {
        p = rt_alloc(R, l->items, l->cap * sizeof(value), n * sizeof(value));
        if (!p) return false;
    }
    l->items = p;
    l->cap = n;
    return true;
}

bool range_mark(jrt *R, value *l, int64_t start, int64_t stop, int64_t step)
{
    jlist *x = l->u.l;
    l->f |= JV_RANGE;
    if (R->lim && x->len + 3 > R->lim->collection_items) return true; /* the bounds from the items */
    if (!list_reserve(R, x, x->len + 3)) return false;
    x->items[x->len] = v_int(start);
    x->items[x->len + 1] = v_int(stop);
    x->items[x->len + 2] = v_int(step);
    return true;
}

void range_bounds(value v, int64_t *start, int64_t *stop, int64_t *step)
{
    jlist *x = v.u.l;
    size_t n = x->len;
    if (x->cap >= n + 3 && x->items[n].t == JV_INT && x->items[n + 1].t == JV_INT && x->items[n + 2].t == JV_INT
        && x->items[n + 2].u.i != 0 && (n == 0 || (x->items[0].t == JV_INT && x->items[0].u.i == x->items[n].u.i))) {
        *start = x->items[n].u.i;
        *stop = x->items[n + 1].u.i;
        *step = x->items[n + 2].u.i;
        return;
    }
    *start = n && x->items[0].t == JV_INT ? x->items[0].u.i : 0;
    *step = n >= 2 && x->items[1].t == JV_INT ? x->items[1].u.i - *start : 1;
    *stop = n && x->items[n - 1].t == JV_INT ? x->items[n - 1].u.i + *step : *start;
}

/* list_push_grow past its common case: a charge that ends a stretch, or a reserve */
static __attribute__((noinline)) bool list_push_slow(jrt *R, jlist *l, value v, size_t grow)
{
    if (l->len == l->cap && !list_reserve(R, l, grow)) {
        val_drop(R, v);
        return false;
    }
    l->items[l->len++] = v;
    return true;
}

bool list_push_grow(jrt *R, jlist *l, value v)
{
    size_t grow = l->cap ? l->cap * 2 : 4;
    /* doubling may overshoot the limit while the list itself still fits: grow to the limit */
    if (R->lim && grow > R->lim->collection_items && l->len < R->lim->collection_items) grow = R->lim->collection_items;
    if (!l->items && grow <= l->h.inl && R->tick - (int64_t)(grow / 4) > 0) {
        /* the first push of a list made empty (a {% set x = [] %} appended to): list_reserve's
         * first step inline, the same charge (one that ends no stretch: rt_tick), no call, so
         * no frame; h.inl is within collection_items (v_list) */
        R->tick -= (int64_t)(grow / 4);
        l->items = (value *)(l + 1);
        l->cap = l->h.inl;
        l->items[l->len++] = v;
        return true;
    }
    return list_push_slow(R, l, v, grow);
}

/* ======================================================================================
 * Dicts — compact, insertion ordered
 * ====================================================================================== */

static bool dict_reindex(jrt *R, jdict *d, size_t want_entries);
static value v_dict_slow(jrt *R, size_t cap, size_t inl);
value v_dict(jrt *R, size_t cap)
{
    /* up to DICT_INLINE_MAX entries in the dict's own block (unless a limit refuses them:
     * dict_reindex says so) */
    /* (a dict made empty gets room for 4, taken by its first entry: dict_reindex) */
    size_t inl = cap > DICT_INLINE_MAX ? 0 : cap ? cap : 4;
    if (R->lim && inl > R->lim->collection_items) inl = 0; /* (room past the limit would hold it) */
    /* the common case (as v_list's): a block from the cache, the entries in it or none yet */
    jdict *d;
    if ((!cap || inl) && R->live.next && (d = cache_pop(R, sizeof *d + inl * sizeof(jentry)))) {
        memset(d, 0, sizeof *d);
        d->h.rc = 1;
        d->h.type = JV_DICT;
        d->h.inl = (uint8_t)inl;
        if (cap) {
            d->entries = (jentry *)(d + 1);
            d->cap = inl;
        }
        live_push(R, &d->gc);
        value v = {.t = JV_DICT};
        v.u.m = d;
        return v;
    }
    return v_dict_slow(R, cap, inl);
}

static __attribute__((noinline)) value v_dict_slow(jrt *R, size_t cap, size_t inl)
{
    jdict *d = rt_alloc(R, NULL, 0, sizeof *d + inl * sizeof(jentry));
    if (!d) return v_err();
    memset(d, 0, sizeof *d);
    d->h.rc = 1;
    d->h.type = JV_DICT;
    live_link(R, &d->gc);
    value v = {.t = JV_DICT};
    v.u.m = d;
    d->h.inl = (uint8_t)inl;
    if (inl && cap) {
        d->entries = (jentry *)(d + 1);
        d->cap = inl;
        return v;
    }
    /* the entries the caller will set, at once: a dict literal of 5 keys would otherwise grow
     * 4 -> 8 entries (a realloc past the small-block cache); a cap past 8 gets its index too */
    if (cap && !dict_reindex(R, d, cap)) {
        val_drop(R, v);
        return v_err();
    }
    return v;
}

/* Tuples that share items ((t, t) nested n deep) have 2^n paths: hashing visits at most
 * HASH_NODES nodes, in an order fixed by the value's shape, so equal values still hash equal
 * (the nodes past the budget count as a constant); a key needing more is refused as
 * unhashable rather than walked for ever. */
#define HASH_NODES 65536
static bool hashable_at(value v, int depth, int64_t *budget);
bool val_hashable(value v)
{
    if (v.t != JV_LIST) return v.t == JV_NONE || v.t == JV_BOOL || v.t == JV_INT || v.t == JV_FLOAT || v.t == JV_STR || v.t == JV_BIG;
    int64_t budget = HASH_NODES;
    return hashable_at(v, 0, &budget);
}

static bool hashable_at(value v, int depth, int64_t *budget)
{
    if (depth > 64 || --*budget < 0) return false;
    switch (v.t) {
    case JV_NONE: case JV_BOOL: case JV_INT: case JV_FLOAT: case JV_STR: case JV_BIG: return true;
    case JV_LIST:
        if (!(v.f & JV_TUPLE)) return false;
        for (size_t i = 0; i < v.u.l->len; i++)
            if (!hashable_at(v.u.l->items[i], depth + 1, budget)) return false;
        return true;
    default: return false;
    }
}

static uint32_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x | 1;
}

static uint32_t hash_at(value v, int depth, int64_t *budget);
uint32_t val_hash(value v)
{
    if (v.t == JV_STR) return str_hash(v.u.s);
    int64_t budget = HASH_NODES;
    return hash_at(v, 0, &budget);
}

static uint32_t hash_at(value v, int depth, int64_t *budget)
{
    if (depth > 64 || --*budget < 0) return 7;
    switch (v.t) {
    case JV_STR: return str_hash(v.u.s);
    case JV_BOOL: return mix64((uint64_t)v.u.b);
    case JV_INT: return mix64((uint64_t)v.u.i);
    case JV_BIG: return big_hash(v, mix64);
    case JV_FLOAT:
        /* equal numbers hash equal: 1.0 == 1 */
        if (v.u.d == floor(v.u.d) && v.u.d >= -9223372036854775808.0 && v.u.d < 9223372036854775808.0)
            return mix64((uint64_t)(int64_t)v.u.d); /* (beyond int64, a big int hashes as the float) */
        { uint64_t bits; memcpy(&bits, &v.u.d, 8); return mix64(bits); }
    case JV_LIST: {
        uint32_t h = 0x345678;
        for (size_t i = 0; i < v.u.l->len; i++) h = (h * 1000003u) ^ hash_at(v.u.l->items[i], depth + 1, budget);
        return h | 1;
    }
    default: return 7;
    }
}

static bool key_eq(value a, uint32_t ah, const jentry *e)
{
    if (e->hash != ah) return false;
    if (a.t == JV_STR && e->key.t == JV_STR) return str_eq(a.u.s, e->key.u.s);
    return val_equal(a, e->key);
}

static int64_t dict_find(const jdict *d, value key, uint32_t h)
{
    if (!d->mask) {
        if (key.t == JV_STR) { /* a string key (row dicts, literals): only a string entry can equal it */
            const jentry *e = d->entries; /* (a pointer and a count: dict_get_jstr's loop) */
            for (size_t n = d->used; n; n--, e++)
                if (e->hash == h && e->key.t == JV_STR && str_eq(e->key.u.s, key.u.s)) return e - d->entries;
            return -1;
        }
        for (size_t i = 0; i < d->used; i++)
            if (d->entries[i].key.t != JV_ABSENT && key_eq(key, h, &d->entries[i])) return (int64_t)i;
        return -1;
    }
    for (size_t i = h & d->mask, step = 1;; i = (i + step++) & d->mask) {
        int32_t ix = d->index[i];
        if (ix == -1) return -1;
        if (ix >= 0 && key_eq(key, h, &d->entries[ix])) return ix;
    }
}

value *dict_get(jdict *d, value key)
{
    if (!d->len) return NULL;
    int64_t ix = dict_find(d, key, val_hash(key));
    return ix < 0 ? NULL : &d->entries[ix].val;
}

value *dict_get_str(jdict *d, const char *k, size_t len)
{
    if (!d->len) return NULL;
    /* hash without allocating: same FNV-1a as str_hash */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)k[i]) * 16777619u;
    if (!h) h = 1;
    if (!d->mask) {
        jentry *e = d->entries;
        for (size_t n = d->used; n; n--, e++)
            if (e->hash == h && e->key.t == JV_STR && e->key.u.s->len == len && !memcmp(e->key.u.s->s, k, len))
                return &e->val;
        return NULL;
    }
    for (size_t i = h & d->mask, step = 1;; i = (i + step++) & d->mask) {
        int32_t ix = d->index[i];
        if (ix == -1) return NULL;
        if (ix >= 0) {
            jentry *e = &d->entries[ix];
            if (e->hash == h && e->key.t == JV_STR && e->key.u.s->len == len && !memcmp(e->key.u.s->s, k, len))
                return &e->val;
        }
    }
}

/* Small dicts (<= 8 entries) are searched linearly; bigger ones get an index. */
static bool dict_reindex(jrt *R, jdict *d, size_t want_entries)
{
    /* compact away deleted entries */
    if (d->used != d->len) {
        size_t j = 0;
        for (size_t i = 0; i < d->used; i++)
            if (d->entries[i].key.t != JV_ABSENT) d->entries[j++] = d->entries[i];
        d->used = j;
    }
    if (want_entries > d->cap) {
        if (R->lim && want_entries > R->lim->collection_items)
            return rt_limit(R, "collection_items", "a dict of more than %zu items", R->lim->collection_items);
        if (!d->entries && want_entries <= d->h.inl) { /* the room in the dict's own block */
            d->entries = (jentry *)(d + 1);
            d->cap = d->h.inl;
            return true; /* (no index: at most DICT_INLINE_MAX entries) */
        }
        size_t cap = d->cap ? d->cap : want_entries; /* the first: what was asked (v_dict's hint, or 4) */
        while (cap < want_entries) cap *= 2;
        if (cap > INT32_MAX / 4) return rt_error(R, JINN_ERR_LIMIT, "dict too large");
        jentry *e;
        if (d->entries == (jentry *)(d + 1)) { /* out of the inline room */
            if (!(e = rt_alloc(R, NULL, 0, cap * sizeof(jentry)))) return false;
            memcpy(e, d->entries, d->used * sizeof(jentry));
        } else if (!(e = rt_alloc(R, d->entries, d->cap * sizeof(jentry), cap * sizeof(jentry)))) {
            return false;
        }
        d->entries = e;
        d->cap = cap;
    }
    if (d->cap > 8) {
        if (!rt_charge(R, (int64_t)d->used)) return false; /* a unit per entry re-indexed */
        size_t isz = 16;
        while (isz < d->cap * 2) isz *= 2;
        if (d->index) rt_alloc(R, d->index, (d->mask + 1) * sizeof(int32_t), 0);
        d->index = rt_alloc(R, NULL, 0, isz * sizeof(int32_t));
        if (!d->index) { d->mask = 0; return false; }
        memset(d->index, 0xff, isz * sizeof(int32_t));
        d->mask = isz - 1;
        for (size_t k = 0; k < d->used; k++) {
            size_t i = d->entries[k].hash & d->mask, step = 1;
            while (d->index[i] != -1) i = (i + step++) & d->mask;
            d->index[i] = (int32_t)k;
        }
    }
    return true;
}

/* room for one more entry in a full d: doubled, or its deleted entries compacted away */
static bool dict_grow(jrt *R, jdict *d)
{
    size_t grow = d->len + 1 > d->cap ? d->cap * 2 + (d->cap == 0) * 4 : d->cap;
    /* doubling may overshoot the limit while the dict itself still fits: grow to the limit */
    if (R->lim && grow > R->lim->collection_items && d->len < R->lim->collection_items) grow = R->lim->collection_items;
    return dict_reindex(R, d, grow);
}

/* a key not in d, where there is room: appended (and indexed) */
static inline __attribute__((always_inline)) void dict_store(jdict *d, value key, value val, uint32_t h)
{
    size_t k = d->used++;
    d->entries[k].key = key;
    d->entries[k].val = val;
    d->entries[k].hash = h;
    d->len++;
    if (d->mask) {
        size_t i = h & d->mask, step = 1;
        while (d->index[i] >= 0) i = (i + step++) & d->mask;
        d->index[i] = (int32_t)k;
    }
}

/* dict_add when d is full: grown first (out of line, so that dict_add's common case makes no
 * call, and so keeps no frame of saved registers) */
static __attribute__((noinline)) bool dict_add_grow(jrt *R, jdict *d, value key, value val, uint32_t h)
{
    if (!dict_grow(R, d)) {
        val_drop(R, key);
        val_drop(R, val);
        return false;
    }
    dict_store(d, key, val, h); /* (room now: doubled, or deleted entries compacted away) */
    return true;
}

/* a key not in d: appended (and indexed) */
static inline __attribute__((always_inline)) bool dict_add(jrt *R, jdict *d, value key, value val, uint32_t h)
{
    if (d->used == d->cap) {
        if (d->entries || !d->h.inl) return dict_add_grow(R, d, key, val, h);
        /* the first entry of a dict made empty ({} then set, a namespace, a row filled key by
         * key): dict_grow's first step inline, the room of the dict's own block (4 entries or
         * its hint, within collection_items: v_dict), no charge (no index) */
        d->entries = (jentry *)(d + 1);
        d->cap = d->h.inl;
    }
    dict_store(d, key, val, h);
    return true;
}

/* the old value of a replaced entry, when it was its last reference (out of line: dict_set's
 * common case keeps no frame) */
static __attribute__((noinline)) bool drop_replaced(jrt *R, jhdr *old)
{
    val_free_heap(R, old);
    return true;
}

static __attribute__((noinline)) bool dict_set_find(jrt *R, jdict *d, value key, value val)
{
    if (key.t == JV_STR && !d->mask) {
        /* dict_find's small-dict scan for a string key, inline, and no frame of its own: a
         * namespace's attributes ({% set ns.x = ... %}) and a row's keys are set one by one,
         * mostly by the key object the entry already holds */
        uint32_t h = key.u.s->hash ? key.u.s->hash : str_hash(key.u.s);
        jentry *e = d->entries;
        for (size_t n = d->used; n; n--, e++) {
            if (e->hash == h && e->key.t == JV_STR && str_eq(e->key.u.s, key.u.s)) {
                value old = e->val;
                e->val = val;
                val_drop(R, key);
                val_drop(R, old);
                return true;
            }
        }
        return dict_add(R, d, key, val, h);
    }
    uint32_t h = key.t == JV_STR && key.u.s->hash ? key.u.s->hash : val_hash(key);
    int64_t ix = d->len ? dict_find(d, key, h) : -1;
    if (ix >= 0) {
        val_drop(R, d->entries[ix].val);
        d->entries[ix].val = val;
        val_drop(R, key);
        return true;
    }
    return dict_add(R, d, key, val, h);
}


/* a key known to be absent, appended (out of line, as drop_replaced) */
static __attribute__((noinline)) bool dict_add_new(jrt *R, jdict *d, value key, value val, uint32_t h)
{
    return dict_add(R, d, key, val, h);
}

bool dict_set(jrt *R, jdict *d, value key, value val)
{
    /* a string key whose hash is known, in a small dict: the entries' hashes tell at once that
     * it is absent (appended) or, with the very key object there, where it is (a namespace's
     * attribute set again, {% set ns.x = ... %}, names it by the constant it was made with):
     * no call but those tails, so no frame. A hash met under another key object, or any other
     * case: dict_set_find's search. */
    if (key.t == JV_STR && !d->mask && key.u.s->hash) {
        uint32_t h = key.u.s->hash;
        jentry *e = d->entries;
        for (size_t n = d->used; n; n--, e++) {
            if (e->hash != h || e->key.t != JV_STR) continue;
            if (e->key.u.s != key.u.s) return dict_set_find(R, d, key, val);
            value old = e->val;
            e->val = val;
            if (key.u.s->h.rc < JH_IMMORTAL) key.u.s->h.rc--; /* (the entry holds it too: not to 0) */
            if ((v_heap(old) || (old.t == JV_UNDEF && old.u.h)) && old.u.h->rc < JH_IMMORTAL && --old.u.h->rc == 0)
                return drop_replaced(R, old.u.h);
            return true;
        }
        return dict_add_new(R, d, key, val, h);
    }
    return dict_set_find(R, d, key, val);
}

/* A dict literal's pairs into the empty d that v_dict(R, n) sized, when every key is a string
 * and no two keys share a hash (so none repeats): filled in order, without a search per key.
 * true: done, kv stolen; false: not such pairs (or no room), nothing touched (use dict_set). */
bool dict_put_strs(jdict *d, value *kv, int n)
{
    if (n > 8 || d->len || (size_t)n > d->cap) return false;
    uint32_t hs[8];
    for (int i = 0; i < n; i++) {
        if (kv[2 * i].t != JV_STR) return false;
        hs[i] = str_hash(kv[2 * i].u.s);
        for (int j = 0; j < i; j++)
            if (hs[j] == hs[i]) return false;
    }
    for (int i = 0; i < n; i++) {
        jentry *e = &d->entries[i];
        e->key = kv[2 * i];
        e->val = kv[2 * i + 1];
        e->hash = hs[i];
    }
    d->used = d->len = (size_t)n;
    return true;
}

bool dict_del(jrt *R, jdict *d, value key, value *out)
{
    (void)R;
    if (!d->len) return false;
    uint32_t h = val_hash(key);
    int64_t ix = dict_find(d, key, h);
    if (ix < 0) return false;
    jentry *e = &d->entries[ix];
    if (d->mask) {
        for (size_t i = h & d->mask, step = 1;; i = (i + step++) & d->mask)
            if (d->index[i] == ix) { d->index[i] = -2; break; }
    }
    val_drop(R, e->key);
    *out = e->val;
    e->key = v_absent();
    e->val = v_none();
    d->len--;
    return true;
}

/* ======================================================================================
 * Freeing
 * ====================================================================================== */

/* Freeing is iterative: a list nested 100 000 deep must not overflow the C stack. Children
 * whose last reference goes are pushed on an explicit stack instead of recursed into. */
static void release_push(jrt *R, value v, jhdr ***st, size_t *n, size_t *cap, jhdr **local);
/* the test inline (most items are scalars or immortal), the push out of line */
static inline void release(jrt *R, value v, jhdr ***st, size_t *n, size_t *cap, jhdr **local)
{
    if (!(v_heap(v) || (v.t == JV_UNDEF && v.u.h)) || v.u.h->rc >= JH_IMMORTAL || --v.u.h->rc) return;
    if (v.t == JV_STR) rt_alloc(R, v.u.h, str_block(v.u.s->len), 0); /* a leaf: freed at once */
    else if (*n < *cap) (*st)[(*n)++] = v.u.h; /* (the stack growing: out of line) */
    else release_push(R, v, st, n, cap, local);
}
static void release_push(jrt *R, value v, jhdr ***st, size_t *n, size_t *cap, jhdr **local)
{
    if (*n == *cap) {
        size_t nc = *cap * 2;
        jhdr **p = rt_alloc(R, *st == local ? NULL : *st, *st == local ? 0 : *cap * sizeof(jhdr *), nc * sizeof(jhdr *));
        if (!p) { val_free_heap(R, v.u.h); return; } /* no memory for the stack: recurse once */
        if (*st == local) memcpy(p, local, *cap * sizeof(jhdr *));
        *st = p;
        *cap = nc;
    }
    (*st)[(*n)++] = v.u.h;
}

static void free_tree(jrt *R, jhdr *h);
/* Freeing a list or a dict flat, below: its items are released in a loop, and one whose last
 * reference goes is freed at once, a string inline, a container flat too down to two levels
 * below (a list of rows of lists: free_flat_1, free_flat_2) and by free_tree past that. The
 * flat frames set up no stack of their own; free_tree's walk is iterative, so the C stack
 * stays four frames deep however deep the nesting. */
static void free_flat_1(jrt *R, jhdr *h);
static void free_flat_2(jrt *R, jhdr *h);
static inline __attribute__((always_inline)) void release_flat(jrt *R, value v, int level)
{
    if (!(v_heap(v) || (v.t == JV_UNDEF && v.u.h)) || v.u.h->rc >= JH_IMMORTAL || --v.u.h->rc) return;
    if (v.t == JV_STR) rt_alloc(R, v.u.h, str_block(v.u.s->len), 0);
    else if (level == 0) free_flat_1(R, v.u.h);
    else if (level == 1) free_flat_2(R, v.u.h);
    else free_tree(R, v.u.h);
}

static inline __attribute__((always_inline)) void free_flat(jrt *R, jhdr *h, int level)
{
    switch (h->type) {
    case JV_STR: rt_alloc(R, h, str_block(((jstr *)h)->len), 0); return;
    case JV_LIST: {
        jlist *l = (jlist *)h;
        const value *it = l->items;
        for (size_t i = 0, len = l->len; i < len; i++) release_flat(R, it[i], level);
        free_list_memory(R, l);
        return;
    }
    case JV_DICT: {
        jdict *d = (jdict *)h;
        const jentry *e = d->entries;
        for (size_t i = 0, used = d->used; i < used; i++) {
            release_flat(R, e[i].key, level);
            release_flat(R, e[i].val, level);
        }
        free_dict_memory(R, d);
        return;
    }
    default: free_tree(R, h); return;
    }
}
static __attribute__((noinline)) void free_flat_1(jrt *R, jhdr *h) { free_flat(R, h, 1); }
static __attribute__((noinline)) void free_flat_2(jrt *R, jhdr *h) { free_flat(R, h, 2); }

/* a string (the commonest), a list or a dict of scalars, strings and rows (a select's result,
 * a literal, a list of rows): freed without the tree walk's set-up (its stack, its loop) */
void val_free_heap(jrt *R, jhdr *h) { free_flat(R, h, 0); }

static void free_tree(jrt *R, jhdr *h)
{
    jhdr *local[32], **st = local;
    size_t n = 0, cap = 32;
    st[n++] = h;
    while (n) {
        h = st[--n];
        switch (h->type) {
        case JV_STR: {
            jstr *s = (jstr *)h;
            rt_alloc(R, s, str_block(s->len), 0);
            break;
        }
        case JV_LIST: {
            jlist *l = (jlist *)h;
            const value *it = l->items; /* (in registers: nothing below changes l) */
            for (size_t i = 0, len = l->len; i < len; i++) release(R, it[i], &st, &n, &cap, local);
            free_list_memory(R, l);
            break;
        }
        case JV_DICT: {
            jdict *d = (jdict *)h;
            const jentry *e = d->entries;
            for (size_t i = 0, used = d->used; i < used; i++) {
                release(R, e[i].key, &st, &n, &cap, local);
                release(R, e[i].val, &st, &n, &cap, local);
            }
            free_dict_memory(R, d);
            break;
        }
        case JV_FUNC: {
            jfunc *f = (jfunc *)h;
            release(R, f->self, &st, &n, &cap, local);
            release(R, f->extra, &st, &n, &cap, local);
            if (f->name && f->name->h.rc < JH_IMMORTAL && --f->name->h.rc == 0) val_free_heap(R, &f->name->h);
            rt_alloc(R, f, sizeof *f, 0);
            break;
        }
        default: big_free(R, h); break; /* JV_BIG, the one other heap type */
        }
    }
    if (st != local) rt_alloc(R, st, cap * sizeof(jhdr *), 0);
}

void val_make_immortal(value v)
{
    if (!(v_heap(v) || (v.t == JV_UNDEF && v.u.h))) return;
    if (v.u.h->rc >= JH_IMMORTAL) return;
    if (v.t == JV_STR || v.t == JV_UNDEF) str_hash(v.u.s);
    v.u.h->rc = JH_IMMORTAL;
    if (v.t == JV_LIST) live_unlink(&v.u.l->gc);
    else if (v.t == JV_DICT) live_unlink(&v.u.m->gc);
    if (v.t == JV_LIST)
        for (size_t i = 0; i < v.u.l->len; i++) val_make_immortal(v.u.l->items[i]);
    else if (v.t == JV_DICT)
        for (size_t i = 0; i < v.u.m->used; i++) {
            val_make_immortal(v.u.m->entries[i].key);
            val_make_immortal(v.u.m->entries[i].val);
        }
}

void val_free_immortal(jrt *R, value v)
{
    if (!(v_heap(v) || (v.t == JV_UNDEF && v.u.h))) return;
    if (v.u.h->rc != JH_IMMORTAL) return;
    v.u.h->rc = 0; /* visited */
    if (v.t == JV_LIST) {
        jlist *l = v.u.l;
        for (size_t i = 0; i < l->len; i++) val_free_immortal(R, l->items[i]);
        free_container_memory(R, v.u.h);
    } else if (v.t == JV_DICT) {
        jdict *d = v.u.m;
        for (size_t i = 0; i < d->used; i++) {
            val_free_immortal(R, d->entries[i].key);
            val_free_immortal(R, d->entries[i].val);
        }
        free_container_memory(R, v.u.h);
    } else {
        v.u.h->rc = 1;
        val_drop(R, v);
    }
}

/* ======================================================================================
 * Equality, ordering, truthiness
 * ====================================================================================== */


double val_to_double(value v)
{
    return v.t == JV_FLOAT ? v.u.d : v.t == JV_INT ? (double)v.u.i : v.t == JV_BOOL ? v.u.b
         : v.t == JV_BIG ? big_to_double_sat(v) : 0;
}

static int64_t as_int(value v) { return v.t == JV_BOOL ? v.u.b : v.u.i; }

/* Exact comparison of an int64 and a double, as Python does. */
static int cmp_int_double(int64_t i, double d)
{
    if (isnan(d)) return 2; /* unordered */
    if (d >= 9223372036854775808.0) return -1;
    if (d < -9223372036854775808.0) return 1;
    double fl = floor(d);
    int64_t di = (int64_t)fl;
    if (i < di) return -1;
    if (i > di) return 1;
    return fl < d ? -1 : 0;
}

static int num_cmp(value a, value b)
{
    if (a.t != JV_FLOAT && b.t != JV_FLOAT) {
        if (a.t == JV_BIG || b.t == JV_BIG) return big_cmp(a, b);
        int64_t x = as_int(a), y = as_int(b);
        return x < y ? -1 : x > y;
    }
    if (a.t == JV_FLOAT && b.t == JV_FLOAT) {
        if (isnan(a.u.d) || isnan(b.u.d)) return 2;
        return a.u.d < b.u.d ? -1 : a.u.d > b.u.d;
    }
    if (a.t == JV_FLOAT) {
        int c = b.t == JV_BIG ? big_cmp_double(b, a.u.d) : cmp_int_double(as_int(b), a.u.d);
        return c == 2 ? 2 : -c;
    }
    return a.t == JV_BIG ? big_cmp_double(a, b.u.d) : cmp_int_double(as_int(a), b.u.d);
}

/* Containers compare element by element, recursively: a depth bound keeps values that contain
 * themselves (or are nested very deep) from overflowing the C stack. Beyond it, equality is
 * false (ordering fails with an error). */
#define MAX_COMPARE_DEPTH 200

/* One comparison's state. R: the runtime charged for the work (a unit per item visited, one
 * per RT_UNIT_BYTES of strings compared), or NULL (dict keys: hashable, so bounded). The memo
 * remembers container pairs already found equal, so values that share sublists
 * (ns.a = [ns.a, ns.a]) compare in time linear in their distinct nodes instead of exponential
 * (CPython's own recursion only short-cuts identical objects); it is switched on, and zeroed,
 * only once a comparison has visited EQ_MEMO_AFTER containers. */
#define EQ_MEMO 512
#define EQ_MEMO_AFTER 64
typedef struct eqc {
    jrt *R;
    int containers;
    const void *memo[EQ_MEMO][2];
} eqc;

static size_t memo_slot(const void *a, const void *b)
{
    uint64_t x = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)b;
    return (size_t)(x >> 7) & (EQ_MEMO - 1);
}

/* 1 equal, 0 not, -1 an error (the fuel ran out) */
static int equal_at(eqc *c, value a, value b, int depth);

bool val_equal(value a, value b)
{
    eqc c;
    c.R = NULL;
    c.containers = 0;
    return equal_at(&c, a, b, 0) == 1;
}

bool val_equal_rt(jrt *R, value a, value b, bool *eq)
{
    if (a.t == JV_STR && b.t == JV_STR) return str_equal_rt(R, a.u.s, b.u.s, eq); /* the commonest case */
    eqc c;
    c.R = R;
    c.containers = 0;
    int r = equal_at(&c, a, b, 0);
    *eq = r == 1;
    return r >= 0;
}

/* a container pair: charge its items, look it up in the memo (1: known equal) */
static int pair_begin(eqc *c, const void *a, const void *b, size_t items)
{
    if (c->R && !rt_charge(c->R, (int64_t)items + 1)) return -1;
    if (++c->containers < EQ_MEMO_AFTER) return 0;
    if (c->containers == EQ_MEMO_AFTER) memset(c->memo, 0, sizeof c->memo);
    size_t k = memo_slot(a, b);
    return c->memo[k][0] == a && c->memo[k][1] == b;
}

static void pair_equal(eqc *c, const void *a, const void *b)
{
    if (c->containers < EQ_MEMO_AFTER) return;
    size_t k = memo_slot(a, b);
    c->memo[k][0] = a;
    c->memo[k][1] = b;
}

static int equal_at(eqc *c, value a, value b, int depth)
{
    if (depth > MAX_COMPARE_DEPTH) return 0;
    if (val_is_number(a) && val_is_number(b)) return num_cmp(a, b) == 0;
    if (a.t != b.t) return 0;
    switch (a.t) {
    case JV_NONE: case JV_UNDEF: return 1;
    case JV_STR:
        if (c->R && a.u.s != b.u.s && a.u.s->len == b.u.s->len && !rt_charge_bytes(c->R, a.u.s->len)) return -1;
        return str_eq(a.u.s, b.u.s);
    case JV_LIST: {
        if ((a.f & (JV_TUPLE | JV_RANGE)) != (b.f & (JV_TUPLE | JV_RANGE))) return 0;
        if (a.u.l == b.u.l) return 1;
        if ((a.f | b.f) & JV_ITER) return 0; /* an iterator equals only itself */
        if (a.u.l->len != b.u.l->len) return 0;
        int r = pair_begin(c, a.u.l, b.u.l, a.u.l->len);
        if (r) return r;
        for (size_t i = 0; i < a.u.l->len; i++)
            if ((r = equal_at(c, a.u.l->items[i], b.u.l->items[i], depth + 1)) != 1) return r;
        pair_equal(c, a.u.l, b.u.l);
        return 1;
    }
    case JV_DICT: {
        if (a.u.m == b.u.m) return 1;
        if (a.u.m->len != b.u.m->len) return 0;
        int r = pair_begin(c, a.u.m, b.u.m, a.u.m->len);
        if (r) return r;
        jentry *e;
        for (size_t i = 0; dict_next(a.u.m, &i, &e);) {
            value *o = dict_get(b.u.m, e->key);
            if (!o) return 0;
            if ((r = equal_at(c, e->val, *o, depth + 1)) != 1) return r;
        }
        pair_equal(c, a.u.m, b.u.m);
        return 1;
    }
    case JV_FUNC: return a.u.fn == b.u.fn;
    default: return 0;
    }
}

const char *val_type_name(value v)
{
    switch (v.t) {
    case JV_UNDEF: return "Undefined";
    case JV_NONE: return "NoneType";
    case JV_BOOL: return "bool";
    case JV_INT: case JV_BIG: return "int";
    case JV_FLOAT: return "float";
    case JV_STR: return "str";
    case JV_LIST: return v.f & JV_TUPLE ? "tuple" : v.f & JV_RANGE ? "range" : v.f & JV_ITER ? "list_reverseiterator" : "list";
    case JV_DICT: return v.f & JV_NS ? "Namespace" : "dict";
    case JV_FUNC: return v.u.fn->kind == FN_MACRO ? "Macro" : "function";
    default: return "object";
    }
}

static bool compare_at(eqc *c, value a, value b, int *cmp, const char *op, int depth);

bool val_compare(jrt *R, value a, value b, int *cmp, const char *op)
{
    eqc c; /* (sorts charge their comparisons per pass: lib_sort) */
    c.R = R;
    c.containers = 0;
    return compare_at(&c, a, b, cmp, op, 0);
}

static bool compare_at(eqc *c, value a, value b, int *cmp, const char *op, int depth)
{
    jrt *R = c->R;
    if (depth > MAX_COMPARE_DEPTH)
        return rt_error(R, JINN_ERR_VALUE, "'%s' on values nested more than %d deep (or containing themselves)", op, MAX_COMPARE_DEPTH);
    if (val_is_number(a) && val_is_number(b)) {
        int nc = num_cmp(a, b);
        if (nc == 2) { *cmp = 2; return true; } /* NaN: every ordering is false */
        *cmp = nc;
        return true;
    }
    if (a.t == JV_STR && b.t == JV_STR) {
        size_t n = a.u.s->len < b.u.s->len ? a.u.s->len : b.u.s->len;
        if (!rt_charge_bytes(R, n)) return false;
        int d = memcmp(a.u.s->s, b.u.s->s, n);
        *cmp = d ? (d < 0 ? -1 : 1) : (a.u.s->len < b.u.s->len ? -1 : a.u.s->len > b.u.s->len);
        return true;
    }
    if (a.t == JV_LIST && b.t == JV_LIST && (a.f & JV_TUPLE) == (b.f & JV_TUPLE) && !((a.f | b.f) & JV_RANGE)) {
        size_t n = a.u.l->len < b.u.l->len ? a.u.l->len : b.u.l->len;
        for (size_t i = 0; i < n; i++) {
            value x = a.u.l->items[i], y = b.u.l->items[i];
            int r = equal_at(c, x, y, depth + 1);
            if (r < 0) return false;
            if (r) continue;
            return compare_at(c, x, y, cmp, op, depth + 1);
        }
        *cmp = a.u.l->len < b.u.l->len ? -1 : a.u.l->len > b.u.l->len;
        return true;
    }
    if (a.t == JV_UNDEF) return val_undef_error(R, a);
    if (b.t == JV_UNDEF) return val_undef_error(R, b);
    return rt_error(R, JINN_ERR_TYPE, "'%s' not supported between instances of '%s' and '%s'", op,
                    val_type_name(a), val_type_name(b));
}

bool val_truthy(jrt *R, value v)
{
    switch (v.t) {
    case JV_UNDEF: case JV_NONE: case JV_ABSENT: case JV_ERROR: return false;
    case JV_BOOL: return v.u.b;
    case JV_INT: return v.u.i != 0;
    case JV_FLOAT: return v.u.d != 0;
    case JV_STR:
        if (R->profile == PROF_JINJAVA && v.u.s->len == 5 && !strncasecmp(v.u.s->s, "false", 5)) return false; /* any case */
        return v.u.s->len != 0;
    case JV_LIST: return v.u.l->len != 0 || ((v.f & JV_ITER) && R->profile == PROF_JINJA); /* an iterator is true */
    case JV_DICT: return (v.f & JV_NS) || v.u.m->len != 0;
    default: return true;
    }
}

/* ======================================================================================
 * Using an undefined value: the error Jinja2's Undefined raises
 * ====================================================================================== */

static const char *undef_type_name(int f)
{
    int t = (f >> 2) & 15;
    if (f & 0x40) return "tuple";
    switch (t) {
    case JV_NONE: return "NoneType";
    case JV_BOOL: return "bool";
    case JV_INT: case JV_BIG: return "int";
    case JV_FLOAT: return "float";
    case JV_STR: return "str";
    case JV_LIST: return "list";
    case JV_DICT: return "dict";
    case JV_FUNC: return "function";
    case UK_NAMESPACE: return "jinja2.utils.Namespace";
    default: return "object";
    }
}

bool val_undef_error(jrt *R, value u)
{
    const char *s = u.u.s ? u.u.s->s : NULL;
    switch (u.f & 3) {
    case UK_NAME: return rt_error(R, JINN_ERR_UNDEFINED, "'%s' is undefined", s ? s : "?");
    case UK_ATTR: return rt_error(R, JINN_ERR_UNDEFINED, "'%s object' has no attribute '%s'", undef_type_name(u.f), s ? s : "?");
    case UK_ELEM: return rt_error(R, JINN_ERR_UNDEFINED, "%s object has no element %s", undef_type_name(u.f), s ? s : "?");
    default: return rt_error(R, JINN_ERR_UNDEFINED, "%s", s ? s : "undefined value");
    }
}

bool val_undef_debug(jrt *R, jbuf *b, value u)
{
    const char *s = u.u.s ? u.u.s->s : NULL;
    int t = (u.f >> 2) & 15;
    switch (u.f & 3) {
    case UK_NAME: return buf_printf(R, b, "{{ %s }}", s ? s : "None");
    case UK_ATTR:
        if (t == JV_NONE && !(u.f & 0x40)) return buf_printf(R, b, "{{ no such element: None['%s'] }}", s ? s : "");
        return buf_printf(R, b, "{{ no such element: %s object['%s'] }}", undef_type_name(u.f), s ? s : "");
    case UK_ELEM:
        return buf_printf(R, b, "{{ no such element: %s object[%s] }}", undef_type_name(u.f), s ? s : "");
    default: return s ? buf_printf(R, b, "{{ undefined value printed: %s }}", s) : buf_puts(R, b, "{{ None }}");
    }
}

value v_func(jrt *R, int kind, const void *def, jstr *name)
{
    jfunc *f = rt_alloc(R, NULL, 0, sizeof *f);
    if (!f) return v_err();
    memset(f, 0, sizeof *f);
    f->h.rc = 1;
    f->h.type = JV_FUNC;
    f->kind = (uint8_t)kind;
    f->def = def;
    f->name = name;
    if (name && name->h.rc < JH_IMMORTAL) name->h.rc++;
    f->self = v_none();
    f->extra = v_none();
    value v = {.t = JV_FUNC};
    v.u.fn = f;
    return v;
}
