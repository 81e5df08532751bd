/*
 * std.c — the stdlib's tables, one per kind of builtin, as the engine asks for them.
 */
#include "ext.h"
#include "std.h"

const jbuiltin *std_table(bi_kind kind)
{
    static const jbuiltin *const tables[BI__KINDS] = {
        [BI_FILTER] = bi_filters,
        [BI_TEST] = bi_tests,
        [BI_FUNCTION] = bi_functions,
        [BI_DICT_METHOD] = bi_dict_methods,
        [BI_LIST_METHOD] = bi_list_methods,
        [BI_STR_METHOD] = bi_str_methods,
    };
    return tables[kind];
}

unsigned std_row_flags(bi_kind kind, const jbuiltin *b)
{
    return kind == BI_FILTER && flt_is_default(b) ? BI_SEES_UNDEFINED : kind == BI_FILTER ? flt_arg_names(b)
         : kind == BI_TEST ? tst_tag_flags(b) : 0;
}

jtext_fn std_row_text(bi_kind kind, const jbuiltin *b) { return kind == BI_FILTER ? flt_text(b) : NULL; }
