/*
 * cli.h — what the CLI's files share. The CLI uses only the public API (include/jinn.h).
 */
#ifndef JINN_CLI_H
#define JINN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "jinn.h"

/* read a whole file ("-" = stdin); NULL + message on stderr on failure */
char *cli_read_file(const char *path, size_t *len);
/* the same, capped at max bytes: more is an error naming the limit (context_bytes, ...) */
char *cli_read_file_max(const char *path, size_t *len, size_t max, const char *limit);
/* include/import from a template file find its siblings: add the file's folder to env's
 * search path (nothing for "-", stdin) */
void cli_add_template_dir(jinn_env *env, const char *template_path);
/* the commands (a row of the command table each, cli/commands.c; argv: what follows the name) */
struct cli_command;
int cli_render(const struct cli_command *cmd, int argc, char **argv);   /* main.c */
int cli_disasm(const struct cli_command *cmd, int argc, char **argv);   /* main.c */
int cli_builtins(const struct cli_command *cmd, int argc, char **argv); /* main.c */
int cli_limits(const struct cli_command *cmd, int argc, char **argv);   /* main.c */
int cli_test(const struct cli_command *cmd, int argc, char **argv);     /* golden.c */
int cli_repl(const struct cli_command *cmd, int argc, char **argv);     /* repl.c */
int cli_check(const struct cli_command *cmd, int argc, char **argv);    /* check.c */
int cli_version(const struct cli_command *cmd, int argc, char **argv);  /* commands.c */
int cli_help(const struct cli_command *cmd, int argc, char **argv);     /* commands.c */
int cli_batch(int argc, char **argv); /* jinn batch TEMPLATE --providers sqlite:PATH ... (batch.c) */
/* the attributes (JSON text, malloc'd) of customer id in the SQLite event store at path; NULL
 * and a message in err when it cannot be read or there is no such customer (batch.c) */
char *cli_customer_attributes(const char *path, const char *id, char *err, size_t errcap);

/* A growable NUL-terminated byte buffer; allocation failure exits (a CLI has nothing better
 * to do). */
typedef struct { char *p; size_t len, cap; } cli_buf;
void cli_put(cli_buf *b, const char *s, size_t n);
void cli_puts(cli_buf *b, const char *s);
void cli_json_string(cli_buf *b, const char *s); /* s as a quoted, escaped JSON string */

/* Colours for diagnostics: only when f is a terminal and NO_COLOR is unset or empty
 * (https://no-color.org). The plain text is the same either way. */
bool cli_color(FILE *f);
/* Print a diagnostic text (one or more "name:line:col: message", source line, caret line
 * groups) to f, colouring the location bold and the caret red when cli_color(f). */
void cli_print_diag(FILE *f, const char *msg);
/* Print "NAME: warning: TEXT" for each line of a newline-separated warnings text. */
void cli_print_warnings(FILE *f, const char *name, const char *warnings);

#endif
