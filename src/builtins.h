/*
 * builtins.h — how filters, tests, global functions and methods plug into the engine.
 *
 * Every builtin is a row of a static table: a name, one C signature (jnative_fn), and a
 * parameter list. Arguments are bound ONCE, generically (bi_bind), from that list — at compile
 * time for filters/tests/functions named in the template, at run time for dynamic calls — so
 * every builtin accepts positional and keyword arguments without doing any binding itself.
 *
 * The parameter list is a space-separated string of names, Python style:
 *     "value reverse case_sensitive attribute"      (sort)
 *     "value *args **kwargs"                         (format)
 *     "value name *args"                             (map(filter_name, ...))
 * The first `nreq` names are required. `*args` collects extra positional arguments into a
 * list value; `**kwargs` collects unknown keyword arguments into a dict value.
 * The builtin receives exactly one slot per name: args[i] is the i-th parameter, JV_ABSENT
 * when it was not passed (use the ARG_* helpers for defaults); a `*args` slot is always a list
 * and a `**kwargs` slot always a dict (possibly empty).
 *
 * For filters args[0] is the value being filtered, for tests the value being tested, for
 * methods the receiver. Arguments are BORROWED; *out receives an OWNED value. Return false
 * after rt_error() to fail.
 */
#ifndef JINN_BUILTINS_H
#define JINN_BUILTINS_H

#include "value.h"

typedef struct jbuiltin {
    const char *name;
    jnative_fn fn;
    const char *params;
    uint8_t nreq;
} jbuiltin;

/* The tables (the stdlib folder). Each ends with a row whose name is NULL. */
extern const jbuiltin bi_filters[];
extern const jbuiltin bi_tests[];
extern const jbuiltin bi_functions[];   /* globals: range, namespace, dict, ... */
extern const jbuiltin bi_str_methods[]; /* receiver in args[0] */
extern const jbuiltin bi_list_methods[];
extern const jbuiltin bi_dict_methods[];

const jbuiltin *bi_find(const jbuiltin *table, const char *name, size_t len);
/* Is b |default (or its alias |d)? StrictUndefined lets only it see an undefined value. */
bool bi_is_default_filter(const jbuiltin *b);

/* ---- binding (src/builtins.c) ------------------------------------------------------------- */
#define BI_MAXPARAMS 16
typedef struct {
    int nslots;            /* number of parameter slots */
    int varargs;           /* slot index of *args or -1 */
    int kwargs;            /* slot index of **kwargs or -1 */
    const char *names[BI_MAXPARAMS];
    size_t lens[BI_MAXPARAMS];
} bi_sig;
void bi_parse_sig(const jbuiltin *b, bi_sig *sig);

/* Call a builtin with positional arguments pos[0..npos-1] (pos[0] is the filtered value /
 * receiver) and optional keyword arguments kw (a dict, or NULL). */
bool bi_call(jrt *R, const jbuiltin *b, value *pos, int npos, jdict *kw, value *out);
/* the same with the signature already parsed (callers that call one builtin often) */
bool bi_call_sig(jrt *R, const jbuiltin *b, const bi_sig *sig, value *pos, int npos, jdict *kw, value *out);

/* ---- argument helpers for builtin bodies -------------------------------------------------- */
#define ARG_GIVEN(i) (args[i].t != JV_ABSENT)
bool arg_bool(jrt *R, value *args, int i, bool dflt);
bool arg_int(jrt *R, value *args, int i, int64_t dflt, int64_t *out, const char *what);
bool arg_num(jrt *R, value *args, int i, double dflt, double *out, const char *what);
/* a string argument: borrowed pointer into args[i] or dflt */
bool arg_str(jrt *R, value *args, int i, const char *dflt, const char **s, size_t *len, const char *what);

/* ---- services the engine offers builtins (src/ops.c, src/vm.c) ----------------------------- */
enum {
    OPB_ADD, OPB_SUB, OPB_MUL, OPB_DIV, OPB_FLOORDIV, OPB_MOD, OPB_POW, OPB_CONCAT
};
bool op_arith(jrt *R, int op, value a, value b, value *out);
/* obj.name (Jinja2's getattr: for dicts the item); an owned value, undefined when missing */
value op_getattr(jrt *R, value obj, const char *name, size_t len);
/* obj[key] (Jinja2's getitem: item first, then attribute) */
value op_getitem(jrt *R, value obj, value key);
/* obj[start:stop:step] (none where omitted) */
value op_slice(jrt *R, value obj, value start, value stop, value step);
/* attribute path "a.b.0" as the attribute= arguments of sort/map/groupby take it */
value op_getpath(jrt *R, value obj, const char *path, size_t len);
/* an owned list of the items of an iterable (list/tuple: itself, dict: keys, str: chars);
 * a type error for non-iterables; undefined iterates as empty */
value op_to_list(jrt *R, value v);
bool op_contains(jrt *R, value container, value item, bool *out);
/* call any callable value (macro, builtin function) */
bool op_call(jrt *R, value fn, value *pos, int npos, jdict *kw, value *out);
/* the run-time generator for |random, |shuffle: uniform in [0, n) */
uint64_t rt_random(jrt *R, uint64_t n);
/* A mutating method got a receiver shared between renders (the context is immortal): give
 * this render its own copy. On success *v is a BORROWED reference to the render-local copy
 * (the render keeps it alive); false + error when v is not copyable (a compiled constant). */
bool op_unshare(jrt *R, value *v, const char *method);
/* |render: compile src and render it with the caller's variables; *out its output */
bool vm_render_string(jrt *R, const char *src, size_t len, value *out);
/* undefined handling: an error if v is undefined (with its message), else true */
bool op_check_defined(jrt *R, value v);

#endif
