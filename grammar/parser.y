/*
 * parser.y — jinn's grammar, for the lemon parser generator (Debian's `lemon`, template
 * /usr/share/lemon/lempar.c). The Makefile turns it into build/parser.c and build/parser.h.
 *
 * Shape: a template is a body of statements; block tags arrive from the lexer as one token
 * covering "{% name" (TAG_IF, TAG_FOR, ...) so that after a body the parser can tell with one
 * token of lookahead whether a statement follows or the block ends. Expressions follow
 * Jinja2's precedence exactly (declared with %left/%right below), lowest first:
 *     x if c else y
 *     or
 *     and
 *     not
 *     == != < <= > >= in, not in (chains: a < b < c)
 *     + -
 *     ~
 *     * / // %
 *     ** (left-associative, as in Jinja2)
 *     |filter, is test
 *     unary - + (so -1|abs is abs(-1), as in Jinja2)
 *     .attr [item] [a:b:c] (call)
 *     literals, names, ( ), [ ], { }
 * Actions are one line each and call the ast_ constructors of src/ast.c.
 */

/* ---- directives ---------------------------------------------------------------------------- */
%name parse_lemon
%token_prefix TK_
%token_type {ptok}
%default_type {node *}
%extra_argument {pctx *P}
%stack_size 4000
%start_symbol template

%include {
#include <assert.h>
#include <stdlib.h>
#include "ast.h"
#include "parse_support.h"
}

%syntax_error { parse_syntax_error(P, yymajor, &yyminor); }
%stack_overflow { parse_too_deep(P); }
/* lemon's own stack (4000 entries): a hard ceiling above the parse_depth limit's default */
%parse_failure { P->failed = 1; }
/* no token owns memory (nodes live in the arena): nothing to destroy */
%token_destructor { (void)P; (void)yypminor; }

/* Every terminal, in one place (lemon numbers them in this order). */
%token TEXT VAR_BEGIN VAR_END BLOCK_END INSERT_ID NAME STRING INT FLOAT.
%token TAG_IF TAG_ELIF TAG_ELSE TAG_ENDIF TAG_FOR TAG_ENDFOR TAG_BREAK TAG_CONTINUE.
%token TAG_SET TAG_ENDSET TAG_DO TAG_WITH TAG_ENDWITH TAG_MACRO TAG_ENDMACRO.
%token TAG_EXPRESSIONVAR TAG_ENDEXPRESSIONVAR TAG_METRICSVAR TAG_ENDMETRICSVAR.
%token TAG_AGGREGATEVAR TAG_ENDAGGREGATEVAR TAG_AGGREGATE TAG_ENDAGGREGATE.
%token TAG_EXPRESSION TAG_ENDEXPRESSION TAG_METRICS TAG_ENDMETRICS.
%token TAG_FILTER TAG_ENDFILTER TAG_CALL TAG_ENDCALL TAG_AUTOESCAPE TAG_ENDAUTOESCAPE.
%token TAG_UNLESS TAG_ENDUNLESS TAG_IFCHANGED TAG_ENDIFCHANGED TAG_CYCLE TAG_ENDDO TAG_PRINT.
%token RECURSIVE CALL_LPAREN.
%token TAG_INCLUDE TAG_IMPORT TAG_FROM KW_IGNORE KW_MISSING KW_WITH KW_WITHOUT KW_CONTEXT KW_AS KW_IMPORT.
%token TAG_EXTENDS TAG_BLOCK TAG_ENDBLOCK KW_SCOPED KW_REQUIRED.
%token IF ELSE AND OR NOT IN IS EMPTY.
%token PLUS MINUS MUL DIV FLOORDIV MOD POW TILDE EQ NE LT LE GT GE ASSIGN.
%token LPAREN RPAREN LBRACKET RBRACKET LBRACE RBRACE COMMA DOT COLON PIPE.
/* '.name' in one token (the lexer's '.' rule says when): its position is the dot's, its text
 * the name's (attr_tok gives the name's own position to the node) */
%token ATTR.
/* '|name' likewise (a filter: same precedence as PIPE) */
%token FILTER.
/* 'name.attr.attr' in one token where a name is an operand (the lexer says when): its text is
 * the whole chain, its position the first name's (ast_dotted makes the name and attr nodes the
 * split tokens made, at the same positions) */
%token DOTTED.
/* NAME and DOTTED where no postfix operator follows (the lexer looks at the next byte): an
 * operand at once, oexpr ::= ONAME, without the postfix step */
%token ONAME ODOTTED.
/* INT and STRING likewise (a STRING another string follows stays one: strings concatenate) */
%token OINT OSTRING.
/* a text and the '{{' right after it in one token (the text's span and position) */
%token TEXT_VAR.

/* Operator precedence, lowest first — Jinja2's order exactly. The conditional `x if c else y`
 * sits above all of this in `expr` (ELSE over IF: an `else` always belongs to the nearest `if`);
 * unary minus binds tighter than `**` (-2**2 is 4) and than filters and tests; `**` is
 * left-associative (2**3**2 is 64). */
/* the empty body below everything, and a text over it: a body that starts with a text (most
 * bodies) is made by body ::= TEXT, one reduction, not body ::= . then body ::= body TEXT
 * (BODY_EMPTY is no token the lexer makes: only the empty body's precedence) */
%nonassoc BODY_EMPTY.
%nonassoc TEXT TEXT_VAR.
%nonassoc IF.
/* VAR_END over IF: `{{ x }}` is printed by the body rule's oexpr form, which shifts the '}}'
 * where `tuple ::= oexpr. [IF]` would reduce first (the only conflict this settles) */
%nonassoc VAR_END.
%right ELSE.
%left OR.
%left AND.
%right NOT.
%left EQ NE LT LE GT GE IN.
%left PLUS MINUS.
%left TILDE.
%left MUL DIV FLOORDIV MOD.
%left POW.
%left PIPE IS FILTER.
%right UMINUS.

