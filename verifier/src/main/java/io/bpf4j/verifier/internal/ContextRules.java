package io.bpf4j.verifier.internal;

import io.bpf4j.runtime.ProgramType;

/**
 * Which bytes of its context a program type may read and write, and what a read yields (a number,
 * or for {@code data}/{@code data_end}/{@code data_meta} a packet pointer): Linux's per-type
 * {@code is_valid_access}.
 */
public final class ContextRules {
    /** A context access: allowed or not, and the register type a read produces. */
    record Access(boolean allowed, RegType result, boolean maybeNull) {
        static final Access DENIED = new Access(false, null, false);
        static final Access SCALAR = new Access(true, RegType.SCALAR, false);

        Access(boolean allowed, RegType result) {
            this(allowed, result, false);
        }
    }

    // struct __sk_buff
    private static final int SKB_SIZE = 192;
    private static final int MARK = 8, QUEUE_MAPPING = 12, PRIORITY = 32, TC_INDEX = 44, CB = 48, CB_END = 68,
            TC_CLASSID = 72, DATA = 76, DATA_END = 80, FAMILY = 88, LOCAL_PORT_END = 140, DATA_META = 140,
            FLOW_KEYS = 144, TSTAMP = 152, WIRE_LEN = 160, SK = 168, TSTAMP_TYPE = 180, HWTSTAMP = 184;
    // struct xdp_md
    private static final int XDP_SIZE = 24;
    // struct pt_regs (x86-64), struct bpf_perf_event_data, raw tracepoint args, struct bpf_sock_ops
    private static final int PT_REGS_SIZE = 168;
    private static final int PERF_EVENT_SIZE = 184;
    private static final int RAW_TP_SIZE = 12 * 8;
    /** Linux's PERF_MAX_TRACE_SIZE: a tracepoint's record, after its 8-byte common header. */
    private static final int TRACEPOINT_MAX = 8192;
    // struct bpf_sock_ops (Linux 6.18: 224 bytes)
    private static final int SOCK_OPS_SIZE = 224;
    private static final int SOCK_OPS_REPLY = 4, SOCK_OPS_SK_TXHASH = 164, SOCK_OPS_BYTES_RECEIVED = 168,
            SOCK_OPS_SK = 184, SOCK_OPS_SKB_DATA = 192, SOCK_OPS_SKB_DATA_END = 200, SOCK_OPS_SKB_TCP_FLAGS = 212,
            SOCK_OPS_SKB_HWTSTAMP = 216;
    private static final int SECCOMP_DATA_SIZE = 64;

    private ContextRules() {}

    /** Whether the program type has a context at all (for {@link ProgramType#UNSPEC}, r1 is plain memory). */
    static boolean hasContext(ProgramType type) {
        return type != ProgramType.UNSPEC;
    }

    static Access check(ProgramType type, int off, int size, boolean write) {
        if (off < 0 || size <= 0) {
            return Access.DENIED;
        }
        return switch (type) {
            case XDP -> xdp(off, size, write);
            case SOCKET_FILTER -> skb(type, off, size, write, false, false);
            case SCHED_CLS, SCHED_ACT -> skb(type, off, size, write, true, true);
            case CGROUP_SKB, LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL, SK_SKB -> skb(type, off, size, write, true, false);
            case KPROBE -> readOnlyAligned(off, size, write, PT_REGS_SIZE);
            case PERF_EVENT -> perfEvent(off, size, write);
            case TRACEPOINT -> tracepoint(off, size, write);
            case RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACING, LSM -> readOnlyAligned(off, size, write, RAW_TP_SIZE);
            case SOCK_OPS -> sockOps(off, size, write);
            case SECCOMP -> size == 4 && !write && off % 4 == 0 && off + 4 <= SECCOMP_DATA_SIZE ? Access.SCALAR
                    : Access.DENIED;
            default -> readOnlyAligned(off, size, write, 64);
        };
    }

    private static Access xdp(int off, int size, boolean write) {
        if (write || off >= XDP_SIZE || off % size != 0 || size != 4) {
            return Access.DENIED;
        }
        return switch (off) {
            case 0 -> new Access(true, RegType.PTR_TO_PACKET);
            case 4 -> new Access(true, RegType.PTR_TO_PACKET_END);
            case 8 -> new Access(true, RegType.PTR_TO_PACKET_META);
            case 20 -> Access.DENIED; // egress_ifindex: only for programs attached to device maps
            default -> Access.SCALAR;
        };
    }

