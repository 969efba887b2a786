/*
 * flock(2): the lock Python's filelock.FileLock takes on Unix, which Node
 * cannot take by itself. Non-blocking only: a blocking flock would stall the
 * event loop or a libuv worker; callers retry with a backoff instead (which
 * is what filelock itself does).
 */
#include <errno.h>
#include <sys/file.h>
#include "addon.h"

/* flock(fd, operation, nonBlocking) → true when done, false when it would block. */
static napi_value js_flock(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "flock(fd, operation[, nonBlocking])");
    return NULL;
  }
  int32_t fd, op;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int32(env, argv[1], &op) != napi_ok) {
    napi_throw_type_error(env, NULL, "flock: fd and operation must be integers");
    return NULL;
  }
  bool nonblocking = true;
  if (argc > 2) napi_get_value_bool(env, argv[2], &nonblocking);
  int operation = op == 1 ? LOCK_SH : op == 2 ? LOCK_EX : op == 8 ? LOCK_UN : -1;
  if (operation < 0) {
    napi_throw_range_error(env, NULL, "flock: operation must be 1 (shared), 2 (exclusive) or 8 (unlock)");
    return NULL;
  }
  if (nonblocking && operation != LOCK_UN) operation |= LOCK_NB;
  int rc;
  do rc = flock(fd, operation); while (rc != 0 && errno == EINTR);
  napi_value result;
  if (rc == 0) {
    napi_get_boolean(env, true, &result);
    return result;
  }
  if (errno == EWOULDBLOCK) {
    napi_get_boolean(env, false, &result);
    return result;
  }
  return throw_errno(env, "flock", errno);
}

napi_status init_flock(napi_env env, napi_value exports) {
  napi_value fn;
  napi_status s = napi_create_function(env, "flock", NAPI_AUTO_LENGTH, js_flock, NULL, &fn);
  if (s != napi_ok) return s;
  return napi_set_named_property(env, exports, "flock", fn);
}
