// trustfl-cuda-check: the native test driver of the CUDA kernels (no JVM needed).
//
//   trustfl-cuda-check cpu-check <reference-normals.csv>   CPU noise reference vs the Java-generated vectors
//   trustfl-cuda-check check [reference-normals.csv]       GPU kernels vs CPU references (needs a GPU)
//   trustfl-cuda-check bench [--quick]                     issue 5's benchmark shapes (needs a GPU)
//
// Exit status 0 = all checks passed, 1 = a check failed, 2 = usage error, 3 = no CUDA device.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "noise_math.cuh"
#include "trustfl_cuda.h"

namespace {

int failures = 0;

void fail(const char* what, const std::string& detail) {
  std::printf("FAIL %s: %s\n", what, detail.c_str());
  failures++;
}

#define CK(call)                                                                                  \
  do {                                                                                            \
    int e_ = (call);                                                                              \
    if (e_ != 0) {                                                                                \
      std::printf("CUDA error %d %s (%s) at %s:%d: %s\n", e_, tfc_error_name(e_), tfc_error_string(e_), \
                  __FILE__, __LINE__, #call);                                                     \
      std::exit(1);                                                                               \
    }                                                                                             \
  } while (0)

uint64_t bits(double x) {
  uint64_t b;
  std::memcpy(&b, &x, 8);
  return b;
}

void keyFromHex(const std::string& hex, int key[8]) {
  unsigned char bytes[32];
  for (int i = 0; i < 32; i++) bytes[i] = (unsigned char)std::stoul(hex.substr(2 * i, 2), nullptr, 16);
  for (int i = 0; i < 8; i++) {
    key[i] = (int)((uint32_t)bytes[4 * i] | (uint32_t)bytes[4 * i + 1] << 8 | (uint32_t)bytes[4 * i + 2] << 16 |
                   (uint32_t)bytes[4 * i + 3] << 24);
  }
}

struct RefRow {
  int key[8];
  uint64_t nonce, index;
  double u, v, normal;
};

std::vector<RefRow> readCsv(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::printf("cannot read %s\n", path);
    std::exit(2);
  }
  std::vector<RefRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("key_hex", 0) == 0) continue;
    std::stringstream ss(line);
    std::string f[6];
    for (auto& x : f) std::getline(ss, x, ',');
    RefRow r;
    keyFromHex(f[0], r.key);
    r.nonce = std::stoull(f[1]);
    r.index = std::stoull(f[2]);
    r.u = std::strtod(f[3].c_str(), nullptr);  // hex floats: exact
    r.v = std::strtod(f[4].c_str(), nullptr);
    r.normal = std::strtod(f[5].c_str(), nullptr);
    rows.push_back(r);
  }
  return rows;
}

