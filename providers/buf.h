/*
 * providers/buf.h — what the event stores (providers/sqlite.c, providers/postgres.c) share: a
 * growable text buffer for an answer being built as JSON, strings, and the text of a chunk's
 * answers (store.h: store_answers), all through the env's allocator (jinn_alloc_fn), and the
 * clock of the metrics' cache. One prefix: pbuf_.
 *
 * A buffer is {NULL, 0, 0} when empty; it stays NUL-terminated once anything was put. The calls
 * return 1, or 0 when the allocator failed (the buffer is then as it was).
 */
#ifndef JINN_PROVIDERS_BUF_H
#define JINN_PROVIDERS_BUF_H

#include <stddef.h>

#include "jinn.h"
#include "store.h"

typedef struct {
    char *s;
    size_t len, cap;
} pbuf;

/* The allocator of a store opened without one: realloc and free. */
void *pbuf_default_alloc(void *user, void *p, size_t old, size_t n);

/* s[0..n) as a NUL-terminated copy; NULL when out of memory. */
char *pbuf_strdup(jinn_alloc_fn alloc, void *user, const char *s, size_t n);
void pbuf_strfree(jinn_alloc_fn alloc, void *user, char *s);

int pbuf_put(pbuf *b, jinn_alloc_fn alloc, void *user, const char *s, size_t n);
/* printf into the buffer; output past 1023 bytes is cut. */
int pbuf_printf(pbuf *b, jinn_alloc_fn alloc, void *user, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* s[0..n) as a JSON string literal: quotes, backslash escapes, \u00XX for control bytes. */
int pbuf_json_string(pbuf *b, jinn_alloc_fn alloc, void *user, const char *s, size_t n);
void pbuf_free(pbuf *b, jinn_alloc_fn alloc, void *user);

/* What bind attaches to a thread: customer i of a chunk's answers. */
typedef struct {
    const store_answers *a;
    int i;
} pbuf_cust;

/* A chunk's prefetched answers: for each prefetched definition (a slot) and each customer, a
 * JSON text (or, for a slot whose statement failed, the error message) in one text block. */
struct store_answers {
    int n;            /* customers */
    char **ids;       /* n customer ids, pointing into idtext */
    char *idtext;
    size_t idtext_len;
    size_t ndefs;     /* the store's number of definitions when made */
    int *slot;        /* ndefs entries: the definition's slot, or -1 (not prefetched) */
    int nslots;
    unsigned char *failed; /* nslots entries */
    size_t *off, *len;     /* nslots * n: the answer of (slot k, customer i) at k * n + i */
    char *text;
    size_t text_len, text_cap;
    pbuf_cust *refs;  /* n entries: what bind attaches */
};

/* Append s[0..n) to a->text (growing it); *off (when not NULL) gets where it starts. */
int pbuf_text_put(store_answers *a, jinn_alloc_fn alloc, void *user, const char *s, size_t n, size_t *off);
/* Every customer of the chunk gets s[0..n) as its answer to slot k; failed marks an error message. */
int pbuf_slot_all(store_answers *a, jinn_alloc_fn alloc, void *user, int k, const char *s, size_t n, int failed);
/* Free a chunk's answers and everything they hold (store.h: answers_free). */
void pbuf_answers_free(store_answers *a, jinn_alloc_fn alloc, void *user);

/* Seconds on the monotonic clock. */
double pbuf_now_seconds(void);

#endif
