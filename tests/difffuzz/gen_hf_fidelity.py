#!/usr/bin/env python3
"""gen_hf_fidelity.py — golden cases (tests/golden/hf_fidelity) for what the fidelity pass found
outside the fuzzer's reach: how Python binds the arguments of dict, list and str methods
(keywords refused, list.sort's keyword-only ones, each kind of arity error in its own words),
their int arguments (none, big ints, other types), and the words of the operators' type errors.

Every expectation is Jinja2's: an output it renders, or, for a case it fails, an error whose
message must be Python's own (the diagnostic around it is jinn's: `jinn test --update` writes
it, and this script checks that its message is the one Jinja2 raised). A case of `JINJAVA`
keeps the jinjava profile's binding as it was (written by hand: Jinja2 is no oracle there).

    python3 tests/difffuzz/gen_hf_fidelity.py        # (re)writes the folder, then checks it
"""
import os
import subprocess
import sys

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "golden", "hf_fidelity")
JINN = os.path.join(ROOT, "bin", "jinn")

D = "{% set d = {'a': 1, 'b': 2} %}"
L = "{% set l = [3, 1, 2] %}"
S = "{% set s = 'a,b,a' %}"

# name: template; each renders in Jinja2 or fails there (then jinn must fail with its message)
CASES = {
    # keywords Python refuses: every parameter before `/`
    "kw_dict_get": D + "{{ d.get('a', default=2) }}",
    "kw_dict_get_key": D + "{{ d.get(key='a') }}",
    "kw_dict_pop": D + "{{ d.pop('a', default=3) }}",
    "kw_dict_setdefault": D + "{{ d.setdefault('c', default=3) }}{{ d }}",
    "kw_dict_copy": D + "{{ d.copy(x=1) }}",
    "kw_list_append": L + "{% do l.append(item=4) %}{{ l }}",
    "kw_list_index": L + "{{ l.index(1, start=0) }}",
    "kw_list_insert": L + "{% do l.insert(0, item=9) %}{{ l }}",
    "kw_list_pop": L + "{{ l.pop(index=0) }}",
    "kw_list_count": L + "{{ l.count(item=1) }}",
    "kw_list_remove": L + "{% do l.remove(item=1) %}",
    "kw_list_extend": L + "{% do l.extend(iterable=[5]) %}",
    "kw_str_strip": S + "{{ s.strip(chars='a') }}",
    "kw_str_replace": S + "{{ s.replace('a', 'z', count=1) }}",
    "kw_str_join": S + "{{ s.join(iterable=['x', 'y']) }}",
    "kw_str_upper": S + "{{ s.upper(x=1) }}",
    "kw_str_count": S + "{{ s.count('a', start=1) }}",
    "kw_str_find": S + "{{ s.find(sub='b') }}",
    "kw_str_startswith": S + "{{ s.startswith('a', end=0) }}",
    # keywords Python takes: update's **kwargs (its mapping is positional-only), split's, sort's
    "kw_update_mapping_is_a_key": D + "{% do d.update(mapping={'c': 3}) %}{{ d }}",
    "kw_update_both": D + "{% do d.update({'c': 3}, mapping=1, b=5) %}{{ d }}{% do d.update(a=0) %}{{ d }}",
    "kw_split": S + "{{ s.split(sep=',') }}{{ s.split(',', maxsplit=1) }}{{ s.split(maxsplit=0) }}{{ 'a b  c'.split(maxsplit=1) }}",
    "kw_split_twice": S + "{{ s.split(',', sep=',') }}",
    "kw_split_unknown": S + "{{ s.split(x=1) }}",
    "kw_split_too_many": S + "{{ s.split(',', 1, x=1) }}",
    "kw_sort": L + "{% do l.sort(reverse=true) %}{{ l }}{% do l.sort(key=none) %}{{ l }}{% do l.sort(reverse=false, key=none) %}{{ l }}{% do l.sort(reverse=1) %}{{ l }}",
    "kw_sort_positional": L + "{% do l.sort(none) %}",
    "kw_sort_positional_and_keyword": L + "{% do l.sort(none, reverse=true) %}",
    "kw_sort_too_many": L + "{% do l.sort(none, true, 1) %}",
    "kw_sort_unknown": L + "{% do l.sort(x=1) %}",
    "kw_format_takes_all": "{{ '{} {x}'.format(1, x=2) }}{{ '{0}'.format(1, 2, y=3) }}",
    # arity, in each kind's words: Argument Clinic, METH_NOARGS, METH_O, the older parser
    "arity_get_none": D + "{{ d.get() }}",
    "arity_get_three": D + "{{ d.get(1, 2, 3) }}",
    "arity_update_two": D + "{% do d.update({}, {}) %}",
    "arity_copy": D + "{{ d.copy(1) }}",
    "arity_keys": D + "{{ d.keys(1, 2) }}",
    "arity_append_none": L + "{% do l.append() %}",
    "arity_append_two": L + "{% do l.append(1, 2) %}",
    "arity_insert_one": L + "{% do l.insert(1) %}",
    "arity_insert_three": L + "{% do l.insert(1, 2, 3) %}",
    "arity_pop_two": L + "{{ l.pop(1, 2) }}",
    "arity_index_four": L + "{{ l.index(1, 0, 3, 4) }}",
    "arity_clear": L + "{% do l.clear(1) %}",
    "arity_upper": S + "{{ s.upper(1) }}",
    "arity_strip": S + "{{ s.strip('a', 'b') }}",
    "arity_replace_one": S + "{{ s.replace('a') }}",
    "arity_join_none": S + "{{ s.join() }}",
    "arity_count_none": S + "{{ s.count() }}",
    "arity_count_four": S + "{{ s.count('a', 0, 1, 2) }}",
    "arity_endswith_none": S + "{{ s.endswith() }}",
    "arity_split_three": S + "{{ s.split(',', 1, 1) }}",
    "arity_tuple_count": "{{ (1, 2).count() }}",
    "arity_tuple_index": "{{ (1, 2).index() }}",
    "arity_fits": D + L + S + "{{ d.get('z') }}{{ d.get('z', 0) }}{{ d.pop('z', 1) }}{{ l.pop() }}{{ l.index(1, 0) }}{{ l.index(1, 0, 5) }}{{ s.count('a', 1) }}{{ s.strip() }}{{ s.split() }}{{ s.replace('a', 'b', 1) }}{{ d.copy() }}{{ d.items()|list }}",
    # a tuple or a range has count and index, and no copy
    "tuple_copy": "{{ (1, 2).copy() }}",
    "range_copy": "{{ range(3).copy() }}",
    "tuple_range_count_index": "{{ (1, 2, 1).count(1) }}{{ (1, 2).index(2) }}{{ range(5).count(3) }}{{ range(5).index(4) }}{{ [1, 2].copy() }}",
    # int arguments: none, big ints, other types
    "int_pop_none": L + "{{ l.pop(none) }}",
    "int_insert_none": L + "{% do l.insert(none, 9) %}",
    "int_index_none": L + "{{ l.index(1, none) }}",
    "int_index_str": L + "{{ l.index(1, 'x') }}",
    "int_pop_float": L + "{{ l.pop(1.5) }}",
    "int_pop_big": L + "{{ l.pop(2**70) }}",
    "int_replace_none": S + "{{ s.replace('a', 'z', none) }}",
    "int_split_none": S + "{{ s.split(',', none) }}",
    "int_split_keyword_none": S + "{{ s.split(maxsplit=none) }}",
    "int_split_str": S + "{{ s.split(maxsplit=',') }}",
    "int_count_str": S + "{{ s.count('a', 'x') }}",
    "int_big_slice_bounds": L + S + "{{ l.index(1, 0, 2**70) }}{{ l.index(1, -(2**70)) }}{{ s.count('a', 2**70) }}{{ s.count('a', -(2**70)) }}{{ s.find('b', 0, 2**70) }}{{ s.startswith('a', -(2**70)) }}{{ s.endswith('a', 0, -(2**70)) }}{{ s.find('b', none, none) }}{{ s.startswith('b', none, 3) }}{{ l.pop(true) }}{{ l }}",
    "int_sort_reverse_none": L + "{% do l.sort(reverse=none) %}",
    "int_sort_reverse_str": L + "{% do l.sort(reverse='x') %}",
    "int_sort_reverse_float": L + "{% do l.sort(reverse=1.5) %}",
    "int_sort_reverse_big": L + "{% do l.sort(reverse=2**40) %}",
    "int_sort_reverse_ints": L + "{% do l.sort(reverse=2) %}{{ l }}{% do l.sort(reverse=0) %}{{ l }}{% do l.sort(reverse=-1) %}{{ l }}",
    # str arguments
    "str_split_sep_float": S + "{{ s.split(1.5) }}",
    "str_split_sep_int": S + "{{ s.split(0) }}",
    "str_count_int": S + "{{ s.count(1) }}",
    "str_find_none": S + "{{ s.find(none) }}",
    # dict.update and dict() of a str: an iterable of one-character strings
    "update_empty_str": D + "{% do d.update('') %}{{ d }}{{ dict('') }}{% do d.update(['xy', 'zw']) %}{{ d }}",
    "update_str": D + "{% do d.update('ab') %}",
    "dict_str": "{{ dict('a') }}",
    # the operators' type errors
    "op_list_plus_tuple": "{{ [1] + (2,) }}",
    "op_tuple_plus_list": "{{ (1,) + [2] }}",
    "op_str_plus_int": "{{ 'a' + 1 }}",
    "op_list_plus_str": "{{ [1] + 'a' }}",
    "op_list_plus_range": "{{ [1] + range(2) }}",
    "op_list_plus_markup": "{{ [1] + ('a'|safe) }}",
    "op_markup_plus_int": "{{ ('a'|safe) + 1 }}",
    "op_range_plus_list": "{{ range(2) + [1] }}",
    "op_int_plus_str": "{{ 1 + 'a' }}",
    "op_list_times_str": "{{ [1] * 'a' }}",
    "op_float_times_str": "{{ 1.5 * 'a' }}",
    "op_dict_times_tuple": "{{ {'a': 1} * (1,) }}",
    "op_range_times_str": "{{ range(2) * 'a' }}",
    "op_markup_times_float": "{{ ('a'|safe) * 1.5 }}",
    "op_list_times_markup": "{{ [1] * ('a'|safe) }}",
    "op_range_times_big": "{{ range(2) * 2**70 }}",
    "op_dict_times_int": "{{ {'a': 1} * 2 }}",
    "op_pow_str": "{{ 2 ** 'a' }}",
    "op_markup_minus": "{{ ('a'|safe) - 1 }}",
    "op_int_floordiv_markup": "{{ 1 // ('a'|safe) }}",
    "op_seq_ok": "{{ [1] + [2] }}{{ (1,) + (2,) }}{{ 'a' + 'b' }}{{ ('<'|safe) + '<' }}{{ [0] * 2 }}{{ 2 * (1,) }}{{ 'ab' * 2 }}{{ ('<'|safe) * 2 }}{{ [1] * true }}",
    # `%` with a list or a range: a mapping to Python's %-format
    "mod_list_no_conversion": "{{ 'a' % [1] }}|{{ 'a%%' % [1] }}|{{ 'x' % range(2) }}|{{ ('<b>'|safe) % [1] }}|{{ '%s' % [1] }}|{{ '%s' % range(2) }}",
    "mod_list_two_conversions": "{{ '%s %s' % [1] }}",
    "mod_list_key": "{{ '%(a)s' % [1] }}",
    "mod_tuple_unused": "{{ 'a' % (1,) }}",
    "mod_iterator_unused": "{{ 'a' % ([1]|reverse) }}",
    "mod_str_unused": "{{ 'a' % 'b' }}",
    # `in` a dict: a range or an iterator is hashable, and no key
    "in_dict_range": "{{ range(2) in {'a': 1} }}{{ ([1]|reverse) in {'a': 1} }}{{ range(2) not in {} }}",
    # `%` with an Undefined: a mapping too
    "mod_undefined": "{{ 'a' % nope }}|{{ 'a%%' % nope }}|{{ '%s' % nope }}|{{ 'x' % nope.y }}",
    "mod_undefined_chainable": ("{{ 'a' % nope.x.y }}|{{ '%s' % nope }}", ["undefined=chainable"]),
    "mod_undefined_strict": ("{{ 'a' % nope }}", ["undefined=strict"]),
    # a range or an iterator as a key looked up: hashable in Python, and no key
    "dict_get_pop_range": D + "{{ d.get(range(2)) }}{{ d.get([1]|reverse, 3) }}{{ d.pop(range(2), 'p') }}{{ range(2) is filter }}{{ range(2) is test }}{{ {(0, 1): 1}.get(range(2)) }}",
    "dict_pop_range_missing": D + "{{ d.pop(range(2)) }}",
    # CPython's dict.pop answers an empty dict before it hashes the key
    "dict_pop_empty_unhashable": "{% set e = {} %}{{ e.pop([1], 0) }}{{ e.pop({}, none) }}",
    "dict_pop_unhashable": D + "{{ d.pop([1], 0) }}",
    # a function or a namespace hashes in Python (by identity), and is no key
    "key_function_namespace": "{% set n = namespace() %}{{ {'a': 1}.get(range) }}{{ {'a': 1}.pop(n, 2) }}{{ range in {'a': 1} }}{{ n in {} }}{{ lipsum is filter }}{{ n is test }}{{ dict is in {'b': 1} }}{{ cycler(1) is filter }}",
    # a cycler is no callable (a joiner is)
    "callable_cycler": "{{ cycler(1) is callable }}{{ joiner() is callable }}{{ range is callable }}{{ nope is callable }}{{ 'a'.upper is callable }}",
    # |slice of a tuple: lists
    "slice_of_tuple": "{{ (1, 2, 3)|slice(2)|list }}{{ (1, 2, 3)|slice(2, 0)|list }}{{ ((1, 2, 3)|slice(2)|first) + [4] }}{{ range(3)|slice(2)|list }}",
    # %a and !a: ascii(), the repr with non-ASCII code points escaped
    "format_ascii": "{{ '{!a}'.format('\u00e9\u200b\U0001f600') }}|{{ '{0!a:>12}'.format('\u00e9') }}|{{ '%a' % ([('\u00e9'|safe)],) }}|{{ '%a|%-8a|%.3a' % ({'\u00e9': 1}, '\u00fc', 'xyz') }}|{{ '%a' % (1.5,) }}|{{ 'x%ay'|format('\u00e9') }}",
    # str.format's spec: the '0' flag is a '0' fill with any alignment (and '=' for a number
    # only), the zeros of '=' grouped too, '_' every 4 digits of x X o b, '#' keeps a float's
    # point, and CPython's refusals
    "format_spec_zero_fill": "{{ '[{:05}]'.format('ab') }}{{ '[{:<05}]'.format(3) }}{{ '[{:^08}]'.format(1.5) }}{{ '[{!r:>012}]'.format(-0.0) }}{{ '[{:<012F}]'.format(0.5) }}{{ '[{:x<05}]'.format('ab') }}{{ '[{:05}]'.format(-3) }}",
    "format_spec_grouped_zeros": "{{ '[{:0=12,}]'.format(1234) }}{{ '[{:012,}]'.format(1234) }}{{ '[{:*=12,}]'.format(1234) }}{{ '[{:0>12,}]'.format(1234) }}{{ '[{:0=-12,f}]'.format(3) }}{{ '[{:012,.0e}]'.format(1e16) }}{{ '[{:^012,d}]'.format(1) }}{{ '[{:=+012_.0e}]'.format(true) }}",
    "format_spec_underscore_hex": "{{ '[{:012_x}]'.format(1234) }}{{ '[{:>#12_X}]'.format(123456789) }}{{ '[{:_b}]'.format(255) }}{{ '[{:_o}]'.format(4095) }}{{ '[{:*<#0_X}]'.format(-(2**70)) }}{{ '[{:_}]'.format(1234567) }}{{ '[{:,.2f}]'.format(1234567.891) }}",
    "format_spec_alt_float": "{{ '[{:#}]'.format(1e100) }}{{ '[{:#}]'.format(1.0) }}{{ '[{:#}]'.format(1e16) }}{{ '[{:#}]'.format(1e-7) }}{{ '[{:0=+#,}]'.format(1e100) }}",
    "format_spec_group_str": "{{ '{:,}'.format('ab') }}",
    "format_spec_group_x": "{{ '{:,x}'.format(10) }}",
    "format_spec_group_n": "{{ '{:_n}'.format(10) }}",
    "format_spec_group_c": "{{ '{:,c}'.format(65) }}",
    "format_spec_sign_c": "{{ '{:+c}'.format(65) }}",
    "format_spec_alt_c": "{{ '{:#c}'.format(65) }}",
    "format_spec_alt_str": "{{ '{:#}'.format('ab') }}",
    "format_spec_sign_str": "{{ '{:+#}'.format('ab') }}",
    "format_spec_eq_str": "{{ '{:=5}'.format('ab') }}",
    # Markup.replace (MarkupSafe 3): the new text escaped (any type), the old one as it is
    "markup_replace": "{% set m = 'a&b'|e %}{{ m.replace('&', 'x') }}|{{ m.replace('&amp;', '<') }}|{{ m.replace('b', 1) }}|{{ m.replace('a', none) }}|{{ m.replace('b', '<'|safe) }}|{{ ('a<b'|safe).replace('<', '>') }}|{{ ('a<b'|safe)|replace('<', '>') }}|{{ ('a&amp;b'|safe)|replace('&', '<') }}",
    # Markup.join escapes every item, of any type (str.join takes only strings)
    "markup_join_any": "{{ ('<a>'|safe).join(range(2)) }}|{{ ('-'|safe).join([none, [1, '<'], 1.5, true, 'x'|safe, {'a': '&'}]) }}|{{ ('-'|safe).join([nope, 2**70]) }}",
    "str_join_int": "{{ '-'.join(['a', 1]) }}",
    "markup_replace_old_not_str": "{{ ('a'|safe).replace(1, 'x') }}",
    "replace_filter_autoescape": ("{{ ('a<b'|safe)|replace('<', '>') }}{{ ('a&amp;b'|safe)|replace('&', '<') }}{{ 'a<b'|replace('<', '>'|safe) }}{{ 'a<b'|replace('<'|safe, '>') }}{{ 'a<b'|replace('<', '>') }}{{ ('<i>'|safe)|replace('i', '<b>'|safe) }}", ["autoescape"]),
    # range.index takes no bounds (a tuple's does)
    "range_index_bounds": "{{ range(4).index(1, 0) }}",
    "range_tuple_index": "{{ range(4).index(3) }}{{ (1, 2).index(2, 1) }}{{ (1, 2, 1).index(1, 1, 3) }}{{ range(4).count(2) }}",
    # tojson: no Undefined, no tuple as a key (Python's json)
    "tojson_undefined_item": "{{ [1, nope]|tojson }}",
    "tojson_undefined_value": "{{ {'a': 1, 'b': nope}|tojson }}",
    "tojson_undefined_chainable": ("{{ [nope.x]|tojson }}", ["undefined=chainable"]),
    "tojson_undefined_inline_if": ("{{ (1 if false)|tojson }}", ["undefined=chainable"]),
    "tojson_tuple_key": "{{ {(1, 2): 1}|tojson }}",
    "tojson_keys_ok": "{{ {'b': (1, 2), 'a': [none, true, {'c': {}}]}|tojson }}{{ {1: 'x', 2: none}|tojson }}{{ {none: 1}|tojson }}{{ {'k': [1, 2]}|dictsort|tojson }}",
    # an iterator is not reversible: |last fails, |reverse gives list(value) reversed, a list
    "last_of_iterator": "{{ ([1, 2]|reverse)|last }}",
    "reverse_of_iterator": "{% set it = [1, 2, 3]|reverse %}{{ it|reverse }}{{ it|list }}{% set it2 = [4, 5]|reverse %}{{ (it2|reverse)[0] }}{{ it2|list }}{{ [6, 7]|reverse|reverse|reverse|list }}{{ range(3)|reverse|last if false else range(3)|last }}",
}

