/*
 * options.c — the one option parser (getopt_long over the rows of CLI_OPTIONS a command
 * takes) and the engine options every rendering command shares.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

static const struct opt_row {
    const char *name; /* as written: "--seed", "-D" */
    char shrt;
    const char *arg;
} rows[OPT__COUNT] = {
#define X(id, name, shrt, arg, compl, help) {name, shrt, arg},
    CLI_OPTIONS(X)
#undef X
};

const char *opt_name(int id) { return rows[id].name; }

int opt_usage(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "jinn %s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(run 'jinn help %s' for usage)\n", cmd->name);
    return 2;
}

int opt_parse(const cli_command *cmd, int argc, char **argv, opt_fn fn, void *ctx)
{
    struct option longopts[OPT__COUNT + 1];
    char shortopts[3 * OPT__COUNT + 3] = "-:"; /* "-": arguments in order as 1; ":": missing args */
    int nlong = 0;
    size_t ns = 2;
    for (int id = 0; id < OPT__COUNT; id++) {
        if (!(cmd->options & ((uint64_t)1 << id))) continue;
        if (rows[id].name[1] == '-')
            longopts[nlong++] = (struct option){rows[id].name + 2, rows[id].arg ? required_argument : no_argument, NULL, 256 + id};
        if (rows[id].shrt) {
            shortopts[ns++] = rows[id].shrt;
            if (rows[id].arg) shortopts[ns++] = ':';
        }
    }
    longopts[nlong] = (struct option){NULL, 0, NULL, 0};
    shortopts[ns] = 0;
    /* getopt wants the program's name first; ours is the command's */
    char **av = malloc(((size_t)argc + 2) * sizeof *av);
    if (!av) { fprintf(stderr, "jinn: out of memory\n"); return 1; }
    av[0] = (char *)cmd->name;
    for (int i = 0; i < argc; i++) av[i + 1] = argv[i];
    av[argc + 1] = NULL;
    opterr = 0;
    optind = 0; /* re-initialise: a REPL or a test may parse more than once */
    int status = 0, c, longi;
    while (!status && (c = getopt_long(argc + 1, av, shortopts, longopts, &longi)) != -1) {
        if (c == 1) { status = fn(ctx, OPT_ARG, optarg); continue; }
        if (c == ':' || c == '?') {
            /* optopt: the option's val (256 + id for a long one), its letter, or 0 (unknown long) */
            char shortname[3] = {'-', (char)optopt, 0};
            const char *what = optopt >= 256 ? opt_name(optopt - 256) : optopt ? shortname : av[optind - 1];
            if (c == ':') status = opt_usage(cmd, "%s needs an argument", what);
            else status = opt_usage(cmd, "unknown option '%s'", what);
            continue;
        }
        int id = -1;
        if (c >= 256) id = c - 256;
        else
            for (int k = 0; k < OPT__COUNT && id < 0; k++)
                if (rows[k].shrt == c && (cmd->options & ((uint64_t)1 << k))) id = k;
        if (id == OPT_HELP) { cli_print_help(stdout, cmd); free(av); exit(0); }
        status = fn(ctx, id, rows[id].arg ? optarg : NULL);
    }
    /* arguments after "--" */
    for (int i = optind; !status && i < argc + 1; i++) status = fn(ctx, OPT_ARG, av[i]);
    free(av);
    return status;
}

int opt_uint(const cli_command *cmd, int id, const char *arg, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || *end || !*arg || arg[0] == '-') return opt_usage(cmd, "%s %s: expected a non-negative integer", opt_name(id), arg);
    *out = v;
    return 0;
}

void opt_engine_init(opt_engine *e)
{
    memset(e, 0, sizeof *e);
    jinn_config_init(&e->cfg);
}

