package io.trustfl.server.fairness;

import com.google.gson.JsonObject;
import io.trustfl.data.DatasetSplits;
import io.trustfl.data.Example;
import io.trustfl.fairness.CounterfactualProbe;
import io.trustfl.fairness.CounterfactualResult;
import io.trustfl.fairness.GenderSwapper;
import io.trustfl.fairness.InputGradients;
import io.trustfl.fairness.Mitigation;
import io.trustfl.fairness.PredictionSensitivity;
import io.trustfl.kernels.Kernels;
import io.trustfl.model.SessionSettings;
import io.trustfl.model.TextEncoder;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.TextFeatures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Prediction sensitivity and counterfactual gap of an intent classifier on a gender-swapped intent set, before and
 * after mitigation. The set: the test utterances that mention a swappable identity term (WinoBias lists plus paired
 * first names) and their swapped counterparts. The protected-status head ("female" vs "male" referent) is trained by
 * the SDK's Trainer on training utterances labelled by gendered-word presence, each with its swapped copy under the
 * other label. Mitigations: counterfactual data augmentation (CDA) of the training set, and counterfactual
 * role-reversal distillation into a smaller (linear) student whose hard target on x and x′ is the argmax of
 * ½·p_T(x) + ½·p_T(x′) (the bundles' train graphs take class indexes, so the mixed distribution is not used as a
 * soft target).
 */
public final class GenderProbeExperiment {
  /** Male seed words; the female list is their swaps. */
  static final List<String> MALE_SEED = List.of("male", "man", "men", "boy", "boys", "brother", "brothers", "he",
      "him", "his", "himself", "son", "sons", "father", "fathers", "dad", "dads", "uncle", "uncles", "grandfather",
      "grandpa", "husband", "husbands", "boyfriend", "boyfriends", "mr", "sir", "king", "nephew", "groom",
      "gentleman", "gentlemen", "guy");

  private GenderProbeExperiment() {}

