package io.bpf4j.runtime;

import java.util.Objects;

/**
 * The entry point: holds what programs may use (helpers) and how they may run (instruction
 * budget), and loads programs into {@link Executable}s.
 *
 * <pre>{@code
 * BpfRuntime runtime = BpfRuntime.builder()
 *     .helper(1001, "lookup_user", (r1, r2, r3, r4, r5, ctx) -> users.get(r1))
 *     .instructionBudget(1_000_000)
 *     .build();
 * long r0 = runtime.load(program).run(packet);
 * }</pre>
 */
public final class BpfRuntime {
    private final HelperRegistry helpers;
    private final long instructionBudget;
    private final HostEnvironment host;
    private final ExecutionMode executionMode;
    private final int compileThreshold;
    private final int maxProgramSize;
    private final io.bpf4j.runtime.maps.MapFactory maps;
    private final long verifierInstructionLimit;
    private final long verifierMemoryLimit;
    private final ByteAllowance compiledCode;

    private BpfRuntime(Builder builder) {
        this.helpers = builder.helpers.build();
        this.instructionBudget = builder.instructionBudget;
        this.host = builder.host;
        this.executionMode = builder.executionMode;
        this.compileThreshold = builder.compileThreshold;
        this.maxProgramSize = builder.maxProgramSize;
        this.maps = io.bpf4j.runtime.maps.MapFactory.defaults().withMaxMapBytes(builder.maxMapBytes)
                .withMemoryBudget(new ByteAllowance(builder.maxMapMemory));
        this.verifierInstructionLimit = builder.verifierInstructionLimit;
        this.verifierMemoryLimit = builder.verifierMemoryLimit;
        this.compiledCode = new ByteAllowance(builder.maxCompiledCodeBytes);
    }

    /** A runtime with the standard helpers and no instruction budget. */
    public static BpfRuntime create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public HelperRegistry helpers() {
        return helpers;
    }

    /** Instructions a single run may execute, or 0 for no limit. */
    public long instructionBudget() {
        return instructionBudget;
    }

    /** What tracing helpers see of the host: current task, traced memory, output sinks. */
    public HostEnvironment host() {
        return host;
    }

    /**
     * Prepares a program to run: resolves its helper calls.
     *
     * @throws ProgramLoadException if it calls a helper this runtime does not have, or refers to maps or
     *     kernel objects that nothing provided
     */
    public Executable load(Program program) {
        return load(program, null);
    }

    /**
     * Prepares a program the verifier accepted for its type, with the memory accesses it proved
     * safe ({@code ProgramFacts.provenSafeAccesses()}): the compiled code performs those without
     * their run-time region check in runs of the program's type ({@code runXdp}, {@code runTc},
     * ...); runs on plain memory or on an embedder's own {@link RunContext} keep every check. The
     * set must come from verifying this very program, as this type, with these maps: the runtime
     * takes it on trust. An {@link ProgramType#UNSPEC} program keeps every check.
     *
     * <p>A program loaded with its facts (not null, even empty) counts as verified against this
     * runtime's helpers: a call of a helper the runtime lacks is then in code the verifier found
     * unreachable, and loads (as in Linux) as a trap that faults if it ever ran.
     *
     * @param provenSafeAccesses instruction indices of the accesses proven safe; null when the
     *     program was not verified
     * @throws ProgramLoadException as {@link #load(Program)} does
     */
    public Executable load(Program program, java.util.BitSet provenSafeAccesses) {
        Objects.requireNonNull(program, "program");
        checkSize(program);
        Interpreter interpreter = new Interpreter(program.code(), program.maps(), helpers, instructionBudget,
                provenSafeAccesses != null);
        interpreter.trustProven(program.type(), provenSafeAccesses);
        Compilers.prepare(interpreter, program.name(), executionMode, compileThreshold, compiledCode);
        return new InterpretedExecutable(program, interpreter, host);
    }

