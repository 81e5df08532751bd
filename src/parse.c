/*
 * parse.c — the AST constructors the grammar's actions call, literal decoding, and the
 * parser's error messages (which know the open blocks, so they can say what is unclosed).
 * Not compiled on its own: grammar/parser.y includes it (and the lexer) into build/parser.c,
 * so the parse loop inlines the constructors (the Makefile leaves it out of CORE).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ast.h"
#include "bigint.h"
#include "dtoa.h"
#include "parser.h"

/* ======================================================================================
 * Arena
 * ====================================================================================== */

/* a new chunk with n bytes taken from it: twice the size of the one before (16 KB first, up
 * to 1 MB), so a large template's nodes take a few allocations, not one per 16 KB; 16 KB each
 * under a memory limit (a render's |render compiles under memory_bytes: as much held as before) */
static void *arena_grow(pctx *P, size_t n)
{
    size_t size = P->arena && !P->R->mem_limit ? P->arena->size * 2 : 16384;
    if (size > ((size_t)1 << 20)) size = (size_t)1 << 20;
    if (size < n) size = n;
    arena_chunk *c = rt_alloc(P->R, NULL, 0, sizeof(arena_chunk) + size);
    if (!c) return NULL;
    c->prev = P->arena;
    c->size = size;
    c->used = n;
    P->arena = c;
    P->ap = c->data + n;
    P->aend = c->data + size;
    return c->data;
}

/* the common case inline: room in the current chunk (c->used is kept only by arena_grow: the
 * bump goes through ap) */
static inline void *arena_take(pctx *P, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if ((size_t)(P->aend - P->ap) < n) return arena_grow(P, n);
    void *p = P->ap;
    P->ap += n;
    return p;
}

void *ast_alloc(pctx *P, size_t n) { return arena_take(P, n); }

/* ======================================================================================
 * Names (for compile.c's frame analysis)
 * ====================================================================================== */

static bool pname_grow_ix(pctx *P)
{
    uint32_t cap = P->pname_cap ? P->pname_cap * 2 : 256;
    int32_t *ix = rt_alloc(P->R, NULL, 0, (size_t)cap * sizeof *ix);
    if (!ix) return false;
    memset(ix, 0, (size_t)cap * sizeof *ix);
    for (int i = 0; i < P->npnames; i++) {
        uint32_t h = ast_name_hash(P->pnames[i].s, P->pnames[i].len) & (cap - 1);
        while (ix[h]) h = (h + 1) & (cap - 1);
        ix[h] = i + 1;
    }
    if (P->pname_ix) rt_alloc(P->R, P->pname_ix, (size_t)P->pname_cap * sizeof *ix, 0);
    P->pname_ix = ix;
    P->pname_cap = cap;
    return true;
}

/* note n's name (n->s) and position; n->nm points at the entry */
static void note_name(pctx *P, node *n)
{
    if (P->pnames_lost || n == P->oom) return;
    if (!P->pname_cap && !pname_grow_ix(P)) { P->pnames_lost = 1; return; }
    uint32_t h;
    int32_t e = pname_find(P, n->s, n->slen, &h);
    if (e) {
        pname *x = &P->pnames[e - 1];
        if (n->pos < x->first) { x->second = x->first; x->first = n->pos; }
        else if (n->pos < x->second) x->second = n->pos;
        n->nm = (uint32_t)e;
        return;
    }
    if (P->npnames == P->cappnames) {
        int cap = P->cappnames ? P->cappnames * 2 : 128;
        pname *v = rt_alloc(P->R, P->pnames, (size_t)P->cappnames * sizeof *v, (size_t)cap * sizeof *v);
        if (!v) { P->pnames_lost = 1; return; }
        P->pnames = v;
        P->cappnames = cap;
    }
    pname *x = &P->pnames[P->npnames];
    x->s = n->s;
    x->len = n->slen;
    x->w = n->slen <= 8 ? ast_word(n->s, n->slen) : 0;
    x->first = n->pos;
    x->second = UINT32_MAX;
    x->stamp = 0;
    x->index = -1;
    P->pname_ix[h] = ++P->npnames;
    n->nm = (uint32_t)P->npnames;
    if ((uint32_t)P->npnames * 2 > P->pname_cap && !pname_grow_ix(P)) P->pnames_lost = 1;
}

void ast_free(pctx *P)
{
    if (P->pnames) rt_alloc(P->R, P->pnames, (size_t)P->cappnames * sizeof *P->pnames, 0);
    if (P->pname_ix) rt_alloc(P->R, P->pname_ix, (size_t)P->pname_cap * sizeof *P->pname_ix, 0);
    P->pnames = NULL;
    P->pname_ix = NULL;
    for (node *n = P->consts; n; n = n->e) val_drop(P->R, n->v);
    P->consts = NULL;
    for (uint32_t k = 0; k < P->lit_cap; k++)
        if (P->lits[k].t == JV_STR) val_drop(P->R, P->lits[k]);
    if (P->lits) rt_alloc(P->R, P->lits, (size_t)P->lit_cap * sizeof *P->lits, 0);
    P->lits = NULL;
    P->lit_cap = P->nlits = 0;
    while (P->arena) {
        arena_chunk *c = P->arena;
        P->arena = c->prev;
        rt_alloc(P->R, c, sizeof(arena_chunk) + c->size, 0);
    }
}

