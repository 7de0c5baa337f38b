package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The shared arithmetic the interpreter and the compiler both use, called directly. */
class SemanticsTest {

    @Test
    void zeroExtension() {
        assertThat(Semantics.zext32(-1)).isEqualTo(0xffff_ffffL);
        assertThat(Semantics.zext32(0x1234_5678_9abc_def0L)).isEqualTo(0x9abc_def0L);
        assertThat(Semantics.zext32(0x7fff_ffffL)).isEqualTo(0x7fff_ffffL);
    }

    @Test
    void division64() {
        assertThat(Semantics.udiv64(-1, 2)).isEqualTo(Long.MAX_VALUE);
        assertThat(Semantics.udiv64(-1, -1)).isEqualTo(1);
        assertThat(Semantics.udiv64(5, 0)).isZero();
        assertThat(Semantics.umod64(-1, 10)).isEqualTo(5);
        assertThat(Semantics.umod64(-7, 0)).isEqualTo(-7);
        assertThat(Semantics.sdiv64(-7, 2)).isEqualTo(-3);
        assertThat(Semantics.sdiv64(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
        assertThat(Semantics.sdiv64(9, 0)).isZero();
        assertThat(Semantics.smod64(-7, 2)).isEqualTo(-1);
        assertThat(Semantics.smod64(7, -2)).isEqualTo(1);
        assertThat(Semantics.smod64(Long.MIN_VALUE, -1)).isZero();
        assertThat(Semantics.smod64(-7, 0)).isEqualTo(-7);
    }

    @Test
    void division32() {
        assertThat(Semantics.udiv32(0xffff_ffff_0000_0064L, 7)).isEqualTo(14);
        assertThat(Semantics.udiv32(0xffff_ffffL, -1)).isEqualTo(1);
        assertThat(Semantics.udiv32(5, 0x1_0000_0000L)).isZero();
        assertThat(Semantics.umod32(0xdead_beef_1234_5678L, 0)).isEqualTo(0x1234_5678L);
        assertThat(Semantics.umod32(0xffff_ffffL, 10)).isEqualTo(5);
        assertThat(Semantics.sdiv32(0x8000_0000L, -1)).isEqualTo(0x8000_0000L);
        assertThat(Semantics.sdiv32(-7, 2)).isEqualTo(0xffff_fffdL);
        assertThat(Semantics.sdiv32(-7, 0)).isZero();
        assertThat(Semantics.smod32(0x8000_0000L, -1)).isZero();
        assertThat(Semantics.smod32(-7, 2)).isEqualTo(0xffff_ffffL);
        assertThat(Semantics.smod32(0xdead_beef_ffff_fff9L, 0)).isEqualTo(0xffff_fff9L);
    }

    @Test
    void shifts32() {
        assertThat(Semantics.lsh32(0xdead_0000_0000_0001L, 31)).isEqualTo(0x8000_0000L);
        assertThat(Semantics.lsh32(1, 32)).isEqualTo(1);
        assertThat(Semantics.lsh32(1, 33)).isEqualTo(2);
        assertThat(Semantics.rsh32(0x1_0000_0000L, 1)).isZero();
        assertThat(Semantics.rsh32(0x8000_0000L, 63)).isEqualTo(1); // 63 & 31 = 31
        assertThat(Semantics.arsh32(0x8000_0000L, 31)).isEqualTo(0xffff_ffffL);
        assertThat(Semantics.arsh32(0x7fff_ffff_0000_0010L, 4)).isEqualTo(1);
    }

    @Test
    void byteOrder() {
        long v = 0x0123_4567_89ab_cdefL;
        assertThat(Semantics.toLittleEndian(v, 16)).isEqualTo(0xcdefL);
        assertThat(Semantics.toLittleEndian(v, 32)).isEqualTo(0x89ab_cdefL);
        assertThat(Semantics.toLittleEndian(v, 64)).isEqualTo(v);
        assertThat(Semantics.byteSwap(v, 16)).isEqualTo(0xefcdL);
        assertThat(Semantics.byteSwap(v, 32)).isEqualTo(0xefcd_ab89L);
        assertThat(Semantics.byteSwap(v, 64)).isEqualTo(0xefcd_ab89_6745_2301L);
        assertThatThrownBy(() -> Semantics.byteSwap(v, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Semantics.toLittleEndian(v, 48)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signExtension() {
        assertThat(Semantics.signExtend(0x80, 8)).isEqualTo(-128);
        assertThat(Semantics.signExtend(0x1234_5678_9abc_de7fL, 8)).isEqualTo(0x7f);
        assertThat(Semantics.signExtend(0x8000, 16)).isEqualTo(-32768);
        assertThat(Semantics.signExtend(0x8000_0000L, 32)).isEqualTo(Integer.MIN_VALUE);
        assertThat(Semantics.signExtend32(0x80, 8)).isEqualTo(0xffff_ff80L);
        assertThat(Semantics.signExtend32(0x8000, 16)).isEqualTo(0xffff_8000L);
        assertThatThrownBy(() -> Semantics.signExtend(1, 64)).isInstanceOf(IllegalArgumentException.class);
    }
}
