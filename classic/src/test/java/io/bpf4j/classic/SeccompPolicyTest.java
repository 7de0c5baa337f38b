package io.bpf4j.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.types.SeccompAction;
import io.bpf4j.runtime.types.SeccompData;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SeccompPolicyTest {
    static ClassicProgram filter(String asm) {
        return ClassicReader.parse(asm, ClassicFormat.BPF_ASM);
    }

    static final ClassicProgram DENY_SOCKET = filter("""
            ld [0]
            jeq #41, deny
            ret #0x7fff0000
            deny: ret #0x50001
            """);
    static final ClassicProgram LOG_ALL_TRAP_KILL = filter("""
            ld [0]
            jeq #62, trap
            ret #0x7ffc0000
            trap: ret #0x30009
            """);

    @Test
    void aPolicyEvaluatesSystemCalls() {
        SeccompPolicy policy = SeccompPolicy.of(DENY_SOCKET);
        assertThat(policy.action(SeccompData.of(41, 2, 1, 0))).isEqualTo(SeccompAction.ERRNO);
        assertThat(policy.evaluate(SeccompData.of(41)).data()).isEqualTo(1);
        assertThat(policy.action(SeccompData.of(39))).isEqualTo(SeccompAction.ALLOW);
    }

    @Test
    void stackedFiltersTakeTheMostRestrictiveActionAsLinuxDoes() {
        SeccompPolicy both = SeccompPolicy.of(DENY_SOCKET, LOG_ALL_TRAP_KILL);
        assertThat(both.action(SeccompData.of(41))).isEqualTo(SeccompAction.ERRNO); // errno beats log
        assertThat(both.evaluate(SeccompData.of(62)).returnValue()).isEqualTo(0x30009); // trap beats allow
        assertThat(both.action(SeccompData.of(39))).isEqualTo(SeccompAction.LOG); // log beats allow
        // kill process (0x80000000) is the most restrictive, though negative as an int
        SeccompPolicy kill = SeccompPolicy.of(filter("ret #0x80000000"), filter("ret #0"));
        assertThat(kill.action(SeccompData.of(1))).isEqualTo(SeccompAction.KILL_PROCESS);
    }

    @Test
    void aStreamOfSystemCallsGetsADecisionEach() {
        SeccompPolicy policy = SeccompPolicy.of(DENY_SOCKET);
        List<SeccompPolicy.Decision> decisions = policy.evaluate(Stream.of(SeccompData.of(41), SeccompData.of(0), SeccompData.of(41)))
                .toList();
        assertThat(decisions).extracting(d -> d.result().action())
                .containsExactly(SeccompAction.ERRNO, SeccompAction.ALLOW, SeccompAction.ERRNO);
        assertThat(decisions.get(1).call().nr()).isZero();
    }

    @Test
    void theArchitectureAndArgumentsAreWhereLinuxPutsThem() {
        SeccompPolicy policy = SeccompPolicy.of(filter("""
                ld [4]
                jeq #0x40000003, i386
                ld [8]            ; instruction pointer, low word
                jeq #0x1234, ip
                ld [60]           ; args[5], high word
                ret a
                i386: ret #1
                ip: ret #2
                """));
        assertThat(policy.evaluate(new SeccompData(0, SyscallArch.I386.auditArch(), 0, new long[0])).returnValue()).isEqualTo(1);
        assertThat(policy.evaluate(new SeccompData(0, SeccompData.AUDIT_ARCH_X86_64, 0x1234, new long[0])).returnValue()).isEqualTo(2);
        assertThat(policy.evaluate(SeccompData.of(0, 0, 0, 0, 0, 0, 0x7fff000000000000L)).returnValue()).isEqualTo(0x7fff0000);
    }

    @Test
    void policiesAreCheckedAsLinuxChecksThem() {
        assertThatThrownBy(() -> SeccompPolicy.of(filter("ldh [0]\nret a"))).isInstanceOf(ClassicCheckException.class)
                .hasMessageContaining("not allowed in a seccomp filter");
    }

    @Test
    void systemCallTables() {
        assertThat(SyscallArch.of("x86_64").number("openat")).contains(257);
        assertThat(SyscallArch.X86_64.name(59)).contains("execve");
        assertThat(SyscallArch.of("i386").number("socketcall")).contains(102);
        assertThat(SyscallArch.X86_64.number("no_such_call")).isEmpty();
        assertThatThrownBy(() -> SyscallArch.of("sparc")).hasMessageContaining("known: x86_64, i386");
    }
}
