/*
 * print.h — values as text: str() and repr() in the two printing profiles (src/print.c).
 */
#ifndef JINN_PRINT_H
#define JINN_PRINT_H

#include "value.h"

/* str(v) as {{ v }} prints it in the profile; repr(v) as inside containers. */
bool print_str(jrt *R, jbuf *b, value v);
bool print_repr(jrt *R, jbuf *b, value v);
/* Jinjava's PyishObjectMapper.getAsUnquotedPyishString: a list or dict as {'k': ['v', null]},
 * anything else as print_str (the jinjava profile's switch usePyishObjectMapper) */
bool print_pyish(jrt *R, jbuf *b, value v);
bool print_float(jrt *R, jbuf *b, double d);             /* Python repr of a float */
#define PRINT_FLOAT_MAX 40                               /* print_float_text's most bytes */
size_t print_float_text(double d, char *dst);            /* the same into dst, its length */
/* repr of the double nearest m·10^-k (negative: neg), for m < 10^15, k <= 18 and a result of
 * 1e-4 or more (or m = 0): written backwards to end (PRINT_FLOAT_MAX bytes before it); its
 * first byte */
char *print_decimal_back(uint64_t m, int k, bool neg, char *end);
bool print_escaped(jrt *R, jbuf *b, const char *s, size_t n); /* HTML escape */
/* the same when 16 bytes past s + n may be read (their values do not matter) */
bool print_escaped_padded(jrt *R, jbuf *b, const char *s, size_t n);
value val_to_str(jrt *R, value v);                       /* owned str value (str(v)) */

#endif
