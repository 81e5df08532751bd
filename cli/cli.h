/*
 * cli.h — what the CLI's files share. The CLI uses only the public API (include/jinn.h).
 */
#ifndef JINN_CLI_H
#define JINN_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "jinn.h"

/* read a whole file ("-" = stdin); NULL + message on stderr on failure */
char *cli_read_file(const char *path, size_t *len);
int cli_test(int argc, char **argv); /* jinn test PATH... [--update] */

#endif
