/*
 * value.h — jinn's values: representation, ownership, and the runtime context.
 *
 * REPRESENTATION
 * A `value` is a 16-byte struct passed by value: a type byte, a flags byte and a union.
 * Immediates (none, undefined, bool, int, float) live in the union; everything else is a
 * pointer to a heap object that starts with a `jhdr` (refcount + type). Strings are
 * length-counted UTF-8 (NUL bytes allowed) with a trailing NUL for C convenience and a lazily
 * computed hash. Lists are growable arrays. Dicts are insertion-ordered hash maps: an entry
 * array in insertion order plus an open-addressing index of int32 positions (CPython's
 * compact dict). Tuples are lists with JV_TUPLE set (they print as `(1, 2)`). A string with
 * JV_SAFE set is already escaped (Jinja2's Markup). An undefined value may carry a message
 * string (`'x' is undefined`) for when it is used in a way that must fail.
 *
 * INTEGERS. An int is a JV_INT (int64 in the union) while it fits, and a JV_BIG (a refcounted
 * heap object of GMP limbs, src/bigint.h) only beyond int64: operations try int64 first and
 * promote on overflow, and every big result that fits is demoted, so equal ints have one type.
 *
 * DECIMALS (the jinjava profile only). Jinjava's round, sum, add, multiply and divide return
 * Java BigDecimals, which print with exactly their scale (`3|round(2)` is `3.00`). jinn keeps
 * such a number as a JV_FLOAT whose flags byte says so: JV_DEC (0x80) set, the scale (0..127
 * decimals) in the low 7 bits. The flags of a float are otherwise unused, so a decimal is
 * still a float to every operation that does not look (comparisons, filters, tests); the
 * jinjava profile's printing (print.c) and arithmetic (ops.c) look. The value is the double
 * nearest to the decimal, so digits past the 17th significant one of a long-scale decimal
 * (`[0.1, 0.2]|sum`) differ from Java's exact BigDecimal. The jinja profile never makes one.
 *
 * OWNERSHIP (read this before writing a builtin)
 * - A `value` held in a variable owns one reference. val_dup adds one, val_drop releases one.
 * - Functions BORROW their value arguments and RETURN OWNED values.
 * - Exception: functions that store a value into a container STEAL it (list_push, dict_set,
 *   and the `*_steal` variants) — like CPython's PyList_SetItem.
 * - Heap objects built by the compiler (constants) are IMMORTAL: their refcount is never
 *   touched, so a compiled template can be rendered by many threads at once. Contexts built
 *   with jinn_context_from_json are immortal too, for the same reason.
 * - Refcounts are not atomic: a mutable value belongs to one render (one thread).
 *
 * ERRORS
 * Anything that can fail takes the runtime context `jrt *R`, records the error with
 * rt_error() and returns false (or a value of type JV_ERROR from value-returning helpers).
 * All memory goes through R's allocator (rt_alloc), the one entry point.
 */
#ifndef JINN_VALUE_H
#define JINN_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jinn.h"

typedef enum {
    JV_ERROR = 0, /* not a value: "an error was recorded in R" (never stored) */
    JV_UNDEF,     /* undefined; u.s is an optional message (immortal or owned) */
    JV_NONE,
    JV_BOOL,
    JV_INT,
    JV_FLOAT,
    JV_BIG,       /* an int outside int64 (src/bigint.h); an int inside it is always JV_INT.
                   * Here, so that the numbers (bool..big) and the heap types (big..func) are
                   * each one range of tags: the tests on them are one comparison */
    JV_STR,
    JV_LIST,
    JV_DICT,
    JV_FUNC,      /* a callable: macro, builtin function, bound method */
    JV_ABSENT     /* an argument that was not passed (only in builtin argument slots) */
} jtype;