    /**
     * Replaces the code an executable of this runtime runs, keeping its identity: callers holding
     * it, program arrays with it in a slot, and hooks it is attached to run the new code from their
     * next run on, while runs under way finish with the old code. This is how dynamic linking
     * (Linux's {@code freplace}: a global function swapped for another program) is applied; the
     * loader builds the relinked program ({@code LoadedObject.replaceFunction}).
     *
     * @throws IllegalArgumentException if {@code executable} was not loaded by a bpf4j runtime, or
     *     {@code program} is of another program type
     * @throws ProgramLoadException as {@link #load} does
     */
    public void replaceCode(Executable executable, Program program) {
        replaceCode(executable, program, null);
    }

    /** As {@link #replaceCode(Executable, Program)}, for a program verified as {@link #load(Program, java.util.BitSet)} describes. */
    public void replaceCode(Executable executable, Program program, java.util.BitSet provenSafeAccesses) {
        Objects.requireNonNull(program, "program");
        if (!(executable instanceof InterpretedExecutable loaded)) {
            throw new IllegalArgumentException("not an executable loaded by a bpf4j runtime: " + executable);
        }
        if (loaded.program().type() != program.type()) {
            throw new IllegalArgumentException("program '" + loaded.program().name() + "' is a "
                    + loaded.program().type().name().toLowerCase() + " program; its code cannot be replaced by a "
                    + program.type().name().toLowerCase() + " program");
        }
        checkSize(program);
        Interpreter interpreter = new Interpreter(program.code(), program.maps(), helpers, instructionBudget,
                provenSafeAccesses != null);
        interpreter.trustProven(program.type(), provenSafeAccesses);
        Compilers.prepare(interpreter, program.name(), executionMode, compileThreshold, compiledCode);
        loaded.replaceCode(program, interpreter);
    }

    private void checkSize(Program program) {
        if (program.code().size() > maxProgramSize) {
            throw new ProgramLoadException(maxProgramSize, "program '" + program.name() + "' has " + program.code().size()
                    + " instruction slots, more than this runtime's limit of " + maxProgramSize + " (BpfRuntime.Builder.maxProgramSize)");
        }
    }

    /**
     * Creates this runtime's maps: each under the per-map cap and all of them together under the
     * runtime's map memory cap ({@link Builder#maxMapBytes}, {@link Builder#maxMapMemory}). The
     * object loader creates an object's maps here.
     */
    public io.bpf4j.runtime.maps.MapFactory maps() {
        return maps;
    }

    /**
     * The most instruction steps the verifier may take on one program loaded into this runtime
     * (the object loader verifies with it); see {@link Builder#verifierInstructionLimit}.
     */
    public long verifierInstructionLimit() {
        return verifierInstructionLimit;
    }

    /**
     * The most heap (bytes) the verifier's remembered states may take while verifying one program
     * loaded into this runtime, or 0 for the verifier's default; see {@link Builder#verifierMemoryLimit}.
     */
    public long verifierMemoryLimit() {
        return verifierMemoryLimit;
    }

    /** How loaded programs run: interpreted, compiled, or compiled once hot. */
    public ExecutionMode executionMode() {
        return executionMode;
    }

    /**
     * Bytes of compiled code (generated class files) this runtime's programs hold now: what
     * {@link Builder#maxCompiledCodeBytes} limits. Falls when dropped programs are collected.
     */
    public long compiledCodeBytes() {
        return compiledCode.used();
    }

    /** Whether the bytecode compiler (module io.bpf4j.compiler) is available to this runtime. */
    public static boolean compilerAvailable() {
        return Compilers.service().isPresent();
    }

    public static final class Builder {
        private final HelperRegistry.Builder helpers = HelperRegistry.standard().toBuilder();
        private long instructionBudget;
        private HostEnvironment host = HostEnvironment.defaults();
        private ExecutionMode executionMode = ExecutionMode.fromSystemProperty();
        private int compileThreshold = 1000;
        private int maxProgramSize = io.bpf4j.isa.Instructions.MAX_SLOTS;
        private long maxMapBytes = io.bpf4j.runtime.maps.MapFactory.DEFAULT_MAX_MAP_BYTES;
        private long maxMapMemory = Long.MAX_VALUE;
        /** Linux's BPF_COMPLEXITY_LIMIT_INSNS, the verifier's own default. */
        private long verifierInstructionLimit = 1_000_000;
        private long verifierMemoryLimit;
        private long maxCompiledCodeBytes = Long.MAX_VALUE;

        private Builder() {}

