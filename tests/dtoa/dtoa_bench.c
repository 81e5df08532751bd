/*
 * dtoa_bench.c — src/dtoa.c's printer against the one it replaced, for measuring and comparing.
 *
 *   dtoa_bench print new|old|null N MIX     print N doubles with dtoa_repr / the old printer
 *                                            (null: only make them); MIX is "short" (prices and
 *                                            ratios: k/100, k/1000, sums of tenths) or "bits"
 *                                            (random bit patterns)
 *   dtoa_bench java new|old N MIX           the same with the jinjava layout
 *   dtoa_bench parse new|old|null N MIX     read N decimals (the MIX's numbers printed with
 *                                            "%.*g", 1-17 digits) with dtoa_strtod / strtod
 *   dtoa_bench diff N [SEED]                lines "HEXBITS OLD NEW" where the two jinjava
 *                                            layouts differ, on N doubles near powers of two and
 *                                            random ones
 *   dtoa_bench list N [SEED]                the same lines for N doubles whether or not they
 *                                            differ: random bits, short decimals, the 2000
 *                                            smallest subnormals, every power of 2 and its
 *                                            neighbours (tests/dtoa/java_check.sh)
 * The old printer is print.c's print_float and print_java_double as they were before dtoa.c
 * (the shortest-of-15/16/17 search over snprintf and strtod), onto a char buffer.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"

static const double pow10_tab[] = {1, 10, 100, 1000, 1e4, 1e5, 1e6};

static size_t old_repr(double d, char *out)
{
    if (isnan(d)) return (size_t)sprintf(out, "nan");
    if (isinf(d)) return (size_t)sprintf(out, d > 0 ? "inf" : "-inf");
    if (d == 0) return (size_t)sprintf(out, signbit(d) ? "-0.0" : "0.0");
    double ad = fabs(d);
    if (ad < 1e9 && ad >= 1e-4) {
        for (int k = 0; k <= 6; k++) {
            double m = d * pow10_tab[k];
            long long r = llround(m);
            if ((double)r / pow10_tab[k] == d) {
                char tmp[40];
                unsigned long long u = r < 0 ? (unsigned long long)-r : (unsigned long long)r;
                char *p = tmp + sizeof tmp;
                int digits = 0;
                if (k == 0) { *--p = '0'; *--p = '.'; }
                do {
                    *--p = (char)('0' + u % 10);
                    u /= 10;
                    if (++digits == k) *--p = '.';
                } while (u || digits < k);
                if (digits == k) *--p = '0';
                if (r < 0) *--p = '-';
                size_t n = (size_t)(tmp + sizeof tmp - p);
                memcpy(out, p, n);
                return n;
            }
        }
    }
    char e[40];
    int prec;
    for (prec = 15; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (strtod(e, NULL) == d) break;
    }
    char digs[24];
    int nd = 0, neg = 0;
    const char *p = e;
    if (*p == '-') { neg = 1; p++; }
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digs[nd++] = *p;
    int exp10 = atoi(p + 1);
    while (nd > 1 && digs[nd - 1] == '0') nd--;
    int o = 0;
    if (neg) out[o++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        out[o++] = digs[0];
        if (nd > 1) {
            out[o++] = '.';
            for (int i = 1; i < nd; i++) out[o++] = digs[i];
        }
        o += snprintf(out + o, 16, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    } else if (exp10 < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -exp10 - 1; i++) out[o++] = '0';
        for (int i = 0; i < nd; i++) out[o++] = digs[i];
    } else {
        for (int i = 0; i <= exp10; i++) out[o++] = i < nd ? digs[i] : '0';
        out[o++] = '.';
        if (nd > exp10 + 1) for (int i = exp10 + 1; i < nd; i++) out[o++] = digs[i];
        else out[o++] = '0';
    }
    return (size_t)o;
}

static size_t old_java(double d, char *out)
{
    if (isnan(d)) return (size_t)sprintf(out, "NaN");
    if (isinf(d)) return (size_t)sprintf(out, d > 0 ? "Infinity" : "-Infinity");
    double ad = fabs(d);
    if (d == 0 || (ad >= 1e-3 && ad < 1e7)) return old_repr(d, out);
    char t[64];
    t[old_repr(d, t)] = 0;
    char digs[32];
    int nd = 0, exp10 = 0, seen_dot = 0, lead = 1;
    const char *p = t;
    int neg = *p == '-';
    if (neg) p++;
    int intdigits = 0;
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') { seen_dot = 1; continue; }
        if (lead && *p == '0') { if (seen_dot) exp10--; continue; }
        lead = 0;
        if (nd < 31) digs[nd++] = *p;
        if (!seen_dot) intdigits++;
    }
    if (*p == 'e') exp10 += atoi(p + 1);
    exp10 += intdigits ? intdigits - 1 : -1;
    while (nd > 1 && digs[nd - 1] == '0') nd--;
    int o = 0;
    if (neg) out[o++] = '-';
    out[o++] = nd ? digs[0] : '0';
    out[o++] = '.';
    if (nd > 1) for (int i = 1; i < nd; i++) out[o++] = digs[i];
    else out[o++] = '0';
    o += snprintf(out + o, 16, "E%d", exp10);
    return (size_t)o;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static double make(uint64_t *rs, int bits)
{
    uint64_t r = next(rs);
    if (bits) {
        double d;
        memcpy(&d, &r, sizeof d);
        return isfinite(d) ? d : 1.5;
    }
    /* what scoring templates print: prices, ratios, averages, scores */
    switch (r % 4) {
    case 0: return (double)((r >> 8) % 100000) / 100;
    case 1: return (double)((r >> 8) % 1000) / 1000;
    case 2: return (double)((r >> 8) % 10) * 0.1 + (double)((r >> 16) % 10) * 0.01;
    default: return (double)((r >> 8) % 1000) / 7;
    }
}

