package org.bitbudget.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.gradients.DTensor;

/**
 * Builds small graphs straight from {@link Node} and {@link Op} records for gradient checks, with
 * seeded Gaussian inputs and parameters. Every value is a float widened to double, so the float
 * engine and {@link Autodiff} see exactly the same numbers.
 */
final class TinyGraph {
    private final Random random;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, DTensor> inputValues = new LinkedHashMap<>();

    TinyGraph(long seed) {
        random = new Random(seed);
    }

    /** A graph input of exactly {@code dims} holding standard Gaussian values. */
    String input(String name, int... dims) {
        return input(name, gaussian(DTensor.count(dims), 1f), dims);
    }

    /** A graph input of exactly {@code dims} holding {@code values}. */
    String input(String name, float[] values, int... dims) {
        List<Dimension> d = new ArrayList<>();
        for (int x : dims) {
            d.add(Dimension.of(x));
        }
        inputs.add(new ValueInfo(name, DataType.FLOAT, d));
        inputValues.put(name, DTensor.from(Tensor.of(Shape.of(dims), values)));
        return name;
    }

    /** A float initializer of Gaussian values with standard deviation 0.5. */
    String param(String name, int... dims) {
        return param(name, gaussian(DTensor.count(dims), 0.5f), dims);
    }

    /** A float initializer holding {@code values}. */
    String param(String name, float[] values, int... dims) {
        initializers.put(name, Tensor.of(Shape.of(dims), values));
        return name;
    }

    /** A 1-D int64 initializer, as Reshape's shape is. */
    String shape(String name, long... dims) {
        float[] v = new float[dims.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = dims[i];
        }
        initializers.put(name, Tensor.of(DataType.INT64, Shape.of(dims.length), v));
        return name;
    }

    /** Adds a one-output node; returns its output's name. An empty input name is an omitted input. */
    String node(String name, Op op, String... in) {
        String out = name + ":0";
        nodes.add(new Node(name, op, List.of(in), List.of(out)));
        return out;
    }

    /** Gaussian floats times {@code scale}. */
    float[] gaussian(int count, float scale) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }

    /** Uniform floats in [lo, hi). */
    float[] uniform(int count, float lo, float hi) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    /** The graph with these outputs. */
    Graph build(String... outputs) {
        List<ValueInfo> outs = new ArrayList<>();
        for (String o : outputs) {
            outs.add(new ValueInfo(o, DataType.FLOAT, List.of()));
        }
        return new Graph("tiny", 13, inputs, outs, initializers, nodes, Map.of());
    }

    /** The inputs' values. */
    Map<String, DTensor> inputs() {
        return inputValues;
    }

    /** Fresh double copies of every float initializer, to pass as parameters and perturb. */
    Map<String, DTensor> params() {
        Map<String, DTensor> p = new LinkedHashMap<>();
        initializers.forEach((name, t) -> {
            if (!t.type().isInteger()) {
                p.put(name, DTensor.from(t));
            }
        });
        return p;
    }
}
