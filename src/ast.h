/*
 * ast.h — the syntax tree the grammar builds and the compiler walks.
 *
 * Nodes live in a per-compile arena and die with it. One node shape serves every kind:
 * up to five children (a..e), a sibling link (next) for lists, and a `last` pointer on list
 * heads so appending is O(1). Constants carry their value (an owned reference, released when
 * the arena is freed). `pos` is the byte offset the node is reported at.
 */
#ifndef JINN_AST_H
#define JINN_AST_H

#include <string.h>

#include "diag.h"
#include "operators.h"
#include "lex.h"

typedef enum {
    /* expressions */
    N_CONST, N_NAME, N_ATTR, N_ITEM, N_SLICE, N_BIN, N_NEG, N_POS, N_NOT, N_AND, N_OR,
    N_CMP,      /* a: first operand; list of N_CMPOP (op, a) */
    N_CMPOP,
    N_COND,     /* a: then, b: cond, c: else (may be NULL) */
    N_LIST, N_TUPLE, N_DICT, N_PAIR,
    N_CALL,     /* a: callee; list of args (plain or N_KWARG) */
    N_KWARG,    /* s: name, a: value */
    N_STAR,     /* *a in a call's arguments: its items are more positional arguments */
    N_STARSTAR, /* **a in a call's arguments: its items are more keyword arguments */
    N_FILTER,   /* a: value, s: name; list of args */
    N_TEST,     /* a: value, s: name; list of args; flag: negated */
    /* statements */
    N_BODY,     /* list of statements */
    N_TEXT,     /* s/slen: the text */
    N_PRINT,    /* a: expression */
    N_IF,       /* a: cond, b: body, c: else (N_IF for elif, or N_BODY) */
    N_FOR,      /* a: targets, b: iterable, c: body, d: else body, e: filter cond */
    N_SET,      /* a: targets, b: value */
    N_SETBLOCK, /* a: target, b: body, c: list of N_FILTER (a == NULL) */
    N_DO,       /* a: expression */
    N_WITH,     /* list of N_SET; a: body */
    N_MACRO,    /* s: name; list of N_PARAM; a: body */
    N_PARAM,    /* s: name, a: default or NULL */
    N_BREAK, N_CONTINUE,
    N_INSERT,   /* op: insert kind; a: id expression; b: body */
    N_INSERT_PRINT, /* op: insert kind; b: body whose output is the id */
    N_TARGETS,  /* list of N_NAME / N_ATTR (ns.x) */
    N_FILTERBLOCK, /* b: body, c: list of N_FILTER (a == NULL) */
    N_CALLBLOCK,   /* a: the call (N_CALL), b: body; list of N_PARAM: the caller's parameters */
    N_AUTOESCAPE,  /* a: on/off expression (a constant), b: body */
    N_IFCHANGED,   /* a: list of expressions, b: body */
    N_CYCLE,       /* a: list of expressions */
    N_MACROVAL,    /* the macro of unit `slen` as a value (the caller of a call block) */
    N_INCLUDE,     /* a: template name(s) expression; flag: IMP_* */
    N_IMPORT,      /* a: name expression; b: N_PARAM-like name node (s = alias); flag */
    N_FROMIMPORT,  /* a: name expression; list of N_IMPNAME in b; flag */
    N_IMPNAME,     /* s: the exported name; c: alias node (s) or NULL */
    N_EXTENDS,     /* a: the parent's name */
    N_BLOCK,       /* s: name; a: body; flag: 1 scoped, 2 required */
    N_NODE_COUNT
} nkind;

/* binary operators (N_BIN op) and comparison operators (N_CMPOP op) */
/* insert kinds (N_INSERT op) — values match jinn_lookup_kind */
enum { I_EXPRESSION = 0, I_METRIC = 1, I_AGGREGATE = 2 };
/* include / import flags */
/* IMP_DYNAMIC (set by the compiler): the name is computed at run time, on the stack */
enum { IMP_IGNORE_MISSING = 1, IMP_CONTEXT = 2, IMP_NO_CONTEXT = 4, IMP_DYNAMIC = 8 };

/* The parser's token value: a lexer token without its type (lemon passes that beside it, as
 * the major), so 16 bytes, which travel in two registers and make lemon's stack entries
 * smaller. */
typedef struct ptok {
    const char *p;
    uint32_t pos, len;
} ptok;

typedef struct node {
    uint8_t kind, op, flag, paren;
    uint32_t pos;
    struct node *a, *b, *c, *d, *e;
    struct node *next;  /* next sibling in a list */
    struct node *head;  /* list heads: first child */
    struct node *last;  /* list heads: last child */
    const char *s;
    uint32_t slen;
    uint32_t nm;        /* N_NAME, N_IMPNAME, N_MACRO: its entry in pctx.pnames, plus one (0: none) */
    value v;
} node;

