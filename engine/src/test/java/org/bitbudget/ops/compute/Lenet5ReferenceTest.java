package org.bitbudget.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link FloatEngine} against the figures PyTorch measured for the shared LeNet-5
 * ({@code ../shared/models/lenet5.expected.json}): the model file is the one measured (same
 * sha256), top-1 accuracy on all 10,000 Fashion-MNIST test images equals {@code float_accuracy}
 * within ±0.0005 (five images), and the logits of the first 16 images equal {@code first16_logits}
 * within 1e-3.
 */
class Lenet5ReferenceTest {
    private static final org.bitbudget.data.Normalization FASHION_MNIST =
            new org.bitbudget.data.Normalization(0.2860f, 0.3530f);

    private static Path model;
    private static JsonNode expected;

    @BeforeAll
    static void readExpectedFigures() throws Exception {
        model = SharedModels.model("lenet5.onnx");
        expected = new ObjectMapper()
                .readTree(SharedModels.model("lenet5.expected.json").toFile());
    }

    @Test
    void modelFileIsTheOneMeasured() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model));
        assertEquals(expected.get("sha256").asText(), HexFormat.of().formatHex(digest));
    }

    @Test
    void accuracyOnTheTestSplitMatchesPyTorch() {
        Graph graph = OnnxImporter.load(model);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        assertEquals(10_000, test.size());

        Tensor logits =
                FloatEngine.builder(graph).threads(2).build().predict(test.batch(0, test.size(), FASHION_MNIST));
        assertEquals(Shape.of(10_000, 10), logits.shape());
        int[] labels = test.labels();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            if (argmax(logits.data(), i * 10, 10) == labels[i]) {
                correct++;
            }
        }
        assertEquals(expected.get("float_accuracy").asDouble(), correct / 10_000.0, 0.0005);
    }

    @Test
    void firstSixteenLogitsMatchPyTorch() {
        Graph graph = OnnxImporter.load(model);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        JsonNode rows = expected.get("first16_logits");
        assertEquals(16, rows.size());

        Tensor logits = FloatEngine.builder(graph).threads(1).build().predict(test.batch(0, 16, FASHION_MNIST));
        assertEquals(Shape.of(16, 10), logits.shape());
        for (int i = 0; i < 16; i++) {
            assertEquals(10, rows.get(i).size());
            for (int c = 0; c < 10; c++) {
                assertEquals(
                        rows.get(i).get(c).asDouble(), logits.data()[i * 10 + c], 1e-3, "image " + i + ", class " + c);
            }
        }
    }

    private static int argmax(float[] v, int from, int count) {
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (v[from + c] > v[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
