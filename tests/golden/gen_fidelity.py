#!/usr/bin/env python3
"""tests/golden/gen_fidelity.py — golden cases for the Jinja2 fidelity classes of issue 14
(tests/golden/fidelity/), each checked against Jinja2 3.1 itself.

A row is (name, template, context, options, files): options are golden-runner option lines
(`undefined=strict`, `trim_blocks`, ...), files the other templates by name (include, import,
extends). The expected output is what Jinja2 renders with the same options, undefined class and
templates (a DictLoader). When Jinja2 raises, the case expects an error: jinn must fail too,
and the case keeps jinn's diagnostic (filled in by `jinn test --update`); a row where jinn
renders what Jinja2 refuses, or the reverse, is reported and the generator fails.

    python3 tests/golden/gen_fidelity.py        (needs bin/jinn built)
"""
import copy
import json
import os
import subprocess
import sys

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GROUP = os.path.join(HERE, "fidelity")
JINN = os.environ.get("JINN", os.path.join(ROOT, "bin", "jinn"))

UNDEFINED = {
    "undefined=default": jinja2.Undefined,
    "undefined=chainable": jinja2.ChainableUndefined,
    "undefined=debug": jinja2.DebugUndefined,
    "undefined=strict": jinja2.StrictUndefined,
}

ROWS = []


def row(name, template, context=None, options=(), files=None):
    ROWS.append((name, template, context, list(options), files or {}))


# ---- 4. the undefined family: the same uses under each of Jinja2's four classes --------------
UNDEF_USES = [
    ("print", "[{{ missing }}]"),
    ("attr", "[{{ missing.a }}]"),
    ("attr_chain", "[{{ missing.a.b }}]"),
    ("item", "[{{ missing[0] }}]"),
    ("dict_attr", "[{{ d.nope }}]"),
    ("dict_item", "[{{ d['nope'] }}]"),
    ("list_elem", "[{{ l[5] }}]"),
    ("none_attr", "[{{ n.a }}]"),
    ("default", "[{{ missing|default(1) }}]"),
    ("defined", "[{{ missing is defined }}]"),
    ("for", "{% for i in missing %}{{ i }}{% endfor %}ok"),
    ("concat", "[{{ missing ~ 'a' }}]"),
    ("add", "[{{ missing + 1 }}]"),
    ("call", "[{{ missing() }}]"),
    ("if", "{% if missing %}t{% else %}f{% endif %}"),
    ("length", "[{{ missing|length }}]"),
    ("list", "[{{ missing|list }}]"),
    ("in_list", "[{{ [missing] }}]"),
    ("eq_none", "[{{ missing == none }}]"),
    ("cond_no_else", "[{{ 'x' if false }}]"),
    ("cond_no_else_concat", "[{{ ('x' if false) ~ 'y' }}]"),
    ("cond_no_else_defined", "[{{ ('x' if false) is defined }}]"),
    ("cond_no_else_set", "{% set v = 'x' if false %}[{{ v }}]"),
]
for mode in ("default", "chainable", "debug", "strict"):
    for use, tpl in UNDEF_USES:
        row(f"undefined_{mode}_{use}", tpl, {"d": {}, "l": [1], "n": None}, [f"undefined={mode}"])

# ---- 8. integers as Python has them: int64, promoted to a big int on overflow, exact ---------
BIG = [
    ("literals", "{{ 123456789012345678901234567890 }}|{{ -18446744073709551616 }}|{{ 0x1_0000_0000_0000_0000 }}|"
     "{{ 0o2000000000000000000000 }}|{{ 0b1" + "0" * 64 + " }}|{{ 1_000_000_000_000_000_000_000 }}"),
    ("promote_add_sub_mul", "{{ 9223372036854775807 + 1 }}|{{ -9223372036854775807 - 2 }}|{{ 4294967296 * 4294967296 }}|"
     "{{ 2**63 - 1 + 1 }}|{{ (2**64) - 2**64 }}|{{ ((2**64) - 2**64) is integer }}"),
    ("pow", "{{ 10 ** 100 }}|{{ 2 ** 64 }}|{{ (-2) ** 63 }}|{{ 3 ** 40 }}|{{ 10 ** 10 ** 10 }}|{{ (2**64) ** 0 }}|{{ 2 ** -1 }}"),
    ("floor_div_mod", "{{ (-(2**70)) // 3 }}|{{ (-(2**70)) % 7 }}|{{ (2**70) % -7 }}|{{ 10 // -(2**64) }}|{{ 10 % -(2**64) }}|"
     "{{ (-9223372036854775807 - 1) // -1 }}|{{ (-9223372036854775807 - 1) % -1 }}"),
    ("true_div", "{{ (10**30) / 7 }}|{{ (10**400) / (10**399) }}|{{ 1 / 2**64 }}|{{ (2**64) / 2 }}|"
     "{{ 9007199254740993 / 1 }}|{{ (2**64 + 1) / 3 }}"),
    ("neg_abs", "{{ -(2**64) }}|{{ -(-9223372036854775807 - 1) }}|{{ (-(2**70))|abs }}|{{ (-9223372036854775807 - 1)|abs }}"),
    ("compare_ints", "{{ 2**64 < 2**65 }}|{{ 2**65 < 2**64 }}|{{ -(2**65) < 2**64 }}|{{ 10**400 == 10**400 }}|"
     "{{ 2**64 != 2**64 + 1 }}|{{ [10**30, 1, 2**64]|sort }}|{{ [3, 2**64, -(2**64)]|min }}|{{ [3, 2**64]|max }}"),
    ("compare_floats", "{{ 2**64 > 1.5 }}|{{ 2**64 == 18446744073709551616.0 }}|{{ 2**53 + 1 == 9007199254740992.0 }}|"
     "{{ 2**53 + 1 > 9007199254740992.0 }}|{{ 2**1024 > 1e308 }}|{{ 10**400 > 1e308 }}|{{ [2**64, 1.5, 2**63]|sort }}"),
    ("with_floats", "{{ 2**64 * 1.0 }}|{{ 10**20 + 0.5 }}|{{ 2**64 // 2.0 }}|{{ (2**64) ** 0.5 }}|{{ 0.5 * 2**64 }}"),
    ("truthy", "{{ 1 if 2**64 else 0 }}|{{ not 2**64 }}|{{ (2**64) and 1 }}"),
    ("int_filter", "{{ '123456789012345678901234567890'|int }}|{{ '  -123456789012345678901234567890 '|int }}|"
     "{{ '1_000_000_000_000_000_000_000'|int }}|{{ ('f' * 30)|int(base=16) }}|{{ '0x1ffffffffffffffffffff'|int(0) }}|"
     "{{ (2**64)|int }}|{{ 1e20|int }}|{{ 1e300|int }}|{{ '99999999999999999999.5'|int }}|{{ ('1' * 5000)|int }}|"
     "{{ '1e999'|int }}|{{ ('1' * 4300)|int|string|length }}"),
    ("float_string", "{{ (2**64)|float }}|{{ (2**64)|string }}|{{ (2**64)|string|length }}|{{ [2**64]|map('string')|list }}|"
     "{{ [2**64, 1]|join(',') }}"),
    ("round", "{{ (10**30)|round }}|{{ (10**30)|round(2) }}|{{ (2**64)|round(-5) }}|{{ (2**64)|round(-25) }}|"
     "{{ (2**64 + 5)|round(-1) }}|{{ (2**64 + 15)|round(-1) }}|{{ 25|round(-1) }}|{{ 35|round(-1) }}"),
    ("tojson_pprint", "{{ (10**30)|tojson }}|{{ {'a': 2**64}|tojson }}|{{ [2**64]|pprint }}|{{ {'k': [2**64, -(2**64)]} }}"),
    ("filesizeformat", "{{ (10**30)|filesizeformat }}|{{ (10**30)|filesizeformat(true) }}|{{ (2**64)|filesizeformat }}|"
     "{{ (-(2**64))|filesizeformat }}"),
    ("sum", "{{ [10**30, 1]|sum }}|{{ [2**64, 1.5]|sum }}|{{ [2**64, 2**64]|sum(start=1) }}|{{ [9223372036854775807, 1]|sum }}"),
    ("range", "{{ range(10**20, 10**20 + 3)|list }}|{{ range(10**20 + 3, 10**20, -1)|list }}|"
     "{{ range(0, 10**20, 10**19)|list }}|{{ range(10**20, 0)|list }}|{{ range(-(10**20), -(10**20) + 2)|list }}"),
    ("format", "{{ '%d|%5d|%-30d|%x|%X|%o|%+d|%i'|format(2**64, -(2**64), 2**64, 2**70, 2**70, 2**70, 2**64, 2**64) }}|"
     "{{ '%s %r'|format(2**64, 2**64) }}|{{ '%d'|format(1e20) }}|{{ '%d' % (2**64) }}|{{ '%.3d'|format(2**64) }}"),
    ("str_format", "{{ '{:,}'.format(10**20) }}|{{ '{:x}'.format(2**70) }}|{{ '{:#b}'.format(-(2**65)) }}|"
     "{{ '{:>30}'.format(2**64) }}|{{ '{:e}'.format(2**64) }}|{{ '{}'.format(2**64) }}|{{ '{:_d}'.format(2**64) }}"),
    ("tests", "{{ (2**64) is odd }}|{{ (2**64 + 1) is odd }}|{{ (2**64) is even }}|{{ (2**64) is divisibleby(3) }}|"
     "{{ (2**64) is divisibleby(2**63) }}|{{ (2**64) is number }}|{{ (2**64) is integer }}|{{ (2**64) is float }}|"
     "{{ (2**64) is eq(2**64) }}"),
    ("dict_keys_in", "{{ {10**30: 1}[10**30] }}|{{ 10**30 in [10**30] }}|{{ {2**64: 'x', 18446744073709551616.0: 'y'} }}|"
     "{{ [2**64, 18446744073709551616.0]|unique|list }}|{{ (2**64) in {2**64: 1} }}|{{ [2**64, 2**64 + 1]|unique|list }}"),
    ("index_slice", "[{{ [1, 2][2**64] }}]|{{ [1, 2, 3][2**64:] }}|{{ [1, 2, 3][:2**64] }}|{{ [1, 2, 3][-(2**64):] }}|"
     "{{ 'abc'[2**64] is defined }}|{{ 'abc'[::2**64] }}"),
    ("loop_growth", "{% set ns = namespace(x=1) %}{% for i in range(70) %}{% set ns.x = ns.x * 2 %}{% endfor %}{{ ns.x }}|"
     "{{ ns.x // 2**69 }}|{{ (ns.x - 2**70 + 5) is integer }}"),
    ("bool_mix", "{{ True + 2**64 }}|{{ 2**64 + True }}|{{ 2**64 * False }}"),
    ("hash_int64_edges", "{{ {9223372036854774784: 1, 9223372036854774784.0: 2} }}|"
     "{{ {-9223372036854775807 - 1: 1, -9223372036854775808.0: 2} }}|{{ [2**63, 9223372036854775808.0]|unique|list }}|"
     "{{ 2**63 in {9223372036854775808.0: 1} }}"),
    # Python's errors: OverflowError converting to float, ValueError printing 4301 digits, ...
    ("err_float_filter", "{{ (10**400)|float }}"),
    ("err_times_float", "{{ 10**400 * 1.0 }}"),
    ("err_neg_pow", "{{ (10**400) ** -1 }}"),
    ("err_str_digits", "{{ 10**4300 }}"),
    ("err_repeat", "{{ 'ab' * 2**64 }}"),
    ("err_mod_zero", "{{ (2**64) % 0 }}"),
    ("err_min_of_int", "{{ (2**64)|min }}"),
]
for name, template in BIG:
    row("bigint_" + name, template)