// The CPU noise reference against the vectors of sdk-java's independent Python script (docs/NOISE.md): the
// uniforms u, v are exact there, the normals come from the platform libm and agree to rounding error of the angle
// (the same tolerance as sdk-java's ChaChaGaussianTest). Bit-exactness against Java is checked by the Java tests.
void cpuCheck(const char* csv) {
  std::vector<RefRow> rows = readCsv(csv);
  if (rows.size() < 100) fail("cpu-check", "too few reference rows in " + std::string(csv));
  int mismatches = 0;
  for (const RefRow& r : rows) {
    uint32_t key[8], w[16];
    for (int i = 0; i < 8; i++) key[i] = (uint32_t)r.key[i];
    tfc::chachaBlock(key, r.index >> 3, r.nonce, w);
    int p = (int)(r.index & 7) / 2;
    uint64_t a = (uint64_t)w[4 * p] | ((uint64_t)w[4 * p + 1] << 32);
    uint64_t b = (uint64_t)w[4 * p + 2] | ((uint64_t)w[4 * p + 3] << 32);
    double u = 1.0 - (double)(a >> 11) * 0x1p-53, v = (double)(b >> 11) * 0x1p-53;
    double z = 0;
    tfc_cpu_normals(r.key, (long long)r.nonce, (long long)r.index, 1, &z);
    double tol = 1e-14 + 8 * (std::nextafter(std::fabs(r.normal), INFINITY) - std::fabs(r.normal));
    if (bits(u) != bits(r.u) || bits(v) != bits(r.v) || !(std::fabs(z - r.normal) <= tol)) {
      if (mismatches++ < 5) {
        char buf[300];
        std::snprintf(buf, sizeof buf, "nonce %" PRIu64 " index %" PRIu64 ": u %a/%a v %a/%a normal %a/%a", r.nonce,
                      r.index, u, r.u, v, r.v, z, r.normal);
        fail("cpu noise vs reference-normals.csv", buf);
      }
    }
  }
  // A stream read in one call equals the same normals read one by one (split invariance, NOISE.md §5).
  int key[8];
  for (int i = 0; i < 8; i++) key[i] = 0x01020304 * (i + 1);
  std::vector<double> whole(37);
  tfc_cpu_normals(key, 7, 5, 37, whole.data());
  for (int i = 0; i < 37; i++) {
    double one = 0;
    tfc_cpu_normals(key, 7, 5 + i, 1, &one);
    if (bits(one) != bits(whole[i])) fail("cpu noise split invariance", "index " + std::to_string(5 + i));
  }
  // The GPU kernel's per-thread code run on the host for every thread: every index written once, bit for bit.
  for (uint64_t first : {0ull, 3ull, 8ull, 13ull, ~0ull - 10}) {
    for (long long n : {1LL, 5LL, 8LL, 9LL, 100LL}) {
      std::vector<double> ref(n), emu(n, NAN);
      tfc_cpu_normals(key, 1, (long long)first, n, ref.data());
      tfc_cpu_gaussian_kernel_emulation(key, 1, (long long)first, n, 1.0, 0, emu.data());
      for (long long i = 0; i < n; i++)
        if (bits(ref[i]) != bits(emu[i])) {
          fail("noise kernel thread coverage", "first " + std::to_string(first) + " i " + std::to_string(i));
          break;
        }
    }
  }
  std::printf("cpu-check: %zu reference normals, %d mismatches\n", rows.size(), mismatches);
}

bool haveDevice() {
  int n = 0;
  int e = tfc_device_count(&n);
  if (e != 0 || n == 0) {
    std::printf("no CUDA device: error %d %s (%s)\n", e, tfc_error_name(e), tfc_error_string(e));
    return false;
  }
  int major, minor, sms;
  long long mem;
  char name[256];
  CK(tfc_device_info(0, &major, &minor, &mem, &sms, name, sizeof name));
  int rt, drv;
  tfc_versions(&rt, &drv);
  std::printf("device 0: %s, sm_%d%d, %d SMs, %.1f GiB; runtime %d, driver %d\n", name, major, minor, sms,
              mem / 1073741824.0, rt, drv);
  return true;
}

struct Dev {
  long long p = 0;
  explicit Dev(long long bytes) { CK(tfc_malloc(bytes, &p)); }
  ~Dev() { tfc_free(p); }
  Dev(const Dev&) = delete;
  Dev& operator=(const Dev&) = delete;
};

double relErr(double got, double want) {
  if (got == want) return 0;
  return std::fabs(got - want) / std::max(std::fabs(want), 1e-300);
}

// ---- GPU checks ----

