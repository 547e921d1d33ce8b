package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.BoundsCheckTraps;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.Test;

/**
 * Runs the float engine on resnet8 and the MobileNetV3-style model, in a JVM of its own, until C2 has
 * compiled its kernels, and checks that no kernel deoptimized on a bounds check ({@link BoundsCheckTraps}): one such trap
 * in a Vector API access made every kernel compiled after it in the JVM lose the bounds-check
 * intrinsic; with 256-bit vectors resnet8 then ran at about half speed (102 instead of 45 ms per batch
 * of 256 on an AMD EPYC core).
 */
class FloatEngineBoundsCheckTrapsTest {
    private static final int BATCH = 64;
    private static final int BATCHES = 12;

    @Test
    void resnet8AndMobileNetV3RunWithoutBoundsCheckTraps() {
        assertEquals(
                List.of(),
                BoundsCheckTraps.inFreshJvm(FloatEngineBoundsCheckTrapsTest.class),
                "bounds-check deoptimizations while the float engine ran");
    }

    /** The work, in the JVM of its own that the test starts. */
    public static void main(String[] args) {
        Graph resnet8 = OnnxImporter.load(Path.of(root(), "models", "resnet8-fashion-mnist.onnx"));
        Graph mobileNet = OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        Tensor images = Tensor.of(Shape.of(BATCH, 1, 28, 28), images(BATCH));
        BoundsCheckTraps.report(() -> {
            for (Graph graph : List.of(resnet8, mobileNet)) {
                FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
                for (int b = 0; b < BATCHES; b++) {
                    engine.predict(images);
                }
            }
        });
    }

    private static float[] images(int count) {
        SplittableRandom random = new SplittableRandom(20261205L);
        float[] pixels = new float[count * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble(-0.8, 2.0);
        }
        return pixels;
    }

    private static String root() {
        Path here = Path.of("").toAbsolutePath();
        return here.resolve("models").toFile().isDirectory()
                ? here.toString()
                : here.getParent().toString();
    }
}
