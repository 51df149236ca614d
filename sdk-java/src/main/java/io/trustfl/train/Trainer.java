package io.trustfl.train;

import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.EpsilonSpend;
import io.trustfl.privacy.NoiseCalibration;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.privacy.PldAccountant;
import io.trustfl.privacy.PrivacyAccountant;
import io.trustfl.privacy.PrivacyBudgetExceededException;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The local trainer: plain mini-batch training, or DP-SGD (Abadi et al. 2016) with Poisson sampling.
 *
 * <p>Accounting: at the start of each epoch its {@code round(1/q)} steps are recorded with the privacy ledger —
 * <b>before</b> any update derived from them is released — and training stops if that would exceed the budget
 * (recording per epoch rather than per step costs one ε evaluation per epoch; a crash mid-epoch over-counts, which is
 * safe). One DP step: draw a Poisson sample (rate {@code q = batchSize/N}, secret ChaCha20 randomness; an empty
 * sample is a valid step); let the model compute the sum of per-example gradients clipped to C;
 * add N(0, (σC)²) to every coordinate of the sum from the kernel backend's ChaCha20 Gaussian stream (a fresh
 * {@link NoiseKey#random()} per run, the step number as nonce, coordinate indexes 0…D−1, so no (key, nonce, index)
 * is ever reused); divide by the EXPECTED batch size {@code qN} (dividing by the realized size would leak it); apply
 * the optimizer. A run whose whole plan would exceed the budget is refused before the first step. The noise is
 * data-independent, so a {@link NoisePrefetcher} generates each recorded step's noise ahead of time on a worker thread
 * while the previous step's graph runs (same values; {@code -Dtrustfl.train.noisePrefetch=false} keeps it on the
 * caller's thread).
 *
 * <p>Validation data is used for early stopping and model selection; as usual in central DP experiments it is
 * treated as public (its use is not accounted). Inputs are checked before any step: empty data, labels outside the
 * model's classes and non-finite parameters are errors.
 *
 * <p>Not thread-safe; one run at a time per instance. The kernel backend is the caller's and is not closed here.
 */
public final class Trainer {
  /** Absolute precision of a calibrated σ (the calibrated σ is on the safe side of the exact root). */
  static final double CALIBRATION_PRECISION = 1e-3;

  /** Supplies the example indexes of each step; package-private so tests can fix the batches. */
  interface BatchSource {
    /** Steps per epoch. */
    int stepsPerEpoch();

    /** Indexes into the training data for step {@code step} (0-based within the epoch) of epoch {@code epoch}. */
    int[] batch(int epoch, int step);
  }

  private final Kernels kernels;

  /**
   * A trainer drawing DP noise from {@code kernels}.
   *
   * @param kernels the kernel backend (e.g. {@code KernelRegistry.open()}); not closed by the trainer
   */
  public Trainer(Kernels kernels) {
    this.kernels = Objects.requireNonNull(kernels, "kernels");
  }

  /**
   * Plain (non-private) training.
   *
   * @param validation validation split for early stopping, or null
   * @throws IllegalArgumentException for bad input (see the class comment) or a DP config
   */
  public TrainingResult train(StepModel model, Params initial, Batch train, Batch validation,
      TrainingConfig config) {
    if (config.isPrivate()) {
      throw new IllegalArgumentException("config asks for DP-SGD: pass the privacy ledger that records its steps");
    }
    return train(model, initial, train, validation, config, null);
  }

