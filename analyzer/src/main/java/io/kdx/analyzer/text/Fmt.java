package io.kdx.analyzer.text;

import java.util.Locale;

/**
 * kdx's printf: {@link String#format} with no locale. kdx prints what a kernel or crash prints (ASCII
 * digits, '.' as the decimal point) whatever the user's locale, so that parsers of its text keep working
 * and a German locale does not print a load average as "0,52". With a null locale the JDK's Formatter
 * also never loads the locale providers' DecimalFormatSymbols (Formatter.getZero, JDK 17 to 25), about
 * 8 ms of the first %d in a process: a large share of a 0.13 s `kdx analyze` (issue #13).
 */
public final class Fmt {
    private Fmt() {}

    public static String format(String format, Object... args) {
        return String.format((Locale) null, format, args);
    }
}