# cases whose message is not Python's (both engines fail): `%(key)s` with a list is the format
# filter's "format requires a mapping", Python indexes the list with the key
OTHER_MESSAGE = {"mod_list_key"}

# the jinjava profile keeps the binding it had (keywords by name, positional in order)
JINJAVA = {
    "jinjava_method_keywords": (L + D + "{% do l.sort(reverse=true) %}{{ l }}{% do l.sort(none, false) %}{{ l }}{{ d.get('z', default=2) }}{{ 'a,b'.split(sep=',') }}",
                                "[3, 2, 1][1, 2, 3]2[a, b]"),
}


UNDEFINED = {"undefined=chainable": jinja2.ChainableUndefined, "undefined=strict": jinja2.StrictUndefined}


def jinja2_result(src, options):
    und = [UNDEFINED[o] for o in options if o in UNDEFINED]
    env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
                             undefined=und[0] if und else jinja2.Undefined, autoescape="autoescape" in options)
    try:
        return env.from_string(src).render(), None
    except Exception as e:  # the case fails in Jinja2
        return None, str(e)


def write(name, body):
    with open(os.path.join(OUT, name + ".test"), "w", encoding="utf-8", newline="") as f:
        f.write(body)


def main():
    os.makedirs(OUT, exist_ok=True)
    errors = {}
    for name, case in CASES.items():
        src, options = case if isinstance(case, tuple) else (case, [])
        out, err = jinja2_result(src, options)
        head = "--- template\n%s\n" % src + "".join("--- options\n%s\n" % o for o in options)
        if err is None:
            write(name, head + "--- output\n%s\n" % out)
        else:
            errors[name] = err
            write(name, head + "--- error\nPLACEHOLDER\n")
    for name, (src, out) in JINJAVA.items():
        write(name, "--- template\n%s\n--- options\nprofile=jinjava\n--- output\n%s\n" % (src, out))
    paths = [os.path.join(OUT, n + ".test") for n in errors]
    if paths:
        subprocess.run([JINN, "test", "--update"] + paths, stdout=subprocess.DEVNULL, check=False)
    bad = 0
    for name, err in errors.items():
        with open(os.path.join(OUT, name + ".test"), encoding="utf-8") as f:
            text = f.read()
        diag = text.split("--- error\n", 1)[1].split("\n", 1)[0]
        if not diag.endswith(": " + err) and name not in OTHER_MESSAGE:
            bad += 1
            print("MESSAGE %s: Jinja2 %r, jinn %r" % (name, err, diag))
    print("%d cases (%d errors), %d messages unlike Python's" % (len(CASES) + len(JINJAVA), len(errors), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