        /**
         * How programs run (see {@link ExecutionMode}); {@link ExecutionMode#AUTO} unless set here or
         * by the system property {@value ExecutionMode#PROPERTY}.
         */
        public Builder executionMode(ExecutionMode mode) {
            this.executionMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** In {@link ExecutionMode#AUTO}, the number of runs after which a program is compiled (default 1000). */
        public Builder compileThreshold(int runs) {
            if (runs < 1) {
                throw new IllegalArgumentException("compile threshold must be at least 1: " + runs);
            }
            this.compileThreshold = runs;
            return this;
        }

        /** The host environment tracing helpers use; {@link HostEnvironment#defaults()} unless set. */
        public Builder host(HostEnvironment environment) {
            this.host = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** Adds (or replaces) a helper under {@code id}. */
        public Builder helper(int id, String name, HelperFunction function) {
            helpers.register(id, name, function);
            return this;
        }

        /** Adds or replaces a helper with its prototype (what the verifier checks calls against). */
        public Builder helper(int id, String name, HelperPrototype prototype, HelperFunction function) {
            return helper(new Helper(id, name, function, prototype));
        }

        public Builder helper(Helper helper) {
            helpers.register(helper);
            return this;
        }

        /**
         * Stops any run after {@code budget} instructions with a {@link BudgetExhaustedFault}; 0 (the
         * default) means no limit. Unverified programs from untrusted sources should always have one.
         */
        public Builder instructionBudget(long budget) {
            if (budget < 0) {
                throw new IllegalArgumentException("instruction budget must not be negative: " + budget);
            }
            this.instructionBudget = budget;
            return this;
        }

        /**
         * Refuses to load programs of more than {@code slots} instruction slots with a
         * {@link ProgramLoadException}; {@code Instructions.MAX_SLOTS} (1,000,000) unless set. Bounds
         * the decoded and compiled form a hostile program can make the runtime hold.
         */
        public Builder maxProgramSize(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("maximum program size must be at least 1: " + slots);
            }
            this.maxProgramSize = slots;
            return this;
        }

        /** The most memory one map created by {@link BpfRuntime#maps()} may take; 1 GiB unless set. */
        public Builder maxMapBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maximum map size must be positive: " + bytes);
            }
            this.maxMapBytes = bytes;
            return this;
        }

        /**
         * The most memory all maps created by {@link BpfRuntime#maps()} may take together (a map's
         * share is given back once it is garbage collected); unlimited unless set. Runtimes that load
         * object files from untrusted sources should set it well under the heap.
         */
        public Builder maxMapMemory(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("map memory limit must be positive: " + bytes);
            }
            this.maxMapMemory = bytes;
            return this;
        }

        /**
         * The most instruction steps (over all paths) the verifier may take on one program loaded
         * into this runtime before it rejects it as too large; 1,000,000 (Linux's limit) unless set.
         * Lower it to bound the CPU time a hostile object can make verification take.
         */
        public Builder verifierInstructionLimit(long steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("verifier instruction limit must be positive: " + steps);
            }
            this.verifierInstructionLimit = steps;
            return this;
        }

        /**
         * The most heap, in bytes, the states the verifier remembers (for pruning and loop
         * detection) may take while it verifies one program loaded into this runtime. Past it the
         * oldest are forgotten: verification does more work (and may reject a program as too
         * large), but it never runs the JVM out of memory. Unless set: the verifier's default, a
         * quarter of the maximum heap, at most 512 MiB.
         */
        public Builder verifierMemoryLimit(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("verifier memory limit must be positive: " + bytes);
            }
            this.verifierMemoryLimit = bytes;
            return this;
        }

        /**
         * Caps the compiled code this runtime's programs hold at once, in bytes of generated class
         * files (released as dropped programs are collected); no cap unless set. Past it,
         * {@link ExecutionMode#COMPILED} refuses to load with a {@link ProgramLoadException} and
         * {@link ExecutionMode#AUTO} keeps interpreting ({@link Executable#compilationFailure} says why).
         */
        public Builder maxCompiledCodeBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maximum compiled code must be at least 1 byte: " + bytes);
            }
            this.maxCompiledCodeBytes = bytes;
            return this;
        }

        public BpfRuntime build() {
            return new BpfRuntime(this);
        }
    }
}
