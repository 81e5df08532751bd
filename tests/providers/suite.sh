#!/usr/bin/env bash
# tests/providers/suite.sh — the SQLite event-store provider (`--providers sqlite:DB`) on a
# small database built here (small_db.py): expression, metric and aggregate values, missing
# ids (none + a warning; an error with --strict-providers), bad SQL named by its definition,
# :now and :customer_id, `--customer` attributes, unusable databases; and examples/embed, the
# service-style program on the public API, built and run. Ends with "N passed, M failed".
. "$(dirname "$0")/../lib.sh"

python3 tests/providers/small_db.py "$T/s.db"
DB="sqlite:$T/s.db"

# expect NAME STATUS STDOUT STDERR_SUBSTRING TEMPLATE_TEXT -- ARGS...
expect() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4 tmpl=$5; shift 6
    printf '%s' "$tmpl" > "$T/t.jinja"
    local out err rc
    out=$("$JINN" render "$T/t.jinja" "$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
    if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ] && [[ "$err" == *"$want_err"* ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
        echo "  status $rc (want $want_rc)"; echo "  stdout: $out"; echo "  want:   $want_out"
        echo "  stderr: $err"; echo "  want substring: $want_err"
    fi
}
E() { printf '{%% expression %%}%s{%% endexpression %%}' "$1"; }

# ---- values ------------------------------------------------------------------------------------
# c07: email 7 sends 3 clicks (and one send in 2100, after :now), sms 5 sends 1 click
expect "expression: a CTR" 0 "0.42857142857142855" "" "$(E e-email)" -- --providers "$DB" --customer c07
expect "expression: under 5 sends is 0" 0 "0" "" "$(E e-email)" -- --providers "$DB" --customer c03
expect "expressionvar binds expression_result" 0 "0.2" "" \
    '{% expressionvar e-sms %}{{ expression_result }}{% endexpressionvar %}' -- --providers "$DB" --customer c07
expect "metric: a global value" 0 "0.3247" "" \
    '{% metricsvar metric_id:m-email %}{{ "%.4f"|format(metric_result) }}{% endmetricsvar %}' -- --providers "$DB"
expect "metric: an integer" 0 "40" "" '{% metrics %}m-count{% endmetrics %}' -- --providers "$DB"
expect "aggregate: a list of objects by column" 0 "[{'action': 'email.click', 'n': 3}, {'action': 'email.send', 'n': 7}, {'action': 'sms.click', 'n': 1}, {'action': 'sms.send', 'n': 5}]" "" \
    '{% aggregatevar a-activity %}{{ aggregate_result }}{% endaggregatevar %}' -- --providers "$DB" --customer c07
expect "aggregate: iterate" 0 "email.click=3 email.send=7 sms.click=1 sms.send=5 " "" \
    '{% aggregatevar a-activity %}{% for r in aggregate_result %}{{ r.action }}={{ r.n }} {% endfor %}{% endaggregatevar %}' -- --providers "$DB" --customer c07
expect "aggregate: no rows is an empty list" 0 "[] 0" "" \
    '{% aggregatevar a-empty %}{{ aggregate_result }} {{ aggregate_result|length }}{% endaggregatevar %}' -- --providers "$DB"
expect "text answers are strings, escaped" 0 $'say "hi"\ntab\té 14' "" \
    '{% expressionvar e-text %}{{ expression_result }} {{ expression_result|length }}{% endexpressionvar %}' -- --providers "$DB"
expect "no row is none" 0 "True" "" '{% expressionvar e-none %}{{ expression_result is none }}{% endexpressionvar %}' -- --providers "$DB"
expect "NULL is none" 0 "True" "" '{% expressionvar e-null %}{{ expression_result is none }}{% endexpressionvar %}' -- --providers "$DB"
expect ":now bounds the events" 0 "16" "" "$(E e-all)" -- --providers "$DB" --customer c07
expect ":customer_id is the render's customer" 0 "c12" "" "$(E e-who)" -- --providers "$DB" --customer c12
expect "no --customer: :customer_id is NULL" 0 "None" "" "$(E e-who)" -- --providers "$DB"
expect "lookups are memoized within a render" 0 "0.2 0.2" "" \
    '{% expression %}e-sms{% endexpression %} {% expression %}e-sms{% endexpression %}' -- --providers "$DB" --customer c07
expect "the customer's attributes are customer.*" 0 "Customer 7 (silver, 7)" "" \
    '{{ customer.name }} ({{ customer.tier }}, {{ customer.n }})' -- --providers "$DB" --customer c07
expect "-D can sit beside --customer" 0 "Customer 7 x" "" '{{ customer.name }} {{ y }}' -- --providers "$DB" --customer c07 -D y=x

# ---- missing ids, strict mode ----------------------------------------------------------------------
expect "missing id: none and a warning" 0 "None" "warning: the provider has no value for expression 'nope': using none" \
    "$(E nope)" -- --providers "$DB"
expect "missing id, strict: an error" 1 "" "the provider has no value for expression 'nope'" "$(E nope)" -- --providers "$DB" --strict-providers

# ---- provider errors name the definition --------------------------------------------------------------
expect "bad SQL" 1 "" "the provider failed on expression 'e-bad': definition 'e-bad' (broken): bad SQL: near \"SELEC\": syntax error" \
    "$(E e-bad)" -- --providers "$DB"
expect "bad SQL: the caret" 1 "" $'{% expression %}e-bad{% endexpression %}\n^' "$(E e-bad)" -- --providers "$DB"
expect "bad SQL: unknown column" 1 "" "definition 'e-nocol' (no column): bad SQL: no such column: nope" "$(E e-nocol)" -- --providers "$DB"
expect "bad SQL: two statements" 1 "" "definition 'e-multi' (two statements): bad SQL: the SQL holds more than one statement" "$(E e-multi)" -- --providers "$DB"
expect "bad SQL: a write" 1 "" "definition 'e-write' (writer): bad SQL: the SQL must be a query" "$(E e-write)" -- --providers "$DB"
expect "bad SQL: an unbound parameter" 1 "" "parameter ?1 is not bound: only :customer_id and :now are" "$(E e-param)" -- --providers "$DB"
expect "the kind must match" 1 "" "definition 'm-email' (email global CTR) is a metric, not an expression" "$(E m-email)" -- --providers "$DB"
expect "bad SQL, --errors json" 1 "" '"code":"provider","source":"jinn","message":"the provider failed on expression '"'"'e-bad'"'"': definition' \
    "$(E e-bad)" -- --providers "$DB" --errors json

# ---- unusable databases and options -----------------------------------------------------------------
expect "no such file" 2 "" "cannot open the event store '$T/none.db'" "x" -- --providers "sqlite:$T/none.db"
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("CREATE TABLE t(a)"); d.commit()' "$T/empty.db"
expect "not an event store" 2 "" "'$T/empty.db' is not a jinn event store: no such table: definitions" "x" -- --providers "sqlite:$T/empty.db"
printf 'not a database at all, just text that is long enough to be looked at by sqlite.........' > "$T/text.db"
expect "not a database" 2 "" "is not a SQLite database: file is not a database" "x" -- --providers "sqlite:$T/text.db"
cp "$T/s.db" "$T/k.db"
python3 -c 'import sqlite3,sys
d=sqlite3.connect(sys.argv[1]); d.execute("DROP TABLE definitions")
d.execute("CREATE TABLE definitions(id TEXT PRIMARY KEY, kind TEXT, name TEXT, sql TEXT)")
d.execute("INSERT INTO definitions VALUES (?, ?, ?, ?)", ("x1", "formula", "n", "SELECT 1")); d.commit()' "$T/k.db"
expect "an unknown kind" 2 "" "definition 'x1': kind 'formula' is not expression, metric or aggregate" "x" -- --providers "sqlite:$T/k.db"
expect "unknown customer" 2 "" "no customer 'c99' in '$T/s.db'" "x" -- --providers "$DB" --customer c99
expect "--customer needs providers" 2 "" "--customer needs --providers" "x" -- --customer c01

# ---- the chain module over the store: examples/campaign/chain_db.py, chain-store.jinja, chain-next.jinja ----
python3 examples/campaign/chain_db.py "$T/chain.db" >/dev/null
NOW=$(python3 -c "import json; print(json.load(open('examples/campaign/chain-context.json'))['now'])")
store=$("$JINN" render examples/campaign/chain-store.jinja --providers "sqlite:$T/chain.db" -D "now:=$NOW" 2>&1)
ctx=$("$JINN" render examples/campaign/chain.jinja --context examples/campaign/chain-context.json 2>&1)
check "chain report over SQLite = over the JSON context" "$(echo "$store" | tail -n 3)" "$(echo "$ctx" | tail -n 3)"
check "chain report over SQLite: per customer" "$(echo "$store" | head -n 8 | awk '{print $1, $2}' | tr '\n' ' ')" \
    "ann not bob waiting cid due dan done eve done fay done gus due hal done "
got=""
for c in ann bob cid gus hal; do got="$got$c $("$JINN" render examples/campaign/chain-next.jinja --providers "sqlite:$T/chain.db" --customer "$c" -D "now:=$NOW" 2>&1); "; done
check "chain next action per customer (--customer)" "$got" \
    "ann not eligible not eligible - -; bob waiting send email 1767501800; cid due send email 1767496400; gus due send sms 1767488400; hal done done - -; "
cp "$T/chain.db" "$T/chain2.db"
out=$("$JINN" batch examples/campaign/chain-next.jinja --providers "sqlite:$T/chain2.db" --quiet 2>&1 >/dev/null)
check "chain next action for every customer (jinn batch)" \
    "$(python3 -c 'import sqlite3,sys; print(" ".join(r[0] + "=" + r[1].split()[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT customer_id, json_extract(params, \"$.value\") FROM events WHERE action = \"optimal.channel\" AND customer_id IN (\"ann\", \"hal\") ORDER BY customer_id")))' "$T/chain2.db")" \
    "ann=not hal=done"