/* field by field, not `*n = (node){...}` nor memset: GCC makes those a `rep stos` (a dozen
 * steps counted one by one); these become a few vector stores */
static inline void init_node(node *n, int kind, uint32_t pos)
{
    n->kind = (uint8_t)kind;
    n->op = n->flag = n->paren = 0;
    n->pos = pos;
    n->a = n->b = n->c = n->d = n->e = NULL;
    n->next = n->head = n->last = NULL;
    n->s = NULL;
    n->slen = n->nm = 0;
    n->v = (value){0};
}

/* out of room in the chunk: a new one (or, out of memory, the dummy node) */
static __attribute__((noinline, cold)) node *node_slow(pctx *P, int kind, uint32_t pos)
{
    node *n = arena_grow(P, (sizeof(node) + 15) & ~(size_t)15);
    if (!n) { P->failed = 1; memset(P->oom, 0, sizeof *P->oom); return P->oom; }
    init_node(n, kind, pos);
    return n;
}

/* Every node comes from here, inlined into the constructors: a bump of the arena and a few
 * vector stores. The
 * kinds that tell the compiler's analyses something (scope_reader, closure_made) are marked
 * by their own constructors (ast_import, ast_block, ast_macro, ast_callblock), not here. */
static inline node *new_node(pctx *P, int kind, uint32_t pos)
{
    enum { SZ = (sizeof(node) + 15) & ~(size_t)15 };
    if (__builtin_expect((size_t)(P->aend - P->ap) < SZ, 0)) return node_slow(P, kind, pos);
    node *n = (node *)(void *)P->ap;
    P->ap += SZ;
    init_node(n, kind, pos);
    return n;
}

node *ast_node(pctx *P, int kind, uint32_t pos) { return new_node(P, kind, pos); }

node *ast_list(pctx *P, int kind, uint32_t pos) { return new_node(P, kind, pos); }

node *ast_add(node *list, node *item)
{
    if (!list->head) list->head = item;
    else list->last->next = item;
    list->last = item;
    return list;
}

static node *const_node(pctx *P, uint32_t pos, value v)
{
    node *n = new_node(P, N_CONST, pos);
    if (v.t == JV_ERROR) { P->failed = 1; return n; }
    if (n == P->oom) { val_drop(P->R, v); return n; } /* the parse has failed: keep nothing */
    n->v = v;
    if (v_heap(v)) { n->e = P->consts; P->consts = n; }
    return n;
}

node *ast_bin(pctx *P, int kind, int op, node *a, node *b)
{
    node *n = new_node(P, kind, a->pos);
    n->op = (uint8_t)op;
    n->a = a;
    n->b = b;
    return n;
}

/* `1 ~ not 2`, `a == not b`, `-not x`: Jinja2 parses `not` only where an operand of and, or,
 * not or a conditional starts (lemon's one expression nonterminal would take it anywhere) */
static void bare_not(pctx *P, const node *operand, ptok op)
{
    if (operand && operand->kind == N_NOT && !operand->paren && P->R->profile != PROF_JINJAVA)
        diag_error(P->D, JINN_ERR_SYNTAX, operand->pos, "unexpected 'not' after '%.*s': 'not' starts an operand of "
                   "and, or or not only; put it in parentheses: (not x)", (int)op.len, op.p);
}

node *ast_unary(pctx *P, int kind, ptok t, node *a)
{
    if (kind != N_NOT) bare_not(P, a, t);
    node *n = new_node(P, kind, t.pos);
    n->a = a;
    return n;
}

node *ast_name(pctx *P, ptok t)
{
#define IS(s) (t.len == sizeof(s) - 1 && !memcmp(t.p, s, sizeof(s) - 1))
    /* (only a 4- or 5-letter name starting with t, f or n can be one: most names skip all six) */
    char c0 = (char)(t.p[0] | 0x20);
    if ((t.len == 4 || t.len == 5) && (c0 == 't' || c0 == 'f' || c0 == 'n')) {
        if (IS("true") || IS("True")) return const_node(P, t.pos, v_bool(true));
        if (IS("false") || IS("False")) return const_node(P, t.pos, v_bool(false));
        if (IS("none") || IS("None")) return const_node(P, t.pos, v_none());
    }
#undef IS
    node *n = new_node(P, N_NAME, t.pos);
    n->s = t.p;
    n->slen = t.len;
    note_name(P, n);
    return n;
}

/* an integer literal beyond int64 (the jinja profile): a big int, from the token's digits
 * (after its 0x/0o/0b prefix) to e; too many digits is the error Python's int() gives (or the int_digits limit) */
static node *big_literal(pctx *P, ptok t, const char *e, int base)
{
    const char *p = t.p + (base == 10 ? 0 : 2);
    jbuf digits = {0};
    for (; p < e; p++)
        if (*p != '_' && !buf_putc(P->R, &digits, *p)) { buf_free(P->R, &digits); return const_node(P, t.pos, v_err()); }
    value v;
    bool ok = big_parse(P->R, digits.p, digits.len, base, false, &v);
    buf_free(P->R, &digits);
    if (ok) return const_node(P, t.pos, v);
    if (!P->R->oom) {
        diag_error(P->D, P->R->err_kind, t.pos, "%s", P->R->err_msg.p ? P->R->err_msg.p : "integer literal too large");
        P->R->err_kind = JINN_ERR_NONE;
        P->R->err_msg.len = 0;
    }
    return const_node(P, t.pos, v_err());
}

