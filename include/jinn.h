/*
 * jinn.h — the one public header of libjinn, a Jinja-dialect template engine.
 *
 * The model is SQLite's and Wren's: opaque handles, explicit lengths, status codes,
 * one config struct initialised with defaults. No value layout leaks out of here.
 *
 *   jinn_config cfg;  jinn_config_init(&cfg);
 *   jinn_env *env = jinn_env_new(&cfg);
 *   jinn_template *t;  jinn_result res;
 *   if (jinn_compile(env, "page", src, len, &t, &res) != JINN_OK) { ... res.message ... }
 *   jinn_buf out = {0};
 *   jinn_render(t, &opts, &out, &res);   // as many times, from as many threads, as you like
 *   jinn_buf_free(env, &out); jinn_result_clear(env, &res);
 *   jinn_template_free(t); jinn_env_free(env);
 *
 * Ownership: every object returned by a jinn_*_new / jinn_compile call is the caller's and is
 * released by the matching *_free. Strings passed in are copied; strings handed out in a
 * jinn_result live until jinn_result_clear.
 *
 * Threads: a jinn_env and the templates compiled from it are immutable once compiled; any
 * number of threads may call jinn_render on the same template at once. jinn_compile on one
 * env must not race with itself (compile on one thread, render on many).
 */
#ifndef JINN_H
#define JINN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JINN_VERSION "0.1.0"
#define JINN_VERSION_NUMBER 100 /* major * 10000 + minor * 100 + patch */

/* Every function of this header is marked JINN_API: libjinn.so is built with hidden visibility,
 * so it exports exactly these (and nothing of its insides). */
#if defined(__GNUC__) && !defined(JINN_STATIC_ONLY)
#define JINN_API __attribute__((visibility("default")))
#else
#define JINN_API
#endif

/* The library's version at run time (the header's may differ from the library's a program
 * is linked with): "0.1.0", and 100 (major * 10000 + minor * 100 + patch). */
JINN_API const char *jinn_version(void);
JINN_API int jinn_version_number(void);

/* d as Python's repr() prints it: the shortest text that reads back as d (2.0, 0.1, 1e-05,
 * 1e+16, -0.0, inf, nan), NUL-terminated in buf when size is enough (32 always is); returns
 * its length without the NUL. For providers that hand numbers to the engine as text. */
JINN_API size_t jinn_float_repr(double d, char *buf, size_t size);

/* ---- status codes and error kinds ------------------------------------------------------ */
typedef enum {
    JINN_OK = 0,
    JINN_ERROR = 1, /* a template error: see jinn_result */
    JINN_NOMEM = 2, /* the allocator failed */
    JINN_USAGE = 3  /* the API was called with bad arguments */
} jinn_status;

typedef enum {
    JINN_ERR_NONE = 0,
    JINN_ERR_SYNTAX,    /* the template text is not valid */
    JINN_ERR_UNDEFINED, /* an undefined value was used where a value is needed */
    JINN_ERR_TYPE,      /* an operation on values of the wrong type */
    JINN_ERR_VALUE,     /* right type, wrong value: overflow, division by zero, bad argument */
    JINN_ERR_LIMIT,     /* a configured limit was exceeded */
    JINN_ERR_PROVIDER,  /* a data provider failed */
    JINN_ERR_IO,        /* a file could not be read */
    JINN_ERR_LINT       /* (warnings only) jinn check's lint: legal, but probably not meant */
} jinn_error_kind;

/* One diagnostic as a record (docs/diagnostics.md gives its JSON shape): what, where, how bad.
 * Lines and columns are 1-based (columns count code points); 0 when unknown; end_column is
 * the column after the construct, or 0. */
typedef enum { JINN_SEVERITY_ERROR = 1, JINN_SEVERITY_WARNING = 2 } jinn_severity; /* LSP's numbers */
typedef struct {
    jinn_severity severity;
    jinn_error_kind kind;  /* for a warning: the kind of trouble it warns of, or JINN_ERR_NONE */
    const char *name;      /* the template (or context file) it is about */
    int line, column, end_column;
    const char *message;   /* the bare message */
} jinn_diagnostic;

