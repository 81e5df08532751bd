/*
 * ext.h — the builtins that live outside filters.c/functions.c, declared for their tables.
 *
 * bi_filters[] and bi_functions[] must each be ONE array (the compiler stores a row's index
 * in the bytecode), so the bodies written in other files are extern here and their rows sit
 * in the table beside the others. Prefixes: flt_ filters, fn_ functions, re_/date_ helpers.
 */
#ifndef JINN_STDLIB_EXT_H
#define JINN_STDLIB_EXT_H

#include "lib.h"

#define BI_EXT(name) bool name(jrt *R, value *args, int nargs, value *out)

/* ---- filters.c ---------------------------------------------------------------------------- */
/* Is b |default (or its alias |d)? */
bool flt_is_default(const jbuiltin *b);
/* BI_ARG_FILTER / BI_ARG_TEST / BI_ARG_SECOND for map, select, reject, selectattr, rejectattr */
unsigned flt_arg_names(const jbuiltin *b);
/* the printed text (jtext_fn) of upper, join, round, default, or NULL */
jtext_fn flt_text(const jbuiltin *b);

/* ---- tests.c ------------------------------------------------------------------------------ */
/* BI_IS_DEFINED / _UNDEFINED / _NONE / _STRING / _MAPPING / _NUMBER / _BOOLEAN for the tests the
 * VM answers from the tag,
 * BI_IS_EQ / BI_IS_IN for those select and reject answer for a string */
unsigned tst_tag_flags(const jbuiltin *b);

/* ---- filters_text.c: the Jinja2 text and sequence filters ------------------------------- */
BI_EXT(flt_attr); BI_EXT(flt_batch); BI_EXT(flt_center); BI_EXT(flt_filesizeformat);
BI_EXT(flt_forceescape); BI_EXT(flt_groupby); BI_EXT(flt_indent); BI_EXT(flt_items);
BI_EXT(flt_pprint); BI_EXT(flt_reverse); BI_EXT(flt_slice); BI_EXT(flt_striptags);
BI_EXT(flt_truncate); BI_EXT(flt_urlencode); BI_EXT(flt_urlize); BI_EXT(flt_wordcount);
BI_EXT(flt_wordwrap); BI_EXT(flt_xmlattr);
BI_EXT(flt_unescape_html); BI_EXT(flt_urldecode); BI_EXT(flt_escape_jinjava);

/* ---- filters_jinjava.c: Jinjava's extras and the vendor names ---------------------------- */
BI_EXT(flt_bool); BI_EXT(flt_add); BI_EXT(flt_divide); BI_EXT(flt_multiply);
BI_EXT(flt_divisible); BI_EXT(flt_log); BI_EXT(flt_root); BI_EXT(flt_cut); BI_EXT(flt_split);
BI_EXT(flt_regex_replace); BI_EXT(flt_escapejs); BI_EXT(flt_escapejson); BI_EXT(flt_md5);
BI_EXT(flt_hash); BI_EXT(flt_b64encode); BI_EXT(flt_b64decode); BI_EXT(flt_shuffle);
BI_EXT(flt_fromjson); BI_EXT(flt_difference); BI_EXT(flt_intersect); BI_EXT(flt_union);
BI_EXT(flt_symmetric_difference); BI_EXT(flt_truncatehtml); BI_EXT(flt_ipaddr);
BI_EXT(flt_ipv4); BI_EXT(flt_ipv6); BI_EXT(fn_type); BI_EXT(fn_lipsum);

/* ---- dates.c: datetimes as Unix epoch milliseconds (int) -------------------------------- */
BI_EXT(flt_datetimeformat); BI_EXT(flt_format_date); BI_EXT(flt_format_time);
BI_EXT(flt_format_datetime); BI_EXT(flt_unixtimestamp); BI_EXT(flt_strtotime);
BI_EXT(flt_between_times); BI_EXT(flt_plus_time); BI_EXT(flt_minus_time);
BI_EXT(flt_iso8601_to_time); BI_EXT(flt_timestamp_to_time); BI_EXT(fn_today);
BI_EXT(fn_datetimeformat); BI_EXT(fn_unixtimestamp); BI_EXT(fn_strtotime);

/* ---- jinjava_compat.c: the jinjava profile's versions of shared filters, small extras ---- */
bool jv_truncate(jrt *R, value *args, value *out);
bool jv_slice(jrt *R, value *args, value *out);
bool jv_filesizeformat(jrt *R, value *args, value *out);
BI_EXT(flt_closehtml); BI_EXT(flt_allow_snake_case); BI_EXT(flt_render); BI_EXT(fn_list); BI_EXT(fn_immutable_list);

/* ---- locale.c: ICU number formatting, locale arguments -------------------------------- */
BI_EXT(flt_format_number);
/* a Java language tag argument ("en-US") as an ICU locale id; dflt when absent or empty */
bool loc_from_arg(jrt *R, value v, const char *dflt, char *id, size_t n, const char *fn);
/* ICU's UTF-16 text as a string value */
bool loc_utf16_out(jrt *R, const uint16_t *u, int32_t ulen, value *out);

/* ---- yaml.c: libyaml ---------------------------------------------------------------------- */
BI_EXT(flt_fromyaml); BI_EXT(flt_toyaml);

/* ---- regex.c: PCRE2 with bounded work ------------------------------------------------------ */
typedef struct re_prog re_prog;
/* Compile pattern (UTF-8, Unicode classes); flags are PCRE2 compile options added to
 * PCRE2_UTF|PCRE2_UCP. NULL + JINN_ERR_VALUE error on a bad pattern. */
re_prog *re_compile(jrt *R, const char *pat, size_t len, uint32_t flags);
void re_free(jrt *R, re_prog *p);
/* Match at or after byte offset start: 1 found (ovec[0..2*ngroups] byte offsets, unset
 * groups as SIZE_MAX), 0 not found, -1 error (limit exceeded: JINN_ERR_LIMIT). anchored
 * requires the match to start at start. A match from start > 0 skips PCRE2's UTF-8 check:
 * the caller matched the same subject from 0 before (which checked it). Charges the bytes
 * scanned. */
int re_match(jrt *R, re_prog *p, const char *s, size_t len, size_t start, bool anchored,
             size_t *ovec, int novec);
/* All of s with every match replaced by repl (PCRE2's $1 / ${name} syntax); owned string. */
value re_replace_all(jrt *R, re_prog *p, const char *s, size_t len, const char *repl, size_t rlen);

#endif
