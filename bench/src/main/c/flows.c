// Hash-map-heavy flow counting: per 5-tuple packets and bytes, per source address packets, and a
// per-protocol array counter; each run does three lookups and usually two updates in place.
#include "common.h"

struct flow_key {
    __u32 saddr;
    __u32 daddr;
    __u16 sport;
    __u16 dport;
    __u32 proto;
};

struct flow_stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, struct flow_key);
    __type(value, struct flow_stats);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, __u32);
    __type(value, __u64);
} sources SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u64);
} protocols SEC(".maps");

SEC("xdp")
int xdp_flows(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct eth *eth = data;
    if ((void *)(eth + 1) > end || eth->proto != ETH_IPV4)
        return XDP_PASS;
    struct ipv4 *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end)
        return XDP_PASS;
    struct ports *ports = (void *)(ip + 1);
    if ((void *)(ports + 1) > end)
        return XDP_PASS;
    struct flow_key key = {
        .saddr = ip->saddr, .daddr = ip->daddr,
        .sport = ports->sport, .dport = ports->dport, .proto = ip->proto,
    };
    __u64 bytes = end - data;
    struct flow_stats *stats = bpf_map_lookup_elem(&flows, &key);
    if (stats) {
        __sync_fetch_and_add(&stats->packets, 1);
        __sync_fetch_and_add(&stats->bytes, bytes);
    } else {
        struct flow_stats first = {1, bytes};
        bpf_map_update_elem(&flows, &key, &first, BPF_NOEXIST);
    }
    __u32 saddr = ip->saddr;
    __u64 *count = bpf_map_lookup_elem(&sources, &saddr);
    if (count) {
        __sync_fetch_and_add(count, 1);
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&sources, &saddr, &one, BPF_NOEXIST);
    }
    __u32 proto = ip->proto;
    __u64 *per_proto = bpf_map_lookup_elem(&protocols, &proto);
    if (per_proto)
        __sync_fetch_and_add(per_proto, 1);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
