package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.run;
import static io.bpf4j.cli.Cli.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisasmCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsObjdumpLines() throws IOException {
        Path bin = dir.resolve("p.bin");
        Files.write(bin, words(AsmCommandTest.MOV_R0_42, AsmCommandTest.EXIT));

        Cli.Result r = run("disasm", bin.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().lines()).containsExactly(
                "       0:\tb7 00 00 00 2a 00 00 00\tr0 = 0x2a",
                "       1:\t95 00 00 00 00 00 00 00\texit");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void wideLoadIsOneLineOfSixteenBytes() throws IOException {
        Path bin = dir.resolve("p.bin");
        // r0 = 0x1122334455667788 ll; exit
        Files.write(bin, words(0x55667788_00000018L, 0x11223344_00000000L, AsmCommandTest.EXIT));

        Cli.Result r = run("disasm", bin.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().lines()).containsExactly(
                "       0:\t18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11\tr0 = 0x1122334455667788 ll",
                "       2:\t95 00 00 00 00 00 00 00\texit");
    }

    @Test
    void assemblesAssemblyFilesFirst() throws IOException {
        Path source = dir.resolve("p.s");
        Files.writeString(source, "r0 = 42\nexit\n");

        Cli.Result r = run("disasm", source.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().lines()).hasSize(2).first().asString().endsWith("\tr0 = 0x2a");
    }

    /** Every line matches what llvm-objdump-19 -d prints for the same code in an ELF object. */
    @Test
    void matchesLlvmObjdump() throws Exception {
        assumeTrue(onPath("llvm-mc-19") && onPath("llvm-objdump-19") && onPath("llvm-objcopy-19"),
                "llvm-mc-19, llvm-objdump-19 or llvm-objcopy-19 not on PATH: comparison skipped");
        Path source = dir.resolve("p.s");
        Files.writeString(source, String.join("\n",
                "r6 = r1",
                "r2 = 0x1122334455667788 ll",
                "r0 = *(u32 *)(r6 + 4)",
                "*(u64 *)(r10 - 8) = r0",
                "*(u32 *)(r10 - 12) = 7",
                "w3 = w0",
                "w3 += -5",
                "r3 <<= 3",
                "r3 s>>= 1",
                "r0 = be16 r0",
                "if r0 > 0x10 goto .Lout",
                "if w3 s< w0 goto .Lout",
                "lock *(u64 *)(r10 - 8) += r3",
                "r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)",
                "call 5",
                ".Lout:",
                "r0 = -r0",
                "exit",
                ""));
        Path object = dir.resolve("p.o");
        Path raw = dir.resolve("p.bin");
        exec("llvm-mc-19", "-triple", "bpf", "-mcpu=v4", "-filetype=obj", source.toString(), "-o", object.toString());
        exec("llvm-objcopy-19", "-O", "binary", "--only-section=.text", object.toString(), raw.toString());
        for (String cpu : List.of("generic", "v4")) {
            List<String> expected = exec("llvm-objdump-19", "-d", "--mcpu=" + cpu, object.toString()).lines()
                    .filter(l -> l.matches("\\s+\\d+:\t.*"))
                    .toList();
            assertThat(expected).hasSizeGreaterThan(10);

            Cli.Result r = run("disasm", "--mcpu", cpu, raw.toString());

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out().lines()).as("--mcpu=" + cpu).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void truncatedProgram() throws IOException {
        Path bin = dir.resolve("p.bin");
        Files.write(bin, new byte[] {(byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});

        Cli.Result r = run("disasm", bin.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("bpf4j: " + bin + ": ").contains("multiple of 8");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void unknownOpcodeNamesTheInstruction() throws IOException {
        Path bin = dir.resolve("p.bin");
        Files.write(bin, words(AsmCommandTest.MOV_R0_42, 0xffL, AsmCommandTest.EXIT));

        Cli.Result r = run("disasm", bin.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("bpf4j: " + bin + ": instruction 1: ");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void textPassedAsRawGetsAHint() throws IOException {
        Path txt = dir.resolve("prog.txt");
        Files.writeString(txt, "r0 = 1\nexit\n");

        Cli.Result r = run("disasm", txt.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("looks like text");
    }

    @Test
    void aDamagedElfObjectIsBadInputNamingTheProblem() throws IOException {
        Path elf = dir.resolve("p.o");
        byte[] header = new byte[64];
        header[0] = 0x7f;
        header[1] = 'E';
        header[2] = 'L';
        header[3] = 'F';
        Files.write(elf, header);

        Cli.Result r = run("disasm", elf.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("bpf4j: " + elf + ": ").contains("ELF").doesNotContain("internal error");
    }

    @Test
    void missingArgumentIsUsageError() {
        Cli.Result r = run("disasm");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("bpf4j: missing required parameter").contains("FILE");
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }
}
