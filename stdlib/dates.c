/*
 * dates.c — Jinjava's date filters and functions (datetimeformat, format_date/_time/
 * _datetime, unixtimestamp, strtotime, between_times, plus_time, minus_time, today) and the
 * vendor's iso8601_to_time / timestamp_to_time.
 *
 * REPRESENTATION. A datetime is an int: Unix epoch milliseconds, UTC — what Jinjava's
 * `unixtimestamp` prints, so the value needs no new type, prints as itself, compares and
 * sorts, and survives tojson. A time zone is an argument of the functions that format or
 * take calendar fields (default "UTC", as Jinjava's).
 *
 * TIME ZONES. "UTC"/"GMT"/"Z", fixed offsets ("+02:00", "-0530", "UTC+2"), and IANA names
 * read from the system's tz database (/usr/share/zoneinfo, TZif v2+: the 64-bit transition
 * table, then the POSIX TZ rule of its footer for times past the table — slim TZif files
 * rely on it). Everything is computed here from the file: no setenv("TZ"), no tzset(), no
 * localtime — those are process-global state, and templates render on many threads.
 *
 * Calendar arithmetic is proleptic Gregorian (Howard Hinnant's days_from_civil), names are
 * English (Jinjava's default locale, en_US).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "ext.h"

/* ======================================================================================
 * Civil calendar
 * ====================================================================================== */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int month_days(int64_t y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : md[m - 1];
}

static int64_t floordiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* broken-down local time */
typedef struct {
    int64_t year;
    int mon, day, hour, min, sec, ms;
    int wday;   /* 0 = Sunday */
    int yday;   /* 0-based */
    int32_t off; /* seconds east of UTC */
    char abbr[16];
} dtm;

/* ======================================================================================
 * Time zones
 * ====================================================================================== */

/* A POSIX TZ rule: std offset, optional dst with its start/end rules */
typedef struct {
    int kind;        /* 0 Mm.w.d, 1 Jn (1..365, no Feb 29), 2 n (0..365) */
    int m, w, d, n;
    int32_t time;    /* seconds after local midnight */
} tzdate;

typedef struct {
    int32_t stdoff, dstoff;  /* seconds east of UTC */
    char stdname[16], dstname[16];
    bool has_dst;
    tzdate start, end;
} tzrule;

typedef struct {
    int32_t off;
    bool isdst;
    char abbr[16];
} ttype;

typedef struct {
    bool fixed;
    int32_t fixoff;
    char fixname[16];
    /* TZif */
    size_t ntrans, ntypes;
    int64_t *trans;
    uint8_t *idx;
    ttype *types;
    bool has_rule;
    tzrule rule;
} tzinfo;

static void tz_free(jrt *R, tzinfo *z)
{
    if (z->trans) rt_alloc(R, z->trans, z->ntrans * sizeof *z->trans, 0);
    if (z->idx) rt_alloc(R, z->idx, z->ntrans, 0);
    if (z->types) rt_alloc(R, z->types, z->ntypes * sizeof *z->types, 0);
}

/* "+02:00", "-0530", "+2": false when s is not an offset */
static bool parse_offset(const char *s, size_t n, int32_t *off)
{
    if (n < 2 || (s[0] != '+' && s[0] != '-')) return false;
    int sign = s[0] == '-' ? -1 : 1;
    size_t i = 1;
    int h = 0, m = 0, dh = 0;
    while (i < n && isdigit((unsigned char)s[i]) && dh < 2) { h = h * 10 + (s[i++] - '0'); dh++; }
    if (!dh) return false;
    if (i < n && s[i] == ':') i++;
    int dm = 0;
    while (i < n && isdigit((unsigned char)s[i]) && dm < 2) { m = m * 10 + (s[i++] - '0'); dm++; }
    if (i != n || (dm != 0 && dm != 2) || h > 18 || m > 59) return false;
    *off = sign * (h * 3600 + m * 60);
    return true;
}

/* POSIX TZ: a name (<...> or letters) */
static const char *rule_name(const char *p, char *out)
{
    size_t k = 0;
    if (*p == '<') {
        p++;
        while (*p && *p != '>') { if (k < 15) out[k++] = *p; p++; }
        if (*p != '>') return NULL;
        p++;
    } else {
        while (isalpha((unsigned char)*p)) { if (k < 15) out[k++] = *p; p++; }
    }
    out[k] = 0;
    return k >= 1 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] as seconds */
static const char *rule_time(const char *p, int32_t *secs)
{
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)*p)) return NULL;
    int32_t h = 0, m = 0, s = 0;
    while (isdigit((unsigned char)*p)) h = h * 10 + (*p++ - '0');
    if (*p == ':') { p++; while (isdigit((unsigned char)*p)) m = m * 10 + (*p++ - '0'); }
    if (*p == ':') { p++; while (isdigit((unsigned char)*p)) s = s * 10 + (*p++ - '0'); }
    if (h > 167) return NULL;
    *secs = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *rule_date(const char *p, tzdate *d)
{
    d->time = 7200;
    if (*p == 'M') {
        d->kind = 0;
        if (sscanf(p + 1, "%d.%d.%d", &d->m, &d->w, &d->d) != 3) return NULL;
        if (d->m < 1 || d->m > 12 || d->w < 1 || d->w > 5 || d->d < 0 || d->d > 6) return NULL;
        p++;
        while (isdigit((unsigned char)*p) || *p == '.') p++;
    } else if (*p == 'J') {
        d->kind = 1;
        p++;
        d->n = 0;
        while (isdigit((unsigned char)*p)) d->n = d->n * 10 + (*p++ - '0');
    } else if (isdigit((unsigned char)*p)) {
        d->kind = 2;
        d->n = 0;
        while (isdigit((unsigned char)*p)) d->n = d->n * 10 + (*p++ - '0');
    } else return NULL;
    if (*p == '/') { p = rule_time(p + 1, &d->time); if (!p) return NULL; }
    return p;
}

