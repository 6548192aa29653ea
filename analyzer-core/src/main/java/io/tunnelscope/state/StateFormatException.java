package io.tunnelscope.state;

/** A state file that is not what the command that wrote it writes; the message names the file. */
public final class StateFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public StateFormatException(String file, String problem) {
        super(file + ": " + problem);
    }
}
