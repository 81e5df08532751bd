#!/usr/bin/env python3
# usage: python3 tests/golden/gen_posonly_functions.py
# dict() and namespace() take their mapping positionally only (Python's dict(mapping, /,
# **kwargs); Jinja2's Namespace(*args, **kwargs) passes them to dict): a keyword named
# `mapping` is one more key. Outputs from Jinja2 itself (tests/golden/fidelity/posonly_*).
import jinja2, os
HERE = os.path.dirname(os.path.abspath(__file__))
env = jinja2.Environment()
cases = {
 'posonly_namespace_mapping_key': "{{ namespace(mapping=1).mapping }}|{{ namespace(a=1, mapping=2) }}|{{ namespace({'a': 1}, mapping=3) }}|{{ namespace({'a': 1}, b=2) }}",
 'posonly_dict_mapping_key': "{{ dict(mapping=1) }}|{{ dict({'a': 1}, mapping=2) }}|{{ dict([('k', 1)], mapping=[]) }}|{{ dict() }}",
 'posonly_function_values': "{% set f = namespace %}{{ f(mapping=4) }}|{% set g = dict %}{{ g(mapping=5) }}|{% set ns = namespace(mapping=0) %}{% set ns.mapping = ns.mapping + 1 %}{{ ns.mapping }}",
}
for name, src in cases.items():
    out = env.from_string(src).render()
    with open(os.path.join(HERE, 'fidelity', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- output\n' + out + '\n')
    print(name, out)
