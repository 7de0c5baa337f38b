package io.bpf4j.verifier;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One plain sentence for the terse messages the verifier shares with Linux ("R2 !read_ok"), so
 * that the log says what is wrong and what usually fixes it. The Linux wording stays in the log:
 * eBPF developers search for it.
 */
final class PlainReasons {
    private record Rule(Pattern pattern, String explanation) {}

    private static final List<Rule> RULES = List.of(
            rule("R0 !read_ok",
                    "the program exits without setting r0, its return value."),
            rule("R(\\d+) !read_ok",
                    "register r$1 is read before anything was written to it on this path."),
            rule("R(\\d+) invalid mem access 'scalar'",
                    "r$1 holds a number, not a pointer, so it cannot be dereferenced here."),
            rule("R(\\d+) invalid mem access '(\\w+)_or_null'",
                    "r$1 may be NULL here (a lookup can fail): compare it with 0 before using it."),
            rule("R(\\d+) invalid mem access '(\\w+)'",
                    "r$1 points to $2 memory, which this instruction may not access."),
            rule("invalid access to packet, off=(-?\\d+) size=(\\d+).*",
                    "this packet access is not proven to lie before data_end: compare the pointer plus $2 with"
                            + " data_end first, on every path that reaches it."),
            rule("invalid access to map value, value_size=(\\d+) off=(-?\\d+) size=(\\d+)",
                    "this access to a map value is outside its $1 bytes."),
            rule("invalid access to map value pointer, value_size=(\\d+).*",
                    "this access may fall outside the map value's $1 bytes: bound the offset first."),
            rule("invalid (indirect )?read from stack.*",
                    "these stack bytes are read before anything was written to them."),
            rule("invalid bpf_context access off=(-?\\d+) size=(\\d+)",
                    "this program type may not access the context at offset $1 with $2 bytes."),
            rule("invalid stack off=(-?\\d+) size=(\\d+)",
                    "the access at r10$1 is outside the 512-byte stack frame."),
            rule("misaligned stack access.*",
                    "stack accesses must be aligned to their size."),
            rule("R(\\d+) min value is negative.*",
                    "the offset in r$1 may be negative: use an unsigned value or check it is >= 0."),
            rule("R(\\d+) unbounded memory access.*",
                    "the offset in r$1 has no upper bound: compare it with a constant before the access."),
            rule("R(\\d+) max value is outside of the allowed memory range",
                    "the offset in r$1 can be large enough to go past the end of the object."),
            rule("R(\\d+) type=(\\S+) expected=(.+)",
                    "r$1 holds a $2 where this instruction or helper needs one of: $3."),
            rule("R(\\d+) leaks addr into (.+)",
                    "storing a pointer into $2 would reveal a kernel address, which unprivileged programs may not."),
            rule("R(\\d+) pointer arithmetic on (\\w+)_or_null prohibited.*",
                    "r$1 may be NULL: compare it with 0 before adding to it."),
            rule("back-edge from insn (\\d+) to (\\d+)",
                    "the jump at $1 goes backwards to $2: loops are not allowed in strict mode."),
            rule("infinite loop detected at insn (\\d+)",
                    "the loop through instruction $1 can run forever: its exit condition never changes."),
            rule("The sequence of (\\d+) jumps is too complex\\.",
                    "the program has too many branch combinations to explore: simplify the loop or its branches."),
            rule("BPF program is too large\\. Processed (\\d+) insn",
                    "verification explored $1 instructions, the limit: loops must end within it."),
            rule("unreachable insn (\\d+)",
                    "instruction $1 can never run: remove it, every instruction must be reachable."),
            rule("jump out of range from insn (\\d+) to (-?\\d+)",
                    "the jump at $1 lands outside the program."),
            rule("Unreleased reference id=(\\d+).*",
                    "a ring-buffer reservation (or other reference) is neither submitted nor discarded on this path."),
            rule("cannot call GPL-restricted function.*",
                    "this helper is GPL-only and the program's license is not GPL-compatible."),
            rule("div by zero",
                    "the program divides by the constant 0."),
            rule("invalid shift (-?\\d+)",
                    "a shift by $1 is out of range for the operand's width."),
            rule("unknown func (\\S+)",
                    "this helper does not exist, or this program type may not call it."));

    private PlainReasons() {}

    private static Rule rule(String regex, String explanation) {
        return new Rule(Pattern.compile(regex), explanation);
    }

    /** The plain explanation of a Linux-style reason, if there is one. */
    static Optional<String> explain(String reason) {
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(reason);
            if (m.matches()) {
                String text = rule.explanation();
                for (int g = m.groupCount(); g >= 1; g--) {
                    text = text.replace("$" + g, m.group(g) == null ? "" : m.group(g));
                }
                return Optional.of(text.substring(0, 1).toUpperCase() + text.substring(1));
            }
        }
        return Optional.empty();
    }
}