/* The outcome of a compile or render. message is "name:line:col: text" followed by the
 * source line and a caret line (all of it ready to print); text is the bare message. */
typedef struct {
    jinn_error_kind kind;
    char *message;  /* full diagnostic(s), NUL-terminated, or NULL */
    char *text;     /* the first error's bare message, or NULL */
    char *name;     /* template name of the first error, or NULL */
    int line, column;
    char *warnings; /* newline-separated warnings, or NULL */
    int nwarnings;
    int incomplete; /* a syntax error because the text ended inside a tag, block, string or
                       comment: more input could complete it (a REPL's continuation prompt) */
    jinn_diagnostic *warning_list; /* the nwarnings warnings as records, or NULL; freed with
                                      the result by jinn_result_clear */
} jinn_result;

/* ---- allocation ------------------------------------------------------------------------ */
/* One entry point, as Lua's lua_Alloc: new_size 0 frees and returns NULL; otherwise behaves
 * like realloc(ptr, new_size). Default: the C library's realloc/free. */
typedef void *(*jinn_alloc_fn)(void *user, void *ptr, size_t old_size, size_t new_size);

/* ---- profiles and options -------------------------------------------------------------- */
typedef enum { JINN_PROFILE_JINJA = 0, JINN_PROFILE_JINJAVA = 1 } jinn_profile;

/* What an undefined value does, as Jinja2's Undefined classes: DEFAULT (Undefined) prints empty,
 * is false and iterates as empty, and using an attribute of it is an error; CHAINABLE
 * (ChainableUndefined) also lets x.a.b and x[0] of an undefined x be undefined; DEBUG
 * (DebugUndefined) is DEFAULT but prints itself, `{{ missing }}` as "{{ missing }}"; STRICT
 * (StrictUndefined) makes every use but `is defined` / `|default` an error. LENIENT is jinn's
 * name for CHAINABLE from before it had Jinja2's (they behave the same). The undefined of an
 * inline if without else (`"x" if false`) is always a DEFAULT one, as in Jinja2. */
typedef enum {
    JINN_UNDEFINED_DEFAULT = 0,
    JINN_UNDEFINED_LENIENT = 1,
    JINN_UNDEFINED_STRICT = 2,
    JINN_UNDEFINED_CHAINABLE = 3,
    JINN_UNDEFINED_DEBUG = 4
} jinn_undefined;

/* Jinjava's LegacyOverrides switches, as options of the jinjava profile (docs/language.md,
 * "Jinjava's configuration switches"): one bit each, clear = the released 2.x behaviour
 * (LegacyOverrides.NONE). X(NAME, bit, the name Jinjava gives it). stripTrailingNewline is
 * Jinjava's defaultKeepTrailingNewlineBehavior(false). The jinja profile ignores them. */
#define JINN_JINJAVA_OPTIONS(X)                                               \
    X(PYISH, 0, "usePyishObjectMapper")                                        \
    X(EVALUATE_MAP_KEYS, 1, "evaluateMapKeys")                                 \
    X(ITERATE_MAP_KEYS, 2, "iterateOverMapKeys")                               \
    X(SNAKE_CASE, 3, "useSnakeCasePropertyNaming")                             \
    X(NATURAL_PRECEDENCE, 4, "useNaturalOperatorPrecedence")                   \
    X(STRICT_WHITESPACE, 5, "parseWhitespaceControlStrictly")                  \
    X(ADJACENT_TEXT, 6, "allowAdjacentTextNodes")                              \
    X(TRIM_NOTES_EXPRESSIONS, 7, "useTrimmingForNotesAndExpressions")          \
    X(KEEP_NULLABLE_LOOP_VALUES, 8, "keepNullableLoopValues")                  \
    X(ITERATOR_REVERSE, 9, "iteratorOnlyReverseFilter")                        \
    X(BACKSLASH_IN_QUOTES_ONLY, 10, "handleBackslashInQuotesOnly")             \
    X(STRIP_TRAILING_NEWLINE, 11, "stripTrailingNewline")
