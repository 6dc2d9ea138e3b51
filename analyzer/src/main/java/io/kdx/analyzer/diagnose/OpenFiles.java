package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.mount.Mounts;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's open files on one super_block: task->files->fdt->fd[n] = file, file->f_mapping->host =
 * inode, inode->i_sb. Supporting evidence for a frozen-filesystem waiter: which of its files live on
 * the frozen filesystem (the one it writes is among them).
 */
final class OpenFiles {
    static final int MAX_FDS = 1 << 16, MAX_SHOWN = 4;

    private OpenFiles() {}

    /** One line per open file on {@code sb}: "fd N path: file ADDR -> f_mapping ADDR -> host ADDR -> i_sb ADDR". */
    static List<String> on(Kernel k, long task, long sb) {
        List<String> out = new ArrayList<>();
        try {
            long files = k.readPointer(task + k.offsetOf("task_struct", "files"));
            if (files == 0) return out;
            long fdt = k.readPointer(files + k.offsetOf("files_struct", "fdt"));
            int max = Math.min(k.readU32(fdt + k.offsetOf("fdtable", "max_fds")), MAX_FDS);
            long fd = k.readPointer(fdt + k.offsetOf("fdtable", "fd"));
            long mappingOff = k.offsetOf("file", "f_mapping"), hostOff = k.offsetOf("address_space", "host");
            long iSbOff = k.offsetOf("inode", "i_sb");
            long mntOff = k.offsetOf("file", "f_path.mnt"), dentryOff = k.offsetOf("file", "f_path.dentry");
            long vfsmountInMount = k.offsetOf("mount", "mnt");
            int unread = 0;
            String firstUnread = null;
            for (int i = 0; i < max && out.size() < MAX_SHOWN; i++) {
                long f;
                try {
                    f = k.readPointer(fd + 8L * i);
                } catch (MemoryFault e) {
                    out.add(Fmt.format("fd %d and above unreadable (fd array 0x%x): %s", i, fd, e.getMessage()));
                    break;
                }
                if (f == 0) continue;
                try {
                    long mapping = k.readPointer(f + mappingOff);
                    long host = mapping == 0 ? 0 : k.readPointer(mapping + hostOff);
                    if (host == 0 || k.readPointer(host + iSbOff) != sb) continue;
                    String path;
                    try {
                        path = Mounts.path(k, k.readPointer(f + mntOff) - vfsmountInMount, k.readPointer(f + dentryOff));
                    } catch (MemoryFault e) {
                        path = "(path unreadable)";
                    }
                    out.add(Fmt.format("fd %d %s: file 0x%x -> f_mapping 0x%x -> host (inode) 0x%x -> i_sb = super_block 0x%x",
                            i, path, f, mapping, host, sb));
                } catch (MemoryFault e) {
                    // one unreadable file does not hide the others, and is said, not skipped (issue #12)
                    if (unread++ == 0) firstUnread = Fmt.format("fd %d file 0x%x: %s", i, f, e.getMessage());
                }
            }
            if (unread > 0) out.add(unread + " open file(s) unreadable, so not known to be on this filesystem or not (first: " + firstUnread + ")");
        } catch (MemoryFault | MissingTypeException e) {
            out.add("open files unreadable: " + e.getMessage());
        }
        return out;
    }
}
