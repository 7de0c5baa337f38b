/**
 * The bpf4j bytecode compiler: translates eBPF programs into JVM bytecode with
 * {@code java.lang.classfile}, one hidden class per program, so that HotSpot compiles them to
 * native code. The runtime finds it through {@link java.util.ServiceLoader}; applications choose
 * it with {@code BpfRuntime.builder().executionMode(...)}.
 */
module io.bpf4j.compiler {
    requires transitive io.bpf4j.runtime;

    exports io.bpf4j.compiler;

    provides io.bpf4j.runtime.spi.CompilerService with io.bpf4j.compiler.internal.BytecodeCompilerService;
}
