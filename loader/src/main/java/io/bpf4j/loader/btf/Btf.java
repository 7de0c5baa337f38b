package io.bpf4j.loader.btf;

import io.bpf4j.loader.ObjectFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The BTF of an object file: its types by id and the questions the loader asks of them (sizes,
 * functions and their signatures, C spellings). Immutable; build it with {@link BtfParser}.
 *
 * <p>Type references were checked to exist when parsed, but may form cycles in hostile input
 * (a typedef of itself): every walk along them stops after {@link #MAX_RESOLVE_DEPTH} steps with
 * an {@link ObjectFormatException}.
 */
public final class Btf {
    /** How many references a walk follows before it reports a cycle (libbpf uses 32 too). */
    public static final int MAX_RESOLVE_DEPTH = 32;

    private final List<BtfType> types; // index id - 1
    private final BtfStrings strings;

    private final Map<String, BtfType.DataSec> dataSections = new HashMap<>();

    Btf(List<BtfType> types, BtfStrings strings) {
        this.types = Collections.unmodifiableList(new ArrayList<>(types));
        this.strings = strings;
        for (BtfType t : types) {
            if (t instanceof BtfType.DataSec d) {
                dataSections.putIfAbsent(d.name(), d);
            }
        }
    }

    /** The string at {@code offset} of the BTF string section. */
    public String string(long offset) {
        return strings.lookup(offset);
    }

    BtfStrings strings() {
        return strings;
    }

    /** All types, by id starting at 1 (the list's element 0 has id 1). */
    public List<BtfType> types() {
        return types;
    }

    /** Number of types, not counting {@code void}; the largest valid type id. */
    public int typeCount() {
        return types.size();
    }

    /** The type with that id; 0 is {@link BtfType.Void}. */
    public BtfType type(int id) {
        if (id == 0) {
            return BtfType.Void.INSTANCE;
        }
        if (id < 0 || id > types.size()) {
            throw new ObjectFormatException("BTF type id " + Integer.toUnsignedString(id) + " does not exist (the BTF has "
                    + types.size() + " types)");
        }
        return types.get(id - 1);
    }

    /** The first type of that kind and name. */
    public Optional<BtfType> find(BtfKind kind, String name) {
        for (BtfType t : types) {
            if (t.kind() == kind && t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The data section called {@code name} ({@code .maps}, {@code .data}, ...). */
    public Optional<BtfType.DataSec> dataSection(String name) {
        return Optional.ofNullable(dataSections.get(name));
    }

    /**
     * The type with that id after skipping typedefs and qualifiers ({@code const},
     * {@code volatile}, {@code restrict}, type tags).
     */
    public BtfType resolve(int id) {
        BtfType t = type(id);
        for (int depth = 0; ; depth++) {
            int next;
            if (t instanceof BtfType.Typedef td) {
                next = td.type();
            } else if (t instanceof BtfType.Modifier m) {
                next = m.type();
            } else {
                return t;
            }
            if (depth >= MAX_RESOLVE_DEPTH) {
                throw cycle(id, "resolving typedefs and qualifiers");
            }
            t = type(next);
        }
    }

    /**
     * Size in bytes of a type, as {@code sizeof} would give it: structs, unions, enums, ints,
     * floats and data sections have their own; pointers are 8 bytes; arrays multiply; typedefs,
     * qualifiers and variables are the size of what they name.
     *
     * @throws ObjectFormatException for types without a size ({@code void}, functions,
     *     forward declarations), for cycles, and for sizes of 2^32 bytes or more
     */
    public long sizeOf(int id) {
        long multiplier = 1;
        int current = id;
        for (int depth = 0; depth <= MAX_RESOLVE_DEPTH; depth++) {
            BtfType t = type(current);
            long size;
            switch (t) {
                case BtfType.Int i -> size = Integer.toUnsignedLong(i.size());
                case BtfType.Float f -> size = Integer.toUnsignedLong(f.size());
                case BtfType.Enum e -> size = Integer.toUnsignedLong(e.size());
                case BtfType.Struct s -> size = s.size();
                case BtfType.DataSec d -> size = d.size();
                case BtfType.Ptr p -> size = 8;
                case BtfType.Typedef td -> {
                    current = td.type();
                    continue;
                }
                case BtfType.Modifier m -> {
                    current = m.type();
                    continue;
                }
                case BtfType.Var v -> {
                    current = v.type();
                    continue;
                }
                case BtfType.Array a -> {
                    // saturating at MAX_SIZE + 1: a later zero-length array can still make it 0
                    long count = a.count();
                    multiplier = count == 0 ? 0 : multiplier > (MAX_SIZE + 1) / count ? MAX_SIZE + 1 : multiplier * count;
                    current = a.elementType();
                    continue;
                }
                default -> throw new ObjectFormatException("BTF type [" + id + "] " + describe(id)
                        + " has no size (it " + (id == current ? "is" : "refers to") + " " + t.kind()
                        + (t.name().isEmpty() || t.kind() == BtfKind.VOID ? "" : " '" + t.name() + "'") + ")");
            }
            if (multiplier == 0 || size == 0) {
                return 0;
            }
            if (multiplier > MAX_SIZE || size > MAX_SIZE / multiplier) {
                throw new ObjectFormatException("BTF type [" + id + "] " + describe(id) + ": size is 2^32 bytes or more");
            }
            return size * multiplier;
        }
        throw cycle(id, "computing its size");
    }

    private static final long MAX_SIZE = 0xffff_ffffL;

    /** Every BTF {@code FUNC} with its prototype, in type id order. */
    public List<FunctionSignature> functions() {
        List<FunctionSignature> out = new ArrayList<>();
        for (BtfType t : types) {
            if (t instanceof BtfType.Func f) {
                out.add(signature(f));
            }
        }
        return out;
    }

    /** The signature of the BTF {@code FUNC} called {@code name}. */
    public Optional<FunctionSignature> function(String name) {
        return find(BtfKind.FUNC, name).map(t -> signature((BtfType.Func) t));
    }

    /** The signature of the {@code FUNC} with type id {@code funcId}. */
    public FunctionSignature signature(int funcId) {
        if (!(type(funcId) instanceof BtfType.Func f)) {
            throw new ObjectFormatException("BTF type [" + funcId + "] is " + type(funcId).kind() + ", not FUNC");
        }
        return signature(f);
    }

    private FunctionSignature signature(BtfType.Func f) {
        if (!(type(f.type()) instanceof BtfType.FuncProto proto)) {
            throw new ObjectFormatException("BTF FUNC [" + f.id() + "] '" + f.name() + "' has type " + f.type()
                    + ", which is " + type(f.type()).kind() + ", not FUNC_PROTO");
        }
        List<FunctionSignature.Parameter> params = new ArrayList<>();
        boolean variadic = false;
        for (int i = 0; i < proto.params().size(); i++) {
            BtfType.Param p = proto.params().get(i);
            if (p.type() == 0 && i == proto.params().size() - 1) {
                variadic = true;
            } else {
                params.add(new FunctionSignature.Parameter(p.name(), p.type(), describe(p.type())));
            }
        }
        return new FunctionSignature(f.id(), f.name(), f.linkage(), proto.returnType(), describe(proto.returnType()),
                params, variadic);
    }

    /** How C would spell the type: {@code unsigned int}, {@code struct xdp_md *}, {@code __u32[4]}. */
    public String describe(int id) {
        StringBuilder sb = new StringBuilder();
        describe(id, sb, 0);
        return sb.toString();
    }

    private void describe(int id, StringBuilder sb, int depth) {
        if (depth > MAX_RESOLVE_DEPTH) {
            sb.append("...");
            return;
        }
        if (id < 0 || id > types.size()) {
            sb.append("<bad type ").append(Integer.toUnsignedString(id)).append('>');
            return;
        }
        BtfType t = type(id);
        switch (t) {
            case BtfType.Void v -> sb.append("void");
            case BtfType.Int i -> sb.append(i.name());
            case BtfType.Float f -> sb.append(f.name());
            case BtfType.Typedef td -> sb.append(td.name());
            case BtfType.Struct s -> sb.append(s.union() ? "union " : "struct ").append(s.name().isEmpty() ? "{...}" : s.name());
            case BtfType.Enum e -> sb.append("enum ").append(e.name().isEmpty() ? "{...}" : e.name());
            case BtfType.Fwd f -> sb.append(f.union() ? "union " : "struct ").append(f.name());
            case BtfType.Ptr p -> {
                describe(p.type(), sb, depth + 1);
                sb.append(" *");
            }
            case BtfType.Array a -> {
                describe(a.elementType(), sb, depth + 1);
                sb.append('[').append(a.count()).append(']');
            }
            case BtfType.Modifier m -> {
                switch (m.kind()) {
                    case CONST -> sb.append("const ");
                    case VOLATILE -> sb.append("volatile ");
                    case RESTRICT -> sb.append("restrict ");
                    default -> sb.append("__attribute__((btf_type_tag(\"").append(m.name()).append("\"))) ");
                }
                describe(m.type(), sb, depth + 1);
            }
            case BtfType.FuncProto fp -> {
                describe(fp.returnType(), sb, depth + 1);
                sb.append(" (");
                for (int i = 0; i < fp.params().size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    BtfType.Param p = fp.params().get(i);
                    if (p.type() == 0 && i == fp.params().size() - 1) {
                        sb.append("...");
                    } else {
                        describe(p.type(), sb, depth + 1);
                    }
                }
                sb.append(')');
            }
            case BtfType.Func f -> sb.append(f.name());
            case BtfType.Var v -> sb.append(v.name());
            case BtfType.DataSec d -> sb.append(d.name());
            case BtfType.DeclTag d -> sb.append(d.name());
        }
    }

    private ObjectFormatException cycle(int id, String doing) {
        return new ObjectFormatException("BTF type [" + id + "]: more than " + MAX_RESOLVE_DEPTH
                + " type references while " + doing + " (a reference cycle?)");
    }
}
