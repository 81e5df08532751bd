#!/usr/bin/env python3
"""Generate the library golden tests (filters, tests, functions, methods) from Jinja2 itself.

Each row is (group, name, template[, context[, options[, expected]]]). The expected output of
a row is what Jinja2 renders; a row whose expectation is given by hand (E(...) for an error
message, O(...) for an output) is not rendered — those are the cases where Jinja2's own answer
is not deterministic (random), or where jinn deliberately differs (int64 overflow), or errors
whose text is jinn's. Run with /usr/bin/python3 (Debian's jinja2 3.1.2) or any Jinja2 3.1:

    /usr/bin/python3 tests/golden/gen_library.py        # rewrites tests/golden/{filters,...}/*.test

Templates print lists through |list or |join where Jinja2 would print a generator.
"""
import json
import os
import sys

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))


class E(str):
    """an expected error message (the bare message; the runner's --update fills the rest)"""


class O(str):
    """an expected output written by hand"""


UNI = {"s": "ÄÖü straße", "e": "héllo 😀 wörld", "comb": "e\u0301a"}
USERS = {"users": [
    {"name": "bob", "age": 30, "city": {"name": "Oslo"}, "active": True},
    {"name": "Alice", "age": 25, "city": {"name": "Bergen"}, "active": False},
    {"name": "carol", "age": 30, "city": {"name": "oslo"}, "active": True},
]}
BIG = 9223372036854775807

