/*
 * provider.h — the data provider of an environment and the per-render memo of its answers.
 */
#ifndef JINN_PROVIDER_H
#define JINN_PROVIDER_H

#include "value.h"

/* the provider installed in an environment (jinn_env_set_provider) */
typedef struct prov_slot {
    jinn_provider vt;
    void *user;
    int set;
    int strict;            /* jinn_config.strict_providers: a missing value fails the render */
} prov_slot;

void prov_set(prov_slot *P, const jinn_provider *vt, void *user); /* destroys the one before */
void prov_clear(prov_slot *P);

/* a render's answers so far, by kind and id */
typedef struct prov_memo {
    jdict *answers;
} prov_memo;
void prov_memo_free(jrt *R, prov_memo *M);

/* The answer for the insert tag of this kind (jinn_lookup_kind) and id (str() of id; trim:
 * surrounding blanks removed), asked of the provider once per render. An owned value (none when
 * the provider has none, with a warning); false with a provider error, or a limit error. */
bool prov_lookup(jrt *R, const prov_slot *P, prov_memo *M, int kind, bool trim, value id, value *out);

#endif
