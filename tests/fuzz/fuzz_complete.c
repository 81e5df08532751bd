/* fuzz_complete.c — the REPL's input-completeness check: compiling every prefix of the input
 * must either succeed, fail, or say "incomplete", and an incomplete prefix must never be
 * reported as complete-and-valid once more text is added. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    jinn_env *env = fuzz_env(0);
    for (size_t n = size > 64 ? size - 64 : 0; n <= size; n++) {
        jinn_template *t = NULL;
        jinn_result res;
        if (jinn_compile(env, "repl", (const char *)data, n, &t, &res) == JINN_OK) jinn_template_free(t);
        else if (res.incomplete && res.kind != JINN_ERR_SYNTAX && res.kind != JINN_ERR_LIMIT) abort();
        jinn_result_clear(env, &res);
    }
    jinn_env_free(env);
    return 0;
}
