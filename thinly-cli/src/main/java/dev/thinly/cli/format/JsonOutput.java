package dev.thinly.cli.format;

import java.io.PrintWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one way commands print {@code --json}: pretty-printed, records serialized by component. */
public final class JsonOutput {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private JsonOutput() {}

  public static void print(PrintWriter out, Object value) {
    out.println(MAPPER.writeValueAsString(value));
    out.flush();
  }

  public static JsonMapper mapper() {
    return MAPPER;
  }
}
