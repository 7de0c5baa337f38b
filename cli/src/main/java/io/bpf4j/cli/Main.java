package io.bpf4j.cli;

import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code bpf4j} command: wires the subcommands, maps errors to one line on stderr and to the
 * exit codes of {@link ExitCodes}.
 */
@Command(
        name = "bpf4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A pure-Java eBPF runtime: assemble, disassemble and run eBPF programs.",
        subcommands = {
            AsmCommand.class,
            DisasmCommand.class,
            RunCommand.class,
            CompileCommand.class,
            ProgsCommand.class,
            MapsCommand.class,
            FilterCommand.class,
            SeccompCommand.class,
            VerifyCommand.class,
            ConformancePluginCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:The program faulted at run time (memory access, instruction budget, call depth, ...).",
            "2:Usage error: bad option or argument.",
            "3:Bad input: missing or unreadable file, assembly error, malformed instruction,"
                    + " program that cannot be loaded, unsupported file format.",
            "4:Internal error in bpf4j (rerun with --debug and report it)."
        },
        footerHeading = "%n",
        footer = "Errors are one line on stderr: 'bpf4j: FILE:LINE:COLUMN: reason' for assembly errors,"
                + " 'bpf4j: FILE: instruction N: reason' for bad or faulting instructions."
                + " Set --debug or BPF4J_DEBUG=1 for stack traces.")
public final class Main implements Runnable {
    /** Environment variable that turns on stack traces, like {@code --debug}. */
    public static final String DEBUG_ENV = "BPF4J_DEBUG";

    private final Terminal terminal;

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error (also: environment variable BPF4J_DEBUG=1).")
    boolean debug;

    public Main(Terminal terminal) {
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        System.exit(execute(Terminal.system(), args));
    }

    /** Runs the command line {@code args} on the given streams and returns the exit code. */
    public static int execute(Terminal terminal, String... args) {
        return commandLine(terminal).execute(args);
    }

    /** The configured command line, for {@link #execute} and tests. */
    public static CommandLine commandLine(Terminal terminal) {
        Main main = new Main(terminal);
        CommandLine cl = new CommandLine(main);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(terminal.outWriter());
        cl.setErr(terminal.errWriter());
        cl.setParameterExceptionHandler(main::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> main.failure(e));
        // The plugin protocol passes runner options (--elf, ...) we do not know: take them as arguments.
        cl.getSubcommands().get(ConformancePluginCommand.NAME).setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    Terminal terminal() {
        return terminal;
    }

    /** Without a subcommand: the usage, and a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: one of asm, disasm, run, conformance-plugin");
    }

    boolean debugging() {
        String env = System.getenv(DEBUG_ENV);
        return debug || (env != null && !env.isEmpty() && !env.equals("0") && !env.equalsIgnoreCase("false"));
    }

    private int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String command = cl.getCommandSpec().qualifiedName(" ");
        terminal.err().println("bpf4j: " + lowerFirst(e.getMessage()) + " (see '" + command + " --help')");
        if (debugging()) {
            e.printStackTrace(terminal.err());
        }
        terminal.err().flush();
        return ExitCodes.USAGE;
    }

    private int failure(Exception e) {
        CliException error = e instanceof CliException c ? c : Errors.about(null, e, null);
        terminal.out().flush();
        terminal.err().println("bpf4j: " + error.getMessage());
        if (debugging()) {
            (error.getCause() != null ? error.getCause() : error).printStackTrace(terminal.err());
        }
        terminal.err().flush();
        return error.exitCode();
    }

    private static String lowerFirst(String message) {
        if (message == null || message.isBlank()) {
            return "bad command line";
        }
        message = message.strip().replaceAll("\\s*\\R\\s*", " "); // one line, always
        // picocli's messages start with a capital ("Missing required parameter: ..."); ours continue a sentence.
        if (message.length() > 1 && Character.isUpperCase(message.charAt(0)) && Character.isLowerCase(message.charAt(1))) {
            return message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
        }
        return message;
    }

    /** {@code bpf4j --version}: the jar's version, or "development build" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"bpf4j " + (v != null ? v : "(development build)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
