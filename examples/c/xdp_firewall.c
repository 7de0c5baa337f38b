// xdp_firewall: an XDP program that parses Ethernet (with up to two VLAN tags), IPv4 and IPv6,
// TCP and UDP, with the bounds checks the verifier demands, and
//   - drops packets from source addresses listed in the `blocked_v4` hash map,
//   - drops TCP and UDP packets to the ports the `.rodata` configuration closes,
//   - counts packets and bytes per IP protocol (`proto_stats`, per-CPU) and per IPv4 source
//     (`sources`, an LRU hash: the busiest sources stay when more than its 32 entries arrive).
//
//   bpf4j run examples/objects/xdp_firewall.o --pcap examples/traffic.pcap
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct vlan_hdr {
    __be16 tci;
    __be16 encapsulated_proto;
};

struct stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, struct stats);
} proto_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 32);
    __type(key, __be32);
    __type(value, struct stats);
} sources SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __be32);
    __type(value, __u8);
} blocked_v4 SEC(".maps");

// Closed destination ports, in host byte order; 0 ends the list. Loaders may rewrite .rodata.
const volatile __u16 closed_ports[4] = {23, 445, 3389, 0};
// Packets dropped by each rule, in .bss: [0] blocked source, [1] closed port, [2] malformed.
__u64 dropped[3];

static __always_inline int port_closed(__u16 port)
{
#pragma unroll
    for (int i = 0; i < 4; i++) {
        if (closed_ports[i] == 0)
            return 0;
        if (closed_ports[i] == port)
            return 1;
    }
    return 0;
}

static __always_inline void count(__u32 proto, __u64 bytes)
{
    struct stats *s = bpf_map_lookup_elem(&proto_stats, &proto);
    if (s) {
        s->packets++;
        s->bytes += bytes;
    }
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u64 length = data_end - data;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end) {
        __sync_fetch_and_add(&dropped[2], 1);
        return XDP_DROP;
    }
    __u16 proto = eth->h_proto;
    void *cursor = eth + 1;
#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
            break;
        struct vlan_hdr *vlan = cursor;
        if ((void *)(vlan + 1) > data_end) {
            __sync_fetch_and_add(&dropped[2], 1);
            return XDP_DROP;
        }
        proto = vlan->encapsulated_proto;
        cursor = vlan + 1;
    }

    __u8 l4;
    void *l4_start;
    if (proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = cursor;
        if ((void *)(ip + 1) > data_end || ip->ihl < 5) {
            __sync_fetch_and_add(&dropped[2], 1);
            return XDP_DROP;
        }
        __be32 source = ip->saddr;
        if (bpf_map_lookup_elem(&blocked_v4, &source)) {
            __sync_fetch_and_add(&dropped[0], 1);
            return XDP_DROP;
        }
        struct stats *per_source = bpf_map_lookup_elem(&sources, &source);
        if (per_source) {
            __sync_fetch_and_add(&per_source->packets, 1);
            __sync_fetch_and_add(&per_source->bytes, length);
        } else {
            struct stats first = {1, length};
            bpf_map_update_elem(&sources, &source, &first, BPF_NOEXIST);
        }
        l4 = ip->protocol;
        // Only the first fragment carries the transport header.
        if (ip->frag_off & bpf_htons(0x1fff)) {
            count(l4, length);
            return XDP_PASS;
        }
        l4_start = cursor + ip->ihl * 4;
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = cursor;
        if ((void *)(ip6 + 1) > data_end) {
            __sync_fetch_and_add(&dropped[2], 1);
            return XDP_DROP;
        }
        l4 = ip6->nexthdr;
        l4_start = ip6 + 1;
    } else {
        count(255, length); // not IP: ARP and friends, counted in the last slot
        return XDP_PASS;
    }

    count(l4, length);
    __u16 port = 0;
    if (l4 == IPPROTO_TCP) {
        struct tcphdr *tcp = l4_start;
        if ((void *)(tcp + 1) > data_end) {
            __sync_fetch_and_add(&dropped[2], 1);
            return XDP_DROP;
        }
        port = bpf_ntohs(tcp->dest);
    } else if (l4 == IPPROTO_UDP) {
        struct udphdr *udp = l4_start;
        if ((void *)(udp + 1) > data_end) {
            __sync_fetch_and_add(&dropped[2], 1);
            return XDP_DROP;
        }
        port = bpf_ntohs(udp->dest);
    }
    if (port && port_closed(port)) {
        __sync_fetch_and_add(&dropped[1], 1);
        return XDP_DROP;
    }
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
