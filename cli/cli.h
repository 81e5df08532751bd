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
int cli_batch(const struct cli_command *cmd, int argc, char **argv);    /* batch.c */
/* jinn builtins --profile jinjava: Jinjava 2.8's registries against jinn's builtins (the
 * jinn_builtins_json text); returns how many jinn lacks, -1 on bad JSON (jinjava_names.c) */
int cli_builtins_jinjava(const char *json, size_t len, bool as_json);
/* the attributes (JSON text, malloc'd) of customer id in the SQLite event store at path; NULL
 * and a message in err when it cannot be read or there is no such customer (batch.c) */
char *cli_customer_attributes(const char *path, const char *id, char *err, size_t errcap);

/* A growable NUL-terminated byte buffer; allocation failure exits (a CLI has nothing better
 * to do). */
typedef struct { char *p; size_t len, cap; } cli_buf;
void cli_put(cli_buf *b, const char *s, size_t n);
void cli_puts(cli_buf *b, const char *s);
void cli_json_string(cli_buf *b, const char *s); /* s as a quoted, escaped JSON string */

/* read a whole file ("-" = stdin); NULL and the failure in err (for --errors json) */
char *cli_read_text(const char *path, size_t *len, size_t max, const char *limit, char *err, size_t errsize);

/* The context from the command line (context.c): --context files, JSON or YAML, and -D
 * definitions merged into one JSON object (a jansson json_t), a later key winning. */
typedef struct {
    char file[512];
    int line, column;   /* in that file, 1-based; 0: no position */
    char message[600];
    bool io;            /* the file could not be read */
} cli_ctx_error;
struct json_t;
/* .json, .yaml and .yml files are what their extension says; others (and stdin) are format:
 * "json", "yaml", or NULL (JSON). 0, or 2 and err. */
int cli_context_file(struct json_t *into, const char *path, const char *format, size_t max, cli_ctx_error *err);
/* -D name=value (a string) or -D name:=json. 0, or 2 and err. */
int cli_context_define(struct json_t *into, const char *def, cli_ctx_error *err);
/* a diagnostic as the one JSON line of docs/diagnostics.md, on f (main.c) */
void cli_print_json_diag(FILE *f, const jinn_diagnostic *d);

/* Colours for diagnostics: only when f is a terminal and NO_COLOR is unset or empty
 * (https://no-color.org). The plain text is the same either way. */
bool cli_color(FILE *f);
/* Print a diagnostic text (one or more "name:line:col: message", source line, caret line
 * groups) to f, colouring the location bold and the caret red when cli_color(f). */
void cli_print_diag(FILE *f, const char *msg);
/* Print "NAME: warning: TEXT" for each line of a newline-separated warnings text. */
/* Print one warning record: "NAME:LINE:COL: warning: TEXT" ("NAME: warning: TEXT" without a
 * position). */
void cli_print_warning(FILE *f, const jinn_diagnostic *d);
void cli_print_warnings(FILE *f, const char *name, const char *warnings);

#endif
