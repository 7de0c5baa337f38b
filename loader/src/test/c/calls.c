// bpf-to-bpf calls: static and global subprograms in .text, a callback passed by address,
// and several programs in one section sharing subprograms.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

static __attribute__((noinline)) int add_one(int x)
{
    return x + 1;
}

static __attribute__((noinline)) int twice(int x)
{
    return add_one(x) * 2;
}

__attribute__((noinline)) int global_square(int x)
{
    __u32 key = 1;
    __u64 *v = bpf_map_lookup_elem(&stats, &key);
    if (v)
        *v += 1;
    return twice(x) * x;
}

static long count_cb(__u32 index, void *ctx)
{
    (*(int *)ctx)++;
    return 0;
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
    int n = 0;
    bpf_loop(4, count_cb, &n, 0);
    return global_square(ctx->ingress_ifindex) + twice(n) > 100 ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_one(struct __sk_buff *skb)
{
    return add_one(skb->len) & 1;
}

SEC("tc")
int tc_two(struct __sk_buff *skb)
{
    return twice(skb->len) & 1;
}

char LICENSE[] SEC("license") = "GPL";
