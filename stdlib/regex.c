/*
 * regex.c — regular expressions for the stdlib (regex_replace, urlize, wordwrap's chunking)
 * on PCRE2 with bounded work.
 *
 * A template's pattern may be hostile, or just unlucky: `(a+)+$` against "aaaa…!" backtracks
 * exponentially. Every match runs with a match limit (backtracking steps), a depth limit and
 * a heap limit, so such a pattern ends in a JINN_ERR_LIMIT error ("regular expression too
 * expensive") after a few milliseconds instead of hanging the render. No JIT: the limits are
 * what matters here, and the interpreter honours all three.
 *
 * PCRE2's memory comes from the render's allocator (rt_alloc) like everything else. PCRE2's
 * free callback is not told the size, so each block carries it in a small header.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>

#include "ext.h"

#define RE_MATCH_LIMIT 2000000u   /* backtracking steps per match */
#define RE_DEPTH_LIMIT 5000u      /* nested backtracking frames */
#define RE_HEAP_LIMIT  16384u     /* KiB of backtracking memory */

struct re_prog {
    pcre2_general_context *gctx;
    pcre2_match_context *mctx;
    pcre2_code *code;
};

typedef struct { size_t n; size_t pad; } blkhdr; /* 16 bytes: keeps PCRE2's alignment */

static void *re_malloc(PCRE2_SIZE n, void *user)
{
    jrt *R = user;
    blkhdr *h = rt_alloc(R, NULL, 0, n + sizeof *h);
    if (!h) {
        /* PCRE2 reports its own "no memory" error; ours would be a second one */
        R->err_kind = 0;
        R->err_msg.len = 0;
        return NULL;
    }
    h->n = n;
    return h + 1;
}

static void re_mfree(void *p, void *user)
{
    if (!p) return;
    blkhdr *h = (blkhdr *)p - 1;
    rt_alloc(user, h, h->n + sizeof *h, 0);
}

static bool too_expensive(jrt *R)
{
    return rt_error(R, JINN_ERR_LIMIT, "regular expression too expensive");
}

re_prog *re_compile(jrt *R, const char *pat, size_t len, uint32_t flags)
{
    re_prog *p = rt_alloc(R, NULL, 0, sizeof *p);
    if (!p) return NULL;
    p->mctx = NULL;
    p->code = NULL;
    p->gctx = pcre2_general_context_create(re_malloc, re_mfree, R);
    if (!p->gctx) { rt_alloc(R, p, sizeof *p, 0); rt_error(R, JINN_ERR_LIMIT, "out of memory"); return NULL; }
    int err;
    PCRE2_SIZE at;
    pcre2_compile_context *cctx = pcre2_compile_context_create(p->gctx);
    if (cctx) pcre2_set_max_pattern_length(cctx, 65536);
    p->code = cctx ? pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_UTF | PCRE2_UCP | flags, &err, &at, cctx) : NULL;
    if (cctx) pcre2_compile_context_free(cctx);
    if (!p->code) {
        PCRE2_UCHAR msg[160];
        if (!cctx) snprintf((char *)msg, sizeof msg, "out of memory");
        else pcre2_get_error_message(err, msg, sizeof msg);
        rt_error(R, JINN_ERR_VALUE, "bad regular expression at offset %zu: %s", (size_t)at, (const char *)msg);
        re_free(R, p);
        return NULL;
    }
    p->mctx = pcre2_match_context_create(p->gctx);
    if (!p->mctx) { re_free(R, p); rt_error(R, JINN_ERR_LIMIT, "out of memory"); return NULL; }
    pcre2_set_match_limit(p->mctx, RE_MATCH_LIMIT);
    pcre2_set_depth_limit(p->mctx, RE_DEPTH_LIMIT);
    pcre2_set_heap_limit(p->mctx, RE_HEAP_LIMIT);
    return p;
}

