/*
 * jinjava_names.c — `jinn builtins --profile jinjava`: every filter, test, function and tag
 * Jinjava 2.8 registers by default, each marked with whether jinn implements it.
 *
 * The lists are Jinjava's registries: lib/filter/FilterLibrary.java, lib/exptest/
 * ExpTestLibrary.java, lib/fn/FunctionLibrary.java and lib/tag/TagLibrary.java (HubSpot's
 * jinjava repository; reference/jinjava-dialect.md §2-§4), by the names templates use
 * (getName()). jinn's side comes from the public API (jinn_builtins_json) and, for tags and
 * super(), from what the grammar accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char *const jj_filters[] = {
    "abs", "add", "allow_snake_case", "attr", "b64decode", "b64encode", "batch", "between_times", "bool",
    "capitalize", "center", "closehtml", "count", "cut", "d", "date", "datetimeformat", "default", "dictsort",
    "difference", "divide", "divisible", "e", "escape", "escape_jinjava", "escapejs", "escapejson",
    "filesizeformat", "first", "float", "forceescape", "format", "format_date", "format_datetime",
    "format_number", "format_time", "fromjson", "fromyaml", "groupby", "indent", "int", "intersect", "ipaddr",
    "ipv4", "ipv6", "join", "last", "length", "list", "log", "lower", "map", "md5", "minus_time", "multiply",
    "plus_time", "pprint", "random", "regex_replace", "reject", "rejectattr", "render", "replace", "reverse",
    "root", "round", "safe", "select", "selectattr", "shuffle", "slice", "sort", "split", "string", "strtodate",
    "strtotime", "striptags", "sum", "symmetric_difference", "title", "tojson", "toyaml", "trim", "truncate",
    "truncatehtml", "unescape_html", "union", "unique", "unixtimestamp", "upper", "urldecode", "urlencode",
    "urlize", "wordcount", "wordwrap", "xmlattr", NULL};

static const char *const jj_tests[] = {
    "!=", "<", "<=", "==", ">", ">=", "boolean", "containing", "containingall", "defined", "divisibleby", "eq",
    "equalto", "escaped", "even", "false", "float", "ge", "greaterthan", "gt", "in", "integer", "iterable", "le",
    "lessthan", "lower", "lt", "mapping", "ne", "none", "number", "odd", "sameas", "sequence", "string",
    "string_containing", "string_startingwith", "true", "truthy", "undefined", "upper", "within", NULL};

/* fn:list and fn:immutable_list are written with their prefix in Jinjava; jinn takes both */
static const char *const jj_functions[] = {
    "datetimeformat", "format_date", "format_datetime", "format_time", "immutable_list", "list", "namespace",
    "range", "strtodate", "strtotime", "super", "today", "truncate", "type", "unixtimestamp", NULL};

/* every tag of lib/tag/TagLibrary.java (2.8.3) is in jinn's grammar (grammar/lexer.re) */
static const char *const jj_tags[] = {
    "autoescape", "block", "break", "call", "continue", "cycle", "do", "elif", "else", "extends", "for", "from",
    "if", "ifchanged", "import", "include", "macro", "print", "raw", "set", "unless", NULL};

static bool has(json_t *arr, const char *name)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (!strcmp(json_string_value(json_object_get(x, "name")), name)) return true;
    return false;
}

/* Print the four lists; the names jinn lacks are listed after them. Returns how many. */
int cli_builtins_jinjava(const char *json, size_t len, bool as_json)
{
    json_error_t e;
    json_t *root = json_loadb(json, len, 0, &e);
    if (!root) return -1;
    static const char *const kinds[] = {"filters", "tests", "functions", "tags"};
    const char *const *lists[] = {jj_filters, jj_tests, jj_functions, jj_tags};
    int missing = 0;
    cli_buf miss = {0};
    if (as_json) printf("{");
    for (int k = 0; k < 4; k++) {
        json_t *arr = json_object_get(root, kinds[k]);
        size_t n = 0;
        while (lists[k][n]) n++;
        if (as_json) printf("%s\"%s\": [", k ? ", " : "", kinds[k]);
        else printf("%s (%zu):", kinds[k], n);
        for (size_t i = 0; i < n; i++) {
            const char *nm = lists[k][i];
            bool ok = k == 3 || (k == 2 && !strcmp(nm, "super")) || has(arr, nm);
            if (as_json) printf("%s{\"name\": \"%s\", \"implemented\": %s}", i ? ", " : "", nm, ok ? "true" : "false");
            else printf(" %s", nm);
            if (!ok) {
                missing++;
                cli_puts(&miss, " ");
                cli_puts(&miss, kinds[k]);
                cli_puts(&miss, ":");
                cli_puts(&miss, nm);
            }
        }
        printf(as_json ? "]" : "\n");
    }
    if (as_json) printf("}\n");
    else printf("not implemented (%d):%s\n", missing, miss.p ? miss.p : "");
    free(miss.p);
    json_decref(root);
    return missing;
}
