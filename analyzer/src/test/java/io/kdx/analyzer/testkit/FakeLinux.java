package io.kdx.analyzer.testkit;

/**
 * Builds kernel objects in a {@link FakeKernel} with the offsets of Debian's 6.1 kernel (pahole on
 * vmlinux-6.1.0-56-cloud-amd64), trimmed to the members kdx reads. Variants change the freeze
 * field to the pre-3.6 {@code s_frozen} or the 6.6+ 16-bit {@code frozen}.
 */
public final class FakeLinux {
    public enum FreezeLayout { S_FROZEN_PRE_3_6, SB_WRITERS_INT, SB_WRITERS_U16_6_6 }

    public final FakeKernel k = new FakeKernel();
    public final long initTask;
    public final long initNs;
    private long lastTask;

    public static final long TASK_SIZE = 0x1000, TASKS = 0x400, PID = 0x500, TGID = 0x504, COMM = 0x600,
            NSPROXY = 0x700, STATE = 0x18;
    public static final long SB_WRITERS = 600, RW_SEM = 632, PERCPU_RWSEM_SIZE = 96;

    public FakeLinux(FreezeLayout freeze) {
        k.types.struct("task_struct", TASK_SIZE).member("tasks", TASKS, 16).member("pid", PID, 4)
                .member("tgid", TGID, 4).member("comm", COMM, 16).member("nsproxy", NSPROXY, 8).member("__state", STATE, 4);
        k.types.struct("nsproxy", 72).member("mnt_ns", 24, 8);
        k.types.struct("mnt_namespace", 120).member("root", 24, 8).member("list", 32, 16);
        k.types.struct("mount", 320).member("mnt_parent", 16, 8).member("mnt_mountpoint", 24, 8)
                .member("mnt", 32, 32).member("mnt.mnt_root", 32, 8).member("mnt.mnt_sb", 40, 8)
                .member("mnt_devname", 136, 8).member("mnt_list", 144, 16).member("mnt_id", 292, 4);
        k.types.struct("dentry", 192).member("d_parent", 24, 8).member("d_name", 32, 16)
                .member("d_name.len", 36, 4).member("d_name.name", 40, 8);
        k.types.struct("file_system_type", 72).member("name", 0, 8);
        var sb = k.types.struct("super_block", 1472).member("s_type", 40, 8).member("s_root", 104, 8).member("s_id", 968, 32);
        switch (freeze) {
            case S_FROZEN_PRE_3_6 -> {
                sb.member("s_frozen", 240, 4);
                k.types.enumerator("SB_UNFROZEN", 0).enumerator("SB_FREEZE_WRITE", 1).enumerator("SB_FREEZE_TRANS", 2);
            }
            case SB_WRITERS_INT -> {
                sb.member("s_writers", SB_WRITERS, 320).member("s_writers.frozen", SB_WRITERS, 4)
                        .member("s_writers.rw_sem", RW_SEM, 288);
                k.types.struct("percpu_rw_semaphore", PERCPU_RWSEM_SIZE);
                k.types.enumerator("SB_UNFROZEN", 0).enumerator("SB_FREEZE_WRITE", 1).enumerator("SB_FREEZE_PAGEFAULT", 2)
                        .enumerator("SB_FREEZE_FS", 3).enumerator("SB_FREEZE_COMPLETE", 4);
            }
            case SB_WRITERS_U16_6_6 -> {
                // 6.6: unsigned short frozen; unsigned short freeze_holders; then wait_unfrozen, rw_sem
                sb.member("s_writers", SB_WRITERS, 320).member("s_writers.frozen", SB_WRITERS, 2)
                        .member("s_writers.freeze_holders", SB_WRITERS + 2, 2).member("s_writers.rw_sem", RW_SEM, 288);
                k.types.struct("percpu_rw_semaphore", PERCPU_RWSEM_SIZE);
                k.types.enumerator("SB_UNFROZEN", 0).enumerator("SB_FREEZE_WRITE", 1).enumerator("SB_FREEZE_PAGEFAULT", 2)
                        .enumerator("SB_FREEZE_FS", 3).enumerator("SB_FREEZE_COMPLETE", 4);
            }
        }
        initTask = k.allocSymbol("init_task", TASK_SIZE);
        k.putU64(initTask + TASKS, initTask + TASKS);
        k.putU64(initTask + TASKS + 8, initTask + TASKS);
        lastTask = initTask;
        putComm(initTask, "swapper/0");
        initNs = namespace();
        long nsproxy = k.alloc(72);
        k.putU64(nsproxy + 24, initNs);
        k.putU64(initTask + NSPROXY, nsproxy);
    }

    private void putComm(long task, String comm) {
        k.putBytes(task + COMM, comm.getBytes());
    }

    /** A new task (thread group leader) appended to init_task's list, in the given namespace. */
    public long task(int pid, String comm, long mntNs) {
        long t = k.alloc(TASK_SIZE);
        k.putU32(t + PID, pid);
        k.putU32(t + TGID, pid);
        putComm(t, comm);
        long nsproxy = k.alloc(72);
        k.putU64(nsproxy + 24, mntNs);
        k.putU64(t + NSPROXY, nsproxy);
        // link after lastTask
        k.putU64(lastTask + TASKS, t + TASKS);
        k.putU64(t + TASKS + 8, lastTask + TASKS);
        k.putU64(t + TASKS, initTask + TASKS);
        k.putU64(initTask + TASKS + 8, t + TASKS);
        lastTask = t;
        return t;
    }

    public long namespace() {
        long ns = k.alloc(120);
        k.putU64(ns + 32, ns + 32);
        k.putU64(ns + 40, ns + 32);
        return ns;
    }

    public long dentry(String name, long parent) {
        long d = k.alloc(192);
        k.putU64(d + 24, parent == 0 ? d : parent);
        k.putU32(d + 36, name.length());
        k.putU64(d + 40, k.string(name));
        return d;
    }

    public long superBlock(String fstype, String id) {
        long sb = k.alloc(1472);
        long type = k.alloc(72);
        k.putU64(type, k.string(fstype));
        k.putU64(sb + 40, type);
        k.putBytes(sb + 968, id.getBytes());
        return sb;
    }

    /** Sets the freeze level in whichever field the layout has. */
    public void freeze(long sb, int level) {
        if (k.hasMember("super_block", "s_frozen")) k.putU32(sb + 240, level);
        else if (k.types.struct("super_block").member("s_writers.frozen").size() == 2) k.putU16(sb + SB_WRITERS, level);
        else k.putU32(sb + SB_WRITERS, level);
    }

    /** A mount appended to the namespace's list; parent 0 makes it the namespace's root mount. */
    public long mount(long ns, long parent, long mountpoint, long root, long sb, String devname, int id) {
        long m = k.alloc(320);
        k.putU64(m + 16, parent == 0 ? m : parent);
        k.putU64(m + 24, mountpoint == 0 ? root : mountpoint);
        k.putU64(m + 32, root);
        k.putU64(m + 40, sb);
        k.putU64(m + 136, k.string(devname));
        k.putU32(m + 292, id);
        long head = ns + 32;
        long tail = k.readU64(head + 8);
        k.putU64(tail, m + 144);
        k.putU64(m + 144 + 8, tail);
        k.putU64(m + 144, head);
        k.putU64(head + 8, m + 144);
        if (parent == 0) k.putU64(ns + 24, m);
        return m;
    }
}
