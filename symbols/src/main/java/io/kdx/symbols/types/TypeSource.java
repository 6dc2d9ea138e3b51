package io.kdx.symbols.types;

/** Where type nodes come from: DWARF DIEs (keys are .debug_info offsets) or a pack (keys are type indexes). */
public interface TypeSource {
    /** Key of "no type" (void): a DIE without DW_AT_type, or a pack's -1. */
    long VOID = -1;

    /** The node for {@code key}; throws {@link io.kdx.symbols.UncheckedSymbolsException} on corrupt input. */
    TypeNode load(long key, TypeGraph graph);
}
