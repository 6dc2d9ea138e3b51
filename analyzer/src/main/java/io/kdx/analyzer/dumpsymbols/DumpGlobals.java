package io.kdx.analyzer.dumpsymbols;

import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import io.kdx.symbols.Types;
import java.util.List;
import java.util.Map;

/**
 * The C types of the global variables kdx reads, for a kernel known only from its dump: BTF encodes
 * no global variables but the per-CPU ones (pahole before 1.27), so their types are written down
 * here, once, as the kernel declares them (5.10, 6.1 and 6.12 agree on every entry). FixturesIT-style
 * tests check each against the vmlinux's DWARF. Arrays sized by the configuration (NR_CPUS,
 * MAX_NUMNODES) are given without a count. The per-CPU variables kdx reads are here too: BTF has
 * them (its .data..percpu DATASEC, which wins) only where pahole 1.18 or newer made it, and Debian
 * 11's 5.10 BTF has none.
 */
public final class DumpGlobals {
    private DumpGlobals() {}

    /**
     * name -> {base type as BTF names it, with "const " or "volatile " before it when qualified;
     * declarator: "*", "[N]", "[]" (sized by the configuration) and "const", applied left to right}
     */
    static final Map<String, String[]> TYPES = Map.ofEntries(
            e("init_task", "struct task_struct", ""),
            e("init_uts_ns", "struct uts_namespace", ""),
            e("init_pid_ns", "struct pid_namespace", ""),
            e("init_mm", "struct mm_struct", ""),
            e("init_nsproxy", "struct nsproxy", ""),
            e("super_blocks", "struct list_head", ""),
            e("modules", "struct list_head", ""),
            e("prb", "struct printk_ringbuffer", "*"),
            e("log_buf", "char", "*"),
            e("linux_banner", "const char", "[] const"),
            e("nr_cpu_ids", "unsigned int", ""),
            e("__per_cpu_offset", "long unsigned int", "[]"),
            e("jiffies", "volatile long unsigned int", ""),
            e("avenrun", "long unsigned int", "[3]"),
            e("cpu_khz", "unsigned int", ""),
            e("panic_cpu", "atomic_t", ""),
            e("_totalram_pages", "atomic_long_t", ""),
            e("node_data", "struct pglist_data", "* []"), // 6.1 spells it pg_data_t, its typedef
            e("shadow_timekeeper", "struct timekeeper", ""),
            e("auditd_conn", "struct auditd_connection", "*"),
            e("audit_queue", "struct sk_buff_head", ""),
            e("audit_retry_queue", "struct sk_buff_head", ""),
            e("audit_hold_queue", "struct sk_buff_head", ""),
            e("audit_enabled", "u32", ""),
            e("audit_failure", "u32", ""),
            e("audit_backlog_limit", "u32", ""),
            e("audit_backlog_wait_time", "u32", ""),
            e("audit_rate_limit", "u32", ""),
            e("audit_lost", "atomic_t", ""),
            e("audit_backlog_wait_time_actual", "atomic_t", ""),
            e("vmcoreinfo_data", "unsigned char", "*"),
            e("runqueues", "struct rq", ""),
            e("current_task", "struct task_struct", "*"));

    /** The variables the table describes (tests check each against DWARF). */
    public static java.util.Set<String> names() {
        return TYPES.keySet();
    }

    private static Map.Entry<String, String[]> e(String name, String base, String declarator) {
        return Map.entry(name, new String[] {base, declarator});
    }

    /** The declared type of {@code name} built from {@code types}, or null when the table or the types lack it. */
    static Type typeOf(String name, Types types) {
        String[] d = TYPES.get(name);
        if (d == null) return null;
        String baseName = d[0];
        int quals = 0; // bit 0 const, bit 1 volatile, on the base type
        while (true) {
            if (baseName.startsWith("const ")) { quals |= 1; baseName = baseName.substring(6); }
            else if (baseName.startsWith("volatile ")) { quals |= 2; baseName = baseName.substring(9); }
            else break;
        }
        Type t = types.named(baseName);
        if (t == null) return null;
        if ((quals & 2) != 0) t = new Derived(Type.Kind.VOLATILE, t, t.size(), 0);
        if ((quals & 1) != 0) t = new Derived(Type.Kind.CONST, t, t.size(), 0);
        for (String step : d[1].isEmpty() ? new String[0] : d[1].split(" ")) {
            t = switch (step) {
                case "*" -> new Derived(Type.Kind.POINTER, t, 8, 0);
                case "[]" -> new Derived(Type.Kind.ARRAY, t, -1, 0);
                case "const" -> new Derived(Type.Kind.CONST, t, t.size(), 0);
                default -> {
                    long n = Long.parseLong(step.substring(1, step.length() - 1));
                    yield new Derived(Type.Kind.ARRAY, t, t.size() < 0 ? -1 : t.size() * n, n);
                }
            };
        }
        return t;
    }

    /** A pointer to, array of, or qualified BTF type (BTF has such types only where some declaration uses them). */
    private record Derived(Kind kind, Type target, long size, long count) implements Type {
        @Override public String name() { return null; }
        @Override public List<Member> members() { return List.of(); }
        @Override public List<Type.Enumerator> enumerators() { return List.of(); }
        @Override public boolean signed() { return false; }
        /** Qualifiers stripped, as Type promises: jiffies (volatile) must print as its unsigned long. */
        @Override public Type resolved() { return kind == Type.Kind.CONST || kind == Type.Kind.VOLATILE ? target.resolved() : this; }
        @Override public Member member(String path) { return null; }

        /** Spelled as pahole and the DWARF reader spell types (symbols.types.CNames). */
        @Override
        public String cName() {
            String inner = target.cName();
            return switch (kind) {
                case POINTER -> inner + (inner.endsWith("*") ? "*" : " *");
                case CONST -> "const " + inner;
                case VOLATILE -> "volatile " + inner;
                default -> inner + "[" + (count == 0 ? "" : count) + "]";
            };
        }
    }
}