enum {
#define JINN_X(name, bit, jname) JINN_JV_##name = 1u << (bit),
    JINN_JINJAVA_OPTIONS(JINN_X)
#undef JINN_X
};
enum {
#define JINN_X(name, bit, jname) | JINN_JV_##name
    JINN_JV_ALL = 0 JINN_JINJAVA_OPTIONS(JINN_X), /* LegacyOverrides.ALL: every switch */
#undef JINN_X
    JINN_JV_NONE = 0,                  /* LegacyOverrides.NONE: every 2.x release's default */
    JINN_JV_THREE_POINT_0 = JINN_JV_ALL /* LegacyOverrides.THREE_POINT_0: the 3.0 line's default */
};
/* Read a switch list into *bits: comma-separated items, each a preset (NONE, THREE_POINT_0,
 * ALL: replaces the bits so far) or a switch name, optionally prefixed '+' (set) or '-' (clear),
 * applied in order: "THREE_POINT_0,-iterateOverMapKeys". An empty list is NONE. JINN_USAGE for
 * an unknown name (*bits then unchanged; err, if not NULL, gets a message of up to cap bytes). */
JINN_API jinn_status jinn_jinjava_options_parse(const char *spec, uint32_t *bits, char *err, size_t cap);
/* The switch of bit number i (0..), Jinjava's name for it; NULL past the last. */
JINN_API const char *jinn_jinjava_option_name(int i);

/* ---- limits ------------------------------------------------------------------------------
 * On by default: templates are untrusted. Exceeding one is an error of kind JINN_ERR_LIMIT
 * naming the limit and its value. 0 means "no limit" only where noted. */
typedef struct {
    size_t template_bytes;   /* source size accepted by jinn_compile (default 16 MiB) */
    uint32_t parse_depth;    /* nesting of brackets, blocks and operators (default 256) */
    uint32_t call_depth;     /* nested macro calls (default 100) */
    uint64_t fuel;           /* work units per render: loop iterations, calls, filters,
                                outputs, and the bytes, items and nodes operations handle
                                (docs/limits.md; default 100,000,000) */
    size_t output_bytes;     /* rendered output (default 64 MiB) */
    size_t string_bytes;     /* one string value (default 16 MiB) */
    size_t collection_items; /* items of one list or dict (default 1,000,000) */
    size_t range_items;      /* items one range() may produce (default 100,000) */
    uint32_t provider_calls; /* data-provider lookups per render (default 10,000) */
    size_t memory_bytes;     /* bytes allocated by one render at any time, as the allocator
                                holds them (default 512 MiB) */
    size_t context_bytes;    /* JSON text of a context (jinn_context_from_json) or provider
                                fixtures, and what the CLI reads for them (default 64 MiB) */
    uint32_t int_digits;     /* decimal digits of one integer: bounds the size, time and memory
                                of big-integer arithmetic (default 100,000) */
    uint32_t query_ms;       /* milliseconds one provider lookup may take (default 10,000;
                                0: no limit); passed to the provider (jinn_lookup) */
} jinn_limits;

/* The defaults, and the names used by `--limit name=value` and `jinn limits`. */
JINN_API void jinn_limits_init(jinn_limits *l);
/* Set one limit by name ("fuel", "output_bytes", ...). JINN_USAGE for an unknown name. */
JINN_API jinn_status jinn_limits_set(jinn_limits *l, const char *name, uint64_t value);
/* Print all limits as "name value\n" lines into out (for the CLI and REPL). */
JINN_API jinn_status jinn_limits_describe(const jinn_limits *l, char *out, size_t cap);

/* A progress callback, called every 4096 units of fuel (a long operation charges as it goes,
 * so it is called inside it too), and before and after the render: return non-zero to stop
 * the render (it then fails with a limit error "interrupted"). */
typedef int (*jinn_progress_fn)(void *user);

