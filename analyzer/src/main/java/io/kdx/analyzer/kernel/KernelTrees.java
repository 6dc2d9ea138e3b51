package io.kdx.analyzer.kernel;

import java.util.function.LongPredicate;

/**
 * A bounded in-order walk of a red-black tree (include/linux/rbtree_types.h: rb_root {rb_node};
 * rb_node {__rb_parent_color, rb_right, rb_left}), as rb_first/rb_next visit it. The walk stops at
 * a cap, on a node seen twice (a cycle), on a path deeper than any balanced tree of that cap can be,
 * or on an unreadable link, and says which in its result ({@link KernelLists.Walk}).
 */
public final class KernelTrees {
    /** An rbtree of n nodes is at most 2 log2(n + 1) deep: 128 covers any tree of up to 2^63 nodes. */
    static final int MAX_DEPTH = 128;

    private KernelTrees() {}

    /**
     * Visits {@code entry = node - nodeOffset} for each rb_node of the rb_root at {@code root}, in
     * order, until the visitor returns false or the walk ends.
     */
    public static KernelLists.Walk rbForEach(Kernel k, long root, long nodeOffset, int cap, LongPredicate visitor) {
        long left = StructOffsets.optional(k, "rb_node", "rb_left"), right = StructOffsets.optional(k, "rb_node", "rb_right");
        if (left < 0 || right < 0) { // the layout since 2.6.18 (rbtree.h), when the types lack it
            right = 8;
            left = 16;
        }
        long[] stack = new long[MAX_DEPTH];
        LongSet seen = new LongSet();
        int sp = 0, n = 0;
        long node;
        try {
            node = k.readPointer(root);
            while (node != 0 || sp > 0) {
                while (node != 0) {
                    if (sp == stack.length) {
                        return new KernelLists.Walk(n, String.format("the rbtree at 0x%016x is deeper than %d nodes: cut", root, MAX_DEPTH));
                    }
                    if (!seen.add(node)) return new KernelLists.Walk(n, String.format("cycle: node 0x%016x seen twice in the rbtree at 0x%016x", node, root));
                    stack[sp++] = node;
                    node = k.readPointer(node + left);
                }
                node = stack[--sp];
                if (n >= cap) return new KernelLists.Walk(n, String.format("stopped after %d nodes of the rbtree at 0x%016x (cap)", n, root));
                n++;
                if (!visitor.test(node - nodeOffset)) return new KernelLists.Walk(n, null);
                node = k.readPointer(node + right);
            }
        } catch (MemoryFault f) {
            return new KernelLists.Walk(n, "rbtree link unreadable: " + f.getMessage());
        }
        return new KernelLists.Walk(n, null);
    }
}
