package io.bpf4j.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Assembly of each form, syntax details and error reporting. Expected bytes are what {@code
 * llvm-mc-19 -triple bpf -mcpu=v4 -filetype=obj} produced for the same line (apart from the
 * documented extensions and the out-of-range checks llvm-mc does not make).
 */
class AssemblerTest {

    private static String hex(String source) {
        return HexFormat.of().formatHex(Assembler.assemble(source).toBytes());
    }

    /** Assembles the statement followed by {@code exit} (so that jumps have somewhere to go). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", textBlock = """
            r0 = 0                                     => b700000000000000
            r0 = 0x7fffffff                            => b7000000ffffff7f
            r0 = 2147483648                            => b700000000000080
            r0 = 4294967295                            => b7000000ffffffff
            r0 = -1                                    => b7000000ffffffff
            r0 = -2147483648                           => b700000000000080
            r1 = 0XFF                                  => b7010000ff000000
            r1 = 010                                   => b701000008000000
            r1 = 0b101                                 => b701000005000000
            w0 = 1                                     => b400000001000000
            w0 += -0x1                                 => 04000000ffffffff
            r3 -= r4                                   => 1f43000000000000
            w3 *= w4                                   => 2c43000000000000
            r3 /= 7                                    => 3703000007000000
            r3 s/= 7                                   => 3703010007000000
            w3 s/= w4                                  => 3c43010000000000
            r3 %= r4                                   => 9f43000000000000
            r3 s%= 7                                   => 9703010007000000
            r3 |= 1                                    => 4703000001000000
            r3 &= r4                                   => 5f43000000000000
            r3 <<= 3                                   => 6703000003000000
            w3 >>= w4                                  => 7c43000000000000
            r3 ^= -2                                   => a7030000feffffff
            r3 s>>= 1                                  => c703000001000000
            r3 s >>= 1                                 => c703000001000000
            r3 = -r3                                   => 8703000000000000
            w3 = -w3                                   => 8403000000000000
            r3 = r4                                    => bf43000000000000
            w3 = w4                                    => bc43000000000000
            r3 = (s8)r4                                => bf43080000000000
            r3 = (s16)r4                               => bf43100000000000
            r3 = ( s32 ) r4                            => bf43200000000000
            w3 = (s16)w4                               => bc43100000000000
            r3 = le16 r3                               => d403000010000000
            r3 = le32 r3                               => d403000020000000
            r3 = be64 r3                               => dc03000040000000
            r3 = bswap32 r3                            => d703000020000000
            r1 = 0x123456789abcdef0 ll                 => 18010000f0debc9a0000000078563412
            r1 = -1 ll                                 => 18010000ffffffff00000000ffffffff
            r1 = 18446744073709551615 ll               => 18010000ffffffff00000000ffffffff
            r1 = 0x1ffffffff ll                        => 18010000ffffffff0000000001000000
            ld_pseudo r1, 1, 3                         => 18110000030000000000000000000000
            ld_pseudo r2, 0x2, 0x700000005             => 18220000050000000000000007000000
            r0 = *(u32 *)(r1 + 0x4)                    => 6110040000000000
            r0=*(u32*)(r1+4)                           => 6110040000000000
            w0 = *(u8 *)(r1 - 2)                       => 7110feff00000000
            r0 = *(u16 *)(r1 - 32768)                  => 6910008000000000
            r0 = *(u64 *)(r1 + 32767)                  => 7910ff7f00000000
            r0 = *(s8 *)(r10 - 8)                      => 91a0f8ff00000000
            r0 = *(s32 *)(r1 + 0)                      => 8110000000000000
            *(u64 *)(r10 - 8) = r1                     => 7b1af8ff00000000
            *(u32 *)(r10 - 4) = w1                     => 631afcff00000000
            *(u8 *)(r10 - 1) = -3                      => 720affff fdffffff
            r0 = *(u8 *)skb[0x17]                      => 3000000017000000
            r0 = *(u16 *)skb[-5]                       => 28000000fbffffff
            r0 = *(u32 *)skb[r1]                       => 4010000000000000
            r0 = *(u32 *)skb[r1 + 4]                   => 4010000004000000
            lock *(u64 *)(r10 - 8) += r1               => db1af8ff00000000
            lock *(u64 *)(r10 - 8) ^= r1               => db1af8ffa0000000
            lock *(u32 *)(r10 - 8) |= w1               => c31af8ff40000000
            lock *(u32 *)(r10 - 8) += r1               => c31af8ff00000000
            r1 = atomic_fetch_and((u64 *)(r10 - 8), r1) => db1af8ff51000000
            w1 = atomic_fetch_add((u32 *)(r10 - 8), w1) => c31af8ff01000000
            r1 = xchg_64(r10 - 8, r1)                  => db1af8ffe1000000
            w1 = xchg32_32(r10 - 8, w1)                => c31af8ffe1000000
            r0 = cmpxchg_64(r10 - 8, r0, r1)           => db1af8fff1000000
            w0 = cmpxchg32_32(r10 - 8, w0, w1)         => c31af8fff1000000
            if r1 > 0x10 goto +0                       => 2501000010000000
            if r1 > 0x10 goto +0x0 <.text+0x8>         => 2501000010000000
            if w1 s< w2 goto 0                         => ce21000000000000
            if r0 s >= 1 goto +0                       => 7500000001000000
            if r1 & 0xffffffff goto +0                 => 45010000ffffffff
            goto +0                                    => 0500000000000000
            gotol +0                                   => 0600000000000000
            call 1                                     => 8500000001000000
            call -0x5                                  => 85000000fbffffff
            call_kfunc 0x1234                          => 8520000034120000
            callx r2                                   => 8d02000000000000
            """)
    void forms(String source, String expected) {
        assertThat(hex(source + "\nexit")).isEqualTo(expected.replace(" ", "") + "9500000000000000");
    }

    @Test
    void labelsJumpsAndLocalCalls() {
        String source = """
                main:
                	r1 = 1
                	call helper          # local call: src 1
                	if r1 > 2 goto LBB0_1
                	goto LBB0_1
                	gotol LBB0_1
                LBB0_1: exit
                helper: r0 = 2; exit
                """;
        assertThat(hex(source)).isEqualTo(String.join("",
                "b701000001000000",
                "8510000004000000",
                "2501020002000000",
                "0500010000000000",
                "0600000000000000",
                "9500000000000000",
                "b700000002000000",
                "9500000000000000"));
    }

    @Test
    void backwardJumpsAndSeveralLabelsOnOneSlot() {
        assertThat(hex("a: b:\n r0 = 0\n if r0 == 0 goto a\n goto b\n exit")).isEqualTo(String.join("",
                "b700000000000000", "1500feff00000000", "0500fdff00000000", "9500000000000000"));
    }

    @Test
    void commentsSeparatorsAndBlankLines() {
        String source = """
                # a full-line comment
                // another
                /* a block
                   comment */ r0 = 1 /* inline */ ; r0 = 2 // trailing
                r0 = 3#tight