# ---- 6. unknown filters and tests fail only when they run inside an if (a soft frame) ------
row("lazy_filter_in_if", "{% if x is defined %}{{ x|nosuch }}{% endif %}ok")
row("lazy_test_in_if", "{% if x is defined %}{{ x is nosuch }}{% endif %}ok")
row("lazy_filter_in_else", "{% if true %}yes{% else %}{{ 1|nosuch }}{% endif %}")
row("lazy_filter_in_elif", "{% if true %}yes{% elif x %}{{ 1|nosuch(2) }}{% endif %}")
row("lazy_filter_in_cond", "[{{ 1|nosuch if x }}]")
row("lazy_filter_runs", "{% if true %}{{ 1|nosuch }}{% endif %}")
row("lazy_test_runs", "{% if true %}{{ 1 is nosuch }}{% endif %}")
row("lazy_filter_in_for_in_if", "{% if x %}{% for i in y %}{{ i|nosuch }}{% endfor %}{% endif %}ok")
row("lazy_filter_in_macro", "{% macro m() %}{{ 1|nosuch }}{% endmacro %}ok")
row("lazy_filter_top", "{{ 1|nosuch }}")
row("lazy_filter_in_if_test", "{% if x|nosuch %}a{% endif %}ok", {"x": 1})

# ---- 7. syntax corners ---------------------------------------------------------------------
row("elif_chain_1000", "{% if x == 0 %}0" + "".join("{%% elif x == %d %%}%d" % (i, i) for i in range(1, 1000))
    + "{% else %}none{% endif %}", {"x": 999})
row("elif_chain_else", "{% if x == 0 %}0{% elif x == 1 %}1{% elif x == 2 %}2{% else %}else{% endif %}", {"x": 7})
row("test_arg_dotted", "{{ 3 is eq other.value }} {{ 3 is ne other.value }}", {"other": {"value": 3}})
row("test_arg_item", "{{ 2 is sameas items[1] }} {{ 'b' is in lists.x }}", {"items": [1, 2], "lists": {"x": ["a", "b"]}})
row("test_arg_call", "{{ 3 is divisibleby n.get('k') }}", {"n": {"k": 3}})


# ---- 1. template names from expressions ---------------------------------------------------
LAYOUTS = {"base.html": "[{% block c %}base{% endblock %}]", "a.html": "A{% block c %}{% endblock %}",
           "b.html": "B{% block c %}{% endblock %}", "m.html": "{% macro f(x) %}F{{ x }}{% endmacro %}{% set v = 7 %}",
           "i.html": "<{{ x }}>", "fallback.html": "FB"}
row("name_include_var", "{% include tpl %}", {"tpl": "i.html", "x": 1}, files=LAYOUTS)
row("name_include_concat", "{% include 'i' ~ '.html' %}", {"x": 2}, files=LAYOUTS)
row("name_include_list_var", "{% include [primary, 'fallback.html'] %}", {"primary": "nope.html"}, files=LAYOUTS)
row("name_include_list_ignore", "{% include [primary, 'gone.html'] ignore missing %}ok", {"primary": "nope.html"}, files=LAYOUTS)
row("name_include_missing", "{% include tpl %}", {"tpl": "nope.html"}, files=LAYOUTS)
row("name_include_undefined", "{% include tpl %}", files=LAYOUTS)
row("name_include_not_string", "{% include 42 + 1 %}", files=LAYOUTS)
row("name_include_in_loop", "{% for t in ['i.html', 'fallback.html'] %}{% include t %}{% endfor %}", {"x": 3}, files=LAYOUTS)
row("name_extends_var", "{% extends layout %}{% block c %}child{% endblock %}", {"layout": "base.html"}, files=LAYOUTS)
row("name_extends_cond_expr", "{% extends 'a.html' if compact else 'b.html' %}{% block c %}x{% endblock %}",
    {"compact": False}, files=LAYOUTS)
