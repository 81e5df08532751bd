/*
 * loader.h — templates by name: the env's search path, in-memory sources and the cache of
 * compiled templates, for include / import / extends (prefix loader_).
 */
#ifndef JINN_LOADER_H
#define JINN_LOADER_H

#include "compile.h"
#include "env.h"

/* Load and compile the template `name` for an include/import at pos of the template being
 * compiled (diagnostics go to D). NULL when it is missing (missing set) or failed (reported). */
template *loader_load(env *E, const char *name, size_t len, diags *D, uint32_t pos, bool *missing);
void loader_release(env *E, template *t);
/* At render time, on any thread: the template a dynamic include, import or extends names (a
 * string, or a list of them: the first that exists), loaded and compiled under the env's
 * loader lock and cached. NULL with the error in R; NULL and *skipped when none exists and
 * ignore_missing. */
const template *loader_runtime(env *E, jrt *R, value name, bool ignore_missing, bool *skipped);
void loader_free(env *E);

#endif
