package io.kdx.symbols.btf;

/**
 * BTF's on-disk constants (include/uapi/linux/btf.h; the format is described in the kernel's
 * Documentation/bpf/btf.rst). A type record is {u32 name_off; u32 info; u32 size_or_type} followed
 * by kind-specific data; info holds vlen in bits 0-15, the kind in bits 24-28, kind_flag in bit 31.
 */
final class Btf {
    private Btf() {}

    static final int MAGIC = 0xeB9F;
    /** btf_header: magic u16, version u8, flags u8, hdr_len u32, type_off, type_len, str_off, str_len (u32 each). */
    static final int HEADER_MIN = 24;
    static final int TYPE_BYTES = 12;

    static final int KIND_INT = 1, KIND_PTR = 2, KIND_ARRAY = 3, KIND_STRUCT = 4, KIND_UNION = 5, KIND_ENUM = 6,
            KIND_FWD = 7, KIND_TYPEDEF = 8, KIND_VOLATILE = 9, KIND_CONST = 10, KIND_RESTRICT = 11, KIND_FUNC = 12,
            KIND_FUNC_PROTO = 13, KIND_VAR = 14, KIND_DATASEC = 15, KIND_FLOAT = 16, KIND_DECL_TAG = 17,
            KIND_TYPE_TAG = 18, KIND_ENUM64 = 19; // ENUM64 from 6.0; DECL_TAG 5.16, TYPE_TAG 5.17, FLOAT 5.13

    /** BTF_INT_ENCODING bits of an INT's trailing word (bits 24-27); offset in bits 16-23, nr_bits in 0-7. */
    static final int INT_SIGNED = 1, INT_CHAR = 2, INT_BOOL = 4;

    static int kind(int info) {
        return (info >>> 24) & 0x1f;
    }

    static int vlen(int info) {
        return info & 0xffff;
    }

    static boolean kindFlag(int info) {
        return info < 0;
    }

    /** Bytes that follow the 12-byte record of a kind, or -1 for an unknown kind. */
    static long trailing(int kind, int vlen) {
        return switch (kind) {
            case KIND_INT, KIND_VAR, KIND_DECL_TAG -> 4;
            case KIND_ARRAY -> 12;
            case KIND_STRUCT, KIND_UNION, KIND_DATASEC, KIND_ENUM64 -> 12L * vlen;
            case KIND_ENUM, KIND_FUNC_PROTO -> 8L * vlen;
            case KIND_PTR, KIND_FWD, KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_FUNC, KIND_FLOAT,
                 KIND_TYPE_TAG -> 0;
            default -> -1;
        };
    }
}
