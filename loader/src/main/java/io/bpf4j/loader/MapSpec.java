package io.bpf4j.loader;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A map an object file defines: a BTF-defined map in {@code .maps}, a legacy
 * {@code struct bpf_map_def} in {@code maps}, or a global data section ({@code .data},
 * {@code .rodata}, {@code .bss}, {@code .data.*}, {@code .rodata.*}) that becomes a single-entry
 * array map.
 *
 * <p>Numbers are Linux's: {@code type} is the {@code enum bpf_map_type} value, sizes, entry
 * count and flags are the unsigned 32-bit fields of {@code BPF_MAP_CREATE} held in {@code int}s
 * (so 2^31 and more read negative). They are reported as the object file states them: whether
 * they are acceptable is for the runtime to decide.
 *
 * @param name the map's name: the variable's name for {@code .maps} and {@code maps}; for global
 *     data the section name ({@code .rodata}, {@code .data.foo}) — libbpf's "real name" of the
 *     map, which its skeletons and {@code bpf_object__find_map_by_name} use (the kernel-visible
 *     name libbpf derives, {@code <obj>.rodata} truncated to 15 characters, is not used)
 * @param mapExtra {@code map_extra} (bloom filter hash count, arena address), 0 if not given
 * @param pinning {@code pinning} (libbpf's {@code LIBBPF_PIN_*}), 0 if not given
 * @param innerMap the template of inner maps of a map-in-map ({@code __array(values, ...)})
 * @param initialData the initial value of a global data map's single entry (its section's
 *     bytes); bytes beyond it up to {@code valueSize} are zero, so it is empty for {@code .bss};
 *     empty for other maps
 * @param readOnly true for {@code .rodata} maps, which programs may not write
 *     ({@code BPF_F_RDONLY_PROG} is in {@code flags})
 * @param initialSlots static initial contents of a program array or map-in-map
 *     ({@code .values = { [i] = &prog }}), by slot
 * @param origin where the definition comes from
 * @param sectionName the ELF section that holds the definition or the data
 * @param btfKeyTypeId BTF type id of the key ({@code __type(key, T)}), 0 if unknown
 * @param btfValueTypeId BTF type id of the value, 0 if unknown; for global data the BTF
 *     {@code DATASEC} of the section if there is one
 */
public record MapSpec(String name, int type, int keySize, int valueSize, int maxEntries, int flags, long mapExtra,
        int pinning, Optional<MapSpec> innerMap, byte[] initialData, boolean readOnly, List<MapSlot> initialSlots,
        Origin origin, String sectionName, int btfKeyTypeId, int btfValueTypeId) {

    /** Where a map definition comes from. */
    public enum Origin {
        /** A variable in {@code .maps}, described by BTF. */
        BTF,
        /** A {@code struct bpf_map_def} in the legacy {@code maps} section. */
        LEGACY,
        /** A global data section. */
        GLOBAL_DATA
    }

    public static final int BPF_MAP_TYPE_HASH = 1;
    public static final int BPF_MAP_TYPE_ARRAY = 2;
    public static final int BPF_MAP_TYPE_PROG_ARRAY = 3;
    public static final int BPF_MAP_TYPE_LPM_TRIE = 11;
    public static final int BPF_MAP_TYPE_ARRAY_OF_MAPS = 12;
    public static final int BPF_MAP_TYPE_HASH_OF_MAPS = 13;
    public static final int BPF_MAP_TYPE_RINGBUF = 27;

    public static final int BPF_F_NO_PREALLOC = 1;
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    public static final int BPF_F_MMAPABLE = 1 << 10;

    public MapSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(innerMap, "innerMap");
        initialData = initialData == null ? new byte[0] : initialData.clone();
        initialSlots = List.copyOf(initialSlots);
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(sectionName, "sectionName");
    }

    /** A copy of the initial data. */
    @Override
    public byte[] initialData() {
        return initialData.clone();
    }

    /** True for program arrays and maps of maps, whose values are programs or maps. */
    public boolean holdsReferences() {
        return type == BPF_MAP_TYPE_PROG_ARRAY || type == BPF_MAP_TYPE_ARRAY_OF_MAPS
                || type == BPF_MAP_TYPE_HASH_OF_MAPS;
    }

    MapSpec withInitialSlots(List<MapSlot> slots) {
        return new MapSpec(name, type, keySize, valueSize, maxEntries, flags, mapExtra, pinning, innerMap, initialData,
                readOnly, slots, origin, sectionName, btfKeyTypeId, btfValueTypeId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapSpec m && name.equals(m.name) && type == m.type && keySize == m.keySize
                && valueSize == m.valueSize && maxEntries == m.maxEntries && flags == m.flags && mapExtra == m.mapExtra
                && pinning == m.pinning && innerMap.equals(m.innerMap) && Arrays.equals(initialData, m.initialData)
                && readOnly == m.readOnly && initialSlots.equals(m.initialSlots) && origin == m.origin
                && sectionName.equals(m.sectionName) && btfKeyTypeId == m.btfKeyTypeId
                && btfValueTypeId == m.btfValueTypeId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, keySize, valueSize, maxEntries, flags, mapExtra, pinning, innerMap,
                Arrays.hashCode(initialData), readOnly, initialSlots, origin, sectionName, btfKeyTypeId, btfValueTypeId);
    }

    @Override
    public String toString() {
        return "MapSpec[" + name + ": type=" + type + " key=" + keySize + " value=" + valueSize + " max_entries="
                + Integer.toUnsignedString(maxEntries) + " flags=0x" + Integer.toHexString(flags)
                + (mapExtra != 0 ? " map_extra=" + mapExtra : "") + (pinning != 0 ? " pinning=" + pinning : "")
                + innerMap.map(m -> " inner=" + m).orElse("")
                + (initialData.length > 0 ? " initialData=" + initialData.length + " bytes" : "")
                + (readOnly ? " read-only" : "") + (initialSlots.isEmpty() ? "" : " slots=" + initialSlots)
                + " " + origin + " in '" + sectionName + "']";
    }
}
