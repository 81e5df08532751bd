#!/usr/bin/env bash
# tests/difffuzz/suite.sh — run by tests/run.sh with the other suites: jinn's case mapping against
# Python's for every code point (casemap.py), then the differential fuzzer on a fixed seed,
# 2,000 cases of the classes jinn supports, Jinja2 as the oracle (run.py; README.md).
source "$(dirname "$0")/../lib.sh"
tally() { # the counts of a python script's last line "N passed, M failed"
    local line
    line=$(echo "$2" | tail -n 1)
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
        [ "${BASH_REMATCH[2]}" -eq 0 ] || echo "$2" | grep -E '^(FAIL|DIVERGES)' | sed "s|^|  $1: |" | head -20
    else
        bad "$1 did not finish" "$(echo "$2" | tail -n 3)"
    fi
}
tally casemap.py "$(JINN="$JINN" python3 tests/difffuzz/casemap.py 2>&1)"
out=$(JINN="$JINN" python3 tests/difffuzz/run.py --seed 1 -n 2000 2>&1)
echo "$out" | grep -E '^[0-9]+ cases in'
tally run.py "$out"
finish
