// An XDP program that reads the packet without comparing against data_end first: Linux's
// verifier rejects it, and so does bpf4j's, unless the user runs it unverified.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_unchecked(struct xdp_md *ctx)
{
    return *(unsigned char *)(long)ctx->data;
}

char LICENSE[] SEC("license") = "GPL";