ROWS = [
    # ---- length / count -------------------------------------------------------------------
    ("filters", "length_list", "{{ [1, 2, 3]|length }}"),
    ("filters", "length_str_unicode", "{{ s|length }} {{ e|count }} {{ comb|length }}", UNI),
    ("filters", "length_dict", "{{ {'a': 1, 'b': 2}|length }}"),
    ("filters", "length_empty", "{{ ''|length }} {{ []|length }} {{ {}|count }}"),
    ("filters", "length_undefined", "{{ nothing|length }}"),
    ("filters", "length_int_error", "{{ 5|length }}", None, None, E("object of type 'int' has no len()")),
    ("filters", "length_none_error", "{{ none|count }}", None, None, E("object of type 'NoneType' has no len()")),
    # ---- first / last ----------------------------------------------------------------------
    ("filters", "first_list", "{{ [3, 1, 2]|first }}"),
    ("filters", "first_str", "{{ 'Ängel'|first }}"),
    ("filters", "first_emoji", "{{ e|last }}{{ '😀x'|first }}", UNI),
    ("filters", "first_dict", "{{ {'b': 1, 'a': 2}|first }}"),
    ("filters", "first_empty", "[{{ []|first }}]"),
    ("filters", "first_undefined", "[{{ nothing|first }}]"),
    ("filters", "first_empty_is_undefined", "{{ ([]|first) is undefined }}"),
    ("filters", "first_int_error", "{{ 42|first }}", None, None, E("'int' object is not iterable")),
    ("filters", "last_list", "{{ [3, 1, 2]|last }}"),
    ("filters", "last_str", "{{ 'abcÖ'|last }}"),
    ("filters", "last_dict", "{{ {'b': 1, 'a': 2}|last }}"),
    ("filters", "last_empty", "[{{ ''|last }}]"),
    ("filters", "last_tuple", "{{ (1, 2, 3)|last }}"),
    ("filters", "last_int_error", "{{ 42|last }}", None, None, E("'int' object is not reversible")),
    # ---- random ----------------------------------------------------------------------------
    ("filters", "random_single", "{{ [7, 7, 7]|random }}", None, ["seed=1"], O("7")),
    ("filters", "random_str_single", "{{ 'ÖÖ'|random }}", None, ["seed=3"], O("Ö")),
    ("filters", "random_empty", "[{{ []|random }}]", None, ["seed=1"], O("[]")),
    ("filters", "random_in_list", "{{ ([1, 2, 3]|random) in [1, 2, 3] }}", None, ["seed=42"], O("True")),
    ("filters", "random_int_error", "{{ 5|random }}", None, ["seed=1"], E("object of type 'int' has no len()")),
    # ---- default ---------------------------------------------------------------------------
    ("filters", "default_undefined", "{{ nothing|default('x') }}"),
    ("filters", "default_defined", "{{ 'v'|default('x') }}"),
    ("filters", "default_empty_not_boolean", "[{{ ''|default('x') }}]"),
    ("filters", "default_boolean", "{{ ''|default('x', true) }} {{ 0|d('zero', boolean=true) }}"),
    ("filters", "default_none_kept", "{{ none|default('x') }}"),
    ("filters", "default_no_arg", "[{{ nothing|default }}]"),
    ("filters", "default_alias_d", "{{ nothing|d(42) + 1 }}"),
    ("filters", "default_by_name", "{{ nothing|default(default_value=[1]) }}"),
    ("filters", "default_attr", "{{ user.missing|default('n/a') }}", {"user": {"name": "x"}}),
    # ---- join ------------------------------------------------------------------------------
    ("filters", "join_basic", "{{ [1, 2, 3]|join(', ') }}"),
    ("filters", "join_no_sep", "{{ ['a', 'b']|join }}"),
    ("filters", "join_attribute", "{{ users|join(', ', attribute='name') }}", USERS),
    ("filters", "join_nested_attribute", "{{ users|join('/', attribute='city.name') }}", USERS),
    ("filters", "join_mixed", "{{ [1, 'a', none, true, 1.5]|join('-') }}"),
    ("filters", "join_str", "{{ 'abc'|join('.') }}"),
    ("filters", "join_dict", "{{ {'x': 1, 'y': 2}|join(',') }}"),
    ("filters", "join_empty", "[{{ []|join(',') }}]"),
    ("filters", "join_unicode", "{{ ['Ä', '😀', 'ö']|join('·') }}"),
    ("filters", "join_by_name", "{{ [1, 2]|join(d='+') }}"),
    ("filters", "join_autoescape_safe", "{{ ['<a>'|safe, '<b>']|join('&') }}", None, ["autoescape"]),
    ("filters", "join_int_error", "{{ 3|join(',') }}", None, None, E("'int' object is not iterable")),
    # ---- upper / lower ---------------------------------------------------------------------
    ("filters", "upper_ascii", "{{ 'hello World'|upper }}"),
    ("filters", "upper_unicode", "{{ 'äöü éñ'|upper }}"),
    ("filters", "lower_unicode", "{{ 'ÄÖÜ ÉÑ ΣΑΣ'|lower }}"),
    ("filters", "upper_sharp_s", "{{ 'straße'|upper }}"),
    ("filters", "upper_number", "{{ 42|upper }} {{ none|lower }}"),
    ("filters", "upper_undefined", "[{{ nothing|upper }}]"),
    ("filters", "lower_emoji", "{{ 'A😀B'|lower }}"),
    # ---- round -----------------------------------------------------------------------------
    ("filters", "round_default", "{{ 2.5|round }} {{ 3.5|round }} {{ 2.4|round }}"),
    ("filters", "round_precision", "{{ 3.14159|round(2) }} {{ 2.675|round(2) }}"),
    ("filters", "round_ceil_floor", "{{ 3.14159|round(2, 'ceil') }} {{ 3.14159|round(2, 'floor') }}"),
    ("filters", "round_method_by_name", "{{ 42.55|round(method='floor') }} {{ 42.45|round(1, method='ceil') }}"),
    ("filters", "round_int", "{{ 42|round }} {{ 15|round(-1) }} {{ 25|round(-1) }}"),
    ("filters", "round_negative_precision", "{{ 1234.5678|round(-2) }} {{ 1250.0|round(-2) }} {{ 1350.0|round(-2) }}"),
    ("filters", "round_negative", "{{ -2.5|round }} {{ (-2.567)|round(2) }} {{ (-0.4)|round }}"),
    ("filters", "round_big_int", "{{ 9223372036854775807|round }}"),
    ("filters", "round_bad_method", "{{ 1.5|round(0, 'up') }}", None, None, E("method must be common, ceil or floor")),
    ("filters", "round_str_error", "{{ 'x'|round }}", None, None, E("type str doesn't define __round__ method")),
    ("filters", "round_bool", "{{ true|round }}"),
    # ---- int / float -----------------------------------------------------------------------
    ("filters", "int_str", "{{ '42'|int }} {{ ' -7 '|int }} {{ '+3'|int }}"),
    ("filters", "int_float_str", "{{ '42.9'|int }} {{ '-1.5e2'|int }}"),
    ("filters", "int_float", "{{ 3.99|int }} {{ -3.99|int }}"),
    ("filters", "int_bad_default", "{{ 'abc'|int }} {{ 'abc'|int(-1) }} {{ 'abc'|int(default='none') }}"),
    ("filters", "int_base", "{{ '0x1A'|int(base=16) }} {{ '1A'|int(0, 16) }} {{ '0b101'|int(base=0) }} {{ '777'|int(base=8) }}"),
    ("filters", "int_underscore", "{{ '1_000'|int }} {{ '1__0'|int }}"),
    ("filters", "int_none_list", "{{ none|int }} {{ [1]|int }} {{ true|int }}"),
    ("filters", "int_max", "{{ '9223372036854775807'|int }} {{ '-9223372036854775808'|int }}"),
    ("filters", "int_overflow", "{{ '9223372036854775808'|int }}", None, None, E("integer overflow")),
    ("filters", "int_nan_inf", "{{ 'nan'|int }}"),
    ("filters", "int_base_leading_zero", "{{ '010'|int(base=0) }} {{ '010'|int }}"),
    ("filters", "int_undefined_error", "{{ nothing|int }}", None, None, E("'nothing' is undefined")),
    ("filters", "float_str", "{{ '3.5'|float }} {{ '1e3'|float }} {{ ' -0.25 '|float }} {{ '1_0.5'|float }}"),
    ("filters", "float_int", "{{ 42|float }} {{ true|float }}"),
    ("filters", "float_bad", "{{ 'x'|float }} {{ 'x'|float(1.5) }} {{ none|float }} {{ '1.2.3'|float(default=-1) }}"),
    ("filters", "float_special", "{{ 'inf'|float }} {{ '-Infinity'|float }} {{ 'nan'|float }}"),
    ("filters", "float_repr", "{{ '0.1'|float + '0.2'|float }} {{ '1e16'|float }} {{ '1e-5'|float }}"),
    # ---- string / list / abs ---------------------------------------------------------------
    ("filters", "string_values", "{{ 42|string }} {{ none|string }} {{ [1, 'a']|string }} {{ true|string }}"),
    ("filters", "string_concat", "{{ 1|string ~ 2|string }} {{ (1.0|string)|length }}"),
    ("filters", "string_safe_stays_safe", "{{ ('<b>'|safe)|string }}", None, ["autoescape"]),
    ("filters", "list_str", "{{ 'aÖ😀'|list }}"),
    ("filters", "list_dict", "{{ {'a': 1, 'b': 2}|list }}"),
    ("filters", "list_tuple", "{{ (1, 2)|list }}"),
    ("filters", "list_undefined", "{{ nothing|list }}"),
    ("filters", "list_is_copy", "{% set a = [1] %}{% set b = a|list %}{% do b.append(2) %}{{ a }} {{ b }}"),
    ("filters", "list_int_error", "{{ 1|list }}", None, None, E("'int' object is not iterable")),
    ("filters", "abs_values", "{{ -5|abs }} {{ (-2.5)|abs }} {{ 3|abs }} {{ (0 - 9223372036854775807)|abs }}"),
    ("filters", "abs_str_error", "{{ 'x'|abs }}", None, None, E("bad operand type for abs(): 'str'")),
    # ---- map -------------------------------------------------------------------------------
    ("filters", "map_attribute", "{{ users|map(attribute='name')|join(',') }}", USERS),
    ("filters", "map_nested_attribute", "{{ users|map(attribute='city.name')|list }}", USERS),
    ("filters", "map_attribute_default", "{{ users|map(attribute='email', default='-')|list }}", USERS),
    ("filters", "map_filter", "{{ ['a', 'B']|map('upper')|list }}"),
    ("filters", "map_filter_args", "{{ [1.234, 5.678]|map('round', 1)|list }}"),
    ("filters", "map_filter_kwargs", "{{ [[3, 1], [2, 4]]|map('sort', reverse=true)|list }}"),
    ("filters", "map_int", "{{ ['1', '2', 'x']|map('int')|sum }}"),
    ("filters", "map_index_attribute", "{{ [[1, 2], [3, 4]]|map(attribute=1)|list }} {{ [[1, 2], [3, 4]]|map(attribute='0')|list }}"),
    ("filters", "map_empty", "{{ []|map('upper')|list }} {{ nothing|map('upper')|list }}"),
    ("filters", "map_unknown_filter", "{{ [1]|map('nope')|list }}", None, None, E("No filter named 'nope'.")),
    ("filters", "map_no_args", "{{ [1]|map|list }}", None, None, E("map requires a filter argument")),
    ("filters", "map_bad_kwarg", "{{ [1]|map(attribute='a', x=1)|list }}", None, None, E("Unexpected keyword argument 'x'")),
    # ---- select / reject -------------------------------------------------------------------
    ("filters", "select_test", "{{ [1, 2, 3, 4, 5]|select('odd')|list }}"),
    ("filters", "select_truthy", "{{ [0, 1, '', 'a', none, [], [0]]|select|list }}"),
    ("filters", "select_test_arg", "{{ [1, 2, 3, 4, 5, 6]|select('divisibleby', 3)|list }}"),
    ("filters", "select_operator", "{{ [1, 5, 10]|select('>', 4)|list }} {{ [1, 5, 10]|select('lessthan', 5)|list }}"),
    ("filters", "select_in", "{{ ['a', 'b', 'c']|select('in', 'abx')|list }}"),
    ("filters", "reject_test", "{{ [1, 2, 3, 4, 5]|reject('odd')|list }}"),
    ("filters", "reject_truthy", "{{ [0, 1, '', 'a']|reject|list }}"),
    ("filters", "select_none", "{{ [1, none, 2]|reject('none')|list }}"),
    ("filters", "selectattr_truthy", "{{ users|selectattr('active')|map(attribute='name')|join(',') }}", USERS),
    ("filters", "selectattr_test", "{{ users|selectattr('age', 'equalto', 30)|map(attribute='name')|join(',') }}", USERS),
    ("filters", "selectattr_nested", "{{ users|selectattr('city.name', 'eq', 'Oslo')|map(attribute='name')|list }}", USERS),
    ("filters", "rejectattr_truthy", "{{ users|rejectattr('active')|map(attribute='name')|list }}", USERS),
    ("filters", "rejectattr_test", "{{ users|rejectattr('age', 'gt', 26)|map(attribute='name')|list }}", USERS),
    ("filters", "selectattr_missing_attr", "{{ users|selectattr('nope')|list }}", USERS),
    ("filters", "selectattr_defined", "{{ [{'a': 1}, {'b': 2}]|selectattr('a', 'defined')|list }}"),
    ("filters", "selectattr_no_args", "{{ [1]|selectattr|list }}", None, None, E("Missing parameter for attribute name")),
    ("filters", "select_unknown_test", "{{ [1]|select('nope')|list }}", None, None, E("No test named 'nope'.")),
    ("filters", "select_empty", "{{ []|select('odd')|list }} {{ nothing|reject('odd')|list }}"),
    # ---- unique ----------------------------------------------------------------------------
    ("filters", "unique_basic", "{{ [3, 1, 3, 2, 1]|unique|list }}"),
    ("filters", "unique_case", "{{ ['a', 'A', 'b', 'B', 'a']|unique|list }} {{ ['a', 'A', 'b']|unique(case_sensitive=true)|list }}"),
    ("filters", "unique_attribute", "{{ users|unique(attribute='age')|map(attribute='name')|list }}", USERS),
    ("filters", "unique_attribute_case", "{{ users|unique(attribute='city.name')|map(attribute='name')|list }}", USERS),
    ("filters", "unique_numbers", "{{ [1, 1.0, true, 2]|unique|list }}"),
    ("filters", "unique_str", "{{ 'aAbBÄä'|unique|join }}"),
    ("filters", "unique_unhashable", "{{ [[1], [1]]|unique|list }}", None, None, E("unhashable type: 'list'")),
    # ---- sum -------------------------------------------------------------------------------
    ("filters", "sum_ints", "{{ [1, 2, 3]|sum }} {{ []|sum }}"),
    ("filters", "sum_floats", "{{ [0.1, 0.2]|sum }} {{ [1, 0.5]|sum }}"),
    ("filters", "sum_start", "{{ [1, 2]|sum(start=10) }} {{ [1, 2]|sum(none, 5) }}"),
    ("filters", "sum_attribute", "{{ users|sum(attribute='age') }}", USERS),
    ("filters", "sum_lists", "{{ [[1], [2, 3]]|sum(start=[]) }}"),
    ("filters", "sum_overflow", "{{ [9223372036854775807, 1]|sum }}", None, None, E("integer overflow")),
    ("filters", "sum_str_error", "{{ ['a', 'b']|sum }}", None, None, E("unsupported operand type(s) for +: 'int' and 'str'")),
    ("filters", "sum_str_start", "{{ ['a']|sum(start='') }}", None, None, E("sum() can't sum strings [use ''.join(seq) instead]")),
    ("filters", "sum_bools", "{{ [true, true, false]|sum }}"),
    # ---- min / max -------------------------------------------------------------------------
    ("filters", "min_max_ints", "{{ [3, 1, 2]|min }} {{ [3, 1, 2]|max }}"),
    ("filters", "min_max_case", "{{ ['b', 'A', 'C']|min }} {{ ['b', 'A', 'C']|max }} {{ ['b', 'A', 'C']|max(case_sensitive=true) }}"),
    ("filters", "min_max_attribute", "{{ (users|min(attribute='age')).name }} {{ (users|max(attribute='age')).name }}", USERS),
    ("filters", "min_max_first_wins", "{{ (users|max(attribute='city.name')).name }} {{ (users|min(attribute='age', case_sensitive=true)).name }}", USERS),
    ("filters", "min_max_empty", "[{{ []|min }}{{ []|max }}]"),
    ("filters", "min_max_mixed_num", "{{ [1, 2.5, -1]|max }} {{ [1, 2.5, -1]|min }}"),
    ("filters", "min_str", "{{ 'hello'|min }} {{ 'hello'|max }}"),
    ("filters", "max_type_error", "{{ [1, 'a']|max }}", None, None, E("'>' not supported between instances of 'str' and 'int'")),
    # ---- sort ------------------------------------------------------------------------------
    ("filters", "sort_ints", "{{ [3, 1, 2]|sort }}"),
    ("filters", "sort_reverse", "{{ [3, 1, 2]|sort(reverse=true) }} {{ [3, 1, 2]|sort(true) }}"),
    ("filters", "sort_case_insensitive", "{{ ['b', 'A', 'c', 'B', 'a']|sort }}"),
    ("filters", "sort_case_sensitive", "{{ ['b', 'A', 'c', 'B', 'a']|sort(case_sensitive=true) }}"),
    ("filters", "sort_stable_reverse", "{{ ['b', 'A', 'a', 'B']|sort(reverse=true) }}"),
    ("filters", "sort_attribute", "{{ users|sort(attribute='age')|map(attribute='name')|join(',') }}", USERS),
    ("filters", "sort_attribute_reverse_stable", "{{ users|sort(attribute='age', reverse=true)|map(attribute='name')|join(',') }}", USERS),
    ("filters", "sort_nested_attribute", "{{ users|sort(attribute='city.name')|map(attribute='name')|join(',') }}", USERS),
    ("filters", "sort_multi_attribute", "{{ users|sort(attribute='age,name')|map(attribute='name')|join(',') }}", USERS),
    ("filters", "sort_index_attribute", "{{ [[2, 'b'], [1, 'c'], [2, 'a']]|sort(attribute='0')|list }}"),
    ("filters", "sort_floats_mixed", "{{ [2.5, 1, -3, 2]|sort }}"),
    ("filters", "sort_unicode", "{{ ['ö', 'a', 'Ä', 'z']|sort }}"),
    ("filters", "sort_str", "{{ 'cba'|sort }}"),
    ("filters", "sort_dict_keys", "{{ {'b': 1, 'a': 2}|sort }}"),
    ("filters", "sort_empty", "{{ []|sort }} {{ nothing|sort }}"),
    ("filters", "sort_tuples", "{{ [(2, 1), (1, 2), (1, 1)]|sort }}"),
    ("filters", "sort_big", "{{ [9223372036854775807, -9223372036854775807, 0]|sort }}"),
    ("filters", "sort_type_error", "{{ [1, 'a']|sort }}", None, None, E("'<' not supported between instances of 'str' and 'int'")),
    ("filters", "sort_none_error", "{{ [1, none]|sort }}", None, None, E("'<' not supported between instances of 'NoneType' and 'int'")),
    # ---- dictsort --------------------------------------------------------------------------
    ("filters", "dictsort_key", "{{ {'b': 1, 'A': 2, 'c': 0}|dictsort }}"),
    ("filters", "dictsort_case_sensitive", "{{ {'b': 1, 'A': 2, 'c': 0}|dictsort(true) }}"),
    ("filters", "dictsort_value", "{{ {'b': 1, 'A': 2, 'c': 0}|dictsort(by='value') }}"),
    ("filters", "dictsort_reverse", "{{ {'b': 1, 'A': 2, 'c': 0}|dictsort(reverse=true) }}"),
    ("filters", "dictsort_loop", "{% for k, v in {'y': 1, 'x': 2}|dictsort %}{{ k }}={{ v }};{% endfor %}"),
    ("filters", "dictsort_bad_by", "{{ {'a': 1}|dictsort(by='x') }}", None, None, E('You can only sort by either "key" or "value"')),
    ("filters", "dictsort_list_error", "{{ [1]|dictsort }}", None, None, E("'list' object has no attribute 'items'")),
    ("filters", "dictsort_empty", "{{ {}|dictsort }}"),
    # ---- tojson ----------------------------------------------------------------------------
    ("filters", "tojson_basic", "{{ {'b': [1, 2.5, none, true], 'a': 'x'}|tojson }}"),
    ("filters", "tojson_htmlsafe", "{{ \"<a href='x'>&</a>\"|tojson }}"),
    ("filters", "tojson_indent", "{{ {'b': 1, 'a': [1, 2]}|tojson(indent=2) }}"),
    ("filters", "tojson_unicode", "{{ 'Ä😀'|tojson }}"),
    ("filters", "tojson_nested_sort", "{{ {'z': {'b': 1, 'a': 2}, 'y': []}|tojson }}"),
    ("filters", "tojson_scalars", "{{ 1|tojson }} {{ 1.5|tojson }} {{ none|tojson }} {{ false|tojson }} {{ ''|tojson }}"),
    ("filters", "tojson_autoescape", "{{ {'a': '<b>'}|tojson }}", None, ["autoescape"]),
    ("filters", "tojson_tuple", "{{ (1, 'a')|tojson }}"),
    # ---- escape / safe ---------------------------------------------------------------------
    ("filters", "escape_basic", "{{ '<a href=\"x\">Tom & \\'Jerry\\'</a>'|escape }}"),
    ("filters", "escape_alias_e", "{{ '<>'|e }}"),
    ("filters", "escape_twice", "{{ '<'|e|e }}"),
    ("filters", "escape_autoescape", "{{ '<i>'|e }} {{ '<i>' }}", None, ["autoescape"]),
    ("filters", "escape_nonstr", "{{ 42|e }} {{ none|e }}"),
    ("filters", "safe_autoescape", "{{ '<b>'|safe }} {{ '<b>' }}", None, ["autoescape"]),
    ("filters", "safe_no_autoescape", "{{ '<b>'|safe }}"),
    ("filters", "safe_upper_stays_safe", "{{ '<b>'|safe|upper }}", None, ["autoescape"]),
    ("filters", "safe_number", "{{ 5|safe }}", None, ["autoescape"]),
    # ---- trim ------------------------------------------------------------------------------
    ("filters", "trim_basic", "[{{ '  a b \\n\\t'|trim }}]"),
    ("filters", "trim_chars", "[{{ 'xxhixx'|trim('x') }}] [{{ '-=a=-'|trim('=-') }}]"),
    ("filters", "trim_unicode_space", "[{{ s|trim }}]", {"s": "\u00a0\u2003 ÄÖ \u3000"}),
    ("filters", "trim_unicode_chars", "[{{ 'ÄÄbÄ'|trim('Ä') }}]"),
    ("filters", "trim_empty", "[{{ ''|trim }}] [{{ '   '|trim }}]"),
    ("filters", "trim_number", "[{{ 5|trim }}]"),
    # ---- replace ---------------------------------------------------------------------------
    ("filters", "replace_basic", "{{ 'Hello World'|replace('Hello', 'Goodbye') }}"),
    ("filters", "replace_count", "{{ 'aaaaargh'|replace('a', \"d'oh, \", 2) }}"),
    ("filters", "replace_empty_old", "{{ 'abc'|replace('', '-') }} {{ 'ÄÖ'|replace('', '.') }} {{ 'abc'|replace('', '-', 2) }}"),
    ("filters", "replace_unicode", "{{ 'straße ü'|replace('ß', 'ss') }}"),
    ("filters", "replace_by_name", "{{ 'aaa'|replace(old='a', new='b', count=1) }}"),
    ("filters", "replace_nonstr", "{{ 12321|replace(2, 9) }}"),
    ("filters", "replace_none", "{{ 'abc'|replace('x', 'y') }} [{{ ''|replace('a', 'b') }}]"),
    ("filters", "replace_autoescape", "{{ '<a>'|replace('a', '<b>') }} {{ ('<a>'|safe)|replace('a', '<b>') }}", None, ["autoescape"]),
    ("filters", "replace_missing_arg", "{{ 'a'|replace('a') }}", None, None, E("missing")),
    # ---- format ----------------------------------------------------------------------------
    ("filters", "format_s", "{{ '%s, %s!'|format('Hello', 'World') }}"),
    ("filters", "format_d", "{{ '%d|%5d|%-5d|%05d|%+d|% d'|format(42, 42, 42, -42, 42, 42) }}"),
    ("filters", "format_float", "{{ '%f|%.2f|%8.3f|%-8.1f|%e|%g|%G'|format(3.14159, 3.14159, 3.14159, 3.14159, 12345.678, 0.00001234, 1e20) }}"),
    ("filters", "format_hex_oct", "{{ '%x|%X|%#x|%o|%#o|%#06x'|format(255, 255, 255, 8, 8, 255) }}"),
    ("filters", "format_negative_hex", "{{ '%x %o'|format(-255, -8) }}"),
    ("filters", "format_d_float", "{{ '%d %i'|format(3.99, -2.5) }}"),
    ("filters", "format_r", "{{ '%r %r %r'|format('a', [1, 'b'], none) }}"),
    ("filters", "format_percent", "{{ '100%% %s'|format('sure') }}"),
    ("filters", "format_mapping", "{{ '%(name)s is %(age)d'|format(name='Bob', age=30) }}"),
    ("filters", "format_width_str", "[{{ '%5s|%-5s|%.2s|%5.1s'|format('ab', 'ab', 'abc', 'xyz') }}]"),
    ("filters", "format_unicode_width", "[{{ '%4s|%-4s|%.1s'|format('Ä😀', 'ö', 'ÄÖ') }}]"),
    ("filters", "format_star", "[{{ '%*d|%.*f'|format(5, 42, 2, 3.14159) }}]"),
    ("filters", "format_c", "{{ '%c%c'|format(65, 'Ä') }}"),
    ("filters", "format_big", "{{ '%d %x'|format(9223372036854775807, 9223372036854775807) }} {{ '%d'|format(-9223372036854775807 - 1) }}"),
    ("filters", "format_bool", "{{ '%s %d'|format(true, true) }}"),
    ("filters", "format_no_args", "{{ 'plain'|format }}"),
    ("filters", "format_inf_nan", "{{ '%f %5.1f %e'|format('inf'|float, '-inf'|float, 'nan'|float) }}"),
    ("filters", "format_too_few", "{{ '%s %s'|format('a') }}", None, None, E("not enough arguments for format string")),
    ("filters", "format_too_many", "{{ '%s'|format('a', 'b') }}", None, None, E("not all arguments converted during string formatting")),
    ("filters", "format_bad_type", "{{ '%d'|format('x') }}", None, None, E("%d format: a real number is required, not str")),
    ("filters", "format_bad_char", "{{ '%y'|format(1) }}", None, None, E("unsupported format character 'y' (0x79) at index 1")),
    ("filters", "format_both_kinds", "{{ '%s'|format(1, a=2) }}", None, None, E("can't handle positional and keyword arguments at the same time")),
    ("filters", "format_missing_key", "{{ '%(x)s'|format(y=1) }}", None, None, E("KeyError: 'x'")),
    ("filters", "format_width_limit", "{{ '%99999d'|format(1) }}", None, None, E("format: width too large (limit 10000)")),
    ("filters", "format_incomplete", "{{ 'abc %'|format() }}", None, None, E("incomplete format")),
    ("filters", "format_x_float", "{{ '%x'|format(1.5) }}", None, None, E("%x format: an integer is required, not float")),
    ("filters", "format_autoescape_markup", "{{ ('<b>%s</b>'|safe)|format('<i>') }}", None, ["autoescape"]),
    ("filters", "format_mapping_whole", "{{ '%s'|format(a=1) }}"),

    # ---- tests -----------------------------------------------------------------------------
    ("tests", "defined_undefined", "{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ x is undefined }}", {"x": 1}),
    ("tests", "defined_attr", "{{ d.a is defined }} {{ d.b is defined }}", {"d": {"a": None}}),
    ("tests", "none", "{{ none is none }} {{ 0 is none }} {{ x is none }} {{ nothing is none }}", {"x": None}),
    ("tests", "number", "{{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ '1' is number }} {{ none is number }}"),
    ("tests", "integer_float", "{{ 1 is integer }} {{ true is integer }} {{ 1.0 is integer }} {{ 1.0 is float }} {{ 1 is float }}"),
    ("tests", "string", "{{ 'a' is string }} {{ 1 is string }} {{ ''|safe is string }} {{ nothing is string }}"),
    ("tests", "mapping", "{{ {} is mapping }} {{ [] is mapping }} {{ 'a' is mapping }} {{ namespace() is mapping }}"),
    ("tests", "sequence", "{{ [] is sequence }} {{ 'a' is sequence }} {{ {} is sequence }} {{ 1 is sequence }} {{ (1,) is sequence }} {{ none is sequence }}"),
    ("tests", "iterable", "{{ [] is iterable }} {{ 'a' is iterable }} {{ {} is iterable }} {{ 1 is iterable }} {{ none is iterable }} {{ nothing is iterable }}"),
    ("tests", "divisibleby", "{{ 9 is divisibleby 3 }} {{ 10 is divisibleby(3) }} {{ 0 is divisibleby 5 }} {{ 7.5 is divisibleby 2.5 }} {{ -9 is divisibleby 3 }}"),
    ("tests", "divisibleby_zero", "{{ 5 is divisibleby 0 }}", None, None, E("integer modulo by zero")),
    ("tests", "even_odd", "{{ 2 is even }} {{ 3 is even }} {{ 3 is odd }} {{ -3 is odd }} {{ 0 is even }} {{ 4.0 is even }}"),
    ("tests", "odd_big", "{{ 9223372036854775807 is odd }} {{ (-9223372036854775807 - 1) is even }}"),
    ("tests", "odd_str_error", "{{ 'a' is odd }}", None, None, E("not all arguments converted during string formatting")),
    ("tests", "eq_aliases", "{{ 1 is eq 1 }} {{ [1, 2]|select('==', 1.0)|list }} {{ 'a' is equalto 'b' }} {{ [1] is eq [1] }}"),
    ("tests", "ne", "{{ 1 is ne 2 }} {{ [1, 2]|select('!=', 1)|list }} {{ 'a' is ne 'a' }}"),
    ("tests", "lt_le", "{{ 1 is lt 2 }} {{ [1, 2, 3]|select('<', 2)|list }} {{ 2 is le 2 }} {{ [1, 2, 3]|select('<=', 2)|list }} {{ 1 is lessthan 1.5 }}"),
    ("tests", "gt_ge", "{{ 2 is gt 1 }} {{ [1, 2, 3]|select('>', 2)|list }} {{ 2 is ge 2 }} {{ [1, 2, 3]|select('>=', 2)|list }} {{ 'b' is greaterthan 'a' }}"),
    ("tests", "compare_type_error", "{{ 1 is lt 'a' }}", None, None, E("'<' not supported between instances of 'int' and 'str'")),
    ("tests", "in", "{{ 1 is in [1, 2] }} {{ 'b' is in 'abc' }} {{ 'k' is in {'k': 1} }} {{ 3 is in [1, 2] }} {{ 'x' is in '' }}"),
    ("tests", "in_undefined", "{{ 1 is in nothing }}"),
    ("tests", "sameas", "{{ none is sameas none }} {{ true is sameas true }} {{ false is sameas 0 }} {{ x is sameas x }} {{ x is sameas y }}", {"x": [1], "y": [1]}),
    ("tests", "true_false_boolean", "{{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ true is boolean }} {{ 1 is boolean }} {{ none is boolean }}"),
    ("tests", "callable", "{{ range is callable }} {{ 1 is callable }} {{ 'a' is callable }} {{ {}.items is callable }} {{ x is callable }}", {"x": 1}),
    ("tests", "callable_macro", "{% macro m() %}{% endmacro %}{{ m is callable }}"),
    ("tests", "lower_upper", "{{ 'abc' is lower }} {{ 'aBc' is lower }} {{ 'ABC' is upper }} {{ 'A1' is upper }} {{ '123' is upper }} {{ '123' is lower }} {{ '' is lower }}"),
    ("tests", "lower_upper_unicode", "{{ 'äöü' is lower }} {{ 'ÄÖÜ' is upper }} {{ 'Äö' is upper }} {{ 'ß' is lower }} {{ '😀' is lower }}"),
    ("tests", "escaped", "{{ 'a' is escaped }} {{ 'a'|safe is escaped }} {{ 'a'|e is escaped }} {{ 1 is escaped }}"),
    ("tests", "filter_test_tests", "{{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ 'upper' is test }}"),
    ("tests", "not_test", "{{ 1 is not odd }} {{ 2 is not odd }} {{ x is not defined }}"),
    ("tests", "test_in_if", "{% if 4 is even and 5 is odd %}yes{% endif %}"),
    ("tests", "select_with_tests", "{{ [1, 'a', none, 2.5, true]|select('number')|list }} {{ [1, 'a', none]|reject('string')|list }}"),
    ("tests", "even_undefined_error", "{{ nothing is even }}", None, None, E("'nothing' is undefined")),

    # ---- functions -------------------------------------------------------------------------
    ("functions", "range_stop", "{{ range(5)|list }}"),
    ("functions", "range_start_stop", "{{ range(2, 6)|list }}"),
    ("functions", "range_step", "{{ range(0, 10, 3)|list }} {{ range(1, 2, 5)|list }}"),
    ("functions", "range_negative_step", "{{ range(10, 0, -3)|list }} {{ range(0, -5, -1)|list }}"),
    ("functions", "range_empty", "{{ range(0)|list }} {{ range(5, 2)|list }} {{ range(-3)|list }} {{ range(2, 5, -1)|list }}"),
    ("functions", "range_loop", "{% for i in range(3) %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}"),
    ("functions", "range_length", "{{ range(0, 100, 7)|length }}"),
    ("functions", "range_bool", "{{ range(true, 3)|list }}"),
    ("functions", "range_big_bounds", "{{ range(9223372036854775805, 9223372036854775807)|list }} {{ range(-9223372036854775807 - 1, -9223372036854775806)|list }}"),
    ("functions", "range_zero_step", "{{ range(1, 2, 0)|list }}", None, None, E("range() arg 3 must not be zero")),
    ("functions", "range_float", "{{ range(1.5)|list }}", None, None, E("'float' object cannot be interpreted as an integer")),
    ("functions", "range_str", "{{ range('3')|list }}", None, None, E("'str' object cannot be interpreted as an integer")),
    ("functions", "range_too_large", "{{ range(1000000)|length }}", None, None, E("limit 'range_items' exceeded: range() of 1000000 items (limit 100000)")),
    ("functions", "range_huge", "{{ range(-9223372036854775807, 9223372036854775807)|length }}", None, None, E("limit 'range_items' exceeded: range() of 18446744073709551614 items (limit 100000)")),
    ("functions", "range_limit_exact", "{{ range(100000)|length }} {{ range(0, 200000, 2)|last }}"),
    ("functions", "range_by_sum", "{{ range(1, 101)|sum }}"),
    ("functions", "namespace_set", "{% set ns = namespace(count=0) %}{% for i in range(3) %}{% set ns.count = ns.count + i %}{% endfor %}{{ ns.count }}"),
    ("functions", "namespace_attrs", "{% set ns = namespace(a=1, b='x') %}{{ ns.a }} {{ ns.b }} [{{ ns.c }}]"),
    ("functions", "namespace_from_dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}"),
    ("functions", "namespace_truthy", "{% set ns = namespace() %}{{ 'yes' if ns else 'no' }}"),
    ("functions", "dict_kwargs", "{{ dict(a=1, b='x') }}"),
    ("functions", "dict_empty", "{{ dict() }} {{ dict()|length }}"),
    ("functions", "dict_from_pairs", "{{ dict([('a', 1), ['b', 2]]) }}"),
    ("functions", "dict_from_dict", "{{ dict({'a': 1}, b=2) }}"),
    ("functions", "dict_is_mapping", "{{ dict(a=1) is mapping }} {{ dict(a=1).a }}"),
    ("functions", "dict_bad_pairs", "{{ dict([1]) }}", None, None, E("cannot convert dictionary update sequence element #0 to a sequence")),
    ("functions", "dict_pair_length", "{{ dict([(1, 2, 3)]) }}", None, None, E("dictionary update sequence element #0 has length 3; 2 is required")),

    # ---- dict methods ----------------------------------------------------------------------
    ("methods", "dict_update", "{% set d = {'a': 1} %}{% do d.update({'b': 2}) %}{{ d }}"),
    ("methods", "dict_update_kwargs", "{% set d = {'a': 1} %}{% do d.update(a=3, c=4) %}{{ d }}"),
    ("methods", "dict_update_both", "{% set d = {} %}{% do d.update({'x': 1}, y=2) %}{{ d }}"),
    ("methods", "dict_update_pairs", "{% set d = {} %}{% do d.update([('k', 'v')]) %}{{ d }}"),
    ("methods", "dict_update_returns_none", "{% set d = {} %}{{ d.update(a=1) }}"),
    ("methods", "dict_update_in_loop", "{% set d = {} %}{% for i in range(3) %}{% do d.update({i: i * i}) %}{% endfor %}{{ d }}"),
    ("methods", "dict_get", "{% set d = {'a': 1} %}{{ d.get('a') }} {{ d.get('b') }} {{ d.get('b', 'dflt') }} {{ d.get('a', 9) }}"),
    ("methods", "dict_get_int_key", "{% set d = {1: 'one'} %}{{ d.get(1) }} {{ d.get(1.0) }} {{ d.get('1') }}"),
    ("methods", "dict_items", "{{ {'a': 1, 'b': 2}.items()|list }}"),
    ("methods", "dict_items_loop", "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}{{ v }}{% endfor %}"),
    ("methods", "dict_keys_values", "{{ {'a': 1, 'b': 2}.keys()|list }} {{ {'a': 1, 'b': 2}.values()|list }}"),
    ("methods", "dict_pop", "{% set d = {'a': 1, 'b': 2} %}{{ d.pop('a') }} {{ d }} {{ d.pop('zz', 'none') }}"),
    ("methods", "dict_pop_missing", "{% set d = {'a': 1} %}{{ d.pop('x') }}", None, None, E("KeyError: 'x'")),
    ("methods", "dict_setdefault", "{% set d = {'a': 1} %}{{ d.setdefault('a', 5) }} {{ d.setdefault('b', 7) }} {{ d.setdefault('c') }} {{ d }}"),
    ("methods", "dict_copy", "{% set d = {'a': 1} %}{% set c = d.copy() %}{% do c.update(b=2) %}{{ d }} {{ c }}"),
    ("methods", "dict_unhashable", "{% set d = {} %}{{ d.get([1]) }}", None, None, E("unhashable type: 'list'")),
    ("methods", "dict_update_bad", "{% set d = {} %}{% do d.update(5) %}", None, None, E("'int' object is not iterable")),
    ("methods", "dict_items_empty", "{{ {}.items()|list }} {{ {}.keys()|list }}"),
    ("methods", "dict_update_insertion_order", "{% set d = {'b': 1, 'a': 2} %}{% do d.update(b=3, c=4) %}{{ d|list }}"),

    # ---- list methods ----------------------------------------------------------------------
    ("methods", "list_append", "{% set l = [1] %}{% do l.append(2) %}{% do l.append([3]) %}{{ l }}"),
    ("methods", "list_append_returns_none", "{% set l = [] %}{{ l.append(1) }} {{ l }}"),
    ("methods", "list_extend", "{% set l = [1] %}{% do l.extend([2, 3]) %}{% do l.extend('ab') %}{% do l.extend({'k': 1}) %}{{ l }}"),
    ("methods", "list_extend_self", "{% set l = [1, 2] %}{% do l.extend(l) %}{{ l }}"),
    ("methods", "list_insert", "{% set l = [1, 2, 3] %}{% do l.insert(0, 'a') %}{% do l.insert(-1, 'b') %}{% do l.insert(100, 'c') %}{% do l.insert(-100, 'd') %}{{ l }}"),
    ("methods", "list_pop", "{% set l = [1, 2, 3, 4] %}{{ l.pop() }} {{ l.pop(0) }} {{ l.pop(-1) }} {{ l }}"),
    ("methods", "list_pop_empty", "{% set l = [] %}{{ l.pop() }}", None, None, E("pop from empty list")),
    ("methods", "list_pop_range", "{% set l = [1] %}{{ l.pop(5) }}", None, None, E("pop index out of range")),
    ("methods", "list_remove", "{% set l = [1, 2, 1, 3] %}{% do l.remove(1) %}{{ l }}"),
    ("methods", "list_remove_missing", "{% set l = [1] %}{% do l.remove(9) %}", None, None, E("list.remove(x): x not in list")),
    ("methods", "list_index", "{% set l = ['a', 'b', 'a', 'c'] %}{{ l.index('a') }} {{ l.index('a', 1) }} {{ l.index('c', -2) }}"),
    ("methods", "list_index_missing", "{{ [1, 2].index(5) }}", None, None, E("5 is not in list")),
    ("methods", "list_index_missing_str", "{{ ['a'].index('z') }}", None, None, E("'z' is not in list")),
    ("methods", "list_count", "{{ [1, 2, 1, 1.0, true, '1'].count(1) }} {{ [].count(1) }}"),
    ("methods", "list_reverse", "{% set l = [1, 2, 3] %}{% do l.reverse() %}{{ l }}"),
    ("methods", "list_sort", "{% set l = [3, 1, 2] %}{% do l.sort() %}{{ l }} {% do l.sort(reverse=true) %}{{ l }}"),
    ("methods", "list_sort_strings_case", "{% set l = ['b', 'A', 'a', 'B'] %}{% do l.sort() %}{{ l }}"),
    ("methods", "list_sort_type_error", "{% set l = [1, 'a'] %}{% do l.sort() %}", None, None, E("'<' not supported between instances of 'str' and 'int'")),
    ("methods", "list_copy", "{% set l = [1] %}{% set c = l.copy() %}{% do c.append(2) %}{{ l }} {{ c }}"),
    ("methods", "tuple_index_count", "{% set t = (1, 2, 2) %}{{ t.index(2) }} {{ t.count(2) }}"),
    ("methods", "list_mutation_in_loop", "{% set acc = [] %}{% for u in users %}{% do acc.append(u.name|upper) %}{% endfor %}{{ acc|join(',') }}", USERS),

    # ---- str methods -----------------------------------------------------------------------
    ("methods", "str_upper_lower", "{{ 'Hello Wörld'.upper() }} {{ 'Hello Wörld'.lower() }}"),
    ("methods", "str_strip", "[{{ '  hi  '.strip() }}] [{{ '  hi  '.lstrip() }}] [{{ '  hi  '.rstrip() }}]"),
    ("methods", "str_strip_chars", "[{{ 'xyhixy'.strip('xy') }}] [{{ 'xyhixy'.lstrip('x') }}] [{{ 'ÄhiÄ'.rstrip('Ä') }}]"),
    ("methods", "str_split_whitespace", "{{ '  a  b\\tc\\n '.split() }} {{ ''.split() }} {{ '   '.split() }}"),
    ("methods", "str_split_sep", "{{ 'a,b,,c'.split(',') }} {{ ''.split(',') }} {{ 'a--b'.split('--') }}"),
    ("methods", "str_split_maxsplit", "{{ 'a,b,c'.split(',', 1) }} {{ '  a b  c  '.split(none, 1) }} {{ 'a b c'.split(maxsplit=0) }}"),
    ("methods", "str_split_unicode", "{{ 'ä ö\u3000ü'.split() }} {{ 'Ä😀Ö😀'.split('😀') }}"),
    ("methods", "str_split_empty_sep", "{{ 'abc'.split('') }}", None, None, E("empty separator")),
    ("methods", "str_startswith", "{{ 'hello'.startswith('he') }} {{ 'hello'.startswith('lo') }} {{ 'hello'.startswith(('x', 'h')) }} {{ 'hello'.startswith('l', 2) }} {{ 'hello'.startswith('', 5) }} {{ 'hello'.startswith('', 6) }}"),
    ("methods", "str_endswith", "{{ 'hello'.endswith('lo') }} {{ 'hello'.endswith(('x', 'y')) }} {{ 'hello'.endswith('l', 0, 4) }} {{ 'Äö'.endswith('ö') }}"),
    ("methods", "str_replace", "{{ 'aaa'.replace('a', 'b') }} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'ab'.replace('', '.') }}"),
    ("methods", "str_title", "{{ 'hello world'.title() }} {{ \"they're bill's friends\".title() }} {{ '1st ÄBC-déf'.title() }}"),
    ("methods", "str_capitalize", "{{ 'hello World'.capitalize() }} {{ 'äBC'.capitalize() }} {{ ''.capitalize() }} {{ '1a'.capitalize() }}"),
    ("methods", "str_find", "{{ 'hello'.find('l') }} {{ 'hello'.find('z') }} {{ 'hello'.find('l', 3) }} {{ 'hello'.find('') }} {{ 'hello'.find('', 9) }} {{ 'ÄÖÜö'.find('ö') }}"),
    ("methods", "str_count", "{{ 'hello'.count('l') }} {{ 'aaaa'.count('aa') }} {{ 'abc'.count('') }} {{ 'ÄÄÖ'.count('Ä') }} {{ 'hello'.count('l', 3) }}"),
    ("methods", "str_join", "{{ ', '.join(['a', 'b']) }} {{ ''.join('xyz') }} {{ '-'.join([]) }} {{ '·'.join(['Ä', 'Ö']) }}"),
    ("methods", "str_join_type_error", "{{ ','.join([1, 2]) }}", None, None, E("sequence item 0: expected str instance, int found")),
    ("methods", "str_format_positional", "{{ '{} and {}'.format('a', 'b') }} {{ '{1}{0}{1}'.format('a', 'b') }}"),
    ("methods", "str_format_named", "{{ '{name} is {age}'.format(name='Bob', age=30) }}"),
    ("methods", "str_format_spec", "{{ '{:.2f}|{:>5}|{:<5}|{:^7}|{:05d}|{:+d}'.format(3.14159, 'ab', 'ab', 'mid', 42, 7) }}"),
    ("methods", "str_format_numbers", "{{ '{:,}|{:x}|{:#x}|{:b}|{:o}|{:e}|{:%}|{:.1%}'.format(1234567, 255, 255, 5, 8, 12345.678, 0.5, 0.123) }}"),
    ("methods", "str_format_fill", "{{ '{:*^9}|{:->6}|{:=+6d}|{:06.2f}'.format('x', 1, 42, -3.14159) }}"),
    ("methods", "str_format_float_default", "{{ '{}|{}|{:.3}|{:.3}|{:10}|'.format(0.1, 1e20, 3.14159, 100.0, 2.5) }}"),
    ("methods", "str_format_braces", "{{ '{{x}} {}'.format(1) }}"),
    ("methods", "str_format_conversion", "{{ '{!r} {!s}'.format('a', 'b') }}"),
    ("methods", "str_format_index_attr", "{{ '{0[0]} {0[1]} {1[k]}'.format(['x', 'y'], {'k': 'v'}) }}"),
    ("methods", "str_format_bool_none", "{{ '{} {} {:d} {:>6}'.format(true, none, true, true) }}"),
    ("methods", "str_format_unicode", "{{ '{:>4}|{:.1}|{:Ä<3}'.format('Äö', 'ÄÖ', 'x') }}"),
    ("methods", "str_format_nested_spec", "{{ '{:>{}}'.format('a', 4) }}"),
    ("methods", "str_format_missing", "{{ '{} {}'.format(1) }}", None, None, E("Replacement index 1 out of range for positional args tuple")),
    ("methods", "str_format_switch", "{{ '{} {0}'.format(1) }}", None, None, E("cannot switch from automatic field numbering to manual field specification")),
    ("methods", "str_format_bad_code", "{{ '{:d}'.format('x') }}", None, None, E("Unknown format code 'd' for object of type 'str'")),
    ("methods", "str_format_single_brace", "{{ 'a}'.format() }}", None, None, E("Single '}' encountered in format string")),
    ("methods", "str_methods_chain", "{{ '  Hello, World  '.strip().lower().replace('world', 'jinn').split(', ') }}"),
    ("methods", "str_method_on_var", "{{ s.upper() }} {{ s.split('ü')|length }}", UNI),
]


