#!/usr/bin/env python3
"""Reference-difference harness: render every case in tests/diff/corpus with
Python's Jinja2 and with jinn's CLI, and compare the outputs byte for byte.

Usage: python3 tests/diff/run.py [-k SUBSTR] [-v] [--jinja-only]

See tests/diff/README.md for the case format.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys

SYSTEM_PYTHON = "/usr/bin/python3"
REEXEC_GUARD = "JINN_DIFF_REEXEC"


def maybe_reexec():
    """Prefer /usr/bin/python3's jinja2 (Debian python3-jinja2) when it is importable."""
    if os.environ.get(REEXEC_GUARD):
        return
    try:
        if os.path.realpath(sys.executable) == os.path.realpath(SYSTEM_PYTHON):
            return
    except OSError:
        pass
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import jinja2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        return
    env = dict(os.environ)
    env[REEXEC_GUARD] = "1"
    os.execve(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:], env)


maybe_reexec()

try:
    import jinja2
except ImportError:
    sys.stderr.write("run.py: jinja2 is not importable by %s (install python3-jinja2)\n"
                     % sys.executable)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
DIVERGENCES = os.path.join(HERE, "DIVERGENCES.md")
TIMEOUT = 10  # seconds per jinn run

BOOL_OPTS = ("trim_blocks", "lstrip_blocks", "keep_trailing_newline")


class Case:
    def __init__(self, name, path):
        self.name = name  # "<group>/<name>"
        self.path = path
        base = path[:-len(".jinja")]
        self.ctx_path = base + ".json" if os.path.exists(base + ".json") else None
        self.opts_path = base + ".opts" if os.path.exists(base + ".opts") else None
        with open(path, "rb") as f:
            self.source_bytes = f.read()
        self.source = self.source_bytes.decode("utf-8")
        self.ctx = {}
        if self.ctx_path:
            with open(self.ctx_path, encoding="utf-8") as f:
                self.ctx = json.load(f)
            if not isinstance(self.ctx, dict):
                raise ValueError("%s: context must be a JSON object" % self.ctx_path)
        self.opts = {k: False for k in BOOL_OPTS}
        self.seed = None
        if self.opts_path:
            with open(self.opts_path, encoding="utf-8") as f:
                for line in f:
                    line = line.split("#", 1)[0].strip()
                    if not line:
                        continue
                    key, _, val = line.replace("=", " ").partition(" ")
                    key = key.replace("-", "_")
                    if key in BOOL_OPTS:
                        self.opts[key] = True
                    elif key == "seed":
                        self.seed = int(val.strip())
                    else:
                        raise ValueError("%s: unknown option %r" % (self.opts_path, line))


def load_cases(substr):
    cases = []
    for dirpath, dirnames, filenames in os.walk(CORPUS):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.endswith(".jinja"):
                continue
            path = os.path.join(dirpath, fn)
            name = os.path.relpath(path, CORPUS)[:-len(".jinja")].replace(os.sep, "/")
            if substr and substr not in name:
                continue
            cases.append(Case(name, path))
    cases.sort(key=lambda c: c.name)
    return cases


