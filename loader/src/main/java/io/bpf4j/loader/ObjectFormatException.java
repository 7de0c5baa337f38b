package io.bpf4j.loader;

import java.io.Serial;

/**
 * An object file (ELF, BTF, BTF.ext, map definitions, relocations) is malformed or uses a feature
 * the loader does not support. The message names the section, symbol, type or offset concerned
 * and what is wrong with it.
 */
public class ObjectFormatException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public ObjectFormatException(String message) {
        super(message);
    }

    public ObjectFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
