package io.tunnelscope.capture;

/**
 * An interface a capture was taken on.
 *
 * @param id           interface id as packets refer to it (unique across pcapng sections)
 * @param linkType     LINKTYPE_ value (see {@link LinkType})
 * @param name         {@code if_name}, or null when the file does not say
 * @param description  {@code if_description}, or null
 * @param snapLength   snapshot length, 0 when unlimited
 * @param ticksPerSecond timestamp resolution: ticks per second ({@code if_tsresol})
 */
public record CaptureInterface(int id, int linkType, String name, String description,
                               int snapLength, long ticksPerSecond) {
}