/* ======================================================================================
 * Statements
 * ====================================================================================== */

template ::= body(B).                        { P->root = B; }

body(A) ::= . [BODY_EMPTY]                   { A = ast_list(P, N_BODY, 0); }
body(A) ::= TEXT(T).                         { A = ast_add(ast_list(P, N_BODY, 0), ast_text(P, T)); }
body(A) ::= TEXT_VAR(T) tuple(E) VAR_END.    { A = ast_add(ast_add(ast_list(P, N_BODY, 0), ast_text(P, T)), ast_stmt(P, N_PRINT, var_begin_of(P, T), E, NULL, NULL)); }
body(A) ::= TEXT_VAR(T) oexpr(E) VAR_END.    { A = ast_add(ast_add(ast_list(P, N_BODY, 0), ast_text(P, T)), ast_stmt(P, N_PRINT, var_begin_of(P, T), E, NULL, NULL)); }
body(A) ::= body(B) stmt(S).                 { A = ast_add(B, S); }
/* text and {{ }}, the most frequent statements, go into the body with one reduction, not two;
 * the tags below are statements directly (no if_stmt ::= ... step), for the same reason */
body(A) ::= body(B) TEXT(T).                 { A = ast_add(B, ast_text(P, T)); }
body(A) ::= body(B) VAR_BEGIN(T) tuple(E) VAR_END. { A = ast_add(B, ast_stmt(P, N_PRINT, T, E, NULL, NULL)); }
body(A) ::= body(B) VAR_BEGIN(T) oexpr(E) VAR_END. { A = ast_add(B, ast_stmt(P, N_PRINT, T, E, NULL, NULL)); }
body(A) ::= body(B) TEXT_VAR(T) tuple(E) VAR_END.  { A = ast_add(ast_add(B, ast_text(P, T)), ast_stmt(P, N_PRINT, var_begin_of(P, T), E, NULL, NULL)); }
body(A) ::= body(B) TEXT_VAR(T) oexpr(E) VAR_END.  { A = ast_add(ast_add(B, ast_text(P, T)), ast_stmt(P, N_PRINT, var_begin_of(P, T), E, NULL, NULL)); }

stmt(A) ::= TAG_DO(T) tuple(E) BLOCK_END.    { A = ast_stmt(P, N_DO, T, E, NULL, NULL); }
stmt(A) ::= TAG_DO(T) BLOCK_END body(B) TAG_ENDDO BLOCK_END.
                                             { A = ast_stmt(P, N_DO, T, NULL, B, NULL); }
stmt(A) ::= TAG_BREAK(T) BLOCK_END.          { A = ast_stmt(P, N_BREAK, T, NULL, NULL, NULL); }
stmt(A) ::= TAG_CONTINUE(T) BLOCK_END.       { A = ast_stmt(P, N_CONTINUE, T, NULL, NULL, NULL); }
stmt(A) ::= TAG_FILTER(T) filter_chain(F) BLOCK_END body(B) TAG_ENDFILTER BLOCK_END.
                                             { A = ast_stmt(P, N_FILTERBLOCK, T, NULL, B, F); }
stmt(A) ::= TAG_CALL(T) call_params(L) postfix(E) BLOCK_END body(B) TAG_ENDCALL BLOCK_END.
                                             { A = ast_callblock(P, T, L, E, B); }
stmt(A) ::= TAG_AUTOESCAPE(T) expr(E) BLOCK_END body(B) TAG_ENDAUTOESCAPE BLOCK_END.
                                             { A = ast_stmt(P, N_AUTOESCAPE, T, E, B, NULL); }
stmt(A) ::= TAG_UNLESS(T) expr(C) BLOCK_END body(B) unless_else(E) TAG_ENDUNLESS BLOCK_END.
                                             { A = ast_stmt(P, N_IF, T, ast_unary(P, N_NOT, T, C), B, E); }
stmt(A) ::= TAG_IFCHANGED(T) expr_list(L) BLOCK_END body(B) TAG_ENDIFCHANGED BLOCK_END.
                                             { A = ast_stmt(P, N_IFCHANGED, T, L, B, NULL); }
stmt(A) ::= TAG_CYCLE(T) expr_list(L) BLOCK_END.   { A = ast_stmt(P, N_CYCLE, T, L, NULL, NULL); }
stmt(A) ::= TAG_PRINT(T) tuple(E) BLOCK_END.      { A = ast_stmt(P, N_PRINT, T, E, NULL, NULL); }
/* include / import / from: flags are IMP_IGNORE_MISSING and IMP_CONTEXT / IMP_NO_CONTEXT */
stmt(A) ::= TAG_INCLUDE(T) expr(E) ignore_missing(I) context_opt(C) BLOCK_END.
                                             { A = ast_import(P, N_INCLUDE, T, E, NULL, I | C); }
stmt(A) ::= TAG_IMPORT(T) expr(E) KW_AS NAME(N) context_opt(C) BLOCK_END.
                                             { A = ast_import(P, N_IMPORT, T, E, ast_import_name(P, N, NULL), C); }
stmt(A) ::= TAG_FROM(T) expr(E) KW_IMPORT import_names(L) context_opt(C) BLOCK_END.
                                             { A = ast_import(P, N_FROMIMPORT, T, E, L, C); }
/* template inheritance */
stmt(A) ::= TAG_EXTENDS(T) expr(E) BLOCK_END. { A = ast_stmt(P, N_EXTENDS, T, E, NULL, NULL); }
stmt(A) ::= TAG_BLOCK(T) NAME(N) block_flags(F) BLOCK_END body(B) TAG_ENDBLOCK endblock_name(E) BLOCK_END.
                                             { A = ast_block(P, T, N, F, B, E); }
