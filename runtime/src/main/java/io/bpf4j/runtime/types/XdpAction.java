package io.bpf4j.runtime.types;

/** What an XDP program decides for a packet: Linux's {@code enum xdp_action}. */
public enum XdpAction {
    /** An error: the packet is dropped and an exception is traced. */
    ABORTED(0),
    DROP(1),
    /** Let the packet go on to the network stack. */
    PASS(2),
    /** Send the (possibly modified) packet back out of the interface it came in on. */
    TX(3),
    /** Send it where {@code bpf_redirect} or {@code bpf_redirect_map} said. */
    REDIRECT(4);

    private final int value;

    XdpAction(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /**
     * The action a program's 32-bit return value means. Values above {@link #REDIRECT} are
     * invalid: Linux drivers warn ("invalid XDP action") and handle them as {@link #ABORTED}, and
     * so does this method.
     */
    public static XdpAction of(int returnValue) {
        return returnValue >= 0 && returnValue <= 4 ? values()[returnValue] : ABORTED;
    }
}
