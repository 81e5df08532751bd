/* jinn_bench: the jinn driver for the shared peer benchmark (../shared/bench).
 *
 *   jinn_bench [--iters N] WORKLOADS_DIR OUT_DIR [W1 W2 W3 ...]
 *
 * Does what the peer drivers (e.g. ../shared/bench/drivers/jinja2_bench.py) do:
 *   W1  compile W1.jinja once (autoescape off), build the context once from W1.json,
 *       render in a loop into one reused jinn_buf.
 *   W2  the same with W2.jinja / W2.json on an env with autoescape on.
 *   W3  compile W3.jinja from source on every iteration (and free it), on the
 *       autoescape env as Jinja2's driver does; the output written for W3 is one
 *       render of that template with W3.json.
 *   W4  (bench/workloads) the 12-channel score W4.jinja / W4.json, autoescape off.
 *   W5  the same W4.jinja / W4.json under the jinjava profile (autoescape off).
 *   W6  (bench/workloads) W6.jinja / W6.json: the campaign modules, autoescape off.
 * Timing: calibrate (double a batch until it takes >= 50 ms), then BENCH_REPS (11)
 * batches of BENCH_REP_SEC (0.25) seconds; prints
 *   RESULT\t<engine>\t<W>\t<median_ns>\t<min_ns>\t<reps>\t<iters>\t<out_bytes>
 * with <engine> from ENGINE_NAME (default "jinn"), and writes OUT_DIR/<engine>.<W>.txt.
 *
 * --iters N (or env BENCH_FIXED_ITERS=N, as callgrind_peers.sh sets for the peers):
 * no calibration and no timing; after the one render that produces the output file,
 * run exactly N iterations of each workload and print FIXED\t<engine>\t<W>\t<N>.
 * Used by bench/callgrind.sh for (Ir(N) - Ir(0)) / N.
 *
 * Uses only the public API (include/jinn.h). Any jinn error: message to stderr, exit 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "jinn.h"

/* ------------------------------------------------------------------ helpers */

