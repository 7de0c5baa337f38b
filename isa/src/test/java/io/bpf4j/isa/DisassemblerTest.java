package io.bpf4j.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Disassembler.Cpu;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden text per instruction form, as observed from {@code llvm-objdump-19 -d} on the same bytes
 * (each case: the instruction's 8 or 16 bytes in hex, placed at slot 0 of a program padded with
 * {@code exit}s, and the text).
 */
class DisassemblerTest {

    private static final String EXIT = "9500000000000000";

    /** A program with {@code hex} at slot {@code at}, the other slots {@code exit}, 40 slots long. */
    private static Instructions program(String hex, int at) {
        StringBuilder sb = new StringBuilder();
        int slots = 40;
        for (int i = 0; i < slots; i++) {
            if (i == at) {
                sb.append(hex);
                i += hex.length() / 16 - 1;
            } else {
                sb.append(EXIT);
            }
        }
        return Instructions.decode(HexFormat.of().parseHex(sb.toString()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            b700000000000000 => r0 = 0x0
            b7010000ffffffff => r1 = -0x1
            b701000000000080 => r1 = -0x80000000
            b7000000ffffff7f => r0 = 0x7fffffff
            b400000001000000 => w0 = 0x1
            0400000001000000 => w0 += 0x1
            04000000ffffffff => w0 += -0x1
            0701000000000080 => r1 += -0x80000000
            0c43000000000000 => w3 += w4
            1f43000000000000 => r3 -= r4
            2703000056000000 => r3 *= 0x56
            3703000056000000 => r3 /= 0x56
            3703010007000000 => r3 s/= 0x7
            3c43010000000000 => w3 s/= w4
            9703010007000000 => r3 s%= 0x7
            9f43000000000000 => r3 %= r4
            4703000056000000 => r3 |= 0x56
            5c43000000000000 => w3 &= w4
            6703000056000000 => r3 <<= 0x56
            7c43000000000000 => w3 >>= w4
            af43000000000000 => r3 ^= r4
            c703000001000000 => r3 s>>= 0x1
            cc43000000000000 => w3 s>>= w4
            8403000000000000 => w3 = -w3
            8703000000000000 => r3 = -r3
            bf43000000000000 => r3 = r4
            bc43000000000000 => w3 = w4
            bf43080000000000 => r3 = (s8)r4
            bf43100000000000 => r3 = (s16)r4
            bf43200000000000 => r3 = (s32)r4
            bc43080000000000 => w3 = (s8)w4
            bc43100000000000 => w3 = (s16)w4
            d403000010000000 => r3 = le16 r3
            d403000040000000 => r3 = le64 r3
            dc03000010000000 => r3 = be16 r3
            dc03000020000000 => r3 = be32 r3
            d703000010000000 => r3 = bswap16 r3
            d703000040000000 => r3 = bswap64 r3
            6110040000000000 => r0 = *(u32 *)(r1 + 0x4)
            6110fcff00000000 => r0 = *(u32 *)(r1 - 0x4)
            6110000000000000 => r0 = *(u32 *)(r1 + 0x0)
            6110008000000000 => r0 = *(u32 *)(r1 - 0x8000)
            6110ff7f00000000 => r0 = *(u32 *)(r1 + 0x7fff)
            6943faff00000000 => r3 = *(u16 *)(r4 - 0x6)
            7143faff00000000 => r3 = *(u8 *)(r4 - 0x6)
            7943faff00000000 => r3 = *(u64 *)(r4 - 0x6)
            8143060000000000 => r3 = *(s32 *)(r4 + 0x6)
            8943060000000000 => r3 = *(s16 *)(r4 + 0x6)
            9143060000000000 => r3 = *(s8 *)(r4 + 0x6)
            620af8ff05000000 => *(u32 *)(r10 - 0x8) = 0x5
            620af8fffbffffff => *(u32 *)(r10 - 0x8) = -0x5
            7a03faff56000000 => *(u64 *)(r3 - 0x6) = 0x56
            6343060000000000 => *(u32 *)(r3 + 0x6) = r4
            7b43060000000000 => *(u64 *)(r3 + 0x6) = r4
            db1af8ff00000000 => lock *(u64 *)(r10 - 0x8) += r1
            db1af8ff40000000 => lock *(u64 *)(r10 - 0x8) |= r1
            db1af8ff50000000 => lock *(u64 *)(r10 - 0x8) &= r1
            db1af8ffa0000000 => lock *(u64 *)(r10 - 0x8) ^= r1
            db0af8ff01000000 => r0 = atomic_fetch_add((u64 *)(r10 - 0x8), r0)
            db43faff41000000 => r4 = atomic_fetch_or((u64 *)(r3 - 0x6), r4)
            db43faff51000000 => r4 = atomic_fetch_and((u64 *)(r3 - 0x6), r4)
            db43faffa1000000 => r4 = atomic_fetch_xor((u64 *)(r3 - 0x6), r4)
            db43faffe1000000 => r4 = xchg_64(r3 - 0x6, r4)
            db43fafff1000000 => r0 = cmpxchg_64(r3 - 0x6, r0, r4)
            c343faff00000000 => lock *(u32 *)(r3 - 0x6) += r4
            c343faff01000000 => lock *(u32 *)(r3 - 0x6) += r4
            c343faff40000000 => <unknown>
            c343fafff1000000 => <unknown>
            2000000017000000 => r0 = *(u32 *)skb[0x17]
            28000000fbffffff => r0 = *(u16 *)skb[-0x5]
            3000000000000000 => r0 = *(u8 *)skb[0x0]
            4010000000000000 => r0 = *(u32 *)skb[r1]
            4810000004000000 => r0 = *(u16 *)skb[r1]
            5050000000000000 => r0 = *(u8 *)skb[r5]
            8500000005000000 => call 0x5
            85000000fbffffff => call -0x5
            8510000001000000 => call 0x1
            8520000034120000 => call 0x1234
            8d02000000000000 => callx r2
            8d0a000000000000 => callx r10
            9500000000000000 => exit
            18010000f0debc9a0000000078563412 => r1 = 0x123456789abcdef0 ll
            18010000ffffffff00000000ffffffff => r1 = -0x1 ll
            18010000000000000000000000000080 => r1 = -0x8000000000000000 ll
            18010000000000800000000000000000 => r1 = 0x80000000 ll
            18010000000000000000000001000000 => r1 = 0x100000000 ll
            18010000000000000000000000000000 => r1 = 0x0 ll
            18110000050000000000000000000000 => `ld_pseudo\tr1, 0x1, 0x5`
            18210000050000000000000007000000 => `ld_pseudo\tr1, 0x2, 0x5`
            18310000fbffffff0000000000000000 => `ld_pseudo\tr1, 0x3, 0xfffffffb`
            18410000010000000000000000000000 => `ld_pseudo\tr1, 0x4, 0x1`
            18510000050000000000000000000000 => `ld_pseudo\tr1, 0x5, 0x5`
            18610000050000000000000007000000 => `ld_pseudo\tr1, 0x6, 0x5`
            """)
    void generic(String hex, String text) {
        assertThat(Disassembler.format(program(hex, 0), 0)).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = "=>", textBlock = """
            6143faff00000000 => w3 = *(u32 *)(r4 - 0x6)
            6943faff00000000 => w3 = *(u16 *)(r4 - 0x6)
            7143faff00000000 => w3 = *(u8 *)(r4 - 0x6)
            7943faff00000000 => r3 = *(u64 *)(r4 - 0x6)
            9143060000000000 => r3 = *(s8 *)(r4 + 0x6)
            6343060000000000 => *(u32 *)(r3 + 0x6) = w4
            6b43060000000000 => *(u16 *)(r3 + 0x6) = w4
            7343060000000000 => *(u8 *)(r3 + 0x6) = w4
            7b43060000000000 => *(u64 *)(r3 + 0x6) = r4
            c343faff00000000 => lock *(u32 *)(r3 - 0x6) += w4
            c343faff40000000 => lock *(u32 *)(r3 - 0x6) |= w4
            c343faff50000000 => lock *(u32 *)(r3 - 0x6) &= w4
            c343faffa0000000 => lock *(u32 *)(r3 - 0x6) ^= w4
            c343faff01000000 => w4 = atomic_fetch_add((u32 *)(r3 - 0x6), w4)
            c343faffa1000000 => w4 = atomic_fetch_xor((u32 *)(r3 - 0x6), w4)
            c343faffe1000000 => w4 = xchg32_32(r3 - 0x6, w4)
            c343fafff1000000 => w0 = cmpxchg32_32(r3 - 0x6, w0, w4)
            bc43080000000000 => w3 = (s8)w4
            """)
    void withSubregisters(String hex, String text) {
        assertThat(Disassembler.format(program(hex, 0), 0, Cpu.V4)).isEqualTo(text);
        assertThat(Disassembler.format(program(hex, 0), 0, Cpu.V3)).isEqualTo(text);
    }

    @ParameterizedTest(name = "slot {1}: {0} -> {2}")
    @CsvSource(delimiterString = "=>", textBlock = """
            2501030010000000 => 5 => if r1 > 0x10 goto +0x3 <.text+0x48>
            2501fdff10000000 => 6 => if r1 > 0x10 goto -0x3 <.text+0x20>
            2501faff10000000 => 5 => if r1 > 0x10 goto -0x6 <.text>
            0500ffff00000000 => 0 => goto -0x1 <.text>
            0500000000000000 => 3 => goto +0x0 <.text+0x20>
            0600000005000000 => 16 => gotol +0x5 <.text+0xb0>
            06000000fbffffff => 16 => gotol -0x5 <.text+0x60>
            1503feff56000000 => 7 => if r3 == 0x56 goto -0x2 <.text+0x30>
            1d43020000000000 => 7 => if r3 == r4 goto +0x2 <.text+0x50>
            1603020056000000 => 7 => if w3 == 0x56 goto +0x2 <.text+0x50>
            3503020000fbffff => 7 => if r3 >= -0x500 goto +0x2 <.text+0x50>
            4503020001000000 => 7 => if r3 & 0x1 goto +0x2 <.text+0x50>
            5e43020000000000 => 7 => if w3 != w4 goto +0x2 <.text+0x50>
            6503020001000000 => 7 => if r3 s> 0x1 goto +0x2 <.text+0x50>
            7e43020000000000 => 7 => if w3 s>= w4 goto +0x2 <.text+0x50>
            a503020001000000 => 7 => if r3 < 0x1 goto +0x2 <.text+0x50>
            bd43020000000000 => 7 => if r3 <= r4 goto +0x2 <.text+0x50>
            c603020001000000 => 7 => if w3 s< 0x1 goto +0x2 <.text+0x50>
            dd43020000000000 => 7 => if r3 s<= r4 goto +0x2 <.text+0x50>
            """)
    void jumpTargets(String hex, int at, String text) {
        assertThat(Disassembler.format(program(hex, at), at)).isEqualTo(text);
    }

    @Test
    void objdumpLinesPrintTheSlotIndexAndBothSlotsOfLddwOnOneLine() {
        Instructions code = Instructions.decode(HexFormat.of().parseHex(
                "b700000000000000" + "18010000f0debc9a0000000078563412" + "9500000000000000"));
        assertThat(Disassembler.objdumpLines(code)).containsExactly(
                "       0:\tb7 00 00 00 00 00 00 00\tr0 = 0x0",
                "       1:\t18 01 00 00 f0 de bc 9a 00 00 00 00 78 56 34 12\tr1 = 0x123456789abcdef0 ll",
                "       3:\t95 00 00 00 00 00 00 00\texit");
    }

    @Test
    void objdumpLinesOfALongProgramRightAlignTheIndex() {
        Instructions code = program("0500000000000000", 38);
        List<String> lines = Disassembler.objdumpLines(code);
        assertThat(lines).hasSize(40);
        assertThat(lines.get(38)).isEqualTo("      38:\t05 00 00 00 00 00 00 00\tgoto +0x0 <.text+0x138>");
    }

    @Test
    void secondHalfOfLddwIsNotAnInstruction() {
        Instructions code = program("18010000000000000000000000000000", 0);
        assertThatThrownBy(() -> Disassembler.format(code, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("second half");
    }

    @Test
    void listingUsesLabelsAndExtensionsAndIsLossless() {
        Instructions code = Instructions.decode(HexFormat.of().parseHex(String.join("",
                "8510000003000000", // 0: call subprog (slot 4)
                "2501010010000000", // 1: if r1 > 0x10 goto slot 3
                "8520000034120000", // 2: kfunc call
                "4010000004000000", // 3: r0 = *(u32 *)skb[r1 + 4]
                "18210000050000000000000007000000", // 4: ld_pseudo with map value offset 7
                "c343faff01000000", // 6: 32-bit fetch-add
                "0500f9ff00000000", // 7: goto slot 1
                "9500000000000000")));
        String listing = Disassembler.listing(code);
        assertThat(listing).isEqualTo("""
                \tcall subprog1
                LBB0_1:
                \tif r1 > 0x10 goto LBB0_2
                \tcall_kfunc 0x1234
                LBB0_2:
                \tr0 = *(u32 *)skb[r1 + 0x4]
                subprog1:
                \tld_pseudo\tr1, 0x2, 0x700000005
                \tw4 = atomic_fetch_add((u32 *)(r3 - 0x6), w4)
                \tgoto LBB0_1
                \texit
                """);
        assertThat(Assembler.assemble(listing)).isEqualTo(code);
    }

    /**
     * {@link AllOpcodesFixture} holds every form the validator accepts: every opcode, and for the
     * opcodes whose other fields select a different operation, every such selection (ALU offset
     * for signed division and sign-extending moves, byte swap width, atomic operation, call and
     * lddw src kinds). The valid forms are found by brute force over field values.
     */
    @Test
    void fixtureCoversEveryValidForm() {
        java.util.Set<String> valid = new java.util.TreeSet<>();
        int[] offsets = {0, 1, 8, 16, 32};
        int[] imms = {0, 1, 16, 32, 64, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1};
        Instruction exit = new Instruction(Opcodes.EXIT_OP, 0, 0, 0, 0);
        for (int op = 0; op < 256; op++) {
            // only the fields that select a form vary over all their interesting values
            int cls = Opcodes.instructionClass(op);
            boolean alu = cls == Opcodes.ALU || cls == Opcodes.ALU64;
            boolean srcKinds = op == Opcodes.LDDW || op == Opcodes.CALL_IMM;
            boolean immKinds = cls == Opcodes.STX || (alu && Opcodes.operation(op) == Opcodes.END);
            for (int src = 0; src <= (srcKinds ? 6 : 1); src++) {
                for (int offset : alu ? offsets : new int[] {0, 1}) {
                    for (int imm : immKinds ? imms : new int[] {0, 1}) {
                        Instruction insn = new Instruction(op, 1, src, offset, imm);
                        try {
                            if (op == Opcodes.LDDW) {
                                Instructions.of(insn, new Instruction(0, 0, 0, 0, 0), exit, exit);
                            } else {
                                Instructions.of(insn, exit, exit);
                            }
                            valid.add(formKey(insn));
                        } catch (InvalidInstructionException e) {
                            // not a valid combination
                        }
                    }
                }
            }
        }
        java.util.Set<String> covered = new java.util.TreeSet<>();
        Instructions fixture = AllOpcodesFixture.program();
        for (int i = 0; i < fixture.size(); i++) {
            covered.add(formKey(fixture.get(i)));
            if (fixture.isWide(i)) {
                i++;
            }
        }
        assertThat(valid).hasSizeGreaterThan(150);
        assertThat(covered).containsAll(valid);
    }

    private static String formKey(Instruction insn) {
        int op = insn.opcode();
        String key = String.format("0x%02x", op);
        return switch (Opcodes.instructionClass(op)) {
            case Opcodes.ALU, Opcodes.ALU64 -> Opcodes.operation(op) == Opcodes.END ? key + " width " + insn.imm()
                    : key + " offset " + insn.offset();
            case Opcodes.STX -> Opcodes.mode(op) == Opcodes.ATOMIC ? key + String.format(" atomic 0x%x", insn.imm()) : key;
            case Opcodes.JMP -> op == Opcodes.CALL_IMM ? key + " src " + insn.src() : key;
            case Opcodes.LD -> op == Opcodes.LDDW ? key + " src " + insn.src() : key;
            default -> key;
        };
    }
}
