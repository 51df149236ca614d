package io.trustfl.sample;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import android.app.Application;
import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import android.content.Context;
import android.net.NetworkCapabilities;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.RoundSummary;
import io.trustfl.proto.WeightsCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;
import org.robolectric.annotation.Config;

/**
 * The app's background job end to end under Robolectric (Android 14, SDK 34) against an in-process coordinator on
 * loopback: JobScheduler constraints, check-in, plan download, local DP-SGD training with the desktop ONNX Runtime
 * (Robolectric runs on the JVM), the fairness probe, update upload and the coordinator's aggregate; and the
 * eligibility rules (not charging, screen on, metered network → no check-in, no training).
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34)
public class BackgroundRoundTest {
  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  private static ModelBundle bundle;
  private Application app;
  private TestFleet fleet;
  private SampleComponents components;

  @Before
  public void setUp() throws Exception {
    if (bundle == null) {
      bundle = TestFleet.bundle();
    }
    app = RuntimeEnvironment.getApplication();
    fleet = new TestFleet(bundle, tmp.newFolder("coordinator").toPath());
    components = SampleComponents.open(app, bundle, fleet.server.uri(), new AndroidEligibility(app),
        new CounterfactualGapProbe(), Duration.ofSeconds(20));
    SampleComponents.install(components);
    for (String[] e : TestFleet.EXAMPLES) {
      assertTrue(components.store().add(e[0], e[1], null).stored().isPresent());
    }
  }

  @After
  public void tearDown() {
    SampleComponents.install(null);
    fleet.close();
  }

  @Test
  public void jobIsScheduledOnlyForChargingIdleUnmetered() {
    RoundScheduler.schedule(app);
    JobScheduler js = (JobScheduler) app.getSystemService(Context.JOB_SCHEDULER_SERVICE);
    List<JobInfo> jobs = js.getAllPendingJobs();
    assertEquals(1, jobs.size());
    JobInfo job = jobs.get(0);
    assertEquals(RoundScheduler.JOB_ID, job.getId());
    assertEquals(FederatedJobService.class.getName(), job.getService().getClassName());
    assertTrue(job.isRequireCharging());
    assertTrue(job.isRequireDeviceIdle());
    assertTrue(job.getRequiredNetwork().hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED));
    assertTrue(job.isPeriodic());
    assertTrue(job.isPersisted());
  }

  @Test
  public void androidEligibilityReadsTheFrameworkServices() {
    AndroidEligibility e = new AndroidEligibility(app);
    TestFleet.deviceConditions(app, true, false, true);
    assertTrue(e.charging());
    assertTrue(e.idle());
    assertTrue(e.unmeteredNetwork());
    assertEquals(0.8f, e.batteryLevel(), 0f);
    TestFleet.deviceConditions(app, false, true, false);
    assertFalse(e.charging());
    assertFalse(e.idle());
    assertFalse(e.unmeteredNetwork());
  }

  @Test
  public void backgroundJobTrainsAndUploadsWhenChargingIdleUnmetered() throws Exception {
    TestFleet.deviceConditions(app, true, false, true);
    float[] initial = WeightsCodec.decode(bundle.getInitialWeights().getTensors(0));

    FederatedJobService service = Robolectric.setupService(FederatedJobService.class);
    assertTrue("the job continues on a worker thread", service.onStartJob(null));
    service.running().get(120, TimeUnit.SECONDS);
    FederatedRound.Report report = service.lastReport();
    assertNotNull(report);
    assertEquals(report.detail(), FederatedRound.Status.UPLOADED, report.status());
    assertTrue(Shadows.shadowOf(service).getIsJobFinished());
    assertFalse(Shadows.shadowOf(service).getIsRescheduleNeeded());

    // Local training ran: DP-SGD over the 12 stored examples, its loss and the probe went up with the update.
    assertEquals(2.0 * 3, report.metrics().get("local_steps"), 3.0);
    assertTrue(report.metrics().containsKey("train_loss"));
    double gap = report.metrics().get(CounterfactualGapProbe.GAP);
    assertTrue("gap " + gap, gap >= 0 && gap <= 1);
    double flips = report.metrics().get(CounterfactualGapProbe.FLIP_RATE);
    assertTrue("flip rate " + flips, flips >= 0 && flips <= 1);
    assertEquals(4.0, report.metrics().get(CounterfactualGapProbe.EXAMPLES), 0.0);
    assertTrue(report.metrics().get("example_level_epsilon") > 0);

    // The device spent (and saved) example-level budget.
    assertTrue(components.privacy().spentEpsilon() > 0);
    assertTrue(components.lastRound().startsWith("UPLOADED"));
    assertTrue(components.lastRound(), components.lastRound().contains("counterfactual gap"));

    // The coordinator accepted the update and released the round with new global weights.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (fleet.server.coordinator().status().roundsCompleted() < 1 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    List<RoundSummary> summaries = fleet.server.coordinator().summaries();
    assertEquals(1, summaries.size());
    assertEquals(1, summaries.get(0).getAccepted());
    float[] global = WeightsCodec.decode(fleet.server.coordinator().globalWeights().getTensors(0));
    assertEquals(initial.length, global.length);
    assertFalse("the aggregate moved the global weights", Arrays.equals(initial, global));
  }

  @Test
  public void notChargingMeansNoCheckInAndNoTraining() {
    assertRefused(false, false, true, "not charging");
  }

  @Test
  public void screenOnMeansNoTraining() {
    assertRefused(true, true, true, "not idle");
  }

  @Test
  public void meteredNetworkMeansNoTraining() {
    assertRefused(true, false, false, "network is metered");
  }

  private void assertRefused(boolean charging, boolean screenOn, boolean unmetered, String reason) {
    TestFleet.deviceConditions(app, charging, screenOn, unmetered);
    float[] before = components.model().params().values(0);
    FederatedRound.Report r = components.runRound();
    assertEquals(FederatedRound.Status.NOT_ELIGIBLE, r.status());
    assertTrue(r.detail(), r.detail().contains(reason));
    assertTrue(r.metrics().isEmpty());
    assertEquals("no check-in reached the coordinator", 0, fleet.server.coordinator().status().candidates());
    assertEquals(0.0, components.privacy().spentEpsilon(), 0.0);
    assertTrue(Arrays.equals(before, components.model().params().values(0)));
    assertNotEquals("", components.lastRound());
  }
}