void checkNoise(const char* csv) {
  int keys[2][8];
  for (int i = 0; i < 8; i++) {
    keys[0][i] = 0x03020100 + 0x04040404 * i;  // bytes 00..1f
    keys[1][i] = (int)(0x9E3779B9u * (i + 1));
  }
  const uint64_t firsts[] = {0, 5, 8, 1001, (1ull << 35) - 3, ~0ull - 12};
  const long long lengths[] = {1, 7, 8, 1000, 100003};
  for (auto& key : keys) {
    for (uint64_t nonce : {0ull, 7ull, ~0ull}) {
      for (uint64_t first : firsts) {
        for (long long n : lengths) {
          std::vector<double> cpu(n), gpu(n), base(n), added(n);
          tfc_cpu_normals(key, (long long)nonce, (long long)first, n, cpu.data());
          Dev d(n * 8);
          CK(tfc_gaussian(key, (long long)nonce, (long long)first, n, 1.0, 0, d.p, 0));
          CK(tfc_copy_d2h_f64(gpu.data(), d.p, n, 0));
          CK(tfc_stream_sync(0));
          for (long long i = 0; i < n; i++) {
            if (bits(cpu[i]) != bits(gpu[i])) {
              char buf[200];
              std::snprintf(buf, sizeof buf, "nonce %" PRIu64 " first %" PRIu64 " i %lld: gpu %a cpu %a", nonce, first,
                            i, gpu[i], cpu[i]);
              fail("gpu noise == cpu noise", buf);
              break;
            }
          }
          // add mode: target + (stddev * z), two roundings
          for (long long i = 0; i < n; i++) base[i] = 0.1 * (double)i - 3.0;
          CK(tfc_copy_h2d_f64(d.p, base.data(), n, 0));
          CK(tfc_gaussian(key, (long long)nonce, (long long)first, n, 2.5, 1, d.p, 0));
          CK(tfc_copy_d2h_f64(added.data(), d.p, n, 0));
          CK(tfc_stream_sync(0));
          for (long long i = 0; i < n; i++) {
            double want = base[i] + 2.5 * cpu[i];
            if (bits(added[i]) != bits(want)) {
              fail("gpu addGaussian == target + stddev*z", "i " + std::to_string(i));
              break;
            }
          }
        }
      }
    }
  }
  if (csv != nullptr) {  // the CSV's own indexes, GPU vs CPU reference, bit for bit
    std::vector<RefRow> rows = readCsv(csv);
    Dev d(8);
    int bad = 0;
    for (const RefRow& r : rows) {
      double z, c;
      CK(tfc_gaussian(r.key, (long long)r.nonce, (long long)r.index, 1, 1.0, 0, d.p, 0));
      CK(tfc_copy_d2h_f64(&z, d.p, 1, 0));
      CK(tfc_stream_sync(0));
      tfc_cpu_normals(r.key, (long long)r.nonce, (long long)r.index, 1, &c);
      if (bits(z) != bits(c)) bad++;
    }
    if (bad) fail("gpu noise == cpu noise at reference-normals.csv indexes", std::to_string(bad) + " mismatches");
  }
  std::printf("noise: checked\n");
}

// CPU reference of clip-and-accumulate: the Java backend's algorithm.
void cpuClip(const std::vector<float>& rows, int B, long long D, const std::vector<float>* w, double C,
             std::vector<double>& sum, std::vector<double>& norms) {
  for (int i = 0; i < B; i++) {
    double s = 0;
    for (long long j = 0; j < D; j++) {
      double x = rows[i * D + j];
      s += x * x;
    }
    double n = std::isfinite(s) ? std::sqrt(s) : NAN;
    norms[i] = n;
    double wi = w ? (double)(*w)[i] : 1.0;
    if (std::isnan(n) || !std::isfinite(wi)) continue;
    double f = wi * (n <= C ? 1.0 : C / n);
    if (f == 0) continue;
    for (long long j = 0; j < D; j++) sum[j] += f * (double)rows[i * D + j];
  }
}

