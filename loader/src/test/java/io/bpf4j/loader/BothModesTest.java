package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.types.XdpPacket;
import org.junit.jupiter.api.Test;

/**
 * The build runs the loader's program-running tests once per mode (loader/pom.xml sets
 * {@value ExecutionMode#PROPERTY} to interpreter, then compiled): fails if that setup is lost, or
 * if a clang object loaded in the compiled run is not really compiled.
 */
class BothModesTest {
    @Test
    void theModeIsSetExplicitlyByTheBuild() {
        assertThat(System.getProperty(ExecutionMode.PROPERTY))
                .as("system property %s (set by loader/pom.xml's surefire executions)", ExecutionMode.PROPERTY)
                .isIn("interpreter", "compiled");
        assertThat(ExecutionModes.current()).isIn(ExecutionMode.INTERPRETER, ExecutionMode.COMPILED);
    }

    @Test
    void aClangObjectRunsInTheModeOfThisTestRun() {
        if (ExecutionModes.current() == ExecutionMode.COMPILED) {
            assertThat(BpfRuntime.compilerAvailable()).as("the bytecode compiler is on the test class path").isTrue();
        }
        LoadedObject object = ExecutionModes.checked(KernelOracle.load("xdp_maps"));
        var program = object.program("xdp_count");
        assertThat(program.isCompiled()).isEqualTo(ExecutionModes.current() == ExecutionMode.COMPILED);
        assertThat(program.runXdp(XdpPacket.of(new byte[64])).returnValue()).isEqualTo(2); // XDP_PASS
    }
}
