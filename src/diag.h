/*
 * diag.h — diagnostics: "name:line:col: message", the source line, a caret.
 * Positions travel through the compiler as byte offsets; they become line and column
 * (1-based, columns in code points) only here, when something is reported.
 */
#ifndef JINN_DIAG_H
#define JINN_DIAG_H

#include "value.h"

typedef struct diags {
    jrt *R;
    const char *name, *src;
    size_t srclen;
    jbuf out;                 /* every diagnostic, formatted, in order */
    int count;
    jinn_error_kind kind;     /* of the first */
    uint32_t pos;             /* of the first */
    jbuf text;                /* bare message of the first */
    int incomplete;           /* the input ended inside a construct (see jinn_result) */
    int nwarn;                /* warnings (jinn check's lint) */
    int json;                 /* also write each diagnostic as a JSON line into json_out */
    jbuf json_out;
    struct diag_rec *recs;    /* every diagnostic as a record, in order (jinn check sorts them) */
    int nrecs, caprecs;
    int parse_recs;           /* how many of them the parser made (the rest: the compiler) */
    jbuf rec_text;            /* their messages */
} diags;

typedef struct diag_rec {
    uint32_t pos, len;        /* byte offset and length (0: unknown) in the source */
    jinn_severity severity;
    jinn_error_kind kind;
    size_t msg_off, msg_len;  /* in rec_text */
} diag_rec;

/* d as one JSON line (docs/diagnostics.md), built with jansson, appended to out */
bool diag_json(jrt *R, jbuf *out, const jinn_diagnostic *d);
/* the name of a kind in the JSON's "code" ("syntax", ...; a warning of no kind: "warning") */
const char *diag_kind_name(jinn_error_kind kind, jinn_severity sev);

void diag_init(diags *D, jrt *R, const char *name, const char *src, size_t len);
void diag_free(diags *D);
void diag_error(diags *D, jinn_error_kind kind, uint32_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_warn(diags *D, uint32_t pos, uint32_t len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_position(const char *src, size_t len, uint32_t pos, int *line, int *col);
/* Append one formatted diagnostic to out. */
bool diag_format(jrt *R, jbuf *out, const char *name, const char *src, size_t len, uint32_t pos,
                 const char *msg, size_t msglen);

#endif