row("name_extends_in_if", "{% if compact %}{% extends 'a.html' %}{% else %}{% extends 'b.html' %}{% endif %}"
    "{% block c %}x{% endblock %}", {"compact": True}, files=LAYOUTS)
row("name_import_var", "{% import theme as m %}{{ m.f(1) }}{{ m.v }}", {"theme": "m.html"}, files=LAYOUTS)
row("name_from_import_var", "{% from theme import f as g, v %}{{ g(2) }}{{ v }}", {"theme": "m.html"}, files=LAYOUTS)
row("name_required_through_intermediate", "{% extends 'mid.html' %}{% block c %}filled{% endblock %}",
    files={"top.html": "[{% block c required %}{% endblock %}]", "mid.html": "{% extends 'top.html' %}"})
row("name_required_unfilled", "{% extends 'mid.html' %}",
    files={"top.html": "[{% block c required %}{% endblock %}]", "mid.html": "{% extends 'top.html' %}"})


# ---- 2. unpacking in every target ------------------------------------------------------------
row("unpack_for_nested", "{% for key, (low, high) in ranges|dictsort %}{{ key }}:{{ low }}-{{ high }};{% endfor %}",
    {"ranges": {"a": [1, 2], "b": [3, 4]}})
row("unpack_for_deep", "{% for (a, (b, c)), d in items %}{{ a }}{{ b }}{{ c }}{{ d }};{% endfor %}",
    {"items": [[[1, [2, 3]], 4], [[5, [6, 7]], 8]]})
row("unpack_for_paren_single", "{% for (x) in [1, 2] %}{{ x }}{% endfor %}")
row("unpack_with_pair", "{% with (a, b) = pair %}{{ a }}{{ b }}{% endwith %}", {"pair": [1, 2]})
row("unpack_with_two", "{% with a = 1, (b, c) = [2, 3] %}{{ a }}{{ b }}{{ c }}{% endwith %}")
row("unpack_set_swap", "{% set a, b = 1, 2 %}{% set a, b = b, a %}{{ a }}{{ b }}")
row("unpack_set_nested", "{% set (a, b), c = [1, 2], 3 %}{{ a }}{{ b }}{{ c }}")
row("unpack_set_ns", "{% set ns = namespace() %}{% set ns.low, ns.high = 1, 2 %}{{ ns.low }}{{ ns.high }}")
row("unpack_set_ns_mixed", "{% set ns = namespace() %}{% set x, ns.y = 1, 2 %}{{ x }}{{ ns.y }}")
row("unpack_too_many", "{% set a, b = [1, 2, 3] %}")
row("unpack_too_few", "{% for a, (b, c) in [[1, [2]]] %}{% endfor %}")
row("unpack_not_iterable", "{% set a, b = 5 %}")


# ---- 3. callables as values, calls on any expression, *args and **kwargs ---------------------
row("call_range_value", "{% set f = range %}{{ f(3)|list }} {{ (range)(2, 5)|list }}")
row("call_dict_value", "{% set mk = dict %}{{ mk(a=1)|dictsort }}")
row("call_context_shadows_global", "{{ range }}", {"range": "mine"})
row("call_macro_in_dict", "{% macro m(x) %}<{{ x }}>{% endmacro %}{% set d = {'k': m} %}{{ d.k(1) }}{% set g = m %}{{ g(2) }}")
row("call_macro_in_list", "{% macro m(x) %}[{{ x }}]{% endmacro %}{% for f in [m, m] %}{{ f(loop.index) }}{% endfor %}")
row("call_star_args", "{% macro m(a, b, c=3) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(*args) }} {{ m(1, *[2]) }}",
    {"args": [1, 2]})
row("call_star_kwargs", "{% macro m(a, b, c=3) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(*args, **kw) }} {{ m(1, b=2, **{'c': 5}) }}",
    {"args": [1, 2], "kw": {"c": 9}})
row("call_star_builtin", "{{ range(*bounds)|list }} {{ dict(**d)|dictsort }}", {"bounds": [1, 4], "d": {"x": 1}})
row("call_star_filter", "{{ 'a-b-c'|replace(*pair) }} {{ [3, 1, 2]|sort(**opts) }}", {"pair": ["-", "+"], "opts": {"reverse": True}})
row("call_star_method", "{{ 'a,b,c'.split(*sep) }} {{ '{} {}'.format(*xs) }}", {"sep": [","], "xs": [1, 2]})
row("call_star_test", "{{ 6 is divisibleby(*n) }} {{ 6 is not divisibleby(*m) }}", {"n": [3], "m": [4]})
row("call_loop_cycle_star", "{% for i in range(5) %}{{ loop.cycle(*colours) }}{% endfor %}", {"colours": ["r", "g"]})
row("call_filter_result", "{{ obj|attr('items')()|list }} {{ 'ab'|attr('upper')() }}", {"obj": {"a": 1}})
row("call_attr_missing", "[{{ obj|attr('nope') }}]", {"obj": {"nope": 1}})
row("call_star_not_mapping", "{% macro m() %}{% endmacro %}{{ m(**5) }}")
row("call_not_callable", "{{ x() }}", {"x": 1})


# ---- 9. Python's reference semantics for values from the context ----------------------------
CH = {"channels": [{"n": 1}, {"n": 2}], "l": [1, 2], "d": {"a": [1]}}
row("ref_append_then_update", "{% set keep = [] %}{% for c in channels %}{% do keep.append(c) %}"
    "{% do c.update({'score': 1}) %}{% endfor %}{{ keep }} {{ channels }}", CH)
row("ref_alias_list", "{% set ll = l %}{% do ll.append(7) %}{{ l }} {{ ll }}", CH)
row("ref_alias_in_dict", "{% set box = {'x': l} %}{% do l.append(3) %}{{ box.x }}", CH)
row("ref_nested_alias", "{% set inner = d.a %}{% do d.a.append(2) %}{{ inner }} {{ d }}", CH)
row("ref_iterate_while_appending", "{% for x in l %}{{ x }}{% if loop.index < 3 %}{% do l.append(x * 10) %}{% endif %},"
    "{% endfor %}|{{ l }}", CH)
row("ref_two_names_one_dict", "{% set a = channels[0] %}{% set b = channels[0] %}{% do a.update({'z': 1}) %}{{ b }}", CH)


# ---- found by the differential fuzzer (tests/difffuzz/KNOWN.md): small corners -------------
row("fz_missing_after_import", "{% import 'm.html' as p %}{{ [missing] }}", files=LAYOUTS)
row("fz_operator_words_as_attrs", "{{ d.in }}|{{ d.is }}|{{ d.not }}|{{ d.if }}|{{ d.else }}|{{ x.or }}",
    {"d": {"in": 1, "is": 2, "not": 3, "if": 4, "else": 5}, "x": {}})