static bool parse_rule(const char *s, tzrule *r)
{
    const char *p = rule_name(s, r->stdname);
    int32_t off;
    if (!p || !(p = rule_time(p, &off))) return false;
    r->stdoff = -off; /* POSIX offsets are west of UTC */
    r->has_dst = false;
    if (!*p) return true;
    if (!(p = rule_name(p, r->dstname))) return false;
    r->dstoff = r->stdoff + 3600;
    if (*p && *p != ',') { if (!(p = rule_time(p, &off))) return false; r->dstoff = -off; }
    if (*p != ',') return false;
    if (!(p = rule_date(p + 1, &r->start)) || *p != ',' || !(p = rule_date(p + 1, &r->end))) return false;
    r->has_dst = true;
    return *p == 0;
}

/* the local-time second of year y at which rule date d happens (local midnight based) */
static int64_t rule_when(int64_t y, const tzdate *d)
{
    int64_t day;
    if (d->kind == 1) {
        int n = d->n;
        day = days_from_civil(y, 1, 1) + n - 1 + (leap(y) && n >= 60 ? 1 : 0);
    } else if (d->kind == 2) {
        day = days_from_civil(y, 1, 1) + d->n;
    } else {
        int64_t first = days_from_civil(y, d->m, 1);
        int wd = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
        int64_t dd = (d->d - wd + 7) % 7;
        dd += 7 * (d->w - 1);
        while (dd >= month_days(y, d->m)) dd -= 7;
        day = first + dd;
    }
    return day * 86400 + d->time;
}

static void rule_offset(const tzrule *r, int64_t t, int32_t *off, bool *dst, const char **abbr)
{
    *off = r->stdoff;
    *dst = false;
    *abbr = r->stdname;
    if (!r->has_dst) return;
    int64_t y;
    int m, d;
    civil_from_days(floordiv(t + r->stdoff, 86400), &y, &m, &d);
    /* start is given in standard local time, end in daylight local time */
    int64_t st = rule_when(y, &r->start) - r->stdoff, en = rule_when(y, &r->end) - r->dstoff;
    bool in = st < en ? (t >= st && t < en) : !(t >= en && t < st);
    if (in) { *off = r->dstoff; *dst = true; *abbr = r->dstname; }
}

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

#define TZ_MAX_FILE (1 << 20)

static bool load_tzif(jrt *R, const char *name, size_t nl, tzinfo *z)
{
    char path[300];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%.*s", (int)nl, name);
    FILE *f = fopen(path, "rb");
    if (!f) return rt_error(R, JINN_ERR_VALUE, "unknown time zone '%.*s'", (int)nl, name);
    /* the file's own size (a few KB), capped: zoneinfo files are small */
    long fsz = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (fsz <= 0 || fsz > TZ_MAX_FILE || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f); /* a directory ("Europe") or an empty file */
        return rt_error(R, JINN_ERR_VALUE, "unknown time zone '%.*s'", (int)nl, name);
    }
    size_t cap = (size_t)fsz;
    unsigned char *buf = rt_alloc(R, NULL, 0, cap);
    if (!buf) { fclose(f); return false; }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    bool ok = false;
    const unsigned char *p = buf;
    if (n < 44 || memcmp(p, "TZif", 4) || p[4] < '2') goto bad;
    {
        /* skip the v1 block */
        uint32_t c[6];
        for (int i = 0; i < 6; i++) c[i] = be32(p + 20 + 4 * i);
        size_t v1 = 44 + (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
        if (v1 + 44 > n) goto bad;
        p = buf + v1;
        if (memcmp(p, "TZif", 4)) goto bad;
        for (int i = 0; i < 6; i++) c[i] = be32(p + 20 + 4 * i);
        uint32_t isutcnt = c[0], isstdcnt = c[1], leapcnt = c[2], timecnt = c[3], typecnt = c[4], charcnt = c[5];
        size_t need = 44 + (size_t)timecnt * 9 + (size_t)typecnt * 6 + charcnt + (size_t)leapcnt * 12 + isstdcnt + isutcnt;
        if (typecnt == 0 || (size_t)(p - buf) + need > n) goto bad;
        const unsigned char *q = p + 44;
        z->ntrans = timecnt;
        z->ntypes = typecnt;
        z->trans = timecnt ? rt_alloc(R, NULL, 0, timecnt * sizeof *z->trans) : NULL;
        z->idx = timecnt ? rt_alloc(R, NULL, 0, timecnt) : NULL;
        z->types = rt_alloc(R, NULL, 0, typecnt * sizeof *z->types);
        if ((timecnt && (!z->trans || !z->idx)) || !z->types) goto fail;
        for (uint32_t i = 0; i < timecnt; i++) z->trans[i] = be64(q + 8 * i);
        q += 8 * (size_t)timecnt;
        for (uint32_t i = 0; i < timecnt; i++) { z->idx[i] = q[i]; if (q[i] >= typecnt) goto bad; }
        q += timecnt;
        const unsigned char *chars = q + 6 * (size_t)typecnt;
        for (uint32_t i = 0; i < typecnt; i++) {
            z->types[i].off = (int32_t)be32(q + 6 * i);
            z->types[i].isdst = q[6 * i + 4];
            unsigned ai = q[6 * i + 5];
            size_t k = 0;
            while (ai + k < charcnt && chars[ai + k] && k < 15) { z->types[i].abbr[k] = (char)chars[ai + k]; k++; }
            z->types[i].abbr[k] = 0;
        }
        /* the footer: "\nRULE\n" */
        const unsigned char *ft = p + need;
        z->has_rule = false;
        if ((size_t)(ft - buf) < n && *ft == '\n') {
            const unsigned char *fe = memchr(ft + 1, '\n', n - (size_t)(ft + 1 - buf));
            if (fe && fe - ft - 1 < 120 && fe > ft + 1) {
                char rs[128];
                memcpy(rs, ft + 1, (size_t)(fe - ft - 1));
                rs[fe - ft - 1] = 0;
                z->has_rule = parse_rule(rs, &z->rule);
            }
        }
        ok = true;
        goto done;
    }
bad:
    rt_error(R, JINN_ERR_VALUE, "time zone '%.*s': not a TZif file", (int)nl, name);
fail:
    tz_free(R, z);
done:
    rt_alloc(R, buf, cap, 0);
    return ok;
}

