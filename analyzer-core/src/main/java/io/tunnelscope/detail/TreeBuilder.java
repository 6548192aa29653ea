package io.tunnelscope.detail;

import io.kaitai.struct.KaitaiStream;
import io.kaitai.struct.KaitaiStruct;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an object tree built by the generated Kaitai parsers (compiled with {@code --debug}) into
 * {@link FieldNode}s.
 *
 * <p>It reads what the generated classes expose: the static {@code _seqFields} (field names in
 * wire order), one accessor per field, and the {@code _attrStart}/{@code _attrEnd} (and, for
 * repeated fields, {@code _arrStart}/{@code _arrEnd}) position maps, which hold positions relative
 * to the struct's own stream. {@link PositionedStream} makes them absolute and supplies the exact
 * bits of bit fields. Value instances are not shown: they are derived, not on the wire.
 *
 * <p>A parse that failed half-way leaves fields that have a start position but no end; the
 * deepest such field gets the error marker (or the root, when the failure happened outside any
 * field, e.g. in a look-ahead).
 */
final class TreeBuilder {

    /** Deepest nesting of headers shown; a crafted packet may nest encapsulations deeper. */
    private static final int MAX_DEPTH = 200;

    private final Throwable failure;
    private boolean errorPlaced;

    private TreeBuilder(Throwable failure) {
        this.failure = failure;
    }

    /**
     * The tree of a (possibly partially) parsed struct, below a root node.
     *
     * @param rootName  name of the root node
     * @param rootValue display value of the root node
     * @param rootLength length of the dissected data
     * @param top       the top-level struct (may be null when nothing could be parsed)
     * @param failure   the exception that stopped the parse, or null
     */
    static FieldNode build(String rootName, String rootValue, int rootLength, KaitaiStruct top,
                           Throwable failure) {
        TreeBuilder b = new TreeBuilder(failure);
        List<FieldNode> children = new ArrayList<>();
        if (top != null) {
            children.add(b.struct(Names.typeName(top), top, 0, rootLength, 0, 0));
        }
        if (failure != null && !b.errorPlaced) {
            children.add(FieldNode.error(describe(failure), errorOffset(failure), 0));
        }
        return FieldNode.of(rootName, rootValue, 0, rootLength, children);
    }

    /**
     * The node of a struct parsed from a window of the packet that starts at absolute offset
     * {@code base} (a payload the decoder's tables chose the spec of), named {@code name}; an error
     * marker inside it when the parse stopped with {@code failure}.
     */
    static FieldNode window(String name, KaitaiStruct s, int base, int length, Throwable failure) {
        TreeBuilder b = new TreeBuilder(failure);
        FieldNode node = b.struct(name, s, base, base + length, base, 0);
        if (failure != null && !b.errorPlaced) {
            List<FieldNode> children = new ArrayList<>(node.children());
            children.add(FieldNode.error(describe(failure), Math.max(base, errorOffset(failure)), 0));
            node = FieldNode.of(node.name(), node.value(), node.offset(), node.length(), children);
        }
        return node;
    }

    /**
     * A node for a struct, its range [start, end) known by the caller; {@code base} is the
     * absolute offset of position 0 of the struct's stream.
     */
    private FieldNode struct(String name, KaitaiStruct s, int start, int end, int base,
                             int depth) {
        if (depth > MAX_DEPTH) {
            return FieldNode.of(name, Names.typeName(s) + " (nested too deep, not shown)", start,
                end - start, List.of());
        }
        KaitaiStream io = s._io();
        StructInfo info = StructInfo.of(s.getClass());
        Map<String, Integer> attrStart = info.map(s, info.attrStart);
        Map<String, Integer> attrEnd = info.map(s, info.attrEnd);
        List<FieldNode> children = new ArrayList<>();
        for (int i = 0; i < info.fields.length; i++) {
            String field = info.fields[i];
            Integer fs = attrStart.get(field);
            if (fs == null) {
                continue; // not present (an if: that was false) or never reached
            }
            Integer fe = attrEnd.get(field);
            Object v = info.get(s, i);
            String fname = Names.snake(field);
            boolean composite = v instanceof KaitaiStruct || v instanceof List<?>;
            if (v == null || (fe == null && !composite)) {
                // Started but not finished: this is where the parse failed.
                if (fe == null && failure != null && !errorPlaced) {
                    children.add(errorAt(base + fs, (int) io.size() - fs));
                }
                continue;
            }
            if (v instanceof List<?> list) {
                children.add(list(fname, list, s, info, field, io, base, fs, fe, depth));
            } else {
                children.add(value(fname, v, io, base, fs, fe, depth));
            }
        }
        return FieldNode.of(name, Names.typeName(s), start, Math.max(0, end - start), children);
    }

