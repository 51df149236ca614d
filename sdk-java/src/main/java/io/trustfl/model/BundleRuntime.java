package io.trustfl.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.trustfl.proto.Graph;
import io.trustfl.proto.ModelBundle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * ONNX Runtime sessions for the graphs of one model bundle, one session per graph, addressed by graph name. Graphs
 * are run through {@link Binding}s: pre-allocated direct, native-order input and output buffers wrapped by ONNX
 * tensors without copying, with every output pinned, so a training step allocates nothing and copies nothing at the
 * Java/native boundary.
 *
 * <p>The bundle is verified ({@link ModelBundles#verify}) before any session is created, and each session's actual
 * inputs and outputs are checked against the names the bundle declares.
 *
 * <p>Thread-safe: sessions may be bound and run from several threads (each binding is used by one thread at a time).
 * {@link #close()} is idempotent, waits for runs in flight, and closes every binding still open; use after close
 * throws {@link IllegalStateException}.
 */
public final class BundleRuntime implements AutoCloseable {
  private final ModelBundle bundle;
  private final Map<String, GraphSession> sessions = new LinkedHashMap<>();
  private final Set<Binding> bindings = Collections.newSetFromMap(new IdentityHashMap<>());
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  /** A graph's session and its declared tensor metadata. */
  record GraphSession(String name, OrtSession session, Map<String, TensorInfo> inputs,
      Map<String, TensorInfo> outputs) {}

  private BundleRuntime(ModelBundle bundle) {
    this.bundle = bundle;
  }

  /**
   * Verifies the bundle (requiring {@code requiredGraphs}) and creates a session for every graph in it.
   *
   * @throws InvalidBundleException if the bundle fails verification or a graph's inputs or outputs differ from the
   *     names it declares
   * @throws ModelRuntimeException if ONNX Runtime cannot load a graph
   */
  public static BundleRuntime open(ModelBundle bundle, SessionSettings settings, Set<String> requiredGraphs) {
    Objects.requireNonNull(settings, "settings");
    ModelBundles.verify(bundle, requiredGraphs);
    BundleRuntime rt = new BundleRuntime(bundle);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = settings.toOptions()) {
      for (Graph g : bundle.getGraphsList()) {
        OrtSession s;
        try {
          s = env.createSession(g.getOnnx().toByteArray(), options);
        } catch (OrtException e) {
          throw new ModelRuntimeException("ONNX Runtime cannot load graph '" + g.getName() + "' of "
              + bundle.getModelId() + ": " + e.getMessage() + "; rebuild the bundle", e);
        }
        // Register before checking so that close() releases it if the check fails.
        GraphSession gs = new GraphSession(g.getName(), s, tensorInfos(g.getName(), s.getInputInfo()),
            tensorInfos(g.getName(), s.getOutputInfo()));
        rt.sessions.put(g.getName(), gs);
        checkDeclared(g, "input", g.getInputNamesList(), gs.inputs().keySet());
        checkDeclared(g, "output", g.getOutputNamesList(), gs.outputs().keySet());
      }
    } catch (OrtException | RuntimeException e) {
      rt.close();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new ModelRuntimeException("ONNX Runtime cannot inspect a graph of " + bundle.getModelId(), e);
    }
    return rt;
  }

  private static Map<String, TensorInfo> tensorInfos(String graph, Map<String, NodeInfo> infos) {
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
      if (!(e.getValue().getInfo() instanceof TensorInfo ti)) {
        throw new InvalidBundleException("graph '" + graph + "': value '" + e.getKey() + "' is not a tensor ("
            + e.getValue().getInfo() + "); bundle graphs take and return dense tensors only");
      }
      out.put(e.getKey(), ti);
    }
    return out;
  }

  private static void checkDeclared(Graph g, String kind, List<String> declared, Set<String> actual) {
    if (!new HashSet<>(declared).equals(actual)) {
      throw new InvalidBundleException("graph '" + g.getName() + "' declares " + kind + "s " + declared
          + " but its ONNX model has " + actual + "; rebuild the bundle");
    }
  }

  /** The bundle these sessions run. */
  public ModelBundle bundle() {
    return bundle;
  }

  /** Names of the graphs, in bundle order. */
  public List<String> graphNames() {
    return new ArrayList<>(sessions.keySet());
  }

  /**
   * Declared shape of a graph's input or output; -1 marks a symbolic dimension.
   *
   * @throws IllegalArgumentException if the graph or value does not exist
   */
  public long[] declaredShape(String graph, String value) {
    GraphSession gs = session(graph);
    TensorInfo ti = gs.inputs().containsKey(value) ? gs.inputs().get(value) : gs.outputs().get(value);
    if (ti == null) {
      throw new IllegalArgumentException("graph '" + graph + "' has no input or output '" + value + "'");
    }
    return ti.getShape();
  }

  /**
   * Allocates buffers for one graph at concrete input shapes. Output shapes are derived from the graph's declared
   * output shapes: a symbolic dimension takes the value of the input dimension with the same name.
   *
   * @param inputShapes a concrete shape for every input of the graph
   * @throws IllegalArgumentException if an input is missing or its shape contradicts the graph, or an output
   *     dimension cannot be derived (then use {@link #bind(String, Map, Map)})
   */
  public Binding bind(String graph, Map<String, long[]> inputShapes) {
    return bind(graph, inputShapes, Map.of());
  }

  /**
   * Like {@link #bind(String, Map)}, with explicit shapes for outputs whose dimensions cannot be derived from the
   * inputs' dimension names.
   */
  public Binding bind(String graph, Map<String, long[]> inputShapes, Map<String, long[]> outputShapes) {
    Objects.requireNonNull(inputShapes, "inputShapes");
    Objects.requireNonNull(outputShapes, "outputShapes");
    lock.readLock().lock();
    try {
      checkOpen();
      GraphSession gs = session(graph);
      Binding b = new Binding(this, gs, inputShapes, outputShapes);
      synchronized (bindings) {
        bindings.add(b);
      }
      return b;
    } finally {
      lock.readLock().unlock();
    }
  }

  void forget(Binding b) {
    synchronized (bindings) {
      bindings.remove(b);
    }
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("BundleRuntime of " + bundle.getModelId() + " is closed");
    }
  }

  private GraphSession session(String graph) {
    GraphSession gs = sessions.get(graph);
    if (gs == null) {
      throw new IllegalArgumentException("bundle " + bundle.getModelId() + " has no graph '" + graph + "'; it has "
          + sessions.keySet());
    }
    return gs;
  }

  /** Closes every open binding and session. Idempotent; waits for runs in flight. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      List<Binding> open;
      synchronized (bindings) {
        open = new ArrayList<>(bindings);
        bindings.clear();
      }
      for (Binding b : open) {
        b.release();
      }
      OrtException first = null;
      for (GraphSession gs : sessions.values()) {
        try {
          gs.session().close();
        } catch (OrtException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw new ModelRuntimeException("ONNX Runtime failed to close a session of " + bundle.getModelId(), first);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
