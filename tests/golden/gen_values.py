#!/usr/bin/env python3
# usage: python3 tests/golden/gen_values.py tests/golden/values
# golden cases for the value layer's fast paths (src/value.[ch]): freeing lists and dicts flat
# (val_free_heap: strings made at render time, nested containers a level or two down, deeper
# trees left to the iterative walk, undefined values with their message inside containers),
# and the small-dict scans by pointer and count (attribute and item lookups, `in`, set, update
# and pop on dicts with deleted entries, emptied, or of every size up to 8 and just past it).
# Outputs from Jinja2 itself.
import jinja2, json, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
ctx = {
 'rows': [{'name': 'r%d' % i, 'tags': ['t%d' % j for j in range(i % 4)], 'score': i * 1.5,
           'sub': {'k': 'v%d' % i, 'deep': [{'x': i}]}} for i in range(6)],
 'row7': {'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6, 'g': 7},
 'row8': {'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6, 'g': 7, 'h': 8},
 'row9': {'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6, 'g': 7, 'h': 8, 'i': 9},
 'empty': {},
}
cases = {
 # lists and dicts of strings made at render time, dropped when the name is set again
 'free_flat_strings':
  "{% for i in range(4) %}{% set l = ['a' ~ i, 'b' ~ i, i ~ '', 'c' * i] %}{% set d = {'k' ~ i: 'v' ~ i, 'n': i ~ '!'} %}"
  "{{ l|join(',') }};{{ d }};{% endfor %}{% set l = none %}{% set d = none %}{{ l }}{{ d }}",
 # containers one, two, three and more levels down, each level holding fresh strings
 'free_flat_nested':
  "{% for i in range(3) %}{% set t = [{'a': ['x' ~ i, {'b': ['y' ~ i, {'c': ['z' ~ i, {'d': ['w' ~ i]}]}]}]}, ['q' ~ i, ['r' ~ i, ['s' ~ i, ['u' ~ i]]]]] %}"
  "{{ t }}|{% endfor %}{% set t = 0 %}{{ t }}",
 # a tree far deeper than the flat levels: the walk frees it (and its strings)
 'free_deep_tree':
  "{% set ns = namespace(x=[], y={}) %}{% for i in range(300) %}{% set ns.x = [ns.x, 'a' ~ i] %}{% set ns.y = {'in': ns.y, 'k': i ~ 'k'} %}{% endfor %}"
  "{{ ns.x[1] }} {{ ns.x[0][1] }} {{ ns.y.k }} {{ ns.y['in'].k }}{% set ns.x = 1 %}{% set ns.y = 2 %} {{ ns.x }} {{ ns.y }}",
 # a container shared by two others: freed once, when its last holder goes
 'free_shared_child':
  "{% set c = ['s' ~ 1, {'k': 'v' ~ 2}] %}{% set a = [c, c, {'c': c}] %}{% set b = {'x': a, 'y': [a, c]} %}{% set a = none %}{{ b.x[2].c }}"
  "{% set c = none %}{{ b.y[1] }}{% set b = none %}{{ b }}",
 # rows from the context (never freed) inside render-made lists and dicts
 'free_context_rows':
  "{% set l = rows|selectattr('score', 'gt', 2)|list %}{% set m = {'all': rows, 'some': l, 'names': rows|map(attribute='name')|list} %}"
  "{{ m.some|map(attribute='name')|join(',') }} {{ m.names|join(',') }}{% set m = none %}{% set l = none %} {{ rows|length }} {{ rows[5].sub.deep[0].x }}",
 # undefined values (with their message) kept in lists and dicts, then dropped
 'free_undefined_items':
  "{% set l = [missing, rows[0].nope, rows.nope, [missing2]] %}{{ l|length }} {{ l[0] is defined }} {{ l[1] is undefined }}"
  "{% set d = {'u': missing, 'v': [rows[1].nope]} %}{{ d|length }} {{ d.u is defined }}{% set l = none %}{% set d = none %} done",
 # lookups in small dicts: every key of dicts of 7, 8 and 9 entries (9: indexed), missing keys
 'dict_scan_sizes':
  "{% for d in [row7, row8, row9, empty] %}{% for k in 'abcdefghijz' %}{{ d[k] if k in d else '-' }}{% endfor %} "
  "{{ d.a }}{{ d.g }}{{ d.z is defined }}{{ d.get('h', 'H') }}|{% endfor %}",
 # entries deleted (pop) before and after the key looked up, a dict emptied, keys set again
 'dict_scan_deleted':
  "{% set d = {'a': 1, 'b': 2, 'c': 3, 'd': 4} %}{% do d.pop('b') %}{{ d.a }}{{ d.b is defined }}{{ d.c }}{{ d.d }}{{ 'b' in d }}"
  "{% do d.pop('a') %}{% do d.pop('c') %}{% do d.pop('d') %}{{ d }}{{ d.a is defined }}{{ 'a' in d }}{{ d|length }}"
  "{% do d.update({'c': 'C'}) %}{% set _ = d.__setitem__ if false %}{{ d }}{{ d.c }}{{ d.get('a', 'no a') }}"
  "{% set e = {} %}{{ e.x is defined }}{{ 'x' in e }}{% do e.update({'x': 1}) %}{% do e.pop('x') %}{{ e.x is defined }}{{ e }}",
 # a namespace set attribute by attribute (the dict_set scan) and read back
 'dict_scan_namespace':
  "{% set ns = namespace(a=1, b='x', c=none) %}{% for i in range(3) %}{% set ns.a = ns.a + i %}{% set ns.b = ns.b ~ i %}{% set ns.d = i %}{% endfor %}"
  "{{ ns.a }} {{ ns.b }} {{ ns.c }} {{ ns.d }} {{ ns.e is defined }}",
 # keys of other types beside strings: ints, floats, bools, none, tuples
 'dict_scan_mixed_keys':
  "{% set d = {1: 'one', 'one': 1, 2.0: 'two', none: 'n', true: 'T', (1, 'a'): 'tup'} %}{{ d[1] }} {{ d['one'] }} {{ d[2] }} {{ d[none] }} {{ d[true] }}"
  " {{ d[(1, 'a')] }} {{ 'one' in d }} {{ 3 in d }} {{ d.get(2.0) }} {{ d.one }}",
 # `in` of a string in a list: the very string, another of the same length (equal or not),
 # other lengths, items of other types, an empty list; in a dict, a namespace, a string
 'contains_str_in_list':
  "{% set l = ['ab', 1, none, 'abc', ['abc'], 'xyz', 'abc' ~ ''] %}{% for x in ['abc', 'xyz', 'ab', 'a', 'abd', '', 'ab' ~ 'c'] %}"
  "{{ x in l }}{{ x not in l }}{{ x in [] }}{{ x in [1, 2.5, none] }}{{ x in ['', 'a'] }}{{ x in row7 }}{{ x in empty }}{{ x in 'xabcx' }};{% endfor %}"
  "{{ 1 in l }}{{ ['abc'] in l }}{{ none in l }}{{ 2 in l }}{{ 'name' in rows[0] }}{{ 'nope' in rows[0] }}{{ 'sub' in rows[0] }}",
 'contains_select_in':
  "{{ ['a', 'bb', 'ccc', 'bb', 'dd', 1, 'e']|select('in', ['bb', 'e', 'zz', 1])|list }} {{ ['a', 'bb']|reject('in', ['a'])|list }}"
  " {{ rows|selectattr('name', 'in', ['r1', 'r3', 'r9'])|map(attribute='name')|join(',') }} {{ ['x' * 20, 'y' * 20]|select('in', ['y' * 20])|list }}",
 # dicts made empty and filled key by key: the first entry takes the dict's own room, then it
 # grows out of it (4 -> 8) and past 8 gets its index; namespaces, dict(), update, set again
 'dict_fill_from_empty':
  "{% set d = {} %}{% for i in range(12) %}{% do d.update({'k' ~ i: i}) %}{{ d|length }}{{ d['k' ~ (i // 2)] }}{{ d.k0 }},{% endfor %}{{ d }}"
  "{% set e = dict() %}{% do e.update(a=1) %}{{ e }}{% set ns = namespace() %}{% set ns.x = 1 %}{% set ns.y = ns.x + 1 %}{{ ns.x }}{{ ns.y }}"
  "{% set f = {} %}{% do f.update({'a': 1}) %}{% do f.pop('a') %}{% do f.update({'b': 2}) %}{{ f }}{% set g = {} %}{% do g.setdefault('z', []) %}{{ g }}",
}
for name, src in cases.items():
    env = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])
    o = env.from_string(src).render(**ctx)
    with open(os.path.join(out, name + '.test'), 'w') as f:
        f.write('--- template\n' + src + '\n')
        f.write('--- context\n' + json.dumps(ctx, ensure_ascii=False) + '\n--- output\n' + o + '\n')
    print(name, repr(o)[:120])
