package io.trustfl.server.coordinator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trustfl.proto.CheckIn;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.ProtocolVersions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The coordinator's HTTP front end on the JDK's {@code com.sun.net.httpserver} (no extra dependency), speaking the
 * protocol of {@code io.trustfl.client.HttpTransport}: {@code POST /v1/checkin}, {@code GET /v1/plan?device=ID},
 * {@code POST /v1/update}, and {@code GET /v1/status} (plain text, for operators).
 *
 * <p>Uploads are bounded before they are read: a declared {@code Content-Length} above the limit is answered 413
 * without reading the body; a body without a declared length is read only up to the limit. A body that does not
 * parse as the expected message, or carries an unreadable format version, is answered 400 with the reason. Every
 * refusal names its reason in the {@value #REASON_HEADER} header and in a plain-text body.
 *
 * <p>A scheduler ticks the {@link Coordinator} every {@code tickInterval} to run selection and close rounds at their
 * deadline. {@link #close()} stops the server and the scheduler and closes the coordinator.
 */
public final class CoordinatorServer implements AutoCloseable {
  /** Response header naming the reason of a refusal. */
  public static final String REASON_HEADER = "X-TrustFL-Reason";
  private static final Logger LOG = Logger.getLogger(CoordinatorServer.class.getName());
  private static final int MAX_CHECKIN_BYTES = 64 << 10;
  private static final String PROTOBUF = "application/x-protobuf";

  private final Coordinator coordinator;
  private final HttpServer http;
  private final ExecutorService workers;
  private final ScheduledExecutorService ticker;
  private volatile boolean closed;

  private CoordinatorServer(Coordinator coordinator, HttpServer http, ExecutorService workers,
      ScheduledExecutorService ticker) {
    this.coordinator = coordinator;
    this.http = http;
    this.workers = workers;
    this.ticker = ticker;
  }

  /**
   * Starts serving {@code coordinator} on {@code address} (port 0 picks a free port).
   *
   * @param threads request-handling threads, ≥ 1
   * @param tickInterval how often the state machine is advanced, &gt; 0
   */
  public static CoordinatorServer start(Coordinator coordinator, InetSocketAddress address, int threads,
      Duration tickInterval) throws IOException {
    Objects.requireNonNull(coordinator, "coordinator");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (tickInterval.isZero() || tickInterval.isNegative()) {
      throw new IllegalArgumentException("tickInterval must be > 0, got " + tickInterval);
    }
    HttpServer http = HttpServer.create(address, 1024);
    ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "trustfl-coordinator-http");
      t.setDaemon(true);
      return t;
    });
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trustfl-coordinator-tick");
      t.setDaemon(true);
      return t;
    });
    CoordinatorServer s = new CoordinatorServer(coordinator, http, workers, ticker);
    http.setExecutor(workers);
    http.createContext("/v1/checkin", s::checkIn);
    http.createContext("/v1/plan", s::plan);
    http.createContext("/v1/update", s::update);
    http.createContext("/v1/status", s::status);
    http.start();
    ticker.scheduleWithFixedDelay(() -> {
      try {
        coordinator.tick();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "coordinator tick failed", e);
      }
    }, tickInterval.toMillis(), tickInterval.toMillis(), TimeUnit.MILLISECONDS);
    return s;
  }

  /** The base URI devices use, e.g. {@code http://127.0.0.1:43121}. */
  public URI uri() {
    InetSocketAddress a = http.getAddress();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort());
  }

  /** The coordinator served. */
  public Coordinator coordinator() {
    return coordinator;
  }

  private void checkIn(HttpExchange ex) throws IOException {
    serve(ex, "check-in", () -> {
      if (!"POST".equals(ex.getRequestMethod())) {
        reply(ex, 405, "method_not_allowed", "use POST");
        return;
      }
      byte[] body = readBounded(ex, MAX_CHECKIN_BYTES);
      if (body == null) {
        reply(ex, 413, "too_large", "a check-in is at most " + MAX_CHECKIN_BYTES + " bytes");
        return;
      }
      CheckIn c;
      try {
        c = CheckIn.parseFrom(body);
        ProtocolVersions.check("CheckIn", c.getVersion());
        if (c.getDeviceId().isEmpty()) {
          throw new IllegalArgumentException("CheckIn.device_id must not be empty");
        }
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        reply(ex, 400, "malformed", "not a valid CheckIn: " + e.getMessage());
        return;
      }
      answerPlan(ex, coordinator.checkIn(c), 204);
    });
  }

  private void plan(HttpExchange ex) throws IOException {
    serve(ex, "plan download", () -> {
      if (!"GET".equals(ex.getRequestMethod())) {
        reply(ex, 405, "method_not_allowed", "use GET");
        return;
      }
      String device = query(ex.getRequestURI(), "device");
      if (device == null || device.isEmpty()) {
        reply(ex, 400, "malformed", "missing query parameter device");
        return;
      }
      answerPlan(ex, coordinator.planFor(device), 404);
    });
  }

  private void answerPlan(HttpExchange ex, Coordinator.CheckInReply r, int noPlanStatus) throws IOException {
    if (r.hasPlan()) {
      ex.getResponseHeaders().set("Content-Type", PROTOBUF);
      ex.sendResponseHeaders(200, r.plan().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.plan());
      }
    } else if (noPlanStatus == 204) {
      ex.getResponseHeaders().set(REASON_HEADER, r.reason());
      ex.sendResponseHeaders(204, -1);
    } else {
      reply(ex, noPlanStatus, r.reason(), "no plan for this device: " + r.reason());
    }
  }

  private void update(HttpExchange ex) throws IOException {
    serve(ex, "update upload", () -> {
      if (!"POST".equals(ex.getRequestMethod())) {
        reply(ex, 405, "method_not_allowed", "use POST");
        return;
      }
      int limit = coordinator.maxUploadBytes();
      byte[] body = readBounded(ex, limit);
      if (body == null) {
        coordinator.countTransportRejection("too_large");
        reply(ex, 413, "too_large", "an update is at most " + limit + " bytes");
        return;
      }
      ClientUpdate u;
      try {
        u = ClientUpdate.parseFrom(body);
        ProtocolVersions.check("ClientUpdate", u.getVersion());
      } catch (InvalidProtocolBufferException | ProtocolVersions.IncompatibleFormatException e) {
        coordinator.countTransportRejection("malformed");
        reply(ex, 400, "malformed", "not a valid ClientUpdate: " + e.getMessage());
        return;
      }
      Coordinator.UploadReply r = coordinator.upload(u);
      reply(ex, r.status().httpStatus(), r.reason(), r.detail());
    });
  }

  private void status(HttpExchange ex) throws IOException {
    serve(ex, "status", () -> {
      Coordinator.Status s = coordinator.status();
      reply(ex, 200, "", String.format(Locale.ROOT, "round=%d attempt=%d phase=%s candidates=%d selected=%d"
          + " accepted=%d rounds_completed=%d epsilon=%.6f %s%n", s.round(), s.attempt(), s.phase(), s.candidates(),
          s.selected(), s.accepted(), s.roundsCompleted(), s.epsilon(), s.note()));
    });
  }

  /** A request handler's body. */
  private interface Body {
    void run() throws IOException;
  }

  /**
   * Runs a handler's body and always answers: an {@link IllegalStateException} (the coordinator is closed or failed)
   * becomes 503 "unavailable", any other runtime exception is logged and becomes 500 "internal" with its message,
   * instead of the HTTP server dropping the connection, which a device would see as a connection reset. The
   * exchange is closed afterwards, never before the reply.
   */
  private static void serve(HttpExchange ex, String what, Body body) throws IOException {
    try (ex) {
      try {
        body.run();
      } catch (IllegalStateException e) {
        replyQuietly(ex, 503, "unavailable", e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, what + " failed", e);
        replyQuietly(ex, 500, "internal", what + " failed: " + e);
      }
    }
  }

  /** The body, or null when it exceeds {@code limit} (then it is not read into memory beyond the limit). */
  private static byte[] readBounded(HttpExchange ex, int limit) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long n;
      try {
        n = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        n = Long.MAX_VALUE;
      }
      if (n > limit) {
        return null;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16 << 10];
    try (InputStream in = ex.getRequestBody()) {
      int r;
      while ((r = in.read(buf)) >= 0) {
        if (out.size() + r > limit) {
          return null;
        }
        out.write(buf, 0, r);
      }
    }
    return out.toByteArray();
  }

  private static String query(URI uri, String name) {
    String q = uri.getRawQuery();
    if (q == null) {
      return null;
    }
    for (String part : q.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).equals(name)) {
        return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void reply(HttpExchange ex, int status, String reason, String text) throws IOException {
    byte[] b = (reason.isEmpty() ? text : reason + ": " + text).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (!reason.isEmpty()) {
      ex.getResponseHeaders().set(REASON_HEADER, reason);
    }
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static void replyQuietly(HttpExchange ex, int status, String reason, String text) {
    try {
      reply(ex, status, reason, text);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "could not send the error reply", e);
    }
  }

  /**
   * Stops abruptly, as a crash would for the network side: the listener and the workers stop at once (requests in
   * flight are cut off), and the coordinator is closed without any final write — all acknowledged state is already
   * on disk. Used by the fault tests; {@link #close()} does the same with a short grace period.
   */
  public void kill() {
    stop(0);
  }

  /** Stops the server (1 s grace for requests in flight), the scheduler and the coordinator; idempotent. */
  @Override
  public void close() {
    stop(1);
  }

  private synchronized void stop(int graceSeconds) {
    if (closed) {
      return;
    }
    closed = true;
    ticker.shutdownNow();
    http.stop(graceSeconds);
    workers.shutdownNow();
    coordinator.close();
  }
}
