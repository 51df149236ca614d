package io.trustfl.server.audit;

import io.trustfl.model.Binding;
import io.trustfl.model.BundleRuntime;
import io.trustfl.model.HashingFeaturizer;
import io.trustfl.model.ModelBundles;
import io.trustfl.model.SessionSettings;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.Params;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * White-box canary extraction from an {@code intent-bag} classifier by model inversion (Parikh, Dupuy, Gupta, ACL
 * 2022 "Canary extraction in natural language understanding models").
 *
 * <p>Threat model: the attacker holds the weights, the featurization, the template prefix, the number of secret
 * digits and the canary's label; the digits are unknown. Each secret position j is relaxed to a distribution
 * &pi;<sub>j</sub> = softmax(&theta;<sub>j</sub>) over the ten digit tokens. Because the bag averages n-gram
 * embeddings, the relaxation is exact in the bag's own input space: the digit unigram v at position j gets soft weight
 * &pi;<sub>j</sub>(v), the bigram "prefix-end v" gets &pi;<sub>1</sub>(v), and the digit bigram "u v" at positions
 * (j, j+1) gets &pi;<sub>j</sub>(u)&pi;<sub>j+1</sub>(v); the weights of each group sum to 1, so the normalization
 * equals the real utterance's n-gram count. The loss of the known label is minimized with Adam on &theta;, using the
 * bundle's {@code input_grad} graph (&part;S/&part;token_mask with logit weights softmax &minus; onehot, i.e. the
 * cross-entropy gradient) and the chain rule to &theta;; several random restarts; each restart is decoded by argmax, refined by coordinate descent on the real (one-hot) loss, one digit at
 * a time (a small extension of the paper's argmax decoding: at most 9&middot;digits loss evaluations per sweep), and
 * the decoded code with the lowest real loss is the guess. The attack can only recover a secret that is the loss
 * minimizer among all codes (exposure rank 1). Not thread-safe; owns an ONNX session (AutoCloseable).
 */
public final class ModelInversion implements AutoCloseable {
  private final BundleRuntime runtime;
  private final HashingFeaturizer featurizer;
  private final List<String> paramNames;
  private final List<String> labels;
  private final int classes;
  private final Map<Integer, Binding> bindings = new HashMap<>();
  private final Params params;

  /** Iterations, learning rate and restarts of the optimization. */
  public record Settings(int iterations, double learningRate, int restarts, long seed) {
    /** Validates. */
    public Settings {
      if (iterations < 1 || restarts < 1) {
        throw new IllegalArgumentException("iterations and restarts must be >= 1, got " + iterations + ", "
            + restarts);
      }
      if (!(learningRate > 0)) {
        throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
      }
    }

    /** 200 Adam steps at 0.3, 8 restarts. */
    public static Settings defaults(long seed) {
      return new Settings(200, 0.3, 8, seed);
    }
  }

  /**
   * The outcome for one canary.
   *
   * @param guess the decoded code
   * @param exact whether it equals the secret
   * @param guessLoss real loss of the decoded utterance under the canary's label
   */
  public record Outcome(int[] guess, boolean exact, double guessLoss) {}

  /**
   * Opens the bundle's {@code input_grad} graph.
   *
   * @param bundle an {@code intent-bag} bundle with an {@code input_grad} graph
   * @param params trained weights for it
   */
  public static ModelInversion open(ModelBundle bundle, Params params) {
    BundleRuntime rt = BundleRuntime.open(bundle, SessionSettings.forDevices(), java.util.Set.of(
        ModelBundles.INPUT_GRAD));
    try {
      return new ModelInversion(rt, bundle, params);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  private ModelInversion(BundleRuntime runtime, ModelBundle bundle, Params params) {
    if (!bundle.hasHashing()) {
      throw new IllegalArgumentException("model inversion needs a hashed-bag bundle (intent-bag); "
          + bundle.getModelId() + " has no hashing spec");
    }
    this.runtime = runtime;
    this.featurizer = new HashingFeaturizer(bundle.getHashing());
    this.paramNames = new ArrayList<>();
    bundle.getParametersList().forEach(p -> paramNames.add(p.getName()));
    if (!params.names().equals(paramNames)) {
      throw new IllegalArgumentException("parameters " + params.names() + " do not match the bundle's " + paramNames);
    }
    this.labels = bundle.getLabelsList();
    this.classes = labels.size();
    this.params = params;
  }

  /** Runs the attack on one canary (only its prefix, length and label are used, plus the secret for scoring). */
  public Outcome extract(SecretCanary canary, Settings settings) {
    int label = labels.indexOf(canary.label());
    if (label < 0) {
      throw new IllegalArgumentException("canary label '" + canary.label() + "' is not one of the model's classes");
    }
    int digits = canary.code().length;
    // token layout: fixed prefix n-grams, then per position 10 unigrams, 10 "last-prefix-token v" bigrams,
    // then 100 digit bigrams per adjacent pair
    List<String> prefixTokens = featurizer.tokens(canary.prefix());
    if (prefixTokens.isEmpty()) {
      throw new IllegalArgumentException("prefix '" + canary.prefix() + "' has no tokens");
    }
    List<String> fixed = new ArrayList<>(prefixTokens);
    for (int i = 0; i + 1 < prefixTokens.size(); i++) {
      fixed.add(prefixTokens.get(i) + " " + prefixTokens.get(i + 1));
    }
    String last = prefixTokens.get(prefixTokens.size() - 1);
    int nFixed = fixed.size();
    int uniStart = nFixed;
    int startBigram = uniStart + 10 * digits;
    int pairStart = startBigram + 10;
    int length = pairStart + 100 * (digits - 1);
    long[] ids = new long[length];
    for (int t = 0; t < nFixed; t++) {
      ids[t] = featurizer.bucketOf(fixed.get(t));
    }
    for (int j = 0; j < digits; j++) {
      for (int v = 0; v < 10; v++) {
        ids[uniStart + 10 * j + v] = featurizer.bucketOf(Integer.toString(v));
      }
    }
    for (int v = 0; v < 10; v++) {
      ids[startBigram + v] = featurizer.bucketOf(last + " " + v);
    }
    for (int j = 0; j + 1 < digits; j++) {
      for (int u = 0; u < 10; u++) {
        for (int v = 0; v < 10; v++) {
          ids[pairStart + 100 * j + 10 * u + v] = featurizer.bucketOf(u + " " + v);
        }
      }
    }
    Binding b = binding(length);
    b.longs("token_ids").clear().put(ids);
    for (int p = 0; p < paramNames.size(); p++) {
      b.floats(paramNames.get(p)).clear().put(params.values(p));
    }
    Random rnd = new Random(settings.seed());
    int[] best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (int r = 0; r < settings.restarts(); r++) {
      double[][] theta = new double[digits][10];
      for (double[] row : theta) {
        for (int v = 0; v < 10; v++) {
          row[v] = r == 0 ? 0 : rnd.nextGaussian();
        }
      }
      double[][] m1 = new double[digits][10];
      double[][] m2 = new double[digits][10];
      float[] mask = new float[length];
      float[] grad = new float[length];
      for (int it = 1; it <= settings.iterations(); it++) {
        double[][] pi = softmaxRows(theta);
        fillMask(mask, nFixed, uniStart, startBigram, pairStart, pi);
        gradient(b, mask, label, grad);
        double[][] g = new double[digits][10];
        for (int j = 0; j < digits; j++) {
          for (int v = 0; v < 10; v++) {
            double d = grad[uniStart + 10 * j + v];
            if (j == 0) {
              d += grad[startBigram + v];
            }
            if (j > 0) {
              for (int u = 0; u < 10; u++) {
                d += pi[j - 1][u] * grad[pairStart + 100 * (j - 1) + 10 * u + v];
              }
            }
            if (j + 1 < digits) {
              for (int w = 0; w < 10; w++) {
                d += pi[j + 1][w] * grad[pairStart + 100 * j + 10 * v + w];
              }
            }
            g[j][v] = d;
          }
          double mean = 0;
          for (int v = 0; v < 10; v++) {
            mean += pi[j][v] * g[j][v];
          }
          for (int v = 0; v < 10; v++) {
            double gt = pi[j][v] * (g[j][v] - mean); // softmax Jacobian
            m1[j][v] = 0.9 * m1[j][v] + 0.1 * gt;
            m2[j][v] = 0.999 * m2[j][v] + 0.001 * gt * gt;
            double mh = m1[j][v] / (1 - Math.pow(0.9, it));
            double vh = m2[j][v] / (1 - Math.pow(0.999, it));
            theta[j][v] -= settings.learningRate() * mh / (Math.sqrt(vh) + 1e-8);
          }
        }
      }
      int[] decoded = new int[digits];
      for (int j = 0; j < digits; j++) {
        int arg = 0;
        for (int v = 1; v < 10; v++) {
          if (theta[j][v] > theta[j][arg]) {
            arg = v;
          }
        }
        decoded[j] = arg;
      }
      double loss = hardLoss(b, mask, decoded, nFixed, uniStart, startBigram, pairStart, label);
      // refine the decoded code by coordinate descent on the real loss (one digit at a time, until no change)
      for (boolean improved = true; improved; ) {
        improved = false;
        for (int j = 0; j < digits; j++) {
          int keep = decoded[j];
          for (int v = 0; v < 10; v++) {
            if (v == keep) {
              continue;
            }
            decoded[j] = v;
            double l = hardLoss(b, mask, decoded, nFixed, uniStart, startBigram, pairStart, label);
            if (l < loss - 1e-7) {
              loss = l;
              keep = v;
              improved = true;
            }
          }
          decoded[j] = keep;
        }
      }
      if (loss < bestLoss) {
        bestLoss = loss;
        best = decoded;
      }
    }
    return new Outcome(best, java.util.Arrays.equals(best, canary.code()), bestLoss);
  }

  private static void fillMask(float[] mask, int nFixed, int uniStart, int startBigram, int pairStart,
      double[][] pi) {
    int digits = pi.length;
    for (int t = 0; t < nFixed; t++) {
      mask[t] = 1f;
    }
    for (int j = 0; j < digits; j++) {
      for (int v = 0; v < 10; v++) {
        mask[uniStart + 10 * j + v] = (float) pi[j][v];
      }
    }
    for (int v = 0; v < 10; v++) {
      mask[startBigram + v] = (float) pi[0][v];
    }
    for (int j = 0; j + 1 < digits; j++) {
      for (int u = 0; u < 10; u++) {
        for (int v = 0; v < 10; v++) {
          mask[pairStart + 100 * j + 10 * u + v] = (float) (pi[j][u] * pi[j + 1][v]);
        }
      }
    }
  }

  /** Writes d(cross-entropy of {@code label})/d(token_mask) into {@code grad}; returns the loss. */
  private double gradient(Binding b, float[] mask, int label, float[] grad) {
    b.floats("token_mask").clear().put(mask);
    FloatBuffer w = b.floats("logit_weights").clear();
    for (int k = 0; k < classes; k++) {
      w.put(k, 0f);
    }
    b.run();
    float[] logits = new float[classes];
    b.floats("logits").get(0, logits);
    double max = Double.NEGATIVE_INFINITY;
    for (float z : logits) {
      max = Math.max(max, z);
    }
    double sum = 0;
    for (float z : logits) {
      sum += Math.exp(z - max);
    }
    for (int k = 0; k < classes; k++) {
      w.put(k, (float) (Math.exp(logits[k] - max) / sum - (k == label ? 1 : 0)));
    }
    b.run();
    b.floats("input_grad").get(0, grad);
    return max + Math.log(sum) - logits[label];
  }

  private double hardLoss(Binding b, float[] mask, int[] code, int nFixed, int uniStart, int startBigram,
      int pairStart, int label) {
    double[][] hard = new double[code.length][10];
    for (int j = 0; j < code.length; j++) {
      hard[j][code[j]] = 1;
    }
    fillMask(mask, nFixed, uniStart, startBigram, pairStart, hard);
    return lossOf(b, mask, label);
  }

  private double lossOf(Binding b, float[] mask, int label) {
    return gradient(b, mask, label, new float[mask.length]);
  }

  private Binding binding(int length) {
    return bindings.computeIfAbsent(length, len -> {
      Map<String, long[]> shapes = new HashMap<>();
      shapes.put("token_ids", new long[] {1, len});
      shapes.put("token_mask", new long[] {1, len});
      shapes.put("logit_weights", new long[] {1, classes});
      for (int p = 0; p < paramNames.size(); p++) {
        shapes.put(paramNames.get(p), params.shape(p));
      }
      return runtime.bind(ModelBundles.INPUT_GRAD, shapes);
    });
  }

  /** Closes the ONNX session. Idempotent. */
  @Override
  public void close() {
    runtime.close();
  }

  private static double[][] softmaxRows(double[][] theta) {
    double[][] pi = new double[theta.length][];
    for (int j = 0; j < theta.length; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double t : theta[j]) {
        max = Math.max(max, t);
      }
      double sum = 0;
      pi[j] = new double[theta[j].length];
      for (int v = 0; v < theta[j].length; v++) {
        pi[j][v] = Math.exp(theta[j][v] - max);
        sum += pi[j][v];
      }
      for (int v = 0; v < theta[j].length; v++) {
        pi[j][v] /= sum;
      }
    }
    return pi;
  }
}
