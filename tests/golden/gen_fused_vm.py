#!/usr/bin/env python3
# usage: python3 tests/golden/gen_fused_vm.py [JINN]
# golden cases for `m(...)|float` taking the float a macro printed (MACRO_FLOAT: macro_float_*),
# FOR_ITER_STORE's CLEAR (a variable set in a loop's body is unset again at each
# iteration: for_clear_*), and for LOAD_RECV (fuse.c, vm.c): `{% do l.append(x) %}` of a list in a variable takes
# no reference to the list; APPEND_POP appends to the list its slot holds. Outputs from Jinja2
# itself: the argument reading or changing the list, lists from the context, from a macro's
# parameter, from the enclosing scope of a macro, a loop or a call block, values that are no
# list, and the method call whose value is kept (not fused). The error cases must fail in Jinja2
# too; their `--- error` text is jinn's diagnostic, written by the build given (default
# bin/jinn) and checked by hand against the build before LOAD_RECV (the same message and caret).
import jinja2, json, os, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
JINN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', 'bin', 'jinn')
ctx = {'items': [1, 2], 'rows': [[1], [2, 3]], 'd': {'l': [5]}, 'word': 'ab'}
cases = {
 'recv_arg_reads_list': "{% set l = [] %}{% for i in range(4) %}{% do l.append(l|length * 10 + i) %}{% endfor %}{{ l }}",
 'recv_arg_appends_same': "{% set l = [] %}{% do l.append(l.append(1)) %}{% do l.append(l.pop()) %}{{ l }}",
 'recv_context_list_alias': "{% set l = items %}{% do l.append(3) %}{% do items.append(4) %}{{ l }}{{ items }}",
 'recv_loop_items': "{% for r in rows %}{% do r.append(loop.index) %}{% endfor %}{{ rows }}",
 'recv_macro_param': "{% macro add(l, x) %}{% do l.append(x) %}{{ l|length }}{% endmacro %}{% set a = [] %}{{ add(a, 1) }}{{ add(a, 'x') }}{{ a }}",
 'recv_macro_outer': "{% set outer = [] %}{% macro m(x) %}{% do outer.append(x) %}{% endmacro %}{{ m(1) }}{{ m(2) }}{{ outer }}",
 'recv_call_block': "{% set l = [] %}{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}{% do l.append('c') %}{{ l|length }}{% endcall %}{{ l }}",
 'recv_loop_scope': "{% set l = [] %}{% for i in range(3) %}{% set l2 = l %}{% do l2.append(i) %}{% endfor %}{{ l }}",
 'recv_rebound_between': "{% set l = [1] %}{% do l.append(2) %}{% set l = [9] %}{% do l.append(8) %}{{ l }}",
 'recv_kept_value': "{% set l = [] %}{% set r = l.append(1) %}{{ r }}{{ l }}{{ l.append(2) }}{{ l }}",
 'recv_dict_list': "{% set x = d.l %}{% do x.append(6) %}{{ d }}",
 'recv_two_args_not_fused': "{% set l = [3, 1, 2] %}{% do l.insert(0, 7) %}{% do l.extend([4]) %}{% do l.sort() %}{{ l }}",
 'recv_markup_item': "{% set l = [] %}{% do l.append('<i>'|safe) %}{% do l.append('<b>') %}{{ l|join }}",
 'recv_namespace_list': "{% set ns = namespace(l=[]) %}{% do ns.l.append(1) %}{% set k = ns.l %}{% do k.append(2) %}{{ ns.l }}",
}
cases.update({
 'for_clear_set_once': "{% for i in range(3) %}{% if i == 0 %}{% set x = 1 %}{% endif %}[{{ x }}]{% endfor %}",
 'for_clear_two_vars': "{% for r in [{'a': 1}, {'b': 2}, {}] %}{% if r.a %}{% set a = r.a %}{% endif %}{% if r.b %}{% set b = [r.b] %}{% endif %}{{ a is defined }}{{ b is defined }}{{ b }};{% endfor %}",
 'for_clear_nested': "{% for i in range(2) %}{% for j in range(2) %}{% if j == i %}{% set k = i ~ j %}{% endif %}{{ k }},{% endfor %}|{% endfor %}",
})
cases.update({
 'macro_float_values': "{% macro m(x) %}{{ x }}{% endmacro %}{% for v in [1.5, 0.1 + 0.2, 1e16, 1e-7, -0.0, 2, 'x', 3.0, 123456789.125, 5e-324, 1.7976931348623157e308, true, none] %}{{ m(v)|float }};{% endfor %}",
 'macro_float_text_around': "{% macro a(x) %} {{ x }}{% endmacro %}{% macro b(x) %}{{ x }} {% endmacro %}{% macro c(x) %}{{ x }}{{ x }}{% endmacro %}{% macro d(x) %}a{{ x }}{% endmacro %}{% macro e(x) %}{{ x }}\n{% endmacro %}{% macro f(x) %}{% if x %}{{ x }}{% else %}0{% endif %}{% endmacro %}{{ a(1.5)|float }} {{ b(1.5)|float }} {{ c(1.5)|float }} {{ d(1.5)|float }} {{ e(1.5)|float }} {{ f(0.25)|float }} {{ f(0.0)|float }}",
 'macro_float_nested': "{% macro i(x) %}{{ x }}{% endmacro %}{% macro m(x) %}{{ i(x) }}{% endmacro %}{% macro s(x) %}{% set y %}{{ x * 2 }}{% endset %}{{ x }}{% endmacro %}{% macro t(x) %}{% set y %}{{ x * 2 }}{% endset %}{{ y }}{% endmacro %}{% macro w() %}{{ caller() }}{% endmacro %}{{ m(0.5)|float + 1 }} {{ s(0.25)|float }} {{ t(0.25)|float }} {% call w() %}{{ 0.125 }}{% endcall %}",
 'macro_float_special': "{% macro m(x) %}{{ x }}{% endmacro %}{% for v in ['inf', '-inf', 'nan', '-nan', '1e400', '-0'] %}{% set f = v|float %}{% set g = m(f)|float %}{{ g }} {{ g|string }} {{ g > 0 }} {{ g == g }} {{ -g }};{% endfor %}",
 'macro_float_default': "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(1.5)|float(7) }} {{ m('a')|float(7) }} {{ m('a')|float(default=8) }} {{ m(x=2.5)|float }} {{ m(1.5)|float|round }}",
 'macro_float_round_printed': "{% macro m(x) %}{{ x|round(2) }}{% endmacro %}{% macro n(x) %}{{ (x / 3)|round(4) }}{% endmacro %}{{ m(1.005)|float }} {{ m(2)|float }} {{ n(10)|float }} {{ n(10)|float * 3 }}",
 'macro_float_in_expressions': "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(1.5)|float + m(2.25)|float }} {{ [m(0.5)|float, m(1)|float] }} {{ {'k': m(0.75)|float} }} {% set ns = namespace(t=0.0) %}{% for i in range(5) %}{% set ns.t = ns.t + m(i / 4)|float %}{% endfor %}{{ ns.t }}",
 'macro_float_last_print': "{% macro a(x) %}{% for v in [x] %}{{ v }}{% endfor %}{% endmacro %}{% macro b(x) %}{{ x }}{% if false %}!{% endif %}{% endmacro %}{% macro c(x) %}{% if x > 1 %}{{ x }}{% elif x > 0 %}{{ x * 2 }}{% else %}{{ -x }}{% endif %}{% endmacro %}{{ a(1.5)|float }} {{ b(2.5)|float }} {{ c(3.5)|float }} {{ c(0.25)|float }} {{ c(-0.75)|float }}",
 'macro_float_inside_float': "{% macro inner(x) %}{{ x / 4 }}{% endmacro %}{% macro outer(x) %}{% set y = inner(x)|float %}{{ y * 2 }}{% endmacro %}{{ outer(3)|float }} {{ outer(1)|float + inner(2)|float }}",
 'macro_float_not_taken_after': "{% macro m(x) %}{{ x }}{% endmacro %}{% macro t(x) %}{{ x }}!{% endmacro %}{% set a = t(1.5)|float %}{% set s = m(2.5) %}{{ s }}|{{ s|float }}|{{ a }}|{{ m(0.5) }}|{{ m(0.75) ~ '' }}|{% set z = m(1.25) %}{{ z|length }}",
 'macro_float_caller_body': "{% macro k() %}{{ caller() }}{% endmacro %}{% macro m(x) %}{% call k() %}{{ x }}{% endcall %}{% endmacro %}{% macro n(x) %}{% call k() %}{{ x }}{% endcall %}.{% endmacro %}{{ m(0.5)|float }} {{ n(0.5)|float }} {{ m(0.5) }}",
 'macro_float_then_top_level_float': "{% macro m(x) %}{{ x }}{% endmacro %}{% set a = m(1.5)|float %}{{ a / 2 }}",
 'macro_float_varargs': "{% macro m() %}{{ varargs[0] }}{% endmacro %}{% macro k() %}{{ kwargs.x }}{% endmacro %}{{ m(1.25, 2)|float }} {{ k(x=3.5)|float }}",
})
errors = {
 'recv_string_error': "{% set l = word %}{% do l.append(1) %}",
 'recv_undefined_error': "{% for i in range(2) %}{% do nolist.append(i) %}{% endfor %}",
 'recv_arg_fails': "{% set l = [] %}{% do l.append(1 / 0) %}{{ l }}",
 'recv_arg_fails_after_append': "{% set l = [] %}{% do l.append(l.append(1) or 1 / 0) %}",
 'recv_dict_error': "{% set l = {} %}{% do l.append(1) %}",
}
# rendered with autoescape: the macro's text is Markup, float() of it the same
auto_cases = {
 'macro_float_autoescape': "{% macro m(x) %}{{ x }}{% endmacro %}{% macro h(x) %}<{{ x }}>{% endmacro %}{{ m(1.5)|float }} {{ m('<1>')|float }} {{ h(2.5)|float }}",
}
os.makedirs(os.path.join(HERE, 'fused'), exist_ok=True)
aenv = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'], autoescape=True)
for name, src in auto_cases.items():
    out = aenv.from_string(src).render()
    with open(os.path.join(HERE, 'fused', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- options\nautoescape\n--- output\n' + out + '\n')
env = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])
for name, src in cases.items():
    out = env.from_string(src).render(**json.loads(json.dumps(ctx)))
    with open(os.path.join(HERE, 'fused', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- context\n' + json.dumps(ctx) + '\n--- output\n' + out + '\n')
for name, src in errors.items():
    try:
        env.from_string(src).render(**json.loads(json.dumps(ctx)))
        raise SystemExit(f'{name}: Jinja2 did not fail')
    except (jinja2.UndefinedError, ZeroDivisionError, IndexError, AttributeError, TypeError):
        pass
    tmp = os.path.join('/tmp', name + '.jinja')
    with open(tmp, 'w') as f:
        f.write(src)
    with open(tmp + '.json', 'w') as f:
        json.dump(ctx, f)
    r = subprocess.run([JINN, 'render', tmp, '--context', tmp + '.json'], capture_output=True, text=True)
    if r.returncode == 0:
        raise SystemExit(f'{name}: jinn did not fail')
    err = r.stderr.replace('/tmp/', '')
    with open(os.path.join(HERE, 'fused', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- context\n' + json.dumps(ctx) + '\n--- error\n' + err)
# the fuel of `m(...)|float` (errors at a fuel limit, blessed from the build given): the
# |float's tick stays at the filter; the float taken makes no string, so it charges none (the
# string of an 18-byte repr cost a unit before MACRO_FLOAT)
fuel_src = "{% macro m(x) %}{{ x }}{% endmacro %}{% for i in range(3) %}{% set f = m(i / 3)|float %}{{ f }};{% endfor %}"
for fuel in (16, 17, 18, 36, 37):
    name = 'macro_float_fuel_%d' % fuel
    tmp = os.path.join('/tmp', name + '.jinja')
    with open(tmp, 'w') as f:
        f.write(fuel_src)
    r = subprocess.run([JINN, 'render', tmp, '--limit', 'fuel=%d' % fuel], capture_output=True, text=True)
    if r.returncode == 0:
        raise SystemExit(f'{name}: jinn did not fail')
    with open(os.path.join(HERE, 'fused', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + fuel_src + '\n--- options\nlimit.fuel=%d\n--- error\n' % fuel + r.stderr.replace('/tmp/', ''))
print(len(cases), 'output cases,', len(errors), 'error cases written')
