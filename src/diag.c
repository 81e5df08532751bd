/*
 * diag.c — formatting diagnostics with the offending source line and a caret under it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

void diag_init(diags *D, jrt *R, const char *name, const char *src, size_t len)
{
    memset(D, 0, sizeof *D);
    D->R = R;
    D->name = name;
    D->src = src;
    D->srclen = len;
}

void diag_free(diags *D)
{
    buf_free(D->R, &D->out);
    buf_free(D->R, &D->text);
}

void diag_position(const char *src, size_t len, uint32_t pos, int *line, int *col)
{
    if (pos > len) pos = (uint32_t)len;
    int ln = 1;
    size_t ls = 0;
    for (size_t i = 0; i < pos; i++)
        if (src[i] == '\n') { ln++; ls = i + 1; }
    *line = ln;
    *col = (int)utf8_count(src + ls, pos - ls) + 1;
}

bool diag_format(jrt *R, jbuf *out, const char *name, const char *src, size_t len, uint32_t pos,
                 const char *msg, size_t msglen)
{
    int line, col;
    if (pos > len) pos = (uint32_t)len;
    diag_position(src, len, pos, &line, &col);
    size_t ls = pos, le = pos;
    while (ls > 0 && src[ls - 1] != '\n') ls--;
    while (le < len && src[le] != '\n' && src[le] != 0) le++; /* the lexer's sentinel may stand in a final newline */
    if (le > ls && src[le - 1] == '\r') le--;
    bool ok = buf_printf(R, out, "%s:%d:%d: ", name, line, col) && buf_put(R, out, msg, msglen) &&
              buf_putc(R, out, '\n');
    /* the source line, then a caret; tabs are kept so the caret lines up */
    const size_t maxline = 240;
    size_t shown = le - ls;
    if (shown > maxline) shown = maxline;
    ok = ok && buf_put(R, out, src + ls, shown) && buf_putc(R, out, '\n');
    for (size_t i = ls; ok && i < pos && i < ls + shown; i++) {
        if (((unsigned char)src[i] & 0xC0) == 0x80) continue;
        ok = buf_putc(R, out, src[i] == '\t' ? '\t' : ' ');
    }
    return ok && buf_put(R, out, "^\n", 2);
}

void diag_error(diags *D, jinn_error_kind kind, uint32_t pos, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t mlen = (size_t)n < sizeof small ? (size_t)n : sizeof small - 1;
    if (D->count == 0) {
        D->kind = kind;
        D->pos = pos;
        buf_put(D->R, &D->text, small, mlen);
    }
    D->count++;
    diag_format(D->R, &D->out, D->name, D->src, D->srclen, pos, small, mlen);
}
