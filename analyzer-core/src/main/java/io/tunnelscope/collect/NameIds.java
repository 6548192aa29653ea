package io.tunnelscope.collect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small ints for names (capture points), numbered in the order first met, so that per-packet
 * tables can key by a number. The previous name is remembered by identity: the packets of one
 * point come with the same String, so most lookups are one comparison. Not thread-safe.
 */
public final class NameIds {
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private String last;
    private int lastId;

    /** The id of {@code name}, a new one when it is met first. */
    public int id(String name) {
        if (name == last) {
            return lastId;
        }
        Integer id = ids.get(name);
        if (id == null) {
            id = names.size();
            names.add(name);
            ids.put(name, id);
        }
        last = name;
        lastId = id;
        return id;
    }

    /** The name of an id this instance gave. */
    public String name(int id) {
        return names.get(id);
    }
}
