// Longest-prefix-match routing in XDP over IPv4 and IPv6: two LPM tries map destination
// prefixes to a route (an action and a counter index). The route tables are installed by the
// program itself on its first run (a control plane would do it from user space; the kernel's
// test runs have none), then each packet's destination picks the most specific route, whose
// packet and byte counters are bumped; the route's action is the verdict. IPv4 packets of the
// experimental protocol 253 are route updates instead: add or withdraw one IPv4 route.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_ROUTES 32

struct route {
    __u32 action; /* an XDP action */
    __u32 counter; /* index into route_counters */
};

struct v4_key {
    __u32 prefixlen;
    __u8 addr[4];
};

struct v6_key {
    __u32 prefixlen;
    __u8 addr[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, MAX_ROUTES);
    __type(key, struct v4_key);
    __type(value, struct route);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} routes_v4 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, MAX_ROUTES);
    __type(key, struct v6_key);
    __type(value, struct route);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} routes_v6 SEC(".maps");

struct counter {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, MAX_ROUTES);
    __type(key, __u32);
    __type(value, struct counter);
} route_counters SEC(".maps");

/* Route tables: prefix, length, action, counter. */
static const struct {
    __u8 addr[4];
    __u8 len;
    __u8 action;
    __u8 counter;
} table_v4[] = {
    {{0, 0, 0, 0}, 0, XDP_PASS, 1},          /* default route */
    {{10, 0, 0, 0}, 8, XDP_PASS, 2},
    {{10, 1, 0, 0}, 16, XDP_TX, 3},
    {{10, 1, 2, 0}, 24, XDP_DROP, 4},
    {{10, 1, 2, 3}, 32, XDP_PASS, 5},        /* one host inside the dropped /24 */
    {{10, 1, 2, 128}, 25, XDP_TX, 6},
    {{192, 168, 0, 0}, 16, XDP_DROP, 7},
    {{172, 16, 0, 0}, 12, XDP_ABORTED, 8},
};

static const struct {
    __u8 addr[16];
    __u8 len;
    __u8 action;
    __u8 counter;
} table_v6[] = {
    {{0}, 0, XDP_PASS, 16},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, XDP_PASS, 17},
    {{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01}, 48, XDP_TX, 18},
    {{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02}, 64, XDP_DROP, 19},
    {{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 1}, 128, XDP_PASS, 20},
    {{0xfe, 0x80}, 10, XDP_DROP, 21},
    {{0x20, 0x01, 0x0d, 0xb8, 0x80}, 33, XDP_ABORTED, 22},
};

#define PROTO_ROUTE_UPDATE 253

struct route_update {
    __u8 op; /* 1 add or replace, 2 withdraw */
    __u8 prefixlen;
    __u8 action;
    __u8 counter;
    __u8 addr[4];
};

int routes_installed;
__u32 install_errors;
__u32 updates_applied;
__u32 updates_failed;

static __always_inline void install_routes(void)
{
    for (int i = 0; i < sizeof(table_v4) / sizeof(table_v4[0]); i++) {
        struct v4_key key = {.prefixlen = table_v4[i].len};
        struct route r = {.action = table_v4[i].action, .counter = table_v4[i].counter};
        __builtin_memcpy(key.addr, table_v4[i].addr, 4);
        if (bpf_map_update_elem(&routes_v4, &key, &r, BPF_NOEXIST))
            install_errors++;
    }
    for (int i = 0; i < sizeof(table_v6) / sizeof(table_v6[0]); i++) {
        struct v6_key key = {.prefixlen = table_v6[i].len};
        struct route r = {.action = table_v6[i].action, .counter = table_v6[i].counter};
        __builtin_memcpy(key.addr, table_v6[i].addr, 16);
        if (bpf_map_update_elem(&routes_v6, &key, &r, BPF_NOEXIST))
            install_errors++;
    }
}

static __always_inline int account(struct route *r, __u64 length)
{
    if (!r)
        return XDP_ABORTED; /* no route at all: cannot happen with a default route */
    __u32 index = r->counter;
    struct counter *c = bpf_map_lookup_elem(&route_counters, &index);
    if (c) {
        __sync_fetch_and_add(&c->packets, 1);
        __sync_fetch_and_add(&c->bytes, length);
    }
    return r->action;
}

SEC("xdp")
int xdp_router(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;

    if (!routes_installed) {
        install_routes();
        routes_installed = 1;
    }

    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_DROP;
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = (void *)(eth + 1);
        if ((void *)(ip + 1) > end)
            return XDP_DROP;
        if (ip->protocol == PROTO_ROUTE_UPDATE) {
            struct route_update *u = (void *)(ip + 1);
            if ((void *)(u + 1) > end || u->prefixlen > 32 || u->counter >= MAX_ROUTES)
                return XDP_ABORTED;
            struct v4_key key = {.prefixlen = u->prefixlen};
            __builtin_memcpy(key.addr, u->addr, 4);
            long err;
            if (u->op == 1) {
                struct route r = {.action = u->action, .counter = u->counter};
                err = bpf_map_update_elem(&routes_v4, &key, &r, BPF_ANY);
            } else {
                err = bpf_map_delete_elem(&routes_v4, &key);
            }
            if (err)
                updates_failed++;
            else
                updates_applied++;
            return XDP_DROP;
        }
        struct v4_key key = {.prefixlen = 32};
        __builtin_memcpy(key.addr, &ip->daddr, 4);
        return account(bpf_map_lookup_elem(&routes_v4, &key), end - data);
    }
    if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = (void *)(eth + 1);
        if ((void *)(ip6 + 1) > end)
            return XDP_DROP;
        struct v6_key key = {.prefixlen = 128};
        __builtin_memcpy(key.addr, &ip6->daddr, 16);
        return account(bpf_map_lookup_elem(&routes_v6, &key), end - data);
    }
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