row("fz_slice_of_int", "[{{ (5)[1:] }}][{{ (5)[1] }}][{{ none[1:] }}]")
row("fz_undefined_in_dict", "{{ 'a'|attr('y') in {} }}")
row("fz_safe_slice", "{{ ('<a>'|safe)[0:2] }}{{ ('<a>'|safe)[0] }}{{ ('<a>'|safe)[::-1] }}", options=["autoescape"])
row("fz_safe_concat_autoescape", "{{ (h|safe) ~ (h|safe) }}|{{ h ~ (h|safe) }}|{{ h ~ h }}", {"h": "a & b"}, ["autoescape"])
row("fz_safe_concat_plain", "{{ (h|safe) ~ (h|safe) }}|{{ h ~ (h|safe) }}", {"h": "a & b"})
row("fz_str_plus_markup", "{{ 'a<' + ('b'|safe) }}|{{ ('b'|safe) + '<' }}|{{ ('b'|safe) + ('<'|safe) }}")
row("fz_str_plus_markup_autoescape", "{{ 'a<' + ('b'|safe) }}|{{ 'a<' + 'b' }}", options=["autoescape"])
# pprint wraps a long str as _pprint_str does (seed 7123150)
PP_STRS = {"words": "see www.example.com." * 6, "quotes": "it's a \"quoted\" " * 10, "single": "it's only single " * 10,
           "lines": "line one\nline two is here\n" * 6, "crlf": "\r\n".join(["abc def"] * 20), "long": "x" * 100,
           "edge79": "a" * 79, "edge78": "a" * 78, "wide": "ü日本 " * 30}
for k, v in PP_STRS.items():
    row(f"fz_pprint_str_{k}", "{{ s|pprint }}\n{{ [s]|pprint }}\n{{ {'k': s}|pprint }}\n{{ [1, [s, 2]]|pprint }}", {"s": v})
# truncate gives an undefined back (len() is 0), StrictUndefined fails (seed 7212522)
for mode in ("default", "chainable", "debug", "strict"):
    row(f"fz_truncate_undefined_{mode}", "[{{ missing|truncate(9) }}][{{ ('x' * -1)|min|truncate(9, killwords=true) }}]",
        options=[f"undefined={mode}"])
# a filter block is a frame of its own: what its body sets stays in it (seeds 8259783, 8287732)
FB_INC = {"inc": "<{{ q is defined }}>"}
row("fz_filterblock_scope_set", "{% filter upper %}{% set v1 = 1 %}{{ v1 }}{% endfilter %}[{{ v1 }}]")
row("fz_filterblock_scope_outer", "{% set v1 = 0 %}{% filter upper %}{% set v1 = 1 %}{{ v1 }}{% endfilter %}[{{ v1 }}]")
row("fz_filterblock_scope_ns", "{% set ns = namespace(a=0) %}{% filter upper %}{% set ns.a = 5 %}{% endfilter %}[{{ ns.a }}]")
row("fz_filterblock_scope_loop", "{% for i in [1,2] %}{% filter upper %}{% set x = i %}x{{ x }}{% endfilter %}{% endfor %}[{{ x }}]")
row("fz_filterblock_scope_macro", "{% filter upper %}{% macro m() %}a{{ y }}{% endmacro %}{% set y = 2 %}{{ m() }}{% endfilter %}[{{ y }}]")
row("fz_filterblock_scope_include", "{% filter upper %}{% include 'inc' %}{% set q = 1 %}{% include 'inc' %}{% endfilter %}{% include 'inc' %}",
    files=FB_INC)
row("fz_filterblock_scope_nested", "{% filter upper %}{% filter lower %}{% set w = 'W' %}{{ w }}{% endfilter %}{{ w }}{% endfilter %}[{{ w }}]")
row("fz_filterblock_scope_set_block", "{% filter replace('o', '0') %}{% set v1 %}{% endset %}{% endfilter %}{% include 'inc2' %}",
    files={"inc2": "{{ v1 is defined }}"})
# a slice Jinja2 does not fold runs as Python's subscript: only str, list, tuple and range have
# items to slice (seed 9437379); folded, it goes through getitem and gives undefined
for k, v in {"int": 5, "none": None, "dict": {"a": 1}, "bool": True, "float": 1.5, "list": [1, 2, 3], "str": "abc"}.items():
    row(f"fz_slice_runtime_{k}", "[{{ x[1:] }}]", {"x": v})
row("fz_slice_runtime_ns", "{% set ns = namespace() %}{{ ns[1:] }}")
row("fz_slice_runtime_macro", "{% macro m() %}{% endmacro %}{{ m[1:] }}")
row("fz_slice_folded", "[{{ (1.5)[1:] }}][{{ {'m': 1}[1:2] }}][{{ none[:1] }}]")
row("fz_slice_dict_undefined_bounds", "{% set t = {'m': m} %}{{ t[a:b] }}")
# unique(attribute=) hashes its keys: a StrictUndefined one fails (seeds 8248105, 8271975)
for mode in ("default", "strict"):
    row(f"fz_unique_attr_undefined_{mode}", "{{ users|unique(attribute='city')|map(attribute='name')|list }}",
        {"users": [{"name": "Cy", "city": "oslo"}, {"name": "Ann"}, {"name": "Bo"}]}, [f"undefined={mode}"])
# the eq and ne tests on a StrictUndefined fail, as == does (seed 7166698)
for mode in ("default", "strict"):
    row(f"fz_eq_test_undefined_{mode}", "{{ missing is eq 1 }}|{{ 1 is ne missing }}", options=[f"undefined={mode}"])
    row(f"fz_selectattr_eq_undefined_{mode}", "{{ users|selectattr('city', 'equalto', 'Oslo')|list }}",
        {"users": [{"name": "Ann", "city": "oslo"}, {"name": "Cy"}]}, [f"undefined={mode}"])


# ---- 7. delimiters that contain '-', line statements and comments ---------------------------
HTML = "syntax=<!-- --> << >> <# #>"
row("delims_html_comment", "a\n  <!-- if x -->\n  X\n  <!--- endif --->\n<< 1 >>\n", {"x": 1}, [HTML])
row("delims_html_trim_both", "a <!--- if x ---> b <!-- endif -->c", {"x": 1}, [HTML])
row("delims_html_for", "<!-- for i in [1, 2] -->[<< i >>]<!--- endfor -->  .", None, [HTML])
row("delims_html_lstrip_trim", "<ul>\n  <!-- for i in [1, 2] -->\n  <li><< i >></li>\n  <!-- endfor -->\n</ul>", None,
    [HTML, "trim_blocks", "lstrip_blocks"])
row("delims_minus_var", "<< 1 - 1 >>|<<- 2 ->>|", None, ["syntax=<% %> <<- ->> <# #>"])
row("line_statement_basic", "# for i in [1, 2]\n[{{ i }}]\n# endfor\n", None, ["line_statement_prefix=#"])
row("line_comment_basic", "a ## a comment\nb\n", None, ["line_comment_prefix=##"])
row("line_statement_and_comment", "# for i in [1, 2] ## loop\n{{ i }}\n# endfor\n## the end\nz", None,
    ["line_statement_prefix=#", "line_comment_prefix=##"])
row("line_statement_indented", "  # if true\n  yes\n  # endif\n", None, ["line_statement_prefix=#"])
row("line_comment_in_tag_line", "{% if true %} ## why\nyes{% endif %}", None, ["line_comment_prefix=##"])


row("fz_keyword_repeated", "{{ dict(name=1, name=2) }}")
row("fz_positional_after_keyword", "{% macro kw(a, b) %}{% endmacro %}{{ kw(b=1, 2) }}")
row("fz_positional_after_keyword_filter", "{{ range(1)|join(x=1, 2) }}")
row("fz_call_block_without_caller", "{% macro nocaller(a) %}{% endmacro %}{% call nocaller(1) %}{% endcall %}")
row("fz_call_block_with_kwargs", "{% macro m(a) %}{{ kwargs|length }}{{ caller() }}{% endmacro %}{% call m(1) %}C{% endcall %}")


