package io.kdx.dump.elf;

import io.kdx.dump.DumpException;
import io.kdx.dump.io.MappedFile;

/**
 * The fields of an ELF64 header a vmcore reader needs. QEMU 7.2 writes e_ehsize = 8 and puts its program
 * headers at e_phoff = 192 behind two section headers: follow e_phoff, never assume they follow the
 * header. More than 0xfffe program headers (PN_XNUM) leaves the count in section header 0's sh_info.
 */
public record ElfHeader(int type, int machine, int flags, long phoff, int phentsize, long phnum, int ehsize, int shnum) {
    static final int PT_LOAD = 1, PT_NOTE = 4;
    static final int ET_CORE = 4;
    static final int PN_XNUM = 0xffff;

    public static boolean isElf(MappedFile f) {
        return f.size() >= 4 && f.getInt(0) == 0x464c457f;
    }

    static ElfHeader read(MappedFile f) throws DumpException {
        if (f.size() < 64) throw new DumpException(f.path(), "truncated ELF header (" + f.size() + " bytes)");
        if (!isElf(f)) throw new DumpException(f.path(), "not an ELF file");
        int cls = f.getByte(4), data = f.getByte(5);
        if (cls != 2) throw new DumpException(f.path(), "32-bit ELF dumps are not supported (EI_CLASS " + cls + ")");
        if (data != 1) throw new DumpException(f.path(), "big-endian ELF dumps are not supported (EI_DATA " + data + ")");
        int type = f.getInt(16) & 0xffff, machine = f.getInt(18) & 0xffff;
        if (type != ET_CORE) throw new DumpException(f.path(), "ELF file is not a core dump (e_type " + type + ")");
        int flags = f.getInt(48);
        long phoff = f.getLong(32);
        long shoff = f.getLong(40);
        int phentsize = f.getInt(54) & 0xffff;
        long phnum = f.getInt(56) & 0xffff;
        if (phnum == PN_XNUM) {
            if (shoff <= 0 || shoff > f.size() - 64) throw new DumpException(f.path(), "PN_XNUM without a section header 0");
            phnum = f.getInt(shoff + 44) & 0xffffffffL;
        }
        if (phnum == 0) throw new DumpException(f.path(), "ELF core without program headers");
        if (phentsize < 56) throw new DumpException(f.path(), "e_phentsize " + phentsize + " is too small for ELF64");
        if (phoff < 0 || phoff > f.size() || phnum * phentsize > f.size() - phoff) {
            throw new DumpException(f.path(), "program headers (" + phnum + " at offset " + phoff + ") run past the end of the file");
        }
        return new ElfHeader(type, machine, flags, phoff, phentsize, phnum, f.getInt(52) & 0xffff, f.getInt(60) & 0xffff);
    }
}
