package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.ContextAccess;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionTracer;
import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.types.CgroupSkbResult;
import io.bpf4j.runtime.types.Redirect;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.SocketFilterResult;
import io.bpf4j.runtime.types.TcAction;
import io.bpf4j.runtime.types.TcResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One run of a socket filter, tc or cgroup skb program: the packet buffer and the
 * {@code struct __sk_buff} the program sees, with Linux's field offsets and, per program type,
 * Linux's read and write permissions ({@code sk_filter_is_valid_access},
 * {@code tc_cls_act_is_valid_access}, {@code cg_skb_is_valid_access} over
 * {@code bpf_skb_is_valid_access}; cgroup skb programs are taken to be privileged, so they may
 * read data and data_end). The packet is one region whose window is {@code [data, data_end)};
 * data and data_end read as 64-bit addresses.
 *
 * <p>Fields that read as values the host cannot supply: {@code sk} reads as NULL, {@code
 * tstamp_type} (tc) as 0 ({@code BPF_SKB_TSTAMP_UNSPEC}), {@code data_meta} as data (no metadata).
 * Socket filter and cgroup skb programs start with {@code cb} zeroed and the skb's own {@code cb}
 * is restored after them, as Linux's {@code bpf_prog_run_save_cb} does; tc programs read and
 * write the skb's {@code cb}.
 */
public final class SkbContext implements BuiltInContext, ContextAccess, PacketAccess {
    static final String STRUCT = "struct __sk_buff";
    static final int STRUCT_SIZE = 192;
    /** Room before the data at the start, like Linux's NET_SKB_PAD plus some: vlan push and 4-to-6 need it. */
    static final int HEADROOM = 128;
    static final int TAILROOM = 64;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // __sk_buff offsets
    static final int LEN = 0, PKT_TYPE = 4, MARK = 8, QUEUE_MAPPING = 12, PROTOCOL = 16, VLAN_PRESENT = 20,
            VLAN_TCI = 24, VLAN_PROTO = 28, PRIORITY = 32, INGRESS_IFINDEX = 36, IFINDEX = 40, TC_INDEX = 44, CB = 48,
            HASH = 68, TC_CLASSID = 72, DATA = 76, DATA_END = 80, NAPI_ID = 84, FAMILY = 88, REMOTE_IP4 = 92,
            LOCAL_IP4 = 96, REMOTE_IP6 = 100, LOCAL_IP6 = 116, REMOTE_PORT = 132, LOCAL_PORT = 136, DATA_META = 140,
            FLOW_KEYS = 144, TSTAMP = 152, WIRE_LEN = 160, GSO_SEGS = 164, SK = 168, GSO_SIZE = 176, TSTAMP_TYPE = 180,
            HWTSTAMP = 184;
    static final int CB_END = CB + 20;

    private final ProgramType type;
    private final SkBuff input;
    private MemorySegment buffer;
    private Memory memory;
    private long base;
    int data;
    int end;
    /** Bytes of link-layer header from data (Linux's mac_len, with the MAC header at data). */
    int macLength;
    /** Offset of the network header from data. */
    int networkOffset;
    int protocol;
    int mark;
    int priority;
    int queueMapping;
    int tcIndex;
    int tcClassid;
    final byte[] cb = new byte[20];
    int hash;
    boolean vlanPresent;
    int vlanTci;
    int vlanProto;
    long tstamp;
    Redirect redirect;

    public SkbContext(ProgramType type, SkBuff skb) {
        this.type = type;
        this.input = skb;
        byte[] bytes = skb.data();
        // A plain array copy: a segment copy from an array wraps the array in one more segment.
        byte[] frame = new byte[HEADROOM + bytes.length + TAILROOM];
        System.arraycopy(bytes, 0, frame, HEADROOM, bytes.length);
        this.buffer = MemorySegment.ofArray(frame);
        this.data = HEADROOM;
        this.end = data + bytes.length;
        this.macLength = skb.macLength();
        this.networkOffset = skb.macLength();
        this.protocol = skb.protocol();
        this.mark = skb.mark();
        this.priority = skb.priority();
        this.queueMapping = skb.queueMapping();
        this.tcIndex = skb.tcIndex();
        this.tcClassid = skb.tcClassid();
        if (!savesCb(type)) {
            int[] words = skb.cb();
            for (int i = 0; i < 5; i++) {
                for (int b = 0; b < 4; b++) {
                    cb[i * 4 + b] = (byte) (words[i] >>> (8 * b)); // little-endian, as the program reads it
                }
            }
        }
        this.hash = skb.hash();
        this.vlanPresent = skb.vlanPresent();
        this.vlanTci = skb.vlanTci();
        this.vlanProto = skb.vlanProto();
        this.tstamp = skb.tstamp();
    }

