package org.bitbudget.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.Tensor;

/**
 * The data's arrays matched to a model's inputs: by name when the {@code --input-key} names are the
 * model's input names, else in {@code --input-key} order. The normalisation applies to the first input
 * (the image); further inputs are fed as stored.
 *
 * @param sources one source per graph input, in the graph's input order
 */
record ModelInputs(List<DataSource> sources) {
    ModelInputs {
        sources = List.copyOf(sources);
    }

    /**
     * Matches {@code data}'s arrays to {@code graph}'s inputs and checks every sample shape.
     *
     * @throws UserInputException naming {@code model} and the model input when the counts or shapes differ
     */
    static ModelInputs match(Graph graph, DataSource data, List<String> keys, String model) {
        ModelInputs matched = ordered(graph, data, keys, model);
        for (int i = 0; i < graph.inputs().size(); i++) {
            check(graph.inputs().get(i), matched.sources().get(i), model);
        }
        return matched;
    }

    /** {@link #match} without the shape check, for binding symbolic dimensions from the data. */
    static ModelInputs ordered(Graph graph, DataSource data, List<String> keys, String model) {
        List<ValueInfo> inputs = graph.inputs();
        List<DataSource> arrays = data.inputs();
        if (arrays.size() != inputs.size()) {
            String unfed = inputs.stream()
                    .map(ValueInfo::name)
                    .filter(name -> !keys.contains(name))
                    .findFirst()
                    .orElse(inputs.get(Math.min(arrays.size(), inputs.size() - 1))
                            .name());
            String missing = arrays.size() < inputs.size()
                    ? "input '" + unfed + "' has no array"
                    : "array '" + (keys.size() > inputs.size() ? keys.get(inputs.size()) : "#" + inputs.size())
                            + "' has no input";
            throw new UserInputException(
                    model,
                    "has " + inputs.size() + " input(s) (" + names(inputs) + ") but the data give " + arrays.size()
                            + " array(s); " + missing + " (give one --input-key per input)");
        }
        List<DataSource> ordered = new ArrayList<>(arrays);
        List<String> inputNames = inputs.stream().map(ValueInfo::name).toList();
        if (keys.size() == arrays.size()
                && arrays.size() > 1
                && new HashSet<>(keys).equals(new HashSet<>(inputNames))) {
            for (int i = 0; i < inputs.size(); i++) {
                ordered.set(i, arrays.get(keys.indexOf(inputNames.get(i))));
            }
        }
        return new ModelInputs(ordered);
    }

    /** Samples {@code [from, from + count)} of every input, the first normalised by {@code norm}. */
    List<Tensor> batch(int from, int count, Normalization norm) {
        List<Tensor> out = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            out.add(sources.get(i).batch(from, count, i == 0 ? norm : Normalization.NONE));
        }
        return out;
    }

    private static void check(ValueInfo input, DataSource source, String model) {
        var dims = input.dims();
        int[] sample = source.sampleShape().dims();
        boolean fits = dims.size() == sample.length + 1;
        for (int i = 0; fits && i < sample.length; i++) {
            Dimension d = dims.get(i + 1);
            fits = d.isSymbolic() || d.size() == sample[i];
        }
        if (!fits) {
            throw new UserInputException(
                    model,
                    "input '" + input.name() + "' has shape " + dims + " but the data's samples have shape "
                            + source.sampleShape());
        }
    }

    private static String names(List<ValueInfo> inputs) {
        return inputs.stream().map(ValueInfo::name).collect(Collectors.joining(", "));
    }
}