node *ast_int(pctx *P, ptok t)
{
    int base = 10;
    const char *p = t.p, *e = t.p + t.len;
    if (t.len > 2 && p[0] == '0') {
        char c = (char)(p[1] | 0x20);
        if (c == 'x') base = 16, p += 2;
        else if (c == 'o') base = 8, p += 2;
        else if (c == 'b') base = 2, p += 2;
    }
    if (base == 10 && t.len > 1 && p[0] == '0') {
        int nonzero = 0;
        for (const char *q = p; q < e; q++) nonzero |= *q != '0' && *q != '_';
        if (nonzero) {
            diag_error(P->D, JINN_ERR_SYNTAX, t.pos, "leading zeros in a decimal integer literal are not allowed (write %.*s as 0o... for octal)", (int)t.len, t.p);
            P->failed = 1;
            return const_node(P, t.pos, v_int(0));
        }
    }
    uint64_t v = 0;
    for (; p < e; p++) {
        if (*p == '_') continue;
        int d = *p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10;
        if ((v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base || v * (uint64_t)base + (uint64_t)d > (uint64_t)INT64_MAX)
            && P->R->profile != PROF_JINJAVA)
            return big_literal(P, t, e, base);
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base || v * (uint64_t)base + (uint64_t)d > (uint64_t)INT64_MAX) {
            diag_error(P->D, JINN_ERR_VALUE, t.pos, "integer literal %.*s%s is too large (the jinjava profile's integers are 64-bit longs)",
                       t.len > 30 ? 30 : (int)t.len, t.p, t.len > 30 ? "..." : "");
            P->failed = 1;
            return const_node(P, t.pos, v_int(0));
        }
        v = v * (uint64_t)base + (uint64_t)d;
    }
    return const_node(P, t.pos, v_int((int64_t)v));
}

node *ast_float(pctx *P, ptok t)
{
    char buf[128];
    size_t n = 0;
    for (uint32_t i = 0; i < t.len && n < sizeof buf - 1; i++)
        if (t.p[i] != '_') buf[n++] = t.p[i];
    buf[n] = 0;
    double d = dtoa_strtod(buf, NULL);
    return const_node(P, t.pos, v_float(d));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode a string literal's escapes (Python's: \n \t \r \\ \' \" \xhh \uXXXX \UXXXXXXXX,
 * unknown escapes stay as written). Output is never longer than the input. */
static value decode_string(pctx *P, ptok t)
{
    /* no escape (most literals): the bytes between the quotes, in a block of the right size
     * at once (the general path allocates the token's length, then shrinks) */
    if (!memchr(t.p + 1, '\\', t.len - 2)) return v_str(P->R, t.p + 1, t.len - 2);
    jstr *s = str_new(P->R, t.len);
    if (!s) return v_err();
    const char *p = t.p + 1, *e = t.p + t.len - 1;
    char *o = s->s;
    while (p < e) {
        if (*p != '\\' || p + 1 >= e) { *o++ = *p++; continue; }
        char c = p[1];
        int w = 0;
        switch (c) {
        case 'n': *o++ = '\n'; p += 2; continue;
        case 't': *o++ = '\t'; p += 2; continue;
        case 'r': *o++ = '\r'; p += 2; continue;
        case '0': *o++ = '\0'; p += 2; continue;
        case 'a': *o++ = '\a'; p += 2; continue;
        case 'b': *o++ = '\b'; p += 2; continue;
        case 'f': *o++ = '\f'; p += 2; continue;
        case 'v': *o++ = '\v'; p += 2; continue;
        case '\\': case '\'': case '"': *o++ = c; p += 2; continue;
        case '\n': p += 2; continue;
        case 'x': w = 2; break;
        case 'u': w = 4; break;
        case 'U': w = 8; break;
        default: *o++ = *p++; continue;
        }
        uint32_t cp = 0;
        int i;
        for (i = 0; i < w && p + 2 + i < e && hexval(p[2 + i]) >= 0; i++) cp = cp * 16 + (uint32_t)hexval(p[2 + i]);
        if (i < w || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            diag_error(P->D, JINN_ERR_SYNTAX, (uint32_t)(p - P->src), "invalid escape sequence '\\%c' in string", c);
            P->failed = 1;
            break;
        }
        /* \xhh of 0x80.. is a code point too, as in Python 3 */
        o += put_utf8(o, cp);
        p += 2 + w;
    }
    size_t n = (size_t)(o - s->s);
    /* shrink to fit: the allocator hook is told exact sizes */
    jstr *fit = rt_alloc(P->R, s, str_block(t.len), str_block(n));
    if (!fit) { rt_alloc(P->R, s, str_block(t.len), 0); return v_err(); }
    s = fit;
    s->len = n;
    s->s[n] = 0;
    value v = {.t = JV_STR};
    v.u.s = s;
    return v;
}

/* double the literals' table (or make its first 32 slots); false when out of memory (the
 * literals are then not shared: nothing else depends on the table) */