  /**
   * Training as {@code config} says: plain, or DP-SGD recorded in {@code ledger}.
   *
   * @param validation validation split for early stopping, or null
   * @param ledger the privacy ledger (required for DP, ignored otherwise); its budget bounds the run
   * @throws IllegalArgumentException for bad input (see the class comment)
   * @throws PrivacyBudgetExceededException if the planned DP run would exceed the ledger's budget (nothing is spent)
   */
  public TrainingResult train(StepModel model, Params initial, Batch train, Batch validation,
      TrainingConfig config, PrivacyLedger ledger) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(config, "config");
    int n = train.size();
    if (n == 0) {
      throw new IllegalArgumentException("training data is empty: nothing to train on");
    }
    BatchSource source;
    if (config.isPrivate()) {
      if (config.batchSize() > n) {
        throw new IllegalArgumentException("expected batch size must be <= the number of training examples " + n
            + ", got " + config.batchSize());
      }
      PoissonSampler sampler = PoissonSampler.secure();
      double q = (double) config.batchSize() / n;
      int steps = Math.max(1, (int) Math.round(1 / q));
      source = new BatchSource() {
        @Override
        public int stepsPerEpoch() {
          return steps;
        }

        @Override
        public int[] batch(int epoch, int step) {
          return sampler.sample(n, q);
        }
      };
    } else {
      source = shuffled(n, config.batchSize(), config.shuffleSeed());
    }
    return train(model, initial, train, validation, config, ledger, source);
  }

  TrainingResult train(StepModel model, Params initial, Batch train, Batch validation, TrainingConfig config,
      PrivacyLedger ledger, BatchSource source) {
    int classes = model.numClasses();
    train.requireLabelsBelow(classes, "training");
    if (validation != null) {
      if (validation.size() == 0) {
        throw new IllegalArgumentException("validation data is empty: pass null to train without validation");
      }
      validation.requireLabelsBelow(classes, "validation");
    }
    initial.requireFinite();
    Params params = initial.copy();
    Optimizer optimizer = config.optimizer().create(params);
    int n = train.size();
    int stepsPerEpoch = source.stepsPerEpoch();
    long plannedSteps = (long) config.epochs() * stepsPerEpoch;

    double q = 0;
    double sigma = 0;
    double clip = 0;
    NoiseKey key = null;
    NoisePrefetcher noise = null;
    if (config.isPrivate()) {
      Objects.requireNonNull(ledger, "DP-SGD needs a privacy ledger to record its steps");
      q = (double) config.batchSize() / n;
      clip = config.dp().clipNorm();
      sigma = noiseMultiplier(config.dp(), ledger, q, plannedSteps);
      // Refuse to start a run whose whole plan does not fit: nothing is spent.
      EpsilonSpend plan = ledger.preview(q, sigma, plannedSteps);
      if (!plan.withinBudget()) {
        throw new PrivacyBudgetExceededException(plan);
      }
      key = NoiseKey.random();
      noise = new NoisePrefetcher(kernels, key, sigma * clip, params, NoisePrefetcher.Mode.fromSystemProperty());
    }

    List<EpochStats> history = new ArrayList<>();
    Params best = params.copy();
    int bestEpoch = 0;
    double bestAccuracy = Double.NEGATIVE_INFINITY;
    double bestLoss = Double.POSITIVE_INFINITY;
    int sinceBest = 0;
    long globalStep = 0;
    double epsilonSpent = config.isPrivate() ? ledger.spentEpsilon() : 0;
    StopReason reason = StopReason.COMPLETED;
    String message = "completed " + config.epochs() + " epochs";

    try {
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        long start = System.nanoTime();
        double lossSum = 0;
        long examples = 0;
        int stepsThisEpoch = 0;
        if (config.isPrivate()) {
          // The epoch's steps are recorded before the first of their noised updates is released (a crash mid-epoch
          // over-counts, which is safe). Early stopping acts only at epoch ends, so every recorded step runs.
          try {
            epsilonSpent = ledger.spend(q, sigma, stepsPerEpoch).epsilonAfter();
            noise.permitUpTo(globalStep + stepsPerEpoch);
          } catch (PrivacyBudgetExceededException e) {
            reason = StopReason.BUDGET_EXHAUSTED;
            message = "stopped before epoch " + epoch + ": " + e.getMessage();
            break;
          }
        }
        for (int s = 0; s < stepsPerEpoch; s++) {
          int[] idx = source.batch(epoch - 1, s);
          Batch batch = train.select(idx);
          double[][] update;
          if (config.isPrivate()) {
            double[][] clippedSum;
            if (batch.size() == 0) {
              clippedSum = params.zerosLike();
            } else {
              DpStepResult r = model.dpStep(batch, params, clip);
              params.requireGradientLayout(r.clippedSum(), "clipped gradient sum");
              if (r.losses().length != batch.size()) {
                throw new IllegalStateException("model returned " + r.losses().length + " losses for a batch of "
                    + batch.size());
              }
              for (double l : r.losses()) {
                lossSum += l;
              }
              clippedSum = r.clippedSum();
            }
            requireFinite(clippedSum, params, globalStep);
            update = noise.noisedMean(clippedSum, globalStep, q * n);
          } else {
            if (batch.size() == 0) {
              continue;
            }
            PlainStepResult r = model.step(batch, params);
            params.requireGradientLayout(r.gradientSum(), "gradient sum");
            requireFinite(r.gradientSum(), params, globalStep);
            lossSum += r.meanLoss() * batch.size();
            update = r.gradientSum();
            scale(update, 1.0 / batch.size());
          }
          examples += batch.size();
          optimizer.step(params, update);
          globalStep++;
          stepsThisEpoch++;
        }
        EpochStats st = stats(model, params, validation, epoch, stepsThisEpoch, examples, lossSum, epsilonSpent,
            start);
        history.add(st);
        boolean improved = validation == null
            || st.validationAccuracy() > bestAccuracy
            || (st.validationAccuracy() == bestAccuracy && st.validationLoss() < bestLoss);
        if (improved) {
          bestAccuracy = validation == null ? 0 : st.validationAccuracy();
          bestLoss = validation == null ? 0 : st.validationLoss();
          best.copyFrom(params);
          bestEpoch = epoch;
          sinceBest = 0;
        } else {
          sinceBest++;
          if (config.patience() > 0 && sinceBest >= config.patience() && epoch < config.epochs()) {
            reason = StopReason.EARLY_STOPPED;
            message = String.format(Locale.ROOT, "early stop after epoch %d: no better validation accuracy than "
                + "%.4f (epoch %d) for %d epochs", epoch, bestAccuracy, bestEpoch, sinceBest);
            break;
          }
        }
      }
    } finally {
      if (noise != null) {
        noise.close();
      }
    }
    Params out;
    if (config.restoreBest() && bestEpoch > 0) {
      out = best;
    } else {
      out = params;
      bestEpoch = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
    }
    double eps = config.isPrivate() ? epsilonSpent : 0;
    return new TrainingResult(out, history, bestEpoch, reason, sigma, q, globalStep, eps, message);
  }

  private static double noiseMultiplier(DpSgdSpec dp, PrivacyLedger ledger, double q, long steps) {
    if (dp.noise() instanceof DpSgdSpec.Noise.Multiplier m) {
      return m.sigma();
    }
    if (ledger.spentEpsilon() > 0) {
      throw new IllegalArgumentException("noise calibration needs a fresh ledger, but this one has already spent"
          + " epsilon " + ledger.spentEpsilon() + " of " + ledger.budget().epsilon() + "; give the noise multiplier"
          + " explicitly");
    }
    PrivacyAccountant a = ledger.accountant();
    if (a instanceof RdpAccountant rdp) {
      return NoiseCalibration.noiseMultiplier(rdp.orders(), q, steps, ledger.budget(), CALIBRATION_PRECISION);
    }
    if (a instanceof PldAccountant pld) {
      return NoiseCalibration.noiseMultiplierPld(pld.valueDiscretization(), q, steps, ledger.budget(),
          CALIBRATION_PRECISION);
    }
    throw new IllegalArgumentException("cannot calibrate noise for accountant '" + a.name() + "'");
  }

  /**
   * Adds N(0, (σC)²) to each coordinate of the clipped sum (ChaCha20 normals with the given key and nonce, indexes
   * 0…D−1 in parameter order) and divides by the expected batch size.
   */
  double[][] noisedMean(double[][] clippedSum, NoiseKey key, long nonce, double sigma, double clipNorm,
      double expectedBatch) {
    int total = 0;
    for (double[] t : clippedSum) {
      total += t.length;
    }
    double[] flat = new double[total];
    int off = 0;
    for (double[] t : clippedSum) {
      System.arraycopy(t, 0, flat, off, t.length);
      off += t.length;
    }
    kernels.addGaussian(key, nonce, 0, sigma * clipNorm, DoubleBuffer.wrap(flat));
    double[][] out = new double[clippedSum.length][];
    off = 0;
    double inv = 1.0 / expectedBatch;
    for (int i = 0; i < clippedSum.length; i++) {
      double[] t = new double[clippedSum[i].length];
      for (int j = 0; j < t.length; j++) {
        t[j] = flat[off + j] * inv;
      }
      out[i] = t;
      off += t.length;
    }
    return out;
  }

  private EpochStats stats(StepModel model, Params params, Batch validation, int epoch, int steps, long examples,
      double lossSum, double epsilonSpent, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double accuracy = Double.NaN;
    double loss = Double.NaN;
    if (validation != null) {
      Evaluation e = Evaluation.of(model, params, validation);
      accuracy = e.accuracy();
      loss = e.meanLoss();
    }
    return new EpochStats(epoch, steps, examples, examples == 0 ? Double.NaN : lossSum / examples, accuracy, loss,
        epsilonSpent, seconds);
  }

  private static void requireFinite(double[][] g, Params params, long step) {
    for (int t = 0; t < g.length; t++) {
      for (double v : g[t]) {
        if (!Double.isFinite(v)) {
          throw new IllegalStateException("training diverged at step " + (step + 1) + ": the gradient of '"
              + params.names().get(t) + "' contains " + v + " (lower the learning rate)");
        }
      }
    }
  }

  private static void scale(double[][] g, double factor) {
    for (double[] t : g) {
      for (int i = 0; i < t.length; i++) {
        t[i] *= factor;
      }
    }
  }

  /** Fixed-size batches in a fresh seeded shuffle each epoch; the last batch of an epoch may be smaller. */
  static BatchSource shuffled(int n, int batchSize, long seed) {
    int steps = (n + batchSize - 1) / batchSize;
    return new BatchSource() {
      private int[] order;
      private int orderEpoch = -1;

      @Override
      public int stepsPerEpoch() {
        return steps;
      }

      @Override
      public int[] batch(int epoch, int step) {
        if (epoch != orderEpoch) {
          order = new int[n];
          for (int i = 0; i < n; i++) {
            order[i] = i;
          }
          SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
          for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
          }
          orderEpoch = epoch;
        }
        int from = step * batchSize;
        int to = Math.min(n, from + batchSize);
        int[] out = new int[to - from];
        System.arraycopy(order, from, out, 0, out.length);
        return out;
      }
    };
  }
}
