package io.kdx.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What every task needs, shipped inside the task: the name under which the symbols were added to
 * the job ({@code SparkContext.addFile}: each executor fetches them once), the per-dump time limit,
 * an optional scratch directory, and the driver's Hadoop settings (so that a task reads the same
 * file systems the driver listed).
 *
 * @param symbolsName   file or directory name of the shipped symbols, or null to find them per dump
 *                      by build-id on the executor (its pack cache and debug directories)
 * @param timeoutSeconds the most one dump may take, copy and analysis together
 * @param scratch        where non-local dumps are copied; null for the executor's local directories
 */
public record JobSettings(String symbolsName, double timeoutSeconds, String scratch, Map<String, String> hadoop)
        implements Serializable {

    /** Settings for a job on {@code sc}; ships {@code symbols} (a file or directory on any Hadoop file system) first. */
    public static JobSettings forJob(JavaSparkContext sc, String symbols, double timeoutSeconds, String scratch) throws IOException {
        if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("the time limit must be positive: " + timeoutSeconds);
        String name = null;
        if (symbols != null) {
            Path p = new Path(symbols);
            FileSystem fs = p.getFileSystem(sc.hadoopConfiguration());
            Path q = fs.makeQualified(p);
            if (!fs.exists(q)) throw new java.io.FileNotFoundException(symbols + ": no such symbols file or directory");
            sc.sc().addFile(q.toString(), fs.getFileStatus(q).isDirectory());
            name = q.getName();
        }
        Map<String, String> hadoop = new HashMap<>();
        sc.hadoopConfiguration().forEach(e -> hadoop.put(e.getKey(), e.getValue()));
        return new JobSettings(name, timeoutSeconds, scratch, hadoop);
    }

    Configuration hadoopConfiguration() {
        Configuration c = new Configuration(false);
        hadoop.forEach(c::set);
        return c;
    }
}
