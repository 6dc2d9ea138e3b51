package io.kdx.symbols;

import java.util.List;

/**
 * One C type. {@link #target()} is the pointee (POINTER), element (ARRAY), aliased type (TYPEDEF,
 * CONST, VOLATILE) or return type (FUNCTION). Sizes are in bytes; -1 when the type has none (void,
 * function, a declaration that has no definition anywhere).
 */
public interface Type {
    enum Kind { VOID, BASE, STRUCT, UNION, ENUM, POINTER, ARRAY, TYPEDEF, CONST, VOLATILE, FUNCTION }

    Kind kind();

    /** The name as written after the keyword ("list_head" for struct list_head); null when anonymous. */
    String name();

    long size();

    Type target();

    /** ARRAY: number of elements, or 0 for a flexible array member. */
    long count();

    /** STRUCT/UNION: members in declaration order (anonymous members appear with a null name). */
    List<Member> members();

    /** ENUM: enumerators in declaration order. */
    List<Enumerator> enumerators();

    /** BASE: whether the encoding is signed. */
    boolean signed();

    /** This type with typedefs, const and volatile stripped. */
    Type resolved();

    /** C spelling, as pahole prints it: "struct list_head", "unsigned int", "char *", "long[4]". */
    String cName();

    /** Member by path, reaching through anonymous members as C does; null when absent. Offsets are from the start of this type. */
    Member member(String path);

    record Enumerator(String name, long value) {}
}
