package io.trustfl.server.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.DatasetSplits;
import io.trustfl.data.Snips;
import io.trustfl.fairness.AssociationTests;
import io.trustfl.fairness.GenderSwapper;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.model.EmbeddingCache;
import io.trustfl.model.MiniLmEncoder;
import io.trustfl.onnx.IntentModels;
import io.trustfl.server.fairness.GenderProbeExperiment;
import io.trustfl.server.fairness.HateXplain;
import io.trustfl.server.fairness.SeatSuite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustfl fairness seat|probe|hatexplain}: fairness measurements of the MiniLM encoder and heads trained with
 * the SDK, printed as JSON (see docs/FAIRNESS.md).
 */
@Command(name = "fairness", mixinStandardHelpOptions = true,
    description = "Fairness probes: SEAT/WEAT/CEAT on the MiniLM encoder, prediction sensitivity and counterfactual"
        + " gap before/after mitigation, HateXplain bias AUCs (non-private and DP). JSON output.",
    subcommands = {FairnessCommand.Seat.class, FairnessCommand.Probe.class, FairnessCommand.HateXplainRun.class})
final class FairnessCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by the subcommands. */
  static class Common {
    @Option(names = "--data-dir", description = "directory holding the data sets (default: $TRUSTFL_DATA_DIR or"
        + " ../shared/data)")
    String dataDir;

    @Option(names = "--out", description = "also write the JSON here (atomically)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of permutations, bootstrap, init (default 0)")
    long seed;

    @Option(names = "--embedding-cache", description = "persistent MiniLM embedding cache file")
    Path embeddingCache;

    EmbeddingCache cache(MiniLmEncoder enc) {
      return embeddingCache == null ? EmbeddingCache.inMemory(enc) : EmbeddingCache.persistent(enc, embeddingCache);
    }

    void emit(CommandLine cl, JsonObject json) throws IOException {
      String s = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(json);
      PrintWriter o = cl.getOut();
      o.println(s);
      o.flush();
      if (out != null) {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, s + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  @Command(name = "seat", mixinStandardHelpOptions = true,
      description = "WEAT/SEAT effect sizes and one-sided permutation p-values of the MiniLM encoder on every"
          + " sent-bias test (exact when C(|X|+|Y|,|X|) <= --partitions, else that many sampled), and CEAT-style"
          + " random-effects effect sizes for the sent-weat tests.")
  static final class Seat extends Common implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--partitions", defaultValue = "100000", description = "exact-test cap / samples (default"
        + " ${DEFAULT-VALUE})")
    long partitions;

    @Option(names = "--ceat-samples", defaultValue = "1000", description = "CEAT samples, 0 = off (default"
        + " ${DEFAULT-VALUE})")
    int ceatSamples;

    @Option(names = "--tests", split = ",", description = "only these tests (file names without .jsonl)")
    List<String> only;

    @Override
    public Integer call() throws IOException {
      Path dir = DataDirectory.resolve(dataDir).resolve("seat").resolve("tests");
      List<SeatSuite.TestSets> tests = SeatSuite.load(dir);
      if (only != null && !only.isEmpty()) {
        tests = tests.stream().filter(t -> only.contains(t.name())).toList();
        if (tests.isEmpty()) {
          throw new IllegalArgumentException("--tests " + only + " matches no file in " + dir);
        }
      }
      long t0 = System.nanoTime();
      JsonObject json = new JsonObject();
      try (MiniLmEncoder enc = MiniLmEncoder.open()) {
        EmbeddingCache cache = cache(enc);
        List<SeatSuite.Row> rows = SeatSuite.run(tests, cache, partitions, seed, ceatSamples);
        JsonArray arr = new JsonArray();
        for (SeatSuite.Row r : rows) {
          JsonObject o = new JsonObject();
          o.addProperty("test", r.test());
          o.addProperty("categories", String.join(" / ", r.categories()));
          o.addProperty("sizes", r.sizes().toString());
          o.addProperty("effect_size", r.effectSize());
          o.addProperty("p_value", r.pValue());
          o.addProperty("exact", r.exact());
          o.addProperty("partitions", r.partitions());
          if (r.ceat() != null) {
            o.addProperty("ceat_effect_size", r.ceat().combinedEffectSize());
            o.addProperty("ceat_se", r.ceat().standardError());
            o.addProperty("ceat_p_value", r.ceat().pValue());
            o.addProperty("ceat_tau2", r.ceat().tau2());
          }
          arr.add(o);
        }
        if (embeddingCache != null) {
          cache.save();
        }
        json.addProperty("encoder", enc.id());
        json.addProperty("partitions_cap", partitions);
        json.addProperty("default_cap", AssociationTests.DEFAULT_PARTITIONS);
        json.addProperty("seed", seed);
        json.add("tests", arr);
      }
      json.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
      emit(spec.commandLine(), json);
      return 0;
    }
  }

  @Command(name = "probe", mixinStandardHelpOptions = true,
      description = "APS (prediction sensitivity) and counterfactual gap of an intent head on the gender-swapped test"
          + " utterances, before and after mitigation (CDA; role-reversal distillation into a linear student).")
  static final class Probe extends Common implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", defaultValue = "clinc150", description = "clinc150 or snips (default ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--epochs", defaultValue = "15", description = "maximum epochs per head (default"
        + " ${DEFAULT-VALUE})")
    int epochs;

    @Override
    public Integer call() throws IOException {
      Path root = DataDirectory.resolve(dataDir);
      DatasetSplits splits = switch (data.toLowerCase(Locale.ROOT)) {
        case "clinc150" -> Clinc150.load(root, false);
        case "snips" -> Snips.load(root);
        default -> throw new IllegalArgumentException("--data must be clinc150 or snips, got '" + data + "'");
      };
      SeatSuite.TestSets names = SeatSuite.load(root.resolve("seat").resolve("tests")).stream()
          .filter(t -> t.name().equals("weat6")).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("seat/tests/weat6.jsonl (first names) not found"));
      Map<String, String> namePairs = new HashMap<>();
      List<String> maleNames = names.sets().get(0);
      List<String> femaleNames = names.sets().get(1);
      for (int i = 0; i < Math.min(maleNames.size(), femaleNames.size()); i++) {
        namePairs.put(maleNames.get(i), femaleNames.get(i));
      }
      GenderSwapper swapper = GenderSwapper.winoBias(root.resolve("winobias")).with(namePairs);
      long t0 = System.nanoTime();
      JsonObject json;
      try (MiniLmEncoder enc = MiniLmEncoder.open(); Kernels kernels = KernelRegistry.open()) {
        EmbeddingCache cache = cache(enc);
        String sha = IntentModels.minilmEncoderSha256();
        json = GenderProbeExperiment.run(splits, swapper, maleNames, cache,
            (labels, hidden) -> IntentModels.minilmMlpBundle(labels, hidden, seed, "fairness", sha), epochs, seed,
            kernels);
        if (embeddingCache != null) {
          cache.save();
        }
      }
      json.addProperty("data", data);
      json.addProperty("seed", seed);
      json.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
      emit(spec.commandLine(), json);
      return 0;
    }
  }

  @Command(name = "hatexplain", mixinStandardHelpOptions = true,
      description = "Train a MiniLM toxicity head on HateXplain (toxic = hatespeech or offensive) non-privately and"
          + " with DP-SGD, report per-community Subgroup/BPSN/BNSP AUCs on the test split (top-10 communities, a"
          + " community counts when >= 2 of 3 annotators chose it) and their generalized mean (p = -5).")
  static final class HateXplainRun extends Common implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--epsilon", split = ",", defaultValue = "8", description = "DP epsilons, comma-separated"
        + " (default ${DEFAULT-VALUE}); delta 1e-5")
    List<Double> epsilons;

    @Option(names = "--epochs", defaultValue = "15", description = "maximum epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--hidden", defaultValue = "256", description = "head hidden width, 0 = linear (default"
        + " ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--max-train", defaultValue = "0", description = "use at most this many training posts, 0 = all")
    int maxTrain;

    @Option(names = "--bootstrap", defaultValue = "200", description = "bootstrap replicates for the 95% intervals"
        + " of the generalized means, 0 = off (default ${DEFAULT-VALUE})")
    int bootstrap;

    @Override
    public Integer call() throws IOException {
      Path root = DataDirectory.resolve(dataDir);
      HateXplain.Splits s = HateXplain.load(root.resolve("hatexplain"), 10);
      long t0 = System.nanoTime();
      JsonObject json;
      try (MiniLmEncoder enc = MiniLmEncoder.open(); Kernels kernels = KernelRegistry.open()) {
        EmbeddingCache cache = cache(enc);
        String sha = IntentModels.minilmEncoderSha256();
        json = HateXplain.evaluate(s, cache,
            sd -> IntentModels.minilmMlpBundle(HateXplain.LABELS, hidden, sd, "fairness", sha), epsilons, epochs,
            maxTrain, bootstrap, seed, kernels);
        if (embeddingCache != null) {
          cache.save();
        }
      }
      json.addProperty("hidden", hidden);
      json.addProperty("seed", seed);
      json.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
      emit(spec.commandLine(), json);
      return 0;
    }
  }
}
