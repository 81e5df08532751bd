#!/usr/bin/env python3
"""tests/layering/check.py — the layers of jinn, checked on the code as built.

Layers call downward only: cli -> api -> (compile, vm, loader, provider, registry) -> values;
the stdlib and the providers plug in through interfaces made for them. Two kinds of evidence:

  includes  what each source file #includes (a file may only include the headers its layer may
            see: the stdlib sees builtins.h and the value headers, a provider sees jinn.h);
  symbols   what each object file of the build calls (`nm`): every undefined symbol is matched
            to the object that defines it, and the edge must be an allowed one.

plus the public face of the shared library: only jinn_ symbols exported, and a SONAME.
Prints one line per broken rule and ends with "N passed, M failed".
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, sys.argv[1] if len(sys.argv) > 1 else "build")
passed = failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


# ---- the layers, by file ---------------------------------------------------------------------
VALUES = {"src/value", "src/bigint", "src/print", "src/json", "src/diag", "src/dtoa"}
ENGINE = {"src/compile", "src/fuse", "src/vm", "src/parse", "src/loader", "src/provider", "src/registry", "src/native",
          "src/ops", "src/builtins", "src/migrate", "lexer", "parser", "modules"}
API = {"src/api"}
# what the stdlib may call in the engine: the services builtins.h declares
STDLIB_SERVICES = {"src/builtins", "src/ops", "src/registry"}
STDLIB_INTERFACE_HEADERS = {"builtins.h", "bigint.h", "value.h", "print.h", "json.h", "dtoa.h", "operators.h", "jinn.h"}


def layer(unit):
    if unit in VALUES:
        return "values"
    if unit in ENGINE:
        return "engine"
    if unit in API:
        return "api"
    for top in ("stdlib", "providers", "cli"):
        if unit.startswith(top + "/"):
            return top
    return "other"


def allowed(src, dst, sym):
    """may object src call symbol sym defined in object dst?"""
    ls, ld = layer(src), layer(dst)
    if ls == ld and ls != "engine":
        return True
    if ls == "values":
        return False                                 # the bottom: calls nothing above it
    if ls == "stdlib":
        return ld == "values" or dst in STDLIB_SERVICES
    if ls == "engine":
        if ld in ("values", "engine"):
            return True
        return dst == "stdlib/std"                   # the stdlib's tables, through std.h only
    if ls == "api":
        return ld in ("values", "engine") or dst == "stdlib/std"
    if ls in ("providers", "cli"):
        # the public API only (and, for the CLI, the providers' own interfaces)
        return sym.startswith("jinn_") or (ls == "cli" and ld == "providers")
    return True


# ---- symbols ---------------------------------------------------------------------------------
objs = {}
for d, _, files in os.walk(BUILD):
    for f in files:
        if f.endswith(".o") and "/tests" not in d:
            rel = os.path.relpath(os.path.join(d, f), BUILD)[:-2]
            objs[rel] = os.path.join(d, f)
ok(len(objs) > 20, "the build's objects are in %s (run make first)" % BUILD)
defined, undefined = {}, {}
for unit, path in objs.items():
    out = subprocess.run(["nm", path], capture_output=True, text=True).stdout
    undefined[unit] = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDRB":
            defined[parts[2]] = unit
        elif len(parts) == 2 and parts[0] == "U":
            undefined[unit].add(parts[1])
edges = {}
for unit, syms in undefined.items():
    for sym in syms:
        dst = defined.get(sym)
        if dst and dst != unit:
            edges.setdefault((unit, dst), set()).add(sym)
for (src, dst), syms in sorted(edges.items()):
    bad = sorted(s for s in syms if not allowed(src, dst, s))
    ok(not bad, "%s (%s) calls up or sideways into %s (%s): %s" % (src, layer(src), dst, layer(dst), " ".join(bad)))

# ---- includes --------------------------------------------------------------------------------
STDLIB_TABLES = re.compile(r"\bbi_(filters|tests|functions|str_methods|list_methods|dict_methods)\b")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
for top in ("src", "stdlib", "providers", "cli"):
    for f in sorted(os.listdir(os.path.join(ROOT, top))):
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(top, f)
        text = open(os.path.join(ROOT, path), encoding="utf-8").read()
        incs = [os.path.basename(i) for i in INCLUDE.findall(text)]
        if top == "src":
            ok(not STDLIB_TABLES.search(text), "%s names a stdlib table (the engine goes through its registry)" % path)
            ups = [i for i in INCLUDE.findall(text) if i.startswith("../") and i != "../stdlib/std.h"]
            ok(not ups, "%s includes %s from outside src/" % (path, " ".join(ups)))
            ok(f == "registry.c" or "../stdlib/std.h" not in INCLUDE.findall(text),
               "%s includes stdlib/std.h (only the registry takes the stdlib's tables)" % path)
        if top == "stdlib":
            own = set(x for x in os.listdir(os.path.join(ROOT, "stdlib")) if x.endswith(".h"))
            bad = [i for i in incs if i not in own and i not in STDLIB_INTERFACE_HEADERS]
            ok(not bad, "%s includes %s (the stdlib sees builtins.h and the value headers)" % (path, " ".join(bad)))
        if top == "providers":
            own = set(x for x in os.listdir(os.path.join(ROOT, "providers")) if x.endswith(".h"))
            bad = [i for i in incs if i not in own and i != "jinn.h"]
            ok(not bad, "%s includes %s (a provider sees only jinn.h, as an embedder's would)" % (path, " ".join(bad)))
        if top == "cli":
            own = set(x for x in os.listdir(os.path.join(ROOT, "cli")) if x.endswith(".h"))
            bad = [i for i in INCLUDE.findall(text)
                   if os.path.basename(i) not in own and i != "jinn.h" and not i.startswith("../providers/")
                   and os.path.basename(i) not in ("store.h",)]
            ok(not bad, "%s includes %s (the CLI is written on jinn.h)" % (path, " ".join(bad)))
        if path == "cli/batch.c":
            ok("sqlite3" not in text and not re.search(r"\b(SELECT|INSERT|UPDATE|CREATE TABLE)\b", text),
               "cli/batch.c speaks SQL (the event store's module owns the schema: providers/store.h)")

# ---- the shared library's face ---------------------------------------------------------------
so = os.path.join(ROOT, "libjinn.so")
if os.path.exists(so) and BUILD.rstrip("/").endswith("build"):
    out = subprocess.run(["nm", "-D", "--defined-only", so], capture_output=True, text=True).stdout
    exported = [l.split()[-1] for l in out.splitlines() if l.strip()]
    leaks = [s for s in exported if not s.startswith("jinn_")]
    ok(exported and not leaks, "libjinn.so exports only jinn_ symbols (also: %s)" % " ".join(leaks[:20]))
    dyn = subprocess.run(["readelf", "-d", so], capture_output=True, text=True).stdout
    ok("(SONAME)" in dyn, "libjinn.so has a SONAME")

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
