package io.kdx.analyzer.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** makedumpfile 1.7.2's --dump-dmesg line form (printk.c dump_record). */
class DmesgFormatTest {
    static LogRecord rec(long ts, byte... text) {
        return new LogRecord(0, ts, 6, 0, text);
    }

    @Test
    void timestampIsSecondsAndMicrosecondsWithFiveWideSeconds() {
        assertEquals("[    0.000000] a", DmesgFormat.line(rec(0, (byte) 'a')));
        assertEquals("[12345.000999] a", DmesgFormat.line(rec(12_345_000_999_999L, (byte) 'a')));
        assertEquals("[123456.000001] a", DmesgFormat.line(rec(123_456_000_001_000L, (byte) 'a')));
    }

    @Test
    void embeddedNewlineIndentsToTheTextColumnAndOtherBytesAreEscaped() {
        assertEquals("[    1.000000] a\n               b", DmesgFormat.line(rec(1_000_000_000L, (byte) 'a', (byte) '\n', (byte) 'b')));
        assertEquals("[    0.000000] \\x01\tx", DmesgFormat.line(rec(0, (byte) 1, (byte) '\t', (byte) 'x')));
        // a signed char through "%02x": 0xc3 prints as ffffffc3
        assertEquals("[    0.000000] \\xffffffc3", DmesgFormat.line(rec(0, (byte) 0xc3)));
    }
}
