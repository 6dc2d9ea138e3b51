package io.kdx.dump;

import java.util.List;

/**
 * What the dump file says of itself. Fields a format does not carry are null (strings) or -1.
 *
 * @param format        "kdump", "kdump-flattened", "kdump-split", "elf"
 * @param producer      who wrote it, when known: "makedumpfile", "qemu", "kernel"
 * @param compression   "zlib", "lzo", "snappy", "zstd", "none", or "mixed"
 * @param headerVersion kdump header_version, or -1
 * @param dumpLevel     makedumpfile -d level, or -1
 * @param timestampSeconds dump header timestamp (tv_sec), or -1
 * @param incomplete    the writer marked the dump incomplete (kdump status 0x8, ELF e_flags bit 0)
 * @param truncated     the file ends before data its headers describe
 * @param files         every file that makes up the dump
 * @param damage        what kdx found inconsistent in the dump's own structure (for example a kdump
 *                      bitmap that counts more or fewer pages than there are descriptors, so pages may
 *                      read as another pfn's bytes), one sentence each; empty when nothing was found
 */
public record DumpMetadata(
        String format,
        String producer,
        String compression,
        int headerVersion,
        int dumpLevel,
        int pageSize,
        int nrCpus,
        long timestampSeconds,
        String sysname,
        String nodename,
        String release,
        String version,
        String machine,
        String domainname,
        boolean incomplete,
        boolean truncated,
        List<java.nio.file.Path> files,
        List<String> damage) {

    /** Metadata of a dump in which no damage was found. */
    public DumpMetadata(String format, String producer, String compression, int headerVersion, int dumpLevel, int pageSize,
            int nrCpus, long timestampSeconds, String sysname, String nodename, String release, String version, String machine,
            String domainname, boolean incomplete, boolean truncated, List<java.nio.file.Path> files) {
        this(format, producer, compression, headerVersion, dumpLevel, pageSize, nrCpus, timestampSeconds, sysname, nodename,
                release, version, machine, domainname, incomplete, truncated, files, List.of());
    }

    /** Some answers may be missing or wrong: incomplete, truncated, or damaged (exit code 4). */
    public boolean partial() {
        return incomplete || truncated || !damage.isEmpty();
    }
}
