package io.bpf4j.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.runtime.types.SeccompAction;
import io.bpf4j.runtime.types.SeccompData;
import io.bpf4j.runtime.types.SeccompResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seccomp policies built with libseccomp (allow lists, deny lists, argument comparisons, errno,
 * trap, log and kill actions): bpf4j's action for each system call must be what the Linux kernel
 * does when the exported filter is installed in a child process that makes the call. A small C
 * harness (src/test/resources/seccomp/harness.c) is built with gcc at test time.
 */
class SeccompKernelTest {
    private static final Path HARNESS = Path.of("target", "seccomp-harness");
    private static final long AT_FDCWD = -100;

    /** The system calls tried on every policy (x86-64 numbers), chosen to be harmless when allowed. */
    static final long[][] CALLS = {
        {39}, {110}, {102}, {104}, {107}, {24}, {95, 022}, {95, 077},
        {0, 1000, 0, 0}, {1, 1000, 0, 0}, {1, 1, 0, 0}, {1, 2, 0, 0}, {1, 1000, 0, 20}, {1, 1000, 0, 5},
        {3, 1000}, {3, 1001}, {3, 0x100000000L | 1000}, {3, 0xffffffffL},
        {32, 2000}, {32, 1999}, {32, 0x100000002L}, {32, 0x7fffffff},
        {16, 5, 0x5401}, {16, 1000, 0x5401}, {16, 6, 0x5401},
        {72, 1000, 1}, {72, 1000, 4}, {72, 1000, 3},
        {8, 1000, 0, 0}, {8, 1000, 0, 1}, {8, 1000, 0x80000000L, 0}, {8, 1000, 0x80000001L, 0}, {8, 1000, 0xffffffff80000000L, 2},
        {41, 2, 1, 0}, {41, 1, 1, 0}, {41, 17, 3, 0}, {41, 16, 3, 0}, {41, 10, 2, 0},
        {257, AT_FDCWD, 0, 0}, {257, AT_FDCWD, 0, 1}, {257, AT_FDCWD, 0, 2}, {257, AT_FDCWD, 0, 0x41},
        {9, 0, 4096, 1, 0x22, -1, 0}, {9, 0, 4096, 5, 0x22, -1, 0}, {9, 0, 4096, 7, 0x22, -1, 0},
        {62, 0, 0}, {62, 0x7fffffff, 28},
        {135, 0xffffffffL}, {135, 0x1ffffffffL},
        {63, 0}, {35, 0, 0}, {79, 0, 0}, {79, 0, 100},
        {157, 3}, {157, 15, 0}, {318, 0, 0, 0}, {1000}, {0x40000027L}};

