package io.kdx.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real executor lost mid-job: Spark's local-cluster mode (a standalone master and two workers
 * in this JVM, each executor a JVM of its own), and a task that kills its executor's JVM once,
 * after analyzing its dump. Spark must run that task again elsewhere, and every dump must still
 * get exactly one row.
 */
class SparkExecutorLossIT {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 4);

    @TempDir
    Path tmp;

    @Test
    void anExecutorThatDiesIsReplacedAndEveryDumpGetsOneRow() throws Exception {
        KdxBatch.privateCache(tmp);
        Path sampleDir = SparkTriageTest.sampleDir();
        Path sample = sampleDir.resolve("frozen-audit.kdump");
        Path pack = SparkTriageTest.samplePack();
        Path drop = Files.createDirectories(tmp.resolve("drop"));
        for (int i = 0; i < 4; i++) Files.createLink(drop.resolve("host" + i + ".kdump"), sample);
        Files.write(drop.resolve("garbage.kdump"), "KDUMP   and nothing else".getBytes());
        Map<String, JsonNode> batch = KdxBatch.run(List.of(drop.toString()), pack, tmp);
        assertEquals(5, batch.size());

        // The workers start executors from SPARK_HOME's jars; here the executors get this JVM's class path instead.
        // (launcher/target/scala-2.13 is how Spark's command builder tells the Scala version of a SPARK_HOME under test)
        Path sparkHome = Files.createDirectories(tmp.resolve("spark-home/jars"));
        Files.createDirectories(tmp.resolve("spark-home/launcher/target/scala-2.13"));
        String jvmOptions = Files.readString(Path.of("target/jvm-options.txt").toAbsolutePath()).trim();
        String before = System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", sparkHome.getParent().toString());
        Path marker = tmp.resolve("killed-once");
        AtomicInteger lost = new AtomicInteger();
        Path out = tmp.resolve("out");
        try (SparkSession spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("kdx-spark-executor-loss")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", jvmOptions + " " + String.join(" ", KdxBatch.cacheOption()))
                .getOrCreate()) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                    lost.incrementAndGet();
                }
            });
            List<DumpRef> refs = DumpInputs.expand(List.of(drop.toString()), List.of(), sc.hadoopConfiguration());
            JobSettings settings = JobSettings.forJob(sc, pack == null ? null : pack.toString(), 120, null);
            String markerPath = marker.toString();
            JavaRDD<String> rows = TriageJob.rows(TriageJob.refs(sc, refs), settings).mapPartitions((Iterator<String> it) -> {
                List<String> l = new ArrayList<>();
                it.forEachRemaining(l::add);
                if (TaskContext.get().partitionId() == 1) {
                    try {
                        Files.createFile(Path.of(markerPath)); // only the first attempt gets to create it
                        Runtime.getRuntime().halt(137); // the executor's JVM dies, as on an OOM kill
                    } catch (FileAlreadyExistsException again) {
                        // the retry: carry on
                    }
                }
                return l.iterator();
            });
            TriageJob.Outcome o = TriageJob.write(spark, rows, out.toString(), DAY);
            assertEquals(5, o.rows());
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            if (before == null) System.clearProperty("spark.testing");
            else System.setProperty("spark.testing", before);
            System.clearProperty("spark.test.home");
        }
        assertTrue(Files.exists(marker), "a task killed its executor");
        assertTrue(lost.get() >= 1, "Spark saw an executor go");
        KdxBatch.assertSameRows(batch, KdxBatch.jsonRows(out, DAY));
    }
}