static bool lit_grow(pctx *P)
{
    uint32_t cap = P->lit_cap ? P->lit_cap * 2 : 32;
    value *tab = rt_alloc(P->R, NULL, 0, (size_t)cap * sizeof *tab);
    if (!tab) return false;
    memset(tab, 0, (size_t)cap * sizeof *tab);
    for (uint32_t k = 0; k < P->lit_cap; k++) {
        value v = P->lits[k];
        if (v.t != JV_STR) continue;
        uint32_t h = ast_name_hash(v_sp(v), v_sl(v)) & (cap - 1);
        while (tab[h].t == JV_STR) h = (h + 1) & (cap - 1);
        tab[h] = v;
    }
    if (P->lits) rt_alloc(P->R, P->lits, (size_t)P->lit_cap * sizeof *tab, 0);
    P->lits = tab;
    P->lit_cap = cap;
    return true;
}

/* A string literal. One without escapes is its bytes, whatever its quotes: met again (a
 * template repeats its literals: "", ", ", default texts), it shares the first one's value
 * instead of making (and later freeing) a copy; the compiler keeps one constant per text. */
node *ast_string(pctx *P, ptok t)
{
    const char *s = t.p + 1;
    size_t len = t.len - 2;
    if (memchr(s, '\\', len)) return const_node(P, t.pos, decode_string(P, t));
    if ((P->nlits + 1) * 2 > P->lit_cap && !lit_grow(P)) return const_node(P, t.pos, v_str(P->R, s, len));
    uint32_t mask = P->lit_cap - 1, h = ast_name_hash(s, len) & mask;
    for (; P->lits[h].t == JV_STR; h = (h + 1) & mask)
        if (v_sl(P->lits[h]) == len && ast_same(v_sp(P->lits[h]), s, len)) return const_node(P, t.pos, val_dup(P->lits[h]));
    value v = v_str(P->R, s, len);
    if (v.t == JV_STR) {
        P->lits[h] = val_dup(v);
        P->nlits++;
    }
    return const_node(P, t.pos, v);
}

node *ast_string_raw(pctx *P, ptok t) { return const_node(P, t.pos, v_str(P->R, t.p, t.len)); }

node *ast_string_cat(pctx *P, node *a, ptok t)
{
    value b = decode_string(P, t);
    if (b.t == JV_ERROR) return a;
    if (a->v.t != JV_STR) { val_drop(P->R, b); return a; }
    value c = str_concat(P->R, v_sp(a->v), v_sl(a->v), v_sp(b), v_sl(b));
    val_drop(P->R, b);
    if (c.t == JV_ERROR) { P->failed = 1; return a; }
    val_drop(P->R, a->v);
    a->v = c;
    return a;
}

node *ast_attr(pctx *P, node *obj, ptok name)
{
    node *n = new_node(P, N_ATTR, name.pos);
    n->a = obj;
    n->s = name.p;
    n->slen = name.len;
    return n;
}

/* name.attr.attr from one DOTTED token: the name node, then an attr node per '.name', each
 * at its name's position (as attr_tok places them) */
node *ast_dotted(pctx *P, ptok t)
{
    /* (a part ends at the first byte no name has: a '.', or what follows the token) */
    const char *q = t.p, *e = t.p + t.len;
    while (name_byte[(unsigned char)*q]) q++;
    node *o = ast_name(P, (ptok){t.p, t.pos, (uint32_t)(q - t.p)});
    while (q < e) {
        const char *s = ++q;
        while (name_byte[(unsigned char)*q]) q++;
        o = ast_attr(P, o, (ptok){s, (uint32_t)(s - P->src), (uint32_t)(q - s)});
    }
    return o;
}

node *ast_attr_int(pctx *P, node *obj, ptok num)
{
    /* x.0 is x[0] in Jinja2 */
    node *n = new_node(P, N_ITEM, num.pos);
    n->a = obj;
    n->b = ast_int(P, num);
    return n;
}

node *ast_item(pctx *P, node *obj, node *key, ptok at)
{
    node *n = new_node(P, N_ITEM, at.pos);
    n->a = obj;
    n->b = key;
    return n;
}

node *ast_slice(pctx *P, node *obj, node *start, node *stop, node *step, ptok at)
{
    node *n = new_node(P, N_SLICE, at.pos);
    n->a = obj;
    n->b = start;
    n->c = stop;
    n->d = step;
    return n;
}

node *ast_binop(pctx *P, int op, node *a, node *b, ptok at)
{
    bare_not(P, b, at);
    node *n = ast_bin(P, N_BIN, op, a, b);
    n->pos = at.pos;
    return n;
}

node *ast_compare(pctx *P, node *left, int op, node *right, ptok at)
{
    bare_not(P, right, at);
    node *c = left;
    if (left->kind != N_CMP || left->paren) {
        c = new_node(P, N_CMP, left->pos);
        c->a = left;
    }
    node *o = new_node(P, N_CMPOP, at.pos);
    o->op = (uint8_t)op;
    o->a = right;
    return ast_add(c, o);
}

node *ast_cond(pctx *P, node *then, node *cond, node *els)
{
    node *n = new_node(P, N_COND, then->pos);
    n->a = then;
    n->b = cond;
    n->c = els;
    return n;
}

/* A call's arguments as Python orders them: positional ones (and *args) before keyword ones
 * (and **kwargs), each keyword once. A syntax error otherwise, as Jinja2 reports it. */
