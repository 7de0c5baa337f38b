package io.bpf4j.compiler;

import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JVM class the compiler generates for a program, as bytes or as readable text: what
 * {@code bpf4j compile --dump} prints, and a way to see what HotSpot is given.
 */
public final class BytecodeDump {
    private BytecodeDump() {}

    /**
     * Compiles {@code program} as a runtime built by {@code runtime} would (its helpers and
     * instruction budget matter) and returns the generated class file.
     *
     * @throws io.bpf4j.runtime.ProgramLoadException if the program cannot be loaded or compiled
     */
    public static byte[] classBytes(Program program, BpfRuntime.Builder runtime) {
        BpfRuntime compiling = runtime.executionMode(ExecutionMode.COMPILED).build();
        AtomicReference<byte[]> bytes = new AtomicReference<>();
        BytecodeCompilerService.capture(c -> bytes.compareAndSet(null, c.classFile()), () -> compiling.load(program));
        if (bytes.get() == null) {
            throw new IllegalStateException("the runtime did not use the bytecode compiler");
        }
        return bytes.get();
    }

    /** {@link #classBytes} as text: each method with its instructions, one per line. */
    public static String dump(Program program, BpfRuntime.Builder runtime) {
        return toText(classBytes(program, runtime));
    }

    /** A readable listing of a class file's methods and code. */
    public static String toText(byte[] classFile) {
        ClassModel model = ClassFile.of().parse(classFile);
        StringBuilder out = new StringBuilder();
        out.append("class ").append(model.thisClass().asInternalName())
                .append(" implements ").append(model.interfaces().stream().map(i -> i.asInternalName()).toList())
                .append(" (").append(classFile.length).append(" bytes)\n");
        for (MethodModel method : model.methods()) {
            out.append("\n").append(method.methodName().stringValue()).append(method.methodType().stringValue());
            CodeModel code = method.code().orElse(null);
            if (code == null) {
                out.append(" (no code)\n");
                continue;
            }
            Map<Label, Integer> labelNames = new HashMap<>();
            if (code instanceof java.lang.classfile.attribute.CodeAttribute attribute) {
                out.append(" max_locals=").append(attribute.maxLocals()).append(" max_stack=").append(attribute.maxStack())
                        .append(" code_length=").append(attribute.codeLength());
            }
            out.append('\n');
            int offset = 0;
            for (CodeElement element : code) {
                if (element instanceof LabelTarget target) {
                    out.append("  L").append(labelNames.computeIfAbsent(target.label(), l -> labelNames.size())).append(":\n");
                } else if (element instanceof Instruction insn) {
                    out.append(String.format("    %5d: %s%n", offset, describe(insn, labelNames)));
                    offset += insn.sizeInBytes();
                } else if (!(element instanceof PseudoInstruction)) {
                    continue;
                }
            }
        }
        return out.toString();
    }

    private static String describe(Instruction insn, Map<Label, Integer> labelNames) {
        String text = insn.toString();
        // Instructions print as Kind[OP=NAME, ...]: keep the opcode name and operands, name labels.
        String name = insn.opcode().name().toLowerCase(java.util.Locale.ROOT);
        int open = text.indexOf('[');
        String operands = open >= 0 && text.endsWith("]") ? text.substring(open + 1, text.length() - 1) : "";
        operands = operands.replaceFirst("^OP=[A-Z_0-9]+,? ?", "").replaceFirst("^op=[A-Z_0-9]+$", "");
        if (insn instanceof java.lang.classfile.instruction.BranchInstruction branch) {
            operands = "L" + labelNames.computeIfAbsent(branch.target(), l -> labelNames.size());
        }
        int slot = insn instanceof java.lang.classfile.instruction.LoadInstruction load ? load.slot()
                : insn instanceof java.lang.classfile.instruction.StoreInstruction store ? store.slot() : -1;
        String register = slot >= 3 && slot <= 21 && slot % 2 == 1 && insn.opcode().name().startsWith("L")
                ? "r" + (slot - 3) / 2 : slot == 23 ? "r10" : null;
        if (register != null) {
            operands = operands + " (" + register + ")";
        }
        return operands.isEmpty() ? name : name + " " + operands;
    }
}
