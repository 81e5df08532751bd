/*
 * lib.h — helpers shared by the stdlib tables (filters.c, tests.c, functions.c, methods.c).
 *
 * These are the pieces that more than one table needs and that are not engine services:
 * UTF-8 decoding with validation, Python's case mapping and whitespace, the stable sort that
 * |sort, |dictsort and list.sort() share, attribute paths as Jinja2's make_attrgetter takes
 * them, and small constructors. Prefix `lib_`. Nothing here touches the VM.
 *
 * Ownership follows value.h: value arguments are borrowed, returned values are owned.
 */
#ifndef JINN_STDLIB_LIB_H
#define JINN_STDLIB_LIB_H

#include "builtins.h"

/* ---- the tables (one per kind; stdlib.c hands them to the engine) ------------------------- */
extern const jbuiltin bi_filters[];
extern const jbuiltin bi_tests[];
extern const jbuiltin bi_functions[];   /* globals: range, namespace, dict, ... */
extern const jbuiltin bi_str_methods[]; /* receiver in args[0] */
extern const jbuiltin bi_list_methods[];
extern const jbuiltin bi_dict_methods[];
/* the row of table named name, or NULL (for the stdlib's own use: the engine goes through its
 * registry, which also holds the embedder's builtins) */
const jbuiltin *lib_find(const jbuiltin *table, const char *name, size_t len);

/* ---- UTF-8 ------------------------------------------------------------------------------ */
/* Decode one code point at s[*i] (len bytes in all), advance *i; false + JINN_ERR_VALUE on
 * invalid UTF-8. */
bool lib_utf8_next(jrt *R, const char *s, size_t len, size_t *i, int32_t *cp);
/* Python's ascii() of a repr: rb's every non-ASCII code point escaped as \xhh, \uhhhh or
 * \Uhhhhhhhh, in place (rb is replaced; false on an allocation failure). For `%a` and `!a`. */
bool lib_ascii_of_repr(jrt *R, jbuf *rb);
/* Number of code points of a valid UTF-8 string (error on invalid input). */
bool lib_utf8_len(jrt *R, const char *s, size_t len, size_t *n);
/* Append the UTF-8 encoding of cp. */
bool lib_put_cp(jrt *R, jbuf *b, int32_t cp);

/* ---- Python's str predicates and case mapping ------------------------------------------- */
bool lib_isspace(int32_t cp);         /* str.isspace() for one code point */
bool lib_iscased(int32_t cp);         /* Lu, Ll or Lt */
enum { LIB_UPPER, LIB_LOWER, LIB_TITLE, LIB_CAPITALIZE };
/* str.upper()/lower()/title()/capitalize() of s into a new string value (flags not set). */
value lib_case(jrt *R, const char *s, size_t len, int mode);

/* Is every byte of s ASCII? Eight bytes at a time (the last word overlapping). */
static inline bool lib_ascii(const char *s, size_t len)
{
    uint64_t any = 0, w;
    size_t k = 0;
    for (; k + 8 <= len; k += 8) {
        memcpy(&w, s + k, 8);
        any |= w;
    }
    if (len >= 8) {
        memcpy(&w, s + len - 8, 8);
        any |= w;
    } else if (len >= 4) { /* (a short name: two 4-byte words, overlapping) */
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        any = a | b;
    } else {
        for (size_t i = 0; i < len; i++) any |= (unsigned char)s[i];
    }
    return !(any & 0x8080808080808080u);
}

/* lib_case_ascii's step (below) on four ASCII bytes in a word: a name of 4 to 8 bytes is two
 * such words, overlapping */
static inline uint32_t lib_case_word4(uint32_t w, int mode)
{
    const uint32_t lo = 0x01010101u * (mode == LIB_UPPER ? 0x80 - 'a' : 0x80 - 'A');
    const uint32_t hi = 0x01010101u * (mode == LIB_UPPER ? 0x80 - 'z' - 1 : 0x80 - 'Z' - 1);
    return w ^ (((w + lo) & ~(w + hi)) & 0x80808080u) >> 2;
}

/* str.upper() (mode LIB_UPPER) or str.lower() (LIB_LOWER) of an ASCII s (lib_ascii) into
 * dst[0..len-1], which may not overlap s. Eight bytes at a time: in a word of ASCII bytes,
 * b + (0x80 - 'a') sets a byte's top bit when b >= 'a' and b + (0x80 - 'z' - 1) when b > 'z'
 * (neither carries into the next byte, all b < 0x80); the bytes with the first bit and not
 * the second are the letters, flipped by 0x20. */
