// An IP-in-IP tunnel endpoint in XDP, changing the packet's size in place: IPv4 packets for the
// tunnelled prefix 10.100.0.0/16 are encapsulated (bpf_xdp_adjust_head grows the headroom by an
// outer IPv4 header, whose checksum is computed with bpf_csum_diff), IPIP packets addressed to
// this endpoint are decapsulated (adjust_head shrinks it), and frames longer than their IP
// packet lose the Ethernet padding (bpf_xdp_adjust_tail). Metadata in front of the packet
// (bpf_xdp_adjust_meta) tells later stages what was done.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TUNNEL_PREFIX 0x0a640000 /* 10.100.0.0/16 */
#define TUNNEL_MASK 0xffff0000
#define LOCAL_ENDPOINT 0xc0000201 /* 192.0.2.1 */
#define REMOTE_ENDPOINT 0xc6336401 /* 198.51.100.1 */

enum stat {
    ST_ENCAPSULATED,
    ST_DECAPSULATED,
    ST_TRIMMED,
    ST_PASSED,
    ST_MALFORMED,
    ST_HELPER_FAILED,
    ST_COUNT
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, ST_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} tunnel_stats SEC(".maps");

struct meta {
    __u32 action; /* 1 encapsulated, 2 decapsulated */
    __u32 inner_length;
};

static __always_inline int bump(enum stat s, int verdict)
{
    __u32 key = s;
    __u64 *v = bpf_map_lookup_elem(&tunnel_stats, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
    return verdict;
}

static __always_inline __u16 fold(__s64 sum)
{
    __u64 s = (__u32)sum;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return ~s & 0xffff;
}

static __always_inline int set_meta(struct xdp_md *ctx, __u32 action, __u32 inner_length)
{
    if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct meta)))
        return -1;
    struct meta *m = (void *)(long)ctx->data_meta;
    if ((void *)(m + 1) > (void *)(long)ctx->data)
        return -1;
    m->action = action;
    m->inner_length = inner_length;
    return 0;
}

static __always_inline int encapsulate(struct xdp_md *ctx, __u16 inner_length)
{
    struct ethhdr saved;
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    if (data + sizeof(saved) > end)
        return bump(ST_MALFORMED, XDP_DROP);
    __builtin_memcpy(&saved, data, sizeof(saved));

    if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct iphdr)))
        return bump(ST_HELPER_FAILED, XDP_ABORTED);
    data = (void *)(long)ctx->data;
    end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *outer = (void *)(eth + 1);
    if ((void *)(outer + 1) > end)
        return bump(ST_HELPER_FAILED, XDP_ABORTED);
    __builtin_memcpy(eth, &saved, sizeof(saved));
    outer->version = 4;
    outer->ihl = 5;
    outer->tos = 0;
    outer->tot_len = bpf_htons(inner_length + sizeof(struct iphdr));
    outer->id = 0;
    outer->frag_off = bpf_htons(0x4000); /* don't fragment */
    outer->ttl = 64;
    outer->protocol = IPPROTO_IPIP;
    outer->check = 0;
    outer->saddr = bpf_htonl(LOCAL_ENDPOINT);
    outer->daddr = bpf_htonl(REMOTE_ENDPOINT);
    outer->check = fold(bpf_csum_diff(0, 0, (__be32 *)outer, sizeof(*outer), 0));
    if (set_meta(ctx, 1, inner_length))
        return bump(ST_HELPER_FAILED, XDP_ABORTED);
    return bump(ST_ENCAPSULATED, XDP_TX);
}

static __always_inline int decapsulate(struct xdp_md *ctx, __u16 inner_length)
{
    struct ethhdr saved;
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    if (data + sizeof(saved) > end)
        return bump(ST_MALFORMED, XDP_DROP);
    __builtin_memcpy(&saved, data, sizeof(saved));
    if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct iphdr)))
        return bump(ST_HELPER_FAILED, XDP_ABORTED);
    data = (void *)(long)ctx->data;
    end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return bump(ST_HELPER_FAILED, XDP_ABORTED);
    __builtin_memcpy(eth, &saved, sizeof(saved));
    if (set_meta(ctx, 2, inner_length))
        return bump(ST_HELPER_FAILED, XDP_ABORTED);
    return bump(ST_DECAPSULATED, XDP_PASS);
}

SEC("xdp")
int xdp_tunnel(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return bump(ST_MALFORMED, XDP_DROP);
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return bump(ST_PASSED, XDP_PASS);
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->ihl != 5)
        return bump(ST_MALFORMED, XDP_DROP);
    __u16 ip_length = bpf_ntohs(ip->tot_len);
    long frame = end - data;
    if (ip_length < sizeof(*ip) || ip_length + sizeof(*eth) > frame)
        return bump(ST_MALFORMED, XDP_DROP);

    /* drop the Ethernet padding after the IP packet first */
    int padding = frame - (ip_length + sizeof(*eth));
    if (padding > 0) {
        if (bpf_xdp_adjust_tail(ctx, -padding))
            return bump(ST_HELPER_FAILED, XDP_ABORTED);
        bump(ST_TRIMMED, 0);
        data = (void *)(long)ctx->data;
        end = (void *)(long)ctx->data_end;
        ip = data + sizeof(*eth);
        if ((void *)(ip + 1) > end)
            return bump(ST_HELPER_FAILED, XDP_ABORTED);
    }

    if (ip->protocol == IPPROTO_IPIP && ip->daddr == bpf_htonl(LOCAL_ENDPOINT)) {
        struct iphdr *inner = ip + 1;
        if ((void *)(inner + 1) > end)
            return bump(ST_MALFORMED, XDP_DROP);
        return decapsulate(ctx, bpf_ntohs(inner->tot_len));
    }
    if ((bpf_ntohl(ip->daddr) & TUNNEL_MASK) == TUNNEL_PREFIX)
        return encapsulate(ctx, ip_length);
    return bump(ST_PASSED, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
