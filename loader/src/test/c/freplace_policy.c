// Extension programs for freplace_target.c: replacements for its global function decide().
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} replaced_calls SEC(".maps");

__attribute__((noinline)) int bounce(int verdict)
{
    return verdict == XDP_PASS ? XDP_TX : verdict;
}

// Counts its calls in its own map and sends back what decide() would have passed.
SEC("freplace/decide")
int new_decide(struct xdp_md *ctx)
{
    __u32 zero = 0;
    __u64 *calls = bpf_map_lookup_elem(&replaced_calls, &zero);
    if (calls)
        __sync_fetch_and_add(calls, 1);
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    if (data + 1 > data_end)
        return XDP_ABORTED;
    return bounce(*(__u8 *)data == 0xff ? XDP_DROP : XDP_PASS);
}

// Not a valid replacement for decide(): one parameter too many.
SEC("freplace/decide")
int wrong_signature(struct xdp_md *ctx, int extra)
{
    return XDP_DROP + extra;
}

// Not a valid replacement either: adjust() is static in the target.
SEC("freplace/adjust")
int replace_static(int verdict)
{
    return verdict;
}

char LICENSE[] SEC("license") = "GPL";
