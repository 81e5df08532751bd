/*
 * provider.c — the data provider behind the insert tags, as a render sees it: the version
 * dispatch of the public vtable (jinn.h), the provider_calls limit, the parse of the JSON
 * answer, and the per-render memo (each id is asked once per render, whatever the template
 * does with it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "print.h"
#include "dtoa.h"
#include "provider.h"

/* The answers most lookups give — a number, null, true or false, exactly that text — without
 * jansson: true and *out set when s[0..n) is one that parses exactly as json_to_value would
 * (JSON's number grammar, at most 18 digits for an integer, a finite double not underflowing);
 * false: json_to_value decides. */
static bool scalar_answer(const char *s, size_t n, value *out)
{
    if (n == 4 && !memcmp(s, "null", 4)) { *out = v_none(); return true; }
    if (n == 4 && !memcmp(s, "true", 4)) { *out = v_bool(true); return true; }
    if (n == 5 && !memcmp(s, "false", 5)) { *out = v_bool(false); return true; }
    char tmp[40];
    size_t i = 0, digits;
    bool real = false;
    if (n == 0 || n >= sizeof tmp) return false;
    if (s[i] == '-') i++;
    if (i == n || s[i] < '0' || s[i] > '9') return false;
    if (s[i] == '0') i++;
    else while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    digits = i;
    if (i < n && s[i] == '.') {
        real = true;
        if (++i == n || s[i] < '0' || s[i] > '9') return false;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        real = true;
        if (++i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i == n || s[i] < '0' || s[i] > '9') return false;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i != n || (!real && digits > 18)) return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    errno = 0;
    if (!real) { *out = v_int(strtoll(tmp, NULL, 10)); return true; }
    double d = dtoa_strtod(tmp, NULL); /* exact; short decimals without strtod (errno as strtod's) */
    if (errno) return false;
    *out = v_float(d);
    return true;
}

void prov_set(prov_slot *P, const jinn_provider *vt, void *user)
{
    prov_clear(P);
    P->vt = *vt;
    P->user = user;
    P->set = 1;
}

void prov_clear(prov_slot *P)
{
    if (P->set && P->vt.destroy) P->vt.destroy(P->user);
    P->set = 0;
}

void prov_memo_free(jrt *R, prov_memo *M)
{
    if (M->answers) { value m = {.t = JV_DICT}; m.u.m = M->answers; val_drop(R, m); }
    M->answers = NULL;
}


static const char *const insert_kind_names[] = {
#define X(name, what, section) what,
    JINN_LOOKUP_KINDS(X)
#undef X
};

bool prov_lookup(jrt *R, const prov_slot *P, prov_memo *M, int kind, bool trim, value id, value *out)
{
    value sid = val_to_str(R, id);
    if (sid.t == JV_ERROR) return false;
    const char *p = v_sp(sid);
    size_t n = v_sl(sid);
    if (trim) {
        while (n && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r')) n--;
    }
    if (n == 0) { val_drop(R, sid); return rt_error(R, JINN_ERR_PROVIDER, "empty %s id", insert_kind_names[kind]); }
    /* memo key: "<kind>:<id>" */
    jbuf k = {0};
    bool ok = buf_putc(R, &k, (char)('0' + kind)) && buf_putc(R, &k, ':') && buf_put(R, &k, p, n);
    if (!ok) { buf_free(R, &k); val_drop(R, sid); return false; }
    if (!M->answers) {
        value d = v_dict(R, 0);
        if (d.t == JV_ERROR) { buf_free(R, &k); val_drop(R, sid); return false; }
        M->answers = d.u.m;
    }
    value *hit = dict_get_str(M->answers, k.p, k.len);
    if (hit) {
        *out = val_dup(*hit);
        buf_free(R, &k);
        val_drop(R, sid);
        return true;
    }
    value result = v_none();
    if (!P->set) {
        ok = P->strict
                 ? rt_error(R, JINN_ERR_PROVIDER, "no data provider is configured to answer %s '%.*s'", insert_kind_names[kind], (int)n, p)
                 : (rt_warn(R, "no data provider is configured: %s '%.*s' is none", insert_kind_names[kind], (int)n, p), true);
    } else {
        const char *json = NULL;
        size_t jlen = 0;
        if (++R->provider_calls > R->lim->provider_calls) {
            buf_free(R, &k);
            val_drop(R, sid);
            return rt_limit(R, "provider_calls", "more than %u provider lookups in one render", R->lim->provider_calls);
        }
        int st;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (P->vt.version >= 2 && P->vt.lookup2) {
            jinn_lookup q = {(jinn_lookup_kind)kind, p, n, R->customer, R->customer ? strlen(R->customer) : 0,
                             R->interrupt, R->lim->query_ms};
            st = P->vt.lookup2(P->user, &q, &json, &jlen);
        } else {
            st = P->vt.lookup(P->user, (jinn_lookup_kind)kind, p, n, &json, &jlen);
        }
        /* a lookup the provider ended because of the interrupt or query_ms fails as that limit */
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (st != JINN_OK && json &&
            ((R->interrupt && __atomic_load_n(R->interrupt, __ATOMIC_RELAXED)) ||
             (R->lim->query_ms && ms >= R->lim->query_ms))) {
            bool intr = R->interrupt && __atomic_load_n(R->interrupt, __ATOMIC_RELAXED);
            if (P->vt.version >= 3 && P->vt.release) P->vt.release(P->user, json, jlen);
            buf_free(R, &k);
            val_drop(R, sid);
            return intr ? rt_limit(R, "interrupt", "the render was interrupted during %s '%.*s'", insert_kind_names[kind],
                                   (int)n, p)
                        : rt_limit(R, "query_ms", "%s '%.*s' took more than %u ms", insert_kind_names[kind], (int)n,
                                   p, R->lim->query_ms);
        }
        /* jinn copies the answer (parsed here, or quoted in the error) before it goes on; a
         * version 3 provider's release then gets it back (see jinn_provider) */
        const char *answer = json;
        size_t answer_len = jlen;
        if (st == JINN_OK && json) {
            if (!scalar_answer(json, jlen, &result)) result = json_to_value(R, json, jlen, "provider answer");
            if (result.t == JV_ERROR) {
                jbuf m = {0};
                buf_put(R, &m, R->err_msg.p, R->err_msg.len);
                R->err_kind = JINN_ERR_NONE;
                ok = rt_error(R, JINN_ERR_PROVIDER, "the provider's answer for %s '%.*s' is not valid: %s",
                              insert_kind_names[kind], (int)n, p, m.p ? m.p : "");
                buf_free(R, &m);
                result = v_none();
            }
        } else if (json) {
            ok = rt_error(R, JINN_ERR_PROVIDER, "the provider failed on %s '%.*s': %.*s", insert_kind_names[kind],
                          (int)n, p, (int)jlen, json);
        } else if (P->strict) {
            ok = rt_error(R, JINN_ERR_PROVIDER, "the provider has no value for %s '%.*s'", insert_kind_names[kind], (int)n, p);
        } else {
            rt_warn(R, "the provider has no value for %s '%.*s': using none", insert_kind_names[kind], (int)n, p);
        }
        if (answer && P->vt.version >= 3 && P->vt.release) P->vt.release(P->user, answer, answer_len);
    }
    if (ok) {
        value key = v_str(R, k.p, k.len);
        ok = key.t != JV_ERROR && dict_set(R, M->answers, key, val_dup(result));
    }
    buf_free(R, &k);
    val_drop(R, sid);
    if (!ok) { val_drop(R, result); return false; }
    *out = result;
    return true;
}

