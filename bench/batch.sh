#!/usr/bin/env bash
# bench/batch.sh — the batch at the speed of the store: on the 50k-customer event store
# (examples/channel/gen_db.py --customers 50000, 1.6 M events, built once into build/bench/),
# in one run: the one-pass SQL floor — `SELECT customer_id, action, count(*) FROM events GROUP
# BY customer_id, action`, the least any batch must read to answer every definition for every
# customer — the SQL write floor (one INSERT ... SELECT of an event per customer, one
# transaction, into a fresh copy: the least writing the decisions back costs in this schema)
# and `jinn batch` of the channel example (examples/channel/optimizer.jinja) with
# --jobs 1 and 2, writing the decisions back (on a fresh copy each time) and with --dry-run;
# the best of RUNS each, wall seconds, and each one's ratio to the floor. Then the batch's
# peak memory (max RSS) at 50k and, with BIG=1, at 200k customers (a 1.1 GB store built once,
# about 5 minutes), to show it does not grow with the base. With perf present, where the time
# goes (--jobs 1, written back).
#
# With TIMES=1, also one --jobs 2 written-back run's JINN_BATCH_TIMES breakdown: each thread's
# wall seconds working and waiting on the queues, its CPU seconds, and the close's checkpoint.
#
#   bench/batch.sh [RUNS]        (default 3; BIG=1 adds the 200k store; TIMES=1 the breakdown)
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C
RUNS=${1:-3}
JINN=${JINN:-bin/jinn}
DIR=build/bench
[ -x "$JINN" ] || make -s all
mkdir -p "$DIR"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ARGS=(examples/channel/optimizer.jinja --trim-blocks --lstrip-blocks --quiet --seed 1)