void checkClip() {
  std::mt19937_64 rng(42);
  std::normal_distribution<float> nd;
  struct Case {
    int B;
    long long D;
    bool weights;
    const char* name;
  } cases[] = {{1, 1, false, "B=1 D=1"},       {3, 5, true, "D=5"},          {64, 1000, true, "D=1000"},
               {17, 1001, false, "D=1001"},   {8, 40000, true, "D=40000"},  {300, 4096, false, "B=300"}};
  for (const Case& c : cases) {
    std::vector<float> rows(c.B * c.D), w(c.B);
    for (auto& x : rows) x = nd(rng);
    for (int i = 0; i < c.B; i++) {
      float scale = (i % 3 == 0) ? 0.01f : (i % 3 == 1 ? 1.0f : 100.0f);
      for (long long j = 0; j < c.D; j++) rows[i * c.D + j] *= scale;
      w[i] = 0.25f * (float)(i % 5);
    }
    if (c.B > 4) {
      for (long long j = 0; j < c.D; j++) rows[1 * c.D + j] = 0.0f;  // zero row
      rows[2 * c.D + c.D / 2] = NAN;                                  // rejected
      rows[3 * c.D] = INFINITY;                                       // rejected
      rows[4 * c.D] = 3.0e38f;                                        // huge but finite
    }
    double C = 1.0 + 0.5 * std::sqrt((double)c.D);
    std::vector<double> sum0(c.D), cpuSum(c.D), gpuSum(c.D), cpuNorms(c.B), gpuNorms(c.B);
    for (long long j = 0; j < c.D; j++) sum0[j] = cpuSum[j] = 0.001 * (double)(j % 7);
    cpuClip(rows, c.B, c.D, c.weights ? &w : nullptr, C, cpuSum, cpuNorms);
    Dev dRows(rows.size() * 4), dW(c.B * 4), dSum(c.D * 8), dNorms(c.B * 8), dF(c.B * 8),
        dScratch(tfc_row_norms_scratch_bytes(c.B, c.D));
    CK(tfc_copy_h2d_f32(dRows.p, rows.data(), (long long)rows.size(), 0));
    CK(tfc_copy_h2d_f32(dW.p, w.data(), c.B, 0));
    CK(tfc_copy_h2d_f64(dSum.p, sum0.data(), c.D, 0));
    CK(tfc_row_norms(dRows.p, c.B, c.D, dScratch.p, dNorms.p, 0));
    CK(tfc_clip_factors(dNorms.p, c.weights ? dW.p : 0, c.B, C, dF.p, 0));
    CK(tfc_weighted_column_sum(dRows.p, dF.p, c.B, c.D, dSum.p, 0));
    CK(tfc_copy_d2h_f64(gpuSum.data(), dSum.p, c.D, 0));
    CK(tfc_copy_d2h_f64(gpuNorms.data(), dNorms.p, c.B, 0));
    CK(tfc_stream_sync(0));
    double worst = 0;
    for (int i = 0; i < c.B; i++) {
      if (std::isnan(cpuNorms[i]) != std::isnan(gpuNorms[i])) fail("norm rejection", c.name);
      if (!std::isnan(cpuNorms[i])) worst = std::max(worst, relErr(gpuNorms[i], cpuNorms[i]));
    }
    if (worst > 1e-12) fail("row norms within 1e-12", c.name);
    double worstSum = 0;
    for (long long j = 0; j < c.D; j++) {
      double tol = 1e-6 * std::max(std::fabs(cpuSum[j]), 1e-9);
      if (!(std::fabs(gpuSum[j] - cpuSum[j]) <= tol)) {
        fail("column sum within 1e-6 relative", std::string(c.name) + " column " + std::to_string(j));
        break;
      }
      worstSum = std::max(worstSum, relErr(gpuSum[j], cpuSum[j]));
    }
    std::printf("clip %-10s norms rel %.2e, sums rel %.2e\n", c.name, worst, worstSum);
  }
}

