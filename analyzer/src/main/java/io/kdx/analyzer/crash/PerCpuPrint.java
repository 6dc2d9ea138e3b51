package io.kdx.analyzer.crash;

import io.kdx.analyzer.crash.CrashSession.CommandError;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.io.PrintStream;
import java.util.BitSet;

/**
 * crash's {@code p} of a per-CPU variable (symbols.c: display_per_cpu_info): with no CPU, its
 * declaration and each CPU's address ({@code PER-CPU DATA TYPE:} / {@code PER-CPU ADDRESSES:});
 * with {@code NAME:CPUS} ({@code 1}, {@code 0,2}, {@code 0-3}, {@code a} for all, nothing for the
 * current context's CPU), each instance's value led by {@code per_cpu(NAME, CPU) = }. crash takes this
 * path whenever the first word is a per-CPU symbol, whatever follows it.
 */
final class PerCpuPrint {
    private PerCpuPrint() {}

    /** Whether NAME is a per-CPU variable: its address lies in [__per_cpu_start, __per_cpu_end). */
    static boolean perCpu(CrashSession s, String name) {
        long a = s.kernel.symbol(name), start = s.kernel.symbol("__per_cpu_start"), end = s.kernel.symbol("__per_cpu_end");
        if (a == 0 && !name.equals("__per_cpu_start")) return false;
        if (end == 0 || Long.compareUnsigned(a, start) < 0 || Long.compareUnsigned(a, end) >= 0) return false;
        SymLetters l = s.symLetters();
        char c = l == null ? 'D' : l.of(name, a);
        return c == 'd' || c == 'D' || c == 'V' || c == 0;
    }

    /** The listing, or (CPUS non-null) each chosen CPU's instance printed in format FMT as p prints a value. */
    static void print(CrashSession s, String name, String cpus, char fmt, PrintStream out) {
        Type t = s.kernel.types().variableType(name);
        long offset = s.kernel.symbol(name);
        int n = s.kernel.nrCpus();
        StringBuilder sb = new StringBuilder();
        if (cpus == null) {
            sb.append("PER-CPU DATA TYPE:\n  ");
            if (t == null) sb.append("[undetermined type] ").append(name).append(";\n");
            else sb.append(CTypes.gdbSpelling(DataCommands.decl(new Member(name, 0, t, 0, 0)))).append(";\n");
            sb.append("PER-CPU ADDRESSES:\n");
            for (int c = 0; c < n; c++) sb.append("  [").append(c).append("]: ").append(Long.toHexString(s.kernel.perCpu(offset, c))).append('\n');
            out.print(sb);
            return;
        }
        BitSet chosen = cpus(s, cpus, n);
        for (int c = chosen.nextSetBit(0); c >= 0 && c < n; c = chosen.nextSetBit(c + 1)) {
            long addr = s.kernel.perCpu(offset, c);
            String leader, answer;
            try {
                if (t != null) {
                    leader = "per_cpu(" + name + ", " + c + ")";
                    answer = PrintExpr.render(s, CEval.Value.lvalue(t, addr), fmt);
                } else {
                    leader = "&per_cpu(" + name + ", " + c + ")";
                    answer = "(void *) 0x" + Long.toHexString(addr);
                }
            } catch (RuntimeException e) {
                throw new CommandError("p", "gdb request failed: p *(" + (t == null ? "void" : CTypes.gdbSpelling(t.cName())) + "*) 0x"
                        + Long.toHexString(addr));
            }
            out.println(PrintExpr.led(leader, "$" + ++s.printCount + " = " + answer));
        }
    }

    /** crash's cpu list: "" the current context's CPU, "a" or "all" every CPU, else numbers and ranges separated by commas. */
    private static BitSet cpus(CrashSession s, String spec, int n) {
        BitSet b = new BitSet();
        if (spec.isEmpty()) {
            b.set(Math.max(0, s.context() == null ? 0 : s.context().cpu()));
        } else if (spec.equals("a") || spec.equals("all")) {
            b.set(0, n);
        } else {
            for (String part : spec.split(",")) {
                try {
                    String[] r = part.split("-", 2);
                    int lo = Integer.parseInt(r[0]), hi = r.length == 2 ? Integer.parseInt(r[1]) : lo;
                    if (lo < 0 || hi >= n || lo > hi) throw new CommandError("invalid cpu specification: " + spec);
                    b.set(lo, hi + 1);
                } catch (NumberFormatException e) {
                    throw new CommandError("invalid cpu specification: " + spec);
                }
            }
        }
        return b;
    }
}
