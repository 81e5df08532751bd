#!/usr/bin/env bash
# tests/batch/tsan.sh — `make tsan-test`: the batch on 4 threads under ThreadSanitizer, on the
# small database of tests/providers/small_db.py (writes and --dry-run, |random, warnings and
# failures, prefetched set forms and ids learned at run time included, so every shared path runs). Any ThreadSanitizer report is a failure.
# JINN = a -fsanitize=thread build (bin/jinn-tsan). Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
export LC_ALL=C
JINN=${JINN:-bin/jinn-tsan}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 report_signal_unsafe=0 history_size=4"
passed=0; failed=0
python3 tests/providers/small_db.py "$T/base.db"
printf '{%% expression %%}e-email{%% endexpression %%} {%% expression %%}nope{%% endexpression %%} {{ 1 // (customer.n %% 9) }}' > "$T/mixed.jinja"

run() { # NAME WANT_STATUS ARGS...
    local name=$1 want=$2; shift 2
    "$JINN" batch "$@" --jobs 4 --chunk 3 --quiet >"$T/out" 2>"$T/err"; local rc=$?
    if [ "$rc" = "$want" ] && ! grep -q 'ThreadSanitizer' "$T/err"; then passed=$((passed + 1)); echo "ok: $name"
    else failed=$((failed + 1)); echo "FAIL: $name (status $rc, want $want)"; grep -A30 -m1 'WARNING: ThreadSanitizer' "$T/err" | sed 's/^/  /'; fi
}
cp "$T/base.db" "$T/a.db"
run "channel pick, written back" 0 tests/batch/pick_random.jinja --trim-blocks --lstrip-blocks --seed 5 --providers "sqlite:$T/a.db"
run "again (a new run over the first one's events)" 0 tests/batch/pick.jinja --trim-blocks --lstrip-blocks --providers "sqlite:$T/a.db"
run "dry run" 0 tests/batch/pick.jinja --trim-blocks --lstrip-blocks --providers "sqlite:$T/a.db" --dry-run
run "ids learned at run time (the optimizer module), set forms" 0 tests/batch/pick_module.jinja --trim-blocks --lstrip-blocks --providers "sqlite:$T/a.db" --dry-run
cp "$T/base.db" "$T/m.db"
run "warnings and failures" 1 "$T/mixed.jinja" --providers "sqlite:$T/m.db"
cp "$T/base.db" "$T/r.db"
run "stopped" 0 tests/batch/pick.jinja --providers "sqlite:$T/r.db" --stop-after 10
run "resumed" 0 tests/batch/pick.jinja --providers "sqlite:$T/r.db"
run "the failures retried" 1 "$T/mixed.jinja" --providers "sqlite:$T/m.db" --retry-failures last
printf '{{ 1 // 0 }}' > "$T/zero.jinja"
run "an early stop" 1 "$T/zero.jinja" --providers "sqlite:$T/r.db" --early-stop 7
# Ctrl-C while 4 renderers run long renders: the stop flag, the store's interrupt, the writer
printf '{%% for i in range(100000) %%}{%% for j in range(100000) %%}{%% endfor %%}{%% endfor %%}' > "$T/slow.jinja"
cp "$T/base.db" "$T/i.db"
"$JINN" batch "$T/slow.jinja" --providers "sqlite:$T/i.db" --limit fuel=100000000000 --jobs 4 --chunk 3 --quiet 2>"$T/err" &
pid=$!
sleep 2; kill -INT $pid; wait $pid; rc=$?
if [ "$rc" = 130 ] && ! grep -q 'ThreadSanitizer' "$T/err"; then passed=$((passed + 1)); echo "ok: Ctrl-C"
else failed=$((failed + 1)); echo "FAIL: Ctrl-C (status $rc, want 130)"; grep -A30 -m1 'WARNING: ThreadSanitizer' "$T/err" | sed 's/^/  /'; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
