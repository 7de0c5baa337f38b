package io.bpf4j.runtime;

/** What a helper leaves in r0: Linux's {@code enum bpf_return_type}. */
public enum HelperReturnType {
    /** A number the verifier knows nothing about. */
    INTEGER,
    /** Nothing: r0 is not readable after the call. */
    VOID,
    /** A pointer to a value of the map in argument 1, or null: must be checked before use. */
    PTR_TO_MAP_VALUE_OR_NULL,
    /** A pointer to a value of the map in argument 1 (never null). */
    PTR_TO_MAP_VALUE,
    /** An acquired socket, or null. */
    PTR_TO_SOCKET_OR_NULL,
    /** A TCP socket, or null. */
    PTR_TO_TCP_SOCK_OR_NULL,
    /** An acquired socket-like object, or null. */
    PTR_TO_SOCK_COMMON_OR_NULL,
    /** Memory the helper allocated (a ring-buffer reservation) sized by argument 2, or null. */
    PTR_TO_ALLOC_MEM_OR_NULL,
    /** Memory, or null (dynptr data). */
    PTR_TO_MEM_OR_NULL,
    /** A kernel object described by BTF, or null. */
    PTR_TO_BTF_ID_OR_NULL,
    /** A kernel object described by BTF. */
    PTR_TO_BTF_ID,
    /** Memory of a per-CPU variable or a BTF object, or null. */
    PTR_TO_MEM_OR_BTF_ID_OR_NULL,
    /** Memory of a per-CPU variable or a BTF object. */
    PTR_TO_MEM_OR_BTF_ID;

    /** Whether the result may be null and must be compared with 0 before it is used. */
    public boolean mayBeNull() {
        return name().endsWith("_OR_NULL");
    }
}
