package io.kdx.dump.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** ELF notes as the kernel and QEMU write them: NT_PRSTATUS per CPU, QEMU CPU state, VMCOREINFO. */
public final class Notes {
    private Notes() {}

    /** Register word {@code i} of CPU {@code cpu} in the synthetic dumps: recognisable, never zero. */
    public static long reg(int cpu, int i) {
        return 0xffff_8880_0000_0000L + ((long) cpu << 16) + i * 8L + 8;
    }

    public static byte[] build(Memory m, boolean qemu) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int cpu = 0; cpu < m.cpus; cpu++) {
            ByteBuffer d = ByteBuffer.allocate(336).order(ByteOrder.LITTLE_ENDIAN);
            d.putInt(32, 1000 + cpu);
            for (int i = 0; i < 27; i++) d.putLong(112 + 8 * i, reg(cpu, i));
            note(out, "CORE", 1, d.array());
            if (qemu) {
                ByteBuffer q = ByteBuffer.allocate(440).order(ByteOrder.LITTLE_ENDIAN);
                q.putInt(0, 1).putInt(4, 440);
                for (int i = 0; i < 18; i++) q.putLong(8 + 8 * i, reg(cpu, 100 + i));
                for (int i = 0; i < 10; i++) q.putLong(152 + 24 * i + 16, reg(cpu, 200 + i));
                for (int i = 0; i < 5; i++) q.putLong(392 + 8 * i, reg(cpu, 300 + i));
                q.putLong(432, reg(cpu, 400));
                note(out, "QEMU", 0, q.array());
            }
        }
        if (m.vmcoreinfo != null) note(out, "VMCOREINFO", 0, m.vmcoreinfo.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static void note(ByteArrayOutputStream out, String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(n.length).putInt(desc.length).putInt(type);
        out.writeBytes(h.array());
        out.writeBytes(n);
        out.writeBytes(new byte[pad(n.length)]);
        out.writeBytes(desc);
        out.writeBytes(new byte[pad(desc.length)]);
    }

    static int pad(int n) {
        return (4 - (n & 3)) & 3;
    }
}
