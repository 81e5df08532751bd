#!/usr/bin/env bash
# bench/batch.sh — batch throughput: customers scored per second by `jinn batch` for the
# channel example (examples/channel/optimizer.jinja) on the example database
# (`make example-db`, 3000 customers), with --jobs 1 and 2, writing the decisions back and
# with --dry-run; the best of RUNS runs each (on a copy of the database). Then where the time
# goes, with perf when it is available: the share of samples in SQLite, in jinn (the VM, the
# compiler, the CLI), and elsewhere (libc allocation, jansson, the kernel).
#
#   bench/batch.sh [RUNS]        (default 5)
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C
RUNS=${1:-5}
JINN=${JINN:-bin/jinn}
DB=examples/channel/crm.db
[ -x "$JINN" ] || make -s all
[ -f "$DB" ] || make -s example-db
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ARGS=(examples/channel/optimizer.jinja --trim-blocks --lstrip-blocks --quiet --seed 1)

best() { # JOBS MODE -> the best customers/s of RUNS runs
    local jobs=$1 mode=$2 b=0 r
    for _ in $(seq "$RUNS"); do
        cp "$DB" "$T/b.db"; rm -f "$T/b.db-wal" "$T/b.db-shm"
        if [ "$mode" = dry ]; then
            r=$("$JINN" batch "${ARGS[@]}" --providers "sqlite:$T/b.db" --jobs "$jobs" --dry-run 2>&1 >/dev/null | sed -n 's/.*, \([0-9]*\) customers\/s$/\1/p')
        else
            r=$("$JINN" batch "${ARGS[@]}" --providers "sqlite:$T/b.db" --jobs "$jobs" 2>&1 >/dev/null | sed -n 's/.*, \([0-9]*\) customers\/s$/\1/p')
        fi
        [ -n "$r" ] && [ "$r" -gt "$b" ] && b=$r
    done
    echo "$b"
}

echo "jinn batch, channel example, $(python3 -c 'import sqlite3; print(sqlite3.connect("'$DB'").execute("select count(*) from customers").fetchone()[0])') customers, $(nproc) CPUs, best of $RUNS"
printf '%-8s %18s %18s\n' jobs "written back (c/s)" "--dry-run (c/s)"
for j in 1 2; do printf '%-8s %18s %18s\n' "$j" "$(best "$j" write)" "$(best "$j" dry)"; done

if command -v perf >/dev/null 2>&1; then
    cp "$DB" "$T/p.db"
    if perf record -q -F 20000 -o "$T/perf.data" "$JINN" batch "${ARGS[@]}" --providers "sqlite:$T/p.db" --jobs 1 >/dev/null 2>&1; then
        echo
        echo "where the time goes (--jobs 1, written back; perf samples by library):"
        perf report -i "$T/perf.data" --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' |
            awk '{ pct=$1; sub("%","",pct); d=$2;
                   if (d ~ /sqlite/) s+=pct; else if (d ~ /jinn/) v+=pct; else if (d ~ /libc/) c+=pct;
                   else if (d ~ /jansson/) j+=pct; else if (d ~ /kernel/) k+=pct; else o+=pct }
                 END { printf "  SQLite %.1f%%   jinn (VM, compile, CLI) %.1f%%   libc (malloc, strings) %.1f%%   jansson %.1f%%   kernel %.1f%%   other %.1f%%\n", s, v, c, j, k, o }'
    else
        echo "(perf could not record here: no breakdown)"
    fi
fi