int main(int argc, char **argv)
{
    uint64_t rs = 88172645463325252ull;
    char buf[64];
    bool list = argc >= 3 && !strcmp(argv[1], "list");
    if (argc >= 3 && (list || !strcmp(argv[1], "diff"))) {
        long n = atol(argv[2]);
        if (argc > 3) rs = strtoull(argv[3], NULL, 10);
        char o[64], w[64];
        long extra = list ? 2000 + 3 * 2098 : 0;
        for (long i = 0; i < n + extra; i++) {
            uint64_t b = next(&rs);
            double d;
            if (i >= n + 2000) { /* list: every power of 2 and its neighbours */
                long k = (i - n - 2000) / 3;
                d = ldexp(1.0, (int)k - 1074);
                memcpy(&b, &d, sizeof b);
                b += (uint64_t)((i - n - 2000) % 3) - 1;
            } else if (i >= n) b = (uint64_t)(i - n + 1); /* list: the smallest subnormals */
            else if (list && i % 2) { d = make(&rs, 0) * (i % 4 == 1 ? 1 : 1e-7); memcpy(&b, &d, sizeof b); }
            else if (!list && i % 2) b &= 0xfff0000000000000ull | (next(&rs) % 4); /* a power of 2 or next to one */
            memcpy(&d, &b, sizeof d);
            if (!isfinite(d)) continue;
            o[old_java(d, o)] = 0;
            w[dtoa_java(d, w)] = 0;
            if (list || strcmp(o, w)) printf("%016llx %s %s\n", (unsigned long long)b, o, w);
        }
        return 0;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: dtoa_bench print|java|parse new|old|null N short|bits | diff|list N [SEED]\n");
        return 2;
    }
    if (!strcmp(argv[1], "parse")) {
        /* the texts are made before the loop, so that only the reading differs */
        long n = atol(argv[3]);
        char *texts = malloc((size_t)n * 32);
        if (!texts) return 1;
        for (long i = 0; i < n; i++) {
            double d = make(&rs, !strcmp(argv[4], "bits"));
            snprintf(texts + i * 32, 32, "%.*g", 1 + (int)(next(&rs) % 17), d);
        }
        double sum = 0;
        int mode = !strcmp(argv[2], "new") ? 1 : !strcmp(argv[2], "old") ? 2 : 0;
        for (long i = 0; i < n; i++)
            sum += mode == 1 ? dtoa_strtod(texts + i * 32, NULL) : mode == 2 ? strtod(texts + i * 32, NULL) : 0;
        printf("%g\n", sum);
        free(texts);
        return 0;
    }
    int java = !strcmp(argv[1], "java"), neu = !strcmp(argv[2], "new"), null = !strcmp(argv[2], "null");
    long n = atol(argv[3]);
    int bits = !strcmp(argv[4], "bits");
    size_t total = 0;
    for (long i = 0; i < n; i++) {
        double d = make(&rs, bits);
        if (null) total += (size_t)(d > 0);
        else if (java) total += neu ? dtoa_java(d, buf) : old_java(d, buf);
        else total += neu ? dtoa_repr(d, buf) : old_repr(d, buf);
    }
    printf("%zu bytes\n", total);
    return 0;
}
