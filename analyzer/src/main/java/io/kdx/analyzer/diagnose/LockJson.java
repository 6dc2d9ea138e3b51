package io.kdx.analyzer.diagnose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of the lock-contention and deadlock findings (keys in the README, "kdx analyze --json"). */
final class LockJson {
    private LockJson() {}

    static void contention(Map<String, Object> o, Finding.LockContention f) {
        o.put("lock", JsonReport.hex(f.lock()));
        o.put("lock_type", f.lockType());
        o.put("lock_name", f.name());
        if (f.container() == null) {
            o.put("lock_object", null);
        } else { // as crash's kmem ADDR: the slab cache, the object's start, the lock's offset in it
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("slab_cache", f.container().cache());
            c.put("object", JsonReport.hex(f.container().object()));
            c.put("offset", f.container().offset());
            c.put("object_size", f.container().objectSize());
            o.put("lock_object", c);
        }
        o.put("owner", f.owner() == null ? null : owner(f.owner(), f.ownerWaitsFor()));
        o.put("owner_word", JsonReport.hex(f.ownerWord()));
        o.put("owner_flags", f.decoded() == null ? null : f.decoded().flags());
        o.put("held", f.decoded() == null ? null : f.decoded().held());
        o.put("reader_owned", f.decoded() == null ? null : f.decoded().readerOwned());
        o.put("readers", f.decoded() == null || f.decoded().readers() < 0 ? null : f.decoded().readers());
        o.put("waiter_count", f.waiters().size());
        o.put("longest_seconds", JsonReport.seconds(f.longestSeconds()));
        List<Object> ws = new ArrayList<>();
        for (int i = 0; i < f.waiters().size(); i++) {
            BlockedTask b = f.waiters().get(i);
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("pid", b.pid());
            w.put("comm", b.comm());
            w.put("task", JsonReport.hex(b.task()));
            w.put("state", b.state());
            w.put("blocked_seconds", JsonReport.seconds(b.blockedSeconds()));
            Boolean writes = f.waiterWrites().get(i);
            w.put("mode", writes == null ? null : writes ? "write" : "read");
            w.put("proven", b.proven());
            w.put("chain", b.chain());
            ws.add(w);
        }
        o.put("waiters", ws);
        o.put("chain", f.chain().stream().map(LockJson::step).toList());
        o.put("note", f.note());
    }

    static void deadlock(Map<String, Object> o, Finding.Deadlock d) {
        o.put("cycle", d.cycle().stream().map(LockJson::step).toList());
        o.put("tasks", d.tasks().stream().map(JsonReport::task).toList());
    }

    static Map<String, Object> owner(BlockedTask b, long waitsFor) {
        Map<String, Object> t = JsonReport.task(b);
        t.put("waits_for_lock", waitsFor == 0 ? null : JsonReport.hex(waitsFor));
        return t;
    }

    static Map<String, Object> step(Finding.LockStep s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("pid", s.pid());
        o.put("comm", s.comm());
        o.put("task", JsonReport.hex(s.task()));
        o.put("state", s.state());
        o.put("holds_lock", JsonReport.hex(s.holds()));
        o.put("holds_lock_type", s.holdsType());
        o.put("holds_lock_name", s.holdsName());
        o.put("waits_for_lock", s.waitsFor() == 0 ? null : JsonReport.hex(s.waitsFor()));
        o.put("waits_for_lock_type", s.waitsForType());
        o.put("waits_for_lock_name", s.waitsForName());
        return o;
    }
}
