package io.kdx.analyzer.sys;

import io.kdx.analyzer.kernel.Unreadable;
import java.util.List;
import java.util.Map;

/**
 * What crash's {@code sys} shows, read from the dumped kernel. Numbers that could not be read are
 * -1 (strings null), each named in {@code unknown} with the reason, and every gap is a record in
 * {@code unreadable} (issue #12: the records are built where the read failed, from its fault).
 *
 * @param kernel        the vmlinux or symbol pack used
 * @param dumpfile      the dump file(s)
 * @param partial       the dump was filtered (makedumpfile -d) or is incomplete
 * @param cpus          present CPUs (weight of __cpu_present_mask), else the kernel's CPU count
 * @param cpusOffline   of those, the ones not online (panic() stops the others); -1 when unknown
 * @param dateSeconds   the kernel's wall clock at dump time: timekeeper.xtime_sec
 * @param uptimeSeconds boot time elapsed: monotonic (xtime + wall_to_monotonic) + offs_boot
 * @param loadAverage   avenrun[0..2] converted as /proc/loadavg does (rounded to 1/100)
 * @param tasks         every task, threads and the idle task of each CPU included (what was found,
 *                      when the task list could not be read in full: then {@code unknown} has {@code tasks})
 * @param memoryBytes   RAM present: the nodes' node_present_pages * page size (crash's MEMORY)
 * @param cpuMhz        cpu_khz / 1000, or -1
 * @param panic         the panic or oops message from the kernel log, "" when there was none, null
 *                      when the log could not be read in full and holds none
 * @param unknown       JSON field ({@code date_seconds}, {@code load_average}, {@code tasks} …) → why it is unknown
 * @param unreadable    what could not be read, as typed records
 */
public record SysInfo(
        String kernel,
        String dumpfile,
        boolean partial,
        int cpus,
        int cpusOffline,
        long dateSeconds,
        long uptimeSeconds,
        double[] loadAverage,
        int tasks,
        String nodename,
        String release,
        String version,
        String machine,
        long memoryBytes,
        long cpuMhz,
        String panic,
        Map<String, String> unknown,
        List<Unreadable> unreadable) {

    /** The sentences of {@link #unreadable()}: what the text output prints on stderr and JSON's {@code problems}. */
    public List<String> problems() {
        return Unreadable.texts(unreadable);
    }

    /** The same values with KERNEL and UPTIME as given (crash's front names the namelist and counts ticks). */
    public SysInfo withKernelAndUptime(String newKernel, long newUptime) {
        return new SysInfo(newKernel, dumpfile, partial, cpus, cpusOffline, dateSeconds, newUptime, loadAverage, tasks, nodename,
                release, version, machine, memoryBytes, cpuMhz, panic, unknown, unreadable);
    }
}
