package io.trustfl.server.audit;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes audit results: a JSON file with every metric, ROC curves as CSV, ROC plots as PNG (log-log axes, the LiRA
 * convention that makes the low-FPR regime visible), and a Markdown summary table (means over targets).
 */
public final class AuditReport {
  private static final int WIDTH = 560;
  private static final int HEIGHT = 440;
  private static final double MIN_RATE = 1e-3;

  private AuditReport() {}

  /** Results of every target at each &epsilon; label ("inf", "8", ...), in insertion order. */
  public static void write(Path dir, Map<String, List<CentralAudit.TargetResult>> results) throws IOException {
    Files.createDirectories(dir);
    JsonObject root = new JsonObject();
    for (Map.Entry<String, List<CentralAudit.TargetResult>> e : results.entrySet()) {
      JsonArray arr = new JsonArray();
      for (CentralAudit.TargetResult r : e.getValue()) {
        arr.add(json(r));
        r.liraOnlineRoc().writeCsv(dir.resolve("roc-lira-online-eps-" + e.getKey() + "-target-" + r.target()
            + ".csv"));
        r.lossRoc().writeCsv(dir.resolve("roc-loss-eps-" + e.getKey() + "-target-" + r.target() + ".csv"));
      }
      root.add("epsilon=" + e.getKey(), arr);
    }
    Files.writeString(dir.resolve("audit-results.json"),
        new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root),
        StandardCharsets.UTF_8);
    plot(dir.resolve("audit-roc-lira.png"), "LiRA (online) ROC, target 0", results, true);
    plot(dir.resolve("audit-roc-loss.png"), "Loss-threshold ROC, target 0", results, false);
    Files.writeString(dir.resolve("summary.md"), markdown(results), StandardCharsets.UTF_8);
  }

  private static JsonObject json(CentralAudit.TargetResult r) {
    JsonObject o = new JsonObject();
    o.addProperty("target", r.target());
    o.addProperty("accountant_epsilon", r.accountantEpsilon());
    o.addProperty("test_accuracy", r.testAccuracy());
    o.add("loss", metrics(r.loss()));
    o.add("confidence", metrics(r.confidence()));
    o.add("lira_online", metrics(r.liraOnline()));
    o.add("lira_online_fixed_variance", metrics(r.liraOnlineFixed()));
    o.add("lira_offline", metrics(r.liraOffline()));
    o.add("lira_offline_fixed_variance", metrics(r.liraOfflineFixed()));
    o.addProperty("one_run_guesses", r.oneRunGuesses());
    o.addProperty("one_run_correct", r.oneRunCorrect());
    o.addProperty("one_run_epsilon_lower_bound", r.oneRunEpsilon());
    o.addProperty("cp_epsilon_lower_bound_heldout", r.cpEpsilon());
    JsonArray ex = new JsonArray();
    for (double x : r.exposures()) {
      ex.add(x);
    }
    o.add("exposures_bits", ex);
    o.addProperty("max_exposure_bits", r.maxExposure());
    o.addProperty("extracted", r.extracted());
    o.addProperty("secrets", r.exposures().length);
    return o;
  }

  private static JsonObject metrics(AttackMetrics m) {
    JsonObject o = new JsonObject();
    o.addProperty("auc", m.auc());
    o.addProperty("advantage", m.advantage());
    o.addProperty("ppv", m.ppv());
    o.addProperty("tpr_at_1pct_fpr", m.tprAt1PctFpr());
    o.addProperty("tpr_at_0.1pct_fpr", m.tprAt01PctFpr());
    o.addProperty("members", m.members());
    o.addProperty("non_members", m.nonMembers());
    return o;
  }

  /** The summary table: one row per &epsilon;, mean &plusmn; standard deviation over targets. */
  public static String markdown(Map<String, List<CentralAudit.TargetResult>> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| ε (target) | ε spent (RDP) | test acc | loss AUC | LiRA AUC | LiRA TPR@1% | LiRA TPR@0.1% "
        + "| advantage | PPV | exposure (bits of 13.3) | extracted | one-run ε̂ (v/r) | CP ε̂ (held-out) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, List<CentralAudit.TargetResult>> e : results.entrySet()) {
      List<CentralAudit.TargetResult> rs = e.getValue();
      int extracted = 0;
      int secrets = 0;
      int v = 0;
      int r = 0;
      for (CentralAudit.TargetResult t : rs) {
        extracted += t.extracted();
        secrets += t.exposures().length;
        v += t.oneRunCorrect();
        r += t.oneRunGuesses();
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d | %s (%d/%d) | %s |%n",
          e.getKey(), ms(rs, t -> t.accountantEpsilon(), 2), ms(rs, t -> t.testAccuracy(), 3),
          ms(rs, t -> t.loss().auc(), 3), ms(rs, t -> t.liraOnline().auc(), 3),
          ms(rs, t -> t.liraOnline().tprAt1PctFpr(), 3), ms(rs, t -> t.liraOnline().tprAt01PctFpr(), 3),
          ms(rs, t -> t.liraOnline().advantage(), 3), ms(rs, t -> t.liraOnline().ppv(), 3),
          ms(rs, t -> ReportFormat.mean(t.exposures()), 1), extracted, secrets, ms(rs, t -> t.oneRunEpsilon(), 2), v, r,
          ms(rs, t -> t.cpEpsilon(), 2)));
    }
    return sb.toString();
  }

  private static String ms(List<CentralAudit.TargetResult> rs,
      java.util.function.ToDoubleFunction<CentralAudit.TargetResult> f, int digits) {
    return ReportFormat.meanSd(rs.stream().mapToDouble(f).toArray(), digits);
  }

  private static void plot(Path png, String title, Map<String, List<CentralAudit.TargetResult>> results,
      boolean lira) throws IOException {
    Map<String, RocCurve> curves = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, List<CentralAudit.TargetResult>> e : results.entrySet()) {
      curves.put(e.getKey(), lira ? e.getValue().get(0).liraOnlineRoc() : e.getValue().get(0).lossRoc());
    }
    plotCurves(png, title, curves, MIN_RATE);
  }

  /**
   * Plots ROC curves, one per &epsilon; label, on log-log axes from {@code minRate} to 1, with the chance diagonal.
   */
  static void plotCurves(Path png, String title, Map<String, RocCurve> curves, double minRate) throws IOException {
    XYSeriesCollection ds = new XYSeriesCollection();
    for (Map.Entry<String, RocCurve> e : curves.entrySet()) {
      RocCurve roc = e.getValue();
      XYSeries s = new XYSeries("ε = " + e.getKey() + String.format(Locale.ROOT, " (AUC %.3f)", roc.auc()), false);
      double[] f = roc.fpr();
      double[] t = roc.tpr();
      for (int i = 0; i < f.length; i++) {
        if (f[i] >= minRate && t[i] > 0) {
          s.add(f[i], Math.max(minRate, t[i]));
        }
      }
      ds.addSeries(s);
    }
    XYSeries chance = new XYSeries("chance", false);
    chance.add(minRate, minRate);
    chance.add(1, 1);
    ds.addSeries(chance);
    LogAxis x = new LogAxis("false-positive rate");
    x.setRange(minRate, 1);
    x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0)); // one tick per decade
    x.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
    LogAxis y = new LogAxis("true-positive rate");
    y.setRange(minRate, 1);
    y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
    y.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    Color[] colors = {new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x1f77b4),
        new Color(0x9467bd)};
    for (int i = 0; i < ds.getSeriesCount(); i++) {
      boolean isChance = i == ds.getSeriesCount() - 1;
      r.setSeriesStroke(i, isChance ? new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {4f, 4f}, 0f) : new BasicStroke(2f));
      r.setSeriesPaint(i, isChance ? Color.GRAY : colors[i % colors.length]);
    }
    XYPlot plot = new XYPlot(ds, x, y, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
  }
}
