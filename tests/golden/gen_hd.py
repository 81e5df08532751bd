#!/usr/bin/env python3
# usage: python3 tests/golden/gen_hd.py tests/golden   (writes hd_float/ and hd_ops/)
# golden cases for |float's and |int's text parsing (dtoa_parse's eight digits at a time),
# and for printing floats that are no short decimal (print.c's dtoa_repr_long):
# runs of 1 to 22 digits with the point anywhere, a non-digit at each of the eight places
# of a run, signs, exponents, spaces, underscores; outputs from Jinja2 itself
import jinja2, os, sys
root = sys.argv[1]
out = os.path.join(root, 'hd_float')
digits = '31415926535897932384626'
texts = []
for n in range(1, 23):
    for pos in sorted({0, 1, n // 2, n - 1, n}):
        texts.append(digits[:pos] + '.' + digits[pos:n])
    texts.append(digits[:n])
    texts.append('-' + digits[:n])
    texts.append('0.' + '0' * (n % 5) + digits[:n])
bad = []
for n in (8, 9, 16, 17, 19):
    for k in range(8):
        for c in ':/_ e\xe9 ':
            bad.append(digits[:k] + c + digits[k:n])
            bad.append('1.' + digits[:k] + c + digits[k:n])
edges = ['12345678', '1234567890123456', '12345678.87654321', '00000000123456789', '99999999999999999999',
         '9999999999999999999', '18446744073709551616', '0.00000000000000000001', '1234567890123456789e-5',
         '12345678e8', '1.2345678e+300', '12345678901234567890e-300', ' 12345678.5 ', '+12345678.125',
         '1_2345678.9', '12345678.9_1', '123456789012345678901234567890', '.12345678', '12345678.',
         '0x12345678', 'inf', '-Infinity', 'nan', '', '.', '-', '1e', '12345678e', '1.7976931348623157e308',
         '2.2250738585072014e-308', '4.9406564584124654e-324', '0.1000000000000000055511151231257827']
src = "{% for t in texts %}{{ t|float }} {{ t|float(-1) }} {{ t|int(-1) }};{% endfor %}"
env = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])
cases = {'parse_digit_runs': texts, 'parse_non_digits': bad, 'parse_edges': edges}
# printing floats that are no short decimal (Ryu straight away) next to ones that are
floats = "[1/3, 2/3, 0.1 + 0.2, 10/7, 1e9/7, 1e15/7, 1e16/7, 1e-3/7, 1e-4/7, 0.0001, 0.00011/3, 999999999.9999999, " \
         "123456789.1234567, 0.1234567, 1.2345678901234, 12345678901234.5, 4.35, 2.675, 1e9 + 0.5, 1e15 - 0.5, " \
         "5e-324, 1.7976931348623157e308, 2**53 + 0.0, 2**53 * 3.0, -1/3, -0.0, 1e22, 1e-5/3, 7.0, 100/3 * 3]"
prints = "{% for x in " + floats + " %}{{ x }} {{ -x }} {{ [x] }} {{ x|string }} {{ x ~ '' }} {{ (x|string)|float }} {{ x * 10 }} {{ x / 10 }};{% endfor %}"
cases['print_long'] = None
for name, ts in cases.items():
    if ts is None:
        o = env.from_string(prints).render()
        with open(os.path.join(out, name + '.test'), 'w') as f:
            f.write('--- template\n' + prints + '\n--- output\n' + o + '\n')
        continue
    tpl = "{% set texts = " + repr(ts) + " %}" + src
    o = env.from_string(tpl).render()
    with open(os.path.join(out, name + '.test'), 'w') as f:
        f.write('--- template\n' + tpl + '\n--- output\n' + o + '\n')

# list.extend (methods.c's copy) and list + list (ops.c's copy of both lists' items): empty ones, a list added to itself, tuples,
# nested lists and dicts (shared, then changed through one side), strings
ops = {
 'list_extend': "{% set a = [1, 'x', [2]] %}{% do a.extend(a) %}{{ a }}|{% do a.extend([]) %}{{ a|length }}|"
                "{% set b = [] %}{% do b.extend(('t', 3)) %}{% do b.extend('ab') %}{% do b.extend({'k': 1, 'j': 2}) %}"
                "{% do b.extend(range(3)) %}{{ b }}|{% do b.extend(a) %}{% do a[2].append(5) %}{{ b[-1] }}|"
                "{% set c = [] %}{% for i in range(5) %}{% do c.extend([i, 'v' ~ i]) %}{% endfor %}{{ c }}",
 'list_concat': "{% set a = [1, 'x', [2], {'k': 'v'}] %}{% set b = ('t', 3) %}{% set c = a + a %}"
                "{{ [] + [] }}|{{ a + [] }}|{{ [] + a }}|{{ c }}|{{ c|length }}|{{ b + b }}|{{ (b + ('u',))|length }}|"
                "{{ a + [none, true, 1.5] }}|{% do c[2].append(9) %}{{ a }}|{{ c }}|{% set d = c + [c[3]] %}"
                "{% do d[3].update({'z': 1}) %}{{ a[3] }}|{{ ['s' ~ 1] + ['s' ~ 2] * 2 }}|{{ (a + a + a)|length }}|"
                "{% for i in range(3) %}{% set a = a + [i] %}{% endfor %}{{ a }}",
}
out = os.path.join(root, 'hd_ops')
os.makedirs(out, exist_ok=True)
for name, src in ops.items():
    o = env.from_string(src).render()
    with open(os.path.join(out, name + '.test'), 'w') as f:
        f.write('--- template\n' + src + '\n--- output\n' + o + '\n')
