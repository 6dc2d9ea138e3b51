package io.kdx.symbols;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Writes small ELF64 little-endian files for tests: sections with contents, a symbol table, a
 * GNU build-id note, and optionally zlib-compressed (SHF_COMPRESSED) sections. Section offsets and
 * sizes can be falsified to make hostile files.
 */
final class ElfBuilder {
    record Section(String name, int type, long flags, long addr, byte[] data) {}
    record Sym(String name, long value, long size, int info, int shndx) {}

    final List<Section> sections = new ArrayList<>();
    final List<Sym> syms = new ArrayList<>();
    /** Added to the recorded size of the named section (a hostile length). */
    String stretch;
    long stretchBy;

    ElfBuilder section(String name, int type, long flags, long addr, byte[] data) {
        sections.add(new Section(name, type, flags, addr, data));
        return this;
    }

    ElfBuilder compressed(String name, byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length * 2 + 64];
        int n = d.deflate(buf);
        d.end();
        ByteBuffer b = ByteBuffer.allocate(24 + n).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(0).putLong(data.length).putLong(1).put(buf, 0, n);
        return section(name, 1, 0x800, 0, b.array());
    }

    /** SHF_COMPRESSED with ELFCOMPRESS_ZSTD (2). */
    ElfBuilder zstd(String name, byte[] data) {
        byte[] z = com.github.luben.zstd.Zstd.compress(data);
        ByteBuffer b = ByteBuffer.allocate(24 + z.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2).putInt(0).putLong(data.length).putLong(1).put(z);
        return section(name, 1, 0x800, 0, b.array());
    }

    /** The GNU .zdebug_* form: "ZLIB", the size as a big-endian u64, a zlib stream. */
    ElfBuilder zdebug(String name, byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length * 2 + 64];
        int n = d.deflate(buf);
        d.end();
        ByteBuffer b = ByteBuffer.allocate(12 + n).order(ByteOrder.BIG_ENDIAN);
        b.put("ZLIB".getBytes(StandardCharsets.US_ASCII)).putLong(data.length).put(buf, 0, n);
        return section(name, 1, 0, 0, b.array());
    }

    ElfBuilder symbol(String name, long value, long size, int type, int shndx) {
        syms.add(new Sym(name, value, size, (1 << 4) | type, shndx));
        return this;
    }

    ElfBuilder buildId(byte[] id) {
        ByteBuffer b = ByteBuffer.allocate(16 + id.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4).putInt(id.length).putInt(3).put("GNU\0".getBytes(StandardCharsets.US_ASCII)).put(id);
        return section(".notes", 7, 2, 0xffffffff82000000L, b.array());
    }

    byte[] build() {
        List<Section> all = new ArrayList<>();
        all.add(new Section("", 0, 0, 0, new byte[0]));
        all.addAll(sections);
        int symtabIndex = -1;
        if (!syms.isEmpty()) {
            ByteArrayOutputStream str = new ByteArrayOutputStream();
            str.write(0);
            ByteBuffer st = ByteBuffer.allocate(24 * (syms.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
            st.position(24);
            for (Sym s : syms) {
                int off = str.size();
                str.writeBytes(s.name().getBytes(StandardCharsets.UTF_8));
                str.write(0);
                st.putInt(off).put((byte) s.info()).put((byte) 0).putShort((short) s.shndx()).putLong(s.value()).putLong(s.size());
            }
            symtabIndex = all.size();
            all.add(new Section(".symtab", 2, 0, 0, st.array()));
            all.add(new Section(".strtab", 3, 0, 0, str.toByteArray()));
        }
        ByteArrayOutputStream shstr = new ByteArrayOutputStream();
        int[] nameOff = new int[all.size() + 1];
        shstr.write(0);
        for (int i = 0; i < all.size(); i++) {
            nameOff[i] = shstr.size();
            shstr.writeBytes(all.get(i).name().getBytes(StandardCharsets.UTF_8));
            shstr.write(0);
        }
        nameOff[all.size()] = shstr.size();
        shstr.writeBytes(".shstrtab\0".getBytes(StandardCharsets.US_ASCII));
        all.add(new Section(".shstrtab", 3, 0, 0, shstr.toByteArray()));
        long pos = 64;
        long[] offs = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            pos = (pos + 7) & ~7L;
            offs[i] = pos;
            pos += all.get(i).data().length;
        }
        long shoff = (pos + 7) & ~7L;
        ByteBuffer f = ByteBuffer.allocate((int) (shoff + 64L * all.size())).order(ByteOrder.LITTLE_ENDIAN);
        f.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        f.putShort((short) 2).putShort((short) 62).putInt(1).putLong(0).putLong(0).putLong(shoff).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) 0).putShort((short) 64)
                .putShort((short) all.size()).putShort((short) (all.size() - 1));
        for (int i = 0; i < all.size(); i++) {
            f.position((int) offs[i]);
            f.put(all.get(i).data());
        }
        for (int i = 0; i < all.size(); i++) {
            Section s = all.get(i);
            long size = s.data().length + (s.name().equals(stretch) ? stretchBy : 0);
            int link = i == symtabIndex ? symtabIndex + 1 : 0;
            f.position((int) (shoff + 64L * i));
            f.putInt(nameOff[i]).putInt(s.type()).putLong(s.flags()).putLong(s.addr())
                    .putLong(i == 0 ? 0 : offs[i]).putLong(size).putInt(link).putInt(0).putLong(s.flags() == 0x800 ? 1 : 8)
                    .putLong(i == symtabIndex ? 24 : 0);
        }
        return f.array();
    }
}
