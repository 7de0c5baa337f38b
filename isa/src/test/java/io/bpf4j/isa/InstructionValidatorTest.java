package io.bpf4j.isa;

import static io.bpf4j.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rejection rule of {@link InstructionValidator}, each asserting that the exception names the
 * offending instruction, and the full set of opcodes RFC 9669 (plus {@code callx}) defines.
 */
class InstructionValidatorTest {

    private static final Instruction MOV0 = insn(ALU64 | MOV | K, 0, 0, 0, 0);
    private static final Instruction EXIT = insn(EXIT_OP, 0, 0, 0, 0);

    private static Instruction insn(int opcode, int dst, int src, int offset, int imm) {
        return Instruction.of(opcode, dst, src, offset, imm);
    }

    private static Instruction second(int imm) {
        return insn(0, 0, 0, 0, imm);
    }

    /** Asserts the program is rejected, naming instruction {@code index}, with a reason containing {@code reason}. */
    private static void assertRejected(int index, String reason, Instruction... slots) {
        InvalidInstructionException e =
                catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.of(slots));
        assertThat(e).as("expected rejection of %s", List.of(slots)).isNotNull();
        assertThat(e.index()).as(e.getMessage()).isEqualTo(index);
        assertThat(e.getMessage()).startsWith("instruction " + index + ": ").contains(reason);
    }

    /** Places {@code bad} at index 1 of a small program and asserts it is rejected there. */
    private static void assertRejectedAtOne(String reason, Instruction bad) {
        assertRejected(1, reason, MOV0, bad, EXIT);
    }

    private static void assertAccepted(Instruction... slots) {
        assertThatCode(() -> Instructions.of(slots)).as("%s", List.of(slots)).doesNotThrowAnyException();
    }

    // ------------------------------------------------------------------------------ unknown opcodes

    @ParameterizedTest(name = "0x{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // LD: only IMM|DW (lddw) and the legacy ABS/IND packet loads of size B, H, W
        "00 | unknown opcode in class LD", "08 | unknown opcode in class LD", "10 | unknown opcode in class LD",
        "38 | unknown opcode in class LD", "58 | unknown opcode in class LD", "60 | unknown opcode in class LD",
        "80 | unknown opcode in class LD", "c0 | unknown opcode in class LD", "e0 | unknown opcode in class LD",
        // LDX: MEM any size, MEMSX B/H/W
        "01 | unknown opcode in class LDX", "21 | unknown opcode in class LDX", "41 | unknown opcode in class LDX",
        "99 | unknown opcode in class LDX", "c1 | unknown opcode in class LDX", "e1 | unknown opcode in class LDX",
        // ST: MEM only
        "02 | unknown opcode in class ST", "22 | unknown opcode in class ST", "42 | unknown opcode in class ST",
        "82 | unknown opcode in class ST", "c2 | unknown opcode in class ST", "da | unknown opcode in class ST",
        // STX: MEM, and ATOMIC of size W or DW
        "03 | unknown opcode in class STX", "23 | unknown opcode in class STX", "83 | unknown opcode in class STX",
        "cb | unknown opcode in class STX", "d3 | unknown opcode in class STX", "e3 | unknown opcode in class STX",
        // ALU / ALU64
        "e4 | unknown arithmetic operation", "ec | unknown arithmetic operation", "f4 | unknown arithmetic operation",
        "fc | unknown arithmetic operation", "e7 | unknown arithmetic operation", "ff | unknown arithmetic operation",
        "8c | neg takes no source register", "8f | neg takes no source register",
        "df | 64-bit byte swap has no register form",
        // JMP / JMP32
        "e5 | unknown jump operation", "f5 | unknown jump operation", "fd | unknown jump operation",
        "e6 | unknown jump operation", "f6 | unknown jump operation", "ee | unknown jump operation",
        "0d | ja has no register form", "0e | ja has no register form",
        "86 | call exists only in class JMP", "8e | call exists only in class JMP",
        "9d | exit is 0x95 only", "96 | exit is 0x95 only", "9e | exit is 0x95 only",
    })
    void unknownOpcodes(String hex, String reason) {
        int opcode = Integer.parseInt(hex, 16);
        Instruction bad = insn(opcode, 0, 0, 0, 0);
        assertRejectedAtOne(reason, bad);
        assertThat(catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.of(MOV0, bad, EXIT))
                .getMessage()).contains(String.format("opcode 0x%02x", opcode));
    }

    @ParameterizedTest(name = "imm 0x{0}")
    @ValueSource(strings = {"10", "02", "e0", "f0", "e1f", "11", "ffffffff"})
    void unknownAtomicOperations(String hex) {
        int imm = Integer.parseUnsignedInt(hex, 16);
        assertRejectedAtOne("unknown atomic operation", insn(STX | ATOMIC | DW, 10, 1, -8, imm));
        assertRejectedAtOne("unknown atomic operation", insn(STX | ATOMIC | W, 10, 1, -8, imm));
    }

    @Test
    void everyAtomicOperationIsAccepted() {
        for (int imm : new int[] {ADD, OR, AND, XOR, ADD | ATOMIC_FETCH, OR | ATOMIC_FETCH, AND | ATOMIC_FETCH,
            XOR | ATOMIC_FETCH, ATOMIC_XCHG, ATOMIC_CMPXCHG}) {
            assertAccepted(insn(STX | ATOMIC | DW, 10, 1, -8, imm), EXIT);
            assertAccepted(insn(STX | ATOMIC | W, 10, 1, -8, imm), EXIT);
        }
    }

    // ------------------------------------------------------------------------------ registers

    @Nested
    class Registers {
        @ParameterizedTest
        @ValueSource(ints = {11, 12, 15})
        void destinationAboveR10(int reg) {
            assertRejectedAtOne("destination register r" + reg + " does not exist", insn(ALU64 | MOV | K, reg, 0, 0, 1));
            assertRejectedAtOne("destination register r" + reg + " does not exist", insn(LDX | MEM | W, reg, 1, 0, 0));
            assertRejectedAtOne("destination register r" + reg + " does not exist", insn(ST | MEM | W, reg, 0, 0, 0));
            assertRejectedAtOne("destination register r" + reg + " does not exist", insn(JMP | JEQ | K, reg, 0, 0, 0));
            assertRejectedAtOne("destination register r" + reg + " does not exist", insn(CALLX, reg, 0, 0, 0));
        }

        @ParameterizedTest
        @ValueSource(ints = {11, 13, 15})
        void sourceAboveR10(int reg) {
            assertRejectedAtOne("source register r" + reg + " does not exist", insn(ALU64 | ADD | X, 0, reg, 0, 0));
            assertRejectedAtOne("source register r" + reg + " does not exist", insn(LDX | MEM | DW, 0, reg, 0, 0));
            assertRejectedAtOne("source register r" + reg + " does not exist", insn(STX | MEM | B, 1, reg, 0, 0));
            assertRejectedAtOne("source register r" + reg + " does not exist", insn(JMP32 | JGT | X, 0, reg, 0, 0));
            assertRejectedAtOne("source register r" + reg + " does not exist", insn(LD | IND | W, 0, reg, 0, 0));
        }

        @Test
        void writesToTheFramePointer() {
            String reason = "r10 is the read-only frame pointer";
            assertRejectedAtOne(reason, insn(ALU64 | MOV | K, 10, 0, 0, 1));
            assertRejectedAtOne(reason, insn(ALU | ADD | X, 10, 1, 0, 0));
            assertRejectedAtOne(reason, insn(ALU64 | MOV | X, 10, 1, 8, 0));
            assertRejectedAtOne(reason, insn(ALU64 | NEG, 10, 0, 0, 0));
            assertRejectedAtOne(reason, insn(ALU | END | X, 10, 0, 0, 16));
            assertRejectedAtOne(reason, insn(LDX | MEM | DW, 10, 1, 0, 0));
            assertRejectedAtOne(reason, insn(LDX | MEMSX | B, 10, 1, 0, 0));
            assertRejected(1, reason, MOV0, insn(LDDW, 10, 0, 0, 1), second(0), EXIT);
        }

        @Test
        void theFramePointerMayBeReadAndStoredThrough() {
            assertAccepted(insn(ST | MEM | DW, 10, 0, -8, 1), insn(STX | MEM | W, 10, 1, -4, 0),
                    insn(LDX | MEM | DW, 0, 10, -8, 0), insn(ALU64 | MOV | X, 1, 10, 0, 0),
                    insn(JMP | JEQ | X, 10, 10, 0, 0), insn(STX | ATOMIC | DW, 10, 1, -8, ADD), EXIT);
        }
    }

    // ------------------------------------------------------------------------------ reserved fields

    @Nested
    class ReservedFields {
        @Test
        void arithmetic() {
            assertRejectedAtOne("reserved field source register must be 0 but is 1", insn(ALU64 | ADD | K, 0, 1, 0, 1));
            assertRejectedAtOne("reserved field imm must be 0 but is 5", insn(ALU64 | ADD | X, 0, 1, 0, 5));
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(ALU | SUB | K, 0, 0, 1, 0));
            assertRejectedAtOne("reserved field offset must be 0 but is -1", insn(ALU64 | LSH | X, 0, 1, -1, 0));
            assertRejectedAtOne("reserved field imm", insn(ALU64 | DIV | X, 0, 1, 0, 2));
            assertRejectedAtOne("reserved field source register", insn(ALU | MOD | K, 0, 1, 1, 2));
            assertRejectedAtOne("reserved field imm", insn(ALU64 | MOV | X, 0, 1, 16, 7));
            assertRejectedAtOne("reserved field source register", insn(ALU64 | MOV | K, 0, 3, 0, 7));
        }

        @Test
        void neg() {
            assertRejectedAtOne("reserved field imm must be 0 but is 1", insn(ALU64 | NEG, 0, 0, 0, 1));
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(ALU | NEG, 0, 0, 1, 0));
            assertRejectedAtOne("reserved field source register must be 0 but is 2", insn(ALU64 | NEG, 0, 2, 0, 0));
        }

        @Test
        void byteSwap() {
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(ALU | END | K, 0, 0, 1, 16));
            assertRejectedAtOne("reserved field source register must be 0 but is 1", insn(ALU | END | X, 0, 1, 0, 32));
            assertRejectedAtOne("reserved field source register must be 0 but is 3", insn(ALU64 | END | K, 0, 3, 0, 64));
        }

        @Test
        void unconditionalJumps() {
            assertRejectedAtOne("reserved field destination register must be 0 but is 1", insn(JMP | JA, 1, 0, 0, 0));
            assertRejectedAtOne("reserved field source register must be 0 but is 1", insn(JMP | JA, 0, 1, 0, 0));
            assertRejectedAtOne("reserved field imm must be 0 but is 1", insn(JMP | JA, 0, 0, 0, 1));
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(JMP32 | JA, 0, 0, 1, 0));
            assertRejectedAtOne("reserved field destination register", insn(JMP32 | JA, 2, 0, 0, 0));
        }

        @Test
        void conditionalJumps() {
            assertRejectedAtOne("reserved field source register must be 0 but is 1", insn(JMP | JEQ | K, 0, 1, 0, 0));
            assertRejectedAtOne("reserved field imm must be 0 but is 1", insn(JMP32 | JNE | X, 0, 1, 0, 1));
        }

        @Test
        void calls() {
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(CALL_IMM, 0, 0, 1, 1));
            assertRejectedAtOne("reserved field destination register must be 0 but is 1", insn(CALL_IMM, 1, 0, 0, 1));
            assertRejectedAtOne("call src must be 0 (helper), 1 (local function) or 2 (kernel function), not 3",
                    insn(CALL_IMM, 0, 3, 0, 1));
            assertRejectedAtOne("reserved field source register must be 0 but is 2", insn(CALLX, 1, 2, 0, 0));
            assertRejectedAtOne("reserved field imm must be 0 but is 5", insn(CALLX, 1, 0, 0, 5));
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(CALLX, 1, 0, 1, 0));
        }

        @Test
        void exit() {
            assertRejectedAtOne("reserved field destination register must be 0 but is 1", insn(EXIT_OP, 1, 0, 0, 0));
            assertRejectedAtOne("reserved field source register must be 0 but is 1", insn(EXIT_OP, 0, 1, 0, 0));
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(EXIT_OP, 0, 0, 1, 0));
            assertRejectedAtOne("reserved field imm must be 0 but is 1", insn(EXIT_OP, 0, 0, 0, 1));
        }

        @Test
        void legacyPacketLoads() {
            assertRejectedAtOne("reserved field destination register must be 0 but is 1", insn(LD | ABS | W, 1, 0, 0, 0));
            assertRejectedAtOne("reserved field source register must be 0 but is 1", insn(LD | ABS | H, 0, 1, 0, 0));
            assertRejectedAtOne("reserved field offset must be 0 but is 1", insn(LD | ABS | B, 0, 0, 1, 0));
            assertRejectedAtOne("reserved field destination register must be 0 but is 2", insn(LD | IND | W, 2, 1, 0, 0));
            assertRejectedAtOne("reserved field offset must be 0 but is -1", insn(LD | IND | B, 0, 1, -1, 0));
            assertAccepted(insn(LD | IND | H, 0, 7, 0, 12), insn(LD | ABS | B, 0, 0, 0, 23), EXIT);
        }

        @Test
        void loadsAndStores() {
            assertRejectedAtOne("reserved field imm must be 0 but is 1", insn(LDX | MEM | W, 0, 1, 0, 1));
            assertRejectedAtOne("reserved field imm must be 0 but is 1", insn(LDX | MEMSX | H, 0, 1, 0, 1));
            assertRejectedAtOne("reserved field source register must be 0 but is 2", insn(ST | MEM | B, 1, 2, 0, 0));
            assertRejectedAtOne("reserved field imm must be 0 but is 3", insn(STX | MEM | H, 1, 2, 0, 3));
        }

        @Test
        void lddwOffset() {
            assertRejected(1, "reserved field offset must be 0 but is 1", MOV0, insn(LDDW, 0, 0, 1, 0), second(0), EXIT);
        }
    }

    // ------------------------------------------------------------------------------ offsets and widths

    @ParameterizedTest
    @ValueSource(ints = {2, -1, 8, 0x7fff})
    void divisionAndModuloOffsetsOtherThanZeroAndOne(int offset) {
        String reason = "offset of div/mod must be 0 (unsigned) or 1 (signed), not " + offset;
        assertRejectedAtOne(reason, insn(ALU64 | DIV | K, 0, 0, offset, 1));
        assertRejectedAtOne(reason, insn(ALU | DIV | X, 0, 1, offset, 0));
        assertRejectedAtOne(reason, insn(ALU64 | MOD | X, 0, 1, offset, 0));
        assertRejectedAtOne(reason, insn(ALU | MOD | K, 0, 0, offset, 1));
    }

    @Test
    void signedDivisionAndModuloAreAccepted() {
        assertAccepted(insn(ALU64 | DIV | K, 0, 0, 1, -1), insn(ALU | DIV | X, 0, 1, 1, 0),
                insn(ALU64 | MOD | X, 0, 1, 1, 0), insn(ALU | MOD | K, 0, 0, 1, 3), EXIT);
    }

    @Test
    void movOffsets() {
        assertRejectedAtOne("offset of mov must be 0, or 8/16/32 for a sign-extending register move, not 8",
                insn(ALU64 | MOV | K, 0, 0, 8, 1));
        assertRejectedAtOne("offset of mov must be 0, or 8/16 for a sign-extending register move, not 32",
                insn(ALU | MOV | X, 0, 1, 32, 0));
        assertRejectedAtOne("not 7", insn(ALU64 | MOV | X, 0, 1, 7, 0));
        assertRejectedAtOne("not 64", insn(ALU64 | MOV | X, 0, 1, 64, 0));
        assertRejectedAtOne("not 16", insn(ALU | MOV | K, 0, 0, 16, 0));
        assertAccepted(insn(ALU | MOV | X, 0, 1, 8, 0), insn(ALU | MOV | X, 0, 1, 16, 0),
                insn(ALU64 | MOV | X, 0, 1, 8, 0), insn(ALU64 | MOV | X, 0, 1, 16, 0),
                insn(ALU64 | MOV | X, 0, 1, 32, 0), EXIT);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 24, 48, 128, -16})
    void byteSwapWidths(int width) {
        String reason = "byte swap width must be 16, 32 or 64, not " + width;
        assertRejectedAtOne(reason, insn(ALU | END | K, 0, 0, 0, width));
        assertRejectedAtOne(reason, insn(ALU | END | X, 0, 0, 0, width));
        assertRejectedAtOne(reason, insn(ALU64 | END | K, 0, 0, 0, width));
    }

    @Test
    void byteSwapWidthsAccepted() {
        for (int width : new int[] {16, 32, 64}) {
            assertAccepted(insn(ALU | END | K, 0, 0, 0, width), insn(ALU | END | X, 0, 0, 0, width),
                    insn(ALU64 | END | K, 0, 0, 0, width), EXIT);
        }
    }

    // ------------------------------------------------------------------------------ lddw

    @Nested
    class Lddw {
        @Test
        void truncatedAtTheEndOfTheProgram() {
            assertRejected(1, "lddw is missing its second half", MOV0, insn(LDDW, 0, 0, 0, 1));
            assertRejected(0, "lddw is missing its second half", insn(LDDW, 0, 0, 0, 1));
        }

        @Test
        void secondHalfMustHaveOpcodeRegistersAndOffsetZero() {
            String reason = "second half of lddw must have opcode, registers and offset zero";
            assertRejected(2, reason, MOV0, insn(LDDW, 0, 0, 0, 1), EXIT, EXIT);
            assertRejected(2, reason, MOV0, insn(LDDW, 0, 0, 0, 1), insn(0, 1, 0, 0, 0), EXIT);
            assertRejected(2, reason, MOV0, insn(LDDW, 0, 0, 0, 1), insn(0, 0, 1, 0, 0), EXIT);
            assertRejected(2, reason, MOV0, insn(LDDW, 0, 0, 0, 1), insn(0, 0, 0, 1, 0), EXIT);
            assertRejected(1, reason, insn(LDDW, 0, 0, 0, 1), insn(LDDW, 0, 0, 0, 1), second(0), EXIT);
        }

        @ParameterizedTest
        @ValueSource(ints = {PSEUDO_MAP_FD, PSEUDO_FUNC, PSEUDO_MAP_IDX})
        void secondImmMustBeZeroForKindsWithoutOne(int kind) {
            assertRejected(2, "second half of lddw with src " + kind + " must have imm zero",
                    MOV0, insn(LDDW, 0, kind, 0, 0), second(4), EXIT);
        }

        @Test
        void kindsWithASecondImmAndThePlainImmediateAcceptIt() {
            for (int kind : new int[] {PSEUDO_IMM, PSEUDO_MAP_VALUE, PSEUDO_BTF_ID, PSEUDO_MAP_IDX_VALUE}) {
                assertAccepted(insn(LDDW, 1, kind, 0, 1), second(8), EXIT);
            }
            assertAccepted(insn(LDDW, 1, PSEUDO_MAP_FD, 0, 3), second(0), insn(LDDW, 2, PSEUDO_MAP_IDX, 0, 3), second(0),
                    EXIT);
        }

        @ParameterizedTest
        @ValueSource(ints = {7, 8, 15})
        void unknownKind(int kind) {
            assertRejected(1, "lddw src " + kind + " is not a known kind (0-6)", MOV0, insn(LDDW, 0, kind, 0, 0),
                    second(0), EXIT);
        }

        @Test
        void codeAddressMustBeAnInstruction() {
            // lddw src 4: imm is relative like a local call
            assertAccepted(insn(LDDW, 1, PSEUDO_FUNC, 0, 1), second(0), EXIT, EXIT);
            assertRejected(0, "lddw code address 4 is not an instruction",
                    insn(LDDW, 1, PSEUDO_FUNC, 0, 3), second(0), EXIT, EXIT);
            assertRejected(1, "lddw code address -1 is not an instruction",
                    MOV0, insn(LDDW, 1, PSEUDO_FUNC, 0, -3), second(0), EXIT);
            assertRejected(0, "lddw code address 1 is not an instruction",
                    insn(LDDW, 1, PSEUDO_FUNC, 0, 0), second(0), EXIT);
        }
    }

    // ------------------------------------------------------------------------------ branch targets

    @Nested
    class BranchTargets {
        @Test
        void jumpsOutsideTheProgram() {
            assertRejected(1, "jump target 7 is outside the program (0..2)", MOV0, insn(JMP | JA, 0, 0, 5, 0), EXIT);
            assertRejected(1, "jump target 3 is outside the program (0..2)", MOV0, insn(JMP | JA, 0, 0, 1, 0), EXIT);
            assertRejected(1, "jump target -1 is outside the program", MOV0, insn(JMP | JA, 0, 0, -3, 0), EXIT);
            assertRejected(1, "jump target 3 is outside the program", MOV0, insn(JMP | JEQ | K, 0, 0, 1, 0), EXIT);
            assertRejected(1, "jump target -32766 is outside the program",
                    MOV0, insn(JMP32 | JSLE | X, 0, 1, Short.MIN_VALUE, 0), EXIT);
            assertRejected(1, "jump target 1002 is outside the program", MOV0, insn(JMP32 | JA, 0, 0, 0, 1000), EXIT);
            assertRejected(1, "jump target -2147483646 is outside the program",
                    MOV0, insn(JMP32 | JA, 0, 0, 0, Integer.MIN_VALUE), EXIT);
            assertRejected(1, "is outside the program", MOV0, insn(JMP32 | JA, 0, 0, 0, Integer.MAX_VALUE), EXIT);
            assertRejected(1, "is outside the program", MOV0, insn(CALL_IMM, 0, CALL_LOCAL, 0, Integer.MAX_VALUE), EXIT);
        }

        @Test
        void localCallsOutsideTheProgram() {
            assertRejected(1, "call target 3 is outside the program", MOV0, insn(CALL_IMM, 0, CALL_LOCAL, 0, 1), EXIT);
            assertRejected(1, "call target -1 is outside the program", MOV0, insn(CALL_IMM, 0, CALL_LOCAL, 0, -3), EXIT);
        }

        @Test
        void helperAndKernelFunctionCallsHaveNoTarget() {
            assertAccepted(insn(CALL_IMM, 0, CALL_HELPER, 0, 1000), insn(CALL_IMM, 0, CALL_KFUNC, 0, -5),
                    insn(CALLX, 3, 0, 0, 0), EXIT);
        }

        @Test
        void branchesIntoTheMiddleOfLddw() {
            String jump = "jump target 2 is the second half of a lddw";
            assertRejected(0, jump, insn(JMP | JA, 0, 0, 1, 0), insn(LDDW, 0, 0, 0, 0), second(0), EXIT);
            assertRejected(0, jump, insn(JMP | JNE | X, 0, 1, 1, 0), insn(LDDW, 0, 0, 0, 0), second(0), EXIT);
            assertRejected(0, jump, insn(JMP32 | JA, 0, 0, 0, 1), insn(LDDW, 0, 0, 0, 0), second(0), EXIT);
            assertRejected(3, "jump target 2 is the second half of a lddw",
                    MOV0, insn(LDDW, 0, 0, 0, 0), second(0), insn(JMP | JA, 0, 0, -2, 0), EXIT);
            assertRejected(0, "call target 2 is the second half of a lddw",
                    insn(CALL_IMM, 0, CALL_LOCAL, 0, 1), insn(LDDW, 0, 0, 0, 0), second(0), EXIT);
        }

        @Test
        void inRangeBranchesAreAccepted() {
            assertAccepted(insn(JMP | JA, 0, 0, -1, 0), EXIT); // an infinite loop is well formed
            assertAccepted(insn(JMP | JA, 0, 0, 2, 0), insn(LDDW, 0, 0, 0, 0), second(0), EXIT);
            assertAccepted(insn(JMP32 | JA, 0, 0, 0, 0), insn(CALL_IMM, 0, CALL_LOCAL, 0, 0), EXIT);
            assertAccepted(MOV0, insn(JMP | JGT | K, 0, 0, -2, 0), EXIT);
        }
    }

    // ------------------------------------------------------------------------------ whole programs

    @Test
    void emptyProgram() {
        InvalidInstructionException e = catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.of());
        assertThat(e.index()).isEqualTo(-1);
        assertThat(e.getMessage()).isEqualTo("program is empty");
        assertThat(catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.decode(new byte[0]))
                .index()).isEqualTo(-1);
        assertThat(catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.of(List.of()))
                .index()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 9, 15, 17})
    void programNotAMultipleOfEightBytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i + 8 <= length; i += 8) {
            bytes[i] = (byte) EXIT_OP;
        }
        InvalidInstructionException e =
                catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.decode(bytes));
        assertThat(e.index()).isEqualTo(length / 8);
        assertThat(e.getMessage()).startsWith("instruction " + length / 8 + ": ")
                .contains("program length " + length + " bytes is not a multiple of 8");
    }

    @Test
    void programLargerThanTheLimit() {
        byte[] bytes = new byte[(Instructions.MAX_SLOTS + 1) * Instruction.SIZE];
        InvalidInstructionException e =
                catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.decode(bytes));
        assertThat(e.index()).isEqualTo(-1);
        assertThat(e.getMessage()).contains("more than the limit of " + Instructions.MAX_SLOTS);
    }

    @Test
    void decodeReportsTheFirstMalformedInstruction() {
        byte[] bytes = new byte[24];
        bytes[0] = (byte) EXIT_OP;
        bytes[8] = (byte) 0xb7;
        bytes[9] = 0x0a; // mov r10, 0
        bytes[16] = (byte) 0xff;
        assertThat(catchThrowableOfType(InvalidInstructionException.class, () -> Instructions.decode(bytes)).index())
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------------------ the opcode set

    /** The opcodes RFC 9669 defines (Appendix A), plus callx (0x8d) which the conformance suite uses. */
    static final Set<Integer> VALID_OPCODES = Set.of(
            // ALU
            0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c,
            0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc,
            // ALU64
            0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f,
            0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
            // JMP
            0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d,
            0x85, 0x8d, 0x95, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd,
            // JMP32
            0x06, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e,
            0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde,
            // LD: lddw and the legacy packet loads
            0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50,
            // LDX
            0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91,
            // ST
            0x62, 0x6a, 0x72, 0x7a,
            // STX, atomics
            0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb);

    /** A well-formed use of {@code opcode} if it is valid (fields chosen as its class needs), then exit. */
    private static Instruction[] canonical(int opcode) {
        List<Instruction> out = new ArrayList<>();
        int cls = instructionClass(opcode);
        boolean reg = source(opcode) == X;
        int operation = operation(opcode);
        switch (cls) {
            case ALU, ALU64 -> {
                if (operation == END) {
                    out.add(insn(opcode, 1, 0, 0, 16));
                } else if (operation == NEG) {
                    out.add(insn(opcode, 1, 0, 0, 0));
                } else {
                    out.add(reg ? insn(opcode, 1, 2, 0, 0) : insn(opcode, 1, 0, 0, 3));
                }
            }
            case JMP, JMP32 -> {
                if (opcode == EXIT_OP || operation == JA) {
                    out.add(insn(opcode, 0, 0, 0, 0));
                } else if (opcode == CALL_IMM) {
                    out.add(insn(opcode, 0, CALL_HELPER, 0, 1));
                } else if (opcode == CALLX) {
                    out.add(insn(opcode, 1, 0, 0, 0));
                } else {
                    out.add(reg ? insn(opcode, 1, 2, 0, 0) : insn(opcode, 1, 0, 0, 3));
                }
            }
            case LD -> {
                if (opcode == LDDW) {
                    out.add(insn(opcode, 1, 0, 0, 5));
                    out.add(second(6));
                } else {
                    out.add(insn(opcode, 0, mode(opcode) == IND ? 1 : 0, 0, 4));
                }
            }
            case LDX -> out.add(insn(opcode, 1, 2, 4, 0));
            case ST -> out.add(insn(opcode, 10, 0, -8, 1));
            case STX -> out.add(insn(opcode, 10, 1, -8, mode(opcode) == ATOMIC ? ADD : 0));
            default -> throw new AssertionError();
        }
        out.add(EXIT);
        return out.toArray(new Instruction[0]);
    }

    @Test
    void theOpcodeSetHasTheExpectedSize() {
        assertThat(VALID_OPCODES).hasSize(27 + 26 + 26 + 23 + 7 + 7 + 4 + 6);
    }

    @Test
    void everyValidOpcodeIsAcceptedAndEveryOtherRejected() {
        Set<String> wronglyRejected = new TreeSet<>();
        Set<String> wronglyAccepted = new TreeSet<>();
        for (int opcode = 0; opcode < 256; opcode++) {
            Instruction[] program = canonical(opcode);
            String name = String.format("0x%02x", opcode);
            try {
                Instructions.of(program);
                if (!VALID_OPCODES.contains(opcode)) {
                    wronglyAccepted.add(name);
                }
            } catch (InvalidInstructionException e) {
                if (VALID_OPCODES.contains(opcode)) {
                    wronglyRejected.add(name + " (" + e.getMessage() + ")");
                } else {
                    assertThat(e.index()).as(name).isZero();
                }
            }
        }
        assertThat(wronglyRejected).as("valid opcodes rejected").isEmpty();
        assertThat(wronglyAccepted).as("invalid opcodes accepted").isEmpty();
    }

    @Test
    void everyValidOpcodeDecodesFromBytes() {
        Set<Integer> decoded = IntStream.range(0, 256).filter(VALID_OPCODES::contains).boxed()
                .filter(op -> {
                    Instructions p = Instructions.of(canonical(op));
                    return Instructions.decode(p.toBytes()).equals(p);
                })
                .collect(Collectors.toSet());
        assertThat(decoded).isEqualTo(VALID_OPCODES);
    }
}
