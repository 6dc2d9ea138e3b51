package io.kdx.symbols;

import java.util.OptionalLong;

/** The DWARF type view. Types are materialised on first use and cached. */
public interface Types {

    /** A struct (or, failing that, a union) definition by tag name, or null. */
    Type struct(String name);

    /**
     * A struct (or union) of the kernel image itself, for the layouts a kernel model resolves: where
     * module types are found only by a further search (types read from a dump), it is not made.
     */
    default Type kernelStruct(String name) {
        return struct(name);
    }

    /** A named type of any kind: "struct x", "union x", "enum x", or a typedef or base type name; or null. */
    Type named(String name);

    /**
     * Every distinct definition of "struct x", "union x" or "enum x", the one {@link #named} answers
     * first: more than one when distinct types share the name (file-local types of different units;
     * see {@code types.Definitions} for the order). For other names, or one definition, {@link #named}'s
     * answer alone; empty when there is none.
     */
    default java.util.List<Type> definitions(String name) {
        Type t = named(name);
        return t == null ? java.util.List.of() : java.util.List.of(t);
    }

    /** An enumerator's value by name (e.g. SB_FREEZE_COMPLETE), from any enum. */
    OptionalLong enumerator(String name);

    /**
     * Link-time address of a global variable from its DWARF location (exactly DW_OP_addr ADDR); for a
     * per-CPU variable, its offset in the per-CPU area (add __per_cpu_offset[cpu]). Empty when the
     * variable has no such location (an extern declaration only, or optimised away).
     */
    default OptionalLong variableAddress(String name) {
        return OptionalLong.empty();
    }

    /** The declared type of a global variable, or null. */
    Type variableType(String name);

    /**
     * Byte offset of a member path inside a struct ("s_writers.frozen", "tasks.next"); members of
     * anonymous structs and unions are reachable directly, as in C. Empty when there is no such member.
     */
    default OptionalLong offsetOf(String struct, String memberPath) {
        Type t = struct(struct);
        if (t == null) return OptionalLong.empty();
        Member m = t.member(memberPath);
        return m == null ? OptionalLong.empty() : OptionalLong.of(m.offset());
    }
}
