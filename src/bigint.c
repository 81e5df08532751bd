/*
 * bigint.c — integers outside int64 (see bigint.h): GMP's mpz functions on jinn's own limbs.
 *
 * A JV_BIG is a jbig: the header, a signed limb count (mpz's convention: negative for a
 * negative number) and the magnitude's limbs, least significant first, allocated through
 * rt_alloc. An operand is read through a read-only mpz view (mpz_roinit_n) of those limbs, or
 * of one stack limb for an int64, so reading never allocates; a result is computed into a
 * temporary mpz and copied into a new jbig (or returned as a JV_INT when it fits).
 *
 * Limits. Before an operation that could make a number larger than int_digits decimal digits
 * (counted in bits: digits x log2(10)), the size of its result is bounded from its operands'
 * sizes and the limit error raised instead: 10 ** 10 ** 10 fails at once, without computing.
 * That also bounds GMP's temporaries, which come from GMP's allocator: jinn does not replace
 * it (mp_set_memory_functions is process-global), so an allocation failure there aborts the
 * process as GMP does — with int_digits at its default a temporary is a few hundred KiB at
 * most. Work is charged in proportion to the limbs handled (a product, n x m / 64).
 */
#include <gmp.h>
#include <math.h>
#include <stdio.h>

#include "bigint.h"
#include "operators.h"

_Static_assert(GMP_NUMB_BITS == 64 && sizeof(mp_limb_t) == 8, "jinn's bigint wants 64-bit GMP limbs");
_Static_assert(sizeof(long) == 8, "mpz_get_si must hold an int64");

typedef struct jbig {
    jhdr h;
    int32_t size;     /* limbs, negative for a negative number (never 0: zero is a JV_INT) */
    mp_limb_t d[];
} jbig;

/* Python's int_max_str_digits: str(int) and int(str) of more decimal digits are ValueErrors */
#define PY_STR_DIGITS 4300
#define DEFAULT_INT_DIGITS 100000

static inline jbig *B(value v) { return (jbig *)v.u.h; }

/* a read-only mpz view of an int-like value; *tmp holds an int64's magnitude */
static void view(value v, mpz_t z, mp_limb_t *tmp)
{
    if (v.t == JV_BIG) {
        mpz_roinit_n(z, B(v)->d, B(v)->size);
        return;
    }
    int64_t i = v.t == JV_BOOL ? v.u.b : v.u.i;
    *tmp = i < 0 ? -(uint64_t)i : (uint64_t)i;
    mpz_roinit_n(z, tmp, i < 0 ? -1 : i > 0);
}

static uint64_t max_bits(jrt *R)
{
    uint64_t digits = R && R->lim ? R->lim->int_digits : DEFAULT_INT_DIGITS;
    return digits * 3321928u / 1000000u; /* 2^bits <= 10^digits */
}

static bool too_big(jrt *R)
{
    return rt_limit(R, "int_digits", "an integer may have at most %u digits",
                    R->lim ? R->lim->int_digits : DEFAULT_INT_DIGITS);
}

/* the result r (cleared here) as a value: a JV_INT when it fits */
static bool finish(jrt *R, mpz_t r, value *out)
{
    if (mpz_fits_slong_p(r)) {
        *out = v_int(mpz_get_si(r));
        mpz_clear(r);
        return true;
    }
    size_t n = mpz_size(r);
    if (mpz_sizeinbase(r, 2) > max_bits(R) || n > INT32_MAX) { mpz_clear(r); return too_big(R); }
    jbig *b = rt_alloc(R, NULL, 0, sizeof(jbig) + n * sizeof(mp_limb_t));
    if (!b) { mpz_clear(r); return false; }
    b->h.rc = 1;
    b->h.type = JV_BIG;
    b->size = mpz_sgn(r) < 0 ? -(int32_t)n : (int32_t)n;
    memcpy(b->d, mpz_limbs_read(r), n * sizeof(mp_limb_t));
    mpz_clear(r);
    out->t = JV_BIG;
    out->f = 0;
    out->u.h = &b->h;
    return true;
}

void big_free(jrt *R, jhdr *h)
{
    jbig *b = (jbig *)h;
    size_t n = (size_t)(b->size < 0 ? -(int64_t)b->size : b->size);
    rt_alloc(R, b, sizeof(jbig) + n * sizeof(mp_limb_t), 0);
}

int big_sign(value a)
{
    if (a.t == JV_BIG) return B(a)->size < 0 ? -1 : 1;
    int64_t i = a.t == JV_BOOL ? a.u.b : a.u.i;
    return i < 0 ? -1 : i > 0;
}

