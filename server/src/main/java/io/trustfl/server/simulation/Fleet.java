package io.trustfl.server.simulation;

import io.trustfl.client.ClientModel;
import io.trustfl.client.ExampleStore;
import io.trustfl.client.FederatedClient;
import io.trustfl.client.StoreLimits;
import io.trustfl.client.UpdatePipeline;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.Example;
import io.trustfl.fairness.DeviceProbes;
import io.trustfl.fairness.GenderSwapper;
import io.trustfl.kernels.Kernels;
import io.trustfl.server.selection.Candidate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The simulated devices: each one an on-disk {@link ExampleStore} (in a temporary directory, capped) and a
 * {@link FederatedClient}. In the static setting a device holds its whole partition from the start. In the
 * continual setting it starts with the first half of its (shuffled) partition and then, every round, receives
 * Poisson(λ_i) new examples from the rest of it — cycling through its partition again when it runs out, like a
 * user repeating requests — with λ_i = a_i·n_i/rounds and a per-device activity level a_i ~ LogNormal(0, 1)
 * normalized to mean 1, so some devices are far more active than others; a full store deletes old examples by its
 * retention policy.
 *
 * <p>Every draw is derived from (seed, purpose, round), so the store contents at a round are a function of the seed:
 * a resumed run rebuilds the stores by replaying the arrivals of the rounds already done.
 */
final class Fleet implements AutoCloseable {
  private final List<Device> devices;
  private final Path root;
  private final FleetData data;

  private Fleet(List<Device> devices, Path root, FleetData data) {
    this.devices = devices;
    this.root = root;
    this.data = data;
  }

  /** One simulated device. */
  static final class Device {
    final int index;
    final String id;
    final int[] examples;
    final int initial;
    final double arrivalRate;
    int streamPosition;
    ExampleStore store;
    FederatedClient client;

    Device(int index, String id, int[] examples, int initial, double arrivalRate) {
      this.index = index;
      this.id = id;
      this.examples = examples;
      this.initial = initial;
      this.arrivalRate = arrivalRate;
      this.streamPosition = initial;
    }

    /** The next {@code k} examples of the stream (cycling). */
    int[] take(int k) {
      int[] out = new int[k];
      for (int i = 0; i < k; i++) {
        out[i] = examples[streamPosition % examples.length];
        streamPosition++;
      }
      return out;
    }
  }

  /**
   * Partitions the training set, opens every device's store with its initial examples plus the arrivals of rounds
   * {@code 0 … startRound−1}, and builds the clients.
   */
  static Fleet create(SimulationConfig c, FleetData data, Kernels kernels, ClientModel model, boolean serverClips,
      int startRound) {
    return create(c, data, kernels, model, serverClips, startRound, null);
  }

