package io.bpf4j.loader;

import io.bpf4j.loader.btf.BtfKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/** Builds {@code .BTF} section contents by hand, well-formed or not. */
final class BtfBuilder {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private int count;

    BtfBuilder() {
        strings.write(0);
        stringOffsets.put("", 0);
    }

    int string(String s) {
        return stringOffsets.computeIfAbsent(s, k -> {
            int off = strings.size();
            strings.writeBytes(ObjectBuilder.cstring(k));
            return off;
        });
    }

    /** Appends a raw type: header plus extra 32-bit words; returns its id. */
    int raw(int nameOff, BtfKind kind, int vlen, boolean kindFlag, int sizeOrType, int... extra) {
        return raw(nameOff, kind.number(), vlen, kindFlag, sizeOrType, extra);
    }

    int raw(int nameOff, int kind, int vlen, boolean kindFlag, int sizeOrType, int... extra) {
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * extra.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(nameOff).putInt((kindFlag ? 1 << 31 : 0) | (kind << 24) | (vlen & 0xffff)).putInt(sizeOrType);
        for (int e : extra) {
            b.putInt(e);
        }
        types.writeBytes(b.array());
        return ++count;
    }

    int integer(String name, int size, boolean signed) {
        return raw(string(name), BtfKind.INT, 0, false, size, (signed ? 1 << 24 : 0) | (size * 8));
    }

    int ptr(int type) {
        return raw(0, BtfKind.PTR, 0, false, type);
    }

    int array(int elem, int index, int count) {
        return raw(0, BtfKind.ARRAY, 0, false, 0, elem, index, count);
    }

    int typedef(String name, int type) {
        return raw(string(name), BtfKind.TYPEDEF, 0, false, type);
    }

    /** members as (name, type, bitOffset) triples. */
    int struct(String name, int size, Object... members) {
        int[] extra = new int[members.length];
        for (int i = 0; i < members.length; i += 3) {
            extra[i] = string((String) members[i]);
            extra[i + 1] = (Integer) members[i + 1];
            extra[i + 2] = (Integer) members[i + 2];
        }
        return raw(string(name), BtfKind.STRUCT, members.length / 3, false, size, extra);
    }

    int var(String name, int type) {
        return raw(string(name), BtfKind.VAR, 0, false, type, 1);
    }

    /** vars as (type, offset, size) triples. */
    int datasec(String name, int... vars) {
        return raw(string(name), BtfKind.DATASEC, vars.length / 3, false, 0, vars);
    }

    int funcProto(int ret, int... paramTypes) {
        int[] extra = new int[paramTypes.length * 2];
        for (int i = 0; i < paramTypes.length; i++) {
            extra[2 * i] = string("p" + i);
            extra[2 * i + 1] = paramTypes[i];
        }
        return raw(0, BtfKind.FUNC_PROTO, paramTypes.length, false, ret, extra);
    }

    int func(String name, int proto, int linkage) {
        return raw(string(name), BtfKind.FUNC, linkage, false, proto);
    }

    /** Type ids so far. */
    int count() {
        return count;
    }

    byte[] build() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(t.length).putInt(t.length)
                .putInt(s.length).put(t).put(s);
        return b.array();
    }

    /**
     * A BTF-defined map struct named {@code name}: {@code __uint(type)}, {@code __uint(max_entries)},
     * {@code __type(key, u32)}, {@code __type(value, u64)}, a VAR and a {@code .maps} DATASEC for it.
     */
    static BtfBuilder oneMap(String name, int type, int maxEntries) {
        BtfBuilder b = new BtfBuilder();
        int u32 = b.integer("unsigned int", 4, false);
        int u64 = b.integer("unsigned long long", 8, false);
        int idx = b.integer("__ARRAY_SIZE_TYPE__", 4, false);
        int typeArr = b.ptr(b.array(u32, idx, type));
        int maxArr = b.ptr(b.array(u32, idx, maxEntries));
        int def = b.struct("", 32, "type", typeArr, 0, "max_entries", maxArr, 64, "key", b.ptr(u32), 128,
                "value", b.ptr(u64), 192);
        int var = b.var(name, def);
        b.datasec(".maps", var, 0, 32);
        return b;
    }
}
