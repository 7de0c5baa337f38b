package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.Opcodes;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.types.SeccompData;
import io.bpf4j.runtime.types.SkBuff;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClassicConverterTest {
    /** An IPv4/TCP frame: 10.0.0.1:1234 -> 10.0.0.2:80, SYN, 4 payload bytes. */
    static final byte[] TCP_FRAME = Frames.hex(
            "ffffffffffff 020000000001 0800"
            + "45000030 1234 4000 4006 0000 0a000001 0a000002"
            + "04d2 0050 00000001 00000000 5002 2000 0000 0000"
            + "deadbeef");

    private static long run(String asm, byte[] frame) {
        return run(ClassicReader.parse(asm, ClassicFormat.BPF_ASM), SocketFilter.skbOf(frame));
    }

    private static long run(ClassicProgram program, SkBuff skb) {
        return ExecutionModes.checked(SocketFilter.of(program)).run(skb).returnValue() & 0xffffffffL;
    }

    // ------------------------------------------------------------------ every opcode, by value

    static Stream<Arguments> opcodes() {
        return Stream.of(
                // loads
                Arguments.of("ld #0x12345678\nret a", 0x12345678L),
                Arguments.of("ldi #7\nret a", 7L),
                Arguments.of("ld [26]\nret a", 0x0a000001L),
                Arguments.of("ldh [12]\nret a", 0x0800L),
                Arguments.of("ldb [23]\nret a", 6L),
                Arguments.of("ldx #10\nld [x + 16]\nret a", 0x0a000001L),
                Arguments.of("ldx #14\nldh [x + 22]\nret a", 0x0050L),
                Arguments.of("ldx #20\nldb [x + 3]\nret a", 6L),
                Arguments.of("ld len\nret a", (long) TCP_FRAME.length),
                Arguments.of("ldx len\ntxa\nret a", (long) TCP_FRAME.length),
                Arguments.of("ldxb 4*([14]&0xf)\ntxa\nret a", 20L),
                Arguments.of("ld #99\nldxb 4*([14]&0xf)\nret a", 99L), // A survives the MSH load
                Arguments.of("ldxi #5\ntxa\nret a", 5L),
                Arguments.of("ld #3\nst M[15]\nld #0\nld M[15]\nret a", 3L),
                Arguments.of("ldx #4\nstx M[0]\nldx #0\nldx M[0]\ntxa\nret a", 4L),
                // arithmetic, with K and with X, 32 bits wide
                Arguments.of("ld #0xffffffff\nadd #2\nret a", 1L),
                Arguments.of("ld #1\nldx #0xffffffff\nadd x\nret a", 0L),
                Arguments.of("ld #1\nsub #2\nret a", 0xffffffffL),
                Arguments.of("ld #10\nldx #3\nsub x\nret a", 7L),
                Arguments.of("ld #0x10000\nmul #0x10000\nret a", 0L),
                Arguments.of("ld #6\nldx #7\nmul x\nret a", 42L),
                Arguments.of("ld #0xfffffffe\ndiv #2\nret a", 0x7fffffffL), // unsigned
                Arguments.of("ld #100\nldx #7\ndiv x\nret a", 14L),
                Arguments.of("ld #0xffffffff\nmod #10\nret a", 5L),
                Arguments.of("ld #100\nldx #7\nmod x\nret a", 2L),
                Arguments.of("ld #0xf0\nand #0x3c\nret a", 0x30L),
                Arguments.of("ld #0xf0\nldx #0x3c\nand x\nret a", 0x30L),
                Arguments.of("ld #0xf0\nor #0x0f\nret a", 0xffL),
                Arguments.of("ld #0xf0\nldx #0x0f\nor x\nret a", 0xffL),
                Arguments.of("ld #0xff\nxor #0x0f\nret a", 0xf0L),
                Arguments.of("ld #0xff\nldx #0x0f\nxor x\nret a", 0xf0L),
                Arguments.of("ld #1\nlsh #31\nret a", 0x80000000L),
                Arguments.of("ld #1\nldx #4\nlsh x\nret a", 16L),
                Arguments.of("ld #0x80000000\nrsh #31\nret a", 1L), // logical, not arithmetic
                Arguments.of("ld #256\nldx #4\nrsh x\nret a", 16L),
                Arguments.of("ld #1\nneg\nret a", 0xffffffffL),
                Arguments.of("ld #9\ntax\nld #0\ntxa\nret a", 9L),
                // jumps, K and X, including constants that are negative as s32
                Arguments.of("ld #5\njeq #5, yes, no\nno: ret #1\nyes: ret #2", 2L),
                Arguments.of("ld #5\njeq #6, yes, no\nno: ret #1\nyes: ret #2", 1L),
                Arguments.of("ld #5\nldx #5\njeq x, yes, no\nno: ret #1\nyes: ret #2", 2L),
                Arguments.of("ld #0xffffffff\njeq #0xffffffff, yes, no\nno: ret #1\nyes: ret #2", 2L),
                Arguments.of("ld #0x80000000\njgt #0x7fffffff, yes, no\nno: ret #1\nyes: ret #2", 2L),
                Arguments.of("ld #1\njgt #0xffffffff, yes, no\nno: ret #1\nyes: ret #2", 1L),
                Arguments.of("ld #7\nldx #8\njgt x, yes, no\nno: ret #1\nyes: ret #2", 1L),
                Arguments.of("ld #8\njge #8, yes, no\nno: ret #1\nyes: ret #2", 2L),
                Arguments.of("ld #8\nldx #9\njge x, yes, no\nno: ret #1\nyes: ret #2", 1L),
                Arguments.of("ld #6\njset #4, yes, no\nno: ret #1\nyes: ret #2", 2L),
                Arguments.of("ld #6\nldx #1\njset x, yes, no\nno: ret #1\nyes: ret #2", 1L),
                Arguments.of("ld #0x80000000\njset #0x80000000, yes, no\nno: ret #1\nyes: ret #2", 2L),
                Arguments.of("ld #5\njne #5, yes\nret #1\nyes: ret #2", 1L),
                Arguments.of("ld #5\njlt #6, yes\nret #1\nyes: ret #2", 2L),
                Arguments.of("ld #5\njle #4, yes\nret #1\nyes: ret #2", 1L),
                Arguments.of("ja skip\nret #1\nskip: ret #2", 2L),
                Arguments.of("ret #0xffffffff", 0xffffffffL),
                Arguments.of("ld #77\nret a", 77L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("opcodes")
    void everyOpcodeComputesWhatLinuxComputes(String asm, long expected) {
        ClassicProgram program = ClassicReader.parse(asm, ClassicFormat.BPF_ASM);
        SkBuff skb = SocketFilter.skbOf(TCP_FRAME);
        assertThat(run(program, skb)).isEqualTo(expected);
        assertThat(ReferenceInterpreter.run(program, skb, ClassicHelpers.ARPHRD_ETHER)).isEqualTo(expected);
    }

    @Test
    void theOpcodeTableIsCoveredByTheValueTests() {
        Set<Integer> covered = new HashSet<>();
        opcodes().forEach(a -> ClassicReader.parse((String) a.get()[0], ClassicFormat.BPF_ASM).forEach(i -> covered.add(i.code())));
        List<Integer> missing = new ArrayList<>();
        for (int code = 0; code < 0x100; code++) {
            if (ClassicChecker.isKnownOpcode(code) && !covered.contains(code)) {
                missing.add(code);
            }
        }
        assertThat(missing).as("classic opcodes without a value test").isEmpty();
    }

    // ------------------------------------------------------------------ Linux's run-time rules

    @Test
    void packetLoadsOutsideThePacketEndTheProgramWithZero() {
        int len = TCP_FRAME.length;
        assertThat(run("ld [" + (len - 4) + "]\nret #1", TCP_FRAME)).isEqualTo(1);
        assertThat(run("ld [" + (len - 3) + "]\nret #1", TCP_FRAME)).isEqualTo(0);
        assertThat(run("ldh [" + (len - 1) + "]\nret #1", TCP_FRAME)).isEqualTo(0);
        assertThat(run("ldb [" + len + "]\nret #1", TCP_FRAME)).isEqualTo(0);
        assertThat(run("ldx #" + len + "\nldb [x + 0]\nret #1", TCP_FRAME)).isEqualTo(0);
        assertThat(run("ldx #0xffffffff\nldb [x + 0]\nret #1", TCP_FRAME)).isEqualTo(0); // negative index
        assertThat(run("ldxb 4*([" + len + "]&0xf)\nret #1", TCP_FRAME)).isEqualTo(0);
        assertThat(run("ld [1000000]\nret #1", TCP_FRAME)).isEqualTo(0);
    }

    @Test
    void loadsRelativeToTheLinkAndNetworkHeaders() {
        int net = SKF_NET_OFF;
        int ll = SKF_LL_OFF;
        assertThat(run("ldb [" + (net + 9) + "]\nret a", TCP_FRAME)).isEqualTo(6); // IPv4 protocol
        assertThat(run("ld [" + (net + 16) + "]\nret a", TCP_FRAME)).isEqualTo(0x0a000002L); // destination
        assertThat(run("ldh [" + (ll + 12) + "]\nret a", TCP_FRAME)).isEqualTo(0x0800);
        assertThat(run("ldx #9\nldb [x + " + net + "]\nret a", TCP_FRAME)).isEqualTo(6);
        assertThat(run("ldxb 4*([" + net + "]&0xf)\ntxa\nret a", TCP_FRAME)).isEqualTo(20);
        // outside the packet, or below SKF_LL_OFF: the program ends with 0
        assertThat(run("ldb [" + (net + TCP_FRAME.length - 14) + "]\nret #1", TCP_FRAME)).isZero();
        assertThat(run("ldb [" + (net + TCP_FRAME.length - 15) + "]\nret #1", TCP_FRAME)).isEqualTo(1);
        assertThat(run("ldb [" + (ll - 1) + "]\nret #1", TCP_FRAME)).isZero();
        assertThat(run("ld [" + (ll + TCP_FRAME.length - 3) + "]\nret #1", TCP_FRAME)).isZero();
        // on a device without a link-layer header, the network header is where the data starts
        BpfRuntime raw = ClassicHelpers.register(BpfRuntime.builder(), 0xfffe).build();
        SocketFilter f = SocketFilter.of(ClassicReader.parse("ldb [" + net + "]\nret a", ClassicFormat.BPF_ASM), raw);
        assertThat(f.run(SkBuff.ofNetwork(0x0800, java.util.Arrays.copyOfRange(TCP_FRAME, 14, TCP_FRAME.length))).returnValue())
                .isEqualTo(0x45);
    }

    @Test
    void divisionByAZeroXEndsTheProgramWithZero() {
        assertThat(run("ld #10\nldx #0\ndiv x\nret #5", TCP_FRAME)).isEqualTo(0);
        assertThat(run("ld #10\nldx #0\nmod x\nret #5", TCP_FRAME)).isEqualTo(0);
    }

    @Test
    void theSocketKeepsAtMostThePacket() {
        SocketFilter f = SocketFilter.of(ClassicReader.parse("ret #20", ClassicFormat.BPF_ASM));
        assertThat(f.bytesKept(TCP_FRAME)).isEqualTo(20);
        SocketFilter all = SocketFilter.of(ClassicReader.parse("ret #262144", ClassicFormat.BPF_ASM));
        assertThat(all.bytesKept(TCP_FRAME)).isEqualTo(TCP_FRAME.length);
        assertThat(SocketFilter.of(ClassicReader.parse("ret #0", ClassicFormat.BPF_ASM)).matches(TCP_FRAME)).isFalse();
    }

    @Test
    void scratchMemoryAndRegistersStartAtZero() {
        // A and X are 0 at entry (Linux's prologue clears them)
        assertThat(run("ret a", TCP_FRAME)).isEqualTo(0);
        assertThat(run("txa\nret a", TCP_FRAME)).isEqualTo(0);
    }

    // ------------------------------------------------------------------ ancillary loads

    @Test
    void everyAncillaryLoadReadsWhatLinuxReads() {
        SkBuff skb = SkBuff.ethernet(TCP_FRAME).pktType(SkBuff.PACKET_OTHERHOST).ifindex(7).mark(0xabcdef)
                .queueMapping(3).hash(0x5eed).vlan(0x88a8, 0x0123).build();
        Set<Ancillary> tested = EnumSet.noneOf(Ancillary.class);
        record Case(Ancillary anc, long expected) {}
        List<Case> cases = List.of(
                new Case(Ancillary.PROTOCOL, 0x0800), new Case(Ancillary.PKTTYPE, SkBuff.PACKET_OTHERHOST),
                new Case(Ancillary.IFINDEX, 7), new Case(Ancillary.MARK, 0xabcdef), new Case(Ancillary.QUEUE, 3),
                new Case(Ancillary.HATYPE, ClassicHelpers.ARPHRD_ETHER), new Case(Ancillary.RXHASH, 0x5eed),
                new Case(Ancillary.VLAN_TAG, 0x0123), new Case(Ancillary.VLAN_TAG_PRESENT, 1),
                new Case(Ancillary.VLAN_TPID, 0x88a8), new Case(Ancillary.PAY_OFFSET, 14 + 20 + 20));
        for (Case c : cases) {
            for (int size : new int[] {W, H, B}) {
                ClassicProgram p = ClassicProgram.of(ClassicInstruction.stmt(LD | size | ABS, c.anc().k()),
                        ClassicInstruction.stmt(RET | A, 0));
                assertThat(run(p, skb)).as(c.anc() + " size " + size).isEqualTo(c.expected());
            }
            tested.add(c.anc());
        }
        // without a tag
        assertThat(run("ld vlan_avail\nret a", TCP_FRAME)).isEqualTo(0);
        assertThat(run("ld #hatype\nret a", TCP_FRAME)).isEqualTo(1);
        // xor_x: A ^= X
        ClassicProgram xor = ClassicProgram.of(ClassicInstruction.stmt(LD | IMM, 0xff00), ClassicInstruction.stmt(LDX | IMM, 0x0ff0),
                ClassicInstruction.stmt(LD | W | ABS, Ancillary.ALU_XOR_X.k()), ClassicInstruction.stmt(RET | A, 0));
        assertThat(run(xor, skb)).isEqualTo(0xf0f0);
        tested.add(Ancillary.ALU_XOR_X);
        // cpu: the calling thread's CPU slot, as get_smp_processor_id gives it; random: varies
        long cpu = run("ld cpu\nret a", TCP_FRAME);
        assertThat(cpu).isBetween(0L, 4095L);
        tested.add(Ancillary.CPU);
        Set<Long> randoms = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            randoms.add(run("ld rand\nret a", TCP_FRAME));
        }
        assertThat(randoms).hasSizeGreaterThan(1);
        tested.add(Ancillary.RANDOM);
        tested.add(Ancillary.NLATTR);
        tested.add(Ancillary.NLATTR_NEST); // below
        assertThat(tested).containsExactlyInAnyOrder(Ancillary.values());
    }

    @Test
    void theDeviceTypeComesFromTheRuntime() {
        BpfRuntime loopback = ClassicHelpers.register(BpfRuntime.builder(), ClassicHelpers.ARPHRD_LOOPBACK).build();
        SocketFilter f = SocketFilter.of(ClassicReader.parse("ld #hatype\nret a", ClassicFormat.BPF_ASM), loopback);
        assertThat(f.run(SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(772);
    }

    @Test
    void netlinkAttributeLookups() {
        // A netlink message body from offset 4: attr type 1 (len 8), attr type 2 nested (len 12) holding type 5 (len 8)
        byte[] msg = Frames.hex("00000000" + "0800 0100 aabbccdd" + "0c00 0280 0800 0500 11223344");
        SkBuff skb = SkBuff.builder(msg).build();
        ClassicProgram find2 = ClassicReader.parse("ld #4\nldx #2\nld #nla\nret a", ClassicFormat.BPF_ASM);
        assertThat(run(find2, skb)).isEqualTo(12);
        ClassicProgram find9 = ClassicReader.parse("ld #4\nldx #9\nld #nla\nret a", ClassicFormat.BPF_ASM);
        assertThat(run(find9, skb)).isEqualTo(0);
        ClassicProgram nested = ClassicReader.parse("ld #12\nldx #5\nld #nlan\nret a", ClassicFormat.BPF_ASM);
        assertThat(run(nested, skb)).isEqualTo(16);
        ClassicProgram beyond = ClassicReader.parse("ld #1000\nldx #5\nld #nla\nret a", ClassicFormat.BPF_ASM);
        assertThat(run(beyond, skb)).isEqualTo(0);
    }

    @Test
    void payloadOffsetFollowsTheFlowDissector() {
        byte[] udp6 = Frames.hex("020000000002 020000000001 86dd"
                + "60000000 0010 11 40" + "fe800000000000000000000000000001" + "fe800000000000000000000000000002"
                + "0035 0035 0010 0000 0102030405060708");
        assertThat(run("ld poff\nret a", udp6)).isEqualTo(14 + 40 + 8);
        byte[] arp = Frames.hex("ffffffffffff 020000000001 0806 0001 0800 0604 0001 020000000001 0a000001 000000000000 0a000002");
        assertThat(run("ld poff\nret a", arp)).isEqualTo(0);
    }

    // ------------------------------------------------------------------ the shape of the output

    @Test
    void convertedProgramsHaveTheShapeOfLinuxsConversions() {
        ClassicProgram p = ClassicReader.parse("ldh [12]\njeq #0x800, ip, drop\nip: ldb [23]\njeq #6, keep, drop\nkeep: ret #262144\ndrop: ret #0",
                ClassicFormat.BPF_ASM);
        Instructions ebpf = ClassicConverter.convert(p, FilterKind.SOCKET_FILTER);
        // prologue: A and X cleared, context kept in r6
        assertThat(ebpf.get(0)).isEqualTo(Instruction.of(Opcodes.ALU | Opcodes.MOV | Opcodes.K, 0, 0, 0, 0));
        assertThat(ebpf.get(1)).isEqualTo(Instruction.of(Opcodes.ALU | Opcodes.MOV | Opcodes.K, 7, 0, 0, 0));
        assertThat(ebpf.get(2)).isEqualTo(Instruction.of(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 6, 1, 0, 0));
        // packet loads are legacy packet loads; jumps only go forward; every path ends in exit
        assertThat(ebpf.get(3)).isEqualTo(Instruction.of(Opcodes.LD | Opcodes.ABS | Opcodes.H, 0, 0, 0, 12));
        for (int i = 0; i < ebpf.size(); i++) {
            Instruction insn = ebpf.get(i);
            if (Opcodes.isJump(insn.opcode()) && insn.opcode() != Opcodes.EXIT_OP && insn.opcode() != Opcodes.CALL_IMM) {
                assertThat(insn.offset()).as("jump at " + i).isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(ebpf.getLast().opcode()).isEqualTo(Opcodes.EXIT_OP);
    }

    @Test
    void seccompFiltersReadSeccompDataThroughTheContext() {
        ClassicProgram p = ClassicReader.parse("ld [0]\njeq #39, allow\nld len\nret a\nallow: ld [16]\nret a", ClassicFormat.BPF_ASM);
        Instructions ebpf = ClassicConverter.convert(p, FilterKind.SECCOMP);
        assertThat(ebpf).contains(Instruction.of(Opcodes.LDX | Opcodes.MEM | Opcodes.W, 0, 6, 0, 0));
        SeccompPolicy policy = SeccompPolicy.of(p);
        assertThat(policy.evaluate(SeccompData.of(39, 0x7fff0000L)).returnValue()).isEqualTo(0x7fff0000);
        assertThat(policy.evaluate(SeccompData.of(40)).returnValue()).isEqualTo(64); // ld len is sizeof(seccomp_data)
    }

    @Test
    void conversionChecksFirst() {
        assertThatThrownBy(() -> ClassicConverter.convert(ClassicReader.parse("ld #1", ClassicFormat.BPF_ASM), FilterKind.SOCKET_FILTER))
                .isInstanceOf(ClassicCheckException.class).hasMessageContaining("does not end in a return");
    }

    // ------------------------------------------------------------------ random programs against the reference

    private static final int[] RANDOM_CODES = {LD | IMM, LDX | IMM, LD | MEM, LDX | MEM, ST, STX, LD | W | LEN, LDX | W | LEN,
        MISC | TAX, MISC | TXA, ALU | NEG, LDX | B | MSH, LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | IND, LD | H | IND,
        LD | B | IND, ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X, ALU | DIV | K,
        ALU | DIV | X, ALU | MOD | K, ALU | MOD | X, ALU | AND | K, ALU | AND | X, ALU | OR | K, ALU | OR | X,
        ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X, ALU | RSH | K, ALU | RSH | X,
        JMP | JA, JMP | JEQ | K, JMP | JEQ | X, JMP | JGT | K, JMP | JGT | X, JMP | JGE | K, JMP | JGE | X,
        JMP | JSET | K, JMP | JSET | X, RET | A, RET | K};

    /** A random valid socket filter: scratch memory initialized, then 5 to 44 instructions of every kind. */
    static ClassicProgram randomProgram(Random random) {
        List<ClassicInstruction> insns = new ArrayList<>();
        for (int m = 0; m < MEMWORDS; m++) {
            insns.add(ClassicInstruction.stmt(LD | IMM, random.nextInt()));
            insns.add(ClassicInstruction.stmt(ST, m));
        }
        int body = 5 + random.nextInt(40);
        int total = insns.size() + body + 1;
        for (int i = 0; i < body; i++) {
            int pc = insns.size();
            int code = RANDOM_CODES[random.nextInt(RANDOM_CODES.length)];
            int k = switch (code) {
                case LD | MEM, LDX | MEM, ST, STX -> random.nextInt(MEMWORDS);
                case ALU | LSH | K, ALU | RSH | K -> random.nextInt(32);
                case ALU | DIV | K, ALU | MOD | K -> 1 + random.nextInt(100);
                case LD | W | ABS, LD | H | ABS, LD | B | ABS, LDX | B | MSH -> random.nextInt(TCP_FRAME.length + 8);
                case LD | W | IND, LD | H | IND, LD | B | IND -> random.nextInt(64) - 8;
                case LDX | IMM -> random.nextBoolean() ? random.nextInt(64) : random.nextInt();
                case JMP | JA -> random.nextInt(total - pc - 1);
                default -> random.nextBoolean() ? random.nextInt(256) : random.nextInt();
            };
            int reach = Math.min(255, total - pc - 2);
            int jt = (code & 0x07) == JMP && code != (JMP | JA) ? random.nextInt(reach + 1) : 0;
            int jf = (code & 0x07) == JMP && code != (JMP | JA) ? random.nextInt(reach + 1) : 0;
            insns.add(new ClassicInstruction(code, jt, jf, k));
        }
        insns.add(ClassicInstruction.stmt(RET | A, 0));
        ClassicProgram p = ClassicProgram.of(insns);
        ClassicChecker.check(p, FilterKind.SOCKET_FILTER);
        return p;
    }

    @Test
    void randomProgramsAgreeWithTheReferenceInterpreter() {
        Random random = new Random(42);
        int runs = 0;
        for (int n = 0; n < 400; n++) {
            ClassicProgram p = randomProgram(random);
            for (byte[] frame : List.of(TCP_FRAME, Frames.hex("0001020304050607080900"))) {
                SkBuff skb = SocketFilter.skbOf(frame);
                assertThat(run(p, skb)).as("program %d:\n%s", n, ClassicWriter.toText(p, ClassicFormat.TCPDUMP))
                        .isEqualTo(ReferenceInterpreter.run(p, skb, 1));
                runs++;
            }
        }
        assertThat(runs).isEqualTo(800);
    }
}
