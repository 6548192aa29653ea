package io.tunnelscope.capture;

import java.io.IOException;

/**
 * A capture file whose framing is broken: its message is one line,
 * {@code file: offset N: what is wrong}.
 */
public final class CaptureFormatException extends IOException {
    private final String file;
    private final long offset;
    private final String problem;

    public CaptureFormatException(String file, long offset, String problem) {
        super(file + ": offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
        this.problem = problem;
    }

    /** The file name as given to the reader. */
    public String file() { return file; }

    /** Byte offset in the (uncompressed) file where the problem was found. */
    public long offset() { return offset; }

    /** What is wrong, without the file and offset. */
    public String problem() { return problem; }
}
