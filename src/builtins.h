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

#include "json.h"
#include "operators.h"
#include "print.h"
#include "value.h"

typedef struct jbuiltin {
    const char *name;
    jnative_fn fn;
    const char *params;
    uint8_t nreq;
} jbuiltin;
/* A filter's printed text (optional; std_row_text gives the stdlib's): for {{ x|f(...) }},
 * printed at once, the bytes PRINT would write of f's result, before escaping, made without
 * the result value (no string made to be printed and freed). They are made in buf (cap bytes,
 * at least JTEXT_MIN; JTEXT_PAD more may be read past it, so that the bytes can be scanned
 * sixteen at a time): *s points at them, *len is their count, *safe true when they print
 * unescaped. Returns 1 when made, 0 on failure (rt_error), -1 for a case it does not know,
 * before any charge or change (the VM then calls the filter and prints its result). Charges
 * what the filter charges, in its order, and fails where it fails. */
#define JTEXT_MIN 256
#define JTEXT_PAD 16
typedef int (*jtext_fn)(jrt *R, value *args, int nslots, char *buf, size_t cap, const char **s, size_t *len,
                        bool *safe);

/* a row's flags (std_row_flags): BI_SEES_UNDEFINED, StrictUndefined lets this filter see an
 * undefined value (|default); BI_ARG_FILTER / BI_ARG_TEST, an item of the row's *args names a
 * filter / test (map('upper'), select('odd')): the first, or the second with BI_ARG_SECOND
 * (selectattr('x', 'gt', 0)). When that item is a constant string naming a builtin, the
 * compiler passes the builtin's row instead, as a callable constant (see reg_call_row), so
 * the name is looked up once, when the template is compiled. */
enum { BI_SEES_UNDEFINED = 1, BI_ARG_FILTER = 2, BI_ARG_TEST = 4, BI_ARG_SECOND = 8,
       /* the stdlib's `defined`, `undefined` and `none` tests: the VM answers them from the
        * value's tag, without the call (the row's function is still theirs: an embedder's row
        * of the same name has none of these flags) */
       BI_IS_DEFINED = 16, BI_IS_UNDEFINED = 32, BI_IS_NONE = 64,
       /* and `string`, `mapping`, `number`, `boolean`, answered the same way */
       BI_IS_STRING = 512, BI_IS_MAPPING = 1024, BI_IS_NUMBER = 2048, BI_IS_BOOLEAN = 4096,
       BI_TAG_TEST = BI_IS_DEFINED | BI_IS_UNDEFINED | BI_IS_NONE | BI_IS_STRING | BI_IS_MAPPING | BI_IS_NUMBER |
                     BI_IS_BOOLEAN,
       /* the stdlib's `eq` (`==`, `equalto`) and `in` tests: select/reject answer them for a
        * string without the call (lib_caller_quick, stdlib/lib.h) */
       BI_IS_EQ = 128, BI_IS_IN = 256 };

/* The kinds of builtin, THE list: the stdlib has one table per kind (stdlib/std.h), the
 * environment's registry one row array per kind (src/registry.h).
 *   X(ENUM, what — for messages, json — the key of jinn_builtins_json) */
#define BI_KINDS(X)                                  \
    X(FILTER, "filter", "filters")                   \
    X(TEST, "test", "tests")                         \
    X(FUNCTION, "function", "functions")             \
    X(DICT_METHOD, "dict method", "dict")            \
    X(LIST_METHOD, "list method", "list")            \
    X(STR_METHOD, "str method", "str")
typedef enum {
#define X(e, what, json) BI_##e,
    BI_KINDS(X)
#undef X
    BI__KINDS
} bi_kind;
/* the kinds a template names directly (the rest are methods, found by receiver type) */
#define BI_NAMED_KINDS 3

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

/* ---- charging the work (value.h) --------------------------------------------------------------
 * A builtin whose work grows with its input charges it: rt_charge(R, units) (items, nodes,
 * comparisons), rt_charge_bytes(R, n) (a unit per RT_UNIT_BYTES bytes); both return false with
 * the fuel limit's error, and poll the interrupt flag, so a long loop that charges as it goes
 * can be stopped (docs/limits.md). Strings made through str_new / v_str are charged already. */

/* ---- argument helpers for builtin bodies -------------------------------------------------- */
#define ARG_GIVEN(i) (args[i].t != JV_ABSENT)
/* (inline: a flag is read on every call of sort, groupby, ...; most are absent or a bool) */
static inline bool arg_bool(jrt *R, value *args, int i, bool dflt)
{
    if (args[i].t == JV_ABSENT) return dflt;
    if (args[i].t == JV_BOOL) return args[i].u.b;
    return val_truthy(R, args[i]);
}
bool arg_int(jrt *R, value *args, int i, int64_t dflt, int64_t *out, const char *what);
bool arg_num(jrt *R, value *args, int i, double dflt, double *out, const char *what);
/* a string argument: borrowed pointer into args[i] or dflt */
bool arg_str(jrt *R, value *args, int i, const char *dflt, const char **s, size_t *len, const char *what);

