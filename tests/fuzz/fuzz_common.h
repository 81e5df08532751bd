/*
 * fuzz_common.h — what the libFuzzer harnesses share: an environment with small limits,
 * so that every input ends quickly and a hang means a missing check, not a big template.
 * (Harness-level statics are fine: the library itself keeps no global state.)
 */
#ifndef JINN_FUZZ_COMMON_H
#define JINN_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jinn.h"

static jinn_env *fuzz_env(int variant)
{
    jinn_config cfg;
    jinn_config_init(&cfg);
    cfg.limits.fuel = 10000;
    cfg.limits.output_bytes = 1 << 20;
    cfg.limits.string_bytes = 1 << 20;
    cfg.limits.collection_items = 10000;
    cfg.limits.range_items = 1000;
    cfg.limits.memory_bytes = 64u << 20;
    cfg.limits.parse_depth = 64;
    cfg.limits.call_depth = 20;
    cfg.trim_blocks = variant & 1;
    cfg.lstrip_blocks = (variant >> 1) & 1;
    cfg.autoescape = (variant >> 2) & 1;
    cfg.profile = (variant >> 3) & 1 ? JINN_PROFILE_JINJAVA : JINN_PROFILE_JINJA;
    jinn_env *env = jinn_env_new(&cfg);
    static const char fixtures[] =
        "{\"expressions\": {\"e1\": 0.5, \"e2\": \"x\"}, \"metrics\": {\"m1\": 1},"
        " \"aggregates\": {\"a1\": [1, {\"k\": 2}]}}";
    jinn_result res;
    if (env && jinn_env_use_json_provider(env, fixtures, sizeof fixtures - 1, &res) != JINN_OK) jinn_result_clear(env, &res);
    return env;
}

#endif
