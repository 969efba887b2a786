/*
 * Futex wait, across processes (Atomics.wait only sees waiters of the same process), without
 * ever blocking the JS thread: a waiter owns one thread that sleeps in FUTEX_WAIT on a word for
 * as long as the waiter lives, and reports each change of the word's value through a
 * thread-safe function (coalesced: one report pending at a time). So a side that goes to sleep
 * needs no system call at all; only the peer's wake does. A thread of its own rather than
 * libuv's pool: a waiter may sleep for hours, and the pool (4 threads by default) serves fs,
 * dns and crypto. The word is a doorbell: its waiter is the only thread that waits on it.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include "addon.h"

typedef struct {
  pthread_t thread;
  uint32_t *word;
  int stop;    /* atomic: the thread ends */
  int pending; /* atomic: a report is queued and not yet delivered */
  int closed;
  uint32_t initial; /* the word's value when the waiter was made */
  napi_threadsafe_function tsfn;
  napi_ref buffer; /* keeps the mapping alive while the thread may touch it */
} waiter_t;

static void *waiter_main(void *arg) {
  waiter_t *w = arg;
  uint32_t last = w->initial;
  while (!__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST)) {
    uint32_t now = __atomic_load_n(w->word, __ATOMIC_SEQ_CST);
    if (now == last) {
      /* Returns when woken, at once if the word moved on meanwhile, or on a signal. */
      futex_call(w->word, FUTEX_WAIT, last);
      continue;
    }
    last = now;
    /* One report at a time: JS clears `pending` before it looks at the rings, so a change
       seen while one is pending is covered by that report. */
    if (!__atomic_exchange_n(&w->pending, 1, __ATOMIC_SEQ_CST)) {
      napi_call_threadsafe_function(w->tsfn, NULL, napi_tsfn_nonblocking);
    }
  }
  return NULL;
}

static void call_js(napi_env env, napi_value callback, void *context, void *data) {
  (void)data;
  if (env == NULL || callback == NULL) return; /* the waiter closed meanwhile */
  waiter_t *w = context;
  __atomic_store_n(&w->pending, 0, __ATOMIC_SEQ_CST);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, callback, 0, NULL, NULL);
}

/* Stop the thread (it may be asleep in FUTEX_WAIT) and let go of the mapping. */
static void waiter_close(napi_env env, waiter_t *w) {
  if (w->closed) return;
  w->closed = 1;
  __atomic_store_n(&w->stop, 1, __ATOMIC_SEQ_CST);
  /* Change the word before waking, so a thread just about to wait returns at once. */
  __atomic_fetch_add(w->word, 1, __ATOMIC_SEQ_CST);
  futex_call(w->word, FUTEX_WAKE, INT_MAX);
  pthread_join(w->thread, NULL);
  napi_release_threadsafe_function(w->tsfn, napi_tsfn_abort);
  napi_delete_reference(env, w->buffer);
}

static void finalize_waiter(napi_env env, void *data, void *hint) {
  (void)hint;
  waiter_t *w = data;
  waiter_close(env, w);
  free(w);
}

/* waiterCreate(buffer, offset, callback) → a waiter on that word: callback() when its value changes. */
static napi_value js_waiter_create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    napi_throw_type_error(env, NULL, "waiterCreate(buffer, offset, callback)");
    return NULL;
  }
  uint32_t *word = word_at(env, argv[0], argv[1]);
  if (word == NULL) return NULL;
  waiter_t *w = calloc(1, sizeof *w);
  if (w == NULL) return throw_errno(env, "calloc", ENOMEM);
  w->word = word;
  /* Read here, not on the thread: a change between now and the thread's start is reported. */
  w->initial = __atomic_load_n(word, __ATOMIC_SEQ_CST);
  napi_value name;
  napi_create_string_utf8(env, "interoffice futex waiter", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, NULL, NULL, w, call_js, &w->tsfn) != napi_ok) {
    free(w);
    napi_throw_type_error(env, NULL, "waiterCreate: callback must be a function");
    return NULL;
  }
  napi_create_reference(env, argv[0], 1, &w->buffer);
  /* The thread takes no signals: they belong to the JS thread. It needs little stack. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  int rc = pthread_create(&w->thread, &attr, waiter_main, w);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    napi_release_threadsafe_function(w->tsfn, napi_tsfn_abort);
    napi_delete_reference(env, w->buffer);
    free(w);
    return throw_errno(env, "pthread_create", rc);
  }
  napi_value handle;
  napi_create_external(env, w, finalize_waiter, NULL, &handle);
  return handle;
}

static waiter_t *waiter_of(napi_env env, napi_callback_info info, napi_value *argv, size_t want) {
  size_t argc = want;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "expected a waiter");
    return NULL;
  }
  return data;
}

/* waiterClose(waiter): stop its thread; no callback comes after this returns. */
static napi_value js_waiter_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  waiter_t *w = waiter_of(env, info, argv, 1);
  if (w != NULL) waiter_close(env, w);
  return NULL;
}

napi_status init_waiter(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"waiterCreate", NULL, js_waiter_create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"waiterClose", NULL, js_waiter_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
