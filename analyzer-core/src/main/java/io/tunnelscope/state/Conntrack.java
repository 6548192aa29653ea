package io.tunnelscope.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Connection-tracking entries as {@code conntrack -L} lists them: the original direction's and the
 * reply direction's addresses and ports. A source NAT shows as a reply addressed to something
 * other than the original source.
 */
public final class Conntrack {
    /**
     * One entry.
     *
     * @param protocol         {@code tcp}, {@code udp}, {@code icmp}, ...
     * @param source           original source address
     * @param destination      original destination address
     * @param replySource      the reply's source (differs from {@code destination} after DNAT)
     * @param replyDestination the reply's destination (differs from {@code source} after SNAT)
     * @param line             the line as listed
     */
    public record Entry(String protocol, String source, String destination, String replySource,
                        String replyDestination, String line) {
        public boolean sourceTranslated() {
            return replyDestination != null && !replyDestination.equals(source);
        }

        public boolean destinationTranslated() {
            return replySource != null && !replySource.equals(destination);
        }
    }

    private Conntrack() {
    }

    public static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] words = l.split("\\s+");
            List<String> src = new ArrayList<>();
            List<String> dst = new ArrayList<>();
            for (String w : words) {
                if (w.startsWith("src=")) {
                    src.add(w.substring(4));
                } else if (w.startsWith("dst=")) {
                    dst.add(w.substring(4));
                }
            }
            if (src.size() >= 2 && dst.size() >= 2) {
                entries.add(new Entry(words[0], src.get(0), dst.get(0), src.get(1), dst.get(1), l));
            }
        }
        return List.copyOf(entries);
    }
}
