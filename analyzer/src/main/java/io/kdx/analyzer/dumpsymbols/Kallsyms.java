package io.kdx.analyzer.dumpsymbols;

import io.kdx.analyzer.text.Fmt;
import io.kdx.dump.VmcoreInfo;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.SymbolTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The kernel's own symbol table, kallsyms, read from the image in a dump (kernel/kallsyms.c and
 * scripts/kallsyms.c describe the encoding):
 * <ul>
 * <li>kallsyms_names: per symbol a length byte, then that many token numbers; a length with bit 7
 * set is two bytes, low 7 bits first (6.1, "kallsyms: support \"big\" kernel symbols"). The expanded
 * tokens give the type letter of nm first, then the name;</li>
 * <li>kallsyms_token_table: 256 NUL-terminated strings, kallsyms_token_index: u16 offsets of each;</li>
 * <li>kallsyms_offsets: s32 per symbol against kallsyms_relative_base (4.6+, CONFIG_KALLSYMS_BASE_RELATIVE).
 * With CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP up to 6.14) a non-negative entry is an absolute
 * value (the per-CPU symbols, whose "addresses" are offsets into the per-CPU area) and a negative
 * one is relative_base - 1 - entry; without it every entry is relative_base + (u32) entry.</li>
 * </ul>
 * Symbols come out sorted by address as the kernel keeps them, as runtime addresses; the table
 * built here gives link-time addresses (runtime - KASLR shift) like a vmlinux's, per-CPU ones as they are.
 */
final class Kallsyms {
    private Kallsyms() {}

    /** Runtime addresses of the tables. */
    record Tables(long names, long numSyms, long tokenTable, long tokenIndex, long offsets, long relativeBase, String foundBy) {}

