#!/usr/bin/env bash
# tests/dtoa/java_check.sh [N] — the jinjava profile's float text against the JDK's
# Double.toString (javac/java on PATH; not part of make test). For N random doubles (default
# 1,000,000: half random bit patterns, half short decimals), the 2000 smallest subnormals and
# every power of 2 with its neighbours, prints how often the old printer (before src/dtoa.c)
# and the new one (dtoa_java) agree with Java, and every double where the new one does not.
# Exits non-zero if there is one.
. "$(dirname "$0")/../lib.sh"
N=${1:-1000000}
make -s build/tests/dtoa_bench >/dev/null || exit 2
javac -d "$T" tests/dtoa/JavaToString.java || exit 2
java -version 2>&1 | head -1
build/tests/dtoa_bench list "$N" | java -cp "$T" JavaToString > "$T/all"
awk '{ n++; if ($2 == $4) o++; if ($3 == $4) w++; else { bad++; print "DIFFERENT", $1, "new", $3, "java", $4 } }
     END { printf "%d doubles: old printer = Java on %d, new printer = Java on %d\n", n, o, w; exit bad > 0 }' "$T/all"
