package io.kdx.analyzer.dumpsymbols;

import io.kdx.symbols.Type;
import io.kdx.symbols.Types;
import io.kdx.symbols.btf.BtfTypes;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * Types of a kernel known only from its dump: structs, unions, enums, typedefs and enumerators from
 * its BTF; per-CPU variables from BTF's .data..percpu section; other globals' types from
 * {@link DumpGlobals} and their addresses from kallsyms.
 */
final class DumpTypes implements Types {
    private final BtfTypes btf;
    private final ToLongFunction<String> symbols;

    DumpTypes(BtfTypes btf, ToLongFunction<String> symbols) {
        this.btf = btf;
        this.symbols = symbols;
    }

    BtfTypes btf() {
        return btf;
    }

    @Override public Type struct(String name) { return btf.struct(name); }
    @Override public Type named(String name) { return btf.named(name); }
    @Override public OptionalLong enumerator(String name) { return btf.enumerator(name); }

    @Override
    public OptionalLong variableAddress(String name) {
        OptionalLong a = btf.variableAddress(name);
        if (a.isPresent()) return a;
        long s = symbols.applyAsLong(name);
        return s == 0 ? OptionalLong.empty() : OptionalLong.of(s);
    }

    @Override
    public Type variableType(String name) {
        Type t = btf.variableType(name);
        return t != null ? t : DumpGlobals.typeOf(name, btf);
    }
}
