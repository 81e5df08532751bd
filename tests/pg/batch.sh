#!/usr/bin/env bash
# tests/pg/batch.sh — `jinn batch --providers postgres:CONNINFO` (providers/postgres.c) on one
# local PostgreSQL 15 server started here (initdb/pg_ctl in build/pg-batch/, loopback port
# PG_TEST_PORT+3, stopped on exit); run by `make pg-test` after tests/pg/run.sh, and alone by
# `make pg-batch-test` (it needs no extension). The example store (examples/channel/crm.db) is
# loaded into PostgreSQL (ext/postgres/examples: channel_schema.sql, the data as CSV, and
# channel_definitions.sql, the definitions in PostgreSQL SQL with set forms), then:
#   - the PostgreSQL batch decides exactly as the SQLite batch, customer by customer (same
#     --seed), with set forms and without them (per-customer statements);
#   - --customers FILE as on SQLite; the run's bookkeeping: params, batch_runs, an identical
#     finished command starts a new run;
#   - kill -9 in the middle of a run, then the same command resumes it: every customer is
#     scored exactly once, with the same decisions;
#   - decisions written as JSON or as strings exactly as the SQLite store writes them;
#   - errors: no server, a database that is not a store, bad definition SQL.
# Ends with "N passed, M failed".
. "$(dirname "$0")/../lib.sh"
DB=examples/channel/crm.db
. tests/pg/servers.sh
BASE=$((BASE + 3))
S=$PWD/build/pg-batch
[ -f "$DB" ] || make -s example-db >/dev/null
stop_one() { [ -f "$S/n0/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$S/n0" -m immediate stop >/dev/null 2>&1; return 0; }
trap '[ -n "${PG_TEST_KEEP:-}" ] || stop_one; rm -rf "$T"' EXIT

# ---- one server, the store loaded -----------------------------------------------------------------
up() {
    stop_one
    rm -rf "$S" && mkdir -p "$S" || return 1
    [ "$(id -u)" = 0 ] && chown postgres "$S"
    if as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$BASE"; then echo "port $BASE is taken: set PG_TEST_PORT"; return 1; fi
    as_pg "$PGBIN/initdb" -D "$S/n0" -E UTF8 --locale=C -A trust -U postgres >"$S/initdb.log" 2>&1 || { tail -3 "$S/initdb.log"; return 1; }
    as_pg "$PGBIN/pg_ctl" -D "$S/n0" -w -l "$S/n0.log" -o "-p $BASE -k $S -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
        { tail -5 "$S/n0.log"; return 1; }
    psq 0 postgres -c "CREATE DATABASE crm"
}
if msg=$(up 2>&1); then ok; else bad "the server starts" "$msg"; finish; exit 1; fi
export_store "$DB" "$T"
psq 0 crm -f ext/postgres/examples/channel_schema.sql \
    -c "\\copy customers FROM '$T/customers.csv' CSV" -c "\\copy events FROM '$T/events.csv' CSV" \
    -f ext/postgres/examples/channel_definitions.sql -c "VACUUM ANALYZE" >/dev/null || bad "loading the store"
NC=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
check "the store is loaded" "$(psq 0 crm -c "SELECT count(*) FROM customers" -c "SELECT count(*) FROM definitions WHERE set_sql IS NOT NULL")" "$NC
5"

PG="postgres:host=127.0.0.1 port=$BASE user=postgres dbname=crm"
B=("$TPL" --seed 1 --trim-blocks --lstrip-blocks --quiet)
DECISIONS="SELECT customer_id, params->>'value' FROM events WHERE action = 'optimal.channel' ORDER BY customer_id COLLATE \"C\""

# the reference: jinn batch on the SQLite store
cp "$DB" "$T/batch.db"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/batch.db" 2>"$T/sqlite.err"
sqlite3 -separator '|' "$T/batch.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id" >"$T/batch.txt"
check "the SQLite batch scored them all" "$(wc -l <"$T/batch.txt")" "$NC"

# ---- the PostgreSQL batch decides as the SQLite one --------------------------------------------------
"$JINN" batch "${B[@]}" --providers "$PG" --jobs 2 2>"$T/pg.err"; rc=$?
check "PostgreSQL batch exit status" "$rc" 0
check "PostgreSQL batch summary, nothing else" "$(grep -c "^finished run 1: $NC customers scored, 0 errors" "$T/pg.err") $(wc -l <"$T/pg.err")" "1 1"
psq 0 crm -c "$DECISIONS" >"$T/pg.txt"
check "every customer scored once" "$(psq 0 crm -c "SELECT count(*), count(DISTINCT customer_id) FROM events WHERE action = 'optimal.channel'")" "$NC|$NC"
if cmp -s "$T/pg.txt" "$T/batch.txt"; then ok; else bad "PostgreSQL decides as SQLite" "$(diff "$T/pg.txt" "$T/batch.txt" | head -4)"; fi
check "params as the SQLite store writes them" "$(psq 0 crm -c "SELECT params->>'type', params->'batch', jsonb_typeof(params->'value'), abs(timestamp - extract(epoch FROM now())::bigint) < 600 FROM events WHERE action = 'optimal.channel' LIMIT 1")" "CTR|1|string|t"
check "batch_runs row" "$(psq 0 crm -c "SELECT id, action, template, scored, errors, finished IS NOT NULL FROM batch_runs")" "1|optimal.channel|$TPL|$NC|0|t"

# the per-customer statements (no set forms) decide the same
"$JINN" batch "${B[@]}" --providers "$PG" --dry-run --jobs 2 2>/dev/null | sort >"$T/dry_set.txt"
psq 0 crm -c "CREATE TABLE set_forms AS SELECT id, set_sql FROM definitions" -c "UPDATE definitions SET set_sql = NULL"
"$JINN" batch "${B[@]}" --providers "$PG" --dry-run --jobs 2 2>/dev/null | sort >"$T/dry_one.txt"
psq 0 crm -c "UPDATE definitions d SET set_sql = s.set_sql FROM set_forms s WHERE s.id = d.id" -c "DROP TABLE set_forms"
tr '|' '\t' <"$T/batch.txt" | sort >"$T/batch.tsv"
if cmp -s "$T/dry_set.txt" "$T/batch.tsv"; then ok; else bad "dry-run with set forms decides as SQLite" "$(diff "$T/dry_set.txt" "$T/batch.tsv" | head -4)"; fi
if cmp -s "$T/dry_one.txt" "$T/batch.tsv"; then ok; else bad "per-customer statements decide as SQLite" "$(diff "$T/dry_one.txt" "$T/batch.tsv" | head -4)"; fi
check "dry-run writes nothing" "$(psq 0 crm -c "SELECT count(*) FROM events WHERE action = 'optimal.channel'" -c "SELECT count(*) FROM batch_runs")" "$NC
1"

# --customers FILE (the store's get): the same as on SQLite, an unknown id included
printf 'cust-00042\ncust-00007\nnobody\ncust-02999\n' >"$T/ids"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/batch.db" --dry-run --customers "$T/ids" >"$T/ids_sqlite.out" 2>"$T/ids_sqlite.err"; r1=$?
"$JINN" batch "${B[@]}" --providers "$PG" --dry-run --customers "$T/ids" >"$T/ids_pg.out" 2>"$T/ids_pg.err"; r2=$?
check "--customers FILE: as on SQLite" "$r2 $(sort "$T/ids_pg.out") $(grep -v 'customers/s' "$T/ids_pg.err")" \
    "$r1 $(sort "$T/ids_sqlite.out") $(grep -v 'customers/s' "$T/ids_sqlite.err")"
check "--customers FILE: three scored" "$(wc -l <"$T/ids_pg.out")" 3

# exactly once per run: an identical command after a finished run scores nothing; --new-run does
"$JINN" batch "${B[@]}" --providers "$PG" --stop-after 10 2>"$T/err"; rc=$?
check "a finished run: nothing to do, said" "$rc $(grep -c "^jinn: batch: run 1, with this template, these options and customers, is finished: $NC customers scored, 0 failed; nothing to do" "$T/err") $(psq 0 crm -c "SELECT count(*) FROM batch_runs")" "0 1 1"
"$JINN" batch "${B[@]}" --providers "$PG" --stop-after 10 --new-run 2>/dev/null
check "--new-run after a finished run" "$(psq 0 crm -c "SELECT id, scored, finished IS NULL FROM batch_runs WHERE id = 2")" "2|10|t"

# a decision is written as JSON when it is JSON to the SQLite store (jansson), else as a string:
# the same values land in both stores, the edge cases included
echo cust-00001 >"$T/one"
i=0
while IFS= read -r v; do
    i=$((i + 1))
    printf '%s' "$v" >"$T/shape.jinja"
    "$JINN" batch "$T/shape.jinja" --providers "sqlite:$T/batch.db" --customers "$T/one" --emit "shape.$i" --quiet 2>/dev/null
    "$JINN" batch "$T/shape.jinja" --providers "$PG" --customers "$T/one" --emit "shape.$i" --quiet 2>/dev/null
done <<'EOF_SHAPES'
plain text
 42 
1.5
1e400
123456789012345678901234
-9223372036854775808
[1, "a", {"b": null}]
{"a": 1, "a": 2}
"\ud83d\ude00"
"\ud800"
"\udc00x"
"\u0000"
tru
{"a": 1,}
"tab\tquote\"
EOF_SHAPES
sqlite3 -separator '|' "$T/batch.db" "SELECT action, json_extract(params, '\$.value'), json_type(params, '\$.value') FROM events WHERE action LIKE 'shape.%' ORDER BY CAST(substr(action, 7) AS INTEGER)" >"$T/shapes_sqlite.txt"
psq 0 crm -c "SELECT action, CASE jsonb_typeof(params->'value') WHEN 'string' THEN params->>'value' ELSE (params->'value')::text END, jsonb_typeof(params->'value') FROM events WHERE action LIKE 'shape.%' ORDER BY substr(action, 7)::int" >"$T/shapes_pg.txt"
python3 - "$T/shapes_sqlite.txt" "$T/shapes_pg.txt" >"$T/shapes.diff" <<'EOF_PY'
import json, sys
def rows(p):
    out = []
    for line in open(p, encoding="utf-8"):
        action, rest = line.rstrip("\n").split("|", 1)
        value, typ = rest.rsplit("|", 1)
        kind = "string" if typ in ("text", "string") else "json"
        out.append((action, kind, value if kind == "string" else json.dumps(json.loads(value), sort_keys=True)))
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
print(len(a), len(b), "same" if a == b else [x for x in zip(a, b) if x[0] != x[1]][:3])
EOF_PY
check "decisions as JSON or strings: as the SQLite store writes them" "$(cat "$T/shapes.diff")" "15 15 same"

# ---- kill -9 in the middle, then resume: each customer exactly once ------------------------------------
psq 0 crm -c "DELETE FROM events WHERE action = 'optimal.channel'" -c "TRUNCATE batch_runs RESTART IDENTITY"
K=("${B[@]}" --providers "$PG" --emit killed.channel --jobs 2 --chunk 16)
"$JINN" batch "${K[@]}" 2>"$T/kill.err" &
pid=$!
for _ in $(seq 1 400); do
    n=$(psq 0 crm -c "SELECT count(*) FROM events WHERE action = 'killed.channel'")
    [ "$n" -ge 200 ] && break
    sleep 0.01
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
n=$(psq 0 crm -c "SELECT count(*) FROM events WHERE action = 'killed.channel'")
if [ "$n" -gt 0 ] && [ "$n" -lt "$NC" ]; then ok; else bad "killed in the middle" "$n of $NC scored"; fi
check "the killed run is unfinished, its count committed with its events" "$(psq 0 crm -c "SELECT scored = $n, finished IS NULL FROM batch_runs")" "t|t"
"$JINN" batch "${K[@]}" 2>"$T/resume.err"; rc=$?
check "resume exit status" "$rc" 0
check "the resume says so" "$(grep -c "resuming run 1: $n customers already scored" "$T/resume.err")" 1
check "the resume: the run's totals and this leg's" "$(grep -c "^finished run 1: $NC customers scored, 0 errors (this time: $((NC - n)) scored, 0 failed)" "$T/resume.err")" 1
check "killed and resumed: every customer exactly once" "$(psq 0 crm -c "SELECT count(*), count(DISTINCT customer_id) FROM events WHERE action = 'killed.channel'")" "$NC|$NC"
check "killed and resumed: the run's count" "$(psq 0 crm -c "SELECT count(*), sum(scored), count(finished) FROM batch_runs")" "1|$NC|1"
psq 0 crm -c "SELECT customer_id, params->>'value' FROM events WHERE action = 'killed.channel' ORDER BY customer_id COLLATE \"C\"" >"$T/killed.txt"
if cmp -s "$T/killed.txt" "$T/batch.txt"; then ok; else bad "killed and resumed decides as SQLite" "$(diff "$T/killed.txt" "$T/batch.txt" | head -4)"; fi

# ---- failures stored and listed, --param, a retry of the failures exactly once -----------------------------
printf 'cust-00001\nnobody\ncust-00002\nghost\n' >"$T/fids"
P=(--param type=CVR --param 'k:=1')
"$JINN" batch "${B[@]}" --providers "$PG" --emit fail.channel --customers "$T/fids" "${P[@]}" 2>"$T/err"; rc=$?
check "failures: exit 1, stored with their diagnostics" "$rc $(psq 0 crm -c "SELECT string_agg(customer_id || ':' || kind || ':' || line || ':' || message, ',' ORDER BY customer_id) FROM batch_failures")" "1 ghost:data:0:no such customer,nobody:data:0:no such customer"
F=$(psq 0 crm -c "SELECT max(id) FROM batch_runs")
check "--param: type and more" "$(psq 0 crm -c "SELECT DISTINCT params->>'type', params->'k' FROM events WHERE action = 'fail.channel'")" "CVR|1"
"$JINN" batch --providers "$PG" --failures last >"$T/out" 2>"$T/err"; rc=$?
check "--failures last: as text" "$rc $(cat "$T/out") $(cat "$T/err")" "0 ghost	data	0:0	no such customer
nobody	data	0:0	no such customer run $F (fail.channel, finished): 2 customers scored, 2 failing"
"$JINN" batch --providers "$PG" --failures $F --format json >"$T/out"
check "--failures RUN: as JSON" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["run"], d["scored"], d["errors"], [f["customer"] for f in d["failures"]])' "$T/out")" "$F 2 2 ['ghost', 'nobody']"
"$JINN" batch "${B[@]}" --providers "$PG" --emit fail.channel --customers "$T/fids" "${P[@]}" 2>"$T/err"; rc=$?
check "the finished run again: nothing re-scored" "$rc $(grep -c "is finished: 2 customers scored, 2 failed; nothing to do (exactly once per run). --retry-failures $F re-scores the failed ones" "$T/err") $(psq 0 crm -c "SELECT count(*) FROM events WHERE action = 'fail.channel'")" "1 1 2"
psq 0 crm -c "INSERT INTO customers SELECT 'nobody', attributes FROM customers WHERE id = 'cust-00001'"
"$JINN" batch "${B[@]}" --providers "$PG" "${P[@]}" --retry-failures $F 2>"$T/err"; rc=$?
check "retry: only the failed ones, in run $F, exactly once" "$rc $(psq 0 crm -c "SELECT count(*), count(DISTINCT customer_id), string_agg(DISTINCT params->>'batch', ','), string_agg(DISTINCT params->>'type', ',') FROM events WHERE action = 'fail.channel'") $(psq 0 crm -c "SELECT scored, errors, finished IS NOT NULL FROM batch_runs WHERE id = $F") $(psq 0 crm -c "SELECT string_agg(customer_id, ',') FROM batch_failures")" "1 3|3|$F|CVR 3|1|t ghost"
check "retry: the same options, no note; the run's totals" "$(grep -c 'note:' "$T/err") $(grep -c "^finished run $F: 3 customers scored, 1 errors (this time: 1 scored, 1 failed)" "$T/err")" "0 1"
psq 0 crm -c "DELETE FROM customers WHERE id = 'nobody'"

