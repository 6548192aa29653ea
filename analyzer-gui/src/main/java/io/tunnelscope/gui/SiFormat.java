package io.tunnelscope.gui;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

/**
 * Numbers with SI prefixes ({@code 700 M}, {@code 1.25 k}) instead of {@code 7E8}: the axes of the
 * charts and the rates of the conversations.
 */
final class SiFormat extends NumberFormat {
    private static final String[] PREFIXES = {"", "k", "M", "G", "T", "P"};

    /** {@code 1.25 k}, {@code 700 M}, {@code 12 } (a space before the unit either way). */
    static String si(double value) {
        double a = Math.abs(value);
        int p = 0;
        while (a >= 1000 && p < PREFIXES.length - 1) {
            a /= 1000;
            p++;
        }
        String digits = a >= 100 || a == Math.rint(a) ? String.format(Locale.ROOT, "%.0f", a)
                : a >= 10 ? String.format(Locale.ROOT, "%.1f", a) : String.format(Locale.ROOT, "%.2f", a);
        return (value < 0 ? "-" : "") + digits + " " + PREFIXES[p];
    }

    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
        return toAppendTo.append(si(number).trim());
    }

    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
        return format((double) number, toAppendTo, pos);
    }

    @Override
    public Number parse(String source, ParsePosition parsePosition) {
        return null;
    }
}
