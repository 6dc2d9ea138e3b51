package io.kdx.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job in Spark's local mode ({@code local[2,2]}: two task threads, a task tried at most twice)
 * on the committed sample dump (a real Debian 6.1 kdump of a frozen filesystem, with its symbol
 * pack), copies of it, a tar archive holding it and damaged files, against {@code kdx batch --json}
 * run as its own process on the same files.
 */
class SparkTriageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.of(2026, 12, 2);

    @TempDir
    static Path tmp;

    static SparkSession spark;
    static JavaSparkContext sc;
    static Path sample;
    /** The sample's kernel release as the guest recorded it (truth/uname.txt: uname -a's third field). */
    static String release;
    /** The sample's symbol pack, or null where the sample has none (kdx then reads the dump's own symbols). */
    static Path pack;
    static Path drop;
    static Path notADump;
    static final AtomicInteger failedTasks = new AtomicInteger();
    static final AtomicInteger endedTasks = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        KdxBatch.privateCache(tmp);
        Path dir = sampleDir();
        sample = dir.resolve("frozen-audit.kdump");
        release = Files.readString(dir.resolve("truth/uname.txt")).strip().split("\\s+")[2];
        pack = samplePack();
        drop = Files.createDirectories(tmp.resolve("drop"));
        Files.copy(sample, drop.resolve("a.kdump"));
        Files.createDirectories(drop.resolve("host2/2026-12-01"));
        Files.copy(sample, drop.resolve("host2/2026-12-01/vmcore"));
        byte[] head = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(sample)) {
            in.readNBytes(head, 0, head.length);
        }
        Files.write(drop.resolve("truncated.kdump"), head); // a dump cut after its first MiB
        byte[] junk = new byte[8192];
        System.arraycopy("KDUMP   ".getBytes(StandardCharsets.US_ASCII), 0, junk, 0, 8);
        Files.write(drop.resolve("garbage.kdump"), junk); // a signature and nothing behind it
        Files.writeString(drop.resolve("notes.txt"), "operator notes: not a dump, reported as such\n");
        Files.write(drop.resolve("damaged.tar.gz"), "not gzip at all".getBytes(StandardCharsets.US_ASCII));
        try (OutputStream os = Files.newOutputStream(drop.resolve("case-42.tar"));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] readme = "sosreport of host 42\n".getBytes(StandardCharsets.US_ASCII);
            TarArchiveEntry r = new TarArchiveEntry("case-42/README");
            r.setSize(readme.length);
            tar.putArchiveEntry(r);
            tar.write(readme);
            tar.closeArchiveEntry();
            TarArchiveEntry d = new TarArchiveEntry("case-42/vmcore");
            d.setSize(Files.size(sample));
            tar.putArchiveEntry(d);
            Files.copy(sample, tar);
            tar.closeArchiveEntry();
        }
        notADump = Files.writeString(tmp.resolve("explicit.txt"), "named on the command line, so it gets a row\n");

        spark = SparkSession.builder().master("local[2,2]").appName("kdx-spark-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        sc.hadoopConfiguration().set("fs.kdxtest.impl", RemoteLikeFileSystem.class.getName());
        sc.hadoopConfiguration().set("fs.kdxtest.impl.disable.cache", "true");
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                endedTasks.incrementAndGet();
                if (!e.taskInfo().successful()) failedTasks.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @BeforeEach
    void resetCounts() {
        drain();
        failedTasks.set(0);
        endedTasks.set(0);
    }

    /** Waits until the listener has seen every event posted so far. */
    private static void drain() {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } catch (Exception e) {
            throw new AssertionError("Spark's listener bus did not drain", e);
        }
    }

    @Test
    void everyDumpGetsExactlyTheRowKdxBatchPrints() throws Exception {
        List<String> inputs = List.of(drop.toString(), sample.toString(), notADump.toString());
        Map<String, JsonNode> batch = kdxBatch(inputs);
        assertEquals(9, batch.size(), "kdx batch: the 7 files of the drop, the sample, the named text file: " + batch.keySet());

        Path out = tmp.resolve("out-local");
        JobSettings settings = JobSettings.forJob(sc, packOption(), 120, null);
        TriageJob.Outcome o = TriageJob.run(spark, inputs, List.of(), out.toString(), settings, DAY);
        drain();
        assertEquals(0, failedTasks.get(), "input errors are rows, never failed tasks");

        Map<String, JsonNode> rows = jsonRows(out);
        assertEquals(batch.size(), o.rows());
        assertEquals(batch.keySet(), rows.keySet(), "one row per dump, as kdx batch");
        for (String dump : batch.keySet()) {
            assertEquals(withoutSeconds(batch.get(dump)), withoutSeconds(rows.get(dump)), dump);
        }

        // What the rows say, checked against the sample's recorded truth (a frozen /mnt/data).
        for (String good : List.of(sample.toString(), drop.resolve("a.kdump").toString(),
                drop.resolve("host2/2026-12-01/vmcore").toString(), drop.resolve("case-42.tar") + "!case-42/vmcore")) {
            JsonNode r = rows.get(good);
            assertNotNull(r, good + " has a row");
            assertTrue(r.get("error").isNull(), good + ": " + r.get("error"));
            assertEquals(release, r.get("release").asText());
            assertTrue(kinds(r).contains("frozen-filesystem"), good + ": " + kinds(r));
            assertTrue(r.get("findings").toString().contains("/mnt/data"), good);
        }
        // (truncated.kdump is read as far as it goes: its row is whatever kdx batch says of it, checked above)
        for (String bad : List.of("garbage.kdump", "damaged.tar.gz")) {
            JsonNode r = rows.get(drop.resolve(bad).toString());
            assertNotNull(r, bad + " has a row");
            assertTrue(r.get("error").asText().contains(bad), bad + "'s row carries its error, naming it: " + r.get("error"));
        }
        assertFalse(rows.get(notADump.toString()).get("error").isNull());
        assertTrue(rows.keySet().stream().anyMatch(k -> k.endsWith("notes.txt")), "a non-dump met in a directory has its row, as in kdx batch");

        // Parquet: the same rows, partitioned by the run's date.
        List<Row> parquet = spark.read().parquet(out.resolve("parquet").toString()).collectAsList();
        assertEquals(batch.size(), parquet.size());
        List<String> asJson = spark.read().parquet(out.resolve("parquet").toString()).toJSON().collectAsList();
        for (String line : asJson) {
            ObjectNode r = (ObjectNode) JSON.readTree(line);
            assertEquals(DAY.toString(), r.remove("date").asText());
            String dump = r.get("dump").asText();
            assertEquals(withoutNulls(withoutSeconds(batch.get(dump))), withoutNulls(withoutSeconds(r)), "parquet " + dump);
        }

        // The README's query: dumps per finding kind and release, for the day.
        Map<String, Long> perKind = new TreeMap<>();
        spark.read().parquet(out.resolve("parquet").toString()).where("date = '" + DAY + "'")
                .selectExpr("release", "explode(array_distinct(findings.kind)) AS kind").groupBy("release", "kind").count()
                .collectAsList().forEach(r -> perKind.put(r.getString(1), r.getLong(2)));
        Map<String, Long> expectedKinds = new TreeMap<>(o.summary().byKind());
        expectedKinds.remove("(no finding)");
        assertEquals(expectedKinds, perKind);

        // The summary, counted from the rows.
        assertEquals(9, o.summary().dumps()); // as kdx batch: every file of the drop has its row
        assertEquals(batch.values().stream().filter(r -> !r.get("error").isNull()).count(), o.summary().failed());
        assertTrue(o.summary().failed() >= 3, "garbage, damaged archive, the text file");
        assertEquals(4L, o.summary().byKind().get("frozen-filesystem"));
        assertEquals(batch.values().stream().filter(r -> r.get("release").asText().equals(release)).count(),
                o.summary().byRelease().get(release)[0]);
        String table = o.summary().format(o.triageSeconds(), o.jobSeconds());
        assertTrue(table.contains("SUMMARY: 9 dumps"), table);
        assertTrue(table.matches("(?s).*\\(could not analyze\\)\\s+" + o.summary().failed() + "\\n.*"), table);
    }

    @Test
    void aLostTaskIsRetriedAndEveryDumpStillGetsOneRow() throws Exception {
        List<DumpRef> refs = DumpInputs.expand(List.of(drop.toString()), List.of(), sc.hadoopConfiguration());
        JobSettings settings = JobSettings.forJob(sc, packOption(), 120, null);
        // The first attempt of the second task dies after its dump was analyzed, as an executor
        // lost mid-task would: Spark runs that task again, and the row must not appear twice.
        var rows = TriageJob.rows(TriageJob.refs(sc, refs), settings).mapPartitions((Iterator<String> it) -> {
            List<String> l = new ArrayList<>();
            it.forEachRemaining(l::add);
            TaskContext t = TaskContext.get();
            if (t.partitionId() == 1 && t.attemptNumber() == 0) throw new IllegalStateException("simulated executor loss");
            return l.iterator();
        });
        Path out = tmp.resolve("out-retry");
        TriageJob.Outcome o = TriageJob.write(spark, rows, out.toString(), DAY);
        drain();
        assertEquals(1, failedTasks.get(), "the lost attempt, and only it, failed");
        Map<String, JsonNode> byDump = jsonRows(out);
        assertEquals(7, o.rows()); // the drop's 7 files, each once
        assertEquals(7, byDump.size());
        assertTrue(byDump.containsKey(drop.resolve("a.kdump").toString()));
    }

    @Test
    void aDumpOverTheTimeLimitIsARowWithItsError() throws Exception {
        Path out = tmp.resolve("out-timeout");
        JobSettings settings = JobSettings.forJob(sc, packOption(), 0.001, null);
        TriageJob.Outcome o = TriageJob.run(spark, List.of(sample.toString(), drop.resolve("a.kdump").toString()),
                List.of(), out.toString(), settings, DAY);
        drain();
        assertEquals(0, failedTasks.get());
        Map<String, JsonNode> rows = jsonRows(out);
        assertEquals(2, rows.size());
        for (JsonNode r : rows.values()) {
            assertEquals(r.get("dump").asText() + ": not analyzed within the time limit of 0.001 s", r.get("error").asText());
        }
        assertEquals(2, o.summary().failed());
    }

    @Test
    void dumpsOffTheLocalFileSystemAreCopiedToScratchAndDeleted() throws Exception {
        List<String> inputs = List.of(drop.toString());
        Map<String, JsonNode> batch = kdxBatch(inputs);
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        Path out = tmp.resolve("out-remote");
        JobSettings settings = JobSettings.forJob(sc, packOption(), 120, scratch.toString());
        TriageJob.Outcome o = TriageJob.run(spark, List.of("kdxtest://" + drop), List.of(), out.toString(), settings, DAY);
        drain();
        assertEquals(0, failedTasks.get());
        Map<String, JsonNode> rows = jsonRows(out);
        assertEquals(batch.size(), o.rows());
        for (var e : batch.entrySet()) {
            // The same row, named by the dump's URI; errors name it too, never the scratch copy.
            ObjectNode expected = (ObjectNode) withoutSeconds(e.getValue());
            String uri = "kdxtest:" + e.getKey();
            expected.put("dump", uri);
            if (expected.get("error").isTextual()) expected.put("error", expected.get("error").asText().replace(drop.toString(), "kdxtest:" + drop));
            assertNotNull(rows.get(uri), uri + " in " + rows.keySet());
            assertEquals(expected, withoutSeconds(rows.get(uri)), uri);
        }
        try (Stream<Path> s = Files.list(scratch)) {
            assertEquals(List.of(), s.toList(), "every scratch copy deleted");
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    static Map<String, JsonNode> kdxBatch(List<String> inputs) throws Exception {
        return KdxBatch.run(inputs, pack, tmp);
    }

    static Map<String, JsonNode> jsonRows(Path out) throws IOException {
        return KdxBatch.jsonRows(out, DAY);
    }

    static List<String> kinds(JsonNode row) {
        return KdxBatch.kinds(row);
    }

    static JsonNode withoutSeconds(JsonNode row) {
        return KdxBatch.withoutSeconds(row);
    }

    static JsonNode withoutNulls(JsonNode n) {
        return KdxBatch.withoutNulls(n);
    }

    static String packOption() {
        return pack == null ? null : pack.toString();
    }

    /** fixtures/sample's *.kdxsym, or null. */
    static Path samplePack() throws IOException {
        try (Stream<Path> s = Files.list(sampleDir())) {
            return s.filter(p -> p.toString().endsWith(".kdxsym")).findFirst().orElse(null);
        }
    }

    static Path sampleDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("fixtures/sample");
            if (Files.isRegularFile(s.resolve("frozen-audit.kdump"))) return s;
        }
        throw new AssertionError("fixtures/sample not found above " + Path.of("").toAbsolutePath());
    }

    /** The local disk seen through another scheme, as HDFS or S3 would be: the job must copy from it. */
    public static final class RemoteLikeFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("kdxtest:///");
        }

        @Override
        public String getScheme() {
            return "kdxtest";
        }
    }
}
