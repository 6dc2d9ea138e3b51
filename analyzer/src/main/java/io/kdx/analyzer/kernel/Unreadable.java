package io.kdx.analyzer.kernel;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.kdx.dump.PageState;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing kdx could not read, as a typed record (issue #12): what was being read ({@code kind}: the
 * walk or structure, {@code object}: the object named), the kernel virtual address that faulted, the
 * state the dump gives the page under it, and the sentence the text output prints. Every command's
 * notes and {@code unreadable} sentences are the {@code text} of these records.
 *
 * @param kind      {@code task_list}, {@code task} (one task's field: its mm, its parent), {@code runqueue}, {@code mount_list}, {@code log}, {@code wait_queue},
 *                  {@code stack}, {@code lock}, {@code audit}, {@code memory}, {@code dump} (the dump's own
 *                  state), {@code kernel} (what opening the kernel read: CPUs, release, banner), {@code other}
 * @param address   the address that could not be read, as 0x… hex; null when the gap is not one address
 * @param pageState what the dump says of that address's page: {@code excluded} (filtered out by
 *                  makedumpfile -d), {@code absent} (not in the dump: lost, or no RAM there),
 *                  {@code beyond-end} (lost because the file ends before it), {@code corrupt} (stored
 *                  but not decodable), {@code page-table} (a page-table page on the way to it is
 *                  unreadable), {@code unmapped} (no kernel mapping); null when there is no address
 * @param object    the object or variable being read, as the sentence names it (e.g. {@code init_task.tasks},
 *                  {@code task 0x…}, {@code mount 0x…}); null when the sentence names none
 * @param text      the sentence, as printed on stderr and in the text report
 */
@JsonPropertyOrder({"kind", "address", "page_state", "object", "text"})
public record Unreadable(String kind, String address, @JsonProperty("page_state") String pageState, String object, String text) {
    /** A MemoryFault's message: "0x%016x: what". The last one in a sentence is the innermost fault. */
    private static final Pattern FAULT = Pattern.compile("0x(\\p{XDigit}{16}): ");

    /** The record of one sentence of what could not be read, its page state asked of the dump. */
    public static Unreadable of(Kernel k, String text) {
        Matcher m = FAULT.matcher(text);
        String hex = null;
        while (m.find()) hex = m.group(1);
        String address = hex == null ? null : "0x" + hex;
        String state = hex == null ? null : pageState(k, Long.parseUnsignedLong(hex, 16), text);
        // the dump's own damage is said with the file's name first
        String kind = text.startsWith(k.dump().path().toString() + ": ") ? "dump" : kindOf(text);
        return new Unreadable(kind, address, state, kind.equals("dump") ? null : objectOf(text, hex), text);
    }

    public static List<Unreadable> of(Kernel k, List<String> texts) {
        return texts.stream().map(t -> of(k, t)).toList();
    }

    static String pageState(Kernel k, long vaddr, String text) {
        if (text.contains("a page-table page for this address is unreadable")) return "page-table";
        if (text.contains("not mapped by the kernel page tables")) return "unmapped";
        long pa = k.translate(vaddr);
        if (pa < 0) return "unmapped";
        PageState s = k.dump().pageState(pa / k.dump().pageSize());
        return switch (s) {
            case EXCLUDED -> "excluded";
            case LOST -> k.dump().metadata().truncated() ? "beyond-end" : "absent";
            case NOT_IN_DUMP -> "absent";
            case CORRUPT -> "corrupt";
            // stored, yet the read failed: the page's data did not decode
            case PRESENT, ZERO -> text.contains("corrupt") ? "corrupt" : null;
        };
    }

    /** The walk or structure a sentence is about, from the words the readers use. */
    static String kindOf(String t) {
        if (t.contains("is not on the broken task list") || t.startsWith("tasks recovered") || t.startsWith("the pid IDR")) return "task_list";
        if (t.startsWith("the runqueues could not")) return "runqueue";
        if (t.startsWith("pid ")) return "task"; // one task's field (its mm, its parent)
        if (t.startsWith("current task of CPU") || t.startsWith("runqueue of CPU") || t.startsWith("the CPUs' current tasks")) return "runqueue";
        if (t.contains("mount namespace")) return "mount_list";
        if (t.startsWith("init_task.tasks") || t.startsWith("threads of task") || t.startsWith("task 0x")
                || t.startsWith("the task list")) return "task_list";
        if (t.startsWith("mount") || t.startsWith("task list broken") || t.startsWith("no mount") || t.contains("mnt_namespace")) return "mount_list";
        if (t.startsWith("kernel log") || t.contains("printk") || t.startsWith("log ") || t.contains("the kernel log")) return "log";
        if (t.contains("wait queue") || t.contains("waiter") || t.contains("wait_list")) return "wait_queue";
        if (t.contains("stack")) return "stack";
        if (t.contains("owner of") || t.contains("lock")) return "lock";
        if (t.contains("audit")) return "audit";
        if (t.startsWith("the dump") || t.startsWith("the amount of RAM")) return "dump";
        if (t.contains("totalram_pages") || t.contains("vm_zone_stat") || t.contains("memory")) return "memory";
        if (t.contains("unreadable") && (t.contains("nr_cpu_ids") || t.contains("__per_cpu_offset") || t.contains("init_uts_ns")
                || t.contains("linux_banner") || t.contains("panic_cpu"))) return "kernel";
        return "other";
    }

    /** The object a sentence names before its first ": " (a fault's own address excluded). */
    static String objectOf(String t, String faultHex) {
        if (t.startsWith("task list broken")) return "init_task.tasks";
        int colon = t.indexOf(": ");
        if (colon <= 0) return null;
        String o = t.substring(0, colon);
        for (String cut : new String[] {" (", ", "}) if (o.contains(cut)) o = o.substring(0, o.indexOf(cut));
        if (o.endsWith(" unreadable")) o = o.substring(0, o.length() - " unreadable".length());
        if (o.startsWith("task list broken")) return "init_task.tasks";
        if (o.startsWith("the ") || o.isBlank() || faultHex != null && o.equals("0x" + faultHex)) return null;
        return o;
    }
}
