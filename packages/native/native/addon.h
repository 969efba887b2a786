/* The one native addon: small system calls Node does not offer. Each file adds its functions. */
#ifndef INTEROFFICE_ADDON_H
#define INTEROFFICE_ADDON_H
#include <node_api.h>

/* Throw a JS Error with `code` (e.g. "EBADF") and a message from errno; returns NULL. */
napi_value throw_errno(napi_env env, const char *call, int err);

/* Registration hooks, one per file. */
napi_status init_flock(napi_env env, napi_value exports);

#endif
