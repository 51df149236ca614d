package io.trustfl.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One graph of a {@link BundleRuntime} bound to concrete shapes: a direct, native-order buffer per input and per
 * output, each wrapped by an ONNX tensor without copying. Write inputs through {@link #floats}, {@link #longs},
 * {@link #ints} or {@link #doubles}, call {@link #run()}, and read outputs through the same methods; every output is
 * pinned, so ONNX Runtime writes straight into its buffer and a run allocates no Java or native tensors.
 *
 * <p>Supported element types: FLOAT, DOUBLE, INT64, INT32. Not thread-safe: use one binding per thread. Closing is
 * idempotent; the owning runtime closes bindings still open when it closes.
 */
public final class Binding implements AutoCloseable {
  private final BundleRuntime runtime;
  private final BundleRuntime.GraphSession graph;
  private final Map<String, Slot> inputs = new LinkedHashMap<>();
  private final Map<String, Slot> outputs = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> inputTensors = new HashMap<>();
  private final Map<String, OnnxTensor> outputTensors = new HashMap<>();
  private boolean closed;

  /** A value's element type, shape and the buffer viewing its native memory. */
  private record Slot(String name, OnnxJavaType type, long[] shape, Buffer view) {}

  Binding(BundleRuntime runtime, BundleRuntime.GraphSession graph, Map<String, long[]> inputShapes,
      Map<String, long[]> outputShapes) {
    this.runtime = runtime;
    this.graph = graph;
    for (String name : inputShapes.keySet()) {
      if (!graph.inputs().containsKey(name)) {
        throw new IllegalArgumentException("graph '" + graph.name() + "' has no input '" + name + "'; its inputs are "
            + graph.inputs().keySet());
      }
    }
    for (String name : outputShapes.keySet()) {
      if (!graph.outputs().containsKey(name)) {
        throw new IllegalArgumentException("graph '" + graph.name() + "' has no output '" + name + "'; its outputs"
            + " are " + graph.outputs().keySet());
      }
    }
    Map<String, Long> dims = new HashMap<>();
    for (Map.Entry<String, TensorInfo> e : graph.inputs().entrySet()) {
      long[] shape = inputShapes.get(e.getKey());
      if (shape == null) {
        throw new IllegalArgumentException("graph '" + graph.name() + "' needs a shape for input '" + e.getKey()
            + "' (declared " + Arrays.toString(e.getValue().getShape()) + ")");
      }
      checkAgainstDeclared(e.getKey(), shape, e.getValue(), dims);
    }
    Map<String, long[]> resolvedOutputs = new LinkedHashMap<>();
    for (Map.Entry<String, TensorInfo> e : graph.outputs().entrySet()) {
      long[] shape = outputShapes.get(e.getKey());
      if (shape == null) {
        shape = derive(e.getKey(), e.getValue(), dims);
      } else {
        checkAgainstDeclared(e.getKey(), shape, e.getValue(), new HashMap<>(dims));
      }
      resolvedOutputs.put(e.getKey(), shape);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try {
      for (Map.Entry<String, TensorInfo> e : graph.inputs().entrySet()) {
        Slot s = allocate(e.getKey(), e.getValue(), inputShapes.get(e.getKey()).clone());
        inputs.put(s.name(), s);
        inputTensors.put(s.name(), wrap(env, s));
      }
      for (Map.Entry<String, TensorInfo> e : graph.outputs().entrySet()) {
        Slot s = allocate(e.getKey(), e.getValue(), resolvedOutputs.get(e.getKey()));
        outputs.put(s.name(), s);
        outputTensors.put(s.name(), wrap(env, s));
      }
    } catch (OrtException | RuntimeException e) {
      release();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new ModelRuntimeException("ONNX Runtime cannot wrap buffers for graph '" + graph.name() + "'", e);
    }
  }

  private void checkAgainstDeclared(String name, long[] shape, TensorInfo info, Map<String, Long> dims) {
    long[] declared = info.getShape();
    String[] names = info.getDimensionNames();
    if (shape.length != declared.length) {
      throw new IllegalArgumentException("'" + name + "' of graph '" + graph.name() + "' has rank " + declared.length
          + " (declared " + Arrays.toString(declared) + "), got shape " + Arrays.toString(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 1) {
        throw new IllegalArgumentException("dimension " + i + " of '" + name + "' must be >= 1, got "
            + Arrays.toString(shape));
      }
      if (declared[i] >= 0 && declared[i] != shape[i]) {
        throw new IllegalArgumentException("dimension " + i + " of '" + name + "' of graph '" + graph.name()
            + "' is fixed at " + declared[i] + ", got " + Arrays.toString(shape));
      }
      if (declared[i] < 0 && names != null && i < names.length && !names[i].isEmpty()) {
        Long prev = dims.putIfAbsent(names[i], shape[i]);
        if (prev != null && prev != shape[i]) {
          throw new IllegalArgumentException("dimension '" + names[i] + "' is " + prev + " elsewhere but "
              + shape[i] + " in '" + name + "' of graph '" + graph.name() + "'");
        }
      }
    }
  }

  private long[] derive(String name, TensorInfo info, Map<String, Long> dims) {
    long[] declared = info.getShape();
    String[] names = info.getDimensionNames();
    long[] shape = new long[declared.length];
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] >= 0) {
        shape[i] = declared[i];
        continue;
      }
      Long v = names != null && i < names.length ? dims.get(names[i]) : null;
      if (v == null) {
        throw new IllegalArgumentException("cannot derive dimension " + i + " of output '" + name + "' of graph '"
            + graph.name() + "' (declared " + Arrays.toString(declared) + ", dimension name '"
            + (names != null && i < names.length ? names[i] : "") + "' matches no input); pass its shape explicitly");
      }
      shape[i] = v;
    }
    return shape;
  }

  private Slot allocate(String name, TensorInfo info, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    int width = switch (info.type) {
      case FLOAT, INT32 -> 4;
      case DOUBLE, INT64 -> 8;
      default -> throw new IllegalArgumentException("'" + name + "' of graph '" + graph.name() + "' has element type "
          + info.type + "; bindings support FLOAT, DOUBLE, INT64 and INT32");
    };
    if (n * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'" + name + "' of shape " + Arrays.toString(shape) + " exceeds 2 GiB");
    }
    // Native order is required: ONNX Runtime reads the memory as is, and a big-endian buffer gives wrong numbers.
    ByteBuffer bytes = ByteBuffer.allocateDirect((int) (n * width)).order(ByteOrder.nativeOrder());
    Buffer view = switch (info.type) {
      case FLOAT -> bytes.asFloatBuffer();
      case DOUBLE -> bytes.asDoubleBuffer();
      case INT64 -> bytes.asLongBuffer();
      default -> bytes.asIntBuffer();
    };
    return new Slot(name, info.type, shape, view);
  }

  private static OnnxTensor wrap(OrtEnvironment env, Slot s) throws OrtException {
    return switch (s.type()) {
      case FLOAT -> OnnxTensor.createTensor(env, (FloatBuffer) s.view(), s.shape());
      case DOUBLE -> OnnxTensor.createTensor(env, (DoubleBuffer) s.view(), s.shape());
      case INT64 -> OnnxTensor.createTensor(env, (LongBuffer) s.view(), s.shape());
      default -> OnnxTensor.createTensor(env, (IntBuffer) s.view(), s.shape());
    };
  }

  /** The graph this binding runs. */
  public String graphName() {
    return graph.name();
  }

  /** The concrete shape of an input or output. */
  public long[] shape(String name) {
    return slot(name).shape().clone();
  }

  /** The FLOAT input or output {@code name}, positioned at 0, viewing the tensor's memory (writes go to the graph). */
  public FloatBuffer floats(String name) {
    return (FloatBuffer) ((Buffer) ((FloatBuffer) typed(name, OnnxJavaType.FLOAT, "floats")).duplicate()).clear();
  }

  /** The DOUBLE input or output {@code name}, positioned at 0. */
  public DoubleBuffer doubles(String name) {
    return (DoubleBuffer) ((Buffer) ((DoubleBuffer) typed(name, OnnxJavaType.DOUBLE, "doubles")).duplicate()).clear();
  }

  /** The INT64 input or output {@code name}, positioned at 0. */
  public LongBuffer longs(String name) {
    return (LongBuffer) ((Buffer) ((LongBuffer) typed(name, OnnxJavaType.INT64, "longs")).duplicate()).clear();
  }

  /** The INT32 input or output {@code name}, positioned at 0. */
  public IntBuffer ints(String name) {
    return (IntBuffer) ((Buffer) ((IntBuffer) typed(name, OnnxJavaType.INT32, "ints")).duplicate()).clear();
  }

  private Buffer typed(String name, OnnxJavaType type, String accessor) {
    Slot s = slot(name);
    if (s.type() != type) {
      throw new IllegalArgumentException("'" + name + "' of graph '" + graph.name() + "' has element type " + s.type()
          + ", not " + type + "; " + accessor + "() does not apply");
    }
    return s.view();
  }

  private Slot slot(String name) {
    if (closed) {
      throw new IllegalStateException("binding of graph '" + graph.name() + "' is closed");
    }
    Slot s = inputs.containsKey(name) ? inputs.get(name) : outputs.get(name);
    if (s == null) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' has no input or output '" + name
          + "'; inputs " + inputs.keySet() + ", outputs " + outputs.keySet());
    }
    return s;
  }

  /**
   * Runs the graph on the current input buffers; the outputs' buffers hold the results afterwards.
   *
   * @throws IllegalStateException if this binding or its runtime is closed
   * @throws ModelRuntimeException if ONNX Runtime fails (e.g. an index input out of range)
   */
  public void run() {
    // Lock order: the runtime's lock first, then this binding's monitor (the runtime's close takes them so too).
    runtime.lock.readLock().lock();
    try {
      runtime.checkOpen();
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("binding of graph '" + graph.name() + "' is closed");
        }
        try (OrtSession.Result result = graph.session().run(inputTensors, Set.of(), outputTensors)) {
          assert result.size() == outputTensors.size();
        } catch (OrtException e) {
          throw new ModelRuntimeException("graph '" + graph.name() + "' failed: " + e.getMessage(), e);
        }
      }
    } finally {
      runtime.lock.readLock().unlock();
    }
  }

  /** Releases the tensors. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      release();
      runtime.forget(this);
    }
  }

  /** Closes the tensors without unregistering (called by the runtime while it closes). */
  synchronized void release() {
    closed = true;
    for (OnnxTensor t : inputTensors.values()) {
      t.close();
    }
    for (OnnxTensor t : outputTensors.values()) {
      t.close();
    }
    inputTensors.clear();
    outputTensors.clear();
  }
}
