#!/usr/bin/env python3
# usage: python3 tests/golden/gen_repr.py tests/golden/repr
# Python's repr of strings inside containers: what is not printable (str.isprintable) is
# escaped as \xHH, \uHHHH or \UHHHHHHHH; outputs from Jinja2 itself.
import jinja2, os, sys
out = sys.argv[1]
env = jinja2.Environment()
cases = {
    'nonprintable_bmp': ("{{ [s] }}", "a\u200bb\u2028c\u2029d\ufeffe\u00a0f\u00adg\u3000h\u061ci"),
    'nonprintable_latin1': ("{{ [s] }}", "x\x85y\x9fz\x80"),
    'nonprintable_astral': ("{{ [s] }}", "p\U000f0000q\U0010ffffr\U000e0001s"),
    'printable_kept': ("{{ [s] }}", "é日本😀\u0301ĳ\U0001d173\u1680"),
    'quotes_and_escapes': ("{{ [s, t] }}", "it's \\ \t\n\r\x1b\x7f", 'say "hi"\u2028'),
    'dict_keys_and_markup': ("{{ {s: s} }}|{{ [s|safe] }}", "k\u200b"),
}
for name, (src, *vals) in cases.items():
    names = ['s', 't'][:len(vals)]
    o = env.from_string(src).render(**dict(zip(names, vals)))
    import json
    with open(os.path.join(out, name + '.test'), 'w') as f:
        f.write('--- context\n' + json.dumps(dict(zip(names, vals))) + '\n--- template\n' + src + '\n--- output\n' + o + '\n')
    print(name, o)
