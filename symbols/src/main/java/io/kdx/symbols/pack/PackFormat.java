package io.kdx.symbols.pack;

/**
 * The symbol pack file, version 4: everything analysis needs from one vmlinux, laid out so that it
 * is used straight from a read-only memory map (nothing is parsed at open). Little-endian.
 * <pre>
 * 0   char magic[8] = "KDXSYMP\0"
 * 8   u32 version = 4
 * 12  u32 section count
 * 16  u64 file size (a shorter file is truncated)
 * 24  u64 checksum (version 3): CRC-32C of the whole file, these 8 bytes taken as zero; 0 in versions 1 and 2
 * 32  section table: {u32 id; u32 reserved; u64 offset; u64 length} per section
 *     then the sections, each 8-byte aligned:
 * META        u32-length-prefixed UTF-8 strings: build-id, release, banner, source file name
 * SYM_*       the symbol table's arrays (see SymbolTable): addresses u64[n], sizes u64[n],
 *             name offsets u32[n], the names (the vmlinux's .strtab), the name hash u32[2^k]
 * ORC_*       base u64 + count u32 (ORC_META), ips u32[n], normalised rows 8 bytes each, text ranges u64 pairs
 * TYPE_OFFSETS u32[types] into TYPE_RECORDS; a record is
 *             {u8 kind; u8 flags (1 signed); u16 0; u32 name; i64 size (-1 none); i64 count; i32 target; u32 n}
 *             then n members {u32 name; i32 bit_size; i64 bit_offset; i32 type; u32 0}
 *             or n enumerators {u32 name; u32 0; i64 value}
 *             (names are offsets into STRINGS, 0xffffffff for none; type -1 is void)
 * STRINGS     NUL-terminated UTF-8
 * NAME_*      the name index (see NameIndex): hashes u64, values u64, aux u64, name refs u64, categories u8;
 *             values are type indexes (variables: the variable's type, aux its DW_OP_addr address or -1;
 *             enumerators: aux holds the value; structs, unions and enums (version 4): the definition
 *             lookups answer with, aux the number of distinct definitions of the name)
 * DEFINITIONS (version 4, only when some name has several distinct definitions) per such name:
 *             {u32 category; u32 n; u64 name hash; i32 type[n], the one lookups answer first; i32 -1 when n is odd}
 * </pre>
 * Types stored: every struct, union, enum, typedef and base type the vmlinux's name index holds (for
 * a name distinct types share, each of them: see types.Definitions), the types of all indexed global
 * variables, and everything reachable from them, so a pack answers every query its vmlinux answers.
 */
public final class PackFormat {
    private PackFormat() {}

    // 2: variables' aux holds their DW_OP_addr address; 3: a checksum; 4: a name's distinct definitions (DEFINITIONS),
    // each its own type (a version 3 pack gave every member of a shared name the first definition)
    public static final int VERSION = 4;
    /** First version that lists a name's distinct definitions. */
    public static final int LISTS_DEFINITIONS = 4;
    /** First version whose header holds a checksum (older ones are still read, their sections bounds-checked). */
    public static final int CHECKSUMMED = 3;
    public static final int CHECKSUM_OFFSET = 24;
    /** Format 1 (no variable addresses) is still read; its variableAddress() answers are empty. */
    public static final int OLDEST_READABLE = 1;
    public static final int HEADER = 32, SECTION_ENTRY = 24;

    public static final int META = 1, SYM_ADDRS = 2, SYM_SIZES = 3, SYM_NAME_OFFS = 4, SYM_NAMES = 5, SYM_HASH = 6,
            ORC_META = 7, ORC_IPS = 8, ORC_ROWS = 9, ORC_TEXT = 10, TYPE_OFFSETS = 11, TYPE_RECORDS = 12, STRINGS = 13,
            NAME_HASHES = 14, NAME_VALUES = 15, NAME_AUX = 16, NAME_REFS = 17, NAME_CATS = 18, DEFINITIONS = 19;

    public static final int TYPE_HEADER = 32, MEMBER_BYTES = 24, ENUMERATOR_BYTES = 16;
    public static final int NO_NAME = -1;

    /**
     * CRC-32C of a pack, its checksum field taken as zero (java.util.zip.CRC32C: the JIT uses the
     * CPU's crc32 instructions, about 2 ms for a 20 MB pack).
     */
    public static long checksum(java.lang.foreign.MemorySegment pack) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(pack.asSlice(0, CHECKSUM_OFFSET).asByteBuffer());
        crc.update(new byte[8]);
        long rest = pack.byteSize() - CHECKSUM_OFFSET - 8;
        for (long off = CHECKSUM_OFFSET + 8; rest > 0; ) { // ByteBuffer views are limited to 2 GiB
            long n = Math.min(rest, 1L << 30);
            crc.update(pack.asSlice(off, n).asByteBuffer());
            off += n;
            rest -= n;
        }
        return crc.getValue();
    }
}
