package io.tunnelscope.filter;

/**
 * A filter expression that does not parse. {@link #getMessage()} reads
 * {@code "expected a value after '==' at position 14"}; {@link #position()} is the 0-based
 * character index the problem was found at (the expression's length when it ended too early).
 */
public final class FilterSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String expression;
    private final String reason;
    private final int position;

    public FilterSyntaxException(String expression, String reason, int position) {
        super(reason + " at position " + position);
        this.expression = expression;
        this.reason = reason;
        this.position = position;
    }

    /** The expression as given. */
    public String expression() {
        return expression;
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }

    /** 0-based character index of the problem in {@link #expression()}. */
    public int position() {
        return position;
    }
}
