/*
 * lexer.re — jinn's tokenizer. re2c turns this into build/lexer.c (see the Makefile).
 *
 * Modes are re2c conditions:
 *   TEXT  template text. The only interesting byte is '{'; everything else is skipped with
 *         memchr, which is what makes lexing a 20 KB page cost microseconds.
 *   TAG   inside {% ... %}: the first name is the tag name (a TAG_* token), then expression
 *         tokens up to '%}'.
 *   VAR   inside {{ ... }}: expression tokens up to '}}'.
 *   ID    the argument of an insert tag: a [0-9A-Za-z-] run (a UUID), optionally behind
 *         "metric_id:", or a {{ expression }}.
 * Whitespace control is applied when a text token is cut (emit_text), so the grammar never
 * sees it. Every token carries its byte offset; diag.c turns that into line:column.
 */
#include <string.h>

#include "lex.h"
#include "diag.h"
#include "parser.h"

/*!types:re2c*/

/* ---- tag names ------------------------------------------------------------------------ */
#define NAMED(s, tk) {s, sizeof(s) - 1, tk}
static const struct { const char *name; size_t len; int tok; } tag_names[] = {
    NAMED("if", TK_TAG_IF), NAMED("elif", TK_TAG_ELIF), NAMED("else", TK_TAG_ELSE), NAMED("endif", TK_TAG_ENDIF),
    NAMED("for", TK_TAG_FOR), NAMED("endfor", TK_TAG_ENDFOR), NAMED("break", TK_TAG_BREAK),
    NAMED("continue", TK_TAG_CONTINUE), NAMED("set", TK_TAG_SET), NAMED("endset", TK_TAG_ENDSET),
    NAMED("do", TK_TAG_DO), NAMED("with", TK_TAG_WITH), NAMED("endwith", TK_TAG_ENDWITH),
    NAMED("macro", TK_TAG_MACRO), NAMED("endmacro", TK_TAG_ENDMACRO),
    NAMED("expressionvar", TK_TAG_EXPRESSIONVAR), NAMED("endexpressionvar", TK_TAG_ENDEXPRESSIONVAR),
    NAMED("metricsvar", TK_TAG_METRICSVAR), NAMED("endmetricsvar", TK_TAG_ENDMETRICSVAR),
    NAMED("aggregatevar", TK_TAG_AGGREGATEVAR), NAMED("endaggregatevar", TK_TAG_ENDAGGREGATEVAR),
    NAMED("aggregate", TK_TAG_AGGREGATE), NAMED("endaggregate", TK_TAG_ENDAGGREGATE),
    NAMED("expression", TK_TAG_EXPRESSION), NAMED("endexpression", TK_TAG_ENDEXPRESSION),
    NAMED("metrics", TK_TAG_METRICS), NAMED("endmetrics", TK_TAG_ENDMETRICS),
    NAMED("filter", TK_TAG_FILTER), NAMED("endfilter", TK_TAG_ENDFILTER),
    NAMED("call", TK_TAG_CALL), NAMED("endcall", TK_TAG_ENDCALL),
    NAMED("autoescape", TK_TAG_AUTOESCAPE), NAMED("endautoescape", TK_TAG_ENDAUTOESCAPE),
    NAMED("unless", TK_TAG_UNLESS), NAMED("endunless", TK_TAG_ENDUNLESS),
    NAMED("ifchanged", TK_TAG_IFCHANGED), NAMED("endifchanged", TK_TAG_ENDIFCHANGED),
    NAMED("cycle", TK_TAG_CYCLE), NAMED("print", TK_TAG_PRINT), NAMED("enddo", TK_TAG_ENDDO),
    NAMED("include", TK_TAG_INCLUDE), NAMED("import", TK_TAG_IMPORT), NAMED("from", TK_TAG_FROM),
    NAMED("extends", TK_TAG_EXTENDS), NAMED("block", TK_TAG_BLOCK), NAMED("endblock", TK_TAG_ENDBLOCK),
    NAMED("raw", -2), NAMED("endraw", -3),
};

/* memcmp(a, b, n) == 0 for a short word, without the call: 4 bytes at a time (the last load
 * overlapping), byte by byte under 4 */
static int same_bytes(const char *a, const char *b, size_t n)
{
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i]) return 0;
        return 1;
    }
    uint32_t x, y;
    for (size_t i = 0; i + 4 < n; i += 4) {
        memcpy(&x, a + i, 4);
        memcpy(&y, b + i, 4);
        if (x != y) return 0;
    }
    memcpy(&x, a + n - 4, 4);
    memcpy(&y, b + n - 4, 4);
    return x == y;
}

/* Called for the first word of every tag: compare only names of the right length that
 * start with the right letter. */
static inline int tag_lookup(const char *p, size_t n)
{
    /* the tags of most templates by length and letters first (a tag's name is read once per
     * tag: the walk below cost a few entries each for endif, endfor, set) */
    switch (n) {
    case 2: if (p[0] == 'i' && p[1] == 'f') return TK_TAG_IF; break;
    case 3:
        if (p[0] == 'f' && p[1] == 'o' && p[2] == 'r') return TK_TAG_FOR;
        if (p[0] == 's' && p[1] == 'e' && p[2] == 't') return TK_TAG_SET;
        break;
    case 4:
        if (same_bytes(p, "else", 4)) return TK_TAG_ELSE;
        if (same_bytes(p, "elif", 4)) return TK_TAG_ELIF;
        break;
    case 5: if (same_bytes(p, "endif", 5)) return TK_TAG_ENDIF; break;
    case 6: if (same_bytes(p, "endfor", 6)) return TK_TAG_ENDFOR; break;
    default: break;
    }
    for (size_t i = 0; i < sizeof tag_names / sizeof tag_names[0]; i++)
        if (tag_names[i].len == n && tag_names[i].name[0] == p[0] && same_bytes(tag_names[i].name, p, n))
            return tag_names[i].tok;
    return 0;
}

static int is_insert_tag(int tok)
{
    return tok == TK_TAG_EXPRESSIONVAR || tok == TK_TAG_METRICSVAR || tok == TK_TAG_AGGREGATEVAR ||
           tok == TK_TAG_AGGREGATE;
}

static const struct { const char *name; size_t len; int tok; } keywords[] = {
    NAMED("if", TK_IF), NAMED("else", TK_ELSE), NAMED("and", TK_AND), NAMED("or", TK_OR),
    NAMED("not", TK_NOT), NAMED("in", TK_IN), NAMED("is", TK_IS),
};

/* the bytes a name continues with: [a-zA-Z0-9_] */
static const unsigned char name_byte[256] = {
    ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['_'] = 1,
};

/* what may follow a name: blanks (1) to skip, then a byte that starts a postfix token (2: a
 * call, a subscript, an attribute) or anything else (0) */
static const unsigned char after_name[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, ['\v'] = 1, ['('] = 2, ['['] = 2, ['.'] = 2,
    ['"'] = 2, ['\''] = 2, /* (a string next: the strings that concatenate stay STRING) */
};

