package io.kdx.analyzer.kernel;

import io.kdx.dump.VmcoreInfo;
import java.util.OptionalLong;

/**
 * Member offsets and struct sizes for the layout records (resolved once per kernel, as
 * tasks/TaskLayout, locking/LockLayout, mem/SlabLayout): from the symbols' types (DWARF or BTF)
 * when they have the struct, else from the VMCOREINFO the kernel exports for dump tools
 * ({@code OFFSET(struct.member)}, {@code SIZE(struct)}: kernel/crash_core.c and the arch's
 * arch_crash_save_vmcoreinfo), so a record still resolves what makedumpfile and crash rely on when
 * the types lack it (a stripped or mismatched vmlinux, a BTF without that struct).
 */
public final class StructOffsets {
    private StructOffsets() {}

    /** The offset of {@code member} (a dotted path for the types; VMCOREINFO names a direct member) in struct {@code struct}. */
    public static long offset(Kernel k, String struct, String member) {
        long v = optional(k, struct, member);
        if (v >= 0) return v;
        throw new MissingTypeException("struct " + struct + " member " + member + " (neither the types nor VMCOREINFO have it)");
    }

    /** The offset, or -1 when neither the types nor VMCOREINFO have it. */
    public static long optional(Kernel k, String struct, String member) {
        try {
            if (k.hasMember(struct, member)) return k.offsetOf(struct, member);
        } catch (RuntimeException e) {
            // no types at all: VMCOREINFO may still say
        }
        OptionalLong v = vmcoreinfo(k).offset(struct + "." + member);
        return v.isPresent() ? v.getAsLong() : -1;
    }

    public static boolean has(Kernel k, String struct, String member) {
        return optional(k, struct, member) >= 0;
    }

    /** sizeof(struct NAME) from the types, else VMCOREINFO SIZE(NAME). */
    public static long size(Kernel k, String struct) {
        long v = optionalSize(k, struct);
        if (v >= 0) return v;
        throw new MissingTypeException("struct " + struct + " (neither the types nor VMCOREINFO have its size)");
    }

    /** The size, or -1 when neither has it. */
    public static long optionalSize(Kernel k, String struct) {
        try {
            long s = k.sizeOf(struct);
            if (s >= 0) return s;
        } catch (RuntimeException e) {
            // fall back to VMCOREINFO
        }
        OptionalLong v = vmcoreinfo(k).size(struct);
        return v.isPresent() ? v.getAsLong() : -1;
    }

    static VmcoreInfo vmcoreinfo(Kernel k) {
        try {
            return k.dump() == null ? VmcoreInfo.EMPTY : k.dump().vmcoreinfo();
        } catch (RuntimeException e) {
            return VmcoreInfo.EMPTY;
        }
    }
}
