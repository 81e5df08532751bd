#!/usr/bin/env python3
"""gen_golden.py — writes the golden cases for Python's float // and % and for Python's
full Unicode case mapping (issue 14, items 10 and 11), each expected output rendered by
Jinja2 itself. Re-run after changing a row:

    /usr/bin/python3 tests/difffuzz/gen_golden.py && bin/jinn test tests/golden
"""
import json
import os

import jinja2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ROWS = [
    # (folder, name, template, context)
    ("syntax", "op_float_floordiv_python",
     "{{ 0.25 // 0.05 }} {{ 1 // 0.1 }} {{ -1 // 0.1 }} {{ 0.3 // 0.1 }} {{ 7 // -0.0001 }} {{ -0.0 // 3 }}"
     " {{ 0.0 // -3 }} {{ -1 // 1e400 }} {{ 1 // 1e400 }} {{ 1e400 // 3 }}", None),
    ("syntax", "op_float_mod_python",
     "{{ 0.25 % 0.05 }} {{ 1 % 0.1 }} {{ -1 % 0.1 }} {{ 5.0 % -3 }} {{ 0.0 % -3 }} {{ -0.0 % 3 }}"
     " {{ 6 % -3.0 }} {{ -1 % 1e400 }} {{ 3 % 1e400 }} {{ 1e400 % 3 }}", None),
    ("filters", "round_ceil_floor_no_negative_zero",
     "{{ -0.125|round(0, 'ceil') }} {{ x|round(2, method='floor') }} {{ (2.75 / -3)|round(0, 'ceil') / -3 }} {{ -0.5|round }}",
     {"x": -0.0}),
    ("filters", "upper_full_mapping",
     "{{ s|upper }}", {"s": "\ufb01ne \ufb02y stra\u00dfe \u0149 \u01f0 \u0390 \u1f80 \u0587 \u00b5"}),
    ("filters", "lower_dotted_capital_i",
     "{{ s|lower }}|{{ s|lower|length }}", {"s": "\u0130stanbul"}),
    ("filters", "lower_final_sigma",
     "{% for s in words %}{{ s|lower }}|{% endfor %}",
     {"words": ["\u039f\u0394\u039f\u03a3", "\u039f\u0394\u039f\u03a3 \u039f\u0394\u039f\u03a3.", "\u03a3",
                "\u03a3A", "A\u03a3'", "A'\u03a3", "A\u03a3'B", "1\u03a3", "\u03a3\u03a3\u03a3"]}),
    ("filters", "capitalize_full_mapping",
     "{% for s in words %}{{ s|capitalize }}|{% endfor %}",
     {"words": ["\ufb01ne", "\u00dfig", "\u01c6x", "\u0149AB", "A\u03a3", "\u1f80\u03a3 \u03a3"]}),
    ("filters", "title_unicode_spaces",
     "{{ s|title }}", {"s": "a\u00a0b\u3000c\u2003d\x1ce \u0130x\u00a0\ufb01ne"}),
    ("methods", "str_upper_lower_full_mapping",
     "{{ s.upper() }}|{{ s.lower() }}", {"s": "\ufb01ne \u0130 \u039f\u0394\u039f\u03a3 stra\u00dfe"}),
    ("methods", "str_title_full_mapping",
     "{% for s in words %}{{ s.title() }}|{% endfor %}",
     {"words": ["\ufb01ne \ufb02y", "\u00dfig stra\u00dfe", "\u01c6x \u01c4x", "they're", "\u039f\u0394\u039f\u03a3 \u03a3A",
                "a\u03a3'b", "\u0149n"]}),
    ("methods", "str_capitalize_full_mapping",
     "{% for s in words %}{{ s.capitalize() }}|{% endfor %}",
     {"words": ["\ufb03x", "\u0130I", "\u039f\u0394\u039f\u03a3", "\u01c4\u01c4"]}),
]


def main():
    env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    for folder, name, template, ctx in ROWS:
        out = env.from_string(template).render(**(ctx or {}))
        parts = ["--- template", template]
        if ctx is not None:
            parts += ["--- context", json.dumps(ctx, ensure_ascii=False)]
        parts += ["--- output", out]
        path = os.path.join(ROOT, "tests", "golden", folder, name + ".test")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(parts) + "\n")
        print(path)


if __name__ == "__main__":
    main()
