package io.bpf4j.runtime.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The registers of a probed x86-64 task, as Linux's {@code struct pt_regs} lays them out: 21
 * 8-byte registers (168 bytes), the context of KPROBE programs and the start of a PERF_EVENT
 * program's context. Immutable.
 *
 * <p>libbpf's {@code PT_REGS_PARM1} to {@code PARM6} read di, si, dx, cx, r8, r9 (the System V
 * calling convention), {@code PT_REGS_RC} reads ax, {@code PT_REGS_IP} ip and {@code PT_REGS_SP} sp.
 */
public final class PtRegs {
    /** The registers in {@code struct pt_regs} order; each is 8 bytes at {@code ordinal() * 8}. */
    public enum Register {
        R15, R14, R13, R12, BP, BX, R11, R10, R9, R8, AX, CX, DX, SI, DI, ORIG_AX, IP, CS, FLAGS, SP, SS;

        /** Offset in {@code struct pt_regs}. */
        public int offset() {
            return ordinal() * 8;
        }
    }

    /** {@code sizeof(struct pt_regs)} on x86-64. */
    public static final int SIZE = 21 * 8;
    private static final Register[] ARGUMENTS = {Register.DI, Register.SI, Register.DX, Register.CX, Register.R8, Register.R9};

    private final long[] values;

    private PtRegs(long[] values) {
        this.values = values;
    }

    /** All registers zero. */
    public static PtRegs empty() {
        return new PtRegs(new long[21]);
    }

    /** A function entry with up to six arguments in the argument registers (PARM1 = di, ...). */
    public static PtRegs ofArguments(long... arguments) {
        if (arguments.length > ARGUMENTS.length) {
            throw new IllegalArgumentException("x86-64 passes at most 6 arguments in registers, not " + arguments.length);
        }
        long[] v = new long[21];
        for (int i = 0; i < arguments.length; i++) {
            v[ARGUMENTS[i].ordinal()] = arguments[i];
        }
        return new PtRegs(v);
    }

    public long get(Register register) {
        return values[register.ordinal()];
    }

    public PtRegs with(Register register, long value) {
        long[] v = values.clone();
        v[register.ordinal()] = value;
        return new PtRegs(v);
    }

    /** Argument {@code n} (1 to 6), as {@code PT_REGS_PARMn} reads it. */
    public long argument(int n) {
        return get(ARGUMENTS[n - 1]);
    }

    /** With ax set: a function's return value, as {@code PT_REGS_RC} reads it in a kretprobe. */
    public PtRegs withReturnValue(long value) {
        return with(Register.AX, value);
    }

    /** The struct's bytes, little-endian. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }
}
