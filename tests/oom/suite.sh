#!/usr/bin/env bash
# tests/oom/suite.sh — allocator failure injection (oom_test.c), built against the library the
# suite runs with (libjinn.a, or build-asan's under make asan-test). Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
LIB=libjinn.a; EXTRA=""
case "${JINN:-}" in *asan*) LIB=build-asan/libjinn.a; EXTRA="-fsanitize=address,undefined" ;; esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! ${CC:-cc} -O1 -g $EXTRA -Iinclude tests/oom/oom_test.c $LIB $(pkg-config --libs libutf8proc jansson libpcre2-8 libcrypto sqlite3 icu-uc) -lm -lpthread -o "$out/oom_test"; then
    echo "could not build tests/oom/oom_test.c"; echo "0 passed, 1 failed"; exit 1
fi
"$out/oom_test" | tail -n 12
