package io.trustfl.server.audit;

/**
 * The likelihood-ratio attack LiRA (Carlini, Chien, Nasr, Song, Terzis, Tram&egrave;r 2022). For each example,
 * Gaussians are fit to &phi; over shadow models trained with it (IN) and without it (OUT); the online score is the
 * log likelihood ratio log N(&phi;; &mu;<sub>in</sub>, &sigma;<sub>in</sub>&sup2;) &minus; log N(&phi;;
 * &mu;<sub>out</sub>, &sigma;<sub>out</sub>&sup2;) and the offline score is the one-sided z-value (&phi; &minus;
 * &mu;<sub>out</sub>)/&sigma;<sub>out</sub> (monotone in the p-value of the test against OUT). With fixed variance
 * every example uses the standard deviation pooled over all examples (the paper's advice for few shadows). An
 * example with fewer than two IN (OUT) shadows falls back to the pooled deviation, and with none to the pooled
 * mean offset. Stateless and thread-safe.
 */
public final class Lira {
  private static final double MIN_STD = 1e-6;

  private Lira() {}

  /** Online (IN and OUT fits) or offline (OUT fit only). */
  public enum Mode { ONLINE, OFFLINE }

  /**
   * Scores the target's examples (higher = more likely a member).
   *
   * @param shadowPhi {@code [shadows][examples]} &phi; of each shadow model on each example
   * @param shadowIn {@code [shadows][examples]} whether the example was in that shadow's training set
   * @param targetPhi &phi; of the target model on each example
   * @param fixedVariance use the pooled standard deviation for every example
   * @throws IllegalArgumentException for ragged shapes or no shadows
   */
  public static double[] scores(double[][] shadowPhi, boolean[][] shadowIn, double[] targetPhi, Mode mode,
      boolean fixedVariance) {
    int s = shadowPhi.length;
    int n = targetPhi.length;
    if (s < 1 || shadowIn.length != s) {
      throw new IllegalArgumentException("need >= 1 shadow model and one membership row per shadow, got " + s
          + " phi rows and " + shadowIn.length + " membership rows");
    }
    for (int j = 0; j < s; j++) {
      if (shadowPhi[j].length != n || shadowIn[j].length != n) {
        throw new IllegalArgumentException("shadow " + j + " must score " + n + " examples, got "
            + shadowPhi[j].length + " phi values and " + shadowIn[j].length + " membership flags");
      }
    }
    double[] muIn = new double[n];
    double[] muOut = new double[n];
    double[] sdIn = new double[n];
    double[] sdOut = new double[n];
    int[] nIn = new int[n];
    int[] nOut = new int[n];
    double pooledVarIn = 0;
    double pooledVarOut = 0;
    long dofIn = 0;
    long dofOut = 0;
    double offsetSum = 0;
    int offsetCount = 0;
    for (int i = 0; i < n; i++) {
      double sumIn = 0;
      double sumOut = 0;
      for (int j = 0; j < s; j++) {
        if (shadowIn[j][i]) {
          sumIn += shadowPhi[j][i];
          nIn[i]++;
        } else {
          sumOut += shadowPhi[j][i];
          nOut[i]++;
        }
      }
      muIn[i] = nIn[i] > 0 ? sumIn / nIn[i] : Double.NaN;
      muOut[i] = nOut[i] > 0 ? sumOut / nOut[i] : Double.NaN;
      double ssIn = 0;
      double ssOut = 0;
      for (int j = 0; j < s; j++) {
        double d = shadowPhi[j][i] - (shadowIn[j][i] ? muIn[i] : muOut[i]);
        if (shadowIn[j][i]) {
          ssIn += d * d;
        } else {
          ssOut += d * d;
        }
      }
      if (nIn[i] >= 2) {
        sdIn[i] = Math.sqrt(ssIn / (nIn[i] - 1));
        pooledVarIn += ssIn;
        dofIn += nIn[i] - 1;
      }
      if (nOut[i] >= 2) {
        sdOut[i] = Math.sqrt(ssOut / (nOut[i] - 1));
        pooledVarOut += ssOut;
        dofOut += nOut[i] - 1;
      }
      if (nIn[i] > 0 && nOut[i] > 0) {
        offsetSum += muIn[i] - muOut[i];
        offsetCount++;
      }
    }
    double poolOut = dofOut > 0 ? Math.sqrt(pooledVarOut / dofOut) : 1.0;
    double poolIn = dofIn > 0 ? Math.sqrt(pooledVarIn / dofIn) : poolOut;
    double offset = offsetCount > 0 ? offsetSum / offsetCount : 0;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double mIn = nIn[i] > 0 ? muIn[i] : muOut[i] + offset;
      double mOut = nOut[i] > 0 ? muOut[i] : muIn[i] - offset;
      double sIn = Math.max(MIN_STD, fixedVariance || nIn[i] < 2 ? poolIn : sdIn[i]);
      double sOut = Math.max(MIN_STD, fixedVariance || nOut[i] < 2 ? poolOut : sdOut[i]);
      double x = targetPhi[i];
      out[i] = switch (mode) {
        case ONLINE -> logNormal(x, mIn, sIn) - logNormal(x, mOut, sOut);
        case OFFLINE -> (x - mOut) / sOut;
      };
    }
    return out;
  }

  private static double logNormal(double x, double mu, double sd) {
    double z = (x - mu) / sd;
    return -0.5 * z * z - Math.log(sd);
  }
}
