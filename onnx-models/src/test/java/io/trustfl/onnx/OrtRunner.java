package io.trustfl.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: runs an ONNX model in ONNX Runtime with inputs and outputs as {@code double[]} (converted to the
 * graph's float or double element type) or {@code long[]}.
 */
public final class OrtRunner implements AutoCloseable {
  /** A tensor value: real values or int64 values (exactly one non-null), and its shape. */
  public record In(double[] reals, long[] ints, long[] shape) {
    /** Real-valued input. */
    public static In real(double[] v, long... shape) {
      return new In(v, null, shape);
    }

    /** int64 input. */
    public static In int64(long[] v, long... shape) {
      return new In(null, v, shape);
    }
  }

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  /** Creates a session for {@code model} (ONNX Runtime validates the graph here). */
  public OrtRunner(ModelProto model) throws OrtException {
    this(model.toByteArray());
  }

  /** Creates a session from serialized ONNX bytes. */
  public OrtRunner(byte[] onnx) throws OrtException {
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.setIntraOpNumThreads(1);
    opts.setInterOpNumThreads(1);
    session = ENV.createSession(onnx, opts);
    opts.close();
  }

  /** The session (for input/output metadata). */
  public OrtSession session() {
    return session;
  }

  /** Runs the graph and returns every output as doubles. */
  public Map<String, double[]> run(Map<String, In> inputs) throws OrtException {
    Map<String, NodeInfo> infos = session.getInputInfo();
    Map<String, OnnxTensor> tensors = new HashMap<>();
    List<OnnxTensor> toClose = new ArrayList<>();
    try {
      for (Map.Entry<String, In> e : inputs.entrySet()) {
        NodeInfo info = infos.get(e.getKey());
        if (info == null) {
          throw new IllegalArgumentException("graph has no input " + e.getKey() + "; inputs: " + infos.keySet());
        }
        OnnxJavaType type = ((TensorInfo) info.getInfo()).type;
        In in = e.getValue();
        OnnxTensor t;
        if (in.ints() != null) {
          t = OnnxTensor.createTensor(ENV, LongBuffer.wrap(in.ints()), in.shape());
        } else if (type == OnnxJavaType.DOUBLE) {
          t = OnnxTensor.createTensor(ENV, DoubleBuffer.wrap(in.reals()), in.shape());
        } else {
          float[] f = new float[in.reals().length];
          for (int i = 0; i < f.length; i++) {
            f[i] = (float) in.reals()[i];
          }
          t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(f), in.shape());
        }
        toClose.add(t);
        tensors.put(e.getKey(), t);
      }
      Map<String, double[]> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(tensors)) {
        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          double[] d;
          if (t.getInfo().type == OnnxJavaType.DOUBLE) {
            DoubleBuffer b = t.getDoubleBuffer();
            d = new double[b.remaining()];
            b.get(d);
          } else {
            FloatBuffer b = t.getFloatBuffer();
            d = new double[b.remaining()];
            for (int i = 0; i < d.length; i++) {
              d[i] = b.get(i);
            }
          }
          out.put(e.getKey(), d);
        }
      }
      return out;
    } finally {
      toClose.forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
