package org.bitbudget.training;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@link GradientCheckTest}'s finite-difference check for the reductions, LayerNormalization and
 * Softmax/LogSoftmax on other axes. Their attribute records are their descriptors' own, so each
 * operator is read from a one-node ONNX model, which also covers how every opset spells its axes.
 */
class ReductionGradientCheckTest {
    /**
     * The operator of a one-node model of {@code type} at {@code opset} on an input of {@code x};
     * {@code extra} adds the other inputs.
     */
    private static Op imported(
            String type, int opset, int[] x, Function<ModelBuilder, List<String>> extra, AttributeProto... attributes) {
        ModelBuilder b = new ModelBuilder(type, 1).opset(opset);
        List<String> inputs = new ArrayList<>(List.of(b.fixedInput("x", x)));
        inputs.addAll(extra.apply(b));
        b.output(b.node(type, "n", inputs, attributes));
        return OnnxImporter.parse(b.bytes(), type + ".onnx").nodes().get(0).op();
    }

    private static Op imported(String type, int opset, int[] x, AttributeProto... attributes) {
        return imported(type, opset, x, b -> List.of(), attributes);
    }

    /** A reduction whose axes are an int64 input (opset 18, or 13 for ReduceSum). */
    private static void checkAxesInput(String type, int opset, long seed, int[] x, long[] axes, int keepDims) {
        Op op = imported(type, opset, x, b -> List.of(b.longs("axes", axes)), i("keepdims", keepDims));
        TinyGraph t = new TinyGraph(seed);
        String y = t.node("r", op, t.input("x", x), t.shape("axes", axes));
        GradientCheckTest.check(type + " axes input " + Arrays.toString(axes), t, t.build(y));
    }

    private static void checkOneInput(String label, Op op, long seed, int... x) {
        TinyGraph t = new TinyGraph(seed);
        GradientCheckTest.check(label, t, t.build(t.node("n", op, t.input("x", x))));
    }

    @Test
    void reduceMeanAndSum() {
        int[] x = {2, 3, 4};
        checkOneInput("ReduceMean axes [1]", imported("ReduceMean", 13, x, ints("axes", 1)), 300, x);
        checkOneInput(
                "ReduceMean axes [-1, 0] no keepdims",
                imported("ReduceMean", 13, x, ints("axes", -1, 0), i("keepdims", 0)),
                301,
                x);
        checkOneInput("ReduceMean all axes", imported("ReduceMean", 13, x), 302, x);
        checkAxesInput("ReduceMean", 18, 303, x, new long[] {0, 2}, 1);
        checkOneInput("ReduceSum opset 11 axes [2]", imported("ReduceSum", 11, x, ints("axes", 2)), 304, x);
        checkAxesInput("ReduceSum", 13, 305, x, new long[] {-2}, 0);
        checkOneInput("ReduceSum all axes", imported("ReduceSum", 13, x, i("keepdims", 0)), 306, x);
    }

    /** Random Gaussian inputs have no ties, so the gradient goes to one element per output. */
    @Test
    void reduceMaxAndMin() {
        int[] x = {3, 4, 5};
        checkOneInput("ReduceMax axes [1]", imported("ReduceMax", 13, x, ints("axes", 1)), 310, x);
        checkAxesInput("ReduceMax", 18, 311, x, new long[] {-1, 0}, 0);
        checkOneInput(
                "ReduceMin axes [0, 2] no keepdims",
                imported("ReduceMin", 13, x, ints("axes", 0, 2), i("keepdims", 0)),
                312,
                x);
        checkOneInput("ReduceMin all axes", imported("ReduceMin", 18, x), 313, x);
    }

    private static void checkLayerNorm(String label, long seed, int[] x, int axis, int[] params, boolean bias) {
        Op op = imported(
                "LayerNormalization",
                17,
                x,
                b -> bias ? List.of(b.weight("s", params), b.weight("b", params)) : List.of(b.weight("s", params)),
                i("axis", axis));
        TinyGraph t = new TinyGraph(seed);
        String y = bias
                ? t.node("ln", op, t.input("x", x), t.param("s", params), t.param("b", params))
                : t.node("ln", op, t.input("x", x), t.param("s", params));
        GradientCheckTest.check(label, t, t.build(y));
    }

    @Test
    void layerNormalization() {
        checkLayerNorm("LayerNormalization last axis", 320, new int[] {2, 3, 5}, -1, new int[] {5}, true);
        checkLayerNorm("LayerNormalization last two axes", 321, new int[] {2, 3, 4}, 1, new int[] {3, 4}, true);
        checkLayerNorm("LayerNormalization no bias", 322, new int[] {4, 6}, 1, new int[] {6}, false);
        checkLayerNorm("LayerNormalization axis 0", 323, new int[] {2, 3}, 0, new int[] {2, 3}, true);
    }

    @Test
    void softmaxAndLogSoftmaxOnAnyAxis() {
        checkOneInput(
                "Softmax opset 13 axis 0", imported("Softmax", 13, new int[] {3, 2, 4}, i("axis", 0)), 330, 3, 2, 4);
        checkOneInput(
                "Softmax opset 11 axis 2", imported("Softmax", 11, new int[] {2, 3, 4}, i("axis", 2)), 331, 2, 3, 4);
        checkOneInput(
                "LogSoftmax opset 11 default axis", imported("LogSoftmax", 11, new int[] {2, 3, 4}), 332, 2, 3, 4);
        checkOneInput(
                "LogSoftmax opset 13 axis 1",
                imported("LogSoftmax", 13, new int[] {2, 3, 4}, i("axis", 1)),
                333,
                2,
                3,
                4);
        checkOneInput("LogSoftmax opset 13 axis -1", imported("LogSoftmax", 13, new int[] {3, 5}), 334, 3, 5);
        checkOneInput(
                "LogSoftmax opset 11 axis 0", imported("LogSoftmax", 11, new int[] {2, 3}, i("axis", 0)), 335, 2, 3);
    }
}
