/*
 * migrate.c — the migration lint: walk a parsed template and warn at every construct whose
 * result differs between the jinja profile (Jinja2 3.1) and the jinjava profile (Jinjava 2.x),
 * with a rule code, both behaviours and a rewrite that behaves the same in both
 * (docs/language.md, "Migrating between the dialects").
 *
 * Types are guessed, not known: a small flow-insensitive inference over the template's own
 * `set`s and `for` targets (literals, the filters whose result type is fixed, one level of list
 * items). A value that comes from the context has no known type, so a rule that depends on a
 * type (printing, loose equality, map iteration, truthiness of strings) only fires where the
 * template itself shows the type; the rules that depend on a construct alone (round, slice,
 * for-else, `and`, trimming, filters of one dialect) always fire. Two passes: the first
 * gathers the variables' types, the second reports.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "migrate.h"

/* what an expression may be (bits; 0: unknown) */
enum { K_STR = 1, K_NUM = 2, K_BOOL = 4, K_NONE = 8, K_LIST = 16, K_DICT = 32, K_DEC = 64 };

typedef struct mvar {
    const char *s;
    uint32_t len;
    unsigned kind, elem; /* elem: a list's items */
} mvar;

typedef struct mig {
    jrt *R;
    diags *D;
    int dir, pass, oom;
    mvar *vars;
    int nvars, cap;
    const node *formatted[8]; /* round / sum filters that are format's arguments: already rewritten */
    int nformatted;
} mig;

/* Filters and tests that exist in one dialect only: Jinja2 3.1's registries
 * (jinja2.filters.FILTERS, jinja2.tests.TESTS) against Jinjava 2.8's (lib/filter/
 * FilterLibrary.java, lib/exptest/ExpTestLibrary.java, as listed in cli/jinjava_names.c). */
static const char *const jinja_only_filters[] = {"items", "max", "min", NULL};
static const char *const jinja_only_tests[] = {"callable", "filter", "test", NULL};
static const char *const jinjava_only_filters[] = {
    "add", "allow_snake_case", "b64decode", "b64encode", "between_times", "bool", "closehtml", "cut", "date",
    "datetimeformat", "difference", "divide", "divisible", "escape_jinjava", "escapejs", "escapejson",
    "format_date", "format_datetime", "format_number", "format_time", "fromjson", "fromyaml", "intersect",
    "ipaddr", "ipv4", "ipv6", "log", "md5", "minus_time", "multiply", "plus_time", "regex_replace", "render",
    "root", "shuffle", "split", "strtodate", "strtotime", "symmetric_difference", "toyaml", "truncatehtml",
    "unescape_html", "union", "unixtimestamp", "urldecode", NULL};
static const char *const jinjava_only_tests[] = {"containing", "containingall", "string_containing",
                                                 "string_startingwith", "truthy", "within", NULL};

/* a rewrite for some of them (name, rewrite) */
static const char *const one_side_rewrites[][2] = {
    {"add", "x + y (doubles where add made decimals)"},
    {"multiply", "x * y (doubles: 0.1|multiply(3) is 0.3, 0.1 * 3 is 0.30000000000000004)"},
    {"divide", "x / y (a float: 7|divide(2) is 4, the dividend's scale; 7 / 2 is 3.5)"}, {"items", "d.items()"},
    {"max", "(x|sort)|last"}, {"min", "(x|sort)|first"}, {"bool", "x in [true, 'true', 1]"},
    {"split", "x.split(sep)"}, {"truthy", "if x"}, {"containing", "y in x"}, {NULL, NULL}};

static bool in_list(const char *const *l, const char *s, uint32_t len)
{
    for (; *l; l++)
        if (strlen(*l) == len && !memcmp(*l, s, len)) return true;
    return false;
}

static bool is(const node *n, const char *name)
{
    return n->s && strlen(name) == n->slen && !memcmp(n->s, name, n->slen);
}

