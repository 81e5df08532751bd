"""Machinery shared by the golden-test generators (gen_core.py, gen_library.py, gen_library2.py).

A row is (group, name, template[, context[, options[, expected[, providers[, warnings]]]]]).
generate() writes tests/golden/<group>/<name>.test for each row: the output Jinja2 renders, an
output written by hand (O), or an error (E). What an E row's `--- error` holds is the
generator's own policy, passed in as error_text; so is which printed Python objects make a
row wrong (printed_object).
"""
import json
import os
import sys

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))


class E(str):
    """an error case; its text is read by the generator's error_text (a reason or a message)"""


class O(str):
    """an expected output written by hand"""


def jinja_env(options):
    return jinja2.Environment(
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        autoescape="autoescape" in options,
        trim_blocks="trim_blocks" in options,
        lstrip_blocks="lstrip_blocks" in options,
        keep_trailing_newline="keep_trailing_newline" in options,
    )


def render(template, context, options):
    env = jinja_env(options)
    return env.from_string(template).render(**(context or {}))


def unpack(row):
    """(group, name, template, context, options, expected, providers, warnings) of a row"""
    group, name, template = row[:3]
    context = row[3] if len(row) > 3 else None
    options = list(row[4] or []) if len(row) > 4 else []
    expected = row[5] if len(row) > 5 else None
    providers = row[6] if len(row) > 6 else None
    warnings = row[7] if len(row) > 7 else None
    return group, name, template, context, options, expected, providers, warnings


def case_path(group, name):
    return os.path.join(HERE, group, name + ".test")


def head_text(template, context, options, providers=None):
    parts = ["--- template", template]
    if context is not None:
        parts += ["--- context", json.dumps(context, ensure_ascii=False)]
    if providers is not None:
        parts += ["--- providers", json.dumps(providers, ensure_ascii=False)]
    if options:
        parts += ["--- options"] + list(options)
    return "\n".join(parts) + "\n"


def blessed_error(path, head):
    """the diagnostic already in `path` when its case text up to `--- error` is `head`"""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            old = f.read()
    except OSError:
        return None
    if not old.startswith(head + "--- error\n"):
        return None
    rest = old[len(head) + len("--- error\n"):]
    cut = rest.find("\n--- warnings\n")
    text = rest[:cut] if cut >= 0 else rest
    if text.endswith("\n"):
        text = text[:-1]
    return None if text.startswith("PLACEHOLDER") else text


def write_case(group, name, head, kind, text, warnings=None):
    d = os.path.join(HERE, group)
    os.makedirs(d, exist_ok=True)
    body = head + "--- " + kind + "\n" + text + "\n"
    if warnings is not None:
        body += "--- warnings\n" + warnings + "\n"
    with open(case_path(group, name), "w", encoding="utf-8", newline="") as f:
        f.write(body)


def prints_generator(out):
    """why `out` is wrong when it shows a generator Jinja2 did not expand, else None"""
    return "prints a generator" if "<generator object" in out else None


def prints_python_object(out):
    """why `out` is wrong when it shows a generator or any other Python object, else None"""
    if "<generator object" in out or " object at 0x" in out:
        return f"prints a Python object: {out[:60]!r}"
    return None


def generate(rows, error_text, printed_object, groups=None, error_groups=()):
    """write every row's case file and print the counts; returns the exit status.

    error_text(group, name, template, context, options, expected, head) gives an E row's
    `--- error` text, or None when the row is wrong (it has said why). printed_object(out)
    says why a rendered output is wrong, or None. groups, when given, are the only groups
    allowed; a row of error_groups without an expectation is an E() row.
    """
    seen = set()
    counts = {}
    problems = 0
    for row in rows:
        group, name, template, context, options, expected, providers, warnings = unpack(row)
        if groups is not None and group not in groups:
            sys.exit(f"unknown group {group}")
        if (group, name) in seen:
            sys.exit(f"duplicate case {group}/{name}")
        seen.add((group, name))
        head = head_text(template, context, options, providers)
        if expected is None and group in error_groups:
            expected = E()
        if isinstance(expected, E):
            text = error_text(group, name, template, context, options, expected, head)
            if text is None:
                problems += 1
                continue
            write_case(group, name, head, "error", text)
        elif isinstance(expected, O):
            write_case(group, name, head, "output", str(expected), warnings)
        else:
            try:
                out = render(template, context, options)
            except Exception as exc:  # a row that should have been marked E()
                print(f"ERROR {group}/{name}: {type(exc).__name__}: {exc}")
                problems += 1
                continue
            wrong = printed_object(out)
            if wrong:
                print(f"ERROR {group}/{name}: {wrong}")
                problems += 1
                continue
            write_case(group, name, head, "output", out)
        counts[group] = counts.get(group, 0) + 1
    print(", ".join(f"{g}: {n}" for g, n in sorted(counts.items())), f"total: {sum(counts.values())}")
    return 1 if problems else 0