typedef struct {
    jinn_alloc_fn alloc;    /* default: realloc/free */
    void *alloc_user;
    jinn_profile profile;   /* default: JINN_PROFILE_JINJA */
    uint32_t jinjava_options; /* JINN_JV_* bits (the jinjava profile only); default JINN_JV_NONE */
    int trim_blocks;        /* default 0 */
    int lstrip_blocks;      /* default 0 */
    int keep_trailing_newline; /* default 0 */
    int autoescape;         /* default 0 */
    int strict_providers;   /* a missing provider value fails the render; default 0 */
    jinn_undefined undefined; /* default JINN_UNDEFINED_DEFAULT */
    /* Delimiters, as Jinja2's environment options; NULL means the default ({% %} {{ }} {# #}). */
    const char *block_start, *block_end, *variable_start, *variable_end, *comment_start, *comment_end;
    /* Line statements ("# for x in y" on a line of its own) and line comments; NULL: off. */
    const char *line_statement_prefix, *line_comment_prefix;
    jinn_limits limits;     /* default: jinn_limits_init */
    jinn_progress_fn progress; /* default NULL */
    void *progress_user;
} jinn_config;

JINN_API void jinn_config_init(jinn_config *cfg);

typedef struct jinn_env jinn_env;
typedef struct jinn_template jinn_template;

JINN_API jinn_env *jinn_env_new(const jinn_config *cfg);
JINN_API void jinn_env_free(jinn_env *env);

/* ---- data providers ---------------------------------------------------------------------
 * A provider answers the insert tags: "the value of expression X / metric Y / aggregate Z
 * for this render". It answers with JSON text (so no value layout is exposed); jinn parses it.
 * A versioned vtable with a user pointer, as sqlite3_module. */
/* The lookup kinds, one list: X(NAME, what — in messages, section — the JSON fixture's key) */
#define JINN_LOOKUP_KINDS(X)                  \
    X(EXPRESSION, "expression", "expressions") \
    X(METRIC, "metric", "metrics")             \
    X(AGGREGATE, "aggregate", "aggregates")    \
    X(CATALOG, "catalog", "catalogs")
typedef enum {
#define JINN_X(name, what, section) JINN_LOOKUP_##name,
    JINN_LOOKUP_KINDS(JINN_X)
#undef JINN_X
    JINN_LOOKUP__COUNT
} jinn_lookup_kind;

/* What a lookup asks (version 2 providers): the id, and the customer the render is for. */
typedef struct {
    jinn_lookup_kind kind;
    const char *id;          /* id_len bytes, not NUL-terminated */
    size_t id_len;
    const char *customer;    /* jinn_render_opts.customer_id (customer_len bytes), or NULL */
    size_t customer_len;
    /* Stopping a slow lookup: a provider that can (the SQLite and PostgreSQL stores do) ends
     * its query when *interrupt becomes non-zero (interrupt may be NULL) or after query_ms
     * milliseconds (0: no limit), and fails; the render then fails with the limit's error. */
    const int *interrupt;
    uint32_t query_ms;
} jinn_lookup;

/* Ownership of answers: jinn copies every answer (it parses the JSON into its own values and
 * keeps them in the render's memo) before it goes on, so an answer need only be valid until
 * the lookup call returns to jinn — a static string, or a buffer the provider reuses. A version
 * 3 provider may also give release: jinn then calls it with every answer and error message it
 * was handed (*json not NULL), once it has copied it, so the provider can hand out memory it
 * allocated per call. */
typedef struct {
    int version; /* 1, 2 or 3 */
    /* Version 1: look up id (id_len bytes) of the given kind. On success set *json and *json_len
     * to the answer (a JSON text) and return JINN_OK.
     * Return JINN_ERROR with *json NULL when the id is unknown, or JINN_ERROR with *json set to an
     * error message when the provider failed. */
    int (*lookup)(void *user, jinn_lookup_kind kind, const char *id, size_t id_len,
                  const char **json, size_t *json_len);
    void (*destroy)(void *user); /* called by jinn_env_free; may be NULL */
    /* Version 2: the same, with the customer of the render (lookup may then be NULL). A provider
     * shared by threads must be thread-safe. */
    int (*lookup2)(void *user, const jinn_lookup *q, const char **json, size_t *json_len);
    /* Version 3: lookup2 (required), and release (may be NULL: the answers are the provider's
     * to keep, as in versions 1 and 2): called with each answer once jinn has copied it. */
    void (*release)(void *user, const char *json, size_t json_len);
} jinn_provider;