/* Resolve a zone argument: absent/none → UTC */
static bool tz_open(jrt *R, value v, tzinfo *z)
{
    memset(z, 0, sizeof *z);
    z->fixed = true;
    strcpy(z->fixname, "UTC");
    if (v.t == JV_ABSENT || v.t == JV_NONE) return true;
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    if (v.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "time zone must be a string, not '%s'", val_type_name(v));
    const char *s = v_sp(v);
    size_t n = v_sl(v);
    if ((n == 3 && (!strcasecmp(s, "UTC") || !strcasecmp(s, "GMT"))) || (n == 1 && (s[0] == 'Z' || s[0] == 'z'))) return true;
    int32_t off;
    size_t pre = n > 3 && (!strncasecmp(s, "UTC", 3) || !strncasecmp(s, "GMT", 3)) ? 3 : 0;
    if (parse_offset(s + pre, n - pre, &off)) {
        z->fixoff = off;
        int a = off < 0 ? -off : off;
        if (off == 0) strcpy(z->fixname, "Z");
        else snprintf(z->fixname, sizeof z->fixname, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
        return true;
    }
    /* an IANA name: letters, digits, '_', '-', '+', '/' between parts; no "..", no leading '/' */
    bool okname = n > 0 && n < 200 && s[0] != '/' && s[0] != '.';
    for (size_t i = 0; okname && i < n; i++) {
        char c = s[i];
        okname = isalnum((unsigned char)c) || c == '_' || c == '-' || c == '+' || (c == '/' && s[i + 1] != '/' && s[i + 1] != '.');
    }
    if (!okname) return rt_error(R, JINN_ERR_VALUE, "unknown time zone '%.*s'", (int)(n > 60 ? 60 : n), s);
    z->fixed = false;
    return load_tzif(R, s, n, z);
}

/* the offset of UTC instant t (seconds) */
static void tz_at(const tzinfo *z, int64_t t, int32_t *off, const char **abbr)
{
    if (z->fixed) { *off = z->fixoff; *abbr = z->fixname; return; }
    bool dst;
    if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
        if (z->has_rule && (z->ntrans == 0 || t >= z->trans[z->ntrans - 1])) {
            rule_offset(&z->rule, t, off, &dst, abbr);
            return;
        }
        const ttype *ty = &z->types[z->ntrans ? z->idx[z->ntrans - 1] : 0];
        *off = ty->off;
        *abbr = ty->abbr;
        return;
    }
    if (t < z->trans[0]) {
        /* before the first transition: the first standard-time type */
        size_t k = 0;
        while (k < z->ntypes && z->types[k].isdst) k++;
        const ttype *ty = &z->types[k < z->ntypes ? k : 0];
        *off = ty->off;
        *abbr = ty->abbr;
        return;
    }
    size_t lo = 0, hi = z->ntrans; /* last transition <= t */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (z->trans[mid] <= t) lo = mid; else hi = mid;
    }
    const ttype *ty = &z->types[z->idx[lo]];
    *off = ty->off;
    *abbr = ty->abbr;
}

/* local time of a UTC instant in ms */
static void to_local(const tzinfo *z, int64_t ms, dtm *t)
{
    int64_t secs = floordiv(ms, 1000);
    t->ms = (int)(ms - secs * 1000);
    const char *abbr;
    tz_at(z, secs, &t->off, &abbr);
    snprintf(t->abbr, sizeof t->abbr, "%s", abbr);
    int64_t ls = secs + t->off;
    int64_t days = floordiv(ls, 86400), sod = ls - days * 86400;
    civil_from_days(days, &t->year, &t->mon, &t->day);
    t->hour = (int)(sod / 3600);
    t->min = (int)(sod / 60 % 60);
    t->sec = (int)(sod % 60);
    t->wday = (int)((days % 7 + 11) % 7);
    t->yday = (int)(days - days_from_civil(t->year, 1, 1));
}

/* UTC ms of a local wall time in zone z (the earlier offset when ambiguous) */
static int64_t from_local(const tzinfo *z, int64_t year, int mon, int day, int64_t sod_ms)
{
    int64_t local = days_from_civil(year, mon, day) * 86400000 + sod_ms;
    int32_t off;
    const char *ab;
    tz_at(z, floordiv(local, 1000), &off, &ab);
    int64_t guess = local - (int64_t)off * 1000;
    int32_t off2;
    tz_at(z, floordiv(guess, 1000), &off2, &ab);
    return local - (int64_t)off2 * 1000;
}

/* ======================================================================================
 * Values: a datetime argument, now
 * ====================================================================================== */

#define MS_LIMIT 253402300799999LL /* 9999-12-31T23:59:59.999Z: beyond that is not a date */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool parse_iso(jrt *R, const char *s, size_t n, int64_t *ms);

/* A datetime argument: epoch ms (int/float), an ISO-8601 string, or none (now, with a
 * warning, as Jinjava does for datetimeformat) */
static bool dt_arg(jrt *R, value v, int64_t *ms, const char *fn, bool none_is_now)
{
    if ((v.t == JV_NONE || v.t == JV_UNDEF || v.t == JV_ABSENT) && none_is_now) {
        if (v.t != JV_ABSENT) rt_warn(R, "%s: no datetime given, using the current time", fn);
        *ms = now_ms();
        return true;
    }
    if (v.t == JV_INT) *ms = v.u.i;
    else if (v.t == JV_FLOAT) {
        if (!(fabs(v.u.d) <= (double)MS_LIMIT * 400)) return rt_error(R, JINN_ERR_VALUE, "%s: datetime out of range", fn);
        *ms = (int64_t)floor(v.u.d);
    } else if (v.t == JV_STR) {
        if (!parse_iso(R, v_sp(v), v_sl(v), ms)) return false;
    } else {
        if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
        return rt_error(R, JINN_ERR_TYPE, "%s: expected a datetime (epoch milliseconds), not '%s'", fn, val_type_name(v));
    }
    if (*ms > MS_LIMIT * 400 || *ms < -MS_LIMIT * 400) return rt_error(R, JINN_ERR_VALUE, "%s: datetime out of range", fn);
    return true;
}

