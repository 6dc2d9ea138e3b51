package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import java.util.ArrayList;
import java.util.List;

/** The text and verdict sentences of the lock-contention and deadlock findings. */
final class LockText {
    private LockText() {}

    static String lock(String type, long addr, String name) {
        return type + " " + (name != null ? name + " (0x" + Long.toHexString(addr) + ")" : "0x" + Long.toHexString(addr));
    }

    static String who(int pid, String comm) {
        return comm + " (pid " + pid + ")";
    }

    static String verdict(Finding.Deadlock d) {
        StringBuilder b = new StringBuilder("Deadlock: ");
        List<String> parts = new ArrayList<>();
        for (Finding.LockStep s : d.cycle()) {
            parts.add(who(s.pid(), s.comm()) + " holds " + lock(s.holdsType(), s.holds(), s.holdsName()) + " and waits for "
                    + lock(s.waitsForType(), s.waitsFor(), s.waitsForName()));
        }
        b.append(String.join("; ", parts)).append(": none of them can run again.");
        return b.toString();
    }

    /** The summary line: locks with waiters and deadlocks, when there are any. */
    static void summary(StringBuilder o, List<Finding> all) {
        int locks = 0, deadlocks = 0, waiters = 0;
        for (Finding f : all) {
            if (f instanceof Finding.LockContention c) {
                locks++;
                waiters += c.waiters().size();
            }
            if (f instanceof Finding.Deadlock) deadlocks++;
        }
        if (locks + deadlocks == 0) return;
        o.append(Fmt.format("  %-20s %d deadlock%s; %d lock%s with %d waiter%s%n", "locks", deadlocks, deadlocks == 1 ? "" : "s",
                locks, locks == 1 ? "" : "s", waiters, waiters == 1 ? "" : "s"));
    }

    /** Whether the lock is a later step of another lock's chain (that chain's sentence names it). */
    static boolean inAnotherChain(Finding.LockContention f, List<Finding> all) {
        for (Finding x : all) {
            if (!(x instanceof Finding.LockContention o) || o == f) continue;
            for (int i = 1; i < o.chain().size(); i++) if (o.chain().get(i).holds() == f.lock()) return true;
        }
        return false;
    }

    static String verdict(Finding.LockContention f) {
        int n = f.waiters().size();
        StringBuilder b = new StringBuilder();
        b.append(n).append(n == 1 ? " task waits" : " tasks wait").append(" for ").append(lock(f.lockType(), f.lock(), f.displayName()));
        if (f.owner() != null) {
            boolean reader = f.decoded() != null && f.decoded().readerOwned();
            b.append(reader ? ", owned by readers (last: " : ", held by ").append(who(f.owner().pid(), f.owner().comm()));
            if (reader) b.append(')');
            if (f.chain().size() <= 1) b.append(", ").append(doing(f.owner().state(), f.owner().waitingIn()));
            for (int i = 1; i < f.chain().size(); i++) {
                Finding.LockStep s = f.chain().get(i);
                b.append(", which waits for ").append(lock(s.holdsType(), s.holds(), s.holdsName())).append(" held by ")
                        .append(who(s.pid(), s.comm()));
                if (i == f.chain().size() - 1) b.append(", ").append(doing(s.state(), null));
            }
        } else if (f.decoded() != null && f.decoded().readerOwned()) {
            b.append(", owned by readers");
        } else {
            b.append(", whose owner is not recorded");
        }
        return b.append('.').toString();
    }

    /** The owner's state in words (crash's state names). */
    static String doing(String state, String waitingIn) {
        String what = switch (state == null ? "" : state) {
            case "RU" -> "running";
            case "IN" -> "sleeping (IN)";
            case "UN" -> "in D state (UN)";
            case "ID" -> "idle (ID)";
            default -> "in state " + state;
        };
        return what + (waitingIn != null ? " in " + waitingIn : "");
    }

    static void contention(StringBuilder o, Finding.LockContention f, boolean stacks) {
        o.append(Fmt.format("%nLock contention: %s%n", lock(f.lockType(), f.lock(), f.displayName())));
        if (f.container() != null) {
            o.append(Fmt.format("  in slab cache %s: object 0x%x (%d bytes), the lock at offset %d (crash: kmem 0x%x)%n", f.container().cache(),
                    f.container().object(), f.container().objectSize(), f.container().offset(), f.lock()));
        }
        o.append(Fmt.format("  owner word 0x%x%s%n", f.ownerWord(),
                f.decoded() == null ? " (unreadable)" : (f.decoded().flags().isEmpty() ? "" : "  " + String.join(" ", f.decoded().flags()))
                        + (f.decoded().readers() >= 0 ? "  readers " + f.decoded().readers() : "")));
        if (f.owner() != null) {
            o.append(Fmt.format("  %s %s, state %s, in %s%n", f.decoded() != null && f.decoded().readerOwned() ? "owned by readers, last" : "held by",
                    who(f.owner().pid(), f.owner().comm()), f.owner().state(), f.owner().waitingIn() == null ? "?" : f.owner().waitingIn()));
            TextReport.stack(o, f.owner(), stacks);
        } else {
            o.append("  no owner task recorded\n");
        }
        o.append(Fmt.format("  %d waiting, as the lock's %s shows:%n", f.waiters().size(),
                f.lockType().equals("rt_mutex") ? "waiters tree" : f.lockType().equals("percpu_rw_semaphore") ? "waiters queue" : "wait_list"));
        for (BlockedTask b : f.waiters()) TextReport.task(o, b);
        if (f.chain().size() > 1) {
            o.append("  chain:\n");
            for (Finding.LockStep s : f.chain()) {
                o.append(Fmt.format("    %s holds %s%s%n", who(s.pid(), s.comm()), lock(s.holdsType(), s.holds(), s.holdsName()),
                        s.waitsFor() == 0 ? ", state " + s.state() + ", waits for no lock" : ", waits for " + lock(s.waitsForType(), s.waitsFor(), s.waitsForName())));
            }
        }
        if (f.note() != null) o.append("  (").append(f.note()).append(")\n");
        o.append(Fmt.format("  check in crash: struct %s 0x%x%n", f.lockType(), f.lock()));
    }

    static void deadlock(StringBuilder o, Finding.Deadlock d, boolean stacks) {
        o.append("\nDeadlock\n");
        for (int i = 0; i < d.cycle().size(); i++) {
            Finding.LockStep s = d.cycle().get(i);
            o.append(Fmt.format("  %s holds %s, waits for %s%n", who(s.pid(), s.comm()), lock(s.holdsType(), s.holds(), s.holdsName()),
                    lock(s.waitsForType(), s.waitsFor(), s.waitsForName())));
            TextReport.stack(o, d.tasks().get(i), stacks);
        }
    }
}
