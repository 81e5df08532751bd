#!/usr/bin/env python3
"""run.py — the differential fuzzer: random templates (gen.py) rendered by Jinja2 3.1, the
oracle, and by jinn; every difference is a divergence.

Each case becomes a golden file (tests/golden's format) whose expectation is Jinja2's output,
or an error placeholder when Jinja2 fails; `jinn test` runs the whole folder in one process.
A case is the same when the outputs are equal byte for byte or when both engines fail.

    python3 tests/difffuzz/run.py --seed 1 -n 2000              # the make-test run
    python3 tests/difffuzz/run.py -n 100000 --out DIR --shrink  # a long run (make difffuzz-long)
    python3 tests/difffuzz/run.py --classes all ...             # also the classes jinn lacks

Divergences are counted per feature class (gen.CLASSES); with --out DIR each is written to DIR
as a golden case, shrunk (--shrink) to a minimal template first. The last line is
"N passed, M failed" (passed: same cases; failed: divergences in classes switched on).
"""
import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen  # noqa: E402

# issue 14's classes that jinn does not support yet: off unless asked for (KNOWN.md)
UNSUPPORTED = ["pymethods"]
SUPPORTED = [c for c in gen.CLASSES if c not in UNSUPPORTED]


def jinja_env(case):
    import jinja2
    und = jinja2.StrictUndefined if "undefined=strict" in case.options else jinja2.Undefined
    return jinja2.Environment(
        loader=jinja2.DictLoader(case.files), undefined=und,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        autoescape="autoescape" in case.options, trim_blocks="trim_blocks" in case.options,
        lstrip_blocks="lstrip_blocks" in case.options,
        keep_trailing_newline="keep_trailing_newline" in case.options)


def jinja_render(case):
    """(output, None) or (None, error text)"""
    try:
        ctx = json.loads(json.dumps(case.context))
        return jinja_env(case).from_string(case.template).render(**ctx), None
    except RecursionError:
        return None, "RecursionError"
    except Exception as e:  # any exception: the template fails in Jinja2
        return None, "%s: %s" % (type(e).__name__, e)


def usable(out):
    """outputs that cannot be compared: object addresses, Python reprs of callables, complex
    numbers (a deliberate limit: docs/language.md)"""
    return not re.search(r" at 0x[0-9a-f]+|<bound method|<built-in|<function |<class |<jinja2\.|<Macro |Undefined|[0-9]j\)", out)


def reclassify(case, kind, jinja_out, jinja_err=None):
    """the class a case is charged to: its generated class, unless what Jinja2 printed or how
    an engine failed names a class of KNOWN.md (Python objects, integers beyond int64, a bug)"""
    cls = case.klass()
    if cls != "core" and cls != "files":
        return cls
    if jinja_out is not None and re.search(r"Markup\(|range\(|[0-9]j\)", jinja_out, re.I):
        return "pyobjects"
    if jinja_err is not None and re.search(r"iterator'|generator'", jinja_err):
        return "pyobjects"
    if kind and "integer overflow" in kind:
        return "bigints"
    if kind and "unhashable type: 'Undefined'" in kind:
        return "bugs"
    return cls


def jinn_run_folder(jinn, folder):
    """run `jinn test` on the folder; the set of case files it failed and whether each failure
    is error-vs-error (which counts as the same)"""
    r = subprocess.run([jinn, "test", folder], capture_output=True, timeout=3600)
    text = r.stdout.decode("utf-8", "replace")
    fails = {}
    cur = None
    for line in text.split("\n"):
        m = re.match(r"^FAIL (\S+?)(: .*)?$", line)
        if m:
            cur = os.path.basename(m.group(1))
            fails[cur] = "bad file" if m.group(2) else "differs"
        elif cur and line.startswith("  expected "):
            fails[cur] = line.strip()
        elif cur and fails[cur].startswith("expected output") and re.match(r"^\+\S+:\d+:\d+: ", line):
            # jinn's message, so that shrinking keeps to the same failure
            fails[cur] += " | " + re.sub(r"^\+\S+:\d+:\d+: ", "", line)
    last = text.rstrip("\n").split("\n")[-1] if text.strip() else ""
    if not re.match(r"^\d+ passed, \d+ failed$", last):
        return None, text[-2000:] + r.stderr.decode("utf-8", "replace")[-2000:]
    return fails, None


def divergent(fails, name, jinja_err):
    """is the case a divergence, and of which kind"""
    f = fails.get(name)
    if f is None:
        return None
    if jinja_err is not None:
        if f == "differs":  # both failed: the placeholder does not match jinn's message
            return None
        return "jinja2 fails, jinn renders"
    if f.startswith("expected output"):
        return "jinn fails, jinja2 renders" + f[len("expected output, got an error"):]
    return "outputs differ" if f == "differs" else f


