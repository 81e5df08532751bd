/*
 * repl.c — `jinn repl`: a read-eval-print loop on top of the public API, as lua.c is on top of
 * lua.h.
 *
 * An input is either a bare expression (no "{{", "{%" or "{#": `1 + 2`, `x|sort`), whose value
 * is printed as the profile prints the items of a list (strings quoted in the jinja profile —
 * Python's repr, what Jinja2 users expect), or template text, which is rendered and printed.
 * `NAME = EXPR` is read as `{% set NAME = EXPR %}`.
 *
 * State. The variables live in a jinn_session: each input is compiled on its own and rendered
 * against the variables earlier inputs left, as live values (no JSON in between), and leaves
 * its own there. So variables keep sharing objects as they do in one template
 * (`CANDIDATES = [NEWSLETTER, ...]` sees a later `NEWSLETTER.update(..)`), namespaces and
 * in-place mutations persist, a warning belongs to the input that caused it, and an input
 * costs what it costs, whether it is the first or the thousandth. Macros, imports and
 * `from` imports are kept as their definitions' text and compiled before each input (a
 * macro is code, not a value the session keeps). --context/-D give the session's first
 * variables; .set and .load become `{% set %}` inputs; .vars lists the session's variables.
 * Diagnostics are mapped back to the input's own lines and columns.
 *
 * Unfinished input. A template whose compile fails with jinn_result.incomplete (the text ended
 * inside a tag, block, string or comment) gets the continuation prompt, as Lua's REPL does
 * with its parser's "<eof>" error. A bare expression is wrapped before it is compiled, which
 * would close its brackets, so for it a small scan looks for open brackets, an open string or
 * a trailing operator instead.
 *
 * Terminal. With a terminal on stdin: libedit (prompts, history in ~/.jinn_history, Tab
 * completion, Ctrl-C cancels the input, Ctrl-D quits). Otherwise lines are read plainly with
 * no prompts, so a script can be piped in and the output compared (tests/repl/).
 */
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <histedit.h>
#include <jansson.h>

#include "cli.h"
#include "options.h"

/* Ctrl-C: cancels the input being typed, or stops a render through the engine's interrupt
 * flag (renders get a pointer to it). A program-level flag: the library keeps no state. */
static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) { (void)sig; interrupted = 1; }

#define NAME "<repl>"
#define PROMPT "jinn> "
#define PROMPT2 "...   "

typedef struct {
    jinn_config cfg;
    opt_engine eng;   /* the command line's engine options (cfg starts as eng.cfg) */
    const cli_command *cmd;
    json_t *builtins; /* jinn_builtins_json of env, for completion (read on first use) */
    jinn_env *env;
    json_t *ctx;      /* the context from --context and -D: a JSON object */
    json_t *vars;     /* the session's variables after the last input (as JSON), for .vars,
                         completion and .time */
    json_t *macros;   /* name -> definition text, in definition order (imports: "import N") */
    jinn_session *sess; /* the variables, live (made on first use, from ctx and vars) */
    bool vars_stale;    /* vars lags behind the session: sync_vars before reading it */
    char *prov_text;  /* the provider fixture in use, to reinstall when the env is recreated */
    size_t prov_len;
    char *prov_path;
    char *customer;
    uint64_t seed;
    bool interactive;
    bool quit;
    const char *prompt;
    EditLine *el;
    History *histed;
    char *hist_path;
} repl;

/* ======================================================================================
 * Small text helpers
 * ====================================================================================== */

static bool is_ident(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_')) return false;
    return true;
}

static bool is_keyword(const char *s)
{
    static const char *const kw[] = {"true", "false", "none", "True", "False", "None", "and", "or", "not",
                                      "in", "is", "if", "else", "loop", NULL};
    for (int i = 0; kw[i]; i++)
        if (!strcmp(kw[i], s)) return true;
    return false;
}

/* code points in s[0..n) (diagnostic columns count code points) */
static int utf8_cols(const char *s, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

static bool has_template_syntax(const char *s)
{
    return strstr(s, "{{") || strstr(s, "{%") || strstr(s, "{#");
}

static char *trim_dup(const char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return strndup(s, n);
}

/* Does a bare expression need more lines? Open brackets, an open string, or a trailing binary
 * operator or keyword (`1 +`, `x if`) — what a Python user expects to continue. */
static bool expr_unfinished(const char *s)
{
    int depth = 0;
    char quote = 0;
    for (const char *p = s; *p; p++) {
        if (quote) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == quote) quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') quote = *p;
        else if (strchr("([{", *p)) depth++;
        else if (strchr(")]}", *p) && --depth < 0) return false; /* let the compiler say it */
    }
    if (quote || depth > 0) return true;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (!n) return false;
    if (strchr("+-*/%~|,=<>", s[n - 1])) return true;
    size_t w = n;
    while (w && (isalnum((unsigned char)s[w - 1]) || s[w - 1] == '_')) w--;
    if (w && (s[w - 1] == '.' || s[w - 1] == '|')) return false; /* an attribute or a filter name */
    static const char *const ops[] = {"and", "or", "not", "in", "is", "if", "else", NULL};
    for (int i = 0; ops[i]; i++)
        if (n - w == strlen(ops[i]) && !strncmp(s + w, ops[i], n - w)) return true;
    return false;
}

/* `NAME = EXPR` (one '=', not '=='): the length of NAME, or 0 */
static size_t assignment_name(const char *s)
{
    size_t i = 0;
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
    while (isalnum((unsigned char)s[i]) || s[i] == '_') i++;
    size_t j = i;
    while (s[j] == ' ' || s[j] == '\t') j++;
    if (s[j] != '=' || s[j + 1] == '=') return 0;
    char *name = strndup(s, i);
    bool kw = is_keyword(name);
    free(name);
    return kw ? 0 : i;
}

/* ======================================================================================
 * Macro definitions: found in an input's text and kept for later inputs
 * ====================================================================================== */

/* From s (at "{%"), the end of the tag (after "%}") and its first word. Quotes inside the tag
 * are skipped, so a "%}" in a string does not end it. */
