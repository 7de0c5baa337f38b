package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fault in a map's storage names the map, though a run names its map regions only when a
 * message needs it (one namer for all of them, no name made per region).
 */
class MapRegionNameTest {
    private static Instruction[] mapValue(int dst, int mapIndex, int offset) {
        return new Instruction[] {
            new Instruction(LDDW, dst, PSEUDO_MAP_VALUE, 0, mapIndex), new Instruction(0, 0, 0, 0, offset)
        };
    }

    /** Reads 8 bytes past the start of map {@code index}'s value, beyond its 8-byte storage, after touching both maps. */
    private static Program overread(List<BpfMap> maps, int index) {
        return Program.of("overread", code(
                mapValue(R1, 0, 0), ldx(DW, R0, R1, 0),
                mapValue(R1, 1, 0), ldx(DW, R0, R1, 0),
                mapValue(R1, index, 0), ldx(DW, R0, R1, 8),
                exit()), maps);
    }

    @Test
    void anOverreadOfAMapValueNamesThatMap() {
        BpfMap first = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 1).withName("first"));
        BpfMap second = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 1).withName("second"));
        List<BpfMap> maps = List.of(first, second);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> RUNTIME.load(overread(maps, 1)).run(new byte[0]))
                    .isInstanceOf(MemoryAccessFault.class).hasMessageContaining("region 'map 'second''");
            assertThatThrownBy(() -> RUNTIME.load(overread(maps, 0)).run(new byte[0]))
                    .isInstanceOf(MemoryAccessFault.class).hasMessageContaining("region 'map 'first''");
        }
    }
}
