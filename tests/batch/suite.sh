#!/usr/bin/env bash
# tests/batch/suite.sh — `jinn batch` on a small event store built here
# (tests/providers/small_db.py): the decisions written back are checked by SQL against the
# ones small_db.py computes itself; --dry-run writes nothing; a stopped run resumes without
# redoing or losing anything; --jobs 1 and --jobs 2 decide the same (|random included);
# per-customer failures are counted and reported and never stop the batch; the segment query
# of docs/providers.md. Ends with "N passed, M failed".
. "$(dirname "$0")/../lib.sh"
sql() { python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("\t".join("" if v is None else str(v) for v in r))' "$@"; }

python3 tests/providers/small_db.py "$T/base.db"
python3 tests/providers/small_db.py --expect > "$T/expect.tsv"
B=(tests/batch/pick.jinja --trim-blocks --lstrip-blocks --quiet)

# ---- a whole run: the decisions, by SQL -------------------------------------------------------
cp "$T/base.db" "$T/a.db"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/a.db" --jobs 2 --chunk 7 >"$T/out" 2>"$T/err"; rc=$?
check "full run exit status" "$rc" 0
check "full run summary" "$(grep -c '^finished run 1: 40 customers scored, 0 errors, .* s, .* customers/s$' "$T/err")" 1
check "decisions by SQL" "$(sql "$T/a.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id")" "$(cat "$T/expect.tsv")"
check "params shape" "$(sql "$T/a.db" "SELECT params FROM events WHERE action = 'optimal.channel' AND customer_id = 'c01'")" '{"type": "CTR", "value": "SMS", "batch": 1}'
check "one event per customer" "$(sql "$T/a.db" "SELECT count(*), count(DISTINCT customer_id) FROM events WHERE action = 'optimal.channel'")" "40	40"
check "timestamps are now" "$(sql "$T/a.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel' AND abs(timestamp - strftime('%s','now')) > 600")" 0
check "batch_runs row" "$(sql "$T/a.db" "SELECT id, action, scored, errors, finished IS NOT NULL FROM batch_runs")" "1	optimal.channel	40	0	1"

# the segment of docs/providers.md: customers whose last optimal.channel is EMAIL
SEGMENT="SELECT customer_id FROM (SELECT customer_id, json_extract(params, '\$.value') AS channel,
  row_number() OVER (PARTITION BY customer_id ORDER BY timestamp DESC, rowid DESC) AS rn
  FROM events WHERE action = 'optimal.channel') WHERE rn = 1 AND channel = 'EMAIL' ORDER BY customer_id"
check "segment: last optimal.channel = EMAIL" "$(sql "$T/a.db" "$SEGMENT")" "$(awk -F'\t' '$2 == "EMAIL" {print $1}' "$T/expect.tsv")"
# exactly once per run: the identical command after the run finished scores nothing and says so
"$JINN" batch "${B[@]}" --providers "sqlite:$T/a.db" --emit optimal.channel 2>"$T/err"; rc=$?
check "identical finished run: nothing to do, said" "$rc $(sql "$T/a.db" "SELECT count(*) FROM batch_runs") $(sql "$T/a.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")" "0 1 40"
check "identical finished run: the message" "$(cat "$T/err")" "jinn: batch: run 1, with this template, these options and customers, is finished: 40 customers scored, 0 failed; nothing to do (exactly once per run). --new-run scores every customer again"
# a second run, asked for, adds a newer decision per customer; the segment follows the last one
"$JINN" batch "${B[@]}" --providers "sqlite:$T/a.db" --emit optimal.channel --new-run 2>/dev/null
check "--new-run after a finished run starts a new run" "$(sql "$T/a.db" "SELECT count(*) FROM batch_runs WHERE finished IS NOT NULL")" 2
check "segment after two runs" "$(sql "$T/a.db" "$SEGMENT")" "$(awk -F'\t' '$2 == "EMAIL" {print $1}' "$T/expect.tsv")"

# ---- --dry-run: the same decisions on stdout, nothing written -------------------------------------
cp "$T/base.db" "$T/d.db"
out=$("$JINN" batch "${B[@]}" --providers "sqlite:$T/d.db" --dry-run --jobs 3 2>"$T/err")
check "dry-run output" "$(echo "$out" | sort)" "$(cat "$T/expect.tsv")"
check "dry-run writes nothing" "$(sql "$T/d.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")" 0
check "dry-run makes no batch_runs" "$(sql "$T/d.db" "SELECT count(*) FROM sqlite_master WHERE name = 'batch_runs'")" 0

# ---- the same decisions from the stdlib optimizer module (campaign/optimizer.jinja) ------------
out=$("$JINN" batch tests/batch/pick_module.jinja --trim-blocks --lstrip-blocks --quiet --providers "sqlite:$T/d.db" --dry-run --jobs 2 2>"$T/err")
check "optimizer module decides as pick.jinja" "$(echo "$out" | sort)" "$(cat "$T/expect.tsv")"

