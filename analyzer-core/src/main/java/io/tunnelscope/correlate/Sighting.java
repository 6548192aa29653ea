package io.tunnelscope.correlate;

/**
 * The sighting a per-packet listener is shown, as correlation will place it in a journey: a rule
 * that sees a cause in the packet tags the sighting, and the cause is then counted once per packet
 * (journey), however many captures saw it ({@link CauseTags}). Valid only during the listener call.
 */
public interface Sighting {
    /**
     * Tags this sighting with {@code tag} ({@link CauseTags#tag}); false when the packet is not one
     * correlation follows (not routable IP), so the caller must count it as a packet itself.
     */
    boolean tag(long tag);
}
