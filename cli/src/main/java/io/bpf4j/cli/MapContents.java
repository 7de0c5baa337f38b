package io.bpf4j.cli;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapOfMaps;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.ProgArrayMap;
import io.bpf4j.runtime.maps.QueueStackMap;
import io.bpf4j.runtime.maps.RingBufMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A map's contents at the end of a run, as {@code bpf4j run} prints them. Keys and values are the
 * bytes in memory order (what a program reads). Arrays list their indexes in order; hash maps and
 * tries sort their keys bytewise, so that two runs print the same text whatever the iteration order.
 * Ring buffers, queues and stacks have no keys: they list their pending records in the order a
 * consumer receives them (reading them consumes them: the run is over).
 */
final class MapContents {
    private MapContents() {}

    sealed interface Entry {}

    /** An element of an ordinary map. */
    record KeyValue(byte[] key, byte[] value) implements Entry {}

    /** An element of a per-CPU map: one value per CPU slot. */
    record PerCpu(byte[] key, List<byte[]> values) implements Entry {}

    /** A program array slot and the program in it. */
    record ProgramSlot(byte[] key, String program) implements Entry {}

    /** An array-of-maps or hash-of-maps slot and the map in it. */
    record MapSlot(byte[] key, String map) implements Entry {}

    /** A record of a ring buffer, queue or stack. */
    record Pending(byte[] value) implements Entry {}

    static List<Entry> of(BpfMap map) {
        return switch (map) {
            case RingBufMap ring -> {
                List<Entry> records = new ArrayList<>();
                ring.drain(data -> records.add(new Pending(data)));
                yield records;
            }
            case QueueStackMap queue -> {
                List<Entry> records = new ArrayList<>();
                for (Optional<byte[]> next = queue.pop(); next.isPresent(); next = queue.pop()) {
                    records.add(new Pending(next.get()));
                }
                yield records;
            }
            case ProgArrayMap programs -> {
                List<Entry> slots = new ArrayList<>();
                for (int i = 0; i < programs.maxEntries(); i++) {
                    Object target = programs.program(i);
                    if (target != null) {
                        String name = target instanceof Executable e ? e.program().name() : target.toString();
                        slots.add(new ProgramSlot(index(i), name));
                    }
                }
                yield slots;
            }
            case MapOfMaps outer -> {
                List<Entry> slots = new ArrayList<>();
                outer.forEachMap((key, inner) -> slots.add(new MapSlot(key, inner.name())));
                slots.sort(Comparator.comparing(e -> ((MapSlot) e).key(), Arrays::compareUnsigned));
                yield slots;
            }
            default -> elements(map);
        };
    }

    private static List<Entry> elements(BpfMap map) {
        List<byte[]> keys = new ArrayList<>(map.keys());
        boolean array = map.type() == MapType.ARRAY || map.type() == MapType.PERCPU_ARRAY;
        if (!array) {
            keys.sort(Arrays::compareUnsigned);
        }
        List<Entry> entries = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            if (map.type().isPerCpu()) {
                List<byte[]> values = map.lookupPerCpu(key);
                if (!values.isEmpty()) {
                    entries.add(new PerCpu(key, values));
                }
            } else {
                map.lookup(key).ifPresent(value -> entries.add(new KeyValue(key, value)));
            }
        }
        return entries;
    }

    private static byte[] index(int i) {
        return new byte[] {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24)};
    }
}
