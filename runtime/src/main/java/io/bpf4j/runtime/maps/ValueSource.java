package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;

/** Writes the value(s) of an update into a map slot; called with the slot's element locked. */
@FunctionalInterface
interface ValueSource {
    /**
     * @param fresh whether the slot was just taken for a new element (its old contents are stale)
     */
    void write(BpfMap map, int slot, boolean fresh);

    /** A program's update: its CPU slot gets the value; a new element's other slots are zeroed. */
    static ValueSource program(MemorySegment value, long offset, int cpu) {
        return (map, slot, fresh) -> {
            map.copyIn(slot, cpu, value, offset);
            if (fresh) {
                for (int c = 0; c < map.cpus; c++) {
                    if (c != cpu) {
                        map.zero(slot, c);
                    }
                }
            }
        };
    }

    /** One value for every CPU slot. */
    static ValueSource allCpus(MemorySegment value) {
        return (map, slot, fresh) -> {
            for (int c = 0; c < map.cpus; c++) {
                map.copyIn(slot, c, value, 0);
            }
        };
    }

    /** A value per CPU slot, each padded to the map's value stride. */
    static ValueSource perCpu(MemorySegment values) {
        return (map, slot, fresh) -> {
            for (int c = 0; c < map.cpus; c++) {
                map.copyIn(slot, c, values, (long) c * map.valueStride);
            }
        };
    }
}
