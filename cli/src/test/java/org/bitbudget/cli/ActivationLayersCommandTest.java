package org.bitbudget.cli;

import static org.bitbudget.cli.BitBudgetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.cli.BitBudgetCliTest.Run;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect} lists the ViT export's attention MatMuls as activation-only layers, and a config
 * that gives one of them a weight format is a one-line error naming it.
 */
class ActivationLayersCommandTest {
    private static final Path VIT = ExportedModels.model(ExportedModels.VIT);
    private static final String FIRST = "/blocks/blocks.0/MatMul";

    @Test
    void inspectListsActivationOnlyLayers() throws Exception {
        Run r = run("inspect", "--model", VIT.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        List<String> names = j.get("activation_layers")
                .valueStream()
                .map(l -> l.get("name").asText())
                .toList();
        assertEquals(8, names.size());
        assertEquals(List.of(FIRST, "/blocks/blocks.0/MatMul_1"), names.subList(0, 2));
        JsonNode qk = j.get("activation_layers").get(0);
        JsonNode a = qk.get("input_shapes").get(0);
        long k = a.get(a.size() - 1).asLong();
        long out = 1;
        for (JsonNode d : qk.get("output_shape")) {
            out *= d.asLong();
        }
        assertEquals(out * k, qk.get("macs").asLong(), "output values × shared dimension");
        assertTrue(j.get("layers")
                .valueStream()
                .noneMatch(l -> names.contains(l.get("name").asText())));

        Run text = run("inspect", "--model", VIT.toString());
        assertTrue(text.out().contains("activation-only layers"), text.out());
        assertTrue(text.out().contains(FIRST + " "), text.out());
    }

    @Test
    void aWeightFormatForAnActivationOnlyLayerIsRefusedByName(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.json");
        Files.writeString(
                config, "{\"layers\": {\"" + FIRST + "\": {\"weights\": \"int4\", \"activations\": \"int8\"}}}");
        Run r = run(
                "eval",
                "--model",
                VIT.toString(),
                "--data",
                "fashion-mnist",
                "--normalize",
                "0.2860,0.3530",
                "--limit",
                "10",
                "--calibration",
                "10",
                "--config",
                config.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("layers." + FIRST + ".weights"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