    private static Access skb(ProgramType type, int off, int size, boolean write, boolean packetAccess, boolean tc) {
        if (off + size > SKB_SIZE || off % size != 0) {
            return Access.DENIED;
        }
        if (write) {
            boolean cb = off >= CB && off + size <= CB_END;
            if (cb) {
                return Access.SCALAR;
            }
            if (size != 4 && !(off == TSTAMP && size == 8)) {
                return Access.DENIED;
            }
            // Socket filters may write only cb[]; cgroup skb programs also mark and priority.
            boolean writable = type != ProgramType.SOCKET_FILTER && (off == MARK || off == PRIORITY || off == TSTAMP
                    || (tc && (off == TC_INDEX || off == TC_CLASSID || off == QUEUE_MAPPING)));
            return writable ? Access.SCALAR : Access.DENIED;
        }
        switch (off) {
            case DATA, DATA_END, DATA_META -> {
                if (!packetAccess || size != 4 || (off == DATA_META && !tc)) {
                    return Access.DENIED;
                }
                return new Access(true, off == DATA ? RegType.PTR_TO_PACKET
                        : off == DATA_END ? RegType.PTR_TO_PACKET_END : RegType.PTR_TO_PACKET_META);
            }
            case FLOW_KEYS, SK -> {
                return Access.DENIED;
            }
            default -> { }
        }
        if (off >= TSTAMP && off < TSTAMP + 8 || off >= HWTSTAMP) {
            return size == 8 && (off == TSTAMP || off == HWTSTAMP) ? Access.SCALAR : Access.DENIED;
        }
        if (off == TC_CLASSID && !tc) {
            return Access.DENIED;
        }
        // family .. local_port describe the socket: only programs that run with one (cgroup skb, sk_skb).
        if (off >= FAMILY && off < LOCAL_PORT_END && type != ProgramType.CGROUP_SKB && type != ProgramType.SK_SKB) {
            return Access.DENIED;
        }
        if (off >= TSTAMP_TYPE && off < HWTSTAMP) {
            return size == 1 && off == TSTAMP_TYPE ? Access.SCALAR : Access.DENIED;
        }
        return size <= 4 ? Access.SCALAR : Access.DENIED;
    }

    private static Access readOnlyAligned(int off, int size, boolean write, int limit) {
        if (write || off + size > limit || off % size != 0 || size > 8) {
            return Access.DENIED;
        }
        return Access.SCALAR;
    }

    // struct bpf_sock (80 bytes)
    private static final int SOCK_SIZE = 80;
    private static final int SOCK_FAMILY = 4, SOCK_TYPE = 8, SOCK_PROTOCOL = 12, SOCK_SRC_IP4 = 24, SOCK_SRC_PORT = 44,
            SOCK_DST_PORT = 48, SOCK_DST_IP4 = 52, SOCK_STATE = 72, SOCK_RX_QUEUE_MAPPING = 76;

    /**
     * Whether a program may read {@code size} bytes at {@code off} of a struct bpf_sock (Linux's
     * bpf_sock_is_valid_access): u32 fields whole; the small fields also narrower from their first
     * byte; the addresses and dst_port in any aligned part.
     */
    static boolean socketReadable(long off, int size) {
        if (off < 0 || off >= SOCK_SIZE || off % size != 0 || size > 4) {
            return false;
        }
        int o = (int) off;
        if (o == SOCK_FAMILY || o == SOCK_TYPE || o == SOCK_PROTOCOL || o == SOCK_SRC_PORT || o == SOCK_STATE
                || o == SOCK_RX_QUEUE_MAPPING) {
            return true;
        }
        if (o >= SOCK_SRC_IP4 && o < SOCK_SRC_PORT || o >= SOCK_DST_IP4 && o < SOCK_STATE) {
            return true; // src_ip4, src_ip6[4], dst_ip4, dst_ip6[4]
        }
        if (o >= SOCK_DST_PORT && o < SOCK_DST_PORT + 2) {
            return size == 4 ? o == SOCK_DST_PORT : true; // the 16-bit dst_port, or it with its pad as a u32
        }
        return size == 4;
    }

    /** Read-only, aligned, past the common header (which only the kernel's tracing code reads). */
    private static Access tracepoint(int off, int size, boolean write) {
        if (write || off < 8 || off >= TRACEPOINT_MAX || off % size != 0 || size > 8) {
            return Access.DENIED;
        }
        return Access.SCALAR;
    }

    /** struct bpf_perf_event_data: the saved registers as whole longs, sample_period and addr also in parts. */
    private static Access perfEvent(int off, int size, boolean write) {
        if (write || off + size > PERF_EVENT_SIZE || off % size != 0 || size > 8) {
            return Access.DENIED;
        }
        if (off < PT_REGS_SIZE && size != 8) {
            return Access.DENIED;
        }
        return Access.SCALAR;
    }

    /**
     * struct bpf_sock_ops: u32 fields read whole; the u64 counters, the socket and the packet
     * pointers read as 8 bytes; skb_tcp_flags also narrower (from its first byte). Only reply and sk_txhash are written.
     */
    private static Access sockOps(int off, int size, boolean write) {
        if (off + size > SOCK_OPS_SIZE || off % size != 0 || size > 8) {
            return Access.DENIED;
        }
        if (write) {
            return (off == SOCK_OPS_REPLY || off == SOCK_OPS_SK_TXHASH) && size == 4 ? Access.SCALAR : Access.DENIED;
        }
        if (off >= SOCK_OPS_BYTES_RECEIVED && off < SOCK_OPS_SKB_DATA_END + 8 || off >= SOCK_OPS_SKB_HWTSTAMP) {
            if (size != 8) {
                return Access.DENIED;
            }
            return switch (off) {
                case SOCK_OPS_SK -> new Access(true, RegType.PTR_TO_SOCKET, true);
                case SOCK_OPS_SKB_DATA -> new Access(true, RegType.PTR_TO_PACKET);
                case SOCK_OPS_SKB_DATA_END -> new Access(true, RegType.PTR_TO_PACKET_END);
                default -> Access.SCALAR;
            };
        }
        if (off == SOCK_OPS_SKB_TCP_FLAGS) {
            return size <= 4 ? Access.SCALAR : Access.DENIED; // a narrow read only from the field's start
        }
        return size == 4 ? Access.SCALAR : Access.DENIED;
    }
}
