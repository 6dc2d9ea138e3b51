package io.kdx.analyzer.crash;

/** crash's column helpers: its mkstring() justifications (CENTER puts the odd space on the right). */
final class CrashText {
    private CrashText() {}

    static String center(String s, int width) {
        int extra = width - s.length();
        if (extra <= 0) return s;
        int left = extra / 2, right = extra - left;
        return " ".repeat(left) + s + " ".repeat(right);
    }

    static String ljust(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    static String rjust(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** A number as crash reads one: hex with 0x, or bare hex of 16 digits (an address), else decimal. */
    static Long number(String s) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseUnsignedLong(s.substring(2), 16);
            if (s.length() >= 9 && s.matches("[0-9a-fA-F]+") && !s.matches("\\d+")) return Long.parseUnsignedLong(s, 16);
            if (s.length() == 16 && s.matches("[0-9a-fA-F]+")) return Long.parseUnsignedLong(s, 16);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