# ---- stop and resume ------------------------------------------------------------------------------
cp "$T/base.db" "$T/r.db"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/r.db" --jobs 2 --chunk 5 --stop-after 15 2>"$T/err"; rc=$?
check "stopped run exit status" "$rc" 0
check "stopped run committed 15" "$(sql "$T/r.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")" 15
check "stopped run is unfinished" "$(sql "$T/r.db" "SELECT scored, finished IS NULL FROM batch_runs")" "15	1"
check "stopped run says how to resume" "$(grep -c 'run the same command again to resume run 1' "$T/err")" 1
"$JINN" batch "${B[@]}" --providers "sqlite:$T/r.db" --jobs 2 --chunk 5 --stop-after 10 2>"$T/err"
check "second slice resumes run 1" "$(grep -c 'resuming run 1: 15 customers already scored' "$T/err")" 1
"$JINN" batch "${B[@]}" --providers "sqlite:$T/r.db" --jobs 1 2>"$T/err"; rc=$?
check "last slice exit status" "$rc" 0
check "last slice: the run's totals, all legs, and this leg's" "$(grep -c '^finished run 1: 40 customers scored, 0 errors (this time: 15 scored, 0 failed), ' "$T/err")" 1
check "resumed: every customer once" "$(sql "$T/r.db" "SELECT count(*), count(DISTINCT customer_id) FROM events WHERE action = 'optimal.channel'")" "40	40"
check "resumed: same decisions" "$(sql "$T/r.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id")" "$(cat "$T/expect.tsv")"
check "resumed: one finished run" "$(sql "$T/r.db" "SELECT id, scored, finished IS NOT NULL FROM batch_runs")" "1	40	1"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/r.db" --new-run --stop-after 3 2>/dev/null
"$JINN" batch "${B[@]}" --providers "sqlite:$T/r.db" --new-run --stop-after 3 2>"$T/err"
check "--new-run does not resume" "$(sql "$T/r.db" "SELECT count(*) FROM batch_runs")" 3
check "another template is another run" "$("$JINN" batch tests/batch/pick_random.jinja --trim-blocks --lstrip-blocks --quiet --providers "sqlite:$T/r.db" --stop-after 1 2>&1 | grep -c 'resuming')" 0

# ---- Ctrl-C: the chunks under way are committed, the run resumes --------------------------------------
cp "$T/base.db" "$T/i.db"
printf '{%% for i in range(2000) %%}{%% for j in range(1000) %%}{%% endfor %%}{%% endfor %%}{%% expression %%}e-email{%% endexpression %%}' > "$T/slow.jinja"
"$JINN" batch "$T/slow.jinja" --quiet --providers "sqlite:$T/i.db" --jobs 2 --chunk 2 2>"$T/err" &
pid=$!
sleep 0.3; kill -INT $pid 2>/dev/null; wait $pid; rc=$?
n=$(sql "$T/i.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")
if [ "$rc" = 130 ] && [ "$n" -lt 40 ]; then
    check "Ctrl-C: committed = counted" "$(sql "$T/i.db" "SELECT scored FROM batch_runs")" "$n"
    "$JINN" batch "$T/slow.jinja" --quiet --providers "sqlite:$T/i.db" --jobs 2 2>"$T/err"
    check "Ctrl-C: resumed to the end" "$(sql "$T/i.db" "SELECT count(*), count(DISTINCT customer_id), (SELECT finished IS NOT NULL FROM batch_runs) FROM events WHERE action = 'optimal.channel'")" "40	40	1"
elif [ "$rc" = 0 ] && [ "$n" = 40 ]; then
    echo "note: Ctrl-C came after the end"; ok; ok # finished before the signal (a fast machine): nothing to resume
else
    bad "Ctrl-C: exit status $rc with $n events" "$(cat "$T/err")"
fi

# ---- kill -9: what was committed stays, the resumed run scores each customer exactly once ----------------
cp "$T/base.db" "$T/k.db"
"$JINN" batch "$T/slow.jinja" --quiet --providers "sqlite:$T/k.db" --jobs 2 --chunk 2 2>"$T/err" &
pid=$!
sleep 0.4; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
n=$(sql "$T/k.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")
check "kill -9: committed = counted" "$(sql "$T/k.db" "SELECT scored FROM batch_runs")" "$n"
"$JINN" batch "$T/slow.jinja" --quiet --providers "sqlite:$T/k.db" --jobs 2 --chunk 3 2>"$T/err"
check "kill -9: resumed (or finished) to the end, each customer once" "$(sql "$T/k.db" "SELECT count(*), count(DISTINCT customer_id), (SELECT group_concat(scored || '/' || (finished IS NOT NULL)) FROM batch_runs) FROM events WHERE action = 'optimal.channel'")" "40	40	40/1"
if [ "$n" -lt 40 ]; then
    check "kill -9 then resume: the summary counts the whole run, all legs" "$(grep -c "^finished run 1: 40 customers scored, 0 errors (this time: $((40 - n)) scored, 0 failed)" "$T/err")" 1