enum { JV_SAFE = 1, JV_TUPLE = 2, JV_NS = 4 /* a namespace() dict */,
       JV_GROUP = 8 /* a (grouper, list) tuple from |groupby: .grouper and .list read its items */,
       JV_ITER = 16 /* a list that stands for a Java iterator (the jinjava profile's reverse under
                     * its switch iteratorOnlyReverseFilter): it iterates, but x[0] is null;
                     * in the jinja profile Python's reversed() of a list: no len, + or *, it
                     * prints as <list_reverseiterator object at 0x…>, and iterating it once
                     * empties it (op_to_list) */,
       JV_RANGE = 32 /* the jinja profile's range(): a list of its items that prints, compares
                      * and refuses arithmetic and mutation as Python's range (range_mark) */ };
/* JV_FLOAT only: a decimal with scale f & JV_DEC_SCALE (see DECIMALS above) */
enum { JV_DEC = 0x80, JV_DEC_SCALE = 0x7f, JV_DEC_MAXSCALE = 127 };

typedef struct jhdr {
    uint32_t rc;   /* >= JH_IMMORTAL: never counted */
    uint8_t type;
    uint8_t inl;   /* a list or a dict: the items or entries its block holds after the header
                    * (LIST_INLINE_MAX, DICT_INLINE_MAX) */
} jhdr;
#define JH_IMMORTAL 0x80000000u

typedef struct jstr {
    jhdr h;
    uint32_t hash; /* 0: not yet computed */
    size_t len;
    char s[];      /* len bytes + NUL */
} jstr;
/* The block of a string of len bytes: the header, the bytes, the NUL, rounded up to 8 (so that
 * the runtime's cache of small blocks takes short strings too). */
static inline size_t str_block(size_t len) { return (sizeof(jstr) + len + 1 + 7) & ~(size_t)7; }

struct jlist;
struct jdict;
struct jfunc;

typedef struct value {
    uint8_t t;
    uint8_t f;     /* JV_SAFE, JV_TUPLE, JV_NS, JV_GROUP; a float's JV_DEC and scale */
    union {          /* i first: `value v = {.t = ...}` zeroes all 8 bytes */
        int64_t i;
        bool b;
        double d;
        jstr *s;
        struct jlist *l;
        struct jdict *m;
        struct jfunc *fn;
        jhdr *h;
    } u;
} value;

/* Every list and dict is linked into its runtime's registry of live containers, so that a
 * render can free, at its end, containers that reference each other in a cycle
 * (`l.append(l)`), which refcounting alone would leak. Immortal ones are unlinked. */
typedef struct jgc {
    struct jgc *prev, *next;
} jgc;

/* A list's block has room for LIST_INLINE items after the header (or for what v_list was
 * asked, up to LIST_INLINE_MAX): a short list (a literal, a select's result, the first appends) then
 * costs one allocation and one free. The room is taken when the list first needs items, with
 * the same fuel charge as a separate array; a list that grows past it moves its items out. */
#define LIST_INLINE 4
#define LIST_INLINE_MAX 16
typedef struct jlist {
    jhdr h;
    jgc gc;
    size_t len, cap;
    value *items;
} jlist;

typedef struct jentry {
    value key, val;
    uint32_t hash;
} jentry;

/* A dict made for at most DICT_INLINE_MAX entries (a literal, a row) keeps them in its own
 * block, after the header: one allocation, and one free, instead of two (a dict made empty
 * has room for 4). Growing past them moves the entries to a block of their own; the inline
 * room stays unused until the free. */
#define DICT_INLINE_MAX 8
typedef struct jdict {
    jhdr h;
    jgc gc;
    size_t len;     /* live entries */
    size_t used;    /* entries slots used (live + deleted) */
    size_t cap;     /* entries capacity */
    size_t mask;    /* index size - 1 (index size is a power of two), 0 when no index */
    jentry *entries;/* deleted entries have key.t == JV_ABSENT */
    int32_t *index; /* -1 empty, -2 deleted, else entry position */
} jdict;

/* ---- runtime context ---------------------------------------------------------------- */
typedef struct jrt jrt;

