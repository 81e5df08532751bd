#!/usr/bin/env bash
# tests/run.sh — the whole suite, as `make test` runs it:
#   1. golden tests (tests/golden, run in-process by `jinn test`)
#   2. the reference diff against Python's Jinja2 (tests/diff)
#   3. the command line: exit statuses, flags, messages (tests/cli)
#   4. the embedding test: one compiled template rendered from many threads (tests/api)
# Ends with one line "N passed, M failed"; exits non-zero if anything failed.
# JINN=path/to/binary runs the suite against another build (make asan-test uses this).
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C
JINN=${JINN:-bin/jinn}
passed=0
failed=0

stage() { printf '\n== %s\n' "$1"; }

# tally WHAT OUTPUT: add the counts of OUTPUT's last line "N passed, M failed" (one failure
# if it has none: WHAT did not finish)
tally() {
    local line
    line=$(echo "$2" | tail -n 1)
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
    else
        echo "$1 did not finish"; failed=$((failed + 1))
    fi
}

stage "golden tests (tests/golden)"
out=$("$JINN" test tests/golden 2>&1)
echo "$out" | grep -v '^[0-9]* passed, [0-9]* failed$' | grep -E '^(FAIL|UPDATED)|^[-+@ ]' | head -200
echo "$out" | tail -n 1
tally "the golden runner" "$out"

stage "reference diff against Jinja2 (tests/diff)"
out=$(JINN="$JINN" python3 tests/diff/run.py 2>&1)
rc=$?
echo "$out" | grep -A30 '^DIFFERENT' | head -150
line=$(echo "$out" | tail -n 1)
echo "$line"
if [[ $line =~ ^([0-9]+)\ same,\ ([0-9]+)\ different,\ ([0-9]+)\ documented$ ]]; then
    passed=$((passed + BASH_REMATCH[1] + BASH_REMATCH[3])); failed=$((failed + BASH_REMATCH[2]))
else
    echo "diff harness did not finish (exit $rc)"; failed=$((failed + 1))
fi

stage "command line (tests/cli)"
out=$(JINN="$JINN" tests/cli/cli_test.sh 2>&1)
echo "$out" | tail -n 20
tally tests/cli "$out"

# every other suite: tests/<name>/suite.sh, run with JINN set, ending with "N passed, M failed"
make -s sqlite-ext >/dev/null || echo "could not build the SQLite extension (tests/sqlite_ext)"
for suite in tests/*/suite.sh; do
    [ -x "$suite" ] || continue
    stage "$(dirname "$suite")"
    out=$(JINN="$JINN" "$suite" 2>&1)
    echo "$out" | grep -E '^FAIL|^  ' | head -40
    echo "$out" | tail -n 1
    tally "$suite" "$out"
done

stage "embedding API (tests/api)"
API_BIN=${API_BIN:-build/tests/api_test}
if make -s "$API_BIN" >/dev/null; then
    out=$("$API_BIN" 2>&1)
    echo "$out" | tail -n 20
    tally "the API test" "$out"
else
    echo "could not build the API test"; failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