def jinja_env(options):
    return jinja2.Environment(
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        autoescape="autoescape" in options,
        trim_blocks="trim_blocks" in options,
        lstrip_blocks="lstrip_blocks" in options,
        keep_trailing_newline="keep_trailing_newline" in options,
    )


def render(template, context, options):
    env = jinja_env(options)
    return env.from_string(template).render(**(context or {}))


def write_case(group, name, template, context, options, kind, text):
    d = os.path.join(HERE, group)
    os.makedirs(d, exist_ok=True)
    parts = ["--- template", template]
    if context is not None:
        parts += ["--- context", json.dumps(context, ensure_ascii=False)]
    if options:
        parts += ["--- options"] + list(options)
    parts += ["--- " + kind, text]
    with open(os.path.join(d, name + ".test"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


def main():
    seen = set()
    counts = {}
    problems = 0
    for row in ROWS:
        group, name, template = row[:3]
        context = row[3] if len(row) > 3 else None
        options = row[4] if len(row) > 4 else None
        expected = row[5] if len(row) > 5 else None
        key = (group, name)
        if key in seen:
            sys.exit(f"duplicate case {group}/{name}")
        seen.add(key)
        options = options or []
        if isinstance(expected, E):
            # check that Jinja2 fails too (jinn's message is what the file pins)
            try:
                out = render(template, context, options)
                print(f"note: {group}/{name}: Jinja2 renders {out[:40]!r}, jinn errors by design")
            except Exception:
                pass
            write_case(group, name, template, context, options, "error", str(expected))
        elif isinstance(expected, O):
            write_case(group, name, template, context, options, "output", str(expected))
        else:
            try:
                out = render(template, context, options)
            except Exception as exc:  # a row that should have been marked E(...)
                print(f"ERROR {group}/{name}: {type(exc).__name__}: {exc}")
                problems += 1
                continue
            if "<generator object" in out:
                print(f"ERROR {group}/{name}: prints a generator")
                problems += 1
                continue
            write_case(group, name, template, context, options, "output", out)
        counts[group] = counts.get(group, 0) + 1
    print(", ".join(f"{g}: {n}" for g, n in sorted(counts.items())), f"total: {sum(counts.values())}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
