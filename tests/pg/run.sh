#!/usr/bin/env bash
# tests/pg/run.sh — `make pg-test`: the PostgreSQL extension on three local PostgreSQL 15 servers
# started here (initdb/pg_ctl in build/pg-test/, loopback ports PG_TEST_PORT..+2, stopped on exit):
#
#   1. single node (the coordinator server, database `single`): jinn_render and its options,
#      errors as SQLSTATEs with a DETAIL and caret, warnings as NOTICEs, hostile templates
#      ending in clean errors (the backend lives on), statement_timeout stopping a long render,
#      the per-backend cache, jinn_check as rows, and the example store scored with one
#      INSERT … SELECT — serially and with 2 parallel workers;
#   2. sharded (database `crm` on the coordinator and on two shards): customers and events
#      hash-partitioned by customer id as postgres_fdw foreign-table partitions, servers made
#      with extensions 'jinn', so EXPLAIN VERBOSE shows jinn_render in each shard's Remote SQL;
#      the distributed scoring writes its events on the shards;
#   3. the decisions of the three — one node, two shards, and `jinn batch` on the SQLite store
#      (and the SQLite extension) — are the same, customer by customer.
#
# Needs the extension installed (make pg-install, as root) and examples/channel/crm.db; the
# servers and the loading are tests/pg/servers.sh's.
# Ends with "N passed, M failed".
. "$(dirname "$0")/../lib.sh"
DB=examples/channel/crm.db
. tests/pg/servers.sh
[ -f "$DB" ] || make -s example-db >/dev/null
# PG_TEST_KEEP=1 leaves the servers running (to look around); run again, or stop them by hand
trap '[ -n "${PG_TEST_KEEP:-}" ] || stop_all; rm -rf "$T"' EXIT

# ---- three servers -----------------------------------------------------------------------------
if msg=$(pg_up 2>&1); then ok; else bad "three servers start" "$msg"; finish; exit 1; fi

err() { psq "$1" "$2" -v VERBOSITY=verbose -c "$3" 2>&1 | sed -n 's/^psql:[^E]*ERROR:  //p; s/^ERROR:  //p' | head -1; }

# ---- 1. single node: the function ---------------------------------------------------------------
check "render" "$(psq 0 single -c "SELECT jinn_render('Hello {{ name }}!', '{\"name\": \"Ada\"}')")" "Hello Ada!"
echo '{{ [1, 2, 3, 4, 5, 6, 7, 8]|random }} {{ [1, 2, 3]|shuffle }}' > "$T/r.jinja"
check "seed as the CLI's --seed" "$(psq 0 single -c "SELECT jinn_render('$(cat "$T/r.jinja")', '{}', '{\"seed\": 42}')")" \
    "$("$JINN" render "$T/r.jinja" --seed 42)"
check "options" "$(psq 0 single -c "SELECT jinn_render('{{ [1, none] }}', '{}', '{\"profile\": \"jinjava\"}') || ' ' || jinn_render(E'  {% if 1 %}\nx\n{% endif %}', '{}', '{\"trim_blocks\": true, \"lstrip_blocks\": true}')")" "[1, null] x"
check "templates from text and varchar columns" "$(psq 0 single -c "SELECT string_agg(jinn_render(t, '{}'), ',') FROM (VALUES ('{{ 1 }}'::text), ('{{ 2 }}'::varchar)) v(t)")" "1,2"
check "a template of another type: 42804" "$(err 0 single "SELECT jinn_render(42, '{}')")" "42804: jinn_render: the template must be text, not integer"
check "provider answers from the context" "$(psq 0 single -c "SELECT jinn_render('{% expressionvar e1 %}{{ expression_result }}{% endexpressionvar %}', jsonb_build_object('expressions', jsonb_build_object('e1', jinn_real(0.5))))")" "0.5"
check "a warning is a NOTICE" "$(psq 0 single -c "SELECT jinn_render('{% expressionvar e1 %}{{ expression_result }}{% endexpressionvar %}', '{}')" 2>&1)" \
    "NOTICE:  the provider has no value for expression 'e1': using none
None"
check "warnings: error" "$(err 0 single "SELECT jinn_render('{% expressionvar e1 %}{% endexpressionvar %}', '{}', '{\"warnings\": \"error\"}')")" \
    '01000: jinn: the render warned (option "warnings": "error")'
check "syntax error: SQLSTATE 42601" "$(err 0 single "SELECT jinn_render('a {{ 1 + }}', '{}')")" "42601: unexpected '}}': the expression is incomplete"
check "syntax error: DETAIL with line:col and caret" "$(psq 0 single -c "SELECT jinn_render('a {{ 1 + }}', '{}')" 2>&1 | sed -n '/^DETAIL/,$p')" \
    "DETAIL:  template:1:10: unexpected '}}': the expression is incomplete
a {{ 1 + }}
         ^"