/* The keywords above, by length and letters (called for every short name: no table walk) */
static inline int keyword(const char *p, size_t n)
{
    switch (n) {
    case 2:
        if (p[0] == 'i') return p[1] == 'f' ? TK_IF : p[1] == 'n' ? TK_IN : p[1] == 's' ? TK_IS : 0;
        return p[0] == 'o' && p[1] == 'r' ? TK_OR : 0;
    case 3:
        if (p[0] == 'a') return p[1] == 'n' && p[2] == 'd' ? TK_AND : 0;
        return p[0] == 'n' && p[1] == 'o' && p[2] == 't' ? TK_NOT : 0;
    case 4: return p[0] == 'e' && p[1] == 'l' && p[2] == 's' && p[3] == 'e' ? TK_ELSE : 0;
    default: return 0;
    }
}

/* The jinjava profile's word operators (JUEL's reserved words, reference §2.2 and §5.2;
 * JUEL's Scanner.java): `a ne b`, `a div b`, `empty x`. Not after a '.', where they are
 * attribute names. */
static const struct { const char *name; size_t len; int tok; } word_ops[] = {
    NAMED("eq", TK_EQ), NAMED("ne", TK_NE), NAMED("lt", TK_LT), NAMED("gt", TK_GT), NAMED("le", TK_LE),
    NAMED("ge", TK_GE), NAMED("div", TK_DIV), NAMED("mod", TK_MOD), NAMED("empty", TK_EMPTY),
};

const char *lex_token_name(int type)
{
    switch (type) {
    case 0: return "end of input";
    case TK_TEXT: return "template text";
    case TK_TEXT_VAR: return "template text";
    case TK_VAR_BEGIN: return "'{{'";
    case TK_VAR_END: return "'}}'";
    case TK_BLOCK_END: return "'%}'";
    case TK_NAME: return "name";
    case TK_STRING: return "string";
    case TK_INT: return "integer";
    case TK_FLOAT: return "float";
    case TK_INSERT_ID: return "insert id";
    case TK_PLUS: return "'+'"; case TK_MINUS: return "'-'"; case TK_MUL: return "'*'";
    case TK_DIV: return "'/'"; case TK_FLOORDIV: return "'//'"; case TK_MOD: return "'%'";
    case TK_POW: return "'**'"; case TK_TILDE: return "'~'"; case TK_EQ: return "'=='";
    case TK_NE: return "'!='"; case TK_LT: return "'<'"; case TK_LE: return "'<='";
    case TK_GT: return "'>'"; case TK_GE: return "'>='"; case TK_ASSIGN: return "'='";
    case TK_LPAREN: return "'('"; case TK_RPAREN: return "')'"; case TK_LBRACKET: return "'['";
    case TK_RBRACKET: return "']'"; case TK_LBRACE: return "'{'"; case TK_RBRACE: return "'}'";
    case TK_COMMA: return "','"; case TK_DOT: return "'.'"; case TK_DOTTED: return "name";
    case TK_ONAME: return "name"; case TK_ODOTTED: return "name";
    case TK_OINT: return "integer"; case TK_OSTRING: return "string"; case TK_ATTR: return "'.'";
    case TK_FILTER: return "'|'"; case TK_COLON: return "':'";
    case TK_PIPE: return "'|'";
    case TK_RECURSIVE: return "recursive";
    case TK_KW_IGNORE: return "ignore";
    case TK_KW_MISSING: return "missing";
    case TK_KW_WITH: return "with";
    case TK_KW_WITHOUT: return "without";
    case TK_KW_CONTEXT: return "context";
    case TK_KW_AS: return "as";
    case TK_KW_IMPORT: return "import";
    case TK_KW_SCOPED: return "scoped";
    case TK_KW_REQUIRED: return "required";
    case TK_CALL_LPAREN: return "'('";
    case TK_EMPTY: return "empty";
    }
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (keywords[i].tok == type) return keywords[i].name;
    for (size_t i = 0; i < sizeof tag_names / sizeof tag_names[0]; i++)
        if (tag_names[i].tok == type) return tag_names[i].name;
    return "token";
}

void lex_init(lexer *L, const char *src, size_t len, struct diags *D, int trim_blocks, int lstrip_blocks)
{
    memset(L, 0, sizeof *L);
    L->src = L->cur = L->text0 = src;
    L->end = src + len;
    L->cond = yycTEXT;
    L->D = D;
    L->jinjava = D && D->R && D->R->profile == PROF_JINJAVA;
    L->trim_blocks = trim_blocks;
    L->lstrip_blocks = lstrip_blocks;
    L->operand = 1; /* (no tag: as after '{{') */
}

/* is the template lexed for the jinjava profile? (its whitespace and literal rules differ) */
static int is_jinjava(const lexer *L) { return L->jinjava; }

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* does the token just started follow a '.' (an attribute name: x.div is not an operator)? */
static int after_dot(const lexer *L)
{
    const char *b = L->tok;
    while (b > L->src && is_ws(b[-1])) b--;
    return b > L->src && b[-1] == '.';
}

/* ---- text tokens and whitespace control --------------------------------------------------
 * Cut the text run [text0, stop) into t. `opener` is the tag that ends the run: its trim
 * marker ('-' strips all whitespace before it, '+' disables lstrip_blocks) decides how the
 * end of the run is trimmed. Returns 0 when nothing is left to emit. */
static inline int emit_text(lexer *L, token *t, const char *stop, char marker, int is_block)
{
    const char *a = L->text0, *b = stop;
    if (L->lstrip_next) {
        while (a < b && is_ws(*a)) a++;
    } else if (L->trim_next) {
        if (a < b && *a == '\n') a++;
        else if (b - a >= 2 && a[0] == '\r' && a[1] == '\n') a += 2;
    }
    L->lstrip_next = L->trim_next = 0;
    if (marker == '-') {
        while (b > a && is_ws(b[-1])) b--;
    } else if (is_block && marker != '+' && L->lstrip_blocks) {
        const char *q = b;
        while (q > a && (q[-1] == ' ' || q[-1] == '\t')) q--;
        /* Jinja2 strips only a line's indentation; Jinjava strips the blanks before any tag */
        if (q == L->src || q[-1] == '\n' || is_jinjava(L)) b = q;
    }
    L->text0 = stop;
    if (a == b) return 0;
    t->type = TK_TEXT;
    t->pos = (uint32_t)(a - L->src);
    t->p = a;
    t->len = (uint32_t)(b - a);
    return 1;
}

/* Jinjava 2.x's lenient dash (tree/parse/LenientWhitespaceControlParser.java, WhitespaceUtils):
 * a '-' is a trim marker when it is the first or last non-blank character inside {% %} or {{ }},
 * not only when it touches the delimiter; its switch parseWhitespaceControlStrictly
 * (StrictWhitespaceControlParser) wants it touching, as Jinja2 does. (The leading '-' of
 * {{ -10 }}, which 2.x also takes for a marker, is kept as a minus: docs/language.md.) */
