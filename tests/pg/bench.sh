#!/usr/bin/env bash
# tests/pg/bench.sh — customers scored per second on the example store, the same decisions
# five ways (docs/sharding.md, "Figures"): the client-side `jinn batch` (1 and 2 jobs), the
# SQLite extension (one statement), PostgreSQL on one node (the scoring SELECT with 0 and 2
# parallel workers, and the INSERT … SELECT write-back), and two postgres_fdw shards behind a
# coordinator (SELECT and INSERT … SELECT). Best of RUNS runs each.
#
#   tests/pg/bench.sh [RUNS]             (default 3; the store: BENCH_DB, default
#                                         examples/channel/crm.db; BENCH_CUSTOMERS=N builds an
#                                         N-customer store with examples/channel/gen_db.py)
# Needs `make all sqlite-ext pg-install`. Prints a table; starts and stops its servers.
set -u
cd "$(dirname "$0")/../.."
export LC_ALL=C
RUNS=${1:-3}
JINN=${JINN:-bin/jinn}
T=$(mktemp -d)
. tests/pg/servers.sh
trap 'stop_all; rm -rf "$T"' EXIT
DB=${BENCH_DB:-examples/channel/crm.db}
if [ -n "${BENCH_CUSTOMERS:-}" ]; then
    DB=build/bench-$BENCH_CUSTOMERS.db
    [ -f "$DB" ] || python3 examples/channel/gen_db.py "$DB" --customers "$BENCH_CUSTOMERS" >/dev/null
fi
[ -f "$DB" ] || make -s example-db >/dev/null
NC=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
NE=$(sqlite3 "$DB" "SELECT count(*) FROM events")

now() { date +%s%N; }
# best CMD...: the best customers/s of RUNS runs of CMD: its wall-clock time, or the rate it
# prints itself (jinn batch times its scoring loop, without the copy of the database)
best() {
    local b=0 t0 r out
    for _ in $(seq "$RUNS"); do
        t0=$(now)
        out=$("$@") || { echo "failed: $*" >&2; echo 0; return; }
        r=$(( NC * 1000000000 / ($(now) - t0) ))
        [[ $out =~ ^[0-9]+$ ]] && r=$out
        [ "$r" -gt "$b" ] && b=$r
    done
    echo "$b"
}
batch() {
    rm -f "$T"/b.db*; cp "$DB" "$T/b.db"
    "$JINN" batch "$TPL" --providers "sqlite:$T/b.db" --seed 1 --trim-blocks --lstrip-blocks --quiet --jobs "$1" 2>"$T/batch.err" ||
        { cat "$T/batch.err" >&2; return 1; }
    sed -n 's/.*, \([0-9]*\) customers\/s$/\1/p' "$T/batch.err"
}
ext_select() { sqlite3 "$DB" -cmd ".load build/ext/sqlite/jinn" ".read ext/sqlite/examples/channel_decisions.sql" "SELECT sum(length(decision)) FROM channel_decisions" >/dev/null; }
# the whole script, with its write-back, on a copy (the copy is timed too)
ext_write() { cp "$DB" "$T/e.db"; sqlite3 "$T/e.db" -cmd ".load build/ext/sqlite/jinn" ".read ext/sqlite/examples/score_channel.sql" >/dev/null; }
PAR0="SET max_parallel_workers_per_gather = 0;"
PAR2="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
pg_select() { tq "$1" "$2" "$3" "SELECT 'SELECT sum(length(decision)) FROM (' || channel_decisions_sql(:'tpl', 1) || ') d' \\gexec" >/dev/null; }
pg_write() { tq "$1" "$2" "$3" "SELECT score_channel(:'tpl', 1);" >/dev/null; }

echo "setting up: $NC customers, $NE events; three servers" >&2
cp "$DB" "$T/ro.db"   # the SQLite SELECT reads a copy that nobody writes
DB_RO=$T/ro.db
pg_up >/dev/null || exit 1
export_store "$DB" "$T" || exit 1
t0=$(now); load_store 0 single "$T" >/dev/null || exit 1; t_single=$(( ($(now) - t0) / 1000000 ))
t0=$(now); shard_store "$T" direct >/dev/null || exit 1; t_shard=$(( ($(now) - t0) / 1000000 ))

echo "jinn scoring, examples/channel/optimizer.jinja on $NC customers ($NE events), $(nproc) cores, best of $RUNS"
printf '%-58s %12s\n' "how" "customers/s"
printf '%-58s %12s\n' "jinn batch (client side, SQLite provider), 1 job" "$(best batch 1)"
printf '%-58s %12s\n' "jinn batch (client side, SQLite provider), 2 jobs" "$(best batch 2)"
DB=$DB_RO
printf '%-58s %12s\n' "SQLite extension: one SELECT" "$(best ext_select)"
printf '%-58s %12s\n' "SQLite extension: the script, INSERT … SELECT" "$(best ext_write)"
printf '%-58s %12s\n' "PostgreSQL one node: SELECT, 0 parallel workers" "$(best pg_select 0 single "$PAR0")"
printf '%-58s %12s\n' "PostgreSQL one node: SELECT, 2 parallel workers" "$(best pg_select 0 single "$PAR2")"
printf '%-58s %12s\n' "PostgreSQL one node: INSERT … SELECT (never parallel)" "$(best pg_write 0 single "$PAR0")"
printf '%-58s %12s\n' "PostgreSQL 2 shards (postgres_fdw): SELECT" "$(best pg_select 0 crm "")"
printf '%-58s %12s\n' "PostgreSQL 2 shards (postgres_fdw): INSERT … SELECT" "$(best pg_write 0 crm "")"
echo "(loading: one node ${t_single} ms, two shards ${t_shard} ms; jinn_render in the Remote SQL of" \
     "$(tq 0 crm "SELECT 'EXPLAIN VERBOSE ' || channel_decisions_sql(:'tpl', 1) \\gexec" | grep 'Remote SQL:' | grep -c 'jinn_render(') shards)"