/* ISO-8601: YYYY-MM-DD[(T| )hh:mm[:ss[.fff…]]][Z|±hh[:mm]] (no zone: UTC) */
static bool parse_iso(jrt *R, const char *s, size_t n, int64_t *ms)
{
    size_t i = 0;
    int64_t y = 0;
    int mo = 0, d = 0, h = 0, mi = 0, se = 0, frac = 0, fd = 0;
    int32_t off = 0;
    bool neg = false;
#define DIGITS(var, cnt) do { for (int _k = 0; _k < (cnt); _k++) { if (i >= n || !isdigit((unsigned char)s[i])) goto bad; var = var * 10 + (s[i++] - '0'); } } while (0)
    while (i < n && s[i] == ' ') i++;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    DIGITS(y, 4);
    if (neg) y = -y;
    if (i >= n || s[i++] != '-') goto bad;
    DIGITS(mo, 2);
    if (i >= n || s[i++] != '-') goto bad;
    DIGITS(d, 2);
    if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo)) goto bad;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ') && i + 1 < n && isdigit((unsigned char)s[i + 1])) {
        i++;
        DIGITS(h, 2);
        if (i >= n || s[i++] != ':') goto bad;
        DIGITS(mi, 2);
        if (i < n && s[i] == ':') {
            i++;
            DIGITS(se, 2);
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                if (i >= n || !isdigit((unsigned char)s[i])) goto bad;
                while (i < n && isdigit((unsigned char)s[i])) { if (fd < 3) { frac = frac * 10 + (s[i] - '0'); fd++; } i++; }
                while (fd < 3) { frac *= 10; fd++; }
            }
        }
        if (h > 23 || mi > 59 || se > 60) goto bad;
    }
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) i++;
    else if (i < n && (s[i] == '+' || s[i] == '-')) {
        size_t st = i;
        while (i < n && s[i] != ' ') i++;
        if (!parse_offset(s + st, i - st, &off)) goto bad;
    }
    while (i < n && s[i] == ' ') i++;
    if (i != n) goto bad;
    *ms = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off) * 1000 + frac;
    return true;
bad:
    return rt_error(R, JINN_ERR_VALUE, "not an ISO-8601 datetime: '%.*s'", (int)(n > 60 ? 60 : n), s);
#undef DIGITS
}

/* ======================================================================================
 * Formatting: strftime (datetimeformat) and Java patterns (format_*, strtotime)
 * ====================================================================================== */

static const char *const WDAY[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
static const char *const MON[] = {"January", "February", "March", "April", "May", "June", "July", "August",
                                  "September", "October", "November", "December"};

static bool put_num(jrt *R, jbuf *b, int64_t v, int width, bool pad)
{
    return pad ? buf_printf(R, b, "%0*lld", width, (long long)v) : buf_printf(R, b, "%lld", (long long)v);
}

static bool put_off(jrt *R, jbuf *b, int32_t off, bool colon)
{
    int a = off < 0 ? -off : off;
    return buf_printf(R, b, "%c%02d%s%02d", off < 0 ? '-' : '+', a / 3600, colon ? ":" : "", a / 60 % 60);
}

/* week of year, weeks starting on Sunday (%U) or Monday (%W) */
static int week_no(const dtm *t, bool monday)
{
    int wd = monday ? (t->wday + 6) % 7 : t->wday;
    return (t->yday + 7 - wd) / 7;
}

static bool strftime_dt(jrt *R, jbuf *b, const char *f, size_t n, const dtm *t)
{
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        if (f[i] != '%' || i + 1 >= n) { ok = buf_putc(R, b, f[i]); continue; }
        char c = f[++i];
        bool pad = true;
        if (c == '-' && i + 1 < n) { pad = false; c = f[++i]; }
        int h12 = t->hour % 12 ? t->hour % 12 : 12;
        switch (c) {
        case 'a': ok = buf_put(R, b, WDAY[t->wday], 3); break;
        case 'A': ok = buf_puts(R, b, WDAY[t->wday]); break;
        case 'b': case 'h': ok = buf_put(R, b, MON[t->mon - 1], 3); break;
        case 'B': ok = buf_puts(R, b, MON[t->mon - 1]); break;
        case 'c': ok = buf_printf(R, b, "%.3s %.3s %2d %02d:%02d:%02d %lld", WDAY[t->wday], MON[t->mon - 1], t->day,
                                  t->hour, t->min, t->sec, (long long)t->year); break;
        case 'd': ok = put_num(R, b, t->day, 2, pad); break;
        case 'e': ok = pad ? buf_printf(R, b, "%2d", t->day) : put_num(R, b, t->day, 1, false); break;
        case 'f': ok = buf_printf(R, b, "%03d000", t->ms); break;
        case 'F': ok = buf_printf(R, b, "%04lld-%02d-%02d", (long long)t->year, t->mon, t->day); break;
        case 'H': ok = put_num(R, b, t->hour, 2, pad); break;
        case 'I': ok = put_num(R, b, h12, 2, pad); break;
        case 'j': ok = put_num(R, b, t->yday + 1, 3, pad); break;
        case 'k': ok = buf_printf(R, b, "%2d", t->hour); break;
        case 'l': ok = buf_printf(R, b, "%2d", h12); break;
        case 'm': ok = put_num(R, b, t->mon, 2, pad); break;
        case 'M': ok = put_num(R, b, t->min, 2, pad); break;
        case 'p': ok = buf_puts(R, b, t->hour < 12 ? "AM" : "PM"); break;
        case 'S': ok = put_num(R, b, t->sec, 2, pad); break;
        case 'T': ok = buf_printf(R, b, "%02d:%02d:%02d", t->hour, t->min, t->sec); break;
        case 'u': ok = put_num(R, b, t->wday ? t->wday : 7, 1, false); break;
        case 'w': ok = put_num(R, b, t->wday, 1, false); break;
        case 'U': ok = put_num(R, b, week_no(t, false), 2, pad); break;
        case 'W': ok = put_num(R, b, week_no(t, true), 2, pad); break;
        case 'x': ok = buf_printf(R, b, "%02d/%02d/%02d", t->mon, t->day, (int)(((t->year % 100) + 100) % 100)); break;
        case 'X': ok = buf_printf(R, b, "%02d:%02d:%02d", t->hour, t->min, t->sec); break;
        case 'y': ok = put_num(R, b, ((t->year % 100) + 100) % 100, 2, pad); break;
        case 'Y': ok = put_num(R, b, t->year, 4, pad); break;
        case 'z': ok = put_off(R, b, t->off, false); break;
        case 'Z': ok = buf_puts(R, b, t->abbr); break;
        case '%': ok = buf_putc(R, b, '%'); break;
        default: ok = buf_putc(R, b, '%') && buf_putc(R, b, c); break;
        }
    }
    return ok;
}