    private static boolean savesCb(ProgramType type) {
        return type == ProgramType.SOCKET_FILTER || type == ProgramType.CGROUP_SKB;
    }

    // ------------------------------------------------------------------ runs

    public static SocketFilterResult runSocketFilter(Executable executable, SkBuff skb, ExecutionTracer tracer) {
        SkbContext c = new SkbContext(RunTypes.check(executable.program(), "runSocketFilter", ProgramType.SOCKET_FILTER), skb);
        long r0 = executable.run(c, tracer);
        int kept = (int) Math.min(r0 & 0xffffffffL, c.length());
        return new SocketFilterResult(r0, kept, c.toSkBuff());
    }

    public static TcResult runTc(Executable executable, SkBuff skb, ExecutionTracer tracer) {
        SkbContext c = new SkbContext(RunTypes.check(executable.program(), "runTc", ProgramType.SCHED_CLS, ProgramType.SCHED_ACT), skb);
        long r0 = executable.run(c, tracer);
        return new TcResult(r0, TcAction.of((int) r0), c.toSkBuff(), c.redirect);
    }

    public static CgroupSkbResult runCgroupSkb(Executable executable, SkBuff skb, ExecutionTracer tracer) {
        SkbContext c = new SkbContext(RunTypes.check(executable.program(), "runCgroupSkb", ProgramType.CGROUP_SKB), skb);
        long r0 = executable.run(c, tracer);
        return new CgroupSkbResult(r0, c.toSkBuff());
    }

    @Override
    public ProgramType type() {
        return type;
    }

    /** Whether tc-only helpers (packet writes, vlan, redirect) may run: tc programs only. */
    boolean isTc() {
        return type == ProgramType.SCHED_CLS || type == ProgramType.SCHED_ACT;
    }

    @Override
    public Entry enter(Memory runMemory) {
        this.memory = runMemory;
        this.base = runMemory.map("packet", buffer, true);
        runMemory.setWindow(base + data, base + end);
        long context = runMemory.mapContext("context (" + STRUCT + ")", this);
        return new Entry(context, base + data, length());
    }

    /** The skb as the program left it. */
    SkBuff toSkBuff() {
        SkBuff.Builder b = input.toBuilder()
                .data(buffer.asSlice(data, length()).toArray(ValueLayout.JAVA_BYTE))
                .macLength(Math.min(macLength, length()))
                .protocol(protocol)
                .mark(mark)
                .priority(priority)
                .queueMapping(queueMapping)
                .tcIndex(tcIndex)
                .tcClassid(tcClassid)
                .hash(hash)
                .tstamp(tstamp);
        if (!savesCb(type)) {
            MemorySegment cbSegment = MemorySegment.ofArray(cb);
            int[] words = new int[5];
            for (int i = 0; i < 5; i++) {
                words[i] = cbSegment.get(U32, i * 4L);
            }
            b.cb(words);
        }
        if (vlanPresent) {
            b.vlan(vlanProto, vlanTci);
        } else {
            b.noVlan();
        }
        b.wireLength(input.wireLength()); // the length on the wire does not change with the packet
        return b.build();
    }

    // ------------------------------------------------------------------ the packet, for helpers

    int length() {
        return end - data;
    }

    long dataAddress() {
        return base + data;
    }

    MemorySegment buffer() {
        return buffer;
    }

