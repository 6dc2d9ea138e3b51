package io.kdx.analyzer.crash;

import io.kdx.analyzer.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * The struct names the shell completes: the kernel objects a crash session looks at most, kept
 * when the kernel's types define them (the symbols API answers by name; it has no listing).
 */
final class StructNames {
    private static final List<String> COMMON = List.of("address_space", "bio", "block_device", "cred", "dentry",
            "fdtable", "file", "files_struct", "fs_struct", "gendisk", "inode", "kmem_cache", "list_head", "mm_struct",
            "module", "mount", "mutex", "net_device", "page", "percpu_rw_semaphore", "pid", "request_queue", "rq",
            "rw_semaphore", "sb_writers", "sched_entity", "sk_buff", "sock", "super_block", "task_struct", "timer_list",
            "vfsmount", "vm_area_struct", "wait_queue_entry", "wait_queue_head", "work_struct", "workqueue_struct");

    private StructNames() {}

    static List<String> all(Kernel k) {
        List<String> out = new ArrayList<>();
        for (String n : COMMON) if (k.types().struct(n) != null) out.add(n);
        return out;
    }
}