else
    check "kill -9 after the end: the same command says the run is finished" "$(grep -c -e "is finished: 40 customers scored, 0 failed; nothing to do" -e "^finished run 1: 40 customers scored, 0 errors (this time: 0 scored" "$T/err")" 1
fi

# ---- set forms: the same answers as the per-customer queries -------------------------------------------
# base.db has set forms for e-email, e-sms and a-activity; p.db is the same store without them
cp "$T/base.db" "$T/p.db"
sql "$T/p.db" "SELECT 1" >/dev/null
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE definitions SET set_sql = NULL"); d.commit()' "$T/p.db"
printf '{%% expression %%}e-email{%% endexpression %%} {%% expression %%}e-sms{%% endexpression %%} {%% aggregatevar a-activity %%}{{ aggregate_result }}{%% endaggregatevar %%} {%% metrics %%}m-email{%% endmetrics %%}' > "$T/all.jinja"
set_out=$("$JINN" batch "$T/all.jinja" --quiet --providers "sqlite:$T/base.db" --dry-run --jobs 2 --chunk 7 2>"$T/err" | sort)
per_out=$("$JINN" batch "$T/all.jinja" --quiet --providers "sqlite:$T/p.db" --dry-run --jobs 2 --chunk 7 2>/dev/null | sort)
check "set form = per customer: expressions and aggregates" "$set_out" "$per_out"
check "set form: 40 customers, aggregates filled" "$(echo "$set_out" | wc -l) $(echo "$set_out" | grep -c "'action': 'email.send'")" "40 36"
printf 'c07\nc03\nc07\nc99\nc40\n' > "$T/ids2"
set_out=$("$JINN" batch "$T/all.jinja" --quiet --providers "sqlite:$T/base.db" --dry-run --customers "$T/ids2" 2>/dev/null)
per_out=$("$JINN" batch "$T/all.jinja" --quiet --providers "sqlite:$T/p.db" --dry-run --customers "$T/ids2" 2>/dev/null)
check "set form = per customer: listed ids, twice, unknown" "$set_out" "$per_out"
check "set form: listed ids in order, each once (exactly once per run)" "$(echo "$set_out" | cut -f1 | tr '\n' ' ')" "c07 c03 c40 "
out=$("$JINN" batch tests/batch/pick_module.jinja --trim-blocks --lstrip-blocks --quiet --providers "sqlite:$T/base.db" --dry-run --jobs 2 --chunk 5 2>/dev/null | sort)
check "ids computed at run time (the optimizer module) are prefetched, same decisions" "$out" "$(cat "$T/expect.tsv")"
printf '{%% expression %%}e-badset{%% endexpression %%}' > "$T/badset.jinja"
"$JINN" batch "$T/badset.jinja" --quiet --providers "sqlite:$T/base.db" --dry-run 2>"$T/err"; rc=$?
check "bad set form: every customer fails, named" "$rc $(grep -c "^customer c..: .*definition 'e-badset' (broken set form): bad SQL in the set form: near \"SELEC\": syntax error" "$T/err")" "1 5"
printf '{%% expression %%}e-noid{%% endexpression %%}' > "$T/noid.jinja"
"$JINN" batch "$T/noid.jinja" --quiet --providers "sqlite:$T/base.db" --dry-run 2>"$T/err"
check "set form without customer_id" "$(grep -c "definition 'e-noid' (set form without customer_id): bad SQL in the set form: no customer_id column" "$T/err")" 5
check "a bad set form fails only the batch: render answers per customer" "$(printf '{%% expression %%}e-badset{%% endexpression %%}' > "$T/t1.jinja"; "$JINN" render "$T/t1.jinja" --providers "sqlite:$T/base.db" --customer c01)" 1

# the example store (examples/channel/gen_db.py, 3,000 customers): its set forms decide as the
# per-customer queries, customer by customer, with the same per-customer seeds
python3 examples/channel/gen_db.py "$T/crm.db" >/dev/null
cp "$T/crm.db" "$T/crm-per.db"
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE definitions SET set_sql = NULL"); d.commit()' "$T/crm-per.db"
check "example store: set forms on the expressions and the aggregate" "$(sql "$T/crm.db" "SELECT kind, count(set_sql) FROM definitions GROUP BY kind ORDER BY kind" | tr '\t\n' ': ')" "aggregate:1 expression:4 metric:0 "
O=(examples/channel/optimizer.jinja --trim-blocks --lstrip-blocks --quiet --seed 1 --dry-run --jobs 2)
"$JINN" batch "${O[@]}" --providers "sqlite:$T/crm.db" 2>/dev/null | sort > "$T/set.tsv"
"$JINN" batch "${O[@]}" --providers "sqlite:$T/crm-per.db" 2>/dev/null | sort > "$T/per.tsv"
check "example: 3000 decisions, set form = per customer" "$(wc -l < "$T/set.tsv") $(cmp -s "$T/set.tsv" "$T/per.tsv" && echo same)" "3000 same"
check "example: the random fallback is taken, seeded per customer" "$(grep -c "'expression': 0, 'metric'" "$T/set.tsv" | awk '{print ($1 > 100)}')" 1
printf '{%% for id in ["37368423-6210-4ee4-bd67-5e2143544576", "2b8e0c4a-9f1d-4d6e-8a3b-5c7e9f1a2b3c", "6f2c4e8a-0d3b-4f5c-a7e9-1b3d5f7a9c0e", "6e3206d9-708a-4fc5-bfe4-88fea18da90f"] %%}{%% expressionvar {{ id }} %%}{{ expression_result }} {%% endexpressionvar %%}{%% endfor %%}{%% aggregatevar 9c1e3a5f-7b2d-4c6e-8f0a-2b4d6f8a0c1e %%}{{ aggregate_result }}{%% endaggregatevar %%}' > "$T/every.jinja"
"$JINN" batch "$T/every.jinja" --quiet --dry-run --jobs 2 --providers "sqlite:$T/crm.db" 2>/dev/null | sort > "$T/set.tsv"
"$JINN" batch "$T/every.jinja" --quiet --dry-run --jobs 2 --providers "sqlite:$T/crm-per.db" 2>/dev/null | sort > "$T/per.tsv"
check "example: every expression and the aggregate, set form = per customer" "$(wc -l < "$T/set.tsv") $(cmp -s "$T/set.tsv" "$T/per.tsv" && echo same)" "3000 same"

# ---- --jobs 1 and --jobs 2 decide the same, |random included -------------------------------------------
cp "$T/base.db" "$T/j1.db"; cp "$T/base.db" "$T/j2.db"
R=(tests/batch/pick_random.jinja --trim-blocks --lstrip-blocks --quiet --seed 11)
"$JINN" batch "${R[@]}" --providers "sqlite:$T/j1.db" --jobs 1 2>/dev/null
"$JINN" batch "${R[@]}" --providers "sqlite:$T/j2.db" --jobs 2 --chunk 3 2>/dev/null
q="SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id"
a1=$(sql "$T/j1.db" "$q"); a2=$(sql "$T/j2.db" "$q")
check "jobs 1 = jobs 2" "$a1" "$a2"
check "jobs 1: 40 decisions, random picks among them" "$(echo "$a1" | wc -l) $(echo "$a1" | grep -c NONE)" "40 0"
out=$("$JINN" batch "${R[@]}" --providers "sqlite:$T/base.db" --dry-run --jobs 4 2>/dev/null | sort)
check "dry-run jobs 4 = jobs 1" "$out" "$a1"

