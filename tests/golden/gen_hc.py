#!/usr/bin/env python3
# usage: python3 tests/golden/gen_hc.py
# golden cases for fuse.c's jump threading (an `and` before an if's test becomes the test's own
# JUMP_IF_FALSE, jumps to jumps go straight to the end of the chain): outputs from Jinja2 itself,
# over values of every truth (0, 0.0, '', [], {}, none, false, undefined, and their truthy
# kin), in ifs, elifs, loop filters, loops with break and continue, ternaries, nested and/or
# chains and value-context and/or (which keep the value)
import jinja2, json, os
HERE = os.path.dirname(os.path.abspath(__file__))
ctx = {'vals': [0, 1, 0.0, 2.5, '', 'x', [], [0], {}, {'k': 0}, None, False, True, -1, 'false'],
       'rows': [{'a': 5, 'b': 3}, {'a': 4, 'b': 1}, {'a': 9, 'b': 12}, {'a': 5, 'b': 5}, {'a': 7, 'b': 2}]}
cases = {
 'and_if': "{% for a in vals %}{% for b in vals %}{% if a and b %}1{% else %}0{% endif %}{% endfor %};{% endfor %}",
 'and_and_if': "{% for a in vals[:6] %}{% for b in vals[:6] %}{% for c in vals[:4] %}{% if a and b and c %}1{% else %}0{% endif %}{% endfor %}{% endfor %};{% endfor %}",
 'and_or_if': "{% for a in vals[:7] %}{% for b in vals[:7] %}{% for c in vals[:3] %}{% if a and b or c %}1{% elif a or b and c %}2{% else %}0{% endif %}{% endfor %}{% endfor %};{% endfor %}",
 'or_if': "{% for a in vals %}{% for b in vals %}{% if a or b %}1{% else %}0{% endif %}{% endfor %};{% endfor %}",
 'compare_and_if': "{% for r in rows %}{% if r.a >= 5 and r.a > r.b %}[{{ r.a }}>{{ r.b }}]{% elif r.a < 5 and r.b %}({{ r.a }}){% else %}-{% endif %}{% endfor %}",
 'compare_chain_and': "{% for r in rows %}{% if 1 < r.a < 8 and r.b != 5 %}y{% else %}n{% endif %}{% if r.a == r.b and r.a %}e{% endif %}{% endfor %}",
 'not_and': "{% for a in vals %}{% if not a and a is not none %}1{% elif not (a and a) %}2{% else %}3{% endif %}{% endfor %}",
 'undefined_and': "{% if missing and 1 %}a{% else %}b{% endif %}{% if 1 and missing %}c{% else %}d{% endif %}{% if missing is defined and missing.x %}e{% else %}f{% endif %}{% if missing or 0 %}g{% else %}h{% endif %}",
 'value_and_or': "{% for a in vals %}{{ a and 'T' }}|{{ a or 'F' }}|{{ (a and a) or 'z' }}|{% set s = a and 'S' %}{{ s }};{% endfor %}",
 'ternary_and': "{% for a in vals[:8] %}{{ 'y' if a and a != 1 else 'n' }}{{ 'p' if a or a == 0 else 'q' }}{% endfor %}",
 'loop_filter_and': "{% for r in rows if r.a > 4 and r.b < 5 %}{{ r.a }}{{ loop.last and '!' or ',' }}{% else %}none{% endfor %}|{% for r in rows if r.a > 100 and r.b %}x{% else %}empty{% endfor %}",
 'loop_break_continue': "{% for r in rows %}{% if r.a > 8 and r.b > 8 %}{% break %}{% endif %}{% if r.a == 5 and r.b == 5 %}{% continue %}{% endif %}{{ r.a }}{% endfor %}|{% for i in range(10) %}{% if i % 2 and i > 2 %}{% continue %}{% elif i > 7 and true %}{% break %}{% endif %}{{ i }}{% endfor %}",
 'while_like_nested': "{% for r in rows %}{% for s in rows %}{% if r.a > s.a and (s.b or r.b) and not (r.a == 9 and s.a == 4) %}{{ r.a }}{{ s.a }} {% endif %}{% endfor %}{% endfor %}",
 'macro_and': "{% macro m(a, b) %}{% if a and b %}{{ a }}{{ b }}{% elif a %}A{% else %}-{% endif %}{% endmacro %}{% for a in vals[:6] %}{{ m(a, 'b') }}{{ m(a, '') }}{% endfor %}",
 'test_jump_tags': "{% for a in vals + [missing] %}{% if a is defined %}d{% endif %}{% if a is undefined %}u{% endif %}{% if a is none %}n{% endif %}{% if a is string %}s{% endif %}{% if a is mapping %}m{% endif %}{% if a is number %}#{% endif %}{% if a is boolean %}b{% endif %}{% if a is not none %}!{% else %}?{% endif %};{% endfor %}",
 'test_jump_other': "{% for i in range(-3, 7) %}{% if i is odd %}o{% elif i is even and i is not divisibleby(3) %}e{% elif i is not odd %}E{% endif %}{% if i is not even %}N{% endif %}{% if i is divisibleby(3) %}3{% endif %}{% if i is sameas(1) %}1{% endif %}{% if i is gt 2 %}>{% endif %}{% if i is in [0, 5] %}@{% endif %}{% endfor %}",
 'test_jump_loop_filter': "{% for a in vals if a is not none and a is not string %}{{ a }},{% endfor %}|{% for a in vals if a is iterable %}{{ a|string|length }}{% endfor %}|{% for a in vals if a is number %}{{ a }}{% else %}none{% endfor %}",
 'test_jump_value': "{% set t = 1 is odd %}{{ t }}{{ none is none }}{{ 'x' is not string }}{{ [1 is odd, 2 is not even] }}{{ 'y' if missing is defined else 'z' }}{% if (1 is odd) == true %}T{% endif %}",
 'test_jump_ns_macro': "{% set ns = namespace(x=1) %}{% macro m(v) %}{% if v is mapping %}M{% elif v is callable %}C{% elif v is sequence %}S{% else %}-{% endif %}{% endmacro %}{{ m({}) }}{{ m(ns) }}{{ m(m) }}{{ m([1]) }}{{ m('s') }}{{ m(1) }}{% if ns is mapping %}nsmap{% else %}nsnot{% endif %}{% if true is boolean and 1 is not boolean %}B{% endif %}{% if 1.5 is float and 1 is integer %}F{% endif %}",
 'empty_and_branches': "{% if 1 and 0 %}{% endif %}x{% if 0 and 1 %}{% elif 1 and 1 %}{% endif %}y{% if '' and [] %}{% else %}{% endif %}z",
}
errors = {
 # strict undefined: the error at the `and`/`or` (or the if) as before the threading
 'strict_and_if': "{% if missing and 1 %}a{% else %}b{% endif %}",
 'strict_and_if_second': "{% if 1 and missing %}a{% else %}b{% endif %}",
 'strict_cmp_and': "{% if 1 > 0 and missing %}a{% endif %}",
 'strict_or_if': "{% if 0 or missing %}a{% endif %}",
 'strict_test_odd': "{% if missing is odd %}a{% endif %}",
 'strict_nested_left': "{% if (1 and missing) and 2 %}a{% endif %}",
 'strict_nested_right': "{% if 1 and (2 and missing) %}a{% endif %}",
 'strict_elif_and': "{% if 0 %}x{% elif 1 and missing %}a{% endif %}",
 'strict_loop_filter': "{% for x in [1, 2] if x and missing %}{{ x }}{% endfor %}",
 'strict_loop_filter_first': "{% for x in [1, 2] if missing and x %}{{ x }}{% endfor %}",
}
# rendered with StrictUndefined: a test of an undefined value is no error there
strict_cases = {
 'strict_tests_ok': "{% if missing is not string and 1 %}a{% endif %}{% if missing is defined %}b{% else %}c{% endif %}{% if missing is undefined and 2 %}d{% endif %}{% for x in [1, none] if x is not none %}{{ x }}{% endfor %}",
}
n = 0
for name, src in strict_cases.items():
    env = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'], undefined=jinja2.StrictUndefined)
    out = env.from_string(src).render()
    with open(os.path.join(HERE, 'hc_jumps', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- options\nundefined=strict\n--- output\n' + out + '\n')
    n += 1
for name, src in cases.items():
    env = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])
    out = env.from_string(src).render(**ctx)
    with open(os.path.join(HERE, 'hc_jumps', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- context\n' + json.dumps(ctx, ensure_ascii=False) + '\n--- output\n' + out + '\n')
    n += 1
# the error cases: Jinja2 with StrictUndefined must fail; their `--- error` text is jinn's
# diagnostic, blessed from the build before the threading (the same position and message)
for name, src in errors.items():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    try:
        env.from_string(src).render()
        raise SystemExit(f'{name}: Jinja2 did not fail')
    except jinja2.UndefinedError:
        pass
print(n, 'output cases written; error cases checked against Jinja2:', len(errors))
