package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileCommandTest {
    @TempDir
    Path dir;

    @Test
    void dumpsTheGeneratedBytecode() throws IOException {
        Path source = dir.resolve("add.s");
        Files.writeString(source, "r0 = 40\nr0 += 2\nexit\n");

        Cli.Result r = run("compile", "--dump", source.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("implements [io/bpf4j/runtime/spi/CompiledCode]")
                .contains("f0(")
                .contains("bipush val=40").contains("i2l") // small constants are built inline, not pooled
                .contains("ladd")
                .contains("lreturn");
    }

    @Test
    void writesAClassFile() throws IOException {
        Path source = dir.resolve("seven.s");
        Files.writeString(source, "r0 = 7\nexit\n");
        Path out = dir.resolve("seven.class");

        Cli.Result r = run("compile", "-o", out.toString(), source.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes).startsWith((byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe);
    }

    @Test
    void badAssemblyIsBadInput() throws IOException {
        Path source = dir.resolve("bad.s");
        Files.writeString(source, "r0 = \nexit\n");

        Cli.Result r = run("compile", "--dump", source.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    }
}
