package org.bitbudget.cli;

import static org.bitbudget.cli.BitBudgetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.cli.BitBudgetCliTest.Run;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search's config is a self-contained artifact: {@code search} writes every calibrated activation
 * encoding into {@code config.json}, so {@code eval --config} on the integer engine and the
 * {@code export} run by ONNX Runtime score the bundled LeNet-5 on the whole Fashion-MNIST test split
 * exactly as the search did, without calibrating again: ONNX Runtime both with its graph optimisations
 * off (the QDQ graph as ONNX defines it) and with its defaults (its fused integer kernels, which add each
 * bias as an int32 code, as BitBudget's layers do) give the search's accuracy to the last digit.
 */
class SelfContainedConfigTest {
    private static final Path MODEL =
            Path.of("../models/lenet5-fashion-mnist.onnx").toAbsolutePath().normalize();

    @Test
    void searchEvalAndExportScoreTheSameToTheLastDigit(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("search");
        Run search =
                run("search", "--model", MODEL.toString(), "--activations", "uint8", "--out", out.toString(), "--json");
        assertEquals(0, search.code(), search.err());
        assertEquals("integer", search.json().get("engine").asText());
        double searched = search.json().get("accuracy").asDouble();

        Path config = out.resolve("config.json");
        JsonNode encodings = new ObjectMapper().readTree(config.toFile()).get("encodings");
        assertEquals(5, encodings.size(), "one encoding per quantized layer input: " + encodings);

        // A calibration of 3 images would give other ranges: the stored encodings are what counts.
        Run eval = run(
                "eval",
                "--model",
                MODEL.toString(),
                "--config",
                config.toString(),
                "--engine",
                "integer",
                "--calibration",
                "3",
                "--json");
        assertEquals(0, eval.code(), eval.err());
        assertEquals("config", eval.json().get("activation_ranges").asText());
        assertEquals(10000, eval.json().get("samples").asInt());
        assertEquals(searched, eval.json().get("accuracy").asDouble(), 0.0, "eval --config reproduces the search");

        Path onnx = dir.resolve("lenet5.qdq.onnx");
        Run export = run(
                "export",
                "--model",
                MODEL.toString(),
                "--config",
                config.toString(),
                "--out",
                onnx.toString(),
                "--json");
        assertEquals(0, export.code(), export.err());
        assertEquals("config", export.json().get("activation_ranges").asText());
        double ort = onnxRuntimeAccuracy(onnx, false);
        double fused = onnxRuntimeAccuracy(onnx, true);
        System.out.printf(
                Locale.ROOT,
                "search %.4f, eval --config %.4f, ONNX Runtime %.4f (default optimisations %.4f)%n",
                searched,
                eval.json().get("accuracy").asDouble(),
                ort,
                fused);
        assertEquals(String.format(Locale.ROOT, "%.4f", searched), String.format(Locale.ROOT, "%.4f", ort));
        assertEquals(
                String.format(Locale.ROOT, "%.4f", searched),
                String.format(Locale.ROOT, "%.4f", fused),
                "ONNX Runtime's fused kernels");
        assertTrue(searched > 0.85, "a working model: " + searched);
    }

    /** Top-1 accuracy of ONNX Runtime on the whole test split, with its default optimisations or none. */
    private static double onnxRuntimeAccuracy(Path onnx, boolean optimised) throws Exception {
        Normalization norm =
                Normalization.parse(OnnxImporter.load(MODEL).metadata().get(Normalization.METADATA_KEY));
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        int n = test.size();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int correct = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (!optimised) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            try (OrtSession session = env.createSession(onnx.toString(), options)) {
                String input = session.getInputNames().iterator().next();
                for (int from = 0; from < n; from += 1000) {
                    int count = Math.min(1000, n - from);
                    Tensor x = test.batch(from, count, norm);
                    long[] dims = java.util.Arrays.stream(x.shape().dims())
                            .asLongStream()
                            .toArray();
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                            OrtSession.Result r = session.run(Map.of(input, in))) {
                        OnnxTensor logits = (OnnxTensor) r.get(0);
                        FloatBuffer b = logits.getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        int[] predictions = Classification.predictions(Tensor.of(Shape.of(count, v.length / count), v));
                        correct += Classification.correct(predictions, test.labels(), from);
                    }
                }
            }
        }
        return (double) correct / n;
    }
}