bool big_is_odd(value a)
{
    if (a.t == JV_BIG) return B(a)->d[0] & 1;
    return (a.t == JV_BOOL ? a.u.b : a.u.i) & 1;
}

/* ---- conversions to and from double ------------------------------------------------------ */

/* |z| rounded to the nearest double (ties to even), or HUGE_VAL: the top 64 bits with a
 * sticky bit for the rest, converted once (a single rounding), then scaled */
static double magnitude_double(mpz_srcptr z)
{
    size_t n = mpz_size(z);
    if (!n) return 0;
    const mp_limb_t *d = mpz_limbs_read(z);
    size_t bits = mpz_sizeinbase(z, 2);
    if (bits <= 64) return (double)d[0];
    size_t sh = bits - 64, i = sh / 64, off = sh % 64;
    uint64_t q = d[i] >> off;
    if (off) q |= d[i + 1] << (64 - off);
    bool sticky = off && (d[i] & (((mp_limb_t)1 << off) - 1));
    for (size_t j = 0; j < i && !sticky; j++) sticky = d[j] != 0;
    if (sh > 2000) return HUGE_VAL;
    return ldexp((double)(q | sticky), (int)sh);
}

double big_to_double_sat(value a)
{
    mp_limb_t t;
    mpz_t z;
    view(a, z, &t);
    double d = magnitude_double(z);
    return mpz_sgn(z) < 0 ? -d : d;
}

bool big_to_double(jrt *R, value a, double *d)
{
    *d = big_to_double_sat(a);
    if (isinf(*d)) return rt_error(R, JINN_ERR_VALUE, "int too large to convert to float");
    return true;
}

