package io.trustfl.sample;

import android.content.Context;
import android.content.SharedPreferences;
import io.trustfl.client.Eligibility;
import io.trustfl.client.ExampleStore;
import io.trustfl.client.FederatedClient;
import io.trustfl.client.HttpTransport;
import io.trustfl.client.RetentionPolicy;
import io.trustfl.client.StoreLimits;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.proto.ModelBundle;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The app's long-lived parts, opened once per process: the example store (capped), the on-device model, the
 * privacy ledger, the federated client and its transport, the eligibility conditions and the fairness probe, plus
 * the last round's report (kept in shared preferences for the UI).
 *
 * <p>{@link #get} opens the default components (model bundle from the APK's assets, coordinator URL from the
 * preferences); a host or a test may {@link #install} its own first. Thread-safe. {@link #close()} closes what the
 * components own.
 */
public final class SampleComponents implements AutoCloseable {
  /** Asset holding the model bundle (the onnx-models module's intent-bag bundle). */
  public static final String BUNDLE_ASSET = "intent-bag.bundle.pb";
  /** Preferences file of the sample. */
  public static final String PREFS = "trustfl-sample";
  /** Preference key of the coordinator URL. */
  public static final String KEY_COORDINATOR = "coordinator_url";
  /** Coordinator URL when none is configured: the host machine as seen from the Android emulator. */
  public static final String DEFAULT_COORDINATOR = "http://10.0.2.2:8080";
  /** Storage cap: at most this many examples, the oldest deleted first. */
  public static final long MAX_EXAMPLES = 2000;
  /** The device's example-level budget for DP-SGD plans. */
  public static final PrivacyBudget EXAMPLE_BUDGET = new PrivacyBudget(8.0, 1e-5);

  private static final String KEY_DEVICE = "device_id";
  private static final String KEY_LAST = "last_round";
  private static SampleComponents instance;

  private final SharedPreferences prefs;
  private final ExampleStore store;
  private final OnDeviceModel model;
  private final PrivacyStatus privacy;
  private final JavaKernels kernels;
  private final FederatedRound round;
  private final Eligibility eligibility;
  private final FairnessProbe probe;
  private final String deviceId;

  private SampleComponents(Context context, ModelBundle bundle, URI coordinator, Eligibility eligibility,
      FairnessProbe probe, Duration planWait) throws IOException {
    Context app = context.getApplicationContext() != null ? context.getApplicationContext() : context;
    this.prefs = app.getSharedPreferences(PREFS, Context.MODE_PRIVATE);
    String id = prefs.getString(KEY_DEVICE, null);
    if (id == null) {
      id = "android-" + UUID.randomUUID();
      prefs.edit().putString(KEY_DEVICE, id).commit();
    }
    this.deviceId = id;
    this.eligibility = eligibility;
    this.probe = probe;
    File dir = new File(app.getFilesDir(), "trustfl");
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new IOException("cannot create " + dir);
    }
    this.store = ExampleStore.open(new File(dir, "examples").toPath(),
        StoreLimits.ofExamples(MAX_EXAMPLES, RetentionPolicy.OLDEST_FIRST));
    OnDeviceModel m = null;
    try {
      m = OnDeviceModel.open(bundle, new File(dir, bundle.getModelId() + ".weights.pb"));
      this.privacy = PrivacyStatus.open(new File(dir, "privacy-ledger.pb"), EXAMPLE_BUDGET);
    } catch (RuntimeException e) {
      if (m != null) {
        m.close();
      }
      store.close();
      throw e;
    }
    this.model = m;
    this.kernels = new JavaKernels();
    FederatedClient client = FederatedClient.builder().deviceId(deviceId).store(store).kernels(kernels)
        .model(model.clientModel()).eligibility(eligibility).exampleLevelLedger(privacy.ledger()).build();
    HttpTransport transport = new HttpTransport(coordinator, Duration.ofSeconds(30), 64 << 20);
    this.round = new FederatedRound(client, transport, eligibility, model, store, privacy, probe, planWait);
  }

  /**
   * Opens components over {@code bundle} talking to {@code coordinator}.
   *
   * @param eligibility the device conditions (normally {@code new AndroidEligibility(context)})
   * @param planWait how long a round waits for a plan after checking in
   */
  public static SampleComponents open(Context context, ModelBundle bundle, URI coordinator, Eligibility eligibility,
      FairnessProbe probe, Duration planWait) {
    try {
      return new SampleComponents(Objects.requireNonNull(context, "context"), Objects.requireNonNull(bundle,
          "bundle"), Objects.requireNonNull(coordinator, "coordinator"), Objects.requireNonNull(eligibility,
          "eligibility"), Objects.requireNonNull(probe, "probe"), Objects.requireNonNull(planWait, "planWait"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the sample's storage", e);
    }
  }

  /** The process's components, opening the defaults on first use. */
  public static synchronized SampleComponents get(Context context) {
    if (instance == null) {
      SharedPreferences p = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE);
      URI coordinator = URI.create(p.getString(KEY_COORDINATOR, DEFAULT_COORDINATOR));
      instance = open(context, readBundleAsset(context), coordinator, new AndroidEligibility(context),
          new CounterfactualGapProbe(), Duration.ofSeconds(60));
    }
    return instance;
  }

  /** Makes {@code components} the process's components (closing any previous ones); null clears. */
  public static synchronized void install(SampleComponents components) {
    if (instance != null && instance != components) {
      instance.close();
    }
    instance = components;
  }

  private static ModelBundle readBundleAsset(Context context) {
    try (InputStream in = context.getAssets().open(BUNDLE_ASSET)) {
      return ModelBundle.parseFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException("the APK has no readable model bundle asset " + BUNDLE_ASSET, e);
    }
  }

  /** This device's id (random, kept in the preferences). */
  public String deviceId() {
    return deviceId;
  }

  /** The example store. */
  public ExampleStore store() {
    return store;
  }

  /** The on-device model. */
  public OnDeviceModel model() {
    return model;
  }

  /** The privacy ledger. */
  public PrivacyStatus privacy() {
    return privacy;
  }

  /** The device conditions. */
  public Eligibility eligibility() {
    return eligibility;
  }

  /** The fairness probe. */
  public FairnessProbe probe() {
    return probe;
  }

  /** Runs one round (from the background job) and records its report for the UI. */
  public FederatedRound.Report runRound() {
    FederatedRound.Report r;
    synchronized (round) {
      r = round.runOnce();
    }
    prefs.edit().putString(KEY_LAST, describe(r)).apply();
    return r;
  }

  /** The last round's report in words, or empty when no round ran yet. */
  public String lastRound() {
    return prefs.getString(KEY_LAST, "");
  }

  static String describe(FederatedRound.Report r) {
    StringBuilder s = new StringBuilder();
    s.append(r.status()).append(r.round() > 0 ? " (round " + r.round() + ")" : "").append(": ").append(r.detail());
    Double gap = r.metrics().get(CounterfactualGapProbe.GAP);
    if (gap != null) {
      s.append(String.format(Locale.ROOT, "%nfairness probe: counterfactual gap %.4f, flip rate %.2f over %d texts",
          gap, r.metrics().getOrDefault(CounterfactualGapProbe.FLIP_RATE, Double.NaN),
          r.metrics().getOrDefault(CounterfactualGapProbe.EXAMPLES, 0.0).longValue()));
    }
    for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
      if (e.getKey().equals("train_loss")) {
        s.append(String.format(Locale.ROOT, "%ntraining loss %.4f", e.getValue()));
      }
    }
    return s.toString();
  }

  @Override
  public synchronized void close() {
    model.close();
    kernels.close();
    try {
      store.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the example store", e);
    }
  }
}
