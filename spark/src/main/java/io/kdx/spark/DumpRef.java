package io.kdx.spark;

import java.io.Serializable;

/**
 * One file the job was given or found: its Hadoop path (fully qualified, e.g. {@code file:/srv/x}
 * or {@code hdfs://nn/crash/x}), and whether it was met while walking a directory, in which case
 * it is analyzed only when {@code kdx batch} would analyze it (an archive, or a file that starts
 * like a dump) and otherwise yields no row.
 */
public record DumpRef(String uri, boolean listed) implements Serializable {}
