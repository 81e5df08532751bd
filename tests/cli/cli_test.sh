#!/usr/bin/env bash
# tests/cli/cli_test.sh — the jinn command line: exit statuses (0 ok, 1 template error,
# 2 usage error), messages for bad flags and unreadable files, -D, --context merging, -o,
# stdin. Ends with "N passed, M failed".
. "$(dirname "$0")/../lib.sh"

# expect STATUS STDOUT STDERR_SUBSTRING -- ARGS...
expect() {
    local want_rc=$1 want_out=$2 want_err=$3; shift 4
    local out err rc
    out=$("$JINN" "$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
    if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ] && [[ "$err" == *"$want_err"* ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: jinn $*"
        echo "  status $rc (want $want_rc)"; echo "  stdout: $out"; echo "  want:   $want_out"
        echo "  stderr: $err"; echo "  want substring: $want_err"
    fi
}

printf 'Hello {{ name }}!' > "$T/hello.jinja"
printf 'Hi {{ name }}' > "$T/hello2.jinja"
printf '{"name": "Bob"}' > "$T/bob.json"
printf '{{ nope }}' > "$T/nope.jinja"
printf '{"name": "World", "n": 1}' > "$T/a.json"
printf '{"n": 2}' > "$T/b.json"
printf '{{ n }}' > "$T/n.jinja"
printf '{{ 1 / 0 }}' > "$T/div.jinja"
printf '{%% if x %%}' > "$T/unclosed.jinja"
printf '{"expressions": {"e1": 0.5}}' > "$T/prov.json"
printf '{%% expressionvar e1 %%}{{ expression_result }}{%% endexpressionvar %%}' > "$T/ins.jinja"

expect 0 "Hello World!" "" -- render "$T/hello.jinja" --context "$T/a.json"
expect 0 "Hello you!" "" -- render "$T/hello.jinja" -D name=you
expect 0 "Hello [1, 2]!" "" -- render "$T/hello.jinja" -D 'name:=[1,2]'
expect 0 "Hello you!" "" -- render "$T/hello.jinja" -Dname=you
expect 0 "2" "" -- render "$T/n.jinja" --context "$T/a.json" --context "$T/b.json"
expect 0 "3" "" -- render - -D x:=3 <<<'{{ x }}'
expect 0 "0.5" "" -- render "$T/ins.jinja" --providers "$T/prov.json"
expect 0 "None" "warning: no data provider is configured" -- render "$T/ins.jinja"
expect 1 "" "no data provider is configured" -- render "$T/ins.jinja" --strict-providers
expect 1 "" "div.jinja:1:6: division by zero" -- render "$T/div.jinja"
expect 1 "" "unclosed 'if' block (opened at 1:1)" -- render "$T/unclosed.jinja"
expect 2 "" "unknown option '--bogus'" -- render "$T/hello.jinja" --bogus
expect 2 "" "no template given" -- render
expect 2 "" "cannot read '$T/missing.jinja'" -- render "$T/missing.jinja"
expect 2 "" "--seed x: expected a non-negative integer" -- render "$T/hello.jinja" --seed x
expect 2 "" "--profile cobol: expected jinja or jinjava" -- render "$T/hello.jinja" --profile cobol
expect 2 "" "--context needs an argument" -- render "$T/hello.jinja" --context
expect 2 "" "-D oops: expected name=value or name:=json" -- render "$T/hello.jinja" -D oops
expect 2 "" "the context is not valid JSON" -- render "$T/hello.jinja" --context "$T/hello.jinja"
printf '[1, 2]' > "$T/list.json"
expect 2 "" "the file must hold a JSON object" -- render "$T/hello.jinja" --context "$T/list.json"
printf '{"a": 1' > "$T/trunc.json"
expect 2 "" "the context is not valid JSON: " -- render "$T/hello.jinja" --context "$T/trunc.json"
expect 2 "" "provider fixtures are not valid JSON" -- render "$T/hello.jinja" --providers "$T/hello.jinja"
# integers beyond int64: exact from a lone JSON --context file; merged with another source, an error that says so
printf '{"id": 123456789012345678901234567890, "l": [-99999999999999999999, "12345678901234567890123"]}' > "$T/big.json"
printf '{{ id + 1 }} {{ l }}' > "$T/big.jinja"
expect 0 "123456789012345678901234567891 [-99999999999999999999, '12345678901234567890123']" "" -- render "$T/big.jinja" --context "$T/big.json"
expect 2 "" "too big integer (beyond int64: read exactly only from a lone JSON --context file)" -- render "$T/big.jinja" --context "$T/big.json" -D x=1
printf '{"id": 123456789012345678901234567890, "l": [' > "$T/bigbad.json"
expect 2 "" "jinn: --context $T/bigbad.json: the context is not valid JSON: " -- render "$T/big.jinja" --context "$T/bigbad.json"
expect 2 "" "unknown command 'frobnicate'" -- frobnicate
expect 1 "aInfinitybc" "cannot use 'x' (str) as a number" -- render - --profile jinjava <<<'a{{ 1/0 }}b{{ "x" - 1 }}c'
expect 0 "jinn 0.1.0" "" -- --version
printf '{%% for i in range(100000) %%}{%% for j in range(100000) %%}{%% endfor %%}{%% endfor %%}' > "$T/slow.jinja"
expect 1 "" "limit 'interrupt' exceeded: the render was interrupted" -- render "$T/slow.jinja" --timeout 0.2 --limit fuel=100000000000
expect 1 "" "limit 'fuel' exceeded: more than 500 units" -- render "$T/slow.jinja" --limit fuel=500
expect 2 "" "--limit: unknown limit 'bogus'" -- render "$T/hello.jinja" --limit bogus=1
expect 2 "" "--limit fuel: expected NAME=NUMBER" -- render "$T/hello.jinja" --limit fuel
expect 2 "" "--timeout -1: expected a positive number of seconds" -- render "$T/hello.jinja" --timeout -1
out=$("$JINN" builtins --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(sorted(f['name'] for f in d['filters'] if f['name'] in ('sort','groupby','regex_replace','tojson')), [f for f in d['filters'] if f['name']=='sort'][0]['params'])")
if [ "$out" = "['groupby', 'regex_replace', 'sort', 'tojson'] ['value', 'reverse', 'case_sensitive', 'attribute']" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: builtins --json: $out"; fi
out=$("$JINN" builtins --json | python3 -c "import json,sys; print(' '.join(m['name'] for m in json.load(sys.stdin)['modules']))")
if [ "$out" = "campaign/chain.jinja campaign/evaluation.jinja campaign/optimizer.jinja" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: builtins --json modules: $out"; fi
out=$("$JINN" builtins | tail -n 1)
if [ "$out" = "modules (3): campaign/chain.jinja campaign/evaluation.jinja campaign/optimizer.jinja" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: builtins modules: $out"; fi
expect 2 "" "builtins: unknown option '--yaml'" -- builtins --yaml
# Jinjava 2.8's registries against jinn's (jinjava_names.c): every one is implemented
out=$("$JINN" builtins --profile jinjava | tail -n 1)
if [ "$out" = "not implemented (0):" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: builtins --profile jinjava: $out"; fi
out=$("$JINN" builtins --profile jinjava --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(len(d['filters']), len(d['tests']), len(d['functions']), len(d['tags']))")
if [ "$out" = "96 42 15 21" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: builtins --profile jinjava --json: $out"; fi
# check --profile jinjava: an unknown filter is a warning there, an error in the jinja profile
printf '{{ x|nosuchfilter }}\n' > "$T/unknown.jinja"
expect 0 "" "warning: unknown filter 'nosuchfilter': the jinjava profile prints it empty" -- check "$T/unknown.jinja" --profile jinjava
expect 1 "" "unknown filter 'nosuchfilter'" -- check "$T/unknown.jinja"
expect 2 "" "check: --profile django: expected jinja or jinjava" -- check "$T/unknown.jinja" --profile django
# check --migrate: the migration lint's warnings beside the check's; a direction it does not know is a usage error
printf '{{ 3|round(2) }}' > "$T/round.jinja"
expect 0 "" "round.jinja:1:6: warning: [MIG02] round: jinja returns a float" -- check "$T/round.jinja" --migrate jinjava:jinja
out=$("$JINN" check "$T/round.jinja" --migrate jinja:jinjava --format json)
check "check --migrate --format json: the LSP-shaped record of MIG02" "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["line"], d["column"], d["endColumn"], d["severity"], d["code"], d["message"][:7])')" "1 6 11 2 lint [MIG02]"
expect 0 "" "0 errors, 0 warnings" -- check "$T/round.jinja"
expect 2 "" "check: --migrate jinja:django: expected jinjava:jinja or jinja:jinjava" -- check "$T/round.jinja" --migrate jinja:django
out=$("$JINN" limits --limit fuel=42)
if [[ "$out" == *"fuel              42"* && "$out" == *"range_items"* ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: jinn limits: $out"; fi
expect 0 "" "" -- render "$T/hello.jinja" -D name=file -o "$T/out.txt"
if [ "$(cat "$T/out.txt" 2>/dev/null)" = "Hello file!" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: -o did not write the output"; fi
out=$("$JINN" disasm "$T/hello.jinja")
if [[ "$out" == *"LOAD_GLOBAL    name"* && "$out" == *"PRINT"* ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: disasm: $out"; fi

# check and render find a template's includes and imports beside it (render also after -I)
mkdir -p "$T/sib"
printf '{%% set greeting = "hi" %%}' > "$T/sib/defs.jinja"
printf '{%% from "defs.jinja" import greeting %%}{{ greeting }}' > "$T/sib/main.jinja"
expect 0 "hi" "" -- render "$T/sib/main.jinja"
expect 0 "" "0 errors, 0 warnings" -- check "$T/sib/main.jinja"
printf '{%% include "nope.jinja" %%}' > "$T/sib/missing.jinja"
expect 1 "" "missing.jinja:1:12: template 'nope.jinja' not found" -- check "$T/sib/missing.jinja"

# ---- one option parser for every command; help, man page and completion from the command table
expect 0 "Hi Bob" "" -- render "$T/hello2.jinja" --context="$T/bob.json"
expect 0 "Hi Bob" "" -- render "$T/hello2.jinja" -Dname=Bob
expect 2 "" "--seed needs an argument" -- render "$T/hello2.jinja" --seed
expect 2 "" "-D needs an argument" -- repl -D
expect 2 "" "unknown option '--bogus'" -- check --bogus x.jinja
expect 1 "" "'nope' is undefined" -- render "$T/nope.jinja" --undefined=strict
expect 2 "" "--undefined maybe: expected default, chainable, debug, strict or lenient" -- check --undefined maybe "$T/nope.jinja"
# ---- contexts in YAML (libyaml), JSON or both, merged with -D in command-line order ----------------
printf 'name: Ada\nn: 3\nx: 1.5\nok: true\nnothing: ~\nq: "3"\ntags: [a, 2, {k: v}]\nbase: &b {z: 1}\nref: *b\nhex: 0x1F\nword: yes\n' > "$T/c.yaml"
printf '{{ name }} {{ n + 1 }} {{ x }} {{ ok }} {{ nothing }} {{ q ~ 1 }} {{ tags }} {{ ref.z }} {{ hex }} {{ word }}' > "$T/all.jinja"
expect 0 "Ada 4 1.5 True None 31 ['a', 2, {'k': 'v'}] 1 31 yes" "" -- render "$T/all.jinja" --context "$T/c.yaml"
cp "$T/c.yaml" "$T/c.yml"
expect 0 "Ada 4 1.5 True None 31 ['a', 2, {'k': 'v'}] 1 31 yes" "" -- render "$T/all.jinja" --context "$T/c.yml"
cp "$T/c.yaml" "$T/c.txt"
expect 0 "Ada 4 1.5 True None 31 ['a', 2, {'k': 'v'}] 1 31 yes" "" -- render "$T/all.jinja" --context "$T/c.txt" --format yaml
expect 0 "3" "" -- render "$T/n.jinja" --context "$T/c.yaml" -D n=3 --context "$T/bob.json" --format=json -Dx=1
# the extension (.json, .yaml, .yml) decides; --format decides for other names and stdin
cp "$T/b.json" "$T/b.ctx"
expect 0 "3" "" -- render "$T/n.jinja" --context "$T/b.ctx" --format yaml --context "$T/c.txt"
expect 0 "2" "" -- render "$T/n.jinja" --context "$T/c.yaml" --context "$T/b.ctx"
expect 2 "" "the context is not valid JSON" -- render "$T/n.jinja" --context "$T/c.txt"
printf '{{ name }} {{ n }}' > "$T/nn.jinja"
expect 0 "Bob 2" "" -- render "$T/nn.jinja" --context "$T/c.yaml" --context "$T/b.json" -D name=Bob
out=$("$JINN" render "$T/nn.jinja" --context - --format yaml < "$T/c.yaml" 2>&1)
check "--context - --format yaml reads stdin" "$out" "Ada 3"
printf 'a: [1, 2\nb: 3\n' > "$T/bad.yaml"
expect 2 "" "--context $T/bad.yaml: the context is not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence) at line 2, column 2" \
    -- render "$T/n.jinja" --context "$T/bad.yaml"
printf -- '- 1\n' > "$T/list.yaml"
expect 2 "" "the file must hold a YAML mapping" -- render "$T/n.jinja" --context "$T/list.yaml"
printf '{1: 2}: x\n' > "$T/key.yaml"
expect 2 "" "a YAML key must be a scalar" -- render "$T/n.jinja" --context "$T/key.yaml"
printf 'a: &a [*a]\n' > "$T/self.yaml"
expect 2 "" "the YAML is nested too deeply" -- render "$T/n.jinja" --context "$T/self.yaml"
expect 2 "" "--format toml: expected json or yaml" -- render "$T/n.jinja" --format toml
expect 2 "" "--format yaml: expected text or json" -- check --format yaml "$T/n.jinja"

# ---- diagnostics as data: every producer's JSON against docs/diagnostics.schema.json -------------
schema() { # schema DESCRIPTION MIN_LINES -- ARGS... : the JSON lines of stdout+stderr are valid
    local what=$1 need=$2; shift 3
    local out
    out=$("$JINN" "$@" 2>&1 | grep '^{')
    if msg=$(printf '%s\n' "$out" | python3 tests/cli/schema_check.py docs/diagnostics.schema.json "$need"); then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL: schema: $what: $msg"; printf '%s\n' "$out" | head -5
    fi
}
printf '{%% set unused = 1 %%}{{ x|nosuch }}\n{{ 1 + }}{{ "ü" is nosuchtest }}\n{%% if a %%}' > "$T/many.jinja"
schema "check --format json" 5 -- check --format json "$T/many.jinja"
schema "render --errors json: an error" 1 -- render "$T/div.jinja" --errors json
schema "render --errors json: a syntax error" 1 -- render "$T/unclosed.jinja" --errors json
schema "render --errors json: a warning" 1 -- render "$T/ins.jinja" --errors json
schema "render --errors json: an unreadable file" 1 -- render "$T/none.jinja" --errors json
schema "render --errors json: a YAML context" 1 -- render "$T/n.jinja" --context "$T/bad.yaml" --errors json
printf '{"a": 1,\n "b": }' > "$T/bad.json"
schema "render --errors json: a JSON context" 1 -- render "$T/n.jinja" --errors json --context "$T/bad.json"
schema "render --errors json: a provider fixture" 1 -- render "$T/ins.jinja" --providers "$T/bad.json" --errors json
schema "render --errors json: -D" 1 -- render "$T/n.jinja" --errors json -D 'x:=[1,'
printf 'a\n{{ "a" * "b" }}|{{ [1, 2.5]|sort }}' > "$T/jj.jinja"
schema "render --errors json: jinjava's collected errors" 3 -- render "$T/jj.jinja" --profile jinjava --errors json
# what they say, not only their shape
expect 2 "" '{"file":"'"$T"'/bad.json","range":{"start":{"line":1,"character":6},"end":{"line":1,"character":7}},"severity":1,"code":"syntax","source":"jinn","message":"the context is not valid JSON: unexpected token near '"'}'"'","line":2,"column":7,"endColumn":0}' \
    -- render "$T/n.jinja" --errors json --context "$T/bad.json"
expect 2 "" '"file":"'"$T"'/bad.yaml","range":{"start":{"line":1,"character":1}' -- render "$T/n.jinja" --context "$T/bad.yaml" --errors=json
expect 2 "" '"file":"'"$T"'/bad.json","range":{"start":{"line":1,"character":6},"end":{"line":1,"character":7}},"severity":1,"code":"syntax","source":"jinn","message":"provider fixtures are not valid JSON' \
    -- render "$T/ins.jinja" --providers "$T/bad.json" --errors json
expect 1 "a
|[1, 2.5]" '"severity":2,"code":"type","source":"jinn","message":"type error: cannot use '"'a'"' (str) as a number in '"'*'"' (printed empty, as Jinjava does)","line":2,"column":8' \
    -- render "$T/jj.jinja" --profile jinjava --errors json
printf 'x\n{{ 1 }}{%% expressionvar e1 %%}{%% endexpressionvar %%}' > "$T/ins2.jinja"
expect 0 "x
1" "ins2.jinja:2:8: warning: no data provider is configured: expression 'e1' is none" -- render "$T/ins2.jinja"
expect 0 "x
1" '"severity":2,"code":"provider","source":"jinn","message":"no data provider is configured: expression '"'e1'"' is none","line":2,"column":8' \
    -- render "$T/ins2.jinja" --errors json
# check takes the engine options
printf '{{ -x|abs }}{%% set unused = 1 %%}' > "$T/lint.jinja"
expect 0 "" "0 errors, 2 warnings" -- check --profile jinjava "$T/lint.jinja"
expect 2 "" "--profile x: expected jinja or jinjava" -- check --profile x "$T/lint.jinja"
# Jinjava's switches after the profile: presets and +/- names, in order; an unknown one is a usage error
printf '{{ [1] }}{%% for v in {"a": 1} %%}{{ v }}{%% endfor %%}' > "$T/sw.jinja"
expect 0 "[1]1" "" -- render --profile jinjava "$T/sw.jinja"
expect 0 "[1]a" "" -- render --profile jinjava:THREE_POINT_0,-usePyishObjectMapper "$T/sw.jinja"
expect 2 "" "--profile jinjava:NONE,nope: unknown Jinjava switch 'nope'" -- render --profile jinjava:NONE,nope "$T/sw.jinja"

# the man page's generated part and the bash completion are what the command table makes
man_gen=$(sed -n '/^\.\\" BEGIN GENERATED/,/^\.\\" END GENERATED/p' docs/jinn.1)
check "docs/jinn.1 in step with the command table (make gen)" "$man_gen" "$("$JINN" help --man)"
check "completion/jinn.bash in step with the command table (make gen)" "$(cat completion/jinn.bash)" "$("$JINN" help --bash-completion)"
for c in $("$JINN" help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
    check "jinn help lists $c, and it has a help" "$("$JINN" help "$c" | head -c 11)" "usage: jinn"
done

# a file check cannot read is not reported as clean
out=$("$JINN" check /dev/zero 2>&1); rc=$?
check "check /dev/zero: the limit, exit 2, no '0 errors' line" "$rc $(echo "$out" | grep -c "limit 'template_bytes' exceeded") $(echo "$out" | grep -c '0 errors')" "2 1 0"

finish
