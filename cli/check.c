/*
 * check.c — `jinn check FILE... [--format text|json] [engine options]`: parse and compile without rendering,
 * report every diagnostic (the parser recovers after a syntax error and goes on), lint
 * warnings included. Exit 0 when there is no error (warnings allowed), 1 when any file has
 * an error, 2 on a usage error or an unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

typedef struct {
    const cli_command *cmd;
    opt_engine eng;
    int json;
    int migrate;            /* 0, or 1 + the profile migrated to */
    const char *files[1024];
    int nfiles;
} check_args;

static int check_option(void *ctx, int id, const char *arg)
{
    check_args *a = ctx;
    switch (id) {
    case OPT_FORMAT:
        if (!strcmp(arg, "json")) a->json = 1;
        else if (!strcmp(arg, "text")) a->json = 0;
        else return opt_usage(a->cmd, "--format %s: expected text or json", arg);
        return 0;
    case OPT_MIGRATE:
        /* the template is read in the dialect it comes from */
        if (!strcmp(arg, "jinjava:jinja")) { a->migrate = 1 + JINN_PROFILE_JINJA; a->eng.cfg.profile = JINN_PROFILE_JINJAVA; }
        else if (!strcmp(arg, "jinja:jinjava")) { a->migrate = 1 + JINN_PROFILE_JINJAVA; a->eng.cfg.profile = JINN_PROFILE_JINJA; }
        else return opt_usage(a->cmd, "--migrate %s: expected jinjava:jinja or jinja:jinjava", arg);
        return 0;
    case OPT_ARG:
        if (a->nfiles == 1024) return opt_usage(a->cmd, "%s", "too many files (1024 at most)");
        a->files[a->nfiles++] = arg;
        return 0;
    }
    return opt_engine_apply(&a->eng, a->cmd, id, arg);
}

int cli_check(const cli_command *cmd, int argc, char **argv)
{
    check_args a = {.cmd = cmd};
    opt_engine_init(&a.eng);
    int r = opt_parse(cmd, argc, argv, check_option, &a);
    if (r) return r;
    if (!a.nfiles) return opt_usage(cmd, "%s", "give one or more template files");
    int json = a.json;
    int status = 0, total_e = 0, total_w = 0, unread = 0;
    for (int i = 0; i < a.nfiles; i++) {
        const char *path = a.files[i];
        size_t len;
        char *src = cli_read_file(path, &len);
        if (!src) { status = 2; unread++; continue; }
        /* one environment a file: its includes and imports are found beside it, as render does */
        jinn_env *env = jinn_env_new(&a.eng.cfg);
        if (!env) { fprintf(stderr, "jinn: out of memory\n"); free(src); return 1; }
        cli_add_template_dir(env, path);
        jinn_buf out = {0};
        int e = 0, w = 0;
        const char *name = strcmp(path, "-") ? path : "<stdin>";
        if (a.migrate) jinn_check_migrate(env, name, src, len, (jinn_profile)(a.migrate - 1), json, &out, &e, &w);
        else jinn_check(env, name, src, len, json, &out, &e, &w);
        if (out.len) fwrite(out.data, 1, out.len, json ? stdout : stderr);
        jinn_buf_free(env, &out);
        jinn_env_free(env);
        free(src);
        total_e += e;
        total_w += w;
        if (e && status == 0) status = 1;
    }
    /* a file that could not be read is not a clean one: no "0 errors" line for it alone */
    if (!json && unread < a.nfiles)
        fprintf(stderr, "%d error%s, %d warning%s\n", total_e, total_e == 1 ? "" : "s", total_w, total_w == 1 ? "" : "s");
    return status;
}
