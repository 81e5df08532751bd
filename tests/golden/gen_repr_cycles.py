#!/usr/bin/env python3
# usage: python3 tests/golden/gen_repr_cycles.py
# Python's repr of containers that hold themselves, directly or through others: a container
# met again while it is being printed prints as [...], (...), {...} or <Namespace {...}>
# (Py_ReprEnter), while a container held twice but not inside itself prints in full. Outputs
# from Jinja2 itself (tests/golden/repr/cycle_*).
import jinja2, os
HERE = os.path.dirname(os.path.abspath(__file__))
env = jinja2.Environment(extensions=['jinja2.ext.do'])
pre = "{% set l = [0] %}{% set m = [l] %}{% do l.append(m) %}{% set a = {} %}{% set b = [a] %}{% do a.update({'b': b}) %}"
cases = {
    'cycle_through_list': pre + "{{ l }}|{{ m }}|{{ [l] }}|{{ [m, m] }}",
    'cycle_through_dict': pre + "{{ a }}|{{ b }}|{{ {'x': a} }}|{{ [b]|string }}",
    'cycle_in_tuple': pre + "{% set t = (l, 1) %}{{ t }}|{{ (m,) }}|{% set u = [1] %}{% set v = (u, u) %}{% do u.append(v) %}{{ v }}|{{ u }}",
    'cycle_namespace': "{% set ns = namespace(x=1) %}{% set ns.me = ns %}{{ ns }}|{% set n2 = namespace(l=[]) %}{% do n2.l.append(n2) %}{{ n2 }}|{{ [n2] }}",
    'cycle_long': "{% set a = [1] %}{% set b = [a] %}{% set c = {'b': b} %}{% set d = [c] %}{% do a.append(d) %}{{ a }}|{{ d }}|{{ a|string|length }}",
    'shared_not_cycle': "{% set s = [1, 2] %}{% set t = [s, s, [s]] %}{{ t }}|{{ {'p': s, 'q': s} }}|{% set u = [t, t] %}{{ u }}",
    'self_direct': "{% set l = [] %}{% do l.append(l) %}{% do l.append(l) %}{{ l }}|{% set d = {} %}{% do d.update({'d': d, 'e': [d]}) %}{{ d }}",
}
os.makedirs(os.path.join(HERE, 'repr'), exist_ok=True)
for name, src in cases.items():
    out = env.from_string(src).render()
    with open(os.path.join(HERE, 'repr', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- output\n' + out + '\n')
    print(name, out)
