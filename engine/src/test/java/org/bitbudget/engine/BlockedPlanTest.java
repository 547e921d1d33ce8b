package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.Test;

/**
 * The fused plan with values kept in 16-channel blocks gives exactly the bits of the same plan all
 * NCHW and of the node-by-node plan ({@link FloatEngine#capture}), on resnet8 (residual Adds, strided
 * shortcuts), lenet5 (6 and 16 channels, a block with padded lanes) and the MobileNetV3-style model
 * (dense and depthwise convolutions with HardSwish, squeeze-excitation pooling and scaling, all in
 * blocks, beside NCHW operators), at batches of 1, 5 and 33 on one
 * and two threads.
 */
class BlockedPlanTest {
    private static final long SEED = 20_261_204L;

    @Test
    void resnet8() {
        Graph graph = OnnxImporter.load(Path.of(root(), "models", "resnet8-fashion-mnist.onnx"));
        // Every convolution reads or writes blocks (the stem stores them) and so does the global
        // average pool, which reads the last convolution's blocks: nothing is reordered back.
        assertEquals(10, FloatEngine.builder(graph).threads(1).build().blockedSteps);
        assertSameAsPlanar(graph);
    }

    @Test
    void lenet5() {
        Graph graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        // Each convolution feeds a MaxPool: nothing stays blocked.
        assertEquals(0, FloatEngine.builder(graph).threads(1).build().blockedSteps);
        assertSameAsPlanar(graph);
    }

    @Test
    void mobileNetV3() {
        Graph graph = OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
        // Every convolution (dense, depthwise, with HardSwish), GlobalAveragePool and SE Mul reads or
        // writes blocks; only the SE HardSigmoids and the classifier (Flatten, Gemm) stay NCHW.
        List<String> planar = engine.plan().stream()
                .filter(step -> !engine.blockedPlan.contains(step))
                .map(step -> step.substring(0, step.indexOf(' ')))
                .toList();
        assertEquals(List.of("HardSigmoid", "HardSigmoid", "HardSigmoid", "Flatten", "Gemm", "Gemm"), planar);
        assertEquals(26, engine.blockedSteps);
        assertTrue(engine.blockedPlan.contains(
                "Conv /blocks/blocks.2/depthwise/Conv + HardSwish /blocks/blocks.2/act_1/HardSwish"));
        assertTrue(engine.blockedPlan.contains("GlobalAveragePool /GlobalAveragePool"));
        assertTrue(engine.blockedPlan.contains("Mul /blocks/blocks.3/se/Mul"));
        assertSameAsPlanar(graph);
    }

    private static String root() {
        Path here = Path.of("").toAbsolutePath();
        return here.resolve("models").toFile().isDirectory()
                ? here.toString()
                : here.getParent().toString();
    }

    private static void assertSameAsPlanar(Graph graph) {
        String input = graph.inputs().getFirst().name();
        String output = graph.outputs().getFirst().name();
        for (int threads : new int[] {1, 2}) {
            FloatEngine blocked = FloatEngine.builder(graph).threads(threads).build();
            FloatEngine planar =
                    FloatEngine.builder(graph).threads(threads).blocked(false).build();
            for (int batch : new int[] {1, 5, 33}) {
                Shape shape = graph.inputs().getFirst().shapeForBatch(batch);
                Tensor x = Tensor.of(shape, ModelBuilder.gaussian(SEED + batch, shape.size(), 1f));
                String where = threads + " threads, batch " + batch;
                Tensor expected = planar.predict(x);
                assertSameBits(expected, blocked.predict(x), where + ", predict");
                assertSameBits(expected, blocked.run(Map.of(input, x)).get(output), where + ", run");
                assertSameBits(
                        expected,
                        blocked.capture(Map.of(input, x), List.of(output)).get(output),
                        where + ", capture");
            }
        }
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
