package io.bpf4j.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every Linux helper, ids 1 to {@value #MAX_ID}: name, prototype, whether it is GPL-only and which
 * program types may call it. bpf4j runs only some of them, but a verifier needs all their
 * prototypes to check any Linux program. Written from the helpers' documentation in Linux's
 * {@code include/uapi/linux/bpf.h} and their {@code bpf_func_proto}s.
 *
 * <p>The table is data: one line per helper, {@code id name flags where return args...}, where
 * flags has {@code g} (GPL only), {@code a} (acquires a reference), {@code r} (releases one) or
 * {@code -}, and {@code where} is the family of program types that may call it.
 */
public final class LinuxHelpers {
    /** The highest helper id Linux defines ({@code bpf_cgrp_storage_delete}). */
    public static final int MAX_ID = 211;

    /**
     * Which program types may call a helper. Linux decides per program type in its
     * {@code get_func_proto}; these families group the decisions.
     */
    public enum Family {
        /** Every program type (Linux's {@code bpf_base_func_proto}). */
        BASE,
        /** Programs on a socket buffer: socket filter, tc, cgroup skb, lwt, sk_skb. */
        SKB,
        /** Programs that may change a socket buffer: tc, lwt_xmit, sk_skb. */
        SKB_WRITE,
        /**
         * Programs on a routed socket buffer: tc and lwt (Linux's {@code tc_cls_act} and
         * {@code lwt_out} protos), not socket filters, cgroup skb or sk_skb (checked with the kernel for get_route_realm and get_hash_recalc).
         */
        SKB_ROUTE,
        /** XDP programs. */
        XDP,
        /** Networking programs: skb and XDP. */
        NET,
        /** Tracing programs: kprobe, tracepoint, perf event, raw tracepoint, tracing, lsm. */
        TRACE,
        /** Socket and cgroup programs: sock_ops, sk_msg, cgroup sock and sock_addr, sockopt, sysctl. */
        SOCK,
        /** Programs attached through BTF (tracing, lsm, struct_ops, syscall). */
        BTF,
        /** Programs with a special context of their own (lirc, sysctl, syscall). */
        SPECIAL
    }

    /** A Linux helper: id, name without the {@code bpf_} prefix, prototype and family. */
    public record Entry(int id, String name, HelperPrototype prototype, Family family) {
        /** The name as Linux writes it in messages: {@code bpf_map_lookup_elem#1}. */
        public String label() {
            return "bpf_" + name + "#" + id;
        }
    }

    private static final String TABLE = """
            1 map_lookup_elem - BASE valn map key
            2 map_update_elem - BASE int map key val any
            3 map_delete_elem - BASE int map key
            4 probe_read g TRACE int umem sz0 any
            5 ktime_get_ns - BASE int
            6 trace_printk g BASE int mem sz
            7 get_prandom_u32 - BASE int
            8 get_smp_processor_id - BASE int
            9 skb_store_bytes - SKB_WRITE int ctx any mem sz any
            10 l3_csum_replace - SKB_WRITE int ctx any any any any
            11 l4_csum_replace - SKB_WRITE int ctx any any any any
            12 tail_call - BASE void ctx map any
            13 clone_redirect - SKB_WRITE int ctx any any
            14 get_current_pid_tgid - BASE int
            15 get_current_uid_gid - TRACE int
            16 get_current_comm - TRACE int umem sz
            17 get_cgroup_classid - SKB int ctx
            18 skb_vlan_push - SKB_WRITE int ctx any any
            19 skb_vlan_pop - SKB_WRITE int ctx
            20 skb_get_tunnel_key - SKB_WRITE int ctx umem sz any
            21 skb_set_tunnel_key - SKB_WRITE int ctx mem sz any
            22 perf_event_read - TRACE int map any
            23 redirect - NET int any any
            24 get_route_realm - SKB_ROUTE int ctx
            25 perf_event_output g NET int ctx map any mem sz0
            26 skb_load_bytes - SKB int ctx any umem sz
            27 get_stackid g TRACE int ctx map any
            28 csum_diff - NET int memn sz0 memn sz0 any
            29 skb_get_tunnel_opt - SKB_WRITE int ctx umem sz
            30 skb_set_tunnel_opt - SKB_WRITE int ctx mem sz
            31 skb_change_proto - SKB_WRITE int ctx any any
            32 skb_change_type - SKB_WRITE int ctx any
            33 skb_under_cgroup - SKB_WRITE int ctx map any
            34 get_hash_recalc - SKB_ROUTE int ctx
            35 get_current_task g TRACE int
            36 probe_write_user g TRACE int any mem sz
            37 current_task_under_cgroup - TRACE int map any
            38 skb_change_tail - SKB_WRITE int ctx any any
            39 skb_pull_data - SKB_WRITE int ctx any
            40 csum_update - SKB_WRITE int ctx any
            41 set_hash_invalid - SKB_WRITE int ctx
            42 get_numa_node_id - BASE int
            43 skb_change_head - SKB_WRITE int ctx any any
            44 xdp_adjust_head - XDP int ctx any
            45 probe_read_str g TRACE int umem sz0 any
            46 get_socket_cookie - SKB int ctx
            47 get_socket_uid - SKB int ctx
            48 set_hash - SKB_WRITE int ctx any
            49 setsockopt - SOCK int ctx any any mem sz
            50 skb_adjust_room - SKB_WRITE int ctx any any any
            51 redirect_map - XDP int map any any
            52 sk_redirect_map - SKB_WRITE int ctx map any any
            53 sock_map_update - SOCK int ctx map key any
            54 xdp_adjust_meta - XDP int ctx any
            55 perf_event_read_value - TRACE int map any umem sz
            56 perf_prog_read_value g TRACE int ctx umem sz
            57 getsockopt - SOCK int ctx any any umem sz
            58 override_return g TRACE int ctx any
            59 sock_ops_cb_flags_set - SOCK int ctx any
            60 msg_redirect_map - SOCK int ctx map any any
            61 msg_apply_bytes - SOCK int ctx any
            62 msg_cork_bytes - SOCK int ctx any
            63 msg_pull_data - SOCK int ctx any any any
            64 bind - SOCK int ctx mem sz
            65 xdp_adjust_tail - XDP int ctx any
            66 skb_get_xfrm_state - SKB_WRITE int ctx any umem sz any
            67 get_stack g TRACE int ctx umem sz0 any
            68 skb_load_bytes_relative - SKB int ctx any umem sz any
            69 fib_lookup - NET int ctx mem sz any
            70 sock_hash_update - SOCK int ctx map key any
            71 msg_redirect_hash - SOCK int ctx map key any
            72 sk_redirect_hash - SKB_WRITE int ctx map key any
            73 lwt_push_encap - SKB_WRITE int ctx any mem sz
            74 lwt_seg6_store_bytes - SKB_WRITE int ctx any mem sz
            75 lwt_seg6_adjust_srh - SKB_WRITE int ctx any any
            76 lwt_seg6_action - SKB_WRITE int ctx any mem sz
            77 rc_repeat g SPECIAL int ctx
            78 rc_keydown g SPECIAL int ctx any any any
            79 skb_cgroup_id - SKB_WRITE int ctx
            80 get_current_cgroup_id - TRACE int
            81 get_local_storage - SOCK val map any
            82 sk_select_reuseport - SPECIAL int ctx map key any
            83 skb_ancestor_cgroup_id - SKB_WRITE int ctx any
            84 sk_lookup_tcp a NET sockn ctx mem sz any any
            85 sk_lookup_udp a NET sockn ctx mem sz any any
            86 sk_release r NET int sock
            87 map_push_elem - BASE int map val any
            88 map_pop_elem - BASE int map uval
            89 map_peek_elem - BASE int map uval
            90 msg_push_data - SOCK int ctx any any any
            91 msg_pop_data - SOCK int ctx any any any
            92 rc_pointer_rel g SPECIAL int ctx any any
            93 spin_lock - BASE void lock
            94 spin_unlock - BASE void lock
            95 sk_fullsock - NET sockn sockc
            96 tcp_sock - NET tcpn sockc
            97 skb_ecn_set_ce - SKB_WRITE int ctx
            98 get_listener_sock - NET sockn sockc
            99 skc_lookup_tcp a NET sockcn ctx mem sz any any
            100 tcp_check_syncookie - NET int btfsk mem sz mem sz
            101 sysctl_get_name - SPECIAL int ctx umem sz any
            102 sysctl_get_current_value - SPECIAL int ctx umem sz
            103 sysctl_get_new_value - SPECIAL int ctx umem sz
            104 sysctl_set_new_value - SPECIAL int ctx mem sz
            105 strtol - SOCK int mem sz any long
            106 strtoul - SOCK int mem sz any long
            107 sk_storage_get - SOCK valn map btfskn valn any
            108 sk_storage_delete - SOCK int map btfsk
            109 send_signal - TRACE int any
            110 tcp_gen_syncookie - NET int btfsk mem sz mem sz
            111 skb_output g BTF int btf map any mem sz0
            112 probe_read_user g TRACE int umem sz0 any
            113 probe_read_kernel g BASE int umem sz0 any
            114 probe_read_user_str g TRACE int umem sz0 any
            115 probe_read_kernel_str g BASE int umem sz0 any
            116 tcp_send_ack - BTF int btf any
            117 send_signal_thread - TRACE int any
            118 jiffies64 - BASE int
            119 read_branch_records g TRACE int ctx umemn sz0 any
            120 get_ns_current_pid_tgid - TRACE int any any umem sz
            121 xdp_output g BTF int btf map any mem sz0
            122 get_netns_cookie - SOCK int ctxn
            123 get_current_ancestor_cgroup_id - TRACE int any
            124 sk_assign - SKB_WRITE int ctx btfsk any
            125 ktime_get_boot_ns - BASE int
            126 seq_printf g BTF int btf mem sz memn sz0
            127 seq_write g BTF int btf mem sz0
            128 sk_cgroup_id - SKB_WRITE int btfsk
            129 sk_ancestor_cgroup_id - SKB_WRITE int btfsk any
            130 ringbuf_output - BASE int map mem sz0 any
            131 ringbuf_reserve a BASE allocn map asz any
            132 ringbuf_submit r BASE void alloc any
            133 ringbuf_discard r BASE void alloc any
            134 ringbuf_query - BASE int map any
            135 csum_level - SKB_WRITE int ctx any
            136 skc_to_tcp6_sock - BASE btfn btfsk
            137 skc_to_tcp_sock - BASE btfn btfsk
            138 skc_to_tcp_timewait_sock - BASE btfn btfsk
            139 skc_to_tcp_request_sock - BASE btfn btfsk
            140 skc_to_udp6_sock - BASE btfn btfsk
            141 get_task_stack - BTF int btf umem sz0 any
            142 load_hdr_opt - SOCK int ctx mem sz any
            143 store_hdr_opt - SOCK int ctx mem sz any
            144 reserve_hdr_opt - SOCK int ctx any any
            145 inode_storage_get - BTF valn map btf valn any
            146 inode_storage_delete - BTF int map btf
            147 d_path - BTF int btf umem sz0
            148 copy_from_user - BTF int umem sz0 any
            149 snprintf_btf - TRACE int umem sz mem sz any
            150 seq_printf_btf - BTF int btf mem sz0 any
            151 skb_cgroup_classid - SKB_WRITE int ctx
            152 redirect_neigh - SKB_WRITE int any memn sz0 any
            153 per_cpu_ptr - BASE mbtfn pcpu any
            154 this_cpu_ptr - BASE mbtf pcpu
            155 redirect_peer - SKB_WRITE int any any
            156 task_storage_get - BTF valn map btf valn any
            157 task_storage_delete - BTF int map btf
            158 get_current_task_btf g TRACE btf
            159 bprm_opts_set - BTF int btf any
            160 ktime_get_coarse_ns - BASE int
            161 ima_inode_hash - BTF int btf umem sz
            162 sock_from_file - BTF btfn btf
            163 check_mtu - NET int ctx any int any any
            164 for_each_map_elem - BASE int map func stackn any
            165 snprintf g BASE int umemn sz0 str memn sz0
            166 sys_bpf - SPECIAL int any mem sz
            167 btf_find_by_name_kind - SPECIAL int mem sz any any
            168 sys_close - SPECIAL int any
            169 timer_init g BASE int timer map any
            170 timer_set_callback g BASE int timer func
            171 timer_start g BASE int timer any any
            172 timer_cancel g BASE int timer
            173 get_func_ip - TRACE int ctx
            174 get_attach_cookie - TRACE int ctx
            175 task_pt_regs g BTF btf btf
            176 get_branch_snapshot g TRACE int umem sz0 any
            177 trace_vprintk g BASE int mem sz memn sz0
            178 skc_to_unix_sock - BASE btfn btfsk
            179 kallsyms_lookup_name - SPECIAL int mem sz0 any long
            180 find_vma - BTF int btf any func stackn any
            181 loop - BASE int any func stackn any
            182 strncmp - BASE int mem sz str
            183 get_func_arg - BTF int ctx any long
            184 get_func_ret - BTF int ctx long
            185 get_func_arg_cnt - BTF int ctx
            186 get_retval - SOCK int
            187 set_retval - SOCK int any
            188 xdp_get_buff_len - XDP int ctx
            189 xdp_load_bytes - XDP int ctx any umem sz
            190 xdp_store_bytes - XDP int ctx any mem sz
            191 copy_from_user_task g BTF int umem sz0 any btf any
            192 skb_set_tstamp - SKB_WRITE int ctx any any
            193 ima_file_hash - BTF int btf umem sz
            194 kptr_xchg a BASE btfn kptr any
            195 map_lookup_percpu_elem - BASE valn map key any
            196 skc_to_mptcp_sock - BASE btfn btfsk
            197 dynptr_from_mem - BASE int umem sz0 any dynptr
            198 ringbuf_reserve_dynptr - BASE int map any any dynptr
            199 ringbuf_submit_dynptr - BASE void dynptr any
            200 ringbuf_discard_dynptr - BASE void dynptr any
            201 dynptr_read - BASE int umem sz0 dynptr any any
            202 dynptr_write - BASE int dynptr any mem sz0 any
            203 dynptr_data - BASE memn dynptr any asz
            204 tcp_raw_gen_syncookie_ipv4 - NET int mem mem sz
            205 tcp_raw_gen_syncookie_ipv6 - NET int mem mem sz
            206 tcp_raw_check_syncookie_ipv4 - NET int mem mem
            207 tcp_raw_check_syncookie_ipv6 - NET int mem mem
            208 ktime_get_tai_ns - BASE int
            209 user_ringbuf_drain - BASE int map func stackn any
            210 cgrp_storage_get - BTF valn map btf valn any
            211 cgrp_storage_delete - BTF int map btf
            """;

    private static final Map<String, HelperArgType> ARGS = Map.ofEntries(
            Map.entry("any", HelperArgType.ANYTHING), Map.entry("map", HelperArgType.CONST_MAP_PTR),
            Map.entry("key", HelperArgType.PTR_TO_MAP_KEY), Map.entry("val", HelperArgType.PTR_TO_MAP_VALUE),
            Map.entry("uval", HelperArgType.PTR_TO_UNINIT_MAP_VALUE),
            Map.entry("valn", HelperArgType.PTR_TO_MAP_VALUE_OR_NULL), Map.entry("mem", HelperArgType.PTR_TO_MEM),
            Map.entry("memn", HelperArgType.PTR_TO_MEM_OR_NULL), Map.entry("umem", HelperArgType.PTR_TO_UNINIT_MEM),
            Map.entry("umemn", HelperArgType.PTR_TO_UNINIT_MEM_OR_NULL), Map.entry("sz", HelperArgType.CONST_SIZE),
            Map.entry("sz0", HelperArgType.CONST_SIZE_OR_ZERO),
            Map.entry("asz", HelperArgType.CONST_ALLOC_SIZE_OR_ZERO), Map.entry("ctx", HelperArgType.PTR_TO_CTX),
            Map.entry("ctxn", HelperArgType.PTR_TO_CTX_OR_NULL), Map.entry("long", HelperArgType.PTR_TO_LONG),
            Map.entry("int", HelperArgType.PTR_TO_INT), Map.entry("stackn", HelperArgType.PTR_TO_STACK_OR_NULL),
            Map.entry("func", HelperArgType.PTR_TO_FUNC), Map.entry("str", HelperArgType.PTR_TO_CONST_STR),
            Map.entry("alloc", HelperArgType.PTR_TO_ALLOC_MEM), Map.entry("sock", HelperArgType.PTR_TO_SOCKET),
            Map.entry("sockc", HelperArgType.PTR_TO_SOCK_COMMON), Map.entry("btf", HelperArgType.PTR_TO_BTF_ID),
            Map.entry("btfsk", HelperArgType.PTR_TO_BTF_ID_SOCK_COMMON),
            Map.entry("btfskn", HelperArgType.PTR_TO_BTF_ID_SOCK_COMMON_OR_NULL),
            Map.entry("pcpu", HelperArgType.PTR_TO_PERCPU_BTF_ID), Map.entry("lock", HelperArgType.PTR_TO_SPIN_LOCK),
            Map.entry("timer", HelperArgType.PTR_TO_TIMER), Map.entry("kptr", HelperArgType.PTR_TO_KPTR),
            Map.entry("dynptr", HelperArgType.PTR_TO_DYNPTR));

    private static final Map<String, HelperReturnType> RETURNS = Map.ofEntries(
            Map.entry("int", HelperReturnType.INTEGER), Map.entry("void", HelperReturnType.VOID),
            Map.entry("valn", HelperReturnType.PTR_TO_MAP_VALUE_OR_NULL),
            Map.entry("val", HelperReturnType.PTR_TO_MAP_VALUE),
            Map.entry("sockn", HelperReturnType.PTR_TO_SOCKET_OR_NULL),
            Map.entry("tcpn", HelperReturnType.PTR_TO_TCP_SOCK_OR_NULL),
            Map.entry("sockcn", HelperReturnType.PTR_TO_SOCK_COMMON_OR_NULL),
            Map.entry("allocn", HelperReturnType.PTR_TO_ALLOC_MEM_OR_NULL),
            Map.entry("memn", HelperReturnType.PTR_TO_MEM_OR_NULL),
            Map.entry("btfn", HelperReturnType.PTR_TO_BTF_ID_OR_NULL),
            Map.entry("btf", HelperReturnType.PTR_TO_BTF_ID),
            Map.entry("mbtfn", HelperReturnType.PTR_TO_MEM_OR_BTF_ID_OR_NULL),
            Map.entry("mbtf", HelperReturnType.PTR_TO_MEM_OR_BTF_ID));

    private static final Map<Integer, Entry> BY_ID = parse();

    private LinuxHelpers() {}

    private static Map<Integer, Entry> parse() {
        Map<Integer, Entry> byId = new TreeMap<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            int id = Integer.parseInt(f[0]);
            List<HelperArgType> args = new ArrayList<>();
            for (int i = 5; i < f.length; i++) {
                args.add(lookup(ARGS, f[i], line));
            }
            String flags = f[2];
            HelperPrototype proto = new HelperPrototype(lookup(RETURNS, f[4], line), args, flags.contains("g"),
                    flags.contains("a"), flags.contains("r"));
            byId.put(id, new Entry(id, f[1], proto, Family.valueOf(f[3])));
        }
        if (byId.size() != MAX_ID) {
            throw new IllegalStateException("helper table has " + byId.size() + " entries, expected " + MAX_ID);
        }
        return Collections.unmodifiableMap(byId);
    }

    private static <T> T lookup(Map<String, T> table, String code, String line) {
        T value = table.get(code);
        if (value == null) {
            throw new IllegalStateException("unknown code '" + code + "' in helper table line: " + line);
        }
        return value;
    }

    /** The Linux helper with this id, if Linux defines one. */
    public static Optional<Entry> find(int id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** Every Linux helper, by id. */
    public static List<Entry> all() {
        return List.copyOf(BY_ID.values());
    }

    /** The prototype of Linux helper {@code id}, or {@link HelperPrototype#unknown()} outside Linux's ids. */
    public static HelperPrototype prototypeOf(int id) {
        Entry e = BY_ID.get(id);
        return e == null ? HelperPrototype.unknown() : e.prototype();
    }

    /**
     * Whether a program of {@code type} may call Linux helper {@code id}, as Linux's per-type
     * {@code get_func_proto} decides (grouped by {@link Family}). Ids outside Linux's are the
     * embedder's own and allowed everywhere.
     */
    public static boolean isAllowed(int id, ProgramType type) {
        Entry e = BY_ID.get(id);
        if (e == null || type == ProgramType.UNSPEC || type == ProgramType.SECCOMP) {
            return true;
        }
        boolean skb = switch (type) {
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT, CGROUP_SKB, LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL, SK_SKB,
                    FLOW_DISSECTOR, SK_REUSEPORT -> true;
            default -> false;
        };
        boolean skbWrite = switch (type) {
            case SCHED_CLS, SCHED_ACT, LWT_XMIT, SK_SKB, LWT_SEG6LOCAL -> true;
            default -> false;
        };
        boolean trace = switch (type) {
            case KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACING, LSM, EXT -> true;
            default -> false;
        };
        boolean btf = switch (type) {
            case TRACING, LSM, STRUCT_OPS, SYSCALL, EXT -> true;
            default -> false;
        };
        boolean sock = switch (type) {
            case SOCK_OPS, SK_MSG, CGROUP_SOCK, CGROUP_SOCK_ADDR, CGROUP_SOCKOPT, CGROUP_SYSCTL, CGROUP_DEVICE,
                    SK_LOOKUP -> true;
            default -> false;
        };
        return switch (e.family()) {
            case BASE -> true;
            case SKB -> skb;
            case SKB_WRITE -> skbWrite;
            case SKB_ROUTE -> switch (type) {
                case SCHED_CLS, SCHED_ACT, LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL -> true;
                default -> false;
            };
            case XDP -> type == ProgramType.XDP;
            case NET -> skb || type == ProgramType.XDP;
            case TRACE -> trace;
            case SOCK -> sock;
            case BTF -> btf;
            case SPECIAL -> type == ProgramType.LIRC_MODE2 || type == ProgramType.CGROUP_SYSCTL
                    || type == ProgramType.SYSCALL || type == ProgramType.SK_REUSEPORT;
        };
    }
}
