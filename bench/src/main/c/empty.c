// The harness cost: a program that does nothing (compare each benchmark against it).
#include "common.h"

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
