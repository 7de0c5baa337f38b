// Socket filter with a legacy "maps" section. libbpf 1.x headers no longer declare
// struct bpf_map_def, so it is declared here exactly as it used to be.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
    unsigned int type;
    unsigned int key_size;
    unsigned int value_size;
    unsigned int max_entries;
    unsigned int map_flags;
};

struct bpf_map_def SEC("maps") packets = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 256,
};

struct bpf_map_def SEC("maps") bytes_by_len = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 64,
    .map_flags = 1,
};

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
    __u32 key = skb->protocol & 0xff;
    __u64 *value = bpf_map_lookup_elem(&packets, &key);
    if (value)
        __sync_fetch_and_add(value, 1);
    __u32 len = skb->len;
    __u64 *bytes = bpf_map_lookup_elem(&bytes_by_len, &len);
    if (bytes)
        *bytes += len;
    return 0;
}

char _license[] SEC("license") = "Dual MIT/GPL";
