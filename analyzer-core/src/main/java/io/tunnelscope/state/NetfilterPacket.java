package io.tunnelscope.state;

/**
 * A packet as a netfilter hook sees it, to decide which rules match it. Unknown parts are null
 * (or -1): a rule that tests them cannot be evaluated and is reported as such, never guessed.
 *
 * @param source          source address
 * @param destination     destination address
 * @param protocol        {@code tcp}, {@code udp}, {@code icmp}, ... or null
 * @param destinationPort the destination port, or -1
 * @param inDevice        the input device, or null (locally generated, or not known)
 * @param outDevice       the output device, or null (before routing)
 * @param mark            the packet mark (0 unless a rule set one)
 */
public record NetfilterPacket(String source, String destination, String protocol, int destinationPort,
                              String inDevice, String outDevice, long mark) {

    /** The same packet with another mark. */
    public NetfilterPacket withMark(long newMark) {
        return new NetfilterPacket(source, destination, protocol, destinationPort, inDevice, outDevice, newMark);
    }

    /** {@code src -> dst} with the devices known. */
    public String describe() {
        StringBuilder text = new StringBuilder(source).append(" -> ").append(destination);
        if (protocol != null) {
            text.append(' ').append(protocol);
        }
        if (destinationPort >= 0) {
            text.append(" port ").append(destinationPort);
        }
        if (inDevice != null) {
            text.append(" in ").append(inDevice);
        }
        if (outDevice != null) {
            text.append(" out ").append(outDevice);
        }
        return text.toString();
    }
}