static inline void lib_case_ascii(char *dst, const char *s, size_t len, int mode)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    const uint64_t lo = ones * (mode == LIB_UPPER ? 0x80 - 'a' : 0x80 - 'A');
    const uint64_t hi = ones * (mode == LIB_UPPER ? 0x80 - 'z' - 1 : 0x80 - 'Z' - 1);
    size_t k;
    uint64_t w;
    for (k = 0; k + 8 <= len; k += 8) {
        memcpy(&w, s + k, 8);
        w ^= (((w + lo) & ~(w + hi)) & high) >> 2;
        memcpy(dst + k, &w, 8);
    }
    if (len >= 8 && k < len) { /* the last word again, overlapping: read from s, same bytes */
        memcpy(&w, s + len - 8, 8);
        w ^= (((w + lo) & ~(w + hi)) & high) >> 2;
        memcpy(dst + len - 8, &w, 8);
        k = len;
    }
    if (len >= 4 && len < 8) { /* the same on two 4-byte words, overlapping */
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        a = lib_case_word4(a, mode);
        b = lib_case_word4(b, mode);
        memcpy(dst, &a, 4);
        memcpy(dst + len - 4, &b, 4);
        k = len;
    }
    for (; k < len; k++) {
        char c = s[k];
        if (mode == LIB_UPPER && c >= 'a' && c <= 'z') c = (char)(c - 32);
        else if (mode == LIB_LOWER && c >= 'A' && c <= 'Z') c = (char)(c + 32);
        dst[k] = c;
    }
}

/* str.strip()/lstrip()/rstrip(): which is LIB_LEFT, LIB_RIGHT or both; chars NULL strips
 * whitespace (str.isspace), else any code point of chars[0..clen-1]. */
enum { LIB_LEFT = 1, LIB_RIGHT = 2 };
value lib_strip(jrt *R, const char *s, size_t len, const char *chars, size_t clen, int which);
/* str.replace(old, new, count); count < 0 replaces all. An empty old inserts new between
 * code points, as Python does. */
value lib_replace(jrt *R, const char *s, size_t len, const char *old, size_t olen,
                  const char *nw, size_t nlen, int64_t count);

/* first occurrence of n in h, or NULL (portable memmem) */
const char *lib_memmem(const char *h, size_t hl, const char *n, size_t nl);

/* str(v) as an owned string value; a JV_SAFE string keeps its flag (Jinja2's soft_str). */
value lib_soft_str(jrt *R, value v);

/* HTML-escape s into a new safe string (markupsafe.escape of a plain string). */
value lib_escape_str(jrt *R, const char *s, size_t len);
/* markupsafe.escape(v): safe strings unchanged, everything else str()'d and escaped. */
value lib_escape(jrt *R, value v);

/* ---- sorting ---------------------------------------------------------------------------- */
/* Stable merge sort of items[0..n-1] by keys[0..n-1] (keys move with their items), like
 * Python's sorted(): reverse flips the comparison but keeps equal items in their original
 * order. Comparisons use val_compare with "<", so incomparable keys fail with Python's
 * TypeError text. keys may be NULL: the items are their own keys. */
bool lib_sort(jrt *R, value *items, value *keys, size_t n, bool reverse);
/* lib_sort of keys as |sort's make_multi_attrgetter makes them, each in a list of one: two
 * undefined keys are then equal (list compare asks == first, and two Undefined are equal),
 * where a bare undefined fails every compare (list.sort(), dictsort, groupby, max) */
bool lib_sort_listed(jrt *R, value *items, value *keys, size_t n, bool reverse);
/* a sort of at most this many items needs no allocation (its scratch is on the C stack) */
#define LIB_SORT_STACK 16

/* Jinja2's ignore_case: a string lowercased, anything else duplicated. */
value lib_ignore_case_str(jrt *R, value v); /* (a string's: lib_ignore_case) */
/* (inline: most sort keys are numbers, duplicated without the call) */
static inline value lib_ignore_case(jrt *R, value v) { return v.t == JV_STR ? lib_ignore_case_str(R, v) : val_dup(v); }

/* ---- attribute access as make_attrgetter does it ----------------------------------------- */
/* The attribute= argument: a dotted path string ("a.b.0"), an integer index, or absent/none
 * (the item itself). Owned result; undefined when missing; JV_ERROR on error. */
value lib_getattr(jrt *R, value item, value attr);
/* make_multi_attrgetter: comma-separated paths give a list of values (the sort key). */
value lib_multi_getattr(jrt *R, value item, value attr, bool ignore_case);

