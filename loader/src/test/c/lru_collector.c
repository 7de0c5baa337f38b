// A flow-export collector in XDP: UDP datagrams to port 2055 carry a batch of flow records
// (5-tuple and byte count); each record updates a connection table that is an LRU hash, so a
// batch with more flows than the table holds evicts the least recently used ones. Statistics
// count records, new flows, flows found, failed updates and malformed batches.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define COLLECTOR_PORT 2055
#define MAX_RECORDS 64
#define TABLE_SIZE 16

struct batch_header {
    __be16 version;
    __be16 count;
};

struct flow_record {
    __be32 saddr;
    __be32 daddr;
    __be16 sport;
    __be16 dport;
    __u8 proto;
    __u8 tcp_flags;
    __be16 bytes;
};

struct conn_key {
    __be32 saddr;
    __be32 daddr;
    __be16 sport;
    __be16 dport;
    __u32 proto;
};

struct conn {
    __u64 records;
    __u64 bytes;
    __u32 first_batch_index; /* position of the record that created the entry */
    __u32 tcp_flags;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, TABLE_SIZE);
    __type(key, struct conn_key);
    __type(value, struct conn);
} connections SEC(".maps");

enum stat {
    ST_BATCHES,
    ST_RECORDS,
    ST_NEW,
    ST_FOUND,
    ST_UPDATE_FAILED,
    ST_BAD_BATCH,
    ST_BYTES,
    ST_COUNT
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, ST_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

static __always_inline void add(enum stat s, __u64 n)
{
    __u32 key = s;
    __u64 *v = bpf_map_lookup_elem(&stats, &key);
    if (v)
        __sync_fetch_and_add(v, n);
}

SEC("xdp")
int xdp_collector(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
        return XDP_PASS;
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > end || udp->dest != bpf_htons(COLLECTOR_PORT))
        return XDP_PASS;
    struct batch_header *batch = (void *)(udp + 1);
    if ((void *)(batch + 1) > end || batch->version != bpf_htons(9)) {
        add(ST_BAD_BATCH, 1);
        return XDP_DROP;
    }
    __u32 n = bpf_ntohs(batch->count);
    if (n > MAX_RECORDS) {
        add(ST_BAD_BATCH, 1);
        return XDP_DROP;
    }
    add(ST_BATCHES, 1);
    struct flow_record *rec = (void *)(batch + 1);
    for (__u32 i = 0; i < MAX_RECORDS && i < n; i++) {
        if ((void *)(rec + 1) > end) {
            /* the header promised more records than the datagram holds */
            add(ST_BAD_BATCH, 1);
            return XDP_DROP;
        }
        struct conn_key key = {
            .saddr = rec->saddr, .daddr = rec->daddr, .sport = rec->sport, .dport = rec->dport, .proto = rec->proto};
        __u32 bytes = bpf_ntohs(rec->bytes);
        struct conn *c = bpf_map_lookup_elem(&connections, &key);
        if (c) {
            c->records += 1;
            c->bytes += bytes;
            c->tcp_flags |= rec->tcp_flags;
            add(ST_FOUND, 1);
        } else {
            struct conn fresh = {.records = 1, .bytes = bytes, .first_batch_index = i, .tcp_flags = rec->tcp_flags};
            if (bpf_map_update_elem(&connections, &key, &fresh, BPF_NOEXIST))
                add(ST_UPDATE_FAILED, 1);
            else
                add(ST_NEW, 1);
        }
        add(ST_RECORDS, 1);
        add(ST_BYTES, bytes);
        rec++;
    }
    return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
