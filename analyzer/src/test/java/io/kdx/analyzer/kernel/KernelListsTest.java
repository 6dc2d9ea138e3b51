package io.kdx.analyzer.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelListsTest {
    /** A list_head at offset 16 of 64-byte entries. */
    static long[] entries(SyntheticKernel s, long head, int n) {
        long[] e = new long[n];
        for (int i = 0; i < n; i++) e[i] = s.object(64);
        long prev = head;
        for (int i = 0; i < n; i++) {
            s.put64(prev, e[i] + 16);
            prev = e[i] + 16;
        }
        s.put64(prev, head);
        return e;
    }

    @Test
    void walksAListInOrderAndComesBack() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long head = s.variable("head", 16);
        long[] e = entries(s, head, 5);
        try (Kernel k = s.open()) {
            List<Long> seen = new ArrayList<>();
            KernelLists.Walk w = KernelLists.listForEach(k, head, 16, 100, x -> seen.add(x));
            assertTrue(w.complete(), w.note());
            assertEquals(5, w.visited());
            for (int i = 0; i < 5; i++) assertEquals(e[i], seen.get(i));
        }
    }

    @Test
    void aCycleThatMissesTheHeadEndsTheWalkWithANote() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long head = s.variable("head", 16);
        long[] e = entries(s, head, 4);
        s.put64(e[3] + 16, e[1] + 16); // last points back to the second
        try (Kernel k = s.open()) {
            KernelLists.Walk w = KernelLists.listForEach(k, head, 16, 100, x -> true);
            assertFalse(w.complete());
            assertEquals(4, w.visited());
            assertTrue(w.note().contains("cycle"), w.note());
        }
    }

    @Test
    void capNullAndUnreadableLinksEndTheWalk() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long head = s.variable("head", 16);
        long[] e = entries(s, head, 6);
        try (Kernel k = s.open()) {
            KernelLists.Walk w = KernelLists.listForEach(k, head, 16, 3, x -> true);
            assertEquals(3, w.visited());
            assertTrue(w.note().contains("cap"), w.note());
        }
        s.put64(e[2] + 16, 0);
        try (Kernel k = s.open()) {
            KernelLists.Walk w = KernelLists.listForEach(k, head, 16, 100, x -> true);
            assertEquals(3, w.visited());
            assertTrue(w.note().contains("NULL"), w.note());
        }
        s.put64(e[2] + 16, 0xffff_c900_dead_0000L);
        try (Kernel k = s.open()) {
            KernelLists.Walk w = KernelLists.listForEach(k, head, 16, 100, x -> true);
            assertTrue(w.note().contains("unreadable"), w.note());
        }
    }

    @Test
    void hlistEndsAtNullAndDetectsCycles() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long head = s.variable("hhead", 8);
        long a = s.object(64), b = s.object(64);
        s.put64(head, a + 8);
        s.put64(a + 8, b + 8);
        s.put64(b + 8, 0);
        try (Kernel k = s.open()) {
            List<Long> seen = new ArrayList<>();
            KernelLists.Walk w = KernelLists.hlistForEach(k, head, 8, 100, x -> seen.add(x));
            assertTrue(w.complete());
            assertEquals(List.of(a, b), seen);
        }
        s.put64(b + 8, a + 8);
        try (Kernel k = s.open()) {
            KernelLists.Walk w = KernelLists.hlistForEach(k, head, 8, 100, x -> true);
            assertTrue(w.note().contains("cycle"), w.note());
        }
    }

    /** rb_node {parent_color; rb_right; rb_left} at offset 24 of 64-byte entries: rb_right at +8, rb_left at +16. */
    @Test
    void anRbtreeIsWalkedInKeyOrderAndACycleEndsIt() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long[] e = new long[7];
        for (int i = 0; i < 7; i++) e[i] = s.object(64);
        // keys 0..6 as a balanced tree: 3 at the root, 1 and 5 below, then 0 2 4 6
        int[][] kids = {{3, 1, 5}, {1, 0, 2}, {5, 4, 6}};
        for (int[] c : kids) {
            s.put64(e[c[0]] + 24 + 16, e[c[1]] + 24);
            s.put64(e[c[0]] + 24 + 8, e[c[2]] + 24);
        }
        long root = s.object(8);
        s.put64(root, e[3] + 24);
        try (Kernel k = s.open()) {
            List<Long> seen = new ArrayList<>();
            KernelLists.Walk w = KernelLists.rbForEach(k, root, 24, 100, x -> seen.add(x));
            assertTrue(w.complete(), w.note());
            for (int i = 0; i < 7; i++) assertEquals(e[i], seen.get(i), "in-order position " + i);
            KernelLists.Walk capped = KernelLists.rbForEach(k, root, 24, 4, x -> true);
            assertEquals(4, capped.visited());
            assertTrue(capped.note().contains("cap"), capped.note());
        }
        s.put64(e[6] + 24 + 8, e[3] + 24); // the right child of 6 points back at the root
        try (Kernel k = s.open()) {
            KernelLists.Walk w = KernelLists.rbForEach(k, root, 24, 100, x -> true);
            assertFalse(w.complete());
            assertTrue(w.note().contains("cycle"), w.note());
        }
        s.put64(e[6] + 24 + 8, 0xffff_c900_dead_0000L);
        try (Kernel k = s.open()) {
            KernelLists.Walk w = KernelLists.rbForEach(k, root, 24, 100, x -> true);
            assertEquals(7, w.visited());
            assertTrue(w.note().contains("unreadable"), w.note());
        }
    }
}
