#!/usr/bin/env bash
# tests/install/suite.sh — make install PREFIX=tmp, then build a program against the installed
# header and jinn.pc (statically and with libjinn.so) and run it. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
make -s install PREFIX="$T/prefix" >"$T/install.log" 2>&1
check "make install" '[ -f "$T/prefix/include/jinn.h" ] && [ -f "$T/prefix/lib/libjinn.a" ] && [ -f "$T/prefix/lib/pkgconfig/jinn.pc" ] && [ -x "$T/prefix/bin/jinn" ]'
cat > "$T/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "jinn.h"
int main(void) {
    jinn_env *e = jinn_env_new(NULL); jinn_template *t; jinn_result r; char buf[16]; size_t n;
    if (jinn_compile(e, "t", "{{ 6 * 7 }}", 11, &t, &r) != JINN_OK) return 1;
    jinn_render_opts o = {0};
    if (jinn_render_to(t, &o, buf, sizeof buf, &n, &r) != JINN_OK || strcmp(buf, "42") || n != 2) return 2;
    jinn_template *t2;
    if (jinn_compile(e, "t2", "{{ 'x' * 20 }}", 14, &t2, &r) != JINN_OK) return 3;
    if (jinn_render_to(t2, &o, buf, sizeof buf, &n, &r) != JINN_ERROR || r.kind != JINN_ERR_LIMIT || buf[0]) return 4;
    jinn_result_clear(e, &r);
    jinn_template_free(t); jinn_template_free(t2); jinn_env_free(e);
    puts("ok");
    return 0;
}
C
export PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig"
check "static link with pkg-config --static" 'cc "$T/use.c" -static-libgcc $(pkg-config --cflags jinn) "$T/prefix/lib/libjinn.a" $(pkg-config --libs --static jinn | sed "s/-ljinn//") -o "$T/use_static" && [ "$("$T/use_static")" = ok ]'
check "dynamic link with pkg-config" 'cc "$T/use.c" $(pkg-config --cflags --libs jinn) -o "$T/use_dyn" && [ "$(LD_LIBRARY_PATH="$T/prefix/lib" "$T/use_dyn")" = ok ]'
check "installed CLI runs" '[ "$(echo "{{ 1 + 1 }}" | "$T/prefix/bin/jinn" render -)" = 2 ]'
check "pkg-config version" '[ "$(pkg-config --modversion jinn)" = "$(sed -n "s/^#define JINN_VERSION \"\(.*\)\"/\1/p" include/jinn.h)" ]'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
