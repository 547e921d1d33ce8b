package org.bitbudget.training.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxExporter;
import org.bitbudget.testsupport.NumpyFiles;
import org.bitbudget.training.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RGB data set made here (Fashion-MNIST tinted per picture and resized to 3 x 32 x 32 by NumPy, saved
 * as {@code .npz}), also written as a PNG image folder with ImageIO: a small CNN trained on the
 * {@code .npz} scores the same from both sources, logit for logit, and its logits equal ONNX Runtime's on
 * the same arrays within 1e-4.
 */
class RgbDataSourcesTest {
    private static final int TRAIN = 3000;
    private static final int TEST = 500;

    @TempDir
    Path dir;

    private static Graph smallCnn() {
        GraphBuilder b = new GraphBuilder(7, false, 3, 32, 32);
        String x = b.maxPool("/p1", b.relu("/c1", b.conv("/c1", "input", 3, 8, 3, 1, 1, 1)), 2);
        x = b.maxPool("/p2", b.relu("/c2", b.conv("/c2", x, 8, 16, 3, 1, 1, 1)), 2);
        x = b.flatten("/flatten", x);
        return b.build("rgb-cnn", b.linear("/fc", x, 16 * 8 * 8, 10));
    }

    @Test
    void aModelScoresTheSameFromNpzAndPngAndMatchesOnnxRuntime() throws Exception {
        NumpyFiles.write(dir, "rgb", Integer.toString(TRAIN), Integer.toString(TEST));
        DataSource train = DataSources.open(dir.resolve("train.npz").toString(), Split.TRAIN);
        DataSource npz = DataSources.open(dir.resolve("test.npz").toString(), Split.TEST);
        assertEquals(Shape.of(3, 32, 32), npz.sampleShape());
        Normalization norm = Normalization.measure(train);
        assertEquals(3, norm.channels());

        Trainer.Result trained = Trainer.builder()
                .epochs(2)
                .batchSize(32)
                .learningRate(0.05)
                .seed(3)
                .build()
                .train(smallCnn(), train, norm);
        FloatEngine engine = FloatEngine.builder(trained.graph()).threads(1).build();

        // The PNG folder: one class folder per label, pictures named by their index in the .npz.
        Tensor raw = npz.batch(0, TEST, Normalization.NONE);
        int[] labels = npz.labels();
        for (int i = 0; i < TEST; i++) {
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int at = i * 3072 + y * 32 + x;
                    int r = Math.round(raw.data()[at] * 255);
                    int g = Math.round(raw.data()[at + 1024] * 255);
                    int bl = Math.round(raw.data()[at + 2048] * 255);
                    image.setRGB(x, y, (r << 16) | (g << 8) | bl);
                }
            }
            Path file = dir.resolve("png").resolve(Integer.toString(labels[i])).resolve(String.format("%05d.png", i));
            Files.createDirectories(file.getParent());
            assertTrue(ImageIO.write(image, "png", file.toFile()));
        }
        DataSource png = DataSources.open(dir.resolve("png").toString(), Split.TEST);
        // The folder lists class 0's pictures first, each class in index order.
        int[] order = IntStream.range(0, TEST)
                .boxed()
                .sorted((a, c) ->
                        labels[a] != labels[c] ? Integer.compare(labels[a], labels[c]) : Integer.compare(a, c))
                .mapToInt(Integer::intValue)
                .toArray();
        Tensor fromNpz = npz.gather(order, norm);
        Tensor fromPng = png.batch(0, TEST, norm);
        assertArrayEquals(fromNpz.data(), fromPng.data());
        assertArrayEquals(Arrays.stream(order).map(i -> labels[i]).toArray(), png.labels());

        Tensor logitsNpz = engine.predict(npz.batch(0, TEST, norm));
        Tensor logitsPng = engine.predict(fromPng);
        double accuracyNpz = Classification.accuracy(logitsNpz, npz);
        double accuracyPng = Classification.accuracy(logitsPng, png);
        assertEquals(accuracyNpz, accuracyPng, 0.0);
        assertArrayEquals(engine.predict(fromNpz).data(), logitsPng.data());
        assertTrue(accuracyNpz > 0.6, "trained to " + accuracyNpz);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Tensor input = npz.batch(0, TEST, norm);
        try (OrtSession session = env.createSession(
                        OnnxExporter.toBytes(trained.graph(), Map.of()), new OrtSession.SessionOptions());
                OnnxTensor in =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), new long[] {TEST, 3, 32, 32});
                OrtSession.Result r = session.run(Map.of("input", in))) {
            float[][] ort = (float[][]) r.get(0).getValue();
            for (int i = 0; i < TEST; i++) {
                for (int c = 0; c < 10; c++) {
                    assertEquals(ort[i][c], logitsNpz.data()[i * 10 + c], 1e-4, "sample " + i + " class " + c);
                }
            }
        }
    }
}
