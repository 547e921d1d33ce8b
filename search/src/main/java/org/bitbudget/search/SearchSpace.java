package org.bitbudget.search;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The layers of a search and, for every layer, its candidate choices (precision labels such as
 * {@code "int4/float"}). Choice counts may differ between layers. Immutable.
 *
 * <p>A config is an {@code int[]} holding, for every layer, the index of its choice in
 * {@link #choices(int)}.
 */
public final class SearchSpace {
    private final List<String> layers;
    private final List<List<String>> choices;

    /**
     * @param layers  layer names, unique and non-empty
     * @param choices for every layer (same order), its candidate labels: non-empty, unique within the layer
     */
    public SearchSpace(List<String> layers, List<? extends List<String>> choices) {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(choices, "choices");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("search space: no layers");
        }
        if (layers.size() != choices.size()) {
            throw new IllegalArgumentException(
                    "search space: " + layers.size() + " layers but " + choices.size() + " choice lists");
        }
        if (new HashSet<>(layers).size() != layers.size()) {
            throw new IllegalArgumentException("search space: duplicate layer names");
        }
        List<List<String>> copy = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            List<String> cs = List.copyOf(choices.get(l));
            if (cs.isEmpty()) {
                throw new IllegalArgumentException("search space: layer " + layers.get(l) + " has no choices");
            }
            if (new HashSet<>(cs).size() != cs.size()) {
                throw new IllegalArgumentException(
                        "search space: layer " + layers.get(l) + " has duplicate choices " + cs);
            }
            copy.add(cs);
        }
        this.layers = List.copyOf(layers);
        this.choices = List.copyOf(copy);
    }

    /** Every layer gets the same candidate labels. */
    public static SearchSpace uniform(List<String> layers, List<String> choices) {
        List<List<String>> all = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            all.add(choices);
        }
        return new SearchSpace(layers, all);
    }

    public int layerCount() {
        return layers.size();
    }

    public List<String> layers() {
        return layers;
    }

    public String layer(int l) {
        return layers.get(l);
    }

    public List<String> choices(int layer) {
        return choices.get(layer);
    }

    public int choiceCount(int layer) {
        return choices.get(layer).size();
    }

    public String choice(int layer, int choice) {
        return choices.get(layer).get(choice);
    }

    /** Index of {@code label} in the layer's choices, or -1. */
    public int indexOf(int layer, String label) {
        return choices.get(layer).indexOf(label);
    }

    /** The number of configs (product of the choice counts). */
    public BigInteger configCount() {
        BigInteger n = BigInteger.ONE;
        for (List<String> cs : choices) {
            n = n.multiply(BigInteger.valueOf(cs.size()));
        }
        return n;
    }

    /** {@code layer=label} pairs, for messages and logs. */
    public String describe(int[] config) {
        StringBuilder sb = new StringBuilder("{");
        for (int l = 0; l < config.length; l++) {
            if (l > 0) {
                sb.append(", ");
            }
            sb.append(layers.get(l)).append('=').append(choice(l, config[l]));
        }
        return sb.append('}').toString();
    }
}
