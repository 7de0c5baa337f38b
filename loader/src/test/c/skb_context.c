// What a program sees of its __sk_buff: a tc classifier, a socket filter and a cgroup skb
// egress program copy the context
// fields they may read into an array, one record per program, together with the first packet
// bytes through direct access, bpf_skb_load_bytes and the legacy absolute and indirect loads.
// Comparing the records with Linux's checks bpf4j's context layout and test-run defaults.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

struct skb_view {
    __u32 len;
    __u32 pkt_type;
    __u32 mark;
    __u32 queue_mapping;
    __u32 protocol;
    __u32 vlan_present;
    __u32 vlan_tci;
    __u32 vlan_proto;
    __u32 priority;
    __u32 ingress_ifindex;
    __u32 ifindex;
    __u32 tc_index;
    __u32 cb[5];
    __u32 hash;
    __u32 tc_classid;
    __u32 data_length; /* data_end - data */
    __u32 napi_id;
    __u32 wire_len;
    __u32 gso_segs;
    __u32 gso_size;
    __u64 tstamp;
    __u8 direct[8]; /* the first bytes at skb->data */
    __u8 loaded[8]; /* bpf_skb_load_bytes(skb, 0, ...) */
    __u32 load_result;
    __u32 abs_byte; /* legacy loads at offsets 0, 1, 2 */
    __u32 abs_half;
    __u32 abs_word;
    __u32 ind_word; /* legacy indirect load at skb->len - 4 */
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 3);
    __type(key, __u32);
    __type(value, struct skb_view);
} views SEC(".maps");

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

/* legacy: whether the program type has the legacy packet loads (cgroup skb programs have not) */
static __always_inline void common(struct __sk_buff *skb, struct skb_view *v, int legacy)
{
    v->len = skb->len;
    v->pkt_type = skb->pkt_type;
    v->mark = skb->mark;
    v->queue_mapping = skb->queue_mapping;
    v->protocol = skb->protocol;
    v->vlan_present = skb->vlan_present;
    v->vlan_tci = skb->vlan_tci;
    v->vlan_proto = skb->vlan_proto;
    v->priority = skb->priority;
    v->ingress_ifindex = skb->ingress_ifindex;
    v->ifindex = skb->ifindex;
    v->cb[0] = skb->cb[0];
    v->cb[1] = skb->cb[1];
    v->cb[2] = skb->cb[2];
    v->cb[3] = skb->cb[3];
    v->cb[4] = skb->cb[4];
    v->hash = skb->hash;
    v->napi_id = skb->napi_id;
    v->load_result = bpf_skb_load_bytes(skb, 0, v->loaded, sizeof(v->loaded));
    if (legacy && skb->len >= 4) {
        v->abs_byte = load_byte(skb, 0);
        v->abs_half = load_half(skb, 1);
        v->abs_word = load_word(skb, 2);
        v->ind_word = load_word(skb, skb->len - 4);
    }
}

SEC("tc")
int tc_view(struct __sk_buff *skb)
{
    __u32 key = 0;
    struct skb_view *v = bpf_map_lookup_elem(&views, &key);
    if (!v)
        return 2;
    common(skb, v, 1);
    v->tc_index = skb->tc_index;
    v->tc_classid = skb->tc_classid;
    v->wire_len = skb->wire_len;
    v->gso_segs = skb->gso_segs;
    v->gso_size = skb->gso_size;
    v->tstamp = skb->tstamp;
    void *data = (void *)(long)skb->data;
    void *end = (void *)(long)skb->data_end;
    v->data_length = end - data;
    if (data + 8 <= end)
        __builtin_memcpy(v->direct, data, 8);
    return skb->len & 0xff;
}

SEC("socket")
int socket_view(struct __sk_buff *skb)
{
    __u32 key = 1;
    struct skb_view *v = bpf_map_lookup_elem(&views, &key);
    if (!v)
        return 0;
    common(skb, v, 1);
    return skb->len - 1; /* keep all but the last byte */
}

SEC("cgroup_skb/egress")
int cgroup_view(struct __sk_buff *skb)
{
    __u32 key = 2;
    struct skb_view *v = bpf_map_lookup_elem(&views, &key);
    if (!v)
        return 0;
    common(skb, v, 0);
    v->tstamp = skb->tstamp;
    void *data = (void *)(long)skb->data;
    void *end = (void *)(long)skb->data_end;
    v->data_length = end - data;
    if (data + 8 <= end)
        __builtin_memcpy(v->direct, data, 8);
    return skb->len > 100 ? 0 : 1; /* let small packets out */
}

char LICENSE[] SEC("license") = "GPL";
