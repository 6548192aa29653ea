package io.tunnelscope.cli;

/**
 * The one door for text that comes from a capture or from a file name (file names, pcapng
 * interface names) on its way into {@code decode}'s output: every such string passes
 * {@link #shown} before it is encoded, so how they are shown is decided in one place. The JSON
 * writer escapes what JSON needs after it.
 */
final class CaptureStrings {
    private CaptureStrings() {
    }

    /** {@code raw} as it is written. */
    static String shown(String raw) {
        return raw;
    }
}