bool big_from_double(jrt *R, double d, value *out)
{
    if (!isfinite(d)) return rt_error(R, JINN_ERR_VALUE, isnan(d) ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer");
    if (d > -9.2e18 && d < 9.2e18) { *out = v_int((int64_t)d); return true; }
    mpz_t r;
    mpz_init_set_d(r, d); /* exact: a double this large is an integer */
    return finish(R, r, out);
}

int big_cmp(value a, value b)
{
    mp_limb_t ta, tb;
    mpz_t x, y;
    view(a, x, &ta);
    view(b, y, &tb);
    int c = mpz_cmp(x, y);
    return c < 0 ? -1 : c > 0;
}

int big_cmp_double(value a, double d)
{
    if (isnan(d)) return 2;
    if (isinf(d)) return d > 0 ? -1 : 1;
    mp_limb_t t;
    mpz_t x;
    view(a, x, &t);
    int c = mpz_cmp_d(x, d); /* exact */
    return c < 0 ? -1 : c > 0;
}

uint32_t big_hash(value a, uint32_t (*mix)(uint64_t))
{
    mp_limb_t t;
    mpz_t x;
    view(a, x, &t);
    double d = big_to_double_sat(a);
    if (isfinite(d) && mpz_cmp_d(x, d) == 0) { /* equal to a float: hash as the float does */
        uint64_t bits;
        memcpy(&bits, &d, 8);
        return mix(bits);
    }
    uint64_t h = (uint64_t)(int64_t)mpz_sgn(x);
    const mp_limb_t *l = mpz_limbs_read(x);
    for (size_t i = 0; i < mpz_size(x); i++) h = h * 0x100000001b3ULL ^ l[i];
    return mix(h);
}

/* ---- arithmetic ----------------------------------------------------------------------------- */

/* Python's int / int: the correctly rounded quotient (not float(x) / float(y), which rounds
 * twice and overflows for big operands): a quotient of 55+ bits with a sticky bit for the
 * remainder, rounded once to a double */
static bool true_div(jrt *R, mpz_srcptr x, mpz_srcptr y, value *out)
{
    size_t bx = mpz_sizeinbase(x, 2), by = mpz_sizeinbase(y, 2);
    if (bx <= 53 && by <= 53) {
        *out = v_float((double)mpz_get_si(x) / (double)mpz_get_si(y));
        return true;
    }
    long s = 55 - ((long)bx - (long)by); /* shift x left by s (right of y by -s) */
    mpz_t n, dd, q, r;
    mpz_init(n);
    mpz_init(dd);
    mpz_init(q);
    mpz_init(r);
    mpz_abs(n, x);
    mpz_abs(dd, y);
    if (s > 0) mpz_mul_2exp(n, n, (mp_bitcnt_t)s);
    else mpz_mul_2exp(dd, dd, (mp_bitcnt_t)-s);
    mpz_tdiv_qr(q, r, n, dd);
    uint64_t qq = mpz_getlimbn(q, 0) | (mpz_sgn(r) != 0);
    double d = ldexp((double)qq, (int)-s);
    if (mpz_sgn(x) * mpz_sgn(y) < 0) d = -d;
    mpz_clear(n);
    mpz_clear(dd);
    mpz_clear(q);
    mpz_clear(r);
    if (isinf(d)) return rt_error(R, JINN_ERR_VALUE, "integer division result too large for a float");
    *out = v_float(d);
    return true;
}

bool big_arith(jrt *R, int op, value a, value b, value *out)
{
    mp_limb_t ta, tb;
    mpz_t x, y, r;
    view(a, x, &ta);
    view(b, y, &tb);
    uint64_t bx = mpz_sizeinbase(x, 2), by = mpz_sizeinbase(y, 2);
    int64_t lx = (int64_t)mpz_size(x), ly = (int64_t)mpz_size(y);
    switch (op) {
    case OPB_ADD:
    case OPB_SUB:
        if (!rt_charge(R, lx + ly + 1)) return false;
        mpz_init(r);
        if (op == OPB_ADD) mpz_add(r, x, y);
        else mpz_sub(r, x, y);
        return finish(R, r, out);
    case OPB_MUL:
        if (mpz_sgn(x) && mpz_sgn(y) && bx + by - 1 > max_bits(R)) return too_big(R);
        if (!rt_charge(R, lx * ly / 64 + lx + ly + 1)) return false;
        mpz_init(r);
        mpz_mul(r, x, y);
        return finish(R, r, out);
    case OPB_DIV:
        if (!mpz_sgn(y)) return rt_error(R, JINN_ERR_VALUE, "division by zero");
        if (!rt_charge(R, lx * ly / 64 + lx + ly + 1)) return false;
        return true_div(R, x, y, out);
    case OPB_FLOORDIV:
    case OPB_MOD:
        if (!mpz_sgn(y)) return rt_error(R, JINN_ERR_VALUE, op == OPB_MOD ? "integer modulo by zero" : "integer division or modulo by zero");
        if (!rt_charge(R, lx * ly / 64 + lx + ly + 1)) return false;
        mpz_init(r);
        if (op == OPB_MOD) mpz_fdiv_r(r, x, y);
        else mpz_fdiv_q(r, x, y);
        return finish(R, r, out);
    case OPB_POW:
        if (mpz_sgn(y) < 0) {
            if (!mpz_sgn(x)) return rt_error(R, JINN_ERR_VALUE, "0.0 cannot be raised to a negative power");
            double fx, fy;
            if (!big_to_double(R, a, &fx) || !big_to_double(R, b, &fy)) return false;
            *out = v_float(pow(fx, fy));
            return true;
        }
        mpz_init(r);
        if (!mpz_sgn(y) || (bx == 1 && mpz_sgn(x) > 0)) { /* x ** 0, 1 ** y */
            mpz_set_ui(r, 1);
        } else if (!mpz_sgn(x)) {
            mpz_set_ui(r, 0);
        } else if (bx == 1) { /* -1 ** y */
            mpz_set_si(r, big_is_odd(b) ? -1 : 1);
        } else {
            /* the result has more than (bx - 1) * y bits */
            if (!mpz_fits_ulong_p(y) || (bx - 1) * mpz_get_ui(y) >= max_bits(R)) { mpz_clear(r); return too_big(R); }
            uint64_t e = mpz_get_ui(y), l = (bx * e) / 64 + 1;
            if (!rt_charge(R, (int64_t)(l * l / 64 + l))) { mpz_clear(r); return false; }
            mpz_pow_ui(r, x, e);
        }
        return finish(R, r, out);
    }
    return rt_error(R, JINN_ERR_TYPE, "bad integer operation");
}

bool big_neg(jrt *R, value a, bool neg, value *out)
{
    mp_limb_t t;
    mpz_t x, r;
    view(a, x, &t);
    mpz_init(r);
    if (neg) mpz_neg(r, x);
    else mpz_abs(r, x);
    return rt_charge(R, (int64_t)mpz_size(x)) ? finish(R, r, out) : (mpz_clear(r), false);
}

bool big_round(jrt *R, value a, int64_t nd, value *out)
{
    mp_limb_t t;
    mpz_t x, p, r, q;
    view(a, x, &t);
    if (nd >= 0 || !mpz_sgn(x)) return a.t == JV_BOOL ? (*out = v_int(a.u.b), true) : (*out = val_dup(a), true);
    if ((uint64_t)-(nd + 1) > mpz_sizeinbase(x, 10)) { *out = v_int(0); return true; } /* 10^-nd > 2|x| */
    if (!rt_charge(R, (int64_t)mpz_size(x) * 4 + 1)) return false;
    mpz_init(p);
    mpz_init(r);
    mpz_init(q);
    mpz_ui_pow_ui(p, 10, (unsigned long)-nd);
    mpz_fdiv_qr(q, r, x, p); /* x = q p + r, 0 <= r < p */
    mpz_mul_2exp(r, r, 1);
    int c = mpz_cmp(r, p);
    if (c > 0 || (c == 0 && mpz_odd_p(q))) mpz_add_ui(q, q, 1);
    mpz_mul(q, q, p);
    mpz_clear(p);
    mpz_clear(r);
    return finish(R, q, out);
}

/* ---- text ------------------------------------------------------------------------------------- */

static bool py_digits_error(jrt *R)
{
    return rt_error(R, JINN_ERR_VALUE, "Exceeds the limit (%d digits) for integer string conversion; "
                    "use sys.set_int_max_str_digits() to increase the limit", PY_STR_DIGITS);
}

static bool print_in(jrt *R, jbuf *b, value a, int base)
{
    mp_limb_t t;
    mpz_t x;
    view(a, x, &t);
    size_t n = mpz_sizeinbase(x, base); /* exact or one too many */
    if (base == 10 && n - 1 > PY_STR_DIGITS) return py_digits_error(R);
    int64_t l = (int64_t)mpz_size(x); /* a decimal conversion is about quadratic at these sizes */
    if (!rt_charge(R, (int64_t)n + (base & (base - 1) ? l * l / 8 : 0)) || !buf_grow(R, b, n + 2)) return false;
    mpz_get_str(b->p + b->len, base, x);
    size_t len = strlen(b->p + b->len);
    if (base == 10 && len - (mpz_sgn(x) < 0) > PY_STR_DIGITS) { b->p[b->len] = 0; return py_digits_error(R); }
    b->len += len;
    return true;
}

bool big_print(jrt *R, jbuf *b, value a)
{
    if (a.t != JV_BIG) return buf_printf(R, b, "%lld", (long long)(a.t == JV_BOOL ? a.u.b : a.u.i));
    return print_in(R, b, a, 10);
}

size_t big_text(value a, char *buf, size_t size)
{
    if (a.t != JV_BIG) return (size_t)snprintf(buf, size, "%lld", (long long)(a.t == JV_BOOL ? a.u.b : a.u.i)) + 1;
    mp_limb_t t;
    mpz_t x;
    view(a, x, &t);
    size_t n = mpz_sizeinbase(x, 10) + 2; /* the digits (exact or one too many), '-', NUL */
    if (size < n) {
        if (size) buf[0] = 0;
        return n;
    }
    mpz_get_str(buf, 10, x);
    return strlen(buf) + 1;
}

bool big_print_base(jrt *R, jbuf *b, value a, int base, bool upper)
{
    size_t at = b->len;
    if (!print_in(R, b, a, base)) return false;
    if (upper)
        for (size_t i = at; i < b->len; i++)
            if (b->p[i] >= 'a' && b->p[i] <= 'z') b->p[i] = (char)(b->p[i] - 32);
    return true;
}

bool big_parse(jrt *R, const char *s, size_t len, int base, bool neg, value *out)
{
    if ((base & (base - 1)) && len > PY_STR_DIGITS)
        return rt_error(R, JINN_ERR_VALUE, "Exceeds the limit (%d digits) for integer string conversion: value has %zu digits; "
                        "use sys.set_int_max_str_digits() to increase the limit", PY_STR_DIGITS, len);
    while (len > 1 && *s == '0') s++, len--;
    /* bits per digit, rounded down: a bound the result reaches */
    int per = base >= 32 ? 5 : base >= 16 ? 4 : base >= 8 ? 3 : base >= 4 ? 2 : 1;
    if (len > 1 && (uint64_t)(len - 1) * (uint64_t)per >= max_bits(R)) return too_big(R);
    int64_t l = (int64_t)((uint64_t)len * (uint64_t)per / 64 + 1);
    if (!rt_charge(R, 2 * (int64_t)len + (base & (base - 1) ? l * l / 8 : 0))) return false;
    char *tmp = rt_alloc(R, NULL, 0, len + 1);
    if (!tmp) return false;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    mpz_t r;
    mpz_init(r);
    int bad = mpz_set_str(r, tmp, base);
    rt_alloc(R, tmp, len + 1, 0);
    if (bad) { mpz_clear(r); return rt_error(R, JINN_ERR_VALUE, "invalid literal for int() with base %d", base); }
    if (neg) mpz_neg(r, r);
    return finish(R, r, out);
}
