package io.bpf4j.loader.btf;

import io.bpf4j.loader.ObjectFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the {@code .BTF} and {@code .BTF.ext} sections of an object file.
 *
 * <p>The input is untrusted: the header's offsets and lengths are checked against the section,
 * every type's variable-length part against the type section, every string offset against the
 * string section and every type reference against the number of types, before use. Counts never
 * size an allocation until the bytes they promise are known to be there.
 */
public final class BtfParser {
    /** {@code BTF_MAGIC}. */
    public static final int MAGIC = 0xeb9f;
    static final int HEADER_SIZE = 24;
    static final int TYPE_HEADER_SIZE = 12;
    static final int EXT_HEADER_MIN = 24;
    static final int FUNC_INFO_MIN = 8;
    static final int LINE_INFO_MIN = 16;
    static final int CORE_RELO_MIN = 16;

    private BtfParser() {}

    /**
     * Parses the contents of a {@code .BTF} section.
     *
     * @throws ObjectFormatException naming the header field, type id or offset that is wrong
     */
    public static Btf parse(byte[] section) {
        ByteBuffer in = ByteBuffer.wrap(section).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = checkHeader(in, section.length, ".BTF", HEADER_SIZE);
        long typeOff = u32(in, 8);
        long typeLen = u32(in, 12);
        long strOff = u32(in, 16);
        long strLen = u32(in, 20);
        long dataLen = section.length - (long) hdrLen;
        if (typeOff > dataLen || typeLen > dataLen - typeOff) {
            throw new ObjectFormatException(".BTF: type section (offset " + typeOff + ", length " + typeLen
                    + ") extends beyond the " + dataLen + " bytes after the header");
        }
        if (strOff > dataLen || strLen > dataLen - strOff) {
            throw new ObjectFormatException(".BTF: string section (offset " + strOff + ", length " + strLen
                    + ") extends beyond the " + dataLen + " bytes after the header");
        }
        if ((typeOff & 3) != 0) {
            throw new ObjectFormatException(".BTF: type section offset " + typeOff + " is not 4-byte aligned");
        }
        if (strLen == 0 || section[(int) (hdrLen + strOff)] != 0 || section[(int) (hdrLen + strOff + strLen - 1)] != 0) {
            throw new ObjectFormatException(".BTF: string section must start and end with a NUL byte"
                    + (strLen == 0 ? " (it is empty)" : ""));
        }
        byte[] strBytes = new byte[(int) strLen];
        System.arraycopy(section, (int) (hdrLen + strOff), strBytes, 0, (int) strLen);
        BtfStrings strings = new BtfStrings(strBytes);
        List<BtfType> types = parseTypes(in.slice((int) (hdrLen + typeOff), (int) typeLen).order(ByteOrder.LITTLE_ENDIAN),
                strings);
        checkReferences(types);
        return new Btf(types, strings);
    }

    private static int checkHeader(ByteBuffer in, int length, String section, int minHeader) {
        if (length < 8) {
            throw new ObjectFormatException(section + ": " + length + " bytes, too short for a header");
        }
        int magic = Short.toUnsignedInt(in.getShort(0));
        if (magic != MAGIC) {
            throw new ObjectFormatException(section + ": bad magic 0x" + Integer.toHexString(magic) + " (expected 0x"
                    + Integer.toHexString(MAGIC) + (magic == 0x9feb ? "; this is big-endian BTF, which is not supported" : "")
                    + ")");
        }
        int version = Byte.toUnsignedInt(in.get(2));
        if (version != 1) {
            throw new ObjectFormatException(section + ": version " + version + " is not supported (expected 1)");
        }
        long hdrLen = u32(in, 4);
        if (hdrLen < minHeader) {
            throw new ObjectFormatException(section + ": header length " + hdrLen + " is less than " + minHeader);
        }
        if (hdrLen > length) {
            throw new ObjectFormatException(section + ": header length " + hdrLen + " exceeds the " + length
                    + "-byte section");
        }
        return (int) hdrLen;
    }