int opt_profile(const char *arg, jinn_config *cfg, char *err, size_t cap)
{
    uint32_t bits = JINN_JV_NONE;
    if (!strcmp(arg, "jinja")) { cfg->profile = JINN_PROFILE_JINJA; cfg->jinjava_options = bits; return 0; }
    if (strncmp(arg, "jinjava", 7) || (arg[7] && arg[7] != ':')) {
        snprintf(err, cap, "expected jinja or jinjava (or jinjava:SWITCHES)");
        return -1;
    }
    if (arg[7] && jinn_jinjava_options_parse(arg + 8, &bits, err, cap) != JINN_OK) return -1;
    cfg->profile = JINN_PROFILE_JINJAVA;
    cfg->jinjava_options = bits;
    return 0;
}

int opt_engine_apply(opt_engine *e, const cli_command *cmd, int id, const char *arg)
{
    jinn_config *cfg = &e->cfg;
    switch (id) {
    case OPT_TRIM_BLOCKS: cfg->trim_blocks = 1; return 0;
    case OPT_LSTRIP_BLOCKS: cfg->lstrip_blocks = 1; return 0;
    case OPT_KEEP_TRAILING_NEWLINE: cfg->keep_trailing_newline = 1; return 0;
    case OPT_AUTOESCAPE: cfg->autoescape = 1; return 0;
    case OPT_STRICT_PROVIDERS: cfg->strict_providers = 1; return 0;
    case OPT_SEED: return opt_uint(cmd, id, arg, &e->seed);
    case OPT_PROFILE:
    {
        char m[256];
        if (opt_profile(arg, cfg, m, sizeof m)) return opt_usage(cmd, "--profile %s: %s", arg, m);
        return 0;
    }
    case OPT_UNDEFINED:
        if (!strcmp(arg, "default")) cfg->undefined = JINN_UNDEFINED_DEFAULT;
        else if (!strcmp(arg, "lenient")) cfg->undefined = JINN_UNDEFINED_LENIENT;
        else if (!strcmp(arg, "strict")) cfg->undefined = JINN_UNDEFINED_STRICT;
        else if (!strcmp(arg, "chainable")) cfg->undefined = JINN_UNDEFINED_CHAINABLE;
        else if (!strcmp(arg, "debug")) cfg->undefined = JINN_UNDEFINED_DEBUG;
        else return opt_usage(cmd, "--undefined %s: expected default, chainable, debug, strict or lenient", arg);
        return 0;
    case OPT_LIMIT: {
        const char *eq = strchr(arg, '=');
        char *end;
        errno = 0;
        unsigned long long v = eq ? strtoull(eq + 1, &end, 10) : 0;
        if (!eq || errno || *end || !eq[1] || eq[1] == '-')
            return opt_usage(cmd, "--limit %s: expected NAME=NUMBER (see 'jinn limits')", arg);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
        if (jinn_limits_set(&cfg->limits, name, v) != JINN_OK)
            return opt_usage(cmd, "--limit: unknown limit '%s' (see 'jinn limits')", name);
        return 0;
    }
    case OPT_SYNTAX: {
        char (*s)[64] = e->syntax;
        if (sscanf(arg, "%63s %63s %63s %63s %63s %63s", s[0], s[1], s[2], s[3], s[4], s[5]) != 6)
            return opt_usage(cmd, "--syntax '%s': expected six delimiters: BLOCK_START BLOCK_END VARIABLE_START VARIABLE_END COMMENT_START COMMENT_END", arg);
        cfg->block_start = s[0]; cfg->block_end = s[1];
        cfg->variable_start = s[2]; cfg->variable_end = s[3];
        cfg->comment_start = s[4]; cfg->comment_end = s[5];
        return 0;
    }
    case OPT_LINE_STATEMENT_PREFIX: cfg->line_statement_prefix = arg; return 0;
    case OPT_LINE_COMMENT_PREFIX: cfg->line_comment_prefix = arg; return 0;
    }
    return opt_usage(cmd, "%s is not an engine option", opt_name(id));
}
