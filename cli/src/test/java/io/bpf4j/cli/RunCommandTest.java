package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.run;
import static io.bpf4j.cli.Cli.runWithInput;
import static io.bpf4j.cli.Cli.words;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    Path source(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void printsR0InHexAndDecimal() throws IOException {
        Cli.Result r = run("run", source("p.s", "r0 = 42\nexit\n").toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("r0 = 0x2a (42)" + NL);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void negativeResultAlsoSigned() throws IOException {
        Cli.Result r = run("run", source("p.s", "r0 = -2\nexit\n").toString());

        assertThat(r.out()).isEqualTo("r0 = 0xfffffffffffffffe (18446744073709551614, signed -2)" + NL);
    }

    @Test
    void runsRawInstructions() throws IOException {
        Path bin = dir.resolve("p.bin");
        Files.write(bin, words(AsmCommandTest.MOV_R0_42, AsmCommandTest.EXIT));

        Cli.Result r = run("run", bin.toString());

        assertThat(r.out()).isEqualTo("r0 = 0x2a (42)" + NL);
    }

    @Test
    void memoryFromHexAndFromFile() throws IOException {
        Path p = source("len.s", "r0 = *(u8 *)(r1 + 1)\nr0 += r2\nexit\n"); // second byte + length
        Path mem = dir.resolve("mem.bin");
        Files.write(mem, new byte[] {1, 2, 3, 4});

        assertThat(run("run", p.toString(), "--mem-hex", "0a 14 1e").out()).isEqualTo("r0 = 0x17 (23)" + NL);
        assertThat(run("run", p.toString(), "--mem", mem.toString()).out()).isEqualTo("r0 = 0x6 (6)" + NL);
    }

    @Test
    void conformanceTestFileRunsOnItsMemory() throws IOException {
        Path data = source("t.data", "-- asm\nldxb %r0, [%r1+2]\nexit\n-- mem\n00 01 02 03\n-- result\n0x2\n");

        Cli.Result r = run("run", data.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("r0 = 0x2 (2)" + NL);
        assertThat(r.err()).isEmpty();

        Cli.Result other = run("run", data.toString(), "--mem-hex", "00 00 09");
        assertThat(other.out()).isEqualTo("r0 = 0x9 (9)" + NL);
    }

    @Test
    void conformanceTestFileWithUnexpectedResultIsNoted() throws IOException {
        Path data = source("t.data", "-- asm\nmov %r0, 1\nexit\n-- result\n0x2\n");

        Cli.Result r = run("run", data.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("r0 = 0x1 (1)" + NL);
        assertThat(r.err()).isEqualTo("bpf4j: note: " + data + " expects r0 = 0x2" + NL);
    }

    @Test
    void traceShowsEveryInstructionAndChangedRegisters() throws IOException {
        Path p = source("p.s", "r0 = 2\nr1 = 3\nr0 += r1\nexit\n");

        Cli.Result r = run("run", "--trace", p.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("r0 = 0x5 (5)" + NL);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("     0: r0 = 0x2").endsWith("r0: 0x0 -> 0x2");
        assertThat(lines.get(1)).startsWith("     1: r1 = 0x3").endsWith("r1: 0x0 -> 0x3");
        assertThat(lines.get(2)).startsWith("     2: r0 += r1").endsWith("r0: 0x2 -> 0x5");
        assertThat(lines.get(3)).isEqualTo("     3: exit");
    }

    @Test
    void traceListsSeveralChangesAndLoops() throws IOException {
        Path p = source("p.s", "r1 = 2\nr2 = 0\nloop:\nr2 += 1\nr1 += -1\nif r1 != 0 goto loop\nr0 = r2\nexit\n");

        Cli.Result r = run("run", "--trace", p.toString());

        assertThat(r.out()).isEqualTo("r0 = 0x2 (2)" + NL);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSize(2 + 2 * 3 + 2);
        assertThat(lines).filteredOn(l -> l.startsWith("     2: ")).hasSize(2);
        assertThat(lines.get(lines.size() - 2)).endsWith("r0: 0x0 -> 0x2");
    }

    @Test
    void examplesComputeWhatTheirCommentsSay() {
        Path examples = Path.of("..", "examples", "asm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(examples), "examples/asm not found");
        assertThat(run("run", examples.resolve("fib.s").toString()).out()).isEqualTo("r0 = 0xcb228 (832040)" + NL);
        assertThat(run("run", examples.resolve("checksum.s").toString(), "--mem-hex", "01 02 03 04 05").out())
                .isEqualTo("r0 = 0xf (15)" + NL);
        assertThat(run("run", examples.resolve("checksum.s").toString()).out()).isEqualTo("r0 = 0x0 (0)" + NL);
        String header = "45 00 00 73 00 00 40 00 40 11 %s c0 a8 00 01 c0 a8 00 c7";
        assertThat(run("run", examples.resolve("ipv4_checksum.s").toString(), "--mem-hex", header.formatted("00 00"))
                .out()).isEqualTo("r0 = 0xb861 (47201)" + NL);
        assertThat(run("run", examples.resolve("ipv4_checksum.s").toString(), "--mem-hex", header.formatted("b8 61"))
                .out()).isEqualTo("r0 = 0x0 (0)" + NL);
        assertThat(run("run", examples.resolve("gcd.s").toString()).out()).isEqualTo("r0 = 0x15 (21)" + NL);
    }

    // ---- errors

    @Test
    void memoryFaultNamesTheInstruction() throws IOException {
        Path p = source("p.s", "r0 = 0\nr0 = *(u32 *)(r1 + 0)\nexit\n");

        Cli.Result r = run("run", p.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.PROGRAM_FAULT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("bpf4j: " + p + ": instruction 1 (r0 = *(u32 *)(r1 + 0x0)): ")
                .contains("4-byte access");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void budgetExhaustion() throws IOException {
        Path p = source("p.s", "r0 = 0\nloop:\nr0 += 1\ngoto loop\n");

        Cli.Result r = run("run", "--budget", "1000", p.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.PROGRAM_FAULT);
        assertThat(r.err()).startsWith("bpf4j: " + p + ": instruction ").contains("budget of 1000");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void unknownHelperIsBadInput() throws IOException {
        Path p = source("p.s", "call 9999\nexit\n");

        Cli.Result r = run("run", p.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("bpf4j: " + p + ": ").contains("9999");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void assemblyError() throws IOException {
        Path p = source("p.s", "r0 = 1\n\nr0 +== 2\nexit\n");

        Cli.Result r = run("run", p.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).matches("bpf4j: " + java.util.regex.Pattern.quote(p.toString()) + ":3:\\d+: .+\\R");
    }

    @Test
    void conformanceAssemblyErrorPointsIntoTheDataFile() throws IOException {
        Path p = source("t.data", "# comment\n-- asm\nmov32 %r0, 1\nfrob %r0\nexit\n-- result\n0x1\n");

        Cli.Result r = run("run", p.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).matches("bpf4j: " + java.util.regex.Pattern.quote(p.toString()) + ":4:\\d+: .+\\R");
    }

    @Test
    void missingFile() {
        Cli.Result r = run("run", dir.resolve("nope.bin").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("bpf4j: " + dir.resolve("nope.bin") + ": no such file" + NL);
    }

    @Test
    void missingMemoryFile() throws IOException {
        Cli.Result r = run("run", source("p.s", "exit\n").toString(), "--mem", dir.resolve("m").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("bpf4j: " + dir.resolve("m") + ": no such file" + NL);
    }

    @Test
    void usageErrors() throws IOException {
        String p = source("p.s", "r0 = 0\nexit\n").toString();
        for (String[] args : List.of(
                new String[] {"run"},
                new String[] {"run", p, "--frobnicate"},
                new String[] {"run", p, "--budget", "lots"},
                new String[] {"run", p, "--budget", "-1"},
                new String[] {"run", p, "--mem-hex", "zz"},
                new String[] {"run", p, "--mem-hex", "00", "--mem", p},
                new String[] {"nonsense"},
                new String[] {})) {
            Cli.Result r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("bpf4j: ").contains("--help')");
        }
    }

    @Test
    void debugPrintsTheStackTrace() throws IOException {
        Path p = source("p.s", "r0 = *(u32 *)(r1 + 0)\nexit\n");

        Cli.Result quiet = run("run", p.toString());
        Cli.Result loud = run("--debug", "run", p.toString());
        Cli.Result loudToo = run("run", "--debug", p.toString());

        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(loud.exitCode()).isEqualTo(ExitCodes.PROGRAM_FAULT);
        assertThat(loud.err()).contains("MemoryAccessFault").contains("\tat ");
        assertThat(loudToo.err()).contains("MemoryAccessFault").contains("\tat ");
    }

    @Test
    void helpAndVersion() {
        Cli.Result help = run("run", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--trace").contains("--budget").contains("r0 = 0x2a (42)");

        Cli.Result top = run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("asm").contains("disasm").contains("conformance-plugin").contains("Exit codes");

        Cli.Result version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("bpf4j ");
    }

    @Test
    void programFromStdin() {
        Cli.Result r = runWithInput("mov %r0, 7\nexit\n", "run", "--dialect", "conformance", "-");

        assertThat(r.out()).isEqualTo("r0 = 0x7 (7)" + NL);
    }

    @Test
    void repeatReportsTheAverageDurationInEveryMode() throws IOException {
        Path p = source("loop.s", "r0 = 0\nr1 = 100\nloop:\nr0 += r1\nr1 -= 1\nif r1 != 0 goto loop\nexit\n");
        for (String mode : new String[] {"interpreter", "compiled", "auto"}) {
            Cli.Result r = run("run", p.toString(), "--repeat", "50", "--mode", mode);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith("r0 = 0x13ba (5050)" + NL)
                    .containsPattern("duration_ns = \\d+ \\(average of 50 runs, --mode " + mode + ", ran "
                            + (mode.equals("compiled") ? "compiled" : "(interpreted|compiled)") + "\\)");
        }
        Cli.Result json = run("run", p.toString(), "--repeat", "5", "--json");
        assertThat(json.out()).containsPattern("\\{\"retval\": 5050, \"duration_ns\": \\d+\\}");
        Cli.Result once = run("run", p.toString());
        assertThat(once.out()).doesNotContain("duration_ns");
        Cli.Result badMode = run("run", p.toString(), "--mode", "turbo");
        assertThat(badMode.exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