row("autoescape_expr_true", "{% autoescape flag %}{{ '<b>' }}|{{ v }}|{{ '<' ~ v }}{% endautoescape %}", {"flag": True, "v": "<i>"})
row("autoescape_expr_false", "{% autoescape flag %}{{ '<b>' }}|{{ v }}|{{ '<' ~ v }}{% endautoescape %}", {"flag": False, "v": "<i>"})
row("autoescape_expr_nested", "{% autoescape a %}{{ v }}{% autoescape b %}{{ v }}{% endautoescape %}{% endautoescape %}",
    {"a": True, "b": False, "v": "<i>"})
row("autoescape_expr_in_env", "{% autoescape flag %}{{ '<b>' }}|{{ v }}{% endautoescape %}", {"flag": False, "v": "<i>"},
    ["autoescape"])
row("autoescape_const_string", "{% autoescape 'yes' %}{{ v }}{% endautoescape %}", {"v": "<i>"})


# ---- 5. scoping: a macro sees the scopes it is defined in ------------------------------------
row("scope_macro_in_for", "{% for i in range(2) %}{% macro m() %}[{{ i }}]{% endmacro %}{{ m() }}{% endfor %}")
row("scope_callblock_in_with", "{% with w = 1 %}{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{{ w }}{% endcall %}{% endwith %}")
row("scope_callblock_in_for", "{% for i in range(2) %}{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{{ i }}{% endcall %}{% endfor %}")
row("scope_macro_in_with", "{% with w = 5 %}{% macro m() %}{{ w }}{% endmacro %}{{ m() }}{% endwith %}")
row("scope_macro_in_macro", "{% macro outer(x) %}{% macro inner() %}<{{ x }}>{% endmacro %}{{ inner() }}{% endmacro %}{{ outer(7) }}")
row("scope_macro_sees_loop_set", "{% for i in range(2) %}{% set j = i * 10 %}{% macro m() %}{{ j }}{% endmacro %}{{ m() }},{% endfor %}")
row("scope_callblock_sees_loop_item", "{% macro row() %}<{{ caller() }}>{% endmacro %}{% for u in users %}{% call row() %}{{ u.name }}"
    "{% endcall %}{% endfor %}", {"users": [{"name": "a"}, {"name": "b"}]})
row("scope_recursive_loop_sees_with", "{% with sep = '/' %}{% for n in tree recursive %}{{ sep }}{{ n.name }}"
    "{% if n.kids %}{{ loop(n.kids) }}{% endif %}{% endfor %}{% endwith %}",
    {"tree": [{"name": "a", "kids": [{"name": "b"}]}, {"name": "c"}]})
row("scope_block_does_not_see_loop", "{% for i in range(2) %}{% block b %}[{{ i }}]{% endblock %}{% endfor %}")
row("scope_block_scoped_sees_loop", "{% for i in range(2) %}{% block b scoped %}[{{ i }}]{% endblock %}{% endfor %}")
row("scope_set_in_block_no_leak", "{% set x = 1 %}{% block b %}{% set x = 2 %}{{ x }}{% endblock %}{{ x }}")
row("scope_include_in_loop", "{% for i in range(3) %}{% include 'i.html' %}{% endfor %}", files={"i.html": "<{{ i }}>"})
row("scope_import_with_context", "{% import 'm.html' as m with context %}{{ m.f() }}", {"g": "G"},
    files={"m.html": "{% macro f() %}{{ g }}{% endmacro %}"})
row("scope_from_import_without_context", "{% from 'm.html' import f %}[{{ f() }}]", {"g": "G"},
    files={"m.html": "{% macro f() %}{{ g }}{% endmacro %}"})

# closures bind by reference, as Python's: a macro, call block or recursive loop reads the
# variables of the scopes it is defined in when it is called, so it sees later assignments
# (and names assigned in the scope only after the definition)
CLOSURES = [
    ("top", "{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}"),
    ("for_set_after", "{% for i in [1, 2] %}{% set x = i %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 10 %}{{ m() }}{% endfor %}"),
    ("for_assigned_after", "{% for i in [1, 2] %}{% macro m() %}{{ x }}{% endmacro %}{% set x = i * 3 %}{{ m() }}{% endfor %}"),
    ("for_called_before", "{% for i in [1, 2] %}{% macro m() %}[{{ x }}]{% endmacro %}{{ m() }}{% set x = i %}{% endfor %}"),
    ("for_outer_until_set", "{% set x = 0 %}{% for i in [1, 2] %}{% macro m() %}{{ x }}{% endmacro %}{{ m() }}{% set x = i %}{{ m() }}{% endfor %}"),
    ("with", "{% with x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}{% endwith %}"),
    ("with_assigned_after", "{% with %}{% macro m9() %}{{ v7 }}{% endmacro %}{% set v7 = 7 %}{{ m9() }}{% endwith %}"),
    ("with_set_twice", "{% with x = 1 %}{% set x = x + 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = x + 1 %}{{ m() }}{% endwith %}"),
    ("with_block_set", "{% with x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x %}blk{% endset %}{{ m() }}{% endwith %}"),
    ("with_unpacking", "{% with x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set a, x = 1, 9 %}{{ m() }}{% endwith %}"),
    ("with_branch_not_taken", "{% with x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% if false %}{% set x = 2 %}{% endif %}{{ m() }}{% endwith %}"),
    ("with_inner_with", "{% with x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{% with %}{% set x = 3 %}{{ m() }}{% endwith %}{% endwith %}"),
    ("with_loop_shadows", "{% with x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% for x in [5] %}{{ m() }}{% endfor %}{{ m() }}{% endwith %}"),
    ("alias", "{% with x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{% set f = m %}{% set x = 3 %}{{ f() }}{% endwith %}"),
    ("namespace", "{% with x = 1 %}{% set ns = namespace(f=none) %}{% macro m() %}{{ x }}{% endmacro %}{% set ns.f = m %}{% set x = 4 %}{{ ns.f() }}{% endwith %}"),
    ("macro_in_macro", "{% macro outer() %}{% set x = 1 %}{% macro inner() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ inner() }}{% endmacro %}{{ outer() }}"),
    ("macro_param", "{% macro outer(x) %}{% macro inner() %}{{ x }}{% endmacro %}{% set x = 5 %}{{ inner() }}{% endmacro %}{{ outer(1) }}"),
    ("macro_assigned_after", "{% macro outer() %}{% macro inner() %}{{ y }}{% endmacro %}{% set y = 5 %}{{ inner() }}{% endmacro %}{{ outer() }}"),
    ("macro_for_in_macro", "{% macro o() %}{% for i in [1, 2] %}{% macro m() %}{{ i }}{{ z }}{% endmacro %}{% set z = i %}{{ m() }}{% endfor %}{% endmacro %}{{ o() }}"),
    ("block", "{% block b %}{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}{% endblock %}"),
    ("block_assigned_after", "{% block b %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}{% endblock %}"),
    ("nested_loops", "{% for i in [1] %}{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% for j in [1] %}{% set x = 5 %}{{ m() }}{% endfor %}{% set x = 3 %}{{ m() }}{% endfor %}"),
    ("callblock_with", "{% macro m() %}[{{ caller() }}]{% endmacro %}{% with x = 1 %}{% call m() %}{{ x }}{% endcall %}{% set x = 2 %}{% call m() %}{{ x }}{% endcall %}{% endwith %}"),
    ("callblock_in_macro", "{% macro outer() %}{% set x = 1 %}{% macro k() %}{{ caller(7) }}{% endmacro %}{% call(a) k() %}{{ x }}{{ a }}{% endcall %}"
     "{% set x = 2 %}{% call(a) k() %}{{ x }}{{ a }}{% endcall %}{% endmacro %}{{ outer() }}"),
    ("caller_sets_own", "{% macro m() %}{% set x = 3 %}[{{ caller() }}]{% endmacro %}{% with x = 1 %}{% call m() %}{{ x }}{% endcall %}{% endwith %}"),
    ("recursive_loop", "{% with %}{% set y = 1 %}{% for a in [1, [2]] recursive %}{% if a is iterable %}{{ loop(a) }}{% else %}{{ a }}{{ y }}"
     "{% endif %}{% endfor %}{% set y = 9 %}{% endwith %}"),
    ("recursive_loop_in_macro", "{% macro o() %}{% set y = 1 %}{% for a in [1, [2]] recursive %}{% if a is iterable %}{{ loop(a) }}"
     "{% else %}{{ a }}{{ y }}{% endif %}{% endfor %}{% set y = 2 %}{% endmacro %}{{ o() }}"),
    # a macro kept from a loop and called after it: Jinja2 has reset the loop's variables to its
    # internal sentinel, which prints as `missing`
    ("after_loop", "{% set fs = [] %}{% for i in [1, 2] %}{% macro g() %}{{ i }}{% endmacro %}{% do fs.append(g) %}{% endfor %}{{ fs[0]() }}"),
    ("after_macro_returned", "{% set fs = [] %}{% macro o() %}{% set x = 1 %}{% macro g() %}{{ x }}{% endmacro %}{% do fs.append(g) %}"
     "{% set x = 2 %}{% endmacro %}{{ o() }}{{ fs[0]() }}"),
]
for name, tpl in CLOSURES:
    row("closure_" + name, tpl)
