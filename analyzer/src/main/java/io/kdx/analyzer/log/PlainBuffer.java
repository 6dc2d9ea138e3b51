package io.kdx.analyzer.log;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plain character ring of kernels before 3.5: log_buf of log_buf_len bytes (a power of two),
 * log_end the running write count, logged_chars how many are still held. Records carry no metadata
 * (printk_time puts "[ secs.usecs]" into the text itself), so each line becomes one record.
 */
final class PlainBuffer {
    private PlainBuffer() {}

    static boolean present(Kernel k) {
        LogLayout l = new LogLayout(k);
        return l.symbol("log_buf") != 0 && l.symbol("log_end") != 0;
    }

    static KernelLog read(Kernel k) {
        LogLayout l = new LogLayout(k);
        List<Unreadable> problems = new ArrayList<>();
        List<LogRecord> out = new ArrayList<>();
        long buf = k.readPointer(l.symbol("log_buf"));
        int len = k.readU32(l.symbol("log_buf_len"));
        long end = k.readU32(l.symbol("log_end")) & 0xffffffffL;
        long logged = l.symbol("logged_chars") != 0 ? k.readU32(l.symbol("logged_chars")) & 0xffffffffL : Math.min(end, len);
        if (len <= 0 || (len & (len - 1)) != 0 || len > (1 << 30)) {
            problems.add(Unreadable.of(Unreadable.LOG, "log_buf", Fmt.format("log_buf at 0x%x: implausible log_buf_len %d", buf, len)));
            return new KernelLog("plain buffer", out, problems);
        }
        byte[] b = LocklessRing.readArray(k, buf, len, "log_buf", problems, null);
        if (b == null) return new KernelLog("plain buffer", out, problems);
        long n = Math.min(logged, Math.min(end, len));
        byte[] text = new byte[(int) n];
        for (long i = 0; i < n; i++) text[(int) i] = b[(int) ((end - n + i) & (len - 1))];
        int from = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '\n') {
                if (i > from || i < text.length) out.add(new LogRecord(-1, -1, -1, -1, Arrays.copyOfRange(text, from, i)));
                from = i + 1;
            }
        }
        return new KernelLog("plain buffer", out, problems);
    }
}
