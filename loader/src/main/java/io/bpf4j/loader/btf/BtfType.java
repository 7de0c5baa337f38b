package io.bpf4j.loader.btf;

import java.util.List;

/**
 * One BTF type, as the type section of {@code .BTF} encodes it. Type ids count from 1 in section
 * order; id 0 is {@link Void}. Names are empty for anonymous types. Type references are plain ids
 * that {@link BtfParser} has checked to exist; they may still form cycles, which {@link Btf}
 * guards against when it follows them.
 */
public sealed interface BtfType {

    int id();

    String name();

    BtfKind kind();

    /** {@code void}, type id 0. */
    record Void() implements BtfType {
        public static final Void INSTANCE = new Void();

        @Override public int id() { return 0; }
        @Override public String name() { return "void"; }
        @Override public BtfKind kind() { return BtfKind.VOID; }
    }

    /**
     * An integer (or {@code char}, {@code bool}) of {@code size} bytes.
     *
     * @param encoding {@link #SIGNED}, {@link #CHAR}, {@link #BOOL} bits
     */
    record Int(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        @Override public BtfKind kind() { return BtfKind.INT; }

        public boolean signed() {
            return (encoding & SIGNED) != 0;
        }
    }

    record Ptr(int id, String name, int type) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.PTR; }
    }

    /** An array of {@code count} (unsigned 32-bit) elements. */
    record Array(int id, String name, int elementType, int indexType, long count) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.ARRAY; }
    }

    /**
     * A member of a struct or union.
     *
     * @param bitOffset offset of the member from the start of the struct, in bits
     * @param bitfieldSize width of a bitfield member, 0 if it is not one
     */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {}

    /** A struct ({@code union == false}) or union. */
    record Struct(int id, String name, boolean union, long size, List<Member> members) implements BtfType {
        public Struct {
            members = List.copyOf(members);
        }

        @Override public BtfKind kind() { return union ? BtfKind.UNION : BtfKind.STRUCT; }

        /** The member called {@code name}, or null. */
        public Member member(String memberName) {
            for (Member m : members) {
                if (m.name().equals(memberName)) {
                    return m;
                }
            }
            return null;
        }
    }

    record EnumValue(String name, long value) {}

    /** An enum ({@code BTF_KIND_ENUM}, 32-bit values, or {@code BTF_KIND_ENUM64}). */
    record Enum(int id, String name, boolean is64, int size, boolean signed, List<EnumValue> values) implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }

        @Override public BtfKind kind() { return is64 ? BtfKind.ENUM64 : BtfKind.ENUM; }
    }

    /** A forward declaration of a struct ({@code union == false}) or union. */
    record Fwd(int id, String name, boolean union) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.FWD; }
    }

    record Typedef(int id, String name, int type) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.TYPEDEF; }
    }

    /** A {@code volatile}, {@code const}, {@code restrict} qualifier or a type tag, of {@code type}. */
    record Modifier(int id, String name, BtfKind kind, int type) implements BtfType {}

    /** A function: its name, its {@link FuncProto} and its linkage. */
    record Func(int id, String name, int type, Linkage linkage) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.FUNC; }
    }

    /** A parameter of a function prototype; a trailing one with no name and type 0 means "...". */
    record Param(String name, int type) {}

    record FuncProto(int id, String name, int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        @Override public BtfKind kind() { return BtfKind.FUNC_PROTO; }

        public boolean variadic() {
            return !params.isEmpty() && params.getLast().type() == 0;
        }
    }

    record Var(int id, String name, int type, Linkage linkage) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.VAR; }
    }

    /** A variable of a {@link DataSec}: its {@link Var} type id, offset and size in the section. */
    record VarSecInfo(int type, long offset, long size) {}

    /**
     * A data section's variables. Clang leaves {@code size} and the offsets 0 in object files
     * (libbpf fills them in from the ELF symbols), so take offsets from the symbol table.
     */
    record DataSec(int id, String name, long size, List<VarSecInfo> vars) implements BtfType {
        public DataSec {
            vars = List.copyOf(vars);
        }

        @Override public BtfKind kind() { return BtfKind.DATASEC; }
    }

    record Float(int id, String name, int size) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.FLOAT; }
    }

    /**
     * A {@code btf_decl_tag} attribute on {@code type}, or on its member or parameter number
     * {@code componentIndex} (-1 for the type itself).
     */
    record DeclTag(int id, String name, int type, int componentIndex) implements BtfType {
        @Override public BtfKind kind() { return BtfKind.DECL_TAG; }
    }
}
