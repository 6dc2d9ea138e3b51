package io.kdx.symbols;

import io.kdx.symbols.btf.BtfTypes;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A vmlinux's types when it carries .BTF: structs, unions, enums, typedefs, base types and
 * enumerators from BTF, at once; global variables from DWARF, indexed on the first variable question
 * (BTF lists only per-CPU variables before pahole 1.27, and none of their link-time addresses).
 * Type questions, which is all analysis asks, thus never wait for the DWARF scan.
 */
final class VmlinuxTypes implements Types {
    private final BtfTypes btf;
    private final Supplier<Types> dwarf;

    VmlinuxTypes(BtfTypes btf, Supplier<Types> dwarf) {
        this.btf = btf;
        this.dwarf = dwarf;
    }

    BtfTypes btf() {
        return btf;
    }

    @Override public Type struct(String name) { return btf.struct(name); }
    @Override public Type named(String name) { return btf.named(name); }
    @Override public java.util.List<Type> definitions(String name) { return btf.definitions(name); }
    @Override public OptionalLong enumerator(String name) { return btf.enumerator(name); }
    @Override public OptionalLong variableAddress(String name) { return dwarf.get().variableAddress(name); }
    @Override public Type variableType(String name) { return dwarf.get().variableType(name); }
}
