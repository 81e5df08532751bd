#!/usr/bin/env bash
# Noise-free instruction counts for jinn: instructions per render (W1, W2) and per compile (W3),
# by the N-minus-0 method of ../shared/bench/callgrind_peers.sh: the driver runs twice under
# valgrind --tool=callgrind, once with N iterations (--iters N) and once with 0, and
# (Ir(N) - Ir(0)) / N is the cost of one iteration (setup, the one output render and exit cancel).
#
#   bench/callgrind.sh [--no-build] [--peers [PEER ...]] [W1 W2 W3]
#
# --no-build  use the existing bench/jinn_bench (else: bench/run.sh --build-only first)
# --peers     afterwards also run ../shared/bench/callgrind_peers.sh (default peers: limit
#             limit-dyn jinja2; tera needs a writable shared folder) for a side-by-side table
# W4 W5 W6 (jinn's own, bench/workloads; not in the default set): N_W4 (2000), N_W5 (2000),
# N_W6 (200); with --peers, Jinja2 is counted on W4 and W6 too (bench/jinja2_extra.py).
# Env: N_W1 (20000), N_W2 (20), N_W3 (20) iterations; SHARED (default ../shared beside the repo).
# Note: valgrind 3.19 cannot run AVX-512 code, so build libjinn without -march=native for this.
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
SHARED="${SHARED:-$REPO/../shared}"
command -v valgrind >/dev/null || { echo "callgrind.sh: needs valgrind" >&2; exit 1; }

BUILD=1
PEERS=()
WANT_PEERS=0
WS=()
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    --peers) WANT_PEERS=1 ;;
    W1|W2|W3|W4|W5|W6) WS+=("$a") ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) if [ "$WANT_PEERS" = 1 ]; then PEERS+=("$a"); else echo "unknown argument $a" >&2; exit 2; fi ;;
  esac
done
[ ${#WS[@]} -eq 0 ] && WS=(W1 W2 W3)
[ ${#PEERS[@]} -eq 0 ] && PEERS=(limit limit-dyn jinja2)

[ "$BUILD" = 1 ] && "$BENCH/run.sh" --build-only
DRIVER="$BENCH/jinn_bench"
[ -x "$DRIVER" ] || { echo "callgrind.sh: $DRIVER not built" >&2; exit 1; }
WL="$SHARED/bench/workloads"
[ -f "$WL/W1.jinja" ] || { echo "callgrind.sh: workloads not found in $WL (set SHARED)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/out"

ir() { # ir N W -> total instructions executed by the driver
  local n="$1" w="$2" wl="$WL"
  case "$w" in W4|W5|W6) wl="$BENCH/workloads" ;; esac
  valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" \
    "$DRIVER" --iters "$n" "$wl" "$TMP/out" "$w" >/dev/null 2>"$TMP/cg.err" \
    || { grep -v "^==[0-9]*==" "$TMP/cg.err" >&2; return 1; }
  grep -m1 -oE 'Collected : [0-9]+' "$TMP/cg.err" | grep -oE '[0-9]+'
}

echo "# $(date -u +%Y-%m-%dT%H%M%SZ) callgrind instruction counts ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'no commit'))"
status=0
for w in "${WS[@]}"; do
  case "$w" in
    W1) n="${N_W1:-20000}"; unit=render ;;
    W2) n="${N_W2:-20}"; unit=render ;;
    W3) n="${N_W3:-20}"; unit=compile ;;
    W4) n="${N_W4:-2000}"; unit=render ;;
    W5) n="${N_W5:-2000}"; unit=render ;;
    W6) n="${N_W6:-200}"; unit=render ;;
  esac
  if ! a="$(ir "$n" "$w")" || ! b="$(ir 0 "$w")"; then
    printf "%-12s %-4s %14s\n" jinn "$w" "FAILED"; status=1; continue
  fi
  printf "%-12s %-4s %14s instructions/%-8s (N=%s)\n" jinn "$w" \
    "$(python3 -c "print(f'{($a - $b) / $n:,.0f}')")" "$unit" "$n"
done

if [ "$WANT_PEERS" = 1 ]; then
  "$SHARED/bench/callgrind_peers.sh" "${PEERS[@]}" | grep -v '^#'
  for w in "${WS[@]}"; do # Jinja2 on jinn's own workloads (W5 has no Jinja2 form)
    case "$w" in W4|W6) ;; *) continue ;; esac
    for p in "${PEERS[@]}"; do
      [ "$p" = jinja2 ] || continue
      n=50; [ "$w" = W6 ] && n=5
      cg() { BENCH_FIXED_ITERS="$1" SHARED="$SHARED" valgrind --tool=callgrind \
        --callgrind-out-file="$TMP/cg.out" "${PYTHON:-/usr/bin/python3}" "$BENCH/jinja2_extra.py" \
        "$BENCH/workloads" "$TMP/out" "$w" >/dev/null 2>"$TMP/cg.err" || return 1
        grep -m1 -oE 'Collected : [0-9]+' "$TMP/cg.err" | grep -oE '[0-9]+'; }
      if a="$(cg "$n")" && b="$(cg 0)"; then
        printf "%-12s %-4s %14s instructions/render   (N=%s)\n" jinja2 "$w" \
          "$(python3 -c "print(f'{($a - $b) / $n:,.0f}')")" "$n"
      else printf "%-12s %-4s %14s\n" jinja2 "$w" FAILED; fi
    done
  done
fi
exit "$status"
