#!/usr/bin/env bash
# tests/repl/suite.sh — `jinn repl` and the command line's small things.
#
#   1. scripted sessions: tests/repl/*.session, each with sections
#        --- args     (optional) arguments for `jinn repl`, on one line
#        --- input    what is typed (stdin is a pipe: no prompts)
#        --- output   what it prints, stdout and stderr together
#      lines before the first section are comments. `.time` numbers are replaced by N.
#      `tests/repl/suite.sh --update` rewrites the outputs (then read the diff!).
#   2. one interactive session through a pseudo-terminal (tmux): the prompt, the continuation
#      prompt, Ctrl-C cancelling input, history (Up recalls), Tab completion, Ctrl-D, the
#      history file. Skipped, with a message, when tmux is not installed.
#   3. the command line: help COMMAND, --version, --errors json, colours and NO_COLOR, -o
#      written atomically, --context -, the man page and the bash completion.
# Run from anywhere; JINN=path/to/binary tests another build. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
export LC_ALL=C
unset NO_COLOR
JINN=${JINN:-bin/jinn}
case $JINN in /*) ;; *) JINN=$PWD/$JINN ;; esac
UPDATE=0
[ "${1:-}" = "--update" ] && UPDATE=1
T=$(mktemp -d)
TMUX_SOCK="jinn-repl-test-$$"
cleanup() { tmux -L "$TMUX_SOCK" kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    shift
    for l in "$@"; do printf '  %s\n' "$l"; done
}

# ---- 1. scripted sessions ---------------------------------------------------------------------

section() { awk -v want="$2" '/^--- /{cur = substr($0, 5); next} cur == want' "$1"; }

for f in tests/repl/*.session; do
    args=$(section "$f" args)
    section "$f" input > "$T/in"
    section "$f" output > "$T/want"
    mkdir -p "$T/home"
    # shellcheck disable=SC2086  # args are words
    HOME="$T/home" "$JINN" repl $args < "$T/in" 2>&1 | sed -E '/^time: /s/[0-9]+/N/g' | awk 1 > "$T/got"
    if [ "$UPDATE" = 1 ]; then
        { awk '{print} /^--- output$/{exit}' "$f"; cat "$T/got"; } > "$T/new" && cp "$T/new" "$f"
        pass
    elif cmp -s "$T/want" "$T/got"; then
        pass
    else
        cp "$T/got" "$f.actual"
        mapfile -t d < <(diff -u "$T/want" "$T/got" | head -60)
        fail "$f (actual output kept in $f.actual)" "${d[@]}"
    fi
done

# ---- 2. an interactive session through a pseudo-terminal ------------------------------------

tm() { tmux -L "$TMUX_SOCK" "$@"; }
# wait until the pane shows TEXT (a fixed string), up to 20 s (a loaded machine is slow to start the REPL)
wait_for() {
    for _ in $(seq 200); do
        tm capture-pane -p -t repl 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
# wait until the pane has a line that is exactly TEXT (trailing blanks are trimmed)
wait_line() {
    for _ in $(seq 200); do
        tm capture-pane -p -t repl 2>/dev/null | grep -qxF -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
if ! command -v tmux >/dev/null; then
    echo "skipped the interactive test: tmux is not installed"
else
    mkdir -p "$T/tty"
    # the pane's shell ignores SIGINT: libedit re-raises a Ctrl-C to the whole process group
    # (kill(0, SIGINT) in its handler), and a shell that died of it would take the session with
    # it, the REPL alive or not (seen once, under ASan on a loaded machine); jinn repl installs
    # its own handler, so Ctrl-C still reaches it
    tm new-session -d -s repl -x 100 -y 40 "trap '' INT; cd '$PWD' && HOME='$T/tty' '$JINN' repl; echo REPL-EXITED; sleep 30"
    steps_ok=1
    step() { # step DESCRIPTION TEXT-TO-WAIT-FOR
        if ! wait_for "$2"; then
            steps_ok=0
            mapfile -t pane < <(tm capture-pane -p -t repl)
            fail "interactive: $1 (no '$2' on the screen)" "${pane[@]}"
        fi
    }
    # before typing, wait for the prompt: keys sent while the REPL renders would be echoed by
    # the terminal out of place
    prompt() { # prompt "jinn>"|"..." : wait until the last non-empty line is that prompt
        for _ in $(seq 200); do
            [ "$(tm capture-pane -p -t repl 2>/dev/null | grep -v '^$' | tail -n 1)" = "$1" ] && return 0
            sleep 0.1
        done
        steps_ok=0
        mapfile -t pane < <(tm capture-pane -p -t repl)
        fail "interactive: no prompt '$1'" "${pane[@]}"
    }
    step "banner" "type .help for help"
    prompt "jinn>"
    tm send-keys -t repl 'x = 4' Enter
    prompt "jinn>"
    tm send-keys -t repl '{% for i in [1, 2] %}' Enter
    prompt "..."
    tm send-keys -t repl '{{ i * x }}:' Enter
    prompt "..."
    tm send-keys -t repl '{% endfor %}' Enter
    prompt "jinn>"
    tm send-keys -t repl 'x * 10' Enter
    prompt "jinn>"
    tm send-keys -t repl "'CANCEL' ~ 'LED'"
    step "typing" "'CANCEL' ~ 'LED'"
    tm send-keys -t repl C-c
    prompt "jinn>"
    tm send-keys -t repl '{% if true %}' Enter
    prompt "..."
    tm send-keys -t repl 'PENDING'
    step "typing in a continuation" "...   PENDING"
    tm send-keys -t repl C-c
    prompt "jinn>"
    tm send-keys -t repl 'x + 1' Enter
    prompt "jinn>"
    # one key at a time, and Enter only once the recalled line is on the screen: under load
    # the keys may otherwise reach libedit while it is still redrawing
    tm send-keys -t repl Up
    tm send-keys -t repl Up
    tm send-keys -t repl Up
    prompt "jinn> x * 10"
    tm send-keys -t repl Enter
    prompt "jinn>"
    tm send-keys -t repl "'ab'|upp" Tab
    step "Tab completes a filter" "'ab'|upper"
    tm send-keys -t repl Enter
    prompt "jinn>"
    # completion comes from the registry: every filter, test and method, and file names
    tm send-keys -t repl "'ab'|wordw" Tab
    step "Tab completes any filter of the registry" "'ab'|wordwrap"
    tm send-keys -t repl C-c
    prompt "jinn>"
    tm send-keys -t repl "3 is divisib" Tab
    step "Tab completes a test" "3 is divisibleby"
    tm send-keys -t repl C-c
    prompt "jinn>"
    tm send-keys -t repl "'ab'.startsw" Tab
    step "Tab completes a method" "'ab'.startswith"
    tm send-keys -t repl C-c
    prompt "jinn>"
    tm send-keys -t repl ".render tests/repl/da" Tab
    step "Tab completes a file name after .render" ".render tests/repl/data/"
    tm send-keys -t repl C-c
    prompt "jinn>"
    # any UTF-8 text: the REPL sets the locale so that libedit keeps multibyte characters
    # (the session runs with LC_ALL=C)
    tm send-keys -t repl '"ü日本"|length' Enter
    step "UTF-8 typed" '"ü日本"|length'
    prompt "jinn>"
    tm send-keys -t repl "'ü日本'|upper" Enter
    step "UTF-8 through a filter" "'Ü日本'"
    prompt "jinn>"
    tm send-keys -t repl C-d
    step "Ctrl-D exits" "REPL-EXITED"
    screen=$(tm capture-pane -p -t repl -S -100)
    [ -n "${DEBUG_TTY:-}" ] && printf "%s" "$screen" | cat -A | head -12
    if [ "$steps_ok" = 1 ]; then
        # what the screen must show, in order
        want=$'jinn> x = 4\njinn> {% for i in [1, 2] %}\n...   {{ i * x }}:\n...   {% endfor %}\n\n4:\n\n8:\njinn> x * 10\n40'
        if [[ "$screen" == *"$want"* ]]; then pass; else fail "interactive: prompts" "$screen"; fi
        if [[ "$screen" != *CANCELLED* && "$screen" != *"unclosed 'if'"* ]]; then pass; else fail "interactive: Ctrl-C did not cancel the input" "$screen"; fi
        if [[ "$screen" == *$'jinn> x + 1\n5\njinn> x * 10\n40\n'* ]]; then pass
        else fail "interactive: Up Up Up did not recall 'x * 10'" "$screen"; fi
        if [[ "$screen" == *"jinn> 'ab'|upper"* ]]; then pass; else fail "interactive: Tab completion" "$screen"; fi
        if [[ "$screen" == *$'jinn> "ü日本"|length\n3\n'* ]]; then pass; else fail "interactive: UTF-8 input" "$screen"; fi
        hist=$(cat "$T/tty/.jinn_history" 2>/dev/null)
        if [[ "$hist" == *'x\040*\04010'* && "$hist" != *CANCEL* ]]; then pass
        else fail "interactive: ~/.jinn_history" "$hist"; fi
    fi
    tm kill-server 2>/dev/null
fi

# ---- 3. the command line ----------------------------------------------------------------------

# expect STATUS STDOUT-SUBSTRING STDERR-SUBSTRING -- ARGS...   (stdin from $STDIN if set)
expect() {
    local want_rc=$1 want_out=$2 want_err=$3; shift 4
    local out err rc
    out=$("$JINN" "$@" 2>"$T/err" < "${STDIN:-/dev/null}"); rc=$?
    err=$(cat "$T/err")
    if [ "$rc" = "$want_rc" ] && [[ "$out" == *"$want_out"* ]] && [[ "$err" == *"$want_err"* ]]; then
        pass
    else
        fail "jinn $*" "status $rc (want $want_rc)" "stdout: $out" "want substring: $want_out" \
            "stderr: $err" "want substring: $want_err"
    fi
}

printf 'Hello {{ name }}!' > "$T/hello.jinja"
printf '{{ 1 / 0 }}' > "$T/div.jinja"
printf 'ok\n{{ x|bogus }}' > "$T/syntax.jinja"
printf '{%% expressionvar e1 %%}{{ expression_result }}{%% endexpressionvar %%}' > "$T/ins.jinja"
printf '{"name": "stdin"}' > "$T/name.json"

expect 0 "jinn 0.1.0" "" -- --version
expect 0 "jinn 0.1.0" "" -- version
expect 0 "usage: jinn repl" "" -- help repl
expect 0 "--errors text|json" "" -- help render
expect 0 "usage: jinn disasm" "" -- help disasm
expect 0 "usage: jinn test" "" -- help test
expect 0 "usage: jinn render" "" -- render --help
expect 0 "repl [options]" "" -- help
expect 2 "" "help: unknown command 'bogus'" -- help bogus
expect 2 "" "unknown option '--bogus'" -- repl --bogus
expect 2 "" "--profile x: expected jinja or jinjava" -- repl --profile x
expect 2 "" "cannot read '$T/nope.json'" -- repl --providers "$T/nope.json"

# --errors json: one object on stderr, the exit status unchanged
expect 1 "" '{"file":"'"$T"'/div.jinja","range":{"start":{"line":0,"character":5},"end":{"line":0,"character":6}},"severity":1,"code":"value","source":"jinn","message":"division by zero","line":1,"column":6,"endColumn":0}' \
    -- render "$T/div.jinja" --errors json
expect 1 "" '{"file":"'"$T"'/syntax.jinja","range":{"start":{"line":1,"character":5},"end":{"line":1,"character":6}},"severity":1,"code":"syntax","source":"jinn","message":"unknown filter '"'bogus'"'","line":2,"column":6,"endColumn":0}' \
    -- render "$T/syntax.jinja" --errors json
expect 2 "" '"severity":1,"code":"io","source":"jinn","message":"cannot read' -- render "$T/missing.jinja" --errors json
expect 0 "None" '"severity":2,"code":"provider","source":"jinn","message":"no data provider is configured' \
    -- render "$T/ins.jinja" --errors json
expect 2 "" "--errors yaml: expected text or json" -- render "$T/div.jinja" --errors yaml
out=$("$JINN" render "$T/div.jinja" --errors json 2>&1 >/dev/null)
if [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out" 2>/dev/null; then pass
else fail "--errors json is one valid JSON line" "$out"; fi

# colours: only on a terminal, never with NO_COLOR; the text is the same
if command -v script >/dev/null; then
    tty_err=$(script -qec "'$JINN' render '$T/div.jinja'" /dev/null 2>&1)
    if [[ "$tty_err" == *$'\033[1m'* && "$tty_err" == *"division by zero"* ]]; then pass
    else fail "colour on a terminal" "$(printf '%q' "$tty_err")"; fi
    tty_err=$(NO_COLOR=1 script -qec "'$JINN' render '$T/div.jinja'" /dev/null 2>&1)
    if [[ "$tty_err" != *$'\033'* && "$tty_err" == *"div.jinja:1:6: division by zero"* ]]; then pass
    else fail "NO_COLOR on a terminal" "$(printf '%q' "$tty_err")"; fi
    plain=$(NO_COLOR=1 script -qec "'$JINN' render '$T/div.jinja'" /dev/null 2>&1 | tr -d '\r')
    colored=$(script -qec "'$JINN' render '$T/div.jinja'" /dev/null 2>&1 | tr -d '\r' | sed 's/\x1b\[[0-9;]*m//g')
    if [ "$plain" = "$colored" ]; then pass; else fail "colour changes only colours" "$plain" "$colored"; fi
else
    echo "skipped the colour tests: script (util-linux) is not installed"
fi
"$JINN" render "$T/div.jinja" 2>"$T/err"
if ! grep -q $'\033' "$T/err"; then pass; else fail "no colour when stderr is not a terminal"; fi

# -o: atomically — a failed render leaves the file alone, no temporary file stays behind
printf 'old' > "$T/out.txt"
chmod 640 "$T/out.txt"
expect 1 "" "division by zero" -- render "$T/div.jinja" -o "$T/out.txt"
if [ "$(cat "$T/out.txt")" = "old" ]; then pass; else fail "-o: a failed render changed the file"; fi
expect 0 "" "" -- render "$T/hello.jinja" -D name=new -o "$T/out.txt"
if [ "$(cat "$T/out.txt")" = "Hello new!" ]; then pass; else fail "-o: the output was not written"; fi
if [ "$(stat -c %a "$T/out.txt")" = 640 ]; then pass; else fail "-o: the file's mode was not kept" "$(stat -c %a "$T/out.txt")"; fi
if [ -z "$(find "$T" -name '*.jinn-*')" ]; then pass; else fail "-o: a temporary file was left" "$(find "$T" -name '*.jinn-*')"; fi
expect 2 "" "cannot write '$T/no/such/dir/out.txt'" -- render "$T/hello.jinja" -D name=x -o "$T/no/such/dir/out.txt"
expect 0 "Hello dash!" "" -- render "$T/hello.jinja" -D name=dash -o -

# --context - reads stdin; stdin cannot be read twice
STDIN="$T/name.json" expect 0 "Hello stdin!" "" -- render "$T/hello.jinja" --context -
STDIN="$T/name.json" expect 2 "" "stdin is already read by the template -" -- render - --context -
STDIN="$T/name.json" expect 2 "" "stdin is already read by --context -" -- render "$T/hello.jinja" --context - --context -
printf 'name ~ x\n' > "$T/repl.in"
STDIN="$T/repl.in" expect 0 "'stdin1'" "" -- repl --context "$T/name.json" -D x=1
expect 2 "" "cannot read '$T/nope.json'" -- render "$T/hello.jinja" --context "$T/nope.json"
expect 2 "" "cannot read '$T/nope.json'" -- render "$T/hello.jinja" --providers "$T/nope.json"

# the man page and the bash completion
for c in render disasm test check repl version help; do
    if grep -q "^\\.B $c\\b\\|^\\.TP.*$c\\|$c" docs/jinn.1 2>/dev/null; then :; else fail "docs/jinn.1 does not mention $c"; fi
done
if command -v groff >/dev/null; then
    if groff -man -Tascii -ww docs/jinn.1 >/dev/null 2>"$T/groff" && [ ! -s "$T/groff" ]; then pass
    else fail "docs/jinn.1 does not format cleanly" "$(cat "$T/groff")"; fi
elif [ -s docs/jinn.1 ]; then pass; else fail "docs/jinn.1 is missing"; fi
complete_words() { # complete_words WORD... : what the completion offers for the last word
    bash -c 'source completion/jinn.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _jinn; printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd " "' _ "$@"
}
got=$(complete_words jinn re)
if [ "$got" = "render repl" ]; then pass; else fail "completion: jinn re" "$got"; fi
got=$(complete_words jinn render --pro)
if [ "$got" = "--profile --providers" ]; then pass; else fail "completion: jinn render --pro" "$got"; fi
got=$(complete_words jinn render x.jinja --profile j)
if [ "$got" = "jinja jinjava" ]; then pass; else fail "completion: --profile j" "$got"; fi
got=$(complete_words jinn help r)
if [ "$got" = "render repl" ]; then pass; else fail "completion: jinn help r" "$got"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
