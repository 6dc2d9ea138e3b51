package io.kdx.analyzer.log;

import io.kdx.analyzer.text.Fmt;
/**
 * Formats records the way makedumpfile --dump-dmesg (1.7.x) and dmesg print them:
 * "[%5lu.%06lu] " then the text; an embedded newline continues on a new line indented to the
 * text column; other control and non-ASCII bytes as \xNN. makedumpfile passes a signed char to
 * "%02x", so a byte from 0x80 up prints sign-extended (\xffffffc3): kept, to compare equal.
 */
public final class DmesgFormat {
    private DmesgFormat() {}

    public static String prefix(LogRecord r) {
        if (r.tsNsec() < 0) return "";
        long secs = Long.divideUnsigned(r.tsNsec(), 1_000_000_000L);
        long nanos = Long.remainderUnsigned(r.tsNsec(), 1_000_000_000L);
        return Fmt.format("[%5d.%06d] ", secs, nanos / 1000);
    }

    /** One record as makedumpfile writes it, without the final newline. */
    public static String line(LogRecord r) {
        String prefix = prefix(r);
        StringBuilder sb = new StringBuilder(prefix.length() + r.text().length + 8).append(prefix);
        for (byte x : r.text()) {
            int c = x & 0xff;
            if (c == '\n') {
                sb.append('\n');
                sb.repeat(' ', prefix.length());
            } else if ((c >= 0x20 && c < 0x7f) || c == ' ' || (c >= '\t' && c <= '\r')) {
                sb.append((char) c);
            } else if (c >= 0x80) {
                sb.append(Fmt.format("\\xffffff%02x", c));
            } else {
                sb.append(Fmt.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }

    /** For people: the text decoded as UTF-8, continuation lines indented. */
    public static String readable(LogRecord r) {
        String prefix = prefix(r);
        return prefix + r.message().replace("\n", "\n" + " ".repeat(prefix.length()));
    }
}
