/*
 * lex.h — the tokenizer (grammar/lexer.re, generated into build/lexer.c by re2c).
 *
 * The lexer is pulled by the parser driver (parse.c) one token at a time. It has modes, as
 * re2c conditions: TEXT (raw template text: memchr to the next '{'), TAG (inside {% %}),
 * VAR (inside {{ }}) and ID (the argument of an insert tag, a UUID-like run). Whitespace
 * control (-, +, trim_blocks, lstrip_blocks) is applied here, when a text token is cut, so
 * the parser never sees it. Positions are byte offsets into the source; line and column are
 * computed from them only when a diagnostic is printed.
 */
#ifndef JINN_LEX_H
#define JINN_LEX_H

#include <stddef.h>
#include <stdint.h>

struct diags;

/* Delimiters and line prefixes (jinn_config); a NULL string means the default / off. */
typedef struct lex_syntax {
    const char *bs, *be, *vs, *ve, *cs, *ce; /* block, variable, comment start and end */
    const char *lsp, *lcp;                    /* line statement and line comment prefixes */
} lex_syntax;

typedef struct token {
    int type;        /* TK_* from the generated parser.h, 0 at end of input, -1 on error */
    uint32_t pos;    /* byte offset of the token's first byte */
    const char *p;   /* the token's text (for TEXT: after whitespace control) */
    uint32_t len;
} token;

typedef struct lexer {
    const char *src, *cur, *end;
    const char *tok;      /* start of the token being scanned */
    const char *text0;    /* start of the current text run */
    const char *mar;      /* re2c marker */
    int cond;             /* current re2c condition */
    int brace_depth;      /* ( [ { nesting inside a tag, so '}}' in a dict is not the end */
    int first;            /* next name is the tag name */
    int id_next;          /* next token is an insert-tag id (after expressionvar, ...) */
    int id_kind;          /* the tag that wants the id (TK_METRICSVAR accepts "metric_id:") */
    int var_in_id;        /* inside {{ }} that is an insert id: return to TAG after it */
    int lstrip_next;      /* the previous tag ended with '-': strip the next text's start */
    int trim_next;        /* trim_blocks: drop one newline at the next text's start */
    int trim_blocks, lstrip_blocks;
    const char *tag_open; /* the '{' of the tag being lexed */
    int cur_tag;          /* the tag being lexed (TK_TAG_*) */
    int operand;          /* names here are operands (a name may be DOTTED, ONAME...): no tag
                           * ({{ }}), if, elif, a for after its 'in', a set after its '=' */
    int call_paren;       /* `{% call(` : the next '(' opens the caller's parameters */
    int name_only;        /* the last token was '|', 'is', 'is not' or '.': a name next is a
                           * filter's, a test's or an attribute's, never one DOTTED token */
    const char *broken_at;/* a '{name ... %}' typo already reported */
    struct diags *D;
    /* a configured syntax: text is scanned in C (lex_text_custom) and closers checked first */
    int custom;
    int pending;          /* the '{%' at [pend_tok, pend_cur) ended the text token just
                           * returned, and is the next token's start */
    const char *pend_tok, *pend_cur;
    int slow;             /* custom or pending: lex_token's one test before the fast path */
    const char *bs, *be, *vs, *ve, *cs, *ce, *lsp, *lcp;
    size_t bsl, bel, vsl, vel, csl, cel, lspl, lcpl;
    int line_stmt;        /* the tag being lexed is a line statement: it ends at the newline */
    uint32_t jv;          /* the jinjava profile's switches (JINN_JV_*, from the compile options) */
    int jinjava;          /* lexing for the jinjava profile (its whitespace and literal rules differ) */
} lexer;

void lex_init(lexer *L, const char *src, size_t len, struct diags *D, int trim_blocks, int lstrip_blocks);
void lex_set_syntax(lexer *L, const lex_syntax *s);
void lex_next(lexer *L, token *t);
/* A printable name for a token type, for diagnostics ("'endfor'", "end of input"). */
const char *lex_token_name(int type);

#endif
