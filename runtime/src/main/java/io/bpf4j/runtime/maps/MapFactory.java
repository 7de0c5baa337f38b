package io.bpf4j.runtime.maps;

import io.bpf4j.runtime.ByteAllowance;
import java.util.Objects;

/**
 * Creates maps from definitions, with a CPU slot count for per-CPU maps and a cap on the memory
 * one map may take. A definition is validated ({@link MapDefinition#validate()}) and its memory
 * computed before anything is allocated, so an absurd definition is an error, never an
 * {@link OutOfMemoryError}.
 */
public final class MapFactory {
    /** Default cap on one map's memory: 1 GiB. */
    public static final long DEFAULT_MAX_MAP_BYTES = 1L << 30;

    private static final MapFactory DEFAULTS = new MapFactory(CpuSlots.availableProcessors(), DEFAULT_MAX_MAP_BYTES);

    private final CpuSlots cpuSlots;
    private final long maxMapBytes;
    /** Shared by every map this factory (and its copies) creates; unlimited unless set. */
    private final ByteAllowance budget;

    /**
     * @param cpuSlots the CPU slots of per-CPU maps
     * @param maxMapBytes the most memory one map may take (values, keys and index)
     */
    public MapFactory(CpuSlots cpuSlots, long maxMapBytes) {
        this(cpuSlots, maxMapBytes, ByteAllowance.unlimited());
    }

    /**
     * @param cpuSlots the CPU slots of per-CPU maps
     * @param maxMapBytes the most memory one map may take (values, keys and index)
     * @param budget the memory all maps of this factory may take together
     */
    public MapFactory(CpuSlots cpuSlots, long maxMapBytes, ByteAllowance budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.cpuSlots = Objects.requireNonNull(cpuSlots, "cpuSlots");
        if (maxMapBytes <= 0) {
            throw new IllegalArgumentException("maxMapBytes " + maxMapBytes + " is not positive");
        }
        this.maxMapBytes = maxMapBytes;
    }

    /** A factory with {@link CpuSlots#availableProcessors()} and a 1 GiB cap per map. */
    public static MapFactory defaults() {
        return DEFAULTS;
    }

    public MapFactory withCpuSlots(CpuSlots slots) {
        return new MapFactory(slots, maxMapBytes, budget);
    }

    public MapFactory withMaxMapBytes(long bytes) {
        return new MapFactory(cpuSlots, bytes, budget);
    }

    /** A factory whose maps count against {@code newBudget} (shared with whoever else holds it). */
    public MapFactory withMemoryBudget(ByteAllowance newBudget) {
        return new MapFactory(cpuSlots, maxMapBytes, newBudget);
    }

    public ByteAllowance memoryBudget() {
        return budget;
    }

    public CpuSlots cpuSlots() {
        return cpuSlots;
    }

    public long maxMapBytes() {
        return maxMapBytes;
    }

    /**
     * The memory a map of this definition takes (an estimate of the Java heap it uses: value
     * storage exactly, keys and index closely), saturating at Long.MAX_VALUE.
     *
     * @throws MapDefinitionException if the definition is invalid
     */
    public long requiredBytes(MapDefinition definition) {
        definition.validate();
        long values = BpfMap.storageBytes(definition, cpuSlots);
        int max = definition.maxEntries();
        long overhead = switch (definition.type()) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH ->
                    KeyTable.overheadBytes(max, definition.keySize(), definition.type().isLru());
            case HASH_OF_MAPS -> KeyTable.overheadBytes(max, definition.keySize(), false) + BpfMap.multiply(max, 8);
            case LPM_TRIE -> LpmTrieMap.overheadBytes(definition);
            case PROG_ARRAY, ARRAY_OF_MAPS -> BpfMap.multiply(max, 8);
            default -> 0;
        };
        return values > Long.MAX_VALUE - overhead ? Long.MAX_VALUE : values + overhead;
    }

    /**
     * Creates a map.
     *
     * @throws MapDefinitionException if the definition is invalid ({@link Errno#EINVAL}), over a
     *     limit, over this factory's cap or its memory budget ({@link Errno#E2BIG}), or of a type bpf4j does not
     *     implement ({@link Errno#ENOTSUPP})
     * @throws MapException ({@link Errno#ENOMEM}) if the Java heap cannot hold it
     */
    public BpfMap create(MapDefinition definition) {
        long bytes = requiredBytes(definition);
        if (bytes > maxMapBytes) {
            throw new MapDefinitionException(Errno.E2BIG, definition.label() + ": max_entries " + definition.maxEntries()
                    + " with key_size " + definition.keySize() + " and value_size " + definition.valueSize()
                    + (definition.type().isPerCpu() ? " on " + cpuSlots.count() + " CPU slots" : "") + " needs "
                    + (bytes == Long.MAX_VALUE ? "over 2^63" : String.valueOf(bytes)) + " bytes, over the limit of "
                    + maxMapBytes + " bytes per map (MapFactory.withMaxMapBytes)");
        }
        long storage = BpfMap.storageBytes(definition, cpuSlots);
        long keys = switch (definition.type()) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, HASH_OF_MAPS ->
                    KeyTable.keyBytes(definition.maxEntries(), definition.keySize());
            default -> 0;
        };
        if (storage > BpfMap.MAX_STORAGE_BYTES || keys > BpfMap.MAX_STORAGE_BYTES) {
            throw new MapDefinitionException(Errno.E2BIG, definition.label() + ": needs " + Math.max(storage, keys)
                    + " bytes of " + (storage >= keys ? "value" : "key") + " storage; one map's may not exceed "
                    + BpfMap.MAX_STORAGE_BYTES + " bytes (a program memory region is at most 2 GiB)");
        }
        if (!budget.tryReserve(bytes)) {
            throw new MapDefinitionException(Errno.E2BIG, definition.label() + ": needs " + bytes + " bytes, but this "
                    + "runtime's maps already hold " + budget.used() + " of their " + budget.limit()
                    + "-byte limit (BpfRuntime.Builder.maxMapMemory)");
        }
        BpfMap map;
        try {
            map = switch (definition.type()) {
                case ARRAY, PERCPU_ARRAY -> new ArrayMap(definition, cpuSlots);
                case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH -> new HashTableMap(definition, cpuSlots);
                case LPM_TRIE -> new LpmTrieMap(definition, cpuSlots);
                case QUEUE, STACK -> new QueueStackMap(definition, cpuSlots);
                case RINGBUF -> new RingBufMap(definition, cpuSlots);
                case PROG_ARRAY -> new ProgArrayMap(definition, cpuSlots);
                case ARRAY_OF_MAPS, HASH_OF_MAPS -> new MapOfMaps(definition, cpuSlots);
                default -> throw new MapDefinitionException(Errno.ENOTSUPP, definition.label() + ": not supported by bpf4j");
            };
        } catch (OutOfMemoryError e) {
            budget.release(bytes);
            throw new MapException(Errno.ENOMEM, definition.label() + ": not enough Java heap for the " + bytes
                    + " bytes the map needs");
        } catch (RuntimeException e) {
            budget.release(bytes);
            throw e;
        }
        budget.releaseWhenCollected(map, bytes);
        return map;
    }
}
