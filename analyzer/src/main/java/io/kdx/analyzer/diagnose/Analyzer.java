package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.sys.Sys;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kdx analyze}: reads the log, mounts, tasks, stacks and audit state of a dump and puts
 * together what an analyst would: frozen filesystems and who waits for them (proven from the
 * super_block's own wait queues), the audit backlog, hung tasks in general, a panic. Each claim
 * carries its evidence; what could not be read is listed, never filled in.
 *
 * <p>Each diagnosis is a {@link Diagnostic} of its own (see there for adding one); this class reads
 * what they share ({@link AnalysisContext}), runs them in order and sorts their findings by rank.
 */
public final class Analyzer {
    /**
     * The diagnoses, in the order they run: a diagnosis that consults another's findings comes after
     * it (audit after frozen filesystems; hung tasks after both, which attach proven chains).
     */
    static final List<Diagnostic> DIAGNOSTICS = List.of(new FrozenFilesystemDiagnostic(), new AuditBacklogDiagnostic(),
            new HungTasksDiagnostic(), new PanicDiagnostic(), new LockDiagnostic(), new LockupDiagnostic(), new OomDiagnostic());

    private Analyzer() {}

    public static Diagnosis analyze(Kernel k) {
        return analyze(k, null);
    }

    /**
     * With a kernel log from elsewhere in place of the dump's ring (a console or netconsole capture
     * of a dump whose ring was overwritten; tests give a report the guest could not produce, such as a
     * hard lockup under QEMU without a PMU); null reads the dump's own.
     */
    public static Diagnosis analyze(Kernel k, io.kdx.analyzer.log.KernelLog log) {
        long t0 = System.nanoTime();
        AnalysisContext c = new AnalysisContext(k, log);
        List<Ranked> ranked = new ArrayList<>();
        for (Diagnostic d : DIAGNOSTICS) {
            List<? extends Finding> fs = d.examine(c);
            c.add(fs);
            for (Finding f : fs) ranked.add(new Ranked(d.rank(), ranked.size(), f));
        }
        // a plain lambda, not Comparator.comparing*: that one is serializable, spun at run time (outside the AOT cache)
        ranked.sort((a, b) -> a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank()) : Integer.compare(a.order(), b.order()));
        List<Finding> findings = new ArrayList<>();
        for (Ranked r : ranked) findings.add(r.finding());
        AuditState audit = c.audit();
        String verdict = Verdict.of(findings, audit, c.notAnalyzed(), k.dump().metadata().damage());
        return new Diagnosis(verdict, findings, audit, c.tasks().size(), c.dState().size(), k.release(),
                k.dump().path().toString(), Unreadable.texts(c.unreadable()), (System.nanoTime() - t0) / 1e9, c.notAnalyzed(),
                List.copyOf(c.unreadable()));
    }

    private record Ranked(int rank, int order, Finding finding) {}

    /** What the dump's own header says it lacks. */
    static void describeDump(Kernel k, List<Unreadable> unreadable) {
        var md = k.dump().metadata();
        if (md.dumpLevel() > 0) {
            List<String> what = new ArrayList<>();
            int d = md.dumpLevel();
            if ((d & 1) != 0) what.add("zero pages");
            if ((d & 2) != 0) what.add("non-private page cache");
            if ((d & 4) != 0) what.add("private page cache");
            if ((d & 8) != 0) what.add("user-space pages");
            if ((d & 16) != 0) what.add("free pages");
            unreadable.add(Unreadable.of(Unreadable.DUMP, null, "the dump is filtered (makedumpfile -d " + d + "): "
                    + String.join(", ", what) + " are not in it"));
        }
        try { // RAM the kernel has (node_present_pages) against the pages the dump holds
            long ram = Sys.presentPages(k), held = k.dump().presentPages();
            if (held > 0 && held < ram) {
                unreadable.add(Unreadable.of(Unreadable.DUMP, null, Fmt.format("the dump holds %d of the %d pages of RAM (%.0f%%);"
                        + " objects on the other %d cannot be read", held, ram, 100.0 * held / ram, ram - held)));
            }
        } catch (MemoryFault f) {
            unreadable.add(Unreadable.of(Unreadable.DUMP, "node_present_pages", f, "the amount of RAM is unknown (node_present_pages unreadable): " + f.getMessage()));
        } catch (MissingTypeException e) {
            unreadable.add(Unreadable.of(Unreadable.DUMP, "node_present_pages", "the amount of RAM is unknown (node_present_pages unreadable): " + e.getMessage()));
        }
        for (String s : dumpState(md)) unreadable.add(Unreadable.of(Unreadable.DUMP, null, s));
    }

    /**
     * What the dump itself says is missing, one sentence each: marked incomplete, truncated, damaged.
     * Every command that reads kernel objects opens with these notes, so an exit code 4 is always explained.
     */
    public static List<String> dumpState(io.kdx.dump.DumpMetadata md) {
        List<String> out = new java.util.ArrayList<>();
        if (md.incomplete()) out.add("the dump is marked incomplete by its writer: some pages are missing");
        if (md.truncated()) out.add("the dump file is truncated: pages past its end are missing");
        out.addAll(md.damage());
        return out;
    }
}
