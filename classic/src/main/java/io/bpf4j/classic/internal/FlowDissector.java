package io.bpf4j.classic.internal;

/**
 * Where a packet's transport payload starts, as Linux's {@code skb_get_poff} computes it from its
 * flow dissector: the transport header offset plus the header (TCP's data offset, 8 for UDP, ICMP,
 * ICMPv6 and IGMP, 12 for SCTP, 16 for DCCP); the transport offset alone for fragments after the
 * first; 0 when the packet does not dissect. Covers Ethernet frames with up to two VLAN tags
 * carrying IPv4 or IPv6 (with hop-by-hop, routing, destination options and fragment headers),
 * which is what socket filters on Ethernet devices see.
 */
final class FlowDissector {
    private static final int ETH_HLEN = 14;

    private FlowDissector() {}

    static int payloadOffset(byte[] p, int protocol) {
        int offset = ETH_HLEN;
        int proto = protocol;
        for (int tags = 0; (proto == 0x8100 || proto == 0x88a8) && tags < 2; tags++) {
            if (p.length < offset + 4) {
                return 0;
            }
            proto = u16(p, offset + 2);
            offset += 4;
        }
        int ipProto;
        int thoff;
        boolean laterFragment = false;
        if (proto == 0x0800) {
            if (p.length < offset + 20) {
                return 0;
            }
            int ihl = (p[offset] & 0x0f) * 4;
            if (ihl < 20 || (p[offset] & 0xf0) != 0x40) {
                return 0;
            }
            int frag = u16(p, offset + 6);
            laterFragment = (frag & 0x1fff) != 0;
            ipProto = p[offset + 9] & 0xff;
            thoff = offset + ihl;
        } else if (proto == 0x86dd) {
            if (p.length < offset + 40) {
                return 0;
            }
            int next = p[offset + 6] & 0xff;
            int at = offset + 40;
            for (int i = 0; i < 8; i++) {
                if (next == 0 || next == 43 || next == 60) {
                    if (p.length < at + 8) {
                        return 0;
                    }
                    int len = ((p[at + 1] & 0xff) + 1) * 8;
                    next = p[at] & 0xff;
                    at += len;
                } else if (next == 44) {
                    if (p.length < at + 8) {
                        return 0;
                    }
                    laterFragment = (u16(p, at + 2) & 0xfff8) != 0;
                    next = p[at] & 0xff;
                    at += 8;
                } else {
                    break;
                }
            }
            ipProto = next;
            thoff = at;
        } else {
            return 0;
        }
        if (laterFragment) {
            return thoff;
        }
        return switch (ipProto) {
            case 6 -> {
                if (p.length < thoff + 13) {
                    yield thoff;
                }
                int doff = (p[thoff + 12] & 0xf0) >>> 4;
                yield doff == 0 ? thoff : thoff + Math.max(20, doff * 4);
            }
            case 17, 136, 1, 58, 2 -> thoff + 8;
            case 132 -> thoff + 12;
            case 33 -> thoff + 16;
            default -> thoff;
        };
    }

    private static int u16(byte[] p, int at) {
        return (p[at] & 0xff) << 8 | p[at + 1] & 0xff;
    }
}