  /** As above, with the examples an audit hook plants into devices after their partitions (null: none). */
  static Fleet create(SimulationConfig c, FleetData data, Kernels kernels, ClientModel model, boolean serverClips,
      int startRound, AuditHook hook) {
    Partition p = c.partition().partitioner().partition(data.trainLabels, c.clients(),
        Seeds.random(c.seed(), Seeds.PARTITION, 0));
    SplittableRandom r = Seeds.random(c.seed(), Seeds.DEVICES, 0);
    double[] activity = new double[p.numClients()];
    double mean = 0;
    for (int i = 0; i < activity.length; i++) {
      activity[i] = Math.exp(Seeds.normal(r));
      mean += activity[i] / activity.length;
    }
    List<Device> devices = new ArrayList<>(p.numClients());
    for (int i = 0; i < p.numClients(); i++) {
      int[] ex = p.client(i);
      for (int j = ex.length - 1; j > 0; j--) {
        int k = r.nextInt(j + 1);
        int t = ex[j];
        ex[j] = ex[k];
        ex[k] = t;
      }
      int initial = c.continual() ? (ex.length + 1) / 2 : ex.length;
      double rate = c.continual() && ex.length > 0 ? activity[i] / mean * ex.length / c.rounds() : 0;
      devices.add(new Device(i, p.clientIds().get(i), ex, initial, rate));
    }
    Path root;
    try {
      root = Files.createTempDirectory("trustfl-sim-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the simulated devices' directory", e);
    }
    Fleet fleet = new Fleet(devices, root, data);
    try {
      List<List<Integer>> pending = new ArrayList<>();
      for (Device d : devices) {
        List<Integer> l = new ArrayList<>();
        for (int j = 0; j < d.initial; j++) {
          l.add(d.examples[j]);
        }
        pending.add(l);
      }
      for (int round = 0; round < startRound; round++) {
        int[][] a = fleet.drawArrivals(c.seed(), round);
        for (int i = 0; i < a.length; i++) {
          for (int idx : a[i]) {
            pending.get(i).add(idx);
          }
        }
      }
      FederatedClient.LocalProbe counterfactual = c.probes().contains(DeviceProbes.COUNTERFACTUAL)
          ? new CounterfactualDeviceProbe(GenderSwapper.winoBias(DataDirectory.resolve(
              c.dataDir() == null ? null : c.dataDir().toString()).resolve("winobias")), data.featurizer)
          : null;
      long cap = c.effectiveStoreCap() == 0 ? Long.MAX_VALUE : c.effectiveStoreCap();
      for (Device d : devices) {
        d.store = ExampleStore.open(root.resolve(d.id), new StoreLimits(cap, Long.MAX_VALUE, c.retention(),
            Seeds.mix(c.seed(), Seeds.STORES, d.index)));
        fleet.add(d, pending.get(d.index).stream().mapToInt(Integer::intValue).toArray());
        if (hook != null) {
          fleet.plant(d, hook.planted(d.index));
        }
        FederatedClient.Builder b = FederatedClient.builder().deviceId(d.id).store(d.store).kernels(kernels)
            .model(model);
        if (counterfactual != null) {
          b.probe(DeviceProbes.COUNTERFACTUAL, counterfactual);
        }
        if (serverClips) {
          // Adaptive clipping estimates the fraction of updates within the server's clip norm, so the devices must
          // not clip first (TFF and Flower clip on the server as well); the server clips every update.
          b.pipelines((plan, k) -> new UpdatePipeline(List.of()));
        }
        d.client = b.build();
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot open a simulated device's example store", io);
      }
      throw (RuntimeException) e;
    }
    return fleet;
  }

  List<Device> devices() {
    return devices;
  }

  /** The examples that arrive on each device in {@code round} (advances the devices' stream positions). */
  int[][] drawArrivals(long seed, int round) {
    SplittableRandom r = Seeds.random(seed, Seeds.ARRIVALS, round);
    int[][] out = new int[devices.size()][];
    for (Device d : devices) {
      int k = d.arrivalRate > 0 ? Seeds.poisson(d.arrivalRate, r) : 0;
      out[d.index] = d.take(k);
    }
    return out;
  }

  /** Delivers {@code round}'s arrivals to the stores; returns how many examples arrived. */
  long deliverArrivals(long seed, int round) {
    int[][] a = drawArrivals(seed, round);
    long n = 0;
    for (Device d : devices) {
      if (a[d.index].length > 0) {
        add(d, a[d.index]);
        n += a[d.index].length;
      }
    }
    return n;
  }

  private void plant(Device d, List<Example> planted) throws IOException {
    if (planted.isEmpty()) {
      return;
    }
    if (data.trainEmbeddings != null) {
      throw new IllegalArgumentException("planted examples need the intent-bag model (a planted text has no cached"
          + " sentence embedding), got model " + data.bundle.getModelId());
    }
    List<ExampleStore.NewExample> batch = new ArrayList<>(planted.size());
    for (Example e : planted) {
      if (!data.classes.contains(e.label())) {
        throw new IllegalArgumentException("planted example label '" + e.label() + "' is not one of the model's"
            + " classes " + data.classes);
      }
      batch.add(new ExampleStore.NewExample(e.text(), e.label(), null));
    }
    d.store.addAll(batch);
  }

  private void add(Device d, int[] indexes) {
    if (indexes.length == 0) {
      return;
    }
    List<ExampleStore.NewExample> batch = new ArrayList<>(indexes.length);
    for (int idx : indexes) {
      Example e = data.train.get(idx);
      batch.add(new ExampleStore.NewExample(e.text(), e.label(),
          data.trainEmbeddings == null ? null : data.trainEmbeddings[idx]));
    }
    d.store.addAll(batch);
  }

  /** Every device as a selection candidate with its activity (examples available now). */
  List<Candidate> candidates() {
    List<Candidate> out = new ArrayList<>(devices.size());
    for (Device d : devices) {
      out.add(new Candidate(d.id, d.store.activity().examplesAvailable()));
    }
    return out;
  }

  @Override
  public void close() {
    for (Device d : devices) {
      if (d.store != null) {
        try {
          d.store.close();
        } catch (IOException e) {
          // closing the lock of a temporary store; the directory is deleted next
        }
      }
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory left behind
    }
  }
}
