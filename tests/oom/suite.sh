#!/usr/bin/env bash
# tests/oom/suite.sh — allocator failure injection (oom_test.c), built against the library the
# suite runs with (libjinn.a, or build-asan's under make asan-test, where every run is also
# checked by ASan and UBSan): the built-in case, then every example with its data, which
# between them compile and run the stdlib modules. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
LIB=libjinn.a; EXTRA=""
case "${JINN:-}" in *asan*) LIB=build-asan/libjinn.a; EXTRA="-fsanitize=address,undefined -fno-sanitize-recover=all" ;; esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! ${CC:-cc} -O1 -g $EXTRA -Iinclude tests/oom/oom_test.c $LIB $(pkg-config --libs libutf8proc jansson libpcre2-8 libcrypto sqlite3 icu-uc icu-i18n yaml-0.1 gmp) -lm -lpthread -o "$out/oom_test"; then
    echo "could not build tests/oom/oom_test.c"; echo "0 passed, 1 failed"; exit 1
fi
passed=0; failed=0
run() { # run [ARGS...]: one case; its last line is "N passed, M failed"
    local o line
    o=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$out/oom_test" "$@" 2>&1)
    echo "$o" | grep -E '^FAIL|ERROR|runtime error' | head -5
    echo "$o" | grep -E '^\(' | tail -1
    line=$(echo "$o" | tail -n 1)
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
    else
        echo "FAIL: oom_test $* did not finish"; failed=$((failed + 1))
    fi
}
run
run -f tests/oom/for_after_thirty.jinja
run -f tests/oom/bigint.jinja
for f in one-wins both-win none-wins; do
    run -f examples/channel/optimizer.jinja "" examples/channel/fixtures/$f.json
done
run -f examples/channel/published.jinja "" examples/channel/fixtures/both-win.json
run -f examples/campaign/evaluation.jinja examples/campaign/evaluation-context.json
run -f examples/campaign/evaluation-cases.jinja examples/campaign/evaluation-cases.json
run -f examples/campaign/chain.jinja examples/campaign/chain-context.json
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
