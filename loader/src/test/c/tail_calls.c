// A program array initialised with .values and tail calls into it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int tail_a(struct __sk_buff *skb);
int tail_b(struct __sk_buff *skb);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} jump_table SEC(".maps") = {
    .values = {
        [0] = (void *)&tail_a,
        [2] = (void *)&tail_b,
    },
};

SEC("classifier/a")
int tail_a(struct __sk_buff *skb)
{
    return 1;
}

SEC("classifier/b")
int tail_b(struct __sk_buff *skb)
{
    return 2;
}

SEC("classifier")
int entry(struct __sk_buff *skb)
{
    bpf_tail_call(skb, &jump_table, skb->mark & 3);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