static size_t tag_end(const char *s, size_t n, size_t i, char *word, size_t wordsize)
{
    size_t j = i + 2;
    if (j < n && (s[j] == '-' || s[j] == '+')) j++;
    while (j < n && isspace((unsigned char)s[j])) j++;
    size_t w = 0;
    while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_')) {
        if (w + 1 < wordsize) word[w++] = s[j];
        j++;
    }
    word[w] = 0;
    char quote = 0;
    for (; j < n; j++) {
        if (quote) {
            if (s[j] == '\\') j++;
            else if (s[j] == quote) quote = 0;
        } else if (s[j] == '\'' || s[j] == '"') quote = s[j];
        else if (s[j] == '%' && j + 1 < n && s[j + 1] == '}') return j + 2;
    }
    return n;
}

/* the macro's name: the identifier after "macro" in the tag at s[i] */
static char *macro_name(const char *s, size_t i, size_t end)
{
    const char *m = strstr(s + i, "macro");
    if (!m || (size_t)(m - s) >= end) return NULL;
    m += 5;
    while (isspace((unsigned char)*m)) m++;
    size_t k = 0;
    while (isalnum((unsigned char)m[k]) || m[k] == '_') k++;
    return k ? strndup(m, k) : NULL;
}

/* Keep each top-level `{% macro %}…{% endmacro %}`, `{% import %}` and `{% from %}` of text. */
static void keep_definitions(repl *R, const char *s)
{
    size_t n = strlen(s), i = 0;
    char word[16];
    while (i + 1 < n) {
        if (s[i] != '{' || (s[i + 1] != '%' && s[i + 1] != '#')) { i++; continue; }
        if (s[i + 1] == '#') {
            const char *e = strstr(s + i + 2, "#}");
            i = e ? (size_t)(e - s) + 2 : n;
            continue;
        }
        size_t end = tag_end(s, n, i, word, sizeof word);
        if (!strcmp(word, "macro")) {
            int depth = 1;
            size_t j = end;
            while (j + 1 < n && depth) {
                if (s[j] == '{' && s[j + 1] == '%') {
                    char w2[16];
                    size_t e2 = tag_end(s, n, j, w2, sizeof w2);
                    if (!strcmp(w2, "macro")) depth++;
                    else if (!strcmp(w2, "endmacro")) depth--;
                    j = e2;
                } else j++;
            }
            char *name = macro_name(s, i, end);
            if (name) {
                json_object_set_new(R->macros, name, json_stringn(s + i, j - i));
                free(name);
            }
            i = j;
        } else if (!strcmp(word, "import") || !strcmp(word, "from")) {
            char key[64];
            snprintf(key, sizeof key, "%s %zu", word, json_object_size(R->macros));
            json_object_set_new(R->macros, key, json_stringn(s + i, end - i));
            i = end;
        } else if (!strcmp(word, "raw")) {
            const char *e = strstr(s + end, "endraw");
            i = e ? (size_t)(e - s) : n;
        } else i = end;
    }
}

/* ======================================================================================
 * Compile, render, report
 * ====================================================================================== */