static int lenient_dash(const lexer *L)
{
    return is_jinjava(L) && !(L->jv & JINN_JV_STRICT_WHITESPACE) && !L->custom;
}

/* the "#}" that ends a comment whose text starts at p, or NULL */
static const char *comment_end(const lexer *L, const char *p)
{
    for (;;) {
        p = memchr(p, '#', (size_t)(L->end - p));
        if (!p || p + 1 >= L->end) return NULL;
        if (p[1] == '}') return p;
        p++;
    }
}

static int all_ws(const char *a, const char *b)
{
    while (a < b && is_ws(*a)) a++;
    return a == b;
}

/* Does the jinjava profile merge the texts around a comment (its switch allowAdjacentTextNodes
 * off, the 2.x default)? */
static int merge_texts(const lexer *L)
{
    return is_jinjava(L) && !(L->jv & JINN_JV_ADJACENT_TEXT) && !L->custom;
}

static char var_marker(lexer *L, char m);
static char comment_marker(lexer *L, char m);

/* After a comment ending at q, does a left trim follow across blanks (and more comments)? */
static int trim_follows(lexer *L, const char *q)
{
    for (;;) {
        while (q < L->end && is_ws(*q)) q++;
        if (L->end - q < 3 || q[0] != '{') return 0;
        if (q[1] == '%') {
            const char *r = q + 2;
            if (*r != '-' && lenient_dash(L)) while (r < L->end && is_ws(*r)) r++;
            return r < L->end && *r == '-' && !(r + 1 < L->end && r[1] == '%' && r > q + 2);
        }
        if (q[1] == '{') return q[2] == '-' && var_marker(L, '-');
        if (q[1] != '#') return 0;
        if (q[2] == '-' && comment_marker(L, '-')) return 1;
        if (!(q = comment_end(L, q + 2))) return 0;
        q += 2;
    }
}

/* The trim effect of a {{ }} marker: '+' has none; in the jinjava profile '-' has none either
 * (Jinjava 2.x reads and drops the dash of {{- -}} but trims only at {%- -%}) unless its switch
 * useTrimmingForNotesAndExpressions is on (tree/TreeParser.java, isTrimmingEnabledForToken). */
static char var_marker(lexer *L, char m)
{
    if (m == '+' || (m == '-' && is_jinjava(L) && !(L->jv & JINN_JV_TRIM_NOTES_EXPRESSIONS))) return 0;
    return m;
}

/* The trim effect of a {# #} marker: as a tag's, but in the jinjava profile '-' has none (its
 * comments still take trim_blocks and lstrip_blocks, as tags do), as for {{ }} above */
static char comment_marker(lexer *L, char m)
{
    return m == '-' && is_jinjava(L) && !(L->jv & JINN_JV_TRIM_NOTES_EXPRESSIONS) ? 0 : m;
}

/* After a tag closes: '-' strips the following whitespace, trim_blocks drops one newline. */
static void after_close(lexer *L, char marker, int is_block)
{
    if (marker == '-') L->lstrip_next = 1;
    else if (is_block && marker != '+' && L->trim_blocks) L->trim_next = 1;
    L->text0 = L->cur;
}

/* After a tag's '%}' or a '{{' (every place that makes a BLOCK_END or VAR_BEGIN token calls
 * it, not lex_next for every token): no tag's own words, and names are operands again. */
static inline void no_tag(lexer *L)
{
    L->cur_tag = 0;
    L->operand = 1;
}

static void tok(lexer *L, token *t, int type)
{
    t->type = type;
    t->pos = (uint32_t)(L->tok - L->src);
    t->p = L->tok;
    t->len = (uint32_t)(L->cur - L->tok);
}

static void lex_fail(lexer *L, token *t, const char *at, const char *msg, const char *arg, int arglen)
{
    diag_error(L->D, JINN_ERR_SYNTAX, (uint32_t)(at - L->src), msg, arglen, arg);
    t->type = -1;
    t->pos = (uint32_t)(at - L->src);
}

/* '{% raw %}': find the matching '{% endraw %}' and make its body one text token (with the
 * configured delimiters when there are). */
static int lex_raw(lexer *L, token *t, const char *tagstart)
{
    const char *bs = L->custom ? L->bs : "{%", *be = L->custom ? L->be : "%}";
    size_t bsl = strlen(bs), bel = strlen(be);
    /* L->cur is just after "raw"; expect [ws] [-+]? block end */
    const char *p = L->cur;
    while (p < L->end && is_ws(*p)) p++;
    char close_marker = 0;
    if (p < L->end && (*p == '-' || *p == '+')) close_marker = *p++;
    if ((size_t)(L->end - p) < bel || memcmp(p, be, bel)) {
        diag_error(L->D, JINN_ERR_SYNTAX, (uint32_t)(p - L->src), "expected '%s' after 'raw'", be);
        t->type = -1;
        return 1;
    }
    p += bel;
    for (const char *q = p; q < L->end; q++) {
        q = memchr(q, bs[0], (size_t)(L->end - q));
        if (!q) break;
        if ((size_t)(L->end - q) < bsl || memcmp(q, bs, bsl)) continue;
        const char *r = q + bsl;
        char open_marker = 0;
        if (r < L->end && (*r == '-' || *r == '+')) open_marker = *r++;
        while (r < L->end && is_ws(*r)) r++;
        if (L->end - r < 6 || memcmp(r, "endraw", 6) != 0) continue;
        r += 6;
        while (r < L->end && is_ws(*r)) r++;
        char end_marker = 0;
        if (r < L->end && (*r == '-' || *r == '+')) end_marker = *r++;
        if ((size_t)(L->end - r) < bel || memcmp(r, be, bel)) continue;
        /* body is [p, q) */
        const char *a = p, *b = q;
        if (close_marker == '-') while (a < b && is_ws(*a)) a++;
        if (open_marker == '-') while (b > a && is_ws(b[-1])) b--;
        else if (open_marker != '+' && L->lstrip_blocks) {
            const char *w = b;
            while (w > a && (w[-1] == ' ' || w[-1] == '\t')) w--;
            if (w == L->src || w[-1] == '\n') b = w;
        }
        L->cur = r + bel;
        after_close(L, end_marker, 1);
        L->cond = yycTEXT;
        if (a == b) return 0;
        t->type = TK_TEXT;
        t->pos = (uint32_t)(a - L->src);
        t->p = a;
        t->len = (uint32_t)(b - a);
        return 1;
    }
    L->D->incomplete = 1;
    diag_error(L->D, JINN_ERR_SYNTAX, (uint32_t)(tagstart - L->src), "unclosed 'raw' block: no '%s endraw %s' follows", bs, be);
    t->type = -1;
    return 1;
}

/* A '{name ... %}' in text where name is a tag: almost surely a '{%' missing its '%'.
 * Report it, and read it as the tag it was meant to be so the rest can still be checked. */
