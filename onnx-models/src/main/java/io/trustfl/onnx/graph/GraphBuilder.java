package io.trustfl.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds one ONNX graph: typed inputs (fixed or symbolic dimensions), nodes with generated value names, scalar and
 * int64 constants, and named outputs. Values are referred to by name ({@code String}).
 *
 * <p>The "real" element type ({@link #real()}) is {@link ElementType#FLOAT} for shipped graphs and
 * {@link ElementType#DOUBLE} for finite-difference checks; constants and casts use it, so one layer implementation
 * emits both. Not thread-safe; one builder per graph.
 */
public final class GraphBuilder {
  /** ONNX opset of the default domain used by every graph (ScatterND with reduction needs 16). */
  public static final int OPSET = 17;
  /** ONNX IR version matching {@link #OPSET}. */
  public static final int IR_VERSION = 8;

  private final String graphName;
  private final ElementType real;
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();
  private final Map<String, Integer> counters = new HashMap<>();
  private final List<String> inputNames = new ArrayList<>();
  private final List<String> outputNames = new ArrayList<>();
  private final Map<String, String> constantCache = new HashMap<>();

  /**
   * Starts an empty graph.
   *
   * @param graphName the graph's name (e.g. {@code "dp_train_step"})
   * @param real element type of real-valued tensors: FLOAT or DOUBLE
   */
  public GraphBuilder(String graphName, ElementType real) {
    if (graphName == null || graphName.isBlank()) {
      throw new IllegalArgumentException("graphName must be non-blank, got '" + graphName + "'");
    }
    if (real != ElementType.FLOAT && real != ElementType.DOUBLE) {
      throw new IllegalArgumentException("real must be FLOAT or DOUBLE, got " + real);
    }
    this.graphName = graphName;
    this.real = real;
    graph.setName(graphName);
  }

  /** Element type of real-valued tensors in this graph. */
  public ElementType real() {
    return real;
  }

  /** Names of the graph inputs declared so far, in declaration order. */
  public List<String> inputNames() {
    return List.copyOf(inputNames);
  }

  /** Names of the graph outputs declared so far, in declaration order. */
  public List<String> outputNames() {
    return List.copyOf(outputNames);
  }

  /**
   * Declares a graph input.
   *
   * @param name the input's name, unique in the graph
   * @param type element type
   * @param dims each a {@code Long}/{@code Integer} (fixed size) or a {@code String} (symbolic dimension)
   * @return {@code name}
   */
  public String input(String name, ElementType type, Object... dims) {
    claim(name);
    graph.addInput(valueInfo(name, type, dims));
    inputNames.add(name);
    return name;
  }

  /**
   * Declares {@code value} as a graph output named {@code name} (through an Identity node when the names differ).
   *
   * @param value an existing value
   * @param name the output's name, unique in the graph
   * @param type element type
   * @param dims as for {@link #input}
   */
  public void output(String value, String name, ElementType type, Object... dims) {
    String out = value;
    if (!value.equals(name)) {
      claim(name);
      graph.addNode(NodeProto.newBuilder().setOpType(Op.IDENTITY.onnxName()).addInput(value).addOutput(name)
          .setName(name + "_out"));
      out = name;
    }
    graph.addOutput(valueInfo(out, type, dims));
    outputNames.add(name);
  }

  /**
   * Adds a node with one output.
   *
   * @param op the operator
   * @param hint a readable stem for the output's generated name
   * @param attributes attribute values: {@code Long}, {@code Double}, {@code String}, {@code long[]},
   *     {@link ElementType} (as an int, for Cast's {@code to}) or {@link TensorProto}
   * @param inputs input value names
   * @return the output value's name
   */
  public String node(Op op, String hint, Map<String, Object> attributes, String... inputs) {
    String out = fresh(hint);
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op.onnxName()).setName(out + "_" + op.onnxName())
        .addOutput(out);
    for (String in : inputs) {
      n.addInput(Objects.requireNonNull(in, "node input"));
    }
    attributes.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> n.addAttribute(attribute(e.getKey(), e.getValue())));
    graph.addNode(n);
    return out;
  }

  /** Adds a node without attributes; see {@link #node(Op, String, Map, String...)}. */
  public String node(Op op, String hint, String... inputs) {
    return node(op, hint, Map.of(), inputs);
  }

  /** A scalar constant of the real element type (shared per value). */
  public String scalar(double value) {
    String key = "s" + Double.doubleToLongBits(value);
    return constantCache.computeIfAbsent(key, k -> {
      String name = fresh("const");
      graph.addInitializer(realTensor(name, new long[0], value));
      return name;
    });
  }

  /** An int64 constant with the given values and shape (shared per content). */
  public String int64(long[] values, long... shape) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    if (count != values.length) {
      throw new IllegalArgumentException("int64 constant needs " + count + " values for shape "
          + java.util.Arrays.toString(shape) + ", got " + values.length);
    }
    String key = "i" + java.util.Arrays.toString(values) + java.util.Arrays.toString(shape);
    return constantCache.computeIfAbsent(key, k -> {
      String name = fresh("const");
      TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(ElementType.INT64.onnx().getNumber());
      for (long d : shape) {
        t.addDims(d);
      }
      for (long v : values) {
        t.addInt64Data(v);
      }
      graph.addInitializer(t);
      return name;
    });
  }

  /** A 1-D int64 axes constant. */
  public String axes(long... axes) {
    return int64(axes, axes.length);
  }

  // ---- Convenience operators --------------------------------------------------------------------------------

  /** {@code a + b}. */
  public String add(String a, String b) {
    return node(Op.ADD, "add", a, b);
  }

  /** {@code a - b}. */
  public String sub(String a, String b) {
    return node(Op.SUB, "sub", a, b);
  }

  /** {@code a * b}. */
  public String mul(String a, String b) {
    return node(Op.MUL, "mul", a, b);
  }

  /** {@code a / b}. */
  public String div(String a, String b) {
    return node(Op.DIV, "div", a, b);
  }

  /** Matrix product (numpy batching). */
  public String matMul(String a, String b) {
    return node(Op.MAT_MUL, "matmul", a, b);
  }

  /** {@code op(A)·op(B) [+ C]} on 2-D tensors; {@code c} may be null. */
  public String gemm(String a, String b, String c, boolean transA, boolean transB) {
    Map<String, Object> attrs = Map.of("transA", transA ? 1L : 0L, "transB", transB ? 1L : 0L);
    return c == null ? node(Op.GEMM, "gemm", attrs, a, b) : node(Op.GEMM, "gemm", attrs, a, b, c);
  }

  /** Sum over {@code axes}. */
  public String reduceSum(String x, boolean keepDims, long... axes) {
    return node(Op.REDUCE_SUM, "sum", Map.of("keepdims", keepDims ? 1L : 0L), x, axes(axes));
  }

  /** Sum of squares over {@code axes}. */
  public String reduceSumSquare(String x, boolean keepDims, long... axes) {
    return node(Op.REDUCE_SUM_SQUARE, "sumsq", Map.of("keepdims", keepDims ? 1L : 0L, "axes", axes), x);
  }

  /** Inserts size-1 axes. */
  public String unsqueeze(String x, long... axes) {
    return node(Op.UNSQUEEZE, "unsq", x, axes(axes));
  }

  /** Removes size-1 axes. */
  public String squeeze(String x, long... axes) {
    return node(Op.SQUEEZE, "sq", x, axes(axes));
  }

  /** Converts to {@code to}. */
  public String cast(String x, ElementType to) {
    return node(Op.CAST, "cast", Map.of("to", to), x);
  }

  /** A tensor of zeros of the real type with the shape of {@code like}. */
  public String zerosLike(String like) {
    String shape = node(Op.SHAPE, "shape", like);
    return node(Op.CONSTANT_OF_SHAPE, "zeros", Map.of("value", realTensor("", new long[] {1}, 0.0)), shape);
  }

  /**
   * Serializes the graph into an ONNX model.
   *
   * @param producer recorded as {@code producer_name}
   * @return the model
   */
  public ModelProto build(String producer) {
    return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName(producer).setProducerVersion("1")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph.build()).build();
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private TensorProto realTensor(String name, long[] shape, double value) {
    TensorProto.Builder t = TensorProto.newBuilder().setDataType(real.onnx().getNumber());
    if (!name.isEmpty()) {
      t.setName(name);
    }
    for (long d : shape) {
      t.addDims(d);
    }
    if (real == ElementType.FLOAT) {
      t.addFloatData((float) value);
    } else {
      t.addDoubleData(value);
    }
    return t.build();
  }

  private String fresh(String hint) {
    int k = counters.merge(hint, 1, Integer::sum);
    String name = hint + "_" + k;
    while (names.contains(name)) {
      k = counters.merge(hint, 1, Integer::sum);
      name = hint + "_" + k;
    }
    names.add(name);
    return name;
  }

  private void claim(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("value name must be non-blank, got '" + name + "'");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("value name '" + name + "' is already used in graph " + graphName);
    }
  }

  private static ValueInfoProto valueInfo(String name, ElementType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String s) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
      } else if (d instanceof Number n) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n.longValue()));
      } else {
        throw new IllegalArgumentException("dimension of '" + name + "' must be a Long or a String, got " + d);
      }
    }
    TypeProto tp = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
        .setElemType(type.onnx().getNumber()).setShape(shape)).build();
    return ValueInfoProto.newBuilder().setName(name).setType(tp).build();
  }

  private static AttributeProto attribute(String name, Object value) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (value instanceof Long l) {
      a.setType(AttributeProto.AttributeType.INT).setI(l);
    } else if (value instanceof ElementType t) {
      a.setType(AttributeProto.AttributeType.INT).setI(t.onnx().getNumber());
    } else if (value instanceof Double d) {
      a.setType(AttributeProto.AttributeType.FLOAT).setF(d.floatValue());
    } else if (value instanceof String s) {
      a.setType(AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString.copyFromUtf8(s));
    } else if (value instanceof long[] ints) {
      a.setType(AttributeProto.AttributeType.INTS);
      for (long i : ints) {
        a.addInts(i);
      }
    } else if (value instanceof TensorProto t) {
      a.setType(AttributeProto.AttributeType.TENSOR).setT(t);
    } else {
      throw new IllegalArgumentException("unsupported attribute type for '" + name + "': " + value);
    }
    return a.build();
  }
}