static void check_call_args(pctx *P, node *args)
{
    bool kw = false;
    for (node *a = args ? args->head : NULL; a; a = a->next) {
        if (a->kind == N_KWARG || a->kind == N_STARSTAR) kw = true;
        else if (kw && a->kind != N_STAR) {
            diag_error(P->D, JINN_ERR_SYNTAX, a->pos, "invalid syntax for function call expression: a positional argument follows a keyword argument");
            P->failed = 1;
            return;
        }
        if (a->kind == N_KWARG)
            for (node *b = a->next; b; b = b->next)
                if (b->kind == N_KWARG && b->slen == a->slen && !memcmp(a->s, b->s, a->slen)) {
                    diag_error(P->D, JINN_ERR_SYNTAX, b->pos, "keyword argument repeated: %.*s", (int)b->slen, b->s);
                    P->failed = 1;
                    return;
                }
    }
}

node *ast_call(pctx *P, node *callee, node *args, ptok at)
{
    (void)at;
    check_call_args(P, args);
    node *n = new_node(P, N_CALL, callee->pos);
    n->a = callee;
    n->head = args->head;
    n->last = args->last;
    return n;
}

node *ast_star(pctx *P, int kind, ptok at, node *val)
{
    node *n = new_node(P, kind, at.pos);
    n->a = val;
    return n;
}

node *ast_kwarg(pctx *P, ptok name, node *val)
{
    node *n = new_node(P, N_KWARG, name.pos);
    n->s = name.p;
    n->slen = name.len;
    n->a = val;
    return n;
}

static node *filter_node(pctx *P, node *val, ptok name, node *args)
{
    check_call_args(P, args);
    if (name.len == 6 && !memcmp(name.p, "render", 6)) P->render_named = 1;
    node *n = new_node(P, N_FILTER, name.pos);
    n->a = val;
    n->s = name.p;
    n->slen = name.len;
    if (args) { n->head = args->head; n->last = args->last; }
    return n;
}

/* The jinjava profile without its switch useNaturalOperatorPrecedence: JUEL parses a filter or
 * test as part of the value a unary minus or plus applies to (el/ext/ExtendedParser.java: mul()
 * goes to unary() unless the switch sends it to filter()), so -x|abs is -(x|abs): the filter or
 * test n moves below an unparenthesised unary operand. Jinja2 and the switch: (-x)|abs. */
static node *unary_binds_looser(pctx *P, node *n)
{
#define UNARY(u) ((u) && ((u)->kind == N_NEG || (u)->kind == N_POS) && !(u)->paren)
    if (P->R->profile != PROF_JINJAVA || (P->jv & JINN_JV_NATURAL_PRECEDENCE) || !UNARY(n->a)) return n;
    node *top = n->a, *u = top;
    while (UNARY(u->a)) u = u->a;
    n->a = u->a;
    u->a = n;
    return top;
#undef UNARY
}

node *ast_filter(pctx *P, node *val, ptok name, node *args)
{
    return unary_binds_looser(P, filter_node(P, val, name, args));
}

node *ast_test(pctx *P, node *val, ptok name, node *args, int negate, int op_name)
{
    check_call_args(P, args);
    /* `x is == 4`, `x is lt 4`, `empty x`: the jinjava profile's spellings only (the lexer
     * makes word operators only there); Jinja2 has no test named by an operator */
    if (op_name && P->R->profile != PROF_JINJAVA)
        diag_error(P->D, JINN_ERR_SYNTAX, name.pos, "unexpected '%.*s' after 'is': a test name is expected (the jinjava profile "
                   "allows an operator here)", (int)name.len, name.p);
    node *n = filter_node(P, val, name, args);
    n->kind = N_TEST;
    n->flag = (uint8_t)negate;
    return unary_binds_looser(P, n);
}

node *ast_tuple_add(pctx *P, node *tuple, node *item)
{
    if (!tuple) tuple = new_node(P, N_TUPLE, item->pos);
    return ast_add(tuple, item);
}

node *ast_seq(pctx *P, int kind, ptok at, node *items)
{
    node *n = new_node(P, kind, at.pos);
    if (items) { n->head = items->head; n->last = items->last; }
    return n;
}

node *ast_paren(node *e)
{
    e->paren = 1;
    return e;
}

node *ast_callblock(pctx *P, ptok at, node *params, node *call, node *body)
{
    node *n = new_node(P, N_CALLBLOCK, at.pos);
    P->closure_made = 1;
    n->a = call;
    n->b = body;
    n->head = params->head;
    n->last = params->last;
    if (call->kind != N_CALL) {
        diag_error(P->D, JINN_ERR_SYNTAX, call->pos, "'call' expects a macro call, like {%% call m(args) %%}");
        if (!P->recover) P->failed = 1;
    }
    return n;
}

node *ast_import(pctx *P, int kind, ptok at, node *name, node *names, int flags)
{
    node *n = new_node(P, kind, at.pos);
    P->scope_reader = 1; /* include, import, from */
    n->a = name;
    n->b = names;
    n->flag = (uint8_t)flags;
    return n;
}

node *ast_import_name(pctx *P, ptok name, ptok *alias)
{
    node *n = new_node(P, N_IMPNAME, name.pos);
    n->s = name.p;
    n->slen = name.len;
    note_name(P, n);
    if (alias) {
        node *a = new_node(P, N_NAME, alias->pos);
        a->s = alias->p;
        a->slen = alias->len;
        note_name(P, a);
        n->c = a;
    }
    return n;
}

