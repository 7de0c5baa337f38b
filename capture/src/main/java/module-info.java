/** Packet captures as tcpdump and Wireshark write them: pcap and pcapng in, pcap out. */
module io.bpf4j.capture {
    exports io.bpf4j.capture;
}
