package io.bpf4j.cli;

import io.bpf4j.loader.ProgramSection;
import io.bpf4j.runtime.ProgramType;
import java.util.Arrays;
import java.util.Locale;

/** Reads the program type a user names on the command line: a BPF_PROG_TYPE name or a libbpf section name. */
final class ProgramTypes {
    private ProgramTypes() {}

    /**
     * {@code xdp}, {@code sched_cls}, {@code BPF_PROG_TYPE_SOCKET_FILTER}, or a section name such as
     * {@code tc}, {@code socket}, {@code classifier}, {@code kprobe/do_sys_open}.
     *
     * @throws CliException naming the accepted forms
     */
    static ProgramType parse(String name) {
        String upper = switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "tc", "classifier" -> "SCHED_CLS";
            case "socket", "skb" -> "SOCKET_FILTER";
            case "raw_tp" -> "RAW_TRACEPOINT";
            case "tp" -> "TRACEPOINT";
            case "uprobe" -> "KPROBE";
            default -> name.toUpperCase(Locale.ROOT).replace('-', '_').replaceFirst("^BPF_PROG_TYPE_", "");
        };
        for (ProgramType type : ProgramType.values()) {
            if (type != ProgramType.UNSPEC && type.name().equals(upper)) {
                return type;
            }
        }
        ProgramType fromSection = ProgramSection.of(name).kind();
        if (fromSection != ProgramType.UNSPEC) {
            return fromSection;
        }
        throw new CliException(ExitCodes.USAGE, "unknown program type '" + name + "': give a section name (xdp, tc,"
                + " socket, cgroup_skb/ingress, kprobe/..., ...) or one of " + Arrays.stream(ProgramType.values())
                        .filter(t -> t != ProgramType.UNSPEC).map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
    }
}
