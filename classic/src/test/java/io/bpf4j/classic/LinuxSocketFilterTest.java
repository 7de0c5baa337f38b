package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.testkit.KernelRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The converter against the Linux kernel: classic programs run as real socket filters
 * ({@code cbpf-run socket}: an AF_PACKET socket on a namespace's loopback device) must return
 * exactly what bpf4j returns, for every opcode, every deterministic ancillary load and random
 * programs; and Linux's verifier must accept the eBPF bpf4j converts them to
 * ({@code kernel-run --verify-only -t socket_filter}).
 */
class LinuxSocketFilterTest {
    private static Path cbpfRun;
    private static KernelRunner kernel;
    private static final Path WORK = Path.of("target", "linux-socket-filter");
    /** What the kernel's loopback device gives a filter: device type loopback, ifindex 1. */
    private static final BpfRuntime LOOPBACK = ClassicHelpers.register(BpfRuntime.builder(), ClassicHelpers.ARPHRD_LOOPBACK).build();

    @BeforeAll
    static void tools() throws Exception {
        kernel = KernelRunner.require();
        cbpfRun = Path.of("target", "kernel-tools", "cbpf-run");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(cbpfRun), "cbpf-run was not built");
        Files.createDirectories(WORK);
    }

    static List<Arguments> programs() {
        List<Arguments> out = new ArrayList<>();
        ClassicConverterTest.opcodes().forEach(a -> out.add(Arguments.of(a.get()[0])));
        for (Ancillary anc : Ancillary.values()) {
            if (anc != Ancillary.CPU && anc != Ancillary.RANDOM) {
                out.add(Arguments.of("ldx #3\nld #" + anc.pcapName() + "\nret a"));
            }
        }
        out.add(Arguments.of("ld #0x100\nldx #0xf00\nld [-4056]\nret a")); // xor_x, which bpf_asm has no name for
        out.add(Arguments.of("ldb [57]\nret #1"));
        out.add(Arguments.of("ldb [58]\nret #1"));
        out.add(Arguments.of("ldx #0xffffffff\nldh [x + 2]\nret #1"));
        out.add(Arguments.of("ld #10\nldx #0\ndiv x\nret #5"));
        out.add(Arguments.of("ld #10\nldx #0\nmod x\nret #5"));
        out.add(Arguments.of("ld #1\nldx #33\nlsh x\nret a"));
        out.add(Arguments.of("ret #0xffffffff"));
        // relative to the network header (SKF_NET_OFF = -0x100000) and the link-layer header (SKF_LL_OFF = -0x200000)
        out.add(Arguments.of("ldb [-1048567]\nret a"));
        out.add(Arguments.of("ld [-1048560]\nret a"));
        out.add(Arguments.of("ldh [-2097140]\nret a"));
        out.add(Arguments.of("ldx #9\nldb [x + -1048576]\nret a"));
        out.add(Arguments.of("ldxb 4*([-1048576]&0xf)\ntxa\nret a"));
        out.add(Arguments.of("ldb [-1048532]\nret #1"));
        out.add(Arguments.of("ldb [-1048533]\nret #1"));
        out.add(Arguments.of("ldb [-2097153]\nret #1"));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void theKernelReturnsWhatBpf4jReturns(String asm) throws Exception {
        ClassicProgram p = ClassicReader.parse(asm, ClassicFormat.BPF_ASM);
        compare(p, ClassicConverterTest.TCP_FRAME);
    }

    @Test
    void randomProgramsReturnWhatTheKernelReturns() throws Exception {
        Random random = new Random(7);
        int[] codes = {LD | IMM, LDX | IMM, LD | MEM, ST, STX, LD | W | LEN, MISC | TAX, MISC | TXA, ALU | NEG, LDX | B | MSH,
            LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | IND, LD | H | IND, LD | B | IND, ALU | ADD | X, ALU | SUB | K,
            ALU | MUL | X, ALU | DIV | X, ALU | MOD | K, ALU | AND | K, ALU | OR | X, ALU | XOR | K, ALU | LSH | X, ALU | RSH | K,
            JMP | JEQ | K, JMP | JGT | X, JMP | JGE | K, JMP | JSET | X};
        for (int n = 0; n < 30; n++) {
            List<ClassicInstruction> insns = new ArrayList<>();
            for (int m = 0; m < MEMWORDS; m++) {
                insns.add(ClassicInstruction.stmt(LD | IMM, random.nextInt()));
                insns.add(ClassicInstruction.stmt(ST, m));
            }
            int body = 10 + random.nextInt(20);
            int total = insns.size() + body + 1;
            for (int i = 0; i < body; i++) {
                int pc = insns.size();
                int code = codes[random.nextInt(codes.length)];
                int k = switch (code) {
                    case LD | MEM, ST, STX -> random.nextInt(MEMWORDS);
                    case ALU | RSH | K -> random.nextInt(32);
                    case ALU | MOD | K -> 1 + random.nextInt(100);
                    case LD | W | ABS, LD | H | ABS, LD | B | ABS, LDX | B | MSH -> random.nextInt(62);
                    case LD | W | IND, LD | H | IND, LD | B | IND -> random.nextInt(40) - 4;
                    case LDX | IMM -> random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(40);
                    default -> random.nextBoolean() ? random.nextInt(256) : random.nextInt();
                };
                int reach = Math.min(255, total - pc - 2);
                boolean jump = (code & 0x07) == JMP;
                insns.add(new ClassicInstruction(code, jump ? random.nextInt(reach + 1) : 0, jump ? random.nextInt(reach + 1) : 0, k));
            }
            insns.add(ClassicInstruction.stmt(RET | A, 0));
            compare(ClassicProgram.of(insns), ClassicConverterTest.TCP_FRAME);
        }
    }

    @Test
    void linuxsVerifierAcceptsTheConvertedTcpdumpFilters() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Tcpdump.isAvailable(), "tcpdump is not installed");
        for (String expression : TcpdumpComparisonTest.EXPRESSIONS) {
            verify(Tcpdump.compileEthernet(expression), expression);
        }
    }

    @Test
    void linuxsVerifierAcceptsConvertedProgramsOfEveryOpcode() throws Exception {
        for (Arguments a : programs()) {
            String asm = (String) a.get()[0];
            ClassicProgram p = ClassicReader.parse(asm, ClassicFormat.BPF_ASM);
            boolean ownHelpers = ClassicConverter.convert(p, FilterKind.SOCKET_FILTER).stream()
                    .anyMatch(i -> i.opcode() == io.bpf4j.isa.Opcodes.CALL_IMM && i.imm() >= ClassicHelpers.HATYPE);
            if (ownHelpers) {
                continue; // bpf4j's own helpers, where Linux calls its internal functions: not loadable through bpf()
            }
            verify(p, asm);
        }
    }

    private static void verify(ClassicProgram p, String what) throws Exception {
        Path file = Files.createTempFile(WORK, "converted", ".bin");
        Files.write(file, ClassicConverter.convert(p, FilterKind.SOCKET_FILTER).toBytes());
        var report = kernel.run(file, "--raw", "-t", "socket_filter", "--verify-only");
        assertThat(report.path("verdict").asText()).as("Linux's verifier on the conversion of %s: %s", what, report)
                .isEqualTo("accepted");
    }

    private static void compare(ClassicProgram p, byte[] frame) throws Exception {
        Path filter = Files.createTempFile(WORK, "filter", ".ddd");
        Files.writeString(filter, ClassicWriter.toText(p, ClassicFormat.DECIMAL));
        Path packet = Files.createTempFile(WORK, "frame", ".bin");
        Files.write(packet, frame);
        Process proc = new ProcessBuilder(cbpfRun.toString(), "socket", filter.toString(), "-d", packet.toString())
                .redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("cbpf-run output").contains("valid=yes");
        long theirs;
        if (out.contains("accepted=no")) {
            theirs = 0; // the kernel dropped the frame: the filter returned 0 (cbpf-run cannot rewrite it further)
        } else {
            Matcher m = Pattern.compile("retval=(\\d+)").matcher(out);
            assertThat(m.find()).as("cbpf-run output: %s", out).isTrue();
            theirs = Long.parseLong(m.group(1));
        }
        SkBuff skb = SkBuff.ethernet(frame).pktType(loopbackPacketType(frame)).ifindex(1).build();
        long ours = ExecutionModes.checked(SocketFilter.of(p, LOOPBACK)).run(skb).returnValue() & 0xffffffffL;
        assertThat(ours).as("bpf4j vs Linux on\n%s", ClassicWriter.toText(p, ClassicFormat.TCPDUMP)).isEqualTo(theirs);
    }

    /** eth_type_trans on the loopback device, whose address and broadcast address are all zero. */
    private static int loopbackPacketType(byte[] frame) {
        boolean zero = true;
        for (int i = 0; i < 6; i++) {
            zero &= frame[i] == 0;
        }
        if (zero) {
            return SkBuff.PACKET_HOST;
        }
        return (frame[0] & 1) != 0 ? SkBuff.PACKET_MULTICAST : SkBuff.PACKET_OTHERHOST;
    }
}
