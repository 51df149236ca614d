package io.trustfl.proto;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Deterministic serialization (map entries sorted by key), for checksums and golden files. Protobuf's default
 * serialization does not promise a stable order for map fields.
 */
public final class ProtoBytes {
  private ProtoBytes() {}

  /** Serializes {@code message} deterministically. */
  public static byte[] deterministic(MessageLite message) {
    byte[] out = new byte[message.getSerializedSize()];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    cos.useDeterministicSerialization();
    try {
      message.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("serializing to a byte array cannot fail", e);
    }
    return out;
  }
}
