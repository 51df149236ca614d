package io.trustfl.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Threading of one ONNX Runtime session. The defaults suit phones and shared hosts: spinning is off
 * ({@code session.intra_op.allow_spinning=0}, so idle worker threads sleep instead of burning battery) and the
 * intra-op pool is bounded.
 *
 * @param intraOpThreads threads one operator may use, in [1, 64]
 * @param interOpThreads threads running independent operators in parallel, in [1, 64] (1 = sequential execution)
 * @param allowSpinning whether idle intra-op threads busy-wait (lower latency, more power)
 */
public record SessionSettings(int intraOpThreads, int interOpThreads, boolean allowSpinning) {
  /** Validates the fields. */
  public SessionSettings {
    if (intraOpThreads < 1 || intraOpThreads > 64) {
      throw new IllegalArgumentException("intraOpThreads must be in [1, 64], got " + intraOpThreads);
    }
    if (interOpThreads < 1 || interOpThreads > 64) {
      throw new IllegalArgumentException("interOpThreads must be in [1, 64], got " + interOpThreads);
    }
  }

  /**
   * Settings for battery-powered devices: no spinning, sequential operators, and at most 2 intra-op threads (fewer
   * when the machine has fewer cores).
   */
  public static SessionSettings forDevices() {
    return new SessionSettings(Math.min(2, Runtime.getRuntime().availableProcessors()), 1, false);
  }

  /** Single-threaded, no spinning: for callers that run several sessions in parallel themselves. */
  public static SessionSettings singleThreaded() {
    return new SessionSettings(1, 1, false);
  }

  /** Returns a copy with {@code intraOpThreads} replaced. */
  public SessionSettings withIntraOpThreads(int threads) {
    return new SessionSettings(threads, interOpThreads, allowSpinning);
  }

  /**
   * Builds ONNX Runtime session options from these settings (optimization level ALL). The caller closes them.
   *
   * @throws ModelRuntimeException if ONNX Runtime rejects an option
   */
  OrtSession.SessionOptions toOptions() {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(interOpThreads);
      options.setExecutionMode(interOpThreads > 1
          ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
          : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      String spin = allowSpinning ? "1" : "0";
      options.addConfigEntry("session.intra_op.allow_spinning", spin);
      options.addConfigEntry("session.inter_op.allow_spinning", spin);
      return options;
    } catch (OrtException e) {
      options.close();
      throw new ModelRuntimeException("ONNX Runtime rejected session options " + this, e);
    }
  }
}