# ---- per-customer failures are counted, never fatal -----------------------------------------------------
cp "$T/base.db" "$T/e.db"
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE customers SET attributes = ? WHERE id = ?", ("not json", "c05")); d.commit()' "$T/e.db"
printf '{{ 10 // customer.n if customer.n != 7 else 1 // 0 }}' > "$T/div.jinja"
"$JINN" batch "$T/div.jinja" --quiet --providers "sqlite:$T/e.db" --jobs 2 >"$T/out" 2>"$T/err"; rc=$?
check "failures: exit status 1" "$rc" 1
check "failures: counted" "$(grep -c '^finished run 1: 38 customers scored, 2 errors' "$T/err")" 1
check "failures: bad attributes reported" "$(grep -c '^customer c05: the customer.s attributes are not a JSON object' "$T/err")" 1
check "failures: render error reported" "$(grep -c '^customer c07: .*division by zero\|^customer c07: .*divi' "$T/err")" 1
check "failures: the others written" "$(sql "$T/e.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")" 38
check "failures: numbers stay numbers" "$(sql "$T/e.db" "SELECT json_type(params, '\$.value'), json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' AND customer_id = 'c02'")" "integer	5"
check "failures: errors in batch_runs" "$(sql "$T/e.db" "SELECT scored, errors FROM batch_runs")" "38	2"
printf '{%% expression %%}e-bad{%% endexpression %%}' > "$T/badsql.jinja"
cp "$T/base.db" "$T/b.db"
"$JINN" batch "$T/badsql.jinja" --quiet --providers "sqlite:$T/b.db" --jobs 2 >"$T/out" 2>"$T/err"; rc=$?
check "bad SQL: every customer fails, batch completes" "$rc $(grep -c '^finished run 1: 0 customers scored, 40 errors' "$T/err")" "1 1"
check "bad SQL: first few reported, naming the definition" "$(grep -c "^customer c..: .*definition 'e-bad' (broken): bad SQL" "$T/err") $(grep -c '^\.\.\. and 35 more failed customers' "$T/err")" "5 1"

# ---- --customers FILE ------------------------------------------------------------------------------------------
cp "$T/base.db" "$T/f.db"
printf 'c03\n# a comment\n\nc09\nc99\n' > "$T/ids"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/f.db" --customers "$T/ids" 2>"$T/err"; rc=$?
check "--customers FILE: unknown id is an error" "$rc $(grep -c '^customer c99: no such customer' "$T/err")" "1 1"
check "--customers FILE: the listed ones" "$(sql "$T/f.db" "SELECT customer_id FROM events WHERE action = 'optimal.channel' ORDER BY 1" | tr '\n' ' ')" "c03 c09 "

# ---- usage ---------------------------------------------------------------------------------------------------------
"$JINN" batch tests/batch/pick.jinja 2>"$T/err"; check "no --providers: usage" "$? $(grep -c 'sqlite:PATH or postgres:CONNINFO is required' "$T/err")" "2 1"
"$JINN" batch tests/batch/pick.jinja --providers x.json 2>"$T/err"; check "json provider refused" "$? $(grep -c 'expected sqlite:PATH or postgres:CONNINFO' "$T/err")" "2 1"
"$JINN" batch tests/batch/pick.jinja --providers "postgres:host=127.0.0.1 port=1 password=secret" 2>"$T/err"
check "no PostgreSQL server: the message, no password" "$? $(cat "$T/err")" '2 jinn: batch: cannot connect to the event store: connection to server at "127.0.0.1", port 1 failed: Connection refused'
"$JINN" batch tests/batch/pick.jinja --providers "postgres:nonsense" 2>"$T/err"
check "a bad conninfo" "$? $(cat "$T/err")" '2 jinn: batch: cannot connect to the event store: missing "=" after "nonsense" in connection info string'
"$JINN" batch tests/batch/pick.jinja --providers "postgresql://127.0.0.1:1/crm" 2>"$T/err"
check "a postgresql:// URI" "$? $(cat "$T/err")" '2 jinn: batch: cannot connect to the event store: connection to server at "127.0.0.1", port 1 failed: Connection refused'
"$JINN" batch tests/batch/pick.jinja --providers "postgres:" 2>"$T/err"
check "postgres: with nothing after" "$? $(head -1 "$T/err")" '2 jinn batch: --providers postgres:: expected sqlite:PATH or postgres:CONNINFO'
"$JINN" batch tests/batch/pick.jinja --providers "sqlite:$T/none.db" 2>"$T/err"; check "missing db" "$? $(grep -c 'cannot open' "$T/err")" "2 1"
"$JINN" batch tests/batch/pick.jinja --providers "sqlite:$T/base.db" --jobs 0 2>"$T/err"; check "--jobs 0" "$?" 2
printf '{%% if %%}' > "$T/broken.jinja"
"$JINN" batch "$T/broken.jinja" --providers "sqlite:$T/base.db" 2>"$T/err"; check "template syntax error: exit 1 before any work" "$? $(grep -c 'broken.jinja:1:' "$T/err")" "1 1"
check "cli/batch.c speaks no SQL (the store does: providers/store.h)" "$(grep -c -E 'sqlite3|SELECT |INSERT |UPDATE |CREATE ' cli/batch.c)" 0
# ---- exactly once per run: an id listed twice is scored once; a directory is no list -------
cp "$T/base.db" "$T/dup.db"
ids=$(sql "$T/dup.db" "SELECT id FROM customers ORDER BY id LIMIT 3")
{ echo "$ids"; echo "$ids" | head -1; } > "$T/dup.ids"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/dup.db" --customers "$T/dup.ids" 2>"$T/err"; rc=$?
check "an id listed twice: one decision each, a warning" "$rc $(sql "$T/dup.db" "SELECT count(*), count(DISTINCT customer_id) FROM events WHERE action = 'optimal.channel'") $(grep -c 'listed more than once' "$T/err")" "0 3	3 1"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/dup.db" --customers "$T" 2>"$T/err"; rc=$?
check "a directory as --customers: a usage error, no run recorded" "$rc $(grep -c 'is a directory' "$T/err") $(sql "$T/dup.db" "SELECT count(*) FROM batch_runs")" "2 1 1"
# a file size limit (ulimit -f) ends the batch with an error, not SIGXFSZ
cp "$T/base.db" "$T/fsz.db"
( ulimit -f 64; "$JINN" batch "${B[@]}" --providers "sqlite:$T/fsz.db" --chunk 1 >/dev/null 2>"$T/err" ); rc=$?
check "ulimit -f: an error exit, not a signal" "$([ "$rc" -lt 128 ] && [ "$rc" -ne 0 ] && echo ok || echo "rc=$rc")" "ok"
n=$(sql "$T/fsz.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")
check "ulimit -f: said, and the summary counts only what was committed" "$(grep -c '^jinn: batch: writing the results failed: disk I/O error (.*file size limit.*); stopping (committed chunks are kept)$' "$T/err") $(grep -c "^stopped run 1: $n customers scored, 0 errors" "$T/err") $(sql "$T/fsz.db" "SELECT scored FROM batch_runs")" "1 1 $n"

