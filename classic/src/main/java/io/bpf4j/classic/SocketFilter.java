package io.bpf4j.classic;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.SocketFilterResult;
import java.util.Objects;

/**
 * A classic socket filter ready to run on packets, with the result Linux gives: how many bytes of
 * the packet the socket receives ({@code min(return value, packet length)}; 0 drops it).
 *
 * <pre>{@code
 * SocketFilter f = SocketFilter.of(Tcpdump.compileEthernet("tcp port 80"));
 * if (f.matches(frame)) { ... }                        // an Ethernet frame
 * int kept = f.run(SkBuff.ofEthernet(frame)).bytesKept();
 * }</pre>
 *
 * Thread-safe: runs may happen on any number of threads at once.
 */
public final class SocketFilter {
    private final ClassicProgram classic;
    private final Executable executable;

    private SocketFilter(ClassicProgram classic, Executable executable) {
        this.classic = classic;
        this.executable = executable;
    }

    /**
     * Checks, converts and loads {@code program} into a runtime with the {@link ClassicHelpers}
     * for an Ethernet device.
     *
     * @throws ClassicCheckException if Linux would refuse it as a socket filter
     */
    public static SocketFilter of(ClassicProgram program) {
        return of(program, ClassicHelpers.runtime());
    }

    /** As {@link #of(ClassicProgram)}, in the given runtime (which needs {@link ClassicHelpers} if the program uses their loads). */
    public static SocketFilter of(ClassicProgram program, BpfRuntime runtime) {
        Objects.requireNonNull(runtime, "runtime");
        return new SocketFilter(program, runtime.load(ClassicConverter.toProgram("classic_socket_filter", program,
                FilterKind.SOCKET_FILTER)));
    }

    public ClassicProgram classic() {
        return classic;
    }

    /** The loaded eBPF form. */
    public Executable executable() {
        return executable;
    }

    /** Runs the filter on an skb. */
    public SocketFilterResult run(SkBuff skb) {
        return executable.runSocketFilter(skb);
    }

    /**
     * Bytes of an Ethernet frame that a packet socket with this filter receives, as when tcpdump
     * captures on an Ethernet device (0: the frame is dropped). Frames shorter than an Ethernet
     * header are given to the filter as they are.
     */
    public int bytesKept(byte[] frame) {
        return run(skbOf(frame)).bytesKept();
    }

    /** Whether the socket receives the frame at all. */
    public boolean matches(byte[] frame) {
        return bytesKept(frame) > 0;
    }

    /** An Ethernet frame as an skb: protocol and packet type from the header; a runt frame as raw bytes. */
    public static SkBuff skbOf(byte[] frame) {
        if (frame.length < SkBuff.ETH_HLEN) {
            return SkBuff.builder(frame).build();
        }
        return SkBuff.ofEthernet(frame);
    }
}