                \t  r0 = 4 ; ; exit
                """;
        assertThat(hex(source)).isEqualTo(String.join("",
                "b700000001000000", "b700000002000000", "b700000003000000", "b700000004000000", "9500000000000000"));
    }

    @Test
    void directivesThatDoNotChangeCodeAreIgnored() {
        String source = """
                	.text
                	.file	"prog.c"
                	.section	xdp,"ax",@progbits
                	.globl	prog
                	.p2align	3
                	.type	prog,@function
                prog:
                	r0 = 2
                	exit
                .Lfunc_end0:
                	.size	prog, .Lfunc_end0-prog
                	.addrsig
                """;
        assertThat(hex(source)).isEqualTo("b7000000020000009500000000000000");
    }

    @Test
    void assembleSlotsSkipsStructuralValidation() {
        List<Instruction> slots = Assembler.assembleSlots("r10 = 1\ngoto +5");
        assertThat(slots).containsExactly(new Instruction(0xb7, 10, 0, 0, 1), new Instruction(0x05, 0, 0, 5, 0));
    }

    // ---- errors: line, column and reason

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            `r0 = 1\\n  foo r1` => 2 => 3 => unknown instruction 'foo'
            `r0 = 1\\n  Exit` => 2 => 3 => mnemonics are lowercase
            r11 = 1 => 1 => 1 => bad register 'r11'
            r0 = r12 => 1 => 6 => bad register 'r12'
            R0 = 1 => 1 => 1 => lowercase
            w0 = r1 => 1 => 6 => expected a 32-bit w register
            `if r1 > w2 goto +1` => 1 => 9 => expected a 64-bit r register
            *(u64 *)(r10 - 8) = w1 => 1 => 21 => takes an r register
            r0 = 4294967296 => 1 => 6 => immediate 4294967296 does not fit in 32 bits
            r0 = -2147483649 => 1 => 6 => does not fit in 32 bits
            r1 = 0x10000000000000000 ll => 1 => 6 => does not fit in 64 bits
            r0 = *(u32 *)(r1 + 32768) => 1 => 20 => offset 32768 does not fit in 16 bits
            `exit\\ngoto nowhere` => 2 => 6 => undefined label 'nowhere'
            call extern_function => 1 => 6 => undefined label 'extern_function'
            goto +32768 => 1 => 6 => jump offset 32768 does not fit in 16 bits
            `r0 = 0\\n\\n  r10 = 1\\nexit` => 3 => 3 => r10 is the read-only frame pointer
            `goto +1\\nexit` => 1 => 1 => outside the program
            `a: exit\\na: exit` => 2 => 1 => label 'a' is already defined at line 1
            `exit /* open` => 1 => 6 => unterminated /* comment
            exit 1 => 1 => 6 => unexpected '1'
            r0 += => 1 => 6 => expected an immediate but the statement ends
            r0 = 1 + 2 => 1 => 8 => expressions are not supported
            call r1 => 1 => 6 => callx r1
            r1 = my_map ll => 1 => 6 => needs a relocation
            `.byte 1` => 1 => 1 => emits or switches to data
            `.section .rodata,"a"` => 1 => 10 => not a code section
            `.p2align 4` => 1 => 10 => would insert padding
            `.frobnicate` => 1 => 1 => unknown or unsupported directive
            r1 = be16 r2 => 1 => 11 => expected 'r1' but found 'r2'
            r1 = atomic_fetch_add((u64 *)(r10 - 8), r2) => 1 => 41 => expected 'r1' but found 'r2'
            r1 = cmpxchg_64(r10 - 8, r0, r2) => 1 => 1 => compares with and returns in r0
            r1 = *(u32 *)skb[0] => 1 => 1 => packet loads always write r0
            `<unknown>`                                => 1 => 1  => it cannot decode
            `r0 = 1 ? 2` => 1 => 8 => unexpected character '?'
            `` => 1 => 1 => no instructions
            """)
    void errors(String source, int line, int column, String reason) {
        String text = source.replace("\\n", "\n");
        assertThatThrownBy(() -> Assembler.assemble(text))
                .isInstanceOfSatisfying(AssemblyException.class, e -> {
                    assertThat(e.getMessage()).contains(reason);
                    assertThat(e.line()).as("line of: %s", e.getMessage()).isEqualTo(line);
                    assertThat(e.column()).as("column of: %s", e.getMessage()).isEqualTo(column);
                });
    }

    @Test
    void jumpToALabelTooFarAwayForSixteenBits() {
        String source = "goto far\n" + "r0 = 0\n".repeat(40_000) + "far: exit";
        assertThatThrownBy(() -> Assembler.assemble(source))
                .isInstanceOfSatisfying(AssemblyException.class, e -> {
                    assertThat(e.getMessage()).contains("40000 instructions away").contains("gotol");
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo(6);
                });
        assertThat(Assembler.assemble(source.replace("goto far", "gotol far")).get(0).imm()).isEqualTo(40_000);
    }
}