    /**
     * Makes room for {@code head} more bytes before data and {@code tail} more after the end,
     * moving the packet into a larger buffer if needed (then its bytes' addresses change, as
     * Linux's skb reallocation changes them; Linux's verifier makes programs reload their packet
     * pointers after every helper that may do it).
     */
    void ensureRoom(int head, int tail, HelperContext h) {
        int capacity = (int) buffer.byteSize();
        if (data >= head && end + tail <= capacity) {
            return;
        }
        int newData = Math.max(data, head + HEADROOM);
        int newCapacity = Math.max(capacity, newData + length() + tail + TAILROOM);
        MemorySegment bigger = MemorySegment.ofArray(new byte[newCapacity]);
        MemorySegment.copy(buffer, data, bigger, newData, length());
        end = newData + length();
        data = newData;
        buffer = bigger;
        memory.replaceSegment(base, bigger);
        updateWindow(h);
    }

    /** Publishes data and end to the address space, and to the engine's legacy packet loads. */
    void updateWindow(HelperContext h) {
        memory.setWindow(base + data, base + end);
        h.setLegacyPacket(base + data, length());
    }

    @Override
    public int packetLength() {
        return length();
    }

    @Override
    public byte[] packetBytes(int offset, int length) {
        return buffer.asSlice(data + offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    // ------------------------------------------------------------------ struct __sk_buff

    @Override
    public long load(long address, int offset, int size, int pc) {
        check(address, offset, size, false, pc);
        if (offset >= CB && offset < CB_END) {
            return cbLoad(offset - CB, size);
        }
        return switch (offset) {
            case TSTAMP -> tstamp;
            case HWTSTAMP -> input.hwtstamp();
            case SK, FLOW_KEYS -> 0;
            case TSTAMP_TYPE -> 0;
            case DATA, DATA_END, DATA_META -> word(offset); // 4-byte loads of full 64-bit addresses
            default -> ContextFaults.narrow(word(offset & ~3), offset & 3, size);
        };
    }

    private long cbLoad(int at, int size) {
        MemorySegment s = MemorySegment.ofArray(cb);
        return switch (size) {
            case 1 -> s.get(ValueLayout.JAVA_BYTE, at) & 0xffL;
            case 2 -> s.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at) & 0xffffL;
            case 4 -> s.get(U32, at) & 0xffffffffL;
            default -> s.get(U64, at);
        };
    }

    /** The value of the 4-byte field at {@code offset}, zero-extended (addresses are 64-bit). */
    private long word(int offset) {
        SkBuff.Socket socket = input.socket();
        return switch (offset) {
            case LEN -> length();
            case PKT_TYPE -> input.pktType() & 7;
            case MARK -> u32(mark);
            case QUEUE_MAPPING -> queueMapping;
            case PROTOCOL -> Short.reverseBytes((short) protocol) & 0xffff;
            case VLAN_PRESENT -> vlanPresent ? 1 : 0;
            case VLAN_TCI -> vlanTci;
            case VLAN_PROTO -> Short.reverseBytes((short) vlanProto) & 0xffff;
            case PRIORITY -> u32(priority);
            case INGRESS_IFINDEX -> u32(input.ingressIfindex());
            case IFINDEX -> u32(input.ifindex());
            case TC_INDEX -> tcIndex;
            case HASH -> u32(hash);
            case TC_CLASSID -> tcClassid;
            case DATA, DATA_META -> base + data;
            case DATA_END -> base + end;
            case NAPI_ID -> u32(input.napiId());
            case FAMILY -> socket == null ? 0 : u32(socket.family());
            case REMOTE_IP4 -> socket == null ? 0 : addressWord(socket.remoteAddress(), 4, 0);
            case LOCAL_IP4 -> socket == null ? 0 : addressWord(socket.localAddress(), 4, 0);
            case REMOTE_PORT -> socket == null ? 0 : u32((Short.reverseBytes((short) socket.remotePort()) & 0xffff) << 16);
            case LOCAL_PORT -> socket == null ? 0 : socket.localPort() & 0xffff;
            case WIRE_LEN -> u32(input.wireLength());
            case GSO_SEGS -> u32(input.gsoSegs());
            case GSO_SIZE -> u32(input.gsoSize());
            default -> {
                if (offset >= REMOTE_IP6 && offset < LOCAL_IP6) {
                    yield socket == null ? 0 : addressWord(socket.remoteAddress(), 16, offset - REMOTE_IP6);
                }
                if (offset >= LOCAL_IP6 && offset < REMOTE_PORT) {
                    yield socket == null ? 0 : addressWord(socket.localAddress(), 16, offset - LOCAL_IP6);
                }
                throw new IllegalStateException("no __sk_buff word at " + offset);
            }
        };
    }

    private static long u32(int v) {
        return v & 0xffffffffL;
    }

    /** Word {@code at} of an address of {@code length} bytes (network order), as a little-endian u32; 0 for another family. */
    private static long addressWord(byte[] address, int length, int at) {
        if (address.length != length) {
            return 0;
        }
        return u32(MemorySegment.ofArray(address).get(U32, at));
    }

    @Override
    public void store(long address, int offset, int size, long value, int pc) {
        check(address, offset, size, true, pc);
        if (offset >= CB && offset < CB_END) {
            MemorySegment s = MemorySegment.ofArray(cb);
            int at = offset - CB;
            switch (size) {
                case 1 -> s.set(ValueLayout.JAVA_BYTE, at, (byte) value);
                case 2 -> s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at, (short) value);
                case 4 -> s.set(U32, at, (int) value);
                default -> s.set(U64, at, value);
            }
            return;
        }
        switch (offset) {
            case MARK -> mark = (int) value;
            case PRIORITY -> priority = (int) value;
            case TC_INDEX -> tcIndex = (int) value & 0xffff;
            case TC_CLASSID -> tcClassid = (int) value & 0xffff;
            case TSTAMP -> tstamp = value;
            case QUEUE_MAPPING -> {
                // Linux ignores values that do not fit (NO_QUEUE_MAPPING and above)
                if (Long.compareUnsigned(value, 0xffff) < 0) {
                    queueMapping = (int) value;
                }
            }
            default -> throw new IllegalStateException("no writable __sk_buff field at " + offset);
        }
    }

