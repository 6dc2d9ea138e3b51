package io.kdx.analyzer.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdx.analyzer.testkit.FakeKernel;
import io.kdx.analyzer.testkit.FakeLinux;
import io.kdx.analyzer.testkit.FakeLinux.FreezeLayout;
import io.kdx.analyzer.testkit.FakeTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 6.8+: a namespace keeps its mounts in the rb-tree mnt_namespace.mounts, linked by mount.mnt_node. */
class MountTreeTest {
    static final long NODE = 320; // mount.mnt_node, appended after the 6.1 members in this synthetic layout

    @Test
    void mountsOfTheRbTreeInOrder() {
        FakeLinux l = new FakeLinux(FreezeLayout.SB_WRITERS_U16_6_6);
        FakeKernel k = l.k;
        // replace the namespace layout: no list, an rb_root "mounts"
        FakeTypes t = k.types;
        t.replace("mnt_namespace", 120).member("root", 24, 8).member("mounts", 64, 8);
        t.struct("mount", 344).member("mnt_node", NODE, 24);
        t.struct("rb_node", 24).member("__rb_parent_color", 0, 8).member("rb_right", 8, 8).member("rb_left", 16, 8);

        long ns = k.alloc(120);
        long root = l.dentry("/", 0);
        long rootSb = l.superBlock("rootfs", "rootfs");
        long m1 = mount(l, 0, 0, root, rootSb, "rootfs", 1);
        long m2 = mount(l, m1, l.dentry("proc", root), l.dentry("/", 0), l.superBlock("proc", "proc"), "proc", 2);
        long m3 = mount(l, m1, l.dentry("data", root), l.dentry("/", 0), l.superBlock("xfs", "sdb"), "/dev/sdb", 3);
        // tree: m2 at the root, m1 its left child, m3 its right child -> in order m1, m2, m3
        k.putU64(ns + 64, m2 + NODE);
        k.putU64(m2 + NODE + 16, m1 + NODE);
        k.putU64(m2 + NODE + 8, m3 + NODE);
        java.util.List<io.kdx.analyzer.kernel.Unreadable> problems = new java.util.ArrayList<>();
        assertEquals(List.of(m1, m2, m3), Mounts.mountsOf(k, ns, problems));
        assertEquals(List.of(), problems);
        assertEquals("/data", Mounts.mountpoint(k, m3));
    }

    static long mount(FakeLinux l, long parent, long mp, long root, long sb, String dev, int id) {
        long m = l.k.alloc(344);
        l.k.putU64(m + 16, parent == 0 ? m : parent);
        l.k.putU64(m + 24, mp == 0 ? root : mp);
        l.k.putU64(m + 32, root);
        l.k.putU64(m + 40, sb);
        l.k.putU64(m + 136, l.k.string(dev));
        l.k.putU32(m + 292, id);
        return m;
    }
}
