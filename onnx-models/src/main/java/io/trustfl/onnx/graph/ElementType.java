package io.trustfl.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * Element types a graph's values can have. Shipped graphs use {@link #FLOAT} for every real value; {@link #DOUBLE}
 * builds the same graphs in double precision for finite-difference checks.
 */
public enum ElementType {
  /** 32-bit IEEE float. */
  FLOAT(DataType.FLOAT),
  /** 64-bit IEEE float. */
  DOUBLE(DataType.DOUBLE),
  /** 64-bit signed integer (ids, labels, shapes). */
  INT64(DataType.INT64),
  /** Boolean (comparison results). */
  BOOL(DataType.BOOL);

  private final DataType onnx;

  ElementType(DataType onnx) {
    this.onnx = onnx;
  }

  /** The ONNX {@code TensorProto.DataType} of this element type. */
  public DataType onnx() {
    return onnx;
  }
}
