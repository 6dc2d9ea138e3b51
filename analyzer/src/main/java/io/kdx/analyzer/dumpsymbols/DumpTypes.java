package io.kdx.analyzer.dumpsymbols;

import io.kdx.symbols.Type;
import io.kdx.symbols.Types;
import io.kdx.symbols.btf.BtfTypes;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * Types of a kernel known only from its dump: structs, unions, enums, typedefs and enumerators from
 * its BTF; per-CPU variables from BTF's .data..percpu section; other globals' types from
 * {@link DumpGlobals} and their addresses from kallsyms. A type the vmlinux BTF lacks is looked up,
 * once the kernel model is open, in the loaded modules' BTF ({@link ModuleBtf}), read on that first
 * miss.
 */
final class DumpTypes implements Types {
    private final BtfTypes btf;
    private final ToLongFunction<String> symbols;
    /** The modules' types, read on the first name the vmlinux BTF lacks; null until a kernel is attached. */
    private volatile java.util.function.Supplier<BtfTypes> modules;

    DumpTypes(BtfTypes btf, ToLongFunction<String> symbols) {
        this.btf = btf;
        this.symbols = symbols;
    }

    BtfTypes btf() {
        return btf;
    }

    /** Where module types come from once the kernel model is open (memoised by the caller). */
    void modules(java.util.function.Supplier<BtfTypes> m) {
        this.modules = m;
    }

    private BtfTypes moduleTypes() {
        var m = modules;
        return m == null ? null : m.get();
    }

    /** {@code lookup} in the vmlinux BTF, else (when a kernel is attached) in the modules'. */
    private Type vmlinuxThenModules(java.util.function.Function<BtfTypes, Type> lookup) {
        Type t = lookup.apply(btf);
        BtfTypes m;
        return t != null || (m = moduleTypes()) == null ? t : lookup.apply(m);
    }

    @Override
    public Type struct(String name) {
        return vmlinuxThenModules(b -> b.struct(name));
    }

    /** The vmlinux's own: the kernel model's layouts never wait for the modules' BTF. */
    @Override
    public Type kernelStruct(String name) {
        return btf.struct(name);
    }

    @Override
    public Type named(String name) {
        return vmlinuxThenModules(b -> b.named(name));
    }

    @Override
    public OptionalLong enumerator(String name) {
        OptionalLong v = btf.enumerator(name);
        BtfTypes m;
        return v.isPresent() || (m = moduleTypes()) == null ? v : m.enumerator(name);
    }

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
