/*
 * Test harness for bpf4j's seccomp comparison (built by SeccompKernelTest with gcc and libseccomp).
 *
 *   harness count             number of policies
 *   harness export N FILE     build policy N with libseccomp, write its BPF (seccomp_export_bpf) to FILE
 *   harness run FILE          for each line "nr a0 a1 a2 a3 a4 a5" on stdin: fork a child that installs the
 *                             classic filter in FILE (raw struct sock_filter) and makes that system call;
 *                             print what happened: "RET value errno", "TRAP si_errno", "KILL signal",
 *                             or "REJECTED errno" when the kernel refuses the filter
 *
 * Policies use errno values from 1001 up, which no system call returns by itself, so that a denial
 * and an allowed call that fails are told apart.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLICIES 12


static scmp_filter_ctx build(int n) {
    scmp_filter_ctx ctx = NULL;
    switch (n) {
    case 0: /* allow list, kill the rest */
        ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getpid), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getppid), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(close), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_yield), 0);
        break;
    case 1: /* deny list */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1001), SCMP_SYS(socket), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1002), SCMP_SYS(openat), 0);
        seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(kill), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1003), SCMP_SYS(uname), 0);
        break;
    case 2: /* argument equality */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1003), SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1004), SCMP_SYS(close), 1, SCMP_A0(SCMP_CMP_EQ, 1000));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1005), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_PACKET));
        break;
    case 3: /* ordering comparisons */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1006), SCMP_SYS(fcntl), 1, SCMP_A1(SCMP_CMP_GT, 3));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1007), SCMP_SYS(lseek), 1, SCMP_A2(SCMP_CMP_LT, 1));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1008), SCMP_SYS(dup), 1, SCMP_A0(SCMP_CMP_GE, 2000));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1009), SCMP_SYS(ioctl), 1, SCMP_A0(SCMP_CMP_LE, 5));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1010), SCMP_SYS(umask), 1, SCMP_A0(SCMP_CMP_NE, 022));
        break;
    case 4: /* masked equality */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1011), SCMP_SYS(openat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_WRONLY));
        break;
    case 5: /* trap */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(getuid), 0);
        seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_EQ, 0xffffffff));
        break;
    case 6: /* errno by default, kill thread for one */
        ctx = seccomp_init(SCMP_ACT_ERRNO(1012));
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getpid), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
        seccomp_rule_add(ctx, SCMP_ACT_KILL, SCMP_SYS(getgid), 0);
        break;
    case 7: /* log */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getpid), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1013), SCMP_SYS(getppid), 0);
        break;
    case 8: /* 64-bit argument values */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1014), SCMP_SYS(close), 1, SCMP_A0(SCMP_CMP_GT, 0xffffffffULL));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1015), SCMP_SYS(dup), 1, SCMP_A0(SCMP_CMP_EQ, 0x100000002ULL));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1016), SCMP_SYS(lseek), 1, SCMP_A1(SCMP_CMP_LE, 0x80000000ULL));
        break;
    case 9: /* several rules for one call, several conditions in one rule */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1017), SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 1));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1018), SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2));
        seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(write), 2, SCMP_A0(SCMP_CMP_EQ, 1000), SCMP_A2(SCMP_CMP_GE, 10));
        break;
    case 10: /* bad architecture action, allow list with errno default */
        ctx = seccomp_init(SCMP_ACT_ERRNO(1019));
        seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(1020));
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getpid), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_INET));
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
        break;
    case 11: /* errno and kill mixed on arguments */
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1021), SCMP_SYS(kill), 1, SCMP_A1(SCMP_CMP_EQ, 0));
        seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(prctl), 1, SCMP_A0(SCMP_CMP_NE, PR_GET_DUMPABLE));
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1022), SCMP_SYS(getcwd), 1, SCMP_A1(SCMP_CMP_LT, 16));
        break;
    }
    return ctx;
}

struct outcome {
    volatile int done, trapped, trap_errno;
    volatile long ret;
    volatile int err;
};
static struct outcome *shared;

static void on_sigsys(int sig, siginfo_t *info, void *uc) {
    (void) sig;
    (void) uc;
    shared->trap_errno = info->si_errno;
    shared->trapped = 1;
    syscall(SYS_exit_group, 0);
}

static int run(const char *file) {
    FILE *f = fopen(file, "rb");
    if (!f) { perror(file); return 2; }
    static struct sock_filter insns[4096];
    size_t n = fread(insns, sizeof(struct sock_filter), 4096, f);
    fclose(f);
    struct sock_fprog prog = { .len = (unsigned short) n, .filter = insns };
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        unsigned long long v[7] = {0};
        char *p = line;
        for (int i = 0; i < 7; i++) v[i] = strtoull(p, &p, 0);
        memset((void *) shared, 0, sizeof *shared);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            struct sigaction sa = {0};
            sa.sa_sigaction = on_sigsys;
            sa.sa_flags = SA_SIGINFO;
            sigaction(SIGSYS, &sa, NULL);
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(100);
            if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) { shared->err = errno; _exit(101); }
            long r = syscall((long) v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
            shared->err = r == -1 ? errno : 0;
            shared->ret = r;
            shared->done = 1;
            syscall(SYS_exit_group, 0);
            _exit(0);
        }
        int status;
        waitpid(pid, &status, 0);
        if (shared->trapped) printf("TRAP %d\n", shared->trap_errno);
        else if (shared->done) printf("RET %ld %d\n", shared->ret, shared->err);
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 101) printf("REJECTED %d\n", shared->err);
        else if (WIFSIGNALED(status)) printf("KILL %d\n", WTERMSIG(status));
        else printf("UNKNOWN %d\n", status);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "count")) { printf("%d\n", POLICIES); return 0; }
    if (argc == 4 && !strcmp(argv[1], "export")) {
        scmp_filter_ctx ctx = build(atoi(argv[2]));
        if (!ctx) return 2;
        int fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0) return 3;
        close(fd);
        seccomp_release(ctx);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "run")) return run(argv[2]);
    fprintf(stderr, "usage: harness count | export N FILE | run FILE\n");
    return 2;
}
