package io.trustfl.server.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.client.ClientOutcome;
import io.trustfl.data.DataDirectory;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.TaskPlan;
import io.trustfl.server.aggregation.ModelLayout;
import io.trustfl.server.selection.Candidate;
import io.trustfl.server.simulation.AuditHook;
import io.trustfl.server.simulation.PartitionSpec;
import io.trustfl.server.simulation.RoundMetrics;
import io.trustfl.server.simulation.SimulationConfig;
import io.trustfl.server.simulation.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-run auditing of federated training with canary clients: the canaries' updates and scores by hand; whole
 * audited simulations on a small SNIPS fleet with the hashed bag model (D = 131,303; seconds per run): a non-private
 * run is caught (most guesses right, bound well above 0), a DP run at &epsilon; = 1 keeps the bound below the
 * accountant's &epsilon;, decoy scores (independent of the inclusion bits by construction) guess at chance; the
 * canaries take the ordinary server path and the audit cannot be resumed, networked or mistaken for a normal run.
 */
class FederatedAuditTest {
  private static final int CLIENTS = 30;
  private static final int CANARIES = 40;
  private static final int GUESSES = 20;
  private static Path dataDir;

  @BeforeAll
  static void findData() {
    String env = System.getenv(DataDirectory.ENV);
    dataDir = env != null && !env.isBlank() ? Path.of(env)
        : DataDirectory.findShared(Path.of("").toAbsolutePath()).orElseThrow(() -> new IllegalStateException(
            "SNIPS is needed: set " + DataDirectory.ENV + " or place the data sets in ../shared/data"));
    assertTrue(Files.isDirectory(dataDir.resolve("snips")), "no snips directory under " + dataDir);
  }

  /** 30 devices of 20 SNIPS utterances, 20 selected per round out of ~50 candidates (canaries included), 8 rounds. */
  private static SimulationConfig.Builder fleet() {
    return SimulationConfig.builder().data("snips").dataDir(dataDir).model("intent-bag").bagBuckets(4096)
        .clients(CLIENTS).clientsPerRound(20).rounds(8).evalEvery(8).partition(PartitionSpec.parse("dirichlet:1.0"))
        .maxTrainExamples(600).maxTestExamples(300).localEpochs(2).localOptimizer("adam").localLearningRate(0.01)
        .serverOptimizer("fedavg").serverLearningRate(1.0).seed(3);
  }

  private static FederatedAudit.Settings settings(boolean decoy) {
    return new FederatedAudit.Settings(CANARIES, GUESSES, 11, 20, 1.0, decoy, null);
  }

  private static final ModelLayout LAYOUT = new ModelLayout(List.of(
      new ModelLayout.TensorSpec("w", List.of(40L, 25L)), new ModelLayout.TensorSpec("b", List.of(25L))));

  private static TaskPlan plan(int round, double clip) {
    return TaskPlan.newBuilder().setTaskId("audit-test").setRound(round).setModelChecksum("sum")
        .setGlobalWeights(LAYOUT.toWeights(new float[LAYOUT.dimension()])).setClipNorm(clip).build();
  }

  private static float[] delta(ClientOutcome o) {
    ClientUpdate u = ((ClientOutcome.Trained) o).update();
    return LAYOUT.flatten(u.getDelta());
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  private static double cos(float[] a, double[] b) {
    double s = 0;
    double nb = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
      nb += b[j] * b[j];
    }
    return s / (norm(a) * Math.sqrt(nb));
  }

