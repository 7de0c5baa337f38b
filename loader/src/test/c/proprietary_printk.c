// A program under a non-GPL license that calls bpf_trace_printk, a GPL-only helper: Linux
// refuses to load it, and so must bpf4j. Its sibling program calls only helpers any license may.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_printk(struct xdp_md *ctx)
{
    bpf_printk("packet of %d bytes", ctx->data_end - ctx->data);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "Proprietary";
