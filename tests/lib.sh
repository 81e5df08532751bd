# tests/lib.sh — what the shell suites share (tests/batch, tests/providers, tests/hostile,
# tests/cli), sourced first thing: run from the repo root in the C locale, JINN the binary under
# test (bin/jinn unless set), T a scratch folder removed on exit, the pass/fail counters and
# their helpers. A suite ends with `finish`: the line "N passed, M failed" and its status.
set -u
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C
JINN=${JINN:-bin/jinn}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0; failed=0

ok() { passed=$((passed + 1)); }
# bad NAME [DETAIL...]: a failure, with its details indented below it
bad() { failed=$((failed + 1)); echo "FAIL: $1"; shift; for l in "$@"; do echo "  $l"; done; }
# check NAME GOT WANT: passes when GOT is WANT
check() { if [ "$2" = "$3" ]; then ok; else bad "$1" "got:  $(echo "$2" | head -5 | tr '\n' '|')" "want: $(echo "$3" | head -5 | tr '\n' '|')"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