/* rt_alloc keeps freed blocks whose size is a multiple of 8 up to RT_CACHE_MAX, per size, up to
 * RT_CACHE_BYTES in all, and hands them out again: a render allocates and frees the same few
 * small sizes (list and dict headers, short strings, entry arrays) over and over. */
#define RT_CACHE_MAX 512
#define RT_CACHE_BYTES (256u << 10)
#define RT_CACHE_BIN 64
typedef struct rt_cache {
    void *bin[RT_CACHE_MAX / 8 + 1]; /* by size / 8: a list linked through each block's first word */
    uint16_t count[RT_CACHE_MAX / 8 + 1]; /* blocks on each list, at most RT_CACHE_BIN */
    size_t bytes;                    /* what the lists hold, at most RT_CACHE_BYTES */
} rt_cache;

typedef struct jbuf {
    char *p;
    size_t len, cap;
} jbuf;

typedef enum { PROF_JINJA = 0, PROF_JINJAVA = 1 } jprofile;

/* Callable objects. A builtin gets its bound arguments in args[0..nargs-1] (see builtins.h). */
typedef bool (*jnative_fn)(jrt *R, value *args, int nargs, value *out);

typedef struct jfunc {
    jhdr h;
    uint8_t kind;   /* FN_MACRO, FN_NATIVE, FN_METHOD */
    uint8_t flags;  /* FNF_NO_CONTEXT: a macro of a module imported without context */
    const void *def;/* macro: struct unit*; native: const struct jbuiltin* */
    const void *owner; /* macro: the template the unit belongs to */
    value self;     /* bound receiver (method) or closure data */
    value extra;    /* macro: defaults / caller; unused otherwise */
    jstr *name;
} jfunc;
/* FN_CYCLER / FN_JOINER: Jinja2's cycler(...) and joiner(sep); `self` holds their state,
 * a list [items or separator, position] owned by the object (render-local, so mutable). */
enum { FN_MACRO = 1, FN_NATIVE = 2, FN_METHOD = 3, FN_CYCLER = 4, FN_JOINER = 5,
       FN_LOOP = 6 /* a recursive loop as a value: self its snapshot dict (loop.index, ...),
                    * extra the macro of the loop's unit; calling it renders one level deeper */ };
enum { FNF_NO_CONTEXT = 1, FNF_ENV = 2 /* a macro whose closure (self) is its defining frame's env */ };

/* What the running VM lends the layers below it (builtins, ops) for the length of a render:
 * calling a callable value (a macro needs the VM), giving a mutating method its own copy of a
 * value shared with the immortal context (the VM keeps the copies), and rendering a string
 * with the caller's variables (|render). NULL outside a render. */
typedef struct warn_site {
    const void *tmpl; /* the template (struct template *), or NULL: no position */
    uint32_t pos;
} warn_site;

typedef struct rt_services {
    bool (*call)(jrt *R, value fn, value *pos, int npos, jdict *kw, value *out);
    bool (*unshare)(jrt *R, value *v, const char *method);
    bool (*render_string)(jrt *R, const char *src, size_t len, value *out); /* |render */
} rt_services;