# ---- slow queries: query_ms and Ctrl-C cancel them on the server ------------------------------------------
psq 0 crm -c "INSERT INTO definitions(id, kind, name, sql) VALUES ('e-sleep', 'expression', 'sleep', 'SELECT 1 FROM pg_sleep(60)')"
printf '{%% expression %%}e-sleep{%% endexpression %%}' >"$T/sleep.jinja"
printf 'cust-00001\ncust-00002\n' >"$T/two"
"$JINN" batch "$T/sleep.jinja" --quiet --providers "$PG" --emit sleep.channel --customers "$T/two" --limit query_ms=300 --jobs 1 2>"$T/err"; rc=$?
check "query_ms: each query cancelled, a limit failure stored" "$rc $(psq 0 crm -c "SELECT count(*), min(kind), min(message) FROM batch_failures f JOIN batch_runs r ON r.id = f.run_id WHERE r.action = 'sleep.channel'")" "1 2|limit|limit 'query_ms' exceeded: expression 'e-sleep' took more than 300 ms"
"$JINN" batch "$T/sleep.jinja" --quiet --providers "$PG" --emit sleep2.channel --customers "$T/two" --limit query_ms=0 --jobs 1 2>"$T/err" &
pid=$!
sleep 1; t0=$(date +%s%N); kill -INT $pid; wait $pid; rc=$?; t1=$(date +%s%N)
check "Ctrl-C during a query: exit 130 within a second, nothing failed" "$rc $(( (t1 - t0) / 1000000 < 1000 )) $(psq 0 crm -c "SELECT scored, errors, finished IS NULL FROM batch_runs WHERE action = 'sleep2.channel'")" "130 1 0|0|t"
check "Ctrl-C: the query was cancelled on the server" "$(psq 0 crm -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()")" 0
psq 0 crm -c "DELETE FROM definitions WHERE id = 'e-sleep'"
# a set form slower than query_ms: cancelled on the server at query_ms, the customers fail with it
psq 0 crm -c "INSERT INTO definitions(id, kind, name, sql, set_sql) VALUES ('e-sleepset', 'expression', 'sleepset', 'SELECT 1', 'SELECT customer_id, 1 FROM chunk_customers, pg_sleep(60)')"
printf '{%% expression %%}e-sleepset{%% endexpression %%}' >"$T/sleepset.jinja"
t0=$(date +%s%N)
"$JINN" batch "$T/sleepset.jinja" --quiet --providers "$PG" --emit sleepset.channel --customers "$T/two" --limit query_ms=300 --jobs 1 --dry-run 2>"$T/err"; rc=$?
t1=$(date +%s%N)
check "query_ms bounds a set form: cancelled, the customers fail naming it" "$rc $(grep -c "definition 'e-sleepset' (sleepset): took more than 300 ms (limit query_ms)" "$T/err") $(( (t1 - t0) / 1000000 < 10000 ))" "1 2 1"
check "the set form's query was cancelled on the server" "$(psq 0 crm -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()")" 0
psq 0 crm -c "DELETE FROM definitions WHERE id = 'e-sleepset'"

