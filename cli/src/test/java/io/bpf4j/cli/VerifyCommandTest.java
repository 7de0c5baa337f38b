package io.bpf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    private static final Path OBJECTS = Path.of("..", "loader", "src", "test", "resources", "objects");

    @TempDir
    Path dir;

    private String write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void acceptedProgramPrintsStatisticsAndExitsZero() throws IOException {
        String f = write("ok.s", """
                r0 = *(u32 *)(r1 + 0)
                r0 = 2
                exit
                """);
        Cli.Result r = Cli.run("verify", f);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.out()).contains("accepted").contains("processed 3 insns");
    }

    @Test
    void rejectedProgramPrintsInstructionStateAndReasonAndExitsOne() throws IOException {
        String f = write("bad.s", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r0 = *(u8 *)(r2 + 0)
                exit
                """);
        Cli.Result r = Cli.run("verify", f);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("2: r0 = *(u8 *)(r2 + 0x0)").contains("R2=pkt(r=0)")
                .contains("outside of the packet").contains("(instruction 2)");
    }

    @Test
    void typeDecidesTheContextRules() throws IOException {
        String f = write("skb.s", """
                r0 = *(u32 *)(r1 + 76)
                r0 = 0
                exit
                """);
        assertThat(Cli.run("verify", "--type", "tc", f).exitCode()).isEqualTo(0);
        Cli.Result r = Cli.run("verify", "--type", "socket_filter", f);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("invalid bpf_context access off=76 size=4");
    }

    @Test
    void unprivilegedRefusesPointerLeaks() throws IOException {
        String f = write("leak.s", """
                r0 = r10
                exit
                """);
        assertThat(Cli.run("verify", f).exitCode()).isEqualTo(0);
        Cli.Result r = Cli.run("verify", "--unprivileged", f);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("R0 leaks addr as return value");
    }

    @Test
    void logLevelTwoTracesEveryInstruction() throws IOException {
        String f = write("loop.s", """
                r0 = 0
                r0 += 1
                if r0 < 3 goto -2
                r1 = *(u64 *)(r10 - 8)
                exit
                """);
        Cli.Result r = Cli.run("verify", "--unprivileged", "--log-level", "2", f);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("1: r0 += 0x1").contains("invalid read from stack");
    }

    @Test
    void verifiesEveryProgramOfAClangObject() {
        Path obj = OBJECTS.resolve("xdp_maps.o");
        Cli.Result r = Cli.run("verify", obj.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(0);
        assertThat(r.out()).contains("accepted");
        Cli.Result calls = Cli.run("verify", "--program", "xdp_calls", OBJECTS.resolve("calls.o").toString());
        assertThat(calls.exitCode()).as(calls.toString()).isEqualTo(0);
    }

    @Test
    void unknownProgramOrMissingFileExitsTwo() throws IOException {
        assertThat(Cli.run("verify", dir.resolve("missing.o").toString()).exitCode()).isEqualTo(2);
        Cli.Result r = Cli.run("verify", "--program", "nope", OBJECTS.resolve("xdp_maps.o").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no program 'nope'");
        assertThat(Cli.run("verify", write("garbage.s", "r0 = = 1\n")).exitCode()).isEqualTo(2);
    }
}