def run_one(jinn, case, folder):
    """the verdict on one case alone: None (same) or the kind of divergence, with the class it
    is charged to"""
    out, err = jinja_render(case)
    if out is not None and not usable(out):
        return "unusable"
    path = os.path.join(folder, "one.test")
    with open(path, "w", encoding="utf-8") as f:
        f.write(gen.golden_text(case, out, err))
    fails, bad = jinn_run_folder(jinn, path)
    if fails is None:
        return "jinn crashed"
    kind = divergent(fails, "one.test", err)
    return kind and "%s [%s]" % (kind, reclassify(case, kind, out, err))


# ---- shrinking ----------------------------------------------------------------------------
TOKEN = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\})", re.S)


def ddmin(items, test):
    """Zeller's delta debugging: a 1-minimal sublist of items for which test holds"""
    n = 2
    while len(items) >= 2:
        chunk = max(1, len(items) // n)
        reduced = False
        for i in range(0, len(items), chunk):
            cand = items[:i] + items[i + chunk:]
            if cand and test(cand):
                items = cand
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    return items


BLOCK = re.compile(r"^\{%-?\s*(end)?(if|for|macro|call|filter|with|block|set|raw|autoescape)\b")


def unwrap(toks, test):
    """for each block tag with its end tag: drop the whole block, else drop just the two tags
    (what ddmin cannot do, since dropping one of them alone is a syntax error)"""
    i = 0
    while i < len(toks):
        m = BLOCK.match(toks[i])
        if m and not m.group(1):
            depth, j = 0, i
            while j < len(toks):
                mj = BLOCK.match(toks[j])
                if mj and mj.group(2) == m.group(2):
                    depth += -1 if mj.group(1) else 1
                    if depth == 0:
                        break
                j += 1
            if j < len(toks):
                cand = toks[:i] + toks[j + 1:]
                if cand and test(cand):
                    toks = cand
                    continue
                cand = toks[:i] + toks[i + 1:j] + toks[j + 1:]
                if cand and test(cand):
                    toks = cand
                    continue
        i += 1
    return toks


def shrink(jinn, case, kind, folder, budget=1500):
    """the smallest case, by delta debugging, that diverges the same way: the template's tags
    and text runs first, then the words inside each tag, then the context's keys and the files"""
    calls = [0]

    def same_kind(c):
        if calls[0] >= budget:
            return False
        calls[0] += 1
        return run_one(jinn, c, folder) == kind

    def with_tpl(t):
        return gen.Case(t, case.files, case.context, case.options, case.used)

    toks = [t for t in TOKEN.split(case.template) if t]
    toks = ddmin(toks, lambda ts: same_kind(with_tpl("".join(ts))))
    toks = unwrap(toks, lambda ts: same_kind(with_tpl("".join(ts))))
    toks = ddmin(toks, lambda ts: same_kind(with_tpl("".join(ts))))
    # inside each tag: drop words
    i = 0
    while i < len(toks):
        t = toks[i]
        m = re.match(r"^(\{[{%#]-?\s*)(.*?)(\s*-?[}%#]\})$", t, re.S)
        if m and len(m.group(2).split(" ")) > 1:
            words = m.group(2).split(" ")

            def test_words(ws, i=i, m=m):
                cand = toks[:i] + [m.group(1) + " ".join(ws) + m.group(3)] + toks[i + 1:]
                return same_kind(with_tpl("".join(cand)))
            words = ddmin(words, test_words)
            toks[i] = m.group(1) + " ".join(words) + m.group(3)
        i += 1
    case = with_tpl("".join(toks))
    keys = ddmin(sorted(case.context), lambda ks: same_kind(gen.Case(case.template, case.files, {k: case.context[k] for k in ks}, case.options, case.used)))
    if len(keys) == 1 and same_kind(gen.Case(case.template, case.files, {}, case.options, case.used)):
        keys = []
    case = gen.Case(case.template, case.files, {k: case.context[k] for k in keys}, case.options, case.used)
    for name in sorted(case.files):
        files = {k: v for k, v in case.files.items() if k != name}
        c = gen.Case(case.template, files, case.context, case.options, case.used)
        if same_kind(c):
            case = c
    for o in list(case.options):
        c = gen.Case(case.template, case.files, case.context, [x for x in case.options if x != o], case.used)
        if same_kind(c):
            case = c
    return case


def show(jinn, case, do_shrink):
    scratch = tempfile.mkdtemp(prefix="difffuzz.")
    try:
        kind = run_one(jinn, case, scratch)
        print("== found: %s" % kind)
        if kind and do_shrink:
            case = shrink(jinn, case, kind, scratch)
        out, err = jinja_render(case)
        text = gen.golden_text(case, out, err)
        print(text)
        path = os.path.join(scratch, "one.test")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        r = subprocess.run([jinn, "test", path], capture_output=True)
        print("== verdict: %s" % run_one(jinn, case, scratch))
        print(r.stdout.decode("utf-8", "replace"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def prepare(job):
    """one case and Jinja2's verdict on it (in a worker process)"""
    cseed, classes = job
    case = gen.Gen(cseed, classes).case()
    out, err = jinja_render(case)
    return case, out, err


# ---- the run ----------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="first seed (default: random)")
    ap.add_argument("-n", type=int, default=2000, help="number of cases")
    ap.add_argument("--classes", default="supported",
                    help="'supported' (default), 'all', or a comma list of gen.CLASSES")
    ap.add_argument("--out", help="write each divergence here as a golden case")
    ap.add_argument("--shrink", action="store_true", help="shrink each divergence written with --out")
    ap.add_argument("--max-shrink", type=int, default=10, help="divergences shrunk per class (the rest are written as found)")
    ap.add_argument("--shrink-budget", type=int, default=1500, help="runs of both engines per shrink")
    ap.add_argument("--batch", type=int, default=5000, help="cases per jinn run")
    ap.add_argument("-q", action="store_true", help="only the summary")
    ap.add_argument("-j", type=int, default=2, help="processes rendering with Jinja2 (default 2)")
    ap.add_argument("--show", type=int, metavar="SEED", help="print one case (shrunk with --shrink) and both results")
    args = ap.parse_args()
    jinn = os.environ.get("JINN", "bin/jinn")
    if not os.path.isabs(jinn):
        jinn = os.path.join(ROOT, jinn)
    classes = {"supported": SUPPORTED, "all": gen.CLASSES}.get(args.classes) or args.classes.split(",")
    for c in classes:
        if c not in gen.CLASSES:
            sys.exit("run.py: unknown class %r (one of %s)" % (c, ", ".join(gen.CLASSES)))
    if args.show is not None:
        return show(jinn, gen.Gen(args.show, classes).case(), args.shrink)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    print("seed %d, %d cases, classes: %s" % (seed, args.n, ", ".join(classes)))
    scratch = tempfile.mkdtemp(prefix="difffuzz.")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    per_class = {}
    diverged = {}
    same = skipped = errors_both = 0
    t0 = time.time()
    pool = multiprocessing.Pool(args.j) if args.j > 1 else None
    try:
        done = 0
        while done < args.n:
            k = min(args.batch, args.n - done)
            folder = os.path.join(scratch, "b%d" % done)
            os.mkdir(folder)
            cases, outs = {}, {}
            jobs = [(seed + i, classes) for i in range(done, done + k)]
            results = pool.imap(prepare, jobs, chunksize=25) if pool else map(prepare, jobs)
            for i, (case, out, err) in zip(range(done, done + k), results):
                if out is not None and not usable(out):
                    skipped += 1
                    continue
                name = "c%07d.test" % i
                cases[name] = (case, err, seed + i)
                outs[name] = out
                with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                    f.write(gen.golden_text(case, out, err))
            fails, bad = jinn_run_folder(jinn, folder)
            if fails is None:
                # a crash ends the batch: run its cases one by one to find the culprits
                fails = {}
                for name in sorted(cases):
                    f1, bad1 = jinn_run_folder(jinn, os.path.join(folder, name))
                    if f1 is None:
                        fails[name] = "expected jinn to finish (crashed)"
                    else:
                        fails.update(f1)
            for name, (case, err, cseed) in sorted(cases.items()):
                kind = divergent(fails, name, err)
                cls = reclassify(case, kind, outs.get(name), err)
                if cls not in classes:
                    skipped += 1
                    continue
                per_class.setdefault(cls, [0, 0])
                per_class[cls][0] += 1
                if kind is None:
                    same += 1
                    errors_both += err is not None
                    continue
                per_class[cls][1] += 1
                diverged.setdefault(cls, []).append((cseed, kind, case))
                if not args.q:
                    print("DIVERGES seed %d [%s] %s" % (cseed, cls, kind[:150]))
            shutil.rmtree(folder)
            done += k
        # the divergences: written, shrunk
        if args.out:
            for cls, items in sorted(diverged.items()):
                for j, (cseed, kind, case) in enumerate(items):
                    if args.shrink and j < args.max_shrink:
                        case = shrink(jinn, case, run_one(jinn, case, scratch), scratch, args.shrink_budget)
                    out, err = jinja_render(case)
                    path = os.path.join(args.out, "%s_%d.test" % (cls, cseed))
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(gen.golden_text(case, out, err))
    finally:
        if pool:
            pool.terminate()
        shutil.rmtree(scratch, ignore_errors=True)
    took = time.time() - t0
    print("per class (cases, divergences):")
    for cls in gen.CLASSES:
        if cls in per_class:
            print("  %-12s %7d %6d" % (cls, per_class[cls][0], per_class[cls][1]))
    print("%d cases in %.1f s: %d same (%d failing in both), %d skipped (unprintable objects), %d diverge"
          % (args.n, took, same, errors_both, skipped, sum(len(v) for v in diverged.values())))
    print("%d passed, %d failed" % (same, sum(len(v) for v in diverged.values())))
    return 1 if diverged else 0


if __name__ == "__main__":
    sys.exit(main())
