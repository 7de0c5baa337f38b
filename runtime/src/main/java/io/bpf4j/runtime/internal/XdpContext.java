package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.maps.Errno;

import io.bpf4j.runtime.ContextAccess;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionTracer;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.spi.ContextFields;
import io.bpf4j.runtime.types.Redirect;
import io.bpf4j.runtime.types.XdpAction;
import io.bpf4j.runtime.types.XdpFrame;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import java.lang.foreign.MemorySegment;

/**
 * One XDP run: the frame buffer (Linux's {@code xdp_buff}) and the {@code struct xdp_md} the
 * program sees. The buffer is one region whose window is {@code [data_meta, data_end)}; the
 * adjust helpers move the three pointers within it, never the bytes' addresses.
 *
 * <p>{@code struct xdp_md}: data (0), data_end (4), data_meta (8), ingress_ifindex (12),
 * rx_queue_index (16), egress_ifindex (20); every field is read with 4-byte loads only and none
 * can be written, as Linux's {@code xdp_is_valid_access} rules. The pointer fields read as full
 * 64-bit addresses. egress_ifindex is readable whatever the attach point (Linux allows it only to
 * programs attached to a devmap, and rejects the others at load).
 */
public final class XdpContext implements BuiltInContext, ContextAccess, PacketAccess, ContextFields {
    static final String STRUCT = "struct xdp_md";
    static final int STRUCT_SIZE = 24;
    /** {@code sizeof(struct xdp_frame)} on x86-64: the start of the buffer a frame's data may not move into. */
    static final int XDP_FRAME_SIZE = 40;
    /** Linux's xdp_metalen_invalid: the metadata length is a byte (skb_shared_info.meta_len). */
    static final int MAX_META_LENGTH = 255;
    static final int ETH_HLEN = 14;

    // Not final: an in-place context is reused run after run by its thread's run state (see
    // inPlace(ProgramType, XdpFrame)); a copying run's context is made for that run alone.
    private ProgramType type;
    private int ingressIfindex;
    private int rxQueueIndex;
    private int egressIfindex;
    /** The caller's frame an in-place run works on, or null for a run on a copy of a packet. */
    private XdpFrame inPlace;
    /**
     * The frame's bytes: plain array copies move packets in and out, which cost far less than
     * segment copies from arrays (each wraps the array in a new segment). Atomics on a
     * {@code byte[]} region go through {@link Memory}'s lock, which is still atomic: the frame
     * belongs to this run alone.
     */
    private byte[] bytes;
    private MemorySegment buffer;
    /** Offset of data_hard_end: the frame less the shared-info block. */
    private int hardEnd;
    private Memory memory;
    /** Where {@link #mapRegions} mapped this context (its r1), 0 before; see {@link #address()}. */
    private long contextAddress;
    private long base;
    private int meta;
    private int data;
    private int end;
    Redirect redirect;

    public XdpContext(ProgramType type, XdpPacket packet) {
        this.type = type;
        this.ingressIfindex = packet.ingressIfindex();
        this.rxQueueIndex = packet.rxQueueIndex();
        this.egressIfindex = packet.egressIfindex();
        this.inPlace = null;
        int length = packet.data().length;
        int needed = XdpPacket.HEADROOM + length + XdpPacket.SHARED_INFO_SIZE;
        int frame = (needed + XdpPacket.FRAME_SIZE - 1) / XdpPacket.FRAME_SIZE * XdpPacket.FRAME_SIZE;
        this.hardEnd = frame - XdpPacket.SHARED_INFO_SIZE;
        this.data = XdpPacket.HEADROOM;
        this.meta = data - packet.metadata().length;
        this.end = data + length;
        FramePool pool = frame == XdpPacket.FRAME_SIZE ? POOL.get() : null;
        if (pool != null && !pool.inUse) {
            // One frame per thread serves run after run: allocating and zeroing a fresh page cost more
            // than short programs' whole run. Only the headroom must be cleared: it is the one part
            // a program can reach without writing it first (through adjust_head or adjust_meta);
            // the packet and metadata are copied over, and adjust_tail zeroes what it grows into.
            pool.inUse = true;
            this.borrowed = pool;
            this.bytes = pool.bytes;
            this.buffer = pool.frame;
            java.util.Arrays.fill(bytes, 0, meta, (byte) 0);
        } else {
            this.bytes = new byte[hardEnd];
            this.buffer = MemorySegment.ofArray(bytes);
        }
        System.arraycopy(packet.metadata(), 0, bytes, meta, packet.metadata().length);
        System.arraycopy(packet.data(), 0, bytes, data, length);
    }

    /** A run in place on the caller's frame: nothing is copied. */
    public XdpContext(ProgramType type, XdpFrame frame) {
        inPlace(type, frame);
    }

