"""numpy reference for bench/collapse-scale.ts: the reference code's collapse, the dense product of the
step matrices B <- M_k B in float32 (the paper's method), with A(t) = alpha*I + U(t)V(t)^T formed densely
from the factors Linea evaluated (the same numbers on both sides).

Euler: M_k = (1 - c_k) I + c_k A(t_k), c_k = dt / (1 - t_k).
RK4:   L(tau) = (A(tau) - I) / (1 - tau); K1 = L(t), K2 = L(t+dt/2)(I + dt/2 K1), K3 = L(t+dt/2)(I + dt/2 K2),
       K4 = L(t+dt)(I + dt K3); M = I + dt/6 (K1 + 2 K2 + 2 K3 + K4)  (paper-notes: the correctly nested product).

Reads: --factors DIR (u.npy, v.npy [times, n, r] float64; times.npy; alpha.txt), --method, --steps.
With --float64-out FILE it also computes the same product in float64 and saves it (the agreement check).
Prints one JSON object: {"reference_ms": ..., "float64_ms": ...}.
"""
import argparse
import json
import os
import time

import numpy as np


def collapse(u, v, times, alpha, method, steps, dtype):
    n = u.shape[1]
    eye = np.eye(n, dtype=dtype)
    index = {float(t): i for i, t in enumerate(times)}

    def a_at(t):
        i = index[float(t)]
        return alpha * eye + u[i].astype(dtype) @ v[i].astype(dtype).T

    dt = 1.0 / steps
    b = eye.copy()
    for k in range(steps - 1):
        t = k / steps
        if method == "euler":
            c = dt / (1 - t)
            m = (1 - c) * eye + c * a_at(t)
        else:
            def l(tau):
                return (a_at(tau) - eye) / (1 - tau)
            l2 = l(t + dt / 2)
            k1 = l(t)
            k2 = l2 @ (eye + dt / 2 * k1)
            k3 = l2 @ (eye + dt / 2 * k2)
            k4 = l(t + dt) @ (eye + dt * k3)
            m = eye + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        b = m @ b
    return b


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--factors", required=True)
    p.add_argument("--method", choices=["euler", "rk4"], required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--float64-out")
    a = p.parse_args()
    u = np.load(os.path.join(a.factors, "u.npy"))
    v = np.load(os.path.join(a.factors, "v.npy"))
    times = np.load(os.path.join(a.factors, "times.npy"))
    with open(os.path.join(a.factors, "alpha.txt")) as f:
        alpha = float(f.read())
    u32, v32 = u.astype(np.float32), v.astype(np.float32)
    t0 = time.perf_counter()
    collapse(u32, v32, times, np.float32(alpha), a.method, a.steps, np.float32)
    out = {"reference_ms": (time.perf_counter() - t0) * 1000}
    if a.float64_out:
        t0 = time.perf_counter()
        b64 = collapse(u, v, times, alpha, a.method, a.steps, np.float64)
        out["float64_ms"] = (time.perf_counter() - t0) * 1000
        np.save(a.float64_out, b64)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