check "undefined: 42704" "$(err 0 single "SELECT jinn_render('{{ nope }}', '{}', '{\"undefined\": \"strict\"}')")" "42704: 'nope' is undefined"
check "type: 42804" "$(err 0 single "SELECT jinn_render('{{ 1 + \"a\" }}', '{}')" | cut -c1-7)" "42804: "
check "bad option: 22023" "$(err 0 single "SELECT jinn_render('x', '{}', '{\"seed\": -1}')")" "22023: jinn: option 'seed': expected a non-negative integer"
check "strict providers: 38000" "$(err 0 single "SELECT jinn_render('{% expressionvar e1 %}{% endexpressionvar %}', '{}', '{\"strict_providers\": true}')")" \
    "38000: the provider has no value for expression 'e1'"

# hostile templates: clean errors, and the same session goes on
out=$(psq 0 single -v VERBOSITY=verbose 2>&1 <<'EOF'
\set ON_ERROR_STOP 0
SELECT jinn_render('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', '{}');
SELECT jinn_render('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', '{}', '{"limits": {"fuel": 1000000}}');
SELECT jinn_render('{% for x in %}', '{}');
SELECT pg_backend_pid() = pg_backend_pid() AS same_backend;
EOF
)
check "deep recursion: 54000" "$(echo "$out" | grep -c "ERROR:  54000: limit 'call_depth' exceeded")" 1
check "endless loop hits fuel: 54000" "$(echo "$out" | grep -c "ERROR:  54000: limit 'fuel' exceeded: more than 1000000 units")" 1
check "syntax error in a for" "$(echo "$out" | grep -c "ERROR:  42601: ")" 1
check "the backend lives on" "$(echo "$out" | tail -1)" "t"
check "the server lives on" "$(grep -c 'terminated by signal' "$S/n0.log")" 0

# cancel: statement_timeout stops a render that would run for minutes under raised limits
start=$(date +%s%N)
out=$(err 0 single "SET statement_timeout = '500ms'; SELECT jinn_render('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', '{}', '{\"limits\": {\"fuel\": 1000000000000}}')")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "statement_timeout cancels the render: 57014" "$out" "57014: canceling statement due to statement timeout"
if [ "$ms" -lt 5000 ]; then ok; else bad "the cancel came in time" "took ${ms} ms"; fi
# pg_cancel_backend from another session
psq 0 single -c "SELECT jinn_render('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', '{}', '{\"limits\": {\"fuel\": 1000000000000}}')" >"$T/cancel.out" 2>&1 &
cpid=$!
sleep 1
psq 0 single -c "SELECT count(*) FROM (SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT jinn_render(%' AND pid <> pg_backend_pid()) s" >/dev/null
wait $cpid
check "pg_cancel_backend stops the render" "$(cat "$T/cancel.out")" "ERROR:  canceling statement due to user request"

# the cache: one compile for a statement over many rows; bounded by jinn.cache_size
check "a statement compiles once" "$(psq 0 single -c "SELECT count(DISTINCT jinn_render('{{ x * 2 }}', jsonb_build_object('x', g))) FROM generate_series(1, 5000) g" -c "SELECT * FROM jinn_cache_stats()")" "5000
1|1"
check "jinn.cache_size bounds it" "$(psq 0 single -c "SET jinn.cache_size = 2" -c "SELECT string_agg(jinn_render('t' || (g % 3), '{}'), ',') FROM generate_series(1, 6) g" -c "SELECT * FROM jinn_cache_stats()")" "t1,t2,t0,t1,t2,t0
2|6"
check "jinn_check as rows" "$(psq 0 single -c "SELECT line, \"column\", severity, kind, message FROM jinn_check(E'{{ x|nofilter }}\n{% if %}') ORDER BY line")" \
    "1|6|error|syntax|unknown filter 'nofilter'
2|7|error|syntax|unexpected '%}': the expression is incomplete"
check "declared IMMUTABLE PARALLEL SAFE" "$(psq 0 single -c "SELECT provolatile, proparallel FROM pg_proc WHERE proname = 'jinn_render'")" "i|s"

# ---- the example store, one node ------------------------------------------------------------------
export_store "$DB" "$T"
NC=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
load_store 0 single "$T" || bad "loading the store (single)"

# the reference: jinn batch on the SQLite store
cp "$DB" "$T/batch.db"
"$JINN" batch "$TPL" --providers "sqlite:$T/batch.db" --seed 1 --trim-blocks --lstrip-blocks --quiet 2>/dev/null
sqlite3 -separator '|' "$T/batch.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id" >"$T/batch.txt"
check "jinn batch scored them all" "$(wc -l <"$T/batch.txt")" "$NC"