  @Test
  void canaryUpdatesAreFixedDirectionsAtTheClipNormAndScoresAreCosinesWithTheReleases() {
    CanaryClients c = new CanaryClients(CANARIES, 5, 7, 3.0);
    boolean[] in = c.included();
    List<Candidate> cands = c.candidates(0);
    int included = 0;
    for (boolean b : in) {
      included += b ? 1 : 0;
    }
    assertEquals(included, cands.size(), "only included canaries check in");
    assertTrue(included > 10 && included < 30, "about half of 40 included: " + included);
    String a = cands.get(0).deviceId();
    String b = cands.get(1).deviceId();
    assertTrue(a.startsWith(AuditHook.CANARY_PREFIX));
    assertEquals(7, cands.get(0).activity(), "reports its example count as activity");
    float[] a1 = delta(c.participate(a, plan(1, 2.5)));
    float[] a2 = delta(c.participate(a, plan(2, 2.5)));
    float[] bb = delta(c.participate(b, plan(1, 2.5)));
    assertEquals(2.5, norm(a1), 1e-5, "scaled to the plan's clip norm");
    assertArrayEquals(a1, a2, "the same direction every round");
    assertEquals(3.0, norm(delta(c.participate(a, plan(3, 0)))), 1e-5, "no clip norm: the unclipped norm");
    assertTrue(Math.abs(cos(a1, toDouble(bb))) < 0.25, "independent directions in D = 1025 are nearly orthogonal");
    ClientUpdate u = ((ClientOutcome.Trained) c.participate(b, plan(4, 2.5))).update();
    assertEquals(4, u.getRound());
    assertEquals("audit-test", u.getTaskId());
    assertEquals("sum", u.getModelChecksum());
    assertEquals(7, u.getExampleCount());
    assertEquals(3, c.timesSelected()[Integer.parseInt(a.substring(AuditHook.CANARY_PREFIX.length()))],
        "a was asked three times");

    // Released aggregates: a + b in round 1, a again in round 2. Reference: cosines computed here by hand.
    double[] r1 = new double[a1.length];
    double[] r2 = new double[a1.length];
    double[] sum = new double[a1.length];
    for (int j = 0; j < r1.length; j++) {
      r1[j] = a1[j] + bb[j];
      r2[j] = a1[j];
      sum[j] = r1[j] + r2[j];
    }
    c.released(1, r1);
    c.released(2, r2);
    double[] s = c.scores(CanaryClients.Score.RELEASED_SUM);
    int ia = Integer.parseInt(a.substring(AuditHook.CANARY_PREFIX.length()));
    int ib = Integer.parseInt(b.substring(AuditHook.CANARY_PREFIX.length()));
    assertEquals(cos(a1, sum), s[ia], 1e-6);
    assertEquals(cos(bb, sum), s[ib], 1e-6);
    assertTrue(s[ia] > 0.8 && s[ib] > 0.3, s[ia] + " " + s[ib]);
    double[] white = new double[sum.length];
    for (int j = 0; j < sum.length; j++) {
      white[j] = sum[j] / Math.sqrt(r1[j] * r1[j] + r2[j] * r2[j]);
    }
    assertEquals(cos(a1, white), c.scores(CanaryClients.Score.RELEASED_WHITENED)[ia], 1e-6);
    for (int i = 0; i < CANARIES; i++) {
      if (i != ia && i != ib) {
        assertTrue(Math.abs(s[i]) < 0.25, "canary " + i + " was never released: " + s[i]);
      }
    }
    float[] initial = new float[sum.length];
    float[] last = new float[sum.length];
    for (int j = 0; j < sum.length; j++) {
      last[j] = 2 * bb[j];
    }
    c.finished(initial, last);
    assertEquals(1.0, c.scores(CanaryClients.Score.FINAL_MODEL)[ib], 1e-6, "final - initial = 2b");
    assertThrows(IllegalArgumentException.class, () -> c.participate("device-3", plan(1, 1)));
  }

  @Test
  void guessesTakeTheTopHalfAsInAndTheBottomHalfAsOut() {
    double[] scores = {5, 4, 3, 2, 1, 0};
    boolean[] in = {true, false, true, false, false, true};
    // IN guesses: canaries 0 (in, right) and 1 (out, wrong); OUT guesses: 5 (in, wrong) and 4 (out, right).
    assertEquals(new CanaryClients.Guesses(4, 2), CanaryClients.guess(scores, in, 4));
    // All six: 0, 1, 2 guessed IN (2 right), 3, 4, 5 guessed OUT (2 right).
    assertEquals(new CanaryClients.Guesses(6, 4), CanaryClients.guess(scores, in, 6));
    assertThrows(IllegalArgumentException.class, () -> CanaryClients.guess(scores, in, 3));
    assertThrows(IllegalArgumentException.class, () -> CanaryClients.guess(scores, in, 8));
  }

  @Test
  void aNonPrivateRunIsCaught(@TempDir Path out) throws IOException {
    FederatedAudit.Result r = FederatedAudit.run(fleet().build(), settings(false), out, new Simulator.Listener() {});
    assertTrue(Double.isInfinite(r.accountantEpsilon()));
    assertTrue(r.finalAccuracy() > r.initialAccuracy() + 0.15, r.initialAccuracy() + " -> " + r.finalAccuracy());
    for (FederatedAudit.ScoreAudit a : List.of(r.released(), r.whitened(), r.finalModel())) {
      assertTrue(a.correct() >= 18, a.correct() + " of " + a.guesses());
      assertTrue(a.epsilonLowerBound() > 1.0, "bound " + a.epsilonLowerBound());
      assertTrue(a.auc() > 0.9, "AUC " + a.auc());
    }
    // The canaries were candidates like any device: 30 devices + the included canaries every round.
    for (RoundMetrics m : readMetrics(out)) {
      assertEquals(CLIENTS + r.included(), m.candidates());
      assertEquals(m.selected(), m.accepted(), "every selected update, canaries included, was accepted");
    }
  }

  @Test
  void underDpAtEpsilonOneTheBoundStaysBelowTheAccountant(@TempDir Path out) throws IOException {
    SimulationConfig c = fleet().dp(SimulationConfig.DpKind.CENTRAL).epsilon(1).delta(1e-5)
        .adaptiveClipping(false).clipNorm(1.0).build();
    FederatedAudit.Result r = FederatedAudit.run(c, settings(false), out, new Simulator.Listener() {});
    assertTrue(r.accountantEpsilon() > 0.5 && r.accountantEpsilon() <= 1.0, "eps " + r.accountantEpsilon());
    for (FederatedAudit.ScoreAudit a : List.of(r.released(), r.whitened(), r.finalModel())) {
      assertTrue(a.epsilonLowerBound() <= r.accountantEpsilon(),
          "empirical " + a.epsilonLowerBound() + " > accountant " + r.accountantEpsilon());
    }
    // Poisson sampling over the whole population: q = k / (devices + included canaries), recorded per round.
    double q = 20.0 / (CLIENTS + r.included());
    for (RoundMetrics m : readMetrics(out)) {
      assertEquals(q, m.samplingRate(), 1e-12);
      assertEquals(1.0, m.clipNorm());
    }
  }

