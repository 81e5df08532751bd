#!/usr/bin/env python3
# usage: python3 tests/golden/gen_fastpath.py tests/golden/fastpath
# golden cases for the VM's fast paths (dict literals with string keys, numeric comparisons),
# outputs from Jinja2 itself
import jinja2, os, sys
out = sys.argv[1]
env = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])
cases = {
 'dict_literal_repeated_key': "{% set d = {'a': 1, 'b': 2, 'a': 3} %}{{ d }}|{{ d|length }}",
 'dict_literal_nine_keys': "{{ {'a':1,'b':2,'c':3,'d':4,'e':5,'f':6,'g':7,'h':8,'i':9} }}",
 'dict_literal_eight_keys': "{% set d = {'a':1,'b':2,'c':3,'d':4,'e':5,'f':6,'g':7,'h':8} %}{{ d.h }}{{ d|list|join }}",
 'dict_literal_mixed_keys': "{{ {'a': 1, 2: 'b', 1.0: 'c', true: 'd'} }}",
 'dict_literal_empty': "{% set d = {} %}{{ d }}{{ d|length }}{% set e = {'x': {}} %}{{ e }}",
 'dict_literal_keys_from_vars': "{% set k = 'x' %}{{ {k: 1, 'y': 2, k ~ 'y': 3} }}",
 'dict_literal_then_update': "{% set d = {'a': 1, 'b': 2} %}{% do d.update({'a': 5, 'c': 6}) %}{{ d }}{{ d.pop('a') }}{{ d }}",
 'dict_literal_in_loop': "{% set L = [] %}{% for i in range(3) %}{% do L.append({'i': i, 'sq': i * i}) %}{% endfor %}{{ L|map(attribute='sq')|list }}{{ L }}",
 'compare_int_float': "{{ 1 < 1.5 }}{{ 2 > 1.5 }}{{ 2 >= 2.0 }}{{ 3 <= 2.9 }}{{ -1 < -0.5 }}",
 'compare_big_int_float': "{{ 9007199254740993 > 9007199254740992.0 }}{{ 9007199254740993 >= 9007199254740992.0 }}{{ 9007199254740992.0 < 9007199254740993 }}{{ 2**70 > 1e21 }}{{ 2**70 < 1.2e21 }}",
 'compare_nan': "{% set big = 1e308 %}{% set i = big * 10 %}{% set n = i - i %}{{ n < 1 }}{{ n > 1 }}{{ n <= n }}{{ n >= 0.0 }}{{ 1 < n }}",
 'compare_inf': "{% set big = 1e308 %}{% set i = big * 10 %}{{ i > 10**300 }}{{ -i < -(10**300) }}{{ i >= i }}{{ 1e308 < i }}",
 'compare_bool_float': "{{ true > 0.5 }}{{ false < 0.5 }}{{ 1.0 >= true }}",
 'compare_chain_mixed': "{{ 1 < 1.5 < 2 }}{{ 1 < 2.5 < 2 }}{{ 0.1 <= 0 < 1 }}",
 'compare_signed_zero': "{{ -0.0 < 0 }}{{ -0.0 >= 0 }}{{ 0 <= -0.0 }}",
 'in_list_of_strings': "{% set L = ['ab', 'cd', 'abc', 1, none, ['ab']] %}{{ 'ab' in L }}{{ 'cd' in L }}{{ 'ce' in L }}{{ 'abc' in L }}{{ 'x' in L }}{{ ['ab'] in L }}{{ 1 in L }}{{ '' in L }}",
 'in_list_built_strings': "{% set L = [] %}{% for i in range(5) %}{% do L.append('k' ~ i) %}{% endfor %}{{ 'k3' in L }}{{ ('k' ~ 3) in L }}{{ 'k5' in L }}{{ 'k' in L }}{{ L|select('in', ['k1', 'k4'])|list }}",
 'eq_strings_same_length': "{% set a = 'abc' %}{% set b = 'ab' ~ 'c' %}{% set c = 'abd' %}{{ a == b }}{{ a == c }}{{ a != c }}{{ a|upper == 'ABC' }}{{ (a ~ '') == b }}{{ {a: 1}[b] }}",
 'float_arith_mixed': "{% set a = 1.5 %}{% set b = 2 %}{{ a + b }} {{ b - a }} {{ a * b }} {{ b / a }} {{ a / b }} {{ 0.1 + 0.2 }} {{ 3 * 0.1 }}",
 'float_arith_big_int': "{% set a = 9007199254740993 %}{% set f = 0.5 %}{{ a + f }} {{ a * f }} {{ a - f }} {{ f / a }} {{ (2**62) * f }}",
 'float_arith_zero_division': "{% set z = 0 %}{% set f = 1.5 %}{{ f / z }}",
 'float_arith_zero_division_float': "{% set z = 0.0 %}{% set f = 2 %}{{ f / z }}",
 'float_arith_inf_signed_zero': "{% set big = 1e308 %}{% set n = -1 %}{{ big * 10 }} {{ big * -10 }} {{ 0.0 * n }} {{ -0.0 + 0 }} {{ (big * 10) - (big * 10) }}",
 'float_arith_floordiv_mod_pow': "{% set f = 7.5 %}{% set i = 2 %}{{ f // i }} {{ f % i }} {{ f ** i }} {{ i ** 0.5 }}",
 'compare_jump_if': "{% set x = 3 %}{% if x > 2 %}a{% endif %}{% if x > 5 %}b{% else %}c{% endif %}{% if x == 3 %}d{% endif %}{% if x != 3 %}e{% endif %}{% if 'a' in 'abc' %}f{% endif %}{% if 'z' not in 'abc' %}g{% endif %}",
 'compare_jump_and_or': "{% set x = 3 %}{% set n = none %}{% for a in [0, 1] %}{% if a and x > 2 %}A{% endif %}{% if x > 5 or a %}O{% endif %}{% if not a and x < 5 %}N{% endif %}{% if a or x >= 3 %}R{% endif %}|{% endfor %}{% if n and n > 1 %}x{% else %}y{% endif %}",
 'compare_jump_loop_filter': "{% for v in [5, 1, 7, 3] if v > 2 %}{{ v }}{% if not loop.last %},{% endif %}{% else %}none{% endfor %}|{% for v in [1] if v > 2 %}{{ v }}{% else %}none{% endfor %}",
 'compare_jump_chain_ternary': "{% set x = 2 %}{% if 1 < x < 3 %}in{% endif %}{% if 1 < x > 3 %}no{% else %}out{% endif %}{{ 'y' if x >= 2 else 'n' }}{{ 'y' if x < 2 else 'n' }}",
 'compare_jump_nan': "{% set big = 1e308 %}{% set i = big * 10 %}{% set n = i - i %}{% if n < 1 %}lt{% endif %}{% if n >= 1 %}ge{% endif %}{% if n != n %}ne{% endif %}{% if n == n %}eq{% endif %}.",
 'compare_jump_while_like': "{% set ns = namespace(k=0) %}{% for i in range(10) %}{% if ns.k >= 4 %}{% break %}{% endif %}{% set ns.k = ns.k + 1 %}{% endfor %}{{ ns.k }}",
 'keys_literal_and_attr': "{% set d = {'name': 'n', 'x': 1} %}{{ d.name }}{{ d['name'] }}{{ d.x }}{% set e = {'name': 'm'} %}{{ e.name }}{{ [d, e]|map(attribute='name')|join }}{{ d.missing is defined }}",
 'keys_namespace': "{% set ns = namespace(total=0, name='a') %}{% for i in range(3) %}{% set ns.total = ns.total + i %}{% set ns.extra = i %}{% endfor %}{{ ns.total }}{{ ns.name }}{{ ns.extra }}{{ {'total': 5}.total }}",
 'keys_kwargs_and_dict': "{% set d = dict(a=1, b=2) %}{{ d.a }}{{ d['b'] }}{{ d }}{% macro m(a, b=2) %}{{ a }}{{ b }}{% endmacro %}{{ m(b=3, a='b') }}",
 'keys_markup_constant': "{% set s = 'k'|safe %}{% set d = {s: 1, 'k2': 2} %}{{ d.k2 }}{{ d['k'] }}{{ d|list }}{{ 'k' ~ '' == s }}",
 'setattr_namespace': "{% set ns = namespace(a=1) %}{% for i in range(3) %}{% set ns.a = ns.a * 2 %}{% set ns.b = i %}{% endfor %}{{ ns.a }}{{ ns.b }}{% macro m() %}{% set ns.a = 0 %}{% endmacro %}{{ m() }}{{ ns.a }}{% with %}{% set ns.c = 'w' %}{% endwith %}{{ ns.c }}",
 'setattr_not_namespace': "{% set d = {'a': 1} %}{% set d.a = 2 %}{{ d.a }}",
 'setattr_undefined': "{% set u.a = 2 %}{{ u }}",
}
for name, src in cases.items():
    try:
        o = env.from_string(src).render()
    except jinja2.exceptions.TemplateRuntimeError as e:
        print(name, 'ERR', e); continue
    except ZeroDivisionError as e: # the message jinn gives
        with open(os.path.join(out, name + '.test'), 'w') as f:
            col = src.rindex(' / ') + 2  # jinn points at the operator
            f.write('--- template\n' + src + '\n--- error\n%s.jinja:1:%d: %s\n%s\n%s^\n' % (name, col, e, src, ' ' * (col - 1)))
        print(name, 'ERR', e); continue
    with open(os.path.join(out, name + '.test'), 'w') as f:
        f.write('--- template\n' + src + '\n--- output\n' + o + '\n')
    print(name, repr(o))
