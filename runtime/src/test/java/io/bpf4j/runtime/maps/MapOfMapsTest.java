package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapOfMapsTest {
    private static final MapDefinition INNER = MapDefinition.of(MapType.ARRAY, 4, 8, 4);

    private static void fails(Runnable r, int errno, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOf(MapException.class).hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((MapException) e).errno()).as(e.getMessage()).isEqualTo(errno));
    }

    @Test
    void arrayOfMaps() {
        MapOfMaps outer = (MapOfMaps) Maps.create(MapDefinition.of(MapType.ARRAY_OF_MAPS, 4, 4, 2).withInnerMap(INNER).withName("outer"));
        BpfMap inner = Maps.create(INNER.withName("inner"));
        inner.updateLong(0, 5);
        assertThat(outer.lookupMap(u32(0))).isEmpty();
        outer.updateMap(u32(0), inner, BPF_ANY);
        assertThat(outer.lookupMap(u32(0))).containsSame(inner);
        assertThat(outer.lookupMap(seg(u32(0)), 0)).isSameAs(inner);
        assertThat(outer.lookupMap(seg(u32(1)), 0)).isNull();
        assertThat(outer.lookupMap(seg(u32(2)), 0)).isNull();
        assertThat(outer.lookupMap(u32(0)).orElseThrow().lookupLong(0)).isEqualTo(5);
        assertThat(outer.size()).isEqualTo(1);
        fails(() -> outer.updateMap(u32(1), inner, BPF_NOEXIST), Errno.EINVAL, "BPF_ANY only");
        fails(() -> outer.updateMap(u32(2), inner, BPF_ANY), Errno.E2BIG, "not below max_entries 2");
        fails(() -> outer.updateMap(u32(1), Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 5)), BPF_ANY), Errno.EINVAL,
                "does not match the template: ARRAY with key_size 4, value_size 8, max_entries 4");
        fails(() -> outer.updateMap(u32(1), Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 4)), BPF_ANY), Errno.EINVAL,
                "does not match");
        fails(() -> outer.updateMap(u32(1), Maps.create(INNER.withFlags(BPF_F_RDONLY_PROG)), BPF_ANY), Errno.EINVAL,
                "does not match");
        fails(() -> outer.lookup(u32(0)), Errno.ENOTSUPP, "use lookupMap");
        fails(() -> outer.update(u32(0), u32(0), 0), Errno.ENOTSUPP, "use updateMap");
        assertThat(outer.keys()).extracting(Bytes::asInt).containsExactly(0, 1);
        assertThat(outer.delete(u32(0))).isTrue();
        assertThat(outer.delete(u32(0))).isFalse();
        assertThat(outer.storage().byteSize()).isZero();
    }

    @Test
    void innerMapFlagLetsSizesDiffer() {
        MapDefinition template = INNER.withFlags(BPF_F_INNER_MAP);
        MapOfMaps outer = (MapOfMaps) Maps.create(MapDefinition.of(MapType.ARRAY_OF_MAPS, 4, 4, 2).withInnerMap(template));
        outer.updateMap(u32(0), Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 100).withFlags(BPF_F_INNER_MAP)), BPF_ANY);
        fails(() -> outer.updateMap(u32(1), Maps.create(MapDefinition.of(MapType.ARRAY, 4, 4, 100).withFlags(BPF_F_INNER_MAP)),
                BPF_ANY), Errno.EINVAL, "does not match");
    }

    @Test
    void hashOfMaps() {
        MapOfMaps outer = (MapOfMaps) Maps.create(MapDefinition.of(MapType.HASH_OF_MAPS, 8, 4, 2).withInnerMap(INNER));
        BpfMap a = Maps.create(INNER);
        BpfMap b = Maps.create(INNER);
        outer.updateMap(u64(10), a, BPF_NOEXIST);
        fails(() -> outer.updateMap(u64(10), b, BPF_NOEXIST), Errno.EEXIST, "exists");
        fails(() -> outer.updateMap(u64(11), b, BPF_EXIST), Errno.ENOENT, "no such element");
        outer.updateMap(u64(10), b, BPF_EXIST);
        assertThat(outer.lookupMap(u64(10))).containsSame(b);
        outer.updateMap(u64(11), a, BPF_ANY);
        fails(() -> outer.updateMap(u64(12), a, BPF_ANY), Errno.E2BIG, "full");
        assertThat(outer.lookupMap(seg(u64(11)), 0)).isSameAs(a);
        List<Long> keys = new ArrayList<>();
        outer.forEachMap((k, m) -> keys.add(asLong(k)));
        assertThat(keys).containsExactlyInAnyOrder(10L, 11L);
        assertThat(outer.keys()).extracting(Bytes::asLong).containsExactlyInAnyOrder(10L, 11L);
        assertThat(outer.delete(seg(u64(11)), 0)).isZero();
        assertThat(outer.delete(seg(u64(11)), 0)).isEqualTo(-Errno.ENOENT);
        assertThat(outer.lookupMap(seg(u64(11)), 0)).isNull();
        outer.updateMap(u64(12), a, BPF_ANY);
        assertThat(outer.size()).isEqualTo(2);
        assertThat(outer.nextKey(null)).isPresent();
    }
}
