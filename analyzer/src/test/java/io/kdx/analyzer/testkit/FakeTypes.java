package io.kdx.analyzer.testkit;

import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import io.kdx.symbols.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Synthetic DWARF: structs described by member paths, offsets and widths, as a test writes them
 * down from pahole. Enough for readers that ask offsets, widths and enumerators.
 */
public final class FakeTypes implements Types {
    private final Map<String, FakeType> structs = new HashMap<>();
    private final Map<String, Long> enumerators = new HashMap<>();

    /** Declares (or extends) a struct of the given size. */
    public StructBuilder struct(String name, long size) {
        FakeType t = structs.computeIfAbsent(name, n -> new FakeType(Type.Kind.STRUCT, n, size));
        t.size = size;
        return new StructBuilder(t);
    }

    /** Declares a struct afresh, dropping the members an earlier declaration gave it. */
    public StructBuilder replace(String name, long size) {
        FakeType t = new FakeType(Type.Kind.STRUCT, name, size);
        structs.put(name, t);
        return new StructBuilder(t);
    }

    public FakeTypes enumerator(String name, long value) {
        enumerators.put(name, value);
        return this;
    }

    public static final class StructBuilder {
        private final FakeType t;

        StructBuilder(FakeType t) {
            this.t = t;
        }

        /** A member path ("s_writers.frozen") at a byte offset, with a width in bytes. */
        public StructBuilder member(String path, long offset, long width) {
            t.paths.put(path, new Member(last(path), offset, base(width), 0, 0));
            return this;
        }

        /** A member whose type is a pointer (8 bytes): for readers that tell a pointer from an atomic_long_t. */
        public StructBuilder pointer(String path, long offset) {
            t.paths.put(path, new Member(last(path), offset, new FakeType(Type.Kind.POINTER, null, 8), 0, 0));
            return this;
        }

        /** A member whose type is a struct of that size (atomic_long_t is struct { s64 counter; }). */
        public StructBuilder structMember(String path, long offset, long size) {
            t.paths.put(path, new Member(last(path), offset, new FakeType(Type.Kind.STRUCT, "atomic_long_t", size), 0, 0));
            return this;
        }

        /** A bit field: its containing byte offset, bit offset from there, and width in bits. */
        public StructBuilder bits(String path, long offset, int bitOffset, int bitSize) {
            t.paths.put(path, new Member(last(path), offset, base(1), bitOffset, bitSize));
            return this;
        }

        private static String last(String path) {
            int dot = path.lastIndexOf('.');
            return dot < 0 ? path : path.substring(dot + 1);
        }
    }

    static FakeType base(long width) {
        return new FakeType(Type.Kind.BASE, "u" + (width * 8), width);
    }

    @Override
    public Type struct(String name) {
        return structs.get(name);
    }

    @Override
    public Type named(String name) {
        if (name.startsWith("struct ")) return structs.get(name.substring(7));
        return structs.get(name);
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

    static final class FakeType implements Type {
        final Kind kind;
        final String name;
        long size;
        final Map<String, Member> paths = new LinkedHashMap<>();

        FakeType(Kind kind, String name, long size) {
            this.kind = kind;
            this.name = name;
            this.size = size;
        }

        @Override public Kind kind() { return kind; }
        @Override public String name() { return name; }
        @Override public long size() { return size; }
        @Override public Type target() { return null; }
        @Override public long count() { return 0; }
        @Override public List<Member> members() { return new ArrayList<>(paths.values()); }
        @Override public List<Enumerator> enumerators() { return List.of(); }
        @Override public boolean signed() { return false; }
        @Override public Type resolved() { return this; }
        @Override public String cName() { return kind == Kind.STRUCT ? "struct " + name : name; }
        @Override public Member member(String path) { return paths.get(path); }
    }
}