void checkLinear() {
  std::mt19937_64 rng(7);
  std::normal_distribution<float> nd;
  struct Case {
    int B, T, I, O, bias;
  } cases[] = {{4, 1, 33, 10, 1}, {3, 5, 17, 9, 1}, {2, 12, 64, 40, 0}, {1, 1, 1, 1, 0}};
  for (const Case& c : cases) {
    std::vector<float> a((size_t)c.B * c.T * c.I), g((size_t)c.B * c.T * c.O);
    for (auto& x : a) x = nd(rng);
    for (auto& x : g) x = nd(rng);
    std::vector<double> f(c.B), cpuSq(c.B), gpuSq(c.B);
    for (int b = 0; b < c.B; b++) f[b] = b == 1 ? 0.0 : 0.5 + b;
    // CPU reference: ghost identities straight from the definition.
    for (int b = 0; b < c.B; b++) {
      double total = 0;
      for (int s = 0; s < c.T; s++)
        for (int r = 0; r < c.T; r++) {
          double aa = 0, gg = 0;
          for (int k = 0; k < c.I; k++) aa += (double)a[(b * c.T + s) * c.I + k] * a[(b * c.T + r) * c.I + k];
          for (int k = 0; k < c.O; k++) gg += (double)g[(b * c.T + s) * c.O + k] * g[(b * c.T + r) * c.O + k];
          total += aa * gg;
        }
      if (c.bias)
        for (int o = 0; o < c.O; o++) {
          double s = 0;
          for (int t = 0; t < c.T; t++) s += g[(b * c.T + t) * c.O + o];
          total += s * s;
        }
      cpuSq[b] = total;
    }
    std::vector<double> cpuW((size_t)c.I * c.O, 0.5), gpuW(cpuW.size()), cpuBias(c.O, -1.0), gpuBias(c.O);
    std::vector<double> w0 = cpuW, b0 = cpuBias;
    for (int b = 0; b < c.B; b++) {
      if (f[b] == 0) continue;
      for (int s = 0; s < c.T; s++)
        for (int i = 0; i < c.I; i++) {
          double cc = f[b] * (double)a[(b * c.T + s) * c.I + i];
          for (int o = 0; o < c.O; o++) cpuW[i * c.O + o] += cc * (double)g[(b * c.T + s) * c.O + o];
        }
      if (c.bias)
        for (int s = 0; s < c.T; s++)
          for (int o = 0; o < c.O; o++) cpuBias[o] += f[b] * (double)g[(b * c.T + s) * c.O + o];
    }
    Dev dA(a.size() * 4), dG(g.size() * 4), dF(c.B * 8), dSq(c.B * 8), dW(cpuW.size() * 8), dB(c.O * 8);
    CK(tfc_copy_h2d_f32(dA.p, a.data(), (long long)a.size(), 0));
    CK(tfc_copy_h2d_f32(dG.p, g.data(), (long long)g.size(), 0));
    CK(tfc_copy_h2d_f64(dF.p, f.data(), c.B, 0));
    CK(tfc_copy_h2d_f64(dW.p, w0.data(), (long long)w0.size(), 0));
    CK(tfc_copy_h2d_f64(dB.p, b0.data(), c.O, 0));
    CK(tfc_linear_ghost_norms_sq(dA.p, dG.p, c.B, c.T, c.I, c.O, c.bias, dSq.p, 0));
    CK(tfc_linear_clipped_sum(dA.p, dG.p, dF.p, c.B, c.T, c.I, c.O, c.bias, dW.p, dB.p, 0));
    CK(tfc_copy_d2h_f64(gpuSq.data(), dSq.p, c.B, 0));
    CK(tfc_copy_d2h_f64(gpuW.data(), dW.p, (long long)gpuW.size(), 0));
    CK(tfc_copy_d2h_f64(gpuBias.data(), dB.p, c.O, 0));
    CK(tfc_stream_sync(0));
    std::string name = "B" + std::to_string(c.B) + " T" + std::to_string(c.T);
    for (int b = 0; b < c.B; b++)
      if (relErr(gpuSq[b], cpuSq[b]) > 1e-9) fail("ghost norms within 1e-9", name);
    for (size_t k = 0; k < cpuW.size(); k++)
      if (bits(gpuW[k]) != bits(cpuW[k])) {
        fail("linear weight sum bit-identical", name);
        break;
      }
    if (c.bias)
      for (int o = 0; o < c.O; o++)
        if (bits(gpuBias[o]) != bits(cpuBias[o])) {
          fail("linear bias sum bit-identical", name);
          break;
        }
  }
  std::printf("linear: checked\n");
}

