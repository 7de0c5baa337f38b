package io.bpf4j.cli;

/**
 * An error a command reports to the user as one line on stderr ({@code bpf4j: <message>}), ending
 * the command with {@link #exitCode()}. The cause, if any, is printed only with {@code --debug}.
 */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException badInput(String message) {
        return new CliException(ExitCodes.BAD_INPUT, message);
    }

    int exitCode() {
        return exitCode;
    }
}
