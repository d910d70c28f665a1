package io.jouletrace.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors in the API's JSON shape ({@code {"error":{"status","message"}}}) instead of its HTML page: those
 * that never reach Javalin's routes, such as a URI Jetty cannot decode ({@code %00}, a bad percent-escape) or one
 * longer than its header buffer (414, 431).
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  /** The answer to a request Jetty could not parse; it has no {@link Request}, only the response's header fields. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int status, String message) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
    return JouletraceServer.errorBody(status, text, null).toString().getBytes(StandardCharsets.UTF_8);
  }
}
