package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.maps.Errno;

import io.bpf4j.runtime.ContextAccess;
import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.HostEnvironment;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.TaskInfo;
import io.bpf4j.runtime.maps.BpfMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The helpers tracing programs use, under their Linux ids, answering from the runtime's
 * {@link HostEnvironment}.
 *
 * <ul>
 * <li>{@code get_current_pid_tgid()}: {@code tgid << 32 | pid}; {@code get_current_uid_gid()}:
 *     {@code gid << 32 | uid}; {@code get_current_comm(buf, size)}: the name, NUL-terminated and
 *     zero-padded to size, cut to size - 1 bytes.
 * <li>{@code probe_read_kernel(dst, size, src)}, {@code probe_read_kernel_str(...)}: from the
 *     program's own memory (stack, maps, packet, a tracing context's bytes), which is kernel
 *     memory in Linux, else from the host's kernel {@link io.bpf4j.runtime.AddressSpace}.
 *     {@code probe_read_user(...)}, {@code probe_read_user_str(...)}: from the host's user
 *     address space. {@code probe_read} and {@code probe_read_str} (the legacy ones): program
 *     memory, else user space below x86-64's TASK_SIZE_MAX (0x7ffffffff000) and kernel space
 *     above it. A read that is not entirely mapped returns -EFAULT and zeroes dst. The _str
 *     variants copy up to a NUL or size - 1 bytes, always NUL-terminate, and return the length
 *     including the NUL. (Linux's -ERANGE for a kernel read of a user address does not apply:
 *     program memory has addresses of its own.)
 * <li>{@code trace_printk(fmt, fmt_size, a1, a2, a3)} and {@code trace_vprintk(fmt, fmt_size,
 *     data, data_len)}: see {@link TracePrintk}; the message goes to the host's sink.
 * <li>{@code perf_event_output(ctx, map, flags, data, size)} (and {@code xdp_output}): the sample
 *     goes to the host's {@link io.bpf4j.runtime.PerfEventSink} with the map and index (flags'
 *     low 32 bits; BPF_F_CURRENT_CPU is the thread's CPU slot; -E2BIG beyond max_entries). XDP and
 *     skb programs may append that many packet bytes with {@code BPF_F_CTXLEN_MASK} (-EFAULT if
 *     the packet is shorter). Other flags: -EINVAL. bpf4j has no perf event array maps yet, so any
 *     map is accepted as one.
 * </ul>
 */
public final class TracingHelpers {
    private TracingHelpers() {}

    public static final int PROBE_READ = 4;
    public static final int TRACE_PRINTK = 6;
    public static final int GET_CURRENT_PID_TGID = 14;
    public static final int GET_CURRENT_UID_GID = 15;
    public static final int GET_CURRENT_COMM = 16;
    public static final int PERF_EVENT_OUTPUT = 25;
    public static final int PROBE_READ_STR = 45;
    public static final int PROBE_READ_USER = 112;
    public static final int PROBE_READ_KERNEL = 113;
    public static final int PROBE_READ_USER_STR = 114;
    public static final int PROBE_READ_KERNEL_STR = 115;
    public static final int XDP_OUTPUT = 121;
    public static final int TRACE_VPRINTK = 177;

    /** TASK_SIZE_MAX on x86-64 with 4-level page tables: the end of user space. */
    static final long TASK_SIZE = 0x7fff_ffff_f000L;
    public static final long BPF_F_INDEX_MASK = 0xffff_ffffL;
    public static final long BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;
    public static final long BPF_F_CTXLEN_MASK = 0xf_ffffL << 32;

    /** Where a probe read reads from. */
    enum Space { KERNEL, USER, EITHER }

