package io.bpf4j.cli;

import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.ObjectVerification;
import io.bpf4j.loader.ProgramSpec;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bpf4j verify FILE}: runs the verifier and prints its statistics or its rejection log. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        header = "Prove a program safe, as the Linux verifier would, or say why it is not.",
        description = {
            "FILE is an ELF object from clang -target bpf (its maps, license and BTF line info are used),"
                    + " raw 8-byte instructions, or LLVM-syntax assembly.",
            "Accepted: prints the verification statistics and exits 0. Rejected: prints the instruction,"
                    + " its disassembly, the register and stack state there, the reason and (with BTF) the C"
                    + " source line, and exits 1. A file that cannot be loaded exits 2."
        })
final class VerifyCommand implements Callable<Integer> {
    /** Exit status of a rejected program. */
    static final int REJECTED = 1;
    /** Exit status of a file that cannot be loaded (the contract for this command). */
    static final int CANNOT_LOAD = 2;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE", description = "ELF object, raw instructions or assembly (- for stdin).")
    String file;

    @Option(names = "--program", paramLabel = "NAME", description = "The program of an ELF object to verify (function or section name; default: the first).")
    String program;

    @Option(names = "--type", paramLabel = "TYPE", description = "Program type: xdp, socket_filter, tc (sched_cls), cgroup_skb,"
            + " kprobe, tracepoint, raw_tracepoint, perf_event, sock_ops, ... (default: from the ELF section, else xdp).")
    String type;

    @Option(names = "--unprivileged", description = "Apply Linux's rules for programs loaded without CAP_PERFMON"
            + " (no pointer leaks or comparisons, no reads of uninitialized stack, speculative paths).")
    boolean unprivileged;

    @Option(names = "--strict", description = "Classic BPF's rule: forward jumps only.")
    boolean strict;

    @Option(names = "--log-level", paramLabel = "1|2", defaultValue = "1",
            description = "1: the rejection only (default); 2: also every instruction processed, with its state.")
    int logLevel;

    @Override
    public Integer call() {
        if (logLevel < 1 || logLevel > 2) {
            throw new CliException(ExitCodes.USAGE, "--log-level must be 1 or 2, not " + logLevel);
        }
        VerificationRequest request;
        try {
            request = load();
        } catch (CliException e) {
            throw new CliException(CANNOT_LOAD, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CliException(CANNOT_LOAD, file + ": " + e.getMessage(), e);
        }
        request = request.withPrivileged(!unprivileged).withStrict(strict).withLogLevel(logLevel);
        VerificationResult result = Verifier.verify(request);
        PrintStream out = main.terminal().out();
        out.print(result.describe());
        out.flush();
        return result.accepted() ? ExitCodes.OK : REJECTED;
    }

    private VerificationRequest load() {
        byte[] content = ProgramReader.readBytes(file, main.terminal().in());
        if (content.length >= 4 && content[0] == 0x7f && content[1] == 'E' && content[2] == 'L' && content[3] == 'F') {
            return fromObject(ObjectFiles.read(file));
        }
        LoadedProgram p = ProgramReader.read(file, main.terminal().in(), null);
        return VerificationRequest.of(p.code(), type == null ? ProgramType.XDP : ProgramTypes.parse(type));
    }

    private VerificationRequest fromObject(BpfObject object) {
        if (object.programs().isEmpty()) {
            throw CliException.badInput(file + ": the object has no programs");
        }
        ProgramSpec spec = object.programs().getFirst();
        if (program != null) {
            spec = object.findProgram(program)
                    .orElseThrow(() -> CliException.badInput(file + ": no program '" + program + "'; it has "
                            + String.join(", ", object.programs().stream().map(ProgramSpec::name).toList())));
        }
        ProgramType t = type == null ? spec.kind() : ProgramTypes.parse(type);
        return ObjectVerification.request(object, spec, t);
    }
}
