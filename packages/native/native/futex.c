/*
 * Futex wake on a 32-bit word of a shared mapping (shm.c), across processes, and the two calls
 * a polite spinner needs (sched_yield, sched_getcpu). Waiting is waiter.c's.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "addon.h"

long futex_call(uint32_t *word, int op, uint32_t value) {
  /* Not FUTEX_PRIVATE_FLAG: the word is shared with other processes. */
  return syscall(SYS_futex, word, op, value, NULL, NULL, 0);
}

uint32_t *word_at(napi_env env, napi_value buffer, napi_value offset) {
  void *data;
  size_t length;
  int64_t at;
  if (napi_get_arraybuffer_info(env, buffer, &data, &length) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "futex: expected a mapped ArrayBuffer");
    return NULL;
  }
  if (napi_get_value_int64(env, offset, &at) != napi_ok || at < 0 || at % 4 != 0 || (uint64_t)at + 4 > length) {
    napi_throw_range_error(env, NULL, "futex: the offset must be a multiple of 4 inside the buffer");
    return NULL;
  }
  return (uint32_t *)((char *)data + at);
}

/* futexWake(buffer, offset, count) → how many waiters were woken. */
static napi_value js_wake(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    napi_throw_type_error(env, NULL, "futexWake(buffer, offset, count)");
    return NULL;
  }
  uint32_t *word = word_at(env, argv[0], argv[1]);
  if (word == NULL) return NULL;
  int32_t count;
  if (napi_get_value_int32(env, argv[2], &count) != napi_ok || count < 1) count = INT_MAX;
  long woken = futex_call(word, FUTEX_WAKE, (uint32_t)count);
  if (woken < 0) return throw_errno(env, "futex(FUTEX_WAKE)", errno);
  napi_value result;
  napi_create_int64(env, woken, &result);
  return result;
}

/* schedYield(): let another thread that wants this CPU run (a spinning side's peer, say). */
static napi_value js_yield(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  sched_yield();
  return NULL;
}

/* currentCpu() → the CPU this thread runs on now (sched_getcpu, a vDSO call: no system call). */
static napi_value js_cpu(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_int32(env, sched_getcpu(), &result);
  return result;
}

napi_status init_futex(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"futexWake", NULL, js_wake, NULL, NULL, NULL, napi_enumerable, NULL},
      {"schedYield", NULL, js_yield, NULL, NULL, NULL, napi_enumerable, NULL},
      {"currentCpu", NULL, js_cpu, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
