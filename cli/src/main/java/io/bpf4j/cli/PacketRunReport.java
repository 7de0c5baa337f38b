package io.bpf4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapType;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code bpf4j run} found over all its runs: how often each return value came back (Linux's
 * test runs report r0 as an unsigned 32-bit value, and so does this), the last one, the packets
 * it could not feed to the program and why, and each map's final contents.
 */
final class PacketRunReport {
    private static final HexFormat HEX = HexFormat.of();

    private final String program;
    private final String type;
    private final PacketHook hook;
    private final Map<Long, Long> results = new TreeMap<>();
    private long packets;
    private long runs;
    private long passed;
    private long retval = -1;
    private long skipped;
    private String firstSkipReason;

    PacketRunReport(String program, String type, PacketHook hook) {
        this.program = program;
        this.type = type;
        this.hook = hook;
    }

    void packet() {
        packets++;
    }

    void result(long r0, boolean wasPassed) {
        long value = r0 & 0xffffffffL;
        results.merge(value, 1L, Long::sum);
        retval = value;
        runs++;
        if (wasPassed) {
            passed++;
        }
    }

    void skipped(long packetNumber, String reason) {
        if (skipped++ == 0) {
            firstSkipReason = "packet " + packetNumber + ": " + reason;
        }
    }

    long runs() {
        return runs;
    }

    /** The human-readable report: histogram, then each map. */
    void printText(PrintStream out, String source, int repeat, Map<String, BpfMap> maps) {
        out.printf("%s (%s): %d packet%s from %s%s%n", program, type, packets, packets == 1 ? "" : "s", source,
                repeat > 1 ? ", " + repeat + " runs each" : "");
        for (Map.Entry<Long, Long> e : results.entrySet()) {
            out.printf("%10d  %5.1f%%  %s (%d)%n", e.getValue(), 100.0 * e.getValue() / runs, hook.label(e.getKey()),
                    e.getKey());
        }
        if (runs > 0) {
            out.println("last r0 = " + retval + " (" + hook.label(retval) + "); passed on: " + passed + " of " + runs);
        }
        if (skipped > 0) {
            out.println("skipped " + skipped + " packet" + (skipped == 1 ? "" : "s") + " the hook cannot take, first: "
                    + firstSkipReason);
        }
        for (Map.Entry<String, BpfMap> e : maps.entrySet()) {
            BpfMap map = e.getValue();
            List<MapContents.Entry> entries = MapContents.of(map);
            out.printf("%nmap %s (%s, key %d, value %d, max_entries %d): %d entr%s%n", e.getKey(),
                    map.type().name().toLowerCase(), map.keySize(), map.valueSize(), Integer.toUnsignedLong(map.maxEntries()),
                    entries.size(), entries.size() == 1 ? "y" : "ies");
            // Arrays have every slot; as kernel-run and bpftool users expect, only the used ones are worth reading.
            boolean array = map.type() == MapType.ARRAY || map.type() == MapType.PERCPU_ARRAY;
            int zeroSlots = 0;
            for (MapContents.Entry entry : entries) {
                if (array && allZero(entry)) {
                    zeroSlots++;
                } else {
                    out.println("  " + text(entry));
                }
            }
            if (zeroSlots > 0) {
                out.println("  (" + zeroSlots + " all-zero slot" + (zeroSlots == 1 ? "" : "s") + " not shown)");
            }
        }
        out.flush();
    }

    private static boolean allZero(MapContents.Entry entry) {
        List<byte[]> values = switch (entry) {
            case MapContents.KeyValue kv -> List.of(kv.value());
            case MapContents.PerCpu pc -> pc.values();
            default -> List.of(new byte[] {1});
        };
        for (byte[] value : values) {
            for (byte b : value) {
                if (b != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String text(MapContents.Entry entry) {
        return switch (entry) {
            case MapContents.KeyValue kv -> HEX.formatHex(kv.key()) + ": " + HEX.formatHex(kv.value());
            case MapContents.PerCpu pc -> HEX.formatHex(pc.key()) + ": " + String.join(" | ",
                    pc.values().stream().map(HEX::formatHex).toList());
            case MapContents.ProgramSlot ps -> HEX.formatHex(ps.key()) + ": program " + ps.program();
            case MapContents.MapSlot ms -> HEX.formatHex(ms.key()) + ": map " + ms.map();
            case MapContents.Pending p -> HEX.formatHex(p.value());
        };
    }

    /**
     * The report as one JSON object: {@code retval} (last run), {@code results} (return value to
     * count), {@code maps} (name to a list of {@code {"key": HEX, "value": HEX}}, per-CPU maps with a
     * list of values), and counts.
     */
    ObjectNode json(ObjectMapper mapper, Map<String, BpfMap> maps) {
        ObjectNode root = mapper.createObjectNode();
        root.put("program", program);
        root.put("type", type);
        root.put("packets", packets);
        root.put("runs", runs);
        root.put("passed", passed);
        root.put("skipped", skipped);
        if (runs > 0) {
            root.put("retval", retval);
        } else {
            root.putNull("retval");
        }
        ObjectNode histogram = root.putObject("results");
        results.forEach((value, count) -> histogram.put(Long.toString(value), count));
        ObjectNode mapsNode = root.putObject("maps");
        maps.forEach((name, map) -> {
            ArrayNode list = mapsNode.putArray(name);
            for (MapContents.Entry entry : MapContents.of(map)) {
                ObjectNode node = list.addObject();
                switch (entry) {
                    case MapContents.KeyValue kv -> node.put("key", HEX.formatHex(kv.key())).put("value", HEX.formatHex(kv.value()));
                    case MapContents.PerCpu pc -> {
                        node.put("key", HEX.formatHex(pc.key()));
                        ArrayNode values = node.putArray("value");
                        pc.values().forEach(v -> values.add(HEX.formatHex(v)));
                    }
                    case MapContents.ProgramSlot ps -> node.put("key", HEX.formatHex(ps.key())).put("program", ps.program());
                    case MapContents.MapSlot ms -> node.put("key", HEX.formatHex(ms.key())).put("map", ms.map());
                    case MapContents.Pending p -> node.put("value", HEX.formatHex(p.value()));
                }
            }
        });
        return root;
    }
}