    /** Checks an access against Linux's rules for this program type; throws the fault Linux's verifier message implies. */
    private void check(long address, int offset, int size, boolean write, int pc) {
        if (offset < 0 || offset >= STRUCT_SIZE) {
            throw ContextFaults.outside(pc, address, size, write, offset, STRUCT, STRUCT_SIZE, type);
        }
        if (offset % size != 0) {
            throw ContextFaults.misaligned(pc, address, size, write, offset, STRUCT, type);
        }
        int field = fieldOffset(offset);
        String name = fieldName(field);
        // per program type: what may not be touched at all, and what may be written
        boolean allowed = switch (type) {
            case SOCKET_FILTER -> !(field == TC_CLASSID || field == DATA || field == DATA_META || field == DATA_END
                    || socketField(field) || field == TSTAMP || field == WIRE_LEN || field == HWTSTAMP);
            case CGROUP_SKB -> !(field == TC_CLASSID || field == DATA_META || field == WIRE_LEN);
            default -> !socketField(field); // tc
        };
        if (!allowed) {
            throw ContextFaults.notAccessible(pc, address, size, write, STRUCT, name, field, type);
        }
        if (write) {
            boolean writable = switch (type) {
                case SOCKET_FILTER -> field >= CB && field < CB_END;
                case CGROUP_SKB -> field == MARK || field == PRIORITY || (field >= CB && field < CB_END) || field == TSTAMP;
                default -> field == MARK || field == TC_INDEX || field == PRIORITY || field == TC_CLASSID
                        || (field >= CB && field < CB_END) || field == TSTAMP || field == QUEUE_MAPPING;
            };
            if (!writable) {
                throw ContextFaults.readOnly(pc, address, size, STRUCT, name, field, type);
            }
        }
        // rules common to every skb program type (bpf_skb_is_valid_access)
        if (field >= CB && field < CB_END) {
            if (offset + size > CB_END) {
                throw ContextFaults.denied(pc, address, size, ContextFaults.access(write, size) + " at offset " + offset
                        + " of " + STRUCT + " runs past the end of cb");
            }
        } else if (field == DATA || field == DATA_META || field == DATA_END
                || (field >= REMOTE_IP4 && field < REMOTE_PORT)) {
            if (size != 4) {
                throw ContextFaults.wrongSize(pc, address, size, write, STRUCT, name, field, "4-byte accesses", type);
            }
        } else if (field == FLOW_KEYS) {
            throw ContextFaults.notAccessible(pc, address, size, write, STRUCT, name, field, type);
        } else if (field == HWTSTAMP || field == SK) {
            if (write) {
                throw ContextFaults.readOnly(pc, address, size, STRUCT, name, field, type);
            }
            if (size != 8) {
                throw ContextFaults.wrongSize(pc, address, size, write, STRUCT, name, field, "8-byte reads", type);
            }
        } else if (field == TSTAMP) {
            if (size != 8) {
                throw ContextFaults.wrongSize(pc, address, size, write, STRUCT, name, field, "8-byte accesses", type);
            }
        } else if (field == TSTAMP_TYPE) {
            if (offset != TSTAMP_TYPE) {
                throw ContextFaults.denied(pc, address, size, ContextFaults.access(write, size) + " at offset " + offset
                        + " of " + STRUCT + ", which is padding");
            }
            if (!isTc() || write || size != 1) {
                throw ContextFaults.denied(pc, address, size, ContextFaults.access(write, size) + " of " + STRUCT
                        + " field tstamp_type (offset 180): only tc programs may read it, with 1-byte loads");
            }
        } else if (write ? size != 4 : size > 4) {
            throw ContextFaults.wrongSize(pc, address, size, write, STRUCT, name, field,
                    write ? "4-byte writes" : "1-, 2- or 4-byte reads", type);
        }
    }

