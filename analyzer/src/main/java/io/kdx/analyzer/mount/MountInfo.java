package io.kdx.analyzer.mount;

/**
 * One mount as the dump holds it. Addresses are kernel virtual addresses; {@code frozen} is the
 * super_block's freeze level (0 = SB_UNFROZEN) or -1 when it could not be read.
 *
 * @param mount        struct mount
 * @param superBlock   struct super_block (mount.mnt.mnt_sb)
 * @param mntNamespace the struct mnt_namespace it was found in
 * @param mountpoint   the path, built through the mount tree as d_path does
 * @param unreadable   why the fields left null (or {@code superBlock} 0, {@code mntId} and {@code frozen} -1)
 *                     could not be read; null when all were read
 */
public record MountInfo(long mount, long superBlock, long mntNamespace, int mntId, String fstype, String device,
        String mountpoint, int frozen, String frozenName, String unreadable) {

    public boolean isFrozen() {
        return frozen > 0;
    }
}