struct jrt {
    /* the error being raised (kind 0 = none) */
    jinn_error_kind err_kind;
    jbuf err_msg;
    bool oom;       /* the allocator failed: the API answers JINN_NOMEM */
    /* warnings (newline separated) */
    jbuf warnings;
    int nwarnings;
    /* where each warning was raised (a warn_site per warning, in warn_at), from where the VM
     * says it is: it sets at_tmpl/at_pos before an instruction that may warn (NULL: unknown) */
    const void *at_tmpl;
    uint32_t at_pos;
    jbuf warn_at;
    /* a session's render (jinn_session): the top-level variables a render leaves are set in
     * *session_vars, and the containers still alive at its end join the session's list
     * instead of being collected (NULL: an ordinary render) */
    value *session_vars;
    jgc *session_live;
    uint64_t rng;   /* per-render generator state (xorshift*), seeded by render options */
    void *vm;       /* the running VM (src/vm.c only) */
    const rt_services *svc; /* the running VM's services to builtins, or NULL */
    void *env;      /* struct env * */
    size_t mem, mem_limit;   /* bytes allocated now, and the ceiling (0: none) */
    struct rt_cache *cache;  /* freed small blocks kept for reuse (rt_alloc), or NULL: none */
    const int *interrupt;
    uint32_t provider_calls;
    const char *customer;    /* the render's customer id (for version 2 providers), or NULL */
    jinn_write_fn write;     /* streaming: where the output goes, in pieces (or NULL) */
    void *write_user;
    size_t flushed;          /* bytes already handed to write */
    /* set by rt_init (api.c) whatever it is given, so not zeroed before (rt_init clears the
     * fields above only): the allocator, the profile and its switches, the environment's
     * settings, the limits (see jinn_limits) and the fuel, the progress callback, the live list */
    jinn_alloc_fn alloc;
    void *alloc_user;
    jprofile profile;
    uint32_t jv_opts; /* the jinjava profile's switches (JINN_JV_* of jinn.h); 0 in the jinja profile */
    int autoescape; /* the environment's autoescape setting (for |join, |replace, |format) */
    int undef_mode; /* jinn_undefined */
    const jinn_limits *lim;
    int64_t fuel;            /* work units left in this render */
    int64_t tick;            /* units until the next interrupt / progress poll or fuel check */
    int64_t tick_set;        /* tick when last refilled: fuel is charged tick_set - tick then */
    jinn_progress_fn progress;
    void *progress_user;
    jgc live;                /* registry of live containers (a circular list; see jgc) */
};

/* Charge units of work; every 4096 units poll the interrupt flag and progress callback.
 * The VM charges loop iterations, calls, filters and output writes here; what a step does in
 * proportion to its size is charged through rt_charge / rt_charge_bytes (below). */
bool rt_tick_slow(jrt *R);
static inline bool rt_tick(jrt *R, int64_t units)
{
    R->tick -= units; /* never more than fuel + 1: running out of either comes here */
    if (R->tick <= 0) return rt_tick_slow(R);
    return true;
}
/* the next stretch: 4096 units, or fewer so that fuel running out ends it */
static inline void rt_tick_refill(jrt *R)
{
    R->tick_set = R->tick = R->fuel >= 0 && R->fuel < 4096 ? R->fuel + 1 : 4096;
}
/* Work in proportion to its size (docs/limits.md, "What a unit is"): rt_charge(R, n) charges n
 * units (n container nodes visited, n comparisons made, ...); rt_charge_bytes one unit per
 * RT_UNIT_BYTES bytes a string operation produces, copies or scans. Both poll the interrupt
 * flag when the tick runs out, so a long C loop that charges as it goes can be stopped. */