/* Install the provider used by renders of templates of this env (one per env for now). */
JINN_API jinn_status jinn_env_set_provider(jinn_env *env, const jinn_provider *p, void *user);

/* For providers and other extensions written on this header alone: the env's allocator (as
 * jinn_config.alloc; *user receives alloc_user), and a way to report an error in a
 * jinn_result as the library does — kind, the bare message, and "name: message" as the full
 * diagnostic, every string allocated so that jinn_result_clear frees it. Returns JINN_ERROR
 * (JINN_NOMEM if the strings could not be allocated, with kind and line still set). */
JINN_API jinn_alloc_fn jinn_env_allocator(const jinn_env *env, void **user);
JINN_API jinn_status jinn_result_error(jinn_env *env, jinn_result *res, jinn_error_kind kind, const char *name,
                              const char *message);

/* The JSON fixture provider: {"expressions": {ID: v}, "metrics": {ID: v}, "aggregates": {ID: [..]}}. */
JINN_API jinn_status jinn_env_use_json_provider(jinn_env *env, const char *json, size_t len, jinn_result *res);
/* The SQLite event-store provider (providers/sqlite.c; schema and semantics: docs/providers.md). */
JINN_API jinn_status jinn_env_use_sqlite_provider(jinn_env *env, const char *path, jinn_result *res);

/* ---- your own filters, tests and functions ---------------------------------------------------
 * A callback gets its call: the arguments as opaque, read-only values (borrowed for the call;
 * for a filter or test, argument 0 is the value filtered or tested), and answers with one of
 * the jinn_return_* calls (none if it sets nothing) or jinn_call_error. A registered name takes
 * precedence over a builtin of the same name. Callbacks may run on many threads at once. */
typedef struct jinn_value jinn_value;
typedef struct jinn_call jinn_call;
typedef enum {
    JINN_T_UNDEFINED, JINN_T_NONE, JINN_T_BOOL, JINN_T_INT, JINN_T_FLOAT, JINN_T_STRING,
    JINN_T_LIST, JINN_T_DICT, JINN_T_OTHER
} jinn_type;
typedef int (*jinn_native_fn)(void *user, jinn_call *call); /* JINN_OK, or JINN_ERROR */

JINN_API jinn_type jinn_value_type(const jinn_value *v);
JINN_API int jinn_value_truthy(const jinn_value *v);
JINN_API int64_t jinn_value_int(const jinn_value *v);       /* ints and bools; 0 otherwise */
JINN_API double jinn_value_float(const jinn_value *v);      /* any number; 0 otherwise */
JINN_API const char *jinn_value_string(const jinn_value *v, size_t *len); /* NULL unless a string */
JINN_API size_t jinn_value_len(const jinn_value *v);        /* list items, dict entries, string bytes */
JINN_API const jinn_value *jinn_value_item(const jinn_value *v, size_t i);               /* a list's */
JINN_API const jinn_value *jinn_value_get(const jinn_value *v, const char *key, size_t klen); /* a dict's */
/* Typed getters that say whether the type matched, as lua_tointegerx: *ok (if not NULL) is 1
 * when v is of that type (an int within int64 or a bool for _intx; any number for _floatx; a bool for
 * _boolx), else 0 and the result is 0. */
JINN_API int64_t jinn_value_intx(const jinn_value *v, int *ok);
JINN_API double jinn_value_floatx(const jinn_value *v, int *ok);
JINN_API int jinn_value_boolx(const jinn_value *v, int *ok);
/* An int beyond int64 (Python's ints have no bound) is JINN_T_INT too, but _intx says ok 0 and
 * _float gives the nearest double: its decimal text, as snprintf, NUL-terminated in buf when
 * size is enough; returns the size needed with the NUL (for a big int, at most one more than it
 * then takes), 0 unless v is an int. Works for every int. */
