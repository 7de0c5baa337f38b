package io.bpf4j.runtime.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.BpfRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapMemoryBudgetTest {
    /** An array map of 100 values of 4,096 bytes: exactly 409,600 bytes of storage, no index. */
    private static final MapDefinition FOUR_HUNDRED_KB = MapDefinition.of(MapType.ARRAY, 4, 4096, 100);

    @Test
    void mapsTogetherStayUnderTheRuntimeLimit() {
        BpfRuntime runtime = BpfRuntime.builder().maxMapMemory(1_000_000).build();
        long each = runtime.maps().requiredBytes(FOUR_HUNDRED_KB);
        assertThat(each).isEqualTo(409_600);

        BpfMap first = runtime.maps().create(FOUR_HUNDRED_KB);
        BpfMap second = runtime.maps().create(FOUR_HUNDRED_KB);
        assertThat(runtime.maps().memoryBudget().used()).isEqualTo(2 * each);
        assertThatThrownBy(() -> runtime.maps().create(FOUR_HUNDRED_KB))
                .isInstanceOf(MapDefinitionException.class)
                .hasMessageContaining("already hold 819200 of their 1000000-byte limit")
                .hasMessageContaining("maxMapMemory");
        // the refusal took nothing: a map that fits in what is left is still made
        BpfMap small = runtime.maps().create(MapDefinition.of(MapType.ARRAY, 4, 8, 100));
        assertThat(runtime.maps().memoryBudget().used()).isEqualTo(2 * each + 800);
        assertThat(List.of(first, second, small)).hasSize(3);
    }

    @Test
    void eachRuntimeHasItsOwnBudget() {
        BpfRuntime a = BpfRuntime.builder().maxMapMemory(500_000).build();
        BpfRuntime b = BpfRuntime.builder().maxMapMemory(500_000).build();
        BpfMap inA = a.maps().create(FOUR_HUNDRED_KB);
        BpfMap inB = b.maps().create(FOUR_HUNDRED_KB);
        assertThat(a.maps().memoryBudget().used()).isEqualTo(409_600);
        assertThat(b.maps().memoryBudget().used()).isEqualTo(409_600);
        assertThat(inA).isNotSameAs(inB);
    }

    @Test
    void perMapCapOfTheRuntime() {
        BpfRuntime runtime = BpfRuntime.builder().maxMapBytes(100_000).build();
        assertThatThrownBy(() -> runtime.maps().create(FOUR_HUNDRED_KB))
                .isInstanceOf(MapDefinitionException.class)
                .hasMessageContaining("over the limit of 100000 bytes per map");
        assertThat(runtime.maps().memoryBudget().used()).isZero();
    }

    @Test
    void collectedMapsGiveTheirMemoryBack() throws InterruptedException {
        BpfRuntime runtime = BpfRuntime.builder().maxMapMemory(1_000_000).build();
        // Many more maps than the budget holds at once: only possible if dropped maps are given back.
        List<BpfMap> keep = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            BpfMap map = createWaitingForCollection(runtime);
            map.update(new byte[4], new byte[4096], 0);
            if (i == 49) {
                keep.add(map);
            }
        }
        keep.clear();
        for (int attempt = 0; attempt < 200 && runtime.maps().memoryBudget().used() > 0; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(runtime.maps().memoryBudget().used()).isZero();
    }

    /** Creates a map, collecting garbage while the budget is full of maps nobody holds any more. */
    private static BpfMap createWaitingForCollection(BpfRuntime runtime) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return runtime.maps().create(FOUR_HUNDRED_KB);
            } catch (MapDefinitionException full) {
                if (attempt == 200) {
                    throw full;
                }
                System.gc();
                Thread.sleep(10);
            }
        }
    }

    @Test
    void invalidLimitsAreRefused() {
        assertThatThrownBy(() -> BpfRuntime.builder().maxMapMemory(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BpfRuntime.builder().maxMapBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new io.bpf4j.runtime.ByteAllowance(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