node *ast_block(pctx *P, ptok at, ptok name, int flags, node *body, ptok endname)
{
    node *n = new_node(P, N_BLOCK, at.pos);
    P->scope_reader = 1;
    n->s = name.p;
    n->slen = name.len;
    n->a = body;
    n->flag = (uint8_t)flags;
    if (endname.p && (endname.len != name.len || memcmp(endname.p, name.p, name.len))) {
        diag_error(P->D, JINN_ERR_SYNTAX, endname.pos, "'endblock %.*s' closes block '%.*s'", (int)endname.len, endname.p,
                   (int)name.len, name.p);
        if (!P->recover) P->failed = 1;
    }
    return n;
}

node *ast_text(pctx *P, ptok t)
{
    node *n = new_node(P, N_TEXT, t.pos);
    n->s = t.p;
    n->slen = t.len;
    return n;
}

/* The '{{' of a TEXT_VAR token: the first '{' after its text (only blanks a '{{-' trimmed lie
 * between) */
ptok var_begin_of(const pctx *P, ptok t)
{
    const char *q = t.p + t.len;
    while (*q != '{') q++;
    return (ptok){q, (uint32_t)(q - P->src), 2};
}

node *ast_stmt(pctx *P, int kind, ptok at, node *a, node *b, node *c)
{
    node *n = new_node(P, kind, at.pos);
    n->a = a;
    n->b = b;
    n->c = c;
    return n;
}

node *ast_if_chain(pctx *P, node *head, node *elifs, node *els)
{
    node *last = head;
    for (node *e = elifs ? elifs->head : NULL; e; e = e->next) {
        last->c = e;
        last = e;
    }
    last->c = els;
    return head;
}

node *ast_for(pctx *P, ptok at, node *targets, node *iter, node *filter, node *body, node *els, int recursive)
{
    node *n = new_node(P, N_FOR, at.pos);
    n->flag = (uint8_t)recursive;
    if (recursive) P->closure_made = 1;
    n->a = targets;
    n->b = iter;
    n->c = body;
    n->d = els;
    n->e = filter;
    return n;
}

node *ast_target(pctx *P, ptok name, ptok *attr)
{
    node *t = ast_name(P, name);
    if (t->kind != N_NAME) {
        diag_error(P->D, JINN_ERR_SYNTAX, name.pos, "cannot assign to '%.*s'", (int)name.len, name.p);
        P->failed = 1;
        return t;
    }
    if (attr) {
        node *a = new_node(P, N_ATTR, attr->pos);
        a->a = t;
        a->s = attr->p;
        a->slen = attr->len;
        t = a;
    }
    return t;
}

node *ast_targets(pctx *P, node *targets, node *t)
{
    if (!targets) targets = ast_list(P, N_TARGETS, t->pos);
    return ast_add(targets, t);
}

/* (a, b) is a nested target list; (a) is just a */
node *ast_target_group(node *targets) { return targets->head && !targets->head->next ? targets->head : targets; }

node *ast_with_assign(pctx *P, node *targets, node *val)
{
    node *n = new_node(P, N_SET, targets->pos);
    n->a = targets;
    n->b = val;
    return n;
}

node *ast_macro(pctx *P, ptok at, ptok name, node *params, node *body)
{
    node *n = new_node(P, N_MACRO, at.pos);
    P->closure_made = 1;
    n->s = name.p;
    n->slen = name.len;
    note_name(P, n);
    n->head = params->head;
    n->last = params->last;
    n->a = body;
    return n;
}

node *ast_param(pctx *P, ptok name, node *dflt)
{
    node *n = new_node(P, N_PARAM, name.pos);
    n->s = name.p;
    n->slen = name.len;
    n->a = dflt;
    return n;
}

node *ast_insert(pctx *P, int kind, ptok at, node *id, node *body)
{
    node *n = new_node(P, id ? N_INSERT : N_INSERT_PRINT, at.pos);
    n->op = (uint8_t)kind;
    n->a = id;
    n->b = body;
    return n;
}

/* ======================================================================================
 * Block tracking and syntax errors
 * ====================================================================================== */

static int opener_of(int end)
{
    switch (end) {
    case TK_TAG_ENDIF: case TK_TAG_ELIF: return TK_TAG_IF;
    case TK_TAG_ENDFOR: return TK_TAG_FOR;
    case TK_TAG_ENDSET: return TK_TAG_SET;
    case TK_TAG_ENDDO: return TK_TAG_DO;
    case TK_TAG_ENDWITH: return TK_TAG_WITH;
    case TK_TAG_ENDMACRO: return TK_TAG_MACRO;
    case TK_TAG_ENDEXPRESSIONVAR: return TK_TAG_EXPRESSIONVAR;
    case TK_TAG_ENDMETRICSVAR: return TK_TAG_METRICSVAR;
    case TK_TAG_ENDAGGREGATEVAR: return TK_TAG_AGGREGATEVAR;
    case TK_TAG_ENDAGGREGATE: return TK_TAG_AGGREGATE;
    case TK_TAG_ENDEXPRESSION: return TK_TAG_EXPRESSION;
    case TK_TAG_ENDMETRICS: return TK_TAG_METRICS;
    case TK_TAG_ENDFILTER: return TK_TAG_FILTER;
    case TK_TAG_ENDCALL: return TK_TAG_CALL;
    case TK_TAG_ENDAUTOESCAPE: return TK_TAG_AUTOESCAPE;
    case TK_TAG_ENDUNLESS: return TK_TAG_UNLESS;
    case TK_TAG_ENDIFCHANGED: return TK_TAG_IFCHANGED;
    case TK_TAG_ENDBLOCK: return TK_TAG_BLOCK;
    default: return 0;
    }
}

