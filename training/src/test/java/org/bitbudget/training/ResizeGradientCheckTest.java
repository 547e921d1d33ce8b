package org.bitbudget.training;

import static org.bitbudget.testsupport.ModelBuilder.s;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * Resize and Upsample's backward rule (the transposed interpolation) against central differences,
 * with {@link GradientCheckTest}'s tolerances, in the modes PyTorch and older exporters write. The
 * operator records come from importing one-node models, as a user's model would give them.
 */
class ResizeGradientCheckTest {
    /** The op of a one-node Resize model over {@code x} with the given scales, sizes and attributes. */
    private static Op resize(int opset, String type, float[] scales, long[] sizes, AttributeProto... attributes) {
        ModelBuilder b = new ModelBuilder("resize", 1).opset(opset);
        String x = b.fixedInput("x", 1, 2, 3, 4);
        List<String> in = new ArrayList<>(List.of(x));
        if (type.equals("Upsample")) {
            in.add(b.floats("scales", new int[] {4}, scales));
        } else {
            in.add("");
            in.add(scales == null ? "" : b.floats("scales", new int[] {4}, scales));
            if (sizes != null) {
                in.add(b.longs("sizes", sizes));
            }
        }
        b.output(b.node(type, "r", in, attributes));
        return OnnxImporter.parse(b.bytes(), "resize.onnx").nodes().get(0).op();
    }

    private static void check(String label, Op op, float[] scales, long[] sizes) {
        TinyGraph t = new TinyGraph(label.hashCode());
        String x = t.input("x", 1, 2, 3, 4);
        String y;
        if (op.type().equals("Upsample")) {
            y = t.node("r", op, x, t.param("scales", scales, 4));
        } else if (sizes == null) {
            y = t.node("r", op, x, "", t.param("scales", scales, 4));
        } else {
            y = t.node("r", op, x, "", "", t.shape("sizes", sizes));
        }
        GradientCheckTest.check(label, t, t.build(y), false, Set.of("scales", "sizes"));
    }

    @Test
    void nearestInEveryRounding() {
        float[] up = {1, 1, 2.5f, 1.5f};
        for (String mode : List.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")) {
            Op op = resize(13, "Resize", up, null, s("mode", "nearest"), s("nearest_mode", mode));
            check("nearest " + mode, op, up, null);
        }
        long[] sizes = {1, 2, 2, 7};
        Op op = resize(
                13,
                "Resize",
                null,
                sizes,
                s("mode", "nearest"),
                s("coordinate_transformation_mode", "tf_half_pixel_for_nn"));
        check("nearest tf_half_pixel_for_nn to sizes", op, null, sizes);
    }

    @Test
    void linearInThePyTorchModes() {
        float[] up = {1, 1, 2, 2};
        float[] down = {1, 1, 0.6f, 0.8f};
        for (String transform : List.of("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric")) {
            for (float[] scales : List.of(up, down)) {
                Op op = resize(
                        13,
                        "Resize",
                        scales,
                        null,
                        s("mode", "linear"),
                        s("coordinate_transformation_mode", transform));
                check("linear " + transform + " x" + scales[2], op, scales, null);
            }
        }
        long[] sizes = {1, 2, 5, 3};
        Op op = resize(
                13,
                "Resize",
                null,
                sizes,
                s("mode", "linear"),
                s("coordinate_transformation_mode", "pytorch_half_pixel"));
        check("linear pytorch_half_pixel to sizes", op, null, sizes);
    }

    @Test
    void cubicAndTheDeprecatedForms() {
        float[] up = {1, 1, 2, 1.5f};
        check("cubic", resize(13, "Resize", up, null, s("mode", "cubic")), up, null);
        float[] twice = {1, 1, 2, 2};
        check("Upsample nearest", resize(9, "Upsample", twice, null, s("mode", "nearest")), twice, null);
        check("Upsample linear", resize(9, "Upsample", twice, null, s("mode", "linear")), twice, null);
    }
}
