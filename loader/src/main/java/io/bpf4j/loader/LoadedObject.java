package io.bpf4j.loader;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapOfMaps;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.ProgArrayMap;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An object file brought to life in a runtime: its maps created (global data filled in, program
 * arrays and maps of maps given their static slots) and every program loaded, ready to run and
 * to share its maps with the host.
 *
 * <pre>{@code
 * LoadedObject obj = LoadedObject.open(Path.of("xdp_count.o"), BpfRuntime.create());
 * XdpResult r = obj.program("xdp_count").runXdp(XdpPacket.of(frame));
 * long tcp = obj.map("counters").lookupLong(6);
 * }</pre>
 */
public final class LoadedObject {
    private final BpfObject object;
    private final Map<String, BpfMap> maps;
    private final List<BpfMap> orderedMaps;
    private final Map<String, Executable> programs;
    private final BpfRuntime runtime;
    /** Functions replaced by extension programs (dynamic linking), by function name. */
    private final Map<String, FunctionReplacement.Extension> replacements = new LinkedHashMap<>();
    private final Verification verification;

    private LoadedObject(BpfObject object, Map<String, BpfMap> maps, List<BpfMap> orderedMaps,
            Map<String, Executable> programs, BpfRuntime runtime, Verification verification) {
        this.object = object;
        this.verification = verification;
        this.maps = Collections.unmodifiableMap(maps);
        this.orderedMaps = List.copyOf(orderedMaps);
        this.programs = Collections.unmodifiableMap(programs);
        this.runtime = runtime;
    }

    /** Reads, parses, verifies and loads an object file. */
    public static LoadedObject open(Path path, BpfRuntime runtime) throws IOException {
        return load(BpfObject.read(path), runtime);
    }

    /** Reads, parses and loads an object file, verifying its programs or not. */
    public static LoadedObject open(Path path, BpfRuntime runtime, Verification verification) throws IOException {
        return load(BpfObject.read(path), runtime, ProgramSpec::kind, verification);
    }

    /**
     * Creates the object's maps and loads its programs into {@code runtime}.
     *
     * @throws ObjectFormatException if a map or program refers to something the object lacks
     * @throws io.bpf4j.runtime.maps.MapException if a map definition is refused (sizes, limits)
     * @throws io.bpf4j.runtime.ProgramLoadException if a program cannot be loaded (unknown helper,
     *     a GPL-only helper called by a program whose license is not GPL-compatible, ...)
     * @throws ProgramRejectedException if the verifier rejects a program (its log says why)
     */
    public static LoadedObject load(BpfObject object, BpfRuntime runtime) {
        return load(object, runtime, ProgramSpec::kind, Verification.REQUIRED);
    }

    /** Like {@link #load(BpfObject, BpfRuntime)}, verifying the programs or, on the embedder's explicit choice, not. */
    public static LoadedObject load(BpfObject object, BpfRuntime runtime, Verification verification) {
        return load(object, runtime, ProgramSpec::kind, verification);
    }

    /**
     * Like {@link #load(BpfObject, BpfRuntime)}, with each program's type chosen by {@code typeOf}
     * instead of its section name: for programs in sections libbpf does not know, or to run a
     * program as another type (what {@code bpf4j run --type} does).
     */
    public static LoadedObject load(BpfObject object, BpfRuntime runtime,
            java.util.function.Function<ProgramSpec, ProgramType> typeOf, Verification verification) {
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        List<BpfMap> ordered = new ArrayList<>();
        for (MapSpec spec : object.maps()) {
            BpfMap map = runtime.maps().create(definition(spec));
            if (spec.initialData().length > 0) {
                map.update(new byte[4], spec.initialData(), 0); // global data: the single value of key 0
            }
            maps.put(spec.name(), map);
            ordered.add(map);
        }
        Map<String, Executable> programs = new LinkedHashMap<>();
        for (ProgramSpec spec : object.programs()) {
            LicenseCheck.check(object, spec, runtime.helpers());
            ProgramType type = typeOf.apply(spec);
            // An extension (freplace) has no context of its own until it replaces a function: it is
            // verified then, inside the program it joins (see replaceFunction), as Linux verifies it
            // against its attach target.
            java.util.BitSet proven = null;
            if (verification == Verification.REQUIRED && type != ProgramType.EXT) {
                proven = verify(object, spec, spec.instructions(), object.maps().stream().map(LoadedObject::definition).toList(),
                        type, runtime);
            }
            Program program = Program.of(type, spec.name(), spec.instructions(), ordered);
            // The accesses the verifier proved safe run without their checks (in runs of this type).
            programs.put(spec.name(), runtime.load(program, proven));
        }
        for (MapSpec spec : object.maps()) {
            fillStaticSlots(spec, maps, programs);
        }
        return new LoadedObject(object, maps, ordered, programs, runtime, verification);
    }

    /** Verifies a program; returns the accesses proven safe. */
    private static java.util.BitSet verify(BpfObject object, ProgramSpec spec, io.bpf4j.isa.Instructions code,
            List<MapDefinition> maps, ProgramType type, BpfRuntime runtime) {
        io.bpf4j.verifier.VerificationRequest request = ObjectVerification.request(object, spec, code, maps, type,
                runtime.helpers()).withLimitsOf(runtime);
        VerificationResult result = Verifier.verify(request);
        if (!result.accepted()) {
            throw new ProgramRejectedException(spec.name(), result.rejection());
        }
        return result.facts().map(io.bpf4j.verifier.ProgramFacts::provenSafeAccesses).orElse(null);
    }

    /** How this object's programs were loaded: verified, or not on the embedder's choice. */
    public Verification verification() {
        return verification;
    }