    private static List<BtfType> parseTypes(ByteBuffer in, BtfStrings strings) {
        List<BtfType> types = new ArrayList<>();
        int pos = 0;
        int limit = in.limit();
        while (pos < limit) {
            int id = types.size() + 1;
            if (limit - pos < TYPE_HEADER_SIZE) {
                throw new ObjectFormatException(".BTF: type [" + id + "] at type section offset " + pos
                        + ": only " + (limit - pos) + " bytes left, less than a 12-byte type header");
            }
            long nameOff = u32(in, pos);
            int info = in.getInt(pos + 4);
            int sizeOrType = in.getInt(pos + 8);
            int vlen = info & 0xffff;
            int kindNumber = (info >>> 24) & 0x1f;
            boolean kindFlag = info < 0;
            BtfKind kind = BtfKind.of(kindNumber);
            if (kind == null) {
                throw new ObjectFormatException(".BTF: type [" + id + "] at type section offset " + pos
                        + " has unknown kind " + kindNumber);
            }
            long extra = switch (kind) {
                case INT, VAR, DECL_TAG -> 4;
                case ARRAY -> 12;
                case STRUCT, UNION, DATASEC, ENUM64 -> 12L * vlen;
                case ENUM, FUNC_PROTO -> 8L * vlen;
                default -> 0;
            };
            int body = pos + TYPE_HEADER_SIZE;
            if (extra > limit - body) {
                throw new ObjectFormatException(".BTF: type [" + id + "] " + kind + " at type section offset " + pos
                        + " needs " + extra + " more bytes (vlen " + vlen + "), but only " + (limit - body) + " remain");
            }
            String what = ".BTF: type [" + id + "] " + kind;
            String name = strings.get(nameOff, what + " name");
            types.add(switch (kind) {
                case INT -> {
                    int enc = in.getInt(body);
                    yield new BtfType.Int(id, name, sizeOrType, (enc >>> 24) & 0xf, (enc >>> 16) & 0xff, enc & 0xff);
                }
                case PTR -> new BtfType.Ptr(id, name, sizeOrType);
                case ARRAY -> new BtfType.Array(id, name, in.getInt(body), in.getInt(body + 4), u32(in, body + 8));
                case STRUCT, UNION -> {
                    List<BtfType.Member> members = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        int at = body + 12 * i;
                        String memberName = strings.get(u32(in, at), what + " member " + i + " name");
                        long offset = u32(in, at + 8);
                        members.add(kindFlag
                                ? new BtfType.Member(memberName, in.getInt(at + 4), offset & 0xffffff, (int) (offset >>> 24))
                                : new BtfType.Member(memberName, in.getInt(at + 4), offset, 0));
                    }
                    yield new BtfType.Struct(id, name, kind == BtfKind.UNION, Integer.toUnsignedLong(sizeOrType), members);
                }
                case ENUM -> {
                    List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        int at = body + 8 * i;
                        int v = in.getInt(at + 4);
                        values.add(new BtfType.EnumValue(strings.get(u32(in, at), what + " value " + i + " name"),
                                kindFlag ? v : Integer.toUnsignedLong(v)));
                    }
                    yield new BtfType.Enum(id, name, false, sizeOrType, kindFlag, values);
                }
                case ENUM64 -> {
                    List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        int at = body + 12 * i;
                        long v = u32(in, at + 4) | (u32(in, at + 8) << 32);
                        values.add(new BtfType.EnumValue(strings.get(u32(in, at), what + " value " + i + " name"), v));
                    }
                    yield new BtfType.Enum(id, name, true, sizeOrType, kindFlag, values);
                }
                case FWD -> new BtfType.Fwd(id, name, kindFlag);
                case TYPEDEF -> new BtfType.Typedef(id, name, sizeOrType);
                case VOLATILE, CONST, RESTRICT, TYPE_TAG -> new BtfType.Modifier(id, name, kind, sizeOrType);
                case FUNC -> {
                    Linkage linkage = Linkage.of(vlen);
                    if (linkage == null) {
                        throw new ObjectFormatException(what + " '" + name + "' has unknown linkage " + vlen);
                    }
                    yield new BtfType.Func(id, name, sizeOrType, linkage);
                }
                case FUNC_PROTO -> {
                    List<BtfType.Param> params = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        int at = body + 8 * i;
                        params.add(new BtfType.Param(strings.get(u32(in, at), what + " parameter " + i + " name"),
                                in.getInt(at + 4)));
                    }
                    yield new BtfType.FuncProto(id, name, sizeOrType, params);
                }
                case VAR -> {
                    long l = u32(in, body);
                    Linkage linkage = l <= 2 ? Linkage.of((int) l) : null;
                    if (linkage == null) {
                        throw new ObjectFormatException(what + " '" + name + "' has unknown linkage " + l);
                    }
                    yield new BtfType.Var(id, name, sizeOrType, linkage);
                }
                case DATASEC -> {
                    List<BtfType.VarSecInfo> vars = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        int at = body + 12 * i;
                        vars.add(new BtfType.VarSecInfo(in.getInt(at), u32(in, at + 4), u32(in, at + 8)));
                    }
                    yield new BtfType.DataSec(id, name, Integer.toUnsignedLong(sizeOrType), vars);
                }
                case FLOAT -> new BtfType.Float(id, name, sizeOrType);
                case DECL_TAG -> new BtfType.DeclTag(id, name, sizeOrType, in.getInt(body));
                case VOID -> throw new AssertionError();
            });
            pos = body + (int) extra;
        }
        return types;
    }

    /** Every type id a type refers to must exist; 0 (void) only where C allows it. */
    private static void checkReferences(List<BtfType> types) {
        int count = types.size();
        for (BtfType t : types) {
            switch (t) {
                case BtfType.Ptr p -> ref(t, "pointee", p.type(), count, true);
                case BtfType.Array a -> {
                    ref(t, "element type", a.elementType(), count, false);
                    ref(t, "index type", a.indexType(), count, false);
                }
                case BtfType.Struct s -> {
                    for (BtfType.Member m : s.members()) {
                        ref(t, "member '" + m.name() + "'", m.type(), count, false);
                    }
                }
                case BtfType.Typedef td -> ref(t, "target", td.type(), count, true);
                case BtfType.Modifier m -> ref(t, "target", m.type(), count, true);
                case BtfType.Func f -> ref(t, "prototype", f.type(), count, false);
                case BtfType.FuncProto fp -> {
                    ref(t, "return type", fp.returnType(), count, true);
                    for (int i = 0; i < fp.params().size(); i++) {
                        boolean lastMayBeVoid = i == fp.params().size() - 1; // "..."
                        ref(t, "parameter " + i, fp.params().get(i).type(), count, lastMayBeVoid);
                    }
                }
                case BtfType.Var v -> ref(t, "type", v.type(), count, false);
                case BtfType.DataSec d -> {
                    for (BtfType.VarSecInfo vi : d.vars()) {
                        ref(t, "variable", vi.type(), count, false);
                    }
                }
                case BtfType.DeclTag d -> ref(t, "target", d.type(), count, false);
                default -> { }
            }
        }
    }

    private static void ref(BtfType from, String role, int id, int count, boolean voidAllowed) {
        if (id < 0 || id > count || (id == 0 && !voidAllowed)) {
            throw new ObjectFormatException(".BTF: type [" + from.id() + "] " + from.kind()
                    + (from.name().isEmpty() ? "" : " '" + from.name() + "'") + ": " + role + " refers to type "
                    + Integer.toUnsignedString(id) + ", but " + (id == 0 ? "void is not allowed there"
                            : "the BTF has only " + count + " types"));
        }
    }

    /**
     * Parses the contents of a {@code .BTF.ext} section, resolving strings against {@code btf}.
     *
     * @throws ObjectFormatException naming the sub-section, record and offset that is wrong
     */
    public static BtfExt parseExt(byte[] section, Btf btf) {
        ByteBuffer in = ByteBuffer.wrap(section).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = checkHeader(in, section.length, ".BTF.ext", EXT_HEADER_MIN);
        long dataLen = section.length - (long) hdrLen;
        Map<String, List<FuncInfo>> funcs = new LinkedHashMap<>();
        Map<String, List<LineInfo>> lines = new LinkedHashMap<>();
        Map<String, List<CoreRelocation>> relos = new LinkedHashMap<>();
        BtfStrings strings = btf.strings();
        records(in, hdrLen, dataLen, u32(in, 8), u32(in, 12), "func_info", FUNC_INFO_MIN, strings,
                (sec, at, idx) -> funcs.computeIfAbsent(sec, k -> new ArrayList<>())
                        .add(new FuncInfo(idx, funcTypeId(in.getInt(at + 4), btf))));
        records(in, hdrLen, dataLen, u32(in, 16), u32(in, 20), "line_info", LINE_INFO_MIN, strings,
                (sec, at, idx) -> {
                    String file = strings.get(u32(in, at + 4), ".BTF.ext line_info file name");
                    String text = strings.get(u32(in, at + 8), ".BTF.ext line_info source line");
                    int lineCol = in.getInt(at + 12);
                    lines.computeIfAbsent(sec, k -> new ArrayList<>())
                            .add(new LineInfo(idx, file, text, lineCol >>> 10, lineCol & 0x3ff));
                });
        if (hdrLen >= 32) {
            records(in, hdrLen, dataLen, u32(in, 24), u32(in, 28), "core_relo", CORE_RELO_MIN, strings,
                    (sec, at, idx) -> relos.computeIfAbsent(sec, k -> new ArrayList<>()).add(new CoreRelocation(idx,
                            in.getInt(at + 4), strings.get(u32(in, at + 8), ".BTF.ext core_relo access string"),
                            in.getInt(at + 12))));
        }
        funcs.forEach((sec, list) -> increasing(sec, "func_info", list, FuncInfo::instructionIndex));
        lines.forEach((sec, list) -> increasing(sec, "line_info", list, LineInfo::instructionIndex));
        relos.forEach((sec, list) -> {
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (CoreRelocation r : list) {
                if (!seen.add(r.instructionIndex())) {
                    throw new ObjectFormatException(".BTF.ext core_relo for section '" + sec + "': two records for instruction "
                            + r.instructionIndex());
                }
            }
        });
        return new BtfExt(funcs, lines, relos);
    }

    /** As Linux requires: the records of a section are in strictly increasing instruction order. */
    private static <T> void increasing(String sec, String what, List<T> list, java.util.function.ToIntFunction<T> index) {
        int previous = -1;
        for (int i = 0; i < list.size(); i++) {
            int current = index.applyAsInt(list.get(i));
            if (current <= previous) {
                throw new ObjectFormatException(".BTF.ext " + what + " for section '" + sec + "': record " + i
                        + " is for instruction " + current + ", not after the previous record's " + previous);
            }
            previous = current;
        }
    }

    private static int funcTypeId(int id, Btf btf) {
        if (id <= 0 || id > btf.typeCount() || btf.type(id).kind() != BtfKind.FUNC) {
            throw new ObjectFormatException(".BTF.ext func_info: type id " + Integer.toUnsignedString(id)
                    + " is not a BTF FUNC (the BTF has " + btf.typeCount() + " types)");
        }
        return id;
    }

    @FunctionalInterface
    private interface RecordReader {
        /** Reads the record at absolute position {@code at} for section {@code sec} and instruction {@code index}. */
        void read(String sec, int at, int index);
    }

    private static void records(ByteBuffer in, int hdrLen, long dataLen, long off, long len, String what, int minRecord,
            BtfStrings strings, RecordReader reader) {
        if (len == 0) {
            return;
        }
        if (off > dataLen || len > dataLen - off) {
            throw new ObjectFormatException(".BTF.ext " + what + " (offset " + off + ", length " + len
                    + ") extends beyond the " + dataLen + " bytes after the header");
        }
        int pos = (int) (hdrLen + off);
        int end = (int) (pos + len);
        if (len < 4) {
            throw new ObjectFormatException(".BTF.ext " + what + ": " + len + " bytes, too short for the record size");
        }
        long recordSize = u32(in, pos);
        if (recordSize < minRecord || (recordSize & 3) != 0 || recordSize > len) {
            throw new ObjectFormatException(".BTF.ext " + what + ": record size " + recordSize
                    + " is invalid (at least " + minRecord + ", a multiple of 4, within the sub-section)");
        }
        pos += 4;
        while (pos < end) {
            if (end - pos < 8) {
                throw new ObjectFormatException(".BTF.ext " + what + " at offset " + (pos - hdrLen)
                        + ": truncated section header (" + (end - pos) + " bytes left)");
            }
            String sec = strings.get(u32(in, pos), ".BTF.ext " + what + " section name");
            long count = u32(in, pos + 4);
            pos += 8;
            if (count == 0) {
                throw new ObjectFormatException(".BTF.ext " + what + " for section '" + sec + "' has 0 records");
            }
            if (count > (end - pos) / recordSize) {
                throw new ObjectFormatException(".BTF.ext " + what + " for section '" + sec + "': " + count
                        + " records of " + recordSize + " bytes do not fit in the " + (end - pos) + " bytes left");
            }
            for (long i = 0; i < count; i++) {
                long insnOff = u32(in, pos);
                if ((insnOff & 7) != 0) {
                    throw new ObjectFormatException(".BTF.ext " + what + " for section '" + sec + "' record " + i
                            + ": instruction offset " + insnOff + " is not a multiple of 8");
                }
                reader.read(sec, pos, (int) (insnOff / 8));
                pos += (int) recordSize;
            }
        }
    }

    private static long u32(ByteBuffer in, int at) {
        return Integer.toUnsignedLong(in.getInt(at));
    }
}