    /** A context for in-place runs, to be {@link #inPlace(ProgramType, XdpFrame) set up} for each. */
    public XdpContext() {}

    /**
     * Sets this context up for a run in place on {@code frame}, as a fresh one would be: how one
     * thread's run state reuses one context run after run instead of allocating one per run.
     * {@link #leave()} must follow the run. References are stored only when they change: a reused
     * context is old, and each reference store into it costs a GC barrier.
     */
    public XdpContext inPlace(ProgramType type, XdpFrame frame) {
        if (this.type != type) {
            this.type = type;
        }
        if (this.inPlace != frame) {
            this.inPlace = frame;
            this.buffer = frame.buffer();
            this.hardEnd = (int) buffer.byteSize();
        }
        this.ingressIfindex = frame.ingressIfindex();
        this.rxQueueIndex = frame.rxQueueIndex();
        this.egressIfindex = frame.egressIfindex();
        this.meta = frame.metaOffset();
        this.data = frame.dataOffset();
        this.end = frame.endOffset();
        this.redirect = null;
        return this;
    }

    /**
     * Ends an in-place run: leaves the frame as the program left it, pointers and redirect
     * included (even after a fault). A reused context keeps the frame (and the run state its
     * memory) for the next run: one frame per thread stays reachable until that thread's next
     * in-place run, which is how its regions are reused without being mapped again.
     */
    public void leave() {
        Redirect left = redirect;
        redirect = null;
        inPlace.leftAt(meta, data, end, left);
    }

    /** The frame's buffer this context is set up for. */
    public MemorySegment frameBuffer() {
        return buffer;
    }

    /**
     * For an in-place run whose regions the run state kept mapped from the last run on this
     * context: the packet region at {@code packetBase} has this context's frame buffer behind it
     * (its window closed since); opens the window from data_meta to data_end.
     */
    public void enterMapped(Memory runMemory, long packetBase) {
        if (memory != runMemory) {
            memory = runMemory;
        }
        base = packetBase;
        updateWindow();
    }

    /** The type of an XDP run ({@code run}, for the message) of {@code program}; throws if the program is of another type. */
    public static ProgramType typeOf(Program program, String run) {
        return RunTypes.check(program, run, ProgramType.XDP);
    }

    /** The result of a copying run that ran on {@code frame} in place: r0 and copies of what it left. */
    public static XdpResult result(long r0, XdpFrame frame) {
        byte[] metadata = frame.metaOffset() == frame.dataOffset() ? NO_BYTES : frame.metadata();
        return new XdpResult(r0, XdpAction.of((int) r0), frame.packet(), metadata, frame.redirect());
    }

    /** Runs {@code executable} on {@code frame} in place as an XDP program; returns r0. */
    public static long runInPlace(Executable executable, XdpFrame frame, ExecutionTracer tracer) {
        XdpContext context = new XdpContext(typeOf(executable.program(), "runXdpInPlace"), frame);
        try {
            return executable.run(context, tracer);
        } finally {
            context.leave();
        }
    }

    /**
     * Maps the frame and the context into {@code runMemory} (what
     * {@link #enter} does) and returns the context pointer: an in-place run takes it without an {@link Entry}.
     */
    public long mapRegions(Memory runMemory) {
        this.memory = runMemory;
        this.base = runMemory.map("packet", buffer, true);
        updateWindow();
        this.contextAddress = runMemory.mapContext(CONTEXT_REGION, this);
        return contextAddress;
    }

    private static final String CONTEXT_REGION = "context (" + STRUCT + ")";

    /** Runs {@code executable} on {@code packet} as an XDP program. */
    public static XdpResult run(Executable executable, XdpPacket packet, ExecutionTracer tracer) {
        XdpContext context = new XdpContext(RunTypes.check(executable.program(), "runXdp", ProgramType.XDP), packet);
        try {
            return context.result(executable.run(context, tracer));
        } finally {
            context.release();
        }
    }

    /** The thread's reusable one-page frame, free for the next run once the last one's result is copied out. */
    private static final class FramePool {
        final byte[] bytes = new byte[XdpPacket.FRAME_SIZE - XdpPacket.SHARED_INFO_SIZE];
        final MemorySegment frame = MemorySegment.ofArray(bytes);
        boolean inUse;
    }

    private static final ThreadLocal<FramePool> POOL = ThreadLocal.withInitial(FramePool::new);

    /** The pooled frame this run borrowed, or null when it has a frame of its own. */
    private FramePool borrowed;

    /** Gives the pooled frame back; the context must not be used afterwards. */
    void release() {
        if (borrowed != null) {
            borrowed.inUse = false;
            borrowed = null;
        }
    }