    @BeforeAll
    static void buildHarness() throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "seccomp comparisons need Linux");
        assumeTrue(Files.exists(Path.of("/usr/include/seccomp.h")), "libseccomp-dev is not installed: skipping the kernel comparison");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the policies and system call numbers are for x86-64");
        Path source = Files.createDirectories(Path.of("target")).resolve("seccomp-harness.c");
        try (InputStream in = SeccompKernelTest.class.getResourceAsStream("/seccomp/harness.c")) {
            Files.write(source, in.readAllBytes());
        }
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O1", "-o", HARNESS.toString(), source.toString(), "-lseccomp")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "gcc is not installed: skipping the kernel comparison");
            return;
        }
        String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(gcc.exitValue()).as("gcc: %s", log).isZero();
    }

    static IntStream policies() {
        return IntStream.range(0, 12);
    }

    @ParameterizedTest(name = "libseccomp policy {0}")
    @MethodSource("policies")
    void bpf4jDecidesWhatTheKernelDecides(int policy) throws Exception {
        Path file = Path.of("target", "seccomp-policy-" + policy + ".bpf");
        Process export = new ProcessBuilder(HARNESS.toString(), "export", Integer.toString(policy), file.toString()).inheritIO().start();
        assertThat(export.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(export.exitValue()).isZero();
        compareWithKernel(ClassicReader.read(file), file);
    }

    @Test
    void aHandWrittenFilterBehavesAsInTheKernel() throws Exception {
        ClassicProgram p = ClassicReader.parse("""
                ld [4]                ; seccomp_data.arch
                jne #0xc000003e, kill
                ld [0]                ; nr
                jeq #39, allow
                jeq #102, trap
                jge #1000, nosys
                ld [20]               ; high word of args[0]
                jset #0xffffffff, errno
                ld [16]
                and #0xfff0
                rsh #4
                jeq #62, errno        ; args[0] in 992..1007
                allow: ret #0x7fff0000
                trap: ret #0x30007
                errno: ret #0x503f0
                nosys: ret #0x5040e      ; errno 1038
                kill: ret #0
                """, ClassicFormat.BPF_ASM);
        Path file = Path.of("target", "seccomp-handwritten.bpf");
        Files.write(file, ClassicWriter.write(p, ClassicFormat.BINARY));
        compareWithKernel(p, file);
    }

    @Test
    void theKernelRefusesWhatTheCheckerRefuses() throws Exception {
        List<String> refused = List.of("ld [64]\nret a", "ld [2]\nret a", "ldh [0]\nret a", "ld #6\nmod #4\nret a",
                "ld M[0]\nret a", "ldx #0\nld [x + 0]\nret a", "ld #1", "ld #proto\nret a", "ldxb 4*([0]&0xf)\nret a");
        for (String asm : refused) {
            ClassicProgram p = ClassicReader.parse(asm, ClassicFormat.BPF_ASM);
            assertThatThrownBy(() -> ClassicChecker.check(p, FilterKind.SECCOMP)).as(asm).isInstanceOf(ClassicCheckException.class);
            assertThat(kernel(p, List.of(new long[] {39}))).as(asm).containsExactly("REJECTED 22");
        }
        ClassicProgram accepted = ClassicReader.parse("ld [60]\nst M[3]\nld len\nldx M[3]\ndiv x\nret #0x7fff0000", ClassicFormat.BPF_ASM);
        assertThatCode(() -> ClassicChecker.check(accepted, FilterKind.SECCOMP)).doesNotThrowAnyException();
        // args[5] is 0, so X is 0 and the division ends the filter with 0: kill, in the kernel as in bpf4j
        assertThat(kernel(accepted, List.of(new long[] {39}))).containsExactly("KILL 31");
        assertThat(SeccompPolicy.of(accepted).evaluate(SeccompData.of(39)).returnValue()).isZero();
        ClassicProgram divides = ClassicReader.parse("ld [16]\nst M[3]\nld len\nldx M[3]\ndiv x\nadd #0x7fff0000\nret a", ClassicFormat.BPF_ASM);
        assertThat(kernel(divides, List.of(new long[] {39, 4}))).singleElement().asString().startsWith("RET ");
        assertThat(SeccompPolicy.of(divides).evaluate(SeccompData.of(39, 4)).returnValue()).isEqualTo(0x7fff0000 + 16);
    }

    private static List<String> kernel(ClassicProgram p, List<long[]> calls) throws Exception {
        Path file = Files.createTempFile(Path.of("target"), "seccomp", ".bpf");
        Files.write(file, p.toBytes());
        return runHarness(file, calls);
    }

    private static void compareWithKernel(ClassicProgram program, Path file) throws Exception {
        SeccompPolicy policy = SeccompPolicy.of(program);
        List<long[]> calls = List.of(CALLS);
        List<String> kernel = runHarness(file, calls);
        assertThat(kernel).hasSize(calls.size());
        int denied = 0;
        for (int i = 0; i < calls.size(); i++) {
            long[] c = calls.get(i);
            long[] args = new long[6];
            System.arraycopy(c, 1, args, 0, c.length - 1);
            SeccompResult ours = policy.evaluate(new SeccompData((int) c[0], SeccompData.AUDIT_ARCH_X86_64, 0, args));
            String theirs = kernel.get(i);
            String what = String.format("system call %s: bpf4j %s(%d), kernel %s", java.util.Arrays.toString(c), ours.action(),
                    ours.data(), theirs);
            String[] f = theirs.split(" ");
            switch (f[0]) {
                case "RET" -> {
                    long ret = Long.parseLong(f[1]);
                    int errno = Integer.parseInt(f[2]);
                    if (ret == -1 && errno > 1000) {
                        assertThat(ours.action()).as(what).isEqualTo(SeccompAction.ERRNO);
                        assertThat(ours.data()).as(what).isEqualTo(errno);
                        denied++;
                    } else {
                        assertThat(ours.action()).as(what).isIn(SeccompAction.ALLOW, SeccompAction.LOG);
                    }
                }
                case "TRAP" -> {
                    assertThat(ours.action()).as(what).isEqualTo(SeccompAction.TRAP);
                    assertThat(ours.data()).as(what).isEqualTo(Integer.parseInt(f[1]));
                    denied++;
                }
                case "KILL" -> {
                    assertThat(ours.action()).as(what).isIn(SeccompAction.KILL_PROCESS, SeccompAction.KILL_THREAD);
                    assertThat(f[1]).as(what).isEqualTo("31"); // SIGSYS
                    denied++;
                }
                default -> throw new AssertionError(what);
            }
        }
        // every policy both allows and denies some of the calls, so both outcomes are compared
        assertThat(denied).isBetween(1, calls.size() - 1);
    }

    private static List<String> runHarness(Path filter, List<long[]> calls) throws Exception {
        StringBuilder input = new StringBuilder();
        for (long[] c : calls) {
            for (long v : c) {
                input.append("0x").append(Long.toHexString(v)).append(' ');
            }
            input.append('\n');
        }
        Process p = new ProcessBuilder(HARNESS.toString(), "run", filter.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(input.toString().getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return new ArrayList<>(out.lines().toList());
    }
}