static int looks_like_broken_tag(lexer *L, const char *brace)
{
    const char *p = brace + 1, *q = p;
    while (q < L->end && ((*q >= 'a' && *q <= 'z') || *q == '_')) q++;
    if (q == p || q >= L->end || !(is_ws(*q) || *q == '%')) return 0;
    int tk = tag_lookup(p, (size_t)(q - p));
    if (tk <= 0) return 0;
    /* the closing '%}' must come before the next real tag opener */
    for (const char *r = q; r + 1 < L->end; r++) {
        if (r[0] == '%' && r[1] == '}') {
            diag_error(L->D, JINN_ERR_SYNTAX, (uint32_t)(brace - L->src),
                       "'{%.*s' is missing its '%%': a tag opens with '{%%', write '{%% %.*s'",
                       (int)(q - p), p, (int)(q - p), p);
            return 1;
        }
        if (r[0] == '{' && (r[1] == '%' || r[1] == '{' || r[1] == '#')) return 0;
    }
    return 0;
}

/* ---- a configured syntax ------------------------------------------------------------------
 * Custom delimiters and line statements/comments are scanned here in C; the re2c rules above
 * and below keep the default syntax fast. */
void lex_set_syntax(lexer *L, const lex_syntax *sy)
{
    L->bs = sy->bs ? sy->bs : "{%"; L->be = sy->be ? sy->be : "%}";
    L->vs = sy->vs ? sy->vs : "{{"; L->ve = sy->ve ? sy->ve : "}}";
    L->cs = sy->cs ? sy->cs : "{#"; L->ce = sy->ce ? sy->ce : "#}";
    L->lsp = sy->lsp && *sy->lsp ? sy->lsp : NULL;
    L->lcp = sy->lcp && *sy->lcp ? sy->lcp : NULL;
    L->bsl = strlen(L->bs); L->bel = strlen(L->be); L->vsl = strlen(L->vs); L->vel = strlen(L->ve);
    L->csl = strlen(L->cs); L->cel = strlen(L->ce);
    L->lspl = L->lsp ? strlen(L->lsp) : 0; L->lcpl = L->lcp ? strlen(L->lcp) : 0;
    L->custom = sy->bs || sy->be || sy->vs || sy->ve || sy->cs || sy->ce || L->lsp || L->lcp;
    L->slow = L->custom || L->pending;
}

static const char *find_str(const char *p, const char *end, const char *s, size_t n)
{
    if (!n || (size_t)(end - p) < n) return NULL;
    for (const char *q = p; (q = memchr(q, s[0], (size_t)(end - q) - n + 1)); q++)
        if (!memcmp(q, s, n)) return q;
    return NULL;
}

/* the next line (after p) whose first non-blank characters are the line statement prefix */
static const char *find_line_stmt(lexer *L, const char *p)
{
    for (const char *ls = p; ls < L->end;) {
        if (ls == L->src || ls[-1] == '\n') {
            const char *q = ls;
            while (q < L->end && (*q == ' ' || *q == '\t')) q++;
            if ((size_t)(L->end - q) >= L->lspl && !memcmp(q, L->lsp, L->lspl)) return ls;
        }
        const char *nl = memchr(ls, '\n', (size_t)(L->end - ls));
        if (!nl) break;
        ls = nl + 1;
    }
    return NULL;
}

static int open_tag(lexer *L, token *t);
static void after_close(lexer *L, char marker, int is_block);
static int emit_text(lexer *L, token *t, const char *stop, char marker, int is_block);

/* TEXT mode with a configured syntax: find the earliest opener. Returns 1 when t is set, 0
 * when the lexer moved into a tag (the caller goes on lexing), -1 at a lexical error. */
static int lex_text_custom(lexer *L, token *t)
{
    for (;;) {
        const char *p = L->cur;
        const char *v = find_str(p, L->end, L->vs, L->vsl), *b = find_str(p, L->end, L->bs, L->bsl);
        const char *c = find_str(p, L->end, L->cs, L->csl), *lc = L->lcp ? find_str(p, L->end, L->lcp, L->lcpl) : NULL;
        const char *ls = L->lsp ? find_line_stmt(L, p) : NULL;
        const char *best = NULL;
        int kind = 0; /* 1 var, 2 block, 3 comment, 4 line comment, 5 line statement */
#define CAND(ptr, k, len) if ((ptr) && (!best || (ptr) < best || ((ptr) == best && (len) > bestlen))) { best = (ptr); kind = (k); bestlen = (len); }
        size_t bestlen = 0;
        CAND(ls, 5, (size_t)1)
        CAND(v, 1, L->vsl)
        CAND(b, 2, L->bsl)
        CAND(c, 3, L->csl)
        CAND(lc, 4, L->lcpl)
#undef CAND
        if (!best) {
            if (emit_text(L, t, L->end, 0, 0)) { L->cur = L->end; return 1; }
            L->cur = L->end;
            t->type = 0; t->pos = (uint32_t)(L->end - L->src); t->p = L->end; t->len = 0;
            return 1;
        }
        if (kind == 5) {
            /* a line statement: the text before the line, then the tag up to the newline */
            if (emit_text(L, t, best, 0, 0)) { L->cur = best; L->text0 = best; return 1; }
            const char *q = best;
            while (*q == ' ' || *q == '\t') q++;
            L->tag_open = q;
            L->cur = q + L->lspl;
            L->line_stmt = 1;
            return open_tag(L, t) ? 0 : -1;
        }
        if (kind == 4) {
            /* a line comment: drop it and the blanks before it, keep the newline */
            const char *a = best;
            while (a > L->text0 && (a[-1] == ' ' || a[-1] == '\t')) a--;
            if (emit_text(L, t, a, 0, 0)) { L->cur = a; L->text0 = a; return 1; }
            const char *nl = memchr(best, '\n', (size_t)(L->end - best));
            L->cur = L->text0 = nl ? nl : L->end;
            continue;
        }
        size_t olen = kind == 1 ? L->vsl : kind == 2 ? L->bsl : L->csl;
        char marker = (best + olen < L->end && (best[olen] == '-' || best[olen] == '+')) ? best[olen] : 0;
        char eff = kind == 1 ? var_marker(L, marker) : kind == 3 ? comment_marker(L, marker) : marker;
        if (emit_text(L, t, best, eff, kind != 1)) { L->cur = best; L->text0 = best; return 1; }
        L->tok = best;
        L->cur = best + olen + (marker ? 1 : 0);
        if (kind == 1) {
            L->cond = yycVAR;
            L->brace_depth = 0;
            t->type = TK_VAR_BEGIN; t->pos = (uint32_t)(best - L->src); t->p = best; t->len = (uint32_t)(L->cur - best);
            no_tag(L);
            return 1;
        }
        if (kind == 2) {
            L->tag_open = best;
            return open_tag(L, t) ? 0 : -1;
        }
        /* a comment: to its end delimiter */
        const char *e = find_str(L->cur, L->end, L->ce, L->cel);
        if (!e) {
            L->D->incomplete = 1;
            diag_error(L->D, JINN_ERR_SYNTAX, (uint32_t)(best - L->src), "unclosed comment: no '%s' follows", L->ce);
            t->type = -1;
            return -1;
        }
        char close = (e > L->cur && (e[-1] == '-' || e[-1] == '+')) ? e[-1] : 0;
        L->cur = e + L->cel;
        after_close(L, comment_marker(L, close), 1);
    }
}

