/*
 * examples/embed/embed.c — a small scoring service built on libjinn, through jinn.h alone.
 *
 * It reads customers from stdin, one a line:   ID EMAIL_SENDS EMAIL_CLICKS PUSH_SENDS PUSH_CLICKS
 * and prints, in input order, "ID<TAB>CHANNEL" — the channel the scoring template picks for the
 * customer. The template asks its numbers through insert tags; a C provider (version 2: it is
 * told the customer of each render) answers them from the service's own data:
 *   expression  email-ctr / push-ctr   the customer's click-through rate (0 under 5 sends)
 *   metric      email-base / push-base the channel's rate over all customers
 * The template is compiled once; renders run on THREADS threads at once, each customer with
 * its own context ({"customer": {"id": ...}}) and its own render options.
 *
 *   make -C examples/embed && printf 'a 10 3 8 1\nb 2 1 9 4\n' | examples/embed/embed
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jinn.h"

#define THREADS 2

static const char TEMPLATE[] =
    "{% set EMAIL = {'name': 'EMAIL', 'expression': 0, 'metric': 0} %}"
    "{% set PUSH = {'name': 'PUSH', 'expression': 0, 'metric': 0} %}"
    "{% expressionvar email-ctr %}{% do EMAIL.update({'expression': expression_result}) %}{% endexpressionvar %}"
    "{% metricsvar metric_id:email-base %}{% do EMAIL.update({'metric': metric_result}) %}{% endmetricsvar %}"
    "{% expressionvar push-ctr %}{% do PUSH.update({'expression': expression_result}) %}{% endexpressionvar %}"
    "{% metricsvar metric_id:push-base %}{% do PUSH.update({'metric': metric_result}) %}{% endmetricsvar %}"
    "{% set best = [] %}"
    "{% for c in [EMAIL, PUSH] %}{% if c.expression > c.metric %}{% do best.append(c) %}{% endif %}{% endfor %}"
    "{{ (best|sort(true, true, 'expression')|first).name if best else 'NONE' }}";

typedef struct {
    char id[64];
    long sends[2], clicks[2];
} customer;

/* The service's data: read-only once the renders start, so the provider needs no lock. */
typedef struct {
    customer *c;
    size_t n;
    char base[2][32]; /* the metrics, as JSON text */
} store;

/* Per-thread answer text: valid until the next lookup on this thread, which is enough since
 * jinn parses an answer before it asks anything else (see docs/providers.md). */
static __thread char answer[64];

static const customer *find(const store *s, const char *id, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->c[i].id) == len && !memcmp(s->c[i].id, id, len)) return &s->c[i];
    return NULL;
}

static int lookup2(void *user, const jinn_lookup *q, const char **json, size_t *json_len)
{
    const store *s = user;
    *json = NULL;
    int ch = q->id_len >= 5 && !memcmp(q->id, "email", 5) ? 0 : q->id_len >= 4 && !memcmp(q->id, "push", 4) ? 1 : -1;
    if (ch < 0) return JINN_ERROR; /* unknown id: none + a warning */
    if (q->kind == JINN_LOOKUP_METRIC) {
        *json = s->base[ch];
    } else if (q->kind == JINN_LOOKUP_EXPRESSION) {
        const customer *c = q->customer ? find(s, q->customer, q->customer_len) : NULL;
        if (!c) { *json = "no such customer"; *json_len = strlen(*json); return JINN_ERROR; }
        double ctr = c->sends[ch] >= 5 ? (double)c->clicks[ch] / (double)c->sends[ch] : 0.0;
        snprintf(answer, sizeof answer, "%.17g", ctr);
        *json = answer;
    } else {
        return JINN_ERROR;
    }
    *json_len = strlen(*json);
    return JINN_OK;
}

/* jinn_result_clear uses the env's bookkeeping: one thread at a time */
static pthread_mutex_t env_mu = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
    jinn_env *env;
    const jinn_template *t;
    const store *s;
    jinn_context **ctx;
    char **out;
    size_t from, step;
    int failures;
} job;

