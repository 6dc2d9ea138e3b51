package io.kdx.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Expands the job's inputs on the driver: files, directories (walked as {@code kdx batch} walks
 * them, at most 8 levels deep) and globs on any Hadoop file system, and list files holding one
 * such path a line. The driver only lists: whether a listed file is a dump is decided by the task
 * that reads it, so a directory of ten thousand dumps costs the driver ten thousand list entries,
 * not ten thousand opens.
 */
public final class DumpInputs {
    /** The depth {@code kdx batch} walks (BatchInputs.MAX_DEPTH). */
    private static final int MAX_DEPTH = 8;

    private DumpInputs() {}

    /** The refs of {@code paths} and of every path named in the {@code lists} files, in order, without repeats. */
    public static List<DumpRef> expand(List<String> paths, List<String> lists, Configuration conf) throws IOException {
        List<String> all = new ArrayList<>(paths);
        for (String l : lists) all.addAll(readList(new Path(l), conf));
        List<DumpRef> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String p : all) {
            for (DumpRef r : expandOne(new Path(p), conf)) {
                if (seen.add(r.uri())) out.add(r);
            }
        }
        return out;
    }

    private static List<String> readList(Path list, Configuration conf) throws IOException {
        FileSystem fs = list.getFileSystem(conf);
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(list), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) out.add(line);
            }
        }
        return out;
    }

    private static List<DumpRef> expandOne(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(p);
        List<DumpRef> out = new ArrayList<>();
        if (matches == null || matches.length == 0) {
            // A path that names nothing still gets its row, saying so (a glob that matches nothing does not).
            if (matches == null) out.add(new DumpRef(fs.makeQualified(p).toString(), false));
            else System.err.println("kdx spark: " + p + " matches no file");
            return out;
        }
        Arrays.sort(matches, Comparator.comparing(s -> s.getPath().toString()));
        for (FileStatus s : matches) {
            if (s.isDirectory()) walk(fs, s.getPath(), 0, out);
            else out.add(new DumpRef(s.getPath().toString(), false)); // named, or matched by a glob as a shell would

        }
        return out;
    }

    private static void walk(FileSystem fs, Path dir, int depth, List<DumpRef> out) throws IOException {
        FileStatus[] children = fs.listStatus(dir);
        Arrays.sort(children, Comparator.comparing(s -> s.getPath().toString()));
        for (FileStatus c : children) {
            if (c.isDirectory()) {
                if (depth + 1 < MAX_DEPTH) walk(fs, c.getPath(), depth + 1, out);
            } else if (c.isFile()) {
                out.add(new DumpRef(c.getPath().toString(), true));
            }
        }
    }
}
