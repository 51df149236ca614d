package io.trustfl.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.LinearShape;
import io.trustfl.privacy.ChaCha20;
import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parts of the CUDA module's math that run on the host, so they are checked on every machine: the noise source
 * (noise_math.cuh, the very code the GPU kernel compiles) compiled for the CPU, against the Java reference bit for
 * bit and against sdk-java's independent Python vectors; and the aggregator's fused copy-and-norm against
 * {@link ClipMath#l2Norm}.
 */
class HostReferenceTest {
  private static final Path CSV = Path.of("..", "sdk-java", "src", "test", "resources", "noise",
      "reference-normals.csv");

  @BeforeEach
  void library() {
    NativeBuild.assumeBuilt();
    assertTrue(CudaRuntime.ensureLoaded(), () -> "JNI library did not load: " + CudaRuntime.unavailableReason());
  }

  private static NoiseKey key(int seed) {
    byte[] b = new byte[32];
    new SplittableRandom(seed).nextBytes(b);
    return NoiseKey.insecureFixedKeyForTesting(b);
  }

  private static double[] cpuNormals(NoiseKey key, long nonce, long first, int n) {
    double[] out = new double[n];
    CudaNative.tfc_cpu_normals(key.words(), nonce, first, n, out);
    return out;
  }

  @Test
  void cpuNoiseIsBitIdenticalToJava() {
    long[] nonces = {0, 7, -1L, 0x123456789abcdefL};
    long[] firsts = {0, 1, 5, 8, 1001, (1L << 35) - 3, (1L << 32) * 8 - 1, -13L, -1L};
    int[] lengths = {1, 3, 8, 9, 100, 4099};
    for (int seed = 0; seed < 3; seed++) {
      NoiseKey key = key(seed);
      for (long nonce : nonces) {
        for (long first : firsts) {
          for (int n : lengths) {
            double[] java = new double[n];
            ChaChaGaussian.normals(key, nonce, first, java, 0, n);
            double[] cpu = cpuNormals(key, nonce, first, n);
            for (int i = 0; i < n; i++) {
              if (Double.doubleToRawLongBits(java[i]) != Double.doubleToRawLongBits(cpu[i])) {
                fail("normal " + i + " of (seed " + seed + ", nonce " + nonce + ", first " + Long.toUnsignedString(
                    first) + "): native " + Double.toHexString(cpu[i]) + " java " + Double.toHexString(java[i]));
              }
            }
          }
        }
      }
    }
  }

  /** The GPU kernel's per-thread code, run for every thread on the host: its index arithmetic, bit for bit. */
  @Test
  void noiseKernelThreadsCoverEveryIndexExactlyOnce() {
    long[] firsts = {0, 1, 7, 8, 9, 1001, (1L << 35) - 3, -1L, -8L, -13L};
    int[] lengths = {1, 2, 7, 8, 9, 15, 16, 17, 1000};
    NoiseKey key = key(5);
    for (long nonce : new long[] {0, -1L}) {
      for (long first : firsts) {
        for (int n : lengths) {
          double[] java = new double[n];
          ChaChaGaussian.normals(key, nonce, first, java, 0, n);
          double[] kernel = new double[n];
          Arrays.fill(kernel, Double.NaN); // an index no thread writes stays NaN
          CudaNative.tfc_cpu_gaussian_kernel_emulation(key.words(), nonce, first, n, 1.0, 0, kernel);
          String where = "first " + Long.toUnsignedString(first) + " n " + n;
          for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(java[i]), Double.doubleToRawLongBits(kernel[i]), where);
          }
          double[] tj = new double[n];
          double[] tk = new double[n];
          for (int i = 0; i < n; i++) {
            tj[i] = tk[i] = i * 0.37 - 2;
          }
          ChaChaGaussian.addScaled(key, nonce, first, 1.9, tj, 0, n);
          CudaNative.tfc_cpu_gaussian_kernel_emulation(key.words(), nonce, first, n, 1.9, 1, tk);
          for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(tj[i]), Double.doubleToRawLongBits(tk[i]), "add " + where);
          }
        }
      }
    }
  }

  /**
   * The row-norm kernels' per-thread bodies on the host (every element of every chunk read exactly once, float4 and
   * scalar strides, chunk boundaries) against ClipMath.l2Norm: equal to 1e-12 relative, NaN for non-finite rows.
   */
  @Test
  void rowNormKernelBodiesCoverEveryElement() {
    SplittableRandom rnd = new SplittableRandom(23);
    int[] dims = {1, 3, 4, 5, 1000, 16384, 16385, 2 * 16384 + 4, 3 * 16384 + 7};
    for (int d : dims) {
      int b = 3;
      float[] rows = new float[b * d];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
      rows[2 * d + d - 1] = Float.POSITIVE_INFINITY; // last element of the last row: must be seen
      double[] norms = new double[b];
      CudaNative.tfc_cpu_row_norms_emulation(rows, b, d, norms);
      for (int i = 0; i < 2; i++) {
        double want = ClipMath.l2Norm(rows, i * d, d);
        assertEquals(want, norms[i], 1e-12 * want, "D=" + d + " row " + i);
      }
      assertTrue(Double.isNaN(norms[2]), "D=" + d + ": an infinite last element makes the norm NaN");
    }
  }

  /**
   * The column-sum kernel's per-thread body on the host equals JavaKernels' sum bit for bit when given the Java
   * backend's clip factors: same order of double additions, no fused multiply-add.
   */
  @Test
  void columnSumKernelBodyIsBitIdenticalToJavaGivenTheFactors() {
    SplittableRandom rnd = new SplittableRandom(21);
    int[][] shapes = {{1, 1}, {3, 5}, {17, 1001}, {64, 300}};
    for (int[] shape : shapes) {
      int b = shape[0];
      int d = shape[1];
      float[] rows = new float[b * d];
      float[] w = new float[b];
      for (int i = 0; i < b; i++) {
        double scale = Math.pow(10, rnd.nextInt(-2, 3));
        for (int j = 0; j < d; j++) {
          rows[i * d + j] = (float) (scale * (rnd.nextDouble() - 0.5));
        }
        w[i] = i % 4 == 1 ? 0f : (float) rnd.nextDouble();
      }
      if (b > 2) {
        rows[2 * d] = Float.NaN; // rejected: factor 0
      }
      double clip = 0.5 * Math.sqrt(d);
      double[] sumJ = new double[d];
      double[] sumK = new double[d];
      for (int j = 0; j < d; j++) {
        sumJ[j] = sumK[j] = 0.125 * (j % 5);
      }
      double[] norms = new double[b];
      new JavaKernels().clipAndAccumulate(FloatBuffer.wrap(rows), b, d, FloatBuffer.wrap(w),
          clip, DoubleBuffer.wrap(sumJ), DoubleBuffer.wrap(norms));
      double[] factors = new double[b];
      for (int i = 0; i < b; i++) {
        factors[i] = Double.isNaN(norms[i]) ? 0.0 : w[i] * ClipMath.clipFactor(norms[i], clip);
      }
      CudaNative.tfc_cpu_column_sum_emulation(rows, factors, b, d, sumK);
      for (int j = 0; j < d; j++) {
        assertEquals(Double.doubleToRawLongBits(sumJ[j]), Double.doubleToRawLongBits(sumK[j]),
            "B=" + b + " D=" + d + " column " + j);
      }
    }
  }

  /**
   * The linear clipped-sum kernels' per-thread bodies on the host equal JavaKernels bit for bit; the ghost-norm
   * kernel's decomposition (pairs of the Gram matrices, lane-strided dots, bias columns) equals it to 1e-12.
   */
  @Test
  void linearSumKernelBodiesAreBitIdenticalToJava() {
    SplittableRandom rnd = new SplittableRandom(22);
    LinearShape[] shapes = {new LinearShape(4, 1, 33, 10, true), new LinearShape(3, 5, 17, 9, true),
        new LinearShape(2, 12, 8, 40, false), new LinearShape(2, 3, 300, 257, true)};
    for (LinearShape s : shapes) {
      float[] a = new float[s.activationCount()];
      float[] g = new float[s.outputGradCount()];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (rnd.nextDouble() - 0.5);
      }
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) (rnd.nextDouble() - 0.5);
      }
      double[] f = new double[s.batch()];
      for (int i = 0; i < f.length; i++) {
        f[i] = i == 1 ? 0.0 : rnd.nextDouble();
      }
      double[] wj = new double[s.in() * s.out()];
      double[] bj = new double[s.out()];
      Arrays.fill(wj, 0.5);
      Arrays.fill(bj, -1.0);
      double[] wk = wj.clone();
      double[] bk = bj.clone();
      new JavaKernels().linearClippedSum(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g),
          DoubleBuffer.wrap(f), DoubleBuffer.wrap(wj), DoubleBuffer.wrap(bj));
      CudaNative.tfc_cpu_linear_clipped_sum_emulation(a, g, f, s.batch(), s.seq(), s.in(), s.out(),
          s.bias() ? 1 : 0, wk, bk);
      double[] nj = new double[s.batch()];
      double[] nk = new double[s.batch()];
      new JavaKernels().linearGhostNormsSquared(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g), DoubleBuffer.wrap(nj));
      CudaNative.tfc_cpu_ghost_norms_emulation(a, g, s.batch(), s.seq(), s.in(), s.out(), s.bias() ? 1 : 0, nk);
      for (int k = 0; k < nj.length; k++) {
        assertEquals(nj[k], nk[k], 1e-12 * nj[k], s + " ghost norm " + k);
      }
      for (int k = 0; k < wj.length; k++) {
        assertEquals(Double.doubleToRawLongBits(wj[k]), Double.doubleToRawLongBits(wk[k]), s + " weight " + k);
      }
      for (int k = 0; k < bj.length; k++) {
        assertEquals(Double.doubleToRawLongBits(bj[k]), Double.doubleToRawLongBits(bk[k]), s + " bias " + k);
      }
    }
  }

  @Test
  void cpuNoiseMatchesIndependentPythonVectors() throws IOException {
    if (!Files.isReadable(CSV)) {
      fail("reference vectors not found at " + CSV.toAbsolutePath()
          + " (run the tests from native-cuda/ in a full checkout)");
    }
    List<String> lines = Files.readAllLines(CSV, StandardCharsets.UTF_8);
    int rows = 0;
    for (String line : lines) {
      if (line.startsWith("#") || line.startsWith("key_hex") || line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      NoiseKey key = NoiseKey.insecureFixedKeyForTesting(HexFormat.of().parseHex(f[0]));
      long nonce = Long.parseUnsignedLong(f[1]);
      long index = Long.parseUnsignedLong(f[2]);
      double u = Double.parseDouble(f[3]);
      double v = Double.parseDouble(f[4]);
      double expected = Double.parseDouble(f[5]);
      // The uniforms are exact in the vectors.
      int[] block = new int[16];
      ChaCha20.block(key.words(), index >>> 3, nonce, block);
      int p = (int) (index & 7) / 2;
      long a = (block[4 * p] & 0xffffffffL) | ((long) block[4 * p + 1] << 32);
      long b = (block[4 * p + 2] & 0xffffffffL) | ((long) block[4 * p + 3] << 32);
      assertEquals(u, 1.0 - (a >>> 11) * 0x1p-53, line);
      assertEquals(v, (b >>> 11) * 0x1p-53, line);
      // The script's normals use the platform libm: equal to rounding error of the angle, as in sdk-java.
      double z = cpuNormals(key, nonce, index, 1)[0];
      assertEquals(expected, z, 1e-14 + 8 * Math.ulp(expected), line);
      rows++;
    }
    assertEquals(252, rows);
  }

  /**
   * The native views of direct buffers that the device copies use ({@link HostMemory}): they must address the
   * buffer's position, for float views and double views, so this is checked here through host-only functions.
   */
  @Test
  void directBufferViewsAddressTheBufferPosition() {
    float[] v = new float[40];
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 0.5f - 7f;
    }
    FloatBuffer fb = ByteBuffer.allocateDirect(4 * v.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    fb.put(v).position(11);
    assertTrue(HostMemory.inPlace(fb));
    try (FloatPointer p = HostMemory.floats(fb, 20)) {
      assertEquals(ClipMath.l2Norm(v, 11, 20), CudaNative.tfc_host_copy_norm(p, 0, 0, 20));
    }
    FloatBuffer heap = FloatBuffer.wrap(v).position(11);
    try (FloatPointer p = HostMemory.floats(heap, 20)) {
      assertEquals(ClipMath.l2Norm(v, 11, 20), CudaNative.tfc_host_copy_norm(p, 0, 0, 20));
    }
    FloatBuffer swapped = ByteBuffer.allocateDirect(4 * v.length).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
    swapped.put(v).position(11);
    assertTrue(!HostMemory.inPlace(swapped));
    try (FloatPointer p = HostMemory.floats(swapped, 20)) {
      assertEquals(ClipMath.l2Norm(v, 11, 20), CudaNative.tfc_host_copy_norm(p, 0, 0, 20));
    }

    NoiseKey key = key(9);
    DoubleBuffer db = ByteBuffer.allocateDirect(8 * 30).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    db.position(7);
    try (DoublePointer p = new DoublePointer(db.slice())) {
      CudaNative.tfc_cpu_normals(key.words(), 3, 100, 12, p);
    }
    double[] expected = new double[12];
    ChaChaGaussian.normals(key, 3, 100, expected, 0, 12);
    for (int i = 0; i < 30; i++) {
      double want = i >= 7 && i < 19 ? expected[i - 7] : 0.0;
      assertEquals(want, db.get(i), "element " + i);
    }
  }

  @Test
  void fusedCopyAndNormIsBitIdenticalToClipMath() {
    SplittableRandom rnd = new SplittableRandom(11);
    int[] lengths = {1, 2, 3, 4, 5, 7, 8, 1000, 1001, 65539};
    for (int n : lengths) {
      float[] v = new float[n + 3];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-20, 20)));
      }
      try (FloatPointer dst = new FloatPointer(n)) {
        double nat = CudaNative.tfc_host_copy_norm(v, 3, dst.address(), n);
        assertEquals(Double.doubleToRawLongBits(ClipMath.l2Norm(v, 3, n)), Double.doubleToRawLongBits(nat),
            "n=" + n);
        float[] copy = new float[n];
        dst.get(copy);
        for (int i = 0; i < n; i++) {
          assertEquals(Float.floatToRawIntBits(v[3 + i]), Float.floatToRawIntBits(copy[i]), "element " + i);
        }
      }
    }
    float[] special = {Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 0f};
    assertEquals(ClipMath.l2Norm(special, 0, 5), CudaNative.tfc_host_copy_norm(special, 0, 0, 5));
    assertTrue(Double.isNaN(CudaNative.tfc_host_copy_norm(new float[] {1f, Float.NaN, 2f}, 0, 0, 3)));
    assertTrue(Double.isNaN(CudaNative.tfc_host_copy_norm(new float[] {1f, 2f, 3f, 4f, Float.NEGATIVE_INFINITY},
        0, 0, 5)));
    assertEquals(0.0, CudaNative.tfc_host_copy_norm(new float[6], 0, 0, 6));
  }
}
