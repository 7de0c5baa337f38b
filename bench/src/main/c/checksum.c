// A bounded loop: the ones'-complement sum of every 16-bit word of the packet (1500 bytes).
#include "common.h"

SEC("xdp")
int xdp_checksum(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    __u64 sum = 0;
    for (int i = 0; i < 1024; i++) {
        __u16 *word = data + 2 * i;
        if ((void *)(word + 1) > end)
            break;
        sum += *word;
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)~sum;
}

char LICENSE[] SEC("license") = "GPL";
