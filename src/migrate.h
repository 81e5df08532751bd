/*
 * migrate.h — the migration lint (`jinn check --migrate jinjava:jinja`, jinn_check_migrate):
 * every construct of a parsed template whose result differs between the jinja and the
 * jinjava profiles, reported as warnings with a rule code, both behaviours and a rewrite that
 * behaves the same in both.
 */
#ifndef JINN_MIGRATE_H
#define JINN_MIGRATE_H

#include "ast.h"

/* the direction of a migration (comp_template's check argument carries it in bits 2-3) */
enum { MIG_NONE = 0, MIG_TO_JINJA = 1, MIG_TO_JINJAVA = 2 };

/* Walk root (the AST of src, len bytes, as the compiler parsed it) and warn into D.
 * cfg gives the delimiters and keep_trailing_newline. False on allocation failure. */
bool mig_lint(jrt *R, diags *D, const node *root, const char *src, size_t len, const jinn_config *cfg, int dir);

#endif