    /** The tables VMCOREINFO names (6.0 and later), or null when it names them not all. */
    static Tables fromVmcoreinfo(VmcoreInfo vi) {
        String[] keys = {"kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table", "kallsyms_token_index",
                "kallsyms_offsets", "kallsyms_relative_base"};
        long[] v = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            var s = vi.symbol(keys[i]);
            if (s.isEmpty()) return null;
            v[i] = s.getAsLong();
        }
        return new Tables(v[0], v[1], v[2], v[3], v[4], v[5], "VMCOREINFO");
    }

    /** The decoded table. */
    record Decoded(SymbolTable table, int count, boolean absolutePercpu, long relativeBase) {}

    /** The symbols decoded, in the kernel's (address) order, before the table is sorted and hashed. */
    record Raw(int count, long[] addr, long[] key, int[] nameOff, byte[] names, boolean absolutePercpu, long relativeBase) {
        Decoded build() {
            SymbolTable table = SymbolTable.build(count, addr, key, (j, e) -> 0, e -> nameOff[e], names, 1);
            return new Decoded(table, count, absolutePercpu, relativeBase);
        }
    }

    static Decoded read(ImageMemory img, Tables t, long kaslr, Path source) throws SymbolsException {
        return decode(parts(img, t, source), kaslr, source).build();
    }

    /** The tables as read from the dump, not yet decoded. */
    record Parts(int count, byte[] names, byte[] tokens, int[] tokStart, int[] tokEnd, ByteBuffer offsets, boolean absolutePercpu,
                 long relativeBase, int[] markers) {}

    static Parts parts(ImageMemory img, Tables t, Path source) throws SymbolsException {
        int num = img.u32(t.numSyms());
        if (num < 100 || num > 10_000_000) throw new SymbolsException(source, "kallsyms_num_syms reads " + Integer.toUnsignedString(num) + ": not a symbol count");
        long tokLen = t.tokenIndex() - t.tokenTable();
        if (tokLen <= 0 || tokLen > 65536) throw new SymbolsException(source, "kallsyms_token_table lies " + tokLen + " bytes before kallsyms_token_index");
        byte[] tokens = img.bytes(t.tokenTable(), (int) tokLen);
        ByteBuffer ti = ByteBuffer.wrap(img.bytes(t.tokenIndex(), 512)).order(ByteOrder.LITTLE_ENDIAN);
        int[] tokStart = new int[256], tokEnd = new int[256];
        for (int i = 0; i < 256; i++) {
            int s = ti.getShort(2 * i) & 0xffff, e = s;
            if (s >= tokens.length) throw new SymbolsException(source, "kallsyms_token_index[" + i + "] = " + s + " lies beyond the token table");
            if (i > 0 && s <= tokStart[i - 1]) {
                throw new SymbolsException(source, "kallsyms_token_index is damaged (entry " + i + " does not follow entry " + (i - 1)
                        + "): kdx cannot read the kernel's own symbols; give its vmlinux or a symbol pack with -s");
            }
            while (e < tokens.length && tokens[e] != 0) e++;
            tokStart[i] = s;
            tokEnd[i] = e;
        }
        long namesLen = t.tokenTable() - t.names(); // names, then markers, then the token table (every order since 4.6)
        if (namesLen <= 0 || namesLen > (64L << 20)) throw new SymbolsException(source, "kallsyms_names does not precede the token table");
        long t0 = System.nanoTime();
        byte[] names = img.bytes(t.names(), (int) namesLen);
        long t1 = System.nanoTime();
        ByteBuffer offs = ByteBuffer.wrap(img.bytes(t.offsets(), num * 4)).order(ByteOrder.LITTLE_ENDIAN);
        long t2 = System.nanoTime();
        long relBase = img.u64(t.relativeBase());
        boolean absPercpu = false;
        for (int i = 0; i < num && !absPercpu; i++) absPercpu = offs.getInt(4 * i) < 0;
        // Every length must fit: the names are whole (a lazy reader relies on it). The same pass
        // places every 256th symbol, as kallsyms_markers does.
        int[] markers = new int[(num + 255) / 256];
        for (int i = 0, p = 0; i < num; i++) {
            if ((i & 255) == 0) markers[i >> 8] = p;
            if (p >= names.length) throw new SymbolsException(source, "kallsyms_names ends after " + i + " of " + num + " symbols");
            int len = names[p++] & 0xff;
            if ((len & 0x80) != 0) {
                if (p >= names.length) throw new SymbolsException(source, "kallsyms_names is cut off at symbol " + i);
                len = (len & 0x7f) | ((names[p++] & 0xff) << 7);
            }
            if (len == 0 || p + len > names.length) throw new SymbolsException(source, "kallsyms_names is cut off at symbol " + i);
            p += len;
        }
        if (Boolean.getBoolean("kdx.trace")) System.err.print(Fmt.format("kdx: trace: kallsyms names %.1f ms (%d bytes), offsets %.1f ms, pass %.1f ms%n", (t1 - t0) / 1e6, namesLen, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6));
        return new Parts(num, names, tokens, tokStart, tokEnd, offs, absPercpu, relBase, markers);
    }

    static Raw decode(Parts parts, long kaslr, Path source) throws SymbolsException {
        int num = parts.count();
        byte[] names = parts.names(), tokens = parts.tokens();
        int[] tokStart = parts.tokStart(), tokEnd = parts.tokEnd();
        ByteBuffer offs = parts.offsets();
        boolean absPercpu = parts.absolutePercpu();
        long relBase = parts.relativeBase();
        long namesLen = names.length;
        long[] addr = new long[num], key = new long[num];
        int[] nameOff = new int[num];
        byte[] blob = new byte[(int) Math.min(Integer.MAX_VALUE - 16, namesLen * 3 + 1024)];
        int bp = 0, p = 0;
        for (int i = 0; i < num; i++) {
            if (p >= names.length) throw new SymbolsException(source, "kallsyms_names ends after " + i + " of " + num + " symbols");
            int len = names[p++] & 0xff;
            if ((len & 0x80) != 0) {
                if (p >= names.length) throw new SymbolsException(source, "kallsyms_names is cut off at symbol " + i);
                len = (len & 0x7f) | ((names[p++] & 0xff) << 7);
            }
            if (p + len > names.length) throw new SymbolsException(source, "kallsyms_names is cut off at symbol " + i);
            int start = bp;
            for (int j = 0; j < len; j++) {
                int tok = names[p + j] & 0xff;
                int n = tokEnd[tok] - tokStart[tok];
                if (bp + n + 1 >= blob.length) blob = java.util.Arrays.copyOf(blob, blob.length * 2);
                System.arraycopy(tokens, tokStart[tok], blob, bp, n);
                bp += n;
            }
            p += len;
            if (bp == start) throw new SymbolsException(source, "kallsyms_names: symbol " + i + " is empty");
            char type = (char) blob[start];
            // The type letter is dropped: the name starts one byte in; the blob keeps one NUL per name.
            blob[bp++] = 0;
            nameOff[i] = start + 1;
            int o = offs.getInt(4 * i);
            long a;
            boolean absolute = false;
            if (absPercpu) {
                if (o >= 0) {
                    a = o;
                    absolute = true;
                } else {
                    a = relBase - 1 - o;
                }
            } else {
                a = relBase + (o & 0xffff_ffffL);
            }
            addr[i] = absolute ? a : a - kaslr;
            key[i] = ((long) rank(type) << 32) | i;
        }
        return new Raw(num, addr, key, nameOff, java.util.Arrays.copyOf(blob, bp), absPercpu, relBase);
    }

    /**
     * Preference among symbols of one address or one name, in the ELF table's terms: global 0, weak 1,
     * local 2, absolute 5 (kallsyms keeps no STT_NOTYPE, so labels rank as their binding's symbols).
     */
    static int rank(char type) {
        return switch (type) {
            case 'A', 'a' -> 5;
            case 'W', 'w', 'V', 'v' -> 1;
            default -> Character.isUpperCase(type) ? 0 : 2;
        };
    }
}