// The streaming aggregator's pipeline: host copy+norm into pinned slots, async copies, axpy on the device.
struct Pipeline {
  long long dim;
  long long pinned[2] = {0, 0}, dev[2] = {0, 0}, copied[2] = {0, 0}, done[2] = {0, 0};
  long long copyStream = 0, computeStream = 0, sum = 0;
  int next = 0;
  explicit Pipeline(long long d) : dim(d) {
    for (int s = 0; s < 2; s++) {
      CK(tfc_host_alloc(d * 4, &pinned[s]));
      CK(tfc_malloc(d * 4, &dev[s]));
      CK(tfc_event_create(&copied[s]));
      CK(tfc_event_create(&done[s]));
      CK(tfc_event_record(copied[s], 0));
      CK(tfc_event_record(done[s], 0));
    }
    CK(tfc_stream_create(&copyStream));
    CK(tfc_stream_create(&computeStream));
    CK(tfc_malloc(d * 8, &sum));
    CK(tfc_memset_async(sum, 0, d * 8, computeStream));
  }
  ~Pipeline() {
    tfc_stream_sync(computeStream);
    tfc_stream_sync(copyStream);
    for (int s = 0; s < 2; s++) {
      tfc_host_free(pinned[s]);
      tfc_free(dev[s]);
      tfc_event_destroy(copied[s]);
      tfc_event_destroy(done[s]);
    }
    tfc_stream_destroy(copyStream);
    tfc_stream_destroy(computeStream);
    tfc_free(sum);
  }
  double add(const float* update, double weight, double C) {
    int s = next;
    next ^= 1;
    CK(tfc_event_sync(copied[s]));  // the previous copy out of this pinned slot is finished
    double norm = tfc_host_copy_norm(update, 0, pinned[s], dim);
    if (std::isnan(norm)) return norm;
    double f = norm <= C ? 1.0 : C / norm;
    double scale = weight * f;
    if (scale == 0.0) return norm;
    CK(tfc_stream_wait_event(copyStream, done[s]));  // the previous axpy reading this device slot is finished
    CK(tfc_copy_pinned_h2d_f32(dev[s], pinned[s], dim, copyStream));
    CK(tfc_event_record(copied[s], copyStream));
    CK(tfc_stream_wait_event(computeStream, copied[s]));
    CK(tfc_axpy_f32(scale, dev[s], dim, sum, computeStream));
    CK(tfc_event_record(done[s], computeStream));
    return norm;
  }
  void read(std::vector<double>& out) {
    CK(tfc_copy_d2h_f64(out.data(), sum, dim, computeStream));
    CK(tfc_stream_sync(computeStream));
  }
};

void cpuAggregate(const std::vector<std::vector<float>>& updates, double C, std::vector<double>& sum) {
  for (const auto& u : updates) {
    double n = tfc_host_copy_norm(u.data(), 0, 0, (long long)u.size());
    if (std::isnan(n)) continue;
    double f = n <= C ? 1.0 : C / n;
    for (size_t j = 0; j < u.size(); j++) sum[j] += f * (double)u[j];
  }
}

void checkAggregator() {
  const long long D = 10007;
  std::mt19937_64 rng(3);
  std::normal_distribution<float> nd;
  std::vector<std::vector<float>> updates(25, std::vector<float>(D));
  for (size_t k = 0; k < updates.size(); k++)
    for (auto& x : updates[k]) x = nd(rng) * (float)(k % 4);
  updates[5][17] = NAN;
  std::vector<double> cpu(D, 0.0), gpu(D);
  cpuAggregate(updates, 30.0, cpu);
  Pipeline p(D);
  for (const auto& u : updates) p.add(u.data(), 1.0, 30.0);
  p.read(gpu);
  for (long long j = 0; j < D; j++)
    if (bits(gpu[j]) != bits(cpu[j])) {
      fail("aggregator pipeline bit-identical to CPU", "column " + std::to_string(j));
      break;
    }
  std::printf("aggregator: checked\n");
}

