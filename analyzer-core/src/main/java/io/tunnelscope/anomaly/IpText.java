package io.tunnelscope.anomaly;

import io.tunnelscope.decode.Addresses;

/** IPv4 addresses between their int and dotted forms. */
final class IpText {
    private IpText() {
    }

    static int ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        int value = 0;
        for (String part : parts) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    static String format(int address) {
        return Addresses.ipv4(address);
    }

}
