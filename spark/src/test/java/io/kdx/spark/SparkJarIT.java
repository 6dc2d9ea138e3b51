package io.kdx.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged job, target/kdx-spark.jar, started as ./kdx spark starts it (Spark's jars beside it,
 * Spark's JVM options) on the JDK that builds the project, on the committed sample.
 */
class SparkJarIT {
    @TempDir
    Path tmp;

    @Test
    void thePackagedJobRunsOnTheProjectsJdk() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path jar = target.resolve("kdx-spark.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is built by package");
        Path sampleDir = SparkTriageTest.sampleDir();
        Path pack = SparkTriageTest.samplePack();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(Files.readString(target.resolve("jvm-options.txt")).trim().split("\\s+")));
        KdxBatch.privateCache(tmp);
        cmd.addAll(KdxBatch.cacheOption());
        cmd.add("-Dlog4j2.configurationFile=" + Path.of("src/main/launcher/log4j2.properties").toAbsolutePath());
        cmd.addAll(List.of("-cp", jar + ":" + Files.readString(target.resolve("spark-classpath.txt")).trim(),
                "io.kdx.spark.SparkMain", "--master", "local[1]", "--output", tmp.resolve("out").toString(),
                "--date", "2026-12-02"));
        if (pack != null) cmd.addAll(List.of("-s", pack.toString()));
        cmd.add(sampleDir.resolve("frozen-audit.kdump").toString());
        Path log = tmp.resolve("run.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the job ended");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SUMMARY: 1 dumps"), out);
        assertTrue(out.matches("(?s).*frozen-filesystem\\s+1\\n.*"), out);
        Path json = tmp.resolve("out/json/date=2026-12-02");
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(json)) {
            for (Path f : s.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) lines.addAll(Files.readAllLines(f));
        }
        assertEquals(1, lines.size());
        JsonNode row = new ObjectMapper().readTree(lines.getFirst());
        assertEquals(sampleDir.resolve("frozen-audit.kdump").toString(), row.get("dump").asText());
        assertTrue(row.get("error").isNull());
        assertTrue(Files.isDirectory(tmp.resolve("out/parquet/date=2026-12-02")));
    }
}
