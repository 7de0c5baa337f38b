package io.bpf4j.runtime.maps;

/**
 * A map definition was rejected before anything was allocated: a field a map type does not allow
 * ({@link Errno#EINVAL}), a size over a limit ({@link Errno#E2BIG}) or a type bpf4j does not
 * implement ({@link Errno#ENOTSUPP}).
 */
public class MapDefinitionException extends MapException {
    public MapDefinitionException(int errno, String message) {
        super(errno, message);
    }
}
