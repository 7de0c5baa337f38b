package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.testkit.KernelRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPL-only helpers are refused to programs whose license is not GPL-compatible, as Linux refuses them. */
class LicenseCheckTest {
    @TempDir
    Path dir;

    @Test
    void aProprietaryProgramCallingAGplOnlyHelperIsRefused() {
        BpfObject object = TestObjects.parse(TestObjects.Source.PREBUILT, "proprietary_printk");
        assertThat(object.gplCompatible()).isFalse();
        assertThatThrownBy(() -> LoadedObject.load(object, BpfRuntime.create()))
                .isInstanceOf(ProgramLoadException.class)
                .hasMessageContaining("program 'xdp_printk' calls bpf_trace_printk (helper 6), which is GPL-only, but the"
                        + " object's license 'Proprietary' is not GPL-compatible");
    }

    @Test
    void aProprietaryProgramCallingOnlyOrdinaryHelpersLoads() {
        BpfObject object = TestObjects.parse(TestObjects.Source.PREBUILT, "multi"); // "Proprietary", map helpers only
        assertThat(object.gplCompatible()).isFalse();
        assertThat(LoadedObject.load(object, BpfRuntime.create()).programs()).isNotEmpty();
    }

    @Test
    void linuxRefusesTheSameObject() throws Exception {
        KernelRunner kernel = KernelRunner.require();
        Path object = dir.resolve("proprietary_printk.o");
        Files.write(object, TestObjects.prebuilt("proprietary_printk"));
        assertThatThrownBy(() -> kernel.run(object, "--verify-only"))
                .hasMessageContaining("GPL");
    }
}
