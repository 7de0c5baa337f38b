package io.bpf4j.runtime.types;

/**
 * What a socket filter run produced. Linux keeps {@code min(r0, len)} bytes of the packet (r0
 * taken as an unsigned 32-bit value) and drops the packet when that is 0.
 *
 * @param returnValue r0 at exit
 * @param bytesKept how many bytes of the packet the socket receives; 0 drops it
 * @param skb the packet and its metadata after the run (a socket filter can only write {@code cb})
 */
public record SocketFilterResult(long returnValue, int bytesKept, SkBuff skb) {
    public boolean accepted() {
        return bytesKept > 0;
    }
}