# ---- examples/embed: a service on the public API, with a C provider ---------------------------------------
if make -s -C examples/embed >"$T/build" 2>&1; then
    out=$(printf 'a 10 3 8 1\nb 2 1 9 4\n# junk line\nc 0 0 0 0\nd 20 1 10 9\n' | examples/embed/embed 2>"$T/err"); rc=$?
    want=$(printf 'a\tEMAIL\nb\tNONE\nc\tNONE\nd\tPUSH')
    if [ "$rc" = 0 ] && [ "$out" = "$want" ] && grep -q '^4 customers, 0 failures$' "$T/err"; then passed=$((passed + 1))
    else failed=$((failed + 1)); echo "FAIL: examples/embed"; echo "  status $rc, stdout: $out"; echo "  stderr: $(cat "$T/err")"; fi
    # many customers on two threads: every one scored, in input order
    python3 -c 'for i in range(2000): print(f"k{i} {i%13} {i%5} {i%11} {i%7}")' > "$T/many"
    n=$(examples/embed/embed < "$T/many" 2>/dev/null | cut -f1 | paste -sd' ')
    if [ "$n" = "$(cut -d' ' -f1 "$T/many" | paste -sd' ')" ]; then passed=$((passed + 1))
    else failed=$((failed + 1)); echo "FAIL: examples/embed on 2000 customers"; fi
else
    failed=$((failed + 1)); echo "FAIL: examples/embed does not build"; sed 's/^/  /' "$T/build" | head -20
fi

finish