%type block_flags {int}
block_flags(A) ::= .                         { A = 0; }
block_flags(A) ::= block_flags(F) KW_SCOPED.   { A = F | 1; }
block_flags(A) ::= block_flags(F) KW_REQUIRED. { A = F | 2; }
%type endblock_name {ptok}
endblock_name(A) ::= .                       { A.p = NULL; A.len = 0; A.pos = 0; }
endblock_name(A) ::= NAME(N).                { A = N; }
%type ignore_missing {int}
ignore_missing(A) ::= .                      { A = 0; }
ignore_missing(A) ::= KW_IGNORE KW_MISSING.  { A = IMP_IGNORE_MISSING; }
%type context_opt {int}
context_opt(A) ::= .                         { A = 0; }
context_opt(A) ::= KW_WITH KW_CONTEXT.       { A = IMP_CONTEXT; }
context_opt(A) ::= KW_WITHOUT KW_CONTEXT.    { A = IMP_NO_CONTEXT; }
import_names(A) ::= import_name(X).          { A = ast_add(ast_list(P, N_LIST, X->pos), X); }
import_names(A) ::= import_names(L) COMMA import_name(X). { A = ast_add(L, X); }
import_name(A) ::= NAME(N).                  { A = ast_import_name(P, N, NULL); }
import_name(A) ::= NAME(N) KW_AS NAME(M).    { A = ast_import_name(P, N, &M); }

unless_else(A) ::= .                         { A = NULL; }
unless_else(A) ::= TAG_ELSE BLOCK_END body(B). { A = B; }
filter_chain(A) ::= NAME(N) call_args(G).    { A = ast_add(ast_list(P, N_LIST, N.pos), ast_filter(P, NULL, N, G)); }
filter_chain(A) ::= filter_chain(L) PIPE NAME(N) call_args(G).
                                             { A = ast_add(L, ast_filter(P, NULL, N, G)); }
filter_chain(A) ::= filter_chain(L) FILTER(N) call_args(G).
                                             { A = ast_add(L, ast_filter(P, NULL, attr_tok(P, N), G)); }
call_params(A) ::= .                         { A = ast_list(P, N_LIST, 0); }
call_params(A) ::= CALL_LPAREN params(L) RPAREN. { A = L; }

/* error recovery (jinn check): a broken tag or expression is skipped to its end */
stmt(A) ::= error BLOCK_END(T).              { A = ast_list(P, N_BODY, T.pos); }
stmt(A) ::= error VAR_END(T).                { A = ast_list(P, N_BODY, T.pos); }

/* ---- if / elif / else ------------------------------------------------------------------- */
/* elif is left-recursive: a chain of any length takes no parser stack (ast_if_chain links
 * the elifs as nested ifs afterwards, and the compiler walks that chain in a loop) */
/* (the forms without elif, with or without else, spelled out: no empty elifs and if_else
 * reductions for the commonest ifs) */
/* (the condition is an oexpr or a cexpr, not an expr: one reduction less per condition) */
stmt(A) ::= TAG_IF(T) oexpr(C) BLOCK_END body(B) TAG_ENDIF BLOCK_END.
                                             { A = ast_stmt(P, N_IF, T, C, B, NULL); }
stmt(A) ::= TAG_IF(T) cexpr(C) BLOCK_END body(B) TAG_ENDIF BLOCK_END.
                                             { A = ast_stmt(P, N_IF, T, C, B, NULL); }
stmt(A) ::= TAG_IF(T) oexpr(C) BLOCK_END body(B) TAG_ELSE BLOCK_END body(E) TAG_ENDIF BLOCK_END.
                                             { A = ast_stmt(P, N_IF, T, C, B, E); }
stmt(A) ::= TAG_IF(T) cexpr(C) BLOCK_END body(B) TAG_ELSE BLOCK_END body(E) TAG_ENDIF BLOCK_END.
                                             { A = ast_stmt(P, N_IF, T, C, B, E); }
stmt(A) ::= TAG_IF(T) oexpr(C) BLOCK_END body(B) elifs(L) if_else(E) TAG_ENDIF BLOCK_END.
                                             { A = ast_if_chain(P, ast_stmt(P, N_IF, T, C, B, NULL), L, E); }
stmt(A) ::= TAG_IF(T) cexpr(C) BLOCK_END body(B) elifs(L) if_else(E) TAG_ENDIF BLOCK_END.
                                             { A = ast_if_chain(P, ast_stmt(P, N_IF, T, C, B, NULL), L, E); }
elifs(A) ::= TAG_ELIF(T) oexpr(C) BLOCK_END body(B).
                                             { A = ast_add(ast_list(P, N_LIST, T.pos), ast_stmt(P, N_IF, T, C, B, NULL)); }
elifs(A) ::= TAG_ELIF(T) cexpr(C) BLOCK_END body(B).
                                             { A = ast_add(ast_list(P, N_LIST, T.pos), ast_stmt(P, N_IF, T, C, B, NULL)); }
elifs(A) ::= elifs(L) TAG_ELIF(T) oexpr(C) BLOCK_END body(B).
                                             { A = ast_add(L, ast_stmt(P, N_IF, T, C, B, NULL)); }
elifs(A) ::= elifs(L) TAG_ELIF(T) cexpr(C) BLOCK_END body(B).
                                             { A = ast_add(L, ast_stmt(P, N_IF, T, C, B, NULL)); }
if_else(A) ::= .                             { A = NULL; }
if_else(A) ::= TAG_ELSE BLOCK_END body(B).   { A = B; }

/* ---- for ------------------------------------------------------------------------------------ */
/* (the forms without a filter or `recursive` spelled out likewise: no empty for_filter,
 * for_rec and for_else reductions for the commonest loops) */
stmt(A) ::= TAG_FOR(T) targets(V) IN tuple_nc(I) BLOCK_END body(B) TAG_ENDFOR BLOCK_END.
                                             { A = ast_for(P, T, V, I, NULL, B, NULL, 0); }
