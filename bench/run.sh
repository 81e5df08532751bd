#!/usr/bin/env bash
# Build bench/jinn_bench against the repo's static library and run it beside the peers
# of the shared benchmark (../shared/bench/run_peers.sh).
#
#   bench/run.sh [--quick] [ENGINE ...]
#
# jinn always runs. With no ENGINE: jinn and every peer run_peers.sh knows (limit jinja2
# nunjucks minijinja-js hf-jinja tera; missing ones are skipped). Name "jinn" in the list
# to choose its place (otherwise it runs first):
#   bench/run.sh jinn limit jinja2 tera
#   bench/run.sh --quick jinn limit jinja2      (smoke test, numbers not meaningful)
#   bench/run.sh --build-only                    (just build bench/jinn_bench; callgrind.sh uses it)
# Env: SHARED (default: ../shared beside the repo), CC (cc), CFLAGS_EXTRA (e.g. -march=native),
#      BENCH_REPS / BENCH_REP_SEC / PYTHON (passed through to run_peers.sh).
# Results: bench/results/<UTC stamp>/{raw.tsv,table.txt,table.md,out/} (git-ignored).
# After the peers, jinn's own scoring workloads (bench/workloads: W4 12-channel score, W5 the same
# under --profile jinjava, W6 the campaign modules) run in the same results folder: jinn, then
# Jinja2 (bench/jinja2_extra.py, W4 W6) when jinja2 is among the engines; the table is re-made
# with every workload, and jinn's W5 output is compared with bench/workloads/W5.golden.txt.
# NO_EXTRA=1 skips them.
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
SHARED="${SHARED:-$REPO/../shared}"
SHARED="$(cd "$SHARED" && pwd)"
PEERS="$SHARED/bench/run_peers.sh"
[ -x "$PEERS" ] || { echo "run.sh: $PEERS not found (set SHARED=path/to/shared)" >&2; exit 1; }

BUILD_ONLY=0
for a in "$@"; do [ "$a" = --build-only ] && BUILD_ONLY=1; done

# ---- build the library and the driver
build_lib() {
  if make -C "$REPO" -n lib >/dev/null 2>&1; then
    make -C "$REPO" lib >&2
  else
    make -C "$REPO" >&2
  fi
}
build_lib
[ -f "$REPO/libjinn.a" ] || { echo "run.sh: $REPO/libjinn.a was not built" >&2; exit 1; }
CC="${CC:-cc}"
DRIVER="$BENCH/jinn_bench"
# shellcheck disable=SC2086
"$CC" -O2 ${CFLAGS_EXTRA:-} -I "$REPO/include" -o "$DRIVER" "$BENCH/jinn_bench.c" \
  "$REPO/libjinn.a" $(pkg-config --libs libutf8proc jansson libpcre2-8 libcrypto sqlite3 icu-uc icu-i18n yaml-0.1 gmp) -lm -lpthread
[ "$BUILD_ONLY" = 1 ] && { echo "built $DRIVER" >&2; exit 0; }

# ---- run beside the peers; jinn goes first unless the caller placed it
ARGS=()
ENGINES=()
for a in "$@"; do
  case "$a" in
    --*) ARGS+=("$a") ;;
    *) ENGINES+=("$a") ;;
  esac
done
if [ ${#ENGINES[@]} -eq 0 ]; then
  ENGINES=(jinn limit jinja2 nunjucks minijinja-js hf-jinja tera)
fi
placed=0
for i in "${!ENGINES[@]}"; do
  if [ "${ENGINES[$i]}" = jinn ]; then ENGINES[$i]="jinn=$DRIVER"; placed=1; fi
done
[ "$placed" = 1 ] || ENGINES=("jinn=$DRIVER" "${ENGINES[@]}")
mkdir -p "$BENCH/results"
export RESULTS_DIR="$BENCH/results"
before="$(ls "$BENCH/results" | sort | tail -n1)"
"$PEERS" "${ARGS[@]}" "${ENGINES[@]}"
[ "${NO_EXTRA:-0}" = 1 ] && exit 0

# ---- jinn's own workloads W4-W6, in the same results folder
RES="$BENCH/results/$(ls "$BENCH/results" | sort | tail -n1)"
[ "$RES" != "$BENCH/results/$before" ] || { echo "run.sh: no new results folder" >&2; exit 1; }
for a in "${ARGS[@]}"; do [ "$a" = --quick ] && export BENCH_REPS=3 BENCH_REP_SEC=0.05; done
PY="${PYTHON:-/usr/bin/python3}"
echo ">> jinn W4 W5 W6" >&2
"$DRIVER" "$BENCH/workloads" "$RES/out" W4 W5 W6 | tee -a "$RES/raw.tsv" | grep -v '^RESULT' >&2
for e in "${ENGINES[@]}"; do
  if [ "$e" = jinja2 ]; then
    echo ">> jinja2 W4 W6" >&2
    SHARED="$SHARED" "$PY" "$BENCH/jinja2_extra.py" "$BENCH/workloads" "$RES/out" W4 W6 \
      | tee -a "$RES/raw.tsv" | grep -v '^RESULT' >&2 || true
  fi
done
echo
python3 "$SHARED/bench/report.py" "$RES/raw.tsv" --out "$RES/out" | tee "$RES/table.txt"
python3 "$SHARED/bench/report.py" "$RES/raw.tsv" --out "$RES/out" --md > "$RES/table.md"
if cmp -s "$RES/out/jinn.W5.txt" "$BENCH/workloads/W5.golden.txt"; then
  echo "W5 (jinjava profile): jinn output ok (bench/workloads/W5.golden.txt)" | tee -a "$RES/table.txt"
else
  echo "W5 (jinjava profile): jinn output DIFF from bench/workloads/W5.golden.txt" | tee -a "$RES/table.txt"
fi
