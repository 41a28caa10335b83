// Node-API bindings from Linea's float64 linear algebra to LAPACKE/OpenBLAS (Debian: liblapacke-dev,
// libopenblas-dev). Deliberately thin: each export copies its inputs, calls one LAPACK driver in
// row-major layout and returns fresh Float64Arrays plus LAPACK's `info`. Shape checks, error codes and
// the meaning of `info` live in TypeScript (src/runtime/linalg/native.ts), so this file has no policy.
// Every LAPACK/BLAS call runs on the addon's own thread (on_lapack_thread below), never the caller's.
#include <node_api.h>
#include <pthread.h>
#include <lapacke.h>
#include <cblas.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                                    \
  do {                                                                                                 \
    if ((call) != napi_ok) {                                                                           \
      napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: Node-API call failed: " #call);            \
      return NULL;                                                                                     \
    }                                                                                                  \
  } while (0)

// OpenBLAS's threaded drivers keep large buffers on the calling thread's stack: a worker_thread's 4 MB
// stack overflows (a segfault of the whole process) at n >= 512, and the caller may choose a smaller
// one. So each call runs on one long-lived thread of the addon's own with a stack sized for OpenBLAS,
// whichever JS thread (main or worker) asks; calls from several threads queue on call_lock. One thread
// for the process, not one per call: OpenBLAS keeps per-thread buffers.
#define LAPACK_STACK_BYTES ((size_t)64 << 20)

typedef void (*lapack_job)(void *);
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_finished = PTHREAD_COND_INITIALIZER;
static lapack_job pending_fn;
static void *pending_arg;
static bool posted, finished, started, start_failed;

static void *lapack_thread(void *unused) {
  (void)unused;
  pthread_mutex_lock(&state_lock);
  for (;;) {
    while (!posted) pthread_cond_wait(&job_posted, &state_lock);
    lapack_job fn = pending_fn;
    void *arg = pending_arg;
    pthread_mutex_unlock(&state_lock);
    fn(arg);
    pthread_mutex_lock(&state_lock);
    posted = false;
    finished = true;
    pthread_cond_signal(&job_finished);
  }
  return NULL;
}

// Runs fn(arg) on the LAPACK thread and waits for it; on the caller's thread if that thread cannot start.
static void on_lapack_thread(lapack_job fn, void *arg) {
  pthread_mutex_lock(&call_lock);
  pthread_mutex_lock(&state_lock);
  if (!started && !start_failed) {
    pthread_attr_t attr;
    pthread_t thread;
    bool ok = pthread_attr_init(&attr) == 0;
    ok = ok && pthread_attr_setstacksize(&attr, LAPACK_STACK_BYTES) == 0 && pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
         pthread_create(&thread, &attr, lapack_thread, NULL) == 0;
    pthread_attr_destroy(&attr);
    started = ok;
    start_failed = !ok;
  }
  if (started) {
    pending_fn = fn;
    pending_arg = arg;
    finished = false;
    posted = true;
    pthread_cond_signal(&job_posted);
    while (!finished) pthread_cond_wait(&job_finished, &state_lock);
  }
  pthread_mutex_unlock(&state_lock);
  if (!started) fn(arg);
  pthread_mutex_unlock(&call_lock);
}

// Reads argv[i] as a non-negative integer dimension.
static bool get_dim(napi_env env, napi_value v, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || d < 0 || d > 2147483647.0 || d != (double)(int64_t)d) {
    napi_throw_range_error(env, "LIN-RT-NATIVE", "linea_linalg: a dimension is not a non-negative int32");
    return false;
  }
  *out = (int64_t)d;
  return true;
}

// Reads argv[i] as a Float64Array of exactly `len` elements; `*data` points into JS memory.
static bool get_f64(napi_env env, napi_value v, int64_t len, double **data) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *ptr = NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok ||
      type != napi_float64_array || (int64_t)length != len) {
    napi_throw_type_error(env, "LIN-RT-NATIVE", "linea_linalg: expected a Float64Array of the stated shape");
    return false;
  }
  *data = (double *)ptr;
  return true;
}

