package io.kdx.analyzer.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.testkit.FakeLinux;
import io.kdx.analyzer.testkit.FakeLinux.FreezeLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MountsTest {

    /** rootfs "/", ext4 on /mnt/data (frozen), tmpfs on /mnt/data/cache, and a second namespace. */
    static FakeLinux tree(FreezeLayout layout, int level) {
        FakeLinux l = new FakeLinux(layout);
        long rootSb = l.superBlock("rootfs", "rootfs");
        long root = l.dentry("/", 0);
        long rootMnt = l.mount(l.initNs, 0, 0, root, rootSb, "rootfs", 1);
        long mnt = l.dentry("mnt", root);
        long data = l.dentry("data", mnt);
        long dataSb = l.superBlock("ext4", "vda");
        l.freeze(dataSb, level);
        long dataRoot = l.dentry("/", 0);
        long dataMnt = l.mount(l.initNs, rootMnt, data, dataRoot, dataSb, "/dev/vda", 20);
        long cache = l.dentry("cache", dataRoot);
        l.mount(l.initNs, dataMnt, cache, l.dentry("/", 0), l.superBlock("tmpfs", "tmpfs"), "tmpfs", 21);
        long ns2 = l.namespace();
        l.task(100, "sshd", l.initNs);
        l.task(200, "container", ns2);
        long r2 = l.dentry("/", 0);
        l.mount(ns2, 0, 0, r2, l.superBlock("overlay", "overlay"), "overlay", 40);
        l.mount(ns2, l.k.readU64(ns2 + 24), l.dentry("proc", r2), l.dentry("/", 0), l.superBlock("proc", "proc"), "proc", 41);
        return l;
    }

    @ParameterizedTest
    @EnumSource(value = FreezeLayout.class, names = {"SB_WRITERS_INT", "SB_WRITERS_U16_6_6"})
    void everyMountOfEveryNamespaceWithPathsAndTheFreezeLevel(FreezeLayout layout) {
        FakeLinux l = tree(layout, 4);
        Mounts.Result r = Mounts.list(l.k);
        assertEquals(List.of(), r.problems());
        assertEquals(List.of("/", "/mnt/data", "/mnt/data/cache", "/", "/proc"),
                r.mounts().stream().map(MountInfo::mountpoint).toList());
        assertEquals(List.of("rootfs", "ext4", "tmpfs", "overlay", "proc"), r.mounts().stream().map(MountInfo::fstype).toList());
        MountInfo data = r.mounts().get(1);
        assertEquals("/dev/vda", data.device());
        assertEquals(4, data.frozen());
        assertEquals("SB_FREEZE_COMPLETE", data.frozenName());
        assertEquals(20, data.mntId());
        assertEquals(0, r.mounts().get(2).frozen());
        assertEquals("SB_UNFROZEN", r.mounts().get(2).frozenName());
        assertEquals(l.initNs, r.mounts().get(0).mntNamespace());
        assertTrue(r.mounts().get(3).mntNamespace() != l.initNs);
    }

    @Test
    void sixSixFrozenIsSixteenBitsWideAndTheNeighbourIsNotRead() {
        FakeLinux l = tree(FreezeLayout.SB_WRITERS_U16_6_6, 1);
        long sb = Mounts.list(l.k).mounts().get(1).superBlock();
        l.k.putU16(sb + FakeLinux.SB_WRITERS + 2, 3); // freeze_holders = FREEZE_HOLDER_KERNEL | USERSPACE
        FreezeLevel f = FreezeLevel.of(l.k);
        assertEquals(2, f.width());
        assertEquals(1, f.read(sb));
        assertEquals("SB_FREEZE_WRITE", f.name(1));
    }

    @Test
    void beforeThreeSixTheLevelIsSFrozenWithFreezeTrans() {
        FakeLinux l = tree(FreezeLayout.S_FROZEN_PRE_3_6, 2);
        MountInfo data = Mounts.list(l.k).mounts().get(1);
        assertEquals(2, data.frozen());
        assertEquals("SB_FREEZE_TRANS", data.frozenName());
        FreezeLevel f = FreezeLevel.of(l.k);
        assertEquals("s_frozen", f.field());
        assertEquals(2, f.complete());
    }
}
