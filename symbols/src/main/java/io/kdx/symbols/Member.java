package io.kdx.symbols;

/**
 * A struct or union member. {@code offset} is in bytes from the start of the outermost type it was
 * looked up in; for bit fields {@code bitOffset} counts bits from that byte offset (little-endian
 * order, as DW_AT_data_bit_offset does) and {@code bitSize} is the width; both are 0 otherwise.
 */
public record Member(String name, long offset, Type type, int bitOffset, int bitSize) {
    public boolean isBitField() {
        return bitSize != 0;
    }

    public long size() {
        return type.size();
    }
}
