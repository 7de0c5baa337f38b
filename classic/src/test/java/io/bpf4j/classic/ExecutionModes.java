package io.bpf4j.classic;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.ExecutionMode;

/**
 * The classic tests that run filters run twice (see the surefire executions in classic/pom.xml):
 * interpreted, and with every program compiled, the mode coming from the system property
 * {@value ExecutionMode#PROPERTY}. In COMPILED mode a runtime refuses to load what it cannot
 * compile, so the remaining way to silently run interpreted is a filter loaded in another mode:
 * {@link #checked} catches it.
 */
final class ExecutionModes {
    private ExecutionModes() {}

    /** The mode runtimes built without an explicit one use in this test run. */
    static ExecutionMode current() {
        return BpfRuntime.builder().build().executionMode();
    }

    /** {@code filter}, after checking that it runs compiled exactly when the mode says so. */
    static SocketFilter checked(SocketFilter filter) {
        ExecutionMode mode = current();
        if (mode != ExecutionMode.AUTO) {
            assertThat(filter.executable().isCompiled()).as("socket filter compiled in mode %s", mode)
                    .isEqualTo(mode == ExecutionMode.COMPILED);
        }
        return filter;
    }
}