#define RT_UNIT_BYTES 16
static inline bool rt_charge(jrt *R, int64_t units) { return rt_tick(R, units); }
static inline bool rt_charge_bytes(jrt *R, size_t n)
{
    return n < RT_UNIT_BYTES || rt_tick(R, (int64_t)(n / RT_UNIT_BYTES));
}
/* "limit 'NAME' exceeded: ..." */
bool rt_limit(jrt *R, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rt_live_init(jrt *R);
void rt_collect(jrt *R);
/* Move every container linked to R to the list `to` (a session's): they live on after R. */
void rt_live_move(jrt *R, jgc *to); /* free containers still alive (cycles) at the end of a render */

/* ---- the allocator, and errors ---------------------------------------------------------- */
void *rt_alloc_slow(jrt *R, void *p, size_t old, size_t n);
/* n==0 frees; NULL + error on failure. A small block comes from (and goes back to) the render's
 * cache inline; everything else, and every limit and error, is rt_alloc_slow's (value.c).
 * R->cache is NULL where the cache is off (AddressSanitizer). memory_bytes counts n + 16. */
static inline void *rt_alloc(jrt *R, void *p, size_t old, size_t n)
{
    rt_cache *c = R->cache;
    if (c) {
        if (!p) {
            void *b;
            if (n && n <= RT_CACHE_MAX && !(n & 7) && (b = c->bin[n >> 3]) &&
                (!R->mem_limit || R->mem + n + 16 <= R->mem_limit)) {
                c->bin[n >> 3] = *(void **)b;
                c->count[n >> 3]--;
                c->bytes -= n;
                R->mem += n + 16;
                return b;
            }
        } else if (!n && old && old <= RT_CACHE_MAX && !(old & 7) && c->count[old >> 3] < RT_CACHE_BIN &&
                   c->bytes + old <= RT_CACHE_BYTES) {
            *(void **)p = c->bin[old >> 3];
            c->bin[old >> 3] = p;
            c->count[old >> 3]++;
            c->bytes += old;
            R->mem -= old + 16;
            return NULL;
        }
    }
    return rt_alloc_slow(R, p, old, n);
}
void rt_cache_drain(jrt *R, rt_cache *c); /* gives c's blocks back to R's allocator */
extern const bool rt_cache_on; /* false under AddressSanitizer */
bool rt_error(jrt *R, jinn_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4))); /* always returns false */
void rt_warn(jrt *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The warnings raised in template `from` (and the site to come) are at template `to`, position
 * pos, from now on: `from` is about to be freed (|render's string, src/vm.c). */
void rt_warn_move(jrt *R, const void *from, const void *to, uint32_t pos);
bool rt_overflow(jrt *R); /* "integer overflow" */

/* ---- constructors (all return owned values) ----------------------------------------------- */
static inline value v_none(void) { value v = {.t = JV_NONE}; return v; }
static inline value v_undef(void) { value v = {.t = JV_UNDEF}; return v; }
static inline value v_absent(void) { value v = {.t = JV_ABSENT}; return v; }
static inline value v_err(void) { value v = {.t = JV_ERROR}; return v; }
static inline value v_bool(bool b) { value v = {.t = JV_BOOL}; v.u.b = b; return v; }
static inline value v_int(int64_t i) { value v = {.t = JV_INT}; v.u.i = i; return v; }
static inline value v_float(double d) { value v = {.t = JV_FLOAT}; v.u.d = d; return v; }
/* a decimal (jinjava profile): d printed with scale decimals (clamped to 0..JV_DEC_MAXSCALE) */
static inline value v_dec(double d, int scale)
{
    value v = {.t = JV_FLOAT};
    v.f = (uint8_t)(JV_DEC | (scale < 0 ? 0 : scale > JV_DEC_MAXSCALE ? JV_DEC_MAXSCALE : scale));
    v.u.d = d;
    return v;
}
static inline bool v_is_dec(value v) { return v.t == JV_FLOAT && (v.f & JV_DEC); }
static inline int v_dec_scale(value v) { return v.f & JV_DEC_SCALE; }

value v_str(jrt *R, const char *s, size_t len);          /* copies */
value v_cstr(jrt *R, const char *s);
value v_str_from_buf(jrt *R, jbuf *b);                   /* takes the buffer's bytes */
jstr *str_new(jrt *R, size_t len);                       /* uninitialised bytes, NUL set */
value v_list(jrt *R, size_t cap);
value v_dict(jrt *R, size_t cap);
value v_undef_msg(jrt *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NULL if s[0..len) is valid UTF-8, else a pointer to the first bad byte */
const char *utf8_invalid(const char *s, size_t len);

/* Undefined values remember why they are undefined, without formatting a message until one
 * is needed: f holds the kind in its low 2 bits and, for UK_ATTR/UK_ELEM, the type of the
 * object that lacked the attribute above them; u.s is the name, attribute or element text. */
enum { UK_MSG = 0, UK_NAME = 1, UK_ATTR = 2, UK_ELEM = 3 };
/* f bit 0x80: the undefined of an inline if without else, which is a default Undefined in every
 * mode (Jinja2's cond_expr_undefined): never an error under strict, prints empty under debug */
enum { UK_SOFT = 0x80 };
/* the owner's type code of a namespace() (no jtype is 15): Jinja2 names it jinja2.utils.Namespace */
enum { UK_NAMESPACE = 15 };
/* Is v an undefined that StrictUndefined makes an error? */
static inline bool v_strict_undef(value v) { return v.t == JV_UNDEF && !(v.f & UK_SOFT); }
static inline value v_undef_why(int kind, const value *obj, jstr *s)
{
    value v = {.t = JV_UNDEF};
    v.f = (uint8_t)(kind | (obj ? ((obj->t == JV_DICT && (obj->f & JV_NS) ? UK_NAMESPACE : obj->t & 15) << 2) |
                                   ((obj->f & JV_TUPLE) ? 0x40 : 0) : 0));
    v.u.s = s;
    if (s && s->h.rc < JH_IMMORTAL) s->h.rc++;
    return v;
}
/* A callable value: kind FN_*, def what it calls (a macro's unit, a builtin's registry row),
 * name for printing; owned (or made immortal by the compiler). */
value v_func(jrt *R, int kind, const void *def, jstr *name);
/* raise the UndefinedError that using u means (always returns false) */
bool val_undef_error(jrt *R, value u);
/* false, with the undefined error, when v is an undefined that fails wherever it is used under
 * strict undefined (StrictUndefined's __str__, __len__, __eq__, __hash__); true otherwise */
static inline bool rt_strict_ok(jrt *R, value v)
{
    return !(R->undef_mode == JINN_UNDEFINED_STRICT && v_strict_undef(v)) || val_undef_error(R, v);
}
/* DebugUndefined's text for u: "{{ name }}", "{{ no such element: dict object['k'] }}" */
bool val_undef_debug(jrt *R, jbuf *b, value u);

/* ---- reference counting ---------------------------------------------------------------- */
static inline bool v_heap(value v) { return v.t >= JV_BIG && v.t <= JV_FUNC; }
static inline value val_dup(value v)
{
    if ((v_heap(v) || (v.t == JV_UNDEF && v.u.h)) && v.u.h->rc < JH_IMMORTAL)
        v.u.h->rc++;
    return v;
}
void val_free_heap(jrt *R, jhdr *h);
static inline void val_drop(jrt *R, value v)
{
    if ((v_heap(v) || (v.t == JV_UNDEF && v.u.h)) && v.u.h->rc < JH_IMMORTAL && --v.u.h->rc == 0)
        val_free_heap(R, v.u.h);
}
/* Make v and everything reachable from it immortal (compiler constants, shared contexts). */
void val_make_immortal(value v);
/* Free an immortal value tree (the owner of constants does this once, at the end). */
void val_free_immortal(jrt *R, value v);

/* ---- strings --------------------------------------------------------------------------- */
uint32_t str_hash(jstr *s);
static inline const char *v_sp(value v) { return v.u.s->s; }
static inline size_t v_sl(value v) { return v.u.s->len; }
/* n bytes at a and at b equal: the short keys of dicts and names inline, in two overlapping
 * loads (nothing read past the n bytes), the long ones by memcmp */
static inline bool bytes_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, a, 8), memcpy(&y0, b, 8), memcpy(&x1, a + n - 8, 8), memcpy(&y1, b + n - 8, 8);
        return x0 == y0 && x1 == y1;
    }
    if (n >= 4 && n < 8) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4), memcpy(&y0, b, 4), memcpy(&x1, a + n - 4, 4), memcpy(&y1, b + n - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    if (n < 4) return !n || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
    return memcmp(a, b, n) == 0;
}
static inline bool str_eq(const jstr *a, const jstr *b)
{
    /* two hashes already computed and different: not equal, without reading the bytes */
    return a == b || (a->len == b->len && (!a->hash || !b->hash || a->hash == b->hash) && bytes_eq(a->s, b->s, a->len));
}
/* a == b for two strings as the equality of values does it (val_equal_rt), charging the bytes
 * compared to R's fuel: false + error when fuel runs out; *eq the answer */
