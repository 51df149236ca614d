#!/usr/bin/env python3
"""numpy against the native clip-and-accumulate kernel, in one process and one run, on cold memory.

The native-cpu issue compares the C++ kernel with what numpy does on the same machine: a naive per-example clip
(`np.linalg.norm` per row, then `f @ G`), einsum versions, and a plain read-reduce of the same bytes. This script
measures all of them and the native kernel (`tfl_clip_accumulate`, `tfl_sum` from native-cpu's static library,
linked here into a throw-away shared object with g++) alternately, call by call, over rotating copies of the matrix
that total at least 1.5 GiB, so that every call reads main memory. It reports the best of the repetitions as
effective bandwidth, B*D*4 bytes / time. numpy allocates such large arrays on 2 MiB pages where transparent huge pages
are in madvise mode, so every method here reads huge pages. The numpy variants compute in float32 throughout; the
native kernel accumulates in double. A diagnostic for the README figures, not a test.

    mvn -B -q -pl native-cpu -am package -DskipTests
    python3 bench/src/main/python/numpy_clip_reference.py [--threads 2] [--reps 5]
"""
import argparse
import ctypes
import os
import subprocess
import tempfile
import time

import numpy as np

SHAPES = [(256, 65536), (64, 1048576), (1024, 16384)]
CLIP = 10.0
SHIM = """
#include "trustfl_cpu.h"
extern "C" {
long long c_ctx_create(int t, int r) { return tfl_ctx_create(t, r); }
int c_clip(long long c, const float* x, int b, int d, const float* w, double clip, double* s, double* n) {
  return tfl_clip_accumulate(c, x, b, d, w, clip, s, n);
}
double c_sum(long long c, const float* x, long long n) { return tfl_sum(c, x, n); }
const char* c_isa() { return tfl_isa(); }
}
"""


def load_native(archive):
    if not os.path.exists(archive):
        raise SystemExit(f"{archive} not found: build it first with `mvn -B -q -pl native-cpu -am package -DskipTests`")
    # The library's functions have C++ linkage (JavaCPP calls them from C++): a small shim gives ctypes C names.
    work = tempfile.mkdtemp(prefix="trustfl-numpy-ref-")
    shim = os.path.join(work, "shim.cpp")
    with open(shim, "w") as f:
        f.write(SHIM)
    include = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(archive))), "..", "src", "main", "cpp")
    so = os.path.join(work, "libtrustflcpu_ref.so")
    subprocess.run(["g++", "-O2", "-std=c++17", "-shared", "-fPIC", "-I", include, "-o", so, shim, archive,
                    "-pthread"], check=True)
    lib = ctypes.CDLL(so)
    lib.c_ctx_create.restype = ctypes.c_longlong
    lib.c_ctx_create.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.c_clip.restype = ctypes.c_int
    lib.c_clip.argtypes = [ctypes.c_longlong, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                        ctypes.c_void_p, ctypes.c_double, ctypes.c_void_p, ctypes.c_void_p]
    lib.c_sum.restype = ctypes.c_double
    lib.c_sum.argtypes = [ctypes.c_longlong, ctypes.c_void_p, ctypes.c_longlong]
    lib.c_isa.restype = ctypes.c_char_p
    return lib


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", default="native-cpu/target/cpp/libtrustflcpu.a")
    ap.add_argument("--threads", type=int, default=0, help="native pool threads (0: all hardware threads)")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    lib = load_native(args.archive)
    ctx = lib.c_ctx_create(args.threads, 0)
    print(f"numpy {np.__version__}, native ISA {lib.c_isa().decode()}, cores {os.cpu_count()}")
    for b, d in SHAPES:
        nbytes = b * d * 4
        copies = max(2, -(-(3 << 29) // nbytes))
        rng = np.random.default_rng(1)
        mats = [rng.uniform(-0.5, 0.5, size=(b, d)).astype(np.float32) for _ in range(copies)]
        acc = np.zeros(d, dtype=np.float64)
        norms = np.zeros(b, dtype=np.float64)

        def numpy_naive(g):
            f = np.minimum(1.0, CLIP / np.linalg.norm(g, axis=1)).astype(np.float32)
            return f @ g

        def numpy_einsum(g):
            f = np.minimum(1.0, CLIP / np.sqrt(np.einsum("ij,ij->i", g, g))).astype(np.float32)
            return np.einsum("i,ij->j", f, g)

        def numpy_einsum_blas(g):
            f = np.minimum(1.0, CLIP / np.sqrt(np.einsum("ij,ij->i", g, g))).astype(np.float32)
            return f @ g

        def numpy_read(g):
            return g.sum()

        def native_clip(g):
            return lib.c_clip(ctx, g.ctypes.data, b, d, None, CLIP, acc.ctypes.data, norms.ctypes.data)

        def native_read(g):
            return lib.c_sum(ctx, g.ctypes.data, b * d)

        numpy_clips = ["numpy norm + f @ G", "numpy einsum", "numpy einsum norms + f @ G"]
        methods = [("numpy norm + f @ G", numpy_naive), ("numpy einsum", numpy_einsum),
                   ("numpy einsum norms + f @ G", numpy_einsum_blas),
                   ("numpy read-reduce (g.sum())", numpy_read), ("native clip-and-accumulate", native_clip),
                   ("native read-reduce (tfl_sum)", native_read)]
        # The native kernel and numpy agree (a sanity check that the timed calls compute the same thing).
        acc[:] = 0
        native_clip(mats[0])
        ref = numpy_naive(mats[0]).astype(np.float64)
        assert np.allclose(acc, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max()), "native and numpy disagree"
        best = {name: float("inf") for name, _ in methods}
        k = 0
        for rep in range(args.reps + 1):
            for name, fn in methods:
                for _ in range(copies // 2):  # a few calls per method per repetition, each on a cold copy
                    g = mats[k % copies]
                    k += 1
                    t0 = time.perf_counter()
                    fn(g)
                    dt = time.perf_counter() - t0
                    if rep > 0:
                        best[name] = min(best[name], dt)
        print(f"\n{b}x{d} ({nbytes / 2**20:.0f} MiB per call, {copies} copies):")
        for name, _ in methods:
            print(f"  {name:32s} {best[name] * 1e3:8.2f} ms  {nbytes / best[name] / 1e9:6.1f} GB/s")
        numpy_best = min(best[name] for name in numpy_clips)
        print(f"  native clip vs best numpy clip: {numpy_best / best['native clip-and-accumulate']:.1f}x; "
              f"native clip / native read-reduce bandwidth: "
              f"{best['native read-reduce (tfl_sum)'] / best['native clip-and-accumulate']:.2f}")


if __name__ == "__main__":
    main()
