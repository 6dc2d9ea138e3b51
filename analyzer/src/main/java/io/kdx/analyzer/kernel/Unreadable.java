package io.kdx.analyzer.kernel;

import io.kdx.analyzer.text.Fmt;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One thing kdx could not read, as a typed record (issue #12): what was being read ({@code kind}: the
 * walk or structure, {@code object}: the object named), the kernel virtual address that faulted, the
 * state the dump gives the page under it, and the sentence the text output prints. Every command's
 * notes and {@code unreadable} sentences are the {@code text} of these records. A record is made
 * where the gap is met: from the {@link MemoryFault} caught there (its address and page state), or
 * from a walk that ended early ({@link KernelLists.Walk#fault()}), with the object being read named
 * by the code that read it; never parsed back from the sentence.
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
 * @param object    the object or variable being read (e.g. {@code init_task.tasks}, {@code task_struct 0x… .mm},
 *                  {@code mount list of namespace 0x…}); null when the gap is not one object
 * @param text      the sentence, as printed on stderr and in the text report
 */
@JsonPropertyOrder({"kind", "address", "page_state", "object", "text"})
public record Unreadable(String kind, String address, @JsonProperty("page_state") String pageState, String object, String text) {
    /** The kinds, as {@code kind} prints them. */
    public static final String TASK_LIST = "task_list", TASK = "task", RUNQUEUE = "runqueue", MOUNT_LIST = "mount_list",
            LOG = "log", WAIT_QUEUE = "wait_queue", STACK = "stack", LOCK = "lock", AUDIT = "audit", MEMORY = "memory",
            DUMP = "dump", KERNEL = "kernel", OTHER = "other";

    /** What could not be read because of {@code fault} (null: no one address failed, as a cycle or a cap). */
    public static Unreadable of(String kind, String object, MemoryFault fault, String text) {
        if (fault == null) return of(kind, object, text);
        return new Unreadable(kind, Fmt.format("0x%016x", fault.address()), fault.pageState(), object, text);
    }

    /** What could not be read because of {@code e}: from its fault when it is a {@link MemoryFault}, else with no address. */
    public static Unreadable of(String kind, String object, RuntimeException e, String text) {
        return of(kind, object, e instanceof MemoryFault f ? f : null, text);
    }

    /** What a walk that ended early could not read: its fault's address and page state, if a fault ended it. */
    public static Unreadable of(String kind, String object, KernelLists.Walk walk, String text) {
        return of(kind, object, walk.fault(), text);
    }

    /** A gap that is not one unreadable address (a missing symbol, a cycle, the dump's own state). */
    public static Unreadable of(String kind, String object, String text) {
        return new Unreadable(kind, null, null, object, text);
    }

    /** The same gap said in other words (a command's own sentence around a reader's record). */
    public Unreadable withText(String newText) {
        return new Unreadable(kind, address, pageState, object, newText);
    }

    /** The sentences of records, in order: what the text output and the {@code unreadable} lists print. */
    public static List<String> texts(List<Unreadable> records) {
        return records.stream().map(Unreadable::text).toList();
    }
}
