/*
 * ext/postgres/jansson_shim.c — PostgreSQL's server exports a C function named json_object
 * (the SQL function json_object()), and so does jansson (its object constructor). The server
 * comes first in the lookup order of the dynamic linker, so libjinn's calls of jansson's
 * json_object() would land in the server's, with a crash. This hidden definition of the name
 * binds those calls inside jinn.so at link time, and forwards them to jansson's, found with
 * dlsym(RTLD_NEXT) (libjansson is loaded after jinn.so, the server before it).
 * `nm -D --undefined-only jinn.so` against the server's exports shows json_object was the only
 * clash (docs/postgres.md); the static libjansson.a of Debian is not PIC, or it would be linked in.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <jansson.h>

__attribute__((visibility("hidden"))) json_t *json_object(void)
{
    /* resolved once: the pointer never changes for the life of the process */
    static json_t *(*real)(void);
    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "json_object");
        if (!real) return NULL; /* jansson's callers treat NULL as out of memory */
    }
    return real();
}
