// Packet helpers in their corner cases, one result slot each (value + 1000): a tc classifier
// loads and stores out of range, replaces checksums with bad sizes and flags, computes csum_diff
// over odd sizes, pushes and pops VLAN tags and changes the tail; an XDP program moves head,
// tail and metadata past their limits and loads and stores out of range. The output packets
// are compared too, so every successful change must be Linux's, byte for byte.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define RESULTS 40

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, RESULTS);
    __type(key, __u32);
    __type(value, __s64);
} results SEC(".maps");

static __always_inline void put(__u32 slot, __s64 value)
{
    __s64 *r = bpf_map_lookup_elem(&results, &slot);
    if (r)
        *r = value + 1000;
}

SEC("tc")
int tc_helper_errors(struct __sk_buff *skb)
{
    __u8 buf[16] = {};
    __u32 len = skb->len;
    __be32 from = bpf_htonl(0x0a000001), to = bpf_htonl(0x0a000002);

    put(0, bpf_skb_load_bytes(skb, 0, buf, 16));
    put(1, bpf_skb_load_bytes(skb, len - 8, buf, 16)); /* past the end */
    put(2, bpf_skb_load_bytes(skb, 0xffff, buf, 4));
    put(3, buf[0] | buf[1] << 8); /* first bytes survive the failed loads? (no: zeroed) */
    put(4, bpf_skb_store_bytes(skb, len - 2, buf, 4, 0)); /* past the end */
    put(5, bpf_skb_store_bytes(skb, 20, "\x11\x22\x33\x44", 4, 0));
    put(6, bpf_skb_store_bytes(skb, 24, buf, 4, 0x80)); /* unknown flag */
    put(7, bpf_l3_csum_replace(skb, 24, from, to, 3)); /* size 3 */
    put(8, bpf_l3_csum_replace(skb, len, from, to, 4)); /* offset past the end */
    put(9, bpf_l3_csum_replace(skb, 24, from, to, 4));
    put(10, bpf_l4_csum_replace(skb, 26, from, to, 4 | BPF_F_PSEUDO_HDR));
    put(11, bpf_l4_csum_replace(skb, 26, 0x1234, 0x4321, 2));
    put(12, bpf_l4_csum_replace(skb, 26, 0x1234, 0x4321, 1)); /* size 1 */
    put(13, bpf_l4_csum_replace(skb, 26, 0, 0x4321, 0)); /* size 0: add a diff */
    put(14, bpf_csum_diff((__be32 *)buf, 4, (__be32 *)(buf + 4), 8, 0));
    put(15, bpf_csum_diff((__be32 *)buf, 3, 0, 0, 0)); /* not a multiple of 4 */
    put(16, bpf_csum_diff(0, 0, (__be32 *)buf, 16, 0x1234));
    put(17, bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 42));
    put(18, skb->vlan_present * 10000 + skb->vlan_tci);
    put(19, bpf_skb_vlan_push(skb, bpf_htons(0x1234), 43)); /* unknown proto */
    put(20, bpf_skb_vlan_pop(skb));
    put(21, skb->vlan_present);
    put(22, bpf_skb_vlan_pop(skb)); /* nothing to pop */
    put(23, bpf_skb_change_tail(skb, len + 6, 0));
    put(24, skb->len);
    put(25, bpf_skb_change_tail(skb, len - 4, 0));
    put(26, skb->len);
    put(27, bpf_skb_change_tail(skb, 10, 0)); /* below the MAC header */
    put(28, bpf_skb_change_tail(skb, len, 1)); /* flags must be 0 */
    put(29, bpf_skb_pull_data(skb, 20));
    put(30, bpf_skb_pull_data(skb, 0xffff));
    return skb->len;
}

SEC("xdp")
int xdp_helper_errors(struct xdp_md *ctx)
{
    __u8 buf[16] = {};
    __u32 len = ctx->data_end - ctx->data;

    put(0, bpf_xdp_adjust_head(ctx, -300)); /* more than the 256-byte headroom */
    put(1, bpf_xdp_adjust_head(ctx, -16));
    put(2, ctx->data_end - ctx->data);
    put(3, bpf_xdp_adjust_head(ctx, 4096)); /* past the end */
    put(4, bpf_xdp_adjust_head(ctx, 16));
    put(5, bpf_xdp_adjust_tail(ctx, 8));
    put(6, ctx->data_end - ctx->data);
    put(7, bpf_xdp_adjust_tail(ctx, -(int)len)); /* below the minimum */
    put(8, bpf_xdp_adjust_tail(ctx, 8192)); /* past the tailroom */
    put(9, bpf_xdp_adjust_tail(ctx, -12));
    put(10, bpf_xdp_adjust_meta(ctx, -36)); /* more than 32 */
    put(11, bpf_xdp_adjust_meta(ctx, -6)); /* not a multiple of 4 */
    put(12, bpf_xdp_adjust_meta(ctx, -8));
    put(13, ctx->data - ctx->data_meta);
    put(14, bpf_xdp_adjust_meta(ctx, 4));
    put(15, bpf_xdp_adjust_meta(ctx, 8)); /* past data */
    put(16, bpf_xdp_load_bytes(ctx, 0, buf, 16));
    put(17, bpf_xdp_load_bytes(ctx, len, buf, 4)); /* past the end */
    put(18, bpf_xdp_store_bytes(ctx, 2, "\xaa\xbb", 2));
    put(19, bpf_xdp_store_bytes(ctx, len - 1, buf, 2)); /* past the end */
    put(20, bpf_xdp_get_buff_len(ctx));
    put(21, buf[15]);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
