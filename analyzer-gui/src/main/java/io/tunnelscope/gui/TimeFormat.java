package io.tunnelscope.gui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the Time column shows a packet's time (View → Time display format), as Wireshark offers it. */
enum TimeFormat {
    /** Seconds since the first packet of the time order. */
    SINCE_FIRST("Seconds since the first packet"),
    /** Seconds since the previous packet shown in the list. */
    SINCE_PREVIOUS_DISPLAYED("Seconds since the previous displayed packet"),
    /** Date and time of day in UTC, for matching logs. */
    UTC("UTC date and time of day"),
    /** Date and time of day in this machine's zone. */
    LOCAL("Local date and time of day");

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final String label;

    TimeFormat(String label) {
        this.label = label;
    }

    /** How the View menu names it. */
    String label() {
        return label;
    }

    /**
     * The text of a time.
     *
     * @param nanos     the packet's time
     * @param reference the first packet's time, or the previous displayed packet's (or the
     *                  packet's own time when there is none)
     */
    String format(long nanos, long reference, ZoneId localZone) {
        switch (this) {
            case UTC:
                return absolute(nanos, ZoneOffset.UTC);
            case LOCAL:
                return absolute(nanos, localZone);
            default: {
                long rel = nanos - reference;
                String sign = rel < 0 ? "-" : "";
                long a = Math.abs(rel);
                return sign + a / 1_000_000_000L + "." + pad(a % 1_000_000_000L / 1000, 6);
            }
        }
    }

    private static String absolute(long nanos, ZoneId zone) {
        Instant t = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        return DATE_TIME.format(t.atZone(zone)) + "." + pad(t.getNano() / 1000, 6);
    }

    private static String pad(long value, int digits) {
        String s = Long.toString(value);
        return "0".repeat(Math.max(0, digits - s.length())) + s;
    }

    /** The format of that name ({@code since-first}, {@code since-previous}, {@code utc}, {@code local}), or null. */
    static TimeFormat byOption(String name) {
        return switch (name) {
            case "since-first" -> SINCE_FIRST;
            case "since-previous" -> SINCE_PREVIOUS_DISPLAYED;
            case "utc" -> UTC;
            case "local" -> LOCAL;
            default -> null;
        };
    }
}
