package org.bitbudget.cli;

import static org.bitbudget.cli.BitBudgetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bitbudget.cli.BitBudgetCliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code search --ignore} and {@code search --target} on the bundled LeNet-5: ignored layers stay float in
 * {@code config.json} and their float bytes count in the priced size; x86-avx2 searches int7 where int8
 * beside uint8 activations would saturate that runtime, and says so; a scope that selects no layer is a
 * one-line error.
 */
class SearchScopeCommandTest {
    private static final String MODEL = Path.of("../models/lenet5-fashion-mnist.onnx")
            .toAbsolutePath()
            .normalize()
            .toString();

    @Test
    void ignoredLayersStayFloatAndTheTargetNarrowsWhatIsSearched(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("search");
        Run search = run(
                "search",
                "--model",
                MODEL,
                "--ignore",
                "re:/f[23]/.*",
                "--target",
                "x86-avx2",
                "--formats",
                "int8,int4",
                "--activations",
                "uint8",
                "--budget",
                "size <= 80KiB",
                "--estimator",
                "roundoff",
                "--limit",
                "500",
                "--calibration",
                "128",
                "--pareto",
                "0",
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, search.code(), search.err());
        assertTrue(
                search.err()
                        .contains("bitbudget: target x86-avx2: candidate int8/uint8: weights int8 -> int7 (u8 x s8 "
                                + "pair sums up to 64,770 would saturate int16 in vpmaddubsw)"),
                search.err());

        Run inspect = run("inspect", "--model", MODEL, "--json");
        assertEquals(0, inspect.code(), inspect.err());
        List<String> ignored = new ArrayList<>();
        long ignoredParams = 0;
        for (JsonNode layer : inspect.json().get("layers")) {
            String name = layer.get("name").asText();
            if (name.startsWith("/f2/") || name.startsWith("/f3/")) {
                ignored.add(name);
                ignoredParams += layer.get("params").asLong();
            }
        }
        assertEquals(2, ignored.size(), inspect.out());

        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("float", format(config.get("default").get("weights")), config.toString());
        int searched = 0;
        for (var it = config.get("layers").fields(); it.hasNext(); ) {
            var e = it.next();
            assertFalse(ignored.contains(e.getKey()), "an ignored layer is not searched: " + config);
            String weights = format(e.getValue().get("weights"));
            assertTrue(weights.equals("int7") || weights.equals("int4"), "x86-avx2 searches int7, not int8: " + e);
            searched++;
        }
        assertEquals(inspect.json().get("layers").size() - ignored.size(), searched, config.toString());
        // The ignored layers' float weights and biases (32 bits each) are part of the priced size.
        assertTrue(
                search.json().get("size_bits").asLong() > 32 * ignoredParams,
                search.json().get("size_bits") + " bits priced, the ignored layers alone hold " + 32 * ignoredParams);
    }

    /** A quantizer's format, written as a name or as an object with a {@code format}. */
    private static String format(JsonNode quantizer) {
        return quantizer.isTextual()
                ? quantizer.asText()
                : quantizer.get("format").asText();
    }

    @Test
    void aScopeThatSelectsNoLayerIsAOneLineError(@TempDir Path dir) {
        Run none = run(
                "search",
                "--model",
                MODEL,
                "--ignore",
                "/x/*",
                "--out",
                dir.resolve("search").toString());
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().startsWith("bitbudget: --ignore /x/*: selects no layer"), none.err());
        assertEquals(1, none.err().strip().lines().count(), none.err());
    }
}