stmt(A) ::= TAG_FOR(T) targets(V) IN tuple_nc(I) BLOCK_END body(B) TAG_ELSE BLOCK_END body(E) TAG_ENDFOR BLOCK_END.
                                             { A = ast_for(P, T, V, I, NULL, B, E, 0); }
stmt(A) ::= TAG_FOR(T) targets(V) IN tuple_nc(I) IF expr(F) for_rec(R) BLOCK_END body(B) for_else(E) TAG_ENDFOR BLOCK_END.
                                             { A = ast_for(P, T, V, I, F, B, E, R); }
stmt(A) ::= TAG_FOR(T) targets(V) IN tuple_nc(I) RECURSIVE BLOCK_END body(B) for_else(E) TAG_ENDFOR BLOCK_END.
                                             { A = ast_for(P, T, V, I, NULL, B, E, 1); }
%type for_rec {int}
for_rec(A) ::= .                             { A = 0; }
for_rec(A) ::= RECURSIVE.                    { A = 1; }
for_else(A) ::= .                            { A = NULL; }
for_else(A) ::= TAG_ELSE BLOCK_END body(B).  { A = B; }

/* ---- assignment targets: a, b   ns.attr   key, (low, high) ------------------------------------- */
targets(A) ::= target(T).                    { A = ast_targets(P, NULL, T); }
targets(A) ::= targets(L) COMMA target(T).   { A = ast_targets(P, L, T); }
target(A) ::= NAME(N).                       { A = ast_target(P, N, NULL); }
target(A) ::= NAME(N) DOT NAME(M).           { A = ast_target(P, N, &M); }
target(A) ::= NAME(N) ATTR(M).               { ptok a = attr_tok(P, M); A = ast_target(P, N, &a); }
target(A) ::= LPAREN targets(T) RPAREN.      { A = ast_target_group(T); }

/* ---- set ------------------------------------------------------------------------------------ */
stmt(A) ::= TAG_SET(T) targets(V) ASSIGN tuple(E) BLOCK_END.
                                             { A = ast_stmt(P, N_SET, T, V, E, NULL); }
stmt(A) ::= TAG_SET(T) targets(V) set_filters(F) BLOCK_END body(B) TAG_ENDSET BLOCK_END.
                                             { A = ast_stmt(P, N_SETBLOCK, T, V, B, F); }
set_filters(A) ::= .                         { A = NULL; }
set_filters(A) ::= set_filters(L) PIPE NAME(N) call_args(G).
                                             { A = ast_add(L ? L : ast_list(P, N_LIST, N.pos), ast_filter(P, NULL, N, G)); }
set_filters(A) ::= set_filters(L) FILTER(N) call_args(G).
                                             { ptok f = attr_tok(P, N); A = ast_add(L ? L : ast_list(P, N_LIST, f.pos), ast_filter(P, NULL, f, G)); }

/* ---- with ----------------------------------------------------------------------------------- */
stmt(A) ::= TAG_WITH(T) with_assigns(L) BLOCK_END body(B) TAG_ENDWITH BLOCK_END.
                                             { A = ast_stmt(P, N_WITH, T, B, L, NULL); }
with_assigns(A) ::= .                        { A = ast_list(P, N_LIST, 0); }
with_assigns(A) ::= with_assign(S).          { A = ast_add(ast_list(P, N_LIST, S->pos), S); }
with_assigns(A) ::= with_assigns(L) COMMA with_assign(S).
                                             { A = ast_add(L, S); }
with_assign(A) ::= target(T) ASSIGN expr(E). { A = ast_with_assign(P, ast_targets(P, NULL, T), E); }

/* ---- macro ---------------------------------------------------------------------------------- */
stmt(A) ::= TAG_MACRO(T) NAME(N) LPAREN params(L) RPAREN BLOCK_END body(B) TAG_ENDMACRO BLOCK_END.
                                             { A = ast_macro(P, T, N, L, B); }
params(A) ::= .                              { A = ast_list(P, N_LIST, 0); }
params(A) ::= param_list(L).                 { A = L; }
params(A) ::= param_list(L) COMMA.           { A = L; }
param_list(A) ::= param(X).                  { A = ast_add(ast_list(P, N_LIST, X->pos), X); }
param_list(A) ::= param_list(L) COMMA param(X).
                                             { A = ast_add(L, X); }
param(A) ::= NAME(N).                        { A = ast_param(P, N, NULL); }
param(A) ::= NAME(N) ASSIGN expr(E).         { A = ast_param(P, N, E); }

/* ---- insert tags (vendor): expressionvar, metricsvar, aggregate(var), print forms ---------- */
stmt(A) ::= TAG_EXPRESSIONVAR(T) insert_id(I) BLOCK_END body(B) TAG_ENDEXPRESSIONVAR BLOCK_END.
                                             { A = ast_insert(P, I_EXPRESSION, T, I, B); }
stmt(A) ::= TAG_METRICSVAR(T) insert_id(I) BLOCK_END body(B) TAG_ENDMETRICSVAR BLOCK_END.
                                             { A = ast_insert(P, I_METRIC, T, I, B); }
stmt(A) ::= TAG_AGGREGATEVAR(T) insert_id(I) BLOCK_END body(B) TAG_ENDAGGREGATEVAR BLOCK_END.
                                             { A = ast_insert(P, I_AGGREGATE, T, I, B); }
stmt(A) ::= TAG_AGGREGATE(T) insert_id(I) BLOCK_END body(B) TAG_ENDAGGREGATE BLOCK_END.
                                             { A = ast_insert(P, I_AGGREGATE, T, I, B); }
stmt(A) ::= TAG_EXPRESSION(T) BLOCK_END body(B) TAG_ENDEXPRESSION BLOCK_END.
                                             { A = ast_insert(P, I_EXPRESSION, T, NULL, B); }
