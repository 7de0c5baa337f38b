// Dynamic linking target: two XDP programs call the global function decide(), which an
// extension program (freplace_policy.c) replaces at run time.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} verdicts SEC(".maps");

__attribute__((noinline)) int decide(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    if (data + 1 > data_end)
        return XDP_ABORTED;
    return *(__u8 *)data == 0xff ? XDP_DROP : XDP_PASS;
}

// optnone keeps clang from folding the call away: the test needs a static function to stay one.
static __attribute__((noinline, optnone)) int adjust(int verdict)
{
    return verdict ^ (verdict >> 8);
}

SEC("xdp")
int xdp_gate(struct xdp_md *ctx)
{
    int verdict = adjust(decide(ctx));
    __u32 key = verdict & 7;
    __u64 *count = bpf_map_lookup_elem(&verdicts, &key);
    if (count)
        __sync_fetch_and_add(count, 1);
    return verdict;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
    return decide(ctx);
}

char LICENSE[] SEC("license") = "GPL";
