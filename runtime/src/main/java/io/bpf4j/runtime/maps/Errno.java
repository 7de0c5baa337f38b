package io.bpf4j.runtime.maps;

/**
 * The Linux error numbers map operations report. Program-side operations return them negated
 * ({@code -ENOENT}); host-side operations throw a {@link MapException} carrying them.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int E2BIG = 7;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int EOPNOTSUPP = 95;
    /**
     * Linux's kernel-internal "operation not supported" (524), which the bpf syscall returns for
     * operations a map type does not implement (a lookup in a ring buffer, for example).
     */
    public static final int ENOTSUPP = 524;

    /** The symbolic name of an error number ({@code "ENOENT"}), negated or not. */
    public static String name(int errno) {
        return switch (Math.abs(errno)) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case E2BIG -> "E2BIG";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case ERANGE -> "ERANGE";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + Math.abs(errno);
        };
    }

    /** A short description of an error number, negated or not. */
    public static String describe(int errno) {
        return switch (Math.abs(errno)) {
            case EPERM -> "operation not permitted";
            case ENOENT -> "no such entry";
            case E2BIG -> "too big";
            case EAGAIN -> "no room, try again";
            case ENOMEM -> "out of memory";
            case EACCES -> "permission denied";
            case EFAULT -> "bad address";
            case ERANGE -> "out of range";
            case EBUSY -> "busy";
            case EEXIST -> "entry already exists";
            case EINVAL -> "invalid argument";
            case ENOSPC -> "no space left";
            case EOPNOTSUPP, ENOTSUPP -> "operation not supported";
            default -> "error";
        };
    }
}
