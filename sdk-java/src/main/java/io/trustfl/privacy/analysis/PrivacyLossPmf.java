package io.trustfl.privacy.analysis;

import java.util.Arrays;
import org.hipparchus.transform.DftNormalization;
import org.hipparchus.transform.FastFourierTransformer;
import org.hipparchus.transform.TransformType;

/**
 * A discretized privacy loss distribution (PLD; Koskela et al. 2020, Meiser and Mohammadi 2018): probability masses
 * on the grid {@code (offset + i)·h} plus a mass at +∞, always a <em>pessimistic</em> (dominating) approximation of
 * the true distribution, so that every ε read from it is an upper bound.
 *
 * <p>One step of the subsampled Gaussian is discretized by "connect the dots" (Doroshenko, Ghazi, Kamath, Kumar,
 * Manurangsi 2022, as Google's dp_accounting): the masses are chosen so the discrete δ(ε) equals the true δ(ε) at
 * every grid point and dominates it in between, which is far tighter than rounding each loss up to the grid. The
 * mass above the top grid point is put at +∞ and the mass below the bottom grid point is moved up to it.
 *
 * <p>Composition is convolution of the masses, by FFT (Hipparchus) for large supports and directly for small ones;
 * T-fold self-composition uses repeated squaring. After each convolution the tails are truncated pessimistically:
 * at most {@link #TAIL_MASS_TRUNCATION} of mass from the bottom is moved up to the first kept grid point and at most
 * as much from the top is added to the mass at +∞. FFT round-off below zero is set to zero.
 *
 * <p>ε(δ) solves δ = p_∞ + Σ_i p_i (1 − e^{ε − ℓ_i})₊ exactly for the discrete distribution.
 *
 * <p>Immutable; thread-safe.
 */
public final class PrivacyLossPmf {
  /** Mass truncated from each tail after each convolution. */
  public static final double TAIL_MASS_TRUNCATION = 1e-15;
  /** Largest grid this class builds (2^24 points; the FFT then needs about 512 MiB). */
  static final int MAX_POINTS = 1 << 24;
  /** At most h/2^10 for the fine grid of one step. */
  private static final int MAX_REFINEMENT = 10;
  /** The fine grid is refined until h ≤ (std of one step's loss) / this. */
  private static final double REFINEMENT_RATIO = 16;
  /** Fine grids stop refining beyond this many points. */
  private static final double MAX_FINE_POINTS = 1 << 20;
  /** Blocks are moved to the coarse grid once their loss spans this many grid widths (one standard deviation). */
  private static final double COARSEN_SPREAD = 8;
  /** Below this product of lengths convolution is done directly. */
  private static final long DIRECT_CONVOLUTION_WORK = 1L << 16;

  private final double h;
  private final long offset;
  private final double[] probs;
  private final double infinityMass;

  private PrivacyLossPmf(double h, long offset, double[] probs, double infinityMass) {
    this.h = h;
    this.offset = offset;
    this.probs = probs;
    this.infinityMass = Math.min(1, infinityMass);
  }

  /**
   * The identity of composition: all mass at loss 0.
   *
   * @param valueDiscretization grid width h &gt; 0
   */
  public static PrivacyLossPmf identity(double valueDiscretization) {
    return new PrivacyLossPmf(checkH(valueDiscretization), 0, new double[] {1}, 0);
  }

  /**
   * The pessimistic ("connect the dots") PLD of one step of the Poisson-subsampled Gaussian mechanism.
   *
   * @param q sampling rate in (0, 1]
   * @param sigma noise multiplier, finite and &gt; 0
   * @param valueDiscretization grid width h &gt; 0 (smaller is tighter and slower; 1e-4 is dp_accounting's default)
   * @param adjacency which direction of add/remove adjacency
   */
  public static PrivacyLossPmf subsampledGaussian(double q, double sigma, double valueDiscretization,
      Adjacency adjacency) {
    double h = checkH(valueDiscretization);
    SubsampledGaussianLoss loss = new SubsampledGaussianLoss(q, sigma, adjacency);
    long lo = (long) Math.floor(loss.lowerLoss() / h);
    long hi = (long) Math.ceil(loss.upperLoss() / h);
    if (hi <= lo) {
      hi = lo + 1;
    }
    if (hi - lo + 1 > MAX_POINTS) {
      throw new IllegalArgumentException("valueDiscretization " + h + " is too fine for samplingRate " + q
          + " and noiseMultiplier " + sigma + ": the loss spans [" + loss.lowerLoss() + ", " + loss.upperLoss()
          + "], more than " + MAX_POINTS + " grid points; use a coarser discretization");
    }
    int n = (int) (hi - lo + 1);
    double[] deltas = new double[n];
    for (int i = 0; i < n; i++) {
      deltas[i] = loss.delta((lo + i) * h);
    }
    return connectTheDots(h, lo, deltas).truncated();
  }

