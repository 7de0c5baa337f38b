package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicInstruction.jump;
import static io.bpf4j.classic.ClassicInstruction.stmt;
import static io.bpf4j.classic.ClassicOpcodes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of Linux's bpf_check_classic and seccomp_check_filter, each broken once and kept once. */
class ClassicCheckerTest {
    private static final ClassicInstruction RET0 = stmt(RET | K, 0);

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("empty", List.of(), -1, "empty"),
                Arguments.of("unknown opcode", List.of(stmt(0x0e, 0), RET0), 0, "opcode 0x0e"),
                Arguments.of("ret x", List.of(stmt(RET | X, 0)), 0, "opcode 0x0e"),
                Arguments.of("16-bit opcode", List.of(stmt(0x106, 0)), 0, "opcode 0x106"),
                Arguments.of("ld|dw", List.of(stmt(LD | 0x18 | ABS, 0), RET0), 0, "opcode 0x38"),
                Arguments.of("div #0", List.of(stmt(ALU | DIV | K, 0), RET0), 0, "divides by the constant 0"),
                Arguments.of("mod #0", List.of(stmt(ALU | MOD | K, 0), RET0), 0, "divides by the constant 0"),
                Arguments.of("lsh #32", List.of(stmt(ALU | LSH | K, 32), RET0), 0, "shifts by 32"),
                Arguments.of("rsh #-1", List.of(stmt(ALU | RSH | K, -1), RET0), 0, "shifts by 4294967295"),
                Arguments.of("ld M[16]", List.of(stmt(LD | MEM, 16), RET0), 0, "M[16]"),
                Arguments.of("ldx M[16]", List.of(stmt(LDX | MEM, 16), RET0), 0, "M[16]"),
                Arguments.of("st M[16]", List.of(stmt(ST, 16), RET0), 0, "M[16]"),
                Arguments.of("stx M[-1]", List.of(stmt(STX, -1), RET0), 0, "M[4294967295]"),
                Arguments.of("ja past the end", List.of(stmt(JMP | JA, 1), RET0), 0, "past the last one"),
                Arguments.of("ja backwards", List.of(RET0, stmt(JMP | JA, -2), RET0), 1, "past the last one"),
                Arguments.of("jt past the end", List.of(jump(JMP | JEQ | K, 0, 1, 0), RET0), 0, "past the last one"),
                Arguments.of("jf past the end", List.of(jump(JMP | JGT | X, 0, 0, 5), RET0), 0, "past the last one"),
                Arguments.of("unknown ancillary", List.of(stmt(LD | W | ABS, SKF_AD_OFF + 64), RET0), 0, "ancillary load"),
                Arguments.of("unknown ancillary, byte", List.of(stmt(LD | B | ABS, -4), RET0), 0, "ancillary load"),
                Arguments.of("no return at the end", List.of(stmt(LD | IMM, 1)), 0, "does not end in a return"),
                Arguments.of("too long", tooLong(), -1, "4097 instructions"),
                Arguments.of("read before write", List.of(stmt(LD | MEM, 3), RET0), 0, "reads M[3]"),
                Arguments.of("written on one path only", List.of(
                        jump(JMP | JEQ | K, 0, 0, 1), stmt(ST, 2), stmt(LDX | MEM, 2), RET0), 2, "reads M[2]"),
                Arguments.of("written after a ja skips it", List.of(
                        stmt(JMP | JA, 1), stmt(ST, 0), stmt(LD | MEM, 0), RET0), 2, "reads M[0]"));
    }

    private static List<ClassicInstruction> tooLong() {
        List<ClassicInstruction> l = new ArrayList<>();
        for (int i = 0; i < MAXINSNS; i++) {
            l.add(stmt(LD | IMM, i));
        }
        l.add(RET0);
        return l;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void linuxRefuses(String name, List<ClassicInstruction> insns, int pc, String message) {
        ClassicProgram p = ClassicProgram.of(insns);
        for (FilterKind kind : FilterKind.values()) {
            assertThatThrownBy(() -> ClassicChecker.check(p, kind)).isInstanceOf(ClassicCheckException.class)
                    .hasMessageContaining(message)
                    .satisfies(e -> assertThat(((ClassicCheckException) e).pc()).isEqualTo(pc));
        }
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("div #1", List.of(stmt(ALU | DIV | K, 1), RET0)),
                Arguments.of("lsh #31", List.of(stmt(ALU | LSH | K, 31), RET0)),
                Arguments.of("M[15]", List.of(stmt(ST, 15), stmt(LD | MEM, 15), RET0)),
                Arguments.of("ja to the last", List.of(stmt(JMP | JA, 1), RET0, RET0)),
                Arguments.of("written on both paths", List.of(jump(JMP | JEQ | K, 0, 0, 2), stmt(ST, 1), stmt(JMP | JA, 1),
                        stmt(STX, 1), stmt(LD | MEM, 1), RET0)),
                // after a ret, the next instruction inherits nothing from jumps that skip it: Linux's pass
                // resets nothing at a ret, so the store before it still counts for the fall-through
                Arguments.of("dead code after ret keeps the state", List.of(stmt(ST, 4), RET0, stmt(LD | MEM, 4), RET0)),
                Arguments.of("4096 instructions", tooLong().subList(1, MAXINSNS + 1)),
                Arguments.of("net offset", List.of(stmt(LD | W | ABS, SKF_NET_OFF), RET0)),
                Arguments.of("ret a", List.of(stmt(RET | A, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void linuxAccepts(String name, List<ClassicInstruction> insns) {
        assertThatCode(() -> ClassicChecker.check(ClassicProgram.of(insns), FilterKind.SOCKET_FILTER)).doesNotThrowAnyException();
    }

    @Test
    void everyAncillaryLoadIsAcceptedForSockets() {
        for (Ancillary a : Ancillary.values()) {
            for (int size : new int[] {W, H, B}) {
                ClassicChecker.check(ClassicProgram.of(stmt(LD | size | ABS, a.k()), stmt(RET | A, 0)), FilterKind.SOCKET_FILTER);
            }
        }
    }

    // ------------------------------------------------------------------ seccomp

    static Stream<Arguments> seccompRefuses() {
        return Stream.of(
                Arguments.of(stmt(LD | W | ABS, 64), "aligned 32-bit word"),
                Arguments.of(stmt(LD | W | ABS, 2), "aligned 32-bit word"),
                Arguments.of(stmt(LD | W | ABS, Ancillary.PROTOCOL.k()), "aligned 32-bit word"),
                Arguments.of(stmt(LD | H | ABS, 0), "not allowed in a seccomp filter"),
                Arguments.of(stmt(LD | B | ABS, 0), "not allowed in a seccomp filter"),
                Arguments.of(stmt(LD | W | IND, 0), "not allowed in a seccomp filter"),
                Arguments.of(stmt(LD | H | IND, 0), "not allowed in a seccomp filter"),
                Arguments.of(stmt(LD | B | IND, 0), "not allowed in a seccomp filter"),
                Arguments.of(stmt(LDX | B | MSH, 0), "not allowed in a seccomp filter"),
                Arguments.of(stmt(ALU | MOD | K, 3), "not allowed in a seccomp filter"),
                Arguments.of(stmt(ALU | MOD | X, 0), "not allowed in a seccomp filter"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seccompRefuses")
    void seccompRefusesWhatSocketsAccept(ClassicInstruction insn, String message) {
        ClassicProgram p = ClassicProgram.of(insn, RET0);
        assertThatCode(() -> ClassicChecker.check(p, FilterKind.SOCKET_FILTER)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ClassicChecker.check(p, FilterKind.SECCOMP)).isInstanceOf(ClassicCheckException.class)
                .hasMessageContaining(message).hasMessageStartingWith("instruction 0:");
    }

    @Test
    void seccompAcceptsItsInstructionSet() {
        ClassicProgram p = ClassicReader.parse("""
                ld [0]
                ld [60]
                ld len
                ldx len
                add #1
                sub x
                mul #3
                div #2
                div x
                and #1
                or x
                xor #5
                lsh #1
                rsh x
                neg
                tax
                txa
                ldx #4
                st M[0]
                stx M[1]
                ld M[0]
                ldx M[1]
                jeq #1, a, b
                a: jgt x, b, c
                b: jge #2, c, d
                c: jset x, d, e
                d: ja e
                e: ret a
                """, ClassicFormat.BPF_ASM);
        assertThatCode(() -> ClassicChecker.check(p, FilterKind.SECCOMP)).doesNotThrowAnyException();
    }
}