    static MapDefinition definition(MapSpec spec) {
        MapDefinition inner = spec.innerMap().map(LoadedObject::definition).orElse(null);
        return new MapDefinition(MapType.fromId(spec.type()), spec.keySize(), spec.valueSize(), spec.maxEntries(),
                spec.flags(), spec.name(), inner);
    }

    private static void fillStaticSlots(MapSpec spec, Map<String, BpfMap> maps, Map<String, Executable> programs) {
        BpfMap map = maps.get(spec.name());
        for (MapSlot slot : spec.initialSlots()) {
            switch (slot.kind()) {
                case PROGRAM -> {
                    Executable target = programs.get(slot.target());
                    if (!(map instanceof ProgArrayMap array) || target == null) {
                        throw new ObjectFormatException("map '" + spec.name() + "' slot " + slot.index()
                                + " names program '" + slot.target() + "', which cannot go there");
                    }
                    array.setProgram(slot.index(), target);
                }
                case MAP -> {
                    BpfMap target = maps.get(slot.target());
                    if (!(map instanceof MapOfMaps outer) || target == null) {
                        throw new ObjectFormatException("map '" + spec.name() + "' slot " + slot.index()
                                + " names map '" + slot.target() + "', which cannot go there");
                    }
                    byte[] key = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .putInt(slot.index()).array();
                    outer.updateMap(key, target, 0);
                }
            }
        }
    }

    /**
     * Replaces global function {@code function} in every program of this object that calls it by
     * extension program {@code extension} of {@code extensionObject} (written as
     * {@code SEC("freplace/FUNCTION")} with the same BTF signature), as Linux's {@code freplace}
     * does. The programs keep their identity: from their next run on they call the extension,
     * which uses its own object's maps. Replacing a replaced function again swaps the extension.
     *
     * @return the names of the programs that now call the extension
     * @throws ObjectFormatException if the function is static, not called by any program, or the
     *     signatures differ
     * @throws IllegalArgumentException if {@code extensionObject} has no program {@code extension}
     */
    public synchronized List<String> replaceFunction(String function, LoadedObject extensionObject, String extension) {
        ProgramSpec spec = extensionObject.object.findProgram(extension)
                .orElseThrow(() -> new IllegalArgumentException("no program '" + extension + "' in "
                        + extensionObject.object.name()));
        List<ProgramSpec> callers = callersOf(function);
        for (ProgramSpec caller : callers) {
            FunctionReplacement.check(caller, FunctionReplacement.find(caller, function).orElseThrow(), spec);
        }
        replacements.put(function, new FunctionReplacement.Extension(spec, extensionObject.orderedMaps));
        return relink(callers);
    }

    /** Undoes {@link #replaceFunction}: the programs call their own function {@code function} again. */
    public synchronized List<String> restoreFunction(String function) {
        if (replacements.remove(function) == null) {
            throw new IllegalArgumentException("function '" + function + "' of " + object.name() + " is not replaced");
        }
        return relink(callersOf(function));
    }

    private List<ProgramSpec> callersOf(String function) {
        List<ProgramSpec> callers = object.programs().stream()
                .filter(p -> FunctionReplacement.find(p, function).filter(f -> f.startIndex() > 0).isPresent()).toList();
        if (callers.isEmpty()) {
            boolean isProgram = object.programs().stream().anyMatch(p -> p.name().equals(function));
            throw new ObjectFormatException("no program of " + object.name() + " calls a function '" + function + "'"
                    + (isProgram ? " (it is a program: replace the functions it calls)" : ""));
        }
        return callers;
    }

    private List<String> relink(List<ProgramSpec> callers) {
        List<String> relinked = new ArrayList<>();
        for (ProgramSpec caller : callers) {
            Executable executable = programs.get(caller.name());
            FunctionReplacement.Linked linked = FunctionReplacement.relink(caller, orderedMaps, replacements);
            io.bpf4j.isa.Instructions code = io.bpf4j.isa.Instructions.decode(linked.code());
            java.util.BitSet proven = null;
            if (verification == Verification.REQUIRED) {
                // The extension runs with the caller's context and arguments: verify them together.
                proven = verify(object, caller, code, linked.maps().stream().map(BpfMap::definition).toList(),
                        executable.program().type(), runtime);
            }
            Program program = Program.of(executable.program().type(), caller.name(), code, linked.maps());
            runtime.replaceCode(executable, program, proven);
            relinked.add(caller.name());
        }
        return relinked;
    }

    /** The parsed object file. */
    public BpfObject object() {
        return object;
    }

    /** Maps by name, in the object's order. */
    public Map<String, BpfMap> maps() {
        return maps;
    }

    /** Programs by function name, in the object's order. */
    public Map<String, Executable> programs() {
        return programs;
    }

    /**
     * The map with this name.
     *
     * @throws IllegalArgumentException naming the maps there are, if none has this name
     */
    public BpfMap map(String name) {
        BpfMap map = maps.get(name);
        if (map == null) {
            throw new IllegalArgumentException("no map '" + name + "' in " + object.name() + "; it has " + maps.keySet());
        }
        return map;
    }

    /** The program with this function name or, failing that, the only one in this section. */
    public Optional<Executable> findProgram(String nameOrSection) {
        return object.findProgram(nameOrSection).map(p -> programs.get(p.name()));
    }

    /**
     * The program with this function or section name.
     *
     * @throws IllegalArgumentException naming the programs there are, if none matches
     */
    public Executable program(String nameOrSection) {
        return findProgram(nameOrSection).orElseThrow(() -> new IllegalArgumentException("no program '" + nameOrSection
                + "' in " + object.name() + "; it has " + object.programs().stream()
                        .map(p -> p.name() + " (" + p.sectionName() + ")").toList()));
    }
}
