// Per-CPU statistics in XDP, the lock-free way Linux programs keep hot counters: a per-CPU
// array histogram of frame sizes (power-of-two buckets), a per-CPU hash of packets and bytes
// per EtherType/IP protocol, and an LRU per-CPU hash per source MAC. Each CPU updates its own
// copy without atomics; readers sum over CPUs. The CPU each run saw is recorded too.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define BUCKETS 16

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, BUCKETS);
    __type(key, __u32);
    __type(value, __u64);
} size_histogram SEC(".maps");

struct proto_key {
    __be16 ethertype;
    __u8 ip_proto; /* 0 if not IP */
    __u8 pad;
};

struct traffic {
    __u64 packets;
    __u64 bytes;
    __u32 min_length;
    __u32 max_length;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 64);
    __type(key, struct proto_key);
    __type(value, struct traffic);
} per_protocol SEC(".maps");

struct mac_key {
    __u8 addr[6];
    __u16 pad;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
    __uint(max_entries, 128);
    __type(key, struct mac_key);
    __type(value, __u64);
} per_source_mac SEC(".maps");

__u32 last_cpu = 0xffffffff;

static __always_inline __u32 bucket(__u32 length)
{
    __u32 b = 0;
    for (int i = 0; i < BUCKETS - 1; i++) {
        if (length <= (1u << i))
            break;
        b++;
    }
    return b;
}

SEC("xdp")
int xdp_percpu_stats(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    __u32 length = end - data;

    last_cpu = bpf_get_smp_processor_id();

    __u32 b = bucket(length);
    __u64 *slot = bpf_map_lookup_elem(&size_histogram, &b);
    if (slot)
        *slot += 1; /* this CPU's copy: no atomics needed */

    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_DROP;
    struct proto_key key = {.ethertype = eth->h_proto};
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = (void *)(eth + 1);
        if ((void *)(ip + 1) <= end)
            key.ip_proto = ip->protocol;
    } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = (void *)(eth + 1);
        if ((void *)(ip6 + 1) <= end)
            key.ip_proto = ip6->nexthdr;
    }
    struct traffic *t = bpf_map_lookup_elem(&per_protocol, &key);
    if (t) {
        t->packets++;
        t->bytes += length;
        if (length < t->min_length)
            t->min_length = length;
        if (length > t->max_length)
            t->max_length = length;
    } else {
        struct traffic fresh = {.packets = 1, .bytes = length, .min_length = length, .max_length = length};
        bpf_map_update_elem(&per_protocol, &key, &fresh, BPF_NOEXIST);
    }

    struct mac_key mac = {};
    __builtin_memcpy(mac.addr, eth->h_source, 6);
    __u64 *frames = bpf_map_lookup_elem(&per_source_mac, &mac);
    if (frames) {
        *frames += 1;
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&per_source_mac, &mac, &one, BPF_ANY);
    }
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
