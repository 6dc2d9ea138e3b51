package io.kdx.analyzer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON writer of --json, in a holder of its own: Jackson's classes load (tens of milliseconds
 * at start-up) only when a command prints JSON, not whenever picocli instantiates the commands.
 */
final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
}