/* Java DateTimeFormatter patterns (the common letters) */
static bool java_format(jrt *R, jbuf *b, const char *f, size_t n, const dtm *t, const char *zone_id)
{
    bool ok = true;
    for (size_t i = 0; ok && i < n;) {
        char c = f[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < n && f[j] == '\'') { ok = buf_putc(R, b, '\''); i += 2; continue; }
            while (j < n) {
                if (f[j] == '\'' && j + 1 < n && f[j + 1] == '\'') { ok = buf_putc(R, b, '\''); j += 2; continue; }
                if (f[j] == '\'') break;
                ok = buf_putc(R, b, f[j++]);
            }
            i = j + 1;
            continue;
        }
        if (!isalpha((unsigned char)c)) { ok = buf_putc(R, b, c); i++; continue; }
        size_t j = i;
        while (j < n && f[j] == c) j++;
        int cnt = (int)(j - i);
        i = j;
        int h12 = t->hour % 12 ? t->hour % 12 : 12;
        switch (c) {
        case 'y': case 'u':
            ok = cnt == 2 ? put_num(R, b, ((t->year % 100) + 100) % 100, 2, true) : put_num(R, b, t->year, cnt, true);
            break;
        case 'M': case 'L':
            if (cnt >= 4) ok = buf_puts(R, b, MON[t->mon - 1]);
            else if (cnt == 3) ok = buf_put(R, b, MON[t->mon - 1], 3);
            else ok = put_num(R, b, t->mon, cnt, true);
            break;
        case 'd': ok = put_num(R, b, t->day, cnt, true); break;
        case 'D': ok = put_num(R, b, t->yday + 1, cnt, true); break;
        case 'E': ok = cnt >= 4 ? buf_puts(R, b, WDAY[t->wday]) : buf_put(R, b, WDAY[t->wday], 3); break;
        case 'e': ok = put_num(R, b, t->wday + 1, cnt, true); break;
        case 'a': ok = buf_puts(R, b, t->hour < 12 ? "AM" : "PM"); break;
        case 'H': ok = put_num(R, b, t->hour, cnt, true); break;
        case 'k': ok = put_num(R, b, t->hour ? t->hour : 24, cnt, true); break;
        case 'h': ok = put_num(R, b, h12, cnt, true); break;
        case 'K': ok = put_num(R, b, t->hour % 12, cnt, true); break;
        case 'm': ok = put_num(R, b, t->min, cnt, true); break;
        case 's': ok = put_num(R, b, t->sec, cnt, true); break;
        case 'S': {
            char fr[10];
            snprintf(fr, sizeof fr, "%03d000000", t->ms);
            ok = buf_put(R, b, fr, (size_t)(cnt > 9 ? 9 : cnt));
            break;
        }
        case 'z': ok = buf_puts(R, b, t->abbr); break;
        case 'V': ok = buf_puts(R, b, zone_id); break;
        case 'Z':
            if (cnt == 5) ok = t->off == 0 ? buf_putc(R, b, 'Z') : put_off(R, b, t->off, true);
            else if (cnt == 4) ok = buf_puts(R, b, "GMT") && (t->off == 0 || put_off(R, b, t->off, true));
            else ok = put_off(R, b, t->off, false);
            break;
        case 'X': case 'x':
            if (c == 'X' && t->off == 0) { ok = buf_putc(R, b, 'Z'); break; }
            if (cnt == 1 && t->off % 3600 == 0) ok = buf_printf(R, b, "%c%02d", t->off < 0 ? '-' : '+', abs(t->off) / 3600);
            else ok = put_off(R, b, t->off, cnt == 3 || cnt == 5);
            break;
        default:
            return rt_error(R, JINN_ERR_VALUE, "unsupported pattern letter '%c' in date format", c);
        }
    }
    return ok;
}

/* ======================================================================================
 * The filters and functions
 * ====================================================================================== */

static bool zone_id(value v, char *id, size_t n)
{
    if (v.t == JV_STR) snprintf(id, n, "%s", v_sp(v));
    else snprintf(id, n, "UTC");
    return true;
}

static bool locale_ok(jrt *R, value v)
{
    if (v.t == JV_ABSENT || v.t == JV_NONE) return true;
    if (v.t == JV_STR && (v_sl(v) == 0 || !strncasecmp(v_sp(v), "en", 2)) && (v_sl(v) <= 2 || v_sp(v)[2] == '_' || v_sp(v)[2] == '-'))
        return true;
    return rt_error(R, JINN_ERR_VALUE, "unsupported locale (only English names are built in)");
}

/* datetimeformat(value, format='%H:%M / %d-%m-%Y', timezone='UTC', locale=None, tz=None):
 * tz= is the vendor's spelling of timezone= */
