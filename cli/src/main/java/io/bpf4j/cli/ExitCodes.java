package io.bpf4j.cli;

/** The exit statuses of the {@code bpf4j} command, as listed in {@code bpf4j --help}. */
public final class ExitCodes {
    private ExitCodes() {}

    /** The command did what it was asked. */
    public static final int OK = 0;
    /** The program ran and faulted: bad memory access, budget exhausted, call too deep, ... */
    public static final int PROGRAM_FAULT = 1;
    /** The command line is wrong: unknown option, missing or malformed argument. */
    public static final int USAGE = 2;
    /**
     * The input is wrong: file missing or unreadable, assembly error, malformed instruction,
     * program that cannot be loaded (unknown helper, maps), unsupported file format.
     */
    public static final int BAD_INPUT = 3;
    /** A bug in bpf4j: an unexpected exception (rerun with --debug for its stack trace). */
    public static final int INTERNAL_ERROR = 4;
}
