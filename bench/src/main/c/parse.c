// Packet parsing with bounds checks: Ethernet, optional VLAN tags, IPv4 with options, UDP/TCP
// ports; drops a few ports, passes the rest.
#include "common.h"

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct eth *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_ABORTED;
    __u16 proto = eth->proto;
    void *cursor = eth + 1;
#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != __builtin_bswap16(0x8100))
            break;
        __u16 *tag = cursor;
        if ((void *)(tag + 2) > end)
            return XDP_ABORTED;
        proto = tag[1];
        cursor = tag + 2;
    }
    if (proto != ETH_IPV4)
        return XDP_PASS;
    struct ipv4 *ip = cursor;
    if ((void *)(ip + 1) > end)
        return XDP_ABORTED;
    __u32 ihl = (ip->ver_ihl & 0xf) * 4;
    if (ihl < sizeof(*ip))
        return XDP_DROP;
    if (ip->ttl <= 1)
        return XDP_DROP;
    if (ip->proto != 6 && ip->proto != 17)
        return XDP_PASS;
    struct ports *ports = (void *)ip + ihl;
    if ((void *)(ports + 1) > end)
        return XDP_ABORTED;
    __u16 dport = __builtin_bswap16(ports->dport);
    __u16 sport = __builtin_bswap16(ports->sport);
    if (dport == 23 || dport == 2323 || sport == 19)
        return XDP_DROP;
    if (dport < 1024 && (ip->frag & __builtin_bswap16(0x1fff)))
        return XDP_DROP;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
