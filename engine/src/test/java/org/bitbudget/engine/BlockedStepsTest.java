package org.bitbudget.engine;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * The blocked depthwise, pooling and scale steps on the routes a real model may not take: a depthwise
 * Conv reading an NCHW input and storing blocks, and one reading blocks and storing NCHW for a MaxPool;
 * a Mul by a constant [C, 1, 1] scale, which the blocked kernel does not take and runs NCHW between
 * reorders; 3, 20 and 5 channels (padded lanes in every block). Every graph output keeps the bits of
 * the all-NCHW plan and of {@link FloatEngine#capture}, at batches 1, 5 and 33 on 1 and 2 threads.
 */
class BlockedStepsTest {
    private static final long SEED = 20_261_205L;

    @Test
    void awkwardRoutesKeepTheBits() {
        Graph graph = graph();
        FloatEngine probe = FloatEngine.builder(graph).threads(1).build();
        // c1 feeds a MaxPool, and the Sigmoid and MaxPools run NCHW: every other step reads or writes blocks.
        assertEquals(
                List.of("dw", "gap", "m", "p", "dw2", "mc", "out", "c2", "dwc"),
                probe.blockedPlan.stream().map(step -> step.split(" ")[1]).toList());
        String input = graph.inputs().getFirst().name();
        List<String> outputs = graph.outputs().stream().map(v -> v.name()).toList();
        for (int threads : new int[] {1, 2}) {
            FloatEngine blocked = FloatEngine.builder(graph).threads(threads).build();
            FloatEngine planar =
                    FloatEngine.builder(graph).threads(threads).blocked(false).build();
            for (int batch : new int[] {1, 5, 33}) {
                Shape shape = graph.inputs().getFirst().shapeForBatch(batch);
                Map<String, Tensor> x =
                        Map.of(input, Tensor.of(shape, ModelBuilder.gaussian(SEED + batch, shape.size(), 1f)));
                Map<String, Tensor> expected = planar.run(x);
                Map<String, Tensor> actual = blocked.run(x);
                Map<String, Tensor> captured = blocked.capture(x, outputs);
                for (String out : outputs) {
                    String where = threads + " threads, batch " + batch + ", " + out;
                    assertSameBits(expected.get(out), actual.get(out), where + ", run");
                    assertSameBits(expected.get(out), captured.get(out), where + ", capture");
                }
            }
        }
    }

    private static Graph graph() {
        ModelBuilder b = new ModelBuilder("blocked-steps", SEED).opset(14);
        String x = b.input("x", 3, 9, 9);
        String c1 = b.node(
                "Conv", "c1", List.of(x, b.weight("w1", 20, 3, 3, 3), b.weight("b1", 20)), ints("pads", 1, 1, 1, 1));
        String r1 = b.node("Relu", "r1", List.of(c1));
        String mp1 = b.node("MaxPool", "mp1", List.of(r1), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        String dw = b.node(
                "Conv",
                "dw",
                List.of(r1, b.weight("wd", 20, 1, 3, 3), b.weight("bd", 20)),
                i("group", 20),
                ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1));
        String hs = b.node("HardSwish", "hs", List.of(dw));
        String gap = b.node("GlobalAveragePool", "gap", List.of(hs));
        String sig = b.node("Sigmoid", "sig", List.of(gap));
        String m = b.node("Mul", "m", List.of(hs, sig));
        String p = b.node("Conv", "p", List.of(m, b.weight("wp", 5, 20, 1, 1), b.weight("bp", 5)));
        String dw2 =
                b.node("Conv", "dw2", List.of(p, b.weight("wd2", 5, 1, 5, 5)), i("group", 5), ints("pads", 2, 2, 2, 2));
        String mc = b.node("Mul", "mc", List.of(dw2, b.uniform("scale", 0.5f, 1.5f, 5, 1, 1)));
        String out = b.node("Conv", "out", List.of(mc, b.weight("wo", 4, 5, 1, 1), b.weight("bo", 4)));
        String c2 = b.node("Conv", "c2", List.of(x, b.weight("w2", 20, 3, 1, 1)));
        String dwc = b.node("Conv", "dwc", List.of(c2, b.weight("wdc", 20, 1, 3, 3)), i("group", 20));
        String mp2 = b.node("MaxPool", "mp2", List.of(dwc), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        b.output(out).output(mp1).output(mp2);
        return OnnxImporter.parse(b.bytes(), "blocked-steps");
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String where) {
        assertEquals(expected.shape(), actual.shape(), where);
        for (int k = 0; k < expected.data().length; k++) {
            assertEquals(
                    Float.floatToRawIntBits(expected.data()[k]),
                    Float.floatToRawIntBits(actual.data()[k]),
                    where + ", value " + k);
        }
    }
}
