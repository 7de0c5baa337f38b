package io.bpf4j.verifier;

import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.HelperPrototype;
import io.bpf4j.runtime.LinuxHelpers;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * What to verify: a program's instructions, its type, the maps its {@code lddw} map references
 * name (by index: {@code lddw} src 1 or 5 with imm i is map i, src 2 or 6 a pointer into the
 * value of map i at the offset in the second imm), the helpers it may call, and the policy.
 *
 * @param code the instructions (as the loader produced them, map references by index)
 * @param type the program type, which decides the context rules and the callable helpers
 * @param maps the maps, by index
 * @param helpers the prototype of each callable helper id (empty: no such helper)
 * @param privileged Linux's root (CAP_PERFMON): pointer leaks, pointer comparisons and reads of
 *     uninitialized stack allowed; false applies Linux's rules for unprivileged programs
 * @param strict classic BPF's rule: only forward jumps (no loops)
 * @param gplCompatible whether the program's license is GPL-compatible (GPL-only helpers need it)
 * @param globalFunctions first instructions of global (BTF linkage global) functions, verified
 *     once on their own with the argument kinds given; callers see an unknown scalar result
 * @param sourceLines C source line per instruction index (from BTF line info), for the log
 * @param logLevel 0 or 1: the rejection only; 2: also every processed instruction and its state
 * @param btf whether the program came with BTF function info (Linux requires it for callbacks,
 *     function pointers and tail calls from subprograms)
 * @param instructionLimit the most instruction steps verification may take over all paths before
 *     it rejects the program as too large: {@link Verifier#INSTRUCTION_LIMIT} (Linux's) unless set;
 *     a host verifying untrusted programs may lower it to bound the time one verification takes
 * @param stateMemoryLimit the most heap, in bytes (estimated), the states remembered for pruning
 *     and loop detection may take: beyond it the oldest are forgotten, which costs pruning (more
 *     work, perhaps "too large") but never soundness; {@link Verifier#defaultStateMemoryLimit()}
 *     unless set. It keeps a hostile program from exhausting the heap (Linux holds such states in
 *     kernel memory instead)
 */
public record VerificationRequest(Instructions code, ProgramType type, List<MapDefinition> maps,
        IntFunction<Optional<HelperPrototype>> helpers, boolean privileged, boolean strict, boolean gplCompatible,
        Map<Integer, List<ArgKind>> globalFunctions, Map<Integer, String> sourceLines, int logLevel, boolean btf,
        long instructionLimit, long stateMemoryLimit) {

    /** The kind of a global function's argument, from its BTF signature. */
    public enum ArgKind {
        /** A number (BTF int, enum, or a pointer the function receives as an opaque number). */
        SCALAR,
        /** The program's context pointer. */
        CONTEXT,
        /**
         * Another pointer: callers may pass any initialized value; the function is verified
         * seeing an unknown number (so it cannot dereference it: conservative).
         */
        POINTER
    }

    public VerificationRequest {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(type, "type");
        maps = List.copyOf(maps);
        Objects.requireNonNull(helpers, "helpers");
        globalFunctions = Map.copyOf(globalFunctions);
        sourceLines = Map.copyOf(sourceLines);
        if (instructionLimit < 1) {
            throw new IllegalArgumentException("verifier instruction limit must be positive: " + instructionLimit);
        }
        if (stateMemoryLimit < 1) {
            throw new IllegalArgumentException("verifier state memory limit must be positive: " + stateMemoryLimit);
        }
    }

    /**
     * A privileged request with every Linux helper ({@link LinuxHelpers}), no maps, a GPL license,
     * no global functions and no line info.
     */
    public static VerificationRequest of(Instructions code, ProgramType type) {
        return new VerificationRequest(code, type, List.of(), id -> LinuxHelpers.find(id).map(LinuxHelpers.Entry::prototype),
                true, false, true, Map.of(), Map.of(), 1, false, Verifier.INSTRUCTION_LIMIT,
                Verifier.defaultStateMemoryLimit());
    }

    public VerificationRequest withMaps(List<MapDefinition> newMaps) {
        return with(c -> c.maps = newMaps);
    }

    public VerificationRequest withHelpers(IntFunction<Optional<HelperPrototype>> newHelpers) {
        return with(c -> c.helpers = newHelpers);
    }

    public VerificationRequest withPrivileged(boolean value) {
        return with(c -> c.privileged = value);
    }

    public VerificationRequest withStrict(boolean value) {
        return with(c -> c.strict = value);
    }

    public VerificationRequest withGplCompatible(boolean value) {
        return with(c -> c.gplCompatible = value);
    }

    public VerificationRequest withGlobalFunctions(Map<Integer, List<ArgKind>> value) {
        return with(c -> c.globalFunctions = value);
    }

    public VerificationRequest withSourceLines(Map<Integer, String> value) {
        return with(c -> c.sourceLines = value);
    }

    public VerificationRequest withLogLevel(int value) {
        return with(c -> c.logLevel = value);
    }

    public VerificationRequest withBtf(boolean value) {
        return with(c -> c.btf = value);
    }

    public VerificationRequest withInstructionLimit(long value) {
        return with(c -> c.instructionLimit = value);
    }

    public VerificationRequest withStateMemoryLimit(long bytes) {
        return with(c -> c.stateMemoryLimit = bytes);
    }

    /**
     * This request with the verification limits {@code runtime} sets for the programs it loads
     * (its instruction limit, and its state memory limit unless it leaves that to the verifier's
     * default): what the loader and the command line verify with before they load into it.
     */
    public VerificationRequest withLimitsOf(io.bpf4j.runtime.BpfRuntime runtime) {
        VerificationRequest limited = withInstructionLimit(runtime.verifierInstructionLimit());
        return runtime.verifierMemoryLimit() > 0 ? limited.withStateMemoryLimit(runtime.verifierMemoryLimit()) : limited;
    }

    /** This request with one component changed: each {@code with} method names only its own. */
    private VerificationRequest with(java.util.function.Consumer<Components> change) {
        Components c = new Components(this);
        change.accept(c);
        return new VerificationRequest(code, type, c.maps, c.helpers, c.privileged, c.strict, c.gplCompatible,
                c.globalFunctions, c.sourceLines, c.logLevel, c.btf, c.instructionLimit, c.stateMemoryLimit);
    }

    /** The changeable components of a request, copied from one to make another. */
    private static final class Components {
        List<MapDefinition> maps;
        IntFunction<Optional<HelperPrototype>> helpers;
        boolean privileged;
        boolean strict;
        boolean gplCompatible;
        Map<Integer, List<ArgKind>> globalFunctions;
        Map<Integer, String> sourceLines;
        int logLevel;
        boolean btf;
        long instructionLimit;
        long stateMemoryLimit;

        Components(VerificationRequest r) {
            maps = r.maps;
            helpers = r.helpers;
            privileged = r.privileged;
            strict = r.strict;
            gplCompatible = r.gplCompatible;
            globalFunctions = r.globalFunctions;
            sourceLines = r.sourceLines;
            logLevel = r.logLevel;
            btf = r.btf;
            instructionLimit = r.instructionLimit;
            stateMemoryLimit = r.stateMemoryLimit;
        }
    }
}