static bool do_datetimeformat(jrt *R, value *args, value *out)
{
    int64_t ms;
    const char *f;
    size_t fl;
    if (!dt_arg(R, args[0], &ms, "datetimeformat", true)) return false;
    if (!arg_str(R, args, 1, "%H:%M / %d-%m-%Y", &f, &fl, "format") || !locale_ok(R, args[3])) return false;
    if (ARG_GIVEN(2) && ARG_GIVEN(4)) return rt_error(R, JINN_ERR_TYPE, "datetimeformat: both timezone and tz given");
    tzinfo z;
    if (!tz_open(R, ARG_GIVEN(4) ? args[4] : args[2], &z)) return false;
    dtm t;
    to_local(&z, ms, &t);
    tz_free(R, &z);
    jbuf b = {0};
    if (!strftime_dt(R, &b, f, fl, &t)) { buf_free(R, &b); return false; }
    if (!b.p && !buf_puts(R, &b, "")) return false;
    *out = v_str_from_buf(R, &b);
    return out->t != JV_ERROR;
}

BI_EXT(flt_datetimeformat) { return do_datetimeformat(R, args, out); }
BI_EXT(fn_datetimeformat) { return do_datetimeformat(R, args, out); }

/* format_date / format_time / format_datetime(value, format='medium', timeZone='UTC',
 * locale=None): a style (short medium long full, en_US) or a Java pattern */
static bool format_style(jrt *R, value *args, int which, value *out)
{
    static const char *const dates[] = {"M/d/yy", "MMM d, y", "MMMM d, y", "EEEE, MMMM d, y"};
    static const char *const times[] = {"h:mm a", "h:mm:ss a", "h:mm:ss a z", "h:mm:ss a z"};
    static const char *const styles[] = {"short", "medium", "long", "full"};
    int64_t ms;
    const char *f;
    size_t fl;
    if (!dt_arg(R, args[0], &ms, which == 0 ? "format_date" : which == 1 ? "format_time" : "format_datetime", true)) return false;
    if (!arg_str(R, args, 1, "medium", &f, &fl, "format") || !locale_ok(R, args[3])) return false;
    tzinfo z;
    if (!tz_open(R, args[2], &z)) return false;
    dtm t;
    to_local(&z, ms, &t);
    tz_free(R, &z);
    char id[64];
    zone_id(args[2], id, sizeof id);
    char pat[80];
    int st = -1;
    for (int i = 0; i < 4; i++) if (fl == strlen(styles[i]) && !strncasecmp(f, styles[i], fl)) st = i;
    if (st >= 0) {
        if (which == 0) snprintf(pat, sizeof pat, "%s", dates[st]);
        else if (which == 1) snprintf(pat, sizeof pat, "%s", times[st]);
        else snprintf(pat, sizeof pat, "%s%s%s", dates[st], st >= 2 ? " 'at' " : ", ", times[st]);
        f = pat;
        fl = strlen(pat);
    }
    jbuf b = {0};
    if (!java_format(R, &b, f, fl, &t, id)) { buf_free(R, &b); return false; }
    if (!b.p && !buf_puts(R, &b, "")) return false;
    *out = v_str_from_buf(R, &b);
    return out->t != JV_ERROR;
}

BI_EXT(flt_format_date) { return format_style(R, args, 0, out); }
BI_EXT(flt_format_time) { return format_style(R, args, 1, out); }
BI_EXT(flt_format_datetime) { return format_style(R, args, 2, out); }

/* unixtimestamp(value=None) — epoch milliseconds; none is now */
static bool do_unixtimestamp(jrt *R, value v, value *out)
{
    int64_t ms;
    if (v.t == JV_NONE || v.t == JV_UNDEF || v.t == JV_ABSENT) ms = now_ms();
    else if (!dt_arg(R, v, &ms, "unixtimestamp", false)) return false;
    *out = v_int(ms);
    return true;
}

BI_EXT(flt_unixtimestamp) { return do_unixtimestamp(R, args[0], out); }
BI_EXT(fn_unixtimestamp) { return do_unixtimestamp(R, ARG_GIVEN(0) ? args[0] : v_none(), out); }

/* iso8601_to_time(value) — an ISO-8601 string to epoch milliseconds */
BI_EXT(flt_iso8601_to_time)
{
    value v = args[0];
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    if (v.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "iso8601_to_time: expected a string, not '%s'", val_type_name(v));
    int64_t ms;
    if (!parse_iso(R, v_sp(v), v_sl(v), &ms)) return false;
    *out = v_int(ms);
    return true;
}

/* timestamp_to_time(value) — a Unix timestamp to a datetime: numbers below 1e11 are taken as
 * seconds (1e11 s is the year 5138), larger ones as milliseconds; numeric strings too */
BI_EXT(flt_timestamp_to_time)
{
    value v = args[0];
    double d;
    if (v.t == JV_INT) d = (double)v.u.i;
    else if (v.t == JV_FLOAT) d = v.u.d;
    else if (v.t == JV_STR) {
        char *e;
        errno = 0;
        d = strtod(v_sp(v), &e);
        if (e == v_sp(v) || *e || errno) return rt_error(R, JINN_ERR_VALUE, "timestamp_to_time: '%s' is not a number", v_sp(v));
    } else {
        if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
        return rt_error(R, JINN_ERR_TYPE, "timestamp_to_time: expected a number, not '%s'", val_type_name(v));
    }
    if (!(fabs(d) <= (double)MS_LIMIT)) return rt_error(R, JINN_ERR_VALUE, "timestamp_to_time: out of range");
    if (fabs(d) < 1e11) {
        if (v.t == JV_INT) { *out = v_int(v.u.i * 1000); return true; }
        d *= 1000;
    }
    *out = v_int((int64_t)floor(d));
    return true;
}

/* ---- strtotime: parse with a Java pattern ------------------------------------------------ */

static int name_index(const char *s, size_t n, size_t *i, const char *const *names, int count)
{
    for (int k = 0; k < count; k++) {
        size_t full = strlen(names[k]);
        if (*i + full <= n && !strncasecmp(s + *i, names[k], full)) { *i += full; return k; }
    }
    for (int k = 0; k < count; k++)
        if (*i + 3 <= n && !strncasecmp(s + *i, names[k], 3)) { *i += 3; return k; }
    return -1;
}