# `not` only where an operand of and, or, not or a conditional starts
for name, tpl in [("concat", "{{ 1 ~ not 2 }}"), ("eq", "{{ 1 == not 2 }}"), ("neg", "{{ -not 2 }}"), ("mul", "{{ 1 * not 2 }}"),
                  ("in", "{{ 1 in not [] }}"), ("paren", "{{ 1 ~ (not 2) }}|{{ -(not 2) }}"),
                  ("and_or", "{{ 1 and not 2 }}|{{ 0 or not 0 }}|{{ not not 2 }}|{{ [not 2] }}|{{ 1 if not 2 else not 3 }}")]:
    row("not_after_" + name, tpl)
# `is filter` and `is test` look the value up in a dict: a list or dict is unhashable
for name, tpl in [("test_list", "{{ [1] is test }}"), ("filter_dict", "{{ {} is filter }}"),
                  ("names", "{{ 'upper' is filter }}|{{ 'odd' is test }}|{{ 3 is test }}|{{ none is filter }}|{{ (1, 2) is test }}")]:
    row("is_" + name, tpl)
# `extends` only at the top level (an `if` is; a with, set block, filter or autoescape block is not)
BASE = {"base.html": "[{% block b %}base{% endblock %}]"}
for name, tpl in [("filter", "{% filter upper %}{% extends 'base.html' %}{% endfilter %}"),
                  ("with", "{% with %}{% extends 'base.html' %}{% endwith %}"),
                  ("setblock", "{% set x %}{% extends 'base.html' %}{% endset %}"),
                  ("autoescape", "{% autoescape true %}{% extends 'base.html' %}{% endautoescape %}"),
                  ("if", "{% if true %}{% extends 'base.html' %}{% endif %}{% block b %}child{% endblock %}")]:
    row("extends_in_" + name, tpl, files=BASE)
# after `extends`, Jinja2 drops the output of text and {{ }} only: an include, a call block, a
# filter block (its text dropped) and a block not at the top level print before the parent
EXT = {"base.html": "[{% block b %}base{% endblock %}]", "inc.html": "<inc>"}
for name, tpl in [
        ("include", "{% extends 'base.html' %}{% include 'inc.html' %}"),
        ("filter", "{% extends 'base.html' %}{% filter upper %}x{{ 'y' }}{% if true %}z{% endif %}{% endfilter %}"),
        ("filter_nested", "{% extends 'base.html' %}{% filter upper %}{% filter lower %}Q{% endfilter %}{% endfilter %}"),
        ("filter_in_for", "{% extends 'base.html' %}{% for i in [1, 2] %}{% filter upper %}a{% endfilter %}{% endfor %}"),
        ("callblock", "{% macro m() %}M{{ caller() }}{% endmacro %}{% extends 'base.html' %}{% call m() %}c{% endcall %}"),
        ("setblock", "{% extends 'base.html' %}{% set x %}q{% endset %}{% filter upper %}{% include 'inc.html' %}{% endfilter %}{{ x }}"),
        ("recursive", "{% extends 'base.html' %}{% for i in [[1]] recursive %}r{% endfor %}"),
        ("conditional", "{% if flag %}{% else %}{% extends 'base.html' %}{% endif %}{% filter upper %}x{% endfilter %}{% include 'inc.html' %}"),
        ("conditional_not_taken", "{% if true %}{% else %}{% extends 'base.html' %}{% endif %}{% filter upper %}x{% endfilter %}{% include 'inc.html' %}"),
        ("before", "{% filter upper %}x{% endfilter %}{% extends 'base.html' %}"),
        ("callblock_in_filter", "{% extends 'base.html' %}{% filter upper %}{% macro m() %}M{{ caller() }}{% endmacro %}{% call m() %}c{% endcall %}{% endfilter %}"),
        ("block_in_for", "{% extends 'base.html' %}{% for i in [1] %}{% block b %}child{% endblock %}{% endfor %}"),
        ("block_in_with", "{% extends 'base.html' %}{% with %}{% block b %}child{% endblock %}{% endwith %}"),
        ("block_in_if", "{% extends 'base.html' %}{% if true %}{% block b %}child{% endblock %}{% endif %}"),
        ("block_in_filter", "{% extends 'base.html' %}{% filter upper %}x{% block b %}child{% endblock %}{% endfilter %}"),
        ("dynamic_print", "{% extends 'base' ~ '.html' %}{{ (1).nope() }}{{ 'x' }}"),
        ("dynamic_callblock", "{% extends 'base' ~ '.html' %}{% macro m() %}{{ caller() }}]{% endmacro %}{% call m() %} {% endcall %}"),
        ("recursive_in_filter", "{% if flag %}{% else %}{% extends 'base.html' %}{% endif %}{% filter upper %}{% for n in [[1], 2] recursive %}"
         "[{{ n }}{% include 'inc.html' %}{% if n is iterable %}{{ loop(n) }}{% endif %}{% endfor %}{% endfilter %}"),
        ("recursive_include", "{% extends 'base.html' %}{% for n in [[1], 2] recursive %}[{% include 'inc.html' %}"
         "{% if n is iterable %}{{ loop(n) }}{% endif %}{% endfor %}")]:
    row("after_extends_" + name, tpl, {"flag": False}, files=EXT)
# `~` is Jinja2's markup_join where an {% autoescape %} block turns autoescape on, str_join where
# one turns it off (a safe operand keeps the result safe only where it is on)
for name, tpl, opts in [
        ("on", "{% autoescape true %}{{ (html|safe) ~ (html|safe) }}|{{ (html|safe) ~ '<' }}|{{ '<' ~ (html|safe) }}|{{ html ~ '<' }}{% endautoescape %}", []),
        ("off", "{% autoescape false %}{{ (html|safe) ~ '<' }}|{{ html ~ '<' }}{% endautoescape %}|{{ (html|safe) ~ '<' }}", ["autoescape"]),
        ("expr", "{% autoescape flag %}{{ (html|safe) ~ '<' }}{% endautoescape %}", [])]:
    row("concat_autoescape_block_" + name, tpl, {"html": "a & b", "flag": True}, opts)
