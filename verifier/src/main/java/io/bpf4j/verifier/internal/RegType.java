package io.bpf4j.verifier.internal;

/** What a register holds, as the verifier tracks it (Linux's {@code enum bpf_reg_type}, base types). */
public enum RegType {
    NOT_INIT("?"),
    SCALAR("scalar"),
    PTR_TO_CTX("ctx"),
    CONST_PTR_TO_MAP("map_ptr"),
    PTR_TO_MAP_VALUE("map_value"),
    PTR_TO_MAP_KEY("map_key"),
    PTR_TO_STACK("fp"),
    PTR_TO_PACKET("pkt"),
    PTR_TO_PACKET_META("pkt_meta"),
    PTR_TO_PACKET_END("pkt_end"),
    /** Memory of a known size: ring-buffer reservations, helper-returned buffers. */
    PTR_TO_MEM("mem"),
    PTR_TO_FUNC("func"),
    PTR_TO_SOCKET("sock"),
    PTR_TO_SOCK_COMMON("sock_common"),
    PTR_TO_TCP_SOCK("tcp_sock"),
    PTR_TO_BTF_ID("ptr_");

    private final String linuxName;

    RegType(String linuxName) {
        this.linuxName = linuxName;
    }

    /** The name Linux's verifier log uses. */
    public String linuxName() {
        return linuxName;
    }

    public boolean isPointer() {
        return this != NOT_INIT && this != SCALAR;
    }

    public boolean isPacket() {
        return this == PTR_TO_PACKET || this == PTR_TO_PACKET_META;
    }
}
