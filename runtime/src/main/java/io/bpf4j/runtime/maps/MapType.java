package io.bpf4j.runtime.maps;

/**
 * Map types under their Linux {@code enum bpf_map_type} ids. Every Linux type is named so that an
 * object file's definition can be read and reported; {@link #isImplemented()} tells which ones
 * bpf4j can create.
 */
public enum MapType {
    HASH(1, true),
    ARRAY(2, true),
    PROG_ARRAY(3, true),
    PERF_EVENT_ARRAY(4, false),
    PERCPU_HASH(5, true),
    PERCPU_ARRAY(6, true),
    STACK_TRACE(7, false),
    CGROUP_ARRAY(8, false),
    LRU_HASH(9, true),
    LRU_PERCPU_HASH(10, true),
    LPM_TRIE(11, true),
    ARRAY_OF_MAPS(12, true),
    HASH_OF_MAPS(13, true),
    DEVMAP(14, false),
    SOCKMAP(15, false),
    CPUMAP(16, false),
    XSKMAP(17, false),
    SOCKHASH(18, false),
    CGROUP_STORAGE(19, false),
    REUSEPORT_SOCKARRAY(20, false),
    PERCPU_CGROUP_STORAGE(21, false),
    QUEUE(22, true),
    STACK(23, true),
    SK_STORAGE(24, false),
    DEVMAP_HASH(25, false),
    STRUCT_OPS(26, false),
    RINGBUF(27, true),
    INODE_STORAGE(28, false),
    TASK_STORAGE(29, false),
    BLOOM_FILTER(30, false),
    USER_RINGBUF(31, false),
    CGRP_STORAGE(32, false),
    ARENA(33, false);

    private static final MapType[] BY_ID = new MapType[34];

    static {
        for (MapType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final boolean implemented;

    MapType(int id, boolean implemented) {
        this.id = id;
        this.implemented = implemented;
    }

    /** The Linux {@code bpf_map_type} value. */
    public int id() {
        return id;
    }

    /** Whether bpf4j can create maps of this type. */
    public boolean isImplemented() {
        return implemented;
    }

    /** Whether each value exists once per CPU slot. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH;
    }

    /** Whether values are references to other maps. */
    public boolean isMapInMap() {
        return this == ARRAY_OF_MAPS || this == HASH_OF_MAPS;
    }

    /** Whether the map evicts least recently used elements when full. */
    public boolean isLru() {
        return this == LRU_HASH || this == LRU_PERCPU_HASH;
    }

    /**
     * The type with a Linux id.
     *
     * @throws MapDefinitionException ({@link Errno#EINVAL}) for an id Linux does not define
     */
    public static MapType fromId(int id) {
        if (id > 0 && id < BY_ID.length && BY_ID[id] != null) {
            return BY_ID[id];
        }
        throw new MapDefinitionException(Errno.EINVAL, "unknown map type id " + id
                + (id == 0 ? " (BPF_MAP_TYPE_UNSPEC)" : "") + "; Linux defines ids 1 to " + (BY_ID.length - 1));
    }
}
