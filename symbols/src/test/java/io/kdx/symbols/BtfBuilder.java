package io.kdx.symbols;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a small .BTF blob for tests: records appended in id order (the first is id 1), strings
 * interned. Each method returns the new type's id. Follows include/uapi/linux/btf.h.
 */
final class BtfBuilder {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> offsets = new HashMap<>();
    private int next = 1;
    /** For split BTF: where this blob's strings continue the base's (0 for a base). */
    private int strBase;
    /** Bytes cut off the end of the type section (a truncated blob). */
    int truncateTypesBy;

    BtfBuilder() {
        strings.write(0); // offset 0: the empty name
    }

    /** Split BTF on a base of {@code baseCount} types and {@code baseStrLen} string bytes (a module's .BTF). */
    BtfBuilder(int baseCount, int baseStrLen) {
        this();
        next = baseCount + 1;
        strBase = baseStrLen;
    }

    /** Bytes in the string section so far (a split blob's base needs it). */
    int stringBytes() {
        return strings.size();
    }

    int str(String s) {
        if (s == null) return 0;
        return strBase + offsets.computeIfAbsent(s, k -> {
            int off = strings.size();
            strings.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return off;
        });
    }

    private int record(String name, int kind, int vlen, boolean kindFlag, int sizeOrType, int... extra) {
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * extra.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(str(name)).putInt((kind << 24) | vlen | (kindFlag ? 1 << 31 : 0)).putInt(sizeOrType);
        for (int e : extra) b.putInt(e);
        types.writeBytes(b.array());
        return next++;
    }

    int integer(String name, int size, boolean signed) {
        return record(name, 1, 0, false, size, ((signed ? 1 : 0) << 24) | size * 8);
    }

    /** An old-style bit-field carrier: an INT whose encoding says nr_bits and a bit offset. */
    int bitsInt(String name, int size, int bitOffset, int bits) {
        return record(name, 1, 0, false, size, (bitOffset << 16) | bits);
    }

    int pointer(int to) { return record(null, 2, 0, false, to); }
    int typedef(String name, int to) { return record(name, 8, 0, false, to); }
    int volatileOf(int to) { return record(null, 9, 0, false, to); }
    int constOf(int to) { return record(null, 10, 0, false, to); }
    int restrictOf(int to) { return record(null, 11, 0, false, to); }
    int typeTag(String tag, int to) { return record(tag, 18, 0, false, to); }
    int fwd(String name, boolean union) { return record(name, 7, 0, union, 0); }
    int array(int elem, int nelems) { return record(null, 3, 0, false, 0, elem, 1, nelems); }
    int floatType(String name, int size) { return record(name, 16, 0, false, size); }

    /** FUNC_PROTO returning {@code ret} with unnamed parameters of the given types. */
    int proto(int ret, int... params) {
        int[] extra = new int[params.length * 2];
        for (int i = 0; i < params.length; i++) extra[2 * i + 1] = params[i];
        return record(null, 13, params.length, false, ret, extra);
    }

    /** A struct (or union) whose members are {name, type, bitOffset, bitSize}; kind_flag set when any bitSize > 0. */
    int composite(String name, boolean union, int size, Object... members) {
        int n = members.length / 4;
        boolean bitfields = false;
        for (int i = 0; i < n; i++) bitfields |= (Integer) members[4 * i + 3] != 0;
        int[] extra = new int[n * 3];
        for (int i = 0; i < n; i++) {
            extra[3 * i] = str((String) members[4 * i]);
            extra[3 * i + 1] = (Integer) members[4 * i + 1];
            int bits = (Integer) members[4 * i + 2], width = (Integer) members[4 * i + 3];
            extra[3 * i + 2] = bitfields ? (width << 24) | bits : bits;
        }
        return record(name, union ? 5 : 4, n, bitfields, size, extra);
    }

    /** ENUM with {name, value} pairs; kind_flag marks it signed (6.0+). */
    int enumeration(String name, int size, boolean signed, Object... values) {
        int n = values.length / 2;
        int[] extra = new int[n * 2];
        for (int i = 0; i < n; i++) {
            extra[2 * i] = str((String) values[2 * i]);
            extra[2 * i + 1] = ((Number) values[2 * i + 1]).intValue();
        }
        return record(name, 6, n, signed, size, extra);
    }

    int enum64(String name, boolean signed, String value, long v) {
        return record(name, 19, 1, signed, 8, str(value), (int) v, (int) (v >>> 32));
    }

    int variable(String name, int type) { return record(name, 14, 0, false, type, 1); }

    /** A DATASEC placing one variable at an offset. */
    int datasec(String section, int var, int offset, int size) { return record(section, 15, 1, false, size, var, offset, size); }

    /** A record of a kind BTF does not define. */
    int unknownKind() { return record(null, 31, 0, false, 0); }

    byte[] build() {
        byte[] t = types.toByteArray(), s = strings.toByteArray();
        int tlen = t.length - truncateTypesBy;
        ByteBuffer b = ByteBuffer.allocate(24 + tlen + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(tlen).putInt(tlen).putInt(s.length);
        b.put(t, 0, tlen).put(s);
        return b.array();
    }
}
