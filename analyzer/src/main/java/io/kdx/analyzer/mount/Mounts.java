package io.kdx.analyzer.mount;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every mount of every mount namespace. Namespaces are found through the tasks (there is no global
 * list of them before 6.9): init_task's first, then each other task's nsproxy->mnt_ns. A namespace
 * keeps its mounts on the list {@code mnt_namespace.list} through {@code mount.mnt_list} up to 6.7,
 * and in the rb-tree {@code mnt_namespace.mounts} through {@code mount.mnt_node} from 6.8.
 */
public final class Mounts {
    static final int MAX_TASKS = 1 << 22, MAX_MOUNTS = 1 << 20, MAX_DEPTH = 4096;

    private Mounts() {}

    /** The result: the mounts, and one record for each thing that could not be read. */
    public record Result(List<MountInfo> mounts, List<Unreadable> unreadable) {
        /** The sentences of {@link #unreadable()}. */
        public List<String> problems() {
            return Unreadable.texts(unreadable);
        }
    }

    public static Result list(Kernel k) {
        List<Unreadable> problems = new ArrayList<>();
        List<MountInfo> out = new ArrayList<>();
        FreezeLevel freeze = FreezeLevel.of(k);
        for (long ns : namespaces(k, problems)) {
            try {
                for (long m : mountsOf(k, ns, problems)) out.add(describe(k, freeze, ns, m, problems));
            } catch (MemoryFault f) {
                problems.add(Unreadable.of(Unreadable.MOUNT_LIST, Fmt.format("mount list of namespace 0x%x", ns), f,
                        Fmt.format("mount namespace 0x%x: mount list unreadable: %s", ns, f.getMessage())));
            }
        }
        return new Result(out, problems);
    }

    /** Distinct mnt_namespace addresses, init_task's first. */
    static Set<Long> namespaces(Kernel k, List<Unreadable> problems) {
        Set<Long> out = new LinkedHashSet<>();
        long init = k.symbol("init_task");
        if (init == 0) {
            problems.add(Unreadable.of(Unreadable.MOUNT_LIST, "init_task", "no init_task symbol: mount namespaces cannot be found"));
            return out;
        }
        long tasksOff = k.offsetOf("task_struct", "tasks");
        long nsproxyOff = k.offsetOf("task_struct", "nsproxy");
        long mntNsOff = k.offsetOf("nsproxy", "mnt_ns");
        java.util.function.LongPredicate visit = t -> {
            try {
                long nsproxy = k.readPointer(t + nsproxyOff);
                if (nsproxy != 0) {
                    long ns = k.readPointer(nsproxy + mntNsOff);
                    if (ns != 0) out.add(ns);
                }
            } catch (MemoryFault f) {
                problems.add(Unreadable.of(Unreadable.MOUNT_LIST, Fmt.format("task_struct 0x%x .nsproxy->mnt_ns", t), f,
                        Fmt.format("task 0x%x: its mount namespace unreadable (%s)", t, f.getMessage())));
            }
            return true;
        };
        visit.test(init);
        KernelLists.Walk w = KernelLists.listForEach(k, init + tasksOff, tasksOff, MAX_TASKS, visit);
        if (!w.complete()) {
            problems.add(Unreadable.of(Unreadable.MOUNT_LIST, "init_task.tasks", w,
                    Fmt.format("task list broken after %d tasks (%s): namespaces of later tasks not seen", w.visited(), w.note())));
        }
        return out;
    }

