#!/usr/bin/env python3
# usage: python3 tests/golden/gen_hf.py tests/golden/fastpath
# golden cases for select / reject / selectattr / rejectattr with the `eq` and `in` tests, which
# jinn answers for a string without calling the test (lib_caller_quick), and for the builtin
# call path; outputs from Jinja2 itself, each case rendered with the default undefined and
# with StrictUndefined
import jinja2, json, os, sys
out = sys.argv[1]
ctx = {
 'units': [{'key': 'sneakers#1', 'sku': 'sneakers'}, {'key': 'sneakers#2', 'sku': 'sneakers'},
           {'key': 't-shirt#1', 'sku': 't-shirt'}, {'key': 'socks#1', 'sku': 'socks'},
           {'key': 'socks#2', 'sku': 'socks', 'extra': 1}, {'key': 1, 'sku': None}],
 'taken': ['socks#1', 'sneakers#2', 2, None, ['socks#2']],
 'words': ['ab', 'cd', 'abc', '', 'é', 'ab'],
}
cases = {
 'hf_select_in_strings': "{{ words|select('in', ['ab', 'é', 1, none])|list }}|{{ words|reject('in', ['cd', ''])|list }}|{{ words|select('in', [])|list }}|{{ words|select('in', 'xabcx')|list }}|{{ words|select('in', {'ab': 1, 'cd': 2})|list }}|{{ [1, 2, 'ab', none]|select('in', [1, 'ab', none])|list }}",
 'hf_selectattr_in': "{{ units|rejectattr('key', 'in', taken)|map(attribute='key')|join(',') }}|{{ units|selectattr('key', 'in', taken)|map(attribute='key')|join(',') }}|{{ units|selectattr('sku', 'in', ['socks', 't-shirt'])|list|length }}|{{ units|rejectattr('key', 'in', [])|list|length }}",
 'hf_selectattr_eq': "{{ units|selectattr('sku', 'equalto', 'sneakers')|map(attribute='key')|join(',') }}|{{ units|rejectattr('sku', 'eq', 'socks')|map(attribute='key')|join(',') }}|{{ units|selectattr('sku', '==', none)|list|length }}|{{ units|selectattr('key', 'eq', 1)|list|length }}|{{ units|selectattr('sku', 'eq', 'sock')|list|length }}",
 'hf_select_eq_markup': "{% set m = 'ab'|safe %}{{ words|select('eq', m)|list }}|{{ [m, 'x']|select('equalto', 'ab')|list }}|{{ [m, 'cd']|select('in', ['ab', 'cd'])|list }}|{{ words|select('in', [m])|list|length }}",
 'hf_select_in_built': "{% set L = [] %}{% for i in range(4) %}{% do L.append('k' ~ i) %}{% endfor %}{{ ['k1', 'k4', 'k' ~ 3, 'k']|select('in', L)|list }}|{{ L|reject('eq', 'k' ~ 2)|list }}|{{ L|select('in', L[1:3] + ['x'])|list }}",
 'hf_select_missing_attr': "{{ units|selectattr('extra', 'in', [1])|list|length }}{{ units|rejectattr('key', 'in', ['socks#1'])|selectattr('sku', 'eq', 'socks')|map(attribute='key')|list }}",
 'hf_dict_update': "{% set d = {'a': 1, 'b': 2} %}{% do d.update({'b': 3, 'c': [4]}) %}{{ d }}{% do d.update(d) %}{{ d }}{% do d.update({}) %}{% do d.update({'a': none, 1: 'x', ('t'|safe): 'm'}) %}{{ d }}{% set e = {} %}{% do e.update(d) %}{% do e.update({'c': 5}) %}{{ e }}{{ d.c }}{{ d.update({'z': 0}) }}",
 'hf_dict_update_generic': "{% set d = {'a': 1} %}{% do d.update([['b', 2], ('c', 3)]) %}{% do d.update({'d': 4}, e=5) %}{% do d.update(f=6) %}{% do d.update(none if false else {}) %}{{ d }}{% do units[0].update({'key': 'k'}) %}{{ units[0] }}{% set L = [{'n': 1}, {'n': 2}] %}{% for x in L %}{% do x.update({'m': x.n * 2}) %}{% endfor %}{{ L }}",
 'hf_sum_ints': "{{ [1, 2, 3]|sum }} {{ [9223372036854775807, 1]|sum }} {{ [-9223372036854775807, -2]|sum }} {{ [1, 2.5, 3]|sum }} {{ [0.1, 2, 9007199254740993]|sum }} {{ [1, 2]|sum(start=0.5) }} {{ [true, 2, false]|sum }} {{ units|selectattr('sku')|map(attribute='key')|map('length')|sum }} {{ [{'p': 3}, {'p': 4}]|sum(attribute='p', start=10) }} {{ []|sum }} {{ [2**62, 2**62]|sum }} {{ range(5)|sum }} {{ (1, 2.5)|sum }} {{ {1: 'a', 2: 'b'}|sum }}",
 'hf_type_tests': "{% set ns = namespace(a=1) %}{% for v in ['s', 's'|safe, '', 1, 2**70, 1.5, true, none, [1], (1, 2), {'a': 1}, ns, range(2), units[0], units[0].key, taken] %}{{ v is string }}{{ v is mapping }}{{ v is number }}{{ v is boolean }}{{ v is not string }}{{ v is not mapping }}{{ v is not number }}{{ v is not boolean }};{% endfor %}{{ nope is string }}{{ nope is mapping }}{{ nope is number }}{{ nope is boolean }}{{ nope is not string }}{{ units[0].missing is number }}",
 'hf_select_map_inputs': "{{ range(6)|select('odd')|list }}{{ range(3)|map('string')|list }}{{ (1, 2, 3)|map('string')|join }}{{ [1, 2, 3]|reverse|select('gt', 1)|list }}{{ 'abc'|select('ne', 'b')|list }}{{ {'a': 1, 'b': 2}|map('upper')|list }}{{ {'a': 1}|select|list }}{{ []|map('upper')|list }}{{ none|select|list }}{% set L = [1, 2] %}{{ L|map('string')|list }}{{ L|reject('eq', 1)|list }}{{ L }}",
 'hf_select_map_iterator': "{{ [1, 2, 3]|reverse|map('string')|list }}{% set it = [4, 5]|reverse %}{{ it|map('string')|list }}{{ it|list }}{% set it2 = [6, 7]|reverse %}{{ it2|select('odd')|list }}{{ it2|list }}",
 'hf_tests_direct': "{{ 'ab' is in words }}{{ 'x' is in words }}{{ 'ab' is eq 'ab' }}{{ 'ab' is equalto 'abc' }}{{ 1 is in [1] }}{{ 'ab' is not in words }}{{ 'b' is in 'abc' }}",
}
strict_err = {'hf_select_missing_attr'}
# StrictUndefined in the `in` test: Jinja2's message, at the column jinn points to (the test's
# or the filter's name)
strict_errors = {
 'hf_in_strict_item': ("{{ nope is in [1] }}", 12),
 'hf_in_strict_container': ("{{ [1]|select('in', nope)|list }}", 8),
 'hf_in_strict_dict': ("{{ [nope]|select('in', {})|list }}", 11),
 'hf_in_strict_attr': ("{{ units|selectattr('extra', 'in', [1])|list }}", 10),
}
strict_ok = {'hf_in_strict_empty': "{{ nope is in [] }}{{ []|select('in', nope)|list }}{{ [nope]|select('in', [])|list|length }}"}
env = jinja2.Environment(undefined=jinja2.StrictUndefined)
for name, (src, col) in strict_errors.items():
    try:
        env.from_string(src).render(**ctx); assert False, name
    except jinja2.exceptions.UndefinedError as e:
        with open(os.path.join(out, name + '.test'), 'w') as f:
            f.write('--- template\n' + src + '\n--- options\nundefined=strict\n--- context\n' + json.dumps(ctx, ensure_ascii=False))
            f.write('\n--- error\n%s.jinja:1:%d: %s\n%s\n%s^\n' % (name, col, e, src, ' ' * (col - 1)))
        print(name, 'ERR', e)
for name, src in strict_ok.items():
    o = env.from_string(src).render(**ctx)
    with open(os.path.join(out, name + '.test'), 'w') as f:
        f.write('--- template\n' + src + '\n--- options\nundefined=strict\n--- output\n' + o + '\n')
    print(name, repr(o))
for name, src in cases.items():
    for strict in (False, True):
        env = jinja2.Environment(extensions=['jinja2.ext.do'], undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)
        try:
            o = env.from_string(src).render(**ctx)
        except jinja2.exceptions.UndefinedError as e:
            assert name in strict_err, (name, e)
            print(name, 'strict: ERR', e); continue
        fn = name + ('_strict' if strict else '') + '.test'
        with open(os.path.join(out, fn), 'w') as f:
            f.write('--- template\n' + src + '\n')
            if strict: f.write('--- options\nundefined=strict\n')
            f.write('--- context\n' + json.dumps(ctx, ensure_ascii=False) + '\n--- output\n' + o + '\n')
        print(fn, repr(o)[:150])
