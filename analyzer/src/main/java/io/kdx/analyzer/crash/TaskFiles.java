package io.kdx.analyzer.crash;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.mount.Mounts;
import io.kdx.analyzer.tasks.TaskInfo;

/**
 * crash's {@code files PID}: the task's root and working directory, then one line per open file
 * descriptor (FD, FILE, DENTRY, INODE, TYPE, PATH), read through task->files->fdt.
 */
final class TaskFiles {
    static final int MAX_FDS = 1 << 16;

    private TaskFiles() {}

    static void print(CrashSession s, TaskInfo t, StringBuilder sb) {
        Kernel k = s.kernel;
        sb.append(TaskCommands.header(t));
        long vfsmountInMount = k.offsetOf("mount", "mnt");
        long fs = k.readPointer(t.task() + k.offsetOf("task_struct", "fs"));
        if (fs != 0) {
            String root = path(k, fs + k.offsetOf("fs_struct", "root"), vfsmountInMount);
            String pwd = path(k, fs + k.offsetOf("fs_struct", "pwd"), vfsmountInMount);
            sb.append("ROOT: ").append(root).append("    CWD: ").append(pwd).append('\n');
        }
        long files = k.readPointer(t.task() + k.offsetOf("task_struct", "files"));
        if (files == 0) {
            sb.append("No open files\n");
            return;
        }
        long fdt = k.readPointer(files + k.offsetOf("files_struct", "fdt"));
        int max = Math.min(k.readU32(fdt + k.offsetOf("fdtable", "max_fds")), MAX_FDS);
        long fd = k.readPointer(fdt + k.offsetOf("fdtable", "fd"));
        long pathOff = k.offsetOf("file", "f_path");
        long dentryOff = k.offsetOf("file", "f_path.dentry");
        long inodeOff = k.offsetOf("dentry", "d_inode");
        long modeOff = k.offsetOf("inode", "i_mode");
        boolean any = false;
        for (int i = 0; i < max; i++) {
            long f = k.readPointer(fd + 8L * i);
            if (f == 0) continue;
            if (!any) sb.append(" FD       FILE            DENTRY           INODE       TYPE PATH\n");
            any = true;
            try {
                long dentry = k.readPointer(f + dentryOff);
                long inode = dentry == 0 ? 0 : k.readPointer(dentry + inodeOff);
                String type = inode == 0 ? "?" : type(k.readU16(inode + modeOff));
                sb.append(Fmt.format("%3d %016x %016x %016x %-4s %s%n", i, f, dentry, inode, type,
                        path(k, f + pathOff, vfsmountInMount)));
            } catch (MemoryFault e) {
                sb.append(Fmt.format("%3d %016x (unreadable: %s)%n", i, f, e.getMessage()));
            }
        }
        if (!any) sb.append("No open files\n");
    }

    /** A struct path {mnt, dentry} at {@code at} as d_path prints it. */
    private static String path(Kernel k, long at, long vfsmountInMount) {
        try {
            long mnt = k.readPointer(at + k.offsetOf("path", "mnt"));
            long dentry = k.readPointer(at + k.offsetOf("path", "dentry"));
            if (mnt == 0 || dentry == 0) return "?";
            return Mounts.path(k, mnt - vfsmountInMount, dentry);
        } catch (MemoryFault e) {
            return "(unreadable)";
        }
    }

    /** The file type of i_mode as crash names it. */
    static String type(int mode) {
        return switch (mode & 0170000) {
            case 0140000 -> "SOCK";
            case 0120000 -> "LNK";
            case 0100000 -> "REG";
            case 0060000 -> "BLK";
            case 0040000 -> "DIR";
            case 0020000 -> "CHR";
            case 0010000 -> "FIFO";
            default -> "UNKN";
        };
    }
}
