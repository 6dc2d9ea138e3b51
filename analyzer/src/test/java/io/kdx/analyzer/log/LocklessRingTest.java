package io.kdx.analyzer.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.testkit.FakeKernel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lockless ring laid out by hand with Linux 6.1's offsets (pahole on Debian's 6.1 vmlinux). */
class LocklessRingTest {
    static final int COUNT_BITS = 2, SIZE_BITS = 7; // 4 descriptors, 128 bytes of text
    static final long SV_COMMITTED = 1L << 62, SV_FINALIZED = 2L << 62, SV_REUSABLE = 3L << 62;

    FakeKernel k = new FakeKernel();
    long descs, infos, data;

    void layout(boolean dwarf) {
        if (dwarf) {
            k.types.struct("printk_ringbuffer", 88).member("desc_ring", 0, 48).member("text_data_ring", 48, 32);
            k.types.struct("prb_desc_ring", 48).member("count_bits", 0, 4).member("descs", 8, 8).member("infos", 16, 8)
                    .member("head_id", 24, 8).member("tail_id", 32, 8);
            k.types.struct("prb_data_ring", 32).member("size_bits", 0, 4).member("data", 8, 8);
            k.types.struct("prb_desc", 24).member("state_var", 0, 8).member("text_blk_lpos", 8, 16);
            k.types.struct("prb_data_blk_lpos", 16).member("begin", 0, 8).member("next", 8, 8);
            k.types.struct("printk_info", 88).member("seq", 0, 8).member("ts_nsec", 8, 8).member("text_len", 16, 2)
                    .member("facility", 18, 1).bits("level", 19, 5, 3);
        } else {
            // Only what the kernel's VMCOREINFO exports (log_buf_vmcoreinfo_setup()).
            k.vmcoreinfo("""
                    OFFSET(printk_ringbuffer.desc_ring)=0
                    OFFSET(printk_ringbuffer.text_data_ring)=48
                    OFFSET(prb_desc_ring.count_bits)=0
                    OFFSET(prb_desc_ring.descs)=8
                    OFFSET(prb_desc_ring.infos)=16
                    OFFSET(prb_desc_ring.head_id)=24
                    OFFSET(prb_desc_ring.tail_id)=32
                    OFFSET(prb_data_ring.size_bits)=0
                    OFFSET(prb_data_ring.data)=8
                    SIZE(prb_desc)=24
                    OFFSET(prb_desc.state_var)=0
                    OFFSET(prb_desc.text_blk_lpos)=8
                    OFFSET(prb_data_blk_lpos.begin)=0
                    OFFSET(prb_data_blk_lpos.next)=8
                    SIZE(printk_info)=88
                    OFFSET(printk_info.seq)=0
                    OFFSET(printk_info.ts_nsec)=8
                    OFFSET(printk_info.text_len)=16
                    """);
        }
        long rb = k.alloc(88);
        long prbVar = k.allocSymbol("prb", 8);
        k.putU64(prbVar, rb);
        descs = k.alloc(24L << COUNT_BITS);
        infos = k.alloc(88L << COUNT_BITS);
        data = k.alloc(1L << SIZE_BITS);
        k.putU32(rb, COUNT_BITS);
        k.putU64(rb + 8, descs);
        k.putU64(rb + 16, infos);
        k.putU32(rb + 48, SIZE_BITS);
        k.putU64(rb + 56, data);
    }

    void ids(long tail, long head) {
        long rb = k.readU64(k.symbol("prb"));
        k.putU64(rb + 24, head);
        k.putU64(rb + 32, tail);
    }

    /** Writes descriptor {@code id} with its text at lpos [begin, next) of the data ring. */
    void record(long id, long state, long begin, long next, long seq, long ts, int level, String text) {
        int idx = (int) (id & ((1 << COUNT_BITS) - 1));
        long d = descs + idx * 24L;
        k.putU64(d, state | id);
        k.putU64(d + 8, begin);
        k.putU64(d + 16, next);
        long i = infos + idx * 88L;
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        k.putU64(i, seq);
        k.putU64(i + 8, ts);
        k.putU16(i + 16, t.length);
        k.putU8(i + 19, level << 5);
        int size = 1 << SIZE_BITS;
        long start = (begin % size) > (next % size) ? 0 : begin % size; // a wrapped block sits at the start
        k.putU64(data + start, id);
        k.putBytes(data + start + 8, t);
    }

    @Test
    void readsCommittedAndFinalizedRecordsFromTailToHeadIncludingAWrappedBlock() {
        layout(true);
        // ids 5..8 (indices 1,2,3,0); id 6 is reusable (dropped); id 8's block wraps around lpos 128.
        record(5, SV_FINALIZED, 128 + 24, 128 + 56, 10, 1_500_000_000L, 6, "Linux version 6.1");
        record(6, SV_REUSABLE, 128 + 56, 128 + 64, 11, 1_600_000_000L, 6, "");
        record(7, SV_FINALIZED, 128 + 64, 128 + 104, 12, 12_345_678_901L, 4, "audit: backlog limit exceeded");
        record(8, SV_COMMITTED, 128 + 104, 256 + 24, 13, 123_456_789_012L, 3, "wrapped text");
        ids(5, 8);
        KernelLog log = KernelLogs.read(k);
        assertEquals("lockless ring", log.layout());
        assertEquals(List.of(), log.problems());
        assertEquals(List.of("Linux version 6.1", "audit: backlog limit exceeded", "wrapped text"),
                log.records().stream().map(LogRecord::message).toList());
        assertEquals(List.of(10L, 12L, 13L), log.records().stream().map(LogRecord::seq).toList());
        assertEquals(4, log.records().get(1).level());
        assertEquals("[    1.500000] Linux version 6.1", DmesgFormat.line(log.records().get(0)));
        assertEquals("[  123.456789] wrapped text", DmesgFormat.line(log.records().get(2)));
    }

    @Test
    void worksFromVmcoreinfoAloneWhenDwarfLacksThePrintkStructs() {
        layout(false);
        record(1, SV_FINALIZED, 0, 24, 0, 0, 6, "first");
        record(2, SV_FINALIZED, 24, 48, 1, 1000, 6, "second");
        ids(1, 2);
        KernelLog log = KernelLogs.read(k);
        assertEquals(List.of("first", "second"), log.records().stream().map(LogRecord::message).toList());
        assertEquals(-1, log.records().get(0).level());
    }

    @Test
    void aDescriptorWhoseIdDoesNotMatchIsSkipped() {
        layout(true);
        record(1, SV_FINALIZED, 0, 24, 0, 0, 6, "old");
        record(2, SV_FINALIZED, 24, 48, 1, 1000, 6, "kept");
        k.putU64(descs + 24, SV_FINALIZED | 9); // index 1 now holds id 9, not the id 1 the walk expects
        ids(1, 2);
        assertEquals(List.of("kept"), KernelLogs.read(k).records().stream().map(LogRecord::message).toList());
    }

    @Test
    void anUnreadableRingIsReportedNotThrown() {
        layout(true);
        long rb = k.readU64(k.symbol("prb"));
        k.putU64(rb + 56, 0xdead000000000000L); // data pointer into nowhere
        ids(0, 0);
        KernelLog log = KernelLogs.read(k);
        assertTrue(log.records().isEmpty());
        assertTrue(log.problems().getFirst().contains("text data ring"), log.problems().toString());
    }
}