static void report(repl *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(repl *R, const char *fmt, ...)
{
    (void)R;
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* What goes before an input: the kept macro definitions (LIGHT), or nothing. */
typedef enum { PRE_LIGHT, PRE_NONE } prelude_kind;

/* the separator after the macro definitions: an expression tag, so no whitespace control or
 * trim/lstrip option reaches across it */
#define SEP "{{ '' }}"

/* A compiled input and what maps its diagnostics back to what the user typed. */
typedef struct {
    jinn_template *t;
    const char *user;  /* the input as typed */
    const char *name;  /* the name diagnostics use */
    int pre_lines;     /* lines before the one the input starts on */
    int first_col;     /* code points before the input on its first line */
    bool expr;         /* a bare expression wrapped in {{ [ ... ] }} */
    prelude_kind pre;
} compiled;

/* a message, with the positions it quotes ("opened at 4:1") mapped to the user's lines */
static void put_mapped_text(cli_buf *b, const char *text, const compiled *c)
{
    const char *at;
    while ((at = strstr(text, "opened at ")) != NULL) {
        at += 10;
        int l, col, n = 0;
        if (sscanf(at, "%d:%d%n", &l, &col, &n) != 2 || n == 0) { cli_put(b, text, (size_t)(at - text)); text = at; continue; }
        cli_put(b, text, (size_t)(at - text));
        l -= c->pre_lines;
        if (l == 1) col -= c->first_col;
        char pos[48];
        snprintf(pos, sizeof pos, "%d:%d", l < 1 ? 1 : l, col < 1 ? 1 : col);
        cli_puts(b, pos);
        text = at + n;
    }
    cli_puts(b, text);
}

/* Print a diagnostic at the user's own line and column. */
static void print_error(repl *R, const compiled *c, const jinn_result *res)
{
    fflush(stdout);
    if (!res->name || strcmp(res->name, NAME) || res->line <= 0) {
        if (res->message) cli_print_diag(stderr, res->message);
        else report(R, "%s: %s", c->name, res->text ? res->text : "error");
        return;
    }
    int line = res->line - c->pre_lines, col = res->column;
    if (line < 1) {
        report(R, "%s: in an earlier input: %s", c->name, res->text ? res->text : "error");
        return;
    }
    if (line == 1) col -= c->first_col;
    /* find the line in the user's text; a position past it (a wrapper's end) is its end */
    const char *p = c->user;
    for (int l = 1; l < line; l++) {
        const char *nl = strchr(p, '\n');
        if (!nl) { col = 1 << 30; break; }
        p = nl + 1;
    }
    size_t len = strcspn(p, "\n");
    int cols = utf8_cols(p, len);
    if (col > cols + 1) col = cols + 1;
    if (col < 1) col = 1;
    cli_buf b = {0};
    char head[64];
    cli_puts(&b, c->name);
    snprintf(head, sizeof head, ":%d:%d: ", line, col);
    cli_puts(&b, head);
    put_mapped_text(&b, res->text ? res->text : "error", c);
    cli_puts(&b, "\n");
    cli_put(&b, p, len);
    cli_puts(&b, "\n");
    int k = 1;
    for (size_t i = 0; i < len && k < col; i++) {
        if (((unsigned char)p[i] & 0xC0) == 0x80) continue;
        cli_puts(&b, p[i] == '\t' ? "\t" : " ");
        k++;
    }
    cli_puts(&b, "^\n");
    cli_print_diag(stderr, b.p);
    free(b.p);
}

typedef enum { DONE, MORE } outcome;

static void put_prelude(repl *R, prelude_kind kind, cli_buf *src)
{
    if (kind == PRE_LIGHT && json_object_size(R->macros)) {
        const char *k;
        json_t *v;
        json_object_foreach(R->macros, k, v) cli_puts(src, json_string_value(v));
        cli_puts(src, SEP);
    }
}

/* Compile input (an expression, NAME = EXPR, or template text) after the prelude. MORE: it is
 * unfinished and final is false; DONE with c->t NULL: an error was printed. */
static outcome compile_input(repl *R, const char *input, bool final, bool force_template, prelude_kind kind,
                             compiled *c)
{
    memset(c, 0, sizeof *c);
    c->user = input;
    c->name = NAME;
    c->pre = kind;
    bool expr = !force_template && !has_template_syntax(input);
    const char *pre = "", *post = "";
    if (expr) {
        if (expr_unfinished(input) && !final) return MORE;
        if (assignment_name(input)) { pre = "{% set "; post = " %}"; }
        else { pre = "{{ ["; post = "] }}"; c->expr = true; }
    }
    cli_buf src = {0};
    put_prelude(R, kind, &src);
    for (size_t i = 0; i < src.len; i++)
        if (src.p[i] == '\n') c->pre_lines++;
    const char *last = src.p ? strrchr(src.p, '\n') : NULL;
    last = last ? last + 1 : src.p;
    c->first_col = (last ? utf8_cols(last, strlen(last)) : 0) + (int)strlen(pre);
    cli_puts(&src, pre);
    cli_puts(&src, input);
    cli_puts(&src, post);
    jinn_result res;
    jinn_status st = jinn_compile(R->env, NAME, src.p, src.len, &c->t, &res);
    free(src.p);
    if (st == JINN_OK) return DONE;
    if (res.incomplete && !final) {
        jinn_result_clear(R->env, &res);
        return MORE;
    }
    print_error(R, c, &res);
    jinn_result_clear(R->env, &res);
    c->t = NULL;
    return DONE;
}

static jinn_context *make_context(repl *R, json_t *vars)
{
    char *json = json_dumps(vars, JSON_COMPACT);
    if (!json) { report(R, "jinn: out of memory"); return NULL; }
    jinn_context *ctx = NULL;
    jinn_result res;
    if (jinn_context_from_json(R->env, json, strlen(json), &ctx, &res) != JINN_OK) {
        report(R, NAME ": the context: %s", res.text ? res.text : "error");
        jinn_result_clear(R->env, &res);
        ctx = NULL;
    }
    free(json);
    return ctx;
}

/* The session, made on first use (and again after .reset or .profile) from the variables
 * there are: the context's, then those of the session before (through JSON). */
static jinn_session *session(repl *R)
{
    if (R->sess) return R->sess;
    json_t *all = json_deep_copy(R->ctx);
    if (all) json_object_update(all, R->vars);
    jinn_context *ctx = all ? make_context(R, all) : NULL;
    json_decref(all);
    if (ctx) R->sess = jinn_session_new(R->env, ctx);
    jinn_context_free(ctx);
    if (!R->sess) report(R, "jinn: out of memory");
    return R->sess;
}

static void drop_session(repl *R)
{
    jinn_session_free(R->sess);
    R->sess = NULL;
}

/* the session's variables as JSON, for .vars, completion and .time: asked for only when one
 * of them needs it (a JSON dump of every variable after each input would make an input's
 * cost grow with the session) */
static void sync_vars(repl *R)
{
    if (!R->vars_stale) return;
    R->vars_stale = false;
    jinn_buf j = {0};
    if (R->sess && jinn_session_json(R->sess, &j) == JINN_OK) {
        json_t *v = json_loadb(j.data, j.len, 0, NULL);
        if (json_is_object(v)) { json_object_clear(R->vars); json_object_update(R->vars, v); }
        json_decref(v);
    }
    jinn_buf_free(R->env, &j);
}

/* Render a compiled input, print the output (an expression's value, or the text), keep the
 * input in the history and the variables it leaves. Returns true on success. */
static bool render_input(repl *R, const compiled *c)
{
    jinn_session *S = session(R);
    if (!S) return false;
    jinn_buf out = {0};
    interrupted = 0;
    jinn_render_opts opts = {.seed = R->seed, .interrupt = (const int *)&interrupted, .session = S};
    jinn_result res;
    jinn_status st = jinn_render(c->t, &opts, &out, &res);
    if (res.warning_list) {
        fflush(stdout);
        for (int i = 0; i < res.nwarnings; i++) {
            /* at the user's own line and column, as print_error does for errors */
            jinn_diagnostic d = res.warning_list[i];
            if (d.line > 0 && !strcmp(d.name, NAME)) {
                d.line -= c->pre_lines;
                if (d.line == 1) d.column -= c->first_col;
                if (d.line < 1 || d.column < 1) d.line = d.column = 0;
            }
            cli_print_warning(stderr, &d);
        }
    } else if (res.warnings) {
        fflush(stdout);
        cli_print_warnings(stderr, c->name, res.warnings);
    }
    bool ok = st == JINN_OK;
    if (!ok) {
        print_error(R, c, &res);
    } else {
        const char *o = out.data;
        size_t n = out.len;
        if (c->expr) {
            /* "[repr]" -> "repr" */
            if (n >= 2) fwrite(o + 1, 1, n - 2, stdout);
            fputc('\n', stdout);
        } else if (n) {
            fwrite(o, 1, n, stdout);
            if (o[n - 1] != '\n') fputc('\n', stdout);
        }
    }
    R->vars_stale = true; /* a failed input's in-place mutations stay too, as in Python's REPL */
    fflush(stdout);
    jinn_result_clear(R->env, &res);
    jinn_buf_free(R->env, &out);
    return ok;
}

/* Evaluate one whole input. MORE: read another line and try again. */
static outcome eval_input_as(repl *R, const char *text, bool final, bool force_template, const char *name)
{
    char *t = trim_dup(text);
    if (!*t) { free(t); return DONE; }
    /* template text keeps its own whitespace; an expression is trimmed */
    const char *input = force_template || has_template_syntax(t) ? text : t;
    compiled c;
    outcome o = compile_input(R, input, final, force_template, PRE_LIGHT, &c);
    if (name) c.name = name;
    if (o == DONE && c.t) {
        /* its variables stay in the session; its macro definitions are kept as text */
        if (render_input(R, &c) && !c.expr) keep_definitions(R, input);
        jinn_template_free(c.t);
    }
    free(t);
    return o;
}

static outcome eval_input(repl *R, const char *text, bool final)
{
    return eval_input_as(R, text, final, false, NULL);
}

/* ======================================================================================
 * The environment and providers
 * ====================================================================================== */

static bool install_provider(repl *R, const char *text, size_t len, const char *path)
{
    jinn_result res;
    if (jinn_env_use_json_provider(R->env, text, len, &res) != JINN_OK) {
        report(R, "%s: %s", path, res.text ? res.text : "not a provider fixture");
        jinn_result_clear(R->env, &res);
        return false;
    }
    return true;
}

static bool new_env(repl *R)
{
    json_decref(R->builtins); /* the profile may have changed what there is */
    R->builtins = NULL;
    jinn_env *env = jinn_env_new(&R->cfg);
    if (!env) { report(R, "jinn: out of memory"); return false; }
    sync_vars(R);
    drop_session(R); /* its variables carry over through R->vars (JSON) */
    if (R->env) jinn_env_free(R->env);
    R->env = env;
    return true;
}

/* .providers FILE.json | sqlite:PATH */
static void load_providers(repl *R, const char *spec)
{
    if (!strncmp(spec, "sqlite:", 7)) {
        report(R, ".providers %s: sqlite providers are not available yet (use a JSON fixture)", spec);
        return;
    }
    size_t len;
    char *text = cli_read_file_max(spec, &len, R->cfg.limits.context_bytes, "context_bytes");
    if (!text) return;
    if (!install_provider(R, text, len, spec)) {
        free(text);
        /* the env may have dropped the old provider: put it back */
        if (R->prov_text) install_provider(R, R->prov_text, R->prov_len, R->prov_path);
        return;
    }
    free(R->prov_text);
    free(R->prov_path);
    R->prov_text = text;
    R->prov_len = len;
    R->prov_path = strdup(spec);
    json_t *j = json_loadb(text, len, 0, NULL);
    size_t ne = json_object_size(json_object_get(j, "expressions")),
           nm = json_object_size(json_object_get(j, "metrics")),
           na = json_object_size(json_object_get(j, "aggregates"));
    printf("providers: %s (%zu expression%s, %zu metric%s, %zu aggregate%s)\n", spec, ne, ne == 1 ? "" : "s",
           nm, nm == 1 ? "" : "s", na, na == 1 ? "" : "s");
    json_decref(j);
}

/* ======================================================================================
 * Dot-commands
 * ====================================================================================== */

static const char help_text[] =
    "Type an expression to see its value:      1 + 2      x|sort      'a' ~ 'b'\n"
    "or template text to see its render:       {% set x = [3, 1, 2] %}      {{ x|sort }}\n"
    "NAME = EXPR is short for {% set NAME = EXPR %}. Variables and macros persist between\n"
    "inputs. An unfinished input ({% for %} without {% endfor %}, an open bracket or string)\n"
    "continues on the next line. Ctrl-C cancels the input, Ctrl-D quits.\n"
    "\n"
    ".help                 this text\n"
    ".load FILE.json       set a variable for each key of a JSON object\n"
    ".set NAME JSON        set one variable from JSON:  .set x [1, 2]\n"
    ".unset NAME           forget a variable or macro\n"
    ".vars                 list the variables and macros with their values\n"
    ".providers FILE.json  answer the insert tags from a fixture {\"expressions\":{..},\"metrics\":{..}}\n"
    ".customer ID          the customer that providers answer for\n"
    ".profile jinja|jinjava[:SWITCHES]  printing style and truthiness; Jinjava's switches\n"
    "                      (THREE_POINT_0,-iterateOverMapKeys; docs/language.md)\n"
    ".seed N               seed |random (default 0)\n"
    ".render FILE          render a template file here, as if typed; keep what it sets\n"
    ".disasm EXPR          print the bytecode of {{ EXPR }} (or of template text)\n"
    ".time EXPR|FILE       render EXPR (template text, a template file) many times; print ns/render\n"
    ".limits               the engine's limits\n"
    ".reset                forget all variables and macros\n"
    ".quit                 leave (or Ctrl-D)\n"
    "\n"
    "Each input runs after all earlier ones (their output hidden), so variables keep sharing\n"
    "objects as in one template; a new .seed or .providers applies to the earlier inputs too.\n";

static const char *const dot_commands[] = {".help", ".load", ".set", ".unset", ".vars", ".providers",
                                           ".customer", ".profile", ".seed", ".render", ".disasm",
                                           ".time", ".limits", ".reset", ".quit", NULL};

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* a JSON value as a template literal: none/true/false, numbers and strings as JSON writes
 * them (the dialect reads JSON's escapes), lists, dicts */
static void put_literal(cli_buf *b, json_t *v)
{
    if (json_is_null(v)) cli_puts(b, "none");
    else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        bool first = true;
        cli_puts(b, "{");
        json_object_foreach(v, k, x) {
            if (!first) cli_puts(b, ", ");
            first = false;
            cli_json_string(b, k);
            cli_puts(b, ": ");
            put_literal(b, x);
        }
        cli_puts(b, "}");
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        cli_puts(b, "[");
        json_array_foreach(v, i, x) {
            if (i) cli_puts(b, ", ");
            put_literal(b, x);
        }
        cli_puts(b, "]");
    } else {
        char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (s) cli_puts(b, s);
        free(s);
    }
}

/* run "{% set NAME = LITERAL %}" for each member of obj */
static void set_from_json(repl *R, json_t *obj)
{
    cli_buf b = {0};
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (!is_ident(k) || is_keyword(k)) {
            report(R, "skipped '%s': not a variable name", k);
            continue;
        }
        cli_puts(&b, "{% set ");
        cli_puts(&b, k);
        cli_puts(&b, " = ");
        put_literal(&b, v);
        cli_puts(&b, " %}");
    }
    if (b.len) eval_input_as(R, b.p, true, true, NAME);
    free(b.p);
}

static void cmd_vars(repl *R)
{
    sync_vars(R);
    size_t n = json_object_size(R->vars), k = 0;
    if (!n && !json_object_size(R->macros)) { printf("(no variables)\n"); return; }
    const char **names = malloc((n ? n : 1) * sizeof *names);
    const char *key;
    json_t *v;
    json_object_foreach(R->vars, key, v) names[k++] = key;
    qsort(names, n, sizeof *names, cmp_str);
    /* one render prints them all, as the profile prints them: {{ [a] }}\x1e{{ [b] }}... */
    cli_buf in = {0};
    for (size_t i = 0; i < n; i++) {
        if (i) cli_puts(&in, "\x1e");
        if (is_ident(names[i]) && !is_keyword(names[i])) {
            cli_puts(&in, "{{ [");
            cli_puts(&in, names[i]);
            cli_puts(&in, "] }}");
        }
    }
    char *reprs = NULL;
    compiled c;
    if (n && session(R) && compile_input(R, in.p, true, true, PRE_NONE, &c) == DONE && c.t) {
        jinn_buf out = {0};
        interrupted = 0;
        jinn_render_opts opts = {.seed = R->seed, .interrupt = (const int *)&interrupted, .session = R->sess};
        jinn_result res;
        if (jinn_render(c.t, &opts, &out, &res) == JINN_OK) reprs = strdup(out.data);
        jinn_result_clear(R->env, &res);
        jinn_buf_free(R->env, &out);
        jinn_template_free(c.t);
    }
    char *p = reprs;
    for (size_t i = 0; i < n; i++) {
        char *e = p ? strchr(p, '\x1e') : NULL;
        if (e) *e = 0;
        char *s = p && strlen(p) >= 2 ? strndup(p + 1, strlen(p) - 2) : NULL;
        p = e ? e + 1 : NULL;
        if (!s) s = json_dumps(json_object_get(R->vars, names[i]), JSON_COMPACT | JSON_ENCODE_ANY);
        size_t len = s ? strlen(s) : 0;
        const size_t max = 200;
        if (len > max) {
            size_t cut = max;
            while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--; /* a whole code point */
            printf("%s = %.*s...\n", names[i], (int)cut, s);
        } else printf("%s = %s\n", names[i], s ? s : "?");
        free(s);
    }
    free(reprs);
    free(in.p);
    free(names);
    json_object_foreach(R->macros, key, v)
        if (is_ident(key)) printf("%s = <macro>\n", key);
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* .time EXPR: compile once (with the macros; the variables as a context, so the history is
 * not timed too), render in batches that grow until one takes 0.2 s */
static void cmd_time(repl *R, const char *arg)
{
    compiled c;
    char *file = NULL;
    size_t flen;
    if (!has_template_syntax(arg) && !strpbrk(arg, " \t") && access(arg, R_OK) == 0 && (file = cli_read_file(arg, &flen))) {
        /* .time FILE: the whole template, with the variables as its context */
        if (flen && file[flen - 1] == '\n') file[flen - 1] = 0;
        compile_input(R, file, true, true, PRE_NONE, &c);
        c.name = arg;
    } else compile_input(R, arg, true, false, PRE_LIGHT, &c);
    if (!c.t) { free(file); return; }
    sync_vars(R);
    jinn_context *ctx = make_context(R, R->vars);
    jinn_buf out = {0};
    interrupted = 0;
            jinn_render_opts opts = {.context = ctx, .seed = R->seed, .interrupt = (const int *)&interrupted};
    jinn_result res;
    if (!ctx || jinn_render(c.t, &opts, &out, &res) != JINN_OK) {
        if (ctx) { print_error(R, &c, &res); jinn_result_clear(R->env, &res); }
    } else {
        jinn_result_clear(R->env, &res);
        unsigned long long n = 1;
        double dt = 0;
        for (;;) {
            double t0 = now_sec();
            for (unsigned long long i = 0; i < n; i++) {
                jinn_render(c.t, &opts, &out, &res);
                jinn_result_clear(R->env, &res);
            }
            dt = now_sec() - t0;
            if (dt >= 0.2 || n >= (1ULL << 40)) break;
            n *= dt < 0.02 ? 10 : 2;
        }
        printf("time: %llu renders, %.0f ns/render\n", n, dt * 1e9 / (double)n);
    }
    jinn_buf_free(R->env, &out);
    jinn_context_free(ctx);
    jinn_template_free(c.t);
    free(file);
}

static void cmd_disasm(repl *R, const char *arg)
{
    cli_buf src = {0};
    bool expr = !has_template_syntax(arg);
    if (expr) cli_puts(&src, "{{ ");
    cli_puts(&src, arg);
    if (expr) cli_puts(&src, " }}");
    compiled c = {.user = arg, .name = NAME, .first_col = expr ? 3 : 0};
    jinn_result res;
    if (jinn_compile(R->env, NAME, src.p, src.len, &c.t, &res) != JINN_OK) {
        print_error(R, &c, &res);
        jinn_result_clear(R->env, &res);
    } else {
        jinn_buf out = {0};
        jinn_disasm(c.t, &out);
        fwrite(out.data, 1, out.len, stdout);
        jinn_buf_free(R->env, &out);
        jinn_template_free(c.t);
    }
    free(src.p);
}

/* .render FILE: compiled on its own first for diagnostics under the file's name, then run as
 * if typed, so what it sets is kept */
static void cmd_render(repl *R, const char *path)
{
    size_t len;
    char *src = cli_read_file_max(path, &len, R->cfg.limits.template_bytes, "template_bytes");
    if (!src) return;
    jinn_template *t = NULL;
    jinn_result res;
    if (jinn_compile(R->env, path, src, len, &t, &res) != JINN_OK) {
        cli_print_diag(stderr, res.message);
        jinn_result_clear(R->env, &res);
    } else {
        jinn_template_free(t);
        /* a final newline is the file's end, not part of its last line */
        if (len && src[len - 1] == '\n' && !R->cfg.keep_trailing_newline) src[len - 1] = 0;
        eval_input_as(R, src, true, true, path);
    }
    free(src);
}

static void cmd_load(repl *R, const char *path)
{
    size_t len;
    char *text = cli_read_file_max(path, &len, R->cfg.limits.context_bytes, "context_bytes");
    if (!text) return;
    json_error_t err;
    json_t *j = json_loadb(text, len, 0, &err);
    free(text);
    if (!j) { report(R, "%s:%d:%d: not valid JSON: %s", path, err.line, err.column, err.text); return; }
    if (!json_is_object(j)) { report(R, "%s: the file must hold a JSON object", path); json_decref(j); return; }
    set_from_json(R, j);
    printf("loaded %zu variable%s from %s\n", json_object_size(j), json_object_size(j) == 1 ? "" : "s", path);
    json_decref(j);
}

/* split "NAME REST" at the first blank; *rest points past the blanks */
static char *first_word(const char *s, const char **rest)
{
    size_t n = strcspn(s, " \t");
    const char *r = s + n;
    while (*r == ' ' || *r == '\t') r++;
    *rest = r;
    return strndup(s, n);
}

static void cmd_set(repl *R, const char *a)
{
    const char *json;
    char *name = first_word(a, &json);
    json_error_t err;
    json_t *v = *json ? json_loads(json, JSON_DECODE_ANY, &err) : NULL;
    if (!is_ident(name) || is_keyword(name)) report(R, ".set %s: not a variable name", name);
    else if (!*json) report(R, ".set %s: expected a JSON value after the name", name);
    else if (!v) report(R, ".set %s: not valid JSON: %s", name, err.text);
    else {
        json_t *obj = json_object();
        json_object_set(obj, name, v);
        set_from_json(R, obj);
        json_decref(obj);
    }
    json_decref(v);
    free(name);
}

static void cmd_unset(repl *R, const char *name)
{
    bool in_ctx = json_object_get(R->ctx, name) != NULL;
    sync_vars(R);
    bool in_vars = json_object_get(R->vars, name) != NULL;
    bool is_macro = json_object_get(R->macros, name) != NULL;
    if (!in_ctx && !in_vars && !is_macro) { report(R, ".unset %s: no such variable", name); return; }
    if (in_ctx) json_object_del(R->ctx, name);
    json_object_del(R->macros, name);
    json_object_del(R->vars, name);
    if (R->sess) jinn_session_unset(R->sess, name);
}

static void dot_command(repl *R, const char *line)
{
    const char *arg;
    char *cmd = first_word(line, &arg);
    char *a = trim_dup(arg);
    bool known = !strcmp(cmd, ".exit");
    for (int i = 0; dot_commands[i]; i++) known = known || !strcmp(cmd, dot_commands[i]);
    if (!known) {
        report(R, "unknown command '%s' (.help lists them)", cmd);
        goto out;
    }
    bool need_arg = strcmp(cmd, ".help") && strcmp(cmd, ".vars") && strcmp(cmd, ".limits") &&
                    strcmp(cmd, ".reset") && strcmp(cmd, ".quit") && strcmp(cmd, ".exit");
    if (!strcmp(cmd, ".help")) fputs(help_text, stdout);
    else if (!strcmp(cmd, ".quit") || !strcmp(cmd, ".exit")) R->quit = true;
    else if (!strcmp(cmd, ".vars")) cmd_vars(R);
    else if (!strcmp(cmd, ".reset")) {
        json_object_clear(R->vars);
        json_object_clear(R->ctx);
        json_object_clear(R->macros);
        drop_session(R);
        printf("variables and macros forgotten\n");
    } else if (!strcmp(cmd, ".limits")) {
        char text[2048];
        jinn_limits_describe(&R->cfg.limits, text, sizeof text);
        printf("limits (set with --limit NAME=N when starting the REPL):\n%s", text);
    } else if (need_arg && !*a) {
        report(R, "%s needs an argument (see .help)", cmd);
    } else if (!strcmp(cmd, ".load")) cmd_load(R, a);
    else if (!strcmp(cmd, ".set")) cmd_set(R, a);
    else if (!strcmp(cmd, ".unset")) cmd_unset(R, a);
    else if (!strcmp(cmd, ".providers")) load_providers(R, a);
    else if (!strcmp(cmd, ".customer")) {
        free(R->customer);
        R->customer = strdup(a);
        printf("customer %s: not available yet: no installed provider answers per customer "
               "(JSON fixtures answer the same for everyone)\n", a);
    } else if (!strcmp(cmd, ".profile")) {
        char m[256];
        jinn_profile old = R->cfg.profile;
        uint32_t old_jv = R->cfg.jinjava_options;
        if (opt_profile(a, &R->cfg, m, sizeof m)) { report(R, ".profile %s: %s", a, m); goto out; }
        if (new_env(R)) {
            if (R->prov_text) install_provider(R, R->prov_text, R->prov_len, R->prov_path);
            printf("profile %s\n", a);
        } else { R->cfg.profile = old; R->cfg.jinjava_options = old_jv; }
    } else if (!strcmp(cmd, ".seed")) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(a, &end, 10);
        if (errno || *end || a[0] == '-') report(R, ".seed %s: expected a non-negative integer", a);
        else R->seed = v;
    } else if (!strcmp(cmd, ".render")) cmd_render(R, a);
    else if (!strcmp(cmd, ".disasm")) cmd_disasm(R, a);
    else if (!strcmp(cmd, ".time")) cmd_time(R, a);
    else report(R, "unknown command '%s' (.help lists them)", cmd);
out:
    fflush(stdout);
    free(a);
    free(cmd);
}

/* ======================================================================================
 * Line editing: libedit, completion, history, Ctrl-C
 * ====================================================================================== */



static char *prompt_fn(EditLine *el)
{
    void *p = NULL;
    el_get(el, EL_CLIENTDATA, &p);
    return (char *)((repl *)p)->prompt;
}

/* The builtins' names come from the environment's registry (jinn_builtins_json: every filter,
 * test, function and method, and the stdlib modules), read once when completion starts. */
static const char *const keywords[] = {"true", "false", "none", "and", "or", "not", "in", "is", "if", "else", NULL};

static json_t *builtins_of(repl *R)
{
    if (!R->builtins) {
        jinn_buf out = {0};
        if (R->env && jinn_builtins_json(R->env, &out) == JINN_OK) R->builtins = json_loadb(out.data, out.len, 0, NULL);
        jinn_buf_free(R->env, &out);
    }
    return R->builtins;
}

typedef struct { const char **v; size_t n, cap; } names;

static void add_name(names *m, const char *s, const char *prefix, size_t plen)
{
    if (strncmp(s, prefix, plen)) return;
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->v[i], s)) return;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 32;
        const char **v = realloc(m->v, m->cap * sizeof *v);
        if (!v) return;
        m->v = v;
    }
    m->v[m->n++] = s;
}

