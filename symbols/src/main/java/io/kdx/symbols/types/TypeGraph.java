package io.kdx.symbols.types;

import java.util.concurrent.ConcurrentHashMap;

/** Materialises type nodes on first use and caches them; thread-safe. */
public final class TypeGraph {
    private final TypeSource source;
    private final ConcurrentHashMap<Long, TypeNode> cache = new ConcurrentHashMap<>();
    final TypeNode voidType;

    public TypeGraph(TypeSource source) {
        this.source = source;
        this.voidType = TypeNode.voidNode(this);
    }

    public TypeNode get(long key) {
        if (key == TypeSource.VOID) return voidType;
        TypeNode t = cache.get(key);
        if (t != null) return t;
        t = source.load(key, this);
        TypeNode prev = cache.putIfAbsent(key, t);
        return prev != null ? prev : t;
    }

    public TypeNode voidType() {
        return voidType;
    }

    public int cached() {
        return cache.size();
    }
}