check "help batch" "$("$JINN" help batch | head -1)" "usage: jinn batch TEMPLATE --providers sqlite:DB [options]"

# ---- early stop: a definition or template failing for each of the first N customers ---------------------
cp "$T/base.db" "$T/es.db"
"$JINN" batch "$T/badsql.jinja" --quiet --providers "sqlite:$T/es.db" --jobs 1 --chunk 5 --early-stop 10 >"$T/out" 2>"$T/err"; rc=$?
check "early stop: exit 1, one error naming the definition, no per-customer lines" "$rc $(grep -c "^jinn: batch: stopped early: each of the first 10 customers failed (--early-stop 10), the first with: customer c01: .*definition 'e-bad' (broken): bad SQL" "$T/err") $(grep -c '^customer ' "$T/err")" "1 1 0"
check "early stop: the run stopped after 10 (and the chunks under way), resumable, the failures stored" "$(sql "$T/es.db" "SELECT scored, errors >= 10 AND errors < 40, finished IS NULL, (SELECT count(*) FROM batch_failures) = errors FROM batch_runs")" "0	1	1	1"
cp "$T/base.db" "$T/es3.db"
"$JINN" batch "$T/badsql.jinja" --quiet --providers "sqlite:$T/es3.db" --jobs 1 --chunk 5 --early-stop 3 >"$T/out" 2>"$T/err"
check "early stop before a chunk's end: only the one error" "$(grep -c '^customer \|more failed' "$T/err") $(grep -c 'stopped early: each of the first 3 customers failed' "$T/err")" "0 1"
printf '{{ 1 // 0 }}' > "$T/zero.jinja"
"$JINN" batch "$T/zero.jinja" --quiet --providers "sqlite:$T/es.db" --jobs 2 --chunk 3 --early-stop 6 >"$T/out" 2>"$T/err"; rc=$?
check "early stop: a template failing for everyone" "$rc $(grep -c '^jinn: batch: stopped early: each of the first [0-9]* customers failed (--early-stop 6), the first with: customer c..: .*division or modulo by zero' "$T/err")" "1 1"
"$JINN" batch "$T/zero.jinja" --quiet --providers "sqlite:$T/es.db" --new-run --early-stop 0 >"$T/out" 2>"$T/err"; rc=$?
check "--early-stop 0: never, every customer fails to the end" "$rc $(grep -c '^finished run 3: 0 customers scored, 40 errors' "$T/err")" "1 1"

