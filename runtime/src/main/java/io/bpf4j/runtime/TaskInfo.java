package io.bpf4j.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The task ("current" in Linux) a tracing program runs on behalf of: what
 * {@code bpf_get_current_pid_tgid}, {@code bpf_get_current_uid_gid} and
 * {@code bpf_get_current_comm} report. The host decides what it is through
 * {@link HostEnvironment.Builder#currentTask}.
 *
 * @param pid the thread id (Linux's {@code task->pid})
 * @param tgid the process id (Linux's {@code task->tgid}, what user space calls the pid)
 * @param uid the real user id
 * @param gid the real group id
 * @param comm the command name; Linux keeps at most 15 bytes of it (TASK_COMM_LEN is 16 with the NUL)
 */
public record TaskInfo(int pid, int tgid, int uid, int gid, String comm) {
    /** Bytes of a command name Linux keeps, without the terminating NUL. */
    public static final int MAX_COMM_BYTES = 15;

    public TaskInfo {
        Objects.requireNonNull(comm, "comm");
    }

    /** The command name as Linux holds it: UTF-8, cut to {@value #MAX_COMM_BYTES} bytes. */
    public byte[] commBytes() {
        byte[] bytes = comm.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_COMM_BYTES ? bytes : java.util.Arrays.copyOf(bytes, MAX_COMM_BYTES);
    }

    /**
     * The calling JVM thread as a task: tgid is the JVM's process id, pid the Java thread id
     * (not the operating system's thread id, which Java does not expose), uid and gid the
     * process's (0 where {@code /proc/self} cannot tell), comm the thread's name.
     */
    public static TaskInfo currentThread() {
        Thread thread = Thread.currentThread();
        return new TaskInfo((int) thread.threadId(), Process.PID, Process.UID, Process.GID, thread.getName());
    }

    private static final class Process {
        static final int PID = (int) ProcessHandle.current().pid();
        static final int UID = attribute("unix:uid");
        static final int GID = attribute("unix:gid");

        private static int attribute(String name) {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), name);
            } catch (Exception | LinkageError e) {
                return 0;
            }
        }
    }
}
