{
  "targets": [
    {
      "target_name": "interoffice_native",
      "sources": ["native/addon.c", "native/flock.c", "native/shm.c", "native/futex.c", "native/waiter.c", "native/pidfd.c"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-O2", "-pthread"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    }
  ]
}
