/*
 * dtoa.h — doubles to shortest decimal text and short decimal text to doubles.
 *
 * dtoa_shortest is Ryu (Ulf Adams, PLDI 2018): the shortest digit string that reads back as
 * the same double, and of several such the one nearest to it — what Python's repr() and
 * Java 19+'s Double.toString print. dtoa_strtod is strtod with an exact fast path for the
 * short decimals templates are full of. Pure functions, no state, thread-safe.
 */
#ifndef JINN_DTOA_H
#define JINN_DTOA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A finite double d as ±digits × 10^exp, digits without trailing zeros (0 for ±0.0). */
typedef struct {
    uint64_t digits;
    int exp;
    bool neg;
} dtoa_dec;

/* the size of the buffer the formatters below need: the text is shorter, but they write
 * whole blocks past its end (no NUL is written) */
#define DTOA_BUFSIZE 40

dtoa_dec dtoa_shortest(double d);
/* the decimal digits of v (0: "0") at out, at most 20, no NUL; returns how many */
size_t dtoa_digits(uint64_t v, char *out);
/* "00" "01" ... "99": the digits of i at 2 * i */
extern const char dtoa_two_digits[200];
/* the decimal digits of v (0: "0"), two at a time, written backwards to end just before end;
 * returns the first (at most 20 bytes before end) */
static inline char *dtoa_digits_back(uint64_t v, char *end)
{
    char *p = end;
    while (v >= 100) {
        uint64_t q = v / 100;
        p -= 2;
        memcpy(p, dtoa_two_digits + 2 * (v - 100 * q), 2);
        v = q;
    }
    if (v >= 10) { p -= 2; memcpy(p, dtoa_two_digits + 2 * v, 2); }
    else *--p = (char)('0' + v);
    return p;
}
/* The eight decimal digits of v < 10^8 (leading zeros included) as the bytes of a word, in
 * memory order on a little-endian machine, each 0..9 ('0' added: their text). No loop and one
 * division by a constant: v's halves of four digits go in the word's two 32-bit lanes, each
 * into two pairs (n * 10486 >> 20 is n / 100 for n < 10^4, and no lane's product reaches the
 * next), the pairs in 16-bit lanes into digits (n * 103 >> 10 is n / 10 for n < 100). */
static inline uint64_t dtoa_swar8(uint32_t v)
{
    uint64_t x = v / 10000 | (uint64_t)(v % 10000) << 32;
    uint64_t h = (x * 10486 >> 20) & 0x0000007F0000007Fu;
    x = h | (x - h * 100) << 16;
    h = (x * 103 >> 10) & 0x000F000F000F000Fu;
    return h | (x - h * 10) << 8;
}
/* str(i) of an int64 (a '-' first when negative), written backwards to end just before end;
 * returns the first byte (at most 20 bytes before end) */
static inline char *dtoa_int_back(int64_t i, char *end)
{
    char *p = dtoa_digits_back(i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, end);
    if (i < 0) *--p = '-';
    return p;
}
/* Python's repr(d): 2.0, 1e-05, 1e+16, 0.0001, -0.0, inf, nan. Returns the length. */
size_t dtoa_repr(double d, char *out);
/* dtoa_repr straight to Ryu, without first trying the short decimals (at most 6 places, between
 * 1e-4 and 1e9): the same text for every d, for a caller that has tried them already and
 * found none (print.c's short path) */
size_t dtoa_repr_long(double d, char *out);
/* Java's Double.toString layout of the shortest digits: 2.0, 1.0E7, 1.0E-4, -0.0, Infinity, NaN. */
size_t dtoa_java(double d, char *out);
/* strtod(s, end), exactly; decimal text of at most 19 significant digits whose value
 * (digits × 10^e) is exactly a product or quotient of two doubles is converted without it. */
double dtoa_strtod(const char *s, char **end);
/* The whole of s[0..n) (no NUL needed) when it is [+-]digits[.digits][(e|E)[+-]digits] with a
 * mantissa digit, at most 19 significant digits and a value one of dtoa_strtod's exact routes
 * converts: true, *out = strtod's value. false: not that text, or strtod's case. */
bool dtoa_parse(const char *s, size_t n, double *out);

#endif
