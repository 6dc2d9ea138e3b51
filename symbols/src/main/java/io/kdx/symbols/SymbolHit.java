package io.kdx.symbols;

/** A symbol found for an address: its name, start, size (0 when unknown) and the offset into it. */
public record SymbolHit(String name, long start, long size, long offset) {}