static void warn(mig *m, uint32_t pos, uint32_t len, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void warn(mig *m, uint32_t pos, uint32_t len, const char *code, const char *fmt, ...)
{
    if (m->pass == 0) return;
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_warn(m->D, pos, len, "[%s] %s", code, msg);
}

/* ---- types ---------------------------------------------------------------------------------- */

static mvar *find_var(mig *m, const char *s, uint32_t len)
{
    for (int i = 0; i < m->nvars; i++)
        if (m->vars[i].len == len && !memcmp(m->vars[i].s, s, len)) return &m->vars[i];
    return NULL;
}

/* a name is given a value of this type somewhere: join it with what it had */
static void set_var(mig *m, const node *t, unsigned kind, unsigned elem)
{
    if (!t || t->kind != N_NAME) return;
    mvar *v = find_var(m, t->s, t->slen);
    if (!v) {
        if (m->nvars == m->cap) {
            int nc = m->cap ? m->cap * 2 : 16;
            mvar *nv = rt_alloc(m->R, m->vars, (size_t)m->cap * sizeof *nv, (size_t)nc * sizeof *nv);
            if (!nv) { m->oom = 1; return; }
            m->vars = nv;
            m->cap = nc;
        }
        v = &m->vars[m->nvars++];
        *v = (mvar){t->s, t->slen, 0, 0};
    }
    v->kind |= kind;
    v->elem |= elem;
}

static unsigned kind_of(mig *m, const node *n, unsigned *elem);

static unsigned filter_kind(mig *m, const node *n, unsigned *elem)
{
    unsigned ae = 0, ak = n->a ? kind_of(m, n->a, &ae) : 0;
    static const char *const same_list[] = {"sort", "reverse", "unique", "list", "select", "reject", "selectattr",
                                            "rejectattr", "shuffle", NULL};
    static const char *const item[] = {"first", "last", "random", NULL};
    static const char *const decimal[] = {"round", "sum", "add", "multiply", "divide", NULL};
    static const char *const str[] = {"string", "upper", "lower", "join", "format", "title", "trim", "replace",
                                      "capitalize", "striptags", "tojson", "e", "escape", "safe", "truncate",
                                      "center", "indent", "urlencode", "wordwrap", "datetimeformat", NULL};
    static const char *const num[] = {"length", "count", "int", "float", "abs", "wordcount", NULL};
    static const char *const list[] = {"items", "dictsort", "batch", "slice", "map", "split", NULL};
    if (in_list(same_list, n->s, n->slen)) { *elem = ae; return K_LIST; }
    if (in_list(item, n->s, n->slen)) return ak & K_LIST ? ae : 0;
    if (in_list(decimal, n->s, n->slen)) return K_NUM | K_DEC;
    if (in_list(str, n->s, n->slen)) return K_STR;
    if (in_list(num, n->s, n->slen)) return K_NUM;
    if (in_list(list, n->s, n->slen)) return K_LIST;
    return 0;
}

/* what n may be (K_* bits, 0: unknown); a list's item types in *elem */
static unsigned kind_of(mig *m, const node *n, unsigned *elem)
{
    *elem = 0;
    unsigned e1, e2;
    switch (n->kind) {
    case N_CONST:
        switch (n->v.t) {
        case JV_NONE: return K_NONE;
        case JV_BOOL: return K_BOOL;
        case JV_INT: case JV_BIG: case JV_FLOAT: return K_NUM;
        case JV_STR: return K_STR;
        case JV_LIST: return K_LIST;
        case JV_DICT: return K_DICT;
        default: return 0;
        }
    case N_LIST: case N_TUPLE: {
        unsigned e = 0;
        bool first = true;
        for (const node *i = n->head; i; i = i->next) {
            unsigned k = kind_of(m, i, &e1);
            e = first ? k : (e == k ? e : 0);
            first = false;
        }
        *elem = e;
        return K_LIST;
    }
    case N_DICT: return K_DICT;
    case N_NAME: {
        mvar *v = find_var(m, n->s, n->slen);
        if (!v) return 0;
        *elem = v->elem;
        return v->kind;
    }
    case N_CMP: case N_NOT: case N_TEST: return K_BOOL;
    case N_ITEM: {
        unsigned k = kind_of(m, n->a, &e1);
        return k == K_LIST ? e1 : 0;
    }
    case N_COND: {
        /* no else: undefined, which prints empty in both */
        unsigned a = kind_of(m, n->a, &e1), c = n->c ? kind_of(m, n->c, &e2) : a;
        /* x if x is not none else '': the test rules none out */
        unsigned none = n->b && n->b->kind == N_TEST && is(n->b, "none") ? K_NONE : 0;
        return a && c ? (a | c) & ~none : 0;
    }
    case N_BIN: {
        unsigned a = kind_of(m, n->a, &e1), b = kind_of(m, n->b, &e2);
        if (n->op == OPB_CONCAT) return K_STR;
        if ((a | b) & K_DEC) return K_NUM | K_DEC;
        if (a == K_STR && b == K_STR) return K_STR;
        if (a == K_NUM && b == K_NUM) return K_NUM;
        return 0;
    }
    case N_FILTER: return filter_kind(m, n, elem);
    default: return 0;
    }
}

/* ---- the rules -------------------------------------------------------------------------------- */

static const char *target_name(const node *n, int *len)
{
    *len = n && n->kind == N_NAME ? (int)n->slen : 1;
    return n && n->kind == N_NAME ? n->s : "x";
}

/* MIG01: a list, dict, none or boolean printed */
static void rule_print(mig *m, const node *n)
{
    unsigned e, k = kind_of(m, n->a, &e);
    int nl;
    const char *nm = target_name(n->a, &nl);
    if (k & K_LIST)
        warn(m, n->a->pos, 0, "MIG01", "a list printed: jinja prints Python's repr ([1, 'a', None]), jinjava Java's "
             "toString ([1, a, null]); rewrite: {{ %.*s|join(', ') }}", nl, nm);
    else if (k & K_DICT)
        warn(m, n->a->pos, 0, "MIG01", "a dict printed: jinja prints {'k': 'v'}, jinjava {k=v}; rewrite: print "
             "its fields ({{ %.*s.k }}) or {{ %.*s|tojson }}", nl, nm, nl, nm);
    else if (k & K_NONE)
        warn(m, n->a->pos, 0, "MIG01", "none printed: jinja prints None, jinjava nothing; rewrite: "
             "{{ %.*s if %.*s is not none else '' }}", nl, nm, nl, nm);
    else if (k & K_BOOL)
        warn(m, n->a->pos, 0, "MIG01", "a boolean printed: jinja prints True/False, jinjava true/false; rewrite: "
             "{{ 'true' if %.*s else 'false' }}", nl, nm);
}

static void rule_filter(mig *m, const node *n)
{
    unsigned len = n->slen;
    if (is(n, "format"))
        for (const node *i = n->head; i && m->nformatted < 8; i = i->next)
            if (i->kind == N_FILTER) m->formatted[m->nformatted++] = i;
    for (int i = 0; i < m->nformatted; i++)
        if (m->formatted[i] == n) return; /* '%.2f'|format(x|round(2)): the rewrite itself */
    if (is(n, "round"))
        warn(m, n->pos, len, "MIG02", "round: jinja returns a float rounded half to even (2.5|round is 2.0, "
             "3|round(2) is 3), jinjava a decimal rounded half up with the precision's digits (3, 3.00); "
             "rewrite: '%%.2f'|format(x) for round(2), '%%.0f'|format(x) for round()");
    else if (is(n, "sum"))
        warn(m, n->pos, len, "MIG03", "sum: of floats, jinja adds doubles ([0.1,0.2]|sum is 0.30000000000000004), "
             "jinjava a decimal of the doubles' exact values, printed with all its digits (0.300000000000000016...); rewrite: "
             "'%%.2f'|format(x|sum)");
    else if (is(n, "slice"))
        warn(m, n->pos, len, "MIG06", "slice(n): jinja makes n columns ([1,2,3,4,5]|slice(2) is [[1, 2, 3], "
             "[4, 5]]), jinjava chunks of n items ([[1, 2], [3, 4], [5]]); rewrite: batch(n) for chunks of n");
    bool jinja_only = in_list(jinja_only_filters, n->s, len), jinjava_only = in_list(jinjava_only_filters, n->s, len);
    if (jinja_only || jinjava_only) {
        const char *rw = "a macro both dialects run";
        for (int i = 0; one_side_rewrites[i][0]; i++)
            if (is(n, one_side_rewrites[i][0])) rw = one_side_rewrites[i][1];
        warn(m, n->pos, len, "MIG13", "filter '%.*s' exists in %s only: %s; rewrite: %s", (int)len, n->s,
             jinja_only ? "Jinja2" : "Jinjava",
             jinja_only ? "Jinjava prints an unknown filter empty" : "Jinja2 fails with \"no filter named\"", rw);
    }
}

static void rule_test(mig *m, const node *n)
{
    bool jinja_only = in_list(jinja_only_tests, n->s, n->slen), jinjava_only = in_list(jinjava_only_tests, n->s, n->slen);
    if (!jinja_only && !jinjava_only) return;
    const char *rw = "a macro both dialects run";
    for (int i = 0; one_side_rewrites[i][0]; i++)
        if (is(n, one_side_rewrites[i][0])) rw = one_side_rewrites[i][1];
    warn(m, n->pos, n->slen, "MIG13", "test '%.*s' exists in %s only: %s; rewrite: %s", (int)n->slen, n->s,
         jinja_only ? "Jinja2" : "Jinjava",
         jinja_only ? "Jinjava's unknown test is false" : "Jinja2 fails with \"no test named\"", rw);
}

static bool negative(const node *n)
{
    return n->kind == N_NEG || (n->kind == N_CONST && ((n->v.t == JV_INT && n->v.u.i < 0) || (n->v.t == JV_FLOAT && n->v.u.d < 0)));
}

/* MIG05: %, / and // where the dialects' numbers differ */
static void rule_arith(mig *m, const node *n)
{
    unsigned e, a = kind_of(m, n->a, &e), b = kind_of(m, n->b, &e);
    if (n->op == OPB_MOD && (negative(n->a) || negative(n->b)))
        warn(m, n->pos, 1, "MIG05", "%% with a negative operand: jinja's result takes the divisor's sign (-7 %% 3 "
             "is 2), jinjava's the dividend's (-1); rewrite: keep both operands non-negative");
    else if ((n->op == OPB_DIV || n->op == OPB_FLOORDIV || n->op == OPB_MOD) && ((a | b) & K_DEC))
        warn(m, n->pos, n->op == OPB_FLOORDIV ? 2 : 1, "MIG05", "'%s' on a decimal (round, sum, add, multiply, divide): "
             "jinja divides floats ([1,2]|sum / 2 is 1.5), jinjava decimals at the operand's scale (2); rewrite: "
             "make it a float first, (x|string|float) %s y", opb_symbol(n->op), opb_symbol(n->op));
}

/* MIG04: == / != between a string and a number */
static void rule_compare(mig *m, const node *n)
{
    const node *prev = n->a;
    for (const node *c = n->head; c; c = c->next) {
        if (c->op == OPC_EQ || c->op == OPC_NE) {
            unsigned e, a = kind_of(m, prev, &e), b = kind_of(m, c->a, &e);
            if ((a == K_STR && (b & ~K_DEC) == K_NUM) || (b == K_STR && (a & ~K_DEC) == K_NUM))
                warn(m, c->pos, 2, "MIG04", "'%s' between a string and a number: jinja never finds them equal "
                     "(1 == \"1\" is false), jinjava converts (true); rewrite: compare strings, "
                     "x|string %s \"1\"", c->op == OPC_EQ ? "==" : "!=", c->op == OPC_EQ ? "==" : "!=");
        }
        prev = c->a;
    }
}

/* MIG10: a string as a condition */
static void rule_truth(mig *m, const node *n)
{
    unsigned e;
    if (kind_of(m, n, &e) != K_STR) return;
    if (m->dir == MIG_TO_JINJAVA)
        warn(m, n->pos, 0, "MIG10", "a string as a condition: jinja's \"false\" is true (non-empty), jinjava's is "
             "false; rewrite: x|length > 0");
    else
        warn(m, n->pos, 0, "MIG10", "a string as a condition: jinjava's \"false\" is false, jinja's is true "
             "(non-empty); rewrite: x and x|lower != 'false'");
}

/* ---- the walk --------------------------------------------------------------------------------- */

enum { CTX_VALUE, CTX_COND };

static void walk(mig *m, const node *n, int ctx);

static void walk_children(mig *m, const node *n)
{
    const node *kids[5] = {n->a, n->b, n->c, n->d, n->e};
    for (int i = 0; i < 5; i++) {
        if (!kids[i]) continue;
        int ctx = CTX_VALUE;
        if ((n->kind == N_IF && i == 0) || (n->kind == N_FOR && i == 4) || (n->kind == N_COND && i == 1) ||
            (n->kind == N_NOT && i == 0))
            ctx = CTX_COND;
        walk(m, kids[i], ctx);
    }
    if (n->kind != N_CMP)
        for (const node *i = n->head; i; i = i->next) walk(m, i, CTX_VALUE);
    else
        for (const node *i = n->head; i; i = i->next) walk(m, i->a, CTX_VALUE);
}

/* MIG14: a unary minus or plus under a filter or test, unparenthesised: Jinja2 filters -x,
 * Jinjava 2.x negates x|f (el/ext/ExtendedParser.java; the jinjava parse has already moved the
 * filter below the minus, the jinja parse has the minus below the filter) */
static void rule_unary_filter(mig *m, const node *n)
{
    const node *u = NULL, *f = NULL;
    bool jv = m->R->profile == PROF_JINJAVA;
    if (jv && (n->kind == N_NEG || n->kind == N_POS) && n->a && (n->a->kind == N_FILTER || n->a->kind == N_TEST) &&
        !n->a->paren && n->a->s)
        u = n, f = n->a;
    else if (!jv && (n->kind == N_FILTER || n->kind == N_TEST) && n->s && n->a && (n->a->kind == N_NEG || n->a->kind == N_POS) &&
             !n->a->paren)
        u = n->a, f = n;
    if (!u) return;
    char op = u->kind == N_NEG ? '-' : '+';
    const char *sep = f->kind == N_TEST ? " is " : "|";
    warn(m, u->pos, 1, "MIG14", "'%cx%s%.*s': jinja applies the %s to %cx, jinjava to x, then the '%c'; rewrite: "
         "(%cx)%s%.*s or %c(x%s%.*s)", op, sep, (int)f->slen, f->s, f->kind == N_TEST ? "test" : "filter", op, op,
         op, sep, (int)f->slen, f->s, op, sep, (int)f->slen, f->s);
}

static void walk(mig *m, const node *n, int ctx)
{
    if (!n || m->oom) return;
    unsigned e, k;
    switch (n->kind) {
    case N_AND: case N_OR:
        if (ctx == CTX_VALUE && n->kind == N_AND)
            warn(m, n->pos, 3, "MIG11", "'and' as a value: jinja gives the operand that decides (1 and 'x' is x), "
                 "jinjava a boolean (true); rewrite: b if a else a");
        walk(m, n->a, ctx);
        walk(m, n->b, ctx);
        return;
    case N_PRINT: rule_print(m, n); break;
    case N_NEG: case N_POS: rule_unary_filter(m, n); break;
    case N_FILTER: if (n->s) rule_filter(m, n); rule_unary_filter(m, n); break;
    case N_TEST: rule_test(m, n); rule_unary_filter(m, n); break;
    case N_BIN: rule_arith(m, n); break;
    case N_CMP: rule_compare(m, n); break;
    case N_SET:
        if (n->a && n->b && n->a->kind == N_TARGETS && n->a->head && !n->a->head->next) {
            k = kind_of(m, n->b, &e);
            set_var(m, n->a->head, k, e);
        }
        break;
    case N_CALL:
        /* x.append(y): x's items may be y */
        if (n->a && n->a->kind == N_ATTR && n->a->a && n->a->a->kind == N_NAME && is(n->a, "append") && n->head) {
            k = kind_of(m, n->head, &e);
            set_var(m, n->a->a, K_LIST, k);
        }
        break;
    case N_FOR: {
        const node *t = n->a && n->a->kind == N_TARGETS ? n->a->head : n->a;
        bool one = t && !t->next && t->kind == N_NAME;
        k = n->b ? kind_of(m, n->b, &e) : 0;
        if (one && k == K_LIST) set_var(m, t, e, 0);
        if (one && (k & K_DICT))
            warn(m, n->b->pos, 0, "MIG12", "iterating a dict: jinja gives its keys, jinjava its values; rewrite: "
                 "{%% for k, v in d.items() %%}");
        if (n->d)
            warn(m, n->pos, 0, "MIG07", "for-else: jinja runs the else block when nothing was iterated, jinjava "
                 "never; rewrite: {%% if not items %%}...{%% endif %%} after the loop");
        break;
    }
    default: break;
    }
    if (ctx == CTX_COND && n->kind != N_NOT) rule_truth(m, n);
    walk_children(m, n);
}

/* ---- the source text ---------------------------------------------------------------------------- */

/* MIG09: {{- and -}}; MIG08: the final newline */
static void scan_text(mig *m, const char *src, size_t len, const jinn_config *cfg)
{
    const char *vs = cfg->variable_start ? cfg->variable_start : "{{";
    const char *ve = cfg->variable_end ? cfg->variable_end : "}}";
    const char *cs = cfg->comment_start ? cfg->comment_start : "{#";
    const char *ce = cfg->comment_end ? cfg->comment_end : "#}";
    size_t vsl = strlen(vs), vel = strlen(ve), csl = strlen(cs), cel = strlen(ce);
    for (size_t i = 0; i < len; i++) {
        if (csl && i + csl <= len && !memcmp(src + i, cs, csl)) {
            /* a comment: its dashes trim in jinja, nothing in Jinjava 2.x; skip its text */
            size_t j = i + csl;
            while (j + cel <= len && memcmp(src + j, ce, cel)) j++;
            if (i + csl < len && src[i + csl] == '-')
                warn(m, (uint32_t)i, (uint32_t)csl + 1, "MIG09", "'%s-' trims the whitespace before it in jinja, "
                     "jinjava trims nothing; rewrite: remove the whitespace from the source", cs);
            if (j + cel <= len && j > i + csl && src[j - 1] == '-')
                warn(m, (uint32_t)(j - 1), (uint32_t)cel + 1, "MIG09", "'-%s' trims the whitespace after it in jinja, "
                     "jinjava trims nothing; rewrite: remove the whitespace from the source", ce);
            i = j + cel - 1;
            continue;
        }
        if (i + vsl < len && !memcmp(src + i, vs, vsl) && src[i + vsl] == '-')
            warn(m, (uint32_t)i, (uint32_t)vsl + 1, "MIG09", "'%s-' trims the whitespace before it in jinja, "
                 "jinjava trims nothing; rewrite: remove the whitespace from the source, or trim with the "
                 "neighbouring tag's '{%%-'", vs);
        if (i + 1 + vel <= len && src[i] == '-' && !memcmp(src + i + 1, ve, vel))
            warn(m, (uint32_t)i, (uint32_t)vel + 1, "MIG09", "'-%s' trims the whitespace after it in jinja, "
                 "jinjava trims nothing; rewrite: remove the whitespace from the source, or trim with the "
                 "neighbouring tag's '-%%}'", ve);
    }
    if (len && src[len - 1] == '\n' && !cfg->keep_trailing_newline)
        warn(m, (uint32_t)(len - 1), 1, "MIG08", "the template ends with a newline: jinja drops it, jinjava keeps "
             "it (keep_trailing_newline); rewrite: end the template without a final newline");
}

bool mig_lint(jrt *R, diags *D, const node *root, const char *src, size_t len, const jinn_config *cfg, int dir)
{
    mig m = {.R = R, .D = D, .dir = dir};
    for (m.pass = 0; m.pass < 2 && !m.oom; m.pass++) {
        m.nformatted = 0;
        walk(&m, root, CTX_VALUE);
    }
    if (!m.oom) scan_text(&m, src, len, cfg);
    if (m.vars) rt_alloc(R, m.vars, (size_t)m.cap * sizeof *m.vars, 0);
    return !m.oom;
}
