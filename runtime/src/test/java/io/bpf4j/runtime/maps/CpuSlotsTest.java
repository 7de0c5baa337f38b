package io.bpf4j.runtime.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class CpuSlotsTest {
    @Test
    void eachThreadHasAStableSlot() throws Exception {
        CpuSlots slots = CpuSlots.of(3);
        int mine = slots.current();
        assertThat(mine).isBetween(0, 2);
        for (int i = 0; i < 100; i++) {
            assertThat(slots.current()).isEqualTo(mine);
        }
        assertThat(CpuSlots.of(1000).current() % 3).isEqualTo(CpuSlots.threadIndex() % 1000 % 3);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        Thread[] threads = new Thread[6];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                int s = slots.current();
                for (int i = 0; i < 1000; i++) {
                    assertThat(slots.current()).isEqualTo(s);
                }
                seen.add(s);
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(seen).isNotEmpty().allMatch(s -> s >= 0 && s < 3);
    }

    @Test
    void pinning() throws Exception {
        CpuSlots slots = CpuSlots.of(4);
        int[] got = new int[4];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < 4; t++) {
            int index = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                CpuSlots.pinCurrentThread(index + 8);
                got[index] = slots.current();
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(got).containsExactly(0, 1, 2, 3);
        assertThatThrownBy(() -> CpuSlots.of(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CpuSlots.pinCurrentThread(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CpuSlots.availableProcessors().count()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(MapFactory.defaults().cpuSlots().count()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
