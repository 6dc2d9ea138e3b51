package io.kdx.analyzer.log;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The structured log buffer of Linux 3.5 to 5.9: variable-length records {@code struct printk_log}
 * (named {@code struct log} before 3.11) packed in log_buf from log_first_idx to log_next_idx; the
 * text follows the header, a record with len 0 marks the wrap back to the buffer's start.
 */
final class RecordBuffer {
    private RecordBuffer() {}

    static boolean present(Kernel k) {
        LogLayout l = new LogLayout(k);
        return l.symbol("log_first_idx") != 0 && l.symbol("log_next_idx") != 0 && l.symbol("log_buf") != 0;
    }

    static KernelLog read(Kernel k) {
        LogLayout l = new LogLayout(k);
        List<Unreadable> problems = new ArrayList<>();
        List<LogRecord> out = new ArrayList<>();
        String struct = k.hasMember("printk_log", "ts_nsec") || l.has("printk_log", "ts_nsec") ? "printk_log" : "log";

        long buf = k.readPointer(l.symbol("log_buf"));
        int bufLen = k.readU32(l.symbol("log_buf_len"));
        int first = k.readU32(l.symbol("log_first_idx"));
        int next = k.readU32(l.symbol("log_next_idx"));
        long firstSeq = l.symbol("log_first_seq") != 0 ? k.readU64(l.symbol("log_first_seq")) : 0;
        if (bufLen <= 0 || bufLen > (1 << 30) || Integer.compareUnsigned(first, bufLen) >= 0
                || Integer.compareUnsigned(next, bufLen) > 0) {
            problems.add(Unreadable.of(Unreadable.LOG, "log_buf", Fmt.format("log_buf at 0x%x: implausible log_buf_len %d, log_first_idx %d, log_next_idx %d",
                    buf, bufLen, first, next)));
            return new KernelLog("record buffer", out, problems);
        }
        byte[] b = LocklessRing.readArray(k, buf, bufLen, "log_buf", problems, null);
        if (b == null) return new KernelLog("record buffer", out, problems);

        long hdr = l.size(struct);
        long tsOff = l.offset(struct, "ts_nsec");
        long lenOff = l.offset(struct, "len");
        long textLenOff = l.offset(struct, "text_len");
        long facOff = l.has(struct, "facility") ? l.offset(struct, "facility") : -1;
        int[] level = l.bits(struct, "level");

        int idx = first;
        long seq = firstSeq;
        for (int n = 0; n < bufLen / 8 + 2 && idx != next; n++) {
            if (idx + hdr > bufLen) { idx = 0; continue; }
            int len = Bytes.u16(b, idx + lenOff);
            if (len == 0) { // wrap marker
                if (idx == 0) break; // an empty record at the start: nothing more
                idx = 0;
                continue;
            }
            int textLen = Bytes.u16(b, idx + textLenOff);
            int start = (int) (idx + hdr);
            int end = (int) Math.min(bufLen, start + (long) textLen);
            out.add(new LogRecord(seq++, Bytes.u64(b, idx + tsOff),
                    level == null ? -1 : Bytes.bits(b, idx, level),
                    facOff < 0 ? -1 : Bytes.u8(b, idx + facOff), Arrays.copyOfRange(b, start, end)));
            if (idx + (long) len > bufLen) {
                problems.add(Unreadable.of(Unreadable.LOG, "log_buf", Fmt.format("log_buf record at index %d runs past the buffer's end: stopped", idx)));
                break;
            }
            idx += len;
        }
        return new KernelLog("record buffer", out, problems);
    }
}
