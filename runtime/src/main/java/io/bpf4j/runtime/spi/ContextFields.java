package io.bpf4j.runtime.spi;

/**
 * A context of the runtime's own whose 4-byte field loads compiled code may make directly, without
 * going through {@link io.bpf4j.runtime.Memory#load} and the context region's checks: see
 * {@link EngineRun#contextFields()}, which hands one out only when it is the run's context and is
 * mapped at {@link #address()}. A load of 4 bytes at {@code address() + offset}, for an offset
 * {@link #isField(int) that is a field}, reads what {@link #field(int)} returns, exactly as the
 * checked path reads it; any other load of the context keeps the checked path (and its faults).
 */
public interface ContextFields {
    /** The context's address (offset 0) in the run's memory: what the program receives in r1. */
    long address();

    /**
     * The value of the 4-byte field at {@code offset}, as a 4-byte load of it through the run's
     * memory returns it (a pointer field as a full 64-bit address); {@code offset} must be one
     * {@link #isField} accepts.
     */
    long field(int offset);

    /**
     * Whether a 4-byte load at {@code offset} of a context of this kind reads a field that
     * {@link #field} returns, whatever the run: the same for every context of the class.
     */
    boolean isField(int offset);
}