static bool parse_java(jrt *R, const char *s, size_t n, const char *f, size_t fl, value zone, int64_t *ms)
{
    int64_t y = 1970;
    int mo = 1, d = 1, h = 0, mi = 0, se = 0, frac = 0, pm = -1;
    bool have_off = false;
    int32_t off = 0;
    size_t i = 0;
    for (size_t k = 0; k < fl;) {
        char c = f[k];
        if (c == '\'') {
            size_t j = k + 1;
            if (j < fl && f[j] == '\'') { if (i >= n || s[i] != '\'') goto bad; i++; k += 2; continue; }
            while (j < fl && f[j] != '\'') { if (i >= n || s[i] != f[j]) goto bad; i++; j++; }
            k = j + 1;
            continue;
        }
        if (!isalpha((unsigned char)c)) { if (i >= n || s[i] != c) goto bad; i++; k++; continue; }
        size_t j = k;
        while (j < fl && f[j] == c) j++;
        int cnt = (int)(j - k);
        k = j;
        /* a number of up to cnt digits when the next pattern item is a number too, else any */
        bool adjacent = k < fl && isalpha((unsigned char)f[k]);
        int maxd = adjacent ? cnt : (c == 'y' || c == 'u' ? 9 : c == 'S' ? 9 : 2);
        if (cnt > maxd) maxd = cnt;
        int64_t num = 0;
        int nd = 0;
        switch (c) {
        case 'y': case 'u': case 'd': case 'H': case 'h': case 'k': case 'K': case 'm': case 's': case 'S': case 'D':
            if (i < n && s[i] == '-' && (c == 'y' || c == 'u')) goto bad;
            while (i < n && isdigit((unsigned char)s[i]) && nd < maxd) { num = num * 10 + (s[i++] - '0'); nd++; }
            if (!nd) goto bad;
            if ((c == 'y' || c == 'u') && num > 999999) goto bad;
            if (c == 'y' || c == 'u') y = cnt == 2 && nd == 2 ? 2000 + num : num;
            else if (c == 'd') d = (int)num;
            else if (c == 'H' || c == 'K') h = num > 99 ? 99 : (int)num;
            else if (c == 'k') h = num == 24 ? 0 : num > 99 ? 99 : (int)num;
            else if (c == 'h') { if (num < 1 || num > 12) goto bad; h = (int)(num % 12); }
            else if (c == 'm') mi = (int)num;
            else if (c == 's') se = (int)num;
            else if (c == 'S') { while (nd > 3) { num /= 10; nd--; } while (nd < 3) { num *= 10; nd++; } frac = (int)num; }
            break;
        case 'M': case 'L':
            if (cnt >= 3) { mo = name_index(s, n, &i, MON, 12) + 1; if (mo <= 0) goto bad; }
            else {
                while (i < n && isdigit((unsigned char)s[i]) && nd < maxd) { num = num * 10 + (s[i++] - '0'); nd++; }
                if (!nd) goto bad;
                mo = (int)num;
            }
            break;
        case 'E': if (name_index(s, n, &i, WDAY, 7) < 0) goto bad; break;
        case 'a':
            if (i + 2 <= n && !strncasecmp(s + i, "AM", 2)) pm = 0;
            else if (i + 2 <= n && !strncasecmp(s + i, "PM", 2)) pm = 1;
            else goto bad;
            i += 2;
            break;
        case 'Z': case 'X': case 'x': case 'z': case 'V': {
            if (i < n && (s[i] == 'Z' || s[i] == 'z') && c != 'z' && c != 'V') { i++; have_off = true; off = 0; break; }
            size_t st = i;
            if (c == 'z' || c == 'V') { /* a zone name: letters, '/', '_' */
                while (i < n && (isalpha((unsigned char)s[i]) || s[i] == '/' || s[i] == '_')) i++;
                if (i == st) goto bad;
                if ((i - st == 3 && (!strncasecmp(s + st, "UTC", 3) || !strncasecmp(s + st, "GMT", 3)))) { have_off = true; off = 0; }
                else goto bad_zone;
                break;
            }
            if (i < n && (s[i] == '+' || s[i] == '-')) i++;
            while (i < n && (isdigit((unsigned char)s[i]) || s[i] == ':')) i++;
            if (!parse_offset(s + st, i - st, &off)) goto bad;
            have_off = true;
            break;
        }
        default:
            return rt_error(R, JINN_ERR_VALUE, "unsupported pattern letter '%c' in date format", c);
        }
    }
    if (i != n) goto bad;
    if (pm == 1) h += 12;
    if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 || se > 59) goto bad;
    int64_t sod = ((int64_t)h * 3600 + mi * 60 + se) * 1000 + frac;
    if (have_off) *ms = days_from_civil(y, mo, d) * 86400000 + sod - (int64_t)off * 1000;
    else {
        tzinfo z;
        if (!tz_open(R, zone, &z)) return false;
        *ms = from_local(&z, y, mo, d, sod);
        tz_free(R, &z);
    }
    return true;
bad:
    return rt_error(R, JINN_ERR_VALUE, "strtotime: '%.*s' does not match the format '%.*s'", (int)(n > 60 ? 60 : n), s,
                    (int)(fl > 60 ? 60 : fl), f);
bad_zone:
    return rt_error(R, JINN_ERR_VALUE, "strtotime: unsupported zone name in '%.*s'", (int)(n > 60 ? 60 : n), s);
}

/* strtotime(value, format, timezone='UTC') — a string parsed with a Java pattern
 * ("yyyy-MM-dd'T'HH:mm:ssZ") to epoch milliseconds; fields without a zone are read in
 * timezone */
static bool do_strtotime(jrt *R, value *args, value *out)
{
    value v = args[0];
    if (v.t == JV_UNDEF && !op_check_defined(R, v)) return false;
    if (v.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "strtotime: expected a string, not '%s'", val_type_name(v));
    const char *f;
    size_t fl;
    if (!arg_str(R, args, 1, NULL, &f, &fl, "format")) return false;
    int64_t ms;
    if (!f) { if (!parse_iso(R, v_sp(v), v_sl(v), &ms)) return false; }
    else if (!parse_java(R, v_sp(v), v_sl(v), f, fl, args[2], &ms)) return false;
    *out = v_int(ms);
    return true;
}

