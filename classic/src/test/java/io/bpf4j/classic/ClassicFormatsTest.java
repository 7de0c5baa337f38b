package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicInstruction.jump;
import static io.bpf4j.classic.ClassicInstruction.stmt;
import static io.bpf4j.classic.ClassicOpcodes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClassicFormatsTest {
    /** Every opcode Linux knows, every ancillary load, and jumps of every kind. */
    static ClassicProgram allOpcodes() {
        List<ClassicInstruction> l = new ArrayList<>();
        for (int code = 0; code < 0x100; code++) {
            if (!ClassicChecker.isKnownOpcode(code) || (code & 0x07) == JMP || (code & 0x07) == RET) {
                continue;
            }
            int k = switch (code) {
                case LD | MEM, LDX | MEM, ST, STX -> 3;
                case ALU | LSH | K, ALU | RSH | K -> 5;
                case LD | W | IND, LD | H | IND -> -2;
                // text formats have no place for k where the instruction does not use it
                case ALU | NEG, MISC | TAX, MISC | TXA, LD | W | LEN, LDX | W | LEN -> 0;
                default -> (code & 0x07) == ALU && (code & X) != 0 ? 0 : code * 7 - 100;
            };
            l.add(stmt(code, k));
        }
        for (Ancillary a : Ancillary.values()) {
            l.add(stmt(LD | W | ABS, a.k()));
            l.add(stmt(LD | B | ABS, a.k()));
        }
        l.add(stmt(JMP | JA, 1));
        l.add(stmt(RET | K, -1));
        for (int op : new int[] {JEQ, JGT, JGE, JSET}) {
            l.add(jump(JMP | op | K, 0x800, 0, 1));
            l.add(jump(JMP | op | X, 0, 2, 0));
        }
        l.add(jump(JMP | JEQ | K, -1, 1, 2));
        l.add(stmt(RET | A, 0));
        l.add(stmt(RET | K, 0));
        l.add(stmt(RET | K, 262144));
        return ClassicProgram.of(l);
    }

    @ParameterizedTest
    @EnumSource(ClassicFormat.class)
    void everyFormatReadsBackWhatItWrites(ClassicFormat format) {
        ClassicProgram p = allOpcodes();
        byte[] written = ClassicWriter.write(p, format);
        assertThat(ClassicReader.detect(written)).isEqualTo(format);
        assertThat(ClassicReader.read(written)).containsExactlyElementsOf(p);
    }

    @Test
    void binaryIsStructSockFilter() {
        ClassicProgram p = ClassicProgram.of(jump(0x15, 0x800, 1, 2), stmt(0x06, 0x40000));
        assertThat(p.toBytes()).isEqualTo(Frames.hex("1500 01 02 00080000 0600 00 00 00000400"));
        assertThat(ClassicProgram.fromBytes(p.toBytes(ByteOrder.BIG_ENDIAN), ByteOrder.BIG_ENDIAN)).isEqualTo(p);
        assertThatThrownBy(() -> ClassicProgram.fromBytes(new byte[12])).isInstanceOf(ClassicFormatException.class)
                .hasMessageContaining("multiple of 8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp port 80", "vlan and udp", "ip[6:2] & 0x1fff != 0 and len > 100", "ip6 host fe80::1 or arp",
        "icmp[icmptype] == icmp-echo", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "not ip and not ip6"})
    void tcpdumpListingsAreReadAndWrittenExactlyAsTcpdumpPrintsThem(String expression) throws Exception {
        assumeTrue(Tcpdump.isAvailable(), "tcpdump is not installed");
        String d = tcpdump("-d", expression);
        String dd = tcpdump("-dd", expression);
        String ddd = tcpdump("-ddd", expression);
        ClassicProgram fromD = ClassicReader.parse(d, ClassicFormat.TCPDUMP);
        assertThat(ClassicReader.read(dd.getBytes(StandardCharsets.UTF_8))).isEqualTo(fromD);
        assertThat(ClassicReader.read(ddd.getBytes(StandardCharsets.UTF_8))).isEqualTo(fromD);
        assertThat(ClassicWriter.toText(fromD, ClassicFormat.TCPDUMP)).isEqualTo(d);
        assertThat(ClassicWriter.toText(fromD, ClassicFormat.C_ARRAY)).isEqualTo(dd);
        assertThat(ClassicWriter.toText(fromD, ClassicFormat.DECIMAL)).isEqualTo(ddd);
        assertThat(ClassicReader.parse(ClassicWriter.toText(fromD, ClassicFormat.BPF_ASM), ClassicFormat.BPF_ASM)).isEqualTo(fromD);
    }

    @Test
    void ancillaryLoadsPrintAsLibpcapPrintsThem() {
        ClassicProgram p = ClassicProgram.of(stmt(LD | B | ABS, Ancillary.VLAN_TAG_PRESENT.k()), stmt(LD | W | ABS, Ancillary.PROTOCOL.k()),
                stmt(LD | W | ABS, SKF_AD_OFF + 64), stmt(LD | W | LEN, 0), stmt(RET | A, 0));
        assertThat(ClassicWriter.toText(p, ClassicFormat.TCPDUMP)).isEqualTo("""
                (000) ldb      [vlanp]
                (001) ld       [proto]
                (002) ld       [-4032]
                (003) ld       #pktlen
                (004) ret      \n""");
        assertThat(ClassicWriter.toText(p, ClassicFormat.BPF_ASM)).isEqualTo("""
                \tldb #vlan_avail
                \tld #proto
                \tld [-4032]
                \tld #len
                \tret a
                """);
    }

    @Test
    void bpfAsmAsTheKernelDocumentsIt() {
        ClassicProgram p = ClassicReader.parse("""
                ; an ARP filter, in the style of the kernel's filter documentation
                /* comments of both kinds */
                  ldh [12]
                  jne #0x806, drop
                  ret #-1
                  drop: ret #0
                # a comment line
                """, ClassicFormat.BPF_ASM);
        assertThat(p).containsExactly(stmt(0x28, 12), jump(0x15, 0x806, 0, 1), stmt(0x06, -1), stmt(0x06, 0));
        ClassicProgram vlan = ClassicReader.parse("""
                ld vlan_tci
                jneq #10, drop
                ldx 4*([14]&0xf)
                ld [%x + 0]
                jlt #0b101, drop
                jle x, drop
                ldxi #0x20
                ldi #010
                ret %a
                drop: ret #0
                """, ClassicFormat.BPF_ASM);
        assertThat(vlan).containsExactly(stmt(0x20, Ancillary.VLAN_TAG.k()), jump(0x15, 10, 0, 7), stmt(0xb1, 14), stmt(0x40, 0),
                jump(0x35, 5, 0, 4), jump(0x2d, 0, 0, 3), stmt(0x01, 0x20), stmt(0x00, 8), stmt(0x16, 0), stmt(0x06, 0));
    }

    @Test
    void decimalAlsoReadsTheCommaForm() {
        assertThat(ClassicReader.read("4,40 0 0 12,21 0 1 2048,6 0 0 65535,6 0 0 0,".getBytes(StandardCharsets.US_ASCII)))
                .containsExactly(stmt(40, 12), jump(21, 2048, 0, 1), stmt(6, 65535), stmt(6, 0));
    }

    @Test
    void errorsSayWhereAndWhat() {
        assertThatThrownBy(() -> ClassicReader.parse("ldh [12]\nfoo #1\nret #0", ClassicFormat.BPF_ASM))
                .isInstanceOf(ClassicFormatException.class).hasMessage("2:1: unknown instruction 'foo'");
        assertThatThrownBy(() -> ClassicReader.parse("ld [12\nret #0", ClassicFormat.BPF_ASM))
                .isInstanceOf(ClassicFormatException.class).hasMessageStartingWith("1:7: expected ']'");
        assertThatThrownBy(() -> ClassicReader.parse("jeq #1, nowhere\nret #0", ClassicFormat.BPF_ASM))
                .hasMessageContaining("no label 'nowhere'");
        assertThatThrownBy(() -> ClassicReader.parse("back: ld #1\njeq #1, back\nret #0", ClassicFormat.BPF_ASM))
                .hasMessageContaining("only go forward");
        assertThatThrownBy(() -> ClassicReader.parse("ld #0x100000000\nret a", ClassicFormat.BPF_ASM))
                .hasMessageContaining("does not fit in 32 bits");
        assertThatThrownBy(() -> ClassicReader.parse("ld #vlan_what\nret a", ClassicFormat.BPF_ASM))
                .hasMessageContaining("unknown ancillary load 'vlan_what'");
        assertThatThrownBy(() -> ClassicReader.parse("(000) ldh [12]\n(002) ret #0", ClassicFormat.TCPDUMP))
                .hasMessageContaining("(002) where (001) was expected");
        assertThatThrownBy(() -> ClassicReader.parse("(000) jeq #1 jt 0 jf 1\n(001) ret #0", ClassicFormat.TCPDUMP))
                .hasMessageContaining("jumps to 0");
        assertThatThrownBy(() -> ClassicReader.parse("3\n6 0 0 0\n", ClassicFormat.DECIMAL))
                .hasMessageContaining("the count says 3 instructions but 1 follow");
        assertThatThrownBy(() -> ClassicReader.parse("1\n70000 0 0 0\n", ClassicFormat.DECIMAL))
                .hasMessageContaining("code is 16 bits");
        assertThatThrownBy(() -> ClassicReader.parse("{ 0x28, 0, 0 },", ClassicFormat.C_ARRAY))
                .hasMessageStartingWith("1:1: expected '{ code, jt, jf, k },'");
    }

    private static String tcpdump(String flag, String expression) throws Exception {
        Process p = new ProcessBuilder(Tcpdump.executable().toString(), "-y", "EN10MB", flag, "--", expression)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }
}
