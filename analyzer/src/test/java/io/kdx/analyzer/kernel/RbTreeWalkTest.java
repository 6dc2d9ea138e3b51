package io.kdx.analyzer.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.testkit.FakeKernel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared rbtree walk on a hand-built tree (rb_node {__rb_parent_color, rb_right, rb_left}, the
 * entries' node 8 bytes in): in order, stopped by the visitor, cut on a cycle and at the cap; and
 * {@link StructOffsets} answering from VMCOREINFO when the types lack a struct.
 */
class RbTreeWalkTest {
    final FakeKernel k = new FakeKernel();

    long entry(long key) {
        long e = k.alloc(32);
        k.putU64(e, key);
        return e;
    }

    void link(long parent, long left, long right) {
        if (left != 0) k.putU64(parent + 8 + 16, left + 8);
        if (right != 0) k.putU64(parent + 8 + 8, right + 8);
    }

    @Test
    void walksInOrderAndStops() {
        long root = k.alloc(8);
        long e1 = entry(1), e2 = entry(2), e3 = entry(3), e4 = entry(4), e5 = entry(5);
        //        4
        //      2   5
        //     1 3
        link(e4, e2, e5);
        link(e2, e1, e3);
        k.putU64(root, e4 + 8);
        List<Long> keys = new ArrayList<>();
        KernelLists.Walk w = KernelLists.rbForEach(k, root, 8, 100, e -> keys.add(k.readU64(e)));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), keys);
        assertTrue(w.complete());
        keys.clear();
        w = KernelLists.rbForEach(k, root, 8, 100, e -> keys.add(k.readU64(e)) && keys.size() < 2);
        assertEquals(List.of(1L, 2L), keys);
        assertNull(w.note());
        w = KernelLists.rbForEach(k, root, 8, 3, e -> true);
        assertEquals(3, w.visited());
        assertTrue(w.note().contains("cap"), w.note());
    }

    @Test
    void aCycleIsCutNotFollowed() {
        long root = k.alloc(8);
        long a = entry(1), b = entry(2);
        link(a, b, 0);
        link(b, a, 0); // b's left points back at a
        k.putU64(root, a + 8);
        KernelLists.Walk w = KernelLists.rbForEach(k, root, 8, 100, e -> true);
        assertFalse(w.complete());
        assertTrue(w.note().startsWith("cycle"), w.note());
    }

    @Test
    void anUnreadableLinkEndsTheWalkWithAReason() {
        long root = k.alloc(8);
        long a = entry(1);
        k.putU64(a + 8 + 8, 0x7000_0000_0000L); // right child nowhere
        k.putU64(root, a + 8);
        List<Long> seen = new ArrayList<>();
        KernelLists.Walk w = KernelLists.rbForEach(k, root, 8, 100, seen::add);
        assertEquals(List.of(a), seen);
        assertTrue(w.note().startsWith("rbtree link unreadable"), w.note());
    }

    @Test
    void offsetsFallBackToVmcoreinfo() {
        k.vmcoreinfo("OFFSET(page.flags)=0\nOFFSET(page.lru)=8\nSIZE(page)=64\n");
        assertEquals(8, StructOffsets.offset(k, "page", "lru"));
        assertEquals(64, StructOffsets.size(k, "page"));
        assertEquals(-1, StructOffsets.optional(k, "page", "mapping"));
        assertEquals(-1, StructOffsets.optionalSize(k, "slab"));
        org.junit.jupiter.api.Assertions.assertThrows(MissingTypeException.class, () -> StructOffsets.offset(k, "slab", "slab_cache"));
    }
}
