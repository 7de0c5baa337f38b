package io.bpf4j.runtime.types;

/**
 * What a tc (SCHED_CLS, SCHED_ACT) run produced.
 *
 * @param returnValue r0 at exit
 * @param action the verdict r0 names ({@link TcAction#of})
 * @param skb the packet and its metadata as the program left them: bytes after in-place writes
 *     and helpers, mark, priority, tc_index, tc_classid, queue_mapping, cb, tstamp, VLAN tag, protocol
 * @param redirect the target of the last successful {@code bpf_redirect}, or null
 */
public record TcResult(long returnValue, TcAction action, SkBuff skb, Redirect redirect) {}
