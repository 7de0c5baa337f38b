package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.run;
import static io.bpf4j.cli.Cli.runWithInput;
import static io.bpf4j.cli.Cli.words;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsmCommandTest {
    static final long MOV_R0_42 = 0x0000002a_000000b7L;
    static final long EXIT = 0x95L;

    @TempDir
    Path dir;

    @Test
    void writesFileWithBinExtensionByDefault() throws IOException {
        Path source = dir.resolve("answer.s");
        Files.writeString(source, "# the answer\nr0 = 42\nexit\n");

        Cli.Result r = run("asm", source.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outBytes()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(Files.readAllBytes(dir.resolve("answer.bin"))).isEqualTo(words(MOV_R0_42, EXIT));
    }

    @Test
    void writesToNamedOutput() throws IOException {
        Path source = dir.resolve("answer.s");
        Files.writeString(source, "r0 = 42\nexit\n");
        Path out = dir.resolve("out.raw");

        Cli.Result r = run("asm", "-o", out.toString(), source.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(words(MOV_R0_42, EXIT));
    }

    @Test
    void readsStdinAndWritesStdout() {
        Cli.Result r = runWithInput("r0 = 42\nexit\n", "asm", "-");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outBytes()).isEqualTo(words(MOV_R0_42, EXIT));
    }

    @Test
    void dashOWritesBytesToStdout() throws IOException {
        Path source = dir.resolve("answer.s");
        Files.writeString(source, "r0 = 42\nexit\n");

        Cli.Result r = run("asm", "-o", "-", source.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outBytes()).isEqualTo(words(MOV_R0_42, EXIT));
        assertThat(dir.resolve("answer.bin")).doesNotExist();
    }

    @Test
    void conformanceDialect() {
        Cli.Result r = runWithInput("mov32 %r0, 42\nexit\n", "asm", "--dialect", "conformance", "-o", "-", "-");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        // mov32 is class ALU: opcode 0xb4
        assertThat(r.outBytes()).isEqualTo(words(0x0000002a_000000b4L, EXIT));
    }

    @Test
    void conformanceTestFileByExtension() throws IOException {
        Path data = dir.resolve("t.data");
        Files.writeString(data, "-- asm\nmov %r0, 42\nexit\n-- result\n0x2a\n");

        Cli.Result r = run("asm", "-o", "-", data.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outBytes()).isEqualTo(words(MOV_R0_42, EXIT));
    }

    @Test
    void assemblyErrorIsOneLineWithFileLineAndColumn() throws IOException {
        Path source = dir.resolve("bad.s");
        Files.writeString(source, "r0 = 42\nr0 = frobnicate r1\nexit\n");

        Cli.Result r = run("asm", source.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).matches("bpf4j: " + java.util.regex.Pattern.quote(source.toString()) + ":2:\\d+: .+\\R");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(dir.resolve("bad.bin")).doesNotExist();
    }

    @Test
    void missingFile() {
        Cli.Result r = run("asm", dir.resolve("nope.s").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("bpf4j: " + dir.resolve("nope.s") + ": no such file" + System.lineSeparator());
    }

    @Test
    void unknownDialectIsUsageError() {
        Cli.Result r = runWithInput("exit\n", "asm", "--dialect", "gas", "-");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("bpf4j: ").contains("--dialect").contains("bpf4j asm --help");
    }

    @Test
    void refusesToOverwriteItsInput() throws IOException {
        Path source = dir.resolve("prog.bin");
        Files.writeString(source, "r0 = 42\nexit\n");

        Cli.Result r = run("asm", "--dialect", "llvm", source.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("overwrite");
        assertThat(Files.readString(source)).isEqualTo("r0 = 42\nexit\n");
    }

    @Test
    void defaultOutputName() {
        assertThat(AsmCommand.defaultOutput("a/b/prog.s")).isEqualTo(Path.of("a/b/prog.bin").toString());
        assertThat(AsmCommand.defaultOutput("prog")).isEqualTo("prog.bin");
        assertThat(AsmCommand.defaultOutput(".hidden")).isEqualTo(".hidden.bin");
        assertThat(AsmCommand.defaultOutput("-")).isEqualTo("-");
    }
}
