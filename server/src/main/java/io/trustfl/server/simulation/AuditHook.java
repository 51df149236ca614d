package io.trustfl.server.simulation;

import io.trustfl.client.ClientOutcome;
import io.trustfl.data.Example;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.TaskPlan;
import io.trustfl.server.selection.Candidate;
import java.util.List;

/**
 * Audit plumbing for one simulated run: extra clients (canaries) that check in beside the fleet's devices and answer
 * task plans, and read-only views of what the server released. Accepted only by {@link Simulator#runAudit}, which
 * refuses the network transport, an output directory holding a checkpoint, and device ids that do not start with
 * {@link #CANARY_PREFIX}; it is no field of {@link SimulationConfig} and no option of {@code trustfl simulate}, and
 * nothing in the coordinator (the deployment path) knows it, so a deployment cannot switch it on by configuration.
 *
 * <p>A hook must not change the privacy mechanism: its clients are candidates like any device, selected by the
 * same strategy (they count in the population that sets the sampling rate), and their updates go through the same
 * validation, clipping, (adaptive) clip-norm estimation, weighting and noise as every other update. Only what the
 * server releases anyway (the round's noisy mean delta, the final model) is shown to the hook. Called on the
 * simulating thread only.
 */
public interface AuditHook {
  /** The prefix every audit client's device id carries, so that audit clients are recognizable in every output. */
  String CANARY_PREFIX = "audit-canary-";

  /** What the audit adds, in a few words; recorded in the run's checkpoint fingerprint and its marker file. */
  String description();

  /**
   * The run's model bundle, the training examples the fleet is partitioned from and the class names; called once,
   * before the fleet is built.
   */
  default void fleetData(ModelBundle bundle, List<Example> train, List<String> classes) {}

  /**
   * Examples planted into device {@code deviceIndex}'s store when the fleet is built, after its own partition (data
   * canaries such as secret-bearing utterances); none by default. Needs the hashed-bag model (planted texts have no
   * cached sentence embedding) and labels among the classes.
   */
  default List<Example> planted(int deviceIndex) {
    return List.of();
  }

  /**
   * The audit clients that check in for {@code round}, in a fixed order (appended after the fleet's devices).
   * Their ids start with {@link #CANARY_PREFIX} and differ from each other.
   */
  List<Candidate> candidates(int round);

  /** The answer of the audit client {@code deviceId} (one of this round's candidates) to the round's plan. */
  ClientOutcome participate(String deviceId, TaskPlan plan);

  /**
   * The aggregate the server released for {@code round} (the noisy mean delta under central DP), before the server
   * optimizer applies it. Read it; do not keep or change the array.
   */
  void released(int round, double[] meanDelta);

  /** The global model before the first round and after the last one (flat, in the bundle's tensor order). */
  void finished(float[] initial, float[] last);
}
