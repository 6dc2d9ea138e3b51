package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.dump.Dump;
import io.kdx.dump.DumpMetadata;
import io.kdx.dump.PageCounts;
import io.kdx.dump.VmcoreInfo;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine.Command;

/** {@code kdx info}: what the dump file says of itself, and how its pages are accounted for. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Describe a dump: format, compression, header version, dump level, page size, memory size, "
                + "present/excluded/zero/lost page counts, CPUs, uname strings, crash time, VMCOREINFO keys, "
                + "and whether the dump is incomplete or truncated (exit code 4 when it is).",
                "JSON keys: format, producer, compression, header_version, dump_level, page_size, max_pfn, memory_bytes, "
                        + "present_pages, zero_pages, excluded_pages, lost_pages, cpus, prstatus_notes, qemu_notes, sysname, "
                        + "nodename, release, build_id, identity_from, version, machine, timestamp, crash_time, vmcoreinfo_keys, incomplete, truncated, damage, files."})
public final class InfoCommand extends DumpCommand {

    @Override
    protected int run(Dump dump) throws Exception {
        DumpMetadata md = dump.metadata();
        PageCounts pc = dump.pageCounts();
        long present = pc.readable();
        long ram = dump.maxPfn() - pc.notInDump();
        VmcoreInfo vi = dump.vmcoreinfo();
        OptionalLong crash = vi.crashTime();
        String release = md.release() != null ? md.release() : vi.osRelease();
        String buildId = vi.buildId(), identityFrom = null;
        if (release == null || release.isBlank() || buildId == null || buildId.isBlank()) {
            // A triage service picks debuginfo by these: read them from the kernel image itself
            // (linux_banner and the build-id note), found through kallsyms.
            try (io.kdx.symbols.KernelSymbols own = io.kdx.analyzer.kernel.DumpIdentity.fromDump(dump)) {
                if (release == null || release.isBlank()) {
                    release = own.release();
                    identityFrom = "the kernel's linux_banner in memory";
                }
                if ((buildId == null || buildId.isBlank()) && own.buildId() != null) {
                    buildId = own.buildId();
                    identityFrom = identityFrom == null ? "the kernel image's build-id note in memory" : identityFrom + " and build-id note";
                }
            } catch (io.kdx.symbols.SymbolsException | RuntimeException e) {
                identityFrom = "unknown: " + e.getMessage();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", md.format());
        m.put("producer", md.producer());
        m.put("compression", md.compression());
        m.put("header_version", md.headerVersion());
        m.put("dump_level", md.dumpLevel());
        m.put("page_size", dump.pageSize());
        m.put("max_pfn", dump.maxPfn());
        m.put("memory_bytes", ram * dump.pageSize());
        m.put("present_pages", present);
        m.put("zero_pages", pc.zero());
        m.put("excluded_pages", pc.excluded());
        m.put("lost_pages", pc.lost());
        m.put("cpus", md.nrCpus());
        m.put("prstatus_notes", dump.prstatus().size());
        m.put("qemu_notes", dump.qemuCpuStates().size());
        m.put("sysname", md.sysname());
        m.put("nodename", md.nodename());
        m.put("release", release);
        m.put("build_id", buildId);
        m.put("identity_from", identityFrom);
        m.put("version", md.version());
        m.put("machine", md.machine());
        m.put("timestamp", md.timestampSeconds() > 0 ? Instant.ofEpochSecond(md.timestampSeconds()).toString() : null);
        m.put("crash_time", crash.isPresent() ? Instant.ofEpochSecond(crash.getAsLong()).toString() : null);
        m.put("vmcoreinfo_keys", new ArrayList<>(vi.entries().keySet()));
        m.put("incomplete", md.incomplete());
        m.put("truncated", md.truncated());
        m.put("damage", md.damage());
        List<String> files = new ArrayList<>();
        for (var f : md.files()) files.add(f.toString());
        m.put("files", files);
        PrintStream out = out();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(m));
            return ExitCodes.OK;
        }
        out.print(Fmt.format("file:           %s%n", String.join(" ", files)));
        out.print(Fmt.format("format:         %s%s%n", md.format(), md.producer() == null ? "" : " (written by " + md.producer() + ")"));
        out.print(Fmt.format("compression:    %s%n", md.compression()));
        if (md.headerVersion() >= 0) out.print(Fmt.format("header version: %d%n", md.headerVersion()));
        if (md.dumpLevel() >= 0) out.print(Fmt.format("dump level:     %d%n", md.dumpLevel()));
        out.print(Fmt.format("page size:      %d%n", dump.pageSize()));
        out.print(Fmt.format("memory:         %s (%d pages of RAM, max pfn %d)%n", human(ram * dump.pageSize()), ram, dump.maxPfn()));
        out.print(Fmt.format("pages:          %d present (%d of them zero), %d excluded, %d lost%n", present,
                pc.zero(), pc.excluded(), pc.lost()));
        out.print(Fmt.format("cpus:           %d (%d NT_PRSTATUS notes%s)%n", md.nrCpus(), dump.prstatus().size(),
                dump.qemuCpuStates().isEmpty() ? "" : ", " + dump.qemuCpuStates().size() + " QEMU notes"));
        line(out, "sysname", md.sysname());
        line(out, "nodename", md.nodename());
        line(out, "release", release);
        line(out, "build-id", buildId);
        line(out, "identity", identityFrom);
        line(out, "version", md.version());
        line(out, "machine", md.machine());
        line(out, "dump time", (String) m.get("timestamp"));
        line(out, "crash time", (String) m.get("crash_time"));
        out.print(Fmt.format("vmcoreinfo:     %s%n", vi.isEmpty() ? "none in the dump" : vi.entries().size() + " keys: " + String.join(" ", vi.entries().keySet())));
        out.print(Fmt.format("incomplete:     %s%n", md.incomplete() ? "yes (the writer marked the dump incomplete)" : "no"));
        out.print(Fmt.format("truncated:      %s%n", md.truncated() ? "yes (the file ends before data its headers describe)" : "no"));
        for (String d : md.damage()) out.print(Fmt.format("damaged:        %s%n", d));
        return ExitCodes.OK;
    }

    private static void line(PrintStream out, String key, String value) {
        if (value != null && !value.isEmpty()) out.print(Fmt.format("%-15s %s%n", key + ":", value));
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return Fmt.format("%.1f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return Fmt.format("%.1f MiB", bytes / (double) (1L << 20));
        return bytes + " bytes";
    }
}