stmt(A) ::= TAG_METRICS(T) BLOCK_END body(B) TAG_ENDMETRICS BLOCK_END.
                                             { A = ast_insert(P, I_METRIC, T, NULL, B); }
insert_id(A) ::= INSERT_ID(T).               { A = ast_string_raw(P, T); }
insert_id(A) ::= VAR_BEGIN expr(E) VAR_END.  { A = E; }

/* ======================================================================================
 * Expressions
 * ====================================================================================== */

/* a, b, c  — tuples without parentheses where Jinja2 allows them */
/* (an operand without a conditional goes to a tuple or an argument in one reduction, not
 * through expr: cexpr is the conditional alone) */
tuple(A) ::= oexpr(E). [IF]                  { A = E; }
tuple(A) ::= cexpr(E).                       { A = E; }
tuple(A) ::= expr(E) COMMA.                  { A = ast_tuple_add(P, NULL, E); }
tuple(A) ::= tuple_n(T).                     { A = T; }
tuple(A) ::= tuple_n(T) COMMA.               { A = T; }
tuple_n(A) ::= expr(X) COMMA expr(Y).        { A = ast_tuple_add(P, ast_tuple_add(P, NULL, X), Y); }
tuple_n(A) ::= tuple_n(T) COMMA expr(Y).     { A = ast_tuple_add(P, T, Y); }

/* the same without conditional expressions (a for loop's iterable: `if` starts its filter) */
tuple_nc(A) ::= oexpr(E).                    { A = E; }
tuple_nc(A) ::= tuple_nc_n(T).               { A = T; }
tuple_nc_n(A) ::= oexpr(X) COMMA oexpr(Y).   { A = ast_tuple_add(P, ast_tuple_add(P, NULL, X), Y); }
tuple_nc_n(A) ::= tuple_nc_n(T) COMMA oexpr(Y). { A = ast_tuple_add(P, T, Y); }

expr(A) ::= oexpr(E).                        { A = E; }
expr(A) ::= cexpr(E).                        { A = E; }
cexpr(A) ::= oexpr(T) IF oexpr(C).           { A = ast_cond(P, T, C, NULL); }
cexpr(A) ::= oexpr(T) IF oexpr(C) ELSE expr(E). { A = ast_cond(P, T, C, E); }

/* Everything but the conditional, one nonterminal with lemon's precedence (the block at the
 * top), so an operand costs one or two reductions instead of one per level. */
oexpr(A) ::= oexpr(L) OR oexpr(R).           { A = ast_bin(P, N_OR, 0, L, R); }
oexpr(A) ::= oexpr(L) AND oexpr(R).          { A = ast_bin(P, N_AND, 0, L, R); }
oexpr(A) ::= NOT(T) oexpr(E).                { A = ast_unary(P, N_NOT, T, E); }
oexpr(A) ::= oexpr(L) EQ(T) oexpr(R).        { A = ast_compare(P, L, OPC_EQ, R, T); }
oexpr(A) ::= oexpr(L) NE(T) oexpr(R).        { A = ast_compare(P, L, OPC_NE, R, T); }
oexpr(A) ::= oexpr(L) LT(T) oexpr(R).        { A = ast_compare(P, L, OPC_LT, R, T); }
oexpr(A) ::= oexpr(L) LE(T) oexpr(R).        { A = ast_compare(P, L, OPC_LE, R, T); }
oexpr(A) ::= oexpr(L) GT(T) oexpr(R).        { A = ast_compare(P, L, OPC_GT, R, T); }
oexpr(A) ::= oexpr(L) GE(T) oexpr(R).        { A = ast_compare(P, L, OPC_GE, R, T); }
oexpr(A) ::= oexpr(L) IN(T) oexpr(R).        { A = ast_compare(P, L, OPC_IN, R, T); }
oexpr(A) ::= oexpr(L) NOT(T) IN oexpr(R). [EQ] { A = ast_compare(P, L, OPC_NOTIN, R, T); }
oexpr(A) ::= oexpr(L) PLUS(T) oexpr(R).      { A = ast_binop(P, OPB_ADD, L, R, T); }
oexpr(A) ::= oexpr(L) MINUS(T) oexpr(R).     { A = ast_binop(P, OPB_SUB, L, R, T); }
oexpr(A) ::= oexpr(L) TILDE(T) oexpr(R).     { A = ast_binop(P, OPB_CONCAT, L, R, T); }
oexpr(A) ::= oexpr(L) MUL(T) oexpr(R).       { A = ast_binop(P, OPB_MUL, L, R, T); }
oexpr(A) ::= oexpr(L) DIV(T) oexpr(R).       { A = ast_binop(P, OPB_DIV, L, R, T); }
oexpr(A) ::= oexpr(L) FLOORDIV(T) oexpr(R).  { A = ast_binop(P, OPB_FLOORDIV, L, R, T); }
oexpr(A) ::= oexpr(L) MOD(T) oexpr(R).       { A = ast_binop(P, OPB_MOD, L, R, T); }
oexpr(A) ::= oexpr(L) POW(T) oexpr(R).       { A = ast_binop(P, OPB_POW, L, R, T); }
/* filters and tests bind looser than unary minus: -1|abs is abs(-1), as in Jinja2 */
oexpr(A) ::= oexpr(V) PIPE NAME(N) call_args(G).   { A = ast_filter(P, V, N, G); }
/* (call_args spelled out: no empty reduction for the commonest filter, one without arguments) */
oexpr(A) ::= oexpr(V) FILTER(N).                   { A = ast_filter(P, V, attr_tok(P, N), NULL); }
/* (and args spelled out: no args ::= arg_list step; an empty list, not NULL, for x|f()) */
oexpr(A) ::= oexpr(V) FILTER(N) LPAREN RPAREN.     { A = ast_filter(P, V, attr_tok(P, N), ast_list(P, N_LIST, 0)); }
oexpr(A) ::= oexpr(V) FILTER(N) LPAREN arg_list(G) RPAREN.       { A = ast_filter(P, V, attr_tok(P, N), G); }
oexpr(A) ::= oexpr(V) FILTER(N) LPAREN arg_list(G) COMMA RPAREN. { A = ast_filter(P, V, attr_tok(P, N), G); }
/* a call on a filter's result, as Jinja2's parse_filter_expr: obj|attr("items")() */
oexpr(A) ::= oexpr(V) PIPE NAME(N) LPAREN args(G) RPAREN LPAREN(T) args(L) RPAREN.
                                             { A = ast_call(P, ast_filter(P, V, N, G), L, T); }
