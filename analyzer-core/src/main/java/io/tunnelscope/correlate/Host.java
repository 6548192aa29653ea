package io.tunnelscope.correlate;

import java.util.ArrayList;
import java.util.List;

/**
 * A machine with one clock: the capture points taken on it and the devices they saw. Its clock
 * offset applies to every point on it, so latencies between its own devices are exact.
 */
final class Host {
    final int index;
    final String name;
    /**
     * How the host was recognised: {@code given} (a point mapping), {@code capture} (the file's
     * {@code tunnelscope-node=} comment), {@code directory} (a directory per host), {@code file name}
     * ({@code HOST-DEVICE.pcap}), {@code same instant} (its captures saw packets at the same
     * instants as a named host's), or {@code file} (nothing told: each such file is a host).
     */
    final String source;
    final List<Device> devices = new ArrayList<>();
    final List<CapturePoint> points = new ArrayList<>();
    /** How far this host's clock is ahead of the reference host's (subtract it from its timestamps). */
    long offsetNanos;
    /**
     * How the offset was found: {@code reference}, {@code two-way} (packets both ways, as NTP),
     * {@code one-way} (packets one way only: the offset is bounded by causality, latencies across
     * this host are uncertain), or {@code none} (no packet crossed to another host).
     */
    String clockBasis = "none";
    /**
     * The tunnel endpoint address of this host (address bits high, low), or null: the one most
     * journeys voted for. A dual-stack node has one per family (flannel.1 over its IPv4 address,
     * flannel-v6.1 over its IPv6 one): the other family's is {@link #otherVtep}.
     */
    long[] vtep;
    /** The VTEP of the other address family than {@link #vtep}'s, or null. */
    long[] otherVtep;

    /** Whether {@code high/low} is a tunnel endpoint address of this host (of either family). */
    boolean isVtep(long high, long low) {
        return vtep != null && vtep[0] == high && vtep[1] == low
                || otherVtep != null && otherVtep[0] == high && otherVtep[1] == low;
    }

    Host(int index, String name, String source) {
        this.index = index;
        this.name = name;
        this.source = source;
    }

    @Override
    public String toString() {
        return name;
    }
}
