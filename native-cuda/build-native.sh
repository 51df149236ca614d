#!/usr/bin/env bash
# Builds the CUDA part of native-cuda with nvcc (TOOLCHAIN.md, "JavaCPP: CUDA", route A):
#   target/native-build/libtrustfl_cuda.a   kernels + host API, -fPIC, linked into the JNI library by JavaCPP
#   target/native-build/trustfl-cuda-check  the native test driver (no JVM needed)
# and runs the driver's CPU-only check of the noise reference against sdk-java's reference vectors.
# Maven calls it in generate-sources; run it by hand as ./build-native.sh [output-dir].
# Environment: NVCC (nvcc to use), CUDA_HOME (toolkit root), TRUSTFL_CUDA_GENCODE (override the architectures).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/target/native-build}"
SRC="$HERE/src/main/cuda"
CSV="$HERE/../sdk-java/src/test/resources/noise/reference-normals.csv"

NVCC="${NVCC:-}"
if [ -z "$NVCC" ]; then
  if command -v nvcc >/dev/null 2>&1; then NVCC="$(command -v nvcc)";
  elif [ -n "${CUDA_HOME:-}" ] && [ -x "$CUDA_HOME/bin/nvcc" ]; then NVCC="$CUDA_HOME/bin/nvcc";
  elif [ -x /usr/local/cuda/bin/nvcc ]; then NVCC=/usr/local/cuda/bin/nvcc;
  fi
fi
if [ -z "$NVCC" ] || [ ! -x "$NVCC" ]; then
  echo "native-cuda: nvcc not found (looked at \$NVCC, PATH, \$CUDA_HOME/bin, /usr/local/cuda/bin)." >&2
  echo "native-cuda: install the CUDA toolkit (13.x), or build the module without its native part:" >&2
  echo "native-cuda:   mvn ... -Dtrustfl.cuda.skip=true   (the cuda backend then reports itself unavailable)" >&2
  exit 1
fi

GENCODE=${TRUSTFL_CUDA_GENCODE:-"-gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=sm_90 -gencode=arch=compute_90,code=compute_90"}
# Exact IEEE double arithmetic for the noise (docs/NOISE.md §4): no contraction on device or host.
FLAGS="-std=c++17 -O3 --fmad=false -prec-div=true -prec-sqrt=true -Xcompiler -fPIC,-ffp-contract=off,-Wall"

mkdir -p "$OUT"
LIB="$OUT/libtrustfl_cuda.a"
DRIVER="$OUT/trustfl-cuda-check"
newer() { # true when $1 is missing or older than any source or this script
  [ ! -e "$1" ] && return 0
  [ -n "$(find "$SRC" "$HERE/build-native.sh" -newer "$1" -print -quit)" ]
}

if newer "$LIB"; then
  echo "native-cuda: $NVCC -> $LIB"
  # shellcheck disable=SC2086
  "$NVCC" $FLAGS $GENCODE -c "$SRC/trustfl_cuda.cu" -o "$OUT/trustfl_cuda.o"
  rm -f "$LIB"
  ar rcs "$LIB" "$OUT/trustfl_cuda.o"
  # Bit-exact noise needs every double operation rounded on its own (NOISE.md §4). In PTX, .rn arithmetic is never
  # contracted by ptxas; an fma, or a bare add/sub/mul.f64 that ptxas could fuse, would break the contract.
  # shellcheck disable=SC2086
  "$NVCC" $FLAGS -arch=compute_90 -ptx "$SRC/trustfl_cuda.cu" -o "$OUT/trustfl_cuda.ptx"
  if grep -E '\bfma\.|^\s*(add|sub|mul)\.f64' "$OUT/trustfl_cuda.ptx" | grep -v 'atom\.' | head -3 | grep -q .; then
    echo "native-cuda: contractible or fused double arithmetic in $OUT/trustfl_cuda.ptx (is --fmad=false set?)" >&2
    exit 1
  fi
fi
if newer "$DRIVER"; then
  echo "native-cuda: $NVCC -> $DRIVER"
  # Host code only; cudart is linked statically (nvcc's default), so the driver needs only the NVIDIA driver.
  # shellcheck disable=SC2086
  "$NVCC" -std=c++17 -O2 -Xcompiler -ffp-contract=off,-Wall -I"$SRC" "$SRC/trustfl_cuda_check.cpp" \
    -L"$OUT" -ltrustfl_cuda -o "$DRIVER"
fi
if [ -f "$CSV" ]; then
  "$DRIVER" cpu-check "$CSV"
else
  echo "native-cuda: $CSV not found; skipping the CPU noise check" >&2
fi