// A fresh JS Float64Array of `len` elements (zeroed by V8); `*data` is its storage.
static napi_value new_f64(napi_env env, int64_t len, double **data) {
  napi_value buffer, array;
  void *ptr = NULL;
  size_t bytes = (size_t)(len > 0 ? len : 0) * sizeof(double);
  if (napi_create_arraybuffer(env, bytes, &ptr, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, (size_t)(len > 0 ? len : 0), buffer, 0, &array) != napi_ok) {
    return NULL;
  }
  *data = (double *)ptr;
  return array;
}

static napi_value new_i32(napi_env env, int64_t len, int32_t **data) {
  napi_value buffer, array;
  void *ptr = NULL;
  size_t bytes = (size_t)(len > 0 ? len : 0) * sizeof(int32_t);
  if (napi_create_arraybuffer(env, bytes, &ptr, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_int32_array, (size_t)(len > 0 ? len : 0), buffer, 0, &array) != napi_ok) {
    return NULL;
  }
  *data = (int32_t *)ptr;
  return array;
}

static bool set_prop(napi_env env, napi_value obj, const char *name, napi_value value) {
  return value != NULL && napi_set_named_property(env, obj, name, value) == napi_ok;
}

static napi_value new_int(napi_env env, int64_t v) {
  napi_value out;
  if (napi_create_int64(env, v, &out) != napi_ok) return NULL;
  return out;
}

struct gesdd_job {
  lapack_int m, n, k, status;
  double *a, *s, *u, *vt;
};
static void gesdd_run(void *p) {
  struct gesdd_job *j = p;
  j->status = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', j->m, j->n, j->a, j->n, j->s, j->u, j->k, j->vt, j->n);
}

// gesdd(m, n, a) -> { u: m×k, s: k, vt: k×n, info }, k = min(m, n); divide-and-conquer SVD.
static napi_value gesdd(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  int64_t m, n;
  double *a_in, *a, *u = NULL, *s = NULL, *vt = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 3 || !get_dim(env, argv[0], &m) || !get_dim(env, argv[1], &n) || !get_f64(env, argv[2], m * n, &a_in)) return NULL;
  int64_t k = m < n ? m : n;
  a = malloc((size_t)(m * n > 0 ? m * n : 1) * sizeof(double));
  if (a == NULL) {
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: out of memory");
    return NULL;
  }
  memcpy(a, a_in, (size_t)(m * n) * sizeof(double));
  CHECK(napi_create_object(env, &result));
  napi_value ju = new_f64(env, m * k, &u), js = new_f64(env, k, &s), jvt = new_f64(env, k * n, &vt);
  lapack_int status = 0;
  if (k > 0 && ju != NULL && js != NULL && jvt != NULL) {
    struct gesdd_job job = {(lapack_int)m, (lapack_int)n, (lapack_int)k, 0, a, s, u, vt};
    on_lapack_thread(gesdd_run, &job);
    status = job.status;
  }
  free(a);
  if (!set_prop(env, result, "u", ju) || !set_prop(env, result, "s", js) || !set_prop(env, result, "vt", jvt) ||
      !set_prop(env, result, "info", new_int(env, status))) {
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: could not build the result");
    return NULL;
  }
  return result;
}

struct qr_job {
  int64_t m, n, k;
  double *a, *tau, *q, *r;
  lapack_int status;
};
static void qr_run(void *p) {
  struct qr_job *j = p;
  int64_t m = j->m, n = j->n, k = j->k;
  j->status = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n, j->a, (lapack_int)n, j->tau);
  if (j->status != 0) return;
  // R is the upper triangle of the first k rows; Q is built in place from the reflectors.
  for (int64_t i = 0; i < k; i++)
    for (int64_t c = i; c < n; c++) j->r[i * n + c] = j->a[i * n + c];
  for (int64_t i = 0; i < m; i++)
    for (int64_t c = 0; c < k; c++) j->q[i * k + c] = j->a[i * n + c];
  j->status = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)k, (lapack_int)k, j->q, (lapack_int)k, j->tau);
}