static const char *end_name(int opener)
{
    switch (opener) {
    case TK_TAG_IF: return "endif";
    case TK_TAG_FOR: return "endfor";
    case TK_TAG_SET: return "endset";
    case TK_TAG_WITH: return "endwith";
    case TK_TAG_MACRO: return "endmacro";
    case TK_TAG_EXPRESSIONVAR: return "endexpressionvar";
    case TK_TAG_METRICSVAR: return "endmetricsvar";
    case TK_TAG_AGGREGATEVAR: return "endaggregatevar";
    case TK_TAG_AGGREGATE: return "endaggregate";
    case TK_TAG_EXPRESSION: return "endexpression";
    case TK_TAG_METRICS: return "endmetrics";
    case TK_TAG_FILTER: return "endfilter";
    case TK_TAG_CALL: return "endcall";
    case TK_TAG_AUTOESCAPE: return "endautoescape";
    case TK_TAG_UNLESS: return "endunless";
    case TK_TAG_IFCHANGED: return "endifchanged";
    case TK_TAG_BLOCK: return "endblock";
    case TK_TAG_DO: return "enddo";
    default: return "end";
    }
}

/* Per token, is_opener and opener_of in one load: BR_OPEN for a block's opening tag, the
 * opener's token for a closing tag (elif closes nothing: its if stays open), 0 otherwise. */
enum { BR_OPEN = 255 };
static const unsigned char block_role[TK_TAG_ENDBLOCK + 1] = {
    [TK_TAG_IF] = BR_OPEN, [TK_TAG_FOR] = BR_OPEN, [TK_TAG_WITH] = BR_OPEN, [TK_TAG_MACRO] = BR_OPEN,
    [TK_TAG_EXPRESSIONVAR] = BR_OPEN, [TK_TAG_METRICSVAR] = BR_OPEN, [TK_TAG_AGGREGATEVAR] = BR_OPEN,
    [TK_TAG_AGGREGATE] = BR_OPEN, [TK_TAG_EXPRESSION] = BR_OPEN, [TK_TAG_METRICS] = BR_OPEN,
    [TK_TAG_FILTER] = BR_OPEN, [TK_TAG_CALL] = BR_OPEN, [TK_TAG_AUTOESCAPE] = BR_OPEN, [TK_TAG_UNLESS] = BR_OPEN,
    [TK_TAG_IFCHANGED] = BR_OPEN, [TK_TAG_BLOCK] = BR_OPEN,
    [TK_TAG_ENDIF] = TK_TAG_IF, [TK_TAG_ENDFOR] = TK_TAG_FOR, [TK_TAG_ENDSET] = TK_TAG_SET, [TK_TAG_ENDDO] = TK_TAG_DO,
    [TK_TAG_ENDWITH] = TK_TAG_WITH, [TK_TAG_ENDMACRO] = TK_TAG_MACRO,
    [TK_TAG_ENDEXPRESSIONVAR] = TK_TAG_EXPRESSIONVAR, [TK_TAG_ENDMETRICSVAR] = TK_TAG_METRICSVAR,
    [TK_TAG_ENDAGGREGATEVAR] = TK_TAG_AGGREGATEVAR, [TK_TAG_ENDAGGREGATE] = TK_TAG_AGGREGATE,
    [TK_TAG_ENDEXPRESSION] = TK_TAG_EXPRESSION, [TK_TAG_ENDMETRICS] = TK_TAG_METRICS,
    [TK_TAG_ENDFILTER] = TK_TAG_FILTER, [TK_TAG_ENDCALL] = TK_TAG_CALL, [TK_TAG_ENDAUTOESCAPE] = TK_TAG_AUTOESCAPE,
    [TK_TAG_ENDUNLESS] = TK_TAG_UNLESS, [TK_TAG_ENDIFCHANGED] = TK_TAG_IFCHANGED, [TK_TAG_ENDBLOCK] = TK_TAG_BLOCK,
};
_Static_assert(TK_TAG_ENDBLOCK < BR_OPEN, "token numbers fit block_role");

void parse_track_blocks(pctx *P, const token *t, int *set_pending, uint32_t *set_pos)
{
    int tk = t->type;
    P->last_pos = t->pos;
    if (tk == TK_TAG_SET || tk == TK_TAG_DO) { *set_pending = tk; *set_pos = t->pos; return; }
    if (*set_pending) {
        /* {% set x %} and {% do %} open a block; {% set x = ... %} and {% do expr %} do not */
        if (tk == TK_ASSIGN || (*set_pending == TK_TAG_DO && tk != TK_BLOCK_END)) *set_pending = 0;
        else if (tk == TK_BLOCK_END) {
            if (P->nopen < 256) { P->open[P->nopen].tok = *set_pending; P->open[P->nopen].pos = *set_pos; }
            *set_pending = 0;
            P->nopen++;
        }
    }
    /* nopen counts every open block (the depth limit needs it); the first 256 are remembered
     * for messages */
    int role = tk < (int)sizeof block_role ? block_role[tk] : 0;
    if (role == BR_OPEN) {
        if (P->nopen < 256) { P->open[P->nopen].tok = tk; P->open[P->nopen].pos = t->pos; }
        P->nopen++;
    } else if (role && P->nopen > 0 && (P->nopen > 256 || P->open[P->nopen - 1].tok == role)) {
        P->nopen--;
    }
    /* a string that spans a line and swallows a '%}' is probably missing its closing quote */
    if (tk == TK_STRING || tk == TK_OSTRING) {
        int suspect = 0;
        for (uint32_t i = 1; i + 1 < t->len; i++)
            if (t->p[i + 1] == '}' && (t->p[i] == '%' || t->p[i] == '}')) { suspect = 1; break; }
        if (suspect && memchr(t->p, '\n', t->len)) { P->suspect_string = 1; P->suspect_pos = t->pos; }
    } else if (tk == TK_BLOCK_END || tk == TK_VAR_END) {
        P->suspect_string = 0;
    }
}

