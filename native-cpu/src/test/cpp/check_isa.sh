#!/usr/bin/env bash
# Checks that every instruction-set version of the kernels computes the same bits: builds the library three times
# with the run-time dispatch replaced by one fixed target (x86-64-v4 = AVX-512, x86-64-v3 = AVX2, x86-64 = SSE2),
# runs the same inputs through each (those the CPU here can execute) and compares the outputs. The multi-versioned
# library's AVX-512 path is compared bit for bit with the Java reference by CpuNoiseTest; this extends that to the
# other paths. Usage: src/test/cpp/check_isa.sh (from native-cpu/).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/../../main/cpp"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
ref=""
for isa in x86-64-v4 x86-64-v3 x86-64; do
  # The v4 build keeps the AVX-512 intrinsic loops (chosen at run time on AVX-512 CPUs); the others leave them out,
  # so their generic loops are compared with the intrinsics.
  extra=(); [ "$isa" = x86-64-v4 ] || extra=(-DTFL_NO_AVX512_INTRINSICS)
  g++ "${extra[@]}" -std=c++17 -O3 -march=$isa -mfpmath=sse -ffp-contract=off -fno-math-errno -Wall -Wextra -Werror -Wno-psabi \
    -pthread '-DTFL_CLONES=' -I"$SRC" "$SRC"/kernels.cpp "$SRC"/noise.cpp "$HERE"/isa_main.cpp -o "$TMP/$isa"
  if [ "$isa" = x86-64-v4 ] && ! grep -q avx512dq /proc/cpuinfo; then echo "skip $isa (CPU lacks it)"; continue; fi
  if [ "$isa" = x86-64-v3 ] && ! grep -q avx2 /proc/cpuinfo; then echo "skip $isa (CPU lacks it)"; continue; fi
  "$TMP/$isa" > "$TMP/$isa.out"
  if [ -z "$ref" ]; then
    ref="$isa"
  elif ! cmp -s "$TMP/$ref.out" "$TMP/$isa.out"; then
    echo "MISMATCH between $ref and $isa:"; diff "$TMP/$ref.out" "$TMP/$isa.out" | head; exit 1
  fi
  echo "$isa: $(wc -l < "$TMP/$isa.out") values, $(md5sum < "$TMP/$isa.out" | cut -c1-12)"
done
echo "all instruction sets agree"
