package io.kdx.analyzer.kernel;

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

    /** How a walk ended: {@code note} is null when it came back to the head (list_head) or NULL (hlist). */
    public record Walk(int visited, String note) {
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
            return new Walk(0, "list head unreadable: " + f.getMessage());
        }
        while (node != head) {
            if (node == 0) return new Walk(n, String.format("NULL next pointer after %d entries of the list at 0x%016x", n, head));
            if (n >= cap) return new Walk(n, String.format("stopped after %d entries of the list at 0x%016x (cap)", n, head));
            if (!seen.add(node)) return new Walk(n, String.format("cycle: node 0x%016x seen twice in the list at 0x%016x", node, head));
            n++;
            if (!visitor.test(node - linkOffset)) return new Walk(n, null);
            try {
                node = k.readPointer(node);
            } catch (MemoryFault f) {
                return new Walk(n, "list link unreadable: " + f.getMessage());
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
            return new Walk(0, "hlist head unreadable: " + f.getMessage());
        }
        while (node != 0) {
            if (n >= cap) return new Walk(n, String.format("stopped after %d entries of the hlist at 0x%016x (cap)", n, head));
            if (!seen.add(node)) return new Walk(n, String.format("cycle: node 0x%016x seen twice in the hlist at 0x%016x", node, head));
            n++;
            if (!visitor.test(node - linkOffset)) return new Walk(n, null);
            try {
                node = k.readPointer(node);
            } catch (MemoryFault f) {
                return new Walk(n, "hlist link unreadable: " + f.getMessage());
            }
        }
        return new Walk(n, null);
    }

    /**
     * Visits each entry of the rb_root whose first node is {@code root} (rb_root.rb_node) in key
     * order (in-order: left subtree, node, right subtree), as rb_first/rb_next would, with an
     * explicit stack. {@code leftOffset}/{@code rightOffset} are rb_node.rb_left/rb_right. Bounded by
     * {@code cap} nodes and by the tree's depth (an rbtree of n nodes is at most 2·log2(n+1) deep),
     * cycle-checked.
     */
    public static Walk rbInOrder(Kernel k, long root, long linkOffset, long leftOffset, long rightOffset, int cap,
            LongPredicate visitor) {
        LongSet seen = new LongSet();
        long[] stack = new long[128];
        int sp = 0, n = 0;
        long node = root;
        try {
            while (node != 0 || sp > 0) {
                while (node != 0) {
                    if (!seen.add(node)) return new Walk(n, String.format("cycle: rb_node 0x%016x reached twice", node));
                    if (sp == stack.length) return new Walk(n, String.format("rbtree deeper than %d at rb_node 0x%016x: not a valid rbtree", stack.length, node));
                    stack[sp++] = node;
                    node = k.readPointer(node + leftOffset);
                }
                node = stack[--sp];
                if (n >= cap) return new Walk(n, String.format("stopped after %d entries of the rbtree (cap)", n));
                n++;
                if (!visitor.test(node - linkOffset)) return new Walk(n, null);
                node = k.readPointer(node + rightOffset);
            }
        } catch (MemoryFault f) {
            return new Walk(n, "rb_node link unreadable: " + f.getMessage());
        }
        return new Walk(n, null);
    }
}
