package org.bitbudget.training;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.bitbudget.testsupport.ModelBuilder.s;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.List;
import java.util.Set;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * ConvTranspose's backward rule (input, weight and bias) against central differences, with
 * {@link GradientCheckTest}'s tolerances, over groups, strides, pads, output_padding, dilations,
 * output_shape and auto_pad in 1-D and 2-D. The operator records come from importing one-node models.
 */
class ConvTransposeGradientCheckTest {
    private static void check(String label, int[] x, int[] w, boolean bias, AttributeProto... attributes) {
        ModelBuilder b = new ModelBuilder("convtranspose", 1);
        String in = b.fixedInput("x", x);
        b.output(b.node("ConvTranspose", "ct", List.of(in, b.weight("w", w)), attributes));
        Op op = OnnxImporter.parse(b.bytes(), "convtranspose.onnx")
                .nodes()
                .get(0)
                .op();
        TinyGraph t = new TinyGraph(label.hashCode());
        String y = t.node(
                "ct", op, t.input("x", x), t.param("w", w), bias ? t.param("b", w[1] * (int) group(attributes)) : "");
        GradientCheckTest.check("ConvTranspose " + label, t, t.build(y), false, Set.of());
    }

    private static long group(AttributeProto... attributes) {
        for (AttributeProto a : attributes) {
            if (a.getName().equals("group")) {
                return a.getI();
            }
        }
        return 1;
    }

    @Test
    void twoDimensional() {
        check("3x3", new int[] {2, 3, 4, 5}, new int[] {3, 2, 3, 3}, true);
        check(
                "groups, strides, pads, output_padding",
                new int[] {1, 4, 3, 4},
                new int[] {4, 3, 3, 2},
                true,
                i("group", 2),
                ints("strides", 2, 3),
                ints("pads", 1, 0, 0, 1),
                ints("output_padding", 1, 2));
        check("dilations", new int[] {1, 2, 3, 3}, new int[] {2, 2, 2, 2}, false, ints("dilations", 2, 3));
        check(
                "output_shape",
                new int[] {1, 1, 3, 3},
                new int[] {1, 2, 3, 3},
                true,
                ints("strides", 3, 2),
                ints("output_shape", 10, 8));
        check(
                "SAME_UPPER",
                new int[] {1, 2, 3, 3},
                new int[] {2, 2, 3, 3},
                true,
                ints("strides", 2, 2),
                s("auto_pad", "SAME_UPPER"));
        check("depthwise", new int[] {1, 3, 4, 4}, new int[] {3, 1, 2, 2}, true, i("group", 3), ints("strides", 2, 2));
    }

    @Test
    void oneDimensional() {
        check("1-D", new int[] {2, 3, 5}, new int[] {3, 2, 3}, true, ints("strides", 2), ints("pads", 1, 2));
    }
}
