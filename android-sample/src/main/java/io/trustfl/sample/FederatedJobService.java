package io.trustfl.sample;

import android.app.job.JobParameters;
import android.app.job.JobService;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The background job: JobScheduler starts it only while the device is charging, idle and on an unmetered network
 * ({@link RoundScheduler}); it runs one {@link FederatedRound} on a worker thread (never the main thread) and asks
 * to be rescheduled when the round failed on the network. The round re-checks the conditions itself, since they
 * may have changed between scheduling and running.
 */
public final class FederatedJobService extends JobService {
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "trustfl-round");
    t.setDaemon(true);
    return t;
  });
  private volatile Future<?> running;
  private volatile FederatedRound.Report lastReport;

  @Override
  public boolean onStartJob(JobParameters params) {
    running = worker.submit(() -> {
      FederatedRound.Report r;
      try {
        r = SampleComponents.get(this).runRound();
      } catch (RuntimeException | LinkageError e) {
        // The app cannot open its parts (e.g. no ONNX Runtime in the APK): retrying will not help.
        r = new FederatedRound.Report(FederatedRound.Status.FAILED, "cannot run a round: " + e, 0,
            Map.of(), System.currentTimeMillis());
        lastReport = r;
        jobFinished(params, false);
        return;
      }
      lastReport = r;
      jobFinished(params, r.status() == FederatedRound.Status.FAILED);
    });
    return true;
  }

  @Override
  public boolean onStopJob(JobParameters params) {
    // The conditions no longer hold (e.g. unplugged): stop and retry later.
    Future<?> f = running;
    if (f != null) {
      f.cancel(true);
    }
    return true;
  }

  @Override
  public void onDestroy() {
    worker.shutdownNow();
    super.onDestroy();
  }

  /** The round in flight or last run by this service instance (null before the first job). */
  Future<?> running() {
    return running;
  }

  /** The report of the last round this service instance finished (null before). */
  FederatedRound.Report lastReport() {
    return lastReport;
  }
}
