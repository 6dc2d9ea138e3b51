package io.kdx.analyzer.kernel;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.Member;
import io.kdx.symbols.OrcTable;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.Type;
import io.kdx.symbols.Types;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/** Symbols and struct layouts for synthetic kernels, written down as a test needs them. */
public final class FakeSymbols implements KernelSymbols, Types {
    final Map<String, Long> byName = new HashMap<>();
    final TreeMap<Long, String> byAddress = new TreeMap<>();
    final Map<String, FakeType> structs = new HashMap<>();
    final Map<String, Long> enumerators = new HashMap<>();
    public OrcTable orc;
    public String banner;

    public FakeSymbols symbol(String name, long address) {
        byName.put(name, address);
        byAddress.put(address, name);
        return this;
    }

    /** Declares a struct; then {@code member(path, offset, width)} on the result. */
    public FakeType struct(String name, long size) {
        return structs.computeIfAbsent(name, n -> new FakeType(Type.Kind.STRUCT, n, size));
    }

    public FakeSymbols enumerator(String name, long v) {
        enumerators.put(name, v);
        return this;
    }

    @Override
    public String buildId() {
        return null;
    }

    @Override
    public String release() {
        return "6.1.0-test";
    }

    @Override
    public String banner() {
        return banner;
    }

    @Override
    public long address(String name) {
        return byName.getOrDefault(name, 0L);
    }

    @Override
    public SymbolHit lookup(long address) {
        var e = byAddress.floorEntry(address);
        return e == null ? null : new SymbolHit(e.getValue(), e.getKey(), 0, address - e.getKey());
    }

    @Override
    public Types types() {
        return this;
    }

    @Override
    public OrcTable orc() {
        return orc;
    }

    @Override
    public Path source() {
        return Path.of("fake-vmlinux");
    }

    @Override
    public void close() {}

    @Override
    public Type struct(String name) {
        return structs.get(name);
    }

    @Override
    public Type named(String name) {
        return structs.get(name.startsWith("struct ") ? name.substring(7) : name);
    }

    @Override
    public OptionalLong enumerator(String name) {
        Long v = enumerators.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public Type variableType(String name) {
        return null;
    }

    /** A minimal Type: structs with member paths, base types of a width, arrays. */
    public static final class FakeType implements Type {
        final Kind kind;
        final String name;
        final long size;
        final Map<String, Member> members = new LinkedHashMap<>();
        Type target;
        long count;

        FakeType(Kind kind, String name, long size) {
            this.kind = kind;
            this.name = name;
            this.size = size;
        }

        public FakeType member(String path, long offset, long width) {
            members.put(path, new Member(path, offset, new FakeType(Kind.BASE, "u" + width * 8, width), 0, 0));
            return this;
        }

        public FakeType array(String path, long offset, long elemWidth, long count) {
            FakeType a = new FakeType(Kind.ARRAY, null, elemWidth * count);
            a.target = new FakeType(Kind.BASE, "u" + elemWidth * 8, elemWidth);
            a.count = count;
            members.put(path, new Member(path, offset, a, 0, 0));
            return this;
        }

        @Override public Kind kind() { return kind; }
        @Override public String name() { return name; }
        @Override public long size() { return size; }
        @Override public Type target() { return target; }
        @Override public long count() { return count; }
        @Override public List<Member> members() { return List.copyOf(members.values()); }
        @Override public List<Enumerator> enumerators() { return List.of(); }
        @Override public boolean signed() { return false; }
        @Override public Type resolved() { return this; }
        @Override public String cName() { return name; }
        @Override public Member member(String path) { return members.get(path); }
    }
}
