package io.kdx.symbols.types;

import io.kdx.symbols.Type;
import io.kdx.symbols.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The {@link Types} view over a name index and a type graph, shared by the DWARF and pack backends
 * so that both answer every query through the same code.
 */
public abstract class IndexedTypes implements Types {
    protected final NameIndex index;
    protected final TypeGraph graph;
    protected final Definitions definitions;

    protected IndexedTypes(NameIndex index, TypeGraph graph, Definitions definitions) {
        this.index = index;
        this.graph = graph;
        this.definitions = definitions;
    }

    public NameIndex index() {
        return index;
    }

    public TypeGraph graph() {
        return graph;
    }

    /** The graph key of a variable's declared type, given the variable's index value. */
    protected abstract long variableTypeKey(long indexValue);

    /** Key of the type named in a category (definitions first), or VOID - 1 when absent. */
    public long keyOf(int cat, String name) {
        int s = index.find(cat, name);
        return s < 0 ? Long.MIN_VALUE : index.value(s);
    }

    /** Keys of every distinct definition of a name in a category (STRUCT, UNION, ENUM), the one lookups answer first; empty when none. */
    public long[] definitionKeys(int cat, String name) {
        int s = index.find(cat, name);
        return s < 0 ? new long[0] : definitions.all(s, graph);
    }

    private Type byCategory(int cat, int declCat, String name) {
        int s = index.find(cat, name);
        if (s >= 0) return graph.get(definitions.chosen(s, graph));
        if (declCat != 0) s = index.find(declCat, name);
        return s < 0 ? null : graph.get(index.value(s));
    }

    @Override
    public List<Type> definitions(String name) {
        if (name == null) return List.of();
        String n = name.strip();
        int cat = n.startsWith("struct ") ? NameIndex.STRUCT : n.startsWith("union ") ? NameIndex.UNION
                : n.startsWith("enum ") ? NameIndex.ENUM : 0;
        if (cat == 0) return Types.super.definitions(n);
        long[] keys = definitionKeys(cat, n.substring(n.indexOf(' ') + 1).strip());
        if (keys.length == 0) return Types.super.definitions(n); // a declaration only, or nothing
        List<Type> out = new ArrayList<>(keys.length);
        for (long k : keys) out.add(graph.get(k));
        return out;
    }

    @Override
    public Type struct(String name) {
        Type t = byCategory(NameIndex.STRUCT, 0, name);
        if (t == null) t = byCategory(NameIndex.UNION, 0, name);
        if (t == null) t = byCategory(NameIndex.STRUCT_DECL, NameIndex.UNION_DECL, name);
        return t;
    }

    @Override
    public Type named(String name) {
        if (name == null) return null;
        String n = name.strip();
        if (n.startsWith("struct ")) return byCategory(NameIndex.STRUCT, NameIndex.STRUCT_DECL, n.substring(7).strip());
        if (n.startsWith("union ")) return byCategory(NameIndex.UNION, NameIndex.UNION_DECL, n.substring(6).strip());
        if (n.startsWith("enum ")) return byCategory(NameIndex.ENUM, NameIndex.ENUM_DECL, n.substring(5).strip());
        if (n.equals("void")) return graph.voidType();
        Type t = byCategory(NameIndex.TYPEDEF, 0, n);
        return t != null ? t : byCategory(NameIndex.BASE, 0, n);
    }

    @Override
    public OptionalLong enumerator(String name) {
        int s = index.find(NameIndex.ENUMERATOR, name);
        return s < 0 ? OptionalLong.empty() : OptionalLong.of(index.aux(s));
    }

    @Override
    public OptionalLong variableAddress(String name) {
        int s = index.find(NameIndex.VARIABLE, name);
        if (s < 0) s = index.find(NameIndex.VARIABLE_DECL, name);
        return s < 0 || index.aux(s) == -1 ? OptionalLong.empty() : OptionalLong.of(index.aux(s));
    }

    @Override
    public Type variableType(String name) {
        int s = index.find(NameIndex.VARIABLE, name);
        if (s < 0) s = index.find(NameIndex.VARIABLE_DECL, name);
        return s < 0 ? null : graph.get(variableTypeKey(index.value(s)));
    }
}
