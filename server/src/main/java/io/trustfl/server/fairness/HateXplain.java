package io.trustfl.server.fairness;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.trustfl.fairness.BiasAucs;
import io.trustfl.fairness.Bootstrap;
import io.trustfl.fairness.GroupMetrics;
import io.trustfl.fairness.Interval;
import io.trustfl.kernels.Kernels;
import io.trustfl.model.TextEncoder;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.TextFeatures;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * HateXplain extrinsic bias evaluation (Mathew et al. 2021): toxic = hatespeech ∪ offensive by the majority of the
 * three annotators (posts without a majority are not in {@code post_id_divisions.json} and are skipped); a post
 * targets a community when at least 2 of the 3 annotators chose it; the top-10 communities by the number of targeted
 * posts in the whole data set; Subgroup/BPSN/BNSP AUCs of p(toxic) on the official test split.
 */
public final class HateXplain {
  /** Label order of the toxicity head: class 1 is toxic. */
  public static final List<String> LABELS = List.of("non-toxic", "toxic");

  /** One post. */
  public record Post(String id, String text, boolean toxic, Set<String> targets) {}

  /** The official splits. */
  public record Splits(List<Post> train, List<Post> val, List<Post> test, List<String> topCommunities) {}

  private HateXplain() {}

  /** Loads {@code dataset.json} and {@code post_id_divisions.json} from {@code dir}. */
  public static Splits load(Path dir, int topK) {
    Path data = dir.resolve("dataset.json");
    Path div = dir.resolve("post_id_divisions.json");
    if (!Files.isRegularFile(data) || !Files.isRegularFile(div)) {
      throw new IllegalArgumentException("HateXplain files not found in " + dir + " (dataset.json,"
          + " post_id_divisions.json); point --data-dir at ../shared/data");
    }
    JsonObject all;
    JsonObject divisions;
    try (Reader r = Files.newBufferedReader(data, StandardCharsets.UTF_8);
        Reader d = Files.newBufferedReader(div, StandardCharsets.UTF_8)) {
      all = JsonParser.parseReader(r).getAsJsonObject();
      divisions = JsonParser.parseReader(d).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Post> posts = new HashMap<>();
    Map<String, Integer> communityCounts = new HashMap<>();
    for (Map.Entry<String, JsonElement> e : all.entrySet()) {
      JsonObject p = e.getValue().getAsJsonObject();
      Map<String, Integer> labelVotes = new HashMap<>();
      Map<String, Integer> targetVotes = new HashMap<>();
      for (JsonElement a : p.getAsJsonArray("annotators")) {
        JsonObject ann = a.getAsJsonObject();
        labelVotes.merge(ann.get("label").getAsString(), 1, Integer::sum);
        Set<String> once = new HashSet<>();
        ann.getAsJsonArray("target").forEach(t -> once.add(t.getAsString()));
        once.forEach(t -> targetVotes.merge(t, 1, Integer::sum));
      }
      String majority = null;
      for (Map.Entry<String, Integer> v : labelVotes.entrySet()) {
        if (v.getValue() >= 2) {
          majority = v.getKey();
        }
      }
      if (majority == null) {
        continue;
      }
      Set<String> targets = new HashSet<>();
      targetVotes.forEach((t, n) -> {
        if (n >= 2 && !t.equals("None")) {
          targets.add(t);
        }
      });
      targets.forEach(t -> communityCounts.merge(t, 1, Integer::sum));
      List<String> tokens = new ArrayList<>();
      p.getAsJsonArray("post_tokens").forEach(t -> tokens.add(t.getAsString()));
      posts.put(e.getKey(), new Post(e.getKey(), String.join(" ", tokens), !majority.equals("normal"), targets));
    }
    List<String> top = communityCounts.entrySet().stream()
        .sorted((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
            : b.getValue() - a.getValue())
        .limit(topK).map(Map.Entry::getKey).toList();
    return new Splits(split(divisions, "train", posts), split(divisions, "val", posts),
        split(divisions, "test", posts), top);
  }

  private static List<Post> split(JsonObject div, String name, Map<String, Post> posts) {
    List<Post> out = new ArrayList<>();
    JsonArray ids = div.getAsJsonArray(name);
    for (JsonElement id : ids) {
      Post p = posts.get(id.getAsString());
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Trains the toxicity head non-privately and with DP at each ε of {@code epsilons} and returns the JSON report.
   *
   * @param bundleFor builds a 2-class ["non-toxic", "toxic"] MiniLM head bundle for a seed
   * @param maxTrain use at most this many training posts (first in the official order; 0 = all)
   */
  public static JsonObject evaluate(Splits s, TextEncoder encoder, LongFunction<ModelBundle> bundleFor,
      List<Double> epsilons, int epochs, int maxTrain, int bootstrap, long seed, Kernels kernels) {
    List<Post> train = maxTrain > 0 && s.train().size() > maxTrain ? s.train().subList(0, maxTrain) : s.train();
    Batch tr = batch(train, encoder);
    Batch va = batch(s.val(), encoder);
    Batch te = batch(s.test(), encoder);
    boolean[] labels = new boolean[s.test().size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = s.test().get(i).toxic();
    }
    JsonObject out = new JsonObject();
    out.addProperty("train_posts", train.size());
    out.addProperty("val_posts", s.val().size());
    out.addProperty("test_posts", s.test().size());
    JsonArray comms = new JsonArray();
    s.topCommunities().forEach(comms::add);
    out.add("communities", comms);
    JsonArray runs = new JsonArray();
    List<Double> eps = new ArrayList<>();
    eps.add(null);
    eps.addAll(epsilons);
    for (Double e : eps) {
      Heads.Trained h = Heads.train(bundleFor.apply(seed), tr, va, te, epochs, 256, e == null ? 1e-3 : 1e-2, e,
          1e-5, seed, kernels);
      double[][] p = Heads.probabilities(h, (DenseFeatures) te.features());
      double[] score = new double[p.length];
      for (int i = 0; i < p.length; i++) {
        score[i] = p[i][1];
      }
      JsonObject run = new JsonObject();
      run.addProperty("mode", e == null ? "non-private" : "dp");
      if (e != null) {
        run.addProperty("epsilon_target", e);
        run.addProperty("epsilon_spent", h.epsilon());
      }
      run.addProperty("epochs", h.epochs());
      run.addProperty("test_accuracy", h.testAccuracy());
      run.addProperty("test_auc", GroupMetrics.auc(score, labels));
      JsonObject per = new JsonObject();
      List<double[]> rows = new ArrayList<>();
      for (String c : s.topCommunities()) {
        boolean[] in = new boolean[p.length];
        for (int i = 0; i < in.length; i++) {
          in[i] = s.test().get(i).targets().contains(c);
        }
        JsonObject g = new JsonObject();
        try {
          BiasAucs b = BiasAucs.of(score, labels, in);
          g.addProperty("size", b.groupSize());
          g.addProperty("subgroup_auc", b.subgroup());
          g.addProperty("bpsn_auc", b.bpsn());
          g.addProperty("bnsp_auc", b.bnsp());
          rows.add(new double[] {b.subgroup(), b.bpsn(), b.bnsp()});
        } catch (IllegalArgumentException undefined) {
          g.addProperty("undefined", undefined.getMessage());
        }
        per.add(c, g);
      }
      run.add("communities", per);
      String[] names = {"subgroup_auc", "bpsn_auc", "bnsp_auc"};
      JsonObject gm = new JsonObject();
      for (int m = 0; m < 3; m++) {
        final int mm = m;
        double[] vals = rows.stream().mapToDouble(r -> r[mm]).toArray();
        gm.addProperty(names[m], GroupMetrics.generalizedMean(vals, BiasAucs.POWER));
      }
      run.add("generalized_mean_p_minus5", gm);
      if (bootstrap > 0) {
        JsonObject ci = new JsonObject();
        for (int m = 0; m < 3; m++) {
          final int mm = m;
          Interval iv = Bootstrap.percentile(p.length, idx -> {
            double[] sc = new double[idx.length];
            boolean[] lb = new boolean[idx.length];
            for (int i = 0; i < idx.length; i++) {
              sc[i] = score[idx[i]];
              lb[i] = labels[idx[i]];
            }
            List<Double> v = new ArrayList<>();
            for (String c : s.topCommunities()) {
              boolean[] in = new boolean[idx.length];
              for (int i = 0; i < idx.length; i++) {
                in[i] = s.test().get(idx[i]).targets().contains(c);
              }
              BiasAucs b = BiasAucs.of(sc, lb, in);
              v.add(mm == 0 ? b.subgroup() : mm == 1 ? b.bpsn() : b.bnsp());
            }
            return GroupMetrics.generalizedMean(v.stream().mapToDouble(Double::doubleValue).toArray(),
                BiasAucs.POWER);
          }, bootstrap, 0.95, seed + m);
          JsonObject o = new JsonObject();
          o.addProperty("lower", iv.lower());
          o.addProperty("upper", iv.upper());
          o.addProperty("replicates", iv.replicates());
          ci.add(names[m], o);
        }
        run.add("generalized_mean_ci95", ci);
      }
      runs.add(run);
    }
    out.add("runs", runs);
    return out;
  }

  private static Batch batch(List<Post> posts, TextEncoder encoder) {
    List<String> texts = new ArrayList<>(posts.size());
    int[] y = new int[posts.size()];
    for (int i = 0; i < y.length; i++) {
      texts.add(posts.get(i).text());
      y[i] = posts.get(i).toxic() ? 1 : 0;
    }
    return new Batch(TextFeatures.embed(encoder, texts), y);
  }
}