void re_free(jrt *R, re_prog *p)
{
    if (!p) return;
    if (p->code) pcre2_code_free(p->code);
    if (p->mctx) pcre2_match_context_free(p->mctx);
    if (p->gctx) pcre2_general_context_free(p->gctx);
    rt_alloc(R, p, sizeof *p, 0);
}

/* map a PCRE2 match/substitute failure to jinn's error kinds */
static int match_error(jrt *R, int rc)
{
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT
        || rc == PCRE2_ERROR_NOMEMORY)
        too_expensive(R);
    else {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(rc, msg, sizeof msg);
        rt_error(R, JINN_ERR_VALUE, "regular expression: %s", (const char *)msg);
    }
    return -1;
}

int re_match(jrt *R, re_prog *p, const char *s, size_t len, size_t start, bool anchored,
             size_t *ovec, int novec)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(p->code, p->gctx);
    if (!md) { too_expensive(R); return -1; }
    /* PCRE2 checks the UTF-8 of the subject from start to its end on every call: a caller
     * that walks a subject match by match would check it again and again (quadratic). A
     * match from start > 0 continues over a subject already checked from 0 (ext.h). */
    uint32_t opts = (anchored ? PCRE2_ANCHORED : 0) | (start > 0 ? PCRE2_NO_UTF_CHECK : 0);
    int rc = pcre2_match(p->code, (PCRE2_SPTR)s, len, start, opts, md, p->mctx);
    int res;
    /* the bytes scanned are work: to the match's end, or the subject's */
    size_t upto = rc > 0 ? (size_t)pcre2_get_ovector_pointer(md)[1] : len;
    if (rc >= PCRE2_ERROR_NOMATCH && !rt_charge_bytes(R, upto > start ? upto - start : 0)) res = -1;
    else if (rc == PCRE2_ERROR_NOMATCH) res = 0;
    else if (rc < 0) res = match_error(R, rc);
    else {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        uint32_t n = pcre2_get_ovector_count(md);
        for (int i = 0; i < novec; i++)
            ovec[i] = (uint32_t)(i / 2) < n && ov[i] != PCRE2_UNSET ? (size_t)ov[i] : SIZE_MAX;
        res = 1;
    }
    pcre2_match_data_free(md);
    return res;
}

value re_replace_all(jrt *R, re_prog *p, const char *s, size_t len, const char *repl, size_t rlen)
{
    PCRE2_SIZE cap = len + len / 2 + rlen + 64;
    if (!rt_charge_bytes(R, len)) return v_err(); /* the subject is scanned whole */
    for (int attempt = 0; attempt < 2; attempt++) {
        jstr *o = str_new(R, cap);
        if (!o) return v_err();
        PCRE2_SIZE olen = cap + 1;
        int rc = pcre2_substitute(p->code, (PCRE2_SPTR)s, len, 0,
                                  PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
                                  NULL, p->mctx, (PCRE2_SPTR)repl, rlen, (PCRE2_UCHAR *)o->s, &olen);
        value v = {.t = JV_STR};
        v.u.s = o;
        if (rc >= 0) {
            /* copy out: the buffer was a guess (and its size is what gets freed) */
            value r = v_str(R, o->s, olen);
            val_drop(R, v);
            return r;
        }
        val_drop(R, v);
        if (rc == PCRE2_ERROR_NOMEMORY && attempt == 0) { cap = olen; continue; }
        if (rc == PCRE2_ERROR_BADREPLACEMENT || rc == PCRE2_ERROR_BADREPESCAPE || rc == PCRE2_ERROR_REPMISSINGBRACE
            || rc == PCRE2_ERROR_BADSUBSTITUTION || rc == PCRE2_ERROR_BADSUBSPATTERN || rc == PCRE2_ERROR_NOSUBSTRING
            || rc == PCRE2_ERROR_UNSET) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(rc, msg, sizeof msg);
            rt_error(R, JINN_ERR_VALUE, "bad replacement string: %s", (const char *)msg);
            return v_err();
        }
        match_error(R, rc);
        return v_err();
    }
    too_expensive(R);
    return v_err();
}

