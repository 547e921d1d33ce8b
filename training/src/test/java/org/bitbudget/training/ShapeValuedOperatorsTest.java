package org.bitbudget.training;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * Shape, Size, ConstantOfShape and Range of a value with a dynamic batch, which import cannot fold, run
 * in the training pass as the float engine runs them and pass no gradient, while the gradient of the data
 * they scale flows past them: y = x · ConstantOfShape(Shape(x), 2) + x · Reshape(Range(0, Size(x), 1),
 * Shape(x)) / 64 has dy/dx = 2 + index / 64, which central differences reproduce up to round-off (y is
 * linear in x; tolerance as in {@link GradientCheckTest}).
 */
class ShapeValuedOperatorsTest {
    @Test
    void runForwardAndLetTheDataGradientPass() {
        ModelBuilder b = new ModelBuilder("shape-valued", 5);
        b.input("x", 3, 4, 5);
        String shape = b.node("Shape", "shape", List.of("x"));
        String twos = b.node(
                "ConstantOfShape",
                "twos",
                List.of(shape),
                AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(TensorProto.newBuilder()
                                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                                .addDims(1)
                                .addFloatData(2f))
                        .build());
        String size = b.node("Cast", "size_float", List.of(b.node("Size", "size", List.of("x"))), i("to", 1));
        String range = b.node("Range", "range", List.of(b.scalar("zero", 0f), size, b.scalar("one", 1f)));
        String index = b.node("Reshape", "index", List.of(range, shape));
        String scaled = b.node("Div", "scaled", List.of(index, b.scalar("sixty_four", 64f)));
        b.output(b.node(
                "Add",
                "y",
                List.of(b.node("Mul", "doubled", List.of("x", twos)), b.node("Mul", "ramp", List.of("x", scaled)))));
        Graph g = OnnxImporter.parse(b.bytes(), "shape-valued.onnx");
        int[] dims = {2, 3, 4, 5};
        Random random = new Random(7);
        double[] x = new double[DTensor.count(dims)];
        float[] xf = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            xf[k] = (float) random.nextGaussian();
            x[k] = xf[k];
        }
        Map<String, DTensor> inputs = Map.of("x", DTensor.of(dims, x));
        Autodiff ad = new Autodiff(g);
        String out = g.outputs().getFirst().name();
        Autodiff.Tape tape = ad.forward(inputs, Map.of(), false);
        float[] want = FloatEngine.builder(g)
                .threads(1)
                .build()
                .run(Map.of("x", Tensor.of(Shape.of(dims), xf)))
                .get(out)
                .data();
        double[] got = tape.value(out).data();
        for (int k = 0; k < got.length; k++) {
            assertEquals(want[k], got[k], 1e-5 * Math.max(1, Math.abs(want[k])), "forward " + k);
        }
        double[] ones = new double[got.length];
        Arrays.fill(ones, 1);
        Map<String, DTensor> grads = ad.backward(tape, Map.of(out, DTensor.of(dims, ones)));
        assertEquals(Set.of("x", "sixty_four"), grads.keySet(), "Range's float bounds get no gradient");
        double[] dx = grads.get("x").data();
        for (int k = 0; k < dx.length; k++) {
            double keep = x[k];
            x[k] = keep + 1e-6;
            double plus = sum(ad.forward(inputs, Map.of(), false).value(out));
            x[k] = keep - 1e-6;
            double minus = sum(ad.forward(inputs, Map.of(), false).value(out));
            x[k] = keep;
            double fd = (plus - minus) / 2e-6;
            assertEquals(2 + k / 64.0, dx[k], 1e-12, "d/dx[" + k + "]");
            assertTrue(Math.abs(dx[k] - fd) <= 1e-6 * Math.abs(fd) + 1e-8, "d/dx[" + k + "]: " + dx[k] + " vs " + fd);
        }
    }

    private static double sum(DTensor t) {
        double s = 0;
        for (double v : t.data()) {
            s += v;
        }
        return s;
    }
}
