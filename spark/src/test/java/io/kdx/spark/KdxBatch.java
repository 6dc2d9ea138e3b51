package io.kdx.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The peer of the job's rows: {@code kdx batch --json} run as its own JVM, and the rows' readers. */
final class KdxBatch {
    static final ObjectMapper JSON = new ObjectMapper();

    private KdxBatch() {}

    /**
     * Points this JVM's kdx (and the kdx batch runs it starts) at a pack cache of its own under
     * {@code work}: ~/.cache/kdx/symbols is shared with every other checkout on the machine, which may
     * hold packs of another format version. The kernels kdx's generator fetched stay reachable
     * (a link to ~/.cache/kdx/kernels), so symbols are still found by build-id.
     */
    static Path privateCache(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("kdx-cache"));
        Path kernels = io.kdx.fixtures.Fixtures.cache().resolve("kernels");
        if (Files.isDirectory(kernels) && !Files.exists(dir.resolve("kernels"))) Files.createSymbolicLink(dir.resolve("kernels"), kernels);
        System.setProperty("kdx.cache.dir", dir.toString());
        return dir;
    }

    /** {@code -Dkdx.cache.dir=…} for a JVM this one starts, when {@link #privateCache} was set. */
    static List<String> cacheOption() {
        String d = System.getProperty("kdx.cache.dir");
        return d == null ? List.of() : List.of("-Dkdx.cache.dir=" + d);
    }

    /** {@code kdx batch --json [-s SYMBOLS] INPUTS}: its lines by dump. */
    static Map<String, JsonNode> run(List<String> inputs, Path symbols, Path work) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(cacheOption());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.kdx.analyzer.cli.Main", "batch", "--json", "--jobs", "2"));
        if (symbols != null) cmd.addAll(List.of("-s", symbols.toString()));
        cmd.addAll(inputs);
        Path outFile = work.resolve("batch-" + System.nanoTime() + ".jsonl");
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "kdx batch finished");
        Map<String, JsonNode> out = new TreeMap<>();
        for (String line : Files.readAllLines(outFile)) {
            JsonNode n = JSON.readTree(line);
            assertNull(out.put(n.get("dump").asText(), n), "kdx batch printed one line per dump");
        }
        return out;
    }

    /** The job's JSON-lines output of {@code day}, by dump; fails on a dump with two rows. */
    static Map<String, JsonNode> jsonRows(Path out, LocalDate day) throws IOException {
        Path dir = out.resolve("json").resolve("date=" + day);
        Map<String, JsonNode> rows = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode n = JSON.readTree(line);
                    assertNull(rows.put(n.get("dump").asText(), n), "one row for " + n.get("dump"));
                }
            }
        }
        return rows;
    }

    /** Asserts that both have the same dumps and, dump by dump, the same fields but seconds. */
    static void assertSameRows(Map<String, JsonNode> batch, Map<String, JsonNode> rows) {
        assertEquals(batch.keySet(), rows.keySet(), "one row per dump, as kdx batch");
        for (String dump : batch.keySet()) assertEquals(withoutSeconds(batch.get(dump)), withoutSeconds(rows.get(dump)), dump);
    }

    static List<String> kinds(JsonNode row) {
        List<String> k = new ArrayList<>();
        row.get("findings").forEach(f -> k.add(f.get("kind").asText()));
        return k;
    }

    static JsonNode withoutSeconds(JsonNode row) {
        ObjectNode c = row.deepCopy();
        c.remove("seconds");
        return c;
    }

    /** Parquet's columns are the union of every row's fields: a field a row lacks reads as null. */
    static JsonNode withoutNulls(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = JSON.createObjectNode();
            n.properties().forEach(e -> {
                if (!e.getValue().isNull()) o.set(e.getKey(), withoutNulls(e.getValue()));
            });
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JSON.createArrayNode();
            n.forEach(x -> a.add(withoutNulls(x)));
            return a;
        }
        if (n.isIntegralNumber()) return JSON.getNodeFactory().numberNode(n.asLong());
        return n;
    }
}
