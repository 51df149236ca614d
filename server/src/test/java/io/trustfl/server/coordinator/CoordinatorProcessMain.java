package io.trustfl.server.coordinator;

import io.trustfl.kernels.JavaKernels;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Child process of {@link CoordinatorCrashTest}: serves a coordinator (the loopback test's configuration) on an
 * ephemeral loopback port, prints {@code READY <port>}, and runs until it is killed.
 *
 * <p>Arguments: state directory, fleet size (= selection target and minimum candidates), quorum.
 */
final class CoordinatorProcessMain {
  private CoordinatorProcessMain() {}

  public static void main(String[] args) throws Exception {
    int fleet = Integer.parseInt(args[1]);
    CoordinatorConfig cfg = CoordinatorLoopbackTest.config(Path.of(args[0]), fleet, Integer.parseInt(args[2]),
        fleet, Duration.ofSeconds(60)).build();
    JavaKernels kernels = new JavaKernels();
    Coordinator c = Coordinator.open(cfg, kernels, Clock.systemUTC());
    CoordinatorServer s = CoordinatorServer.start(c, new InetSocketAddress("127.0.0.1", 0), 16,
        Duration.ofMillis(20));
    System.out.println("READY " + s.uri().getPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