oexpr(A) ::= oexpr(V) FILTER(N) LPAREN RPAREN LPAREN(T) args(L) RPAREN.
                                             { A = ast_call(P, ast_filter(P, V, attr_tok(P, N), ast_list(P, N_LIST, 0)), L, T); }
oexpr(A) ::= oexpr(V) FILTER(N) LPAREN arg_list(G) RPAREN LPAREN(T) args(L) RPAREN.
                                             { A = ast_call(P, ast_filter(P, V, attr_tok(P, N), G), L, T); }
oexpr(A) ::= oexpr(V) FILTER(N) LPAREN arg_list(G) COMMA RPAREN LPAREN(T) args(L) RPAREN.
                                             { A = ast_call(P, ast_filter(P, V, attr_tok(P, N), G), L, T); }
oexpr(A) ::= oexpr(V) IS NAME(N) test_args(G).     { A = ast_test(P, V, N, G, 0, 0); }
oexpr(A) ::= oexpr(V) IS NOT NAME(N) test_args(G). { A = ast_test(P, V, N, G, 1, 0); }
oexpr(A) ::= oexpr(V) IS IN(N) test_args(G).       { A = ast_test(P, V, N, G, 0, 0); }
oexpr(A) ::= oexpr(V) IS NOT IN(N) test_args(G).   { A = ast_test(P, V, N, G, 1, 0); }
/* the jinjava profile: `x is == 4`, `x is lt 4` (symbolic and word test names; ast_test
 * refuses them in the jinja profile) and JUEL's `empty x` */
oexpr(A) ::= oexpr(V) IS cmp_op(N) test_args(G).   { A = ast_test(P, V, N, G, 0, 1); }
oexpr(A) ::= oexpr(V) IS NOT cmp_op(N) test_args(G). { A = ast_test(P, V, N, G, 1, 1); }
oexpr(A) ::= EMPTY(T) oexpr(E). [UMINUS]     { A = ast_test(P, E, T, NULL, 0, 1); }
%type cmp_op {ptok}
cmp_op(A) ::= EQ(T).                         { A = T; }
cmp_op(A) ::= NE(T).                         { A = T; }
cmp_op(A) ::= LT(T).                         { A = T; }
cmp_op(A) ::= LE(T).                         { A = T; }
cmp_op(A) ::= GT(T).                         { A = T; }
cmp_op(A) ::= GE(T).                         { A = T; }
oexpr(A) ::= MINUS(T) oexpr(E). [UMINUS]     { A = ast_unary(P, N_NEG, T, E); }
oexpr(A) ::= PLUS(T) oexpr(E). [UMINUS]      { A = ast_unary(P, N_POS, T, E); }
oexpr(A) ::= postfix(E).                     { A = E; }
oexpr(A) ::= ONAME(N).                       { A = ast_name(P, N); }
oexpr(A) ::= ODOTTED(N).                     { A = ast_dotted(P, N); }
oexpr(A) ::= OINT(T).                        { A = ast_int(P, T); }
oexpr(A) ::= OSTRING(T).                     { A = ast_string(P, T); }
oexpr(A) ::= strings(S) OSTRING(T).          { A = ast_string_cat(P, S, T); }

/* filter arguments: none, or a parenthesised list */
call_args(A) ::= .                           { A = NULL; }
call_args(A) ::= LPAREN args(L) RPAREN.      { A = L; }
/* test arguments: none, a parenthesised list, or one bare primary: `x is divisibleby 3` */
test_args(A) ::= .                           { A = NULL; }
test_args(A) ::= LPAREN args(L) RPAREN.      { A = L; }
test_args(A) ::= test_arg(E).                { A = ast_add(ast_list(P, N_LIST, E->pos), E); }
/* a bare argument is a primary with its postfix, as Jinja2's parse_test: `is eq other.value`,
 * `is sameas items[0]`; a parenthesis right after the name is the call's argument list */
test_arg(A) ::= NAME(N).                     { A = ast_name(P, N); }
test_arg(A) ::= DOTTED(N).                   { A = ast_dotted(P, N); }
test_arg(A) ::= ONAME(N).                    { A = ast_name(P, N); }
test_arg(A) ::= ODOTTED(N).                  { A = ast_dotted(P, N); }
test_arg(A) ::= OINT(T).                     { A = ast_int(P, T); }
test_arg(A) ::= OSTRING(T).                  { A = ast_string(P, T); }
test_arg(A) ::= strings(S) OSTRING(T).       { A = ast_string_cat(P, S, T); }
test_arg(A) ::= INT(T).                      { A = ast_int(P, T); }
test_arg(A) ::= FLOAT(T).                    { A = ast_float(P, T); }
test_arg(A) ::= strings(S).                  { A = S; }
test_arg(A) ::= LBRACKET(T) list_items(L) RBRACKET.  { A = ast_seq(P, N_LIST, T, L); }
test_arg(A) ::= LBRACE(T) dict_items(L) RBRACE.      { A = ast_seq(P, N_DICT, T, L); }
test_arg(A) ::= test_arg(O) DOT NAME(N).     { A = ast_attr(P, O, N); }
test_arg(A) ::= test_arg(O) ATTR(N).         { A = ast_attr(P, O, attr_tok(P, N)); }
test_arg(A) ::= test_arg(O) DOT INT(N).      { A = ast_attr_int(P, O, N); }
test_arg(A) ::= test_arg(O) LBRACKET(T) tuple(K) RBRACKET. { A = ast_item(P, O, K, T); }
test_arg(A) ::= test_arg(F) LPAREN(T) args(L) RPAREN.      { A = ast_call(P, F, L, T); }

