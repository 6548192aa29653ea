package io.tunnelscope.anomaly;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Keys (with a value each, or none when used as a set) in the order their first packet came in
 * the merged order of the captures. Two instances gathered from different files merge into what
 * one instance would hold, also when both keep only their first few keys.
 */
final class FirstSeen<K, V> {
    private final LinkedHashMap<K, V> values = new LinkedHashMap<>();
    private final Map<K, PacketOrder> first = new HashMap<>();

    /** The value of {@code key}, made and remembered with {@code packet}'s order when new. */
    V computeIfAbsent(K key, PacketContext packet, Function<? super K, ? extends V> make) {
        V value = values.get(key);
        if (value == null) {
            value = make.apply(key);
            values.put(key, value);
            first.put(key, packet.order());
        }
        return value;
    }

    /** Adds {@code key} (without value) when new, remembering {@code packet}'s order. */
    void add(K key, PacketContext packet) {
        if (!first.containsKey(key)) {
            values.put(key, null);
            first.put(key, packet.order());
        }
    }

    /** Adds {@code key} with {@code value}, first seen at {@code order}, unless it was seen before. */
    void add(K key, V value, PacketOrder order) {
        PacketOrder known = first.get(key);
        if (known == null || order.compareTo(known) < 0) {
            values.put(key, value);
            first.put(key, order);
            sort(Integer.MAX_VALUE);
        }
    }

    V get(K key) {
        return values.get(key);
    }

    boolean contains(K key) {
        return first.containsKey(key);
    }

    int size() {
        return values.size();
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** The keys, first seen first. */
    Set<K> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** Keys and values, first seen first. */
    Map<K, V> map() {
        return Collections.unmodifiableMap(values);
    }

    /** When {@code key}'s first packet came, or null for a key not held. */
    PacketOrder first(K key) {
        return first.get(key);
    }

    /**
     * Adds the other instance's keys: a key both hold keeps the earlier first packet, and its
     * values are combined by {@code combine(mine, theirs)}; a new key takes the other's value.
     * Only the first {@code limit} keys stay (those one instance keeping at most {@code limit}
     * keys would have held).
     */
    void mergeFrom(FirstSeen<K, V> other, BiConsumer<V, V> combine, int limit) {
        for (Map.Entry<K, V> entry : other.values.entrySet()) {
            K key = entry.getKey();
            PacketOrder theirs = other.first.get(key);
            PacketOrder mine = first.get(key);
            if (mine == null) {
                values.put(key, entry.getValue());
                first.put(key, theirs);
            } else {
                combine.accept(values.get(key), entry.getValue());
                if (theirs.compareTo(mine) < 0) {
                    first.put(key, theirs);
                }
            }
        }
        sort(limit);
    }

    /** Adds the other set's keys (values are ignored), keeping the first {@code limit}. */
    void mergeFrom(FirstSeen<K, V> other, int limit) {
        mergeFrom(other, (mine, theirs) -> { }, limit);
    }

    private void sort(int limit) {
        List<K> keys = new ArrayList<>(values.keySet());
        keys.sort((a, b) -> first.get(a).compareTo(first.get(b)));
        Map<K, V> unsorted = new HashMap<>(values);
        values.clear();
        for (K key : keys) {
            if (values.size() == limit) {
                first.remove(key);
            } else {
                values.put(key, unsorted.get(key));
            }
        }
    }
}
