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
  "$REPO/libjinn.a" $(pkg-config --libs libutf8proc jansson libpcre2-8 libcrypto sqlite3 icu-uc icu-i18n yaml-0.1) -lm -lpthread
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
exec "$PEERS" "${ARGS[@]}" "${ENGINES[@]}"
