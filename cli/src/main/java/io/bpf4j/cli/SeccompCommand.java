package io.bpf4j.cli;

import io.bpf4j.classic.ClassicProgram;
import io.bpf4j.classic.SeccompPolicy;
import io.bpf4j.classic.SyscallArch;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.types.SeccompAction;
import io.bpf4j.runtime.types.SeccompData;
import io.bpf4j.runtime.types.SeccompResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code bpf4j seccomp --filter FILE --syscall NAME|NR --arch x86_64 --args ...}: what a seccomp policy decides. */
@Command(
        name = "seccomp",
        mixinStandardHelpOptions = true,
        header = "Evaluate a seccomp filter on a system call, as the Linux kernel would.",
        description = {
            "The filter is a classic BPF program in any form (binary from libseccomp's seccomp_export_bpf, tcpdump -d/-dd/-ddd"
                    + " style text, or bpf_asm syntax); it is checked as Linux checks seccomp filters. Several --filter options"
                    + " stack, as filters installed one after another: the most restrictive action wins.",
            "Prints the action (ALLOW, LOG, TRACE DATA, USER_NOTIF, ERRNO DATA, TRAP DATA, KILL_THREAD, KILL_PROCESS)."
                    + " With --records FILE ('-' for standard input), evaluates one system call per line, 'NAME|NR [ARG...]',"
                    + " and prints one action per line."
        })
final class SeccompCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--filter", required = true, paramLabel = "FILE", description = "A classic seccomp filter (repeatable).")
    List<String> filters;

    @Option(names = "--syscall", paramLabel = "NAME|NR", description = "The system call, by name (openat) or number.")
    String syscall;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "x86_64",
            description = "The architecture: x86_64 (default) or i386; sets seccomp_data.arch and the system call names.")
    String arch;

    @Option(names = "--args", paramLabel = "ARG", split = ",", arity = "0..6",
            description = "Up to 6 arguments (decimal, 0x hex, negative allowed), separated by commas or spaces.")
    List<String> args = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", defaultValue = "0", description = "seccomp_data.instruction_pointer.")
    String instructionPointer;

    @Option(names = "--records", paramLabel = "FILE", description = "System calls to evaluate, one per line ('-': standard input).")
    String records;

    @Option(names = "--verbose", description = "Also print the filter's full 32-bit return value.")
    boolean verbose;

    @Override
    public Integer call() {
        SyscallArch architecture;
        try {
            architecture = SyscallArch.of(arch);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--arch: " + e.getMessage());
        }
        if ((syscall == null) == (records == null)) {
            throw new CliException(ExitCodes.USAGE, "give either --syscall (with --args) or --records");
        }
        List<ClassicProgram> programs = new ArrayList<>();
        for (String f : filters) {
            programs.add(ClassicErrors.readProgram(f));
        }
        SeccompPolicy policy;
        try {
            policy = SeccompPolicy.of(BpfRuntime.create(), programs);
        } catch (RuntimeException e) {
            throw ClassicErrors.about(filters.size() == 1 ? filters.getFirst() : String.join(", ", filters), e);
        }
        PrintStream out = main.terminal().out();
        long ip = number(instructionPointer, "--ip");
        if (syscall != null) {
            SeccompData call = call(architecture, syscall, args, ip, "--syscall");
            out.println(describe(policy.evaluate(call)));
        } else {
            try (BufferedReader in = records.equals("-")
                    ? new BufferedReader(new InputStreamReader(main.terminal().in(), StandardCharsets.UTF_8))
                    : Files.newBufferedReader(Path.of(records), StandardCharsets.UTF_8)) {
                int lineNumber = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNumber++;
                    String text = line.strip();
                    if (text.isEmpty() || text.startsWith("#")) {
                        continue;
                    }
                    String[] fields = text.split("[\\s,]+");
                    List<String> callArgs = List.of(fields).subList(1, fields.length);
                    String where = records + ":" + lineNumber;
                    if (callArgs.size() > 6) {
                        throw CliException.badInput(where + ": a system call has at most 6 arguments, this line has " + callArgs.size());
                    }
                    SeccompData call;
                    try {
                        call = call(architecture, fields[0], callArgs, ip, where);
                    } catch (CliException e) {
                        throw CliException.badInput(e.getMessage());
                    }
                    out.println(describe(policy.evaluate(call)));
                }
            } catch (IOException e) {
                throw Errors.io(records, e);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static SeccompData call(SyscallArch arch, String syscall, List<String> args, long ip, String where) {
        int nr;
        if (Character.isDigit(syscall.charAt(0)) || syscall.startsWith("-")) {
            nr = (int) number(syscall, where);
        } else {
            nr = arch.number(syscall.toLowerCase(Locale.ROOT)).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                    where + ": no system call '" + syscall + "' on " + arch.linuxName()));
        }
        if (args.size() > 6) {
            throw new CliException(ExitCodes.USAGE, "--args: a system call has at most 6 arguments, not " + args.size());
        }
        long[] values = new long[args.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = number(args.get(i), where + " argument " + i);
        }
        return new SeccompData(nr, arch.auditArch(), ip, values);
    }

    private static long number(String text, String what) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            boolean negative = t.startsWith("-");
            String digits = negative ? t.substring(1) : t;
            long v = digits.startsWith("0x") ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, what + ": '" + text + "' is not a number");
        }
    }

    private String describe(SeccompResult r) {
        SeccompAction a = r.action();
        String text = switch (a) {
            case ERRNO, TRAP, TRACE -> a.name() + " " + r.data();
            default -> a.name();
        };
        return verbose ? text + String.format(" (return value 0x%08x)", r.returnValue()) : text;
    }
}