    private FieldNode value(String name, Object v, KaitaiStream io, int base, int fs, Integer fe,
                            int depth) {
        if (v instanceof KaitaiStruct child) {
            KaitaiStream cio = child._io();
            int start;
            int end;
            int childBase;
            if (cio == io) {
                start = base + fs;
                end = fe != null ? base + fe : -1;
                childBase = base;
            } else if (cio instanceof PositionedStream p) {
                start = p.base();
                end = p.base() + p.length();
                childBase = p.base();
            } else {
                // A stream over a copy of the field's bytes (e.g. size-eos in the Java target):
                // it starts where the field starts.
                start = base + fs;
                end = start + (int) cio.size();
                childBase = start;
            }
            FieldNode n = struct(name, child, start, Math.max(start, end), childBase, depth + 1);
            if (end < 0) { // failed half-way in the parent's stream: as far as its children got
                int last = start;
                for (FieldNode c : n.children()) {
                    last = Math.max(last, c.end());
                }
                n = FieldNode.of(n.name(), n.value(), start, last - start, n.children());
            }
            return n;
        }
        int start = base + fs;
        int end = fe != null ? base + fe : start;
        if ((v instanceof Number || v instanceof Boolean) && fe != null
            && io instanceof PositionedStream p) {
            PositionedStream.BitRead bits = p.takeBitRead(fs, fe);
            if (bits != null) {
                int first = (int) (bits.absoluteBit() >>> 3);
                int bitOffset = (int) (bits.absoluteBit() & 7);
                int bytes = (bitOffset + bits.width() + 7) / 8;
                return new FieldNode(name, Names.display(name, v), first, bytes, bitOffset,
                    bits.width(), false, List.of());
            }
        }
        return FieldNode.of(name, Names.display(name, v), start, end - start, List.of());
    }

    private FieldNode list(String name, List<?> list, KaitaiStruct s, StructInfo info,
                           String field, KaitaiStream io, int base, int fs, Integer fe,
                           int depth) {
        List<Integer> starts = info.listMap(s, info.arrStart).get(field);
        List<Integer> ends = info.listMap(s, info.arrEnd).get(field);
        List<FieldNode> items = new ArrayList<>();
        int last = base + fs;
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            Integer is = starts != null && i < starts.size() ? starts.get(i) : null;
            Integer ie = ends != null && i < ends.size() ? ends.get(i) : null;
            String iname = name + "[" + i + "]";
            if (item == null || is == null) {
                if (ie == null && !errorPlaced && failure != null) {
                    items.add(errorAt(is != null ? base + is : last, 0));
                }
                continue;
            }
            FieldNode n = value(iname, item, io, base, is, ie, depth);
            items.add(n);
            last = Math.max(last, n.end());
        }
        int end = fe != null ? base + fe : last;
        return FieldNode.of(name, list.size() + (list.size() == 1 ? " item" : " items"),
            base + fs, end - (base + fs), items);
    }

    private FieldNode errorAt(int offset, int length) {
        errorPlaced = true;
        String what = failure != null ? describe(failure) : "not parsed";
        return FieldNode.error(what, offset, Math.max(0, length));
    }

    /** A one-line account of why a parse stopped. */
    static String describe(Throwable t) {
        if (t instanceof PositionedStream.Truncated) {
            return "truncated: " + t.getMessage();
        }
        if (t instanceof BufferUnderflowException) {
            return "truncated: the data ends inside this field";
        }
        if (t instanceof KaitaiStream.ValidationFailedError) {
            return "invalid: " + t.getMessage();
        }
        if (t instanceof StackOverflowError) {
            return "nested too deep to dissect";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m != null ? ": " + m : "");
    }

    private static int errorOffset(Throwable t) {
        if (t instanceof PositionedStream.Truncated tr) {
            return tr.offset;
        }
        return 0;
    }

    /** Reflection handles of one generated class, cached. */
    private static final class StructInfo {
        private static final Map<Class<?>, StructInfo> CACHE = new ConcurrentHashMap<>();

        final String[] fields;
        final Method[] accessors;
        final Field attrStart;
        final Field attrEnd;
        final Field arrStart;
        final Field arrEnd;

        private StructInfo(Class<?> c) throws ReflectiveOperationException {
            fields = (String[]) c.getField("_seqFields").get(null);
            accessors = new Method[fields.length];
            for (int i = 0; i < fields.length; i++) {
                accessors[i] = c.getMethod(fields[i]);
            }
            attrStart = c.getField("_attrStart");
            attrEnd = c.getField("_attrEnd");
            arrStart = c.getField("_arrStart");
            arrEnd = c.getField("_arrEnd");
        }

        static StructInfo of(Class<?> c) {
            return CACHE.computeIfAbsent(c, k -> {
                try {
                    return new StructInfo(k);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(
                        k.getName() + " was not generated with --debug (--read-pos)", e);
                }
            });
        }

        @SuppressWarnings("unchecked")
        Map<String, Integer> map(Object o, Field f) {
            try {
                return (Map<String, Integer>) f.get(o);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, List<Integer>> listMap(Object o, Field f) {
            try {
                return (Map<String, List<Integer>>) f.get(o);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        Object get(Object o, int i) {
            try {
                return accessors[i].invoke(o);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }
}
