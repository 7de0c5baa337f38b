package io.bpf4j.cli;

import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.loader.Verification;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.ProgramType;
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
        header = "Run a program on memory, or an object's program on packets.",
        description = {
            "On packets: with --packet FRAME (raw Ethernet frame bytes) or --pcap CAPTURE (pcap or pcapng),"
                    + " FILE is usually an object file from clang -target bpf; the program (--program: its function"
                    + " or section name; optional when the object has one) runs at its hook (xdp, tc, socket filter or"
                    + " cgroup_skb, from its section name or --type) on every frame, --repeat times each. Printed:"
                    + " how often each return value came back, with its meaning (XDP_PASS, TC_ACT_SHOT, ...), and"
                    + " the final contents of every map; --json prints one JSON object instead: retval (last run),"
                    + " results (return value -> count), maps (name -> [{key, value}] in hex, memory byte order, sorted"
                    + " by key; per-CPU maps list one value per CPU). --out writes the frames the program passed on"
                    + " (as it left them) to a pcap file tcpdump reads. Assembly or raw instructions run on packets"
                    + " too, given --type.",
            "",
            "On memory: runs FILE and prints the program's result on stdout as one line,"
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

    @Parameters(index = "0", paramLabel = "FILE",
            description = "The program: an ELF object (*.o), raw instructions, *.s/*.asm or *.data.")
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

    @Option(names = "--packet", paramLabel = "FRAME", description = "Run on this raw Ethernet frame (the file's bytes).")
    String packetFile;

    @Option(names = "--pcap", paramLabel = "CAPTURE", description = "Run on every frame of this pcap or pcapng capture.")
    String pcapFile;

    @Option(names = "--program", paramLabel = "NAME",
            description = "The object's program to run: its function name or its section name.")
    String programName;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Run the program as this type (xdp, tc, socket, cgroup_skb, or any section or"
                    + " BPF_PROG_TYPE name) instead of what its section name implies.")
    String typeName;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run N times on each packet (or on the memory), and print duration_ns, the average time of"
                    + " a run (on memory: after as many untimed warm-up runs, at most 10,000), as the kernel's"
                    + " BPF_PROG_TEST_RUN reports it. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "${sys:bpf4j.executionMode:-auto}",
            description = "How to run: interpreter, compiled (JVM bytecode from the start) or auto (interpret, compile"
                    + " once hot). Default: ${DEFAULT-VALUE}.")
    ExecutionMode mode;

    @Option(names = "--no-verify",
            description = "Run on packets without verifying the program first (objects, and assembly or raw"
                    + " instructions with --type); the run-time checks stay on. Runs on memory are never verified.")
    boolean noVerify;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--out", paramLabel = "CAPTURE", description = "Write the frames the program passed on to this pcap file.")
    String outFile;

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
        if (repeat < 1) {
            throw new ParameterException(spec.commandLine(), "--repeat must be at least 1: " + repeat);
        }
        byte[] content = ProgramReader.readBytes(file, main.terminal().in());
        boolean elf = InputFormat.isElf(content);
        if (packetFile != null || pcapFile != null || elf) {
            return runOnPackets(content, elf);
        }
        for (String[] option : new String[][] {{"--out", outFile}, {"--program", programName}, {"--type", typeName}}) {
            if (option[1] != null) {
                throw new ParameterException(spec.commandLine(), option[0] + " needs --packet or --pcap");
            }
        }
        return runOnMemory(ProgramReader.read(file, content, dialect));
    }

    private int runOnMemory(LoadedProgram loaded) {
        byte[] memory = memory(loaded);

        Executable executable;
        try {
            BpfRuntime runtime = BpfRuntime.builder().instructionBudget(budget).executionMode(mode).build();
            executable = runtime.load(Program.of(programName(file), loaded.code()));
        } catch (ProgramLoadException e) {
            throw Errors.about(file, e, loaded.code());
        }

        long r0 = 0;
        long durationNanos = -1;
        PrintStream traceOut = null;
        try {
            if (trace) {
                traceOut = new PrintStream(new BufferedOutputStream(main.terminal().err(), 1 << 16), false,
                        StandardCharsets.UTF_8);
                for (int i = 0; i < repeat; i++) {
                    r0 = executable.run(memory.clone(), new TraceWriter(loaded.code(), traceOut));
                }
            } else if (repeat == 1) {
                r0 = executable.run(memory.clone());
            } else {
                // Untimed warm-up first, so that the timed runs see the JIT's (and the compiler's) steady state.
                for (int i = 0, warmup = Math.min(repeat, 10_000); i < warmup; i++) {
                    executable.run(memory.clone());
                }
                byte[][] inputs = new byte[repeat][];
                for (int i = 0; i < repeat; i++) {
                    inputs[i] = memory.clone(); // copies made before the clock starts
                }
                long start = System.nanoTime();
                for (int i = 0; i < repeat; i++) {
                    r0 = executable.run(inputs[i]);
                }
                durationNanos = (System.nanoTime() - start) / repeat;
            }
        } catch (ProgramFault e) {
            throw Errors.fault(file, e, loaded.code());
        } finally {
            if (traceOut != null) {
                traceOut.flush();
            }
        }

        PrintStream out = main.terminal().out();
        if (json) {
            out.println("{\"retval\": " + Long.toUnsignedString(r0)
                    + (durationNanos >= 0 ? ", \"duration_ns\": " + durationNanos : "") + "}");
        } else {
            out.println(formatResult(r0));
            if (durationNanos >= 0) {
                out.println("duration_ns = " + durationNanos + " (average of " + repeat + " runs, --mode "
                        + mode.name().toLowerCase() + ", ran " + (executable.isCompiled() ? "compiled" : "interpreted") + ")");
            }
        }
        out.flush();
        if (loaded.expectedResult().isPresent() && loaded.expectedResult().getAsLong() != r0 && memFile == null
                && memHex == null) {
            main.terminal().err().println("bpf4j: note: " + file + " expects r0 = 0x"
                    + Long.toHexString(loaded.expectedResult().getAsLong()));
        }
        return ExitCodes.OK;
    }

    private int runOnPackets(byte[] content, boolean elf) {
        if (packetFile != null && pcapFile != null) {
            throw new ParameterException(spec.commandLine(), "--packet and --pcap are mutually exclusive (give one)");
        }
        if (packetFile == null && pcapFile == null) {
            throw new ParameterException(spec.commandLine(), file + " is an object file: give --packet FRAME or"
                    + " --pcap CAPTURE to run one of its programs on packets");
        }
        if (memFile != null || memHex != null || trace) {
            throw new ParameterException(spec.commandLine(), "--mem, --mem-hex and --trace run programs on memory;"
                    + " they do not combine with --packet or --pcap");
        }
        ProgramType forcedType = typeName == null ? null : ProgramTypes.parse(typeName);
        if (forcedType != null) {
            PacketHook.of(forcedType, file); // a type no packet reaches is a usage error, whatever the program
        }
        BpfRuntime runtime = BpfRuntime.builder().instructionBudget(budget).executionMode(mode).build();
        PacketRun.Input input = packetFile != null
                ? new PacketRun.RawFrame(packetFile, ProgramReader.readBytes(packetFile, main.terminal().in()))
                : new PacketRun.Capture(pcapFile);
        ObjectProgram selected = elf
                ? ObjectProgram.select(file, content, programName, forcedType, runtime,
                        noVerify ? Verification.SKIPPED : Verification.REQUIRED)
                : ObjectProgram.standalone(file, ProgramReader.read(file, content, dialect), forcedType, runtime,
                        noVerify ? Verification.SKIPPED : Verification.REQUIRED);
        PacketHook hook = PacketHook.of(selected.type(), selected.executable().program().name());
        PacketRun run = new PacketRun(file, selected.executable(), selected.type().name().toLowerCase(), hook,
                selected.maps(), main.terminal());
        return run.run(input, repeat, outFile, json);
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
