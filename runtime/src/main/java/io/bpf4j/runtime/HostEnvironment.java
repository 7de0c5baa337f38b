package io.bpf4j.runtime;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the host tells tracing helpers about the system they observe, and where their output
 * goes: the current task, the memory of the traced kernel and user space, the
 * {@code bpf_trace_printk} sink and the perf event sink. Set it on
 * {@link BpfRuntime.Builder#host(HostEnvironment)}; immutable and shared by every run.
 *
 * <p>Defaults: the current task is the calling JVM thread ({@link TaskInfo#currentThread()}),
 * nothing of kernel or user memory is mapped, {@code bpf_trace_printk} lines go to
 * {@code System.err} prefixed with {@code "bpf_trace_printk: "} (as Linux's trace_pipe shows
 * them; a debugging aid that should be visible unless the host says otherwise), and perf event
 * samples are dropped.
 */
public final class HostEnvironment {
    private static final Consumer<String> STDERR = message -> System.err.println("bpf_trace_printk: " + message);
    private static final HostEnvironment DEFAULTS = builder().build();

    private final Supplier<TaskInfo> currentTask;
    private final AddressSpace kernelMemory;
    private final AddressSpace userMemory;
    private final Consumer<String> tracePrintk;
    private final PerfEventSink perfEvents;

    private HostEnvironment(Builder b) {
        this.currentTask = b.currentTask;
        this.kernelMemory = b.kernelMemory;
        this.userMemory = b.userMemory;
        this.tracePrintk = b.tracePrintk;
        this.perfEvents = b.perfEvents;
    }

    public static HostEnvironment defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.currentTask = currentTask;
        b.kernelMemory = kernelMemory;
        b.userMemory = userMemory;
        b.tracePrintk = tracePrintk;
        b.perfEvents = perfEvents;
        return b;
    }

    /** The task the calling program runs on behalf of, asked for at every helper call. */
    public TaskInfo currentTask() {
        return currentTask.get();
    }

    /** Kernel memory, for {@code probe_read_kernel} (and {@code probe_read} of kernel addresses). */
    public AddressSpace kernelMemory() {
        return kernelMemory;
    }

    /** The current task's user memory, for {@code probe_read_user} (and {@code probe_read} of user addresses). */
    public AddressSpace userMemory() {
        return userMemory;
    }

    /** Receives each formatted {@code bpf_trace_printk} message (without a trailing newline). */
    public Consumer<String> tracePrintk() {
        return tracePrintk;
    }

    public PerfEventSink perfEvents() {
        return perfEvents;
    }

    public static final class Builder {
        private Supplier<TaskInfo> currentTask = TaskInfo::currentThread;
        private AddressSpace kernelMemory = AddressSpace.EMPTY;
        private AddressSpace userMemory = AddressSpace.EMPTY;
        private Consumer<String> tracePrintk = STDERR;
        private PerfEventSink perfEvents = PerfEventSink.DISCARD;

        private Builder() {}

        /** Who "current" is; the supplier is called on the program's thread at each helper call. */
        public Builder currentTask(Supplier<TaskInfo> task) {
            this.currentTask = Objects.requireNonNull(task, "task");
            return this;
        }

        /** The same task for every call. */
        public Builder currentTask(TaskInfo task) {
            Objects.requireNonNull(task, "task");
            return currentTask(() -> task);
        }

        public Builder kernelMemory(AddressSpace memory) {
            this.kernelMemory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        public Builder userMemory(AddressSpace memory) {
            this.userMemory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        /** Where {@code bpf_trace_printk} messages go; {@code message -> {}} discards them. */
        public Builder tracePrintk(Consumer<String> sink) {
            this.tracePrintk = Objects.requireNonNull(sink, "sink");
            return this;
        }

        public Builder perfEvents(PerfEventSink sink) {
            this.perfEvents = Objects.requireNonNull(sink, "sink");
            return this;
        }

        public HostEnvironment build() {
            return new HostEnvironment(this);
        }
    }
}
