package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpf4j progs} and {@code bpf4j maps} on clang-compiled objects (the loader's test objects). */
class ObjectCommandsTest {
    /** The loader module's committed test objects, built from loader/src/test/c with clang-19. */
    private static final Path OBJECTS = Path.of("..", "loader", "src", "test", "resources", "objects");

    @TempDir
    Path temp;

    @Test
    void progsListsEveryProgramWithSectionTypeAndMaps() {
        Cli.Result r = run("progs", OBJECTS.resolve("tail_calls.o").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("tail_a", "classifier/a", "sched_cls")
                .containsPattern("entry +classifier +sched_cls +\\d+ +jump_table")
                .contains("license: GPL (GPL-compatible)");
    }

    @Test
    void mapsListsDefinitionsAndGlobalData() {
        Cli.Result r = run("maps", OBJECTS.resolve("global_data.o").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).containsPattern("\\.rodata +array +4 +24 +1 .*global_data, read-only")
                .containsPattern("\\.data\\.foo +array +4 +8 +1");
        Cli.Result flows = run("maps", OBJECTS.resolve("xdp_maps.o").toString());
        assertThat(flows.out()).containsPattern("flows +hash +16 +8 +1024 +0x0 +btf");
    }

    @Test
    void aBrokenObjectIsOneLineAndBadInput() throws IOException {
        Path broken = temp.resolve("broken.o");
        byte[] good = Files.readAllBytes(OBJECTS.resolve("calls.o"));
        Files.write(broken, java.util.Arrays.copyOf(good, good.length / 3));
        Cli.Result r = run("progs", broken.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err().strip()).startsWith("bpf4j: " + broken).doesNotContain("\n");
    }

    @Test
    void disasmListsEachProgramLinkedWithLabelsMapsAndSourceLines() {
        Cli.Result r = run("disasm", OBJECTS.resolve("calls.o").toString(), "--program", "xdp_calls");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).startsWith("program xdp_calls (section xdp, xdp, ")
                .containsPattern("(?m)^0000000000000000 <xdp_calls>:$")
                .containsPattern("(?m)^[0-9a-f]{16} <[a-z_]+>:$") // a subprogram linked in after the program
                .containsPattern("(?m)^; .*\\[\\./calls\\.c:\\d+\\]$");
        Cli.Result maps = run("disasm", OBJECTS.resolve("xdp_maps.o").toString());
        assertThat(maps.out()).containsPattern("ld_pseudo\\s+r1, 0x1, 0x\\d+  ; map (counters|flows)");
        Cli.Result unknown = run("disasm", OBJECTS.resolve("calls.o").toString(), "--program", "nope");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no program 'nope'");
    }
}
