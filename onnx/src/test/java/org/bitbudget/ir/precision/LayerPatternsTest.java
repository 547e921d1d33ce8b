package org.bitbudget.ir.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Layer selection by pattern on the bundled ResNet-8 (10 layers): globs, regular expressions and
 * operator types as layer keys, exact names before patterns, the first pattern before later ones,
 * ignored scopes above everything, and patterns that select nothing refused by name.
 */
class LayerPatternsTest {
    private static Graph graph;

    @BeforeAll
    static void load() {
        graph = OnnxImporter.load(Path.of("../models/resnet8-fashion-mnist.onnx"));
    }

    /** Each layer's precision label in the resolved config. */
    private static Map<String, String> labels(String json) {
        PrecisionConfig c = PrecisionConfigs.parse(json, "c.yaml", true).resolve(graph, "c.yaml");
        c.validate(graph, "c.yaml");
        Map<String, String> out = new LinkedHashMap<>();
        for (Layer l : graph.layers()) {
            out.put(l.name(), c.of(l.name()).label());
        }
        return out;
    }

    @Test
    void patternsSelectByNameGlobRegexAndOperatorType() {
        Map<String, String> got = labels("""
            default: {weights: int8}
            layers:
              /stage1/conv1/Conv: {weights: int3}
              "/stage1/*": {weights: int2}
              "re:/stage[23]/shortcut/.*": {weights: int6}
              "/stage3/*": {weights: int4}
              "op:gemm": {weights: int5}
            ignore: ["/stem/Conv"]
            """);
        assertEquals("float", got.get("/stem/Conv"), "ignored");
        assertEquals("int3", got.get("/stage1/conv1/Conv"), "the exact name wins over a pattern");
        assertEquals("int2", got.get("/stage1/conv2/Conv"));
        assertEquals("int8", got.get("/stage2/conv1/Conv"), "no pattern: the default");
        assertEquals("int6", got.get("/stage2/shortcut/Conv"));
        assertEquals("int6", got.get("/stage3/shortcut/Conv"), "the first matching pattern wins");
        assertEquals("int4", got.get("/stage3/conv2/Conv"));
        assertEquals("int5", got.get("/fc/Gemm"), "operator types match case-insensitively");
    }

    @Test
    void ignoredScopesStayFloatOverEveryEntryAndRoundTrip() {
        PrecisionConfig c = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": \"int4\", \"activations\": \"uint8\"}, \"layers\": {\"/fc/Gemm\":"
                        + " {\"weights\": \"int8\"}}, \"ignore\": [\"op:Gemm\", \"re:.*shortcut.*\"]}",
                "c.json",
                false);
        assertEquals(c, PrecisionConfigs.parse(PrecisionConfigs.toJson(c), "back.json", false));
        PrecisionConfig resolved = c.ignoring(List.of("/stem/*")).resolve(graph, "c.json");
        for (String name : List.of("/fc/Gemm", "/stage2/shortcut/Conv", "/stage3/shortcut/Conv", "/stem/Conv")) {
            assertEquals(Precision.FLOAT, resolved.of(name), name);
        }
        assertEquals("int4/uint8", resolved.of("/stage1/conv1/Conv").label());
        assertTrue(resolved.ignore().isEmpty(), "a resolved config has exact entries only");
    }

    @Test
    void aPatternThatSelectsNothingIsAnErrorNamingIt() {
        UserInputException e =
                assertThrows(UserInputException.class, () -> labels("layers: {\"/stage9/*\": {weights: int4}}"));
        assertEquals("c.yaml: layers./stage9/*", e.source());
        assertTrue(e.getMessage().contains("selects no layer (layers: /stem/Conv,"), e.getMessage());
        e = assertThrows(UserInputException.class, () -> labels("ignore: [\"op:LSTM\"]"));
        assertEquals("c.yaml: ignore.op:LSTM", e.source());
        e = assertThrows(UserInputException.class, () -> labels("layers: {\"re:(\": {weights: int4}}"));
        assertTrue(e.getMessage().contains("malformed regular expression"), e.getMessage());
    }
}
