package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;

import io.bpf4j.runtime.types.SkBuff;

/**
 * A direct classic BPF interpreter written from Linux's description of the semantics (the
 * pre-eBPF {@code sk_run_filter}), independent of the converter: the tests run programs both
 * ways and compare. Ancillary loads read the skb as Linux would; CPU and random are not
 * deterministic and are left out.
 */
final class ReferenceInterpreter {
    private ReferenceInterpreter() {}

    static long run(ClassicProgram program, SkBuff skb, int deviceType) {
        byte[] p = skb.data();
        int a = 0;
        int x = 0;
        int[] mem = new int[MEMWORDS];
        int pc = 0;
        while (true) {
            ClassicInstruction i = program.get(pc++);
            int k = i.k();
            switch (i.code()) {
                case RET | K: return k & 0xffffffffL;
                case RET | A: return a & 0xffffffffL;
                case LD | IMM: a = k; break;
                case LDX | IMM: x = k; break;
                case LD | MEM: a = mem[k]; break;
                case LDX | MEM: x = mem[k]; break;
                case ST: mem[k] = a; break;
                case STX: mem[k] = x; break;
                case LD | W | LEN: a = p.length; break;
                case LDX | W | LEN: x = p.length; break;
                case MISC | TAX: x = a; break;
                case MISC | TXA: a = x; break;
                case ALU | NEG: a = -a; break;
                case LDX | B | MSH: {
                    Long v = load(p, k, 1);
                    if (v == null) {
                        return 0;
                    }
                    x = (int) ((v & 0xf) << 2);
                    break;
                }
                case JMP | JA: pc += k; break;
                default: {
                    int cls = instructionClass(i.code());
                    if (cls == LD) {
                        long offset = mode(i.code()) == IND ? (long) (x + k) : k;
                        int size = switch (size(i.code())) { case H -> 2; case B -> 1; default -> 4; };
                        if (mode(i.code()) == ABS && i.ancillary().isPresent()) {
                            a = ancillary(i.ancillary().get(), skb, a, x, deviceType);
                            break;
                        }
                        Long v = load(p, (int) offset, size);
                        if (v == null) {
                            return 0;
                        }
                        a = (int) (long) v;
                    } else if (cls == ALU) {
                        int operand = source(i.code()) == X ? x : k;
                        switch (operation(i.code())) {
                            case ADD -> a += operand;
                            case SUB -> a -= operand;
                            case MUL -> a *= operand;
                            case DIV -> {
                                if (operand == 0) {
                                    return 0;
                                }
                                a = Integer.divideUnsigned(a, operand);
                            }
                            case MOD -> {
                                if (operand == 0) {
                                    return 0;
                                }
                                a = Integer.remainderUnsigned(a, operand);
                            }
                            case AND -> a &= operand;
                            case OR -> a |= operand;
                            case XOR -> a ^= operand;
                            case LSH -> a <<= (operand & 31);
                            case RSH -> a >>>= (operand & 31);
                            default -> throw new IllegalStateException();
                        }
                    } else if (cls == JMP) {
                        long l = a & 0xffffffffL;
                        long r = (source(i.code()) == X ? x : k) & 0xffffffffL;
                        boolean taken = switch (operation(i.code())) {
                            case JEQ -> l == r;
                            case JGT -> l > r;
                            case JGE -> l >= r;
                            case JSET -> (l & r) != 0;
                            default -> throw new IllegalStateException();
                        };
                        pc += taken ? i.jt() : i.jf();
                    } else {
                        throw new IllegalStateException("opcode " + i.code());
                    }
                }
            }
        }
    }

    private static Long load(byte[] p, int offset, int size) {
        if (offset < 0 || offset > p.length - size) {
            return null;
        }
        long v = 0;
        for (int j = 0; j < size; j++) {
            v = v << 8 | (p[offset + j] & 0xff);
        }
        return v;
    }

    private static int ancillary(Ancillary anc, SkBuff skb, int a, int x, int deviceType) {
        return switch (anc) {
            case PROTOCOL -> skb.protocol();
            case PKTTYPE -> skb.pktType();
            case IFINDEX -> skb.ifindex();
            case MARK -> skb.mark();
            case QUEUE -> skb.queueMapping();
            case HATYPE -> deviceType;
            case RXHASH -> skb.hash();
            case VLAN_TAG -> skb.vlanTci();
            case VLAN_TAG_PRESENT -> skb.vlanPresent() ? 1 : 0;
            case VLAN_TPID -> skb.vlanProto();
            case ALU_XOR_X -> a ^ x;
            default -> throw new IllegalArgumentException("no deterministic reference for " + anc);
        };
    }
}
