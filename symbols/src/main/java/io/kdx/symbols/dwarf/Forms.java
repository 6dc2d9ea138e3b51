package io.kdx.symbols.dwarf;

/** Sizes of DW_FORMs: fixed ones for the scan's fast path. */
final class Forms {
    private Forms() {}

    /** The encoded size of a form in a unit, or -1 when it varies (LEB128, strings, blocks, indirect). */
    static int fixedSize(int form, int addrSize, int offSize, int version) {
        return switch (form) {
            case Dw.FORM_addr -> addrSize;
            case Dw.FORM_data1, Dw.FORM_ref1, Dw.FORM_flag, Dw.FORM_strx1, Dw.FORM_addrx1 -> 1;
            case Dw.FORM_data2, Dw.FORM_ref2, Dw.FORM_strx2, Dw.FORM_addrx2 -> 2;
            case Dw.FORM_strx3, Dw.FORM_addrx3 -> 3;
            case Dw.FORM_data4, Dw.FORM_ref4, Dw.FORM_strx4, Dw.FORM_addrx4, Dw.FORM_ref_sup4 -> 4;
            case Dw.FORM_data8, Dw.FORM_ref8, Dw.FORM_ref_sig8, Dw.FORM_ref_sup8 -> 8;
            case Dw.FORM_data16 -> 16;
            case Dw.FORM_strp, Dw.FORM_line_strp, Dw.FORM_sec_offset, Dw.FORM_strp_sup, Dw.FORM_GNU_ref_alt,
                    Dw.FORM_GNU_strp_alt -> offSize;
            case Dw.FORM_ref_addr -> version <= 2 ? addrSize : offSize;
            case Dw.FORM_flag_present, Dw.FORM_implicit_const -> 0;
            default -> -1;
        };
    }

    static boolean known(int form) {
        return (form >= 0x01 && form <= 0x2c && form != 0x02) || form == Dw.FORM_GNU_addr_index || form == Dw.FORM_GNU_str_index
                || form == Dw.FORM_GNU_ref_alt || form == Dw.FORM_GNU_strp_alt;
    }
}
