package io.kdx.dump.cache;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class PageCacheTest {
    static byte[] page(long pfn) {
        byte[] b = new byte[512];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (pfn * 31 + i);
        return b;
    }

    @Test
    void hitsReturnTheStoredBytesAndAreCounted() {
        try (Arena a = Arena.ofConfined()) {
            PageCache c = new PageCache(a, 512, 64);
            MemorySegment dst = a.allocate(512);
            assertFalse(c.get(7, dst));
            c.put(7, page(7));
            assertTrue(c.get(7, dst));
            assertArrayEquals(page(7), dst.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1, c.stats().hits());
            assertEquals(1, c.stats().misses());
            assertEquals(64, c.stats().capacityPages());
        }
    }

    @Test
    void aScanDoesNotFlushTheHotPages() {
        try (Arena a = Arena.ofConfined()) {
            PageCache c = new PageCache(a, 512, 256);
            MemorySegment dst = a.allocate(512);
            long[] hot = new long[64];
            for (int i = 0; i < hot.length; i++) hot[i] = 1_000_000L + i * 7919L;
            for (long p : hot) c.put(p, page(p));
            for (int round = 0; round < 3; round++) for (long p : hot) assertTrue(c.get(p, dst)); // now hot
            for (long p = 0; p < 100_000; p++) { // a sequential scan, each page read once
                if (!c.get(p, dst)) c.put(p, page(p));
            }
            int kept = 0;
            for (long p : hot) {
                if (c.get(p, dst)) {
                    kept++;
                    assertArrayEquals(page(p), dst.toArray(ValueLayout.JAVA_BYTE));
                }
            }
            assertTrue(kept >= hot.length * 3 / 4, "only " + kept + " of " + hot.length + " hot pages survived the scan");
        }
    }

    @Test
    void onePageAndZeroPageCaches() {
        try (Arena a = Arena.ofConfined()) {
            PageCache one = new PageCache(a, 512, 1);
            MemorySegment dst = a.allocate(512);
            one.put(1, page(1));
            one.put(2, page(2));
            assertTrue(one.get(2, dst));
            assertArrayEquals(page(2), dst.toArray(ValueLayout.JAVA_BYTE));
            assertFalse(one.get(1, dst));
            PageCache none = new PageCache(a, 512, 0);
            none.put(1, page(1));
            assertFalse(none.get(1, dst));
            assertEquals(0, none.capacity());
        }
    }
}