  /**
   * The PLD of {@code steps} steps of the Poisson-subsampled Gaussian mechanism on a grid of width h, accurate
   * even when one step's privacy loss is much narrower than h (small q): one step is discretized on a finer grid
   * h/2^j (j ≤ 10) and composed there until its spread covers several grid widths; the block is then re-discretized
   * onto the grid h by connect-the-dots, which keeps it pessimistic, and composed further on that grid.
   *
   * @param q sampling rate in (0, 1]
   * @param sigma noise multiplier, finite and &gt; 0
   * @param valueDiscretization grid width h &gt; 0 of the result
   * @param adjacency which direction of add/remove adjacency
   * @param steps number of steps ≥ 0
   */
  public static PrivacyLossPmf subsampledGaussian(double q, double sigma, double valueDiscretization,
      Adjacency adjacency, long steps) {
    double h = checkH(valueDiscretization);
    DpParams.steps(steps);
    if (steps == 0) {
      return identity(h);
    }
    PrivacyLossPmf base = subsampledGaussian(q, sigma, h, adjacency);
    int j = 0;
    while (j < MAX_REFINEMENT && base.h > base.lossStdDev() / REFINEMENT_RATIO
        && (base.maxLoss() - base.minLoss()) / (base.h / 2) < MAX_FINE_POINTS) {
      j++;
      base = subsampledGaussian(q, sigma, h / (1 << j), adjacency);
    }
    if (j == 0) {
      return base.selfCompose(steps);
    }
    // Smallest power of two m ≤ steps whose m-fold composition is COARSEN_SPREAD grid widths wide.
    double sd = base.lossStdDev();
    long m = 1;
    while (m * 2 <= steps && sd * Math.sqrt(m) < COARSEN_SPREAD * h) {
      m *= 2;
    }
    PrivacyLossPmf block = base.selfCompose(m).coarsened(h);
    PrivacyLossPmf result = block.selfCompose(steps / m);
    long rest = steps % m;
    if (rest > 0) {
      result = result.compose(base.selfCompose(rest).coarsened(h));
    }
    return result;
  }

  /**
   * Connect-the-dots re-discretization onto a coarser grid: the result's δ(ε) equals this PLD's at every point of
   * the coarse grid and dominates it in between, so it stays pessimistic.
   *
   * @param coarseH the new grid width, ≥ this grid width
   */
  public PrivacyLossPmf coarsened(double coarseH) {
    checkH(coarseH);
    if (coarseH < h) {
      throw new IllegalArgumentException("coarseH must be >= the current grid width " + h + ", got " + coarseH);
    }
    long lo = (long) Math.floor(minLoss() / coarseH);
    long hi = Math.max(lo + 1, (long) Math.ceil(maxLoss() / coarseH));
    int n = Math.toIntExact(hi - lo + 1);
    double[] deltas = new double[n];
    // Sweep down: above = Σ_{ℓ_i > ε_k} p_i, weighted = Σ_{ℓ_i > ε_k} p_i e^{ε_k − ℓ_i}.
    double above = 0;
    double weighted = 0;
    int i = probs.length - 1;
    double expMinusH = Math.exp(-coarseH);
    for (int k = n - 1; k >= 0; k--) {
      double eps = (lo + k) * coarseH;
      if (k < n - 1) {
        weighted *= expMinusH;
      }
      while (i >= 0 && (offset + i) * h > eps) {
        above += probs[i];
        weighted += probs[i] * Math.exp(eps - (offset + i) * h);
        i--;
      }
      deltas[k] = Math.min(1, infinityMass + Math.max(0, above - weighted));
    }
    return connectTheDots(coarseH, lo, deltas);
  }