static inline bool str_equal_rt(jrt *R, const jstr *a, const jstr *b, bool *eq)
{
    if (a == b || a->len != b->len) { *eq = a == b; return true; } /* (no call, nothing read) */
    if (!rt_charge_bytes(R, a->len)) return false;
    *eq = str_eq(a, b);
    return true;
}
value str_concat(jrt *R, const char *a, size_t al, const char *b, size_t bl);
/* Number of code points (invalid bytes count as one each). */
size_t utf8_count(const char *s, size_t len);
/* Byte offset of code point index i (clamped to len). */
size_t utf8_offset(const char *s, size_t len, size_t i);

/* ---- lists ----------------------------------------------------------------------------- */
bool list_push_grow(jrt *R, jlist *l, value v);          /* list_push when l is full */
static inline bool list_push(jrt *R, jlist *l, value v)  /* steals v */
{
    /* inline while there is room: select, map and the copies push item after item */
    if (l->len < l->cap) {
        l->items[l->len++] = v;
        return true;
    }
    return list_push_grow(R, l, v);
}
/* A range value: l (a list of the range's items) gets JV_RANGE, and start, stop and step as
 * three ints past its end (a range is never mutated), so that it prints as Python's repr
 * does (range(1, 10, 2)); range_bounds reads them back, or derives them from the items. */
