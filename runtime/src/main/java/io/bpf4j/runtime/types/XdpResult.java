package io.bpf4j.runtime.types;

/**
 * What an XDP run produced.
 *
 * @param returnValue r0 at exit (Linux uses its low 32 bits)
 * @param action the action r0 names ({@link XdpAction#of})
 * @param packet the frame as the program left it: from {@code data} to {@code data_end}, after
 *     in-place writes and {@code bpf_xdp_adjust_head}/{@code _tail}
 * @param metadata the bytes from {@code data_meta} to {@code data}
 * @param redirect the target of the last successful redirect call, or null if there was none
 *     (meaningful when the action is {@link XdpAction#REDIRECT})
 */
public record XdpResult(long returnValue, XdpAction action, byte[] packet, byte[] metadata, Redirect redirect) {}
