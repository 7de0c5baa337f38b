package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import java.util.Map;

/**
 * The loader's tests that run programs run twice (see the surefire executions in loader/pom.xml):
 * interpreted, and with every program compiled to JVM bytecode, the mode coming from the system
 * property {@value ExecutionMode#PROPERTY}. This checks that a run really is in the mode it claims,
 * so that a compiled run that silently fell back to the interpreter fails the test.
 */
final class ExecutionModes {
    private ExecutionModes() {}

    /** The mode runtimes built without an explicit one use in this test run. */
    static ExecutionMode current() {
        return BpfRuntime.builder().build().executionMode();
    }

    /** {@code object}, after checking that each of its programs is compiled exactly when the mode says so. */
    static LoadedObject checked(LoadedObject object) {
        for (Map.Entry<String, Executable> program : object.programs().entrySet()) {
            checked(program.getKey(), program.getValue(), object.verification() + "");
        }
        return object;
    }

    /** {@code executable}, after checking that it is compiled exactly when the mode says so. */
    static Executable checked(String name, Executable executable, String context) {
        ExecutionMode mode = current();
        if (mode == ExecutionMode.COMPILED) {
            assertThat(executable.isCompiled()).as("program %s (%s) in mode COMPILED runs compiled", name, context).isTrue();
        } else if (mode == ExecutionMode.INTERPRETER) {
            assertThat(executable.isCompiled()).as("program %s in mode INTERPRETER runs interpreted", name).isFalse();
        }
        return executable;
    }
}