bool range_mark(jrt *R, value *l, int64_t start, int64_t stop, int64_t step);
void range_bounds(value v, int64_t *start, int64_t *stop, int64_t *step);
bool list_reserve(jrt *R, jlist *l, size_t n);
static inline size_t v_len_list(value v) { return v.u.l->len; }

/* ---- dicts ----------------------------------------------------------------------------- */
bool val_hashable(value v);
/* A key that hashes in Python but that no dict here can hold (val_hashable is false): a range,
 * an iterator, a function or a namespace. A lookup of one finds nothing (`in`, get, pop). */
static inline bool val_unheld_key(value v)
{
    return (v.t == JV_LIST && (v.f & (JV_RANGE | JV_ITER))) || v.t == JV_FUNC || (v.t == JV_DICT && (v.f & JV_NS));
}
uint32_t val_hash(value v);
value *dict_get(jdict *d, value key);                    /* borrowed slot or NULL */
value *dict_get_str(jdict *d, const char *k, size_t len);
/* the fast path for a string key whose hash is cached (names and constants): inline scan of
 * small dicts, the index for big ones */
static inline __attribute__((always_inline)) value *dict_get_jstr(jdict *d, jstr *k)
{
    uint32_t h = k->hash ? k->hash : str_hash(k);
    if (!d->mask) {
        /* one count and one pointer (no index beside them), and no test of len first: an empty
         * dict has used 0, or only deleted entries, whose key is no string */
        jentry *e = d->entries;
        for (size_t n = d->used; n; n--, e++)
            if (e->hash == h && e->key.t == JV_STR &&
                (e->key.u.s == k || (e->key.u.s->len == k->len && bytes_eq(e->key.u.s->s, k->s, k->len))))
                return &e->val;
        return NULL;
    }
    value key = {.t = JV_STR};
    key.u.s = k;
    return dict_get(d, key);
}
bool dict_set(jrt *R, jdict *d, value key, value val);   /* steals key and val */
bool dict_put_strs(jdict *d, value *kv, int n);          /* a literal's string-keyed pairs: value.c */
bool dict_del(jrt *R, jdict *d, value key, value *out);  /* out gets the owned old value */
/* iteration: for (size_t i = 0; dict_next(d, &i, &e); ) — e is borrowed */
static inline bool dict_next(const jdict *d, size_t *i, jentry **e)
{
    while (*i < d->used) {
        jentry *x = &d->entries[(*i)++];
        if (x->key.t != JV_ABSENT) { *e = x; return true; }
    }
    return false;
}

