import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step: copies a jar's classes into a class directory as class-file version 52 (Java 8) with
 * stack-map frames computed by ASM. picocli ships version 49 (Java 5) classes, which the JVM neither
 * stores in an AOT or class-data cache nor verifies with the fast type-checking verifier: at each
 * start they were parsed and verified afresh, about 100 ms of every kdx command. The bytecode is
 * otherwise unchanged. Usage: java -cp asm.jar:INPUT.jar ClassVersionUpgrade.java INPUT.jar OUTDIR
 */
public final class ClassVersionUpgrade {
    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]), out = Path.of(args[1]);
        Path stamp = out.resolve("META-INF/kdx-upgraded-" + jar.getFileName() + ".stamp");
        if (Files.exists(stamp) && Files.getLastModifiedTime(stamp).compareTo(Files.getLastModifiedTime(jar)) >= 0) return;
        int classes = 0;
        try (InputStream f = Files.newInputStream(jar); ZipInputStream in = new ZipInputStream(f)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                if (e.isDirectory() || name.startsWith("META-INF/") || name.endsWith("module-info.class")) continue;
                byte[] b = in.readAllBytes();
                if (name.endsWith(".class")) {
                    b = upgrade(b);
                    classes++;
                }
                Path p = out.resolve(name);
                Files.createDirectories(p.getParent());
                Files.write(p, b);
            }
        }
        Files.createDirectories(stamp.getParent());
        Files.writeString(stamp, classes + " classes of " + jar.getFileName() + " rewritten as version 52\n");
        Files.setLastModifiedTime(stamp, FileTime.fromMillis(System.currentTimeMillis()));
    }

    static byte[] upgrade(byte[] b) {
        ClassReader r = new ClassReader(b);
        // No ClassReader given to the writer: it must recompute every method's frames, not copy them.
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String c) {
                try {
                    return super.getCommonSuperClass(a, c);
                } catch (RuntimeException e) {
                    return "java/lang/Object"; // a type not on this class path: the verifier checks it at run time
                }
            }
        };
        r.accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Math.max(version, Opcodes.V1_8), access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return w.toByteArray();
    }
}
