/*
 * Shared memory: map an open file (a POSIX shared memory object under /dev/shm) into this
 * process as an ArrayBuffer, and unmap it on request. Opening, creating and naming the file
 * is done in TypeScript (src/shm.ts); only the mapping needs C.
 *
 * The ArrayBuffer is external: JS reads and writes the shared pages directly (Atomics work on
 * it). `unmap` detaches it first, so JS views become empty instead of pointing at unmapped
 * memory; the finalizer unmaps a buffer that was never unmapped explicitly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "addon.h"

typedef struct {
  void *addr;
  size_t length;
  int unmapped;
} mapping_t;

static void finalize_mapping(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  mapping_t *m = hint;
  if (!m->unmapped) munmap(m->addr, m->length);
  free(m);
}

/* map(fd, length) → ArrayBuffer over the first `length` bytes of fd, shared read-write. */
static napi_value js_map(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "map(fd, length)");
    return NULL;
  }
  int32_t fd;
  double length;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_double(env, argv[1], &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "map: fd and length must be numbers");
    return NULL;
  }
  /* 2^40 bytes is far beyond any segment; the bound keeps the double → size_t cast exact. */
  if (!(length >= 1 && length <= 1099511627776.0) || length != (double)(uint64_t)length) {
    napi_throw_range_error(env, NULL, "map: length must be a positive integer");
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) return throw_errno(env, "fstat", errno);
  /* Touching pages past the end of the file raises SIGBUS: refuse to map them. */
  if ((double)st.st_size < length) {
    napi_throw_range_error(env, "ERANGE", "map: the file is shorter than the length to map");
    return NULL;
  }
  size_t len = (size_t)length;
  void *addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (addr == MAP_FAILED) return throw_errno(env, "mmap", errno);
  mapping_t *m = malloc(sizeof *m);
  if (m == NULL) {
    munmap(addr, len);
    return throw_errno(env, "malloc", ENOMEM);
  }
  m->addr = addr;
  m->length = len;
  m->unmapped = 0;
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, addr, len, finalize_mapping, m, &buffer) != napi_ok) {
    munmap(addr, len);
    free(m);
    napi_throw_error(env, NULL, "map: cannot create an external ArrayBuffer");
    return NULL;
  }
  /* Remember the mapping on the buffer, for unmap; the finalizer above owns it. */
  if (napi_wrap(env, buffer, m, NULL, NULL, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "map: cannot tag the ArrayBuffer");
    return NULL;
  }
  return buffer;
}

/* unmap(buffer): detach a buffer made by map and unmap its pages now; idempotent. */
static napi_value js_unmap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_unwrap(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "unmap(buffer): not a buffer made by map");
    return NULL;
  }
  mapping_t *m = data;
  if (!m->unmapped) {
    if (napi_detach_arraybuffer(env, argv[0]) != napi_ok) {
      napi_throw_error(env, NULL, "unmap: cannot detach the ArrayBuffer");
      return NULL;
    }
    munmap(m->addr, m->length);
    m->unmapped = 1;
  }
  return NULL;
}

napi_status init_shm(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"map", NULL, js_map, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unmap", NULL, js_unmap, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
