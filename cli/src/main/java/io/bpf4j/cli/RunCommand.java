package io.bpf4j.cli;

import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramFault;
import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bpf4j run}: runs a program in the interpreter and prints r0. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        header = "Run a program in the interpreter and print r0.",
        description = {
            "Runs FILE in the interpreter and prints the program's result on stdout as one line,"
                    + " r0 in hex and in unsigned decimal (and signed decimal when negative):",
            "  r0 = 0x2a (42)",
            "  r0 = 0xfffffffffffffffe (18446744073709551614, signed -2)",
            "FILE is raw instructions (8 little-endian bytes each, e.g. *.bin), LLVM-syntax assembly (*.s, *.asm)"
                    + " or a bpf_conformance test file (*.data: its program runs on its memory unless --mem or"
                    + " --mem-hex is given; a result other than the one it expects is noted on stderr).",
            "The program starts with r1 = address of a private copy of the memory (0 when there is none),"
                    + " r2 = its length, r10 = the top of a 512-byte stack. The runtime's standard helpers"
                    + " (time, random numbers, CPU id, bpf_loop) are available; maps come with object files.",
            "With --trace, every executed instruction is printed to stderr as it completes: its index,"
                    + " its disassembly (as llvm-objdump prints it) and the registers it changed, old -> new:",
            "     2: r0 += r1                        r0: 0x2 -> 0x5",
            "Budget exhaustion, bad memory accesses and other faults end the run with one line on stderr"
                    + " naming the instruction, and exit code 1."
        })
final class RunCommand implements Callable<Integer> {
    /** Instructions a run may execute unless --budget says otherwise. */
    static final long DEFAULT_BUDGET = 100_000_000L;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The program: raw instructions, *.s/*.asm or *.data.")
    String file;

    @Option(names = "--mem", paramLabel = "MEMFILE", description = "Input memory: the bytes of MEMFILE.")
    String memFile;

    @Option(names = "--mem-hex", paramLabel = "HEX",
            description = "Input memory in hex, e.g. \"01 02 0a ff\" or 01020aff.")
    String memHex;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "" + DEFAULT_BUDGET,
            description = "Stop with a fault after N executed instructions; 0 for no limit. Default: ${DEFAULT-VALUE}.")
    long budget;

    @Option(names = "--trace",
            description = "Print every executed instruction to stderr with the registers it changed (see above).")
    boolean trace;

    @Option(names = "--dialect", paramLabel = "DIALECT",
            description = "Read FILE as assembly in this dialect (llvm or conformance), whatever its name.")
    Dialect dialect;

    @Override
    public Integer call() {
        if (memFile != null && memHex != null) {
            throw new ParameterException(spec.commandLine(), "--mem and --mem-hex are mutually exclusive (give one)");
        }
        if (budget < 0) {
            throw new ParameterException(spec.commandLine(), "--budget must not be negative: " + budget);
        }
        LoadedProgram loaded = ProgramReader.read(file, main.terminal().in(), dialect);
        byte[] memory = memory(loaded);

        Executable executable;
        try {
            BpfRuntime runtime = BpfRuntime.builder().instructionBudget(budget).build();
            executable = runtime.load(Program.of(programName(file), loaded.code()));
        } catch (ProgramLoadException e) {
            throw Errors.about(file, e, loaded.code());
        }

        long r0;
        PrintStream traceOut = null;
        try {
            if (trace) {
                traceOut = new PrintStream(new BufferedOutputStream(main.terminal().err(), 1 << 16), false,
                        StandardCharsets.UTF_8);
                r0 = executable.run(memory, new TraceWriter(loaded.code(), traceOut));
            } else {
                r0 = executable.run(memory);
            }
        } catch (ProgramFault e) {
            throw Errors.fault(file, e, loaded.code());
        } finally {
            if (traceOut != null) {
                traceOut.flush();
            }
        }

        PrintStream out = main.terminal().out();
        out.println(formatResult(r0));
        out.flush();
        if (loaded.expectedResult().isPresent() && loaded.expectedResult().getAsLong() != r0 && memFile == null
                && memHex == null) {
            main.terminal().err().println("bpf4j: note: " + file + " expects r0 = 0x"
                    + Long.toHexString(loaded.expectedResult().getAsLong()));
        }
        return ExitCodes.OK;
    }

    private byte[] memory(LoadedProgram loaded) {
        if (memHex != null) {
            try {
                return Hex.parse(memHex);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--mem-hex: " + e.getMessage());
            }
        }
        if (memFile != null) {
            return ProgramReader.readBytes(memFile, main.terminal().in());
        }
        return loaded.memory().orElse(new byte[0]);
    }

    /** {@code r0 = 0x2a (42)}; negative values also in signed decimal. */
    static String formatResult(long r0) {
        String text = "r0 = 0x" + Long.toHexString(r0) + " (" + Long.toUnsignedString(r0);
        return text + (r0 < 0 ? ", signed " + r0 + ")" : ")");
    }

    private static String programName(String file) {
        return "-".equals(file) ? "stdin" : java.nio.file.Path.of(file).getFileName().toString();
    }
}
