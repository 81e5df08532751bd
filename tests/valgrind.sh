#!/usr/bin/env bash
# tests/valgrind.sh — the golden suite under valgrind (one process runs every case), and the
# API thread test. Any leak or memory error fails. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
passed=0; failed=0
out=$($VG bin/jinn test tests/golden 2>&1); rc=$?
echo "$out" | grep -v '^[0-9]* passed' | grep -E '^==|^FAIL' | head -50
line=$(echo "$out" | tail -n 1)
echo "golden under valgrind: $line (exit $rc)"
if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]] && [ $rc -ne 99 ]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
else
    failed=$((failed + 1))
fi
make -s build/tests/api_test >/dev/null
out=$($VG build/tests/api_test 2>&1); rc=$?
line=$(echo "$out" | tail -n 1)
echo "api under valgrind: $line (exit $rc)"
if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]] && [ $rc -ne 99 ]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
else
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
