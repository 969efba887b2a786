/* The one native addon: small system calls Node does not offer. Each file adds its functions. */
#ifndef INTEROFFICE_ADDON_H
#define INTEROFFICE_ADDON_H
#include <stdint.h>
#include <node_api.h>

/* Throw a JS Error with `code` (e.g. "EBADF") and a message from errno; returns NULL. */
napi_value throw_errno(napi_env env, const char *call, int err);

/* futex.c: the futex system call on a shared word, and the word at `offset` of an ArrayBuffer,
   checked (aligned and inside; NULL after throwing). */
long futex_call(uint32_t *word, int op, uint32_t value);
uint32_t *word_at(napi_env env, napi_value buffer, napi_value offset);

/* Registration hooks, one per file. */
napi_status init_flock(napi_env env, napi_value exports);
napi_status init_shm(napi_env env, napi_value exports);
napi_status init_futex(napi_env env, napi_value exports);
napi_status init_waiter(napi_env env, napi_value exports);
napi_status init_pidfd(napi_env env, napi_value exports);

#endif
