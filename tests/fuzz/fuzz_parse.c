/* fuzz_parse.c — lexer, parser and compiler on arbitrary bytes (and the diagnostic printer). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jinn_env *env = fuzz_env(size ? data[0] & 3 : 0);
    jinn_template *t = NULL;
    jinn_result res;
    if (jinn_compile(env, "fuzz", (const char *)data, size, &t, &res) == JINN_OK) {
        jinn_buf out = {0};
        jinn_disasm(t, &out);
        jinn_buf_free(env, &out);
        jinn_template_free(t);
    }
    jinn_result_clear(env, &res);
    jinn_env_free(env);
    return 0;
}
