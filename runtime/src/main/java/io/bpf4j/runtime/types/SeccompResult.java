package io.bpf4j.runtime.types;

/**
 * What a seccomp filter decided.
 *
 * @param returnValue the low 32 bits of r0: {@code SECCOMP_RET_*} action and data
 * @param action the action ({@link SeccompAction#of})
 * @param data the low 16 bits ({@code SECCOMP_RET_DATA}): the errno for {@link SeccompAction#ERRNO}
 *     (Linux caps it at 4095), the value passed on for TRAP and TRACE
 */
public record SeccompResult(int returnValue, SeccompAction action, int data) {
    public static SeccompResult of(int returnValue) {
        return new SeccompResult(returnValue, SeccompAction.of(returnValue), returnValue & SeccompAction.DATA_MASK);
    }
}