    @Override
    public ProgramType type() {
        return type;
    }

    @Override
    public Entry enter(Memory runMemory) {
        return new Entry(mapRegions(runMemory), 0, 0); // XDP programs cannot use legacy packet loads
    }

    private void updateWindow() {
        memory.setWindow(base + meta, base + end);
    }

    XdpResult result(long r0) {
        return new XdpResult(r0, XdpAction.of((int) r0), bytes(data, end), bytes(meta, data), redirect);
    }

    private static final byte[] NO_BYTES = new byte[0];

    private byte[] bytes(int from, int to) {
        if (from == to) {
            return NO_BYTES;
        }
        return bytes != null ? java.util.Arrays.copyOfRange(bytes, from, to)
                : buffer.asSlice(from, to - from).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    // ------------------------------------------------------------------ struct xdp_md

    @Override
    public long load(long address, int offset, int size, int pc) {
        check(address, offset, size, false, pc);
        return field(offset);
    }

    // ContextFields: compiled code's direct reads of the fields, as load() reads them (the 4-byte
    // loads at the offsets of the fields, which check() lets through).

    @Override
    public long address() {
        return contextAddress;
    }

    @Override
    public boolean isField(int offset) {
        return offset >= 0 && offset < STRUCT_SIZE && offset % 4 == 0;
    }

    @Override
    public long field(int offset) {
        return switch (offset) {
            case 0 -> base + data;
            case 4 -> base + end;
            case 8 -> base + meta;
            case 12 -> ingressIfindex & 0xffffffffL;
            case 16 -> rxQueueIndex & 0xffffffffL;
            default -> egressIfindex & 0xffffffffL;
        };
    }

    @Override
    public void store(long address, int offset, int size, long value, int pc) {
        check(address, offset, size, true, pc);
        throw ContextFaults.readOnly(pc, address, size, STRUCT, fieldName(offset), offset, type);
    }

    private void check(long address, int offset, int size, boolean write, int pc) {
        if (offset < 0 || offset >= STRUCT_SIZE) {
            throw ContextFaults.outside(pc, address, size, write, offset, STRUCT, STRUCT_SIZE, type);
        }
        if (offset % size != 0) {
            throw ContextFaults.misaligned(pc, address, size, write, offset, STRUCT, type);
        }
        if (size != 4) {
            throw ContextFaults.wrongSize(pc, address, size, write, STRUCT, fieldName(offset & ~3), offset & ~3,
                    "4-byte accesses", type);
        }
    }

    private static String fieldName(int offset) {
        return switch (offset) {
            case 0 -> "data";
            case 4 -> "data_end";
            case 8 -> "data_meta";
            case 12 -> "ingress_ifindex";
            case 16 -> "rx_queue_index";
            default -> "egress_ifindex";
        };
    }

    // ------------------------------------------------------------------ what the helpers do

    /** bpf_xdp_adjust_head: moves data (and the metadata with it) by {@code delta}. */
    int adjustHead(int delta) {
        int metaLength = data - meta;
        long newData = (long) data + delta;
        if (newData < XDP_FRAME_SIZE + metaLength || newData > end - ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (metaLength > 0) {
            MemorySegment.copy(buffer, meta, buffer, meta + delta, metaLength);
        }
        meta += delta;
        data = (int) newData;
        updateWindow();
        return 0;
    }

    /** bpf_xdp_adjust_meta: moves data_meta by {@code delta}. */
    int adjustMeta(int delta) {
        long newMeta = (long) meta + delta;
        if (newMeta < XDP_FRAME_SIZE || newMeta > data) {
            return -Errno.EINVAL;
        }
        long metaLength = data - newMeta;
        if ((metaLength & 3) != 0 || metaLength > MAX_META_LENGTH) {
            return -Errno.EACCES;
        }
        meta = (int) newMeta;
        updateWindow();
        return 0;
    }

    /** bpf_xdp_adjust_tail: moves data_end by {@code delta}, zeroing what it grows by. */
    int adjustTail(int delta) {
        long newEnd = (long) end + delta;
        if (newEnd > hardEnd || newEnd < data + ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (delta > 0) {
            buffer.asSlice(end, delta).fill((byte) 0);
        }
        end = (int) newEnd;
        updateWindow();
        return 0;
    }

    /** Address of data, for helpers that work on packet offsets. */
    long dataAddress() {
        return base + data;
    }

    @Override
    public int packetLength() {
        return end - data;
    }

    @Override
    public byte[] packetBytes(int offset, int length) {
        return bytes(data + offset, data + offset + length);
    }

    MemorySegment buffer() {
        return buffer;
    }

    int dataOffset() {
        return data;
    }
}
