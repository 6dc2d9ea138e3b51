package io.kdx.analyzer.crash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * crash's command line (crash 8.x main.c's getopt_long table, read for the option names only):
 * the namelist (vmlinux) and the dump in either order, {@code -s}, {@code -i FILE}, the one-shot
 * queries {@code --osrelease DUMP} and {@code --build-id DUMP}, and every other option crash knows
 * accepted and, when kdx has no use for it, noted once and ignored. An option crash does not know
 * is a usage error, as it is for crash. Several dump files are the parts of a split dump
 * (makedumpfile --split), as crash takes them.
 */
record CrashOptions(Path vmlinux, List<Path> dumps, boolean silent, Path inputFile, Query query, Path queryDump,
        boolean minimal, boolean zeroExcluded, boolean version, boolean help, List<String> ignored) {

    enum Query { NONE, OSRELEASE, BUILD_ID }

    /** The (first) dump file, or null. */
    Path dump() {
        return dumps.isEmpty() ? null : dumps.getFirst();
    }

    /** crash's short options that take an argument (getopt "e:i:c:d:p:m:o:", h's is optional). */
    private static final String SHORT_WITH_ARG = "eicdpmo";
    private static final String SHORT_FLAGS = "LkgsSvtfxh";
    private static final Set<String> LONG_WITH_ARG = Set.of("memory_module", "memory_device", "machdep", "cpus",
            "max-malloc-bufs", "p2m_mfn", "xen_phys_start", "reloc", "kaslr", "mod", "kvmhost", "kvmio", "osrelease",
            "log", "build-id", "hash", "offline", "src");
    private static final Set<String> LONG_FLAGS = Set.of("no_kallsyms", "no_modules", "help", "no_data_debug",
            "no_crashrc", "no_kmem_cache", "kmem_cache_delay", "readnow", "smp", "version", "buildinfo", "no_ikconfig",
            "hyper", "zero_excluded", "no_panic", "more", "less", "CRASHPAGER", "no_scroll", "active", "minimal",
            "no_elf_notes", "hex", "dec", "no_strip");

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    static CrashOptions parse(List<String> args) throws UsageException {
        Path vmlinux = null, input = null, queryDump = null;
        List<Path> dumps = new ArrayList<>();
        boolean silent = false, minimal = false, zero = false, version = false, help = false;
        Query query = Query.NONE;
        List<String> ignored = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                files.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2), value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (LONG_WITH_ARG.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.size()) throw new UsageException("option --" + name + " requires an argument");
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "osrelease" -> { query = Query.OSRELEASE; queryDump = Path.of(value); }
                        case "build-id" -> { query = Query.BUILD_ID; queryDump = Path.of(value); }
                        case "kaslr" -> ignored.add("--kaslr " + value + " (kdx finds the KASLR offset from the dump)");
                        default -> ignored.add("--" + name + " " + value);
                    }
                } else if (LONG_FLAGS.contains(name)) {
                    switch (name) {
                        case "minimal" -> minimal = true;
                        case "zero_excluded" -> zero = true;
                        case "version" -> version = true;
                        case "help" -> help = true;
                        case "no_modules" -> ignored.add("--no_modules (kdx reads module symbols from the dump itself)");
                        default -> ignored.add("--" + name);
                    }
                } else {
                    throw new UsageException("unrecognized option '" + a + "'");
                }
                continue;
            }
            if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    char c = a.charAt(j);
                    if (SHORT_WITH_ARG.indexOf(c) >= 0) {
                        String value = j + 1 < a.length() ? a.substring(j + 1) : null;
                        if (value == null) {
                            if (i + 1 >= args.size()) throw new UsageException("option requires an argument -- '" + c + "'");
                            value = args.get(++i);
                        }
                        if (c == 'i') input = Path.of(value);
                        else ignored.add("-" + c + " " + value);
                        break;
                    } else if (SHORT_FLAGS.indexOf(c) >= 0) {
                        switch (c) {
                            case 's' -> silent = true;
                            case 'v' -> version = true;
                            case 'h' -> help = true;
                            default -> ignored.add("-" + c);
                        }
                    } else {
                        throw new UsageException("invalid option -- '" + c + "'");
                    }
                }
                continue;
            }
            files.add(a);
        }
        for (String f : files) {
            Path p = Path.of(f);
            switch (kind(p)) {
                case NAMELIST -> {
                    if (vmlinux != null) throw new UsageException(f + ": a second namelist (already " + vmlinux + ")");
                    vmlinux = p;
                }
                case SYSTEM_MAP -> ignored.add(f + " (a System.map: kdx takes symbols from the vmlinux or the dump)");
                case DUMP -> dumps.add(p);
            }
        }
        return new CrashOptions(vmlinux, List.copyOf(dumps), silent, input, query, queryDump, minimal, zero, version, help,
                List.copyOf(ignored));
    }

    enum FileKind { NAMELIST, SYSTEM_MAP, DUMP }

    /**
     * What a file named on the command line is, by its first bytes: an ELF executable (ET_EXEC,
     * ET_DYN) or a kdx symbol pack is the namelist, an ELF core and anything else the dump (which
     * opening then checks). A file that cannot be read is taken as the dump, so that its error
     * names it.
     */
    static FileKind kind(Path p) {
        if (p.getFileName() != null && p.getFileName().toString().endsWith(".kdxsym")) return FileKind.NAMELIST;
        if (Files.isDirectory(p)) return FileKind.NAMELIST; // a directory of symbols, as -s takes
        byte[] h = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(h, 0, h.length);
        } catch (IOException e) {
            return FileKind.DUMP;
        }
        if (n >= 18 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F') {
            int type = h[5] == 2 ? ((h[16] & 0xff) << 8 | (h[17] & 0xff)) : ((h[17] & 0xff) << 8 | (h[16] & 0xff));
            return type == 4 ? FileKind.DUMP : FileKind.NAMELIST;
        }
        String start = new String(h, 0, Math.max(0, n), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (start.matches("(?s)[0-9a-f]{16} [A-Za-z] \\S.*")) return FileKind.SYSTEM_MAP;
        return FileKind.DUMP;
    }
}
