package io.bpf4j.classic;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.types.SeccompAction;
import io.bpf4j.runtime.types.SeccompData;
import io.bpf4j.runtime.types.SeccompResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One or more classic seccomp filters, evaluated on system calls as Linux evaluates the filters
 * installed in a process: every filter runs, and the result whose action comes first in Linux's
 * precedence (the lowest {@code SECCOMP_RET_ACTION_FULL} value as a signed number: kill process,
 * kill thread, trap, errno, user notification, trace, log, allow) wins, the first such filter's
 * data included.
 *
 * <pre>{@code
 * SeccompPolicy policy = SeccompPolicy.load(Path.of("policy.bpf"));   // from seccomp_export_bpf
 * SeccompResult r = policy.evaluate(SeccompData.of(59));              // execve
 * }</pre>
 */
public final class SeccompPolicy {
    private final List<Executable> filters;

    private SeccompPolicy(List<Executable> filters) {
        this.filters = List.copyOf(filters);
    }

    /**
     * Checks and converts filters (as Linux does on {@code seccomp(SECCOMP_SET_MODE_FILTER)}), in the
     * order they would be installed.
     *
     * @throws ClassicCheckException if Linux would refuse one of them
     */
    public static SeccompPolicy of(ClassicProgram... programs) {
        return of(BpfRuntime.create(), List.of(programs));
    }

    public static SeccompPolicy of(BpfRuntime runtime, List<ClassicProgram> programs) {
        Objects.requireNonNull(runtime, "runtime");
        if (programs.isEmpty()) {
            throw new IllegalArgumentException("a seccomp policy needs at least one filter");
        }
        List<Executable> loaded = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            loaded.add(runtime.load(ClassicConverter.toProgram("seccomp_filter_" + i, programs.get(i), FilterKind.SECCOMP)));
        }
        return new SeccompPolicy(loaded);
    }

    /** Reads a filter in any {@link ClassicFormat} (a {@code seccomp_export_bpf} file is {@link ClassicFormat#BINARY}). */
    public static SeccompPolicy load(Path file) {
        return of(ClassicReader.read(file));
    }

    /** What the kernel decides for this system call. */
    public SeccompResult evaluate(SeccompData call) {
        SeccompResult best = null;
        // Linux runs the most recently installed filter first; ties keep the first result seen.
        for (int i = filters.size() - 1; i >= 0; i--) {
            SeccompResult r = filters.get(i).runSeccomp(call);
            if (best == null || (r.returnValue() & SeccompAction.ACTION_MASK) < (best.returnValue() & SeccompAction.ACTION_MASK)) {
                best = r;
            }
        }
        return best;
    }

    /** A decision for each record of a stream of system calls, in order (lazily, as the stream is consumed). */
    public Stream<Decision> evaluate(Stream<SeccompData> calls) {
        return calls.map(c -> new Decision(c, evaluate(c)));
    }

    /** The action for this system call: {@code evaluate(call).action()}. */
    public SeccompAction action(SeccompData call) {
        return evaluate(call).action();
    }

    /** A system call and what the policy decided for it. */
    public record Decision(SeccompData call, SeccompResult result) {}
}
