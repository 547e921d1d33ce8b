package org.bitbudget.training.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Builds image-classifier graphs layer by layer, with PyTorch-export-style node names
 * ({@code /c1/Conv}) and seeded He-initialised weights, so zoo models look like what users bring.
 */
final class GraphBuilder {
    private final SplittableRandom random;
    private final boolean batchNorm;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final int[] inputShape;

    GraphBuilder(long seed, boolean batchNorm, int channels, int height, int width) {
        this.random = new SplittableRandom(seed);
        this.batchNorm = batchNorm;
        this.inputShape = new int[] {channels, height, width};
    }

    /** Convolution (+ BatchNorm when enabled), output channels first. */
    String conv(String scope, String x, int in, int out, int kernel, int stride, int pad, int group) {
        int fanIn = in / group * kernel * kernel;
        String w = constant(scope + ".weight", he(Shape.of(out, in / group, kernel, kernel), fanIn));
        List<String> inputs = new ArrayList<>(List.of(x, w));
        if (!batchNorm) {
            inputs.add(constant(scope + ".bias", Tensor.zeros(Shape.of(out))));
        }
        String y = add(
                scope + "/Conv",
                new Op.Conv(
                        new int[] {kernel, kernel},
                        new int[] {stride, stride},
                        new int[] {pad, pad, pad, pad},
                        new int[] {1, 1},
                        group,
                        Op.AutoPad.NOTSET),
                inputs);
        if (!batchNorm) {
            return y;
        }
        float[] ones = new float[out];
        java.util.Arrays.fill(ones, 1f);
        return add(
                scope + "/bn/BatchNormalization",
                new Op.BatchNorm(1e-5f, 0.9f, false),
                List.of(
                        y,
                        constant(scope + ".bn.weight", Tensor.of(Shape.of(out), ones.clone())),
                        constant(scope + ".bn.bias", Tensor.zeros(Shape.of(out))),
                        constant(scope + ".bn.running_mean", Tensor.zeros(Shape.of(out))),
                        constant(scope + ".bn.running_var", Tensor.of(Shape.of(out), ones))));
    }

    /** Fully connected layer as Gemm with transB, weight [out, in]. */
    String linear(String scope, String x, int in, int out) {
        String w = constant(scope + ".weight", he(Shape.of(out, in), in));
        String b = constant(scope + ".bias", Tensor.zeros(Shape.of(out)));
        return add(scope + "/Gemm", new Op.Gemm(1f, 1f, false, true), List.of(x, w, b));
    }

    String relu(String scope, String x) {
        return add(scope + "/Relu", new Op.Unary(Op.Unary.Kind.RELU), List.of(x));
    }

    /** ReLU6 as PyTorch exports it: Clip with min and max as inputs. */
    String relu6(String scope, String x) {
        if (!initializers.containsKey("relu6.min")) {
            constant("relu6.min", Tensor.of(Shape.of(), new float[] {0f}));
            constant("relu6.max", Tensor.of(Shape.of(), new float[] {6f}));
        }
        return add(
                scope + "/Clip",
                new Op.Clip(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
                List.of(x, "relu6.min", "relu6.max"));
    }

    String maxPool(String scope, String x, int size) {
        return add(
                scope + "/MaxPool",
                new Op.Pool(
                        Op.Pool.Kind.MAX,
                        new int[] {size, size},
                        new int[] {size, size},
                        new int[] {0, 0, 0, 0},
                        new int[] {1, 1},
                        false,
                        false,
                        Op.AutoPad.NOTSET,
                        0),
                List.of(x));
    }

    String globalAveragePool(String scope, String x) {
        return add(scope + "/GlobalAveragePool", new Op.GlobalAveragePool(), List.of(x));
    }

    String flatten(String scope, String x) {
        return add(scope + "/Flatten", new Op.Flatten(1), List.of(x));
    }

    String sum(String scope, String a, String b) {
        return add(scope + "/Add", new Op.Binary(Op.Binary.Kind.ADD, -1), List.of(a, b));
    }

    private String add(String name, Op op, List<String> inputs) {
        String out = name + "_output_0";
        nodes.add(new Node(name, op, inputs, List.of(out)));
        return out;
    }

    private String constant(String name, Tensor t) {
        initializers.put(name, t);
        return name;
    }

    private Tensor he(Shape shape, int fanIn) {
        double std = Math.sqrt(2.0 / fanIn);
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian() * std);
        }
        return Tensor.of(shape, v);
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        double w = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }

    /** The finished graph whose single input is {@code input} and single output {@code logits}. */
    Graph build(String name, String logitsValue) {
        List<Node> renamed = new ArrayList<>();
        for (Node n : nodes) {
            List<String> outs = n.outputs().stream()
                    .map(o -> o.equals(logitsValue) ? "logits" : o)
                    .toList();
            List<String> ins = n.inputs().stream()
                    .map(i -> i.equals(logitsValue) ? "logits" : i)
                    .toList();
            renamed.add(new Node(n.name(), n.op(), ins, outs));
        }
        ValueInfo input = new ValueInfo(
                "input",
                DataType.FLOAT,
                List.of(
                        Dimension.symbolic("N"),
                        Dimension.of(inputShape[0]),
                        Dimension.of(inputShape[1]),
                        Dimension.of(inputShape[2])));
        ValueInfo output = new ValueInfo("logits", DataType.FLOAT, List.of(Dimension.symbolic("N"), Dimension.of(10)));
        return new Graph(name, 13, List.of(input), List.of(output), initializers, renamed, Map.of());
    }
}
