package io.trustfl.server.simulation;

import java.util.Locale;
import java.util.Objects;

/**
 * How the simulator splits the training set among devices, parsed from the command line: {@code iid},
 * {@code dirichlet:α} (label skew, near-equal sizes) or {@code quantity:β} (size skew, IID labels).
 *
 * @param kind the partitioner
 * @param parameter α or β (ignored for IID)
 */
public record PartitionSpec(Kind kind, double parameter) {

  /** The supported partitioners. */
  public enum Kind {
    /** {@link IidPartitioner}. */
    IID,
    /** {@link DirichletLabelSkewPartitioner} with concentration α. */
    DIRICHLET,
    /** {@link QuantitySkewPartitioner} with concentration β. */
    QUANTITY
  }

  /** Validates the parameter. */
  public PartitionSpec {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.IID && (!(parameter > 0) || Double.isInfinite(parameter))) {
      throw new IllegalArgumentException("partition " + kind.name().toLowerCase(Locale.ROOT)
          + " needs a finite concentration > 0, got " + parameter);
    }
  }

  /**
   * Parses {@code iid}, {@code dirichlet:0.1} or {@code quantity:1.0}.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static PartitionSpec parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("iid")) {
      return new PartitionSpec(Kind.IID, 0);
    }
    int colon = t.indexOf(':');
    String name = colon < 0 ? t : t.substring(0, colon);
    Kind kind = switch (name) {
      case "dirichlet" -> Kind.DIRICHLET;
      case "quantity" -> Kind.QUANTITY;
      default -> null;
    };
    if (kind == null || colon < 0) {
      throw new IllegalArgumentException("partition must be iid, dirichlet:<alpha> or quantity:<beta>, got '"
          + text + "'");
    }
    double value;
    try {
      value = Double.parseDouble(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("partition " + name + " needs a number after ':', got '" + text + "'");
    }
    return new PartitionSpec(kind, value);
  }

  /** The partitioner this spec names. */
  public Partitioner partitioner() {
    return switch (kind) {
      case IID -> new IidPartitioner();
      case DIRICHLET -> new DirichletLabelSkewPartitioner(parameter);
      case QUANTITY -> new QuantitySkewPartitioner(parameter, 1);
    };
  }

  @Override
  public String toString() {
    return kind == Kind.IID ? "iid" : kind.name().toLowerCase(Locale.ROOT) + ":" + parameter;
  }
}
