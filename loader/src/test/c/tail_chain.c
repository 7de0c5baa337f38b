// Tail-call chains: a packet pipeline whose stages are programs in a program array, chosen by
// the packet (its first byte says how many stages to walk and whether to recurse), each stage
// counting itself in a per-CPU scratch array before jumping on. Covers a stage calling itself
// until Linux's limit of 33 tail calls stops it, a jump to an empty slot or past the array
// falling through, and a tail call made from a bpf-to-bpf subprogram.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int stage_count(struct xdp_md *ctx);
int stage_recurse(struct xdp_md *ctx);
int stage_sub(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 8);
    __uint(key_size, sizeof(__u32));
    __array(values, int(void *));
} stages SEC(".maps") = {
    .values = {[1] = (void *)&stage_count, [2] = (void *)&stage_recurse, [5] = (void *)&stage_sub},
};

/* per run: [0] stage_count runs, [1] stage_recurse runs, [2] stage_sub runs, [3] fall-throughs */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} visits SEC(".maps");

static __always_inline void visit(__u32 which)
{
    __u64 *v = bpf_map_lookup_elem(&visits, &which);
    if (v)
        *v += 1;
}

static __always_inline int mode(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    if (data + 1 > (void *)(long)ctx->data_end)
        return 0;
    return *(__u8 *)data;
}

SEC("xdp")
int stage_count(struct xdp_md *ctx)
{
    visit(0);
    return XDP_DROP;
}

SEC("xdp")
int stage_recurse(struct xdp_md *ctx)
{
    visit(1);
    bpf_tail_call(ctx, &stages, 2); /* itself, until the limit */
    visit(3);
    return XDP_TX;
}

static __noinline int jump_from_subprogram(struct xdp_md *ctx, __u32 slot)
{
    bpf_tail_call(ctx, &stages, slot);
    return 7;
}

SEC("xdp")
int stage_sub(struct xdp_md *ctx)
{
    visit(2);
    return jump_from_subprogram(ctx, 1) + 10;
}

SEC("xdp")
int pipeline(struct xdp_md *ctx)
{
    __u32 slot = mode(ctx);
    bpf_tail_call(ctx, &stages, slot);
    visit(3); /* empty slot or out of range */
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
