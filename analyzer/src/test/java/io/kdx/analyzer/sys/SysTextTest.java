package io.kdx.analyzer.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** crash's forms of the sys values. */
class SysTextTest {
    @Test
    void uptimeDateAndMemoryAsCrashPrintsThem() {
        assertEquals("00:00:15", SysText.uptime(15));
        assertEquals("1 day, 01:01:01", SysText.uptime(86400 + 3661));
        assertEquals("3 days, 00:00:00", SysText.uptime(3 * 86400));
        assertEquals("Tue Nov 24 16:00:25 UTC 2026", SysText.date(1795536025L));
        assertEquals("Wed Nov  4 00:00:00 UTC 2026", SysText.date(1793750400L));
        assertEquals("255.5 MB", SysText.memory(65400L * 4096));
        assertEquals("256 MB", SysText.memory(256L << 20));
        assertEquals("4 GB", SysText.memory(4L << 30));
        assertEquals("15.9 GB", SysText.memory(17_070_000_000L));
    }
}