# ---- failures stored, listed, retried exactly once ------------------------------------------------------
cp "$T/e.db" "$T/fr.db"
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("DROP TABLE IF EXISTS batch_runs"); d.execute("DROP TABLE IF EXISTS batch_failures"); d.execute("DELETE FROM events WHERE action = ?", ("optimal.channel",)); d.commit()' "$T/fr.db"
"$JINN" batch "$T/div.jinja" --quiet --providers "sqlite:$T/fr.db" --jobs 2 >"$T/out" 2>"$T/err"; rc=$?
check "failures: the summary says how to list and retry them" "$rc $(tail -1 "$T/err")" "1 jinn: batch: jinn batch --failures 1 lists the failed customers; --retry-failures 1 re-scores them"
check "failures: stored with their diagnostics" "$(sql "$T/fr.db" "SELECT run_id, customer_id, kind, line, col, message FROM batch_failures ORDER BY customer_id")" "1	c05	data	0	0	the customer's attributes are not a JSON object: the context is not valid JSON: invalid token near 'not' at line 1, column 16
1	c07	value	1	47	integer division or modulo by zero"
"$JINN" batch --providers "sqlite:$T/fr.db" --failures 1 >"$T/out" 2>"$T/err"; rc=$?
check "--failures RUN: text, one line each" "$rc $(cat "$T/out")" "0 c05	data	0:0	the customer's attributes are not a JSON object: the context is not valid JSON: invalid token near 'not' at line 1, column 16
c07	value	1:47	integer division or modulo by zero"
check "--failures RUN: the run on stderr" "$(cat "$T/err")" "run 1 (optimal.channel, finished): 38 customers scored, 2 failing"
"$JINN" batch --providers "sqlite:$T/fr.db" --failures last --format json >"$T/out" 2>"$T/err"; rc=$?
check "--failures last --format json" "$rc $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["run"], d["finished"], d["scored"], d["errors"], [(f["customer"], f["kind"], f["line"], f["column"]) for f in d["failures"]])' "$T/out")" "0 1 True 38 2 [('c05', 'data', 0, 0), ('c07', 'value', 1, 47)]"
"$JINN" batch --providers "sqlite:$T/fr.db" --failures 9 2>"$T/err"; check "--failures of no such run" "$? $(cat "$T/err")" "2 jinn: batch: no run 9 in the store"
cp "$T/base.db" "$T/fresh.db"
"$JINN" batch --providers "sqlite:$T/fresh.db" --failures last 2>"$T/err"; check "--failures last before any run" "$? $(cat "$T/err")" "2 jinn: batch: no run in the store yet"
"$JINN" batch "$T/div.jinja" --providers "sqlite:$T/fr.db" --failures 1 2>"$T/err"; check "--failures with a template: usage" "$? $(head -1 "$T/err")" "2 jinn batch: --failures lists a run's failures: no template, --retry-failures or --dry-run with it"
"$JINN" batch "$T/div.jinja" --quiet --providers "sqlite:$T/fr.db" >"$T/out" 2>"$T/err"; rc=$?
check "a finished run with failures, run again: nothing re-scored, said" "$rc $(cat "$T/err") $(sql "$T/fr.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")" "1 jinn: batch: run 1, with this template, these options and customers, is finished: 38 customers scored, 2 failed; nothing to do (exactly once per run). --retry-failures 1 re-scores the failed ones; --new-run scores every customer again 38"
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE customers SET attributes = ? WHERE id = ?", ("{\"n\": 5}", "c05")); d.commit()' "$T/fr.db"
"$JINN" batch "$T/div.jinja" --quiet --providers "sqlite:$T/fr.db" --retry-failures 1 >"$T/out" 2>"$T/err"; rc=$?
check "retry: only the failed ones, the fixed one scored" "$rc $(head -1 "$T/err") $(sql "$T/fr.db" "SELECT group_concat(customer_id) FROM events WHERE action = 'optimal.channel' AND customer_id IN ('c05', 'c07')")" "1 jinn: batch: retrying the 2 failed customers of run 1 c05"
check "retry: the run's totals" "$(grep -c '^finished run 1: 39 customers scored, 1 errors (this time: 1 scored, 1 failed)' "$T/err") $(sql "$T/fr.db" "SELECT scored, errors, finished IS NOT NULL FROM batch_runs")" "1 39	1	1"
printf '{{ 10 // customer.n }}' > "$T/div2.jinja"
"$JINN" batch "$T/div2.jinja" --quiet --providers "sqlite:$T/fr.db" --retry-failures last >"$T/out" 2>"$T/err"; rc=$?
check "retry with another template: said, scored" "$rc $(grep -c "^jinn: batch: note: the template or options differ from run 1's: its failures are re-scored with these" "$T/err") $(grep -c '^finished run 1: 40 customers scored, 0 errors' "$T/err")" "0 1 1"
check "retried: each customer exactly once, in run 1, no failures left" "$(sql "$T/fr.db" "SELECT count(*), count(DISTINCT customer_id), min(json_extract(params, '\$.batch')), max(json_extract(params, '\$.batch')), (SELECT count(*) FROM batch_failures) FROM events WHERE action = 'optimal.channel'")" "40	40	1	1	0"
"$JINN" batch "$T/div.jinja" --quiet --providers "sqlite:$T/fr.db" --retry-failures 1 2>"$T/err"; rc=$?
check "retry of a run with no failures" "$rc $(cat "$T/err")" "0 jinn: batch: run 1 has no failures: nothing to retry"
"$JINN" batch "$T/div.jinja" --quiet --providers "sqlite:$T/fr.db" --retry-failures 1 --dry-run 2>"$T/err"
check "--retry-failures with --dry-run: usage" "$? $(grep -c 'no --dry-run, --new-run or --customers with it' "$T/err")" "2 1"
"$JINN" batch "$T/div.jinja" --quiet --providers "sqlite:$T/fr.db" --retry-failures 7 2>"$T/err"
check "--retry-failures of no such run" "$? $(cat "$T/err")" "2 jinn: batch: no run 7 in the store"

# ---- --param: params.type and more from the command line -------------------------------------------------
cp "$T/base.db" "$T/pa.db"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/pa.db" --customers <(echo c01) --param type=CVR --param model=v2 --param 'w:=[1, 2]' 2>"$T/err"
check "--param: type and extra members, value and batch last" "$(sql "$T/pa.db" "SELECT params FROM events WHERE action = 'optimal.channel'")" '{"type": "CVR", "model": "v2", "w": [1, 2], "value": "SMS", "batch": 1}'
"$JINN" batch "${B[@]}" --providers "sqlite:$T/pa.db" --param value=x 2>"$T/err"
check "--param value: usage" "$? $(head -1 "$T/err")" "2 jinn batch: --param value=x: 'value' is the batch's own (the output, the run id)"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/pa.db" --param 'k:=[' 2>"$T/err"
check "--param bad JSON: usage" "$? $(grep -c '^jinn batch: --param k:=\[: ' "$T/err")" "2 1"
"$JINN" batch "${B[@]}" --providers "sqlite:$T/pa.db" --param nokey 2>"$T/err"
check "--param without =: usage" "$? $(head -1 "$T/err")" "2 jinn batch: --param nokey: expected KEY=VALUE or KEY:=JSON"