/* A name as the parser met it, on the nodes the compiler's frame analysis reads (N_NAME,
 * N_IMPNAME, N_MACRO): the two smallest positions of such nodes carrying it. compile.c's
 * declare_missing proves from them, without walking the frame, that a name's first use is
 * the statement storing it (see there). */
typedef struct pname {
    const char *s;
    uint64_t w;              /* ast_word(s, len) for a name of 8 bytes or less (0 otherwise) */
    uint32_t len;
    uint32_t first, second;  /* UINT32_MAX: none */
    uint32_t stamp;          /* compile.c: the frame that took it as a candidate */
    int32_t index;           /* compile.c: its index in the template's names, or -1 */
} pname;

/* n bytes at p (n <= 8) as one integer, in two overlapping loads: every byte is read once or
 * twice, none outside [p, p + n); two strings of the same length n give the same integer only
 * when their bytes are equal */
static inline uint64_t ast_word(const char *p, size_t n)
{
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        return (uint64_t)a << 32 | b;
    }
    return n ? (uint64_t)(uint8_t)p[0] << 16 | (uint64_t)(uint8_t)p[n >> 1] << 8 | (uint8_t)p[n - 1] : 0;
}

/* memcmp(a, b, n) == 0 for the short names compared here: a word at a time (most names are
 * under 8 bytes: two loads a side), without the call */
static inline int ast_same(const char *a, const char *b, size_t n)
{
    if (n < 8) return ast_word(a, n) == ast_word(b, n);
    uint64_t x, y;
    for (size_t i = 0; i + 8 < n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y) return 0;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
}

/* The names' hash (the parser's and the compiler's name tables): 8 bytes at a time (the last
 * word overlapping), or the one ast_word of a short name, mixed by multiplication; the high
 * half, the well-mixed one, is returned (the tables take its low bits). */
static inline uint32_t ast_name_hash(const char *s, size_t len)
{
    const uint64_t K = 0x9E3779B97F4A7C15u;
    uint64_t h = (len + 1) * K, w;
    if (len > 8) {
        for (const char *p = s, *e = s + len - 8; p < e; p += 8) {
            memcpy(&w, p, 8);
            h = (h ^ w) * K;
        }
        memcpy(&w, s + len - 8, 8);
    } else if (len == 8) {
        memcpy(&w, s, 8);
    } else {
        w = ast_word(s, len);
    }
    h = (h ^ w) * K;
    return (uint32_t)(h >> 32);
}

typedef struct arena_chunk {
    struct arena_chunk *prev;
    size_t size, used;
    char data[];
} arena_chunk;

/* The parse context: the grammar's %extra_argument. */
typedef struct pctx {
    jrt *R;
    /* out of memory inside a grammar action: lemon cannot unwind, so ast_node hands back this
     * dummy and marks the parse failed; nothing built after that is used (one per parse, so
     * two compiles on two threads share nothing) */
    struct node *oom;
    diags *D;
    arena_chunk *arena;
    /* the free part of the newest chunk, [ap, aend): a node is a bump of ap (ast_node) */
    char *ap, *aend;
    node *consts;       /* every N_CONST, to release their values */
    /* string literals without escapes, by text (open addressing over ast_name_hash, JV_ERROR
     * slots empty): a literal met again shares the value made the first time. Each slot holds
     * a reference of its own, dropped by ast_free. */
    value *lits;
    uint32_t lit_cap, nlits;
    node *root;
    const char *src;
    int failed;         /* a syntax error was reported: stop */
    int eof_error;      /* the error was "unexpected end of input" (REPL continuation) */
    /* open blocks, for "unclosed 'for' (opened at ...)" messages */
    struct { int tok; uint32_t pos; } open[256];
    int nopen;
    int suspect_string; /* a string in this tag swallowed a '%}': blame it for the next error */
    uint32_t max_depth; /* the parse_depth limit: open blocks + open brackets */
    uint32_t last_pos;  /* the token being parsed (for errors lemon raises without one) */
    int recover;        /* jinn check: report every syntax error and go on */
    const lex_syntax *syntax; /* configured delimiters / line prefixes, or NULL */
    uint32_t jv;        /* the jinjava profile's switches that change lexing and parsing (JINN_JV_*) */
    uint32_t suspect_pos;
    int scope_reader;   /* an include, import or block was parsed (compile.c, sees_locals) */
    int render_named;   /* a filter or test named render was parsed (compile.c, sees_locals) */
    int closure_made;   /* a macro, call block or recursive loop was parsed (compile.c, defines_closure) */
    pname *pnames;      /* the names noted (note_name in parse.c), and their index: open */
    int npnames, cappnames; /* addressing over ast_name_hash, entries index plus one */
    int32_t *pname_ix;
    uint32_t pname_cap;
    int pnames_lost;    /* out of memory while noting: the notes are incomplete, not to be used */
} pctx;

/* the name noted with this text (its entry in pnames, plus one), or 0; *slot (if not NULL)
 * its place in pname_ix, or the free one where it would go. P->pname_cap must not be 0. */
