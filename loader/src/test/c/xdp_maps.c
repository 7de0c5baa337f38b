// XDP program with BTF-defined hash and array maps.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
    __u32 saddr;
    __u32 daddr;
    __u16 sport;
    __u16 dport;
    __u8 proto;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, struct flow_key);
    __type(value, __u64);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
    __u32 index = ctx->rx_queue_index & 7;
    __u64 *count = bpf_map_lookup_elem(&counters, &index);
    if (count)
        __sync_fetch_and_add(count, 1);

    struct flow_key key = {};
    key.proto = 6;
    __u64 one = 1;
    __u64 *seen = bpf_map_lookup_elem(&flows, &key);
    if (seen)
        *seen += 1;
    else
        bpf_map_update_elem(&flows, &key, &one, BPF_NOEXIST);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
