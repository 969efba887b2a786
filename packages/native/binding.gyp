{
  "targets": [
    {
      "target_name": "interoffice_native",
      "sources": ["native/addon.c", "native/flock.c"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    }
  ]
}
