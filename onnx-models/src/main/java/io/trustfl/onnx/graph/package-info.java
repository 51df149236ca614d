/**
 * A minimal ONNX graph writer over the generated {@code ai.onnx.proto.OnnxMl} messages: named values, typed graph
 * inputs and outputs with symbolic dimensions, constants, and the operators the layers need ({@link Op}).
 *
 * <p>It knows nothing about layers, losses or models (those live in {@code io.trustfl.onnx.layers} and
 * {@code io.trustfl.onnx}); it never runs a graph.
 */
package io.trustfl.onnx.graph;