/* ---- the environment's registry, as builtins see it (src/registry.c) ------------------------ */
/* Is there a builtin (the stdlib's or the embedder's) of this kind and name? */
bool reg_exists(jrt *R, bi_kind kind, const char *name, size_t len);
/* Call the builtin of this kind named name with positional arguments pos[0..npos-1] (a filter's
 * or test's value first) and keyword arguments kw (or NULL); an error naming `what` ("filter",
 * "test") when there is none (Jinja2's "No filter named 'x'."). */
bool reg_call_named(jrt *R, bi_kind kind, const char *name, size_t len, value *pos, int npos, jdict *kw,
                    value *out);

/* Is f a builtin of this kind as a callable value (the compiler's pre-resolved name, see
 * BI_ARG_FILTER)? Then reg_call_row calls it, as reg_call_named would call it by name. */
bool reg_is_row(value f, bi_kind kind);
bool reg_call_row(jrt *R, value f, value *pos, int npos, jdict *kw, value *out);

/* Many calls of one builtin that differ only in pos[0] (map('upper'), select('odd') and
 * selectattr('x', 'gt', 0) over a list): reg_prepare resolves the callee once — f a row
 * (reg_is_row) or a string naming a builtin of that kind; NULL with reg_call_named's error
 * when there is none — and reg_prebind binds the other arguments once: it fills
 * args[0..*nslots) as bi_call would for pos = {item, extra...} (args[0] for the caller to set
 * per call; *flags: the row's BI_* flags, BI_IS_EQ, ...) and
 * returns the C function to call with them, or NULL when the row needs reg_call_prepared
 * each time (the embedder's callbacks, *args / **kwargs rows, keywords, arity errors). */
struct reg_row;
const struct reg_row *reg_prepare(jrt *R, bi_kind kind, value f);
jnative_fn reg_prebind(const struct reg_row *r, value item, const value *extra, int nextra, const jdict *kw, value *args,
                       int *nslots, unsigned *flags);
bool reg_call_prepared(jrt *R, const struct reg_row *r, value *pos, int npos, jdict *kw, value *out);

/* recv.name as a value: the dict, list or str method of that name bound to recv (Jinja2's
 * getattr, as |attr does it), or undefined when there is none */
value reg_method(jrt *R, value recv, const char *name, size_t len);
/* The `%` operator on a string: the stdlib's format filter (not an embedder's of that name). */
bool reg_percent(jrt *R, value *pos, int npos, jdict *kw, value *out);

/* ---- services the engine offers builtins (src/ops.c; the VM's through the runtime) --------- */
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
/* Under StrictUndefined, what `item in container` (the operator and the `in` test) refuses as
 * Jinja2 does: an undefined container (iterated), an undefined item against a dict (hashed) or
 * a non-empty list (compared). false + error then; true otherwise */
bool op_contains_strict_ok(jrt *R, value container, value item);
/* call any callable value (macro, builtin function): through the running VM (rt_services) */
static inline bool op_call(jrt *R, value fn, value *pos, int npos, jdict *kw, value *out)
{
    if (!R->svc) return rt_error(R, JINN_ERR_TYPE, "'%s' object is not callable here", val_type_name(fn));
    return R->svc->call(R, fn, pos, npos, kw, out);
}
/* the run-time generator for |random, |shuffle: uniform in [0, n) */
uint64_t rt_random(jrt *R, uint64_t n);
/* A mutating method got a receiver shared between renders (the context is immortal): give
 * this render its own copy. On success *v is a BORROWED reference to the render-local copy
 * (the render keeps it alive); false + error when v is not copyable (a compiled constant). */
static inline bool op_unshare(jrt *R, value *v, const char *method)
{
    if (!R->svc) return rt_error(R, JINN_ERR_TYPE, "cannot %s: the %s is a read-only constant", method, val_type_name(*v));
    return R->svc->unshare(R, v, method);
}
/* |render: compile src and render it with the caller's variables, through the running VM */
static inline bool op_render_string(jrt *R, const char *src, size_t len, value *out)
{
    if (!R->svc) return rt_error(R, JINN_ERR_VALUE, "render: not inside a render");
    return R->svc->render_string(R, src, len, out);
}
/* undefined handling: an error if v is undefined (with its message), else true */
bool op_check_defined(jrt *R, value v);

/* ---- the jinjava profile (src/ops.c) -------------------------------------------------------------- */
/* decimals: the scale of new BigDecimal(double) (the exact binary expansion's digits), of
 * new BigDecimal(text) (-1: not a number); rounding on the shortest decimal text; a decimal
 * from a number or numeric string (1, 0 for none/undefined, -1 after an error) */
enum { DEC_HALF_UP, DEC_CEILING, DEC_FLOOR };
int dec_double_scale(double d);
int dec_text_scale(const char *s, size_t n);
double dec_round(double x, int scale, int mode);
int dec_from(jrt *R, value v, double *d, int *scale, const char *what);
/* JUEL's + - * / // % ** (op is an OPB_ code, builtins.h), == != < <= > >= in (op 0..7 as
 * OP_COMPARE numbers them), and what `for` iterates (a dict's values, a scalar once) */
bool op_jv_arith(jrt *R, int op, value a, value b, value *out);
bool op_jv_compare(jrt *R, int op, value a, value b, bool *res);
value op_jv_iter(jrt *R, value v);


#endif
