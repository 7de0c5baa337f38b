package io.bpf4j.runtime.internal;

/** Linux error numbers the context helpers return (negated), beyond those of {@link io.bpf4j.runtime.maps.Errno}. */
final class Errno {
    private Errno() {}

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int E2BIG = 7;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EINVAL = 22;
    static final int ERANGE = 34;
    static final int ENOSPC = 28;
    static final int ENOTSUPP = 524;
}
