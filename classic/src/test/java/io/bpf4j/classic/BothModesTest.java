package io.bpf4j.classic;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.types.SeccompData;
import org.junit.jupiter.api.Test;

/**
 * The build runs the classic tests that run filters once per mode (classic/pom.xml sets
 * {@value ExecutionMode#PROPERTY} to interpreter, then compiled): fails if that setup is lost or a
 * converted filter is not really compiled in the compiled run.
 */
class BothModesTest {
    @Test
    void theModeIsSetExplicitlyByTheBuild() {
        assertThat(System.getProperty(ExecutionMode.PROPERTY))
                .as("system property %s (set by classic/pom.xml's surefire executions)", ExecutionMode.PROPERTY)
                .isIn("interpreter", "compiled");
        if (ExecutionModes.current() == ExecutionMode.COMPILED) {
            assertThat(BpfRuntime.compilerAvailable()).as("the bytecode compiler is on the test class path").isTrue();
        }
    }

    @Test
    void socketFiltersAndSeccompFiltersRunInTheModeOfThisTestRun() {
        boolean compiled = ExecutionModes.current() == ExecutionMode.COMPILED;
        SocketFilter filter = ExecutionModes.checked(SocketFilter.of(ClassicReader.parse("ret #96", ClassicFormat.BPF_ASM)));
        assertThat(filter.bytesKept(new byte[200])).isEqualTo(96);

        // SeccompPolicy.of loads into BpfRuntime.create(), as this does.
        Executable seccomp = BpfRuntime.create().load(ClassicConverter.toProgram("seccomp",
                ClassicReader.parse("ld [0]\njeq #41, deny\nret #0x7fff0000\ndeny: ret #0", ClassicFormat.BPF_ASM),
                FilterKind.SECCOMP));
        assertThat(seccomp.isCompiled()).isEqualTo(compiled);
        assertThat(seccomp.runSeccomp(SeccompData.of(41)).returnValue()).isZero();
        assertThat(seccomp.runSeccomp(SeccompData.of(0)).returnValue()).isEqualTo(0x7fff0000);
    }
}
