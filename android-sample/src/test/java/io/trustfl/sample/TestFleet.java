package io.trustfl.sample;

import android.content.Context;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.BatteryManager;
import android.os.PowerManager;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.onnx.IntentModels;
import io.trustfl.proto.LocalTraining;
import io.trustfl.proto.ModelBundle;
import io.trustfl.server.aggregation.FedAvgAggregator;
import io.trustfl.server.aggregation.ServerOptimizer;
import io.trustfl.server.coordinator.Coordinator;
import io.trustfl.server.coordinator.CoordinatorConfig;
import io.trustfl.server.coordinator.CoordinatorServer;
import io.trustfl.server.selection.OverSelection;
import io.trustfl.server.selection.SamplingScheme;
import io.trustfl.server.selection.UniformSelection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.robolectric.Shadows;
import org.robolectric.shadows.ShadowNetwork;
import org.robolectric.shadows.ShadowNetworkCapabilities;

/** Test fixtures: a small intent-bag bundle, an in-process coordinator on loopback, and device conditions. */
final class TestFleet implements AutoCloseable {
  static final List<String> LABELS = List.of("alarm", "weather", "greeting");
  /** Labelled texts; four mention a gendered term (for the counterfactual probe). */
  static final String[][] EXAMPLES = {
      {"wake me up at seven", "alarm"}, {"set an alarm for six tomorrow", "alarm"},
      {"wake my wife at eight", "alarm"}, {"alarm at noon please", "alarm"},
      {"will it rain today", "weather"}, {"what is the weather in paris", "weather"},
      {"does he need an umbrella tomorrow", "weather"}, {"is it cold outside", "weather"},
      {"hello there", "greeting"}, {"good morning to you", "greeting"},
      {"tell her good morning", "greeting"}, {"hi my brother", "greeting"}};
  static final double CLIP_NORM = 5.0;

  /** A 3-intent hashed bag bundle (2^12 buckets, width 16): small, so a round takes well under a second. */
  static ModelBundle bundle() {
    return IntentModels.bagBundle(LABELS, 1 << 12, 16, 7, "robolectric-test");
  }

  final JavaKernels kernels = new JavaKernels();
  final CoordinatorServer server;

  /**
   * A coordinator for one device per round: two local epochs of example-level DP-SGD (σ = 1, C = 1, batch 4,
   * learning rate 0.5), updates clipped to {@link #CLIP_NORM}, the plan requiring charging, idle and unmetered.
   */
  TestFleet(ModelBundle bundle, Path stateDir) throws IOException {
    CoordinatorConfig cfg = CoordinatorConfig.builder().taskId("android-sample-test")
        .model(bundle.getModelId(), bundle.getChecksum()).initialWeights(bundle.getInitialWeights())
        .local(LocalTraining.newBuilder().setEpochs(2).setBatchSize(4).setLearningRate(0.5).setOptimizer("sgd")
            .setDpSgd(true).setDpNoiseMultiplier(1.0).setDpClipNorm(1.0).build())
        .eligibility(AndroidEligibility.REQUIRED)
        .clipNorm(CLIP_NORM)
        .selection(1, new OverSelection(new UniformSelection(SamplingScheme.FIXED_SIZE), 0, 1))
        .selectionTrigger(1, Duration.ofSeconds(30)).reportingWindow(Duration.ofSeconds(60))
        .aggregator(FedAvgAggregator.uniform(CLIP_NORM)).optimizer(ServerOptimizer.fedAvg(1.0))
        .stateDirectory(stateDir).build();
    server = CoordinatorServer.start(Coordinator.open(cfg, kernels, Clock.systemUTC()),
        new InetSocketAddress("127.0.0.1", 0), 4, Duration.ofMillis(20));
  }

  /** Sets the shadowed battery, power and connectivity services. */
  @SuppressWarnings("deprecation") // Robolectric's addNetwork takes the (deprecated) NetworkInfo.
  static void deviceConditions(Context context, boolean charging, boolean screenOn, boolean unmetered) {
    BatteryManager battery = (BatteryManager) context.getSystemService(Context.BATTERY_SERVICE);
    Shadows.shadowOf(battery).setIsCharging(charging);
    Shadows.shadowOf(battery).setIntProperty(BatteryManager.BATTERY_PROPERTY_CAPACITY, 80);
    PowerManager power = (PowerManager) context.getSystemService(Context.POWER_SERVICE);
    Shadows.shadowOf(power).turnScreenOn(screenOn);
    Shadows.shadowOf(power).setIsDeviceIdleMode(false);
    ConnectivityManager cm = (ConnectivityManager) context.getSystemService(Context.CONNECTIVITY_SERVICE);
    Network network = cm.getActiveNetwork();
    if (network == null) {
      network = ShadowNetwork.newInstance(1);
      Shadows.shadowOf(cm).addNetwork(network, cm.getActiveNetworkInfo());
    }
    NetworkCapabilities caps = ShadowNetworkCapabilities.newInstance();
    Shadows.shadowOf(caps).addTransportType(unmetered ? NetworkCapabilities.TRANSPORT_WIFI
        : NetworkCapabilities.TRANSPORT_CELLULAR);
    Shadows.shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET);
    if (unmetered) {
      Shadows.shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED);
    }
    Shadows.shadowOf(cm).setNetworkCapabilities(network, caps);
  }

  @Override
  public void close() {
    server.close();
    kernels.close();
  }
}
