package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.MapFlags.*;

import java.util.Objects;

/**
 * What a map is, as an object file or a user defines it: Linux's {@code bpf_attr} of
 * {@code BPF_MAP_CREATE}. {@link #validate()} applies the checks Linux applies to the type, so a
 * definition Linux rejects is rejected here, with a message naming the field.
 *
 * @param type the map type
 * @param keySize key size in bytes
 * @param valueSize value size in bytes (for a ring buffer: 0)
 * @param maxEntries Linux's {@code max_entries}, an unsigned 32-bit number; values of 2^31 and
 *     more (negative here) are rejected as too big. For a ring buffer, its data size in bytes
 * @param flags Linux's {@code map_flags} ({@link MapFlags})
 * @param name the map's name, for messages ("" if none)
 * @param innerMap for {@link MapType#ARRAY_OF_MAPS} and {@link MapType#HASH_OF_MAPS}: the
 *     definition every inner map must match; null for other types
 */
public record MapDefinition(MapType type, int keySize, int valueSize, int maxEntries, int flags, String name,
        MapDefinition innerMap) {

    /** Largest key of a hash map: Linux's MAX_BPF_STACK, since programs build keys on their stack. */
    public static final int MAX_KEY_SIZE = 512;
    /** Largest value (hash maps: key plus value): Linux's KMALLOC_MAX_SIZE on x86-64, 4 MiB. */
    public static final int MAX_VALUE_SIZE = 1 << 22;
    /** Largest value of a per-CPU map: Linux's PCPU_MIN_UNIT_SIZE, 32 KiB. */
    public static final int MAX_PERCPU_VALUE_SIZE = 32 << 10;
    /** Largest address part of an LPM trie key, in bytes (Linux's LPM_DATA_SIZE_MAX). */
    public static final int LPM_MAX_DATA_SIZE = 256;
    /** The page size ring buffer sizes are multiples of. */
    public static final int PAGE_SIZE = 4096;

    public MapDefinition {
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
    }

    /** A definition with no flags, no name and no inner map. */
    public static MapDefinition of(MapType type, int keySize, int valueSize, int maxEntries) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, 0, "", null);
    }

    public MapDefinition withFlags(int newFlags) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, newFlags, name, innerMap);
    }

    public MapDefinition withName(String newName) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, flags, newName, innerMap);
    }

    public MapDefinition withInnerMap(MapDefinition inner) {
        return new MapDefinition(type, keySize, valueSize, maxEntries, flags, name, inner);
    }

    /** "map 'name' (TYPE)", for messages. */
    String label() {
        return (name.isEmpty() ? "map" : "map '" + name + "'") + " (" + type + ")";
    }

    /**
     * Checks the definition as Linux checks it for its type.
     *
     * @throws MapDefinitionException naming the offending field: {@link Errno#EINVAL} for a value
     *     the type does not allow, {@link Errno#E2BIG} for a size over a limit,
     *     {@link Errno#ENOTSUPP} for a type or combination bpf4j (or Linux) does not support
     */
    public void validate() {
        if (!type.isImplemented()) {
            throw fail(Errno.ENOTSUPP, "map type " + type + " (" + type.id() + ") is not supported by bpf4j");
        }
        if ((flags & BPF_F_RDONLY) != 0 && (flags & BPF_F_WRONLY) != 0) {
            throw fail(Errno.EINVAL, "BPF_F_RDONLY and BPF_F_WRONLY exclude each other");
        }
        if ((flags & BPF_F_RDONLY_PROG) != 0 && (flags & BPF_F_WRONLY_PROG) != 0) {
            throw fail(Errno.EINVAL, "BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other");
        }
        if (innerMap != null && !type.isMapInMap()) {
            throw fail(Errno.EINVAL, "only ARRAY_OF_MAPS and HASH_OF_MAPS have an inner map definition");
        }
        if (maxEntries == 0) {
            throw fail(Errno.EINVAL, "max_entries is 0");
        }
        if (maxEntries < 0) {
            throw fail(Errno.E2BIG, "max_entries " + Integer.toUnsignedString(maxEntries) + " is 2^31 or more");
        }
        switch (type) {
            case ARRAY, PERCPU_ARRAY -> validateArray(BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_ACCESS_MASK | BPF_F_INNER_MAP);
            case PROG_ARRAY -> {
                checkFlags(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY);
                checkKey(4);
                if (valueSize != 4) {
                    throw fail(Errno.EINVAL, "value_size is " + valueSize + ", a program array's must be 4");
                }
            }
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH -> validateHash();
            case LPM_TRIE -> validateLpmTrie();
            case QUEUE, STACK -> {
                checkFlags(BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK);
                if (keySize != 0) {
                    throw fail(Errno.EINVAL, "key_size is " + keySize + ", a " + type + " map's must be 0");
                }
                checkValue(MAX_VALUE_SIZE);
            }
            case RINGBUF -> {
                checkFlags(BPF_F_NUMA_NODE);
                if (keySize != 0 || valueSize != 0) {
                    throw fail(Errno.EINVAL, "key_size and value_size of a ring buffer must be 0 (they are "
                            + keySize + " and " + valueSize + ")");
                }
                if (Integer.bitCount(maxEntries) != 1 || maxEntries % PAGE_SIZE != 0) {
                    throw fail(Errno.EINVAL, "max_entries " + maxEntries + " of a ring buffer must be a power of 2 and a multiple of "
                            + PAGE_SIZE);
                }
            }
            case ARRAY_OF_MAPS, HASH_OF_MAPS -> validateMapInMap();
            default -> throw fail(Errno.ENOTSUPP, "map type " + type + " is not supported by bpf4j");
        }
    }

    private void validateArray(int allowedFlags) {
        checkFlags(allowedFlags);
        if (type.isPerCpu() && (flags & BPF_F_MMAPABLE) != 0) {
            throw fail(Errno.EINVAL, "a per-CPU array cannot be BPF_F_MMAPABLE");
        }
        checkKey(4);
        checkValue(MAX_VALUE_SIZE);
    }

    private void validateHash() {
        checkFlags(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | BPF_F_ZERO_SEED);
        if (!type.isLru() && (flags & BPF_F_NO_COMMON_LRU) != 0) {
            throw fail(Errno.EINVAL, "BPF_F_NO_COMMON_LRU is only for LRU hash maps");
        }
        if (type.isLru() && (flags & BPF_F_NO_PREALLOC) != 0) {
            throw fail(Errno.ENOTSUPP, "LRU hash maps are always preallocated; BPF_F_NO_PREALLOC is not supported");
        }
        if (keySize == 0) {
            throw fail(Errno.EINVAL, "key_size is 0");
        }
        if (keySize < 0 || keySize > MAX_KEY_SIZE) {
            throw fail(Errno.E2BIG, "key_size " + Integer.toUnsignedString(keySize) + " is over the limit of " + MAX_KEY_SIZE);
        }
        checkValue(MAX_VALUE_SIZE - keySize);
    }

    private void validateLpmTrie() {
        if ((flags & BPF_F_NO_PREALLOC) == 0) {
            throw fail(Errno.EINVAL, "an LPM trie needs BPF_F_NO_PREALLOC in map_flags (as Linux requires)");
        }
        checkFlags(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK);
        if (keySize < 5 || keySize > 4 + LPM_MAX_DATA_SIZE) {
            throw fail(Errno.EINVAL, "key_size " + Integer.toUnsignedString(keySize) + " of an LPM trie must be 4 (prefixlen) plus 1 to "
                    + LPM_MAX_DATA_SIZE + " data bytes");
        }
        if (valueSize <= 0 || valueSize > MAX_VALUE_SIZE - LPM_MAX_DATA_SIZE) {
            throw fail(Errno.EINVAL, "value_size " + Integer.toUnsignedString(valueSize) + " of an LPM trie must be 1 to "
                    + (MAX_VALUE_SIZE - LPM_MAX_DATA_SIZE));
        }
    }

    private void validateMapInMap() {
        if (type == MapType.ARRAY_OF_MAPS) {
            checkFlags(BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK);
            checkKey(4);
        } else {
            checkFlags(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | BPF_F_ZERO_SEED);
            if (keySize == 0) {
                throw fail(Errno.EINVAL, "key_size is 0");
            }
            if (keySize < 0 || keySize > MAX_KEY_SIZE) {
                throw fail(Errno.E2BIG, "key_size " + Integer.toUnsignedString(keySize) + " is over the limit of " + MAX_KEY_SIZE);
            }
        }
        if (valueSize != 4) {
            throw fail(Errno.EINVAL, "value_size is " + valueSize + ", a map-in-map's must be 4 (a map reference)");
        }
        if (innerMap == null) {
            throw fail(Errno.EINVAL, "a " + type + " map needs an inner map definition");
        }
        if (innerMap.type.isMapInMap()) {
            throw fail(Errno.EINVAL, "inner map type " + innerMap.type + ": maps of maps do not nest");
        }
        if (innerMap.type == MapType.PROG_ARRAY) {
            throw fail(Errno.ENOTSUPP, "a program array cannot be an inner map");
        }
        try {
            innerMap.validate();
        } catch (MapDefinitionException e) {
            throw fail(e.errno(), "inner map definition: " + e.getMessage());
        }
    }

    private void checkFlags(int allowed) {
        int unknown = flags & ~allowed;
        if (unknown != 0) {
            throw fail(Errno.EINVAL, "map_flags 0x" + Integer.toHexString(unknown) + " are not valid for a " + type + " map");
        }
    }

    private void checkKey(int required) {
        if (keySize != required) {
            throw fail(Errno.EINVAL, "key_size is " + Integer.toUnsignedString(keySize) + ", a " + type + " map's must be " + required);
        }
    }

    private void checkValue(int max) {
        if (valueSize == 0) {
            throw fail(Errno.EINVAL, "value_size is 0");
        }
        if (type.isPerCpu()) {
            max = Math.min(max, MAX_PERCPU_VALUE_SIZE);
        }
        if (valueSize < 0 || valueSize > max) {
            throw fail(Errno.E2BIG, "value_size " + Integer.toUnsignedString(valueSize) + " is over the limit of " + max
                    + (type.isPerCpu() ? " for a per-CPU map" : ""));
        }
    }

    private MapDefinitionException fail(int errno, String message) {
        return new MapDefinitionException(errno, label() + ": " + message);
    }
}
