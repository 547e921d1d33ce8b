package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.ReadOptions;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.NumpyFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-input model (an image branch and a feature branch, added before the logits) fed from a
 * {@code .npz} NumPy wrote with one array per input: the float engine and {@code eval} give ONNX
 * Runtime's logits on the same arrays, and count the same correct predictions. The model declares its
 * inputs in the other order than {@code --input-key} names them, so the arrays are matched by name.
 */
class MultiInputEvalTest {
    private static final int N = 40;
    private static final int CLASSES = 4;
    private static final float TOLERANCE = 1e-4f;

    @TempDir
    static Path dir;

    private static Path model;
    private static Path npz;
    private static float[] ortLogits;
    private static int[] labels;

    @BeforeAll
    static void write() throws Exception {
        NumpyFiles.write(dir, "twoinput", Integer.toString(N));
        npz = dir.resolve("twoinput.npz");
        ModelBuilder b = new ModelBuilder("two-inputs", 18);
        String features = b.input("features", 5);
        String image = b.input("image", 3, 4, 4);
        String flat = b.node("Flatten", "flatten", List.of(image), ModelBuilder.i("axis", 1));
        String a = b.node("Gemm", "image_fc", List.of(flat, b.weight("w_image", 48, CLASSES)));
        String c = b.node("Gemm", "feature_fc", List.of(features, b.weight("w_features", 5, CLASSES)));
        b.output(b.node("Add", "sum", List.of(a, c)));
        model = Files.write(dir.resolve("two-inputs.onnx"), b.bytes());

        DataSource data = DataSources.open(
                npz.toString(), Split.TEST, ReadOptions.DEFAULT.withInputKeys(List.of("image", "features")));
        labels = data.labels();
        Tensor imageBatch = data.inputs().get(0).batch(0, N, Normalization.NONE);
        Tensor featureBatch = data.inputs().get(1).batch(0, N, Normalization.NONE);
        var env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor x =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(imageBatch.data()), new long[] {N, 3, 4, 4});
                OnnxTensor f = OnnxTensor.createTensor(env, FloatBuffer.wrap(featureBatch.data()), new long[] {N, 5});
                OrtSession.Result r = session.run(Map.of("image", x, "features", f))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            ortLogits = new float[out.remaining()];
            out.get(ortLogits);
        }
        Tensor engine = FloatEngine.of(OnnxImporter.load(model)).predict(List.of(featureBatch, imageBatch));
        assertEquals(N * CLASSES, engine.data().length);
        for (int i = 0; i < ortLogits.length; i++) {
            assertEquals(ortLogits[i], engine.data()[i], TOLERANCE, "float engine, logit " + i);
        }
    }

    @Test
    void evalOfTheTwoArraysGivesOnnxRuntimesLogitsAndScore() throws Exception {
        Path csv = dir.resolve("logits.csv");
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "eval",
                "--model",
                model.toString(),
                "--data",
                npz.toString(),
                "--input-key",
                "image,features",
                "--normalize",
                "0,1",
                "--logits",
                csv.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        List<String> rows = Files.readAllLines(csv);
        assertEquals(N + 1, rows.size());
        int correct = 0;
        for (int s = 0; s < N; s++) {
            String[] cells = rows.get(s + 1).split(",");
            int best = 0;
            for (int k = 0; k < CLASSES; k++) {
                assertEquals(
                        ortLogits[s * CLASSES + k], Float.parseFloat(cells[3 + k]), TOLERANCE, "eval, sample " + s);
                if (ortLogits[s * CLASSES + k] > ortLogits[s * CLASSES + best]) {
                    best = k;
                }
            }
            correct += best == labels[s] ? 1 : 0;
        }
        assertEquals(N, j.get("samples").asInt());
        assertEquals(correct, j.get("correct").asInt());
        assertEquals((double) correct / N, j.get("score").asDouble(), 1e-12);
    }

    @Test
    void anArrayTooFewIsOneLineNamingTheModelInput() {
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "eval", "--model", model.toString(), "--data", npz.toString(), "--input-key", "image");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("input 'features' has no array"), r.err());
        assertTrue(r.err().contains("2 input(s) (features, image)"), r.err());
    }

    @Test
    void quantizedEvalOfATwoInputModelIsOneLineError() throws Exception {
        Path config = Files.writeString(
                dir.resolve("int8.json"), "{\"default\": {\"weights\": \"int8\", \"activations\": \"int8\"}}");
        for (String engine : List.of("float", "integer")) {
            BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                    "eval",
                    "--model",
                    model.toString(),
                    "--data",
                    npz.toString(),
                    "--input-key",
                    "image,features",
                    "--config",
                    config.toString(),
                    "--engine",
                    engine);
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("2 inputs"), r.err());
        }
    }
}
