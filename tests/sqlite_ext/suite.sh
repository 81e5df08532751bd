#!/usr/bin/env bash
# tests/sqlite_ext/suite.sh — the SQLite loadable extension (ext/sqlite, docs/sqlite-extension.md)
# in the sqlite3 shell: jinn_render with each option, provider answers from the context, the
# messages of its errors (syntax, undefined, limits, hostile templates, bad options), the
# template cache and its bound, jinn_check, and the scoring of an example store with one
# statement, which must decide exactly as `jinn batch` does, customer by customer.
# Ends with "N passed, M failed".
. "$(dirname "$0")/../lib.sh"
EXT=${JINN_SQLITE_EXT:-build/ext/sqlite/jinn}
[ -f "$EXT.so" ] || make -s sqlite-ext >/dev/null || { bad "the extension builds"; finish; exit 1; }
# q SQL...: run statements in the shell with the extension loaded; errors go to stdout too
q() { sqlite3 -bail :memory: -cmd ".load $EXT" "$@" 2>&1; }

# ---- rendering and options ----------------------------------------------------------------
check "render" "$(q "SELECT jinn_render('Hello {{ name }}!', '{\"name\": \"Ada\"}')")" "Hello Ada!"
check "no context" "$(q "SELECT jinn_render('{{ 1 + 2 }}', '{}')")" "3"
check "NULL in, NULL out" "$(q "SELECT quote(jinn_render(NULL, '{}')), quote(jinn_render('x', NULL))")" "NULL|NULL"
echo '{{ [1, 2, 3, 4, 5, 6, 7, 8]|random }} {{ [1, 2, 3]|shuffle }}' > "$T/r.jinja"
for seed in 0 7 123456789; do
    check "seed $seed as the CLI's --seed" "$(q "SELECT jinn_render(readfile('$T/r.jinja'), '{}', '{\"seed\": $seed}')")" \
        "$("$JINN" render "$T/r.jinja" --seed $seed)"
done
check "seed_per_customer: seed ^ FNV-1a(id), as jinn batch" \
    "$(q "SELECT jinn_render('{{ range(1000)|random }}', '{}', '{\"seed\": 5, \"customer_id\": \"c1\", \"seed_per_customer\": true}') = jinn_render('{{ range(1000)|random }}', '{}', '{\"seed\": 5, \"customer_id\": \"c1\", \"seed_per_customer\": true}'), jinn_render('{{ range(1000)|random }}', '{}', '{\"seed\": 5, \"customer_id\": \"c1\", \"seed_per_customer\": true}') = jinn_render('{{ range(1000)|random }}', '{}', '{\"seed\": 5}')")" "1|0"
