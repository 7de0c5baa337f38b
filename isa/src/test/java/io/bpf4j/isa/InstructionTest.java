package io.bpf4j.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstructionTest {

    @Test
    void encodesFieldsAtTheirRfcPositions() {
        // opcode 0x07, dst r1, src r2, offset 0x0304, imm 0x05060708: bytes 07 21 04 03 08 07 06 05
        Instruction insn = Instruction.of(0x07, 1, 2, 0x0304, 0x05060708);
        ByteBuffer out = ByteBuffer.allocate(8);
        insn.writeTo(out);
        assertThat(out.array()).containsExactly(0x07, 0x21, 0x04, 0x03, 0x08, 0x07, 0x06, 0x05);
        assertThat(out.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(insn.toRaw()).isEqualTo(0x0506070803042107L);
    }

    @Test
    void destinationIsTheLowNibbleAndSourceTheHighNibble() {
        Instruction insn = Instruction.fromRaw(0xa3L << 8 | 0xbf);
        assertThat(insn.opcode()).isEqualTo(0xbf);
        assertThat(insn.dst()).isEqualTo(3);
        assertThat(insn.src()).isEqualTo(10);
        assertThat(Instruction.of(0xbf, 15, 0, 0, 0).toRaw()).isEqualTo(0x0f00L | 0xbf);
        assertThat(Instruction.of(0xbf, 0, 15, 0, 0).toRaw()).isEqualTo(0xf000L | 0xbf);
    }

    @Test
    void offsetAndImmediateAreSigned() {
        Instruction insn = Instruction.fromRaw(0xffff_ffff_ffff_0005L);
        assertThat(insn.opcode()).isEqualTo(5);
        assertThat(insn.offset()).isEqualTo(-1);
        assertThat(insn.imm()).isEqualTo(-1);
        assertThat(Instruction.fromRaw(0x8000_0000_8000_0000L))
                .extracting(Instruction::offset, Instruction::imm)
                .containsExactly((int) Short.MIN_VALUE, Integer.MIN_VALUE);
        assertThat(Instruction.fromRaw(0x7fff_ffff_7fff_0000L))
                .extracting(Instruction::offset, Instruction::imm)
                .containsExactly((int) Short.MAX_VALUE, Integer.MAX_VALUE);
        // Negative fields do not leak into their neighbours when encoded.
        assertThat(Instruction.of(0x61, 1, 2, -8, 0).toRaw()).isEqualTo(0x0000_0000_fff8_2161L);
        assertThat(Instruction.of(0xb7, 0, 0, 0, -2).toRaw()).isEqualTo(0xffff_fffe_0000_00b7L);
    }

    @Test
    void rawRoundTripOverRandomWords() {
        SplittableRandom random = new SplittableRandom(9669);
        for (int i = 0; i < 10_000; i++) {
            long raw = random.nextLong();
            Instruction insn = Instruction.fromRaw(raw);
            assertThat(insn.toRaw()).isEqualTo(raw);
            assertThat(Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), insn.imm())).isEqualTo(insn);
            ByteBuffer buffer = ByteBuffer.allocate(8);
            insn.writeTo(buffer);
            assertThat(ByteBuffer.wrap(buffer.array()).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(raw);
        }
    }

    @Test
    void instructionsDecodeAndEncodeBackToTheSameBytes() {
        byte[] bytes = {
            (byte) 0xb7, 0x00, 0x00, 0x00, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, // mov r0, -2
            0x18, 0x01, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11, // lddw r1, ...
            0x00, 0x00, 0x00, 0x00, (byte) 0x88, 0x77, 0x66, 0x55,
            0x61, 0x12, (byte) 0xfc, (byte) 0xff, 0x00, 0x00, 0x00, 0x00, // ldxw r2, [r1-4]
            (byte) 0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 // exit
        };
        Instructions program = Instructions.decode(bytes);
        assertThat(program).hasSize(5);
        assertThat(program.get(0).imm()).isEqualTo(-2);
        assertThat(program.isWide(1)).isTrue();
        assertThat(program.imm64(1)).isEqualTo(0x5566778811223344L);
        assertThat(program.get(3)).isEqualTo(Instruction.of(0x61, 2, 1, -4, 0));
        assertThat(program.toBytes()).isEqualTo(bytes);
    }

    @Test
    void lddwHelperSplitsLowHalfFirst() {
        Instruction[] pair = Instruction.lddw(3, 0, 0x8000_0001_ffff_fffeL);
        assertThat(pair[0]).isEqualTo(Instruction.of(0x18, 3, 0, 0, -2));
        assertThat(pair[1]).isEqualTo(Instruction.of(0, 0, 0, 0, 0x8000_0001));
    }

    @Test
    void instructionClassIsTheLowThreeBits() {
        assertThat(Instruction.of(0xbf, 0, 0, 0, 0).instructionClass()).isEqualTo(Opcodes.ALU64);
        assertThat(Instruction.of(0x95, 0, 0, 0, 0).instructionClass()).isEqualTo(Opcodes.JMP);
        assertThat(Instruction.of(0xdb, 0, 0, 0, 0).instructionClass()).isEqualTo(Opcodes.STX);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 256})
    void rejectsOpcodeOutOfRange(int opcode) {
        assertThatThrownBy(() -> Instruction.of(opcode, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opcode");
    }

    @Test
    void rejectsFieldsThatDoNotFit() {
        assertThatThrownBy(() -> Instruction.of(0, 16, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("register");
        assertThatThrownBy(() -> Instruction.of(0, 0, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("register");
        assertThatThrownBy(() -> Instruction.of(0, 0, 0, 32768, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset");
        assertThatThrownBy(() -> Instruction.of(0, 0, 0, -32769, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset");
    }
}
