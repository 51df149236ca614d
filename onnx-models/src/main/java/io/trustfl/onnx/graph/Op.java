package io.trustfl.onnx.graph;

/**
 * The ONNX operators (default domain) the layers emit, with the opset semantics of {@link GraphBuilder#OPSET}.
 * tribuo-util-onnx's operator list stops at opset 13 and lacks MatMul and ScatterND with reduction, hence this enum.
 */
public enum Op {
  /** Elementwise sum with broadcasting. */
  ADD("Add"),
  /** Elementwise difference with broadcasting. */
  SUB("Sub"),
  /** Elementwise product with broadcasting. */
  MUL("Mul"),
  /** Elementwise quotient with broadcasting. */
  DIV("Div"),
  /** Elementwise negation. */
  NEG("Neg"),
  /** Elementwise exponential. */
  EXP("Exp"),
  /** Elementwise square root. */
  SQRT("Sqrt"),
  /** Elementwise maximum with broadcasting. */
  MAX("Max"),
  /** Elementwise minimum with broadcasting. */
  MIN("Min"),
  /** Rectified linear unit. */
  RELU("Relu"),
  /** Hyperbolic tangent. */
  TANH("Tanh"),
  /** Elementwise {@code a > b}, boolean result. */
  GREATER("Greater"),
  /** Elementwise {@code a == b}, boolean result. */
  EQUAL("Equal"),
  /** Element type conversion (attribute {@code to}). */
  CAST("Cast"),
  /** Matrix product with numpy batching rules. */
  MAT_MUL("MatMul"),
  /** {@code alpha·A'·B' + beta·C} on 2-D tensors (attributes transA, transB). */
  GEMM("Gemm"),
  /** Sum over the axes given as a second, int64 input. */
  REDUCE_SUM("ReduceSum"),
  /** Sum of squares over the axes given as the {@code axes} attribute (opset &lt; 18). */
  REDUCE_SUM_SQUARE("ReduceSumSquare"),
  /** Log of the softmax along one axis. */
  LOG_SOFTMAX("LogSoftmax"),
  /** Inserts size-1 axes given as a second, int64 input. */
  UNSQUEEZE("Unsqueeze"),
  /** Removes size-1 axes given as a second, int64 input. */
  SQUEEZE("Squeeze"),
  /** Rows of a table selected by integer indices. */
  GATHER("Gather"),
  /** Scatter of slices into a copy of the data (attribute {@code reduction}, opset ≥ 16). */
  SCATTER_ND("ScatterND"),
  /** The shape of a tensor as an int64 vector. */
  SHAPE("Shape"),
  /** A tensor of a given shape filled with one value. */
  CONSTANT_OF_SHAPE("ConstantOfShape"),
  /** Copies its input (renames a value). */
  IDENTITY("Identity");

  private final String onnxName;

  Op(String onnxName) {
    this.onnxName = onnxName;
  }

  /** The operator's ONNX {@code op_type}. */
  public String onnxName() {
    return onnxName;
  }
}
