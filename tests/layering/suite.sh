#!/usr/bin/env bash
# tests/layering/suite.sh — the layering rules (check.py) on the build that JINN came from.
cd "$(dirname "$0")/../.." || exit 2
case ${JINN:-bin/jinn} in
    *jinn-asan) build=build-asan ;;
    *jinn-tsan) build=build-tsan ;;
    *) build=build ;;
esac
exec python3 tests/layering/check.py "$build"
