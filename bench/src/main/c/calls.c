// bpf-to-bpf calls in a loop: 64 calls of a non-inlined function per run.
#include "common.h"

static __attribute__((noinline)) __u64 mix(__u64 h, __u64 v)
{
    h ^= v;
    h *= 0x100000001b3ULL;
    return h ^ (h >> 29);
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
    __u64 h = ctx->data_end - ctx->data;
    for (int i = 0; i < 64; i++)
        h = mix(h, i);
    return h & 3;
}

char LICENSE[] SEC("license") = "GPL";
