#!/usr/bin/env bash
# tests/fuzz/seeds.sh OUT_DIR — seed corpora from the golden files (their template sections)
# and the reference-diff corpus.
set -eu
out=$1
mkdir -p "$out"
i=0
for f in tests/golden/*/*.test tests/hostile/*.test; do
    [ -f "$f" ] || continue
    awk '/^--- template$/{f=1;next} /^--- /{f=0} f' "$f" > "$out/g$i"
    i=$((i + 1))
done
for f in tests/diff/corpus/*/*.jinja examples/channel/*.jinja; do
    cp "$f" "$out/d$i"
    i=$((i + 1))
done
echo "$i seeds in $out"
