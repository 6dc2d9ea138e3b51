#!/usr/bin/python3
"""The comparison's drgn side: the same outputs as crash's command file, through drgn's API.

Usage: drgn_triage.py DUMP VMLINUX [--no-log]  (prints tasks, every stack, mounts with freeze levels,
the log; --no-log: all but the log, i.e. what `kdx analyze` reads besides the log)
"""
import sys

import drgn
from drgn.helpers.linux.fs import for_each_mount, mount_dst, mount_fstype, mount_src
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.printk import get_dmesg
from drgn.helpers.linux.sched import task_state_to_char


def main(dump, vmlinux, log=True):
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    out = []
    for t in for_each_task(prog):
        out.append("%d %d %s %s" % (t.pid, t.real_parent.pid, task_state_to_char(t),
                                     t.comm.string_().decode(errors="replace")))
        try:
            out.append(str(prog.stack_trace(t)))
        except Exception as e:  # a peer's failure is part of the measurement
            out.append("bt failed: %s" % e)
    for mnt in for_each_mount(prog):
        sb = mnt.mnt.mnt_sb
        out.append("%s %s %s frozen=%d" % (mount_src(mnt).decode(), mount_dst(mnt).decode(),
                                           mount_fstype(mnt).decode(), sb.s_writers.frozen))
    if log:
        out.append(get_dmesg(prog).decode(errors="replace"))
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--no-log" not in sys.argv[3:])