# Jinja2 folds a `~` of constants when it compiles, into a plain str: under autoescape the safe
# operands are escaped then (not so with a variable, or with a filter that needs the context)
row("concat_folded_constants", "{{ ('<a>'|safe)[0:2] ~ ('<i>'|safe)[1] }}|{{ ('<a>'|safe) ~ 'b' }}|{{ (h|safe) ~ 'b' }}|"
    "{{ ('<a>'|safe) ~ ('<b>'|safe if true else 'x') }}|{{ ('<a>'|safe) ~ ['<b>']|map('safe')|first }}|{{ ('<a>'|safe) ~ ('<b>'|safe|upper) }}",
    {"h": "<h>"}, ["autoescape"])
row("concat_folded_constants_block", "{% autoescape true %}{{ ('<a>'|safe)[0:2] ~ ('<i>'|safe)[1] }}{% endautoescape %}")
# a name the top level (or a block) assigns before anything in it reads it is undefined until
# assigned, in the loops, filter blocks and macros of that frame too: not the context's value
MISSING = [
    ("filter", "{% filter upper %}[{{ s }}]{% endfilter %}{% set s = 'b' %}{{ s }}"),
    ("for", "{% for i in [1] %}[{{ s }}]{% endfor %}{% set s = 1 %}"),
    ("macro", "{% macro m() %}[{{ s }}]{% endmacro %}{{ m() }}{% set s = 1 %}{{ m() }}"),
    ("unpacking", "{% for i in [1] %}[{{ s }}]{% endfor %}{% set s, t = 1, 2 %}"),
    ("setblock", "{% for i in [1] %}[{{ s }}]{% endfor %}{% set s %}x{% endset %}"),
    ("macro_name", "{% for i in [1] %}[{{ s is defined }}]{% endfor %}{% macro s() %}{% endmacro %}"),
    ("read_first", "{{ s }}{% for i in [1] %}[{{ s }}]{% endfor %}{% set s = 1 %}"),
    ("in_branch", "{% for i in [1] %}[{{ s }}]{% endfor %}{% if true %}{% set s = 1 %}{% endif %}"),
    ("branch_then_read", "{% if false %}{% set s = 1 %}{% endif %}[{{ s }}]"),
    ("self_read", "{% set s = s ~ 'x' %}[{{ s }}]"),
    ("loop_sets_too", "{% for i in [1] %}[{{ s }}]{% set s = 2 %}[{{ s }}]{% endfor %}{% set s = 1 %}"),
    ("with", "{% with %}[{{ s }}]{% endwith %}{% set s = 1 %}"),
    ("block", "{% block b %}{% for i in [1] %}[{{ s }}]{% endfor %}{% set s = 1 %}[{{ s }}]{% endblock %}"),
    ("defined", "{% for i in [1] %}{{ s is defined }}{{ s|default('d') }}{% endfor %}{% set s = 1 %}"),
]
for name, tpl in MISSING:
    row("missing_until_set_" + name, tpl, {"s": "a"})
row("missing_until_set_strict", "{% for i in [1] %}[{{ s }}]{% endfor %}{% set s = 1 %}", {"s": "a"}, ["undefined=strict"])
row("missing_until_set_debug", "{% for i in [1] %}[{{ s }}]{% endfor %}{% set s = 1 %}", {"s": "a"}, ["undefined=debug"])
# an include sees the variables of the scopes open where it stands, not those of a loop, with or
# set block that has ended
row("scope_include_after_scopes", "{% for i in [1] %}{% set q = 1 %}{% endfor %}{% with w = 1 %}{% set v1 = 2 %}{% endwith %}"
    "{% set x %}{% set v2 = 2 %}{% endset %}{% include 'inc.html' %}",
    files={"inc.html": "{{ i is defined }}{{ q is defined }}{{ w is defined }}{{ v1 is defined }}{{ v2 is defined }}{{ x }}"})
# a macro imported with context sees the importer's variables set before the import
row("scope_import_with_context_sees_set", "{% set v1 = 1 %}{% import 'm.html' as m with context %}{{ m.f() }}",
    files={"m.html": "{% macro f() %}{{ v1 is defined }}{{ v1 }}{% endmacro %}"})
row("scope_from_import_with_context_sees_set", "{% set v1 = 1 %}{% from 'm.html' import f with context %}{{ f() }}",
    files={"m.html": "{% macro f() %}{{ v1 is defined }}{{ v1 }}{% endmacro %}"})

TREE = {"tree": [{"name": "r0", "children": [{"name": "c00", "children": []}]}, {"name": "r1", "children": []}]}
row("call_loop_alias", "{% for node in tree recursive %}{% set parent = loop %}<{{ node.name }}:{{ parent.depth }}"
    "{{ parent(node.children) }}>{% endfor %}", TREE)
row("call_loop_alias_index", "{% for node in tree recursive %}{% set l = loop %}{{ l.index }}/{{ l.length }}"
    "{% if node.children %}[{{ l(node.children) }}]{% endif %}{% endfor %}", TREE)


row("call_macro_attributes", "{% macro mm(a, b=1) %}{{ varargs }}{{ caller }}{% endmacro %}{{ mm.name }}|{{ mm.arguments }}|"
    "{{ mm.catch_kwargs }}|{{ mm.catch_varargs }}|{{ mm.caller }}|{{ mm.nope }}")
row("call_macro_attributes_kwargs", "{% macro k() %}{{ kwargs }}{% endmacro %}{{ k.arguments }}|{{ k.catch_kwargs }}")


# a float literal whose exponent has more digits than an int holds (the fuzzer found the
# overflow in the fast strtod path)
row("float_literal_long_exponent", "{{ 12345678901231e308456789012345678901234567890 }}|{{ 1e-308456789012345678901 }}|{{ 1e0400 }}")


# ---- pyobjects (tests/difffuzz/KNOWN.md): Python objects as Jinja2 prints and combines them -----
MARKUP = [
    ("repr", "{{ [1|string|e] }}|{{ ('a & b'|forceescape).split() }}|{{ ['a'|safe, 'b'] }}|{{ {'k'|safe: \"it's\"|safe} }}|"
     "{{ ('a'|safe, 1) }}|{{ ['a'|safe]|string }}|{{ [('ab'|safe)[0], ('ab'|safe)[1:]] }}"),
    ("plus", "{{ 'a<' + ('b'|safe) }}|{{ ('<a'|safe) + '<' }}|{{ [('a'|safe) + '<', '<' + ('a'|safe)] }}"),
    ("times", "{{ [('a'|safe) * 2, 2 * ('<'|safe), 'a' * 2] }}"),
    ("filters", "{{ ['a'|safe|upper, 'a'|safe|trim, 'a'|safe|replace('a', 'b'), 'a'|replace('a', 'b'|safe), "
     "'a'|safe|capitalize, 'a'|safe|title, ['a'|safe]|join, [1]|join('|'|safe)] }}"),
]
RANGE = [
    ("repr", "{{ range(3) }}|{{ range(1, 10, 2) }}|{{ range(0) }}|{{ range(5, 2) }}|{{ range(0, 5, 10) }}|{{ range(10, 0, -3) }}|"
     "{{ [range(2)] }}|{{ (range(3), 1) }}|{{ {'a': range(2)} }}|{{ range(3)|string }}|{{ range(3)|pprint }}|{{ range(2) ~ 'x' }}"),
    ("slice", "{{ range(10)[2:5] }}|{{ range(1, 10, 2)[1:] }}|{{ range(10)[::-1] }}|{{ range(10)[5:2] }}|{{ range(10)[::3] }}|"
     "{{ range(10)[-3:] }}|{{ range(-5, 5, 3)[1:][::2] }}|{{ range(3)[:] }}|{{ range(3)[5:] }}|{{ range(1, 9, 2)[1:].stop }}"),
    ("sequence", "{{ range(3)[1] }}|{{ range(3)[-1] }}|{{ range(3)|length }}|{{ 2 in range(3) }}|{{ range(3)|list }}|"
     "{{ range(3)|join(',') }}|{{ range(3)|first }}|{{ range(3)|last }}|{{ range(3)|sum }}|{{ range(3).index(1) }}|"
     "{{ range(1, 9, 2).start }}{{ range(1, 9, 2).stop }}{{ range(1, 9, 2).step }}|{{ range(0) or 'e' }}|{{ range(3) is sequence }}|"
     "{% for i in range(3) %}{{ loop.index }}{{ i }}{% endfor %}|{{ range(3)|batch(2)|list }}|{{ range(3)|slice(2)|list }}|"
     "{{ range(3)|sort(reverse=true) }}|{{ range(3)|reverse|list }}|{{ range(3)|map('string')|list }}"),
    ("equality", "{{ range(3) == [0, 1, 2] }}|{{ range(3) == range(3) }}|{{ range(0) == range(5, 2) }}|{{ range(2) in [range(2)] }}|"
     "{{ [0, 1] in [range(2)] }}|{% set acc = [] %}{% do acc.append(range(1, 3)) %}{{ acc }}"),
    ("err_add", "{{ range(3) + [1] }}"),
    ("err_add_ranges", "{{ range(3) + range(1) }}"),
    ("err_times", "{{ range(3) * 2 }}"),
    ("err_order", "{{ range(3) < range(4) }}"),
    ("err_tojson", "{{ range(3)|tojson }}"),
    ("err_append", "{% set r = range(3) %}{% do r.append(1) %}"),
]
for name, template in RANGE:
    row("range_" + name, template)
