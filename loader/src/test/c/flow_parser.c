// XDP flow accounting: parses Ethernet, up to two VLAN tags (802.1Q / 802.1ad), IPv4 with
// options, IPv6 with extension headers, then TCP, UDP or ICMP, checking every header against
// data_end, and counts packets and bytes per 5-tuple flow plus one counter per parse outcome.
// Malformed frames are dropped; frames that are not IP pass uncounted.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT 4

struct vlan_tag {
    __be16 tci;
    __be16 next_proto;
};

struct ipv6_ext {
    __u8 next_header;
    __u8 length; /* in 8-byte units, not counting the first 8 bytes */
};

struct icmp_header {
    __u8 type;
    __u8 code;
    __sum16 checksum;
    __be16 id; /* echo request and reply */
    __be16 sequence;
};

struct flow_key {
    __u8 family; /* 4 or 6 */
    __u8 proto;
    __u16 vlan_id; /* the outer tag's id, 0 if untagged */
    __be16 sport; /* ICMP: type and code */
    __be16 dport; /* ICMP: echo id */
    __u8 saddr[16];
    __u8 daddr[16];
};

struct flow_stats {
    __u64 packets;
    __u64 bytes;
    __u32 tcp_flags; /* every TCP flag byte seen, or-ed */
    __u32 last_length;
};

enum outcome {
    OUT_TCP,
    OUT_UDP,
    OUT_ICMP,
    OUT_OTHER_L4,
    OUT_FRAGMENT,
    OUT_NOT_IP,
    OUT_SHORT_ETH,
    OUT_SHORT_VLAN,
    OUT_TOO_MANY_TAGS,
    OUT_SHORT_IP,
    OUT_BAD_IP_HEADER,
    OUT_SHORT_IPV6_EXT,
    OUT_SHORT_L4,
    OUT_COUNT
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, struct flow_key);
    __type(value, struct flow_stats);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, OUT_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} outcomes SEC(".maps");

static __always_inline int count(enum outcome o, int action)
{
    __u32 key = o;
    __u64 *n = bpf_map_lookup_elem(&outcomes, &key);
    if (n)
        __sync_fetch_and_add(n, 1);
    return action;
}

/* Parses the transport header at l4 into the key; returns the outcome. */
static __always_inline enum outcome parse_l4(void *l4, void *end, __u8 proto, struct flow_key *key, __u32 *tcp_flags)
{
    if (proto == IPPROTO_TCP) {
        struct tcphdr *tcp = l4;
        if ((void *)(tcp + 1) > end)
            return OUT_SHORT_L4;
        if (tcp->doff < 5 || l4 + tcp->doff * 4 > end)
            return OUT_SHORT_L4;
        key->sport = tcp->source;
        key->dport = tcp->dest;
        *tcp_flags = ((__u8 *)tcp)[13];
        return OUT_TCP;
    }
    if (proto == IPPROTO_UDP) {
        struct udphdr *udp = l4;
        if ((void *)(udp + 1) > end)
            return OUT_SHORT_L4;
        key->sport = udp->source;
        key->dport = udp->dest;
        return OUT_UDP;
    }
    if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
        struct icmp_header *icmp = l4;
        if ((void *)(icmp + 1) > end)
            return OUT_SHORT_L4;
        key->sport = bpf_htons(icmp->type << 8 | icmp->code);
        key->dport = icmp->id;
        return OUT_ICMP;
    }
    return OUT_OTHER_L4;
}

SEC("xdp")
int xdp_flow_parser(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct flow_key key = {};
    __u32 tcp_flags = 0;
    enum outcome result;

    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return count(OUT_SHORT_ETH, XDP_DROP);
    __be16 proto = eth->h_proto;
    void *cursor = eth + 1;

#pragma unroll
    for (int i = 0; i < MAX_VLAN_TAGS; i++) {
        if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
            break;
        struct vlan_tag *tag = cursor;
        if ((void *)(tag + 1) > end)
            return count(OUT_SHORT_VLAN, XDP_DROP);
        if (i == 0)
            key.vlan_id = bpf_ntohs(tag->tci) & 0x0fff;
        proto = tag->next_proto;
        cursor = tag + 1;
    }
    if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD))
        return count(OUT_TOO_MANY_TAGS, XDP_DROP);

    if (proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = cursor;
        if ((void *)(ip + 1) > end)
            return count(OUT_SHORT_IP, XDP_DROP);
        if (ip->version != 4 || ip->ihl < 5)
            return count(OUT_BAD_IP_HEADER, XDP_ABORTED);
        void *l4 = cursor + ip->ihl * 4;
        if (l4 > end)
            return count(OUT_SHORT_IP, XDP_DROP);
        key.family = 4;
        key.proto = ip->protocol;
        __builtin_memcpy(key.saddr, &ip->saddr, 4);
        __builtin_memcpy(key.daddr, &ip->daddr, 4);
        /* later fragments carry no transport header: count them under the addresses only */
        if (ip->frag_off & bpf_htons(0x1fff))
            result = OUT_FRAGMENT;
        else
            result = parse_l4(l4, end, ip->protocol, &key, &tcp_flags);
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = cursor;
        if ((void *)(ip6 + 1) > end)
            return count(OUT_SHORT_IP, XDP_DROP);
        if (ip6->version != 6)
            return count(OUT_BAD_IP_HEADER, XDP_ABORTED);
        key.family = 6;
        __builtin_memcpy(key.saddr, &ip6->saddr, 16);
        __builtin_memcpy(key.daddr, &ip6->daddr, 16);
        __u8 next = ip6->nexthdr;
        void *l4 = ip6 + 1;
        result = OUT_COUNT;
        for (int i = 0; i < MAX_IPV6_EXT; i++) {
            if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS
                && next != IPPROTO_FRAGMENT)
                break;
            struct ipv6_ext *ext = l4;
            if ((void *)(ext + 1) > end)
                return count(OUT_SHORT_IPV6_EXT, XDP_DROP);
            if (next == IPPROTO_FRAGMENT) {
                __be16 *offset = l4 + 2;
                if ((void *)(offset + 1) > end)
                    return count(OUT_SHORT_IPV6_EXT, XDP_DROP);
                if (*offset & bpf_htons(0xfff8))
                    result = OUT_FRAGMENT;
                next = ext->next_header;
                l4 += 8;
            } else {
                next = ext->next_header;
                l4 += (ext->length + 1) * 8;
            }
            if (l4 > end)
                return count(OUT_SHORT_IPV6_EXT, XDP_DROP);
        }
        key.proto = next;
        if (result != OUT_FRAGMENT)
            result = parse_l4(l4, end, next, &key, &tcp_flags);
    } else {
        return count(OUT_NOT_IP, XDP_PASS);
    }

    if (result == OUT_SHORT_L4)
        return count(result, XDP_DROP);

    __u32 length = end - data;
    struct flow_stats *stats = bpf_map_lookup_elem(&flows, &key);
    if (stats) {
        __sync_fetch_and_add(&stats->packets, 1);
        __sync_fetch_and_add(&stats->bytes, length);
        stats->tcp_flags |= tcp_flags;
        stats->last_length = length;
    } else {
        struct flow_stats fresh = {.packets = 1, .bytes = length, .tcp_flags = tcp_flags, .last_length = length};
        bpf_map_update_elem(&flows, &key, &fresh, BPF_NOEXIST);
    }
    return count(result, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