JINN_API size_t jinn_value_int_text(const jinn_value *v, char *buf, size_t size);
/* A dict's entries in insertion order: start with *iter = 0; each call that returns 1 sets
 * *key and *val (borrowed, as v) and advances *iter; 0 at the end or when v is not a dict.
 *   size_t it = 0; const jinn_value *k, *x;
 *   while (jinn_value_next(d, &it, &k, &x)) { ... jinn_value_string(k, &n) ... }
 * Keys are usually strings; a template may build a dict with other keys (ints, ...). */
JINN_API int jinn_value_next(const jinn_value *v, size_t *iter, const jinn_value **key, const jinn_value **val);

JINN_API size_t jinn_call_nargs(const jinn_call *c);        /* positional arguments */
JINN_API const jinn_value *jinn_call_arg(const jinn_call *c, size_t i);          /* NULL past the end */
JINN_API const jinn_value *jinn_call_kwarg(const jinn_call *c, const char *name); /* NULL if not given */
JINN_API void jinn_return_none(jinn_call *c);
JINN_API void jinn_return_bool(jinn_call *c, int b);
JINN_API void jinn_return_int(jinn_call *c, int64_t i);
JINN_API void jinn_return_float(jinn_call *c, double d);
JINN_API void jinn_return_string(jinn_call *c, const char *s, size_t len);
JINN_API int jinn_return_json(jinn_call *c, const char *json, size_t len);   /* any value, as JSON text */
JINN_API void jinn_return_arg(jinn_call *c, const jinn_value *v);            /* one of the arguments */
JINN_API int jinn_call_error(jinn_call *c, const char *message);             /* returns JINN_ERROR */

JINN_API jinn_status jinn_env_register_filter(jinn_env *env, const char *name, jinn_native_fn fn, void *user,
                                     void (*destroy)(void *user));
JINN_API jinn_status jinn_env_register_test(jinn_env *env, const char *name, jinn_native_fn fn, void *user,
                                   void (*destroy)(void *user));
JINN_API jinn_status jinn_env_register_function(jinn_env *env, const char *name, jinn_native_fn fn, void *user,
                                       void (*destroy)(void *user));

/* ---- loading templates by name -------------------------------------------------------------
 * {% include %}, {% import %} and {% from %} find templates by name: first among templates
 * added in memory, then in the search path's directories, in order. Names are relative paths:
 * absolute paths, "..", backslashes, NUL bytes and hidden (dot) names are refused. Templates are
 * compiled once and cached by name; include and import cycles are errors naming the chain. */
JINN_API jinn_status jinn_env_add_search_path(jinn_env *env, const char *dir);
JINN_API jinn_status jinn_env_add_template(jinn_env *env, const char *name, const char *src, size_t len);
/* The template of that name, compiled (cached); free it with jinn_template_free as usual. */
JINN_API jinn_status jinn_get_template(jinn_env *env, const char *name, jinn_template **out, jinn_result *res);

/* ---- compile ----------------------------------------------------------------------------- */
JINN_API jinn_status jinn_compile(jinn_env *env, const char *name, const char *src, size_t len,
                         jinn_template **out, jinn_result *res);
JINN_API void jinn_template_free(jinn_template *t);



/* ---- render ------------------------------------------------------------------------------ */
typedef struct {
    char *data; /* NUL-terminated; len excludes the NUL */
    size_t len, cap;
} jinn_buf;

/* A context: the variables of a render, built once from JSON and then immutable, so it can
 * be shared by any number of renders and threads (build it per customer, or once for all). */
typedef struct jinn_context jinn_context;
JINN_API jinn_status jinn_context_from_json(jinn_env *env, const char *json, size_t len,
                                   jinn_context **out, jinn_result *res);
JINN_API void jinn_context_free(jinn_context *ctx);

