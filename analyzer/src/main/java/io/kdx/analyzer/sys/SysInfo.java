package io.kdx.analyzer.sys;

import java.util.List;

/**
 * What crash's {@code sys} shows, read from the dumped kernel. Numbers that could not be read are
 * -1 (strings null) and named in {@code problems}.
 *
 * @param kernel        the vmlinux or symbol pack used
 * @param dumpfile      the dump file(s)
 * @param partial       the dump was filtered (makedumpfile -d) or is incomplete
 * @param cpus          present CPUs (weight of __cpu_present_mask), else the kernel's CPU count
 * @param cpusOffline   of those, the ones not online (panic() stops the others)
 * @param dateSeconds   the kernel's wall clock at dump time: timekeeper.xtime_sec
 * @param uptimeSeconds boot time elapsed: monotonic (xtime + wall_to_monotonic) + offs_boot
 * @param loadAverage   avenrun[0..2] converted as /proc/loadavg does (rounded to 1/100)
 * @param tasks         every task, threads and the idle task of each CPU included
 * @param memoryBytes   RAM present: the nodes' node_present_pages * page size (crash's MEMORY)
 * @param cpuMhz        cpu_khz / 1000, or -1
 * @param panic         the panic or oops message from the kernel log, "" when there was none
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
        List<String> problems) {}
