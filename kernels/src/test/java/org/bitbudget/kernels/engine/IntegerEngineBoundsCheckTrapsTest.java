package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.BoundsCheckTraps;
import org.bitbudget.testsupport.ExportedModels;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the integer engine on resnet8 and the MobileNetV3-style model, each path chosen by the rule and
 * by measurement, in a JVM of its own, until C2 has compiled its kernels, and checks that no kernel deoptimized on a
 * bounds check ({@link BoundsCheckTraps}): such a trap in a Vector API access makes every kernel
 * compiled after it in the JVM, the float engine's too, lose the bounds-check intrinsic.
 */
class IntegerEngineBoundsCheckTrapsTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static final int BATCHES = 8;

    @ParameterizedTest(name = "{0} at W{1}A{1}")
    @CsvSource({"resnet8, 8", "resnet8, 2", "mobilenetv3, 8", "mobilenetv3, 2"})
    void integerEngineRunsWithoutBoundsCheckTraps(String model, int bits) {
        assertEquals(
                List.of(),
                BoundsCheckTraps.inFreshJvm(IntegerEngineBoundsCheckTrapsTest.class, model, Integer.toString(bits)),
                "bounds-check deoptimizations while the integer engine ran");
    }

    /** The work for model {@code args[0]} at {@code args[1]} bits, in the JVM of its own that the test starts. */
    public static void main(String[] args) {
        String model = args[0];
        int bits = Integer.parseInt(args[1]);
        Graph graph = model.equals("resnet8")
                ? ModelZoo.build("resnet8", false, 3)
                : OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 64, 0L, NORMALIZATION);
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 64, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, IntegerConfigs.uniform(graph, bits), calibration);
        BoundsCheckTraps.report(() -> {
            for (boolean measure : new boolean[] {false, true}) {
                IntegerEngine engine = IntegerEngine.builder(graph, quantized)
                        .threads(1)
                        .measure(measure)
                        .build();
                for (int b = 0; b < BATCHES; b++) {
                    engine.predict(images);
                }
            }
        });
    }
}