/* A context built without JSON: the same immutable context as jinn_context_from_json.
 * The builder starts inside the context's top-level dict. Every value call takes the key it is
 * set under when the container being built is a dict (NUL-terminated, UTF-8), and key NULL
 * when it is a list (the value is appended); begin_dict / begin_list open a nested container
 * there, end closes it.
 *   jinn_builder *b = jinn_builder_new(env);
 *   jinn_build_string(b, "name", "Ada", 3);
 *   jinn_build_begin_list(b, "scores"); jinn_build_int(b, NULL, 3); jinn_build_end(b);
 *   jinn_builder_finish(b, &ctx, &res);   // and jinn_builder_free(b) in every case
 * A misuse (a key in a list, none in a dict, end at the top, invalid UTF-8, a limit) returns
 * JINN_USAGE or JINN_ERROR and the builder keeps the first error: finish reports it in res.
 * A key set twice keeps the last value. finish may be called once, with every nested
 * container closed. */
typedef struct jinn_builder jinn_builder;
JINN_API jinn_builder *jinn_builder_new(jinn_env *env); /* NULL when out of memory */
JINN_API jinn_status jinn_build_none(jinn_builder *b, const char *key);
JINN_API jinn_status jinn_build_bool(jinn_builder *b, const char *key, int v);
JINN_API jinn_status jinn_build_int(jinn_builder *b, const char *key, int64_t v);
JINN_API jinn_status jinn_build_float(jinn_builder *b, const char *key, double v);
JINN_API jinn_status jinn_build_string(jinn_builder *b, const char *key, const char *s, size_t len);
JINN_API jinn_status jinn_build_json(jinn_builder *b, const char *key, const char *json, size_t len); /* any value */
JINN_API jinn_status jinn_build_begin_dict(jinn_builder *b, const char *key);
JINN_API jinn_status jinn_build_begin_list(jinn_builder *b, const char *key);
JINN_API jinn_status jinn_build_end(jinn_builder *b);
JINN_API jinn_status jinn_builder_finish(jinn_builder *b, jinn_context **out, jinn_result *res);
JINN_API void jinn_builder_free(jinn_builder *b);

typedef struct {
    const jinn_context *context; /* may be NULL: no variables */
    uint64_t seed;               /* seeds |random; same seed, same output */
    const char *customer_id;     /* if not NULL: the customer this render is for (NUL-terminated),
                                    passed to version 2 providers with every lookup */
    const int *interrupt;        /* if not NULL: a flag another thread (or a signal handler) sets
                                    to non-zero, with an atomic store, to stop this render; it
                                    is polled where fuel is charged, and before the first
                                    instruction and after the last */
    jinn_buf *exports;           /* if not NULL: receives the template's top-level variables
                                    (those JSON can represent) as a JSON object, after a
                                    successful render */
    struct jinn_session *session; /* if not NULL: the render runs against the session's
                                    variables instead of context (see jinn_session) */
} jinn_render_opts;

/* A session: variables that live from one render to the next, as a REPL keeps them. A render
 * with opts.session sees the session's variables (live values: no JSON in between, so objects
 * shared by two variables stay shared and namespaces stay namespaces), mutates them in place
 * (`x.append(1)`, `{% set ns.n = 2 %}`, also when the render then fails, as Python's REPL),
 * and, when it succeeds, leaves its top-level variables in the session (macros are not kept:
 * compile their definitions with the next input). Each render costs what its own template
 * costs, whatever came before. A session belongs to one thread at a time; its templates may
 * be freed after each render. memory_bytes bounds what one render adds. */
typedef struct jinn_session jinn_session;
/* initial: variables to start from (copied), or NULL */
JINN_API jinn_session *jinn_session_new(jinn_env *env, const jinn_context *initial);
JINN_API void jinn_session_free(jinn_session *s);
/* the session's variables as a JSON object (those JSON can represent), appended to out */
JINN_API jinn_status jinn_session_json(jinn_session *s, jinn_buf *out);
/* forget one variable (JINN_ERROR: there is none of that name) */
JINN_API jinn_status jinn_session_unset(jinn_session *s, const char *name);

/* Render into out (grown as needed; reuse it across renders to avoid allocation).
 * On a template error, out holds the output produced before the error. */
JINN_API jinn_status jinn_render(const jinn_template *t, const jinn_render_opts *opts, jinn_buf *out,
                        jinn_result *res);

