package io.trustfl.client;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child process of {@link ExampleStoreCrashTest}: adds examples to a store in an endless loop and prints
 * {@code ACK <i>} after each {@link ExampleStore#add} returns (i.e. once the example is durable). The parent kills
 * this process with {@code destroyForcibly()} at an arbitrary point.
 *
 * <p>Arguments: store directory, max examples, retention policy.
 */
final class StoreWriterMain {
  private StoreWriterMain() {}

  static String text(long i) {
    return "example-" + i + " " + "x".repeat((int) (i % 17));
  }

  static String label(long i) {
    return "label" + (i % 5);
  }

  static float[] embedding(long i) {
    return new float[] {i, i + 0.5f, -i};
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    StoreLimits limits = new StoreLimits(Long.parseLong(args[1]), Long.MAX_VALUE,
        RetentionPolicy.valueOf(args[2]), 7);
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    try (ExampleStore store = ExampleStore.open(dir, limits)) {
      long i = store.offeredTotal();
      out.println("OPEN " + i);
      out.flush();
      while (true) {
        i++;
        store.add(text(i), label(i), i % 2 == 0 ? embedding(i) : null);
        out.println("ACK " + i);
        out.flush();
      }
    }
  }
}
