package io.bpf4j.loader.btf;

/** Linkage of a BTF {@code FUNC} or {@code VAR}. */
public enum Linkage {
    /** File-local: a {@code static} function or variable. */
    STATIC,
    /** Global, defined in this object. */
    GLOBAL,
    /** Declared here, defined elsewhere ({@code extern}). */
    EXTERN;

    static Linkage of(int value) {
        return switch (value) {
            case 0 -> STATIC;
            case 1 -> GLOBAL;
            case 2 -> EXTERN;
            default -> null;
        };
    }
}
