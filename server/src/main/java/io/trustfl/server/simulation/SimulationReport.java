package io.trustfl.server.simulation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The run's report: four PNG plots drawn headless with JFreeChart (accuracy and ε per round, selections per device,
 * update-norm quantiles per round) and a self-contained {@code report.html} that embeds them as base64 data URIs
 * next to a summary of the configuration and results.
 */
final class SimulationReport {
  static final String HTML = "report.html";
  static final List<String> PLOTS = List.of("accuracy.png", "epsilon.png", "selection-counts.png",
      "update-norms.png");
  private static final int WIDTH = 760;
  private static final int HEIGHT = 380;

  private SimulationReport() {}

  static void write(Path out, SimulationConfig c, Simulator.Result r) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<RoundMetrics> m = r.metrics();
    JFreeChart acc = lines("Test accuracy per round", "round", "accuracy",
        series("accuracy", m, x -> x.accuracy()));
    JFreeChart eps = lines("User-level epsilon spent (delta " + (c.dp() == SimulationConfig.DpKind.CENTRAL
        ? String.format(Locale.ROOT, "%.0e", c.delta()) : "n/a, no DP") + ")", "round", "epsilon",
        series("epsilon", m, x -> x.epsilon()));
    int[] counts = r.selectionCounts().clone();
    Arrays.sort(counts);
    XYSeries sel = new XYSeries("selections");
    for (int i = 0; i < counts.length; i++) {
      sel.add(i + 1, counts[counts.length - 1 - i]);
    }
    JFreeChart selection = lines("Selections per device (" + c.selection().name().toLowerCase(Locale.ROOT)
        + " selection), devices ranked", "device rank", "rounds selected", sel);
    JFreeChart norms = lines("Update norm before server clipping: quantiles per round", "round", "L2 norm",
        series("p10", m, x -> x.normP10()), series("median", m, x -> x.normP50()),
        series("p90", m, x -> x.normP90()), series("max", m, x -> x.normMax()),
        series("clip norm", m, x -> x.clipNorm()));
    JFreeChart[] charts = {acc, eps, selection, norms};
    StringBuilder imgs = new StringBuilder();
    for (int i = 0; i < charts.length; i++) {
      Path png = out.resolve(PLOTS.get(i));
      ChartUtils.saveChartAsPNG(png.toFile(), charts[i], WIDTH, HEIGHT);
      imgs.append("<figure><img alt=\"").append(PLOTS.get(i)).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(Files.readAllBytes(png))).append("\"></figure>\n");
    }
    RoundMetrics lastRound = m.isEmpty() ? null : m.get(m.size() - 1);
    long accepted = m.stream().mapToLong(RoundMetrics::accepted).sum();
    long rejected = m.stream().mapToLong(x -> x.rejectedByReason().values().stream().mapToLong(Long::longValue)
        .sum()).sum();
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TrustFL simulation</title>\n")
        .append("<style>body{font-family:sans-serif;max-width:820px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
        .append("figure{margin:1em 0}img{max-width:100%}</style></head><body>\n")
        .append("<h1>TrustFL federated simulation</h1>\n<h2>Result</h2>\n<table>\n");
    row(h, "rounds run", (lastRound == null ? 0 : lastRound.round() + 1) + " of " + c.rounds()
        + (r.stoppedEarly() ? " (stopped: privacy budget reached)" : ""));
    row(h, c.evalSplit().name().toLowerCase(Locale.ROOT) + " accuracy", String.format(Locale.ROOT,
        "%.4f (initial model %.4f)", r.finalAccuracy(),
        r.initialAccuracy()));
    row(h, "user-level epsilon", c.dp() == SimulationConfig.DpKind.CENTRAL
        ? String.format(Locale.ROOT, "%.4f of %.3g at delta %.1e (RDP accountant, q = max inclusion probability)",
            r.epsilon(), c.epsilon(), c.delta()) : "none (no DP)");
    row(h, "updates accepted / rejected", accepted + " / " + rejected);
    if (lastRound != null && lastRound.fairness() != null) {
      StringBuilder f = new StringBuilder();
      lastRound.fairness().forEach((k, v) -> f.append(f.length() == 0 ? "" : ", ").append(k).append(' ')
          .append(String.format(Locale.ROOT, "%.4g", v)));
      row(h, "fairness probes, last round (metrics.jsonl has every round)", f.length() == 0 ? "no device probed"
          : f.toString());
    }
    row(h, "wall time of the last invocation", String.format(Locale.ROOT, "%.1f s (features %.1f s, %d sentences"
        + " encoded)", r.seconds(), r.featurizeSeconds(), r.embeddingsEncoded()));
    h.append("</table>\n<h2>Configuration</h2>\n<table>\n");
    row(h, "data / model", c.data() + " / " + c.model() + (c.model().equals("intent-minilm-mlp")
        ? " (hidden " + c.hidden() + ")" : ""));
    row(h, "devices / per round / rounds", c.clients() + " / " + c.clientsPerRound() + " / " + c.rounds());
    row(h, "partition", c.partition().toString());
    row(h, "selection", c.selection().name().toLowerCase(Locale.ROOT) + (c.dropout() > 0
        ? String.format(Locale.ROOT, ", dropout %.2f with over-selection", c.dropout()) : ""));
    row(h, "setting", c.continual() ? "continual, store cap " + c.effectiveStoreCap() + ", "
        + c.retention().name().toLowerCase(Locale.ROOT) : "static" + (c.storeCap() > 0 ? ", store cap "
        + c.storeCap() : ""));
    row(h, "DP", c.dp() == SimulationConfig.DpKind.CENTRAL ? "central, " + (c.adaptiveClipping()
        ? "adaptive clipping" : "fixed clip " + c.clipNorm()) : "none");
    row(h, "local training", c.localEpochs() + " epochs, batch "
        + (c.localBatchSize() == 0 ? "full" : Integer.toString(c.localBatchSize())) + ", " + c.localOptimizer()
        + " lr " + c.localLearningRate());
    row(h, "server optimizer", c.serverOptimizer() + " lr " + c.serverLearningRate());
    row(h, "seed", Long.toString(c.seed()));
    h.append("</table>\n<h2>Plots</h2>\n").append(imgs)
        .append("<p>Per-round figures are in metrics.jsonl; PNG copies of the plots sit next to this file.</p>\n")
        .append("</body></html>\n");
    Files.writeString(out.resolve(HTML), h.toString(), StandardCharsets.UTF_8);
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>\n");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static XYSeries series(String name, List<RoundMetrics> m, Function<RoundMetrics, Double> f) {
    XYSeries s = new XYSeries(name);
    for (RoundMetrics x : m) {
      Double v = f.apply(x);
      if (v != null && Double.isFinite(v)) {
        s.add(x.round(), v);
      }
    }
    return s;
  }

  private static JFreeChart lines(String title, String x, String y, XYSeries... series) {
    XYSeriesCollection ds = new XYSeriesCollection();
    for (XYSeries s : series) {
      ds.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, ds, PlotOrientation.VERTICAL, series.length > 1,
        false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < series.length; i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(r);
    return chart;
  }
}