/* every "name" of the array key (or, for "methods", of its dict, list and str arrays) */
static void add_builtins(names *m, json_t *bi, const char *key, const char *word, size_t wlen)
{
    json_t *arr = json_object_get(bi, key);
    if (json_is_object(arr)) {
        const char *k;
        json_t *sub;
        json_object_foreach(arr, k, sub) {
            size_t i;
            json_t *x;
            json_array_foreach(sub, i, x) add_name(m, json_string_value(json_object_get(x, "name")), word, wlen);
        }
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) add_name(m, json_string_value(json_object_get(x, "name")), word, wlen);
}

/* file names (and folders, with a slash) that start with word: for .render, .load, .providers */
static void add_files(names *m, const char *word, size_t wlen, cli_buf *store)
{
    const char *slash = strrchr(word, '/');
    char dir[1024];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - word + 1) : 1, slash ? word : ".");
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    size_t offs[512];
    int n = 0;
    while ((e = readdir(d)) && n < 512) {
        if (e->d_name[0] == '.' && (!slash ? wlen == 0 || word[0] != '.' : slash[1] != '.')) continue;
        char full[1400];
        snprintf(full, sizeof full, "%s%s", slash ? dir : "", e->d_name);
        struct stat st;
        bool isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        if (strncmp(full, word, wlen)) continue;
        offs[n++] = store->len;
        cli_puts(store, full);
        if (isdir) cli_puts(store, "/");
        cli_put(store, "", 1); /* keep the NUL: names point into store */
    }
    closedir(d);
    for (int i = 0; i < n; i++) add_name(m, store->p + offs[i], word, wlen);
}