// qr(m, n, a) -> { q: m×k, r: k×n, info }: dgeqrf then dorgqr for the economy Q.
static napi_value qr(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  int64_t m, n;
  double *a_in, *a, *q = NULL, *r = NULL, *tau;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 3 || !get_dim(env, argv[0], &m) || !get_dim(env, argv[1], &n) || !get_f64(env, argv[2], m * n, &a_in)) return NULL;
  int64_t k = m < n ? m : n;
  a = malloc((size_t)(m * n > 0 ? m * n : 1) * sizeof(double));
  tau = malloc((size_t)(k > 0 ? k : 1) * sizeof(double));
  if (a == NULL || tau == NULL) {
    free(a);
    free(tau);
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: out of memory");
    return NULL;
  }
  memcpy(a, a_in, (size_t)(m * n) * sizeof(double));
  CHECK(napi_create_object(env, &result));
  napi_value jq = new_f64(env, m * k, &q), jr = new_f64(env, k * n, &r);
  lapack_int status = 0;
  if (k > 0 && jq != NULL && jr != NULL) {
    struct qr_job job = {m, n, k, a, tau, q, r, 0};
    on_lapack_thread(qr_run, &job);
    status = job.status;
  }
  free(a);
  free(tau);
  if (!set_prop(env, result, "q", jq) || !set_prop(env, result, "r", jr) || !set_prop(env, result, "info", new_int(env, status))) {
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: could not build the result");
    return NULL;
  }
  return result;
}

struct getrf_job {
  lapack_int n, status;
  double *lu;
  lapack_int *ipiv;
};
static void getrf_run(void *p) {
  struct getrf_job *j = p;
  j->status = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, j->n, j->n, j->lu, j->n, j->ipiv);
}

// getrf(n, a) -> { lu: n×n packed L\U, ipiv: n (1-based rows, LAPACK's convention), info }.
static napi_value getrf(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  int64_t n;
  double *a_in, *lu = NULL;
  int32_t *ipiv;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 2 || !get_dim(env, argv[0], &n) || !get_f64(env, argv[1], n * n, &a_in)) return NULL;
  CHECK(napi_create_object(env, &result));
  napi_value jlu = new_f64(env, n * n, &lu), jpiv = new_i32(env, n, &ipiv);
  lapack_int status = 0;
  if (jlu != NULL && jpiv != NULL && n > 0) {
    memcpy(lu, a_in, (size_t)(n * n) * sizeof(double));
    struct getrf_job job = {(lapack_int)n, 0, lu, (lapack_int *)ipiv};
    on_lapack_thread(getrf_run, &job);
    status = job.status;
  }
  if (!set_prop(env, result, "lu", jlu) || !set_prop(env, result, "ipiv", jpiv) || !set_prop(env, result, "info", new_int(env, status))) {
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: could not build the result");
    return NULL;
  }
  return result;
}

struct trsm_job {
  bool lower, unit;
  blasint n, nrhs;
  double *t, *x;
};
static void trsm_run(void *p) {
  struct trsm_job *j = p;
  cblas_dtrsm(CblasRowMajor, CblasLeft, j->lower ? CblasLower : CblasUpper, CblasNoTrans, j->unit ? CblasUnit : CblasNonUnit, j->n, j->nrhs,
              1.0, j->t, j->n, j->x, j->nrhs);
}

