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
 * TIME ZONES. "UTC"/"GMT"/"Z" and fixed offsets ("+02:00", "-0530", "UTC+2") are computed
 * here; IANA names are ICU's (ucal: its tz data, transitions and rules). The short zone
 * name (%Z, pattern 'z') is the one java.time prints in English (tz_abbr). No setenv("TZ"),
 * tzset() or localtime — those are process-global state, and templates render on many
 * threads; every ICU object is opened and closed inside one call.
 *
 * PATTERNS. Java patterns (format_date/_time/_datetime, strtotime) and the styles short,
 * medium, long, full are formatted and parsed by ICU's udat in the requested locale (CLDR,
 * the data java.time formats with); strftime (datetimeformat) is done here, its names in
 * English or, for another locale, from ICU. Calendar arithmetic is proleptic Gregorian
 * (Howard Hinnant's days_from_civil).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>

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

/* A zone: UTC or a fixed offset computed here, or an IANA zone as an ICU calendar (ICU's
 * own tz data: offsets, transitions and rules past the table are ICU's business). */
typedef struct {
    bool fixed;
    int32_t fixoff;
    char fixname[16];
    UCalendar *cal;   /* an IANA zone: proleptic Gregorian (no Julian cutover, as java.time) */
    UChar zid[64];    /* its id, for the formatters */
    int32_t zidlen;
    char abbr[32];    /* the last short name computed (tz_at's *abbr points here) */
} tzinfo;

static void tz_free(jrt *R, tzinfo *z)
{
    (void)R;
    if (z->cal) ucal_close(z->cal);
    z->cal = NULL;
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

/* Open IANA zone name[0..n-1] through ICU; an id ICU does not know is an error (ICU would
 * silently use GMT). */
static bool tz_open_icu(jrt *R, const char *name, size_t n, tzinfo *z)
{
    if (n >= sizeof z->zid / sizeof z->zid[0]) return rt_error(R, JINN_ERR_VALUE, "unknown time zone '%.60s'", name);
    u_charsToUChars(name, z->zid, (int32_t)n);
    z->zidlen = (int32_t)n;
    UChar canon[64];
    UBool sys = 0;
    UErrorCode st = U_ZERO_ERROR;
    ucal_getCanonicalTimeZoneID(z->zid, z->zidlen, canon, 64, &sys, &st);
    if (U_FAILURE(st) || !sys) return rt_error(R, JINN_ERR_VALUE, "unknown time zone '%.*s'", (int)(n > 60 ? 60 : n), name);
    z->cal = ucal_open(z->zid, z->zidlen, "en_US", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) { z->cal = NULL; return rt_error(R, JINN_ERR_VALUE, "unknown time zone '%.*s'", (int)(n > 60 ? 60 : n), name); }
    z->fixed = false; /* (offsets do not depend on the Julian cutover: no setGregorianChange) */
    return true;
}

/* The short name of zone z (its standard or daylight name, as dst says), as Java prints
 * pattern letter 'z' in English: java.time asks the zone's std/dst short name (not a
 * historical one: Warsaw in 1906 is "CET" there), CLDR's when it has one for the locale and
 * otherwise the legacy abbreviation (CET, JST, AEST: JDK-8181157). ICU gives CLDR's name or
 * "GMT+1"; the English locales whose CLDR data has the abbreviation are tried in turn, then
 * ICU's GMT form. The calendar must be set to the instant. */
static void tz_abbr(tzinfo *z, bool dst)
{
    static const char *const locs[] = {"en_US", "en_GB", "en_AU", "en_IN", "en_CA", "en_NZ", "en_IE", "en_ZA"};
    char first[32] = "";
    for (size_t i = 0; i < sizeof locs / sizeof locs[0]; i++) {
        UErrorCode st = U_ZERO_ERROR;
        UChar out[32];
        int32_t len = ucal_getTimeZoneDisplayName(z->cal, dst ? UCAL_SHORT_DST : UCAL_SHORT_STANDARD, locs[i], out, 32, &st);
        if (U_FAILURE(st) || len >= 32) continue;
        char a[32];
        u_UCharsToChars(out, a, len);
        a[len] = 0;
        if (!first[0]) memcpy(first, a, (size_t)len + 1);
        if (strncmp(a, "GMT", 3) || !strcmp(a, "GMT")) { memcpy(z->abbr, a, (size_t)len + 1); return; }
    }
    memcpy(z->abbr, first, sizeof first);
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
    return tz_open_icu(R, s, n, z);
}

/* the offset of UTC instant t (seconds), and the zone's short name then */
static void tz_at(tzinfo *z, int64_t t, int32_t *off, const char **abbr)
{
    if (z->fixed) { *off = z->fixoff; if (abbr) *abbr = z->fixname; return; }
    UErrorCode st = U_ZERO_ERROR;
    ucal_setMillis(z->cal, (double)t * 1000.0, &st);
    int32_t dst = ucal_get(z->cal, UCAL_DST_OFFSET, &st);
    int32_t o = ucal_get(z->cal, UCAL_ZONE_OFFSET, &st) + dst;
    *off = U_SUCCESS(st) ? o / 1000 : 0;
    z->abbr[0] = 0;
    if (abbr) { tz_abbr(z, dst != 0); *abbr = z->abbr; }
}

/* local time of a UTC instant in ms; the zone's short name only when want_abbr (asking ICU
 * for names costs more than the rest) */
static void to_local(tzinfo *z, int64_t ms, dtm *t, bool want_abbr)
{
    int64_t secs = floordiv(ms, 1000);
    t->ms = (int)(ms - secs * 1000);
    const char *abbr = "";
    tz_at(z, secs, &t->off, want_abbr ? &abbr : NULL);
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
static int64_t from_local(tzinfo *z, int64_t year, int mon, int day, int64_t sod_ms)
{
    int64_t local = days_from_civil(year, mon, day) * 86400000 + sod_ms;
    int32_t off;
    tz_at(z, floordiv(local, 1000), &off, NULL);
    int64_t guess = local - (int64_t)off * 1000;
    int32_t off2;
    tz_at(z, floordiv(guess, 1000), &off2, NULL);
    return local - (int64_t)off2 * 1000;
}

/* ======================================================================================
 * Values: a datetime argument, now
 * ====================================================================================== */

#define MS_LIMIT 253402300799999LL /* 9999-12-31T23:59:59.999Z: beyond that is not a date */
#define GREGORIAN_START_MS (-12219292800000.0) /* 1582-10-15T00:00Z, ICU's default cutover */

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

/* where strftime_dt finds names in another language than English */
typedef struct {
    const char *loc; /* ICU locale id */
    tzinfo *z;
    int64_t ms;
} names_in;

static bool icu_format(jrt *R, jbuf *b, const char *f, size_t fl, const UDateFormatStyle *styles, tzinfo *z,
                       const char *zone_text, const char *loc, int64_t ms);
static bool loc_english(const char *loc);

/* Python's strftime conversions. Day and month names and AM/PM are English unless nl gives
 * another locale (Jinjava's StrftimeFormatter turns the format into a DateTimeFormatter
 * pattern formatted in the locale). */
static bool strftime_dt(jrt *R, jbuf *b, const char *f, size_t n, const dtm *t, const names_in *nl)
{
    bool ok = true;
    bool local = nl && !loc_english(nl->loc);
    for (size_t i = 0; ok && i < n; i++) {
        if (f[i] != '%' || i + 1 >= n) { ok = buf_putc(R, b, f[i]); continue; }
        char c = f[++i];
        bool pad = true;
        if (c == '-' && i + 1 < n) { pad = false; c = f[++i]; }
        int h12 = t->hour % 12 ? t->hour % 12 : 12;
        if (local && strchr("aAbBhp", c)) {
            const char *jp = c == 'a' ? "EEE" : c == 'A' ? "EEEE" : c == 'B' ? "MMMM" : c == 'p' ? "a" : "MMM";
            ok = icu_format(R, b, jp, strlen(jp), NULL, nl->z, "", nl->loc, nl->ms);
            continue;
        }
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

/* Java DateTimeFormatter patterns, formatted by ICU's udat (same letters, same CLDR data,
 * the locale's names). Two things are done before ICU sees the pattern, so that the text is
 * Java's: 'z' (short zone name) becomes the quoted name tz_abbr found, and 'V' (zone id) the
 * quoted id as the template wrote it. Letters java.time does not know are an error. */
static bool java_pattern_ok(jrt *R, const char *f, size_t n)
{
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (f[i] == '\'') { quoted = !quoted; continue; }
        if (!quoted && isalpha((unsigned char)f[i]) && !strchr("GuyDMLdQqYwWEecFahKkHmsSAVzOXxZ", f[i]))
            return rt_error(R, JINN_ERR_VALUE, "unsupported pattern letter '%c' in date format", f[i]);
    }
    return true;
}

/* append UTF-8 s to the UTF-16 pattern p as a quoted literal */
static int32_t put_quoted_u(UChar *p, int32_t at, int32_t cap, const char *s)
{
    if (at < cap) p[at++] = '\'';
    for (; *s && at < cap - 2; s++) {
        if (*s == '\'') p[at++] = '\'';
        p[at++] = (UChar)(unsigned char)*s;
    }
    if (at < cap) p[at++] = '\'';
    return at;
}

/* format instant ms with Java pattern f (UTF-8), or with the locale's pattern for styles
 * (time, date), in zone z, locale loc. One ICU formatter per call: a style's is opened, its
 * pattern rewritten as above and applied back. */
static bool icu_format(jrt *R, jbuf *b, const char *f, size_t fl, const UDateFormatStyle *styles, tzinfo *z,
                       const char *zone_text, const char *loc, int64_t ms)
{
    UChar src[256], pat[512], zid[64];
    int32_t ulen = 0;
    const UChar *upat = src;
    if (f) {
        if (fl >= 256) return rt_error(R, JINN_ERR_VALUE, "date format too long (limit 255 bytes)");
        if (!java_pattern_ok(R, f, fl)) return false;
        UErrorCode st = U_ZERO_ERROR;
        u_strFromUTF8(src, 256, &ulen, f, (int32_t)fl, &st);
        if (U_FAILURE(st)) return rt_error(R, JINN_ERR_VALUE, "invalid date format");
    }
    int32_t zl;
    const char *abbr = "";
    int32_t off;
    tz_at(z, floordiv(ms, 1000), &off, NULL);
    if (z->fixed) { /* ICU's ids for fixed offsets */
        char id[16];
        int a = off < 0 ? -off : off;
        if (off == 0) snprintf(id, sizeof id, "UTC");
        else snprintf(id, sizeof id, "GMT%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
        zl = (int32_t)strlen(id);
        u_charsToUChars(id, zid, zl + 1);
    } else {
        memcpy(zid, z->zid, sizeof zid);
        zl = z->zidlen;
    }
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *df = NULL;
    if (styles) {
        df = udat_open(styles[0], styles[1], loc, zid, zl, NULL, 0, &st);
        if (U_SUCCESS(st)) ulen = udat_toPattern(df, false, src, 256, &st);
        if (U_FAILURE(st)) { if (df) udat_close(df); return rt_error(R, JINN_ERR_VALUE, "no date format for locale '%s'", loc); }
    }
    bool has_z = false, q = false; /* an unquoted 'z' run shorter than 4: the name is needed */
    for (int32_t i = 0; i < ulen; i++) {
        if (upat[i] == '\'') q = !q;
        else if (!q && upat[i] == 'z' && !(i + 3 < ulen && upat[i + 1] == 'z' && upat[i + 2] == 'z' && upat[i + 3] == 'z')) has_z = true;
        else if (!q && upat[i] == 'z') i += 3;
    }
    if (has_z) tz_at(z, floordiv(ms, 1000), &off, &abbr);
    int32_t n = 0;
    bool quoted = false;
    for (int32_t i = 0; i < ulen && n < 500;) {
        UChar c = upat[i];
        if (c == '\'') { quoted = !quoted; pat[n++] = c; i++; continue; }
        if (quoted || (c != 'z' && c != 'V')) { pat[n++] = c; i++; continue; }
        int32_t j = i;
        while (j < ulen && upat[j] == c) j++;
        if (c == 'z' && j - i >= 4) { while (i < j && n < 500) pat[n++] = upat[i++]; continue; }
        n = put_quoted_u(pat, n, 500, c == 'z' ? abbr : zone_text);
        i = j;
    }
    if (df) udat_applyPattern(df, false, pat, n);
    else df = udat_open(UDAT_PATTERN, UDAT_PATTERN, loc, zid, zl, pat, n, &st);
    if (U_FAILURE(st)) return rt_error(R, JINN_ERR_VALUE, "invalid date format (%s)", u_errorName(st));
    if (ms < GREGORIAN_START_MS) { /* proleptic Gregorian, as java.time (ICU switches to Julian) */
        UCalendar *cal = ucal_clone(udat_getCalendar(df), &st);
        if (U_SUCCESS(st)) {
            ucal_setGregorianChange(cal, -8.64e15, &st);
            udat_setCalendar(df, cal);
            ucal_close(cal);
        }
    }
    UChar out[512];
    st = U_ZERO_ERROR;
    int32_t len = udat_format(df, (double)ms, out, 512, NULL, &st);
    udat_close(df);
    if (U_FAILURE(st)) return rt_error(R, JINN_ERR_VALUE, "date format failed (%s)", u_errorName(st));
    /* CLDR 42 (ICU 72) puts U+202F before AM/PM; the Java releases Jinjava 2.x runs on
     * (8 to 19) print a plain space there */
    for (int32_t i = 0; i < len; i++) if (out[i] == 0x202F) out[i] = ' ';
    value v;
    if (!loc_utf16_out(R, out, len, &v)) return false;
    bool ok = buf_put(R, b, v_sp(v), v_sl(v));
    val_drop(R, v);
    return ok;
}

/* a locale name for the English defaults: is loc English (names built into strftime_dt)? */
static bool loc_english(const char *loc) { return !strncmp(loc, "en", 2) && (!loc[2] || loc[2] == '_'); }

/* ======================================================================================
 * The filters and functions
 * ====================================================================================== */

static bool zone_id(value v, char *id, size_t n)
{
    if (v.t == JV_STR) snprintf(id, n, "%s", v_sp(v));
    else snprintf(id, n, "UTC");
    return true;
}

/* datetimeformat(value, format='%H:%M / %d-%m-%Y', timezone='UTC', locale=None, tz=None):
 * tz= is the vendor's spelling of timezone= */
static bool do_datetimeformat(jrt *R, value *args, value *out)
{
    int64_t ms;
    const char *f;
    size_t fl;
    if (!dt_arg(R, args[0], &ms, "datetimeformat", true)) return false;
    char loc[ULOC_FULLNAME_CAPACITY];
    if (!arg_str(R, args, 1, "%H:%M / %d-%m-%Y", &f, &fl, "format") ||
        !loc_from_arg(R, args[3], "en_US", loc, sizeof loc, "datetimeformat")) return false;
    if (ARG_GIVEN(2) && ARG_GIVEN(4)) return rt_error(R, JINN_ERR_TYPE, "datetimeformat: both timezone and tz given");
    tzinfo z;
    if (!tz_open(R, ARG_GIVEN(4) ? args[4] : args[2], &z)) return false;
    dtm t;
    to_local(&z, ms, &t, fl >= 2 && lib_memmem(f, fl, "%Z", 2) != NULL);
    names_in nl = {loc, &z, ms};
    jbuf b = {0};
    bool ok = strftime_dt(R, &b, f, fl, &t, &nl);
    tz_free(R, &z);
    if (!ok) { buf_free(R, &b); return false; }
    if (!b.p && !buf_puts(R, &b, "")) return false;
    *out = v_str_from_buf(R, &b);
    return out->t != JV_ERROR;
}

BI_EXT(flt_datetimeformat) { return do_datetimeformat(R, args, out); }
BI_EXT(fn_datetimeformat) { return do_datetimeformat(R, args, out); }

/* format_date / format_time / format_datetime(value, format='medium', timeZone='UTC',
 * locale='en'): a style (short medium long full) or a Java pattern, in the locale's words
 * (lib/filter/time/FormatDateFilter.java and friends: DateTimeFormatter.ofLocalizedDate /
 * ofPattern with the locale; Jinjava's default locale is JinjavaConfig's, English) */
static bool format_style(jrt *R, value *args, int which, value *out)
{
    static const char *const styles[] = {"short", "medium", "long", "full"};
    static const UDateFormatStyle ust[] = {UDAT_SHORT, UDAT_MEDIUM, UDAT_LONG, UDAT_FULL};
    int64_t ms;
    const char *f;
    size_t fl;
    char loc[ULOC_FULLNAME_CAPACITY];
    const char *fn = which == 0 ? "format_date" : which == 1 ? "format_time" : "format_datetime";
    if (!dt_arg(R, args[0], &ms, fn, true)) return false;
    if (!arg_str(R, args, 1, "medium", &f, &fl, "format") || !loc_from_arg(R, args[3], "en_US", loc, sizeof loc, fn)) return false;
    tzinfo z;
    if (!tz_open(R, args[2], &z)) return false;
    char id[64];
    zone_id(args[2], id, sizeof id);
    int st = -1;
    for (int i = 0; i < 4; i++) if (fl == strlen(styles[i]) && !strncasecmp(f, styles[i], fl)) st = i;
    jbuf b = {0};
    bool ok;
    if (st >= 0) { /* the locale's pattern for the style (time, date) */
        UDateFormatStyle sty[2] = {which == 0 ? UDAT_NONE : ust[st], which == 1 ? UDAT_NONE : ust[st]};
        ok = icu_format(R, &b, NULL, 0, sty, &z, id, loc, ms);
    } else {
        ok = icu_format(R, &b, f, fl, NULL, &z, id, loc, ms);
    }
    tz_free(R, &z);
    if (!ok) { buf_free(R, &b); return false; }
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

/* s parsed with Java pattern f by ICU (udat_parse, strict, as java.time's ResolverStyle
 * parses: the whole text, fields in range), in zone unless the text carries its own offset;
 * fields the pattern lacks are 1970-01-01 00:00:00.000. A two-digit year is 2000-2099, as
 * java.time's "yy" reads it. */
static bool parse_java(jrt *R, const char *s, size_t n, const char *f, size_t fl, value zone, int64_t *ms)
{
    if (!java_pattern_ok(R, f, fl)) return false;
    tzinfo z;
    if (!tz_open(R, zone, &z)) return false;
    UChar pat[256], text[256], zid[64];
    int32_t pl = 0, tl = 0, zl;
    UErrorCode st = U_ZERO_ERROR;
    if (fl >= 256 || n >= 256) { tz_free(R, &z); goto bad; }
    u_strFromUTF8(pat, 256, &pl, f, (int32_t)fl, &st);
    u_strFromUTF8(text, 256, &tl, s, (int32_t)n, &st);
    if (U_FAILURE(st)) { tz_free(R, &z); goto bad; }
    if (z.fixed) {
        char id[16];
        int a = z.fixoff < 0 ? -z.fixoff : z.fixoff;
        if (z.fixoff == 0) snprintf(id, sizeof id, "UTC");
        else snprintf(id, sizeof id, "GMT%c%02d:%02d", z.fixoff < 0 ? '-' : '+', a / 3600, a / 60 % 60);
        zl = (int32_t)strlen(id);
        u_charsToUChars(id, zid, zl + 1);
    } else {
        memcpy(zid, z.zid, sizeof zid);
        zl = z.zidlen;
    }
    tz_free(R, &z);
    UDateFormat *df = udat_open(UDAT_PATTERN, UDAT_PATTERN, "en_US", zid, zl, pat, pl, &st);
    if (U_FAILURE(st)) return rt_error(R, JINN_ERR_VALUE, "invalid date format (%s)", u_errorName(st));
    udat_setLenient(df, false);
    UCalendar *cal = ucal_clone(udat_getCalendar(df), &st);
    if (U_SUCCESS(st)) {
        ucal_setGregorianChange(cal, -8.64e15, &st);
        ucal_setMillis(cal, 946684800000.0, &st); /* two-digit years from 2000 */
        udat_setCalendar(df, cal);
        udat_set2DigitYearStart(df, 946684800000.0, &st);
        ucal_close(cal);
    }
    int32_t pos = 0;
    st = U_ZERO_ERROR;
    UDate d = udat_parse(df, text, tl, &pos, &st);
    udat_close(df);
    if (U_FAILURE(st) || pos != tl) goto bad;
    *ms = (int64_t)d;
    return true;
bad:
    return rt_error(R, JINN_ERR_VALUE, "strtotime: '%.*s' does not match the format '%.*s'", (int)(n > 60 ? 60 : n), s,
                    (int)(fl > 60 ? 60 : fl), f);
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
    to_local(&z, now_ms(), &t, false);
    *out = v_int(from_local(&z, t.year, t.mon, t.day, 0));
    tz_free(R, &z);
    return true;
}
