/*
 * check.c — `jinn check FILE... [--format text|json] [--profile jinja|jinjava]`: parse and
 * compile without rendering (with --profile jinjava, as the jinjava profile reads the
 * template: its unknown filters are warnings, not errors),
 * report every diagnostic (the parser recovers after a syntax error and goes on), lint
 * warnings included. Exit 0 when there is no error (warnings allowed), 1 when any file has
 * an error, 2 on a usage error or an unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_check(int argc, char **argv); /* dispatched from main.c */
int cli_check(int argc, char **argv)
{
    int json = 0, nfiles = 0;
    jinn_config cfg;
    jinn_config_init(&cfg);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (!strcmp(argv[i + 1], "json")) json = 1;
            else if (!strcmp(argv[i + 1], "text")) json = 0;
            else { fprintf(stderr, "jinn: check: --format %s: expected text or json\n", argv[i + 1]); return 2; }
            i++;
        } else if (!strncmp(argv[i], "--format=", 9)) {
            json = !strcmp(argv[i] + 9, "json");
            if (!json && strcmp(argv[i] + 9, "text")) { fprintf(stderr, "jinn: check: %s: expected text or json\n", argv[i]); return 2; }
        } else if (!strcmp(argv[i], "--profile") && i + 1 < argc) {
            if (!strcmp(argv[i + 1], "jinja")) cfg.profile = JINN_PROFILE_JINJA;
            else if (!strcmp(argv[i + 1], "jinjava")) cfg.profile = JINN_PROFILE_JINJAVA;
            else { fprintf(stderr, "jinn: check: --profile %s: expected jinja or jinjava\n", argv[i + 1]); return 2; }
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "jinn: check: unknown option '%s'\n(run 'jinn help check' for usage)\n", argv[i]);
            return 2;
        } else {
            nfiles++;
        }
    }
    if (!nfiles) { fprintf(stderr, "jinn: check: give one or more template files\n"); return 2; }
    int status = 0, total_e = 0, total_w = 0;
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) { if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "--profile")) i++; continue; }
        size_t len;
        char *src = cli_read_file(argv[i], &len);
        if (!src) { status = 2; continue; }
        /* one environment a file: its includes and imports are found beside it, as render does */
        jinn_env *env = jinn_env_new(&cfg);
        if (!env) { fprintf(stderr, "jinn: out of memory\n"); free(src); return 1; }
        cli_add_template_dir(env, argv[i]);
        jinn_buf out = {0};
        int e = 0, w = 0;
        const char *name = strcmp(argv[i], "-") ? argv[i] : "<stdin>";
        jinn_check(env, name, src, len, json, &out, &e, &w);
        if (out.len) fwrite(out.data, 1, out.len, json ? stdout : stderr);
        jinn_buf_free(env, &out);
        jinn_env_free(env);
        free(src);
        total_e += e;
        total_w += w;
        if (e && status == 0) status = 1;
    }
    if (!json) fprintf(stderr, "%d error%s, %d warning%s\n", total_e, total_e == 1 ? "" : "s", total_w, total_w == 1 ? "" : "s");
    return status;
}