static void *render_some(void *p)
{
    job *j = p;
    jinn_buf out = {0};
    for (size_t i = j->from; i < j->s->n; i += j->step) {
        jinn_render_opts opts = {.context = j->ctx[i], .customer_id = j->s->c[i].id, .seed = i};
        jinn_result res;
        if (jinn_render(j->t, &opts, &out, &res) == JINN_OK) {
            j->out[i] = strdup(out.data ? out.data : "");
        } else {
            fprintf(stderr, "%s: %s", j->s->c[i].id, res.message ? res.message : "error\n");
            j->failures++;
        }
        if (res.message || res.warnings) {
            pthread_mutex_lock(&env_mu);
            jinn_result_clear(j->env, &res);
            pthread_mutex_unlock(&env_mu);
        }
    }
    free(out.data); /* the default allocator is realloc/free */
    return NULL;
}

int main(void)
{
    store s = {0};
    size_t cap = 0;
    char line[256];
    long tot_s[2] = {0, 0}, tot_c[2] = {0, 0};
    while (fgets(line, sizeof line, stdin)) {
        customer c;
        if (sscanf(line, "%63s %ld %ld %ld %ld", c.id, &c.sends[0], &c.clicks[0], &c.sends[1], &c.clicks[1]) != 5) continue;
        if (s.n == cap) {
            cap = cap ? cap * 2 : 64;
            customer *nc = realloc(s.c, cap * sizeof *nc);
            if (!nc) { fputs("out of memory\n", stderr); return 1; }
            s.c = nc;
        }
        s.c[s.n++] = c;
        for (int k = 0; k < 2; k++) tot_s[k] += c.sends[k], tot_c[k] += c.clicks[k];
    }
    for (int k = 0; k < 2; k++)
        snprintf(s.base[k], sizeof s.base[k], "%.17g", tot_s[k] ? (double)tot_c[k] / (double)tot_s[k] : 0.0);

    jinn_config cfg;
    jinn_config_init(&cfg);
    cfg.strict_providers = 1;
    jinn_env *env = jinn_env_new(&cfg);
    if (!env) { fputs("out of memory\n", stderr); return 1; }
    jinn_provider prov = {.version = 2, .lookup2 = lookup2};
    jinn_env_set_provider(env, &prov, &s);

    jinn_result res;
    jinn_template *t;
    if (jinn_compile(env, "score", TEMPLATE, sizeof TEMPLATE - 1, &t, &res) != JINN_OK) {
        fputs(res.message, stderr);
        jinn_result_clear(env, &res);
        jinn_env_free(env);
        return 1;
    }
    /* contexts are built on this thread (building uses the env), then shared read-only */
    jinn_context **ctx = calloc(s.n + 1, sizeof *ctx);
    char **out = calloc(s.n + 1, sizeof *out);
    if (!ctx || !out) { fputs("out of memory\n", stderr); return 1; }
    for (size_t i = 0; i < s.n; i++) {
        char json[128];
        int n = snprintf(json, sizeof json, "{\"customer\": {\"id\": \"%s\"}}", s.c[i].id);
        if (jinn_context_from_json(env, json, (size_t)n, &ctx[i], &res) != JINN_OK) {
            fprintf(stderr, "%s: %s\n", s.c[i].id, res.text ? res.text : "bad id");
            jinn_result_clear(env, &res);
        }
    }
    job jobs[THREADS];
    pthread_t th[THREADS];
    for (int k = 0; k < THREADS; k++) {
        jobs[k] = (job){.env = env, .t = t, .s = &s, .ctx = ctx, .out = out, .from = (size_t)k, .step = THREADS};
        pthread_create(&th[k], NULL, render_some, &jobs[k]);
    }
    int failures = 0;
    for (int k = 0; k < THREADS; k++) { pthread_join(th[k], NULL); failures += jobs[k].failures; }
    for (size_t i = 0; i < s.n; i++) {
        if (out[i]) printf("%s\t%s\n", s.c[i].id, out[i]);
        free(out[i]);
        jinn_context_free(ctx[i]);
    }
    fprintf(stderr, "%zu customers, %d failures\n", s.n, failures);
    free(out);
    free(ctx);
    free(s.c);
    jinn_template_free(t);
    jinn_env_free(env);
    return failures ? 1 : 0;
}