/* (a primary — name, literal, parenthesis — is a postfix with nothing after it: one
 * nonterminal, so an operand costs the parser one reduction less; the same for x.name
 * without the attr_name step below) */
postfix(A) ::= postfix(O) DOT NAME(N).       { A = ast_attr(P, O, N); }
postfix(A) ::= postfix(O) ATTR(N).           { A = ast_attr(P, O, attr_tok(P, N)); }
postfix(A) ::= postfix(O) DOT attr_name(N).  { A = ast_attr(P, O, N); }
/* an attribute may be named by an operator word: d.in, x.is, row.not (Jinja2 lexes them as names) */
%type attr_name {ptok}
attr_name(A) ::= IN(N).                      { A = N; }
attr_name(A) ::= IS(N).                      { A = N; }
attr_name(A) ::= NOT(N).                     { A = N; }
attr_name(A) ::= AND(N).                     { A = N; }
attr_name(A) ::= OR(N).                      { A = N; }
attr_name(A) ::= IF(N).                      { A = N; }
attr_name(A) ::= ELSE(N).                    { A = N; }
postfix(A) ::= postfix(O) DOT INT(N).        { A = ast_attr_int(P, O, N); }
postfix(A) ::= postfix(O) LBRACKET(T) tuple(K) RBRACKET.
                                             { A = ast_item(P, O, K, T); }
postfix(A) ::= postfix(O) LBRACKET(T) opt_expr(X) COLON opt_expr(Y) RBRACKET.
                                             { A = ast_slice(P, O, X, Y, NULL, T); }
postfix(A) ::= postfix(O) LBRACKET(T) opt_expr(X) COLON opt_expr(Y) COLON opt_expr(Z) RBRACKET.
                                             { A = ast_slice(P, O, X, Y, Z, T); }
postfix(A) ::= postfix(F) LPAREN(T) args(L) RPAREN.
                                             { A = ast_call(P, F, L, T); }
opt_expr(A) ::= .                            { A = NULL; }
opt_expr(A) ::= expr(E).                     { A = E; }

args(A) ::= .                                { A = ast_list(P, N_LIST, 0); }
args(A) ::= arg_list(L).                     { A = L; }
args(A) ::= arg_list(L) COMMA.               { A = L; }
/* the first argument without the arg step (one reduction less per argument list) */
arg_list(A) ::= oexpr(X).                    { A = ast_add(ast_list(P, N_LIST, X->pos), X); }
arg_list(A) ::= cexpr(X).                    { A = ast_add(ast_list(P, N_LIST, X->pos), X); }
arg_list(A) ::= NAME(N) ASSIGN expr(E).      { node *x = ast_kwarg(P, N, E); A = ast_add(ast_list(P, N_LIST, x->pos), x); }
arg_list(A) ::= ONAME(N) ASSIGN expr(E).     { node *x = ast_kwarg(P, N, E); A = ast_add(ast_list(P, N_LIST, x->pos), x); }
arg_list(A) ::= MUL(T) expr(E).              { node *x = ast_star(P, N_STAR, T, E); A = ast_add(ast_list(P, N_LIST, x->pos), x); }
arg_list(A) ::= POW(T) expr(E).              { node *x = ast_star(P, N_STARSTAR, T, E); A = ast_add(ast_list(P, N_LIST, x->pos), x); }
arg_list(A) ::= arg_list(L) COMMA arg(X).    { A = ast_add(L, X); }
arg(A) ::= oexpr(E).                         { A = E; }
arg(A) ::= cexpr(E).                         { A = E; }
arg(A) ::= NAME(N) ASSIGN expr(E).           { A = ast_kwarg(P, N, E); }
arg(A) ::= ONAME(N) ASSIGN expr(E).          { A = ast_kwarg(P, N, E); }
arg(A) ::= MUL(T) expr(E).                   { A = ast_star(P, N_STAR, T, E); }
arg(A) ::= POW(T) expr(E).                   { A = ast_star(P, N_STARSTAR, T, E); }

/* the primaries */
postfix(A) ::= NAME(N).                      { A = ast_name(P, N); }
postfix(A) ::= DOTTED(N).                    { A = ast_dotted(P, N); }
postfix(A) ::= INT(T).                       { A = ast_int(P, T); }
postfix(A) ::= FLOAT(T).                     { A = ast_float(P, T); }
postfix(A) ::= strings(S).                   { A = S; }
postfix(A) ::= LPAREN tuple(E) RPAREN.       { A = ast_paren(E); }
postfix(A) ::= LPAREN(T) RPAREN.             { A = ast_seq(P, N_TUPLE, T, NULL); }
postfix(A) ::= LBRACKET(T) list_items(L) RBRACKET.   { A = ast_seq(P, N_LIST, T, L); }
postfix(A) ::= LBRACE(T) dict_items(L) RBRACE.       { A = ast_seq(P, N_DICT, T, L); }

strings(A) ::= STRING(T).                    { A = ast_string(P, T); }
strings(A) ::= strings(S) STRING(T).         { A = ast_string_cat(P, S, T); }

list_items(A) ::= .                          { A = NULL; }
list_items(A) ::= expr_list(L).              { A = L; }
list_items(A) ::= expr_list(L) COMMA.        { A = L; }
expr_list(A) ::= expr(X).                    { A = ast_add(ast_list(P, N_LIST, X->pos), X); }
expr_list(A) ::= expr_list(L) COMMA expr(X). { A = ast_add(L, X); }