static void describe(pctx *P, int major, const ptok *t, char *out, size_t n)
{
    if (major == TK_DOTTED || major == TK_ODOTTED) { /* as the NAME token it starts with */
        int len = 0;
        while (t->p[len] != '.') len++;
        snprintf(out, n, "%s '%.*s'", lex_token_name(major), len > 40 ? 40 : len, t->p);
    } else if (major == TK_NAME || major == TK_ONAME || major == TK_INT || major == TK_OINT || major == TK_FLOAT ||
               major == TK_STRING || major == TK_OSTRING)
        snprintf(out, n, "%s '%.*s'", lex_token_name(major), t->len > 40 ? 40 : (int)t->len, t->p);
    else if ((major >= TK_TAG_IF && major <= TK_TAG_ENDMETRICS) || (major >= TK_TAG_FILTER && major <= TK_TAG_PRINT) ||
             (major >= TK_TAG_INCLUDE && major <= TK_TAG_FROM) || (major >= TK_TAG_EXTENDS && major <= TK_TAG_ENDBLOCK))
        snprintf(out, n, "'{%% %s %%}'", lex_token_name(major));
    else
        snprintf(out, n, "%s", lex_token_name(major));
    (void)P;
}

void parse_syntax_error(pctx *P, int major, ptok *t)
{
    if (P->failed) return;
    if (!P->recover) P->failed = 1;
    else if (major == 0) P->failed = 1; /* at the end of input there is nothing to recover */
    char what[96];
    describe(P, major, t, what, sizeof what);
    if (P->suspect_string) {
        int l, c;
        diag_position(P->src, P->D->srclen, t->pos, &l, &c);
        diag_error(P->D, JINN_ERR_SYNTAX, P->suspect_pos,
                   "unterminated string: this string runs on past the end of its tag (the parser then met %s at %d:%d); "
                   "is its closing quote missing?", what, l, c);
        return;
    }
    if (major == 0) {
        P->eof_error = 1;
        P->D->incomplete = 1;
        if (P->nopen > 0) {
            int top_i = P->nopen > 256 ? 255 : P->nopen - 1;
            int l, c, top = P->open[top_i].tok;
            diag_position(P->src, P->D->srclen, P->open[top_i].pos, &l, &c);
            diag_error(P->D, JINN_ERR_SYNTAX, P->open[top_i].pos,
                       "unclosed '%s' block (opened at %d:%d): expected '{%% %s %%}' before the end of the template",
                       lex_token_name(top), l, c, end_name(top));
        } else {
            diag_error(P->D, JINN_ERR_SYNTAX, t->pos, "unexpected end of template");
        }
        return;
    }
    int want = opener_of(major);
    if (want || major == TK_TAG_ELSE) {
        if (P->nopen == 0) {
            diag_error(P->D, JINN_ERR_SYNTAX, t->pos, "%s has no open block to %s", what,
                       major == TK_TAG_ELSE || major == TK_TAG_ELIF ? "belong to" : "close");
        } else {
            int top_i = P->nopen > 256 ? 255 : P->nopen - 1;
            int l, c, top = P->open[top_i].tok;
            diag_position(P->src, P->D->srclen, P->open[top_i].pos, &l, &c);
            diag_error(P->D, JINN_ERR_SYNTAX, t->pos,
                       "unexpected %s: the innermost open block is '%s' (opened at %d:%d), closed by '{%% %s %%}'",
                       what, lex_token_name(top), l, c, end_name(top));
        }
        return;
    }
    if (major == TK_BLOCK_END || major == TK_VAR_END)
        diag_error(P->D, JINN_ERR_SYNTAX, t->pos, "unexpected %s: the expression is incomplete", what);
    else if ((major >= TK_TAG_IF && major <= TK_TAG_ENDMETRICS) || (major >= TK_TAG_FILTER && major <= TK_TAG_PRINT))
        diag_error(P->D, JINN_ERR_SYNTAX, t->pos, "unexpected %s: the previous tag or expression is not closed", what);
    else
        diag_error(P->D, JINN_ERR_SYNTAX, t->pos, "unexpected %s", what);
}

void parse_too_deep(pctx *P)
{
    if (P->failed) return;
    P->failed = 1;
    diag_error(P->D, JINN_ERR_LIMIT, P->last_pos, "limit 'parse_depth' exceeded: nested deeper than the parser's stack of 4000 entries");
}
