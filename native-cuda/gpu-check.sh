#!/usr/bin/env bash
# One command for a machine with an NVIDIA GPU (driver supporting CUDA 13.0, i.e. r580 or newer, and nvcc):
#   native-cuda/gpu-check.sh            build, native correctness checks, benchmark (issue 5's shapes)
#   native-cuda/gpu-check.sh --quick    same with fewer repetitions and smaller noise/aggregation runs
#   native-cuda/gpu-check.sh --java     also the Java tests of this module (needs JDK 17 and Maven)
# Needs no JVM unless --java is given. Exit status: 0 when every check passed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/target/native-build"
CSV="$HERE/../sdk-java/src/test/resources/noise/reference-normals.csv"
QUICK=""
JAVA=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK="--quick" ;;
    --java) JAVA=1 ;;
    *) echo "usage: $0 [--quick] [--java]" >&2; exit 2 ;;
  esac
done
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
"$HERE/build-native.sh" "$OUT"
"$OUT/trustfl-cuda-check" check "$CSV"
# shellcheck disable=SC2086
"$OUT/trustfl-cuda-check" bench $QUICK
if [ "$JAVA" = 1 ]; then
  (cd "$HERE/.." && mvn -B -q -pl native-cuda -am install -DskipTests && mvn -B -pl native-cuda test)
fi
