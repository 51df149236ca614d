package io.trustfl.privacy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * The Rényi order lists of the reference libraries. ε differs in the third or fourth digit between lists, so
 * results should say which one was used.
 */
public enum RdpOrders {
  /** Opacus: 1.1, 1.2, …, 10.9, then 12, …, 63 (α = 11 is absent). */
  OPACUS("opacus", DoubleStream.concat(
      IntStream.range(1, 100).mapToDouble(x -> 1 + x / 10.0),
      IntStream.range(12, 64).mapToDouble(x -> x)).toArray()),
  /** Google dp_accounting: 1.1, …, 10.9, 11, …, 63, 128, 256, 512, 1024. */
  DP_ACCOUNTING("dp-accounting", DoubleStream.concat(DoubleStream.concat(
      IntStream.range(1, 100).mapToDouble(x -> 1 + x / 10.0),
      IntStream.range(11, 64).mapToDouble(x -> x)), DoubleStream.of(128, 256, 512, 1024)).toArray()),
  /** TensorFlow Privacy: 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, 5, …, 63, 128, 256, 512. */
  TF_PRIVACY("tf-privacy", DoubleStream.concat(DoubleStream.concat(
      DoubleStream.of(1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5),
      IntStream.range(5, 64).mapToDouble(x -> x)), DoubleStream.of(128, 256, 512)).toArray());

  private final String id;
  private final double[] orders;

  RdpOrders(String id, double[] orders) {
    this.id = id;
    this.orders = orders;
  }

  /** The list's name in {@code AccountantState.orders} and on the command line ("opacus", …). */
  public String id() {
    return id;
  }

  /** A copy of the orders, ascending. */
  public double[] orders() {
    return orders.clone();
  }

  /** Number of orders in the list. */
  public int size() {
    return orders.length;
  }

  /**
   * The list with the given {@link #id()} (case-insensitive; "_" is accepted for "-").
   *
   * @throws IllegalArgumentException naming the known lists
   */
  public static RdpOrders fromId(String id) {
    String norm = id == null ? "" : id.toLowerCase(Locale.ROOT).replace('_', '-');
    for (RdpOrders o : values()) {
      if (o.id.equals(norm)) {
        return o;
      }
    }
    throw new IllegalArgumentException("orders must be one of " + Arrays.toString(
        Arrays.stream(values()).map(RdpOrders::id).toArray()) + ", got '" + id + "'");
  }
}
