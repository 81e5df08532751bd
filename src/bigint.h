/*
 * bigint.h — integers outside int64, as Python has them (GMP underneath).
 *
 * An int is a JV_INT while it fits in int64 (the fast path every operation tries first) and a
 * JV_BIG only outside that range: every function here returns a JV_INT when the result fits,
 * so a JV_BIG is never a small number and two equal ints always have the same type. A JV_BIG
 * is immutable and refcounted like a string; its limbs are allocated through rt_alloc, so
 * they count towards memory_bytes and fail cleanly. GMP's own temporaries come from GMP's
 * allocator (its memory functions are process-global: jinn leaves them alone); the int_digits
 * limit keeps them small, checked before an operation could make a larger number.
 *
 * The functions take "int-like" values: JV_BOOL, JV_INT or JV_BIG (bool is an int in Python).
 * Errors as Python raises them: OverflowError ("int too large to convert to float"),
 * ZeroDivisionError, and the int_digits limit (JINN_ERR_LIMIT) where Python would grow on.
 */
#ifndef JINN_BIGINT_H
#define JINN_BIGINT_H

#include "value.h"

static inline bool v_intlike(value v) { return v.t == JV_INT || v.t == JV_BOOL || v.t == JV_BIG; }

/* a op b for OPB_ADD..OPB_POW (operators.h), Python's semantics: // and % floor, / is the
 * correctly rounded true quotient, ** with a negative exponent is a float */
bool big_arith(jrt *R, int op, value a, value b, value *out);
/* -a (neg) or abs(a) (!neg) */
bool big_neg(jrt *R, value a, bool neg, value *out);
/* a <=> b, exactly: -1, 0, 1 */
int big_cmp(value a, value b);
/* a <=> d exactly, as Python compares an int with a float; 2 when d is NaN */
int big_cmp_double(value a, double d);
/* the nearest double (Python's float(a)); false + OverflowError when it is out of range */
bool big_to_double(jrt *R, value a, double *d);
/* the same, saturating to +-inf instead of failing (for callers that cannot fail) */
double big_to_double_sat(value a);
/* int(d) for a finite double: exact */
bool big_from_double(jrt *R, double d, value *out);
/* decimal text of a (with '-'), Python's str(int): more than 4300 digits is Python's ValueError */
bool big_print(jrt *R, jbuf *b, value a);
/* the decimal text of an int-like value into buf, NUL-terminated when it fits (no rt, no limit:
 * the embedding API's jinn_value_int_text); returns the bytes it needs, NUL included (for a
 * big int it may say one more than it then takes) */
size_t big_text(value a, char *buf, size_t size);
/* text of a in base 2, 8, 16 (lower or upper case letters), without prefix, with '-' */
bool big_print_base(jrt *R, jbuf *b, value a, int base, bool upper);
/* parse digits (no sign, no underscores, no prefix: the caller strips them) in base 2..36;
 * neg makes it negative. Python's 4300-digit rule for base 10; int_digits for any base. */
bool big_parse(jrt *R, const char *s, size_t len, int base, bool neg, value *out);
/* Python's hash rule: equal numbers hash equal (a JV_BIG equal to a float hashes as the float) */
uint32_t big_hash(value a, uint32_t (*mix)(uint64_t));
/* Python's round(a, nd): nd >= 0 is a; otherwise the nearest multiple of 10^-nd, ties to even */
bool big_round(jrt *R, value a, int64_t nd, value *out);
/* -1, 0, 1 */
int big_sign(value a);
/* is a even (a int-like) */
bool big_is_odd(value a);
void big_free(jrt *R, jhdr *h);

#endif
