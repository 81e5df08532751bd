#!/usr/bin/env bash
# bench/hostile.sh — the hostile corpus as a benchmark (a report, not a test): every template
# of tests/hostile/*.test and the reproducers of issue 17 rendered with the DEFAULT limits
# (a case's own --- options are ignored: the question is what the defaults allow), each timed
# for wall time, CPU time and peak memory (GNU time's maximum RSS). Prints the slowest cases
# and the biggest, and one summary line.
#
#   bench/hostile.sh [JINN] [--timeout SECONDS] [--top N]
#
# JINN: the binary (default bin/jinn). A case still running after --timeout seconds (default
# 120) is killed and reported as "killed" with the time-out as its time. To compare with
# an older commit: git archive COMMIT | tar -x -C /tmp/old && make -C /tmp/old -j2, then
# bench/hostile.sh /tmp/old/bin/jinn.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
JINN="$REPO/bin/jinn"
TIMEOUT=120
TOP=8
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) TIMEOUT=$2; shift 2 ;;
    --top) TOP=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) JINN=$1; shift ;;
  esac
done
[ -x /usr/bin/time ] || { echo "hostile.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# the issue's reproducers (those that are not golden cases already)
mkdir -p "$T/cases"
cat > "$T/cases/issue_append_160x25000.jinja" <<'EOF'
{% set ns = namespace(s="") %}{% for i in range(25000) %}{% set ns.s = ns.s ~ "x" * 160 %}{% endfor %}{{ ns.s|length }}
EOF
cat > "$T/cases/issue_center_x10000.jinja" <<'EOF'
{% for i in range(10000) %}{% set x = "x"|center(999999) %}{% endfor %}
EOF
cat > "$T/cases/issue_replace_16mb_x1000.jinja" <<'EOF'
{% set s = "a" * 16000000 %}{% for i in range(1000) %}{% set x = s|replace("a", "b") %}{% endfor %}
EOF
cat > "$T/cases/issue_shared_sublists_eq.jinja" <<'EOF'
{% set ns = namespace(a=[1], b=[1]) %}{% for i in range(40) %}{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% endfor %}{{ ns.a == ns.b }}
EOF
cat > "$T/cases/issue_shared_sublists_tojson.jinja" <<'EOF'
{% set ns = namespace(a=[1]) %}{% for i in range(40) %}{% set ns.a = [ns.a, ns.a] %}{% endfor %}{{ ns.a|tojson|length }}
EOF
cat > "$T/cases/issue_wordwrap_300k.jinja" <<'EOF'
{% set s = "lorem ipsum dolor sit amet " * 11200 %}{{ s|wordwrap(40)|length }}
EOF
cat > "$T/cases/memory_small_strings.jinja" <<'EOF'
{% set outer = [] %}{% for i in range(2000) %}{% set l = [] %}{% for j in range(5000) %}{% do l.append("x" ~ j) %}{% endfor %}{% do outer.append(l) %}{% endfor %}{{ outer|length }}
EOF

# the golden corpus: template (and context) sections
python3 - "$REPO/tests/hostile" "$T/cases" <<'EOF'
import glob, os, sys
src, out = sys.argv[1], sys.argv[2]
for path in sorted(glob.glob(os.path.join(src, "*.test"))):
    name = os.path.basename(path)[:-5]
    sections, cur = {}, None
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        if line.startswith("--- "):
            cur = line[4:].strip()
            sections[cur] = []
        elif cur:
            sections[cur].append(line)
    if "template" not in sections:
        continue
    tpl = "".join(sections["template"])
    if tpl.endswith("\n"):
        tpl = tpl[:-1]
    with open(os.path.join(out, name + ".jinja"), "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(tpl)
    if "context" in sections:
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("".join(sections["context"]))
EOF

: > "$T/results"
for f in "$T"/cases/*.jinja; do
  name=$(basename "$f" .jinja)
  args=(render "$f")
  [ -f "${f%.jinja}.json" ] && args+=(--context "${f%.jinja}.json")
  set +e
  /usr/bin/time -f "%e %U %M" -o "$T/time" timeout -s KILL "$TIMEOUT" "$JINN" "${args[@]}" >/dev/null 2>"$T/err" </dev/null
  rc=$?
  set -e
  read -r wall cpu rss < <(tail -n 1 "$T/time" | grep -E '^[0-9.]+ [0-9.]+ [0-9]+$' || echo "$TIMEOUT 0 0")
  if [ "$rc" = 137 ]; then how=killed; else how=$(grep -o "limit '[a-z_]*'" "$T/err" | head -n 1 | tr -d "'" || true); how=${how:-rc=$rc}; fi
  echo "$wall $cpu $rss $name ${how// /_}" >> "$T/results"
done

set +o pipefail # head closes the pipe of sort early
n=$(wc -l < "$T/results")
echo "hostile corpus: $n cases, default limits, $JINN"
echo "-- slowest (wall s, cpu s, peak RSS MB, case, outcome)"
sort -rn -k1,1 "$T/results" | head -n "$TOP" | awk '{printf "%8.2f %7.2f %8.1f  %s  %s\n", $1, $2, $3 / 1024, $4, $5}'
echo "-- biggest"
sort -rn -k3,3 "$T/results" | head -n "$TOP" | awk '{printf "%8.2f %7.2f %8.1f  %s  %s\n", $1, $2, $3 / 1024, $4, $5}'
awk '{ if ($1 > w) { w = $1; wn = $4 } if ($3 > m) { m = $3; mn = $4 } if ($5 == "killed") k++ }
     END { printf "summary: slowest %.2f s (%s), biggest %.1f MB (%s), %d killed after the time-out\n", w, wn, m / 1024, mn, k }' "$T/results"
