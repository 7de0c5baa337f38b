// Tail-call dispatch: an entry program jumps through a program array by the IP protocol, and the
// protocol stage jumps again to a port stage: two tail calls per run.
#include "common.h"

int stage_udp(struct xdp_md *ctx);
int stage_tcp(struct xdp_md *ctx);
int stage_port(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 8);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} stages SEC(".maps") = {
    .values = {
        [1] = (void *)&stage_udp,
        [2] = (void *)&stage_tcp,
        [3] = (void *)&stage_port,
    },
};

static __always_inline struct ipv4 *ip_of(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct ipv4 *ip = data + sizeof(struct eth);
    if ((void *)(ip + 1) > end)
        return 0;
    return ip;
}

SEC("xdp")
int stage_port(struct xdp_md *ctx)
{
    struct ipv4 *ip = ip_of(ctx);
    return ip && ip->ttl > 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int stage_udp(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &stages, 3);
    return XDP_ABORTED;
}

SEC("xdp")
int stage_tcp(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &stages, 3);
    return XDP_ABORTED;
}

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
    struct ipv4 *ip = ip_of(ctx);
    if (!ip)
        return XDP_PASS;
    bpf_tail_call(ctx, &stages, ip->proto == 17 ? 1 : 2);
    return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
