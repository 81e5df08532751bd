/*
 * vm.h — the virtual machine: run a compiled template (src/vm.c).
 */
#ifndef JINN_VM_H
#define JINN_VM_H

#include "compile.h"

/* Render T with the context ctx (an immortal dict, or NULL) into out. On failure the error is
 * in R, *err_pos and *err_tmpl say where. exports (or NULL) receives the top-level variables as
 * JSON (a REPL's state). */
bool vm_render(jrt *R, const template *T, const value *ctx, jbuf *out, uint32_t *err_pos, const template **err_tmpl,
               jbuf *exports);

#endif
