package io.tunnelscope.testing;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.detail.FieldNode;
import io.tunnelscope.detail.PacketDetails;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterInput;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.flow.FrameAnalysis;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Puts one packet through everything that looks at packet bytes: {@link PacketDecoder}, every
 * {@link PacketView} accessor on every layer (and on indexes that are no layer),
 * {@link PacketLineFormatter}, the frame analysis (IP reassembly and TCP analysis, which keep state
 * from one exercised packet to the next, as from one frame to the next), every filter field on the
 * result, and {@link PacketDetails#dissect}. Throws {@link AssertionError} on
 * a broken invariant; any other exception escaping is a bug of the code under test. Used by the
 * fuzz tests and the corrupted-capture tests. Not thread-safe: one instance per thread.
 */
public final class PacketExercise {
    private static final Method[] INT_ACCESSORS;
    private static final Method[] APPENDERS;
    /** Exception class names as {@code TreeBuilder.describe} shows an unexpected failure. */
    private static final Pattern UNEXPECTED =
            Pattern.compile("^(internal error|[A-Z][A-Za-z]*(Exception|Error))\\b.*", Pattern.DOTALL);

    static {
        List<Method> ints = new ArrayList<>();
        List<Method> appenders = new ArrayList<>();
        for (Method m : PacketView.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() != PacketView.class
                    || m.getName().startsWith("encapsulation")) {
                continue; // encapsulation(n), encapsulationLayer(n) take n < encapsulationCount()
            }
            Class<?>[] p = m.getParameterTypes();
            if (p.length == 1 && p[0] == int.class && m.getReturnType() != void.class) {
                ints.add(m);
            } else if (p.length == 2 && p[0] == int.class && p[1] == StringBuilder.class) {
                appenders.add(m);
            }
        }
        ints.sort(java.util.Comparator.comparing(Method::getName));
        appenders.sort(java.util.Comparator.comparing(Method::getName));
        INT_ACCESSORS = ints.toArray(new Method[0]);
        APPENDERS = appenders.toArray(new Method[0]);
    }

    private final PacketDecoder decoder;
    private final PacketView view = new PacketView();
    private final PacketLineFormatter formatter = new PacketLineFormatter(ZoneOffset.UTC, true);
    private final StringBuilder line = new StringBuilder(256);
    private final StringBuilder scratch = new StringBuilder(64);
    private final boolean details;
    private final FrameAnalysis analysis;
    private final FilterInput filterInput = new FilterInput();
    private long frames;
    /** Every filter field alone (present?) and compared: each field's reading runs on every packet. */
    /** Every field that stands alone (the name fields need names from node state: left out). */
    private static final PacketFilter EVERY_FIELD = Filter.compile(String.join(" || ",
            Filter.fieldNames().stream().filter(PacketExercise::compilesAlone).toList()));
    private final PacketFilter everyField = EVERY_FIELD.copy();

    private static boolean compilesAlone(String field) {
        try {
            Filter.compile(field);
            return true;
        } catch (io.tunnelscope.filter.FilterSyntaxException e) {
            return false;
        }
    }

    /** With the default tables; {@code details} also runs the Kaitai dissector. */
    public PacketExercise(boolean details) {
        this(DecodeTables.defaults(), details);
    }

    public PacketExercise(DecodeTables tables, boolean details) {
        this.decoder = new PacketDecoder(tables);
        this.details = details;
        this.analysis = new FrameAnalysis(tables);
    }

    /** Exercises {@code packet} as a capture of link type {@code linkType}; returns its line. */
    public String exercise(byte[] packet, long originalLength, int linkType, long timestampNanos) {
        return exercise(ByteBuffer.wrap(packet), 0, packet.length, originalLength, linkType, timestampNanos);
    }

    /**
     * Exercises {@code buffer[offset, offset + capturedLength)}; returns the formatted line. The
     * same bytes are then decoded again at another position of a larger buffer with other bytes
     * around them, which must give the same line (nothing outside the packet is read).
     */
    public String exercise(ByteBuffer buffer, int offset, int capturedLength, long originalLength,
                           int linkType, long timestampNanos) {
        String first = decodeAndFormat(buffer, offset, capturedLength, originalLength, linkType,
                timestampNanos, true);

        byte[] copy = new byte[Math.max(0, Math.min(capturedLength, buffer.limit() - offset))];
        buffer.get(offset, copy, 0, copy.length);
        byte[] shifted = new byte[copy.length + 11];
        Arrays.fill(shifted, (byte) 0xA5);
        System.arraycopy(copy, 0, shifted, 7, copy.length);
        String again = decodeAndFormat(ByteBuffer.wrap(shifted), 7, copy.length, originalLength, linkType,
                timestampNanos, false);
        if (!first.equals(again)) {
            throw new AssertionError("the line depends on bytes outside the packet:\n  " + first
                    + "\n  " + again);
        }
        if (details) {
            FieldNode tree = PacketDetails.dissect(copy, linkType);
            checkTree(tree, copy.length);
        }
        return first;
    }

    private String decodeAndFormat(ByteBuffer buffer, int offset, int capturedLength, long originalLength,
                                   int linkType, long timestampNanos, boolean accessors) {
        LayerStack stack = decoder.decode(buffer, offset, capturedLength, originalLength, linkType);
        checkStack(stack);
        if (accessors) {
            view.wrap(stack);
            callAccessors(stack);
        }
        line.setLength(0);
        formatter.format(timestampNanos, stack, line);
        for (int n = 0; n < stack.noteCount(); n++) {
            line.append(" {").append(stack.note(n).describe(stack.noteArgument(n))).append('}');
        }
        line.append(" [").append(stack.status()).append(']');
        if (accessors) {
            PacketView shown = analysis.analyze(0, stack, ++frames, timestampNanos);
            checkStack(shown.stack());
            filterInput.frame(frames, timestampNanos, originalLength, capturedLength).point("p")
                    .tcp(analysis.tcp()).reassembled(analysis.reassembler());
            everyField.matches(shown, filterInput);
            scratch.setLength(0);
            formatter.appendSummary(shown.stack(), scratch);
        }
        return line.toString();
    }

    private static void checkStack(LayerStack stack) {
        int start = stack.start();
        int capEnd = start + stack.capturedLength();
        if (stack.count() > LayerStack.MAX_LAYERS || stack.noteCount() > LayerStack.MAX_NOTES) {
            throw new AssertionError(stack.count() + " layers, " + stack.noteCount() + " notes");
        }
        for (int i = 0; i < stack.count(); i++) {
            int off = stack.offset(i);
            int len = stack.headerLength(i);
            if (off < start || len < 0 || (long) off + len > capEnd) {
                throw new AssertionError("layer " + i + " header [" + off + "+" + len + "] outside the captured ["
                        + start + ", " + capEnd + ")");
            }
        }
    }

    private void callAccessors(LayerStack stack) {
        view.outerIpLayer();
        view.innerIpLayer();
        view.vni();
        for (int n = 0; n < view.encapsulationCount(); n++) {
            view.encapsulation(n);
            view.encapsulationLayer(n);
        }
        for (int layer = -1; layer <= stack.count(); layer++) {
            for (Method m : INT_ACCESSORS) {
                invoke(m, layer);
            }
            for (Method m : APPENDERS) {
                scratch.setLength(0);
                invoke(m, layer, scratch);
            }
        }
    }

    private void invoke(Method m, Object... args) {
        try {
            m.invoke(view, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError(cause);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** The tree spans the packet, children nest, and no error is an unexpected exception. */
    public static void checkTree(FieldNode root, int length) {
        if (root.offset() != 0 || root.length() != length) {
            throw new AssertionError("root [" + root.offset() + "+" + root.length() + "] for " + length + " bytes");
        }
        check(root);
    }

    private static void check(FieldNode n) {
        if (n.error() && UNEXPECTED.matcher(n.value()).matches()) {
            throw new AssertionError("dissector failed unexpectedly: " + n.value());
        }
        for (FieldNode c : n.children()) {
            if (c.offset() < n.offset() || c.end() > n.end() || c.length() < 0) {
                throw new AssertionError(c.name() + " [" + c.offset() + "+" + c.length() + "] outside "
                        + n.name() + " [" + n.offset() + "+" + n.length() + "]");
            }
            check(c);
        }
    }
}