    /**
     * The struct mount addresses of one namespace, in the kernel's order, walked by the bounded
     * {@link KernelLists} helpers; a walk cut short (an unreadable link, a cycle) is a problem.
     */
    static List<Long> mountsOf(Kernel k, long ns, List<Unreadable> problems) {
        List<Long> out = new ArrayList<>();
        KernelLists.Walk w;
        if (k.hasMember("mnt_namespace", "list")) { // up to 6.7
            long head = ns + k.offsetOf("mnt_namespace", "list");
            w = KernelLists.listForEach(k, head, k.offsetOf("mount", "mnt_list"), MAX_MOUNTS, m -> out.add(m));
        } else { // 6.8+: rb_root mounts, ordered by mnt_id_unique; walked in order
            w = KernelLists.rbForEach(k, ns + k.offsetOf("mnt_namespace", "mounts"), k.offsetOf("mount", "mnt_node"), MAX_MOUNTS, m -> out.add(m));
        }
        if (!w.complete()) {
            problems.add(Unreadable.of(Unreadable.MOUNT_LIST, Fmt.format("mount list of namespace 0x%x", ns), w,
                    Fmt.format("mount namespace 0x%x: mount list: %s", ns, w.note())));
        }
        return out;
    }

    static MountInfo describe(Kernel k, FreezeLevel freeze, long ns, long m, List<Unreadable> problems) {
        long sb = 0;
        String fstype = null, device = null, path = null;
        int frozen = -1, id = -1;
        String why = null;
        try {
            sb = k.readPointer(m + k.offsetOf("mount", "mnt.mnt_sb"));
            id = k.readU32(m + k.offsetOf("mount", "mnt_id"));
            long devname = k.readPointer(m + k.offsetOf("mount", "mnt_devname"));
            device = devname == 0 ? "none" : k.readCString(devname, 4096);
            long type = k.readPointer(sb + k.offsetOf("super_block", "s_type"));
            fstype = k.readCString(k.readPointer(type + k.offsetOf("file_system_type", "name")), 256);
            frozen = freeze.read(sb);
            path = mountpoint(k, m);
        } catch (MemoryFault f) {
            why = f.getMessage();
            problems.add(Unreadable.of(Unreadable.MOUNT_LIST, Fmt.format("mount 0x%x", m), f, Fmt.format("mount 0x%x: %s", m, why)));
        }
        return new MountInfo(m, sb, ns, id, fstype, device, path, frozen, frozen < 0 ? null : freeze.name(frozen), why);
    }

    /**
     * The mount point's path, as d_path builds it: climb dentries to the mount's root, then cross
     * to the parent mount at its mount point, until the namespace's root mount (its own parent).
     */
    public static String mountpoint(Kernel k, long m) {
        long parent = k.readPointer(m + k.offsetOf("mount", "mnt_parent"));
        if (parent == m) return "/";
        return path(k, parent, k.readPointer(m + k.offsetOf("mount", "mnt_mountpoint")));
    }

    /** The path of {@code dentry} seen through struct mount {@code mnt}, as d_path prints it. */
    public static String path(Kernel k, long mnt, long dentry) {
        long parentOff = k.offsetOf("mount", "mnt_parent");
        long mpOff = k.offsetOf("mount", "mnt_mountpoint");
        long rootOff = k.offsetOf("mount", "mnt.mnt_root");
        long dParent = k.offsetOf("dentry", "d_parent");
        long dName = k.offsetOf("dentry", "d_name.name");
        long dLen = k.offsetOf("dentry", "d_name.len");
        long d = dentry;
        List<String> parts = new ArrayList<>();
        for (int n = 0; n < MAX_DEPTH; n++) {
            if (d == k.readPointer(mnt + rootOff)) {
                long up = k.readPointer(mnt + parentOff);
                if (up == mnt || up == 0) break;
                d = k.readPointer(mnt + mpOff);
                mnt = up;
                continue;
            }
            long parent = k.readPointer(d + dParent);
            if (parent == d || parent == 0) break; // a filesystem root that is not the mount's root
            int len = k.readU32(d + dLen);
            parts.add(k.readCString(k.readPointer(d + dName), Math.min(Math.max(len, 1), 255)));
            d = parent;
        }
        if (parts.isEmpty()) return "/";
        StringBuilder sb = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) sb.append('/').append(parts.get(i));
        return sb.toString();
    }
}