/* ---- small constructors ------------------------------------------------------------------ */
value lib_tuple2(jrt *R, value a, value b);  /* steals a and b */
/* A new list holding new references to items[0..n-1]. */
value lib_list_of(jrt *R, const value *items, size_t n);
/* Is v usable as an iterable (list, dict, str, undefined)? */
bool lib_iterable(value v);
/* "'T' object is not iterable" (a type error); false */
bool lib_not_iterable(jrt *R, value v);
/* An owned list of v's items, none for undefined (read-only: for a list it may be v itself);
 * false with a type error if v is not iterable. */
bool lib_items(jrt *R, value v, value *l);
/* Python's repr() of v as a C string in b (for error messages). */
bool lib_repr_buf(jrt *R, jbuf *b, value v);
/* Jinjava's PyishObjectMapper text of v ({'a': [1, null]}) in b (print_pyish) */
bool lib_pyish_buf(jrt *R, jbuf *b, value v);

/* dict.update(src, **kw): src a dict or an iterable of pairs, or absent/none; then kw. */
bool lib_dict_update(jrt *R, jdict *d, value src, const jdict *kw);
/* "unhashable type: 'list'" unless v can be a dict key */
bool lib_check_hashable(jrt *R, value v);
/* the same for a key only looked up (get, pop, `is filter`): an undefined is hashable in
 * Jinja2 too (and no key of a dict here: dict_get finds none), but StrictUndefined's hash fails */
bool lib_check_key(jrt *R, value v);

/* ---- dynamic calls of other builtins (map, select) -------------------------------------- */
/* Is there a filter named name (a string value): a builtin or the embedder's? */
bool lib_has_filter(jrt *R, value name);
/* Call filter or test `name` (a string value) on item with extra positional args and kw,
 * through the environment's registry (the embedder's builtins too). */
bool lib_call_named(jrt *R, bi_kind kind, value name, value item, const value *extra, size_t nextra, jdict *kw,
                    value *out);

/* The same call for every item of a list (map('upper'), select('odd'), selectattr('x', 'gt',
 * 0)): the callee is found and the other arguments bound at the first call, so that each
 * further one costs about what a direct call does. name, extra and kw are borrowed for the
 * life of c; errors are lib_call_named's, raised at the first call (none for an empty list). */
typedef struct lib_caller {
    bi_kind kind;
    value name;
    const value *extra;
    size_t nextra;
    jdict *kw;                   /* NULL when empty */
    const struct reg_row *row;   /* NULL until the first call */
    jnative_fn fn;               /* the prebound C function, or NULL: reg_call_prepared */
    int nslots;
    unsigned quick;              /* BI_IS_EQ / BI_IS_IN: lib_caller_quick answers (0: it does not) */
    uint64_t lens;               /* BI_IS_IN of a list: bit min(n, 63) set for each string item of n bytes */
    uint64_t lasts;              /* and bit (last byte & 63) for each of fewer than RT_UNIT_BYTES bytes */
    value args[BI_MAXPARAMS];    /* fn's bound slots; args[0] is the item */
    value pos[BI_MAXPARAMS * 4 + 1]; /* the generic path's positional arguments */
} lib_caller;
/* (inline: select, reject and map set one up per call, and the call passed six arguments to
 * make nine stores) */
static inline void lib_caller_init(lib_caller *c, bi_kind kind, value name, const value *extra, size_t nextra,
                                   jdict *kw)
{
    c->kind = kind;
    c->name = name;
    c->extra = extra;
    c->nextra = nextra;
    c->kw = kw && kw->len ? kw : NULL;
    c->row = NULL;
    c->fn = NULL;
    c->nslots = 0;
    c->quick = 0;
}
bool lib_caller_slow(jrt *R, lib_caller *c, value item, value *out);
static inline bool lib_caller_call(jrt *R, lib_caller *c, value item, value *out)
{
    if (c->fn) {
        c->args[0] = item;
        return c->fn(R, c->args, c->nslots, out);
    }
    return lib_caller_slow(R, c, item, out);
}
/* select / reject / selectattr / rejectattr's most common tests answered without the call: the
 * stdlib's `eq` of two strings (the jinja profile's t_eq) and `in` of a string in a list (t_in:
 * op_contains), with the same compares, charged the same. lib_quick is what they read of the
 * caller, copied out of it: a loop over the items keeps it in registers, where read through the
 * caller it was read again for each item (the loop's list_push stores values, which might be
 * the caller's as far as the compiler knows). */
typedef struct lib_quick {
    unsigned kind;         /* the caller's quick: BI_IS_EQ, BI_IS_IN, 0 */
    value y;               /* the test's argument */
    uint64_t lens, lasts;  /* the caller's (BI_IS_IN of a list) */
} lib_quick;
static inline lib_quick lib_quick_of(const lib_caller *c)
{
    return (lib_quick){c->quick, c->args[1], c->lens, c->lasts};
}
/* 1 or 0; -1: make the call (the first one too: it is what finds the test); -2: failed (the
 * fuel limit's error) */
