// A pure ALU kernel: 1000 rounds of 64- and 32-bit arithmetic on registers, no memory.
#include "common.h"

SEC("xdp")
int xdp_alu(struct xdp_md *ctx)
{
    __u64 h = ctx->data_end - ctx->data;
    __u32 w = 0x9e3779b9;
    for (int i = 0; i < 1000; i++) {
        h += i;
        h *= 3;
        h ^= h >> 7;
        w = (w << 3) ^ (__u32)h;
        h -= w;
    }
    return (h ^ w) & 3;
}

char LICENSE[] SEC("license") = "GPL";