// ---- benchmarks ----

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void benchShape(int B, long long D, int reps) {
  long long n = (long long)B * D;
  Dev rows(n * 4), sum(D * 8), norms(B * 8), factors(B * 8), scratch(tfc_row_norms_scratch_bytes(B, D)), one(8);
  CK(tfc_fill_random_f32(rows.p, n, 12345, 1.0, 0));
  long long e0, e1;
  CK(tfc_event_create(&e0));
  CK(tfc_event_create(&e1));
  std::vector<double> plain, clip;
  double C = 0.5 * std::sqrt((double)D / 3.0);  // about half of the rows' norms: some rows clipped
  for (int r = 0; r < reps + 1; r++) {
    CK(tfc_event_record(e0, 0));
    CK(tfc_plain_sum_f32(rows.p, n, one.p, 0));
    CK(tfc_event_record(e1, 0));
    CK(tfc_event_sync(e1));
    double ms;
    CK(tfc_event_elapsed_ms(e0, e1, &ms));
    if (r > 0) plain.push_back(ms);
    CK(tfc_memset_async(sum.p, 0, D * 8, 0));
    CK(tfc_event_record(e0, 0));
    CK(tfc_row_norms(rows.p, B, D, scratch.p, norms.p, 0));
    CK(tfc_clip_factors(norms.p, 0, B, C, factors.p, 0));
    CK(tfc_weighted_column_sum(rows.p, factors.p, B, D, sum.p, 0));
    CK(tfc_event_record(e1, 0));
    CK(tfc_event_sync(e1));
    CK(tfc_event_elapsed_ms(e0, e1, &ms));
    if (r > 0) clip.push_back(ms);
  }
  // Variant: rows in groups of about 16 MB, each group's norm pass immediately followed by its sum pass, so the
  // second read of a group may hit L2 (50 MB on H100) instead of HBM. Same results (rows still in order).
  int R = (int)std::max(1LL, (16LL << 20) / (D * 4));
  if (R > B) R = B;
  Dev gScratch(tfc_row_norms_scratch_bytes(R, D));
  std::vector<double> grouped;
  for (int r = 0; r < reps + 1; r++) {
    CK(tfc_memset_async(sum.p, 0, D * 8, 0));
    CK(tfc_event_record(e0, 0));
    for (int g = 0; g < B; g += R) {
      int rows_g = std::min(R, B - g);
      long long off = (long long)g * D * 4;
      CK(tfc_row_norms(rows.p + off, rows_g, D, gScratch.p, norms.p + 8LL * g, 0));
      CK(tfc_clip_factors(norms.p + 8LL * g, 0, rows_g, C, factors.p + 8LL * g, 0));
      CK(tfc_weighted_column_sum(rows.p + off, factors.p + 8LL * g, rows_g, D, sum.p, 0));
    }
    CK(tfc_event_record(e1, 0));
    CK(tfc_event_sync(e1));
    double ms;
    CK(tfc_event_elapsed_ms(e0, e1, &ms));
    if (r > 0) grouped.push_back(ms);
  }
  double bytes = (double)n * 4;
  double tp = median(plain), tc = median(clip), tg = median(grouped);
  std::printf("bench clip-and-accumulate B=%d D=%lld: two passes %.3f ms = %.1f GB/s effective; plain reduction "
              "%.3f ms = %.1f GB/s; ratio %.2f (target >= 0.7)\n",
              B, D, tc, bytes / tc / 1e6, tp, bytes / tp / 1e6, tp / tc);
  std::printf("bench clip-and-accumulate B=%d D=%lld, row groups of %d (L2-sized): %.3f ms = %.1f GB/s; ratio %.2f\n",
              B, D, R, tg, bytes / tg / 1e6, tp / tg);
  tfc_event_destroy(e0);
  tfc_event_destroy(e1);
}

