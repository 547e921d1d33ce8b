package org.bitbudget.ir.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link PrecisionConfigs} and {@link PrecisionConfig#validate}:
 * <ul>
 *   <li>the example config of DESIGN.md, as JSON and as the equivalent YAML, gives exactly the
 *       expected precisions (a bare format name means per-channel/max for weights and
 *       per-tensor/max for activations; a missing accumulator is 32; {@code "float"} is
 *       {@link QuantizerSpec#FLOAT});</li>
 *   <li>layer entries inherit every missing field from {@code default};</li>
 *   <li>{@code toJson} then {@code parse} gives an equal config, with the stable field names;</li>
 *   <li>a corpus of bad configs each fails with a {@link UserInputException} whose message is one
 *       line {@code <source>: <field path>: <what is wrong>};</li>
 *   <li>{@code load} picks YAML by extension and names a missing file;</li>
 *   <li>{@code validate} against the shared LeNet-5 accepts its real layer names and rejects an
 *       unknown one, listing the real names.</li>
 * </ul>
 */
class PrecisionConfigsTest {
    /** DESIGN.md's example config. */
    static final String DESIGN_JSON = """
        {
          "default": { "weights": "float", "activations": "float" },
          "layers": {
            "/c1/Conv":  { "weights": "int4", "activations": "uint8" },
            "/f1/Gemm":  { "weights": { "format": "int2", "granularity": "per-channel", "clipping": "mse" },
                           "activations": { "format": "int8", "clipping": "percentile(99.99)" },
                           "accumulator": 16 }
          }
        }
        """;

    /** The same config in YAML. */
    static final String DESIGN_YAML = """
        default:
          weights: float
          activations: float
        layers:
          /c1/Conv:
            weights: int4
            activations: uint8
          /f1/Gemm:
            weights:
              format: int2
              granularity: per-channel
              clipping: mse
            activations:
              format: int8
              clipping: percentile(99.99)
            accumulator: 16
        """;

    private static QuantizerSpec spec(String format, Granularity granularity, Clipping clipping, String residual) {
        return new QuantizerSpec(
                NumberFormat.parse(format),
                granularity,
                clipping,
                residual == null ? null : NumberFormat.parse(residual));
    }

    private static void assertDesignExample(PrecisionConfig c) {
        assertEquals(Precision.FLOAT, c.defaults());
        assertEquals(List.of("/c1/Conv", "/f1/Gemm"), List.copyOf(c.layers().keySet()));
        assertEquals(
                new Precision(
                        spec("int4", Granularity.PER_CHANNEL, Clipping.MAX, null),
                        spec("uint8", Granularity.PER_TENSOR, Clipping.MAX, null),
                        32),
                c.of("/c1/Conv"));
        Precision f1 = c.of("/f1/Gemm");
        assertEquals(spec("int2", Granularity.PER_CHANNEL, Clipping.MSE, null), f1.weights());
        assertEquals(spec("int8", Granularity.PER_TENSOR, Clipping.parse("percentile(99.99)"), null), f1.activations());
        assertEquals(99.99, f1.activations().clipping().percentile());
        assertEquals(Clipping.Kind.PERCENTILE, f1.activations().clipping().kind());
        assertEquals(16, f1.accumulatorBits());
        assertEquals(Precision.FLOAT, c.of("/c2/Conv"), "a layer without an entry gets the default");
    }

    @Test
    void designExampleAsJson() {
        assertDesignExample(PrecisionConfigs.parse(DESIGN_JSON, "c.json", false));
    }

    @Test
    void designExampleAsYaml() {
        PrecisionConfig yaml = PrecisionConfigs.parse(DESIGN_YAML, "c.yaml", true);
        assertDesignExample(yaml);
        assertEquals(PrecisionConfigs.parse(DESIGN_JSON, "c.json", false), yaml);
    }

    @Test
    void layerEntriesInheritMissingFieldsFromDefault() {
        PrecisionConfig c = PrecisionConfigs.parse("""
            {
              "default": { "weights": { "format": "int8", "granularity": "per-vector(16)", "clipping": "mse" },
                           "activations": "fp8-e4m3", "accumulator": 24 },
              "layers": {
                "/c1/Conv": { "activations": "uint8" },
                "/c2/Conv": { "weights": "int4" },
                "/f1/Gemm": { "accumulator": 16 },
                "/f2/Gemm": { }
              }
            }
            """, "c.json", false);
        QuantizerSpec w8 = spec("int8", Granularity.perVector(16), Clipping.MSE, null);
        QuantizerSpec a8 = spec("fp8-e4m3", Granularity.PER_TENSOR, Clipping.MAX, null);
        assertEquals(new Precision(w8, a8, 24), c.defaults());
        assertEquals(
                new Precision(w8, spec("uint8", Granularity.PER_TENSOR, Clipping.MAX, null), 24), c.of("/c1/Conv"));
        assertEquals(
                new Precision(spec("int4", Granularity.PER_CHANNEL, Clipping.MAX, null), a8, 24), c.of("/c2/Conv"));
        assertEquals(new Precision(w8, a8, 16), c.of("/f1/Gemm"));
        assertEquals(c.defaults(), c.of("/f2/Gemm"));
        assertEquals(c.defaults(), c.of("/f3/Gemm"));
    }

    @Test
    void emptyConfigIsAllFloat() {
        assertEquals(PrecisionConfig.uniform(Precision.FLOAT), PrecisionConfigs.parse("{}", "c.json", false));
    }

    @Test
    void toJsonRoundTrips() {
        PrecisionConfig config = new PrecisionConfig(
                        new Precision(
                                spec("int8", Granularity.PER_CHANNEL, Clipping.MAX, null), QuantizerSpec.FLOAT, 32),
                        Map.of())
                .with(
                        "/c1/Conv",
                        new Precision(
                                spec("int2", Granularity.perVector(16), Clipping.MSE, "int4"),
                                spec("uint8", Granularity.PER_TENSOR, Clipping.parse("percentile(99.9)"), null),
                                16))
                .with(
                        "/f1/Gemm",
                        new Precision(
                                spec("fp8-e4m3", Granularity.PER_TENSOR, Clipping.MAX, null),
                                spec("fp8-e5m2", Granularity.PER_TENSOR, Clipping.MSE, null),
                                20))
                .with("/f3/Gemm", Precision.FLOAT);
        String json = PrecisionConfigs.toJson(config);
        assertEquals(config, PrecisionConfigs.parse(json, "out.json", false));
        for (String field : List.of(
                "\"default\"",
                "\"layers\"",
                "\"weights\"",
                "\"activations\"",
                "\"accumulator\"",
                "\"format\"",
                "\"granularity\"",
                "\"clipping\"",
                "\"residual\"",
                "\"per-vector(16)\"")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        PrecisionConfig design = PrecisionConfigs.parse(DESIGN_JSON, "c.json", false);
        assertEquals(design, PrecisionConfigs.parse(PrecisionConfigs.toJson(design), "out.json", false));
    }

    @Test
    void loadChoosesYamlByExtensionAndNamesAMissingFile(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("c.yml"), DESIGN_YAML);
        assertDesignExample(PrecisionConfigs.load(yaml));
        Path json = Files.writeString(dir.resolve("c.json"), DESIGN_JSON);
        assertDesignExample(PrecisionConfigs.load(json));
        Path missing = dir.resolve("missing.json");
        UserInputException e = assertThrows(UserInputException.class, () -> PrecisionConfigs.load(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    /**
     * One bad config.
     *
     * @param name     what is wrong, for the test name
     * @param text     the config text
     * @param yaml     whether it is YAML (source c.yaml) or JSON (source c.json)
     * @param field    the field path the error names, or "" for the whole file
     * @param fragment text the message must contain
     */
    record Bad(String name, String text, boolean yaml, String field, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Bad layer(String name, String precision, String field, String fragment) {
        return new Bad(
                name,
                "{ \"layers\": { \"/c1/Conv\": " + precision + " } }",
                false,
                "layers./c1/Conv" + field,
                fragment);
    }

    static Stream<Bad> badConfigs() {
        return Stream.of(
                new Bad(
                        "malformed JSON",
                        "{\n  \"default\": {\n    \"weights\": \"int8\",\n  }\n}\n",
                        false,
                        "",
                        "malformed JSON at line 4"),
                new Bad(
                        "malformed YAML",
                        "default:\n  weights: int8\n  activations: [int8\nlayers: {}\n",
                        true,
                        "",
                        "malformed YAML at line 4"),
                new Bad("top-level array", "[{\"default\": {}}]", false, "", "a precision config is an object"),
                new Bad("empty YAML", "", true, "", "a precision config is an object"),
                new Bad(
                        "unknown top-level field",
                        "{\"defaults\": {}}",
                        false,
                        "defaults",
                        "unknown field (expected one of default, encodings, ignore, layers)"),
                new Bad(
                        "unknown precision field in YAML",
                        "default:\n  wieghts: int8\n",
                        true,
                        "default.wieghts",
                        "unknown field (expected one of accumulator, activations, weights)"),
                new Bad(
                        "layers not an object",
                        "{\"layers\": [\"/c1/Conv\"]}",
                        false,
                        "layers",
                        "must map layer names to precisions"),
                layer("layer entry not an object", "\"int8\"", "", "must be an object"),
                layer(
                        "unknown quantizer field",
                        "{\"weights\": {\"format\": \"int4\", \"granulrity\": \"per-tensor\"}}",
                        ".weights.granulrity",
                        "unknown field (expected one of clipping, format, granularity, residual)"),
                layer(
                        "unknown format in object form",
                        "{\"weights\": {\"format\": \"int9\"}}",
                        ".weights.format",
                        "unknown format 'int9' (expected"),
                layer(
                        "unknown format in short form",
                        "{\"activations\": \"uint3-full\"}",
                        ".activations",
                        "unsigned formats have no -full variant"),
                layer(
                        "quantizer neither name nor object",
                        "{\"weights\": 8}",
                        ".weights",
                        "must be a format name or an object"),
                layer(
                        "missing format in object form",
                        "{\"weights\": {\"granularity\": \"per-tensor\"}}",
                        ".weights.format",
                        "missing"),
                layer(
                        "bad granularity",
                        "{\"weights\": {\"format\": \"int4\", \"granularity\": \"per-row\"}}",
                        ".weights.granularity",
                        "'per-row' is not per-tensor, per-channel or per-vector(N)"),
                layer(
                        "per-vector(0)",
                        "{\"weights\": {\"format\": \"int4\", \"granularity\": \"per-vector(0)\"}}",
                        ".weights.granularity",
                        "is not per-tensor, per-channel or per-vector(N)"),
                layer(
                        "bad clipping",
                        "{\"weights\": {\"format\": \"int4\", \"clipping\": \"minmax\"}}",
                        ".weights.clipping",
                        "'minmax' is not max, mse or percentile(P)"),
                layer(
                        "percentile(0)",
                        "{\"activations\": {\"format\": \"int8\", \"clipping\": \"percentile(0)\"}}",
                        ".activations.clipping",
                        "the percentile must be in (0, 100]"),
                layer(
                        "percentile(101)",
                        "{\"activations\": {\"format\": \"int8\", \"clipping\": \"percentile(101)\"}}",
                        ".activations.clipping",
                        "the percentile must be in (0, 100]"),
                layer(
                        "per-vector on activations",
                        "{\"activations\": {\"format\": \"int8\", \"granularity\": \"per-vector(16)\"}}",
                        ".activations.granularity",
                        "activations are quantized per-tensor"),
                layer(
                        "per-channel on activations",
                        "{\"activations\": {\"format\": \"int8\", \"granularity\": \"per-channel\"}}",
                        ".activations.granularity",
                        "activations are quantized per-tensor"),
                layer(
                        "residual on activations",
                        "{\"activations\": {\"format\": \"int8\", \"residual\": \"int4\"}}",
                        ".activations.residual",
                        "only weights have a residual tensor"),
                layer(
                        "bad residual format",
                        "{\"weights\": {\"format\": \"int2\", \"residual\": \"fp8-e4m4\"}}",
                        ".weights.residual",
                        "is 9, not 8"),
                layer(
                        "per-vector with uint",
                        "{\"weights\": {\"format\": \"uint4\", \"granularity\": \"per-vector(8)\"}}",
                        ".weights.granularity",
                        "per-vector scales need a signed format, not uint4"),
                layer(
                        "accumulator 1",
                        "{\"accumulator\": 1}",
                        ".accumulator",
                        "must be a whole number of bits from 2 to 64, got 1"),
                layer("accumulator 65", "{\"accumulator\": 65}", ".accumulator", "from 2 to 64, got 65"),
                layer(
                        "accumulator sixteen",
                        "{\"accumulator\": \"sixteen\"}",
                        ".accumulator",
                        "from 2 to 64, got \"sixteen\""),
                layer("accumulator 16.5", "{\"accumulator\": 16.5}", ".accumulator", "from 2 to 64, got 16.5"),
                layer(
                        "accumulator 2^32 + 16",
                        "{\"accumulator\": 4294967312}",
                        ".accumulator",
                        "from 2 to 64, got 4294967312"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigsGiveOneLineNamingSourceAndField(Bad bad) {
        String source = bad.yaml() ? "c.yaml" : "c.json";
        UserInputException e =
                assertThrows(UserInputException.class, () -> PrecisionConfigs.parse(bad.text(), source, bad.yaml()));
        String expectedSource = bad.field().isEmpty() ? source : source + ": " + bad.field();
        assertEquals(expectedSource, e.source(), e.getMessage());
        assertTrue(e.getMessage().startsWith(expectedSource + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(bad.fragment()), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void validateAgainstLenet5() {
        Graph lenet = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        PrecisionConfigs.parse(DESIGN_JSON, "c.json", false).validate(lenet, "c.json");

        PrecisionConfig wrong =
                PrecisionConfigs.parse("{\"layers\": {\"/c1/Conv\": {}, \"/c9/Conv\": {}}}", "c.json", false);
        UserInputException e = assertThrows(UserInputException.class, () -> wrong.validate(lenet, "c.json"));
        assertEquals("c.json: layers./c9/Conv", e.source());
        assertTrue(
                e.getMessage().contains("(layers: /c1/Conv, /c2/Conv, /f1/Gemm, /f2/Gemm, /f3/Gemm)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
