package io.bpf4j.runtime.maps;

/** The Linux flag values of map creation ({@code map_flags}) and of element updates. */
public final class MapFlags {
    private MapFlags() {}

    // Update flags (bpf_map_update_elem, bpf_map_push_elem).
    /** Create the element or update it. */
    public static final long BPF_ANY = 0;
    /** Create the element only if it does not exist ({@link Errno#EEXIST} otherwise). */
    public static final long BPF_NOEXIST = 1;
    /** Update the element only if it exists ({@link Errno#ENOENT} otherwise); for a full queue or stack, drop the oldest element. */
    public static final long BPF_EXIST = 2;
    /**
     * Update under the value's bpf_spin_lock. Values hold no spin lock in bpf4j, so, as Linux does
     * for such values, updates with this flag fail with EINVAL.
     */
    public static final long BPF_F_LOCK = 4;

    // Creation flags (map_flags).
    public static final int BPF_F_NO_PREALLOC = 1;
    public static final int BPF_F_NO_COMMON_LRU = 1 << 1;
    public static final int BPF_F_NUMA_NODE = 1 << 2;
    /** The host may not update or delete. */
    public static final int BPF_F_RDONLY = 1 << 3;
    /** The host may not look up. */
    public static final int BPF_F_WRONLY = 1 << 4;
    public static final int BPF_F_STACK_BUILD_ID = 1 << 5;
    public static final int BPF_F_ZERO_SEED = 1 << 6;
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    public static final int BPF_F_WRONLY_PROG = 1 << 8;
    public static final int BPF_F_CLONE = 1 << 9;
    public static final int BPF_F_MMAPABLE = 1 << 10;
    public static final int BPF_F_PRESERVE_ELEMS = 1 << 11;
    /** On an inner array map template: inner maps may differ in max_entries. */
    public static final int BPF_F_INNER_MAP = 1 << 12;

    /** The access flags every map type accepts. */
    public static final int BPF_F_ACCESS_MASK = BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;
}