def load_documented():
    documented = set()
    if not os.path.exists(DIVERGENCES):
        return documented
    with open(DIVERGENCES, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s.startswith("- case:"):
                documented.add(s[len("- case:"):].strip().strip("`"))
    return documented


def render_jinja(case):
    """Returns (ok, bytes_or_error_text)."""
    try:
        env = jinja2.Environment(
            undefined=jinja2.Undefined,
            trim_blocks=case.opts["trim_blocks"],
            lstrip_blocks=case.opts["lstrip_blocks"],
            keep_trailing_newline=case.opts["keep_trailing_newline"],
            extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        )
        # a fresh copy: templates may mutate the context ({% do items.append(..) %})
        ctx = json.loads(json.dumps(case.ctx))
        out = env.from_string(case.source).render(**ctx)
        return True, out.encode("utf-8")
    except Exception as e:  # any exception counts as a template failure
        return False, "%s: %s" % (type(e).__name__, e)


def jinn_path():
    p = os.environ.get("JINN", "bin/jinn")
    if not os.path.isabs(p):
        p = os.path.join(ROOT, p)
    return p


def render_jinn(case, binary):
    """Returns (status, stdout_bytes, stderr_text). status: 'ok', 'error', or a
    description of an abnormal end (usage error, crash, timeout)."""
    cmd = [binary, "render", case.path]
    if case.ctx_path:
        cmd += ["--context", case.ctx_path]
    for k in BOOL_OPTS:
        if case.opts[k]:
            cmd.append("--" + k.replace("_", "-"))
    if case.seed is not None:
        cmd += ["--seed", str(case.seed)]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "timeout after %ds" % TIMEOUT, b"", ""
    except OSError as e:  # e.g. the binary is being relinked right now
        return "could not run jinn: %s" % e, b"", ""
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode == 0:
        return "ok", p.stdout, err
    if p.returncode == 1:
        return "error", p.stdout, err
    if p.returncode == 2:
        return "usage error (exit 2)", p.stdout, err
    if p.returncode < 0:
        return "killed by signal %d" % -p.returncode, p.stdout, err
    return "exit %d" % p.returncode, p.stdout, err


def clip(text, limit=600):
    if len(text) > limit:
        return text[:limit] + "... [%d more chars]" % (len(text) - limit)
    return text


def show_bytes(b):
    return clip(repr(b.decode("utf-8", "replace")))


def indent(text, prefix="    "):
    return "".join(prefix + line + "\n" for line in text.rstrip("\n").split("\n"))


def short_diff(a, b, limit=30):
    al = a.decode("utf-8", "replace").splitlines(True)
    bl = b.decode("utf-8", "replace").splitlines(True)
    lines = list(difflib.unified_diff(al, bl, "jinja2", "jinn", n=1))
    out = []
    for line in lines[:limit]:
        # make whitespace differences visible
        body = line.rstrip("\n")
        if line.startswith(("+", "-", " ")) and not line.startswith(("+++", "---")):
            body = line[0] + repr(line[1:])[1:-1]
        out.append(body)
    if len(lines) > limit:
        out.append("... [%d more diff lines]" % (len(lines) - limit))
    return "\n".join(out)


def describe(case, j_ok, j_out, status, n_out, n_err, label):
    print("=" * 72)
    print("%s: %s" % (label, case.name))
    opts = [k for k in BOOL_OPTS if case.opts[k]]
    if opts or case.seed is not None:
        print("  options: %s%s" % (" ".join(opts),
                                   (" seed=%d" % case.seed) if case.seed is not None else ""))
    print("  template:")
    sys.stdout.write(indent(clip(case.source, 1200)))
    if case.ctx:
        print("  context: %s" % clip(json.dumps(case.ctx, ensure_ascii=False), 400))
    if j_ok:
        print("  jinja2: %s" % show_bytes(j_out))
    else:
        print("  jinja2: raised %s" % clip(j_out, 400))
    if status == "ok":
        print("  jinn:   %s" % show_bytes(n_out))
    else:
        print("  jinn:   %s" % status)
        if n_out:
            print("          stdout: %s" % show_bytes(n_out))
        if n_err.strip():
            sys.stdout.write(indent(clip(n_err.strip(), 800), "          "))
    if j_ok and status == "ok":
        print("  diff:")
        sys.stdout.write(indent(short_diff(j_out, n_out)))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", metavar="SUBSTR", help="only cases whose name contains SUBSTR")
    ap.add_argument("-v", action="store_true",
                    help="also show same cases and documented differences in full")
    ap.add_argument("--jinja-only", action="store_true",
                    help="render the corpus with Jinja2 only and print each output")
    args = ap.parse_args()

    print("jinja2 %s (python %s, %s)" % (jinja2.__version__, sys.version.split()[0],
                                         sys.executable))
    try:
        cases = load_cases(args.k)
    except (ValueError, UnicodeDecodeError) as e:
        print("run.py: bad case: %s" % e)
        return 2
    if not cases:
        print("run.py: no cases%s" % (" match -k %r" % args.k if args.k else ""))
        return 2

    if args.jinja_only:
        for case in cases:
            ok, out = render_jinja(case)
            print("%s: %s" % (case.name, repr(out.decode("utf-8")) if ok else "raised " + out))
        return 0

    binary = jinn_path()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("run.py: jinn binary not found or not executable: %s" % binary)
        print("run.py: build it first (make), or point JINN=/path/to/jinn at it")
        return 2
    print("jinn %s" % binary)

    documented = load_documented()
    unknown = sorted(documented - {c.name for c in load_cases(None)})
    same = different = doc = 0
    for case in cases:
        j_ok, j_out = render_jinja(case)
        status, n_out, n_err = render_jinn(case, binary)
        if j_ok and status == "ok":
            equal = j_out == n_out
        else:
            equal = (not j_ok) and status == "error"
        if equal:
            same += 1
            if args.v:
                print("same: %s" % case.name)
                if case.name in documented:
                    print("  (listed in DIVERGENCES.md but now the same)")
            continue
        if case.name in documented:
            doc += 1
            if args.v:
                describe(case, j_ok, j_out, status, n_out, n_err, "DOCUMENTED")
            else:
                print("documented: %s" % case.name)
            continue
        different += 1
        describe(case, j_ok, j_out, status, n_out, n_err, "DIFFERENT")

    if unknown:
        print("note: DIVERGENCES.md names cases that do not exist: %s" % ", ".join(unknown))
    print("%d same, %d different, %d documented" % (same, different, doc))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
