// A source blocklist driven by control datagrams in XDP: UDP packets to port 9999 carry up to 32
// commands (add with BPF_NOEXIST, refresh with BPF_EXIST, replace with BPF_ANY, remove, query,
// or an update with invalid flags) applied to a small hash map, and every helper's return value
// is counted by command and errno, so that the map's error semantics (EEXIST, ENOENT, E2BIG when
// full, EINVAL) are compared with Linux's along with the table. Other IPv4 packets from a
// blocked source are dropped and counted in the source's entry.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define CONTROL_PORT 9999
#define MAX_COMMANDS 32

enum op { OP_ADD = 1, OP_REFRESH, OP_REPLACE, OP_REMOVE, OP_QUERY, OP_BAD_FLAGS, OP_COUNT };

struct command {
    __u8 op;
    __u8 reason;
    __u16 ttl;
    __be32 addr;
};

struct entry {
    __u64 dropped;
    __u32 reason;
    __u32 ttl;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 8);
    __type(key, __be32);
    __type(value, struct entry);
} blocked SEC(".maps");

/* results[op * 32 + errno] counts how often a command of that kind returned -errno */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, OP_COUNT * 32);
    __type(key, __u32);
    __type(value, __u64);
} results SEC(".maps");

static __always_inline void record(__u32 op, long ret)
{
    __u32 err = ret < 0 ? -ret : 0;
    __u32 key = op * 32 + (err < 32 ? err : 31);
    __u64 *n = bpf_map_lookup_elem(&results, &key);
    if (n)
        *n += 1;
}

static __always_inline void apply(struct command *c)
{
    __be32 addr = c->addr;
    struct entry e = {.reason = c->reason, .ttl = c->ttl};
    struct entry *found;
    long ret;
    switch (c->op) {
    case OP_ADD:
        ret = bpf_map_update_elem(&blocked, &addr, &e, BPF_NOEXIST);
        break;
    case OP_REFRESH:
        ret = bpf_map_update_elem(&blocked, &addr, &e, BPF_EXIST);
        break;
    case OP_REPLACE:
        ret = bpf_map_update_elem(&blocked, &addr, &e, BPF_ANY);
        break;
    case OP_REMOVE:
        ret = bpf_map_delete_elem(&blocked, &addr);
        break;
    case OP_QUERY:
        found = bpf_map_lookup_elem(&blocked, &addr);
        ret = found ? (long)found->reason : -2; /* -ENOENT */
        break;
    case OP_BAD_FLAGS:
        ret = bpf_map_update_elem(&blocked, &addr, &e, c->reason);
        break;
    default:
        return;
    }
    record(c->op, ret);
}

SEC("xdp")
int xdp_blocklist(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->ihl != 5)
        return XDP_PASS;
    struct udphdr *udp = (void *)(ip + 1);
    if (ip->protocol == IPPROTO_UDP && (void *)(udp + 1) <= end && udp->dest == bpf_htons(CONTROL_PORT)) {
        struct command *c = (void *)(udp + 1);
        for (int i = 0; i < MAX_COMMANDS; i++) {
            if ((void *)(c + 1) > end)
                break;
            apply(c);
            c++;
        }
        return XDP_DROP;
    }
    struct entry *e = bpf_map_lookup_elem(&blocked, &ip->saddr);
    if (e) {
        __sync_fetch_and_add(&e->dropped, 1);
        return XDP_DROP;
    }
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
