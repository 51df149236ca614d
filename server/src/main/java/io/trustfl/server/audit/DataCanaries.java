package io.trustfl.server.audit;

import io.trustfl.client.ClientOutcome;
import io.trustfl.data.Example;
import io.trustfl.model.SessionSettings;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.TaskPlan;
import io.trustfl.proto.Weights;
import io.trustfl.server.selection.Candidate;
import io.trustfl.server.simulation.AuditHook;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.Params;
import io.trustfl.train.TextFeatures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Data canaries for a federated run of the hashed-bag model: {@link SecretCanary secret-bearing utterances} planted
 * into some devices' data (each secret into {@code devicesPerSecret} devices, {@code copies} copies each), and, on
 * the final global model, their exposure ({@link CanaryExposure#exact}) and white-box extraction
 * ({@link ModelInversion}), plus an example-level loss-threshold membership inference: members are the training
 * examples the fleet was partitioned from, non-members held-out examples of the same data set. The devices are drawn
 * at random (seeded) and are otherwise ordinary devices: they are selected, train and are clipped like any other.
 * Not thread-safe.
 */
public final class DataCanaries implements AuditHook {
  private final int secrets;
  private final int devicesPerSecret;
  private final int copies;
  private final int devices;
  private final String prefix;
  private final int digits;
  private final long seed;
  private List<SecretCanary> canaries;
  private final Map<Integer, List<Example>> planted = new HashMap<>();
  private ModelBundle bundle;
  private List<Example> train;
  private List<String> classes;

  /**
   * Results on the final model.
   *
   * @param secrets the planted secrets
   * @param exposures exposure of each secret (bits)
   * @param maxExposure log<sub>2</sub> of the candidate count (the exposure of a secret that is the most likely)
   * @param extracted secrets recovered exactly by model inversion
   * @param mia the loss-threshold membership-inference attack on real training examples vs held-out ones
   * @param miaRoc its ROC curve
   */
  public record Outcome(List<SecretCanary> secrets, double[] exposures, double maxExposure, int extracted,
      AttackMetrics mia, RocCurve miaRoc) {}

  /**
   * @param secrets secret canaries (at most the number of classes: each gets its own label)
   * @param devicesPerSecret devices each secret is planted into (distinct devices for every secret)
   * @param copies copies of the secret in each of those devices' data
   * @param devices devices in the fleet
   * @param prefix the secrets' template prefix
   * @param digits digits per secret
   * @param seed seed of the secrets and of the devices chosen
   */
  public DataCanaries(int secrets, int devicesPerSecret, int copies, int devices, String prefix, int digits,
      long seed) {
    if (secrets < 1) {
      throw new IllegalArgumentException("secrets must be >= 1, got " + secrets);
    }
    if (devicesPerSecret < 1 || copies < 1) {
      throw new IllegalArgumentException("devicesPerSecret and copies must be >= 1, got " + devicesPerSecret + ", "
          + copies);
    }
    if ((long) secrets * devicesPerSecret > devices) {
      throw new IllegalArgumentException("secrets x devicesPerSecret = " + secrets * devicesPerSecret
          + " exceeds the fleet's " + devices + " devices; plant fewer");
    }
    this.secrets = secrets;
    this.devicesPerSecret = devicesPerSecret;
    this.copies = copies;
    this.devices = devices;
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.digits = digits;
    this.seed = seed;
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "%d secret canaries, each in %d devices x %d copies", secrets,
        devicesPerSecret, copies);
  }

  @Override
  public void fleetData(ModelBundle modelBundle, List<Example> trainExamples, List<String> classNames) {
    this.bundle = modelBundle;
    this.train = List.copyOf(trainExamples);
    this.classes = List.copyOf(classNames);
    Random rnd = new Random(CentralAudit.mix(seed, 0x53454352L));
    canaries = SecretCanary.random(secrets, prefix, digits, classes, rnd);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, rnd);
    int next = 0;
    for (SecretCanary s : canaries) {
      for (int d = 0; d < devicesPerSecret; d++) {
        List<Example> l = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
          l.add(new Example(s.text(), s.label()));
        }
        planted.put(order.get(next++), l);
      }
    }
  }

  @Override
  public List<Example> planted(int deviceIndex) {
    return planted.getOrDefault(deviceIndex, List.of());
  }

  @Override
  public List<Candidate> candidates(int round) {
    return List.of();
  }

  @Override
  public ClientOutcome participate(String deviceId, TaskPlan plan) {
    throw new IllegalStateException("data canaries add no clients; asked for " + deviceId);
  }

  @Override
  public void released(int round, double[] meanDelta) {}

  @Override
  public void finished(float[] initial, float[] last) {}

  /** The planted secrets (after the fleet was built). */
  public List<SecretCanary> secrets() {
    requireBuilt();
    return canaries;
  }

  /** Indexes of the devices holding a secret. */
  public Set<Integer> plantedDevices() {
    return Set.copyOf(planted.keySet());
  }

  /**
   * Attacks the final model: exposure and extraction of every secret, and the loss-threshold attack with the
   * training examples as members and {@code heldOut} (examples never trained on; those whose text also occurs among
   * the training examples are dropped) as non-members.
   */
  public Outcome evaluate(Weights finalWeights, List<Example> heldOut) {
    requireBuilt();
    Params params = Params.fromWeights(finalWeights);
    try (OnnxStepModel model = OnnxStepModel.open(bundle, SessionSettings.forDevices())) {
      TextClassifier clf = new TextClassifier(model, params);
      double[] exposures = new double[canaries.size()];
      int extracted = 0;
      try (ModelInversion inv = ModelInversion.open(bundle, params)) {
        for (int i = 0; i < exposures.length; i++) {
          SecretCanary s = canaries.get(i);
          exposures[i] = CanaryExposure.exact(clf, s).exposure();
          if (inv.extract(s, ModelInversion.Settings.defaults(seed + i)).exact()) {
            extracted++;
          }
        }
      }
      Set<String> memberTexts = new HashSet<>();
      train.forEach(e -> memberTexts.add(e.text()));
      List<Example> non = new ArrayList<>();
      for (Example e : heldOut) {
        if (!memberTexts.contains(e.text()) && classes.contains(e.label())) {
          non.add(e);
        }
      }
      if (non.isEmpty()) {
        throw new IllegalArgumentException("no held-out example is usable as a non-member (all texts were trained"
            + " on or have unknown labels)");
      }
      double[] in = lossScores(clf, train);
      double[] out = lossScores(clf, non);
      RocCurve roc = RocCurve.of(in, out);
      return new Outcome(canaries, exposures, CanaryExposure.log2(canaries.get(0).candidates()), extracted,
          roc.metrics(), roc);
    }
  }

  private double[] lossScores(TextClassifier clf, List<Example> ex) {
    List<String> texts = new ArrayList<>(ex.size());
    List<String> labels = new ArrayList<>(ex.size());
    for (Example e : ex) {
      texts.add(e.text());
      labels.add(e.label());
    }
    return clf.stats(texts, TextFeatures.labelIndexes(labels, clf.labels(), "audit")).lossScores();
  }

  private void requireBuilt() {
    if (canaries == null) {
      throw new IllegalStateException("the fleet was not built yet; run the simulation first");
    }
  }
}
