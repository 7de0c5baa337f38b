package io.bpf4j.loader;

import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfType;
import java.util.Optional;

/**
 * A BTF-defined map: the struct type of a variable in {@code .maps}, read the way libbpf's
 * {@code bpf_helpers.h} macros encode it. {@code __uint(name, N)} is a member {@code name} of type
 * pointer to an array of N elements; {@code __type(name, T)} a pointer to T;
 * {@code __array(values, T)} a zero-length array of pointers to T (an inner map definition, or a
 * function prototype for program arrays); {@code __ulong(name, N)} an enum whose single value is
 * N.
 *
 * @param valuesByteOffset byte offset of the {@code values} member in the struct, -1 if absent
 */
record BtfMapDefinition(String name, int type, int keySize, int valueSize, int maxEntries, int flags, long mapExtra,
        int pinning, Optional<BtfMapDefinition> inner, int keyTypeId, int valueTypeId, long valuesByteOffset) {

    private static final long U32_MAX = 0xffff_ffffL;

    /**
     * Reads the map definition struct {@code structId} of the map called {@code name}.
     *
     * @param inner true when reading the inner map template of a map-in-map
     */
    static BtfMapDefinition read(Btf btf, String name, int structId, boolean inner) {
        String what = inner ? "inner map of '" + name.substring(0, name.length() - ".inner".length()) + "'" : "map '" + name + "'";
        BtfType t = btf.resolve(structId);
        if (!(t instanceof BtfType.Struct def) || def.union()) {
            throw new ObjectFormatException(what + ": definition is BTF " + t.kind() + " [" + t.id()
                    + "], not a struct");
        }
        long type = 0;
        long keySize = -1;
        long valueSize = -1;
        long maxEntries = 0;
        long flags = 0;
        long mapExtra = 0;
        long pinning = 0;
        int keyTypeId = 0;
        int valueTypeId = 0;
        long valuesOffset = -1;
        BtfType valuesTarget = null;
        for (int i = 0; i < def.members().size(); i++) {
            BtfType.Member m = def.members().get(i);
            String field = what + ": field '" + m.name() + "'";
            switch (m.name()) {
                case "type" -> type = u32(btf, m, field);
                case "max_entries" -> maxEntries = u32(btf, m, field);
                case "map_flags" -> flags = u32(btf, m, field);
                case "numa_node" -> u32(btf, m, field);
                case "pinning" -> pinning = u32(btf, m, field);
                case "map_extra" -> mapExtra = uint(btf, m, field);
                case "key_size" -> keySize = checkSize(keySize, u32(btf, m, field), field);
                case "value_size" -> valueSize = checkSize(valueSize, u32(btf, m, field), field);
                case "key" -> {
                    keyTypeId = pointee(btf, m, field);
                    keySize = checkSize(keySize, sizeOf(btf, keyTypeId, field), field);
                }
                case "value" -> {
                    valueTypeId = pointee(btf, m, field);
                    valueSize = checkSize(valueSize, sizeOf(btf, valueTypeId, field), field);
                }
                case "values" -> {
                    if (i != def.members().size() - 1) {
                        throw new ObjectFormatException(field + " must be the last member of the definition");
                    }
                    if (m.bitfieldSize() != 0 || (m.bitOffset() & 7) != 0) {
                        throw new ObjectFormatException(field + " is not byte-aligned (bit offset " + m.bitOffset() + ")");
                    }
                    BtfType arr = btf.resolve(m.type());
                    if (!(arr instanceof BtfType.Array a)) {
                        throw new ObjectFormatException(field + " must be an array of pointers (__array), not "
                                + arr.kind());
                    }
                    BtfType elem = btf.resolve(a.elementType());
                    if (!(elem instanceof BtfType.Ptr p)) {
                        throw new ObjectFormatException(field + " must be an array of pointers (__array), not of "
                                + elem.kind());
                    }
                    valuesTarget = btf.resolve(p.type());
                    valuesOffset = m.bitOffset() / 8;
                }
                default -> throw new ObjectFormatException(field + " is not a known map definition field");
            }
        }
        Optional<BtfMapDefinition> innerDef = Optional.empty();
        if (valuesTarget != null) {
            boolean progArray = type == MapSpec.BPF_MAP_TYPE_PROG_ARRAY;
            boolean mapInMap = type == MapSpec.BPF_MAP_TYPE_ARRAY_OF_MAPS || type == MapSpec.BPF_MAP_TYPE_HASH_OF_MAPS;
            if (inner) {
                throw new ObjectFormatException(what + ": an inner map cannot have 'values' (multi-level map-in-map)");
            }
            if (!progArray && !mapInMap) {
                throw new ObjectFormatException(what + ": 'values' is only allowed in program arrays and maps of maps, "
                        + "not in map type " + type);
            }
            if (valueSize != -1 && valueSize != 4) {
                throw new ObjectFormatException(what + ": value size " + valueSize
                        + " conflicts with 'values', whose entries are 4-byte ids");
            }
            valueSize = 4;
            if (progArray) {
                if (!(valuesTarget instanceof BtfType.FuncProto)) {
                    throw new ObjectFormatException(what + ": 'values' of a program array must point to functions, not "
                            + valuesTarget.kind());
                }
            } else {
                if (!(valuesTarget instanceof BtfType.Struct)) {
                    throw new ObjectFormatException(what + ": 'values' of a map of maps must point to an inner map "
                            + "definition struct, not " + valuesTarget.kind());
                }
                innerDef = Optional.of(read(btf, name + ".inner", valuesTarget.id(), true));
            }
        }
        return new BtfMapDefinition(name, (int) type, (int) Math.max(keySize, 0), (int) Math.max(valueSize, 0),
                (int) maxEntries, (int) flags, mapExtra, (int) pinning, innerDef, keyTypeId, valueTypeId, valuesOffset);
    }

    /** A spec for this definition (no initial slots yet). */
    MapSpec toSpec(String sectionName) {
        return new MapSpec(name, type, keySize, valueSize, maxEntries, flags, mapExtra, pinning,
                inner.map(i -> i.toSpec(sectionName)), null, false, java.util.List.of(), MapSpec.Origin.BTF, sectionName,
                keyTypeId, valueTypeId);
    }

    private static long checkSize(long previous, long size, String field) {
        if (previous != -1 && previous != size) {
            throw new ObjectFormatException(field + ": size " + size + " conflicts with the size " + previous
                    + " given by another field");
        }
        return size;
    }

    private static long sizeOf(Btf btf, int typeId, String field) {
        try {
            return btf.sizeOf(typeId);
        } catch (ObjectFormatException e) {
            throw new ObjectFormatException(field + ": " + e.getMessage(), e);
        }
    }

    /** {@code __type(name, T)}: a pointer to T; returns T's id. */
    private static int pointee(Btf btf, BtfType.Member m, String field) {
        BtfType t = btf.resolve(m.type());
        if (!(t instanceof BtfType.Ptr p)) {
            throw new ObjectFormatException(field + " must be a pointer (__type), not " + t.kind());
        }
        return p.type();
    }

    private static long u32(Btf btf, BtfType.Member m, String field) {
        long v = uint(btf, m, field);
        if (v < 0 || v > U32_MAX) {
            throw new ObjectFormatException(field + ": value " + Long.toUnsignedString(v) + " does not fit in 32 bits");
        }
        return v;
    }

    /** {@code __uint(name, N)} (pointer to array of N) or {@code __ulong(name, N)} (enum with value N). */
    private static long uint(Btf btf, BtfType.Member m, String field) {
        BtfType t = btf.resolve(m.type());
        if (t instanceof BtfType.Enum e) {
            if (e.values().isEmpty()) {
                throw new ObjectFormatException(field + " is an enum without values");
            }
            return e.values().getFirst().value();
        }
        if (!(t instanceof BtfType.Ptr p)) {
            throw new ObjectFormatException(field + " must be a pointer to an array (__uint), not " + t.kind());
        }
        BtfType arr = btf.resolve(p.type());
        if (!(arr instanceof BtfType.Array a)) {
            throw new ObjectFormatException(field + " must be a pointer to an array (__uint), not a pointer to "
                    + arr.kind());
        }
        return a.count();
    }
}
