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

    // Rules are tried in order: a specific wording comes before a general one it would also match.
    private static final List<Rule> RULES = List.of(
            // control flow, before any path is walked
            rule("unknown opcode (\\w+)",
                    "opcode 0x$1 is not an eBPF instruction: the program is corrupt or was built for another instruction set."),
            rule("call to invalid destination (-?\\d+)",
                    "the call targets instruction $1, which is outside the program."),
            rule("function pointer to invalid destination (-?\\d+)",
                    "a function pointer refers to instruction $1, which is outside the program."),
            rule("jump out of range from insn (\\d+) to (-?\\d+)",
                    "the jump at $1 lands outside the program."),
            rule("jump into the middle of ldimm64 insn (\\d+)",
                    "a jump lands in the second half of the 64-bit constant load at instruction $1."),
            rule("last insn is not an exit or jmp",
                    "the program can run past its last instruction: end every path with exit or a jump."),
            rule("back-edge from insn (\\d+) to (\\d+)",
                    "the jump at $1 goes backwards to $2: loops are not allowed in strict mode."),
            rule("unreachable insn (\\d+)",
                    "instruction $1 can never run: remove it, every instruction must be reachable."),
            rule("global function at instruction (-?\\d+) is outside the program",
                    "the BTF names a global function at instruction $1, which the program does not have."),
            // limits on verification work
            rule("BPF program is too large\\. Processed (\\d+) insn",
                    "verification explored $1 instructions, the limit: loops must end within it."),
            rule("The sequence of (\\d+) jumps is too complex\\.",
                    "the program has too many branch combinations to explore: simplify the loop or its branches."),
            rule("verification needs more than its memory limit of (\\d+) bytes for the (\\d+) branches waiting to be explored",
                    "the $2 paths still to check take more than the verifier's memory limit ($1 bytes): simplify"
                    + " the branches, or raise BpfRuntime.Builder.verifierMemoryLimit."),
            rule("infinite loop detected at insn (\\d+)",
                    "the loop through instruction $1 can run forever: its exit condition never changes."),
            rule("combined stack size of (\\d+) calls is (\\d+)\\. Too large",
                    "the stack frames of $1 nested calls add up to $2 bytes, more than the 512 allowed."),
            rule("the call stack of (\\d+) frames is too deep",
                    "calls nest $1 frames deep; at most 8 are allowed."),
            // registers
            rule("R0 !read_ok",
                    "the program exits without setting r0, its return value."),
            rule("R(\\d+) !read_ok",
                    "register r$1 is read before anything was written to it on this path."),
            rule("div by zero",
                    "the program divides by the constant 0."),
            rule("invalid shift (-?\\d+)",
                    "a shift by $1 is out of range for the operand's width."),
            // pointer arithmetic
            rule("R(\\d+) pointer arithmetic prohibited",
                    "r$1 holds a pointer, which unprivileged programs may not negate or byte-swap."),
            rule("R(\\d+) sign-extension part of pointer",
                    "a sign-extending move of the pointer in r$1 would turn part of an address into a number,"
                            + " which unprivileged programs may not."),
            rule("R(\\d+) partial copy of pointer",
                    "a 32-bit move of the pointer in r$1 would reveal half an address, which unprivileged programs may not."),
            rule("R(\\d+) pointer (\\S+) pointer prohibited",
                    "r$1 and the other operand are both pointers: the only operation on two pointers is"
                            + " subtraction, for privileged programs."),
            rule("R(\\d+) 32-bit pointer arithmetic prohibited",
                    "arithmetic on the pointer in r$1 must use 64-bit instructions."),
            rule("R(\\d+) pointer arithmetic on (\\w+)_or_null prohibited.*",
                    "r$1 may be NULL: compare it with 0 before adding to it."),
            rule("R(\\d+) pointer arithmetic on map_ptr prohibited",
                    "r$1 points to a map itself, which cannot be offset: look up an element to get a pointer into it."),
            rule("R(\\d+) pointer arithmetic on (\\w+) prohibited",
                    "a $2 pointer (r$1) cannot be offset."),
            rule("value (-?\\d+) makes (\\w+) pointer be out of bounds",
                    "adding $1 to a $2 pointer puts it far outside any object."),
            rule("math between (\\w+) pointer and register with unbounded min value is not allowed",
                    "the number added to the $1 pointer may be hugely negative: bound it (an unsigned comparison"
                            + " with a constant) before the addition."),
            rule("math between (\\w+) pointer and register with unbounded max value is not allowed",
                    "the number added to the $1 pointer has no upper bound: compare it with a constant before the addition."),
            rule("R(\\d+) tried to subtract pointer from scalar",
                    "a number minus a pointer (r$1) is not a pointer: subtract the number from the pointer instead."),
            rule("R(\\d+) subtraction from stack pointer prohibited",
                    "the stack pointer in r$1 cannot be subtracted from: add a negative number instead."),
            rule("R(\\d+) bitwise operator (\\S+) on pointer prohibited",
                    "a bitwise operation ($2) on the pointer in r$1 is not allowed: only addition and subtraction are."),
            rule("R(\\d+) pointer arithmetic with (\\S+) operator prohibited",
                    "only addition and subtraction may change the pointer in r$1, not $2."),
            rule("(\\w+) pointer offset (-?\\d+) is not allowed",
                    "the $1 pointer's offset $2 is too far from its object."),
            rule("R(\\d+) has pointer with unsupported alu operation, pointer arithmetic with it prohibited for !root",
                    "unprivileged programs may add a register only to stack and map-value pointers, and r$1 is neither."),
            rule("R(\\d+) has unknown scalar with mixed signed bounds, pointer arithmetic with it prohibited for !root",
                    "the number added to r$1 may be negative or positive: unprivileged programs need its sign known"
                            + " (bound it with an unsigned comparison)."),
            rule("R(\\d+) variable stack access prohibited for !root",
                    "unprivileged programs may offset a stack pointer (r$1) by constants only."),
            rule("R(\\d+) stack pointer arithmetic goes out of range, prohibited for !root",
                    "r$1 would point outside the 512-byte stack, which unprivileged programs may not even compute."),
            rule("R(\\d+) pointer arithmetic of map value goes out of range, prohibited for !root",
                    "r$1 may point outside the map value, which unprivileged programs may not even compute: bound"
                            + " the offset first."),
            // loads and stores
            rule("R(\\d+) invalid mem access 'scalar'",
                    "r$1 holds a number, not a pointer, so it cannot be dereferenced here."),
            rule("R(\\d+) invalid mem access '(\\w+)_or_null'",
                    "r$1 may be NULL here (a lookup can fail): compare it with 0 before using it."),
            rule("R(\\d+) invalid mem access '(\\w+)'",
                    "r$1 points to $2 memory, which this instruction may not access."),
            rule("R(\\d+) leaks addr into helper function",
                    "passing a pointer (r$1) where the helper expects a plain number would reveal an address,"
                            + " which unprivileged programs may not."),
            rule("R(\\d+) leaks addr into (.+)",
                    "storing a pointer into $2 would reveal a kernel address, which unprivileged programs may not."),
            rule("invalid atomic operand size",
                    "atomic operations work on 4- or 8-byte values only."),
            rule("BPF_ATOMIC stores into R(\\d+) (\\S+) is not allowed",
                    "atomic operations may only target the stack, map values or allocated memory; r$1 points to $2."),
            rule("direct value access on (\\w+) map is not allowed.*",
                    "only a single-entry array map's value can be addressed directly (as global data are); this map is $1."),
            rule("invalid access to map value pointer, value_size=(\\d+).*",
                    "this access may fall outside the map value's $1 bytes: bound the offset first."),
            rule("missing btf func_info.*",
                    "a function pointer needs the program's BTF: compile with -g."),
            rule("lddw of a kernel variable.*",
                    "the program refers to a kernel variable by its BTF id, which bpf4j cannot provide."),
            rule("fd (-?\\d+) is not pointing to valid bpf_map.*",
                    "a 64-bit load refers to map $1, which the program does not have."),
            rule("BPF_LD_\\[ABS\\|IND\\] instructions not allowed for this program type",
                    "legacy packet loads (LD_ABS, LD_IND) are only for socket filters and tc programs."),
            rule("at the time of BPF_LD_ABS\\|IND R6 != pointer to skb",
                    "legacy packet loads need the context pointer in r6."),
            rule("BPF_LD_\\[ABS\\|IND\\] cannot be mixed with socket references",
                    "a legacy packet load may end the program, so none may run while a socket reference is held."),
            rule("write into map forbidden, value_size=(\\d+) off=(-?\\d+) size=(\\d+)",
                    "this map is read-only for programs (.rodata, or created with BPF_F_RDONLY_PROG)."),
            rule("'struct bpf_map' access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN",
                    "only privileged programs may read the fields of a map."),
            rule("only read from bpf_map is supported",
                    "a map's own fields can be read but not written."),
            rule("access beyond struct bpf_map at off (-?\\d+)",
                    "offset $1 is outside a map's fields."),
            rule("dereference of modified ctx ptr R(\\d+) off=(-?\\d+) disallowed",
                    "the context pointer in r$1 was moved: access context fields through the original pointer"
                            + " with a constant offset."),
            rule("variable ctx access var_off=(.+) disallowed",
                    "context fields must be accessed at constant offsets."),
            rule("invalid bpf_context access off=(-?\\d+) size=(\\d+)",
                    "this program type may not access the context at offset $1 with $2 bytes."),
            rule("invalid access to (map value|map key|memory), \\w+=(\\d+) off=(-?\\d+) size=(\\d+)",
                    "this access of $4 bytes at offset $3 is outside the $1's $2 bytes."),
            rule("R(\\d+) min value is negative, either use unsigned or 'var &= const'",
                    "the size in r$1 may be negative: use an unsigned value, or mask it (var &= const)."),
            rule("R(\\d+) min value is negative.*",
                    "the offset in r$1 may be negative: use an unsigned value or check it is >= 0."),
            rule("R(\\d+) min value is outside of the allowed memory range",
                    "the offset in r$1 can point before the start of the object."),
            rule("R(\\d+) unbounded memory access, use 'var &= const' or 'if \\(var < const\\)'",
                    "the size in r$1 has no upper bound: compare it with a constant, or mask it, first."),
            rule("R(\\d+) unbounded memory access.*",
                    "the offset in r$1 has no upper bound: compare it with a constant before the access."),
            rule("R(\\d+) max value is outside of the allowed memory range",
                    "the offset in r$1 can be large enough to go past the end of the object."),
            rule("R(\\d+) cannot write into (\\w+)",
                    "r$1 points to a $2, which programs may read but not write."),
            rule("R(\\d+) invalid (sock|sock_common|tcp_sock) access off=(-?\\d+) size=(\\d+)",
                    "a $2 may not be read at offset $3 with $4 bytes: read whole fields, or the first bytes of a small one."),
            rule("cannot write into packet",
                    "this program type may read the packet, not write it."),
            rule("invalid access to packet, off=(-?\\d+) size=(\\d+).*",
                    "this packet access is not proven to lie before data_end: compare the pointer plus $2 with"
                            + " data_end first, on every path that reaches it."),
            // the stack
            rule("misaligned stack access.*",
                    "stack accesses must be aligned to their size."),
            rule("invalid (write to|read from) stack R(\\d+) off=(\\S+) size=(\\d+)",
                    "the access at r$2 offset $3 is outside the 512-byte stack frame."),
            rule("invalid (indirect )?read from stack (R\\d+ )?off (-?\\d+)\\+(\\d+) size (\\d+)",
                    "the stack byte at fp$3+$4 is read before anything was written to it."),
            rule("invalid variable-offset read from stack R(\\d+)",
                    "some stack bytes this read may reach (through r$1) were never written."),
            rule("invalid indirect access to stack R(\\d+) off=(-?\\d+) size=(\\d+)",
                    "the helper would access $3 bytes at fp$2 (r$1), outside the 512-byte stack frame."),
            rule("R(\\d+) variable offset stack access prohibited for !root",
                    "unprivileged programs must pass stack memory to helpers at a constant offset (r$1)."),
            rule("invalid size of register spill",
                    "a pointer may only be stored to the stack whole: 8 bytes at an 8-byte aligned offset."),
            rule("invalid size of register fill",
                    "part of a pointer saved on the stack cannot be loaded: load all 8 bytes."),
            rule("attempt to corrupt spilled pointer on stack",
                    "this store would overwrite part of a pointer saved on the stack, which unprivileged programs may not."),
            rule("leaking pointer from stack off (-?\\d+)",
                    "reading the pointer saved at fp$1 as plain bytes would reveal an address, which unprivileged"
                            + " programs may not."),
            // jumps, calls and exits
            rule("R(\\d+) pointer comparison prohibited",
                    "unprivileged programs may compare a pointer (r$1) only with packet pointers or with 0 after a lookup."),
            rule("cannot return stack pointer to the caller frame",
                    "a function returns a pointer into its own stack frame, which is gone once it returns."),
            rule("At callback return the register R0 has (.+) should have been in \\[0, 1\\]",
                    "a callback must return 0 (continue) or 1 (stop)."),
            rule("R0 leaks addr as return value",
                    "the program returns a pointer, which would reveal an address."),
            rule("Unreleased reference id=(\\d+).*",
                    "a ring-buffer reservation (or other reference) is neither submitted nor discarded on this path."),
            rule("At program exit the register R0 is not a known value \\((.+)\\)",
                    "this program type must return a number, but r0 holds $1."),
            rule("At program exit the register R0 has (.+) should have been in \\[(-?\\d+), (-?\\d+)\\]",
                    "this program type must return a value from $2 to $3."),
            rule("R(\\d+) is not a scalar \\(argument (\\d+) of the global function at instruction (\\d+)\\)",
                    "argument $2 of the global function at instruction $3 must be a number."),
            rule("calls of kernel functions \\(kfuncs\\) are not supported by bpf4j",
                    "the program calls a kernel function (kfunc), which bpf4j can neither check nor run."),
            rule("invalid func unknown#(\\d+).*",
                    "helper $1 does not exist, or this runtime does not register it."),
            rule("unknown func (\\S+)",
                    "the helper $1 needs CAP_PERFMON: unprivileged programs cannot call it."),
            rule("loading a (\\S+) program needs CAP_PERFMON.*",
                    "the program type $1 is for tracing: only users with CAP_PERFMON may load such programs."),
            rule("program of this type cannot use helper (\\S+)",
                    "the helper $1 is not available to this program type."),
            rule("cannot call GPL-restricted function.*",
                    "this helper is GPL-only and the program's license is not GPL-compatible."),
            rule("tail_call is not allowed in subprogs without BTF",
                    "a tail call from a function (not the main program) needs the program's BTF: compile with -g."),
            rule("tail_call would lead to reference leak",
                    "a tail call does not come back, so a reference held at that point would never be released."),
            rule("kernel subsystem misconfigured verifier.*",
                    "a helper prototype is inconsistent (it returns a map value but takes no map): fix its registration."),
            rule("R(\\d+) must be referenced when passed to release function.*",
                    "r$1 holds no reference this path still owns (already released, or never acquired)."),
            rule("R(\\d+) must have zero offset when passed to release func",
                    "pass the very pointer the reservation returned, not one moved from it (r$1)."),
            rule("invalid map_ptr to access map->(key|value)",
                    "the helper takes a map before its $1 argument, and none was given."),
            rule("R(\\d+) is not a known constant'",
                    "r$1 must be a constant known before the program runs (an allocation size)."),
            rule("R(\\d+) does not point to a readonly map'",
                    "r$1 must point into read-only data (.rodata), such as a constant format string."),
            rule("argument R(\\d+) of (\\S+) is a (\\w+), which needs BTF-described objects.*",
                    "the helper $2 takes a kernel object described by BTF ($3) as r$1, which bpf4j's verifier cannot check."),
            rule("R(\\d+) invalid zero-sized read",
                    "the size in r$1 may be 0, which this helper does not accept: check it is at least 1."),
            rule("cannot pass map_type (\\d+) into func (\\S+)",
                    "the helper $2 cannot be used with this kind of map (type $1)."),
            rule("R(\\d+) type=(\\S+) expected=(.+)",
                    "r$1 holds a $2 where this instruction or helper needs one of: $3."));

    private PlainReasons() {}

    private static Rule rule(String regex, String explanation) {
        return new Rule(Pattern.compile(regex), explanation);
    }

    /** How many wordings the table explains. */
    static int ruleCount() {
        return RULES.size();
    }

    /** The index of the first rule that explains {@code reason}, or -1. */
    static int ruleIndex(String reason) {
        for (int i = 0; i < RULES.size(); i++) {
            if (RULES.get(i).pattern().matcher(reason).matches()) {
                return i;
            }
        }
        return -1;
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