/* ---- generic operations ---------------------------------------------------------------- */
bool val_truthy(jrt *R, value v);
bool val_equal(value a, value b);                        /* Python ==, deep */
/* the same, charging R's fuel for the nodes and bytes it visits: false + error when it runs out */
bool val_equal_rt(jrt *R, value a, value b, bool *eq);
/* Python ordering: *cmp <0/0/>0; false + TypeError when not orderable. */
bool val_compare(jrt *R, value a, value b, int *cmp, const char *op);
const char *val_type_name(value v);                      /* Python's: 'int', 'str', 'dict', ... */
static inline bool val_is_number(value v)                /* int (JV_INT, JV_BIG), float or bool */
{
    return v.t == JV_INT || v.t == JV_FLOAT || v.t == JV_BOOL || v.t == JV_BIG;
}
double val_to_double(value v);
/* a float, or an int a double holds exactly (|i| <= 2^53): the comparisons' fast path */
static inline bool num_as_exact_double(value v, double *d)
{
    if (v.t == JV_FLOAT) { *d = v.u.d; return true; }
    if (v.t == JV_INT && v.u.i >= -(INT64_C(1) << 53) && v.u.i <= (INT64_C(1) << 53)) { *d = (double)v.u.i; return true; }
    return false;
}

/* output buffers */
bool buf_grow(jrt *R, jbuf *b, size_t extra);
/* append n bytes (kept NUL-terminated); inline: output is written in many small pieces */
/* n bytes from s to d, without a call for up to 32: two (or four) overlapping word moves
 * inside [s, s + n) and [d, d + n) */
static inline void copy_bytes(char *d, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a, z;
        memcpy(&a, s, 8);
        memcpy(&z, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &z, 8);
    } else if (n > 16 && n <= 32) {
        uint64_t a, b, y, z;
        memcpy(&a, s, 8);
        memcpy(&b, s + 8, 8);
        memcpy(&y, s + n - 16, 8);
        memcpy(&z, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + 8, &b, 8);
        memcpy(d + n - 16, &y, 8);
        memcpy(d + n - 8, &z, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, z;
        memcpy(&a, s, 4);
        memcpy(&z, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &z, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++) d[i] = s[i];
    } else {
        memcpy(d, s, n);
    }
}
/* copy_bytes for pieces most often short (a run between escapes, a joined word): under 4 bytes
 * three byte stores, up to 8 two 4-byte moves, copy_bytes past that */
static inline void copy_short(char *d, const char *s, size_t n)
{
    if (n < 4) {
        if (n) { d[0] = s[0]; d[n >> 1] = s[n >> 1]; d[n - 1] = s[n - 1]; }
    } else if (n <= 8) {
        uint32_t a, z;
        memcpy(&a, s, 4);
        memcpy(&z, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &z, 4);
    } else {
        copy_bytes(d, s, n);
    }
}
static inline bool buf_put(jrt *R, jbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap && !buf_grow(R, b, n)) return false;
    copy_bytes(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return true;
}
static inline bool buf_putc(jrt *R, jbuf *b, char c)
{
    if (b->len + 2 > b->cap && !buf_grow(R, b, 2)) return false;
    b->p[b->len++] = c;
    b->p[b->len] = 0;
    return true;
}
static inline bool buf_puts(jrt *R, jbuf *b, const char *s) { return buf_put(R, b, s, strlen(s)); }
bool buf_printf(jrt *R, jbuf *b, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void buf_free(jrt *R, jbuf *b);
/* the capacity buf_grow gives a buffer of capacity cap (0: none yet) to hold need bytes: from
 * 64, doubled (what it charges for is the growth) */
static inline size_t buf_grown_cap(size_t cap, size_t need)
{
    if (!cap) cap = 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) return need;
        cap *= 2;
    }
    return cap;
}

#endif
