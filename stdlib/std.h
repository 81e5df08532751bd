/*
 * std.h — what the stdlib hands the engine: its table of builtins of each kind.
 *
 * This is the one place the engine learns of the stdlib's C rows (src/registry.c copies them
 * into an environment's registry at jinn_env_new); nothing in src/ names a table. Each table
 * ends with a row whose name is NULL.
 */
#ifndef JINN_STD_H
#define JINN_STD_H

#include "builtins.h"

const jbuiltin *std_table(bi_kind kind);
/* the BI_* flags of a row of table kind (builtins.h) */
unsigned std_row_flags(bi_kind kind, const jbuiltin *b);
/* the printed text of a row of table kind (jtext_fn, builtins.h), or NULL */
jtext_fn std_row_text(bi_kind kind, const jbuiltin *b);

#endif
