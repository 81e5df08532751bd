#!/usr/bin/env python3
"""casemap.py — jinn's case mapping against Python's, for every code point.

For each code point that Python's Unicode database assigns (surrogates left out), jinn's
|upper, |lower, |capitalize, |title and the methods .upper() .lower() .title() .capitalize()
must print what Python (and so Jinja2) prints. Then strings built around capital sigma, where
lower() depends on the neighbours (Final_Sigma), with cased, uncased and case-ignorable code
points on either side. Code points unassigned in Python's database are skipped: jinn's
mappings come from ICU, whose Unicode version may be newer.

Usage: JINN=bin/jinn python3 tests/difffuzz/casemap.py   (prints "N passed, M failed")
"""
import itertools
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JINN = os.environ.get("JINN", "bin/jinn")
SEP = "\x01"  # no case mapping produces or consumes it

# each form: the template expression over `s`, and what Python computes
FORMS = [
    ("s|upper", str.upper), ("s|lower", str.lower), ("s|capitalize", str.capitalize),
    ("s.upper()", str.upper), ("s.lower()", str.lower), ("s.title()", str.title),
    ("s.capitalize()", str.capitalize),
]


def jinn_render(template, ctx):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(ctx, f, ensure_ascii=False)
    try:
        r = subprocess.run([os.path.join(ROOT, JINN) if not os.path.isabs(JINN) else JINN, "render", "-",
                            "--context", f.name, "--limit", "output_bytes=100000000",
                            "--limit", "string_bytes=100000000", "--limit", "collection_items=1000000",
                            "--limit", "fuel=1000000000"],
                           input=template.encode(), capture_output=True, timeout=300)
    finally:
        os.unlink(f.name)
    if r.returncode:
        return None, r.stderr.decode("utf-8", "replace")
    return r.stdout.decode("utf-8"), None


def compare(label, items, failures):
    """one render per form over all items; a mismatch names the first few differing items"""
    ok = 0
    for expr, py in FORMS:
        out, err = jinn_render("{% for s in xs %}{{ " + expr + " }}" + SEP + "{% endfor %}", {"xs": items})
        if out is None:
            failures.append("%s %s: jinn failed: %s" % (label, expr, err.strip()[:300]))
            continue
        got = out.split(SEP)[:-1]
        want = [py(s) for s in items]
        if got == want:
            ok += 1
            continue
        bad = [(s, g, w) for s, g, w in zip(items, got, want) if g != w]
        shown = ", ".join("%r: jinn %r, Python %r" % b for b in bad[:5])
        failures.append("%s %s: %d differ (%s)" % (label, expr, len(bad) or abs(len(got) - len(want)), shown))
    return ok


def main():
    chars = [chr(c) for c in range(0x110000)
             if not 0xD800 <= c <= 0xDFFF and chr(c) != SEP and unicodedata.category(chr(c)) != "Cn"]
    # Final_Sigma: capital sigma between every mix of neighbours, at the start, the end, alone
    around = ["", "A", "a", "1", " ", "'", "\u0345", "\u00ad", ".", "\u03a3", "ab", "A'", "'a", "\u0301"]
    sigma = sorted({l + "\u03a3" + r for l, r in itertools.product(around, repeat=2)})
    sigma += [w + " " + w for w in ("\u039f\u0394\u039f\u03a3", "\u03a3\u0391\u03a3", "\u0391\u03a3'\u03a3")]
    sigma += ["\u0130stanbul", "\ufb01ne \ufb02y", "stra\u00dfe", "\u01c6\u01c4\u01c5x", "\u0149n", "\u1f80\u1fb3"]
    failures = []
    ok = compare("every code point", chars, failures) + compare("sigma strings", sigma, failures)
    # the |title filter is Jinja2's own (first character of each word upper): check it by Jinja2
    import jinja2
    env = jinja2.Environment()
    words = sigma + ["x" + c + "y z" + c for c in chars[::37]]
    words += ["x" + c + "y" for c in chars if c.isspace() or c in "-({[<\0"]
    out, err = jinn_render("{% for s in xs %}{{ s|title }}" + SEP + "{% endfor %}", {"xs": words})
    want = env.from_string("{% for s in xs %}{{ s|title }}" + SEP + "{% endfor %}").render(xs=words)
    if out == want:
        ok += 1
    else:
        failures.append("|title: %s" % (err or "differs from Jinja2")[:300])
    for f in failures:
        print("FAIL: " + f)
    print("%d passed, %d failed" % (ok, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
