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
}
