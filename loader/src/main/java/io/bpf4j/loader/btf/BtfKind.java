package io.bpf4j.loader.btf;

/** The kinds of BTF type, under their {@code BTF_KIND_*} numbers. */
public enum BtfKind {
    /** Type id 0, {@code void}; never encoded in a type section. */
    VOID(0),
    INT(1),
    PTR(2),
    ARRAY(3),
    STRUCT(4),
    UNION(5),
    ENUM(6),
    FWD(7),
    TYPEDEF(8),
    VOLATILE(9),
    CONST(10),
    RESTRICT(11),
    FUNC(12),
    FUNC_PROTO(13),
    VAR(14),
    DATASEC(15),
    FLOAT(16),
    DECL_TAG(17),
    TYPE_TAG(18),
    ENUM64(19);

    private static final BtfKind[] BY_NUMBER = values();

    private final int number;

    BtfKind(int number) {
        this.number = number;
    }

    /** The {@code BTF_KIND_*} value. */
    public int number() {
        return number;
    }

    /** The kind with that number, or null if there is none (0 is VOID, which types never have). */
    static BtfKind of(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }
}
