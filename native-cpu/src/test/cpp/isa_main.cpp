// Prints the kernels' outputs as hex for one instruction set (see check_isa.sh).
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

#include "trustfl_cpu.h"

int main() {
  long long ctx = tfl_ctx_create(2, 0);
  int32_t key[8] = {0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x13121110, 0x17161514, 0x1b1a1918,
      0x1f1e1d1c};
  const long long starts[] = {0, 5, (1LL << 35) - 3, -70};
  for (long long s : starts) {
    std::vector<double> z(5000);
    tfl_gaussian(ctx, key, 0x0123456789ABCDEFLL, s, z.data(), static_cast<long long>(z.size()), 1.0, 0);
    for (double v : z) {
      uint64_t b;
      std::memcpy(&b, &v, 8);
      std::printf("%016" PRIx64 "\n", b);
    }
  }
  const int B = 7, D = 1001;
  std::vector<float> rows(B * D);
  for (int i = 0; i < B * D; i++) rows[i] = static_cast<float>((i * 7919 % 2003) - 1001) / 1000.0f;
  std::vector<double> sum(D), norms(B);
  tfl_clip_accumulate(ctx, rows.data(), B, D, nullptr, 5.0, sum.data(), norms.data());
  for (double v : norms) std::printf("norm %.17g\n", v);
  for (int j = 0; j < D; j += 97) std::printf("sum %.17g\n", sum[j]);
  // The blocked aggregator's staging copy and its scale-add pass.
  std::vector<float> block(B * D);
  std::vector<double> scales(B), agg(D);
  for (int r = 0; r < B; r++) {
    double n = tfl_copy_norm(rows.data(), static_cast<long long>(r) * D, block.data() + r * D, D);
    scales[r] = n <= 5.0 ? 1.0 : 5.0 / n;
    std::printf("copy_norm %.17g %d\n", n, std::memcmp(block.data() + r * D, rows.data() + r * D, 4 * D) == 0);
  }
  tfl_scale_add_rows(ctx, block.data(), B, D, scales.data(), agg.data());
  for (int j = 0; j < D; j += 97) std::printf("agg %.17g\n", agg[j]);
  tfl_ctx_destroy(ctx);
  return 0;
}