    static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        return registry
                .register(GET_CURRENT_PID_TGID, "get_current_pid_tgid", (a, b, c, d, e, h) -> {
                    TaskInfo task = h.host().currentTask();
                    return (long) task.tgid() << 32 | task.pid() & 0xffffffffL;
                })
                .register(GET_CURRENT_UID_GID, "get_current_uid_gid", (a, b, c, d, e, h) -> {
                    TaskInfo task = h.host().currentTask();
                    return (long) task.gid() << 32 | task.uid() & 0xffffffffL;
                })
                .register(GET_CURRENT_COMM, "get_current_comm", TracingHelpers::currentComm)
                .register(PROBE_READ, "probe_read", (dst, size, src, d, e, h) -> probeRead(h, dst, size, src, Space.EITHER, false))
                .register(PROBE_READ_STR, "probe_read_str", (dst, size, src, d, e, h) -> probeRead(h, dst, size, src, Space.EITHER, true))
                .register(PROBE_READ_KERNEL, "probe_read_kernel",
                        (dst, size, src, d, e, h) -> probeRead(h, dst, size, src, Space.KERNEL, false))
                .register(PROBE_READ_KERNEL_STR, "probe_read_kernel_str",
                        (dst, size, src, d, e, h) -> probeRead(h, dst, size, src, Space.KERNEL, true))
                .register(PROBE_READ_USER, "probe_read_user", (dst, size, src, d, e, h) -> probeRead(h, dst, size, src, Space.USER, false))
                .register(PROBE_READ_USER_STR, "probe_read_user_str",
                        (dst, size, src, d, e, h) -> probeRead(h, dst, size, src, Space.USER, true))
                .register(TRACE_PRINTK, "trace_printk", TracePrintk::printk)
                .register(TRACE_VPRINTK, "trace_vprintk", TracePrintk::vprintk)
                .register(PERF_EVENT_OUTPUT, "perf_event_output", TracingHelpers::perfEventOutput)
                .register(XDP_OUTPUT, "xdp_output", TracingHelpers::perfEventOutput);
    }

    static long currentComm(long buf, long size, long r3, long r4, long r5, HelperContext h) {
        int n = HelperArgs.size(size);
        Memory memory = h.memory();
        long at = memory.checkedOffset(buf, n, true, h.pc());
        if (n == 0) {
            return 0;
        }
        byte[] comm = h.host().currentTask().commBytes();
        MemorySegment dst = memory.segmentOf(buf).asSlice(at, n);
        dst.fill((byte) 0);
        MemorySegment.copy(comm, 0, dst, ValueLayout.JAVA_BYTE, 0, Math.min(comm.length, n - 1));
        return 0;
    }

    // ------------------------------------------------------------------ probe reads

    static long probeRead(HelperContext h, long dst, long size, long src, Space space, boolean string) {
        int n = HelperArgs.size(size);
        Memory memory = h.memory();
        long at = memory.checkedOffset(dst, n, true, h.pc());
        MemorySegment destination = memory.segmentOf(dst).asSlice(at, n);
        if (n == 0) {
            return 0;
        }
        byte[] bytes = new byte[n];
        int available = readTracee(h, src, bytes, space);
        if (string) {
            int length = 0; // bytes before the NUL, as far as they could be read, at most n
            while (length < available && length < n && bytes[length] != 0) {
                length++;
            }
            if (length < n && length == available) {
                destination.fill((byte) 0); // faulted before a NUL or the n-th byte
                return -Errno.EFAULT;
            }
            length = Math.min(length, n - 1); // a string that does not fit is cut and NUL-terminated
            MemorySegment.copy(bytes, 0, destination, ValueLayout.JAVA_BYTE, 0, length);
            destination.set(ValueLayout.JAVA_BYTE, length, (byte) 0);
            return length + 1;
        }
        if (available < n) {
            destination.fill((byte) 0);
            return -Errno.EFAULT;
        }
        MemorySegment.copy(bytes, 0, destination, ValueLayout.JAVA_BYTE, 0, n);
        return 0;
    }

    /**
     * Reads tracee memory at {@code address} into {@code into} as far as it is mapped; returns how
     * many bytes were. Kernel reads see the program's own memory first.
     */
    static int readTracee(HelperContext h, long address, byte[] into, Space space) {
        if (space != Space.USER) {
            int n = readProgramMemory(h.memory(), address, into);
            if (n >= 0) {
                return n;
            }
        }
        HostEnvironment host = h.host();
        boolean user = space == Space.USER || (space == Space.EITHER && Long.compareUnsigned(address, TASK_SIZE) < 0);
        int n = (user ? host.userMemory() : host.kernelMemory()).read(address, into, 0, into.length);
        return Math.max(0, Math.min(n, into.length));
    }

    /** Bytes of program memory at {@code address}, as far as its region's window goes; -1 if it is not program memory. */
    static int readProgramMemory(Memory memory, long address, byte[] into) {
        if (memory.isAccessible(address, 1, false)) {
            long available = memory.windowEnd(address) - address;
            int n = (int) Math.min(into.length, available);
            long offset = memory.checkedOffset(address, n, false, 0);
            MemorySegment.copy(memory.segmentOf(address), ValueLayout.JAVA_BYTE, offset, into, 0, n);
            return n;
        }
        ContextAccess context = memory.contextOf(address);
        if (context != null && context.image() != null) {
            long offset = address & 0xffff_ffffL;
            MemorySegment image = context.image();
            int n = (int) Math.max(0, Math.min(into.length, image.byteSize() - offset));
            MemorySegment.copy(image, ValueLayout.JAVA_BYTE, offset, into, 0, n);
            return n;
        }
        return -1;
    }

    // ------------------------------------------------------------------ perf events

    static long perfEventOutput(long ctx, long mapHandle, long flags, long data, long size, HelperContext h) {
        BpfMap map = h.map(mapHandle);
        Memory memory = h.memory();
        int n = HelperArgs.size(size);
        long at = memory.checkedOffset(data, n, false, h.pc());
        ContextAccess context = memory.contextAt(ctx);
        PacketAccess packet = context instanceof PacketAccess p ? p : null;
        long allowed = packet != null ? BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK : BPF_F_INDEX_MASK;
        if ((flags & ~allowed) != 0) {
            return -Errno.EINVAL;
        }
        int packetBytes = (int) ((flags & BPF_F_CTXLEN_MASK) >>> 32);
        if (packet != null && packetBytes > packet.packetLength()) {
            return -Errno.EFAULT;
        }
        long index = flags & BPF_F_INDEX_MASK;
        if (index == BPF_F_CURRENT_CPU) {
            index = map.cpuSlots().current();
        }
        if (index >= map.maxEntries()) {
            return -Errno.E2BIG;
        }
        byte[] sample = new byte[n + packetBytes];
        MemorySegment.copy(memory.segmentOf(data), ValueLayout.JAVA_BYTE, at, sample, 0, n);
        if (packetBytes > 0) {
            System.arraycopy(packet.packetBytes(0, packetBytes), 0, sample, n, packetBytes);
        }
        h.host().perfEvents().output(map, (int) index, sample);
        return 0;
    }
}
