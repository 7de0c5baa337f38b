// Destination NAT as a tc classifier, through the skb helpers rather than direct packet access:
// headers are read with bpf_skb_load_bytes; IPv4 TCP and UDP packets for a published service
// (10.0.0.1:8080) get their destination rewritten to the backend (10.0.0.2:80) with
// bpf_skb_store_bytes, the IP checksum fixed with bpf_l3_csum_replace and the TCP/UDP checksum
// (pseudo-header address and port) with bpf_l4_csum_replace. Telnet is dropped; the packet mark
// tells which rule applied.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF ETH_HLEN
#define IP_CSUM_OFF (IP_OFF + offsetof(struct iphdr, check))
#define IP_DST_OFF (IP_OFF + offsetof(struct iphdr, daddr))

#define SERVICE_ADDR 0x0a000001 /* 10.0.0.1 */
#define SERVICE_PORT 8080
#define BACKEND_ADDR 0x0a000002 /* 10.0.0.2 */
#define BACKEND_PORT 80
#define TELNET_PORT 23

#define MARK_REWRITTEN 0x100
#define MARK_DROPPED 0x200

enum stat {
    ST_SEEN,
    ST_NOT_IPV4,
    ST_SHORT,
    ST_REWRITTEN_TCP,
    ST_REWRITTEN_UDP,
    ST_DROPPED,
    ST_HELPER_FAILED,
    ST_COUNT
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, ST_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} nat_stats SEC(".maps");

/* Rewrites per source address: how many packets of each client were translated. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, __be32);
    __type(value, __u64);
} clients SEC(".maps");

static __always_inline int bump(enum stat s, int verdict)
{
    __u32 key = s;
    __u64 *v = bpf_map_lookup_elem(&nat_stats, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
    return verdict;
}

SEC("tc")
int tc_dnat(struct __sk_buff *skb)
{
    struct iphdr ip;
    bump(ST_SEEN, 0);
    if (skb->protocol != bpf_htons(ETH_P_IP))
        return bump(ST_NOT_IPV4, TC_ACT_OK);
    if (bpf_skb_load_bytes(skb, IP_OFF, &ip, sizeof(ip)) || ip.ihl < 5)
        return bump(ST_SHORT, TC_ACT_OK);
    if (ip.protocol != IPPROTO_TCP && ip.protocol != IPPROTO_UDP)
        return TC_ACT_OK;
    if (ip.frag_off & bpf_htons(0x1fff))
        return TC_ACT_OK; /* later fragments: no ports to look at */

    __u32 l4 = IP_OFF + ip.ihl * 4;
    __be16 ports[2]; /* source, destination: at the same offsets in TCP and UDP */
    if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
        return bump(ST_SHORT, TC_ACT_OK);

    if (ports[1] == bpf_htons(TELNET_PORT)) {
        skb->mark = MARK_DROPPED;
        return bump(ST_DROPPED, TC_ACT_SHOT);
    }
    if (ip.daddr != bpf_htonl(SERVICE_ADDR) || ports[1] != bpf_htons(SERVICE_PORT))
        return TC_ACT_OK;

    __u32 csum_off;
    __u64 l4_flags = BPF_F_PSEUDO_HDR;
    if (ip.protocol == IPPROTO_TCP) {
        csum_off = l4 + offsetof(struct tcphdr, check);
    } else {
        csum_off = l4 + offsetof(struct udphdr, check);
        l4_flags |= BPF_F_MARK_MANGLED_0; /* a zero UDP checksum means none: keep it so */
    }
    __be32 old_addr = ip.daddr, new_addr = bpf_htonl(BACKEND_ADDR);
    __be16 old_port = ports[1], new_port = bpf_htons(BACKEND_PORT);

    if (bpf_l4_csum_replace(skb, csum_off, old_addr, new_addr, l4_flags | sizeof(new_addr))
        || bpf_l4_csum_replace(skb, csum_off, old_port, new_port, (l4_flags & BPF_F_MARK_MANGLED_0) | sizeof(new_port))
        || bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_addr, new_addr, sizeof(new_addr))
        || bpf_skb_store_bytes(skb, IP_DST_OFF, &new_addr, sizeof(new_addr), 0)
        || bpf_skb_store_bytes(skb, l4 + 2, &new_port, sizeof(new_port), 0))
        return bump(ST_HELPER_FAILED, TC_ACT_SHOT);

    __u64 one = 1, *n = bpf_map_lookup_elem(&clients, &ip.saddr);
    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&clients, &ip.saddr, &one, BPF_NOEXIST);
    skb->mark = MARK_REWRITTEN;
    return bump(ip.protocol == IPPROTO_TCP ? ST_REWRITTEN_TCP : ST_REWRITTEN_UDP, TC_ACT_OK);
}

char LICENSE[] SEC("license") = "GPL";