  /**
   * Runs the experiment and returns the JSON report.
   *
   * @param bundleFor (labels, hidden) → MiniLM head bundle
   */
  public static JsonObject run(DatasetSplits data, GenderSwapper swapper, List<String> maleNames,
      TextEncoder encoder, BiFunction<List<String>, Integer, ModelBundle> bundleFor, int epochs, long seed,
      Kernels kernels) {
    Set<String> male = new HashSet<>(MALE_SEED);
    maleNames.forEach(n -> male.add(n.toLowerCase(Locale.ROOT)));
    Set<String> female = new HashSet<>();
    for (String m : male) {
      String f = swapper.swap(m);
      if (!f.equals(m)) {
        female.add(f);
      }
    }
    List<String> classes = new ArrayList<>(new java.util.TreeSet<>(data.train().labels()));
    List<Example> train = data.train().examples();
    Batch tr = batch(train, classes, encoder);
    Batch va = batch(data.validation().examples(), classes, encoder);
    Batch te = batch(data.test().examples(), classes, encoder);

    List<String> g = new ArrayList<>();
    List<String> gSwapped = new ArrayList<>();
    for (Example e : data.test().examples()) {
      String s = swapper.swap(e.text());
      if (!s.equals(e.text())) {
        g.add(e.text());
        gSwapped.add(s);
      }
    }
    if (g.isEmpty()) {
      throw new IllegalStateException("no test utterance mentions a swappable identity term");
    }
    DenseFeatures fg = TextFeatures.embed(encoder, g);
    DenseFeatures fgs = TextFeatures.embed(encoder, gSwapped);
    List<String> both = new ArrayList<>(g);
    both.addAll(gSwapped);
    DenseFeatures fBoth = TextFeatures.embed(encoder, both);

    // protected-status head: gender of the referent from gendered words, each example with its swap
    List<String> pTexts = new ArrayList<>();
    List<Integer> pLabels = new ArrayList<>();
    for (Example e : train) {
      int gender = gender(e.text(), male, female);
      if (gender >= 0) {
        pTexts.add(e.text());
        pLabels.add(gender);
        String s = swapper.swap(e.text());
        int sg = gender(s, male, female);
        if (sg >= 0 && sg != gender) {
          pTexts.add(s);
          pLabels.add(sg);
        }
      }
    }
    List<String> pClasses = List.of("female", "male");
    int[] py = pLabels.stream().mapToInt(Integer::intValue).toArray();
    Batch pAll = new Batch(TextFeatures.embed(encoder, pTexts), py);
    int[] idx = new int[py.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    int cut = (int) (py.length * 0.85);
    Batch pTr = pAll.select(java.util.Arrays.copyOfRange(idx, 0, cut));
    Batch pVa = pAll.select(java.util.Arrays.copyOfRange(idx, cut, idx.length));
    Heads.Trained prot = Heads.train(bundleFor.apply(pClasses, 64), pTr, pVa, pVa, epochs, 64, 1e-3, null, 1e-5,
        seed, kernels);

    JsonObject out = new JsonObject();
    out.addProperty("gendered_test_utterances", g.size());
    out.addProperty("protected_head_examples", py.length);
    out.addProperty("protected_head_heldout_accuracy", prot.testAccuracy());
    out.addProperty("swap_words", swapper.size());

    // baseline / teacher
    Heads.Trained base = Heads.train(bundleFor.apply(classes, 256), tr, va, te, epochs, 256, 1e-3, null, 1e-5, seed,
        kernels);
    out.add("baseline", measure(base, prot, fg, fgs, fBoth));

    // counterfactual data augmentation
    List<Example> aug = Mitigation.augment(train, swapper);
    Heads.Trained cda = Heads.train(bundleFor.apply(classes, 256), batch(aug, classes, encoder), va, te, epochs, 256,
        1e-3, null, 1e-5, seed, kernels);
    JsonObject c = measure(cda, prot, fg, fgs, fBoth);
    c.addProperty("training_examples", aug.size());
    out.add("cda", c);

    // role-reversal distillation into a linear student, and the same student without role reversal
    List<String> dTexts = new ArrayList<>();
    List<String> dSwap = new ArrayList<>();
    for (Example e : train) {
      dTexts.add(e.text());
      dSwap.add(swapper.swap(e.text()));
    }
    DenseFeatures fx = (DenseFeatures) tr.features();
    DenseFeatures fxs = TextFeatures.embed(encoder, dSwap);
    double[][] px = Heads.probabilities(base, fx);
    double[][] pxs = Heads.probabilities(base, fxs);
    List<Integer> rows = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    int[] plain = new int[px.length];
    for (int i = 0; i < px.length; i++) {
      plain[i] = Mitigation.argmax(px[i]);
      boolean swapped = !dSwap.get(i).equals(dTexts.get(i));
      int t = swapped ? Mitigation.argmax(Mitigation.roleReversalTarget(px[i], pxs[i], 0.5)) : plain[i];
      rows.add(i);
      targets.add(t);
      if (swapped) {
        rows.add(px.length + i);
        targets.add(t);
      }
    }
    float[] stacked = new float[(fx.values().length + fxs.values().length)];
    System.arraycopy(fx.values(), 0, stacked, 0, fx.values().length);
    System.arraycopy(fxs.values(), 0, stacked, fx.values().length, fxs.values().length);
    DenseFeatures all = new DenseFeatures(stacked, fx.rows() * 2, fx.dim());
    Batch crr = new Batch(all.select(rows.stream().mapToInt(Integer::intValue).toArray()),
        targets.stream().mapToInt(Integer::intValue).toArray());
    Heads.Trained student = Heads.train(bundleFor.apply(classes, 0), new Batch(fx, plain), va, te, epochs, 256, 1e-2,
        null, 1e-5, seed, kernels);
    out.add("student_distilled", measure(student, prot, fg, fgs, fBoth));
    Heads.Trained crrStudent = Heads.train(bundleFor.apply(classes, 0), crr, va, te, epochs, 256, 1e-2, null, 1e-5,
        seed, kernels);
    JsonObject r = measure(crrStudent, prot, fg, fgs, fBoth);
    r.addProperty("training_examples", crr.size());
    out.add("student_role_reversal", r);
    return out;
  }

  private static JsonObject measure(Heads.Trained h, Heads.Trained prot, DenseFeatures fg, DenseFeatures fgs,
      DenseFeatures fBoth) {
    JsonObject o = new JsonObject();
    o.addProperty("test_accuracy", h.testAccuracy());
    o.addProperty("epochs", h.epochs());
    CounterfactualResult cf = CounterfactualProbe.ofDistributions(Heads.probabilities(h, fg),
        Heads.probabilities(h, fgs));
    o.addProperty("ctf_gap", cf.gap());
    o.addProperty("flip_rate", cf.flipRate());
    o.addProperty("pairs", cf.pairs());
    SessionSettings s = SessionSettings.forDevices().withIntraOpThreads(2);
    try (InputGradients task = InputGradients.open(h.bundle(), s);
        InputGradients p = InputGradients.open(prot.bundle(), s)) {
      PredictionSensitivity.Accumulated a = PredictionSensitivity.accumulate(task, h.params(), p, prot.params(), 0,
          fBoth);
      o.addProperty("aps", a.aps());
      o.addProperty("aps_examples", a.examples());
    }
    return o;
  }

  /** 0 = female, 1 = male, −1 = neither or both. */
  static int gender(String text, Set<String> male, Set<String> female) {
    int m = 0;
    int f = 0;
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (male.contains(w)) {
        m++;
      } else if (female.contains(w)) {
        f++;
      }
    }
    return m > 0 && f == 0 ? 1 : f > 0 && m == 0 ? 0 : -1;
  }

  private static Batch batch(List<Example> ex, List<String> classes, TextEncoder encoder) {
    List<String> texts = new ArrayList<>(ex.size());
    List<String> labels = new ArrayList<>(ex.size());
    for (Example e : ex) {
      texts.add(e.text());
      labels.add(e.label());
    }
    return new Batch(TextFeatures.embed(encoder, texts), TextFeatures.labelIndexes(labels, classes, "intent"));
  }
}
