/* providers/buf.c — the stores' answer buffer and strings (buf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"

void *pbuf_default_alloc(void *user, void *p, size_t old, size_t n)
{
    (void)user;
    (void)old;
    if (!n) { free(p); return NULL; }
    return realloc(p, n);
}

char *pbuf_strdup(jinn_alloc_fn alloc, void *user, const char *s, size_t n)
{
    char *d = alloc(user, NULL, 0, n + 1);
    if (d) { memcpy(d, s, n); d[n] = 0; }
    return d;
}

void pbuf_strfree(jinn_alloc_fn alloc, void *user, char *s)
{
    if (s) alloc(user, s, strlen(s) + 1, 0);
}

int pbuf_put(pbuf *b, jinn_alloc_fn alloc, void *user, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = alloc(user, b->s, b->cap, cap);
        if (!p) return 0;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
    return 1;
}

int pbuf_printf(pbuf *b, jinn_alloc_fn alloc, void *user, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return 0;
    return pbuf_put(b, alloc, user, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

int pbuf_json_string(pbuf *b, jinn_alloc_fn alloc, void *user, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    int ok = pbuf_put(b, alloc, user, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        ok = pbuf_put(b, alloc, user, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        if (ch == '"' || ch == '\\') esc[1] = (char)ch, ok = ok && pbuf_put(b, alloc, user, esc, 2);
        else if (ch == '\n') ok = ok && pbuf_put(b, alloc, user, "\\n", 2);
        else if (ch == '\t') ok = ok && pbuf_put(b, alloc, user, "\\t", 2);
        else if (ch == '\r') ok = ok && pbuf_put(b, alloc, user, "\\r", 2);
        else {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[ch >> 4];
            esc[5] = hex[ch & 15];
            ok = ok && pbuf_put(b, alloc, user, esc, 6);
        }
    }
    return ok && pbuf_put(b, alloc, user, s + run, n - run) && pbuf_put(b, alloc, user, "\"", 1);
}

void pbuf_free(pbuf *b, jinn_alloc_fn alloc, void *user)
{
    if (b->s) alloc(user, b->s, b->cap, 0);
    *b = (pbuf){0};
}

int pbuf_text_put(store_answers *a, jinn_alloc_fn alloc, void *user, const char *s, size_t n, size_t *off)
{
    if (a->text_len + n > a->text_cap) {
        size_t cap = a->text_cap ? a->text_cap : 4096;
        while (cap < a->text_len + n) cap *= 2;
        char *t = alloc(user, a->text, a->text_cap, cap);
        if (!t) return 0;
        a->text = t;
        a->text_cap = cap;
    }
    memcpy(a->text + a->text_len, s, n);
    if (off) *off = a->text_len;
    a->text_len += n;
    return 1;
}

int pbuf_slot_all(store_answers *a, jinn_alloc_fn alloc, void *user, int k, const char *s, size_t n, int failed)
{
    size_t off;
    if (!pbuf_text_put(a, alloc, user, s, n, &off)) return 0;
    for (int i = 0; i < a->n; i++) {
        a->off[(size_t)k * (size_t)a->n + (size_t)i] = off;
        a->len[(size_t)k * (size_t)a->n + (size_t)i] = n;
    }
    a->failed[k] = (unsigned char)failed;
    return 1;
}

void pbuf_answers_free(store_answers *a, jinn_alloc_fn alloc, void *user)
{
    if (!a) return;
    if (a->ids) alloc(user, a->ids, (size_t)a->n * sizeof *a->ids, 0);
    if (a->idtext) alloc(user, a->idtext, a->idtext_len, 0);
    if (a->slot) alloc(user, a->slot, a->ndefs * sizeof *a->slot, 0);
    if (a->failed) alloc(user, a->failed, (size_t)a->nslots, 0);
    if (a->off) alloc(user, a->off, (size_t)a->nslots * (size_t)a->n * sizeof *a->off, 0);
    if (a->len) alloc(user, a->len, (size_t)a->nslots * (size_t)a->n * sizeof *a->len, 0);
    if (a->text) alloc(user, a->text, a->text_cap, 0);
    if (a->refs) alloc(user, a->refs, (size_t)a->n * sizeof *a->refs, 0);
    alloc(user, a, sizeof *a, 0);
}

double pbuf_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
