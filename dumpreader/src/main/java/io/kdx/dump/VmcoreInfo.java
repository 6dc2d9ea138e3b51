package io.kdx.dump;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The kernel's VMCOREINFO note: {@code KEY=value} lines (kernel/crash_core.c). Numbers under
 * SYMBOL(), OFFSET(), SIZE(), LENGTH() and the keys KERNELOFFSET and phys_base are hex without 0x
 * for SYMBOL/KERNELOFFSET/ADDRESS and decimal for the rest, as the kernel prints them.
 */
public final class VmcoreInfo {
    public static final VmcoreInfo EMPTY = new VmcoreInfo(Map.of(), "");

    private final Map<String, String> entries;
    private final String text;

    private VmcoreInfo(Map<String, String> entries, String text) {
        this.entries = entries;
        this.text = text;
    }

    public static VmcoreInfo parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return new VmcoreInfo(Collections.unmodifiableMap(m), text);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Map<String, String> entries() {
        return entries;
    }

    public String text() {
        return text;
    }

    public String get(String key) {
        return entries.get(key);
    }

    public String osRelease() {
        return entries.get("OSRELEASE");
    }

    public String buildId() {
        return entries.get("BUILD-ID");
    }

    /** PAGESIZE, or 0 when absent or not a number (a damaged note must not stop the reader). */
    public int pageSize() {
        OptionalLong v = dec("PAGESIZE");
        return v.isPresent() && v.getAsLong() > 0 && v.getAsLong() <= Integer.MAX_VALUE ? (int) v.getAsLong() : 0;
    }

    /** KERNELOFFSET: the KASLR shift of the kernel text (hex). */
    public OptionalLong kernelOffset() {
        return hex("KERNELOFFSET");
    }

    /** SYMBOL(name), hex. */
    public OptionalLong symbol(String name) {
        return hex("SYMBOL(" + name + ")");
    }

    /** OFFSET(struct.member), decimal. */
    public OptionalLong offset(String structDotMember) {
        return dec("OFFSET(" + structDotMember + ")");
    }

    /** SIZE(name), decimal. */
    public OptionalLong size(String name) {
        return dec("SIZE(" + name + ")");
    }

    /** LENGTH(name), decimal. */
    public OptionalLong length(String name) {
        return dec("LENGTH(" + name + ")");
    }

    /** NUMBER(name), decimal (may be negative). */
    public OptionalLong number(String name) {
        return dec("NUMBER(" + name + ")");
    }

    /** CRASHTIME: seconds since the epoch, present when the kernel crashed through kdump. */
    public OptionalLong crashTime() {
        return dec("CRASHTIME");
    }

    public OptionalLong hex(String key) {
        String v = entries.get(key);
        if (v == null) return OptionalLong.empty();
        try {
            String s = v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
            return OptionalLong.of(Long.parseUnsignedLong(s, 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public OptionalLong dec(String key) {
        String v = entries.get(key);
        if (v == null) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
