/*
 * Notice at once when another process exits, without polling: a pidfd (Linux 5.3+) becomes
 * readable when its process ends, and libuv watches it on the event loop like a socket. The
 * watch does not keep the loop alive. Where pidfd_open is missing or forbidden the caller
 * gets the error (ENOSYS, EPERM) and polls instead (src/exit-watch.ts).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uv.h>
#include "addon.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* the same number on every architecture */
#endif

typedef struct {
  uv_poll_t poll;
  int fd;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int stopped;   /* no callback any more */
  int uv_closed; /* libuv is done with `poll` */
  int js_gone;   /* the JS handle was finalized */
} watch_t;

static void maybe_free(watch_t *w) {
  if (w->uv_closed && w->js_gone) free(w);
}

static void on_closed(uv_handle_t *handle) {
  watch_t *w = handle->data;
  close(w->fd);
  w->uv_closed = 1;
  maybe_free(w);
}

/* Stop watching: no callback after this. Safe to call twice. */
static void stop(watch_t *w) {
  if (w->stopped) return;
  w->stopped = 1;
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t *)&w->poll, on_closed);
  napi_delete_reference(w->env, w->callback);
  if (w->context != NULL) napi_async_destroy(w->env, w->context);
  w->context = NULL;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  watch_t *w = handle->data;
  if (w->stopped) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value callback, recv;
  napi_get_reference_value(env, w->callback, &callback);
  napi_get_global(env, &recv); /* make_callback wants an object */
  napi_async_context context = w->context;
  /* Once: the process is gone. Stop first, so the callback may unwatch safely. */
  w->context = NULL;
  stop(w);
  /* make_callback runs the microtasks the callback queues, as any libuv callback does. */
  napi_status s = napi_make_callback(env, context, recv, callback, 0, NULL, NULL);
  if (s == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  if (context != NULL) napi_async_destroy(env, context);
  napi_close_handle_scope(env, scope);
}

static void finalize_watch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  watch_t *w = data;
  stop(w);
  w->js_gone = 1;
  maybe_free(w);
}

/* watchExit(pid, callback) → a handle; callback() once when the process has exited. */
static napi_value js_watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t pid;
  napi_valuetype type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0 ||
      napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "watchExit(pid, callback)");
    return NULL;
  }
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return throw_errno(env, "pidfd_open", errno);
  uv_loop_t *loop;
  watch_t *w = calloc(1, sizeof *w);
  if (w == NULL || napi_get_uv_event_loop(env, &loop) != napi_ok) {
    close(fd);
    free(w);
    return throw_errno(env, "watchExit", ENOMEM);
  }
  w->fd = fd;
  w->env = env;
  if (uv_poll_init(loop, &w->poll, fd) != 0) {
    close(fd);
    free(w);
    return throw_errno(env, "uv_poll_init", EINVAL);
  }
  w->poll.data = w;
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_value name;
  napi_create_string_utf8(env, "interoffice exit watch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->context);
  uv_poll_start(&w->poll, UV_READABLE, on_readable);
  uv_unref((uv_handle_t *)&w->poll);
  napi_value handle;
  napi_create_external(env, w, finalize_watch, NULL, &handle);
  return handle;
}

/* unwatchExit(handle): no callback after this. */
static napi_value js_unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "unwatchExit(handle)");
    return NULL;
  }
  stop(data);
  return NULL;
}

napi_status init_pidfd(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"watchExit", NULL, js_watch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwatchExit", NULL, js_unwatch, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
