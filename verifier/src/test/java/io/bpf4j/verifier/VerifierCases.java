package io.bpf4j.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared verifier cases ({@code ../shared/verifier-cases/cases.json}): small programs with
 * the Linux verifier's verdicts (privileged and unprivileged) and PREVAIL's, turned into
 * {@link VerificationRequest}s.
 */
final class VerifierCases {
    /** One case: its request (or why it could not be built), and the reference verdicts. */
    record Case(String name, VerificationRequest request, String buildError, boolean linuxPrivileged,
            boolean linuxUnprivileged, boolean prevail, String linuxError, String linuxUnprivError) {

        String category() {
            int slash = name.indexOf('/');
            return slash < 0 ? name : name.substring(0, slash);
        }
    }

    private VerifierCases() {}

    static List<Case> load(Path casesJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(casesJson.toFile());
        List<Case> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            boolean priv = c.get("linux_privileged").get("verdict").asText().equals("accept");
            boolean unpriv = c.get("linux_unprivileged").get("verdict").asText().equals("accept");
            boolean prevail = c.get("prevail_expect").asText().equals("accept");
            String err = c.get("linux_privileged").get("error").asText();
            String err2 = c.get("linux_unprivileged").get("error").asText();
            VerificationRequest request = null;
            String buildError = null;
            try {
                request = build(c);
            } catch (RuntimeException e) {
                buildError = e.getMessage();
            }
            out.add(new Case(name, request, buildError, priv, unpriv, prevail, err, err2));
        }
        return out;
    }

    private static VerificationRequest build(JsonNode c) {
        List<Instruction> slots = new ArrayList<>(Assembler.assembleSlots(c.get("asm").asText()));
        Map<String, Integer> mapIndex = new HashMap<>();
        List<MapDefinition> maps = new ArrayList<>();
        for (JsonNode m : c.get("maps")) {
            MapType type = switch (m.get("type").asText()) {
                case "array" -> MapType.ARRAY;
                case "hash" -> MapType.HASH;
                case "prog_array" -> MapType.PROG_ARRAY;
                default -> throw new IllegalArgumentException("map type " + m.get("type").asText());
            };
            mapIndex.put(m.get("name").asText(), maps.size());
            maps.add(MapDefinition.of(type, m.get("key_size").asInt(), m.get("value_size").asInt(),
                    m.get("max_entries").asInt()).withName(m.get("name").asText()));
        }
        for (JsonNode f : c.get("fixups")) {
            int at = f.get("insn").asInt();
            int idx = mapIndex.get(f.get("map").asText());
            Instruction insn = slots.get(at);
            boolean value = f.get("kind").asText().equals("map_value");
            slots.set(at, Instruction.of(insn.opcode(), insn.dst(), value ? 2 : 1, insn.offset(), idx));
            Instruction hi = slots.get(at + 1);
            slots.set(at + 1, Instruction.of(hi.opcode(), hi.dst(), hi.src(), hi.offset(), value ? f.get("offset").asInt() : 0));
        }
        ProgramType type = switch (c.get("prog_type").asText()) {
            case "xdp" -> ProgramType.XDP;
            case "socket_filter" -> ProgramType.SOCKET_FILTER;
            default -> throw new IllegalArgumentException("program type " + c.get("prog_type").asText());
        };
        return VerificationRequest.of(Instructions.of(slots), type).withMaps(maps);
    }
}