static unsigned char complete(EditLine *el, int ch)
{
    (void)ch;
    void *p = NULL;
    el_get(el, EL_CLIENTDATA, &p);
    repl *R = p;
    const LineInfo *li = el_line(el);
    json_t *bi = builtins_of(R);
    names m = {0};
    cli_buf files = {0};
    char *word;
    size_t wlen;
    bool dot = false;
    const char *start = li->cursor;
    /* .render FILE, .load FILE, .providers FILE: a file name */
    static const char *const file_commands[] = {".render ", ".load ", ".providers ", NULL};
    int fc = -1;
    for (int i = 0; file_commands[i] && fc < 0; i++)
        if (!strncmp(li->buffer, file_commands[i], strlen(file_commands[i]))) fc = i;
    if (fc >= 0 && li->cursor >= li->buffer + strlen(file_commands[fc])) {
        while (start > li->buffer && start[-1] != ' ') start--;
        wlen = (size_t)(li->cursor - start);
        word = strndup(start, wlen);
        add_files(&m, word, wlen, &files);
        /* add_name keeps pointers: store may have moved while growing, so add again */
        m.n = 0;
        for (size_t off = 0; off < files.len; off += strlen(files.p + off) + 1) add_name(&m, files.p + off, word, wlen);
        goto done_names;
    }
    while (start > li->buffer && (isalnum((unsigned char)start[-1]) || start[-1] == '_')) start--;
    dot = start == li->buffer + 1 && li->buffer[0] == '.';
    if (dot) start--;
    wlen = (size_t)(li->cursor - start);
    word = strndup(start, wlen);
    /* what comes before the word decides what it can be */
    const char *q = start;
    while (q > li->buffer && (q[-1] == ' ' || q[-1] == '\t')) q--;
    const char *wend = q;
    while (q > li->buffer && isalpha((unsigned char)q[-1])) q--;
    size_t pl = (size_t)(wend - q);
    bool after_is = (pl == 2 && !strncmp(q, "is", 2));
    if (pl == 3 && !strncmp(q, "not", 3)) {
        const char *r = q;
        while (r > li->buffer && r[-1] == ' ') r--;
        after_is = r - li->buffer >= 2 && !strncmp(r - 2, "is", 2);
    }
    bool attr = !dot && start > li->buffer && start[-1] == '.' && start - 1 > li->buffer &&
                (isalnum((unsigned char)start[-2]) || start[-2] == '_' || start[-2] == ')' || start[-2] == ']' ||
                 start[-2] == '"' || start[-2] == '\'');
    if (dot) {
        for (int i = 0; dot_commands[i]; i++) add_name(&m, dot_commands[i], word, wlen);
    } else if (wend > li->buffer && wend[-1] == '|') {
        add_builtins(&m, bi, "filters", word, wlen);
    } else if (after_is) {
        add_builtins(&m, bi, "tests", word, wlen);
    } else if (attr) {
        add_builtins(&m, bi, "methods", word, wlen);
    } else if (wend > li->buffer && (wend[-1] == '"' || wend[-1] == '\'') && strstr(li->buffer, "import")) {
        add_builtins(&m, bi, "modules", word, wlen);
    } else {
        const char *k;
        json_t *v;
        sync_vars(R);
        json_object_foreach(R->vars, k, v) add_name(&m, k, word, wlen);
        json_object_foreach(R->macros, k, v) if (is_ident(k)) add_name(&m, k, word, wlen);
        add_builtins(&m, bi, "functions", word, wlen);
        for (int i = 0; keywords[i]; i++) add_name(&m, keywords[i], word, wlen);
    }
done_names:;
    unsigned char ret = CC_ERROR;
    if (m.n) {
        size_t common = strlen(m.v[0]);
        for (size_t i = 1; i < m.n; i++) {
            size_t j = 0;
            while (j < common && m.v[i][j] == m.v[0][j]) j++;
            common = j;
        }
        if (common > wlen || m.n == 1) {
            char *ins = strndup(m.v[0] + wlen, common - wlen);
            if (m.n == 1 && dot) { free(ins); ins = malloc(common - wlen + 2); snprintf(ins, common - wlen + 2, "%s ", m.v[0] + wlen); }
            if (*ins) el_insertstr(el, ins);
            free(ins);
            ret = CC_REFRESH;
        } else {
            qsort(m.v, m.n, sizeof *m.v, cmp_str);
            fputc('\n', stdout);
            for (size_t i = 0; i < m.n; i++) printf("%s%s", m.v[i], i + 1 < m.n ? "  " : "\n");
            fflush(stdout);
            ret = CC_REDISPLAY;
        }
    }
    free(m.v);
    free(word);
    free(files.p);
    return ret;
}

