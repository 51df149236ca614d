package io.trustfl.server.audit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.trustfl.train.WeightsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarizes several {@code trustfl audit federated} output directories (one per &epsilon; and seed): a Markdown
 * table with one row per &epsilon; (mean &plusmn; sd over the runs, and the worst case of the bound against the
 * accountant), and ROC plots of the canary scores (and of the loss-threshold attack when the runs have one) for the
 * first run of each &epsilon;.
 */
public final class FederatedAuditReport {
  private FederatedAuditReport() {}

  /** One run as read back from its directory. */
  private record Run(Path dir, JsonObject json, boolean[] included, double[] headlineScores) {
    double epsilon() {
      return json.get("target_epsilon").getAsDouble();
    }

    double get(String... path) {
      JsonObject o = json;
      for (int i = 0; i < path.length - 1; i++) {
        o = o.getAsJsonObject(path[i]);
      }
      return o.get(path[path.length - 1]).getAsDouble();
    }
  }

  /**
   * Reads the runs and writes {@code summary.md}, {@code roc-canaries.png} and, when present,
   * {@code roc-mia-loss.png} into {@code outDir}; returns the Markdown.
   */
  public static String write(Path outDir, List<Path> runDirs) throws IOException {
    if (runDirs.isEmpty()) {
      throw new IllegalArgumentException("no run directories given");
    }
    Map<Double, List<Run>> byEps = new TreeMap<>((a, b) -> Double.compare(b, a)); // inf first
    for (Path d : runDirs) {
      Run r = read(d);
      byEps.computeIfAbsent(r.epsilon(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder sb = new StringBuilder();
    boolean data = byEps.values().stream().allMatch(l -> l.stream().allMatch(r -> r.json.has("loss_threshold_mia")));
    sb.append("| ε (target) | runs | ε spent (accountant) | test accuracy | canary AUC | v/r (headline) | one-run ε̂"
        + " (headline) | max ε̂ − ε | ε̂ on raw sum | ε̂ on final model |");
    sb.append(data ? " MIA AUC | MIA TPR@1% FPR | exposure (bits) | extracted |\n" : "\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|").append(data ? "---|---|---|---|\n" : "\n");
    Map<String, RocCurve> canaryRocs = new LinkedHashMap<>();
    Map<String, RocCurve> miaRocs = new LinkedHashMap<>();
    for (Map.Entry<Double, List<Run>> e : byEps.entrySet()) {
      List<Run> rs = e.getValue();
      String label = Double.isInfinite(e.getKey()) ? "∞" : ReportFormat.fixed(e.getKey(), 0);
      int v = 0;
      int r = 0;
      double worst = Double.NEGATIVE_INFINITY;
      for (Run x : rs) {
        v += (int) x.get("released_whitened", "correct");
        r += (int) x.get("released_whitened", "guesses");
        worst = Math.max(worst, x.get("released_whitened", "one_run_epsilon_lower_bound")
            - x.get("accountant_epsilon"));
      }
      sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %d/%d | %s | %s | %s | %s |", label, rs.size(),
          ms(rs, x -> x.get("accountant_epsilon"), 2), ms(rs, x -> x.get("final_accuracy"), 3),
          ms(rs, x -> x.get("released_whitened", "auc_included_vs_excluded"), 3), v, r,
          ms(rs, x -> x.get("released_whitened", "one_run_epsilon_lower_bound"), 2),
          Double.isInfinite(e.getKey()) ? "—" : ReportFormat.fixed(worst, 2),
          ms(rs, x -> x.get("released_sum", "one_run_epsilon_lower_bound"), 2),
          ms(rs, x -> x.get("final_model", "one_run_epsilon_lower_bound"), 2)));
      if (data) {
        int extracted = 0;
        int secrets = 0;
        for (Run x : rs) {
          extracted += (int) x.get("secret_canaries", "extracted");
          secrets += (int) x.get("secret_canaries", "secrets");
        }
        sb.append(String.format(Locale.ROOT, " %s | %s | %s | %d/%d |", ms(rs, x -> x.get("loss_threshold_mia", "auc"), 3),
            ms(rs, x -> x.get("loss_threshold_mia", "tpr_at_1pct_fpr"), 3), ms(rs, FederatedAuditReport::meanExposure, 1),
            extracted, secrets));
      }
      sb.append('\n');
      Run first = rs.get(0);
      RocCurve roc = CentralAudit.roc(first.headlineScores(), first.included());
      canaryRocs.put(label, roc);
      if (data) {
        miaRocs.put(label, readRoc(first.dir().resolve("roc-mia-loss.csv"),
            (int) first.get("loss_threshold_mia", "members"), (int) first.get("loss_threshold_mia", "non_members")));
      }
    }
    Files.createDirectories(outDir);
    WeightsFile.writeBytes(outDir.resolve("summary.md"), sb.toString().getBytes(StandardCharsets.UTF_8));
    AuditReport.plotCurves(outDir.resolve("roc-canaries.png"), "Canary clients, first run per ε: ROC of the headline scores",
        canaryRocs, 1e-2);
    if (data) {
      AuditReport.plotCurves(outDir.resolve("roc-mia-loss.png"), "Loss-threshold MIA on the final global model, first run per ε",
          miaRocs, 1e-3);
    }
    return sb.toString();
  }

  private static double meanExposure(Run r) {
    double s = 0;
    var arr = r.json().getAsJsonObject("secret_canaries").getAsJsonArray("exposures_bits");
    for (var x : arr) {
      s += x.getAsDouble();
    }
    return s / arr.size();
  }

  private static Run read(Path dir) throws IOException {
    Path json = dir.resolve("federated-audit.json");
    if (!Files.exists(json)) {
      throw new IllegalArgumentException(dir + " holds no federated-audit.json; give directories written by"
          + " 'trustfl audit federated --out'");
    }
    JsonObject o = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
    List<String> lines = Files.readAllLines(dir.resolve("canaries.csv"), StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split(","));
    int inCol = header.indexOf("included");
    int scoreCol = header.indexOf("score_released_whitened");
    boolean[] in = new boolean[lines.size() - 1];
    double[] s = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      in[i - 1] = f[inCol].equals("1");
      s[i - 1] = Double.parseDouble(f[scoreCol]);
    }
    return new Run(dir, o, in, s);
  }

  /** Reads a ROC curve written by {@link RocCurve#writeCsv}. */
  static RocCurve readRoc(Path csv, int members, int nonMembers) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    double[] f = new double[lines.size() - 1];
    double[] t = new double[lines.size() - 1];
    double[] th = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      String[] p = lines.get(i).split(",");
      f[i - 1] = Double.parseDouble(p[0]);
      t[i - 1] = Double.parseDouble(p[1]);
      th[i - 1] = Double.parseDouble(p[2]);
    }
    return new RocCurve(f, t, th, members, nonMembers);
  }

  private static String ms(List<Run> rs, java.util.function.ToDoubleFunction<Run> f, int digits) {
    return ReportFormat.meanSd(rs.stream().mapToDouble(f).toArray(), digits);
  }
}