static inline int lib_quick_test(jrt *R, lib_quick q, value x)
{
    if (!q.kind || x.t != JV_STR) return -1;
    bool eq;
    if (q.kind == BI_IS_EQ) {
        if (q.y.t != JV_STR) return -1;
        return str_equal_rt(R, x.u.s, q.y.u.s, &eq) ? eq : -2;
    }
    if (q.y.t != JV_LIST) return -1;
    /* no string of x's length in the list: none equals x, and none was compared (no charge) */
    size_t n = x.u.s->len;
    if (!(q.lens >> (n < 63 ? n : 63) & 1)) return 0;
    /* a short one (compared for free) whose last byte no short string of the list ends with */
    if (n && n < RT_UNIT_BYTES && !(q.lasts >> (x.u.s->s[n - 1] & 63) & 1)) return 0;
    const jlist *l = q.y.u.l;
    for (size_t i = 0; i < l->len; i++) {
        if (l->items[i].t != JV_STR) continue; /* only a string equals a string */
        if (!str_equal_rt(R, l->items[i].u.s, x.u.s, &eq)) return -2;
        if (eq) return 1;
    }
    return 0;
}
static inline int lib_caller_quick(jrt *R, const lib_caller *c, value x)
{
    return lib_quick_test(R, lib_quick_of(c), x);
}

/* Does the name s[0..n-1] hold the byte c (a '.' of a path, a ',' of several)? An attribute
 * name is mostly short: up to 16 bytes in two overlapping words (a word of the bytes xor c has
 * a zero byte exactly when c is there: the has-zero test below is exact for the word as a
 * whole), about half of memchr's call; a longer one through memchr. */
static inline bool lib_name_has(const char *s, size_t n, char c)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u, cc = ones * (unsigned char)c;
    uint64_t a, b;
    if (n > 16) return memchr(s, c, n) != NULL;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        a = x | (uint64_t)x << 32; /* (each half is the word: no byte of it is lost or made) */
        b = y | (uint64_t)y << 32;
    } else { /* (1 to 3 bytes: the first, the middle and the last are all of them) */
        return n && (s[0] == c || s[n >> 1] == c || s[n - 1] == c);
    }
    a ^= cc, b ^= cc;
    return (((a - ones) & ~a) | ((b - ones) & ~b)) & high;
}

/* An attribute= argument read from many items: a plain key (no dot) of a dict item is looked
 * up directly, anything else as lib_getattr does. attr is borrowed for the life of a.
 * The items of a list are mostly dicts made by one dict literal (or one JSON shape): the same
 * key object at the same position. So the position and the key object last found are tried
 * first; the key object itself there means that entry is the key (keys are unique), with no
 * hashing and no string compare. */
typedef struct lib_attr {
    value attr;
    bool plain;       /* a string without '.' */
    size_t at;        /* where the key was last found, */
    const jstr *key;  /* as this key object (NULL: not yet) */
} lib_attr;
static inline void lib_attr_init(lib_attr *a, value attr)
{
    a->attr = attr;
    a->plain = attr.t == JV_STR && !lib_name_has(v_sp(attr), v_sl(attr), '.');
    a->at = 0;
    a->key = NULL;
}
/* the remembered entry, borrowed, or NULL: not there (lib_attr_get finds it) */
static inline const value *lib_attr_peek(const lib_attr *a, value item)
{
    if (a->key && item.t == JV_DICT) {
        const jdict *d = item.u.m;
        if (a->at < d->used && d->entries[a->at].key.t == JV_STR && d->entries[a->at].key.u.s == a->key)
            return &d->entries[a->at].val;
    }
    return NULL;
}
/* the remembered entry inline; the lookup (which remembers it) and lib_getattr out of line */
value lib_attr_get_slow(jrt *R, lib_attr *a, value item);
static inline value lib_attr_get(jrt *R, lib_attr *a, value item)
{
    if (a->key && item.t == JV_DICT) {
        const jdict *d = item.u.m;
        if (a->at < d->used && d->entries[a->at].key.t == JV_STR && d->entries[a->at].key.u.s == a->key)
            return val_dup(d->entries[a->at].val);
    }
    return lib_attr_get_slow(R, a, item);
}

/* ---- str.splitlines(), shared by indent and wordwrap ------------------------------------ */
/* the lines of s (without their ends) as an owned list of strings */
value lib_splitlines(jrt *R, const char *s, size_t len);
/* the bytes of the line break at s[i] (0: none there), as str.splitlines() breaks lines */
size_t lib_eol(const char *s, size_t len, size_t i);

#endif
