package io.bpf4j.runtime;

import java.util.List;
import java.util.Objects;

/**
 * What a helper takes and returns, as a verifier needs it: Linux's {@code struct bpf_func_proto}.
 * Linux's own helpers have theirs in {@link LinuxHelpers}; an embedder registering a helper gives
 * one (or gets {@link #unknown()}, which accepts any initialized arguments).
 *
 * @param returnType what r0 holds after the call
 * @param args the argument types of r1 to r5 (fewer than five: the rest are {@link HelperArgType#DONTCARE})
 * @param gplOnly whether only programs with a GPL-compatible license may call it
 * @param acquiresReference whether the result is a reference the program must release
 *     (sockets from {@code sk_lookup_*}, ring-buffer reservations)
 * @param releasesReference whether the call releases the reference its first pointer argument holds
 */
public record HelperPrototype(HelperReturnType returnType, List<HelperArgType> args, boolean gplOnly,
        boolean acquiresReference, boolean releasesReference) {

    public HelperPrototype {
        Objects.requireNonNull(returnType, "returnType");
        args = List.copyOf(args);
        if (args.size() > 5) {
            throw new IllegalArgumentException("a helper takes at most 5 arguments (r1 to r5), got " + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).isSize() && (i == 0 || !args.get(i - 1).isSizedMemory())) {
                throw new IllegalArgumentException("argument " + (i + 1) + " is a size (" + args.get(i)
                        + ") but argument " + i + " is not a memory argument");
            }
        }
    }

    /** A prototype returning {@code returnType}, not GPL-only, acquiring and releasing nothing. */
    public static HelperPrototype of(HelperReturnType returnType, HelperArgType... args) {
        return new HelperPrototype(returnType, List.of(args), false, false, false);
    }

    /** The prototype of a helper nothing is known about: any initialized arguments, an integer result. */
    public static HelperPrototype unknown() {
        return of(HelperReturnType.INTEGER, HelperArgType.ANYTHING, HelperArgType.ANYTHING, HelperArgType.ANYTHING,
                HelperArgType.ANYTHING, HelperArgType.ANYTHING);
    }

    /** The type of argument {@code index} (0 for r1): {@link HelperArgType#DONTCARE} past the declared ones. */
    public HelperArgType arg(int index) {
        return index < args.size() ? args.get(index) : HelperArgType.DONTCARE;
    }

    public HelperPrototype withGplOnly(boolean value) {
        return new HelperPrototype(returnType, args, value, acquiresReference, releasesReference);
    }
}