# ---- errors ------------------------------------------------------------------------------------------------
"$JINN" batch "${B[@]}" --providers "postgres:host=127.0.0.1 port=$BASE user=postgres dbname=postgres" 2>"$T/err"; rc=$?
check "a database that is not a store" "$rc $(head -1 "$T/err")" "2 jinn: batch: database 'postgres' is not a jinn event store: relation \"definitions\" does not exist (see docs/providers.md)"
psq 0 crm -c "UPDATE definitions SET sql = 'SELEC 1', set_sql = NULL WHERE id = '6e3206d9-708a-4fc5-bfe4-88fea18da90f'"
"$JINN" batch "${B[@]}" --providers "$PG" --dry-run --jobs 1 --stop-after 3 >/dev/null 2>"$T/err"; rc=$?
check "bad definition SQL: the customers fail" "$rc $(grep -c "definition '6e3206d9-708a-4fc5-bfe4-88fea18da90f' (MOBILE_PUSH CTR (customers sent at least 5 campaigns)): bad SQL: syntax error at or near \"SELEC\"" "$T/err")" "1 3"
psq 0 crm -c "UPDATE definitions SET set_sql = 'SELECT \$2 AS n' WHERE id = '37368423-6210-4ee4-bd67-5e2143544576'"
"$JINN" batch "${B[@]}" --providers "$PG" --dry-run --jobs 1 --stop-after 2 >/dev/null 2>"$T/err"
check "the set forms answer: one without customer_id fails" "$(grep -c "definition '37368423-6210-4ee4-bd67-5e2143544576' (NEWSLETTER CTR (customers sent at least 5 campaigns)): bad SQL in the set form: no customer_id column" "$T/err" | sed 's/^[1-9][0-9]*$/some/')" some
psq 0 crm -c "UPDATE definitions SET sql = 'DELETE FROM events RETURNING 1' WHERE id = '6e3206d9-708a-4fc5-bfe4-88fea18da90f'"
"$JINN" batch "${B[@]}" --providers "$PG" --dry-run --jobs 1 --stop-after 1 >/dev/null 2>"$T/err"
check "a definition that would write fails (read-only)" "$(grep -c 'cannot execute DELETE in a read-only transaction' "$T/err") $(psq 0 crm -c "SELECT count(*) > 0 FROM events")" "1 t"
finish
