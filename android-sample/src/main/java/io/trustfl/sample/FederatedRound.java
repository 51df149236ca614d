package io.trustfl.sample;

import io.trustfl.client.ClientOutcome;
import io.trustfl.client.Eligibility;
import io.trustfl.client.ExampleStore;
import io.trustfl.client.FederatedClient;
import io.trustfl.client.HttpTransport;
import io.trustfl.client.StoredExample;
import io.trustfl.fairness.ProbeMetrics;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.TaskPlan;
import io.trustfl.proto.WeightsCodec;
import io.trustfl.train.Params;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One federated round as the background job runs it:
 *
 * <ol>
 *   <li>the device's own rules first ({@link AndroidEligibility#REQUIRED}: charging, idle, unmetered) — when one
 *       fails nothing is sent and nothing is trained;</li>
 *   <li>check-in with the device state and the store's activity; the plan comes back, or is fetched again with
 *       {@code GET /v1/plan} until {@code planWait} has passed;</li>
 *   <li>local training, clipping and noise by the SDK's {@link FederatedClient} (which checks the plan's own
 *       eligibility rules, checksum, deadline and privacy budget);</li>
 *   <li>the fairness probe on the trained local model (global + update), added to the update's metrics;</li>
 *   <li>upload; the plan's global weights become the weights the app classifies with; the ledger is saved.</li>
 * </ol>
 *
 * <p>Not thread-safe; the job runs one round at a time.
 */
public final class FederatedRound {
  /** How a round ended. */
  public enum Status {
    /** The device did not meet the sample's conditions; nothing was sent or trained. */
    NOT_ELIGIBLE,
    /** The coordinator had no task for this device. */
    NO_TASK,
    /** The client refused the plan (reason in the detail). */
    REFUSED,
    /** The update was uploaded and accepted. */
    UPLOADED,
    /** The coordinator rejected the update. */
    REJECTED,
    /** A network or storage error; the job asks to be rescheduled. */
    FAILED
  }

  /**
   * What happened.
   *
   * @param status how the round ended
   * @param detail the reason, in words
   * @param round the plan's round number (0 without a plan)
   * @param metrics the uploaded update's metrics (empty unless trained)
   * @param finishedMillis wall-clock time the round ended
   */
  public record Report(Status status, String detail, long round, Map<String, Double> metrics, long finishedMillis) {
    /** Copies the metrics. */
    public Report {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(detail, "detail");
      metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
  }

  private final FederatedClient client;
  private final HttpTransport transport;
  private final Eligibility eligibility;
  private final OnDeviceModel model;
  private final ExampleStore store;
  private final PrivacyStatus privacy;
  private final FairnessProbe probe;
  private final Duration planWait;

  /**
   * A round over the given parts (all owned by the caller).
   *
   * @param planWait how long to keep asking for the plan after a check-in without one, ≥ 0
   */
  public FederatedRound(FederatedClient client, HttpTransport transport, Eligibility eligibility,
      OnDeviceModel model, ExampleStore store, PrivacyStatus privacy, FairnessProbe probe, Duration planWait) {
    this.client = Objects.requireNonNull(client, "client");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.eligibility = Objects.requireNonNull(eligibility, "eligibility");
    this.model = Objects.requireNonNull(model, "model");
    this.store = Objects.requireNonNull(store, "store");
    this.privacy = Objects.requireNonNull(privacy, "privacy");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.planWait = Objects.requireNonNull(planWait, "planWait");
    if (planWait.isNegative()) {
      throw new IllegalArgumentException("planWait must be >= 0, got " + planWait);
    }
  }

  /** Runs one round; never throws for network errors (they are a {@link Status#FAILED} report). */
  public Report runOnce() {
    Eligibility.Verdict local = Eligibility.check(AndroidEligibility.REQUIRED, eligibility);
    if (!local.eligible()) {
      return report(Status.NOT_ELIGIBLE, "device conditions not met: " + local.reason(), 0, Map.of());
    }
    TaskPlan plan;
    try {
      Optional<TaskPlan> p = transport.checkIn(client.checkIn());
      long until = System.nanoTime() + planWait.toNanos();
      while (!p.isPresent() && System.nanoTime() < until) {
        Thread.sleep(50);
        p = transport.downloadPlan(client.deviceId());
      }
      if (!p.isPresent()) {
        return report(Status.NO_TASK, "the coordinator has no task for this device now", 0, Map.of());
      }
      plan = p.get();
    } catch (IOException e) {
      return report(Status.FAILED, "check-in failed: " + e.getMessage(), 0, Map.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return report(Status.FAILED, "interrupted while waiting for a plan", 0, Map.of());
    }

    ClientOutcome outcome;
    ClientUpdate update;
    synchronized (model) {
      outcome = client.run(plan);
      privacy.save();
      if (outcome instanceof ClientOutcome.Refused r) {
        return report(Status.REFUSED, r.reason() + ": " + r.detail(), plan.getRound(), Map.of());
      }
      update = ((ClientOutcome.Trained) outcome).update();
      Params trained = localWeights(plan, update);
      List<String> texts = new ArrayList<>();
      for (StoredExample e : store.examples()) {
        texts.add(e.text());
      }
      ProbeMetrics m = probe.evaluate(model, trained, texts);
      if (m.examples() > 0) {
        update = update.toBuilder().putAllMetrics(m.asUpdateMetrics()).build();
      }
      model.adopt(plan.getGlobalWeights());
    }
    try {
      HttpTransport.UploadResult result = transport.upload(update);
      if (!result.accepted()) {
        return report(Status.REJECTED, "HTTP " + result.httpStatus() + " " + result.reason() + ": "
            + result.detail(), plan.getRound(), update.getMetricsMap());
      }
    } catch (IOException e) {
      return report(Status.FAILED, "upload failed: " + e.getMessage(), plan.getRound(), update.getMetricsMap());
    }
    return report(Status.UPLOADED, "update for round " + plan.getRound() + " accepted", plan.getRound(),
        update.getMetricsMap());
  }

  /** The device's trained model as the coordinator will see it: global weights + the (clipped) delta. */
  private static Params localWeights(TaskPlan plan, ClientUpdate update) {
    Params global = Params.fromWeights(plan.getGlobalWeights());
    List<float[]> values = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    for (int t = 0; t < global.count(); t++) {
      float[] g = global.values(t);
      // The delta may be quantized: WeightsCodec decodes either encoding.
      float[] d = WeightsCodec.decode(update.getDelta().getTensors(t));
      for (int i = 0; i < g.length; i++) {
        g[i] += d[i];
      }
      values.add(g);
      shapes.add(global.shape(t));
    }
    return Params.of(global.names(), shapes, values);
  }

  private static Report report(Status status, String detail, long round, Map<String, Double> metrics) {
    return new Report(status, detail, round, metrics, System.currentTimeMillis());
  }
}
