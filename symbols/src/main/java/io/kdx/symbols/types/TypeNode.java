package io.kdx.symbols.types;

import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One materialised C type. Targets and member types are held as keys and resolved through the
 * graph on first use, so a struct's materialisation never chases its whole reachable graph.
 * Member positions are kept as bit offsets from the start of this type.
 */
public final class TypeNode implements Type {
    /** Bound on typedef/const chains and nesting depth: deeper means a cycle in corrupt input. */
    public static final int MAX_DEPTH = 64;

    final TypeGraph graph;
    final Kind kind;
    final String name;
    final long declaredSize; // -1 when the DIE/record had no size of its own
    final long count;
    final boolean signed;
    final long targetKey;
    final long key;
    // STRUCT/UNION
    final String[] memberNames;
    final long[] memberBitOffsets;
    final int[] memberBitSizes;
    final long[] memberTypeKeys;
    // ENUM
    final String[] enumNames;
    final long[] enumValues;
    private volatile List<Member> members;
    private volatile List<Enumerator> enumerators;

    public TypeNode(TypeGraph graph, long key, Kind kind, String name, long declaredSize, long count, boolean signed, long targetKey,
            String[] memberNames, long[] memberBitOffsets, int[] memberBitSizes, long[] memberTypeKeys,
            String[] enumNames, long[] enumValues) {
        this.graph = graph;
        this.key = key;
        this.kind = kind;
        this.name = name;
        this.declaredSize = declaredSize;
        this.count = count;
        this.signed = signed;
        this.targetKey = targetKey;
        this.memberNames = memberNames;
        this.memberBitOffsets = memberBitOffsets;
        this.memberBitSizes = memberBitSizes;
        this.memberTypeKeys = memberTypeKeys;
        this.enumNames = enumNames;
        this.enumValues = enumValues;
    }

    static TypeNode voidNode(TypeGraph g) {
        return new TypeNode(g, TypeSource.VOID, Kind.VOID, "void", -1, 0, false, TypeSource.VOID, null, null, null, null, null, null);
    }

    /** The key this node was loaded under (DIE offset or pack index). */
    public long key() { return key; }
    public long targetKey() { return targetKey; }
    public long declaredSize() { return declaredSize; }
    public int memberCount() { return memberNames == null ? 0 : memberNames.length; }
    public String memberName(int i) { return memberNames[i]; }
    public long memberBitOffset(int i) { return memberBitOffsets[i]; }
    public int memberBitSize(int i) { return memberBitSizes[i]; }
    public long memberTypeKey(int i) { return memberTypeKeys[i]; }
    public int enumeratorCount() { return enumNames == null ? 0 : enumNames.length; }
    public String enumeratorName(int i) { return enumNames[i]; }
    public long enumeratorValue(int i) { return enumValues[i]; }

    @Override public Kind kind() { return kind; }
    @Override public String name() { return name; }
    @Override public long count() { return count; }
    @Override public boolean signed() { return signed; }

    @Override
    public long size() {
        return sizeAt(0);
    }

    private long sizeAt(int depth) {
        if (declaredSize >= 0) return declaredSize;
        if (depth > MAX_DEPTH) return -1;
        return switch (kind) {
            case TYPEDEF, CONST, VOLATILE -> graph.get(targetKey).sizeAt(depth + 1);
            case ARRAY -> {
                long e = graph.get(targetKey).sizeAt(depth + 1);
                yield e < 0 ? -1 : e * count;
            }
            case POINTER -> 8;
            default -> -1;
        };
    }

    @Override
    public Type target() {
        return switch (kind) {
            case VOID, BASE, STRUCT, UNION -> null;
            case ENUM -> targetKey == TypeSource.VOID ? null : graph.get(targetKey); // the underlying integer type
            default -> graph.get(targetKey);
        };
    }

    @Override
    public Type resolved() {
        TypeNode t = this;
        for (int i = 0; i <= MAX_DEPTH; i++) {
            if (t.kind != Kind.TYPEDEF && t.kind != Kind.CONST && t.kind != Kind.VOLATILE) return t;
            t = graph.get(t.targetKey);
        }
        return graph.voidType(); // a typedef cycle: only corrupt DWARF has one
    }

    @Override
    public List<Member> members() {
        List<Member> m = members;
        if (m == null) {
            if (memberNames == null) {
                m = List.of();
            } else {
                List<Member> l = new ArrayList<>(memberNames.length);
                for (int i = 0; i < memberNames.length; i++) l.add(memberAt(i, 0));
                m = Collections.unmodifiableList(l);
            }
            members = m;
        }
        return m;
    }

    /**
     * Member {@code i} with its offset shifted by {@code base} bytes. A bit field is placed like
     * pahole does: the byte offset of its storage unit (the member type's size) and the bit within it.
     */
    Member memberAt(int i, long base) {
        TypeNode t = graph.get(memberTypeKeys[i]);
        long bits = memberBitOffsets[i];
        int bitSize = memberBitSizes[i];
        if (bitSize == 0) return new Member(memberNames[i], base + (bits >>> 3), t, 0, 0);
        long unit = t.size();
        if (unit <= 0 || unit > 16) unit = 1;
        long byteOff = Math.floorDiv(bits, unit * 8) * unit;
        int bitOff = (int) (bits - byteOff * 8);
        if (bitOff + bitSize > unit * 8) { // straddles (packed structs): fall back to the byte holding the first bit
            byteOff = bits >>> 3;
            bitOff = (int) (bits & 7);
        }
        return new Member(memberNames[i], base + byteOff, t, bitOff, bitSize);
    }

    @Override
    public List<Enumerator> enumerators() {
        List<Enumerator> e = enumerators;
        if (e == null) {
            if (enumNames == null) {
                e = List.of();
            } else {
                List<Enumerator> l = new ArrayList<>(enumNames.length);
                for (int i = 0; i < enumNames.length; i++) l.add(new Enumerator(enumNames[i], enumValues[i]));
                e = Collections.unmodifiableList(l);
            }
            enumerators = e;
        }
        return e;
    }

    @Override
    public Member member(String path) {
        if (path == null || path.isEmpty()) return null;
        TypeNode cur = this;
        long base = 0;
        Member m = null;
        for (String part : path.split("\\.", -1)) {
            TypeNode c = (TypeNode) cur.resolved();
            if (c.kind != Kind.STRUCT && c.kind != Kind.UNION) return null;
            m = c.find(part, base, 0);
            if (m == null) return null;
            base = m.offset();
            cur = (TypeNode) m.type();
        }
        return m;
    }

    /** Finds a named member, looking through anonymous struct/union members as C does. */
    private Member find(String name, long base, int depth) {
        if (memberNames == null || depth > MAX_DEPTH) return null;
        for (int i = 0; i < memberNames.length; i++) {
            if (name.equals(memberNames[i])) return memberAt(i, base);
        }
        for (int i = 0; i < memberNames.length; i++) {
            if (memberNames[i] != null) continue;
            TypeNode t = (TypeNode) graph.get(memberTypeKeys[i]).resolved();
            if (t.kind != Kind.STRUCT && t.kind != Kind.UNION) continue;
            Member m = t.find(name, base + (memberBitOffsets[i] >>> 3), depth + 1);
            if (m != null) return m;
        }
        return null;
    }

    @Override
    public String cName() {
        return CNames.of(this);
    }

    @Override
    public String toString() {
        return cName();
    }
}
