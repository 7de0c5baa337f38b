package io.bpf4j.classic;

import io.bpf4j.classic.internal.Converter;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;

/**
 * Converts classic programs to eBPF with the semantics Linux gives them (see
 * {@code io.bpf4j.classic.internal.Converter} for the register and memory mapping). Programs are
 * checked first ({@link ClassicChecker}), as Linux checks them before converting.
 *
 * <p>A converted socket filter runs with {@link io.bpf4j.runtime.Executable#runSocketFilter} and
 * returns how many bytes to keep; a converted seccomp filter runs with
 * {@link io.bpf4j.runtime.Executable#runSeccomp}. Socket filters that use the device type,
 * payload offset or netlink ancillary loads need a runtime with {@link ClassicHelpers}.
 */
public final class ClassicConverter {
    private ClassicConverter() {}

    /**
     * @throws ClassicCheckException if Linux would refuse the program for {@code kind}
     */
    public static Instructions convert(ClassicProgram program, FilterKind kind) {
        ClassicChecker.check(program, kind);
        return Converter.convert(program, kind);
    }

    /** The converted program, typed {@link ProgramType#SOCKET_FILTER} or {@link ProgramType#SECCOMP}. */
    public static Program toProgram(String name, ClassicProgram program, FilterKind kind) {
        ProgramType type = kind == FilterKind.SECCOMP ? ProgramType.SECCOMP : ProgramType.SOCKET_FILTER;
        return Program.of(type, name, convert(program, kind));
    }
}
