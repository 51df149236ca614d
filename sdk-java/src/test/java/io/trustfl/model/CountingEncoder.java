package io.trustfl.model;

import java.util.ArrayList;
import java.util.List;

/** A deterministic fake encoder that records every text it encodes. */
final class CountingEncoder implements TextEncoder {
  final List<String> encoded = new ArrayList<>();
  private final String id;

  CountingEncoder(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return 3;
  }

  @Override
  public synchronized float[][] encodeAll(List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      encoded.add(t);
      out[i] = new float[] {t.length(), t.isEmpty() ? 0 : t.charAt(0), 0.5f};
    }
    return out;
  }
}
