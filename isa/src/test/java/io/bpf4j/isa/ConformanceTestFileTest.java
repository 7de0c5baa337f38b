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
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ConformanceTestFileTest {

    private static final String SAMPLE = """
            # A header comment
            # another one
            -- asm
            mov %r0, 1   # comment
            ldxb %r1, [%r1+2]
            add %r0, %r1
            exit
            -- mem
            00 01 ff
            0a 0B
            -- result
            0x3
            """;

    @Test
    void parsesProgramMemoryAndResult() {
        ConformanceTestFile t = ConformanceTestFile.parse("sample", SAMPLE);
        assertThat(t.name()).isEqualTo("sample");
        assertThat(t.isRaw()).isFalse();
        assertThat(t.program()).containsExactly(
                Instruction.of(ALU64 | MOV | K, 0, 0, 0, 1),
                Instruction.of(LDX | MEM | B, 1, 1, 2, 0),
                Instruction.of(ALU64 | ADD | X, 0, 1, 0, 0),
                Instruction.of(EXIT_OP, 0, 0, 0, 0));
        assertThat(t.slots()).isEqualTo(t.program());
        assertThat(t.programBytes()).isEqualTo(t.program().toBytes());
        assertThat(t.memory()).containsExactly(0x00, 0x01, 0xff, 0x0a, 0x0b);
        assertThat(t.expectedResult()).hasValue(3);
        assertThat(t.expectedError()).isEmpty();
        assertThat(t.assembly()).hasValueSatisfying(a -> assertThat(a).contains("ldxb %r1, [%r1+2]")
                .doesNotContain("-- mem", "A header"));
        assertThat(ConformanceTestFile.parse(SAMPLE).name()).isEqualTo("unnamed");
        assertThat(t.toString()).contains("sample", "4 slots", "5 bytes", "0x3");
    }

    @Test
    void memoryIsACopy() {
        ConformanceTestFile t = ConformanceTestFile.parse(SAMPLE);
        t.memory()[0] = 42;
        assertThat(t.memory()[0]).isZero();
    }

    @Test
    void rawWordsTakePrecedenceOverAssembly() {
        ConformanceTestFile t = ConformanceTestFile.parse("""
                -- asm
                lddw %r0, 0x1122334455667788
                exit
                -- raw
                0x5566778800000018
                0x1122334400000000   # second half
                149
                -- result
                0x1122334455667788
                """);
        assertThat(t.isRaw()).isTrue();
        assertThat(t.program()).containsExactly(
                Instruction.of(LDDW, 0, 0, 0, 0x55667788),
                Instruction.of(0, 0, 0, 0, 0x11223344),
                Instruction.of(EXIT_OP, 0, 0, 0, 0));
        assertThat(ConformanceAssembler.assemble(t.assembly().orElseThrow())).isEqualTo(t.program());
        assertThat(t.expectedResult()).hasValue(0x1122334455667788L);
    }

    @Test
    void rawOnlyProgramHasNoAssembly() {
        ConformanceTestFile t = ConformanceTestFile.parse("-- raw\n0x95\n-- result\n0");
        assertThat(t.assembly()).isEmpty();
        assertThat(t.program()).containsExactly(Instruction.of(EXIT_OP, 0, 0, 0, 0));
        assertThat(t.memory()).isEmpty();
        assertThat(t.expectedResult()).hasValue(0);
    }

    @Test
    void unknownSectionsAreIgnored() {
        ConformanceTestFile t = ConformanceTestFile.parse("""
                # Compiled by Clang
                -- c
                #include <stdint.h>
                uint64_t entry(uint64_t x) { return x -- 1; }
                -- asm
                mov %r0, 2
                exit
                -- no register offset
                call instruction
                -- result
                2
                -- something new
                garbage here
                """);
        assertThat(t.program()).hasSize(2);
        assertThat(t.expectedResult()).hasValue(2);
    }

    @Test
    void resultsAreHexWithPrefixElseDecimalUpToUnsigned64Bits() {
        assertThat(result("0xffffffffffffffff")).hasValue(-1L);
        assertThat(result("18446744073709551615")).hasValue(-1L);
        assertThat(result("0x8000000000000000")).hasValue(Long.MIN_VALUE);
        assertThat(result("10")).hasValue(10);
        assertThat(result("0x10")).hasValue(16);
        assertThat(result("0X0000000011223344")).hasValue(0x11223344L);
        assertThat(result("-1")).hasValue(-1L);
        assertThat(ConformanceTestFile.parse("-- asm\nexit\n").expectedResult()).isEmpty();
    }

    private static OptionalLong result(String text) {
        return ConformanceTestFile.parse("-- asm\nexit\n-- result\n" + text + "\n").expectedResult();
    }

    @Test
    void expectedError() {
        ConformanceTestFile t = ConformanceTestFile.parse("""
                -- asm
                mov %r10, 1
                exit
                -- error
                  Invalid instruction at PC 0
                """);
        assertThat(t.expectedError()).hasValue("Invalid instruction at PC 0");
        assertThat(t.expectedResult()).isEmpty();
        // The file can be read although its program is malformed; program() reports where.
        assertThat(t.slots()).hasSize(2);
        AssemblyException e = catchThrowableOfType(AssemblyException.class, t::program);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("r10");
    }

    @Test
    void malformedRawProgramIsReportedByIndex() {
        ConformanceTestFile t = ConformanceTestFile.parse("-- raw\n0x95\n0xa95\n-- error\nbad");
        assertThat(t.slots()).hasSize(2);
        assertThatThrownBy(t::program).isInstanceOfSatisfying(InvalidInstructionException.class,
                e -> assertThat(e.index()).isEqualTo(1));
    }

    @Test
    void assemblyErrorsUseLineNumbersOfTheFile() {
        AssemblyException e = catchThrowableOfType(AssemblyException.class, () -> ConformanceTestFile.parse("""
                # header
                -- asm
                mov %r0, 1
                  frob %r0
                exit
                """));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(3);
        assertThat(e.getMessage()).contains("unknown mnemonic 'frob'");

        AssemblyException undefined = catchThrowableOfType(AssemblyException.class, () -> ConformanceTestFile.parse(
                "-- mem\n00\n-- asm\nja nowhere\n-- result\n1\n-- asm\nexit\n"));
        assertThat(undefined.line()).isEqualTo(4);
    }

    @Test
    void asmSectionsSplitByOtherSectionsAreJoined() {
        ConformanceTestFile t = ConformanceTestFile.parse("-- asm\nja l\n-- mem\n01\n-- asm\nl:\nexit\n");
        assertThat(t.program()).containsExactly(Instruction.of(JMP | JA, 0, 0, 0, 0), Instruction.of(EXIT_OP, 0, 0, 0, 0));
    }

    @Test
    void sectionErrorsNameLineAndColumn() {
        assertError("-- asm\nexit\n-- mem\n00 01\n02 zz 03\n", 5, 4, "bad memory byte 'zz'");
        assertError("-- asm\nexit\n-- mem\n100\n", 4, 1, "bad memory byte '100'");
        assertError("-- asm\nexit\n-- result\n0x1g\n", 4, 1, "bad expected result '0x1g'");
        assertError("-- asm\nexit\n-- result\n0x10000000000000000\n", 4, 1, "bad expected result");
        assertError("-- asm\nexit\n-- result\n18446744073709551616\n", 4, 1, "bad expected result");
        assertError("-- asm\nexit\n-- result\n1\n 2\n", 5, 2, "more than one expected result (the first is on line 4)");
        assertError("-- raw\n0x95 zz\n", 2, 6, "bad instruction word 'zz'");
        assertError("# nothing\n-- result\n1\n", 1, 1, "no program");
    }

    private static void assertError(String text, int line, int column, String reasonPart) {
        AssemblyException e = catchThrowableOfType(AssemblyException.class, () -> ConformanceTestFile.parse(text));
        assertThat(e).as("error for %s", text).isNotNull();
        assertThat(e.getMessage()).contains(reasonPart);
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.column()).as(e.getMessage()).isEqualTo(column);
    }

    @Test
    void readNamesTheTestAfterItsFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("my-test.data");
        Files.writeString(file, SAMPLE.replace("\n", "\r\n"));
        ConformanceTestFile t = ConformanceTestFile.read(file);
        assertThat(t.name()).isEqualTo("my-test");
        assertThat(t.program()).hasSize(4);
        assertThat(t.memory()).hasSize(5);
        assertThat(t.expectedResult()).hasValue(3);
    }

    // ---------------------------------------------------------------------------------- corpus

    @TestFactory
    Stream<DynamicTest> everyCorpusFileParsesAsTheReferenceRunnerReadsIt() throws IOException {
        Path conformance = SharedData.conformance();
        JsonNode tests = new ObjectMapper().readTree(conformance.resolve("corpus.json").toFile()).get("tests");
        return StreamSupport.stream(tests.spliterator(), false).map(test -> {
            String file = test.get("file").asText();
            return dynamicTest(file, () -> {
                ConformanceTestFile t = ConformanceTestFile.read(conformance.resolve(file));
                assertThat(t.name()).isEqualTo(test.get("name").asText());
                assertThat(HexFormat.of().formatHex(t.program().toBytes())).isEqualTo(test.get("program_hex").asText());
                assertThat(HexFormat.of().formatHex(t.memory())).isEqualTo(test.get("memory_hex").asText());
                assertThat(t.expectedResult()).hasValue(test.get("expected_result").bigIntegerValue().longValue());
                String error = test.get("expected_error").asText();
                if (error.isEmpty()) {
                    assertThat(t.expectedError()).isEmpty();
                } else {
                    assertThat(t.expectedError()).hasValue(error);
                }
            });
        });
    }
}
