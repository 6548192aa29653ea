package io.tunnelscope.detail;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a packet's field tree, as the detail view (and a hex pane) shows it: a protocol
 * header, a field, an element of a repeated field, or an error marker.
 *
 * <p>Byte ranges are absolute offsets into the bytes that were dissected (for a packet: from the
 * first byte of the link-layer header; for a capture file: from the start of the file). A bit
 * field covers the bytes that hold its bits, and {@link #bitOffset()} / {@link #bitLength()} say
 * which bits: bit 0 is the most significant bit of the byte at {@link #offset()}. Byte-aligned
 * fields have {@code bitLength() == 0}.
 *
 * <p>Immutable; names are the field ids of the .ksy specs (snake_case), with {@code [i]} appended
 * for the elements of a repeated field.
 *
 * @param name      field id, e.g. {@code src_addr}, {@code vni}, {@code entries[2]}, or
 *                  {@link #ERROR} for an error marker
 * @param value     the value as displayed: a number, an address, hex bytes, the type of a
 *                  header (e.g. {@code ipv4_packet}), or what went wrong for an error marker
 * @param offset    absolute offset of the first byte
 * @param length    number of bytes
 * @param bitOffset for a bit field, the first bit within the byte at {@code offset} (0 = MSB)
 * @param bitLength for a bit field, its width in bits; 0 for a byte-aligned field
 * @param error     true for an error marker: the dissection stopped here
 * @param children  sub-fields, in wire order (unmodifiable)
 */
public record FieldNode(String name, String value, int offset, int length, int bitOffset,
                        int bitLength, boolean error, List<FieldNode> children) {

    /** The name of error marker nodes. */
    public static final String ERROR = "error";

    public FieldNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        children = List.copyOf(children);
    }

    /** A byte-aligned field or header. */
    public static FieldNode of(String name, String value, int offset, int length,
                               List<FieldNode> children) {
        return new FieldNode(name, value, offset, length, 0, 0, false, children);
    }

    /** An error marker: the dissection failed at {@code offset}. */
    public static FieldNode error(String what, int offset, int length) {
        return new FieldNode(ERROR, what, offset, length, 0, 0, true, List.of());
    }

    /** Offset of the byte after this node. */
    public int end() {
        return offset + length;
    }

    /** True when this node or a descendant is an error marker. */
    public boolean hasError() {
        if (error) {
            return true;
        }
        for (FieldNode c : children) {
            if (c.hasError()) {
                return true;
            }
        }
        return false;
    }

    /** The first error marker in this subtree (depth-first), if any. */
    public Optional<FieldNode> firstError() {
        return find(n -> n.error);
    }

    /** The direct child of that name, if any. */
    public Optional<FieldNode> child(String childName) {
        for (FieldNode c : children) {
            if (c.name.equals(childName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The node at a slash-separated path of child names below this one, e.g.
     * {@code "ethernet_frame/body/body/body/vni"}.
     */
    public Optional<FieldNode> at(String path) {
        FieldNode n = this;
        for (String part : path.split("/")) {
            Optional<FieldNode> c = n.child(part);
            if (c.isEmpty()) {
                return Optional.empty();
            }
            n = c.get();
        }
        return Optional.of(n);
    }

    /** The first node of this subtree (itself included, depth-first) that matches. */
    public Optional<FieldNode> find(java.util.function.Predicate<FieldNode> test) {
        if (test.test(this)) {
            return Optional.of(this);
        }
        for (FieldNode c : children) {
            Optional<FieldNode> f = c.find(test);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    /** Every node of this subtree (itself included) that matches, depth-first. */
    public List<FieldNode> findAll(java.util.function.Predicate<FieldNode> test) {
        List<FieldNode> out = new ArrayList<>();
        collect(test, out);
        return out;
    }

    private void collect(java.util.function.Predicate<FieldNode> test, List<FieldNode> out) {
        if (test.test(this)) {
            out.add(this);
        }
        for (FieldNode c : children) {
            c.collect(test, out);
        }
    }

    /** An indented multi-line rendering, one node a line: {@code name = value [offset+length]}. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        render(sb, 0);
        return sb.toString();
    }

    private void render(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth)).append(name).append(" = ").append(value)
            .append(" [").append(offset).append('+').append(length);
        if (bitLength > 0) {
            sb.append(" bits ").append(bitOffset).append('+').append(bitLength);
        }
        sb.append("]\n");
        for (FieldNode c : children) {
            c.render(sb, depth + 1);
        }
    }
}
