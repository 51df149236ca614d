package io.trustfl.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.trustfl.proto.DType;
import io.trustfl.proto.Graph;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ParameterSpec;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Tiny ONNX graphs built by hand with tribuo-util-onnx's generated ONNX protobuf classes, so the bundle runtime is
 * tested independently of the onnx-models module.
 *
 * <p>Graph "forward": inputs {@code x} float [batch, 3], {@code w} float [3, 2], {@code b} float [2], {@code idx}
 * int64 [batch]; outputs {@code y = x·w + b} [batch, 2], {@code z = relu(y)} [batch, 2], {@code idx2 = idx + idx}
 * int64 [batch], {@code total = sum(y)} float [] (scalar).
 */
final class TinyGraphs {
  private TinyGraphs() {}

  private static OnnxMl.ValueInfoProto value(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
  }

  private static OnnxMl.NodeProto node(String op, List<String> in, List<String> out) {
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op + "_" + out.get(0));
    in.forEach(n::addInput);
    out.forEach(n::addOutput);
    return n.build();
  }

  /** Serialized ONNX model of the "forward" graph described in the class comment. */
  static byte[] linearModel() {
    OnnxMl.TensorProto.DataType f = OnnxMl.TensorProto.DataType.FLOAT;
    OnnxMl.TensorProto.DataType i64 = OnnxMl.TensorProto.DataType.INT64;
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("tiny")
        .addInput(value("x", f, "batch", 3))
        .addInput(value("w", f, 3, 2))
        .addInput(value("b", f, 2))
        .addInput(value("idx", i64, "batch"))
        .addNode(node("MatMul", List.of("x", "w"), List.of("xw")))
        .addNode(node("Add", List.of("xw", "b"), List.of("y")))
        .addNode(node("Relu", List.of("y"), List.of("z")))
        .addNode(node("Add", List.of("idx", "idx"), List.of("idx2")))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceSum").setName("sum").addInput("y")
            .addOutput("total").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims").setI(0)
                .setType(OnnxMl.AttributeProto.AttributeType.INT)))
        .addOutput(value("y", f, "batch", 2))
        .addOutput(value("z", f, "batch", 2))
        .addOutput(value("idx2", i64, "batch"))
        .addOutput(value("total", f))
        .build();
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("trustfl-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph).build().toByteArray();
  }

  static Tensor floats(String name, float[] values, long... shape) {
    ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bb.putFloat(v);
    }
    Tensor.Builder t = Tensor.newBuilder().setName(name).setDtype(DType.FLOAT32).setData(ByteString.copyFrom(
        bb.array()));
    for (long s : shape) {
      t.addShape(s);
    }
    return t.build();
  }

  /** A sealed bundle with the "forward" graph, parameters w [3, 2] and b [2], and two labels. */
  static ModelBundle bundle() {
    Graph forward = Graph.newBuilder().setName(ModelBundles.FORWARD).setOnnx(ByteString.copyFrom(linearModel()))
        .addAllInputNames(List.of("x", "w", "b", "idx")).addAllOutputNames(List.of("y", "z", "idx2", "total"))
        .build();
    ModelBundle unsealed = ModelBundle.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setModelId("tiny-linear")
        .setModelVersion("test")
        .addGraphs(forward)
        .addParameters(ParameterSpec.newBuilder().setName("w").setDtype(DType.FLOAT32).addShape(3).addShape(2)
            .setTrainable(true))
        .addParameters(ParameterSpec.newBuilder().setName("b").setDtype(DType.FLOAT32).addShape(2)
            .setTrainable(true))
        .setInitialWeights(Weights.newBuilder().setVersion(ProtocolVersions.current())
            .addTensors(floats("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2))
            .addTensors(floats("b", new float[] {0.5f, -100}, 2)))
        .addAllLabels(List.of("a", "b"))
        .putMetadata("purpose", "test")
        .build();
    return ModelBundles.seal(unsealed);
  }
}
