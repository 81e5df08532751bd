/*
 * dtoa_test.c — checks src/dtoa.c against Python and glibc (tests/dtoa/suite.sh, make dtoa-long).
 *
 *   gen.py ... | dtoa_test                 the lines of tests/dtoa/gen.py:
 *        "r HEXBITS REPR JAVA"   dtoa_repr and dtoa_java must print REPR and JAVA, and so
 *                                must src/print.c's print_float_text (its own short path
 *                                for numbers of at most 15 digits, then dtoa_repr_long),
 *                                and dtoa_repr_long
 *        "s TEXT"                dtoa_strtod(TEXT) must equal glibc's strtod: bits, end, errno
 *   dtoa_test --random-strtod N [SEED]   N random short decimals made here, as "s" lines,
 *                                        and dtoa_repr_long of each as dtoa_repr prints it
 *   dtoa_test --roundtrip N [SEED]       N random doubles: strtod(dtoa_repr(d)) is d, and
 *                                        dtoa_strtod reads dtoa_repr(d) as strtod does
 * Ends with "N passed, M failed" (the first failures are printed above it).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"

size_t print_float_text(double d, char *dst); /* src/print.c (print.h needs the value layer) */

static long passed, failed;

static void fail(const char *fmt, const char *a, const char *b, const char *c)
{
    if (++failed <= 20) {
        printf(fmt, a, b, c);
        putchar('\n');
    }
}

static uint64_t bits_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static void check_print(uint64_t b, const char *want_repr, const char *want_java)
{
    double d;
    memcpy(&d, &b, sizeof d);
    char got[DTOA_BUFSIZE + 1], hex[24];
    snprintf(hex, sizeof hex, "%016" PRIx64, b);
    got[dtoa_repr(d, got)] = 0;
    if (strcmp(got, want_repr)) fail("FAIL repr %s: got %s, want %s", hex, got, want_repr);
    else passed++;
    got[print_float_text(d, got)] = 0;
    if (strcmp(got, want_repr)) fail("FAIL print_float_text %s: got %s, want %s", hex, got, want_repr);
    else passed++;
    got[dtoa_repr_long(d, got)] = 0;
    if (strcmp(got, want_repr)) fail("FAIL dtoa_repr_long %s: got %s, want %s", hex, got, want_repr);
    else passed++;
    got[dtoa_java(d, got)] = 0;
    if (strcmp(got, want_java)) fail("FAIL java %s: got %s, want %s", hex, got, want_java);
    else passed++;
}

static void check_strtod(const char *s)
{
    char *e1, *e2;
    errno = 0;
    double want = strtod(s, &e1);
    int err1 = errno;
    errno = 0;
    double got = dtoa_strtod(s, &e2);
    int err2 = errno;
    if (bits_of(got) != bits_of(want) || e1 != e2 || err1 != err2) {
        char g[64], w[64];
        snprintf(g, sizeof g, "%a end+%d errno %d", got, (int)(e2 - s), err2);
        snprintf(w, sizeof w, "%a end+%d errno %d", want, (int)(e1 - s), err1);
        fail("FAIL strtod '%s': got %s, want %s", s, g, w);
    } else {
        passed++;
    }
    /* dtoa_parse: when it takes the whole text, strtod must too, with the same value */
    double pd;
    if (dtoa_parse(s, strlen(s), &pd)) {
        if (*e1 || bits_of(pd) != bits_of(want)) fail("FAIL dtoa_parse '%s'%s%s", s, "", "");
        else passed++;
    }
}

/* xorshift64*: reproducible randoms without global state */
static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

/* like gen.py's short_decimal: 1-19 digits, a point somewhere, sometimes an exponent */
static void random_decimal(uint64_t *rs, char *t)
{
    int nd = 1 + (int)(next(rs) % 19), o = 0;
    int form = (int)(next(rs) % 6), pos = (int)(next(rs) % (uint64_t)(nd + 1));
    int sign = (int)(next(rs) % 4);
    if (sign == 2) t[o++] = '-';
    if (sign == 3) t[o++] = '+';
    for (int i = 0; i < nd; i++) {
        if (form && i == pos) t[o++] = '.';
        t[o++] = (char)('0' + next(rs) % 10);
    }
    if (form && pos == nd) t[o++] = '.';
    if (form >= 3) o += sprintf(t + o, "e%d", (int)(next(rs) % 81) - 40);
    t[o] = 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3) {
        long n = atol(argv[2]);
        uint64_t rs = argc > 3 ? strtoull(argv[3], NULL, 10) : 88172645463325252ull;
        if (!rs) rs = 1;
        if (!strcmp(argv[1], "--random-strtod")) {
            char t[64];
            for (long i = 0; i < n; i++) {
                random_decimal(&rs, t);
                check_strtod(t);
                /* Ryu straight away prints what dtoa_repr's short decimals print */
                double d = strtod(t, NULL);
                char a[DTOA_BUFSIZE + 1], b[DTOA_BUFSIZE + 1];
                a[dtoa_repr(d, a)] = 0;
                b[dtoa_repr_long(d, b)] = 0;
                if (strcmp(a, b)) fail("FAIL dtoa_repr_long %s: got %s, want %s", t, b, a);
                else passed++;
            }
        } else if (!strcmp(argv[1], "--roundtrip")) {
            char t[DTOA_BUFSIZE + 1];
            for (long i = 0; i < n; i++) {
                uint64_t b = next(&rs);
                double d;
                memcpy(&d, &b, sizeof d);
                if (d != d) continue;
                t[dtoa_repr(d, t)] = 0;
                if (bits_of(strtod(t, NULL)) != b) fail("FAIL roundtrip %s%s%s", t, "", "");
                else passed++;
                check_strtod(t); /* repr's 17 digits: dtoa_strtod's wide path */
            }
        } else {
            fprintf(stderr, "usage: dtoa_test [--random-strtod N [SEED] | --roundtrip N [SEED]] < table\n");
            return 2;
        }
    } else {
        char line[512];
        while (fgets(line, sizeof line, stdin)) {
            size_t n = strlen(line);
            if (n && line[n - 1] == '\n') line[--n] = 0;
            if (line[0] == 's' && line[1] == ' ') { check_strtod(line + 2); continue; }
            char r[64], j[64];
            uint64_t b;
            if (sscanf(line, "r %" SCNx64 " %63s %63s", &b, r, j) == 3) check_print(b, r, j);
            else fail("FAIL bad line: %s%s%s", line, "", "");
        }
    }
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed != 0;
}
