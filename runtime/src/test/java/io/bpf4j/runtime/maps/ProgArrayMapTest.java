package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProgArrayMapTest {
    @Test
    void slotsHoldProgramReferences() {
        ProgArrayMap m = (ProgArrayMap) Maps.create(MapDefinition.of(MapType.PROG_ARRAY, 4, 4, 3).withName("jmp"));
        assertThat(m.storage().byteSize()).isZero();
        Object p = new Object();
        assertThat(m.program(1)).isNull();
        m.setProgram(1, p);
        assertThat(m.program(1)).isSameAs(p);
        assertThat(m.program(-1)).isNull();
        assertThat(m.program(3)).isNull();
        assertThat(m.size()).isEqualTo(1);
        assertThatThrownBy(() -> m.setProgram(3, p)).isInstanceOf(MapException.class)
                .hasMessageContaining("index 3 is not below max_entries 3")
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.E2BIG));
        assertThat(m.delete(u32(1))).isTrue();
        assertThat(m.delete(u32(1))).isFalse();
        assertThat(m.program(1)).isNull();
        assertThatThrownBy(() -> m.delete(u32(7))).satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.E2BIG));
        m.setProgram(0, p);
        assertThat(m.clearProgram(0)).isTrue();
        assertThat(m.keys()).extracting(Bytes::asInt).containsExactly(0, 1, 2);
        assertThatThrownBy(() -> m.lookup(u32(0))).hasMessageContaining("use program(int)")
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.ENOTSUPP));
        assertThatThrownBy(() -> m.update(u32(0), u32(0), 0)).hasMessageContaining("setProgram");
        assertThat(m.update(seg(u32(0)), 0, seg(u32(0)), 0, 0, 0)).isEqualTo(-Errno.ENOTSUPP);
    }
}