  /** Standard deviation of the loss over the finite masses. */
  double lossStdDev() {
    double m = 0;
    double s = 0;
    for (int i = 0; i < probs.length; i++) {
      m += probs[i] * i;
      s += probs[i];
    }
    if (s == 0) {
      return 0;
    }
    m /= s;
    double v = 0;
    for (int i = 0; i < probs.length; i++) {
      v += probs[i] * (i - m) * (i - m);
    }
    return Math.sqrt(v / s) * h;
  }

  /**
   * The PLD whose δ(ε) equals {@code deltas[i]} at ε = (lo + i)·h (Doroshenko et al. 2022): mass
   * [(δ_{k−1} − δ_k) − e^{−h}(δ_k − δ_{k+1})]/(1 − e^{−h}) at each interior point, δ_top at +∞, the rest at the
   * bottom point.
   */
  private static PrivacyLossPmf connectTheDots(double h, long lo, double[] deltas) {
    int n = deltas.length;
    // δ must be non-increasing in ε; round-off may break that by an ulp.
    for (int i = n - 2; i >= 0; i--) {
      deltas[i] = Math.max(deltas[i], deltas[i + 1]);
    }
    double infinity = deltas[n - 1];
    double[] p = new double[n];
    double expMinusH = Math.exp(-h);
    double scale = 1 / -Math.expm1(-h);
    double finite = 0;
    for (int k = n - 1; k >= 1; k--) {
      double upper = k + 1 < n ? deltas[k] - deltas[k + 1] : 0;
      double m = ((deltas[k - 1] - deltas[k]) - expMinusH * upper) * scale;
      p[k] = Math.max(0, m);
      finite += p[k];
    }
    p[0] = Math.max(0, 1 - infinity - finite);
    return new PrivacyLossPmf(h, lo, p, infinity).trimmed();
  }

  /** Grid width h. */
  public double valueDiscretization() {
    return h;
  }

  /** Mass at +∞ (contributes to δ at every ε). */
  public double infinityMass() {
    return infinityMass;
  }

  /** Number of grid points in the support. */
  public int size() {
    return probs.length;
  }

  /** Smallest loss on the grid. */
  public double minLoss() {
    return offset * h;
  }

  /** Largest loss on the grid. */
  public double maxLoss() {
    return (offset + probs.length - 1) * h;
  }

  /** Total finite mass (≈ 1 − {@link #infinityMass()}, slightly more after pessimistic round-off). */
  public double finiteMass() {
    double s = 0;
    for (double v : probs) {
      s += v;
    }
    return s;
  }

  /**
   * The composition of this mechanism with another (the PLD of running both).
   *
   * @throws IllegalArgumentException if the grids differ
   */
  public PrivacyLossPmf compose(PrivacyLossPmf other) {
    if (other.h != h) {
      throw new IllegalArgumentException("cannot compose PLDs with different discretizations " + h + " and "
          + other.h);
    }
    double[] c = convolve(probs, other.probs);
    double inf = 1 - (1 - infinityMass) * (1 - other.infinityMass);
    return new PrivacyLossPmf(h, offset + other.offset, c, inf).truncated();
  }

  /**
   * The T-fold self-composition, by repeated squaring.
   *
   * @param times T ≥ 0 (0 gives the identity)
   */
  public PrivacyLossPmf selfCompose(long times) {
    DpParams.steps(times);
    PrivacyLossPmf result = null;
    PrivacyLossPmf power = this;
    long t = times;
    while (t > 0) {
      if ((t & 1) != 0) {
        result = result == null ? power : result.compose(power);
      }
      t >>= 1;
      if (t > 0) {
        power = power.compose(power);
      }
    }
    return result == null ? identity(h) : result;
  }

  /**
   * δ(ε) = p_∞ + Σ_i p_i (1 − e^{ε − ℓ_i})₊.
   *
   * @param epsilon any real ε
   */
  public double delta(double epsilon) {
    double d = infinityMass;
    for (int i = probs.length - 1; i >= 0; i--) {
      double l = (offset + i) * h;
      if (l <= epsilon) {
        break;
      }
      d += probs[i] * -Math.expm1(epsilon - l);
    }
    return Math.min(1, d);
  }

