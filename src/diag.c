/*
 * diag.c — formatting diagnostics with the offending source line and a caret under it, and
 * as records and one JSON shape (docs/diagnostics.md).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "json.h"

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
    if (D->recs) rt_alloc(D->R, D->recs, (size_t)D->caprecs * sizeof *D->recs, 0);
    D->recs = NULL;
    buf_free(D->R, &D->rec_text);
    buf_free(D->R, &D->out);
    buf_free(D->R, &D->text);
    buf_free(D->R, &D->json_out);
}

static const char *const kind_names[] = {"none", "syntax", "undefined", "type", "value", "limit", "provider", "io", "lint"};

const char *diag_kind_name(jinn_error_kind kind, jinn_severity sev)
{
    if (kind == JINN_ERR_NONE) return sev == JINN_SEVERITY_WARNING ? "warning" : "error";
    return (unsigned)kind < sizeof kind_names / sizeof *kind_names ? kind_names[kind] : "error";
}

/* {"file":..,"range":{"start":{"line":L-1,"character":C-1},"end":{..}},"severity":1|2,
 *  "code":kind,"source":"jinn","message":..,"line":L,"column":C,"endColumn":E}
 * LSP counts lines and characters from 0; line, column and endColumn are the same position
 * counted from 1 as the text diagnostics do (0: unknown, then the range is 0:0-0:0). */
bool diag_json(jrt *R, jbuf *out, const jinn_diagnostic *d)
{
    int l0 = d->line > 0 ? d->line - 1 : 0, c0 = d->column > 0 ? d->column - 1 : 0;
    int e0 = d->end_column > 0 ? d->end_column - 1 : d->column > 0 ? c0 + 1 : 0;
    json_t *o = json_pack("{s:s, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:i, s:s, s:s, s:s%, s:i, s:i, s:i}",
                          "file", d->name ? d->name : "",
                          "range", "start", "line", l0, "character", c0, "end", "line", l0, "character", e0,
                          "severity", (int)d->severity,
                          "code", diag_kind_name(d->kind, d->severity),
                          "source", "jinn",
                          "message", d->message ? d->message : "", d->message ? strlen(d->message) : (size_t)0,
                          "line", d->line > 0 ? d->line : 0, "column", d->column > 0 ? d->column : 0,
                          "endColumn", d->end_column > 0 ? d->end_column : 0);
    if (!o) return rt_error(R, JINN_ERR_LIMIT, "out of memory");
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text) return rt_error(R, JINN_ERR_LIMIT, "out of memory");
    bool ok = buf_puts(R, out, text) && buf_putc(R, out, '\n');
    free(text);
    return ok;
}

static void record(diags *D, jinn_severity sev, jinn_error_kind kind, uint32_t pos, uint32_t len, const char *msg, size_t mlen)
{
    jrt *R = D->R;
    if (D->nrecs == D->caprecs) {
        int cap = D->caprecs ? D->caprecs * 2 : 8;
        diag_rec *n = rt_alloc(R, D->recs, (size_t)D->caprecs * sizeof *n, (size_t)cap * sizeof *n);
        if (!n) return;
        D->recs = n;
        D->caprecs = cap;
    }
    size_t off = D->rec_text.len;
    if (!buf_put(R, &D->rec_text, msg, mlen)) return;
    D->recs[D->nrecs++] = (diag_rec){pos, len, sev, kind, off, mlen};
}

/* one JSON line for a diagnostic at pos (len bytes) of the source */
static void json_line(diags *D, jinn_severity severity, jinn_error_kind kind, uint32_t pos, uint32_t len,
                      const char *msg, size_t mlen)
{
    jrt *R = D->R;
    int line, col, eline, ecol;
    diag_position(D->src, D->srclen, pos, &line, &col);
    diag_position(D->src, D->srclen, pos + (len ? len : 1), &eline, &ecol);
    if (eline != line) ecol = col + 1;
    char *m = rt_alloc(R, NULL, 0, mlen + 1);
    if (!m) return;
    memcpy(m, msg, mlen);
    m[mlen] = 0;
    jinn_diagnostic d = {severity, kind, D->name, line, col, ecol, m};
    diag_json(R, &D->json_out, &d);
    rt_alloc(R, m, mlen + 1, 0);
}

/* a diagnostic's message into buf, cut to whole code points if it does not fit */
static bool format_message(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n < 0) return false;
    size_t m = (size_t)n < cap ? (size_t)n : cap - 1;
    if ((size_t)n >= cap && m) {
        /* vsnprintf cut it: drop the last code point if it lost bytes */
        size_t j = m - 1;
        while (j && ((unsigned char)buf[j] & 0xC0) == 0x80) j--;
        unsigned char lead = (unsigned char)buf[j];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (j + need > m) m = j;
    }
    *len = m;
    return true;
}

void diag_warn(diags *D, uint32_t pos, uint32_t len, const char *fmt, ...)
{
    char small[512], full[530];
    va_list ap;
    va_start(ap, fmt);
    size_t mlen;
    bool ok = format_message(small, sizeof small, &mlen, fmt, ap);
    va_end(ap);
    if (!ok) return;
    D->nwarn++;
    int fl = snprintf(full, sizeof full, "warning: %.*s", (int)mlen, small);
    diag_format(D->R, &D->out, D->name, D->src, D->srclen, pos, full, (size_t)fl < sizeof full ? (size_t)fl : sizeof full - 1);
    record(D, JINN_SEVERITY_WARNING, JINN_ERR_LINT, pos, len, small, mlen);
    if (D->json) json_line(D, JINN_SEVERITY_WARNING, JINN_ERR_LINT, pos, len, small, mlen);
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
    /* the source line, then a caret; tabs are kept so the caret lines up. A long line is
     * shown as a window around the column, cut at code point boundaries. */
    const size_t maxline = 240;
    size_t from = ls, to = le;
    bool cut_left = false, cut_right = false;
    if (pos - ls > maxline - 40) {
        from = pos - (maxline / 2);
        while (from < pos && ((unsigned char)src[from] & 0xC0) == 0x80) from++;
        cut_left = true;
    }
    if (to - from > maxline) {
        to = from + maxline;
        if (to < pos) to = pos;
        while (to > pos && to < le && ((unsigned char)src[to] & 0xC0) == 0x80) to--;
        cut_right = true;
    }
    ok = ok && (!cut_left || buf_put(R, out, "...", 3)) && buf_put(R, out, src + from, to - from) &&
         (!cut_right || buf_put(R, out, "...", 3)) && buf_putc(R, out, '\n');
    if (cut_left) ok = ok && buf_put(R, out, "   ", 3);
    for (size_t i = from; ok && i < pos && i < to; i++) {
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
    size_t mlen;
    bool ok = format_message(small, sizeof small, &mlen, fmt, ap);
    va_end(ap);
    if (!ok) return;
    if (D->count == 0) {
        D->kind = kind;
        D->pos = pos;
        buf_put(D->R, &D->text, small, mlen);
    }
    D->count++;
    diag_format(D->R, &D->out, D->name, D->src, D->srclen, pos, small, mlen);
    record(D, JINN_SEVERITY_ERROR, kind, pos, 0, small, mlen);
    if (D->json) json_line(D, JINN_SEVERITY_ERROR, kind, pos, 0, small, mlen);
}
