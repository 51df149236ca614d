package io.trustfl.server.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Secret Sharer exposure (Carlini et al. 2019): exposure = log<sub>2</sub>|R| &minus; log<sub>2</sub> rank, where rank
 * is the canary's 1-based position among all candidate secrets ordered by the model's loss on the canary's label
 * (ties count against the canary). Maximal exposure log<sub>2</sub>|R| means the secret is the most likely candidate;
 * a model that never saw it gives about 1.44 bits on average. When |R| is too large to enumerate,
 * {@link #extrapolated} fits a skew-normal to the losses of sampled candidates and uses &minus;log<sub>2</sub> of its
 * CDF at the canary's loss.
 */
public final class CanaryExposure {
  private static final int CHUNK = 4096;

  private CanaryExposure() {}

  /**
   * Exposure by enumeration.
   *
   * @param rank 1-based rank of the canary among all candidates (1 = lowest loss)
   * @param candidates |R|
   * @param exposure log<sub>2</sub>|R| &minus; log<sub>2</sub> rank
   * @param canaryLoss the model's loss on the true canary
   */
  public record Result(long rank, long candidates, double exposure, double canaryLoss) {}

  /** Ranks the canary among all 10<sup>digits</sup> candidates. */
  public static Result exact(TextClassifier model, SecretCanary canary) {
    int label = labelIndex(model, canary);
    long total = canary.candidates();
    if (total > 10_000_000L) {
      throw new IllegalArgumentException("enumerating " + total + " candidates is too slow; use extrapolated()");
    }
    double canaryLoss = model.losses(List.of(canary.text()), label)[0];
    long better = 0;
    for (long from = 0; from < total; from += CHUNK) {
      List<String> texts = new ArrayList<>();
      for (long i = from; i < Math.min(total, from + CHUNK); i++) {
        texts.add(canary.textWith(canary.candidate(i)));
      }
      for (double l : model.losses(texts, label)) {
        if (l <= canaryLoss) {
          better++; // includes the canary itself (and ties, pessimistically for the attacker's claim)
        }
      }
    }
    long rank = Math.max(1, better);
    return new Result(rank, total, log2(total) - log2(rank), canaryLoss);
  }

  /**
   * Exposure extrapolated from {@code samples} random candidates: &minus;log<sub>2</sub> F(canary loss) with F the
   * skew-normal fit to their losses (capped at log<sub>2</sub>|R|).
   */
  public static double extrapolated(TextClassifier model, SecretCanary canary, int samples, Random rnd) {
    if (samples < 3) {
      throw new IllegalArgumentException("samples must be >= 3, got " + samples);
    }
    int label = labelIndex(model, canary);
    List<String> texts = new ArrayList<>(samples);
    for (int i = 0; i < samples; i++) {
      texts.add(canary.textWith(canary.candidate((long) Math.floor(rnd.nextDouble() * canary.candidates()))));
    }
    double canaryLoss = model.losses(List.of(canary.text()), label)[0];
    return extrapolate(model.losses(texts, label), canaryLoss, canary.candidates());
  }

  /**
   * &minus;log<sub>2</sub> F(canaryLoss) with F the skew-normal fitted to {@code candidateLosses}, capped at
   * log<sub>2</sub> candidates.
   */
  public static double extrapolate(double[] candidateLosses, double canaryLoss, long candidates) {
    if (candidates < 2) {
      throw new IllegalArgumentException("candidates must be >= 2, got " + candidates);
    }
    double cdf = SkewNormal.fitMoments(candidateLosses).cdf(canaryLoss);
    double max = log2(candidates);
    return cdf <= 0 ? max : Math.min(max, -log2(cdf));
  }

  private static int labelIndex(TextClassifier model, SecretCanary canary) {
    int label = model.labels().indexOf(canary.label());
    if (label < 0) {
      throw new IllegalArgumentException("canary label '" + canary.label() + "' is not one of the model's classes");
    }
    return label;
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