/* Render into the caller's buffer buf of cap bytes (NUL-terminated; *len gets the length).
 * Output that does not fit is a limit error (nothing partial is left in buf). */
JINN_API jinn_status jinn_render_to(const jinn_template *t, const jinn_render_opts *opts, char *buf, size_t cap, size_t *len,
                           jinn_result *res);

/* Render streaming: the output is handed to write(user, data, len) in pieces (about 16 KB) as
 * it is produced, and the rest at the end; a non-zero return from write stops the render with
 * an io error. output_bytes counts everything written. */
typedef int (*jinn_write_fn)(void *user, const char *data, size_t len);
JINN_API jinn_status jinn_render_stream(const jinn_template *t, const jinn_render_opts *opts, jinn_write_fn write, void *user,
                               jinn_result *res);

JINN_API void jinn_buf_free(jinn_env *env, jinn_buf *b);
JINN_API void jinn_result_clear(jinn_env *env, jinn_result *res);

/* Check a template without rendering it (`jinn check`): every syntax error (the parser
 * recovers and goes on), unknown filters and tests, calls of macros the template does not
 * define, and lint warnings (a `set` in a `for` that will not leave the loop, variables set and
 * never used, insert-tag ids that are not UUIDs, constructs Jinjava 2.x treats differently).
 * After a syntax error the parser recovers, and the statements that were not valid are blanked
 * out and the rest checked again, so unknown filters, tests and macros are reported with the
 * syntax errors. Diagnostics are sorted by position and appended to out as text (json = 0;
 * "name:line:col: [warning: ]message", the line, a caret) or as one JSON object per line
 * (json = 1: jinn_diagnostic_json). Returns JINN_ERROR when there is at least one error. */
JINN_API jinn_status jinn_check(jinn_env *env, const char *name, const char *src, size_t len, int json, jinn_buf *out,
                       int *errors, int *warnings);

/* Append d to out as one line of JSON, the shape of docs/diagnostics.md (the Language Server
 * Protocol's Diagnostic: range, severity, code, source, message; plus file, line, column,
 * endColumn): what `jinn check --format json` and `jinn render --errors json` print. */
JINN_API jinn_status jinn_diagnostic_json(jinn_env *env, const jinn_diagnostic *d, jinn_buf *out);
/* jinn_check plus the migration lint (`jinn check --migrate FROM:TO`): a warning, with a rule
 * code ("[MIG01] ..."), both behaviours and a rewrite that behaves the same in both, at every
 * construct whose result differs between the jinja and jinjava profiles (docs/language.md,
 * "Migrating between the dialects"). The template is read in the env's profile (the dialect it
 * was written for); to is the dialect it moves to (it words some rewrites). */
JINN_API jinn_status jinn_check_migrate(jinn_env *env, const char *name, const char *src, size_t len, jinn_profile to,
                                        int json, jinn_buf *out, int *errors, int *warnings);

/* Every builtin filter, test, function and method with its parameters, as JSON:
 * {"filters": [{"name": "sort", "params": ["value", "reverse", ...], "required": 1}, ...],
 *  "tests": [...], "functions": [...], "methods": {"dict": [...], "list": [...], "str": [...]}} */
JINN_API jinn_status jinn_builtins_json(jinn_env *env, jinn_buf *out);

/* A disassembly of the template's bytecode, as `jinn disasm` prints it. */
JINN_API jinn_status jinn_disasm(const jinn_template *t, jinn_buf *out);

/* The insert-tag ids a template can ask its provider for that are constants in its source (and
 * in the templates it includes, imports or extends): fn(user, kind, id, id_len) once per tag,
 * id trimmed as the lookup trims it (so a batch can prefetch them). Returns the number of
 * insert tags whose id is computed at run time, which only rendering tells. */
typedef void (*jinn_insert_fn)(void *user, jinn_lookup_kind kind, const char *id, size_t id_len);
int jinn_template_inserts(const jinn_template *t, jinn_insert_fn fn, void *user);

#ifdef __cplusplus
}
#endif
#endif
