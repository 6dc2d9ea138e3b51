package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.mount.FreezeLevel;
import io.kdx.analyzer.mount.MountInfo;
import io.kdx.analyzer.mount.Mounts;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code kdx mount}: every mount of every mount namespace, with its super_block's freeze level. */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"List every mount of every mount namespace: mount and super_block addresses, type, device, mount point and freeze level.",
                "JSON keys: mounts [{mount, super_block, mnt_namespace, mnt_id, fstype, device, mountpoint, frozen, frozen_name}], freeze_field, problems."})
public final class MountCommand extends KernelCommand {

    @Override
    protected int run(Kernel kernel) throws Exception {
        Mounts.Result r = Mounts.list(kernel);
        FreezeLevel f = FreezeLevel.of(kernel);
        PrintStream out = out();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (MountInfo m : r.mounts()) rows.add(row(m));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mounts", rows);
            doc.put("freeze_field", "super_block." + f.field() + " (" + f.width() + " bytes)");
            doc.put("problems", r.problems());
            doc.put("unreadable_records", r.unreadable());
            out.println(Json.MAPPER.writeValueAsString(doc));
            return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP;
        }
        out.print(Fmt.format("%-16s  %-16s  %-10s %-20s %-22s %s%n", "MOUNT", "SUPERBLK", "TYPE", "DEVNAME", "FROZEN", "DIRNAME"));
        long ns = -1;
        for (MountInfo m : r.mounts()) {
            if (ns != -1 && m.mntNamespace() != ns) out.print(Fmt.format("%n(mount namespace %016x)%n", m.mntNamespace()));
            ns = m.mntNamespace();
            // what could not be read is '?' (the reason on stderr), never "null" or a zero address (issue #12)
            out.print(Fmt.format("%016x  %-16s  %-10s %-20s %-22s %s%n", m.mount(), m.superBlock() == 0 ? "?" : Fmt.format("%016x", m.superBlock()),
                    orUnknown(m.fstype()), orUnknown(m.device()), orUnknown(m.frozenName()), orUnknown(m.mountpoint())));
        }
        for (String p : r.problems()) System.err.println("kdx: " + dumpPath + ": " + p);
        return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP; // what was not read was said: 4

    }

    static String orUnknown(String s) {
        return s == null ? "?" : s;
    }

    static Map<String, Object> row(MountInfo m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("mount", hex(m.mount()));
        o.put("super_block", m.superBlock() == 0 ? null : hex(m.superBlock()));
        o.put("mnt_namespace", hex(m.mntNamespace()));
        o.put("mnt_id", m.mntId() < 0 ? null : m.mntId());
        o.put("fstype", m.fstype());
        o.put("device", m.device());
        o.put("mountpoint", m.mountpoint());
        o.put("frozen", m.frozen() < 0 ? null : m.frozen());
        o.put("frozen_name", m.frozenName());
        o.put("unreadable", m.unreadable()); // why the null fields are null (null when every field was read)
        return o;
    }

    static String hex(long a) {
        return Fmt.format("0x%016x", a);
    }
}