store() { # N -> the path of the N-customer store, built when missing or older than gen_db.py
    local db=$DIR/crm$1.db
    if [ ! -f "$db" ] || [ examples/channel/gen_db.py -nt "$db" ]; then
        python3 examples/channel/gen_db.py "$db" --customers "$1" >&2 || exit 2
    fi
    echo "$db"
}
now() { date +%s.%N; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

floor() { # DB -> the best wall seconds of the one-pass GROUP BY, the best CPU seconds
    local b="" c="" t0 t1
    for _ in $(seq "$RUNS"); do
        t0=$(now)
        /usr/bin/time -f "CPU %U %S" -o "$T/ftime" sqlite3 "$1" \
            "SELECT count(*), sum(n) FROM (SELECT customer_id, action, count(*) AS n FROM events GROUP BY customer_id, action)" >/dev/null || exit 2
        t1=$(now)
        b=$(min "$b" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
        c=$(min "$c" "$(awk '/^CPU/ { printf "%.2f", $2 + $3 }' "$T/ftime")")
    done
    echo "$b $c"
}

wfloor() { # DB -> the best wall seconds of writing an event per customer back in one statement and
          # one transaction (WAL, synchronous=NORMAL, as the batch's writer) into a fresh copy,
          # the best CPU seconds: the least the write-back costs in this schema
    local b="" c="" t0 t1
    for _ in $(seq "$RUNS"); do
        cp "$1" "$T/f.db"; rm -f "$T/f.db-wal" "$T/f.db-shm"
        t0=$(now)
        /usr/bin/time -f "CPU %U %S" -o "$T/ftime" sqlite3 "$T/f.db" "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            BEGIN; INSERT INTO events SELECT id, 'optimal.channel', json_object('type', 'CTR', 'value', 'NEWSLETTER', 'batch', 1),
            1765000000 FROM customers ORDER BY id; COMMIT" >/dev/null || exit 2
        t1=$(now)
        b=$(min "$b" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
        c=$(min "$c" "$(awk '/^CPU/ { printf "%.2f", $2 + $3 }' "$T/ftime")")
    done
    echo "$b $c"
}

batch() { # DB JOBS MODE -> the best wall seconds of the whole jinn batch process (start-up and
           # the last checkpoint at close included), max RSS KB, the best CPU seconds
    local db=$1 jobs=$2 mode=$3 b="" c="" rss=0 s r t0 t1
    for _ in $(seq "$RUNS"); do
        local extra=()
        if [ "$mode" = dry ]; then extra=(--dry-run); target=$db
        else cp "$db" "$T/w.db"; rm -f "$T/w.db-wal" "$T/w.db-shm"; target=$T/w.db; fi
        t0=$(now)
        /usr/bin/time -f "RSS %M CPU %U %S" -o "$T/btime" "$JINN" batch "${ARGS[@]}" --providers "sqlite:$target" --jobs "$jobs" "${extra[@]}" \
            >/dev/null 2>"$T/err"
        t1=$(now)
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
        r=$(awk '/^RSS/ { print $2 }' "$T/btime")
        grep -q ' 0 errors, ' "$T/err" || { cat "$T/err" >&2; exit 2; }
        b=$(min "$b" "$s")
        c=$(min "$c" "$(awk '/^RSS/ { printf "%.2f", $4 + $5 }' "$T/btime")")
        [ "${r:-0}" -gt "$rss" ] && rss=$r
    done
    echo "$b $rss $c"
}

DB=$(store 50000)
N=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
E=$(sqlite3 "$DB" "SELECT count(*) FROM events")
echo "jinn batch on $DB: $N customers, $E events, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), best of $RUNS"
read -r F FC < <(floor "$DB")
echo "(wall: the best of $RUNS, with the time of the floor in the same run; CPU: user + sys seconds, which the"
echo " load of a shared machine disturbs less)"
printf '%-34s %7s s %30s  CPU %5s s\n' "SQL floor (one-pass GROUP BY)" "$F" "" "$FC"
read -r W WC < <(wfloor "$DB")
printf '%-34s %7s s %5.1fx the floor %16s  CPU %5s s\n' "SQL write floor (one INSERT)" "$W" \
    "$(awk -v s="$W" -v f="$F" 'BEGIN { print s / f }')" "" "$WC"
for j in 1 2; do
    for m in write dry; do
        read -r s rss c < <(batch "$DB" "$j" "$m")
        label="jinn batch --jobs $j"; [ "$m" = dry ] && label="$label --dry-run" || label="$label (written back)"
        printf '%-34s %7s s %6.0f/s %5.1fx the floor  CPU %5s s %5.1fx  max RSS %d MB\n' "$label" "$s" \
            "$(awk -v n="$N" -v s="$s" 'BEGIN { print n / s }')" "$(awk -v s="$s" -v f="$F" 'BEGIN { print s / f }')" \
            "$c" "$(awk -v c="$c" -v f="$FC" 'BEGIN { print (f > 0 ? c / f : 0) }')" $((rss / 1024))
    done
done

echo
echo "memory (max RSS of jinn batch --jobs 2, written back) as the base grows:"
read -r s rss c < <(RUNS=1 batch "$DB" 2 write)
printf '  %7d customers: %4d MB (%s s)\n' "$N" $((rss / 1024)) "$s"
if [ "${BIG:-0}" = 1 ]; then
    BIGDB=$(store 200000)
    read -r s rss c < <(RUNS=1 batch "$BIGDB" 2 write)
    printf '  %7d customers: %4d MB (%s s)\n' 200000 $((rss / 1024)) "$s"
else
    echo "  (BIG=1 bench/batch.sh adds the 200k-customer store)"
fi

if [ "${TIMES:-0}" = 1 ]; then
    cp "$DB" "$T/t.db"
    echo
    echo "where the threads' time went (--jobs 2, written back, JINN_BATCH_TIMES=1):"
    JINN_BATCH_TIMES=1 "$JINN" batch "${ARGS[@]}" --providers "sqlite:$T/t.db" --jobs 2 2>&1 >/dev/null |
        sed -n 's/^jinn: batch: /  /p'
fi

if command -v perf >/dev/null 2>&1; then
    cp "$DB" "$T/p.db"
    if perf record -q -F 5000 -o "$T/perf.data" "$JINN" batch "${ARGS[@]}" --providers "sqlite:$T/p.db" --jobs 1 >/dev/null 2>&1; then
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
