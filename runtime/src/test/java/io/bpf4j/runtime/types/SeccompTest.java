package io.bpf4j.runtime.types;

import static io.bpf4j.runtime.types.TypedPrograms.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.ProgramType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeccompTest {
    static final int SYS_READ = 0;
    static final int SYS_OPENAT = 257;
    static final int SYS_EXECVE = 59;

    /** Allows read, fails openat with EACCES, kills on execve, traps anything else; kills foreign architectures. */
    static final Executable POLICY = load(ProgramType.SECCOMP, """
            w2 = *(u32 *)(r1 + 4)
            if w2 != 0xc000003e goto kill
            w2 = *(u32 *)(r1 + 0)
            if w2 == 0 goto allow
            if w2 == 257 goto eacces
            if w2 == 59 goto kill
            w0 = 0x00030007
            exit
            allow:
            w0 = 0x7fff0000
            exit
            eacces:
            w0 = 0x0005000d
            exit
            kill:
            w0 = 0x80000000
            exit""");

    @Test
    void policyActions() {
        assertThat(POLICY.runSeccomp(SeccompData.of(SYS_READ, 3, 0x1000, 10)).action()).isEqualTo(SeccompAction.ALLOW);
        SeccompResult openat = POLICY.runSeccomp(SeccompData.of(SYS_OPENAT));
        assertThat(openat.action()).isEqualTo(SeccompAction.ERRNO);
        assertThat(openat.data()).isEqualTo(13);
        assertThat(POLICY.runSeccomp(SeccompData.of(SYS_EXECVE)).action()).isEqualTo(SeccompAction.KILL_PROCESS);
        SeccompResult trap = POLICY.runSeccomp(SeccompData.of(1));
        assertThat(trap.action()).isEqualTo(SeccompAction.TRAP);
        assertThat(trap.data()).isEqualTo(7);
        assertThat(trap.returnValue()).isEqualTo(0x00030007);
        assertThat(POLICY.runSeccomp(new SeccompData(SYS_READ, SeccompData.AUDIT_ARCH_AARCH64, 0, new long[0])).action())
                .isEqualTo(SeccompAction.KILL_PROCESS);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "4, 0xc000003e", "8, 0x401000", "16, 11", "24, 22", "32, 33", "56, 66", "60, 0"})
    void seccompDataLayout(int offset, String expected) {
        SeccompData data = new SeccompData(0, SeccompData.AUDIT_ARCH_X86_64, 0x401000, new long[] {11, 22, 33, 44, 55, 66});
        long r0 = load(ProgramType.SECCOMP, "r0 = *(u32 *)(r1 + " + offset + ")\nexit").runSeccomp(data).returnValue() & 0xffffffffL;
        assertThat(r0).isEqualTo(Long.decode(expected));
        long wide = load(ProgramType.SECCOMP, "r0 = *(u64 *)(r1 + 48)\nr0 >>= 32\nexit").runSeccomp(data).returnValue();
        assertThat(wide).isZero(); // args[4] = 55 has no high half
    }

    @ParameterizedTest
    @CsvSource({"0x00000000, KILL_THREAD", "0x80000000, KILL_PROCESS", "0x00030001, TRAP", "0x00050001, ERRNO",
            "0x7fc00000, USER_NOTIF", "0x7ff00005, TRACE", "0x7ffc0000, LOG", "0x7fff0000, ALLOW", "0x00010000, KILL_PROCESS",
            "0x7ffe0000, KILL_PROCESS"})
    void actions(String value, SeccompAction action) {
        int v = Long.decode(value).intValue();
        assertThat(SeccompResult.of(v).action()).isEqualTo(action);
        assertThat(load(ProgramType.SECCOMP, "w0 = " + value + "\nexit").runSeccomp(SeccompData.of(0)).action()).isEqualTo(action);
        assertThat(SeccompAction.ERRNO.withData(1)).isEqualTo(0x00050001);
    }

    @Test
    void seccompDataIsReadOnly() {
        MemoryAccessFault fault = accessFault(() -> load(ProgramType.SECCOMP, "*(u32 *)(r1 + 0) = 1\nw0 = 0\nexit")
                .runSeccomp(SeccompData.of(0)));
        assertThat(fault.reason()).contains("struct seccomp_data is read-only for SECCOMP programs");
        MemoryAccessFault past = accessFault(() -> load(ProgramType.SECCOMP, "r0 = *(u32 *)(r1 + 64)\nexit")
                .runSeccomp(SeccompData.of(0)));
        assertThat(past.reason()).contains("outside struct seccomp_data (64 bytes) of SECCOMP programs");
    }
}