static inline int pname_find(const pctx *P, const char *s, size_t len, uint32_t *slot)
{
    uint32_t mask = P->pname_cap - 1, h = ast_name_hash(s, len) & mask;
    uint64_t w = len <= 8 ? ast_word(s, len) : 0; /* (a short name is compared by its word) */
    int32_t e;
    for (; (e = P->pname_ix[h]); h = (h + 1) & mask) {
        const pname *x = &P->pnames[e - 1];
        if (x->len == len && (len <= 8 ? x->w == w : ast_same(x->s, s, len))) break;
    }
    if (slot) *slot = h;
    return e;
}
/* an ATTR token ('.name') as the name's own token: its position is the name's, not the dot's */
static inline ptok attr_tok(const pctx *P, ptok t) { t.pos = (uint32_t)(t.p - P->src); return t; }
void *ast_alloc(pctx *P, size_t n);
void ast_free(pctx *P);
node *ast_node(pctx *P, int kind, uint32_t pos);
node *ast_list(pctx *P, int kind, uint32_t pos);
node *ast_add(node *list, node *item);               /* returns list */
node *ast_bin(pctx *P, int kind, int op, node *a, node *b);
node *ast_unary(pctx *P, int kind, ptok t, node *a);
node *ast_name(pctx *P, ptok t);                     /* also true/false/none constants */
node *ast_dotted(pctx *P, ptok t);
ptok var_begin_of(const pctx *P, ptok t);             /* the '{{' a TEXT_VAR token ends with */                   /* name.attr.attr from one DOTTED token */
node *ast_int(pctx *P, ptok t);
node *ast_float(pctx *P, ptok t);
node *ast_string(pctx *P, ptok t);
node *ast_string_cat(pctx *P, node *a, ptok t);      /* "a" "b" */
node *ast_attr(pctx *P, node *obj, ptok name);
node *ast_attr_int(pctx *P, node *obj, ptok num);    /* x.0 */
node *ast_item(pctx *P, node *obj, node *key, ptok at);
node *ast_slice(pctx *P, node *obj, node *start, node *stop, node *step, ptok at);
node *ast_compare(pctx *P, node *left, int op, node *right, ptok at);
node *ast_binop(pctx *P, int op, node *a, node *b, ptok at); /* reported at the operator */
node *ast_cond(pctx *P, node *then, node *cond, node *els);
node *ast_call(pctx *P, node *callee, node *args, ptok at);
node *ast_star(pctx *P, int kind, ptok at, node *val); /* N_STAR or N_STARSTAR */
node *ast_kwarg(pctx *P, ptok name, node *value);
node *ast_filter(pctx *P, node *value, ptok name, node *args);
node *ast_test(pctx *P, node *value, ptok name, node *args, int negate, int op_name); /* op_name: named by an operator (jinjava) */
node *ast_tuple_add(pctx *P, node *tuple_or_expr, node *item);
node *ast_text(pctx *P, ptok t);
node *ast_stmt(pctx *P, int kind, ptok at, node *a, node *b, node *c);
node *ast_if_chain(pctx *P, node *head, node *elifs, node *els); /* if + elifs (a list) + else */
node *ast_for(pctx *P, ptok at, node *targets, node *iter, node *filter, node *body, node *els, int recursive);
node *ast_target(pctx *P, ptok name, ptok *attr);           /* name, or name.attr */
node *ast_targets(pctx *P, node *targets, node *t);          /* append t to a target list (NULL: new) */
node *ast_target_group(node *targets);                       /* (a, b): a nested list; (a): a */
node *ast_with_assign(pctx *P, node *targets, node *value);  /* with's `target = value` */
node *ast_macro(pctx *P, ptok at, ptok name, node *params, node *body);
node *ast_param(pctx *P, ptok name, node *dflt);
node *ast_insert(pctx *P, int kind, ptok at, node *id, node *body);
node *ast_string_raw(pctx *P, ptok t);               /* the token's bytes as a string constant */
node *ast_seq(pctx *P, int kind, ptok at, node *items); /* list/tuple/dict literal */
node *ast_paren(node *e);                             /* (e): marks e as parenthesised */
node *ast_callblock(pctx *P, ptok at, node *params, node *call, node *body);
node *ast_import(pctx *P, int kind, ptok at, node *name, node *names, int flags);
node *ast_import_name(pctx *P, ptok name, ptok *alias);
node *ast_block(pctx *P, ptok at, ptok name, int flags, node *body, ptok endname);

/* parse.c: the grammar's error hooks and the driver's block tracking */
void parse_syntax_error(pctx *P, int major, ptok *t);
void parse_too_deep(pctx *P);
void parse_track_blocks(pctx *P, const token *t, int *set_pending, uint32_t *set_pos);

/* parse.c: source -> AST (NULL on a syntax error, reported in P->D) */
node *parse_template(pctx *P, const char *src, size_t len, int trim_blocks, int lstrip_blocks);

#endif
