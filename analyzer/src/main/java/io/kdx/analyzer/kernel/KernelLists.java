package io.kdx.analyzer.kernel;

import io.kdx.analyzer.text.Fmt;
import java.util.function.LongPredicate;

/**
 * Bounded walks of the kernel's intrusive lists (include/linux/list.h: list_head {next, prev};
 * hlist_head {first}, hlist_node {next, pprev}). Each walk stops at a cap, on a cycle, on a NULL or
 * unreadable link, and says which in its result.
 */
public final class KernelLists {
    /** Default cap: more tasks, mounts or modules than any machine has. */
    public static final int DEFAULT_CAP = 1 << 20;

    private KernelLists() {}

    /**
     * How a walk ended: {@code note} is null when it came back to the head (list_head) or NULL
     * (hlist); {@code fault} is the unreadable link that ended it (null when a cap, a cycle or a NULL
     * link did), so what could not be read is reported from the fault itself ({@link Unreadable}).
     */
    public record Walk(int visited, String note, MemoryFault fault) {
        public Walk(int visited, String note) {
            this(visited, note, null);
        }

        public boolean complete() {
            return note == null;
        }
    }

    /**
     * Visits {@code entry = node - linkOffset} for each node of the list_head at {@code head}, in
     * next order, until the visitor returns false or the walk ends.
     */
    public static Walk listForEach(Kernel k, long head, long linkOffset, int cap, LongPredicate visitor) {
        LongSet seen = new LongSet();
        int n = 0;
        long node;
        try {
            node = k.readPointer(head);
        } catch (MemoryFault f) {
            return new Walk(0, "list head unreadable: " + f.getMessage(), f);
        }
        while (node != head) {
            if (node == 0) return new Walk(n, Fmt.format("NULL next pointer after %d entries of the list at 0x%016x", n, head));
            if (n >= cap) return new Walk(n, Fmt.format("stopped after %d entries of the list at 0x%016x (cap)", n, head));
            if (!seen.add(node)) return new Walk(n, Fmt.format("cycle: node 0x%016x seen twice in the list at 0x%016x", node, head));
            n++;
            if (!visitor.test(node - linkOffset)) return new Walk(n, null);
            try {
                node = k.readPointer(node);
            } catch (MemoryFault f) {
                return new Walk(n, "list link unreadable: " + f.getMessage(), f);
            }
        }
        return new Walk(n, null);
    }

    /** Visits each entry of the hlist_head at {@code head}. */
    public static Walk hlistForEach(Kernel k, long head, long linkOffset, int cap, LongPredicate visitor) {
        LongSet seen = new LongSet();
        int n = 0;
        long node;
        try {
            node = k.readPointer(head);
        } catch (MemoryFault f) {
            return new Walk(0, "hlist head unreadable: " + f.getMessage(), f);
        }
        while (node != 0) {
            if (n >= cap) return new Walk(n, Fmt.format("stopped after %d entries of the hlist at 0x%016x (cap)", n, head));
            if (!seen.add(node)) return new Walk(n, Fmt.format("cycle: node 0x%016x seen twice in the hlist at 0x%016x", node, head));
            n++;
            if (!visitor.test(node - linkOffset)) return new Walk(n, null);
            try {
                node = k.readPointer(node);
            } catch (MemoryFault f) {
                return new Walk(n, "hlist link unreadable: " + f.getMessage(), f);
            }
        }
        return new Walk(n, null);
    }

    /** An rbtree of n nodes is at most 2 log2(n + 1) deep: 128 covers any tree of up to 2^63 nodes. */
    static final int MAX_RB_DEPTH = 128;

    /**
     * An rbtree (include/linux/rbtree_types.h: rb_root {rb_node}; rb_node {__rb_parent_color, rb_right,
     * rb_left}) walked in order, as rb_first/rb_next visit it, with an explicit stack. The walk stops
     * at the cap, on a node seen twice (a cycle), on a path deeper than any balanced tree can be, or
     * on an unreadable link, and says which.
     *
     * Visits {@code entry = node - nodeOffset} for each rb_node of the rb_root at {@code root}, in
     * order, until the visitor returns false or the walk ends.
     */
    public static Walk rbForEach(Kernel k, long root, long nodeOffset, int cap, LongPredicate visitor) {
        long left = StructOffsets.optional(k, "rb_node", "rb_left"), right = StructOffsets.optional(k, "rb_node", "rb_right");
        if (left < 0 || right < 0) { // the layout since 2.6.18 (rbtree.h), when the types lack it
            right = 8;
            left = 16;
        }
        long[] stack = new long[MAX_RB_DEPTH];
        LongSet seen = new LongSet();
        int sp = 0, n = 0;
        long node;
        try {
            node = k.readPointer(root);
            while (node != 0 || sp > 0) {
                while (node != 0) {
                    if (sp == stack.length) {
                        return new Walk(n, Fmt.format("the rbtree at 0x%016x is deeper than %d nodes: cut", root, MAX_RB_DEPTH));
                    }
                    if (!seen.add(node)) return new Walk(n, Fmt.format("cycle: node 0x%016x seen twice in the rbtree at 0x%016x", node, root));
                    stack[sp++] = node;
                    node = k.readPointer(node + left);
                }
                node = stack[--sp];
                if (n >= cap) return new Walk(n, Fmt.format("stopped after %d nodes of the rbtree at 0x%016x (cap)", n, root));
                n++;
                if (!visitor.test(node - nodeOffset)) return new Walk(n, null);
                node = k.readPointer(node + right);
            }
        } catch (MemoryFault f) {
            return new Walk(n, "rbtree link unreadable: " + f.getMessage(), f);
        }
        return new Walk(n, null);
    }
    /** Visits one entry of a wait queue: the entry's address and its {@code private} (the waiting task). */
    @FunctionalInterface
    public interface WaitVisitor {
        boolean visit(long entry, long task);
    }

    /**
     * A wait queue (include/linux/wait.h: wait_queue_head {lock; head}, its entries wait_queue_entry
     * {flags; private; func; entry}; before 4.13 __wait_queue_head {lock; task_list} and __wait_queue
     * {…; task_list}): visits each entry with its {@code private}, the task that sleeps on it (for
     * autoremove and default wake functions; a custom waker may keep something else there), walked as
     * {@link #listForEach} walks. An entry whose {@code private} cannot be read ends the walk, said
     * with its fault.
     */
    public static Walk waitQueueForEach(Kernel k, long wqHead, int cap, WaitVisitor v) {
        boolean modern = k.hasMember("wait_queue_entry", "entry");
        String headStruct = k.hasMember("wait_queue_head", "head") || k.hasMember("wait_queue_head", "task_list")
                ? "wait_queue_head" : "__wait_queue_head";
        String struct = modern ? "wait_queue_entry" : "__wait_queue";
        long head = wqHead + k.offsetOf(headStruct, k.hasMember(headStruct, "head") ? "head" : "task_list");
        long linkOff = k.offsetOf(struct, modern ? "entry" : "task_list");
        long privOff = k.offsetOf(struct, "private");
        MemoryFault[] bad = {null};
        Walk w = listForEach(k, head, linkOff, cap, e -> {
            long task;
            try {
                task = k.readPointer(e + privOff);
            } catch (MemoryFault f) {
                bad[0] = f;
                return false;
            }
            return v.visit(e, task);
        });
        if (bad[0] != null) return new Walk(w.visited(), "wait queue entry unreadable: " + bad[0].getMessage(), bad[0]);
        return w;
    }
}
