package io.bpf4j.runtime;

/**
 * What a helper expects in one argument register: Linux's {@code enum bpf_arg_type}, the part a
 * verifier checks before the call. "Memory" arguments are followed by a size argument
 * ({@link #CONST_SIZE} or {@link #CONST_SIZE_OR_ZERO}) that bounds them.
 */
public enum HelperArgType {
    /** Not used: the register is not read. */
    DONTCARE,
    /** Any initialized value, scalar or (privileged) pointer. */
    ANYTHING,
    /** A map reference loaded with {@code lddw} (a map pointer). */
    CONST_MAP_PTR,
    /** Memory of the map's key size, initialized (stack, map value, packet). */
    PTR_TO_MAP_KEY,
    /** Memory of the map's value size, initialized. */
    PTR_TO_MAP_VALUE,
    /** Memory of the map's value size that the helper writes (need not be initialized). */
    PTR_TO_UNINIT_MAP_VALUE,
    /** A map value, or null. */
    PTR_TO_MAP_VALUE_OR_NULL,
    /** Initialized memory the helper reads, sized by the next argument. */
    PTR_TO_MEM,
    /** Initialized memory the helper reads, or null, sized by the next argument. */
    PTR_TO_MEM_OR_NULL,
    /** Memory the helper writes, sized by the next argument; need not be initialized. */
    PTR_TO_UNINIT_MEM,
    /** Memory the helper writes, or null, sized by the next argument. */
    PTR_TO_UNINIT_MEM_OR_NULL,
    /** The size of the previous memory argument: a bounded scalar greater than zero. */
    CONST_SIZE,
    /** The size of the previous memory argument: a bounded scalar, zero allowed. */
    CONST_SIZE_OR_ZERO,
    /** A size for memory the helper allocates (ring-buffer reservations): a known constant. */
    CONST_ALLOC_SIZE_OR_ZERO,
    /** The program's context pointer, unmodified. */
    PTR_TO_CTX,
    /** The context pointer or null. */
    PTR_TO_CTX_OR_NULL,
    /** Eight writable bytes the helper stores a result into. */
    PTR_TO_LONG,
    /** Four writable bytes the helper stores a result into. */
    PTR_TO_INT,
    /** A pointer to the stack, or null (callback context of {@code bpf_loop} and friends). */
    PTR_TO_STACK_OR_NULL,
    /** A subprogram (callback), loaded with {@code lddw} src 4. */
    PTR_TO_FUNC,
    /** A constant, NUL-terminated string in a read-only map. */
    PTR_TO_CONST_STR,
    /** Ring-buffer memory returned by {@code bpf_ringbuf_reserve}, released by this call. */
    PTR_TO_ALLOC_MEM,
    /** A socket (acquired reference). */
    PTR_TO_SOCKET,
    /** Any socket-like kernel object. */
    PTR_TO_SOCK_COMMON,
    /** A kernel object described by BTF (tracing programs). */
    PTR_TO_BTF_ID,
    /** A kernel socket object described by BTF. */
    PTR_TO_BTF_ID_SOCK_COMMON,
    /** A kernel socket object described by BTF, or null. */
    PTR_TO_BTF_ID_SOCK_COMMON_OR_NULL,
    /** A per-CPU kernel variable described by BTF. */
    PTR_TO_PERCPU_BTF_ID,
    /** A {@code struct bpf_spin_lock} in a map value. */
    PTR_TO_SPIN_LOCK,
    /** A {@code struct bpf_timer} in a map value. */
    PTR_TO_TIMER,
    /** A referenced kernel pointer field in a map value. */
    PTR_TO_KPTR,
    /** A {@code struct bpf_dynptr} on the stack. */
    PTR_TO_DYNPTR;

    /** Whether a verifier must prove this argument points to memory the next argument sizes. */
    public boolean isSizedMemory() {
        return switch (this) {
            case PTR_TO_MEM, PTR_TO_MEM_OR_NULL, PTR_TO_UNINIT_MEM, PTR_TO_UNINIT_MEM_OR_NULL -> true;
            default -> false;
        };
    }

    /** Whether this argument is the size of the previous one. */
    public boolean isSize() {
        return this == CONST_SIZE || this == CONST_SIZE_OR_ZERO;
    }
}
