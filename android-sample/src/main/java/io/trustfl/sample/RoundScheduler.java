package io.trustfl.sample;

import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import android.content.ComponentName;
import android.content.Context;
import java.util.concurrent.TimeUnit;

/**
 * Schedules the federated job with JobScheduler: periodic, persisted across reboots, and constrained to run only
 * while the device is charging, idle and on an unmetered network.
 */
public final class RoundScheduler {
  /** The job id of the federated round. */
  public static final int JOB_ID = 0x7F1;
  /** How often the job may run (JobScheduler decides when within each period). */
  public static final long PERIOD_MILLIS = TimeUnit.HOURS.toMillis(6);

  private RoundScheduler() {}

  /** The job: charging, idle, unmetered, every {@link #PERIOD_MILLIS}. */
  public static JobInfo job(Context context) {
    return new JobInfo.Builder(JOB_ID, new ComponentName(context, FederatedJobService.class))
        .setRequiresCharging(true)
        .setRequiresDeviceIdle(true)
        .setRequiredNetworkType(JobInfo.NETWORK_TYPE_UNMETERED)
        .setPeriodic(PERIOD_MILLIS)
        .setPersisted(true)
        .build();
  }

  /**
   * Schedules (or replaces) the job.
   *
   * @throws IllegalStateException if JobScheduler refuses it
   */
  public static void schedule(Context context) {
    JobScheduler scheduler = (JobScheduler) context.getSystemService(Context.JOB_SCHEDULER_SERVICE);
    if (scheduler.schedule(job(context)) != JobScheduler.RESULT_SUCCESS) {
      throw new IllegalStateException("JobScheduler refused the federated job");
    }
  }
}
