package org.bitbudget.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.BatchNormFolding;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxExporter;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training on real Fashion-MNIST images: the same seed gives the same model bytes whatever the
 * thread count, another seed gives another model, and a short run learns (loss falls, test
 * accuracy far above chance).
 */
class TrainerTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static DataSource train;
    private static DataSource test;

    @BeforeAll
    static void load() {
        train = DataSources.open("fashion-mnist", Split.TRAIN).limit(3000);
        test = DataSources.open("fashion-mnist", Split.TEST).limit(1000);
    }

    private static Trainer.Result run(String arch, boolean batchNorm, long seed, int threads, int epochs) {
        return Trainer.builder()
                .epochs(epochs)
                .batchSize(32)
                .learningRate(0.05)
                .seed(seed)
                .threads(threads)
                .build()
                .train(ModelZoo.build(arch, batchNorm, seed), train, NORM);
    }

    private static byte[] bytes(Trainer.Result r) {
        return OnnxExporter.toBytes(BatchNormFolding.fold(r.graph()), Map.of());
    }

    private static double accuracy(Graph g) {
        Tensor logits = FloatEngine.builder(BatchNormFolding.fold(g))
                .threads(2)
                .build()
                .predict(test.batch(0, test.size(), NORM));
        int[] labels = test.labels();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (logits.data()[i * 10 + c] > logits.data()[i * 10 + best]) {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return (double) correct / test.size();
    }

    @Test
    void theSameSeedGivesTheSameBytesOnAnyThreadCount() {
        byte[] one = bytes(run("lenet5", true, 7, 1, 1));
        byte[] two = bytes(run("lenet5", true, 7, 2, 1));
        assertArrayEquals(one, two);
        assertFalse(java.util.Arrays.equals(one, bytes(run("lenet5", true, 8, 2, 1))));
    }

    @Test
    void aShortRunLearns() {
        Trainer.Result r = run("lenet5", true, 3, 2, 2);
        assertEquals(2, r.epochLosses().size());
        assertTrue(r.epochLosses().get(1) < r.epochLosses().get(0), "loss " + r.epochLosses());
        double accuracy = accuracy(r.graph());
        // 2 epochs on 3,000 images: well above the 0.10 of chance (about 0.75 is typical).
        assertTrue(accuracy > 0.6, "test accuracy " + accuracy);
    }

    @Test
    void everyZooModelTrainsWithoutBatchNormToo() {
        for (String arch : ModelZoo.ARCHITECTURES) {
            Trainer.Result r = Trainer.builder()
                    .epochs(1)
                    .batchSize(32)
                    .seed(1)
                    .threads(2)
                    .build()
                    .train(ModelZoo.build(arch, false, 1), train.limit(320), NORM);
            assertTrue(Double.isFinite(r.epochLosses().getFirst()), arch);
        }
    }

    @Test
    void badOptionsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder().learningRate(-1).build());
        assertTrue(e.getMessage().startsWith("learning rate"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder().momentum(1).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder().epochs(0).build());
    }
}
