/* fuzz_render.c — compile and render with small limits. The input is TEMPLATE, optionally
 * followed by a NUL byte and a JSON context. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *nul = memchr(p, 0, size);
    size_t tlen = nul ? (size_t)(nul - p) : size;
    jinn_env *env = fuzz_env(size ? data[size - 1] & 15 : 0);
    jinn_template *t = NULL;
    jinn_context *ctx = NULL;
    jinn_result res;
    if (jinn_compile(env, "fuzz", p, tlen, &t, &res) == JINN_OK) {
        jinn_result_clear(env, &res);
        if (nul && jinn_context_from_json(env, nul + 1, size - tlen - 1, &ctx, &res) != JINN_OK) ctx = NULL;
        jinn_result_clear(env, &res);
        jinn_buf out = {0}, exports = {0};
        jinn_render_opts o = {.context = ctx, .seed = size, .exports = &exports};
        jinn_render(t, &o, &out, &res);
        jinn_buf_free(env, &out);
        jinn_buf_free(env, &exports);
        jinn_template_free(t);
    }
    jinn_result_clear(env, &res);
    jinn_context_free(ctx);
    jinn_env_free(env);
    return 0;
}
