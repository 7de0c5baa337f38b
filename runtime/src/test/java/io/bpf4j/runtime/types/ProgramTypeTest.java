package io.bpf4j.runtime.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramTypeTest {
    @Test
    void linuxIds() {
        assertThat(ProgramType.UNSPEC.id()).isZero();
        assertThat(ProgramType.SOCKET_FILTER.id()).isEqualTo(1);
        assertThat(ProgramType.KPROBE.id()).isEqualTo(2);
        assertThat(ProgramType.SCHED_CLS.id()).isEqualTo(3);
        assertThat(ProgramType.SCHED_ACT.id()).isEqualTo(4);
        assertThat(ProgramType.TRACEPOINT.id()).isEqualTo(5);
        assertThat(ProgramType.XDP.id()).isEqualTo(6);
        assertThat(ProgramType.PERF_EVENT.id()).isEqualTo(7);
        assertThat(ProgramType.CGROUP_SKB.id()).isEqualTo(8);
        assertThat(ProgramType.RAW_TRACEPOINT.id()).isEqualTo(17);
        assertThat(ProgramType.TRACING.id()).isEqualTo(26);
        assertThat(ProgramType.SYSCALL.id()).isEqualTo(31);
        assertThat(ProgramType.NETFILTER.id()).isEqualTo(32);
        assertThat(ProgramType.SECCOMP.id()).isEqualTo(0x10000);
        for (ProgramType t : ProgramType.values()) {
            assertThat(ProgramType.fromId(t.id())).isSameAs(t);
        }
        assertThatThrownBy(() -> ProgramType.fromId(33)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ProgramType.LSM.isRunnable()).isFalse();
        assertThat(ProgramType.XDP.isRunnable()).isTrue();
    }

    @Test
    void programsAreUnspecUnlessTyped() {
        Program plain = Program.of("p", Assembler.assemble("r0 = 0\nexit"));
        assertThat(plain.type()).isEqualTo(ProgramType.UNSPEC);
        assertThat(new Program("p", plain.code(), List.of()).type()).isEqualTo(ProgramType.UNSPEC);
        assertThat(plain.withType(ProgramType.XDP).type()).isEqualTo(ProgramType.XDP);
        Program assembled = Program.assemble(ProgramType.SOCKET_FILTER, "r0 = 0\nexit");
        assertThat(assembled.type()).isEqualTo(ProgramType.SOCKET_FILTER);
        assertThat(assembled.name()).isEqualTo("socket_filter");
    }
}
