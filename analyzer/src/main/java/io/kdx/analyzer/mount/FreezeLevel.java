package io.kdx.analyzer.mount;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where a super_block keeps its freeze level, resolved once per kernel:
 * up to 3.5 {@code s_frozen} (int: SB_UNFROZEN, SB_FREEZE_WRITE, SB_FREEZE_TRANS);
 * 3.6 to 6.5 {@code s_writers.frozen} (int: SB_UNFROZEN ... SB_FREEZE_COMPLETE = 4);
 * 6.6 and later the same field as an unsigned short beside freeze_holders. The width is the one
 * DWARF gives; the names are the enumerators this build's DWARF defines, else the kernel's values.
 */
public final class FreezeLevel {
    /** 3.6+ enum (include/linux/fs.h). */
    static final List<String> NAMES_SB_WRITERS = List.of("SB_UNFROZEN", "SB_FREEZE_WRITE", "SB_FREEZE_PAGEFAULT",
            "SB_FREEZE_FS", "SB_FREEZE_COMPLETE");
    /** Up to 3.5 (include/linux/fs.h). */
    static final List<String> NAMES_S_FROZEN = List.of("SB_UNFROZEN", "SB_FREEZE_WRITE", "SB_FREEZE_TRANS");

    private final Kernel kernel;
    private final long offset;
    private final int width;
    private final boolean sWriters;
    private final String[] names;

    private FreezeLevel(Kernel kernel, long offset, int width, boolean sWriters, String[] names) {
        this.kernel = kernel;
        this.offset = offset;
        this.width = width;
        this.sWriters = sWriters;
        this.names = names;
    }

    /** Resolves the field for this kernel; throws {@link MissingTypeException} when super_block has neither. */
    public static FreezeLevel of(Kernel k) {
        boolean sWriters;
        String path;
        if (k.hasMember("super_block", "s_writers.frozen")) {
            sWriters = true;
            path = "s_writers.frozen";
        } else if (k.hasMember("super_block", "s_frozen")) {
            sWriters = false;
            path = "s_frozen";
        } else {
            throw new MissingTypeException("struct super_block has neither s_writers.frozen nor s_frozen");
        }
        long off = k.offsetOf("super_block", path);
        int width = 4;
        Type sb = k.types() == null ? null : k.types().struct("super_block");
        Member m = sb == null ? null : sb.member(path);
        if (m != null && m.type() != null && m.size() > 0) width = (int) m.size();
        List<String> known = sWriters ? NAMES_SB_WRITERS : NAMES_S_FROZEN;
        String[] names = new String[8];
        for (int v = 0; v < known.size(); v++) names[v] = known.get(v);
        if (k.types() != null) {
            for (String n : known) { // this build's own enumerator values win
                OptionalLong v = k.types().enumerator(n);
                if (v.isPresent() && v.getAsLong() >= 0 && v.getAsLong() < names.length) names[(int) v.getAsLong()] = n;
            }
        }
        return new FreezeLevel(k, off, width, sWriters, names);
    }

    /** The freeze level of the super_block at {@code sb}. */
    public int read(long sb) {
        long a = sb + offset;
        return switch (width) {
            case 1 -> kernel.readU8(a);
            case 2 -> kernel.readU16(a);
            case 8 -> (int) kernel.readU64(a);
            default -> kernel.readU32(a);
        };
    }

    public String name(int level) {
        if (level >= 0 && level < names.length && names[level] != null) return names[level];
        return "UNKNOWN(" + level + ")";
    }

    /** True for the 3.6+ layout, where writers wait on s_writers.rw_sem[level - 1]. */
    public boolean sbWriters() {
        return sWriters;
    }

    /** Width of the field in bytes, as DWARF declares it. */
    public int width() {
        return width;
    }

    /** The member path read: "s_writers.frozen" or "s_frozen". */
    public String field() {
        return sWriters ? "s_writers.frozen" : "s_frozen";
    }

    /** The highest level (SB_FREEZE_COMPLETE or, before 3.6, SB_FREEZE_TRANS). */
    public int complete() {
        return sWriters ? 4 : 2;
    }
}