SCORE="SELECT score_channel(:'tpl', 1)"
DECISIONS="SELECT customer_id, params->>'value' FROM events WHERE action = 'optimal.channel' ORDER BY customer_id COLLATE \"C\""
tq 0 single "SET max_parallel_workers_per_gather = 0;" "$SCORE;" >/dev/null || bad "scoring (single)"
psq 0 single -c "$DECISIONS" >"$T/single.txt"
check "one node: every customer scored" "$(wc -l <"$T/single.txt")" "$NC"
if cmp -s "$T/single.txt" "$T/batch.txt"; then ok; else bad "one node decides as jinn batch" "$(diff "$T/single.txt" "$T/batch.txt" | head -4)"; fi
check "one node: params and run" "$(psq 0 single -c "SELECT params->>'type', params->>'batch', jsonb_typeof(params->'value') FROM events WHERE action = 'optimal.channel' LIMIT 1" -c "SELECT id, scored, finished IS NOT NULL FROM batch_runs")" \
    "CTR|1|string
1|$NC|t"
check "one node: the statement compiled the template once" "$(tq 0 single "SET max_parallel_workers_per_gather = 0;" "SELECT count(DISTINCT decision) > 1 FROM channel_decisions(:'tpl', 1);" "SELECT compiles FROM jinn_cache_stats();")" "t
1"

# parallel workers: the scoring SELECT (INSERT … SELECT is never parallel in PostgreSQL 15)
PAR="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
check "two parallel workers planned" "$(tq 0 single "$PAR" "SELECT 'EXPLAIN ' || channel_decisions_sql(:'tpl', 1) \\gexec" | grep -c 'Workers Planned: 2' | sed 's/^[1-9][0-9]*$/yes/')" yes
tq 0 single "$PAR" "SELECT 'SELECT * FROM (' || channel_decisions_sql(:'tpl', 1) || ') q ORDER BY customer_id COLLATE \"C\"' \\gexec" >"$T/parallel.txt"
if cmp -s "$T/parallel.txt" "$T/batch.txt"; then ok; else bad "parallel workers decide as jinn batch" "$(diff "$T/parallel.txt" "$T/batch.txt" | head -4)"; fi

# ---- 2. sharded: a coordinator and two shards ----------------------------------------------------------
shard_store "$T" >/dev/null || bad "the sharded store"
n1=$(psq 1 crm -c "SELECT count(*) FROM customers"); n2=$(psq 2 crm -c "SELECT count(*) FROM customers")
check "customers split over the shards" "$((n1 + n2)) $([ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && echo both)" "$NC both"
check "a customer's events live on its shard" "$(psq 1 crm -c "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = e.customer_id)")" 0

plan=$(tq 0 crm "SELECT 'EXPLAIN VERBOSE ' || channel_decisions_sql(:'tpl', 1) \\gexec")
echo "$plan" >"$S/explain.txt"
check "EXPLAIN VERBOSE: jinn_render in both shards' Remote SQL" "$(echo "$plan" | grep 'Remote SQL:' | grep -c 'jinn_render(')" 2
check "EXPLAIN VERBOSE: the join and grouping run on the shards" "$(echo "$plan" | grep -c 'Relations: Aggregate on ((public.customers_s[12] c[_1]*) LEFT JOIN (public.events_s[12] e[_1]*))')" 2
check "EXPLAIN VERBOSE: both shards at once (async)" "$(echo "$plan" | grep -c 'Async Foreign Scan')" 2

tq 0 crm "$SCORE;" >/dev/null || bad "scoring (sharded)"
psq 0 crm -c "$DECISIONS" >"$T/sharded.txt"
check "sharded: every customer scored" "$(wc -l <"$T/sharded.txt")" "$NC"
if cmp -s "$T/sharded.txt" "$T/single.txt"; then ok; else bad "sharded decides as one node" "$(diff "$T/sharded.txt" "$T/single.txt" | head -4)"; fi
if cmp -s "$T/sharded.txt" "$T/batch.txt"; then ok; else bad "sharded decides as jinn batch" "$(diff "$T/sharded.txt" "$T/batch.txt" | head -4)"; fi
s1=$(psq 1 crm -c "SELECT count(*) FROM events WHERE action = 'optimal.channel'"); s2=$(psq 2 crm -c "SELECT count(*) FROM events WHERE action = 'optimal.channel'")
check "the decisions were written on the shards" "$s1 $s2" "$n1 $n2"
check "the shards rendered (their caches compiled)" "$(for i in 1 2; do psq "$i" crm -c "SELECT sum(calls) > 0 FROM pg_stat_user_functions WHERE funcname = 'jinn_render'" 2>/dev/null; done | tr '\n' ' ')" "t t "

# ---- 3. the SQLite extension on the same store --------------------------------------------------------
make -s sqlite-ext >/dev/null
cp "$DB" "$T/ext.db"
sqlite3 -bail "$T/ext.db" -cmd ".load build/ext/sqlite/jinn" ".read ext/sqlite/examples/score_channel.sql" || bad "SQLite extension scoring"
sqlite3 -separator '|' "$T/ext.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id" >"$T/sqlite_ext.txt"
if cmp -s "$T/sqlite_ext.txt" "$T/batch.txt"; then ok; else bad "the SQLite extension decides as jinn batch" "$(diff "$T/sqlite_ext.txt" "$T/batch.txt" | head -4)"; fi
finish
