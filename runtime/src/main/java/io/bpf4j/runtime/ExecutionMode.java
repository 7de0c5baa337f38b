package io.bpf4j.runtime;

/**
 * How a runtime runs the programs it loads ({@link BpfRuntime.Builder#executionMode}). Both
 * engines give the same results, faults and memory effects; they differ only in speed and in
 * the time compilation takes.
 */
public enum ExecutionMode {
    /** Always interpret: no compilation cost, slowest runs. */
    INTERPRETER,
    /**
     * Compile to JVM bytecode at load, so every run is compiled (tracing runs excepted, which are
     * always interpreted). Needs the {@code bpf4j-compiler} module; loading fails without it.
     */
    COMPILED,
    /**
     * Interpret at once, compile in the background once a program has run
     * {@link BpfRuntime.Builder#compileThreshold a number of times}, then switch to the compiled
     * form. Without the compiler module, programs stay interpreted. The default.
     */
    AUTO;

    /** The system property that sets the default mode ({@code interpreter}, {@code compiled} or {@code auto}). */
    public static final String PROPERTY = "bpf4j.executionMode";

    /** The mode named by {@link #PROPERTY}, or {@link #AUTO}. */
    static ExecutionMode fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + PROPERTY + "=" + value
                    + " is not one of interpreter, compiled, auto", e);
        }
    }
}
