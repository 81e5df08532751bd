/* fuzz_json.c — the JSON context loader and provider fixtures. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jinn_env *env = fuzz_env(0);
    jinn_context *ctx = NULL;
    jinn_result res;
    if (jinn_context_from_json(env, (const char *)data, size, &ctx, &res) == JINN_OK) {
        /* render something that walks the context */
        static const char tpl[] = "{{ __x|default(0) }}{% for k in __keys|default([]) %}{{ k }}{% endfor %}";
        jinn_template *t = NULL;
        if (jinn_compile(env, "t", tpl, sizeof tpl - 1, &t, &res) == JINN_OK) {
            jinn_buf out = {0};
            jinn_render_opts o = {.context = ctx};
            jinn_render(t, &o, &out, &res);
            jinn_buf_free(env, &out);
            jinn_template_free(t);
        }
        jinn_context_free(ctx);
    }
    jinn_result_clear(env, &res);
    jinn_env *env2 = jinn_env_new(NULL);
    if (jinn_env_use_json_provider(env2, (const char *)data, size, &res) != JINN_OK) jinn_result_clear(env2, &res);
    jinn_env_free(env2);
    jinn_env_free(env);
    return 0;
}
