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

# an identical command after a finished run starts a new one
"$JINN" batch "${B[@]}" --providers "$PG" --stop-after 10 2>/dev/null
check "a finished run is not resumed" "$(psq 0 crm -c "SELECT id, scored, finished IS NULL FROM batch_runs WHERE id = 2")" "2|10|t"

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
check "the resume scored the rest" "$(grep -c "^finished run 1: $((NC - n)) customers scored, 0 errors" "$T/resume.err")" 1
check "killed and resumed: every customer exactly once" "$(psq 0 crm -c "SELECT count(*), count(DISTINCT customer_id) FROM events WHERE action = 'killed.channel'")" "$NC|$NC"
check "killed and resumed: the run's count" "$(psq 0 crm -c "SELECT count(*), sum(scored), count(finished) FROM batch_runs")" "1|$NC|1"
psq 0 crm -c "SELECT customer_id, params->>'value' FROM events WHERE action = 'killed.channel' ORDER BY customer_id COLLATE \"C\"" >"$T/killed.txt"
if cmp -s "$T/killed.txt" "$T/batch.txt"; then ok; else bad "killed and resumed decides as SQLite" "$(diff "$T/killed.txt" "$T/batch.txt" | head -4)"; fi

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