static void setup_editline(repl *R, const char *argv0)
{
    R->el = el_init(argv0, stdin, stdout, stderr);
    if (!R->el) return;
    el_set(R->el, EL_CLIENTDATA, R);
    el_set(R->el, EL_PROMPT, prompt_fn);
    el_set(R->el, EL_EDITOR, "emacs");
    el_set(R->el, EL_SIGNAL, 1);
    el_set(R->el, EL_ADDFN, "jinn-complete", "complete a name", complete);
    el_set(R->el, EL_BIND, "^I", "jinn-complete", NULL);
    el_source(R->el, NULL); /* ~/.editrc, as other libedit programs */
    R->histed = history_init();
    if (R->histed) {
        HistEvent ev;
        history(R->histed, &ev, H_SETSIZE, 1000);
        history(R->histed, &ev, H_SETUNIQUE, 1);
        el_set(R->el, EL_HIST, history, R->histed);
        const char *home = getenv("HOME");
        if (home && *home) {
            size_t n = strlen(home) + sizeof "/.jinn_history";
            R->hist_path = malloc(n);
            snprintf(R->hist_path, n, "%s/.jinn_history", home);
            history(R->histed, &ev, H_LOAD, R->hist_path);
        }
    }
}

/* One line without its newline (malloc'd), or NULL at end of input. *cancelled: Ctrl-C. */
static char *read_line(repl *R, bool *cancelled)
{
    *cancelled = false;
    if (!R->el) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) { free(line); return NULL; }
        if (n && line[n - 1] == '\n') line[--n] = 0;
        if (n && line[n - 1] == '\r') line[--n] = 0;
        return line;
    }
    int count = 0;
    interrupted = 0;
    const char *s = el_gets(R->el, &count);
    if (!s) {
        if (interrupted || (count < 0 && errno == EINTR)) { *cancelled = true; return strdup(""); }
        return NULL;
    }
    size_t n = strlen(s);
    if (n && s[n - 1] == '\n') n--;
    char *line = strndup(s, n);
    if (R->histed && *line && strspn(line, " \t") < n) {
        HistEvent ev;
        history(R->histed, &ev, H_ENTER, line);
        if (R->hist_path) history(R->histed, &ev, H_SAVE, R->hist_path);
    }
    return line;
}

