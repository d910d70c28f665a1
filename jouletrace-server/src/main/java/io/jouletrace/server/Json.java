package io.jouletrace.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's one JSON mapper (routes, gateway, API shapes). */
final class Json {

  /**
   * Jackson's buffers come from one shared pool: its default pool is per thread, and every request runs on a new
   * virtual thread, so each request would allocate fresh buffers.
   */
  static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());

  private Json() {}
}
