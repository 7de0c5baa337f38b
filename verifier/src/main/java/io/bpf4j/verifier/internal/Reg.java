package io.bpf4j.verifier.internal;

import java.util.Objects;

/**
 * The verifier's knowledge of one register (or spilled stack slot): its type and, for a scalar,
 * its value; for a pointer, the fixed offset {@link #off} plus a variable offset {@link #var}
 * from the start of the object. Mutable; states copy registers before changing them.
 */
public final class Reg {
    /** Estimated heap bytes of a register with its scalar and known bits (for the verifier's memory limit). */
    static final long BYTES = 176;

    RegType type = RegType.NOT_INIT;
    /** For a pointer that may be null until checked (map lookups, reservations). */
    boolean maybeNull;
    /** For a map value of a read-only map ({@code .rodata}, BPF_F_RDONLY_PROG). */
    boolean readOnly;
    /** Fixed offset of a pointer into its object. */
    int off;
    /** The value of a scalar, or the variable offset of a pointer. */
    Scalar var = Scalar.constant(0);
    /**
     * Identity shared by copies: pointers that are null together (maybe-null pointers), packet
     * pointers with the same variable offset (range), scalars known equal.
     */
    int id;
    /** The acquired reference this pointer holds (0: none). */
    int refId;
    /** For map pointers and map values: the map's index in the request. */
    int map = -1;
    /** For packet pointers: bytes known to be in the packet from the pointer's base (off 0). */
    int range;
    /** For {@link RegType#PTR_TO_MEM}: size of the memory. */
    int memSize;
    /** For stack pointers: the frame they point into; for functions: the subprogram's first instruction. */
    int frame;
    /**
     * In a remembered state: some path from it depended on this scalar's value, so pruning must
     * compare it (see {@link Precision}). Not copied: a copy starts with no such knowledge.
     */
    boolean precise;

    public static Reg notInit() {
        return new Reg();
    }

    public static Reg scalar(Scalar s) {
        Reg r = new Reg();
        r.type = RegType.SCALAR;
        r.var = s;
        return r;
    }

    public static Reg unknownScalar() {
        return scalar(Scalar.unknown());
    }

    public static Reg constant(long v) {
        return scalar(Scalar.constant(v));
    }

    public static Reg pointer(RegType type, int off) {
        Reg r = new Reg();
        r.type = type;
        r.off = off;
        return r;
    }

    public Reg copy() {
        Reg r = new Reg();
        r.type = type;
        r.maybeNull = maybeNull;
        r.readOnly = readOnly;
        r.off = off;
        r.var = var.copy();
        r.id = id;
        r.refId = refId;
        r.map = map;
        r.range = range;
        r.memSize = memSize;
        r.frame = frame;
        return r;
    }

    public RegType type() {
        return type;
    }

    public Scalar value() {
        return var;
    }

    public boolean isScalar() {
        return type == RegType.SCALAR;
    }

    public boolean isPointer() {
        return type.isPointer();
    }

    public boolean isInit() {
        return type != RegType.NOT_INIT;
    }

    public boolean isConst() {
        return type == RegType.SCALAR && var.isConst();
    }

    /** Whether two registers are the same abstract value (for loop detection). */
    public boolean sameAs(Reg o) {
        if (type != o.type) {
            return false;
        }
        if (type == RegType.NOT_INIT) {
            return true;
        }
        return maybeNull == o.maybeNull && off == o.off && var.sameAs(o.var) && refId == o.refId && map == o.map
                && range == o.range && memSize == o.memSize && frame == o.frame && readOnly == o.readOnly;
    }

    long fingerprint() {
        if (type == RegType.NOT_INIT) {
            return 0;
        }
        long h = type.ordinal() * 7919L + off;
        h = h * 31 + (maybeNull ? 1 : 0) + map * 17L + range * 13L + memSize * 11L + frame * 5L + refId;
        Scalar v = var;
        h = h * 31 + v.smin;
        h = h * 31 + v.smax;
        h = h * 31 + v.umin;
        h = h * 31 + v.umax;
        h = h * 31 + v.tnum.value();
        h = h * 31 + v.tnum.mask();
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reg r && sameAs(r) && id == r.id;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, off, map);
    }

    @Override
    public String toString() {
        if (type == RegType.NOT_INIT) {
            return "?";
        }
        if (type == RegType.SCALAR) {
            return var.isConst() ? Long.toString(var.constValue()) : var.toString();
        }
        StringBuilder b = new StringBuilder(type.linuxName());
        if (maybeNull) {
            b.append("_or_null");
        }
        b.append("(");
        String sep = "";
        if (id != 0) {
            b.append("id=").append(id);
            sep = ",";
        }
        if (refId != 0) {
            b.append(sep).append("ref_obj_id=").append(refId);
            sep = ",";
        }
        if (off != 0 || type == RegType.PTR_TO_STACK) {
            b.append(sep).append("off=").append(off);
            sep = ",";
        }
        if (type.isPacket()) {
            b.append(sep).append("r=").append(range);
            sep = ",";
        }
        if (type == RegType.PTR_TO_MEM) {
            b.append(sep).append("size=").append(memSize);
            sep = ",";
        }
        if (map >= 0) {
            b.append(sep).append("map=").append(map);
            sep = ",";
        }
        if (!var.isConst() || var.constValue() != 0) {
            b.append(sep).append("var=").append(var);
        }
        return b.append(")").toString();
    }
}
