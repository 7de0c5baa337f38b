package io.bpf4j.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.Opcodes;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** bpf4j's verifier accepts what the converter produces, as Linux's accepts it (LinuxSocketFilterTest). */
class VerifierAcceptanceTest {
    private static void assertAccepted(ClassicProgram p, FilterKind kind, String what) {
        Instructions code = ClassicConverter.convert(p, kind);
        ProgramType type = kind == FilterKind.SECCOMP ? ProgramType.SECCOMP : ProgramType.SOCKET_FILTER;
        // bpf4j's own ancillary-load helpers are checked against their prototypes, Linux's as usual
        VerificationResult r = Verifier.verify(VerificationRequest.of(code, type).withStrict(true)
                .withHelpers(id -> ClassicHelpers.prototype(id).or(() -> io.bpf4j.runtime.LinuxHelpers.find(id)
                        .map(io.bpf4j.runtime.LinuxHelpers.Entry::prototype))));
        assertThat(r.accepted()).as("%s:%n%s", what, r.accepted() ? "" : r.rejection().format()).isTrue();
    }

    private static boolean callsOwnHelpers(ClassicProgram p) {
        return ClassicConverter.convert(p, FilterKind.SOCKET_FILTER).stream()
                .anyMatch(i -> i.opcode() == Opcodes.CALL_IMM && i.imm() >= ClassicHelpers.HATYPE);
    }

    @Test
    void tcpdumpFilters() {
        assumeTrue(Tcpdump.isAvailable(), "tcpdump is not installed");
        for (String expression : TcpdumpComparisonTest.EXPRESSIONS) {
            assertAccepted(Tcpdump.compileEthernet(expression), FilterKind.SOCKET_FILTER, expression);
        }
    }

    @Test
    void everyOpcode() {
        int verified = 0;
        int withOwnHelpers = 0;
        for (var a : LinuxSocketFilterTest.programs()) {
            String asm = (String) a.get()[0];
            ClassicProgram p = ClassicReader.parse(asm, ClassicFormat.BPF_ASM);
            assertAccepted(p, FilterKind.SOCKET_FILTER, asm);
            verified++;
            if (callsOwnHelpers(p)) {
                withOwnHelpers++;
            }
        }
        assertThat(verified).isGreaterThan(60);
        assertThat(withOwnHelpers).as("filters whose conversion calls bpf4j's ancillary helpers").isGreaterThanOrEqualTo(5);
    }

    @Test
    void seccompFilters() {
        assertAccepted(ClassicReader.parse("""
                ld [4]
                jne #0xc000003e, kill
                ld [0]
                jeq #39, allow
                ld [20]
                jset #0xffffffff, errno
                ld [16]
                st M[0]
                ldx M[0]
                ld len
                div x
                jgt #3, errno
                allow: ret #0x7fff0000
                errno: ret #0x503f0
                kill: ret #0
                """, ClassicFormat.BPF_ASM), FilterKind.SECCOMP, "hand-written seccomp filter");
    }

    @Test
    void randomPrograms() {
        Random random = new Random(3);
        for (int n = 0; n < 100; n++) {
            ClassicProgram p = ClassicConverterTest.randomProgram(random);
            assertAccepted(p, FilterKind.SOCKET_FILTER, ClassicWriter.toText(p, ClassicFormat.TCPDUMP));
        }
    }
}
