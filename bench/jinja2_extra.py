#!/usr/bin/env python3
"""Jinja2 driver for jinn's own scoring workloads (bench/workloads: W4, W6), beside the shared
W1-W3.  Usage: jinja2_extra.py WORKLOAD_DIR OUT_DIR [W4 W6]

Same protocol as ../shared/bench/drivers/jinja2_bench.py (imported from there: its bench()
calibration and BENCH_REPS / BENCH_REP_SEC / BENCH_FIXED_ITERS), one env with autoescape off
and the `do` and loopcontrols extensions (as jinn's dialect has them); W6 imports the campaign
modules from the repo's stdlib/modules. Prints RESULT lines and writes OUT_DIR/<engine>.<W>.txt.
W5 (W4 under the jinjava profile) has no Jinja2 reference: bench/run.sh checks jinn's output
against bench/workloads/W5.golden.txt.
"""
import json
import os
import sys

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared")), "bench", "drivers"))
from jinja2_bench import FIXED, REPS, bench  # noqa: E402


def main():
    wdir, odir = sys.argv[1], sys.argv[2]
    which = sys.argv[3:] or ["W4", "W6"]
    engine = os.environ.get("ENGINE_NAME", "jinja2")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([os.path.join(HERE, "..", "stdlib", "modules"), wdir]),
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"], autoescape=False)
    for w in which:
        if w not in ("W4", "W6"):
            raise SystemExit(f"unknown workload {w}")
        t = env.get_template(f"{w}.jinja")
        ctx = json.load(open(os.path.join(wdir, f"{w}.json"), encoding="utf-8"))
        fn = lambda: t.render(ctx)  # noqa: E731
        out = fn()
        with open(os.path.join(odir, f"{engine}.{w}.txt"), "w", encoding="utf-8") as fh:
            fh.write(out)
        if FIXED is not None:
            for _ in range(FIXED):
                fn()
            print(f"FIXED\t{engine}\t{w}\t{FIXED}", flush=True)
            continue
        med, mn, iters = bench(fn)
        print(f"RESULT\t{engine}\t{w}\t{med:.1f}\t{mn:.1f}\t{REPS}\t{iters}\t{len(out.encode())}", flush=True)


if __name__ == "__main__":
    main()
