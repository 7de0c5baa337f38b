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

    private BpfRuntime(Builder builder) {
        this.helpers = builder.helpers.build();
        this.instructionBudget = builder.instructionBudget;
        this.host = builder.host;
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
        return new InterpretedExecutable(program, new Interpreter(program.code(), program.maps(), helpers, instructionBudget), host);
    }

    public static final class Builder {
        private final HelperRegistry.Builder helpers = HelperRegistry.standard().toBuilder();
        private long instructionBudget;
        private HostEnvironment host = HostEnvironment.defaults();

        private Builder() {}

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

        public BpfRuntime build() {
            return new BpfRuntime(this);
        }
    }
}
