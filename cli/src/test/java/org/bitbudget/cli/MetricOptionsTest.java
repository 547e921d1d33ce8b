package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bitbudget.data.DataSources;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metric}, the two data sets and the normalisation warning as a user meets them: a PyTorch
 * export evaluated without {@code --normalize} gets one warning line naming the normalisation to try
 * (and none once it is given); {@code eval --config} reports its metric, score and sets; a metric
 * that needs labels on data without them is a one-line error naming the option. Unlabelled data far
 * from centred get the warning as well.
 */
class MetricOptionsTest {
    private static final Path LENET = Path.of("../models/lenet5-fashion-mnist.onnx");

    @Test
    void aPytorchExportWithoutNormalisationGetsOneWarningLine() throws Exception {
        String model = ExportedModels.model(ExportedModels.MOBILENETV3).toString();
        BitBudgetCliTest.Run bare = BitBudgetCliTest.run("eval", "--model", model, "--limit", "300", "--json");
        assertEquals(0, bare.code(), bare.err());
        String[] lines = bare.err().strip().split("\n");
        assertEquals(1, lines.length, bare.err());
        assertTrue(
                lines[0].startsWith("bitbudget: warning: " + model + ": no normalisation given or stored"), lines[0]);
        assertTrue(lines[0].endsWith("give --normalize 0.2927,0.3578"), lines[0]);
        assertTrue(bare.json().get("accuracy").asDouble() < 0.2, bare.out());

        BitBudgetCliTest.Run given = BitBudgetCliTest.run(
                "eval", "--model", model, "--limit", "300", "--normalize", "0.2927,0.3578", "--json");
        assertEquals("", given.err());
        assertTrue(given.json().get("accuracy").asDouble() > 0.8, given.out());
    }

    @Test
    void unlabelledDataFarFromCentredGetTheWarningToo(@TempDir Path dir) throws Exception {
        Path images = DataSources.FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz");
        Files.createSymbolicLink(dir.resolve(images.getFileName()), images);
        String model = ExportedModels.model(ExportedModels.MOBILENETV3).toString();
        BitBudgetCliTest.Run r =
                BitBudgetCliTest.run("eval", "--model", model, "--data", dir.toString(), "--limit", "300", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "bitbudget: warning: " + model + ": no normalisation given or stored in the model: inputs used as "
                        + "stored (mean 0.293, range [0.00, 1.00]); the inputs are not centred, as a model trained on "
                        + "normalised inputs expects; if the model expects normalised inputs, give --normalize "
                        + "0.2927,0.3578\n",
                r.err());
    }

    @Test
    void evalWithAConfigReportsItsMetricScoreAndSets(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("int4.json");
        Files.writeString(config, "{\"default\": {\"weights\": \"int4\", \"activations\": \"float\"}}");
        BitBudgetCliTest.Run kl = BitBudgetCliTest.run(
                "eval",
                "--model",
                LENET.toString(),
                "--config",
                config.toString(),
                "--limit",
                "500",
                "--metric",
                "kl",
                "--json");
        assertEquals(0, kl.code(), kl.err());
        JsonNode json = kl.json();
        assertEquals("kl", json.get("metric").asText());
        assertTrue(json.get("score").asDouble() > 0, kl.out());
        assertTrue(json.get("accuracy").asDouble() > 0.8, kl.out());
        assertEquals(
                "calibration fashion-mnist:train, evaluation fashion-mnist:test",
                json.get("data_sets").asText());

        BitBudgetCliTest.Run plain =
                BitBudgetCliTest.run("eval", "--model", LENET.toString(), "--limit", "500", "--json");
        assertEquals("top1", plain.json().get("metric").asText());
        assertEquals(
                plain.json().get("accuracy").asDouble(),
                plain.json().get("score").asDouble());
    }

    @Test
    void aLabelMetricOnDataWithoutLabelsIsOneLine(@TempDir Path dir) throws Exception {
        Path images = DataSources.FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz");
        Files.createSymbolicLink(dir.resolve(images.getFileName()), images);
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "eval", "--model", LENET.toString(), "--data", dir.toString(), "--metric", "top5", "--limit", "10");
        assertEquals(2, r.code());
        assertEquals(
                "bitbudget: --metric top5: needs labels and " + dir + ":test has none; agreement, kl, sqnr and mse "
                        + "need none\n",
                r.err());
        BitBudgetCliTest.Run unlabelled = BitBudgetCliTest.run(
                "eval", "--model", LENET.toString(), "--data", dir.toString(), "--limit", "10", "--json");
        assertEquals(0, unlabelled.code(), unlabelled.err());
        assertEquals("kl", unlabelled.json().get("metric").asText());
        assertEquals(0.0, unlabelled.json().get("score").asDouble());
        assertTrue(unlabelled.json().get("accuracy").isNull());
    }
}
