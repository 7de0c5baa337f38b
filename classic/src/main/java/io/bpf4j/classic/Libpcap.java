package io.bpf4j.classic;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compiles tcpdump filter expressions with the installed libpcap ({@code pcap_compile} on a
 * {@code pcap_open_dead} handle, through the JDK's foreign function API), for systems that have
 * the library but not the tcpdump program. Same compiler, same output as {@link Tcpdump} for the
 * same link type and snapshot length.
 *
 * <p>Calling native code is restricted in the JDK: run with
 * {@code --enable-native-access=io.bpf4j.classic} (or {@code ALL-UNNAMED} on the class path) to
 * avoid the JDK's warning.
 */
@SuppressWarnings("restricted") // calling libpcap is the point of this class
public final class Libpcap {
    /** The netmask tcpdump compiles with when it reads a file: 0 (then {@code ip broadcast} means 255.255.255.255). */
    private static final int FILE_NETMASK = 0;
    private static final String[] NAMES = {"libpcap.so.1", "libpcap.so.0.8", "libpcap.so", "libpcap.dylib"};

    private Libpcap() {}

    private record Functions(MethodHandle openDead, MethodHandle compile, MethodHandle geterr, MethodHandle freecode,
            MethodHandle close) {}

    private static final class Holder {
        static final Optional<Functions> FUNCTIONS = load();
    }

    private static Optional<Functions> load() {
        Linker linker = Linker.nativeLinker();
        for (String name : NAMES) {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
                return Optional.of(new Functions(
                        linker.downcallHandle(lib.findOrThrow("pcap_open_dead"),
                                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                        linker.downcallHandle(lib.findOrThrow("pcap_compile"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                        linker.downcallHandle(lib.findOrThrow("pcap_geterr"), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS)),
                        linker.downcallHandle(lib.findOrThrow("pcap_freecode"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)),
                        linker.downcallHandle(lib.findOrThrow("pcap_close"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS))));
            } catch (IllegalArgumentException | java.util.NoSuchElementException | UnsupportedOperationException
                    | IllegalCallerException e) {
                // not this name, or no native access: try the next, then report unavailable
            }
        }
        return Optional.empty();
    }

    /** Whether libpcap could be loaded. */
    public static boolean isAvailable() {
        return Holder.FUNCTIONS.isPresent();
    }

    /**
     * Compiles {@code expression}, optimized, for a capture of {@code linkType} (a pcap
     * {@code LINKTYPE_}/{@code DLT_} value: 1 for Ethernet) with {@code snapLength}.
     *
     * @throws FilterCompileException if libpcap is missing or refuses the expression (with its message)
     */
    public static ClassicProgram compile(String expression, int linkType, int snapLength) {
        Functions f = Holder.FUNCTIONS.orElseThrow(() -> new FilterCompileException(
                "compiling a filter expression needs tcpdump or libpcap, and neither is installed"
                        + " (Debian/Ubuntu: apt-get install tcpdump); or give a classic program instead"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pcap = (MemorySegment) f.openDead().invokeExact(linkType, snapLength);
            if (pcap.equals(MemorySegment.NULL)) {
                throw new FilterCompileException("libpcap does not know link type " + linkType);
            }
            try {
                // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
                MemorySegment program = arena.allocate(16, 8);
                int rc = (int) f.compile().invokeExact(pcap, program, arena.allocateFrom(expression), 1, FILE_NETMASK);
                if (rc != 0) {
                    MemorySegment message = (MemorySegment) f.geterr().invokeExact(pcap);
                    throw new FilterCompileException(message.reinterpret(1024).getString(0));
                }
                try {
                    int count = program.get(ValueLayout.JAVA_INT, 0);
                    MemorySegment insns = program.get(ValueLayout.ADDRESS, 8).reinterpret((long) count * ClassicInstruction.SIZE);
                    List<ClassicInstruction> out = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        long at = (long) i * ClassicInstruction.SIZE;
                        out.add(new ClassicInstruction(insns.get(ValueLayout.JAVA_SHORT, at) & 0xffff,
                                insns.get(ValueLayout.JAVA_BYTE, at + 2) & 0xff, insns.get(ValueLayout.JAVA_BYTE, at + 3) & 0xff,
                                insns.get(ValueLayout.JAVA_INT, at + 4)));
                    }
                    return ClassicProgram.of(out);
                } finally {
                    f.freecode().invokeExact(program);
                }
            } finally {
                f.close().invokeExact(pcap);
            }
        } catch (FilterCompileException e) {
            throw e;
        } catch (Throwable e) {
            throw new FilterCompileException("calling libpcap failed: " + e, e);
        }
    }
}
