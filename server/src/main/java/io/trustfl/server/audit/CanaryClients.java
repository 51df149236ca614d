package io.trustfl.server.audit;

import io.trustfl.client.ClientOutcome;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.TaskPlan;
import io.trustfl.server.aggregation.ModelLayout;
import io.trustfl.server.selection.Candidate;
import io.trustfl.server.simulation.AuditHook;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Canary clients for one-run auditing of federated training (Steinke, Nasr, Jagielski 2023; Andrew et al. 2023,
 * "One-shot empirical privacy estimation for federated learning"). Each of m canaries is a client whose update,
 * whenever it is selected, is a fixed direction u<sub>i</sub> (an independent isotropic random unit vector in model
 * space) scaled to the round's clip norm (or to a given norm when the server does not clip): the worst-case update
 * for the aggregator, nearly orthogonal to everything else in a high-dimensional model. Each canary is in the
 * population independently with probability 1/2; that bit is the secret the audit guesses. Excluded canaries never
 * check in.
 *
 * <p>After the run each canary is scored by the cosine between u<sub>i</sub> and either the sum of the released
 * aggregates ({@link Score#RELEASED_SUM}: what the server publishes round after round, the releases the accountant
 * covers) or the final model's change ({@link Score#FINAL_MODEL}: final &minus; initial global weights, what a user of
 * the final model sees). The r/2 highest scores are guessed IN, the r/2 lowest OUT ({@link #guess}), and
 * {@link EmpiricalEpsilon#oneRun} turns the v correct guesses into an &epsilon; lower bound.
 *
 * <p>Directions are regenerated from (seed, canary) when needed, never stored (m &times; D floats would not fit).
 * A decoy instance ({@link #withDecoyScores}) scores against directions that were never submitted: a control whose
 * scores are independent of the inclusion bits by construction. Not thread-safe (the simulator calls it on one
 * thread).
 */
public final class CanaryClients implements AuditHook {
  private static final long SUBMIT_STREAM = 0x5355424DL;
  private static final long DECOY_STREAM = 0x4445434FL;

  private final int canaries;
  private final long seed;
  private final long exampleCount;
  private final double unclippedNorm;
  private final boolean decoy;
  private final boolean[] included;
  private final int[] timesSelected;
  private final List<Candidate> candidates;
  private ModelLayout layout;
  private double[] releasedSum;
  private double[] releasedSquares;
  private int releases;
  private float[] initial;
  private float[] last;

  /** Which released quantity a canary's direction is compared with. */
  public enum Score {
    /** The sum over rounds of the released (noisy) mean deltas. */
    RELEASED_SUM,
    /**
     * The sum of the released mean deltas with each coordinate divided by the root of the sum of its squares over
     * the rounds: coordinates the real clients move a lot (the output biases, say) no longer drown the canaries,
     * as under an adaptive server optimizer; still a function of the releases only.
     */
    RELEASED_WHITENED,
    /** Final minus initial global weights. */
    FINAL_MODEL
  }

  /**
   * The outcome of guessing.
   *
   * @param guesses r, the canaries guessed (half IN, half OUT); the rest abstain
   * @param correct v, the correct guesses
   */
  public record Guesses(int guesses, int correct) {}

  /**
   * @param canaries m &ge; 2
   * @param seed seed of the inclusion bits and the directions (keep it secret from whoever is audited)
   * @param exampleCount the example count each canary reports (its weight under example-weighted FedAvg and its
   *     activity for selection), &ge; 1
   * @param unclippedNorm the norm of a canary's update when the plan carries no clip norm (no server clipping),
   *     finite and &gt; 0
   */
  public CanaryClients(int canaries, long seed, long exampleCount, double unclippedNorm) {
    this(canaries, seed, exampleCount, unclippedNorm, false);
  }

  private CanaryClients(int canaries, long seed, long exampleCount, double unclippedNorm, boolean decoy) {
    if (canaries < 2) {
      throw new IllegalArgumentException("canaries must be >= 2, got " + canaries);
    }
    if (exampleCount < 1) {
      throw new IllegalArgumentException("exampleCount must be >= 1, got " + exampleCount);
    }
    if (!(unclippedNorm > 0) || Double.isInfinite(unclippedNorm)) {
      throw new IllegalArgumentException("unclippedNorm must be finite and > 0, got " + unclippedNorm);
    }
    this.canaries = canaries;
    this.seed = seed;
    this.exampleCount = exampleCount;
    this.unclippedNorm = unclippedNorm;
    this.decoy = decoy;
    this.included = new boolean[canaries];
    this.timesSelected = new int[canaries];
    SplittableRandom bits = new SplittableRandom(CentralAudit.mix(seed, 0x494E434CL));
    List<Candidate> c = new ArrayList<>();
    for (int i = 0; i < canaries; i++) {
      included[i] = bits.nextBoolean();
      if (included[i]) {
        c.add(new Candidate(id(i), exampleCount));
      }
    }
    this.candidates = List.copyOf(c);
  }

  /**
   * The control: canaries that take part exactly like {@link #CanaryClients(int, long, long, double)}'s, but are
   * scored against independent directions they never submitted, so their scores carry no information about the
   * inclusion bits and the guesses are at chance.
   */
  public static CanaryClients withDecoyScores(int canaries, long seed, long exampleCount, double unclippedNorm) {
    return new CanaryClients(canaries, seed, exampleCount, unclippedNorm, true);
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "%d canary clients (%d included), random-direction updates at the clip norm%s",
        canaries, candidates.size(), decoy ? ", decoy scores (control)" : "");
  }

  @Override
  public List<Candidate> candidates(int round) {
    return candidates;
  }

  @Override
  public ClientOutcome participate(String deviceId, TaskPlan plan) {
    int i = indexOf(deviceId);
    if (!included[i]) {
      throw new IllegalStateException("canary " + deviceId + " is excluded and never checks in");
    }
    timesSelected[i]++;
    ModelLayout l = layout(plan);
    double norm = plan.getClipNorm() > 0 ? plan.getClipNorm() : unclippedNorm;
    double[] u = direction(SUBMIT_STREAM, i, l.dimension());
    float[] delta = new float[u.length];
    for (int j = 0; j < u.length; j++) {
      delta[j] = (float) (u[j] * norm);
    }
    ClientUpdate update = ClientUpdate.newBuilder().setVersion(ProtocolVersions.current())
        .setTaskId(plan.getTaskId()).setRound(plan.getRound()).setDeviceId(deviceId)
        .setDelta(l.toWeights(delta)).setExampleCount(exampleCount).setDeltaNormBeforeClip(norm)
        .setModelChecksum(plan.getModelChecksum()).build();
    return new ClientOutcome.Trained(update);
  }

  @Override
  public void released(int round, double[] meanDelta) {
    if (releasedSum == null) {
      releasedSum = new double[meanDelta.length];
      releasedSquares = new double[meanDelta.length];
    }
    if (meanDelta.length != releasedSum.length) {
      throw new IllegalArgumentException("released aggregate has length " + meanDelta.length + ", earlier ones "
          + releasedSum.length);
    }
    for (int j = 0; j < meanDelta.length; j++) {
      releasedSum[j] += meanDelta[j];
      releasedSquares[j] += meanDelta[j] * meanDelta[j];
    }
    releases++;
  }

  @Override
  public void finished(float[] initialWeights, float[] lastWeights) {
    if (initialWeights.length != lastWeights.length) {
      throw new IllegalArgumentException("initial and last weights differ in length: " + initialWeights.length
          + " vs " + lastWeights.length);
    }
    this.initial = initialWeights.clone();
    this.last = lastWeights.clone();
  }

  /** m. */
  public int canaries() {
    return canaries;
  }

  /** The secret bits: whether each canary was in the population. */
  public boolean[] included() {
    return included.clone();
  }

  /** How many rounds each canary was selected in (0 for excluded canaries). */
  public int[] timesSelected() {
    return timesSelected.clone();
  }

  /** Rounds whose aggregate was released. */
  public int releases() {
    return releases;
  }

  /**
   * Each canary's score: the cosine between its direction and the chosen released quantity.
   *
   * @throws IllegalStateException before the run released anything (or, for {@link Score#FINAL_MODEL}, finished)
   */
  public double[] scores(Score kind) {
    double[] target;
    if (kind != Score.FINAL_MODEL) {
      if (releasedSum == null) {
        throw new IllegalStateException("no aggregate was released; run the simulation first");
      }
      target = releasedSum;
      if (kind == Score.RELEASED_WHITENED) {
        target = new double[releasedSum.length];
        for (int j = 0; j < target.length; j++) {
          target[j] = releasedSquares[j] > 0 ? releasedSum[j] / Math.sqrt(releasedSquares[j]) : 0;
        }
      }
    } else {
      if (last == null) {
        throw new IllegalStateException("the run has not finished; run the simulation first");
      }
      target = new double[last.length];
      for (int j = 0; j < target.length; j++) {
        target[j] = (double) last[j] - initial[j];
      }
    }
    double tn = Math.sqrt(dot(target, target));
    double[] s = new double[canaries];
    for (int i = 0; i < canaries; i++) {
      double[] u = direction(decoy ? DECOY_STREAM : SUBMIT_STREAM, i, target.length);
      s[i] = tn == 0 ? 0 : dot(u, target) / tn;
    }
    return s;
  }

  /**
   * Guesses IN for the {@code guesses/2} highest scores and OUT for the {@code guesses/2} lowest, abstaining on the
   * rest, and counts the correct guesses against {@code included}.
   *
   * @param guesses r, even, in [2, m]
   */
  public static Guesses guess(double[] scores, boolean[] included, int guesses) {
    int m = scores.length;
    if (included.length != m) {
      throw new IllegalArgumentException("scores and included differ in length: " + m + " vs " + included.length);
    }
    if (guesses < 2 || guesses > m || guesses % 2 != 0) {
      throw new IllegalArgumentException("guesses must be even and in [2, canaries=" + m + "], got " + guesses);
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    int correct = 0;
    for (int k = 0; k < guesses / 2; k++) {
      correct += included[order[k]] ? 1 : 0;
      correct += included[order[m - 1 - k]] ? 0 : 1;
    }
    return new Guesses(guesses, correct);
  }

  /** The device id of canary {@code i}. */
  public static String id(int i) {
    return String.format(Locale.ROOT, "%s%05d", CANARY_PREFIX, i);
  }

  private int indexOf(String deviceId) {
    if (deviceId.startsWith(CANARY_PREFIX)) {
      try {
        int i = Integer.parseInt(deviceId.substring(CANARY_PREFIX.length()));
        if (i >= 0 && i < canaries) {
          return i;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException("'" + deviceId + "' is not one of the " + canaries + " canary clients");
  }

  private ModelLayout layout(TaskPlan plan) {
    if (layout == null) {
      layout = ModelLayout.of(plan.getGlobalWeights());
    }
    return layout;
  }

  /** Canary i's unit direction in R^dim from its own stream (isotropic: normalized i.i.d. standard normals). */
  private double[] direction(long stream, int i, int dim) {
    SplittableRandom r = new SplittableRandom(CentralAudit.mix(CentralAudit.mix(seed, stream), i));
    double[] u = new double[dim];
    for (int j = 0; j < dim; j++) {
      u[j] = r.nextGaussian();
    }
    double n = Math.sqrt(dot(u, u));
    for (int j = 0; j < dim; j++) {
      u[j] /= n;
    }
    return u;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }
}
