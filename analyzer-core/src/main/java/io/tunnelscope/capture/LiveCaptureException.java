package io.tunnelscope.capture;

import java.io.IOException;

/**
 * A live capture could not start: libpcap missing, no such interface, permission denied, a BPF
 * filter that does not compile. The message is meant for the user as it is.
 */
public final class LiveCaptureException extends IOException {
    private static final long serialVersionUID = 1L;

    public LiveCaptureException(String message) {
        super(message);
    }

    public LiveCaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
