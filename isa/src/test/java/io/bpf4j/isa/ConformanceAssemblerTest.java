package io.bpf4j.isa;

import io.bpf4j.testkit.SharedData;

import static io.bpf4j.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConformanceAssemblerTest {

    private static List<Instruction> slots(String source) {
        return ConformanceAssembler.assemble(source);
    }

    private static Instruction one(String source) {
        List<Instruction> p = ConformanceAssembler.assembleSlots(source);
        assertThat(p).hasSize(1);
        return p.getFirst();
    }

    private static Instruction insn(int opcode, int dst, int src, int offset, int imm) {
        return Instruction.of(opcode, dst, src, offset, imm);
    }

    private static AssemblyException failure(String source) {
        return catchThrowableOfType(AssemblyException.class, () -> ConformanceAssembler.assemble(source));
    }

    // ---------------------------------------------------------------------------------- corpus

    static JsonNode corpus() throws IOException {
        return new ObjectMapper().readTree(SharedData.conformance().resolve("corpus.json").toFile());
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusProgramAssemblesByteForByte() throws IOException {
        Path conformance = SharedData.conformance();
        JsonNode tests = corpus().get("tests");
        return StreamSupport.stream(tests.spliterator(), false).map(test -> {
            String file = test.get("file").asText();
            return dynamicTest(file, () -> {
                ConformanceTestFile data = ConformanceTestFile.read(conformance.resolve(file));
                String asm = data.assembly().orElseThrow(() -> new AssertionError(file + " has no -- asm section"));
                Instructions program = ConformanceAssembler.assemble(asm);
                assertThat(HexFormat.of().formatHex(program.toBytes()))
                        .as("assembly of %s", file)
                        .isEqualTo(test.get("program_hex").asText());
                assertThat(program).hasSize(test.get("n_insns").asInt());
            });
        });
    }

    @Test
    void corpusCoversEveryTestFile() throws IOException {
        Path conformance = SharedData.conformance();
        JsonNode corpus = corpus();
        Set<String> inCorpus = StreamSupport.stream(corpus.get("tests").spliterator(), false)
                .map(t -> t.get("file").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(conformance.resolve("tests"))) {
            onDisk = files.map(p -> "tests/" + p.getFileName())
                    .filter(n -> n.endsWith(".data"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(inCorpus).hasSize(corpus.get("count").asInt()).hasSize(313).isEqualTo(onDisk);
    }

    // ---------------------------------------------------------------------------------- encodings

    @Nested
    class Encodings {
        @Test
        void aluWithoutSuffixIsAlu64AndSuffix32IsAlu() {
            assertThat(slots("mov %r1, 2\nmov32 %r1, 2\nadd %r0, %r1\nadd32 %r0, %r1\nexit")).containsExactly(
                    insn(ALU64 | MOV | K, 1, 0, 0, 2),
                    insn(ALU | MOV | K, 1, 0, 0, 2),
                    insn(ALU64 | ADD | X, 0, 1, 0, 0),
                    insn(ALU | ADD | X, 0, 1, 0, 0),
                    insn(EXIT_OP, 0, 0, 0, 0));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({
            "add, 0x00", "sub, 0x10", "mul, 0x20", "div, 0x30", "or, 0x40", "and, 0x50", "lsh, 0x60",
            "rsh, 0x70", "mod, 0x90", "xor, 0xa0", "mov, 0xb0", "arsh, 0xc0"
        })
        void everyBinaryAluOperation(String name, String operation) {
            int op = Integer.decode(operation);
            assertThat(one(name + " %r3, 7")).isEqualTo(insn(ALU64 | op | K, 3, 0, 0, 7));
            assertThat(one(name + " %r3, %r4")).isEqualTo(insn(ALU64 | op | X, 3, 4, 0, 0));
            assertThat(one(name + "32 %r3, 7")).isEqualTo(insn(ALU | op | K, 3, 0, 0, 7));
            assertThat(one(name + "32 %r3, %r4")).isEqualTo(insn(ALU | op | X, 3, 4, 0, 0));
        }

        @Test
        void signedDivisionAndModuloSetOffsetOne() {
            assertThat(one("sdiv %r0, -4")).isEqualTo(insn(ALU64 | DIV | K, 0, 0, 1, -4));
            assertThat(one("sdiv32 %r1, %r2")).isEqualTo(insn(ALU | DIV | X, 1, 2, 1, 0));
            assertThat(one("smod %r0, %r1")).isEqualTo(insn(ALU64 | MOD | X, 0, 1, 1, 0));
            assertThat(one("smod32 %r0, 3")).isEqualTo(insn(ALU | MOD | K, 0, 0, 1, 3));
        }

        @Test
        void negHasNoOperandBesidesTheRegister() {
            assertThat(one("neg %r2")).isEqualTo(insn(ALU64 | NEG, 2, 0, 0, 0));
            assertThat(one("neg32 %r2")).isEqualTo(insn(ALU | NEG, 2, 0, 0, 0));
        }

        @Test
        void signExtendingMovesPutTheSourceWidthInTheOffset() {
            assertThat(one("movsx832 %r2, %r1")).isEqualTo(insn(ALU | MOV | X, 2, 1, 8, 0));
            assertThat(one("movsx1632 %r2, %r1")).isEqualTo(insn(ALU | MOV | X, 2, 1, 16, 0));
            assertThat(one("movsx864 %r2, %r1")).isEqualTo(insn(ALU64 | MOV | X, 2, 1, 8, 0));
            assertThat(one("movsx1664 %r2, %r1")).isEqualTo(insn(ALU64 | MOV | X, 2, 1, 16, 0));
            assertThat(one("movsx3264 %r2, %r1")).isEqualTo(insn(ALU64 | MOV | X, 2, 1, 32, 0));
            assertThat(failure("movsx3232 %r2, %r1").getMessage()).contains("unknown mnemonic");
            assertThat(failure("movsx864 %r2, 1").getMessage()).contains("source register");
        }

        @Test
        void byteSwapsPutTheWidthInImm() {
            assertThat(one("le16 %r1")).isEqualTo(insn(ALU | END | K, 1, 0, 0, 16));
            assertThat(one("le64 %r1")).isEqualTo(insn(ALU | END | K, 1, 0, 0, 64));
            assertThat(one("be16 %r1")).isEqualTo(insn(ALU | END | X, 1, 0, 0, 16));
            assertThat(one("be32 %r1")).isEqualTo(insn(ALU | END | X, 1, 0, 0, 32));
            assertThat(one("swap32 %r1")).isEqualTo(insn(ALU64 | END | K, 1, 0, 0, 32));
            assertThat(one("bswap64 %r1")).isEqualTo(insn(ALU64 | END | K, 1, 0, 0, 64));
        }

        @Test
        void immediatesMayBeWrittenSignedOrUnsigned() {
            assertThat(one("mov %r0, 0xffffffff")).isEqualTo(insn(ALU64 | MOV | K, 0, 0, 0, -1));
            assertThat(one("mov %r0, 4294967295")).isEqualTo(insn(ALU64 | MOV | K, 0, 0, 0, -1));
            assertThat(one("mov %r0, -1")).isEqualTo(insn(ALU64 | MOV | K, 0, 0, 0, -1));
            assertThat(one("mov %r0, -0x80000000")).isEqualTo(insn(ALU64 | MOV | K, 0, 0, 0, Integer.MIN_VALUE));
            assertThat(one("mov %r0, 0x80000000")).isEqualTo(insn(ALU64 | MOV | K, 0, 0, 0, Integer.MIN_VALUE));
            assertThat(one("add %r0, +3")).isEqualTo(insn(ALU64 | ADD | K, 0, 0, 0, 3));
            assertThat(one("add %r0, 010")).as("no octal").isEqualTo(insn(ALU64 | ADD | K, 0, 0, 0, 10));
            assertThat(one("add %r0, 0XfF")).isEqualTo(insn(ALU64 | ADD | K, 0, 0, 0, 255));
        }

        @Test
        void lddwSplitsTheValueLowHalfFirst() {
            assertThat(slots("lddw %r3, 0x1122334455667788\nexit")).containsExactly(
                    insn(LDDW, 3, 0, 0, 0x55667788),
                    insn(0, 0, 0, 0, 0x11223344),
                    insn(EXIT_OP, 0, 0, 0, 0));
            assertThat(ConformanceAssembler.assembleSlots("lddw %r0, -2")).containsExactly(
                    insn(LDDW, 0, 0, 0, -2), insn(0, 0, 0, 0, -1));
            assertThat(ConformanceAssembler.assembleSlots("lddw %r0, 0xffffffffffffffff")).containsExactly(
                    insn(LDDW, 0, 0, 0, -1), insn(0, 0, 0, 0, -1));
            assertThat(ConformanceAssembler.assembleSlots("lddw %r0, -9223372036854775808")).containsExactly(
                    insn(LDDW, 0, 0, 0, 0), insn(0, 0, 0, 0, Integer.MIN_VALUE));
        }

        @Test
        void loadsAndStores() {
            assertThat(one("ldxb %r1, [%r2+3]")).isEqualTo(insn(LDX | MEM | B, 1, 2, 3, 0));
            assertThat(one("ldxh %r1, [%r2-3]")).isEqualTo(insn(LDX | MEM | H, 1, 2, -3, 0));
            assertThat(one("ldxw %r1, [%r2]")).isEqualTo(insn(LDX | MEM | W, 1, 2, 0, 0));
            assertThat(one("ldxdw %r1, [%r10-8]")).isEqualTo(insn(LDX | MEM | DW, 1, 10, -8, 0));
            assertThat(one("ldxsb %r1, [%r2+1]")).isEqualTo(insn(LDX | MEMSX | B, 1, 2, 1, 0));
            assertThat(one("ldxsh %r1, [%r2+1]")).isEqualTo(insn(LDX | MEMSX | H, 1, 2, 1, 0));
            assertThat(one("ldxsw %r1, [%r2+1]")).isEqualTo(insn(LDX | MEMSX | W, 1, 2, 1, 0));
            assertThat(one("stb [%r10-1], 0xff")).isEqualTo(insn(ST | MEM | B, 10, 0, -1, 255));
            assertThat(one("sth [%r1], 0x1234")).isEqualTo(insn(ST | MEM | H, 1, 0, 0, 0x1234));
            assertThat(one("stw [%r1+0x10], -1")).isEqualTo(insn(ST | MEM | W, 1, 0, 16, -1));
            assertThat(one("stdw [%r10-16], 0xab")).isEqualTo(insn(ST | MEM | DW, 10, 0, -16, 0xab));
            assertThat(one("stxb [%r1+4], %r5")).isEqualTo(insn(STX | MEM | B, 1, 5, 4, 0));
            assertThat(one("stxdw [%r10-8], %r0")).isEqualTo(insn(STX | MEM | DW, 10, 0, -8, 0));
            assertThat(one("ldxw %r1, [ %r2 + 3 ]")).as("spaces inside brackets")
                    .isEqualTo(insn(LDX | MEM | W, 1, 2, 3, 0));
            assertThat(one("ldxw %r1, [%r2+32767]")).isEqualTo(insn(LDX | MEM | W, 1, 2, 32767, 0));
            assertThat(one("ldxw %r1, [%r2-32768]")).isEqualTo(insn(LDX | MEM | W, 1, 2, -32768, 0));
        }

        @Test
        void legacyPacketLoads() {
            assertThat(one("ldabsb 3")).isEqualTo(insn(LD | ABS | B, 0, 0, 0, 3));
            assertThat(one("ldabsh 0xc")).isEqualTo(insn(LD | ABS | H, 0, 0, 0, 12));
            assertThat(one("ldabsw 20")).isEqualTo(insn(LD | ABS | W, 0, 0, 0, 20));
            assertThat(one("ldindb %r1, 3")).isEqualTo(insn(LD | IND | B, 0, 1, 0, 3));
            assertThat(one("ldindh %r2, -1")).isEqualTo(insn(LD | IND | H, 0, 2, 0, -1));
            assertThat(one("ldindw %r3, 0")).isEqualTo(insn(LD | IND | W, 0, 3, 0, 0));
            assertThat(failure("ldabsdw 0").getMessage()).contains("unknown mnemonic 'ldabsdw'");
        }

        @Test
        void atomics() {
            int dw = STX | ATOMIC | DW;
            int w = STX | ATOMIC | W;
            assertThat(one("lock add [%r10-8], %r1")).isEqualTo(insn(dw, 10, 1, -8, ADD));
            assertThat(one("lock or32 [%r10-4], %r1")).isEqualTo(insn(w, 10, 1, -4, OR));
            assertThat(one("lock and [%r1], %r2")).isEqualTo(insn(dw, 1, 2, 0, AND));
            assertThat(one("lock xor32 [%r1+2], %r2")).isEqualTo(insn(w, 1, 2, 2, XOR));
            assertThat(one("lock fetch add [%r10-8], %r1")).isEqualTo(insn(dw, 10, 1, -8, ADD | ATOMIC_FETCH));
            assertThat(one("lock fetch and32 [%r10-8], %r3")).isEqualTo(insn(w, 10, 3, -8, AND | ATOMIC_FETCH));
            assertThat(one("lock fetch or [%r10-8], %r3")).isEqualTo(insn(dw, 10, 3, -8, OR | ATOMIC_FETCH));
            assertThat(one("lock fetch xor [%r10-8], %r3")).isEqualTo(insn(dw, 10, 3, -8, XOR | ATOMIC_FETCH));
            assertThat(one("lock xchg [%r10-8], %r1")).isEqualTo(insn(dw, 10, 1, -8, ATOMIC_XCHG));
            assertThat(one("lock xchg32 [%r10-8], %r1")).isEqualTo(insn(w, 10, 1, -8, ATOMIC_XCHG));
            assertThat(one("lock cmpxchg [%r10-8], %r1")).isEqualTo(insn(dw, 10, 1, -8, ATOMIC_CMPXCHG));
            assertThat(one("lock cmpxchg32 [%r10-8], %r1")).isEqualTo(insn(w, 10, 1, -8, ATOMIC_CMPXCHG));
        }

        @Test
        void conditionalJumpsToLabelsAndOffsets() {
            List<Instruction> p = slots("""
                    start:
                    jeq %r1, 5, done
                    jsgt32 %r1, %r2, +1
                    jne %r0, 0xffffffff, start
                    done:
                    exit
                    """);
            assertThat(p).containsExactly(
                    insn(JMP | JEQ | K, 1, 0, 2, 5),
                    insn(JMP32 | JSGT | X, 1, 2, 1, 0),
                    insn(JMP | JNE | K, 0, 0, -3, -1),
                    insn(EXIT_OP, 0, 0, 0, 0));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({
            "jeq, 0x10", "jgt, 0x20", "jge, 0x30", "jset, 0x40", "jne, 0x50", "jsgt, 0x60", "jsge, 0x70",
            "jlt, 0xa0", "jle, 0xb0", "jslt, 0xc0", "jsle, 0xd0"
        })
        void everyConditionalJump(String name, String operation) {
            int op = Integer.decode(operation);
            assertThat(one(name + " %r1, 7, +2")).isEqualTo(insn(JMP | op | K, 1, 0, 2, 7));
            assertThat(one(name + " %r1, %r9, -2")).isEqualTo(insn(JMP | op | X, 1, 9, -2, 0));
            assertThat(one(name + "32 %r1, 7, +0")).isEqualTo(insn(JMP32 | op | K, 1, 0, 0, 7));
            assertThat(one(name + "32 %r1, %r9, 3")).isEqualTo(insn(JMP32 | op | X, 1, 9, 3, 0));
        }

        @Test
        void jaUsesTheOffsetAndJa32TheImmediate() {
            assertThat(slots("ja l\nl:\nja32 l\nja +1\nja32 -3\nexit")).containsExactly(
                    insn(JMP | JA, 0, 0, 0, 0),
                    insn(JMP32 | JA, 0, 0, 0, -1),
                    insn(JMP | JA, 0, 0, 1, 0),
                    insn(JMP32 | JA, 0, 0, 0, -3),
                    insn(EXIT_OP, 0, 0, 0, 0));
        }

        @Test
        void exitNamesTheFirstExitInstructionUnlessDefined() {
            assertThat(slots("ja exit\nmov %r0, 1\nexit\nmov %r0, 2\nexit")).first()
                    .isEqualTo(insn(JMP | JA, 0, 0, 1, 0));
            assertThat(slots("jeq %r0, 0, exit\nexit\nexit:\nmov %r0, 1\nexit")).first()
                    .as("an explicit label wins").isEqualTo(insn(JMP | JEQ | K, 0, 0, 1, 0));
            assertThat(slots("ja exit\nexit\nexit")).first()
                    .as("a jump back to the first exit").isEqualTo(insn(JMP | JA, 0, 0, 0, 0));
        }

        @Test
        void callForms() {
            assertThat(one("call 5")).isEqualTo(insn(CALL_IMM, 0, CALL_HELPER, 0, 5));
            assertThat(one("call helper 0x10")).isEqualTo(insn(CALL_IMM, 0, CALL_HELPER, 0, 16));
            assertThat(one("call runtime 7")).isEqualTo(insn(CALL_IMM, 0, CALL_KFUNC, 0, 7));
            assertThat(one("call %r2")).isEqualTo(insn(CALLX, 2, 0, 0, 0));
            assertThat(one("call helper %r3")).isEqualTo(insn(CALLX, 3, 0, 0, 0));
            assertThat(slots("call local fn\nexit\nfn:\nmov %r0, 1\nexit")).first()
                    .isEqualTo(insn(CALL_IMM, 0, CALL_LOCAL, 0, 1));
            assertThat(slots("ja +2\nfn:\nexit\ncall local fn\nexit")).element(2)
                    .as("a call backwards").isEqualTo(insn(CALL_IMM, 0, CALL_LOCAL, 0, -2));
            assertThat(slots("call local +1\nexit\nexit")).first().isEqualTo(insn(CALL_IMM, 0, CALL_LOCAL, 0, 1));
        }

        @Test
        void labelsCommentsAndLayout() {
            List<Instruction> p = slots("""
                    # a comment line
                      mov %r0,1   # trailing comment
                    a: b: add %r0 , 2
                    \tja a
                    exit\r
                    """);
            assertThat(p).containsExactly(
                    insn(ALU64 | MOV | K, 0, 0, 0, 1),
                    insn(ALU64 | ADD | K, 0, 0, 0, 2),
                    insn(JMP | JA, 0, 0, -2, 0),
                    insn(EXIT_OP, 0, 0, 0, 0));
            assertThat(slots("b:\nMOV %R0, 1\nja b\nEXIT")).as("mnemonics and registers ignore case")
                    .containsExactly(insn(ALU64 | MOV | K, 0, 0, 0, 1), insn(JMP | JA, 0, 0, -2, 0),
                            insn(EXIT_OP, 0, 0, 0, 0));
        }

        @Test
        void assembleSlotsSkipsStructuralValidation() {
            assertThat(ConformanceAssembler.assembleSlots("mov %r10, 1\nja +5\nmov %r12, %r15"))
                    .containsExactly(insn(ALU64 | MOV | K, 10, 0, 0, 1), insn(JMP | JA, 0, 0, 5, 0),
                            insn(ALU64 | MOV | X, 12, 15, 0, 0));
            assertThat(ConformanceAssembler.assembleSlots("# nothing\n")).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------- errors

    @Nested
    class Errors {
        private void assertError(String source, int line, int column, String reasonPart) {
            AssemblyException e = failure(source);
            assertThat(e).as("error for %s", source).isNotNull();
            assertThat(e.line()).as("line of: %s", e.getMessage()).isEqualTo(line);
            assertThat(e.column()).as("column of: %s", e.getMessage()).isEqualTo(column);
            assertThat(e.getMessage()).startsWith("line " + line + ", column " + column + ": ").contains(reasonPart);
        }

        @Test
        void unknownMnemonic() {
            assertError("mov %r0, 1\n  frob %r0\nexit", 2, 3, "unknown mnemonic 'frob'");
            assertError("lock sub [%r1], %r2", 1, 6, "unknown atomic operation 'sub'");
            assertError("lock fetch", 1, 11, "lock expects an atomic operation");
        }

        @Test
        void badRegister() {
            assertError("mov %r16, 1", 1, 5, "bad register '%r16'");
            assertError("mov %x1, 1", 1, 5, "bad register '%x1'");
            assertError("mov 1, %r0", 1, 5, "expects a destination register");
            assertError("ldxw %r0, [1]", 1, 12, "expects a base register");
        }

        @Test
        void badOrMissingOperands() {
            assertError("add %r0", 1, 8, "expected ','");
            assertError("add %r0,", 1, 9, "expects a source register or an immediate");
            assertError("add %r0, 1, 2", 1, 11, "unexpected ','");
            assertError("exit 1", 1, 6, "unexpected '1' after the operands of exit");
            assertError("ldxw %r0, %r1", 1, 11, "memory operand like [%r1+8]");
            assertError("ldxw %r0, [%r1+4", 1, 17, "expected ']'");
            assertError("ldxw %r0, [%r1 4]", 1, 16, "expected '+', '-' or ']'");
            assertError("stw [%r1], %r2", 1, 12, "stw expects an immediate to store");
            assertError("jeq %r1, 2", 1, 11, "expected ','");
            assertError("jeq %r1, 2, [%r1]", 1, 13, "expects a label or a relative offset");
            assertError("call func", 1, 6, "call local func");
            assertError("call", 1, 5, "expects a helper id or register");
            assertError("mov %r0, 1 ; comment", 1, 12, "unexpected character ';'");
            assertError("mov %r0, 12ab", 1, 10, "bad number '12ab'");
            assertError("mov %r0, 0xzz", 1, 10, "bad number '0xzz'");
            assertError("42: exit", 1, 1, "expected an instruction mnemonic or a label");
        }

        @Test
        void undefinedAndDuplicateLabels() {
            assertError("mov %r0, 0\n\njne %r0, 1, nowhere\nexit", 3, 13, "undefined label 'nowhere'");
            assertError("call local missing\nexit", 1, 12, "undefined label 'missing'");
            assertError("ja exit", 1, 4, "undefined label 'exit'");
            assertError("a:\nexit\n a:\nexit", 3, 2, "duplicate label 'a' (first defined on line 1)");
        }

        @Test
        void valuesOutOfRange() {
            assertError("mov %r0, 0x100000000", 1, 10, "out of range for a 32-bit immediate");
            assertError("mov %r0, -2147483649", 1, 10, "out of range for a 32-bit immediate");
            assertError("stw [%r1], 4294967296", 1, 12, "out of range for a 32-bit immediate");
            assertError("call 0x1ffffffff", 1, 6, "out of range for a 32-bit immediate");
            assertError("lddw %r0, 0x10000000000000000", 1, 11, "out of range for a 64-bit immediate");
            assertError("lddw %r0, -9223372036854775809", 1, 11, "out of range for a 64-bit immediate");
            assertError("ldxw %r0, [%r1+32768]", 1, 15, "memory offset 32768 is out of range");
            assertError("ldxw %r0, [%r1-32769]", 1, 15, "memory offset -32769 is out of range");
            assertError("ja +32768", 1, 4, "jump offset 32768 is out of range");
            assertError("jeq %r0, 1, -32769", 1, 13, "jump offset -32769 is out of range");
        }

        @Test
        void jumpToALabelTooFarAway() {
            String far = "ja far\n" + "mov %r0, 0\n".repeat(40_000) + "far:\nexit";
            assertError(far, 1, 4, "jump to 'far' is out of range: offset 40000 does not fit in 16 bits");
            List<Instruction> viaJa32 = slots("ja32 far\n" + "mov %r0, 0\n".repeat(40_000) + "far:\nexit");
            assertThat(viaJa32.getFirst()).isEqualTo(insn(JMP32 | JA, 0, 0, 0, 40_000));
        }

        @Test
        void structurallyInvalidProgramsAreReportedAtTheirLine() {
            AssemblyException e = failure("mov %r0, 1\n   mov %r10, 2\nexit");
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.column()).isEqualTo(4);
            assertThat(e.getMessage()).contains("instruction 1", "r10");
            assertThat(e.getCause()).isInstanceOf(InvalidInstructionException.class);

            assertError("lddw %r1, 1\nmov %r11, 1\nexit", 2, 1, "instruction 2");
            assertError("mov %r0, 0\nja +5\nexit", 2, 1, "outside the program");
            assertError("ja +1\nlddw %r0, 1\nexit", 1, 1, "second half of a lddw");
            assertError("ja end\nmov %r0, 0\nend:", 1, 1, "jump target 2 is outside the program");
        }

        @Test
        void emptyProgram() {
            assertError("", 1, 1, "no instructions");
            assertError("# only\n# comments\n", 3, 1, "no instructions");
        }
    }

    @Test
    void assemblyExceptionCarriesLineAndColumn() {
        assertThatThrownBy(() -> ConformanceAssembler.assemble("exit\nbogus"))
                .isInstanceOf(AssemblyException.class)
                .hasMessage("line 2, column 1: unknown mnemonic 'bogus'");
    }
}
