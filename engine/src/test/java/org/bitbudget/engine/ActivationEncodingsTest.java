package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.RuntimeTarget;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calibrated activation encodings stored in a config: written and read back bit for bit, applied
 * without calibration images to the same logits as the calibration that made them, refused by name when
 * they no longer fit the config; and the runtime targets' weight formats on the shared LeNet-5.
 */
class ActivationEncodingsTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static Tensor calibration;
    private static Tensor images;

    @BeforeAll
    static void load() {
        graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 300, 0, NORM);
        images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 200, NORM);
    }

    private static PrecisionConfig parse(String json) {
        return PrecisionConfigs.parse(json, "c.json", false);
    }

    @Test
    void storedEncodingsReproduceTheCalibrationWithoutImages() {
        PrecisionConfig config = parse("""
            {"default": {"weights": "int4", "activations": "uint8"},
             "layers": {"/f1/Gemm": {"activations": {"format": "int8", "clipping": "percentile(99.9)"}}}}\
            """);
        assertTrue(FakeQuantization.needsCalibration(graph, config));
        PrecisionConfig calibrated = FakeQuantization.calibrated(graph, config, calibration);
        assertEquals(5, calibrated.encodings().size());
        assertFalse(FakeQuantization.needsCalibration(graph, calibrated));

        PrecisionConfig back = PrecisionConfigs.parse(PrecisionConfigs.toJson(calibrated), "back.json", false);
        assertEquals(calibrated, back, "every scale and zero point reads back as the same float");
        back.validate(graph, "back.json");

        Tensor calibratedLogits = FloatEngine.builder(
                        FakeQuantization.apply(graph, config, calibration).graph())
                .threads(1)
                .build()
                .predict(images);
        Tensor storedLogits = FloatEngine.builder(
                        FakeQuantization.apply(graph, back, null).graph())
                .threads(1)
                .build()
                .predict(images);
        assertArrayEquals(calibratedLogits.data(), storedLogits.data());
    }

    @Test
    void anEncodingThatNoLongerFitsTheConfigIsRefusedByName() {
        PrecisionConfig calibrated = FakeQuantization.calibrated(
                graph, parse("{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\"}}"), calibration);
        String json = PrecisionConfigs.toJson(calibrated)
                .replaceFirst(
                        "\"activations\" : \\{\\s*\"format\" : \"uint8\"", "\"activations\" : { \"format\" : \"int8\"");
        PrecisionConfig changed = PrecisionConfigs.parse(json, "c.json", false);
        UserInputException e = assertThrows(UserInputException.class, () -> changed.validate(graph, "c.json"));
        assertEquals("c.json: encodings./c1/Conv.format", e.source());

        PrecisionConfig stray = parse("""
            {"default": {"weights": "int8"},
             "encodings": {"/c1/Conv": {"format": "uint8", "scale": 0.01, "zero_point": 3}}}\
            """);
        e = assertThrows(UserInputException.class, () -> stray.validate(graph, "c.json"));
        assertTrue(e.getMessage().contains("input is float"), e.getMessage());
        e = assertThrows(UserInputException.class, () -> parse("""
            {"encodings": {"/c1/Conv": {"format": "uint8", "scale": -1, "zero_point": 0}}}\
            """));
        assertEquals("c.json: encodings./c1/Conv", e.source());
    }

    @Test
    void x86Avx2NarrowsOnlyTheLayersWhosePairSumsSaturate() {
        PrecisionConfig config = FakeQuantization.calibrated(graph, parse("""
            {"default": {"weights": "int8", "activations": "uint8"},
             "layers": {"/c2/Conv": {"weights": "int4"}, "/f3/Gemm": {"activations": "uint4"}}}\
            """), calibration);
        List<RuntimeTarget.Change> risky = RuntimeTarget.saturating(config, graph);
        assertEquals(
                List.of("/c1/Conv", "/f1/Gemm", "/f2/Gemm"),
                risky.stream().map(RuntimeTarget.Change::layer).toList());
        assertEquals(64_770, risky.getFirst().pairSum(), "2 x 255 x 127");

        RuntimeTarget.Adjusted avx2 = RuntimeTarget.X86_AVX2.adjust(config, graph);
        assertEquals("int7", avx2.config().of("/c1/Conv").weights().format().name());
        assertEquals("int4", avx2.config().of("/c2/Conv").weights().format().name());
        assertEquals("int8", avx2.config().of("/f3/Gemm").weights().format().name(), "2 x 15 x 127 fits");
        assertTrue(RuntimeTarget.saturating(avx2.config(), graph).isEmpty(), "every pair sum now fits int16");
        assertEquals(config.encodings(), avx2.config().encodings(), "activations keep their encodings");
        assertFalse(FakeQuantization.needsCalibration(graph, avx2.config()));
        for (RuntimeTarget t : List.of(RuntimeTarget.GENERIC, RuntimeTarget.X86_VNNI, RuntimeTarget.ARM)) {
            assertEquals(config, t.adjust(config, graph).config(), t.label());
        }
        assertEquals(RuntimeTarget.X86_AVX2, RuntimeTarget.parse("x86-avx2"));
        assertThrows(IllegalArgumentException.class, () -> RuntimeTarget.parse("avx"));
    }
}