/* TAG/VAR mode with a configured syntax: the closer, checked before the re2c rules. Returns 1
 * when t is the closer, 0 otherwise (with L->cur past any blanks). */
static int lex_close_custom(lexer *L, token *t)
{
    const char *p = L->cur;
    for (;;) {
        while (p < L->end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')) p++;
        if (p < L->end && *p == '\n') {
            if (L->line_stmt && L->cond == yycTAG && L->brace_depth == 0) {
                /* a line statement ends with its line (the newline is consumed) */
                L->tok = p;
                L->cur = p + 1;
                t->type = TK_BLOCK_END; t->pos = (uint32_t)(p - L->src); t->p = p; t->len = 1;
                no_tag(L);
                L->cond = yycTEXT;
                L->line_stmt = 0;
                L->id_next = 0;
                L->text0 = L->cur;
                return 1;
            }
            p++;
            continue;
        }
        break;
    }
    L->cur = p;
    if (L->line_stmt && p >= L->end && L->cond == yycTAG) {
        t->type = TK_BLOCK_END; t->pos = (uint32_t)(p - L->src); t->p = p; t->len = 0;
        no_tag(L);
        L->cond = yycTEXT;
        L->line_stmt = 0;
        L->text0 = L->cur;
        return 1;
    }
    if (L->line_stmt) return 0;
    const char *cl = L->cond == yycVAR ? L->ve : L->be;
    size_t cll = L->cond == yycVAR ? L->vel : L->bel;
    char marker = 0;
    const char *q = p;
    if (q < L->end && (*q == '-' || *q == '+')) { marker = *q; q++; }
    /* a closer that itself starts with the marker ('-->'): Jinja2 tries '-' + closer first,
     * then the closer alone */
    if (marker && !((size_t)(L->end - q) >= cll && !memcmp(q, cl, cll))) { marker = 0; q = p; }
    if (L->brace_depth == 0 && (size_t)(L->end - q) >= cll && !memcmp(q, cl, cll)) {
        L->tok = p;
        L->cur = q + cll;
        t->type = L->cond == yycVAR ? TK_VAR_END : TK_BLOCK_END;
        t->pos = (uint32_t)(p - L->src); t->p = p; t->len = (uint32_t)(L->cur - p);
        int was_var = L->cond == yycVAR;
        if (!was_var) no_tag(L);
        if (was_var && L->var_in_id) { L->var_in_id = 0; L->cond = yycTAG; L->text0 = L->cur; return 1; }
        L->cond = yycTEXT;
        after_close(L, was_var ? var_marker(L, marker) : marker, !was_var);
        L->id_next = 0;
        return 1;
    }
    return 0;
}

/* After '{%': enter TAG mode; the first word must be a tag name. */
static inline int open_tag(lexer *L, token *t)
{
    L->cond = yycTAG;
    L->brace_depth = 0;
    L->first = 1;
    const char *p = L->cur;
    while (p < L->end && is_ws(*p)) p++;
    if (p >= L->end || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')) {
        lex_fail(L, t, p < L->end ? p : L->tag_open, "expected a tag name after '{%%'%.*s", "", 0);
        return 0;
    }
    return 1;
}


static void lex_token(lexer *L, token *t);

/* The length of the name at q if the lexer would make it a plain NAME token right after the
 * '.' (dot) or '|' just read, else 0: then the two are one ATTR or FILTER token. Not a keyword
 * (x.if and the like stay DOT + keyword for the grammar's attr_name), not inside the tags
 * whose own words a name may be (for, block, include, import, from), not the jinjava
 * profile's fn: prefix nor, after a bar, its word operators (after a dot they are names). */
static size_t plain_name_at(const lexer *L, const char *q, int dot)
{
    if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_')) return 0;
    const char *ne = q;
    while (name_byte[(unsigned char)*ne]) ne++;
    size_t n = (size_t)(ne - q);
    if ((n <= 4 && keyword(q, n)) || L->cur_tag == TK_TAG_FOR || L->cur_tag == TK_TAG_BLOCK ||
        L->cur_tag == TK_TAG_INCLUDE || L->cur_tag == TK_TAG_IMPORT || L->cur_tag == TK_TAG_FROM)
        return 0;
    if (is_jinjava(L) && ((n == 2 && q[0] == 'f' && q[1] == 'n' && *ne == ':') || (!dot && n <= 5))) return 0;
    return n;
}

/* An integer or a string as its operand token (OINT, OSTRING: an oexpr in one reduction)
 * where a name would be an ONAME (L->operand), not right after a '.', and
 * no '(', '[', '.' or string follows */
static inline void operand_tok(lexer *L, token *t, int type, int otype)
{
    tok(L, t, type);
    int name_only = L->name_only;
    L->name_only = 0;
    if (name_only || !L->operand) return;
    const char *q = L->cur;
    while (after_name[(unsigned char)*q] == 1) q++;
    if (!after_name[(unsigned char)*q]) t->type = otype;
}

/* The next token. A tag's own words (ignore missing, as, scoped, ...) are keywords only inside
 * that tag: the tag ends with its '%}', and a '{{' starts an expression of no tag. */
/* (keyword, emit_text, tag_lookup, open_tag: small helpers called for most tokens, inlined) */
void lex_next(lexer *L, token *t) { lex_token(L, t); }

/* A text token was cut at the '{%' just matched: the next call goes on from the opener's
 * end (lex_token's slow path) instead of matching it again. */
static inline void pend(lexer *L)
{
    L->pend_tok = L->tok;
    L->pend_cur = L->cur;
    L->pending = 1;
    L->slow = 1;
    L->cur = L->tok;
    L->text0 = L->tok;
}

static void lex_token(lexer *L, token *t)
{
    char marker;
loop:
    if (L->slow) {
        if (L->pending) {
            /* the '{%' that ended the text token just returned: taken up where the rule left
             * it (L->pending), not scanned again */
            L->pending = 0;
            L->slow = L->custom;
            L->tok = L->pend_tok;
            L->cur = L->pend_cur;
            L->tag_open = L->tok;
            if (!open_tag(L, t)) return;
            goto loop;
        }
        if (L->cond == yycTEXT) {
            int r = lex_text_custom(L, t);
            if (r != 0) return;
            /* now in TAG mode: fall through to the closer check and the re2c rules */
        }
        if ((L->cond == yycTAG || L->cond == yycVAR) && lex_close_custom(L, t)) return;
    } else if (L->cond != yycTEXT) {
        /* the blanks between a tag's tokens, here rather than by the ws rule (a pass of the
         * automaton each); the ws rule takes the other white space */
        const char *q = L->cur;
        while (*q == ' ') q++;
        L->cur = q;
    }
    L->tok = L->cur;
    /*!re2c
    re2c:api = custom;
    re2c:api:style = free-form;
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYPEEK = "(unsigned char)*L->cur";
    re2c:define:YYSKIP = "++L->cur;";
    re2c:define:YYBACKUP = "L->mar = L->cur;";
    re2c:define:YYRESTORE = "L->cur = L->mar;";
    re2c:define:YYLESSTHAN = "(L->end - L->cur) < @@";
    re2c:define:YYGETCONDITION = "L->cond";
    re2c:define:YYSETCONDITION = "L->cond = @@;";
    re2c:yyfill:enable = 0;
    re2c:eof = 0;

    name   = [a-zA-Z_][a-zA-Z0-9_]*;
    digits = [0-9] ("_"? [0-9])*;
    exp    = [eE] [+-]? digits;
    ws     = [ \t\r\n\f\v]+;
    dq     = "\"" ([^"\\] | "\\" [^])* "\"";
    sq     = "'" ([^'\\] | "\\" [^])* "'";

    <TEXT> "{{" [-+]? {
        marker = (L->cur - L->tok == 3) ? (char)L->tok[2] : 0;
        if (emit_text(L, t, L->tok, var_marker(L, marker), 0)) {
            /* the text and the '{{' after it are one TEXT_VAR token (the text's; the parser finds
             * the '{{' after it, past any blanks a '-' trimmed) */
            t->type = TK_TEXT_VAR;
            L->cond = yycVAR;
            L->brace_depth = 0;
            L->cur_tag = 0; /* (as lex_next does after a VAR_BEGIN) */
            L->operand = 1;
            return;
        }
        L->cond = yycVAR;
        L->brace_depth = 0;
        tok(L, t, TK_VAR_BEGIN);
        no_tag(L);
        return;
    }
    <TEXT> "{%" [-+]? {
        marker = (L->cur - L->tok == 3) ? (char)L->tok[2] : 0;
        if (!marker && lenient_dash(L)) { /* {% - if x %} is {%- if x %} */
            const char *q = L->cur;
            while (q < L->end && is_ws(*q)) q++;
            if (q < L->end && *q == '-' && !(q + 1 < L->end && q[1] == '%')) { marker = '-'; L->cur = q + 1; }
        }
        if (emit_text(L, t, L->tok, marker, 1)) { pend(L); return; }
        L->tag_open = L->tok;
        if (!open_tag(L, t)) return;
        goto loop;
    }
    <TEXT> "{#" [-+]? {
        marker = (L->cur - L->tok == 3) ? (char)L->tok[2] : 0;
        const char *start = L->tok;
        /* find the end "#}" */
        const char *p = comment_end(L, L->cur);
        if (!p) { L->D->incomplete = 1; lex_fail(L, t, start, "unclosed comment: no '#}' follows%.*s", "", 0); return; }
        char m = comment_marker(L, marker);
        /* Jinjava 2.x merges the texts on both sides of a comment into one text node
         * (tree/TreeParser.java, unless allowAdjacentTextNodes), so a trim after the comment
         * reaches the text before it across blanks, and one before it the text after */
        int keep = merge_texts(L) && L->lstrip_next && all_ws(L->text0, start);
        if (!m && marker != '+' && merge_texts(L) && trim_follows(L, p + 2)) m = '-';
        if (emit_text(L, t, L->tok, m, 1)) { L->cur = L->tok; L->text0 = L->tok; return; }
        char close = (p > L->cur && (p[-1] == '-' || p[-1] == '+')) ? p[-1] : 0;
        L->cur = p + 2;
        after_close(L, comment_marker(L, close), 1);
        if (keep) L->lstrip_next = 1;
        goto loop;
    }
    <TEXT> "{" [a-z] {
        if (L->broken_at == L->tok || looks_like_broken_tag(L, L->tok)) {
            L->broken_at = L->tok;
            if (emit_text(L, t, L->tok, 0, 1)) { L->cur = L->tok; L->text0 = L->tok; return; }
            L->cur = L->tok + 1;
            L->tag_open = L->tok;
            if (!open_tag(L, t)) return;
            goto loop;
        }
        goto loop;
    }
    <TEXT> $ {
        if (emit_text(L, t, L->end, 0, 0)) return;
        t->type = 0; t->pos = (uint32_t)(L->end - L->src); t->p = L->end; t->len = 0;
        return;
    }
    <TEXT> [^] {
        const char *q = memchr(L->cur, '{', (size_t)(L->end - L->cur));
        L->cur = q ? q : L->end;
        goto loop;
    }

    <TAG,VAR,ID> ws {
        if (L->custom) { L->cur = L->tok; /* blanks and line ends are the closer check's */
            while (L->cur < L->end && (*L->cur == ' ' || *L->cur == '\t' || *L->cur == '\r' || *L->cur == '\f' || *L->cur == '\v' ||
                                       (*L->cur == '\n' && !(L->line_stmt && L->brace_depth == 0)))) L->cur++;
            if (L->cur == L->tok) { goto loop; }
        }
        goto loop;
    }
    <TAG,VAR,ID> $ {
        L->D->incomplete = 1;
        if (L->custom)
            diag_error(L->D, JINN_ERR_SYNTAX, (uint32_t)(L->tok - L->src), "unexpected end of input: '%s' is never closed by '%s'",
                       L->cond == yycVAR ? L->vs : L->bs, L->cond == yycVAR ? L->ve : L->be);
        else
            lex_fail(L, t, L->tok, L->cond == yycVAR ? "unexpected end of input: '{{' is never closed by '}}'%.*s"
                                                     : "unexpected end of input: '{%%' is never closed by '%%}'%.*s", "", 0);
        t->type = 0;
        return;
    }

    <TAG,ID> [-+]? "%}" {
        if ((L->brace_depth > 0 && L->tok[0] != '-') || L->custom) {
            /* '%' then '}' inside a literal: let the grammar complain about it */
            L->cur = L->tok + 1;
            L->brace_depth--;
            tok(L, t, TK_MOD);
            return;
        }
        marker = L->tok[0] == '%' ? 0 : (char)L->tok[0];
        tok(L, t, TK_BLOCK_END);
        no_tag(L);
        L->cond = yycTEXT;
        after_close(L, marker, 1);
        L->id_next = 0;
        return;
    }
    <VAR> [-+]? "}}" {
        if (L->brace_depth > 0 || L->custom) {
            L->cur = L->tok + 1;
            if (L->tok[0] == '-' || L->tok[0] == '+') { tok(L, t, L->tok[0] == '-' ? TK_MINUS : TK_PLUS); return; }
            L->brace_depth--;
            tok(L, t, TK_RBRACE);
            return;
        }
        marker = L->tok[0] == '}' ? 0 : (char)L->tok[0];
        tok(L, t, TK_VAR_END);
        if (L->var_in_id) { L->var_in_id = 0; L->cond = yycTAG; L->text0 = L->cur; return; }
        L->cond = yycTEXT;
        after_close(L, var_marker(L, marker), 0);
        return;
    }

    <ID> "{{" [-+]? {
        L->cur = L->tok + 2;
        L->var_in_id = 1;
        L->cond = yycVAR;
        L->brace_depth = 0;
        tok(L, t, TK_VAR_BEGIN);
        no_tag(L);
        return;
    }
    <ID> "metric_id:" { goto loop; }
    <ID> [0-9A-Za-z-]+ {
        /* a trailing '-' belongs to '-%}' */
        if (L->cur[0] == '%' && L->cur[-1] == '-' && L->cur - L->tok > 1) L->cur--;
        tok(L, t, TK_INSERT_ID);
        L->cond = yycTAG;
        return;
    }
    <ID> [^] {
        lex_fail(L, t, L->tok, "expected an id after the insert tag (a run of [0-9A-Za-z-] or {{ expression }})%.*s", "", 0);
        return;
    }

    <TAG,VAR> [a-zA-Z_] {
        /* the rest of the name in C, a table lookup a byte (the automaton's loop cost twice
         * that): [a-zA-Z0-9_]* as the `name` definition says */
        const char *ne = L->cur;
        while (name_byte[(unsigned char)*ne]) ne++;
        L->cur = ne;
        size_t n = (size_t)(L->cur - L->tok);
        if (L->first && L->cond == yycTAG) {
            L->first = 0;
            int tk = tag_lookup(L->tok, n);
            if (tk == -2) {
                if (lex_raw(L, t, L->tag_open)) return;
                goto loop;
            }
            if (tk == -3) { lex_fail(L, t, L->tok, "'endraw' without a matching 'raw'%.*s", "", 0); return; }
            if (tk == 0) { lex_fail(L, t, L->tok, "unknown tag '%.*s'", L->tok, (int)n); return; }
            /* the token spans from '{%' so the parser reports the tag where it opens */
            tok(L, t, tk);
            t->pos = (uint32_t)(L->tag_open - L->src);
            L->cur_tag = tk;
            L->operand = tk == TK_TAG_IF || tk == TK_TAG_ELIF;
            if (tk == TK_TAG_CALL) {
                const char *q = L->cur;
                while (q < L->end && is_ws(*q)) q++;
                L->call_paren = q < L->end && *q == '(';
            }
            if (is_insert_tag(tk)) { L->cond = yycID; L->id_kind = tk; }
            return;
        }
        /* keywords are 2 to 4 letters: and or not in is if else */
        if (n <= 4) {
            int kw = keyword(L->tok, n);
            if (kw) {
                L->name_only = kw == TK_IS || (kw == TK_NOT && L->name_only);
                if (kw == TK_IN && L->cur_tag == TK_TAG_FOR) L->operand = 1; /* the iterable and filter */
                tok(L, t, kw);
                return;
            }
        }
        if (is_jinjava(L)) {
            if (n <= 5 && !after_dot(L))
                for (size_t i = 0; i < sizeof word_ops / sizeof word_ops[0]; i++)
                    if (word_ops[i].len == n && !memcmp(word_ops[i].name, L->tok, n)) { tok(L, t, word_ops[i].tok); return; }
            /* the jinjava profile's namespaced functions fn:list(...), fn:immutable_list(...)
             * (lib/fn/FunctionLibrary.java registers them under the prefix "fn") */
            if (n == 2 && L->tok[0] == 'f' && L->tok[1] == 'n' && L->cur + 1 < L->end && L->cur[0] == ':' &&
                ((L->cur[1] | 0x20) >= 'a' && (L->cur[1] | 0x20) <= 'z')) {
                L->cur++;
                goto loop;
            }
        }
        /* the words that are keywords only inside their tag (one jump for the tag, not a test
         * of each word's tag per name) */
        switch (L->cur_tag) {
        case TK_TAG_FOR:
            if (n == 9 && !memcmp(L->tok, "recursive", 9)) { tok(L, t, TK_RECURSIVE); return; }
            break;
        case TK_TAG_BLOCK:
            if (n == 6 && !memcmp(L->tok, "scoped", 6)) { tok(L, t, TK_KW_SCOPED); return; }
            if (n == 8 && !memcmp(L->tok, "required", 8)) { tok(L, t, TK_KW_REQUIRED); return; }
            break;
        case TK_TAG_INCLUDE: case TK_TAG_IMPORT: case TK_TAG_FROM: {
            static const struct { const char *w; int tk; } words[] = {
                {"ignore", TK_KW_IGNORE}, {"missing", TK_KW_MISSING}, {"with", TK_KW_WITH},
                {"without", TK_KW_WITHOUT}, {"context", TK_KW_CONTEXT}, {"as", TK_KW_AS}, {"import", TK_KW_IMPORT}};
            for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
                if (strlen(words[i].w) == n && !memcmp(words[i].w, L->tok, n)) { tok(L, t, words[i].tk); return; }
            break;
        }
        default:
            break;
        }
        tok(L, t, TK_NAME);
        /* name.attr.attr (no blanks) is one DOTTED token where the parser takes a name as an
         * operand (L->operand: inside {{ }}, {% if %}, {% elif %}, a for's iterable, a set's
         * value), not as a filter's, a test's or an
         * attribute's name (after '|', 'is', 'is not', a lone '.': a stale name_only only costs
         * the split form). Elsewhere a name
         * may be a target, a macro's or a block's name, where the split tokens place the
         * error at the '.'. The parser then makes the chain with one shift and one reduction. */
        int name_only = L->name_only;
        L->name_only = 0;
        if (!name_only && L->operand) {
            if (*L->cur == '.') {
                size_t an;
                while (*L->cur == '.' && (an = plain_name_at(L, L->cur + 1, 1)) != 0) {
                    L->cur += 1 + an;
                    t->type = TK_DOTTED;
                }
                t->len = (uint32_t)(L->cur - L->tok);
            }
            /* an operand no '(', '[' or '.' follows (every postfix token starts with one of
             * them) is an ONAME or ODOTTED token: an oexpr in one reduction, not through
             * postfix (most names of a template) */
            const char *q = L->cur;
            while (after_name[(unsigned char)*q] == 1) q++;
            if (!after_name[(unsigned char)*q]) t->type = t->type == TK_NAME ? TK_ONAME : TK_ODOTTED;
        }
        return;
    }
    <TAG,VAR> "0" [xX] ("_"? [0-9a-fA-F])+ { operand_tok(L, t, TK_INT, TK_OINT); return; }
    <TAG,VAR> "0" [oO] ("_"? [0-7])+ { operand_tok(L, t, TK_INT, TK_OINT); return; }
    <TAG,VAR> "0" [bB] ("_"? [01])+ { operand_tok(L, t, TK_INT, TK_OINT); return; }
    <TAG,VAR> digits { operand_tok(L, t, TK_INT, TK_OINT); return; }
    <TAG,VAR> digits "." digits exp? { tok(L, t, TK_FLOAT); return; }
    <TAG,VAR> "." digits exp? {
        /* ".25": a float in Jinjava (JUEL); Jinja2 reads '.' then 25 (an error there). Not
         * after a name or a closing bracket, where it is attribute access (x.0). */
        const char *b = L->tok;
        while (b > L->src && (b[-1] == ' ' || b[-1] == '\t')) b--;
        int after_operand = b > L->src && (b[-1] == ')' || b[-1] == ']' || b[-1] == '_' ||
                                           (b[-1] >= '0' && b[-1] <= '9') || ((b[-1] | 0x20) >= 'a' && (b[-1] | 0x20) <= 'z'));
        if (is_jinjava(L) && !after_operand) { tok(L, t, TK_FLOAT); return; }
        L->cur = L->tok + 1;
        L->name_only = 1; /* x.0: the INT after the dot stays one (postfix ::= postfix DOT INT) */
        tok(L, t, TK_DOT);
        return;
    }
    <TAG,VAR> digits exp { tok(L, t, TK_FLOAT); return; }
    <TAG,VAR> dq | sq { operand_tok(L, t, TK_STRING, TK_OSTRING); return; }
    <TAG,VAR> ["'] { L->D->incomplete = 1; lex_fail(L, t, L->tok, "unterminated string literal%.*s", "", 0); return; }
    <TAG,VAR> "+"  { tok(L, t, TK_PLUS); return; }
    <TAG,VAR> "-"  {
        if (lenient_dash(L) && L->brace_depth == 0) { /* {% if x - %}, {{ x - }}: a trim marker */
            const char *q = L->cur;
            while (q < L->end && is_ws(*q)) q++;
            if (q + 1 < L->end && L->cond == yycTAG && q[0] == '%' && q[1] == '}') {
                L->cur = q + 2;
                tok(L, t, TK_BLOCK_END);
                no_tag(L);
                L->cond = yycTEXT;
                after_close(L, '-', 1);
                L->id_next = 0;
                return;
            }
            if (q + 1 < L->end && L->cond == yycVAR && q[0] == '}' && q[1] == '}' && !L->var_in_id) {
                L->cur = q + 2;
                tok(L, t, TK_VAR_END);
                L->cond = yycTEXT;
                after_close(L, var_marker(L, '-'), 0);
                return;
            }
        }
        tok(L, t, TK_MINUS);
        return;
    }
    <TAG,VAR> "*"  { tok(L, t, TK_MUL); return; }
    <TAG,VAR> "**" { tok(L, t, TK_POW); return; }
    <TAG,VAR> "/"  { tok(L, t, TK_DIV); return; }
    <TAG,VAR> "//" { tok(L, t, TK_FLOORDIV); return; }
    <TAG,VAR> "%"  { tok(L, t, TK_MOD); return; }
    <TAG,VAR> "~"  { tok(L, t, TK_TILDE); return; }
    <TAG,VAR> "==" { tok(L, t, TK_EQ); return; }
    <TAG,VAR> "!=" { tok(L, t, TK_NE); return; }
    <TAG,VAR> "<"  { tok(L, t, TK_LT); return; }
    <TAG,VAR> "<=" { tok(L, t, TK_LE); return; }
    <TAG,VAR> ">"  { tok(L, t, TK_GT); return; }
    <TAG,VAR> ">=" { tok(L, t, TK_GE); return; }
    <TAG,VAR> "="  {
        if (L->cur_tag == TK_TAG_SET) L->operand = 1; /* {% set x = expression %} */
        tok(L, t, TK_ASSIGN);
        return;
    }
    <TAG,VAR> "("  {
        L->brace_depth++;
        if (L->call_paren) { L->call_paren = 0; tok(L, t, TK_CALL_LPAREN); return; }
        tok(L, t, TK_LPAREN);
        return;
    }
    <TAG,VAR> ")"  { if (L->brace_depth > 0) L->brace_depth--; tok(L, t, TK_RPAREN); return; }
    <TAG,VAR> "["  { L->brace_depth++; tok(L, t, TK_LBRACKET); return; }
    <TAG,VAR> "]"  { if (L->brace_depth > 0) L->brace_depth--; tok(L, t, TK_RBRACKET); return; }
    <TAG> "{{" | "}}" {
        /* the jinjava profile's {% cycle {{a}},{{b}} %}: Jinjava renders each item as a template
         * (lib/tag/CycleTag.java, resolveString), which for {{a}} prints a: the braces go */
        if (L->cur_tag == TK_TAG_CYCLE && is_jinjava(L) && L->brace_depth == 0) goto loop;
        L->cur = L->tok + 1;
        if (L->tok[0] == '}') { if (L->brace_depth > 0) L->brace_depth--; tok(L, t, TK_RBRACE); return; }
        L->brace_depth++;
        tok(L, t, TK_LBRACE);
        return;
    }
    <TAG,VAR> "{"  { L->brace_depth++; tok(L, t, TK_LBRACE); return; }
    <TAG,VAR> "}"  { if (L->brace_depth > 0) L->brace_depth--; tok(L, t, TK_RBRACE); return; }
    <TAG,VAR> ","  { tok(L, t, TK_COMMA); return; }
    <TAG,VAR> "."  {
        /* '.name' (x.title, row.tags: a third of a template's tokens) is one ATTR token, not
         * DOT then NAME (see plain_name_at): the token spans from the dot, its text is the name */
        size_t n = plain_name_at(L, L->cur, 1);
        if (!n) { L->name_only = 1; tok(L, t, TK_DOT); return; }
        const char *q = L->cur, *ne = q + n;
        L->cur = ne;
        t->type = TK_ATTR;
        t->pos = (uint32_t)(L->tok - L->src);
        t->p = q;
        t->len = (uint32_t)n;
        return;
    }
    <TAG,VAR> ":"  { tok(L, t, TK_COLON); return; }
    <TAG,VAR> "|"  {
        /* '|name' is one FILTER token likewise (position the bar's, text the name's) */
        size_t n = plain_name_at(L, L->cur, 0);
        if (!n) { L->name_only = 1; tok(L, t, TK_PIPE); return; }
        t->type = TK_FILTER;
        t->pos = (uint32_t)(L->tok - L->src);
        t->p = L->cur;
        t->len = (uint32_t)n;
        L->cur += n;
        return;
    }

    <TAG,VAR> [^] {
        int n = 1;
        while (L->tok + n < L->end && ((unsigned char)L->tok[n] & 0xC0) == 0x80) n++;
        lex_fail(L, t, L->tok, "unexpected character '%.*s'", L->tok, n);
        return;
    }
    */
}
