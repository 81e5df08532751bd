#!/usr/bin/env python3
# usage: python3 tests/golden/gen_round_none.py [JINN]
# |round(none): Jinja2's do_round is round(value, precision) for the common method, so a
# precision of None is Python's round(x), an int (halves to even), and ceil/floor compute
# 10 ** None, a TypeError. Outputs from Jinja2 itself; an error case must fail in Jinja2 too
# (inf and nan come from the context: Jinja2 cannot fold them as constants), with jinn's
# message written by the build given (default bin/jinn) and the same words as Python's.
import jinja2, json, os, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
JINN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', 'bin', 'jinn')
env = jinja2.Environment()
ctx = {'inf': float('inf'), 'ninf': float('-inf'), 'nan': float('nan'), 'big': 2 ** 70}
cases = {
 'round_none_floats': "{{ 12.345|round(none) }} {{ 2.5|round(none) }} {{ 3.5|round(none) }} {{ -0.5|round(none) }} {{ -2.5|round(none) }} {{ 0.49999999999999994|round(none) }} {{ 12.345|round(precision=none) }}",
 'round_none_kinds': "{{ 1e20|round(none) }} {{ -1.5e300|round(none)|string|length }} {{ 5|round(none) }} {{ true|round(none) }} {{ big|round(none) }} {{ 2.5|round(none, 'common') }}",
 'round_none_is_int': "{{ (12.5|round(none)) is integer }} {{ 12.5|round(none) + 1 }} {{ [7.5|round(none)] }} {% set r = 0.5|round(none) %}{{ r }}",
}
errors = {
 'round_none_ceil': "{{ 2.5|round(none, 'ceil') }}",
 'round_none_floor': "{{ 2.5|round(none, 'floor') }}",
 'round_none_inf': "{{ inf|round(none) }}",
 'round_none_ninf': "{{ ninf|round(none) }}",
 'round_none_nan': "{{ nan|round(none) }}",
 'round_none_str': "{{ 'x'|round(none) }}",
}
os.makedirs(os.path.join(HERE, 'fidelity'), exist_ok=True)
jctx = json.dumps({'big': ctx['big']})
for name, src in cases.items():
    out = env.from_string(src).render(**ctx)
    with open(os.path.join(HERE, 'fidelity', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + src + '\n--- context\n' + jctx + '\n--- output\n' + out + '\n')
for name, src in errors.items():
    try:
        env.from_string(src).render(**ctx)
        raise SystemExit(f'{name}: Jinja2 did not fail')
    except (TypeError, ValueError, OverflowError) as e:
        py = str(e)
    # jinn's context is JSON: inf and nan made by |float
    jsrc = src.replace('ninf|', "('-inf'|float)|").replace('inf|', "('inf'|float)|").replace('nan|', "('nan'|float)|")
    tmp = os.path.join('/tmp', name + '.jinja')
    with open(tmp, 'w') as f:
        f.write(jsrc)
    r = subprocess.run([JINN, 'render', tmp], capture_output=True, text=True)
    if r.returncode == 0 or py not in r.stderr:
        raise SystemExit(f'{name}: jinn gave {r.stdout!r} {r.stderr!r}, Python {py!r}')
    with open(os.path.join(HERE, 'fidelity', name + '.test'), 'w', encoding='utf-8', newline='') as f:
        f.write('--- template\n' + jsrc + '\n--- error\n' + r.stderr.replace('/tmp/', ''))
print(len(cases), 'output cases,', len(errors), 'error cases written')