  @Test
  void decoyScoresGuessAtChance(@TempDir Path out) throws IOException {
    FederatedAudit.Result r = FederatedAudit.run(fleet().build(), settings(true), out, new Simulator.Listener() {});
    // Binomial(20, 1/2): [4, 16] holds with probability 0.997; the run is seeded and deterministic.
    for (FederatedAudit.ScoreAudit a : List.of(r.released(), r.whitened(), r.finalModel())) {
      assertTrue(a.correct() >= 4 && a.correct() <= 16, a.correct() + " of " + a.guesses());
      assertTrue(Math.abs(a.auc() - 0.5) < 0.25, "AUC " + a.auc());
    }
  }

  @Test
  void secretsPlantedInDevicesAreExposedByANonPrivateModel(@TempDir Path out) throws IOException {
    FederatedAudit.Settings s = new FederatedAudit.Settings(CANARIES, GUESSES, 11, 20, 1.0, false,
        new FederatedAudit.Secrets(2, 3, 8, "my pin code is", 4));
    FederatedAudit.Result r = FederatedAudit.run(fleet().build(), s, out, new Simulator.Listener() {});
    DataCanaries.Outcome d = r.data();
    assertEquals(2, d.exposures().length);
    assertEquals(Math.log(1e4) / Math.log(2), d.maxExposure(), 1e-9);
    // A code the model never saw ranks uniformly: exposure > 6 bits (rank <= 156 of 10^4) has probability 1.6%.
    for (double e : d.exposures()) {
      assertTrue(e > 6, "exposure " + e + " bits");
    }
    // Members: the 600 training examples; non-members: the rest of SNIPS's training split (texts not trained on).
    assertEquals(600, d.mia().members());
    assertTrue(d.mia().nonMembers() > 10_000, "non-members " + d.mia().nonMembers());
    assertTrue(d.mia().auc() > 0.5, "a non-private model fits its training data better: AUC " + d.mia().auc());
  }

  @Test
  void anAuditedRunIsNeverMistakenForANormalOne(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("a");
    SimulationConfig c = fleet().rounds(1).build();
    Simulator.runAudit(c, out, new Simulator.Listener() {}, new CanaryClients(4, 1, 20, 1.0));
    assertTrue(Files.exists(out.resolve(Simulator.AUDIT_MARKER)));
    assertFalse(Files.exists(out.resolve(Simulator.WEIGHTS)), "the poisoned model is not written as the weights");
    IllegalArgumentException resume = assertThrows(IllegalArgumentException.class,
        () -> Simulator.run(c, out, new Simulator.Listener() {}));
    assertTrue(resume.getMessage().contains("different run"), resume.getMessage());
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> Simulator.runAudit(c, out, new Simulator.Listener() {}, new CanaryClients(4, 1, 20, 1.0)));
    assertTrue(again.getMessage().contains("does not resume"), again.getMessage());
    IllegalArgumentException net = assertThrows(IllegalArgumentException.class, () -> Simulator.runAudit(
        fleet().transport(SimulationConfig.Transport.NETWORK).build(), tmp.resolve("n"),
        new Simulator.Listener() {}, new CanaryClients(4, 1, 20, 1.0)));
    assertTrue(net.getMessage().contains("in-process transport only"), net.getMessage());
    AuditHook impostor = new AuditHook() {
      @Override
      public String description() {
        return "a client without the canary prefix";
      }

      @Override
      public List<Candidate> candidates(int round) {
        return List.of(new Candidate("phone-17", 20));
      }

      @Override
      public ClientOutcome participate(String deviceId, TaskPlan plan) {
        throw new AssertionError("never selected: refused at check-in");
      }

      @Override
      public void released(int round, double[] meanDelta) {}

      @Override
      public void finished(float[] initial, float[] last) {}
    };
    IllegalArgumentException ids = assertThrows(IllegalArgumentException.class,
        () -> Simulator.runAudit(c, tmp.resolve("i"), new Simulator.Listener() {}, impostor));
    assertTrue(ids.getMessage().contains("must start with '" + AuditHook.CANARY_PREFIX + "'"), ids.getMessage());
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      d[j] = v[j];
    }
    return d;
  }

  private static List<RoundMetrics> readMetrics(Path out) throws IOException {
    com.google.gson.Gson g = new com.google.gson.Gson();
    return Files.readAllLines(out.resolve(Simulator.METRICS)).stream().filter(l -> !l.isBlank())
        .map(l -> g.fromJson(l, RoundMetrics.class)).toList();
  }
}