/* ======================================================================================
 * jinn repl [options]
 * ====================================================================================== */

static int repl_option(void *ctx, int id, const char *arg)
{
    repl *R = ctx;
    const cli_command *cmd = R->cmd;
    switch (id) {
    case OPT_CONTEXT:
    case OPT_DEFINE: {
        /* as render reads them (context.c): JSON or YAML by extension, -D name=value / name:=json */
        cli_ctx_error err;
        if (!(id == OPT_DEFINE ? cli_context_define(R->ctx, arg, &err) : cli_context_file(R->ctx, arg, NULL, R->cfg.limits.context_bytes, &err))) return 0;
        if (err.io || id == OPT_DEFINE) return opt_usage(cmd, "%s", err.message);
        if (err.line) return opt_usage(cmd, "--context %s: %s at line %d, column %d", arg, err.message, err.line, err.column);
        return opt_usage(cmd, "--context %s: %s", arg, err.message);
    }
    case OPT_PROVIDERS: {
        size_t len;
        char *text = cli_read_file_max(arg, &len, R->cfg.limits.context_bytes, "context_bytes");
        if (!text) return 2;
        free(R->prov_text);
        free(R->prov_path);
        R->prov_text = text;
        R->prov_len = len;
        R->prov_path = strdup(arg);
        return 0;
    }
    case OPT_ARG: return opt_usage(cmd, "unexpected argument '%s'", arg);
    }
    return opt_engine_apply(&R->eng, cmd, id, arg);
}

