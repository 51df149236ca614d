package io.trustfl.client;

import io.trustfl.proto.CheckIn;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.TaskPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The device side of the coordinator protocol over HTTP, with {@link HttpURLConnection} only (Android has no
 * {@code java.net.http}). Bodies are serialized protobuf messages ({@value #CONTENT_TYPE}).
 *
 * <ul>
 *   <li>{@code POST /v1/checkin} with a {@link CheckIn}: 200 with the {@link TaskPlan} the device is selected for,
 *       or 204 when there is no task for it now (the reason in the {@value #REASON_HEADER} header).</li>
 *   <li>{@code GET /v1/plan?device=ID}: 200 with the plan of the open round this device was selected for (to fetch
 *       it again, e.g. after a lost response), 404 when it has none.</li>
 *   <li>{@code POST /v1/update} with a {@link ClientUpdate}: 200 when accepted and durably recorded; otherwise 400
 *       (malformed), 409 (rejected by validation), 410 (late), 413 (too large), each with a reason.</li>
 * </ul>
 *
 * <p>Thread-safe (each call opens its own connection). Responses are bounded: a plan larger than
 * {@code maxResponseBytes} is an error.
 */
public final class HttpTransport {
  /** Content type of every protobuf body. */
  public static final String CONTENT_TYPE = "application/x-protobuf";
  /** Response header naming the reason of a refusal (a snake_case word such as {@code late}). */
  public static final String REASON_HEADER = "X-TrustFL-Reason";

  private final URI base;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final int maxResponseBytes;

  /**
   * A transport to the coordinator at {@code base} (e.g. {@code http://127.0.0.1:8080}).
   *
   * @param timeout connect and read timeout, &gt; 0
   * @param maxResponseBytes largest plan accepted, ≥ 1
   */
  public HttpTransport(URI base, Duration timeout, int maxResponseBytes) {
    this.base = Objects.requireNonNull(base, "base");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("maxResponseBytes must be >= 1, got " + maxResponseBytes);
    }
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    this.readTimeoutMillis = connectTimeoutMillis;
    this.maxResponseBytes = maxResponseBytes;
  }

  /**
   * The coordinator's answer to an upload.
   *
   * @param accepted true when the update was accepted and durably recorded
   * @param httpStatus the HTTP status
   * @param reason snake_case reason of a refusal ("" when accepted)
   * @param detail the server's explanation
   */
  public record UploadResult(boolean accepted, int httpStatus, String reason, String detail) {}

  /**
   * Checks in.
   *
   * @return the plan this device is selected for, or empty when there is no task for it now
   * @throws IOException on network errors or an unexpected status
   */
  public Optional<TaskPlan> checkIn(CheckIn checkIn) throws IOException {
    Response r = exchange("POST", "/v1/checkin", checkIn.toByteArray());
    if (r.status == 204) {
      return Optional.empty();
    }
    if (r.status != 200) {
      throw new IOException("check-in failed: HTTP " + r.status + " " + r.reason + ": " + r.text());
    }
    return Optional.of(TaskPlan.parseFrom(r.body));
  }

  /**
   * Downloads the plan of the open round this device was selected for.
   *
   * @return the plan, or empty when the device has none (404)
   */
  public Optional<TaskPlan> downloadPlan(String deviceId) throws IOException {
    // The Charset overload of URLEncoder.encode needs Android API 33; the charset-name one works everywhere.
    Response r = exchange("GET", "/v1/plan?device=" + URLEncoder.encode(deviceId, "UTF-8"), null);
    if (r.status == 404) {
      return Optional.empty();
    }
    if (r.status != 200) {
      throw new IOException("plan download failed: HTTP " + r.status + " " + r.reason + ": " + r.text());
    }
    return Optional.of(TaskPlan.parseFrom(r.body));
  }

  /** Uploads an update. A refusal is a result, not an exception; network errors throw. */
  public UploadResult upload(ClientUpdate update) throws IOException {
    return uploadBytes(update.toByteArray());
  }

  /** Uploads raw bytes as an update (for tests of the server's handling of malformed uploads). */
  public UploadResult uploadBytes(byte[] body) throws IOException {
    Response r = exchange("POST", "/v1/update", body);
    return new UploadResult(r.status == 200, r.status, r.reason, r.text());
  }

  private record Response(int status, String reason, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Response exchange(String method, String path, byte[] body) throws IOException {
    URL url = base.resolve(path).toURL();
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    try {
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(readTimeoutMillis);
      c.setRequestMethod(method);
      c.setUseCaches(false);
      if (body != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", CONTENT_TYPE);
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      String header = c.getHeaderField(REASON_HEADER);
      String reason = header == null ? "" : header;
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] bytes = in == null ? new byte[0] : readBounded(in);
      return new Response(status, reason, bytes);
    } finally {
      c.disconnect();
    }
  }

  private byte[] readBounded(InputStream in) throws IOException {
    try (InputStream s = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = s.read(buf)) >= 0) {
        if (out.size() + n > maxResponseBytes) {
          throw new IOException("response exceeds the limit of " + maxResponseBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }
}