    private static boolean socketField(int field) {
        return field >= FAMILY && field <= LOCAL_PORT;
    }

    /** The offset of the field {@code offset} falls in (cb counts as one field per word). */
    static int fieldOffset(int offset) {
        if (offset >= FLOW_KEYS && offset < FLOW_KEYS + 8) {
            return FLOW_KEYS;
        }
        if (offset >= TSTAMP && offset < TSTAMP + 8) {
            return TSTAMP;
        }
        if (offset >= SK && offset < SK + 8) {
            return SK;
        }
        if (offset >= TSTAMP_TYPE && offset < HWTSTAMP) {
            return TSTAMP_TYPE;
        }
        if (offset >= HWTSTAMP) {
            return HWTSTAMP;
        }
        return offset & ~3;
    }

    static String fieldName(int field) {
        if (field >= CB && field < CB_END) {
            return "cb[" + (field - CB) / 4 + "]";
        }
        if (field >= REMOTE_IP6 && field < LOCAL_IP6) {
            return "remote_ip6[" + (field - REMOTE_IP6) / 4 + "]";
        }
        if (field >= LOCAL_IP6 && field < REMOTE_PORT) {
            return "local_ip6[" + (field - LOCAL_IP6) / 4 + "]";
        }
        return switch (field) {
            case LEN -> "len";
            case PKT_TYPE -> "pkt_type";
            case MARK -> "mark";
            case QUEUE_MAPPING -> "queue_mapping";
            case PROTOCOL -> "protocol";
            case VLAN_PRESENT -> "vlan_present";
            case VLAN_TCI -> "vlan_tci";
            case VLAN_PROTO -> "vlan_proto";
            case PRIORITY -> "priority";
            case INGRESS_IFINDEX -> "ingress_ifindex";
            case IFINDEX -> "ifindex";
            case TC_INDEX -> "tc_index";
            case HASH -> "hash";
            case TC_CLASSID -> "tc_classid";
            case DATA -> "data";
            case DATA_END -> "data_end";
            case NAPI_ID -> "napi_id";
            case FAMILY -> "family";
            case REMOTE_IP4 -> "remote_ip4";
            case LOCAL_IP4 -> "local_ip4";
            case REMOTE_PORT -> "remote_port";
            case LOCAL_PORT -> "local_port";
            case DATA_META -> "data_meta";
            case FLOW_KEYS -> "flow_keys";
            case TSTAMP -> "tstamp";
            case WIRE_LEN -> "wire_len";
            case GSO_SEGS -> "gso_segs";
            case SK -> "sk";
            case GSO_SIZE -> "gso_size";
            case TSTAMP_TYPE -> "tstamp_type";
            case HWTSTAMP -> "hwtstamp";
            default -> "offset " + field;
        };
    }
}
