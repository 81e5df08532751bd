/*
 * json.h — JSON text to values and back (src/json.c, on jansson for parsing).
 */
#ifndef JINN_JSON_H
#define JINN_JSON_H

#include "value.h"

value json_to_value(jrt *R, const char *text, size_t len, const char *what);
/* the same; when the text is not JSON, *line and *col (if not NULL) get the error's position */
value json_to_value_at(jrt *R, const char *text, size_t len, const char *what, int *line, int *col);
bool value_to_json(jrt *R, jbuf *b, value v, int indent, bool html_safe);

#endif