static int parse_args(repl *R, int argc, char **argv)
{
    opt_engine_init(&R->eng);
    int r = opt_parse(R->cmd, argc, argv, repl_option, R);
    R->cfg = R->eng.cfg;
    R->seed = R->eng.seed;
    return r;
}

int cli_repl(const cli_command *cmd, int argc, char **argv)
{
    repl R;
    memset(&R, 0, sizeof R);
    R.cmd = cmd;
    jinn_config_init(&R.cfg);
    R.ctx = json_object();
    R.vars = json_object();
    R.macros = json_object();
    int status = parse_args(&R, argc, argv);
    json_object_update(R.vars, R.ctx);
    if (status == 0 && !new_env(&R)) status = 1;
    if (status == 0 && R.prov_text && !install_provider(&R, R.prov_text, R.prov_len, R.prov_path)) status = 2;
    if (status) goto done;

    R.interactive = isatty(STDIN_FILENO);
    if (R.interactive) {
        /* libedit reads through the C library's multibyte conversion: in the "C" locale it
         * drops every byte above 127. Only LC_CTYPE (numbers keep printing with a '.'); when
         * the user's locale is not UTF-8, C.UTF-8 (the templates are UTF-8 whatever it says). */
        const char *loc = setlocale(LC_CTYPE, "");
        if (!loc || strcmp(nl_langinfo(CODESET), "UTF-8")) setlocale(LC_CTYPE, "C.UTF-8");
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint; /* no SA_RESTART: the read in el_gets returns EINTR */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        setup_editline(&R, "jinn");
        printf("jinn %s — type .help for help, Ctrl-D to quit\n", JINN_VERSION);
    }
    cli_buf pending = {0};
    while (!R.quit) {
        R.prompt = pending.len ? PROMPT2 : PROMPT;
        bool cancelled;
        char *line = read_line(&R, &cancelled);
        if (!line) {
            /* end of input: an unfinished input gets its error now */
            if (pending.len) eval_input(&R, pending.p, true);
            if (R.interactive) fputc('\n', stdout);
            break;
        }
        if (cancelled) {
            pending.len = 0;
            if (pending.p) pending.p[0] = 0;
            fputc('\n', stdout);
            free(line);
            continue;
        }
        const char *l = line;
        while (*l == ' ' || *l == '\t') l++;
        if (!pending.len && l[0] == '.' && isalpha((unsigned char)l[1])) {
            dot_command(&R, l);
            free(line);
            continue;
        }
        if (pending.len) cli_puts(&pending, "\n");
        else if (!*l) { free(line); continue; }
        cli_puts(&pending, line);
        free(line);
        if (eval_input(&R, pending.p, false) == DONE) {
            pending.len = 0;
            pending.p[0] = 0;
        }
    }
    free(pending.p);
done:
    if (R.el) el_end(R.el);
    if (R.histed) history_end(R.histed);
    free(R.hist_path);
    drop_session(&R); /* before its env */
    if (R.env) jinn_env_free(R.env);
    json_decref(R.ctx);
    json_decref(R.vars);
    json_decref(R.macros);
    free(R.prov_text);
    free(R.prov_path);
    json_decref(R.builtins);
    free(R.customer);
    fflush(stdout);
    return status;
}