// trsm(lower, unitDiagonal, n, nrhs, t, b) -> x (n×nrhs) with T·x = b; T is n×n triangular.
// cblas_dtrsm rather than dtrtrs: singularity is checked in TypeScript with the same rule on both paths.
static napi_value trsm(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  bool lower, unit;
  int64_t n, nrhs;
  double *t, *b, *x;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 6 || napi_get_value_bool(env, argv[0], &lower) != napi_ok || napi_get_value_bool(env, argv[1], &unit) != napi_ok) {
    napi_throw_type_error(env, "LIN-RT-NATIVE", "linea_linalg: trsm expects two booleans first");
    return NULL;
  }
  if (!get_dim(env, argv[2], &n) || !get_dim(env, argv[3], &nrhs) || !get_f64(env, argv[4], n * n, &t) ||
      !get_f64(env, argv[5], n * nrhs, &b)) return NULL;
  napi_value jx = new_f64(env, n * nrhs, &x);
  if (jx == NULL) {
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: out of memory");
    return NULL;
  }
  memcpy(x, b, (size_t)(n * nrhs) * sizeof(double));
  if (n > 0 && nrhs > 0) {
    struct trsm_job job = {lower, unit, (blasint)n, (blasint)nrhs, t, x};
    on_lapack_thread(trsm_run, &job);
  }
  return jx;
}

struct syevd_job {
  lapack_int n, status;
  double *z, *w;
};
static void syevd_run(void *p) {
  struct syevd_job *j = p;
  j->status = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'L', j->n, j->z, j->n, j->w);
}

// syevd(n, a) -> { w: n ascending, z: n×n eigenvectors in columns, info }; reads the lower triangle.
static napi_value syevd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  int64_t n;
  double *a_in, *z = NULL, *w = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 2 || !get_dim(env, argv[0], &n) || !get_f64(env, argv[1], n * n, &a_in)) return NULL;
  CHECK(napi_create_object(env, &result));
  napi_value jz = new_f64(env, n * n, &z), jw = new_f64(env, n, &w);
  lapack_int status = 0;
  if (jz != NULL && jw != NULL && n > 0) {
    memcpy(z, a_in, (size_t)(n * n) * sizeof(double));
    struct syevd_job job = {(lapack_int)n, 0, z, w};
    on_lapack_thread(syevd_run, &job);
    status = job.status;
  }
  if (!set_prop(env, result, "w", jw) || !set_prop(env, result, "z", jz) || !set_prop(env, result, "info", new_int(env, status))) {
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: could not build the result");
    return NULL;
  }
  return result;
}

struct gemm_job {
  blasint m, k, n;
  double *a, *b, *c;
};
static void gemm_run(void *p) {
  struct gemm_job *j = p;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, j->m, j->n, j->k, 1.0, j->a, j->k, j->b, j->n, 0.0, j->c, j->n);
}

// gemm(m, k, n, a, b) -> c = a·b (m×n).
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int64_t m, k, n;
  double *a, *b, *c;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 5 || !get_dim(env, argv[0], &m) || !get_dim(env, argv[1], &k) || !get_dim(env, argv[2], &n) ||
      !get_f64(env, argv[3], m * k, &a) || !get_f64(env, argv[4], k * n, &b)) return NULL;
  napi_value jc = new_f64(env, m * n, &c);
  if (jc == NULL) {
    napi_throw_error(env, "LIN-RT-NATIVE", "linea_linalg: out of memory");
    return NULL;
  }
  if (m > 0 && n > 0 && k > 0) {
    struct gemm_job job = {(blasint)m, (blasint)k, (blasint)n, a, b, c};
    on_lapack_thread(gemm_run, &job);
  }
  return jc;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gesdd", NULL, gesdd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"qr", NULL, qr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getrf", NULL, getrf, NULL, NULL, NULL, napi_enumerable, NULL},
      {"trsm", NULL, trsm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"syevd", NULL, syevd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  // Tells native.ts that calls never run on the caller's stack, so workers may use this addon.
  napi_value own_thread;
  if (napi_get_boolean(env, true, &own_thread) != napi_ok || napi_set_named_property(env, exports, "ownLapackThread", own_thread) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