dict_items(A) ::= .                          { A = NULL; }
dict_items(A) ::= pair_list(L).              { A = L; }
dict_items(A) ::= pair_list(L) COMMA.        { A = L; }
pair_list(A) ::= pair(X).                    { A = ast_add(ast_list(P, N_LIST, X->pos), X); }
pair_list(A) ::= pair_list(L) COMMA pair(X). { A = ast_add(L, X); }
pair(A) ::= expr(K) COLON expr(V).           { A = ast_bin(P, N_PAIR, 0, K, V); }

/* ======================================================================================
 * The driver: pull tokens from the lexer and push them into the parser. It lives here
 * because it needs the generated yyParser type to keep the parser on the stack.
 * ====================================================================================== */
%code {
/* The lexer (build/lexer.c, generated from grammar/lexer.re) is compiled into this file, not
 * on its own: the driver's loop below then inlines lex_next, whose call (registers saved and
 * restored, the token passed through memory) cost about a sixth of the lexing per token. */
#include "lexer.c"
/* The AST constructors the actions call (src/parse.c) likewise: one translation unit, so the
 * flattened loop inlines them too. */
#include "parse.c"

/* What the driver does with a token besides passing it to the parser: TKC_END (a tag's end)
 * clears the unterminated-string suspicion, TKC_TRACK (a tag, or a string: parse_track_blocks)
 * follows the open blocks, TKC_OPEN (a bracket) checks the nesting depth, as TKC_TRACK does.
 * (The tag range holds a few keywords too, as the tracking expects.) */
enum { TKC_END = 1, TKC_TRACK, TKC_OPEN };
static const unsigned char tk_class[YYNTOKEN] = {
    [TK_BLOCK_END] = TKC_END, [TK_VAR_END] = TKC_END,
    [TK_TAG_IF ... TK_TAG_ENDBLOCK] = TKC_TRACK, [TK_STRING] = TKC_TRACK, [TK_OSTRING] = TKC_TRACK,
    [TK_LPAREN] = TKC_OPEN, [TK_LBRACKET] = TKC_OPEN, [TK_LBRACE] = TKC_OPEN,
};

/* the '.name' parts of a DOTTED token (the ATTR tokens it replaces) */
static int dotted_attrs(const token *t)
{
    int k = 0;
    for (uint32_t i = 0; i < t->len; i++) k += t->p[i] == '.';
    return k;
}

/* flatten: lemon's parse_lemon (and what it calls in this file) is inlined into the loop
 * below, its only caller here: its prologue and epilogue cost a fifth of its time per token */
__attribute__((flatten))
node *parse_template(pctx *P, const char *src, size_t len, int trim_blocks, int lstrip_blocks)
{
    /* the parser (4000 stack entries, ~128 KB) lives on the heap, through the allocator hook:
     * embedders' threads may have small stacks */
    yyParser *parser = rt_alloc(P->R, NULL, 0, sizeof(yyParser));
    lexer L;
    if (!parser) { P->failed = 1; return NULL; }
    token t;
    int set_pending = 0; /* saw {% set: is it the block form? (no '=' before '%}') */
    uint32_t set_pos = 0;
    P->src = src;
    lex_init(&L, src, len, P->D, trim_blocks, lstrip_blocks);
    if (P->syntax) lex_set_syntax(&L, P->syntax);
    L.jv = P->jv;
    parse_lemonInit(parser);
    do {
        lex_next(&L, &t);
        if (t.type < 0) { P->failed = 1; break; }
        P->last_pos = t.pos;
        /* only tags, strings and tag ends change the block tracking (and a pending set or do
         * waits for the next token), and only they and opening brackets deepen the nesting:
         * most tokens (names, operators, text) are class 0, one load and one test */
        int cls = set_pending ? TKC_TRACK : tk_class[t.type];
        if (cls == TKC_END) {
            P->suspect_string = 0; /* all the tracking does with a tag's end */
        } else if (cls) {
            if (cls == TKC_TRACK) parse_track_blocks(P, &t, &set_pending, &set_pos);
            /* the depth grows only with a block the tracking opened or a bracket the lexer counted */
            if ((uint32_t)(P->nopen + L.brace_depth) > P->max_depth) {
                diag_error(P->D, JINN_ERR_LIMIT, t.pos, "limit 'parse_depth' exceeded: blocks and brackets nested more than %u deep",
                           P->max_depth);
                P->failed = 1;
                break;
            }
        }
        parse_lemon(parser, t.type, (ptok){t.p, t.pos, t.len}, P);
        /* a DOTTED token shifted counts as the NAME and ATTR tokens it stands for towards the
         * three shifts that end error recovery (jinn check reports the same errors), a
         * TEXT_VAR as its TEXT and VAR_BEGIN. Lemon's
         * count is negative out of recovery, 3 right after an error, and one less per shift:
         * 0 to 2 after this token means it was shifted while recovering. Recovery follows
         * a reported error: no diagnostic yet, no recovery, no test of lemon's count. */
        /* (one test for a token without errors: the stop, the recovery and the
         * too-many-errors stop are behind it) */
        if (P->D->count | P->failed) {
            if (P->failed) break;
            if ((t.type == TK_DOTTED || t.type == TK_ODOTTED || t.type == TK_TEXT_VAR) && (unsigned)parser->yyerrcnt < 3)
                parser->yyerrcnt -= t.type == TK_TEXT_VAR ? 1 : dotted_attrs(&t);
            if (P->D->count > 64) break;
        }
    } while (t.type != 0);
    parse_lemonFinalize(parser);
    rt_alloc(P->R, parser, sizeof(yyParser), 0);
    if (P->failed || (P->D->count && !P->recover)) return NULL;
    return P->root;
}
}
