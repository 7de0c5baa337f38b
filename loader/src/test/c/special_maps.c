// Ring buffer, LPM trie and maps of maps (array of maps with .values, hash of maps).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct lpm_key {
    __u32 prefixlen;
    __u8 addr[4];
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 255);
    __type(key, struct lpm_key);
    __type(value, __u32);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} routes SEC(".maps");

struct inner_array {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} inner_one SEC(".maps"), inner_two SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 4);
    __type(key, __u32);
    __array(values, struct inner_array);
} outer_array SEC(".maps") = {
    .values = { [1] = &inner_two, [3] = &inner_one },
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
    __uint(max_entries, 8);
    __type(key, __u32);
    __array(values, struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __uint(max_entries, 32);
        __type(key, __u64);
        __type(value, __u32);
    });
} outer_hash SEC(".maps");

struct event {
    __u32 pid;
    __u32 route;
};

SEC("kprobe/sys_open")
int on_open(void *ctx)
{
    struct lpm_key key = {.prefixlen = 32, .addr = {10, 0, 0, 1}};
    __u32 *route = bpf_map_lookup_elem(&routes, &key);
    __u32 zero = 0;
    void *inner = bpf_map_lookup_elem(&outer_array, &zero);
    if (inner)
        bpf_map_lookup_elem(inner, &zero);
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->route = route ? *route : 0;
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
