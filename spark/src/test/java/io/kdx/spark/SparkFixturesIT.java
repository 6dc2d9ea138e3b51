package io.kdx.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdx.fixtures.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job in local[2] on every real dump of every fixture scenario (Debian's 6.1 kernel under
 * QEMU: a frozen filesystem with an audit backlog, a healthy machine, a panic; each as kdump with
 * zlib and LZO, flattened, split, ELF and QEMU's own forms), symbols found per dump by build-id on
 * the executor as kdx batch finds them: every dump one row, equal to kdx batch --json's line.
 */
class SparkFixturesIT {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 3);

    @TempDir
    Path tmp;

    @Test
    void aPackCacheDirectoryGivesEachDumpThePackOfItsBuild() throws Exception {
        // Laid out as ~/.cache/kdx/symbols (BUILD-ID/vmlinux-RELEASE.kdxsym), with a second, unrelated build beside.
        Path vmlinux = Fixtures.vmlinux();
        String buildId;
        try (var k = io.kdx.symbols.KernelSymbols.open(vmlinux)) {
            buildId = k.buildId();
        }
        Path packs = tmp.resolve("packs");
        Path pack = Files.createDirectories(packs.resolve(buildId)).resolve("vmlinux-" + Fixtures.kernel() + ".kdxsym");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dkdx.cache.dir=" + System.getProperty("kdx.cache.dir"),
                "-cp", System.getProperty("java.class.path"), "io.kdx.analyzer.cli.Main",
                "symbols", "pack", vmlinux.toString(), "-o", pack.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("pack.log").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, Files.readString(tmp.resolve("pack.log")));
        Files.createDirectories(packs.resolve("0123456789abcdef0123456789abcdef01234567"));
        assertTrue(ExecutorTriage.isPackCache(packs));
        assertFalse(ExecutorTriage.isPackCache(pack.getParent()));

        String dumps = Fixtures.scenario(Fixtures.FROZEN_AUDIT).resolve("dumps").toString();
        Map<String, JsonNode> batch = KdxBatch.run(List.of(dumps), pack, tmp);
        Path out = tmp.resolve("out-packs");
        TriageJob.Outcome o;
        try (SparkSession spark = session()) {
            JobSettings settings = JobSettings.forJob(JavaSparkContext.fromSparkContext(spark.sparkContext()), packs.toString(), 300, null);
            o = TriageJob.run(spark, List.of(dumps), List.of(), out.toString(), settings, DAY);
        }
        assertEquals(batch.size(), o.rows());
        Map<String, JsonNode> rows = KdxBatch.jsonRows(out, DAY);
        KdxBatch.assertSameRows(batch, rows);
        assertTrue(KdxBatch.kinds(rows.get(Fixtures.dump(Fixtures.FROZEN_AUDIT, "zlib-d31.kdump").toString())).contains("frozen-filesystem"));
    }

    @org.junit.jupiter.api.BeforeEach
    void ownPackCache() throws java.io.IOException {
        KdxBatch.privateCache(tmp);
    }

    private static SparkSession session() {
        return SparkSession.builder().master("local[2]").appName("kdx-spark-fixtures")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @Test
    void everyRealDumpGetsKdxBatchsRow() throws Exception {
        List<String> dirs = Fixtures.BASE_SCENARIOS.stream().map(s -> Fixtures.scenario(s).resolve("dumps").toString()).toList();
        Map<String, JsonNode> batch = KdxBatch.run(dirs, null, tmp);
        assertTrue(batch.size() >= 30, "kdx batch found the fixture dumps: " + batch.keySet());

        TriageJob.Outcome o;
        Path out = tmp.resolve("out");
        try (SparkSession spark = session()) {
            JobSettings settings = JobSettings.forJob(JavaSparkContext.fromSparkContext(spark.sparkContext()), null, 300, null);
            o = TriageJob.run(spark, dirs, List.of(), out.toString(), settings, DAY);
            // Parquet holds the same rows.
            List<String> parquet = spark.read().parquet(out.resolve("parquet").toString()).toJSON().collectAsList();
            assertEquals(batch.size(), parquet.size());
            for (String line : parquet) {
                ObjectNode r = (ObjectNode) KdxBatch.JSON.readTree(line);
                assertEquals(DAY.toString(), r.remove("date").asText());
                String dump = r.get("dump").asText();
                assertEquals(KdxBatch.withoutNulls(KdxBatch.withoutSeconds(batch.get(dump))),
                        KdxBatch.withoutNulls(KdxBatch.withoutSeconds(r)), "parquet " + dump);
            }
        }
        Map<String, JsonNode> rows = KdxBatch.jsonRows(out, DAY);
        assertEquals(batch.size(), o.rows());
        KdxBatch.assertSameRows(batch, rows);

        // What the guests recorded: /mnt/data frozen, a panic, nothing wrong.
        JsonNode frozen = rows.get(Fixtures.dump(Fixtures.FROZEN_AUDIT, "zlib-d31.kdump").toString());
        assertTrue(KdxBatch.kinds(frozen).contains("frozen-filesystem"), frozen.toString());
        assertTrue(frozen.get("findings").toString().contains("\"mountpoint\":\"/mnt/data\""));
        JsonNode panic = rows.get(Fixtures.dump(Fixtures.PANIC, "zlib-d31.kdump").toString());
        assertTrue(KdxBatch.kinds(panic).contains("panic"), panic.toString());
        JsonNode healthy = rows.get(Fixtures.dump(Fixtures.HEALTHY, "zlib-d31.kdump").toString());
        assertTrue(healthy.get("error").isNull());
        assertEquals(List.of(), KdxBatch.kinds(healthy));
        assertEquals(batch.values().stream().filter(r -> KdxBatch.kinds(r).contains("frozen-filesystem")).count(),
                o.summary().byKind().get("frozen-filesystem"));
        assertEquals(batch.size(), o.summary().dumps());
    }
}