check "profile jinjava" "$(q "SELECT jinn_render('{{ [1, \"a\", none] }} {{ true }}', '{}', '{\"profile\": \"jinjava\"}')")" "[1, a, null] true"
check "profile jinja" "$(q "SELECT jinn_render('{{ [1, \"a\", none] }} {{ true }}', '{}', '{\"profile\": \"jinja\"}')")" "[1, 'a', None] True"
check "trim_blocks + lstrip_blocks" "$(q "SELECT jinn_render('a
  {% if 1 %}
b
  {% endif %}
c', '{}', '{\"trim_blocks\": true, \"lstrip_blocks\": true}')")" "a
b
c"
check "keep_trailing_newline" "$(q "SELECT length(jinn_render('x
', '{}')), length(jinn_render('x
', '{}', '{\"keep_trailing_newline\": true}'))")" "1|2"
check "undefined strict" "$(q "SELECT jinn_render('{{ nope }}', '{}', '{\"undefined\": \"strict\"}')")" "Error: stepping, template:1:1: 'nope' is undefined
{{ nope }}
^"
check "undefined lenient" "$(q "SELECT '[' || jinn_render('{{ a.b.c }}', '{}', '{\"undefined\": \"lenient\"}') || ']'")" "[]"
check "limits by name" "$(q "SELECT jinn_render('{% for i in range(100) %}{{ i }}{% endfor %}', '{}', '{\"limits\": {\"fuel\": 50}}')" | head -1)" \
    "Error: stepping, template:1:1: limit 'fuel' exceeded: more than 50 units of work (loop iterations, calls, filters, outputs) in one render"
check "trim: as jinn batch trims" "$(q "SELECT '[' || jinn_render('  {{ 1 }}
	', '{}', '{\"trim\": true}') || ']'")" "[1]"
check "unknown option" "$(q "SELECT jinn_render('x', '{}', '{\"trim_output\": true}')")" \
    "Error: stepping, jinn: unknown option 'trim_output' (profile, trim_blocks, lstrip_blocks, keep_trailing_newline, autoescape, undefined, strict_providers, seed, seed_per_customer, customer_id, trim, warnings, limits)"
check "unknown limit" "$(q "SELECT jinn_render('x', '{}', '{\"limits\": {\"fuel_units\": 1}}')")" \
    "Error: stepping, jinn: unknown limit 'fuel_units' (the names of \`jinn limits\`)"
check "bad option value" "$(q "SELECT jinn_render('x', '{}', '{\"profile\": \"jinja3\"}')")" \
    "Error: stepping, jinn: option 'profile': expected \"jinja\" or \"jinjava\""
check "options not JSON" "$(q "SELECT jinn_render('x', '{}', 'seed=1')")" "Error: stepping, jinn: the options are not JSON: invalid token near 'seed'"
check "context not an object" "$(q "SELECT jinn_render('x', '[1]')")" "Error: stepping, the context is not a JSON object"

# ---- provider answers from the context ------------------------------------------------------
P='{% expressionvar e1 %}{{ expression_result }}{% endexpressionvar %} {% metricsvar metric_id:m1 %}{{ metric_result }}{% endmetricsvar %} {% aggregatevar a1 %}{{ aggregate_result|length if aggregate_result else aggregate_result }}{% endaggregatevar %}'
check "answers from expressions/metrics/aggregates" \
    "$(q "SELECT jinn_render('$P', json_object('expressions', json_object('e1', jinn_real(0.25)), 'metrics', json_object('m1', jinn_real(1)), 'aggregates', json_object('a1', json_array(1, 2, 3))))")" "0.25 1.0 3"
check "the sections are not variables" "$(q "SELECT jinn_render('{{ expressions is defined }} {{ x }}', '{\"expressions\": {}, \"x\": 1}')")" "False 1"
check "a missing answer is none (warnings ignored)" "$(q "SELECT jinn_render('$P', '{}', '{\"warnings\": \"ignore\"}')")" "None None None"
check "strict_providers" "$(q "SELECT jinn_render('$P', '{}', '{\"strict_providers\": true}')" | head -1)" \
    "Error: stepping, template:1:1: the provider has no value for expression 'e1'"
check "warnings: error" "$(q "SELECT jinn_render('$P', '{}', '{\"warnings\": \"error\"}')" | head -1)" \
    "Error: stepping, jinn: the render warned (option \"warnings\": \"error\"): the provider has no value for expression 'e1': using none"

# ---- hostile templates end in errors ---------------------------------------------------------------
check "deep recursion" "$(q "SELECT jinn_render('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', '{}')" | head -1)" \
    "Error: stepping, template:1:20: limit 'call_depth' exceeded: macro 'f' called with 100 calls already open"
check "an endless loop runs out of fuel" "$(q "SELECT jinn_render('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', '{}', '{\"limits\": {\"fuel\": 100000}}')" | head -1)" \
    "Error: stepping, template:1:29: limit 'fuel' exceeded: more than 100000 units of work (loop iterations, calls, filters, outputs) in one render"
check "syntax error, caret" "$(q "SELECT jinn_render('a {{ 1 + }}', '{}')")" "Error: stepping, template:1:10: unexpected '}}': the expression is incomplete
a {{ 1 + }}
         ^"
deep=$(python3 -c 'print("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}")')
check "deep nesting" "$(q "SELECT jinn_render('$deep', '{}')" | head -1 | cut -c1-61)" "Error: stepping, template:1:260: limit 'parse_depth' exceeded"
check "output limit" "$(q "SELECT jinn_render('{{ \"x\" * 100000 }}', '{}', '{\"limits\": {\"string_bytes\": 1000}}')" | head -1 | cut -c1-62)" \
    "Error: stepping, template:1:8: limit 'string_bytes' exceeded: "

# ---- the cache -------------------------------------------------------------------------------------
check "a statement compiles once" "$(q "SELECT count(DISTINCT jinn_render('{{ x * 2 }}', json_object('x', value))) FROM generate_series(1, 500)" "SELECT jinn_cache_stats()")" \
    '500
{"templates": 1, "compiles": 1}'
check "keyed by options too" "$(q "SELECT jinn_render('{{ x }}', '{\"x\": 1}'), jinn_render('{{ x }}', '{\"x\": 1}', '{\"profile\": \"jinjava\"}'), jinn_render('{{ x }}', '{\"x\": 2}', '{\"seed\": 9}')" "SELECT jinn_cache_stats()")" \
    '1|1|2
{"templates": 2, "compiles": 2}'
check "bounded: jinn_cache_size(1)" "$(q "SELECT jinn_cache_size(1)" "SELECT jinn_render('a' || (value % 2), '{}') FROM generate_series(1, 6)" "SELECT jinn_cache_stats()" | tr '\n' ' ')" \
    '16 a1 a0 a1 a0 a1 a0 {"templates": 1, "compiles": 6} '
check "jinn_cache_size(0) keeps nothing" "$(q "SELECT jinn_cache_size(0)" "SELECT jinn_render('x', '{}')" "SELECT jinn_cache_stats()" | tr '\n' ' ')" \
    '16 x {"templates": 0, "compiles": 1} '

# ---- check, JSON helpers -----------------------------------------------------------------------------
check "jinn_check as rows" "$(q "SELECT json_extract(value, '\$.line'), json_extract(value, '\$.column'), json_extract(value, '\$.severity'), json_extract(value, '\$.message') FROM json_each(jinn_check('{{ x|nofilter }}
{% if %}'))")" "1|6|1|unknown filter 'nofilter'
2|7|1|unexpected '%}': the expression is incomplete"
check "jinn_check: clean" "$(q "SELECT jinn_check('{{ 1 }}')")" "[]"
check "jinn_real" "$(q "SELECT jinn_real(1), jinn_real(0.1 + 0.2), jinn_real(2.5e-7), jinn_real(1e300 * 1e300), json_object('x', jinn_real(0))")" \
    '1.0|0.30000000000000004|2.5e-07|null|{"x":0.0}'
check "jinn_json_value" "$(q "SELECT json_object('a', jinn_json_value('[1, 2]'), 'b', jinn_json_value('{''n'': 1}'), 'c', jinn_json_value('0.5'), 'd', jinn_json_value('SMS'))")" \
    '{"a":[1, 2],"b":"{'"'"'n'"'"': 1}","c":0.5,"d":"SMS"}'

# ---- scoring a store with one statement = jinn batch, customer by customer -----------------------
python3 examples/channel/gen_db.py "$T/crm.db" --customers 400 >/dev/null
cp "$T/crm.db" "$T/batch.db"
"$JINN" batch examples/channel/optimizer.jinja --providers "sqlite:$T/batch.db" --seed 1 --trim-blocks --lstrip-blocks --quiet 2>/dev/null
expect=$(sqlite3 "$T/batch.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id")
sqlite3 -bail "$T/crm.db" -cmd ".load $EXT" ".read ext/sqlite/examples/score_channel.sql" >"$T/out" 2>&1
check "score_channel.sql runs" "$(cat "$T/out")" ""
got=$(sqlite3 "$T/crm.db" "SELECT customer_id, json_extract(params, '\$.value') FROM events WHERE action = 'optimal.channel' ORDER BY customer_id")
check "400 decisions written back" "$(echo "$got" | wc -l)" 400
check "the same decisions as jinn batch" "$got" "$expect"
check "the run in batch_runs" "$(sqlite3 "$T/crm.db" "SELECT id, action, scored, errors, finished IS NOT NULL FROM batch_runs")" "1|optimal.channel|400|0|1"
check "params shape" "$(sqlite3 "$T/crm.db" "SELECT json_extract(params, '\$.type'), json_extract(params, '\$.batch'), json_type(params, '\$.value') FROM events WHERE action = 'optimal.channel' LIMIT 1")" "CTR|1|text"
finish
