{
  "targets": [
    {
      "target_name": "linea_linalg",
      "sources": ["src/linalg.c"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra"],
      "libraries": ["-llapacke", "-lopenblas"]
    }
  ]
}
