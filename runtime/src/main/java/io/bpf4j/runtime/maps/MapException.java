package io.bpf4j.runtime.maps;

import io.bpf4j.runtime.BpfException;

/**
 * A map operation from the host failed, for the reason Linux would give: {@link #errno()} is the
 * positive Linux error number ({@link Errno#ENOENT}, {@link Errno#E2BIG}, ...).
 */
public class MapException extends BpfException {
    private final int errno;

    public MapException(int errno, String message) {
        super(message + " [" + Errno.name(errno) + "]");
        this.errno = Math.abs(errno);
    }

    /** The positive Linux error number. */
    public int errno() {
        return errno;
    }
}
