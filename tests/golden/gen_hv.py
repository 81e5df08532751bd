#!/usr/bin/env python3
# usage: python3 tests/golden/gen_hv.py tests/golden/fastpath
# golden cases for the fast paths of macro calls, printing and the string filters (upper,
# lower, join, round, default, escaping), outputs from Jinja2 itself; each case is rendered
# with and without autoescape
import jinja2, json, os, sys
out = sys.argv[1]
ctx = {
 'names': ['Widget <0> & Sons', 'plain', '', 'abcdefgh', 'abcdefghi', 'ÄÖü straße', 'mixed Ünï <b>', 'ǅ ß ﬁ', 'x' * 40 + 'é'],
 'tags': ['new', 'b&w', '<hot>', "it's", '"q"'],
 'mixed': ['a', 1, None, 2.5, True, ['x'], {'k': 'v'}],
 'prices': [12.352, 20.264, 0.005, 1.005, 2.675, -3.14159, 1e16, 1e-5, 123456789.125, 0.1, 100.0, -0.0],
 'floats': [0.1 + 0.2, 1e15, 1e15 - 1, 999999999999999.9, 1e-4, 0.00009999, 9.999999999999999e14, 123456789012345.6,
            5e-324, 1.7976931348623157e308, 2.675, 1.005, 0.0, -0.0, 1e16, 12345678901234.5678, 0.000123456789012345,
            -12.5, 100.0, 4503599627370496.5, 0.1, 1 / 3, -2 / 3, 1e22, 1.5e-4, 99.99, 123.456e5],
 'items': [{'name': 'A<1>', 'price': 12.5, 'tags': ['x', 'y&z'], 'note': 'n1'},
           {'name': 'b', 'price': 3, 'tags': [], 'note': None},
           {'name': 'Ünï', 'price': 99.999, 'tags': ['<t>']}],
}
cases = {
 'hv_upper_lower': "{% for n in names %}[{{ n|upper }}|{{ n|lower }}|{{ n|upper|length }}]{% endfor %}{{ 'AbC'|lower }}{{ ('<a>'|safe)|upper }}{{ 1|upper }}{{ none|upper }}{{ undefined_var|upper }}",
 'hv_upper_word_edges': "{% for s in ['azAZ@[`{', 'abcdefg`{@[', 'zzzzzzzzzzzzzzzzz', 'ABCDEFGHIJKLMNOPQ', 'a\x7fb~c|d}e{f'] %}{{ s|upper }}/{{ s|lower }};{% endfor %}",
 'hv_join_strings': "{{ tags|join(', ') }}|{{ tags|join }}|{{ []|join('x') }}|{{ ['one']|join('-') }}|{{ names|join('') }}|{{ tags|join('<&>') }}",
 'hv_join_mixed': "{{ mixed|join(', ') }}|{{ [1, 2, 3]|join }}|{{ [none, none]|join('/') }}|{{ 'abc'|join('.') }}|{{ {'a': 1, 'b': 2}|join(';') }}",
 'hv_join_markup': "{{ ['<a>'|safe, '<b>']|join(', ') }}|{{ tags|join(', '|safe) }}|{{ ['x', 'y']|join('<br>'|safe) }}|{{ items|join(',', attribute='name') }}",
 'hv_round_print': "{% for p in prices %}{{ p|round(2) }} {{ p|round }} {{ p|round(1, 'floor') }} {{ p|round(3, 'ceil') }} {{ p }};{% endfor %}{{ 7|round(2) }} {{ -0.001|round(2) }} {{ -0.3|round }} {{ (0 - 0.004)|round(2) }} {{ 0.49999999999999994|round }} {{ -2.5|round }} {{ 2.675|round(2) }} {{ 1.005|round(2) }}",
 'hv_float_repr': "{% for x in floats %}{{ x }} {{ -x }} {{ x|round(2) }} {{ x|string }} {{ [x] }};{% endfor %}{{ floats|join(' ') }}",
 'hv_default': "{{ missing|default('n/a') }}|{{ none|default('x') }}|{{ ''|default('e', true) }}|{{ '<i>'|default('d') }}|{{ missing|default('<d>') }}|{{ missing|default('<d>'|safe) }}|{{ 0|default(5, boolean=true) }}|{{ missing|default }}",
 'hv_macro_row': "{% macro row(item, idx) -%}<li{% if idx % 2 == 0 %} class=even{% endif %}>{{ item.name|upper }} {{ item.price|round(2) }} {{ item.tags|join(', ') }} {{ item.note|default('n/a') }}</li>{%- endmacro %}{% for item in items %}{{ row(item, loop.index) }}|{{ row(item, loop.index)|length }}|{% set r = row(item, 0) %}{{ r }}{% endfor %}",
 'hv_macro_varargs_kwargs_caller': "{% macro m(a, b='B') %}{{ a }}-{{ b }}-{{ varargs }}-{{ kwargs }}{% if caller %}-{{ caller() }}{% endif %}{% endmacro %}{{ m(1) }}|{{ m(1, 2, 3, '<4>') }}|{{ m('<a>', x='<y>', z=1) }}|{% call m('c') %}<in>{% endcall %}|{% call(v) m('d') %}{{ v }}{% endcall %}",
 'hv_macro_nested_print': "{% macro inner(x) %}<{{ x }}>{% endmacro %}{% macro outer(x) %}[{{ inner(x) }}{{ inner(x)|upper }}{{ inner(x ~ '&') }}]{% endmacro %}{{ outer('a&b') }}{{ outer('<c>')|lower }}{% set s = outer('q') %}{{ s }}{{ s|length }}",
 'hv_macro_defaults_kw': "{% macro m(a, b=2, c='<c>') %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(1) }}{{ m(1, c=3) }}{{ m(b='x', a='y') }}{{ m(a=none) }}",
 'hv_filter_print_edges': "{% set w = 'ab<c' * 70 %}{{ w|upper }}|{{ [w, w]|join('&') }}|{{ [w|safe, 'x']|join }}|{{ ['<a>'|safe, '<b>']|join }}|{{ tags|join('<>'|safe) }}|{{ ('<q>'|safe)|upper }}|{{ names[5]|upper }}|{{ missing|default }}|{{ missing|d(7) }}|{{ 5|default('x') }}|{{ ('<s>'|safe)|default('x') }}|{{ missing|default('<s>'|safe) }}|{{ prices[0]|round(-1) }}|{{ 3|round(1) }}|{{ none|default('n') }}{{ '' if true else 'x'|upper }}{{ 'y'|upper if false else 'z'|upper }}",
 'hv_print_escape_values': "{{ '<>&\"\\'' }}{{ 'a&' }}{{ '&b' }}{{ 'no escape needed at all here' }}{{ 1.5 }}{{ none }}{{ true }}{{ [1, '<a>'] }}{{ {'k': '&'} }}{{ '<s>'|safe }}{{ 'x' * 70 ~ '<' ~ 'y' * 9 ~ '>' }}",
}
for name, src in cases.items():
    for ae in (False, True):
        env = jinja2.Environment(autoescape=ae)
        o = env.from_string(src).render(**ctx)
        fn = name + ('_autoescape' if ae else '') + '.test'
        with open(os.path.join(out, fn), 'w') as f:
            f.write('--- template\n' + src + '\n')
            if ae: f.write('--- options\nautoescape\n')
            f.write('--- context\n' + json.dumps(ctx, ensure_ascii=False) + '\n--- output\n' + o + '\n')
        print(fn, repr(o)[:100])
