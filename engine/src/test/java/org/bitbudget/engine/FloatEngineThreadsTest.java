package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link FloatEngine#predict} gives the same bits whatever the number of threads
 * sharing the batch's chunks, at batch sizes that leave a partial last chunk, and that a failure
 * in the chunks reaches the caller without leaving the engine unusable.
 */
class FloatEngineThreadsTest {
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);

    @Test
    void everyThreadCountGivesTheBitsOfOneThread() {
        Graph graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 257, FASHION_MNIST);
        FloatEngine one = FloatEngine.builder(graph).threads(1).build();
        for (int threads : new int[] {2, 3, 5}) {
            FloatEngine many = FloatEngine.builder(graph).threads(threads).build();
            for (int batch : new int[] {1, 8, 9, 32, 33, 97, 257}) {
                Tensor x = slice(images, 0, batch);
                Tensor expected = one.predict(x);
                Tensor actual = many.predict(x);
                String where = threads + " threads, batch " + batch;
                assertEquals(expected.shape(), actual.shape(), where);
                assertArrayEquals(bits(expected.data()), bits(actual.data()), where);
            }
        }
    }

    @Test
    void aFailingBatchThrowsAndTheEngineStillPredicts() {
        Graph graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        FloatEngine engine = FloatEngine.builder(graph).threads(2).build();
        Tensor wrong = Tensor.of(Shape.of(100, 1, 28, 27), new float[100 * 28 * 27]);
        assertThrows(UserInputException.class, () -> engine.predict(wrong));

        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 70, FASHION_MNIST);
        Tensor expected = FloatEngine.builder(graph).threads(1).build().predict(images);
        assertArrayEquals(bits(expected.data()), bits(engine.predict(images).data()));
    }

    private static Tensor slice(Tensor images, int from, int count) {
        int per = images.shape().size() / images.shape().dim(0);
        return Tensor.of(
                images.shape().with(0, count), Arrays.copyOfRange(images.data(), from * per, (from + count) * per));
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = Float.floatToRawIntBits(v[k]);
        }
        return out;
    }
}
