package io.trustfl.privacy;

import io.trustfl.privacy.analysis.DpParams;
import io.trustfl.proto.AccountantState;
import io.trustfl.proto.DpEvent;
import io.trustfl.proto.ProtocolVersions;
import java.util.ArrayList;
import java.util.List;

/** The ordered history of homogeneous stretches behind an accountant; adjacent equal (q, σ) are merged. */
final class EventHistory {
  /** One stretch of {@code steps} steps with sampling rate q and noise multiplier σ. */
  record Event(double samplingRate, double noiseMultiplier, long steps) {}

  private final List<Event> events = new ArrayList<>();

  /** What {@link #add} did. */
  enum Added { NOTHING, MERGED, APPENDED }

  /** Validates and appends, merging with the last event when (q, σ) are equal; steps == 0 records nothing. */
  Added add(double q, double sigma, long steps) {
    DpParams.samplingRate(q);
    DpParams.noiseMultiplier(sigma);
    DpParams.steps(steps);
    if (steps == 0) {
      return Added.NOTHING;
    }
    int last = events.size() - 1;
    if (last >= 0 && events.get(last).samplingRate() == q && events.get(last).noiseMultiplier() == sigma) {
      events.set(last, new Event(q, sigma, Math.addExact(events.get(last).steps(), steps)));
      return Added.MERGED;
    }
    events.add(new Event(q, sigma, steps));
    return Added.APPENDED;
  }

  int size() {
    return events.size();
  }

  Event get(int i) {
    return events.get(i);
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  /** A state builder with the version, name and events filled in. */
  AccountantState.Builder toStateBuilder(String name) {
    AccountantState.Builder b = AccountantState.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setAccountant(name);
    for (Event e : events) {
      b.addEvents(DpEvent.newBuilder()
          .setSamplingRate(e.samplingRate())
          .setNoiseMultiplier(e.noiseMultiplier())
          .setSteps(e.steps()));
    }
    return b;
  }

  /** The events of a state, validated, with an error naming the offending event. */
  static List<Event> eventsOf(AccountantState state) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < state.getEventsCount(); i++) {
      DpEvent e = state.getEvents(i);
      try {
        DpParams.samplingRate(e.getSamplingRate());
        DpParams.noiseMultiplier(e.getNoiseMultiplier());
        if (e.getSteps() < 0) {
          throw new IllegalArgumentException("steps must be < 2^63, got " + Long.toUnsignedString(e.getSteps()));
        }
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("AccountantState event " + i + " is invalid: " + ex.getMessage(), ex);
      }
      out.add(new Event(e.getSamplingRate(), e.getNoiseMultiplier(), e.getSteps()));
    }
    return out;
  }
}
