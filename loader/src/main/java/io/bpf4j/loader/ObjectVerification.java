package io.bpf4j.loader;

import io.bpf4j.isa.Instructions;
import io.bpf4j.loader.btf.FunctionSignature;
import io.bpf4j.runtime.Helper;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationRequest.ArgKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the verifier needs to know about a program of an object file: its code, its maps'
 * definitions, the object's license, the BTF signatures of its global functions (verified on
 * their own, as Linux does) and its source lines (for the log).
 */
public final class ObjectVerification {
    private ObjectVerification() {}

    /**
     * The verification request for {@code program} of {@code object}, run as {@code type}, with
     * the prototypes of every Linux helper (whether bpf4j can run it or not): what
     * {@code bpf4j verify} asks, as the Linux verifier would.
     */
    public static VerificationRequest request(BpfObject object, ProgramSpec program, ProgramType type) {
        return request(object, program, type, null);
    }

    /**
     * The verification request for {@code program} of {@code object}, run as {@code type}, with
     * the helper prototypes of {@code helpers} (an embedder's own helpers included; a helper the
     * registry lacks is refused), or of every Linux helper when {@code helpers} is null.
     */
    public static VerificationRequest request(BpfObject object, ProgramSpec program, ProgramType type,
            HelperRegistry helpers) {
        List<MapDefinition> maps = new ArrayList<>();
        for (MapSpec m : object.maps()) {
            maps.add(LoadedObject.definition(m));
        }
        return request(object, program, program.instructions(), maps, type, helpers);
    }

    /** Like {@link #request(BpfObject, ProgramSpec, ProgramType, HelperRegistry)} for relinked code and maps. */
    static VerificationRequest request(BpfObject object, ProgramSpec program, Instructions code, List<MapDefinition> maps,
            ProgramType type, HelperRegistry helpers) {
        Map<Integer, List<ArgKind>> globals = new LinkedHashMap<>();
        for (FunctionSpec f : program.functions()) {
            if (f.global() && f.startIndex() > 0) {
                globals.put(f.startIndex(), argKinds(f));
            }
        }
        Map<Integer, String> lines = new HashMap<>();
        for (int i = 0; i < program.instructionCount(); i++) {
            int index = i;
            program.lineAt(i).ifPresent(li -> lines.put(index, li.location() + ": " + li.sourceLine().strip()));
        }
        VerificationRequest request = VerificationRequest.of(code, type).withMaps(maps)
                .withGplCompatible(object.gplCompatible()).withGlobalFunctions(globals).withSourceLines(lines)
                .withBtf(object.btfExt().isPresent());
        return helpers == null ? request : request.withHelpers(id -> helpers.find(id).map(Helper::prototype));
    }

    /** How the verifier should treat each argument of a global function, from its BTF signature. */
    private static List<ArgKind> argKinds(FunctionSpec f) {
        List<ArgKind> kinds = new ArrayList<>();
        if (f.signature().isPresent()) {
            for (FunctionSignature.Parameter p : f.signature().get().parameters()) {
                String type = p.typeName();
                boolean context = type.contains("__sk_buff") || type.contains("xdp_md") || type.contains("pt_regs")
                        || type.contains("bpf_sock_ops") || type.contains("bpf_perf_event_data");
                kinds.add(context ? ArgKind.CONTEXT : type.contains("*") ? ArgKind.POINTER : ArgKind.SCALAR);
            }
        }
        return kinds;
    }
}
