package io.trustfl.server.aggregation;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a round's updates fared.
 *
 * @param accepted updates added to the sum
 * @param clipped accepted updates whose norm exceeded the clip norm (scaled down by the server)
 * @param withinClip accepted updates with norm ≤ the clip norm (the un-noised count adaptive clipping estimates)
 * @param rejected rejected updates by reason (reasons with no rejection are absent)
 */
public record UpdateCounts(long accepted, long clipped, long withinClip, Map<RejectionReason, Long> rejected) {

  /** Validates and copies. */
  public UpdateCounts {
    if (accepted < 0 || clipped < 0 || withinClip < 0 || clipped + withinClip != accepted) {
      throw new IllegalArgumentException("need clipped + withinClip == accepted, all >= 0; got accepted="
          + accepted + " clipped=" + clipped + " withinClip=" + withinClip);
    }
    EnumMap<RejectionReason, Long> copy = new EnumMap<>(RejectionReason.class);
    copy.putAll(rejected);
    rejected = Collections.unmodifiableMap(copy);
  }

  /** Total rejected updates. */
  public long rejectedTotal() {
    long n = 0;
    for (long v : rejected.values()) {
      n += v;
    }
    return n;
  }

  /** Rejections of one reason (0 when none). */
  public long rejected(RejectionReason reason) {
    return rejected.getOrDefault(reason, 0L);
  }

  /** Rejections keyed by {@link RejectionReason#wireName()}, for {@code RoundSummary.rejected_by_reason}. */
  public Map<String, Long> rejectedByWireName() {
    Map<String, Long> out = new LinkedHashMap<>();
    rejected.forEach((k, v) -> out.put(k.wireName(), v));
    return out;
  }
}
