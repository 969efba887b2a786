#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "addon.h"

napi_value throw_errno(napi_env env, const char *call, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", call, strerror(err));
  char code[32];
  snprintf(code, sizeof code, "E%d", err);
  const char *name = NULL;
  switch (err) {
    case EBADF: name = "EBADF"; break;
    case EINVAL: name = "EINVAL"; break;
    case ENOLCK: name = "ENOLCK"; break;
    case EINTR: name = "EINTR"; break;
    case ENOMEM: name = "ENOMEM"; break;
    case EACCES: name = "EACCES"; break;
    case ENOENT: name = "ENOENT"; break;
    case EEXIST: name = "EEXIST"; break;
    case ESRCH: name = "ESRCH"; break;
    case ENOSYS: name = "ENOSYS"; break;
    case EPERM: name = "EPERM"; break;
    case EAGAIN: name = "EAGAIN"; break;
    case EMFILE: name = "EMFILE"; break;
    case ENODEV: name = "ENODEV"; break;
    default: name = code;
  }
  napi_throw_error(env, name, message);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  if (init_flock(env, exports) != napi_ok) return NULL;
  if (init_shm(env, exports) != napi_ok) return NULL;
  if (init_futex(env, exports) != napi_ok) return NULL;
  if (init_waiter(env, exports) != napi_ok) return NULL;
  if (init_pidfd(env, exports) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
