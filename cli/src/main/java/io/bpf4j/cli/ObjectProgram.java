package io.bpf4j.cli;

import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.LoadedObject;
import io.bpf4j.loader.ObjectFormatException;
import io.bpf4j.loader.ProgramRejectedException;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import io.bpf4j.verifier.VerifierLog;
import io.bpf4j.loader.ProgramSpec;
import io.bpf4j.loader.Verification;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The program a command runs, loaded, with its type and the maps it shares with its object's other programs. */
record ObjectProgram(Executable executable, ProgramType type, Map<String, BpfMap> maps) {

    /**
     * Loads an object file and picks the program named {@code wanted} (function or section name),
     * or its only program when {@code wanted} is null.
     *
     * @param forcedType the type every program of the object runs as, or null for what their sections say
     */
    static ObjectProgram select(String file, byte[] content, String wanted, ProgramType forcedType, BpfRuntime runtime,
            Verification verification) {
        BpfObject object;
        LoadedObject loaded;
        try {
            object = BpfObject.parse(content, Path.of(file).getFileName().toString());
            loaded = LoadedObject.load(object, runtime, spec -> forcedType != null ? forcedType : spec.kind(), verification);
        } catch (ProgramRejectedException e) {
            throw CliException.badInput(file + ": " + e.getMessage() + " (bpf4j verify " + file + " --program "
                    + e.program() + " shows the verifier's log; --no-verify runs it unverified, with run-time checks)");
        } catch (ObjectFormatException | MapException | ProgramLoadException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        }
        List<ProgramSpec> programs = object.programs();
        if (programs.isEmpty()) {
            throw CliException.badInput(file + ": the object has no programs (no code section with a SEC(...) name)");
        }
        Executable chosen;
        if (wanted != null) {
            Optional<Executable> found = loaded.findProgram(wanted);
            chosen = found.orElseThrow(() -> new CliException(ExitCodes.USAGE, file + ": no program '" + wanted
                    + "'; it has " + describe(programs)));
        } else if (programs.size() == 1) {
            chosen = loaded.programs().get(programs.getFirst().name());
        } else {
            throw new CliException(ExitCodes.USAGE, file + " has " + programs.size() + " programs: choose one with"
                    + " --program (" + describe(programs) + ")");
        }
        ProgramType type = forcedType != null ? forcedType : chosen.program().type();
        return new ObjectProgram(chosen, type, loaded.maps());
    }

    /** An assembled or raw program, which has no section to say its type: {@code type} must be given. */
    static ObjectProgram standalone(String file, LoadedProgram loaded, ProgramType type, BpfRuntime runtime,
            Verification verification) {
        if (type == null) {
            throw new CliException(ExitCodes.USAGE, file + ": instructions have no section name to say where they run:"
                    + " give --type (xdp, tc, socket, cgroup_skb)");
        }
        String name = "-".equals(file) ? "stdin" : Path.of(file).getFileName().toString();
        java.util.BitSet proven = null;
        if (verification == Verification.REQUIRED) {
            // As for objects: what runs on packets is proven safe first, unless the user opts out.
            VerificationRequest request = VerificationRequest.of(loaded.code(), type)
                    .withHelpers(id -> runtime.helpers().find(id).map(io.bpf4j.runtime.Helper::prototype))
                    .withLimitsOf(runtime);
            VerificationResult result = Verifier.verify(request);
            if (!result.accepted()) {
                VerifierLog log = result.rejection();
                throw CliException.badInput(file + ": the verifier rejects the program at instruction "
                        + log.instruction() + ": " + log.reason() + " (bpf4j verify " + file + " --type "
                        + type.name().toLowerCase() + " shows the log; --no-verify runs it unverified, with run-time checks)");
            }
            // The accesses proven safe run without their checks, as for objects.
            proven = result.facts().map(io.bpf4j.verifier.ProgramFacts::provenSafeAccesses).orElse(null);
        }
        try {
            return new ObjectProgram(runtime.load(Program.of(type, name, loaded.code()), proven), type, Map.of());
        } catch (ProgramLoadException e) {
            throw Errors.about(file, e, loaded.code());
        }
    }

    private static String describe(List<ProgramSpec> programs) {
        return String.join(", ", programs.stream().map(p -> p.name() + " in " + p.sectionName()).toList());
    }
}
