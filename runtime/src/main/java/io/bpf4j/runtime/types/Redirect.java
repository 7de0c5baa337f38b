package io.bpf4j.runtime.types;

import io.bpf4j.runtime.maps.BpfMap;

/**
 * Where a program asked a packet to go, as the last successful {@code bpf_redirect} or
 * {@code bpf_redirect_map} call of the run recorded it (Linux's per-CPU
 * {@code bpf_redirect_info}). bpf4j does not deliver the packet: the host does, if it wants to.
 *
 * @param ifindex the target interface, for {@code bpf_redirect}; -1 for a map redirect
 * @param map the map of a {@code bpf_redirect_map} call (a devmap, xskmap or cpumap in Linux), or null
 * @param key the key of a map redirect; 0 otherwise
 * @param flags the call's flags: {@code BPF_F_INGRESS} (1) for a tc redirect into the target's
 *     ingress, {@code BPF_F_BROADCAST} (8) and {@code BPF_F_EXCLUDE_INGRESS} (16) for an XDP map
 *     redirect
 */
public record Redirect(int ifindex, BpfMap map, long key, long flags) {
    /** {@code BPF_F_INGRESS}. */
    public static final long INGRESS = 1;
    /** {@code BPF_F_BROADCAST}. */
    public static final long BROADCAST = 1 << 3;
    /** {@code BPF_F_EXCLUDE_INGRESS}. */
    public static final long EXCLUDE_INGRESS = 1 << 4;

    /** A redirect to an interface, by {@code bpf_redirect(ifindex, flags)}. */
    public static Redirect toInterface(int ifindex, long flags) {
        return new Redirect(ifindex, null, 0, flags);
    }

    /** A redirect through a map, by {@code bpf_redirect_map(map, key, flags)}. */
    public static Redirect throughMap(BpfMap map, long key, long flags) {
        return new Redirect(-1, map, key, flags);
    }

    public boolean isMapRedirect() {
        return map != null;
    }

    /** The map's name, or null for an interface redirect. */
    public String mapName() {
        return map == null ? null : map.name();
    }

    /** Whether a tc redirect goes to the target's ingress ({@code BPF_F_INGRESS}) rather than its egress. */
    public boolean ingress() {
        return (flags & INGRESS) != 0;
    }
}
