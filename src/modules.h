/*
 * modules.h — the stdlib modules written in the dialect (stdlib/modules/), compiled into the
 * library by tools/embed.c: `{% import "campaign/optimizer.jinja" as opt %}` finds them by
 * name after the embedder's own templates (src/loader.c).
 */
#ifndef JINN_MODULES_H
#define JINN_MODULES_H

#include <stddef.h>

struct stdlib_module {
    const char *name; /* e.g. "campaign/optimizer.jinja" */
    const char *src;
    size_t len;
};

/* the table, ended by a NULL name ($(BUILD)/modules.c) */
extern const struct stdlib_module stdlib_modules[];

#endif
