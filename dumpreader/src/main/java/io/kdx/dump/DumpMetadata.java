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
        List<java.nio.file.Path> files) {}
