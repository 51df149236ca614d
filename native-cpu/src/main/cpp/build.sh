#!/usr/bin/env bash
# Builds libtrustflcpu.a from the C++17 sources in this directory into the directory given as $1.
# Flags: IEEE binary64 everywhere (-ffp-contract=off: no fused multiply-add, as docs/NOISE.md requires; SSE2/AVX, never
# x87 on x86-64; no -ffast-math), generic x86-64 code with AVX2/AVX-512 clones picked at run time (see simd.h).
set -euo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:?usage: build.sh OUTPUT_DIR}"
CXX="${CXX:-g++}"
mkdir -p "$OUT"
FLAGS=(-std=c++17 -O3 -fPIC -march=x86-64 -mtune=generic -mfpmath=sse -ffp-contract=off -fno-fast-math
  -fno-math-errno -fvisibility=default -Wall -Wextra -Werror -Wno-psabi -pthread)
objs=()
for f in "$SRC"/*.cpp; do
  o="$OUT/$(basename "${f%.cpp}").o"
  "$CXX" "${FLAGS[@]}" -c "$f" -o "$o"
  objs+=("$o")
done
rm -f "$OUT/libtrustflcpu.a"
ar rcs "$OUT/libtrustflcpu.a" "${objs[@]}"
echo "built $OUT/libtrustflcpu.a"
