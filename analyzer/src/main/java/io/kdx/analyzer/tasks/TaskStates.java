package io.kdx.analyzer.tasks;

/**
 * Task state bits (include/linux/sched.h since 4.14: TASK_RUNNING 0, INTERRUPTIBLE 0x1,
 * UNINTERRUPTIBLE 0x2, __TASK_STOPPED 0x4, __TASK_TRACED 0x8, EXIT_DEAD 0x10, EXIT_ZOMBIE 0x20,
 * TASK_PARKED 0x40, TASK_DEAD 0x80, TASK_WAKEKILL 0x100, TASK_WAKING 0x200, TASK_NOLOAD 0x400,
 * TASK_NEW 0x800; TASK_IDLE = UNINTERRUPTIBLE | NOLOAD) and their names as crash prints them.
 */
public final class TaskStates {
    public static final int INTERRUPTIBLE = 0x1, UNINTERRUPTIBLE = 0x2, STOPPED = 0x4, TRACED = 0x8,
            EXIT_DEAD = 0x10, EXIT_ZOMBIE = 0x20, PARKED = 0x40, DEAD = 0x80, WAKEKILL = 0x100,
            WAKING = 0x200, NOLOAD = 0x400, NEW = 0x800;

    private TaskStates() {}

    /**
     * crash's name for {@code __state | exit_state}; the precedence follows fs/proc/array.c
     * task_state_index(): TASK_IDLE first, then the highest reported bit.
     */
    public static String crashName(long bits) {
        long s = bits & 0xffff_ffffL;
        if ((s & (UNINTERRUPTIBLE | NOLOAD)) == (UNINTERRUPTIBLE | NOLOAD)) return "ID";
        if ((s & PARKED) != 0) return "PA";
        if ((s & EXIT_ZOMBIE) != 0) return "ZO";
        if ((s & EXIT_DEAD) != 0) return "DE";
        if ((s & TRACED) != 0) return "TR";
        if ((s & STOPPED) != 0) return "ST";
        if ((s & UNINTERRUPTIBLE) != 0) return "UN";
        if ((s & INTERRUPTIBLE) != 0) return "IN";
        if ((s & DEAD) != 0) return "DE";
        if ((s & NEW) != 0) return "NE";
        if ((s & WAKING) != 0) return "WA";
        if (s == 0) return "RU";
        return "??";
    }

    /** The /proc letter of a crash state name. */
    public static char procLetter(String crash) {
        return switch (crash) {
            case "RU", "WA", "NE" -> 'R';
            case "IN" -> 'S';
            case "UN" -> 'D';
            case "ST" -> 'T';
            case "TR" -> 't';
            case "DE" -> 'X';
            case "ZO" -> 'Z';
            case "PA" -> 'P';
            case "ID" -> 'I';
            default -> '?';
        };
    }
}
