package org.bitbudget.search;

import java.util.Arrays;
import java.util.Objects;

/**
 * Layers that must take choices of one class: a config respects the coupling when {@code
 * keys[i][config[layers[i]]]} is the same for every member {@code i} (e.g. the index of a choice's
 * activation format, so that the layers of a residual join share it).
 *
 * @param name   how messages name the group
 * @param layers the member layers' indices, at least two, distinct
 * @param keys   for every member (same order), the class of each of its choices
 */
public record Coupling(String name, int[] layers, int[][] keys) {
    public Coupling {
        Objects.requireNonNull(name, "name");
        layers = layers.clone();
        if (layers.length < 2 || Arrays.stream(layers).distinct().count() != layers.length) {
            throw new IllegalArgumentException("coupling " + name + ": needs at least two distinct layers");
        }
        if (keys.length != layers.length) {
            throw new IllegalArgumentException(
                    "coupling " + name + ": " + keys.length + " key rows for " + layers.length + " layers");
        }
        int[][] copy = new int[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            copy[i] = keys[i].clone();
        }
        keys = copy;
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    /** The class of choice {@code choice} of member {@code member}. */
    public int key(int member, int choice) {
        return keys[member][choice];
    }

    /** Whether {@code config} gives every member a choice of one class. */
    public boolean respectedBy(int[] config) {
        int k = keys[0][config[layers[0]]];
        for (int i = 1; i < layers.length; i++) {
            if (keys[i][config[layers[i]]] != k) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Coupling c
                && name.equals(c.name)
                && Arrays.equals(layers, c.layers)
                && Arrays.deepEquals(keys, c.keys);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(layers);
    }

    @Override
    public String toString() {
        return "Coupling[" + name + ", layers=" + Arrays.toString(layers) + "]";
    }
}