# integers beyond int64 in the context: read exactly (src/json.c, big_rewrite), next to strings
# of digits, strings that begin with NUL, exponents, floats, negative numbers and nesting
BIG_CONTEXT = {"id": 123456789012345678901234567890, "neg": -9223372036854775809, "edge": 9223372036854775807,
               "nedge": -9223372036854775808, "e": 1e30, "f": 12345678901234567890123.5, "s": "12345678901234567890123",
               "z": "\u0000x", "zz": "\u0000\u0000", "zb": "\u000012345678901234567890123",
               "k": [99999999999999999999, {"n": [-100000000000000000000, 18446744073709551616]}],
               "q": "a\"123456789012345678901234\"", "12345678901234567890123": 1}
row("bigint_context", "{{ id }}|{{ id + 1 }}|{{ neg }}|{{ edge }}|{{ nedge }}|{{ e }}|{{ f }}|{{ s }}|{{ s|length }}|"
    "{{ z|length }}{{ z[1] }}|{{ zz|length }}|{{ zb|length }}{{ zb[1:] }}|{{ k }}|{{ k[1].n[1] // 2 }}|{{ q }}|"
    "{{ id is integer }}|{{ k|tojson }}|{{ {'a': id}|tojson }}", BIG_CONTEXT)
row("bigint_context_top_level_list", "{{ l }}|{{ l|sum }}", {"l": [2 ** 64, -(2 ** 64), 2 ** 63, -(2 ** 63) - 1, 0]})
# |reverse of a list is Python's reversed(): an iterator, used up by one pass
REVERSE = [
    ("iterate_once", "{% set r = [1, 2]|reverse %}{{ r|list }}{{ r|list }}|{% set r = [1, 2]|reverse %}"
     "{% for x in r %}{{ x }}{% endfor %}|{% for x in r %}{{ x }}{% endfor %}|{{ [1, 2]|reverse|join(',') }}|"
     "{{ [1, 2]|reverse|first }}|{{ ([]|reverse) is true }}|{{ 'x' if []|reverse else 'y' }}|{{ ([1, 2]|reverse)[0] }}|"
     "{{ {'a': 1, 'b': 2}|reverse|list }}{{ (1, 2)|reverse|list }}{{ range(3)|reverse|list }}{{ 'abc'|reverse }}|"
     "{{ [3, 1]|reverse|sort }}{{ [1, 2]|reverse|map('string')|list }}{{ [1, 2]|reverse|sum }}{{ 2 in [1, 2]|reverse }}"),
    ("identity", "{% set r = [1]|reverse %}{{ r == r }}{{ r == [1] }}{{ ([1]|reverse) == ([1]|reverse) }}{{ r != [1] }}|"
     "{{ [1, 2]|reverse is iterable }}{{ [1, 2]|reverse is sequence }}{{ r is sameas r }}"),
    ("err_times", "{{ [1, 2]|reverse * 2 }}"),
    ("err_plus", "{{ [1, 2]|reverse + [1] }}"),
    ("err_length", "{{ [1, 2]|reverse|length }}"),
    ("err_tojson", "{{ [1, 2]|reverse|tojson }}"),
]
for name, template in REVERSE:
    row("reverse_" + name, template)
# a filter block's result is written as the filters return it: a str is not escaped again
row("filterblock_str_not_escaped", "{% filter title %}{{ '<a' }}{% endfilter %}|{% filter title|lower %}{{ ['a'] }}{% endfilter %}|"
    "{% filter striptags %}<b>{{ '<' }}</b>{% endfilter %}|{% filter upper %}{{ '<' }}{% endfilter %}|{% filter e %}<{% endfilter %}",
    options=["autoescape"])
for name, template in MARKUP:
    row("markup_" + name, template)
    row("markup_" + name + "_autoescape", template, options=["autoescape"])


def jinja2_result(template, context, options, files):
    extra = {}
    for o in options:
        if o.startswith("syntax="):
            d = o[7:].split()
            extra.update(block_start_string=d[0], block_end_string=d[1], variable_start_string=d[2],
                         variable_end_string=d[3], comment_start_string=d[4], comment_end_string=d[5])
        elif o.startswith("line_statement_prefix="):
            extra["line_statement_prefix"] = o.split("=", 1)[1]
        elif o.startswith("line_comment_prefix="):
            extra["line_comment_prefix"] = o.split("=", 1)[1]
    env = jinja2.Environment(
        **extra,
        loader=jinja2.DictLoader(files),
        undefined=next((c for o, c in UNDEFINED.items() if o in options), jinja2.Undefined),
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        trim_blocks="trim_blocks" in options,
        lstrip_blocks="lstrip_blocks" in options,
        keep_trailing_newline="keep_trailing_newline" in options,
        autoescape="autoescape" in options,
    )
    try:  # a copy: Jinja2 mutates the context's objects, and rows share them
        return True, env.from_string(template).render(**copy.deepcopy(context or {}))
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def case_text(template, context, options, files, kind, text):
    parts = ["--- template", template]
    if context is not None:
        parts += ["--- context", json.dumps(context, ensure_ascii=False)]
    if options:
        parts += ["--- options"] + options
    for name, src in files.items():
        parts += ["--- file " + name, src]
    parts += ["--- " + kind, text]
    return "\n".join(parts) + "\n"


def main():
    os.makedirs(GROUP, exist_ok=True)
    problems = 0
    for name, template, context, options, files in ROWS:
        ok, result = jinja2_result(template, context, options, files)
        path = os.path.join(GROUP, name + ".test")
        if ok:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(case_text(template, context, options, files, "output", result))
            continue
        # Jinja2 refused: the case expects jinn's diagnostic, which jinn must give
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(case_text(template, context, options, files, "error", "PLACEHOLDER"))
        subprocess.run([JINN, "test", "--update", path], capture_output=True, text=True)
        with open(path, encoding="utf-8") as f:
            body = f.read()
        if "--- error\nPLACEHOLDER" in body or "--- error\n" not in body:
            problems += 1
            print(f"DIVERGES {name}: Jinja2 raises {result!r}; jinn renders it")
            os.remove(path)
    print(f"{len(ROWS)} cases, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