BI_EXT(flt_strtotime) { return do_strtotime(R, args, out); }
BI_EXT(fn_strtotime) { return do_strtotime(R, args, out); }

/* ---- arithmetic ------------------------------------------------------------------------ */

typedef enum { U_MS, U_SEC, U_MIN, U_HOUR, U_HALFDAY, U_DAY, U_WEEK, U_MONTH, U_YEAR, U_DECADE, U_CENTURY, U_MILLENNIUM } unit;

static bool parse_unit(jrt *R, value v, unit *u, const char *fn)
{
    static const struct { const char *name; unit u; } names[] = {
        {"millis", U_MS}, {"milliseconds", U_MS}, {"millisecond", U_MS}, {"seconds", U_SEC}, {"second", U_SEC},
        {"minutes", U_MIN}, {"minute", U_MIN}, {"hours", U_HOUR}, {"hour", U_HOUR}, {"halfdays", U_HALFDAY},
        {"days", U_DAY}, {"day", U_DAY}, {"weeks", U_WEEK}, {"week", U_WEEK}, {"months", U_MONTH}, {"month", U_MONTH},
        {"years", U_YEAR}, {"year", U_YEAR}, {"decades", U_DECADE}, {"centuries", U_CENTURY}, {"millennia", U_MILLENNIUM}};
    if (v.t == JV_ABSENT || v.t == JV_NONE) { *u = U_DAY; return true; }
    if (v.t != JV_STR) return rt_error(R, JINN_ERR_TYPE, "%s: the unit must be a string", fn);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (v_sl(v) == strlen(names[i].name) && !strncasecmp(v_sp(v), names[i].name, v_sl(v))) { *u = names[i].u; return true; }
    return rt_error(R, JINN_ERR_VALUE, "%s: unknown unit '%s'", fn, v_sp(v));
}

static const int64_t unit_ms[] = {1, 1000, 60000, 3600000, 43200000, 86400000, 604800000};
static const int64_t unit_months[] = {0, 0, 0, 0, 0, 0, 0, 1, 12, 120, 1200, 12000};

/* t + n units, in UTC; months and years keep the day, clamped to the month's end (Java's
 * plusMonths) */
static bool add_time(jrt *R, int64_t ms, int64_t n, unit u, int64_t *res)
{
    if (u <= U_WEEK) {
        if (__builtin_mul_overflow(n, unit_ms[u], &n) || __builtin_add_overflow(ms, n, res)) return rt_overflow(R);
    } else {
        int64_t months;
        if (__builtin_mul_overflow(n, unit_months[u], &months) || months > 120000 * 12 || months < -120000 * 12) return rt_overflow(R);
        int64_t days = floordiv(ms, 86400000), sod = ms - days * 86400000, y;
        int m, d;
        civil_from_days(days, &y, &m, &d);
        int64_t tm = y * 12 + (m - 1) + months;
        y = floordiv(tm, 12);
        m = (int)(tm - y * 12) + 1;
        if (d > month_days(y, m)) d = month_days(y, m);
        *res = days_from_civil(y, m, d) * 86400000 + sod;
    }
    if (*res > MS_LIMIT * 400 || *res < -MS_LIMIT * 400) return rt_error(R, JINN_ERR_VALUE, "datetime out of range");
    return true;
}

static bool plus_minus(jrt *R, value *args, int sign, value *out, const char *fn)
{
    int64_t ms, n;
    unit u;
    if (!dt_arg(R, args[0], &ms, fn, false)) return false;
    if (args[1].t == JV_FLOAT) n = (int64_t)trunc(args[1].u.d);
    else if (!arg_int(R, args, 1, 0, &n, "diff")) return false;
    if (!parse_unit(R, args[2], &u, fn)) return false;
    if (sign < 0) { if (n == INT64_MIN) return rt_overflow(R); n = -n; }
    int64_t r = 0;
    if (!add_time(R, ms, n, u, &r)) return false;
    *out = v_int(r);
    return true;
}

/* plus_time(diff, unit='days'), minus_time(diff, unit='days') */
BI_EXT(flt_plus_time) { return plus_minus(R, args, 1, out, "plus_time"); }
BI_EXT(flt_minus_time) { return plus_minus(R, args, -1, out, "minus_time"); }

/* begin|between_times(end, unit='days') — whole units from begin to end (negative when end
 * is earlier), as Java's ChronoUnit.between; months count only when the day and time of
 * day have been reached */
BI_EXT(flt_between_times)
{
    int64_t a, b;
    unit u;
    if (!dt_arg(R, args[0], &a, "between_times", false) || !dt_arg(R, args[1], &b, "between_times", false)) return false;
    if (!parse_unit(R, args[2], &u, "between_times")) return false;
    if (u <= U_WEEK) { *out = v_int((b - a) / unit_ms[u]); return true; }
    int64_t da = floordiv(a, 86400000), db = floordiv(b, 86400000), ya, yb;
    int ma, mb, xa, xb;
    civil_from_days(da, &ya, &ma, &xa);
    civil_from_days(db, &yb, &mb, &xb);
    int64_t months = (yb * 12 + mb) - (ya * 12 + ma);
    /* the rest of the span, as (day of month, time of day) */
    int64_t ra = (int64_t)xa * 86400000 + (a - da * 86400000), rb = (int64_t)xb * 86400000 + (b - db * 86400000);
    if (months > 0 && rb < ra) months--;
    else if (months < 0 && rb > ra) months++;
    *out = v_int(months / unit_months[u]);
    return true;
}

/* today(timezone='UTC') — the start of the current day in timezone, as epoch ms */
BI_EXT(fn_today)
{
    tzinfo z;
    if (!tz_open(R, ARG_GIVEN(0) ? args[0] : v_none(), &z)) return false;
    dtm t;
    to_local(&z, now_ms(), &t);
    *out = v_int(from_local(&z, t.year, t.mon, t.day, 0));
    tz_free(R, &z);
    return true;
}
