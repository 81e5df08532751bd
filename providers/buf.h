/*
 * providers/buf.h — what the event stores (providers/sqlite.c, providers/postgres.c) share: a
 * growable text buffer for an answer being built as JSON, and strings, both through the env's
 * allocator (jinn_alloc_fn). One prefix: pbuf_.
 *
 * A buffer is {NULL, 0, 0} when empty; it stays NUL-terminated once anything was put. The calls
 * return 1, or 0 when the allocator failed (the buffer is then as it was).
 */
#ifndef JINN_PROVIDERS_BUF_H
#define JINN_PROVIDERS_BUF_H

#include <stddef.h>

#include "jinn.h"

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

#endif