  /**
   * The smallest ε ≥ 0 with δ(ε) ≤ δ, +∞ when the mass at infinity exceeds δ.
   *
   * @param delta δ in (0, 1)
   */
  public double epsilon(double delta) {
    DpParams.delta(delta);
    if (infinityMass > delta) {
      return Double.POSITIVE_INFINITY;
    }
    double expMinusH = Math.exp(-h);
    double above = 0; // Σ_{i>k} p_i
    double weighted = 0; // Σ_{i>k} p_i e^{ℓ_k − ℓ_i}
    for (int k = probs.length - 1; k >= 0; k--) {
      double dk = infinityMass + above - weighted;
      if (dk > delta) {
        // δ(ε) = p_∞ + above − e^{ε − ℓ_k}·weighted on (ℓ_k, ℓ_{k+1}].
        double eps = (offset + k) * h + Math.log((infinityMass + above - delta) / weighted);
        return Math.max(0, eps);
      }
      above += probs[k];
      weighted = expMinusH * (weighted + probs[k]);
    }
    double rest = infinityMass + above - delta;
    if (rest <= 0 || weighted == 0) {
      return 0;
    }
    return Math.max(0, (offset - 1) * h + Math.log(rest / weighted));
  }

  private static double checkH(double h) {
    if (!(h > 0 && h < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("valueDiscretization must be finite and > 0, got " + h);
    }
    return h;
  }

  /** Drops exact zeros at both ends. */
  private PrivacyLossPmf trimmed() {
    int a = 0;
    int b = probs.length;
    while (a < b - 1 && probs[a] == 0) {
      a++;
    }
    while (b - 1 > a && probs[b - 1] == 0) {
      b--;
    }
    if (a == 0 && b == probs.length) {
      return this;
    }
    return new PrivacyLossPmf(h, offset + a, Arrays.copyOfRange(probs, a, b), infinityMass);
  }

  /** Pessimistic tail truncation: bottom mass moves up to the first kept point, top mass goes to +∞. */
  private PrivacyLossPmf truncated() {
    int n = probs.length;
    int a = 0;
    double low = 0;
    while (a < n - 1 && low + probs[a] <= TAIL_MASS_TRUNCATION) {
      low += probs[a];
      a++;
    }
    int b = n;
    double high = 0;
    while (b - 1 > a && high + probs[b - 1] <= TAIL_MASS_TRUNCATION) {
      high += probs[b - 1];
      b--;
    }
    double[] kept = a == 0 && b == n ? probs : Arrays.copyOfRange(probs, a, b);
    kept[0] += low;
    return new PrivacyLossPmf(h, offset + a, kept, infinityMass + high);
  }

  /** Linear convolution; negative FFT round-off is set to zero (adding mass is pessimistic). */
  static double[] convolve(double[] x, double[] y) {
    int n = x.length + y.length - 1;
    if (n > MAX_POINTS) {
      throw new IllegalArgumentException("the composed privacy loss distribution would need " + n
          + " grid points, more than " + MAX_POINTS + "; use a coarser valueDiscretization");
    }
    double[] out = new double[n];
    if ((long) x.length * y.length <= DIRECT_CONVOLUTION_WORK) {
      for (int i = 0; i < x.length; i++) {
        double xi = x[i];
        if (xi == 0) {
          continue;
        }
        for (int j = 0; j < y.length; j++) {
          out[i + j] += xi * y[j];
        }
      }
      return out;
    }
    int size = Integer.highestOneBit(n);
    if (size < n) {
      size <<= 1;
    }
    double[][] a = {Arrays.copyOf(x, size), new double[size]};
    FastFourierTransformer.transformInPlace(a, DftNormalization.STANDARD, TransformType.FORWARD);
    double[][] b;
    if (x == y) {
      b = a;
    } else {
      b = new double[][] {Arrays.copyOf(y, size), new double[size]};
      FastFourierTransformer.transformInPlace(b, DftNormalization.STANDARD, TransformType.FORWARD);
    }
    double[] ar = a[0];
    double[] ai = a[1];
    double[] br = b[0];
    double[] bi = b[1];
    for (int k = 0; k < size; k++) {
      double re = ar[k] * br[k] - ai[k] * bi[k];
      double im = ar[k] * bi[k] + ai[k] * br[k];
      ar[k] = re;
      ai[k] = im;
    }
    FastFourierTransformer.transformInPlace(a, DftNormalization.STANDARD, TransformType.INVERSE);
    for (int k = 0; k < n; k++) {
      out[k] = Math.max(0, ar[k]);
    }
    return out;
  }
}
