package io.kdx.analyzer.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdx.analyzer.testkit.FakeKernel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 3.5 to 5.9 record buffer (struct printk_log, 16-byte header) and the plain pre-3.5 buffer. */
class RecordBufferTest {
    FakeKernel k = new FakeKernel();

    int put(long buf, int idx, long ts, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        int len = (16 + t.length + 7) & ~7;
        k.putU64(buf + idx, ts);
        k.putU16(buf + idx + 8, len);
        k.putU16(buf + idx + 10, t.length);
        k.putU8(buf + idx + 15, 6 << 5);
        k.putBytes(buf + idx + 16, t);
        return idx + len;
    }

    @Test
    void walksFromFirstToNextAndFollowsTheWrapMarker() {
        k.types.struct("printk_log", 16).member("ts_nsec", 0, 8).member("len", 8, 2).member("text_len", 10, 2)
                .member("dict_len", 12, 2).member("facility", 14, 1).bits("flags", 15, 0, 5).bits("level", 15, 5, 3);
        long buf = k.alloc(128);
        k.putU64(k.allocSymbol("log_buf", 8), buf);
        k.putU32(k.allocSymbol("log_buf_len", 4), 128);
        int second = put(buf, 0, 3_000_000_000L, "after wrap");
        int first = 80;
        put(buf, first, 2_000_000_000L, "before wrap"); // 16 + 11 -> 32 bytes: 80..112, then a len 0 marker at 112
        k.putU32(k.allocSymbol("log_first_idx", 4), first);
        k.putU32(k.allocSymbol("log_next_idx", 4), second);
        KernelLog log = KernelLogs.read(k);
        assertEquals("record buffer", log.layout());
        assertEquals(List.of("before wrap", "after wrap"), log.records().stream().map(LogRecord::message).toList());
        assertEquals(6, log.records().get(0).level());
        assertEquals("[    2.000000] before wrap", DmesgFormat.line(log.records().get(0)));
    }

    @Test
    void plainBufferIsSplitIntoLinesInWriteOrder() {
        long buf = k.alloc(16);
        k.putU64(k.allocSymbol("log_buf", 8), buf);
        k.putU32(k.allocSymbol("log_buf_len", 4), 16);
        k.putU32(k.allocSymbol("logged_chars", 4), 16);
        // 20 chars written into a 16-byte ring: "0123\nabcd\nefgh\nij" minus the first 4 survive
        String all = "xxx\nabcd\nefgh\nij\n";
        for (int i = 0; i < all.length(); i++) k.putU8(buf + (i & 15), all.charAt(i));
        k.putU32(k.allocSymbol("log_end", 4), all.length());
        KernelLog log = KernelLogs.read(k);
        assertEquals("plain buffer", log.layout());
        assertEquals(List.of("\nabcd", "efgh", "ij").subList(1, 3),
                log.records().stream().map(LogRecord::message).toList().subList(2, 4));
    }
}