void benchNoise(long long count, int reps) {
  Dev out(count * 8);
  int key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  long long e0, e1;
  CK(tfc_event_create(&e0));
  CK(tfc_event_create(&e1));
  std::vector<double> t;
  for (int r = 0; r < reps + 1; r++) {
    CK(tfc_event_record(e0, 0));
    CK(tfc_gaussian(key, 9, (long long)r * count, count, 1.0, 0, out.p, 0));
    CK(tfc_event_record(e1, 0));
    CK(tfc_event_sync(e1));
    double ms;
    CK(tfc_event_elapsed_ms(e0, e1, &ms));
    if (r > 0) t.push_back(ms);
  }
  double tm = median(t);
  std::printf("bench noise: %lld normals in %.3f ms = %.3e normals/s\n", count, tm, count / (tm / 1e3));
  std::vector<double> cpu(1 << 20);
  auto c0 = std::chrono::steady_clock::now();
  tfc_cpu_normals(key, 9, 0, (long long)cpu.size(), cpu.data());
  double cs = std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
  std::printf("bench noise (CPU reference, 1 thread): %.3e normals/s\n", cpu.size() / cs);
  tfc_event_destroy(e0);
  tfc_event_destroy(e1);
}

void benchAggregation(int updates, long long D) {
  // Distinct host buffers (pageable memory, as a server receives them), filled once.
  std::vector<std::vector<float>> host(updates, std::vector<float>(D));
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> ud(-1.0f, 1.0f);
  for (auto& u : host)
    for (long long j = 0; j < D; j += 1) u[j] = ud(rng);
  double C = 0.5 * std::sqrt((double)D / 3.0);
  double gpuS;
  std::vector<double> gpu(D);
  {
    Pipeline p(D);
    p.add(host[0].data(), 0.0, C);  // warm-up (weight 0 adds nothing)
    p.read(gpu);
    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < updates; k++) p.add(host[k].data(), 1.0, C);
    p.read(gpu);
    gpuS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::vector<double> cpu(D, 0.0);
  auto t0 = std::chrono::steady_clock::now();
  cpuAggregate(host, C, cpu);
  double cpuS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double worst = 0;
  for (long long j = 0; j < D; j++) worst = std::max(worst, relErr(gpu[j], cpu[j]));
  double gb = (double)updates * D * 4 / 1e9;
  std::printf("bench end-to-end aggregation of %d updates x %lld floats from host memory: cuda %.3f s (%.2f GB/s), "
              "CPU reference 1 thread %.3f s (%.2f GB/s); max rel diff %.1e\n",
              updates, D, gpuS, gb / gpuS, cpuS, gb / cpuS, worst);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::printf("usage: %s cpu-check CSV | check [CSV] | bench [--quick]\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "cpu-check") {
    if (argc < 3) return 2;
    cpuCheck(argv[2]);
  } else if (mode == "check") {
    if (!haveDevice()) return 3;
    if (argc >= 3) cpuCheck(argv[2]);
    checkNoise(argc >= 3 ? argv[2] : nullptr);
    checkClip();
    checkLinear();
    checkAggregator();
  } else if (mode == "bench") {
    if (!haveDevice()) return 3;
    bool quick = argc >= 3 && std::string(argv[2]) == "--quick";
    int reps = quick ? 3 : 10;
    benchShape(1024, 1048576, reps);
    benchShape(256, 4194304, reps);
    benchNoise(quick ? (1LL << 24) : (1LL << 27), reps);
    benchAggregation(quick ? 100 : 1000, 1048576);
  } else {
    std::printf("unknown mode %s\n", mode.c_str());
    return 2;
  }
  std::printf(failures == 0 ? "ALL CHECKS PASSED\n" : "%d CHECK(S) FAILED\n", failures);
  return failures == 0 ? 0 : 1;
}
