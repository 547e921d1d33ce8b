package org.bitbudget.cli;

import static org.bitbudget.cli.BitBudgetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.cli.BitBudgetCliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --target}, {@code --container} and {@code --ignore} on the bundled LeNet-5: x86-avx2
 * narrows the int8 weights beside uint8 inputs to int7 and says why, the default target names the
 * layers such a runtime could change, ignored layers stay float, and the output gives the file's bytes
 * beside the priced size.
 */
class ExportTargetCommandTest {
    private static final String MODEL = Path.of("../models/lenet5-fashion-mnist.onnx")
            .toAbsolutePath()
            .normalize()
            .toString();

    @Test
    void targetsContainersAndIgnoredScopes(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("w8a8.json");
        Files.writeString(config, """
            {"default": {"weights": "int8", "activations": "uint8"},
             "layers": {"/c2/Conv": {"weights": "int4"}}}\
            """);
        Path out = dir.resolve("m.onnx");
        Run avx2 = run(
                "export",
                "--model",
                MODEL,
                "--config",
                config.toString(),
                "--out",
                out.toString(),
                "--calibration",
                "50",
                "--target",
                "x86-avx2",
                "--json");
        assertEquals(0, avx2.code(), avx2.err());
        JsonNode j = avx2.json();
        List<String> changes =
                j.get("target_changes").valueStream().map(JsonNode::asText).toList();
        assertEquals(4, changes.size(), changes.toString());
        assertTrue(changes.getFirst().startsWith("/c1/Conv: weights int8 -> int7"), changes.getFirst());
        assertTrue(changes.getFirst().contains("vpmaddubsw"), changes.getFirst());
        assertEquals(Files.size(out), j.get("bytes").asLong(), "the bytes on disk");
        assertTrue(j.get("priced_bytes").asLong() > 0);
        assertEquals("qdq-int4", j.get("layers").get(1).get("weights").asText());
        assertEquals("calibrated", j.get("activation_ranges").asText());

        Run generic = run(
                "export",
                "--model",
                MODEL,
                "--config",
                config.toString(),
                "--out",
                out.toString(),
                "--calibration",
                "50",
                "--container",
                "int8",
                "--ignore",
                "op:Gemm");
        assertEquals(0, generic.code(), generic.err());
        assertTrue(
                generic.out()
                        .contains("target generic: exact 32-bit accumulation assumed; on x86 without VNNI, 1 "
                                + "layer(s) (/c1/Conv, ...)"),
                generic.out());
        assertTrue(generic.out().contains("/f1/Gemm                 weights float"), generic.out());
        assertTrue(generic.out().contains("bytes on disk (opset 13, int8 container)"), generic.out());

        Run none = run(
                "export",
                "--model",
                MODEL,
                "--config",
                config.toString(),
                "--out",
                out.toString(),
                "--calibration",
                "50",
                "--ignore",
                "/x/*");
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("bitbudget: --ignore /x/*: selects no layer"), none.err());
    }
}
