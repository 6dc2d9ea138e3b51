package io.kdx.analyzer.cli;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli models built in code rather than read from annotations, for the command whose start-up
 * is measured against drgn ({@code kdx analyze}, issue #13). Reading a command's annotations costs
 * picocli a dynamic proxy class per annotation type and reflective field access (method-handle
 * classes generated at run time, which the JVM's AOT cache cannot hold): about 40 ms of the main
 * thread and as much again of C1 compiling the class-file code that generates them, for a process
 * that otherwise takes 0.3 s. The annotated classes stay the contract and what `kdx help` shows;
 * AnalyzeCommandTest checks that the hand-built model prints the same help and parses every option
 * into the same fields.
 */
final class HandBuilt {
    private HandBuilt() {}

    /** Path conversion without picocli's reflective built-in (Paths.get through Method.invoke). */
    static final CommandLine.ITypeConverter<Path> PATH = Path::of;

    /** The root command {@code kdx}, as Main's annotations make it, with {@code sub} as its one subcommand. */
    static CommandSpec root(String name, CommandSpec sub) {
        CommandSpec root = CommandSpec.wrapWithoutInspection(new Main()).name("kdx").version(Main.VERSION);
        root.usageMessage().description(Main.DESCRIPTION).footer(Main.FOOTER);
        standardHelpOptions(root);
        return root.addSubcommand(name, sub);
    }

    /** What {@code mixinStandardHelpOptions = true} adds (picocli's AutoHelpMixin), with its texts and keys. */
    static void standardHelpOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
                .descriptionKey("mixinStandardHelpOptions.help").description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
                .descriptionKey("mixinStandardHelpOptions.version").description("Print version information and exit.").build());
    }

    /** A binding of an option or positional to a command's field, through plain lambdas (no reflection). */
    static <V> Field<V> field(Supplier<V> get, Consumer<V> set) {
        return new Field<>(get, set);
    }

    static final class Field<V> implements IGetter, ISetter {
        private final Supplier<V> get;
        private final Consumer<V> set;

        private Field(Supplier<V> get, Consumer<V> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) get.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = (T) get.get();
            set.accept((V) value);
            return old;
        }
    }
}
