package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.classic.ClassicFormat;
import io.bpf4j.classic.ClassicReader;
import io.bpf4j.classic.ClassicWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompCommandTest {
    static final String POLICY = """
            ld [4]
            jne #0xc000003e, kill
            ld [0]
            jeq #41, socket
            jeq #62, trap
            ret #0x7fff0000
            socket: ld [16]
            jeq #17, deny
            ret #0x7fff0000
            deny: ret #0x50001
            trap: ret #0x30007
            kill: ret #0x80000000
            """;

    @TempDir
    Path temp;
    Path text;
    Path binary;

    @BeforeEach
    void files() throws IOException {
        text = temp.resolve("policy.asm");
        Files.writeString(text, POLICY);
        binary = temp.resolve("policy.bpf");
        Files.write(binary, ClassicWriter.write(ClassicReader.parse(POLICY, ClassicFormat.BPF_ASM), ClassicFormat.BINARY));
    }

    @Test
    void printsTheAction() {
        assertThat(run("seccomp", "--filter", binary.toString(), "--syscall", "socket", "--arch", "x86_64", "--args", "17,3,0").out())
                .isEqualTo("ERRNO 1\n");
        assertThat(run("seccomp", "--filter", text.toString(), "--syscall", "socket", "--args", "2", "--args", "1").out())
                .isEqualTo("ALLOW\n");
        assertThat(run("seccomp", "--filter", text.toString(), "--syscall", "62").out()).isEqualTo("TRAP 7\n");
        assertThat(run("seccomp", "--filter", text.toString(), "--syscall", "getpid", "--verbose").out())
                .isEqualTo("ALLOW (return value 0x7fff0000)\n");
        // i386 is not the architecture this policy allows
        assertThat(run("seccomp", "--filter", text.toString(), "--syscall", "getpid", "--arch", "i386").out()).isEqualTo("KILL_PROCESS\n");
    }

    @Test
    void stackedFiltersTakeTheMostRestrictive() throws IOException {
        Path logAll = temp.resolve("log.asm");
        Files.writeString(logAll, "ret #0x7ffc0000\n");
        assertThat(run("seccomp", "--filter", text.toString(), "--filter", logAll.toString(), "--syscall", "getpid").out())
                .isEqualTo("LOG\n");
    }

    @Test
    void recordsGetOneActionEach() throws IOException {
        Path records = temp.resolve("calls.txt");
        Files.writeString(records, "# name or number, then arguments\nsocket 17 3 0\nsocket 2 1 0\n62 0 0\n\ngetpid\n");
        Cli.Result r = run("seccomp", "--filter", text.toString(), "--records", records.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("ERRNO 1\nALLOW\nTRAP 7\nALLOW\n");
        Cli.Result stdin = Cli.runWithInput("socket 17\n", "seccomp", "--filter", text.toString(), "--records", "-");
        assertThat(stdin.out()).isEqualTo("ERRNO 1\n");
    }

    @Test
    void errors() throws IOException {
        Cli.Result unknown = run("seccomp", "--filter", text.toString(), "--syscall", "no_such_call");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).isEqualTo("bpf4j: --syscall: no system call 'no_such_call' on x86_64\n");
        Path packetFilter = temp.resolve("packet.asm");
        Files.writeString(packetFilter, "ldh [12]\nret a\n");
        Cli.Result refused = run("seccomp", "--filter", packetFilter.toString(), "--syscall", "read");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).startsWith("bpf4j: " + packetFilter + ": instruction 0: 'ldh [12]' is not allowed in a seccomp filter");
        Cli.Result badArg = run("seccomp", "--filter", text.toString(), "--syscall", "read", "--args", "x12");
        assertThat(badArg.exitCode()).isEqualTo(ExitCodes.USAGE);
        Cli.Result neither = run("seccomp", "--filter", text.toString());
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
        Cli.Result badArch = run("seccomp", "--filter", text.toString(), "--syscall", "read", "--arch", "vax");
        assertThat(badArch.err()).contains("known: x86_64, i386");
    }
}
