package io.bpf4j.runtime;

/**
 * A program that cannot be loaded into a runtime: it calls a helper the runtime does not have, a
 * kernel function, or refers to maps or objects nothing provided. Raised before anything runs.
 */
public class ProgramLoadException extends BpfException {
    private final int index;

    public ProgramLoadException(int index, String reason) {
        super("instruction " + index + ": " + reason);
        this.index = index;
    }

    /** Index of the instruction that cannot be loaded. */
    public int index() {
        return index;
    }
}
