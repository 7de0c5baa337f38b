package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.runWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ConformancePluginCommandTest {
    static final String NL = System.lineSeparator();

    /** As the runner encodes bytes: two hex digits and two spaces each. */
    static String encode(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02x  ", x & 0xff));
        }
        return b.toString();
    }

    @Test
    void programOnStdinPrintsR0InHex() {
        byte[] program = Cli.words(AsmCommandTest.MOV_R0_42, AsmCommandTest.EXIT);

        Cli.Result r = runWithInput(encode(program) + "\n", "conformance-plugin");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("0x2a" + NL);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void memoryIsTheFirstArgumentNotStartingWithDashDash() {
        // r0 = *(u8 *)(r1 + 1); r0 += r2; exit
        byte[] program = Cli.words(0x0001_1071L, 0x200fL, AsmCommandTest.EXIT);
        String stdin = encode(program) + "\n";

        Cli.Result plain = runWithInput(stdin, "conformance-plugin", "00  07  00  ");
        assertThat(plain.out()).as(plain.toString()).isEqualTo("0xa" + NL);

        Cli.Result withOptions = runWithInput(stdin, "conformance-plugin", "--elf", "00  07  00  00  ", "--xdp_prolog");
        assertThat(withOptions.exitCode()).as(withOptions.toString()).isZero();
        assertThat(withOptions.out()).isEqualTo("0xb" + NL);
    }

    @Test
    void resultIsUnsigned64BitHex() {
        byte[] program = Cli.words(0xffffffff_000000b7L, AsmCommandTest.EXIT); // r0 = -1

        Cli.Result r = runWithInput(encode(program) + "\n", "conformance-plugin");

        assertThat(r.out()).isEqualTo("0xffffffffffffffff" + NL);
    }

    @Test
    void faultExitsNonZeroWithOneLine() {
        byte[] program = Cli.words(0x0000_0061L, AsmCommandTest.EXIT); // r0 = *(u32 *)(r0 + 0)

        Cli.Result r = runWithInput(encode(program) + "\n", "conformance-plugin");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.PROGRAM_FAULT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("bpf4j: program: instruction 0");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void badInputExitsNonZero() {
        Cli.Result notHex = runWithInput("b7 00 zz\n", "conformance-plugin");
        assertThat(notHex.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notHex.err()).startsWith("bpf4j: program on stdin: ");

        Cli.Result empty = runWithInput("\n", "conformance-plugin");
        assertThat(empty.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);

        Cli.Result truncated = runWithInput("95  00  00  00\n", "conformance-plugin");
        assertThat(truncated.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(truncated.err()).contains("multiple of 8");

        Cli.Result badMemory = runWithInput("95  00  00  00  00  00  00  00\n", "conformance-plugin", "0g");
        assertThat(badMemory.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badMemory.err()).startsWith("bpf4j: memory argument: ");
    }

    /** The whole bpf_conformance corpus through the plugin command, in-process (skipped without ../shared). */
    @TestFactory
    Stream<DynamicTest> conformanceCorpus() throws IOException {
        String shared = System.getProperty("bpf4j.shared", "../../shared");
        Path corpus = Path.of(shared, "conformance", "corpus.json");
        Assumptions.assumeTrue(Files.isRegularFile(corpus), corpus + " not found: conformance corpus skipped");
        JsonNode root = new ObjectMapper().readTree(corpus.toFile());
        HexFormat hex = HexFormat.of();
        return Stream.iterate(0, i -> i < root.get("tests").size(), i -> i + 1).map(i -> {
            JsonNode t = root.get("tests").get(i);
            return DynamicTest.dynamicTest(t.get("name").asText(), () -> {
                byte[] program = hex.parseHex(t.get("program_hex").asText());
                byte[] memory = hex.parseHex(t.get("memory_hex").asText());
                String expected = t.get("expected_result_text").asText();
                long want = expected.startsWith("0x")
                        ? Long.parseUnsignedLong(expected.substring(2), 16)
                        : Long.parseUnsignedLong(expected);
                Cli.Result r = memory.length == 0
                        ? runWithInput(encode(program) + "\n", "conformance-plugin")
                        : runWithInput(encode(program) + "\n", "conformance-plugin", encode(memory));
                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.out()).isEqualTo("0x" + Long.toHexString(want) + NL);
            });
        });
    }
}