# ---- slow provider queries: query_ms, --timeout, Ctrl-C (SQLite's progress handler) -------------------------
# e-slow runs a recursive CTE for minutes for the customers after c20, at once for the others
cp "$T/base.db" "$T/sl.db"
cp "$T/base.db" "$T/ci.db" # for the Ctrl-C case below, with the same e-slow
for db in "$T/sl.db" "$T/ci.db"; do
    python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("INSERT INTO definitions(id, kind, name, sql) VALUES(?, ?, ?, ?)", ("e-slow", "expression", "slow", "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3000000000) SELECT CASE WHEN :customer_id > ? THEN (SELECT max(i) FROM r) ELSE 1 END".replace("?", chr(39) + "c20" + chr(39)))); d.commit()' "$db"
done
printf '{%% expression %%}e-slow{%% endexpression %%}' > "$T/slow_q.jinja"
"$JINN" render "$T/slow_q.jinja" --providers "sqlite:$T/sl.db" --customer c30 --limit query_ms=200 --errors json 2>"$T/err"; rc=$?
check "query_ms: the query ends, a limit error" "$rc $(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(d["code"], d["message"])' "$T/err")" "1 limit limit 'query_ms' exceeded: expression 'e-slow' took more than 200 ms"
"$JINN" render "$T/slow_q.jinja" --providers "sqlite:$T/sl.db" --customer c30 --timeout 0.5 --errors json 2>"$T/err"; rc=$?
check "--timeout stops a provider query: the interrupt's limit error" "$rc $(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(d["code"], d["message"])' "$T/err")" "1 limit limit 'interrupt' exceeded: the render was interrupted during expression 'e-slow'"
check "a fast customer of the same definition" "$("$JINN" render "$T/slow_q.jinja" --providers "sqlite:$T/sl.db" --customer c03 --limit query_ms=200)" 1
"$JINN" batch "$T/slow_q.jinja" --quiet --providers "sqlite:$T/sl.db" --jobs 1 --chunk 4 --limit query_ms=50 2>"$T/err"; rc=$?
check "query_ms in the batch: the slow customers fail as a limit, stored" "$rc $(sql "$T/sl.db" "SELECT count(*), min(customer_id), kind, message FROM batch_failures GROUP BY kind")" "1 20	c21	limit	limit 'query_ms' exceeded: expression 'e-slow' took more than 50 ms"
# a set form slower than query_ms: its statement is stopped at query_ms, the chunk's customers fail
# with the definition and the limit, the early stop ends the batch with it (before: no bound)
cp "$T/base.db" "$T/ss.db"
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("INSERT INTO definitions(id, kind, name, sql, set_sql) VALUES(?, ?, ?, ?, ?)", ("e-slowset", "expression", "slowset", "SELECT 1", "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3000000000) SELECT customer_id, (SELECT max(i) FROM r) FROM chunk_customers")); d.commit()' "$T/ss.db"
printf '{%% expression %%}e-slowset{%% endexpression %%}' > "$T/slow_set.jinja"
t0=$(date +%s%N)
"$JINN" batch "$T/slow_set.jinja" --quiet --providers "sqlite:$T/ss.db" --jobs 1 --chunk 4 --early-stop 8 --limit query_ms=200 >"$T/out" 2>"$T/err"; rc=$?
t1=$(date +%s%N)
check "query_ms bounds a set form: exit 1, the early stop names the definition and the limit" "$rc $(grep -c "^jinn: batch: stopped early: each of the first 8 customers failed (--early-stop 8), the first with: customer c01: .*definition 'e-slowset' (slowset): took more than 200 ms (limit query_ms)" "$T/err")" "1 1"
check "query_ms bounds a set form: two chunks' statements, well under a minute" "$(( (t1 - t0) / 1000000 < 20000 ))" 1
# the same definition under the default query_ms (10 s) with a set form that is fast: answered
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE definitions SET set_sql = ? WHERE id = ?", ("SELECT customer_id, 7 FROM chunk_customers", "e-slowset")); d.commit()' "$T/ss.db"
"$JINN" batch "$T/slow_set.jinja" --quiet --providers "sqlite:$T/ss.db" --jobs 1 --chunk 4 --new-run --dry-run >"$T/out" 2>"$T/err"; rc=$?
check "a fast set form: every customer answered from it" "$rc $(sort -u -k2 "$T/out" | cut -f2 | sort -u | tr '\n' ' ')" "0 7 "