static const char *g_engine = "jinn";
static int g_reps = 11;
static double g_rep_sec = 0.25;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void die(const char *fmt, const char *arg) {
    fprintf(stderr, "jinn_bench: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

/* Report a failed jinn call: the result message (or the bare status) to stderr, exit 1. */
static void jinn_fail(jinn_env *env, const char *what, jinn_status st, jinn_result *res) {
    fprintf(stderr, "jinn_bench: %s failed (status %d)", what, (int)st);
    if (res && res->message)
        fprintf(stderr, ":\n%s\n", res->message);
    else if (res && res->text)
        fprintf(stderr, ": %s\n", res->text);
    else
        fputc('\n', stderr);
    if (res && env) jinn_result_clear(env, res);
    exit(1);
}

static char *read_file(const char *dir, const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0) die("cannot seek %s", path);
    long n = ftell(f);
    if (n < 0) die("cannot size %s", path);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    if (!buf) die("out of memory reading %s", path);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) die("cannot read %s", path);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static void write_out(const char *odir, const char *w, const char *data, size_t len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s.txt", odir, g_engine, w);
    FILE *f = fopen(path, "wb");
    if (!f) die("cannot write %s", path);
    if (len && fwrite(data, 1, len, f) != len) die("cannot write %s", path);
    if (fclose(f) != 0) die("cannot write %s", path);
}

/* ------------------------------------------------------------------ workloads */

typedef struct {
    jinn_env *env;
    const jinn_template *t;     /* W1/W2: the compiled template */
    jinn_render_opts opts;
    jinn_buf *out;              /* reused across renders */
    const char *src;            /* W3: the source compiled each iteration */
    size_t src_len;
    jinn_result res;
} job;

static void render_once(job *j) {
    j->out->len = 0; /* start each render on an empty (but allocated) buffer */
    jinn_status st = jinn_render(j->t, &j->opts, j->out, &j->res);
    if (st != JINN_OK) jinn_fail(j->env, "jinn_render", st, &j->res);
    if (j->res.warnings || j->res.message) jinn_result_clear(j->env, &j->res);
}

static void compile_once(job *j) {
    jinn_template *t = NULL;
    jinn_status st = jinn_compile(j->env, "W3", j->src, j->src_len, &t, &j->res);
    if (st != JINN_OK) jinn_fail(j->env, "jinn_compile(W3.jinja)", st, &j->res);
    if (j->res.warnings || j->res.message) jinn_result_clear(j->env, &j->res);
    jinn_template_free(t);
}

/* Run fn(j) in batches; print the RESULT line (same protocol as the peer drivers). */
static void bench(const char *w, void (*fn)(job *), job *j, size_t out_bytes) {
    uint64_t n = 1;
    double dt;
    for (;;) { /* warm-up + calibration: double until one batch takes >= 50 ms */
        double t0 = now_ns();
        for (uint64_t i = 0; i < n; i++) fn(j);
        dt = now_ns() - t0;
        if (dt >= 50e6) break;
        n *= 2;
    }
    uint64_t iters = (uint64_t)((double)n * g_rep_sec * 1e9 / dt);
    if (iters < 1) iters = 1;
    int reps = g_reps < 1 ? 1 : g_reps;
    double *s = malloc(sizeof *s * (size_t)reps);
    if (!s) die("%s", "out of memory");
    for (int r = 0; r < reps; r++) {
        double t0 = now_ns();
        for (uint64_t i = 0; i < iters; i++) fn(j);
        s[r] = (now_ns() - t0) / (double)iters;
    }
    qsort(s, (size_t)reps, sizeof s[0], cmp_d);
    double med = (s[(reps - 1) / 2] + s[reps / 2]) / 2;
    printf("RESULT\t%s\t%s\t%.1f\t%.1f\t%d\t%llu\t%zu\n", g_engine, w, med, s[0], reps,
           (unsigned long long)iters, out_bytes);
    fflush(stdout);
    free(s);
}

static void usage(void) {
    fprintf(stderr, "usage: jinn_bench [--iters N] WORKLOADS_DIR OUT_DIR [W1 W2 W3 W4 W5 W6 ...]\n");
    exit(2);
}

int main(int argc, char **argv) {
    long long fixed = -1; /* >= 0: fixed iteration count (no timing) */
    const char *pos[64];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iters") == 0) {
            if (i + 1 >= argc) usage();
            char *end;
            fixed = strtoll(argv[++i], &end, 10);
            if (*end || fixed < 0) usage();
        } else if (strncmp(argv[i], "--iters=", 8) == 0) {
            char *end;
            fixed = strtoll(argv[i] + 8, &end, 10);
            if (*end || fixed < 0) usage();
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage();
        } else if (npos < 64) {
            pos[npos++] = argv[i];
        }
    }
    if (npos < 2) usage();
    if (fixed < 0 && getenv("BENCH_FIXED_ITERS") && *getenv("BENCH_FIXED_ITERS"))
        fixed = strtoll(getenv("BENCH_FIXED_ITERS"), NULL, 10);
    const char *wdir = pos[0], *odir = pos[1];
    static const char *dflt[] = {"W1", "W2", "W3"};
    const char **which = npos > 2 ? pos + 2 : dflt;
    int nwhich = npos > 2 ? npos - 2 : 3;

    if (getenv("ENGINE_NAME") && *getenv("ENGINE_NAME")) g_engine = getenv("ENGINE_NAME");
    if (getenv("BENCH_REPS") && *getenv("BENCH_REPS")) g_reps = atoi(getenv("BENCH_REPS"));
    if (getenv("BENCH_REP_SEC") && *getenv("BENCH_REP_SEC")) g_rep_sec = atof(getenv("BENCH_REP_SEC"));
    if (mkdir(odir, 0777) != 0 && errno != EEXIST) die("cannot create %s", odir);

    /* Two envs, as Jinja2's driver: txt_env (autoescape off) for W1, html_env (on) for W2/W3. */
    jinn_config cfg;
    jinn_config_init(&cfg);
    cfg.autoescape = 0;
    jinn_env *txt_env = jinn_env_new(&cfg);
    jinn_config_init(&cfg);
    cfg.autoescape = 1;
    jinn_env *html_env = jinn_env_new(&cfg);
    jinn_config_init(&cfg);
    cfg.autoescape = 0;
    cfg.profile = JINN_PROFILE_JINJAVA;
    jinn_env *jj_env = jinn_env_new(&cfg); /* W5 */
    if (!txt_env || !html_env || !jj_env) die("%s", "jinn_env_new failed");

    printf("# %s: jinn %s (%s)\n", g_engine, JINN_VERSION,
           fixed >= 0 ? "fixed iterations" : "timed");
    fflush(stdout);

    for (int k = 0; k < nwhich; k++) {
        const char *w = which[k];
        int is_w3 = strcmp(w, "W3") == 0;
        int is_w5 = strcmp(w, "W5") == 0;
        if (!is_w3 && !is_w5 && strcmp(w, "W1") != 0 && strcmp(w, "W2") != 0 &&
            strcmp(w, "W4") != 0 && strcmp(w, "W6") != 0)
            die("unknown workload %s", w);
        jinn_env *env = is_w5 ? jj_env : strcmp(w, "W2") == 0 || is_w3 ? html_env : txt_env;

        char tname[16], cname[16];
        const char *file = is_w5 ? "W4" : w; /* W5 is W4's script under the jinjava profile */
        snprintf(tname, sizeof tname, "%s.jinja", file);
        snprintf(cname, sizeof cname, "%s.json", file);
        size_t src_len, json_len;
        char *src = read_file(wdir, tname, &src_len);
        char *json = read_file(wdir, cname, &json_len);

        job j;
        memset(&j, 0, sizeof j);
        j.env = env;
        j.src = src;
        j.src_len = src_len;

        jinn_template *t = NULL;
        jinn_status st = jinn_compile(env, w, src, src_len, &t, &j.res);
        if (st != JINN_OK) jinn_fail(env, "jinn_compile", st, &j.res);
        if (j.res.warnings || j.res.message) jinn_result_clear(env, &j.res);
        jinn_context *ctx = NULL;
        st = jinn_context_from_json(env, json, json_len, &ctx, &j.res);
        if (st != JINN_OK) jinn_fail(env, "jinn_context_from_json", st, &j.res);
        if (j.res.warnings || j.res.message) jinn_result_clear(env, &j.res);

        jinn_buf out = {0};
        j.t = t;
        j.opts.context = ctx;
        j.opts.seed = 0;
        j.out = &out;

        /* the one render whose output is checked against Jinja2's (W3: with W3.json) */
        render_once(&j);
        size_t out_bytes = out.len;
        write_out(odir, w, out.data ? out.data : "", out.len);

        void (*fn)(job *) = is_w3 ? compile_once : render_once;
        if (fixed >= 0) {
            for (long long i = 0; i < fixed; i++) fn(&j);
            printf("FIXED\t%s\t%s\t%lld\n", g_engine, w, fixed);
            fflush(stdout);
        } else {
            bench(w, fn, &j, out_bytes);
        }

        jinn_buf_free(env, &out);
        jinn_context_free(ctx);
        jinn_template_free(t);
        free(src);
        free(json);
    }
    jinn_env_free(txt_env);
    jinn_env_free(html_env);
    jinn_env_free(jj_env);
    return 0;
}
