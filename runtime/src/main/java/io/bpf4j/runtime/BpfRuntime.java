package io.bpf4j.runtime;

import io.bpf4j.runtime.spi.CompiledCodeBudget;
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
    private final CompiledCodeBudget compiledCode;

    private BpfRuntime(Builder builder) {
        this.helpers = builder.helpers.build();
        this.instructionBudget = builder.instructionBudget;
        this.host = builder.host;
        this.executionMode = builder.executionMode;
        this.compileThreshold = builder.compileThreshold;
        this.maxProgramSize = builder.maxProgramSize;
        this.compiledCode = new CompiledCodeBudget(builder.maxCompiledCodeBytes);
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
        Objects.requireNonNull(program, "program");
        checkSize(program);
        Interpreter interpreter = new Interpreter(program.code(), program.maps(), helpers, instructionBudget);
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
        Interpreter interpreter = new Interpreter(program.code(), program.maps(), helpers, instructionBudget);
        Compilers.prepare(interpreter, program.name(), executionMode, compileThreshold, compiledCode);
        loaded.replaceCode(program, interpreter);
    }

    private void checkSize(Program program) {
        if (program.code().size() > maxProgramSize) {
            throw new ProgramLoadException(maxProgramSize, "program '" + program.name() + "' has " + program.code().size()
                    + " instruction slots, more than this runtime's limit of " + maxProgramSize + " (BpfRuntime.Builder.maxProgramSize)");
        }
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