# kill -9 in the middle of a retry of those 20 (now about 0.05 s each), then the same retry again:
# each customer of the run exactly once
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE definitions SET sql = ? WHERE id = ?", ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 200000) SELECT max(i) FROM r", "e-slow")); d.commit()' "$T/sl.db"
"$JINN" batch "$T/slow_q.jinja" --quiet --providers "sqlite:$T/sl.db" --jobs 1 --chunk 1 --retry-failures 1 2>"$T/err" &
pid=$!
for _ in $(seq 100); do [ "$(sql "$T/sl.db" "SELECT count(*) FROM events WHERE action = 'optimal.channel'")" -ge 22 ] && break; sleep 0.05; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
n=$(sql "$T/sl.db" "SELECT count(*) - 20 FROM events WHERE action = 'optimal.channel'")
check "kill -9 came in the middle of the retry" "$([ "$n" -ge 2 ] && [ "$n" -lt 20 ] && echo yes || echo "no: $n of 20")" yes
check "kill -9 in a retry: committed = counted, the rest still failing" "$(sql "$T/sl.db" "SELECT scored - 20 = $n, errors = 20 - $n, (SELECT count(*) FROM batch_failures) = errors FROM batch_runs")" "1	1	1"
"$JINN" batch "$T/slow_q.jinja" --quiet --providers "sqlite:$T/sl.db" --jobs 1 --retry-failures 1 2>"$T/err"; rc=$?
check "the retry again: the rest, each customer of the run exactly once" "$rc $(head -1 "$T/err") $(sql "$T/sl.db" "SELECT count(*), count(DISTINCT customer_id), (SELECT scored || '/' || errors || '/' || (finished IS NOT NULL) FROM batch_runs), (SELECT count(*) FROM batch_failures) FROM events WHERE action = 'optimal.channel'")" "0 jinn: batch: retrying the $((20 - n)) failed customers of run 1 40	40	40/0/1	0"
# Ctrl-C: within a second, the committed kept, nothing stored as failed; the same command resumes
"$JINN" batch "$T/slow_q.jinja" --quiet --providers "sqlite:$T/ci.db" --jobs 1 --chunk 2 2>"$T/err" &
pid=$!
sleep 1; t0=$(date +%s%N); kill -INT $pid; wait $pid; rc=$?; t1=$(date +%s%N)
check "Ctrl-C during slow queries: exit 130 within a second" "$rc $(( (t1 - t0) / 1000000 < 1000 ))" "130 1"
check "Ctrl-C: the committed counted, none failed" "$(sql "$T/ci.db" "SELECT scored = (SELECT count(*) FROM events WHERE action = 'optimal.channel'), scored > 0 AND scored <= 20, errors, finished IS NULL FROM batch_runs")" "1	1	0	1"
n=$(sql "$T/ci.db" "SELECT scored FROM batch_runs")
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("UPDATE definitions SET sql = ? WHERE id = ?", ("SELECT 2", "e-slow")); d.commit()' "$T/ci.db"
"$JINN" batch "$T/slow_q.jinja" --quiet --providers "sqlite:$T/ci.db" --jobs 1 --chunk 2 2>"$T/err"; rc=$?
check "Ctrl-C then resume: each customer once, the run's totals" "$rc $(grep -c "^jinn: batch: resuming run 1: $n customers already scored" "$T/err") $(grep -c "^finished run 1: 40 customers scored, 0 errors (this time: $((40 - n)) scored, 0 failed)" "$T/err") $(sql "$T/ci.db" "SELECT count(*), count(DISTINCT customer_id) FROM events WHERE action = 'optimal.channel'")" "0 1 1 40	40"

# ---- true messages: a locked database ----------------------------------------------------------------------
python3 tests/providers/small_db.py "$T/lk.db" # a rollback journal: an exclusive lock keeps the readers out
python3 -c 'import sqlite3,sys,time; d=sqlite3.connect(sys.argv[1], isolation_level=None); d.execute("BEGIN EXCLUSIVE"); print("locked", flush=True); time.sleep(12)' "$T/lk.db" > "$T/lock.out" &
lpid=$!
for _ in $(seq 50); do [ -s "$T/lock.out" ] && break; sleep 0.1; done
"$JINN" batch "${B[@]}" --providers "sqlite:$T/lk.db" 2>"$T/err"; rc=$?
kill $lpid 2>/dev/null; wait $lpid 2>/dev/null
check "a locked database: said so, not 'not a jinn event store'" "$rc $(sed -e 's/(reading the definitions)/(X)/' -e 's/(writing batch_runs)/(X)/' -e 's/(opening it)/(X)/' "$T/err")" "2 jinn: batch: '$T/lk.db' is locked by another connection (X): database is locked; try again when it is free"

# a WAL database on read-only media (a read-only tmpfs; root only): said so, with the way out
mkdir -p "$T/ro"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m tmpfs "$T/ro" 2>/dev/null; then
    python3 tests/providers/small_db.py "$T/ro/w.db"
    python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$T/ro/w.db"
    mount -o remount,ro "$T/ro"
    "$JINN" batch "${B[@]}" --providers "sqlite:$T/ro/w.db" 2>"$T/err"; rc=$?
    check "a WAL database on read-only media: said so" "$rc $(cat "$T/err")" "2 jinn: batch: '$T/ro/w.db' cannot be read here (opening it): unable to open database file; a WAL database needs its -wal and -shm files writable, or open it with file:PATH?immutable=1 on read-only media"
    check "... and file:PATH?immutable=1 reads it" "$("$JINN" render tests/batch/pick.jinja --trim-blocks --lstrip-blocks --providers "sqlite:file:$T/ro/w.db?immutable=1" --customer c01)" "SMS"
    umount "$T/ro"
else
    echo "note: cannot mount a read-only tmpfs here: the read-only media case is skipped"; ok; ok
fi
# ---- attributes: the batch's own JSON parse decides and fails exactly as jansson's ---------------------
python3 tests/batch/attrs_db.py "$T/at.db"
printf '{{ customer|tojson }} {{ customer }}' > "$T/at.jinja"
"$JINN" batch "$T/at.jinja" --quiet --providers "sqlite:$T/at.db" --jobs 2 --chunk 5 >/dev/null 2>&1
check "attributes: every shape decided or failed as with jansson" \
    "$(sql "$T/at.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' UNION ALL SELECT customer_id, message FROM batch_failures ORDER BY 1")" \
    "$(cat tests/batch/attrs_expect.tsv)"
finish
