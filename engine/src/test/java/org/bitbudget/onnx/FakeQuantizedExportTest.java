package org.bitbudget.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.Test;

/**
 * A fake-quantized LeNet-5 written back as ONNX runs in ONNX Runtime Java with the logits of
 * BitBudget's fake-quant engine (within 1e-4), and BitBudget re-imports it with identical logits.
 */
class FakeQuantizedExportTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static final String MIXED = """
            {"default": {"weights": "int4", "activations": "uint8"},
             "layers": {"/c1/Conv": {"weights": "int8", "activations": "int8"},
                        "/f1/Gemm": {"weights": {"format": "int3", "granularity": "per-vector(16)", "clipping": "mse"},
                                     "activations": {"format": "uint4", "clipping": "percentile(99.9)"}},
                        "/f3/Gemm": {"weights": {"format": "fp6-e3m2", "residual": "int4"}}}}""";

    private static QuantizedGraph quantize(Path model, String config) {
        Graph graph = OnnxImporter.load(model);
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 7L, NORM);
        return FakeQuantization.apply(graph, PrecisionConfigs.parse(config, "test", false), calibration);
    }

    private static byte[] export(Path model, QuantizedGraph q) {
        Set<String> changed = q.replacedInitializers();
        return FakeQuantizedExport.export(model, q.graph(), changed, Map.of("bitbudget.precision", "test"));
    }

    @Test
    void onnxRuntimeMatchesTheFakeQuantEngine() throws Exception {
        Path model = SharedModels.model("lenet5.onnx");
        QuantizedGraph q = quantize(model, MIXED);
        assertEquals(
                5,
                q.graph().nodes().stream()
                        .filter(n -> n.op() instanceof Op.FakeQuantize)
                        .count());
        byte[] onnx = export(model, q);

        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        Tensor images = test.batch(0, 64, NORM);
        Tensor ours = FloatEngine.builder(q.graph()).threads(1).build().predict(images);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            long[] dims = Arrays.stream(images.shape().dims()).asLongStream().toArray();
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.data()), dims);
                    OrtSession.Result result = session.run(Map.of("input", in))) {
                float[][] theirs = (float[][]) result.get(0).getValue();
                double worst = 0;
                for (int i = 0; i < theirs.length; i++) {
                    for (int c = 0; c < 10; c++) {
                        worst = Math.max(worst, Math.abs(theirs[i][c] - ours.data()[i * 10 + c]));
                    }
                }
                assertTrue(worst <= 1e-4, "max abs logit difference " + worst);
            }
        }

        Graph reimported = OnnxImporter.parse(onnx, "exported.onnx");
        assertEquals("test", reimported.metadata().get("bitbudget.precision"));
        Tensor again = FloatEngine.builder(reimported).threads(1).build().predict(images);
        assertArrayEquals(ours.data(), again.data());
    }

    @Test
    void minifloatActivationsAreRefusedByName() {
        Path model = SharedModels.model("lenet5.onnx");
        QuantizedGraph q = quantize(model, "{\"default\": {\"activations\": \"fp8-e4m3\"}}");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> export(model, q));
        assertTrue(e.getMessage().contains("fp8-e4m3"), e.getMessage());
    }

    @Test
    void weightOnlyExportKeepsTheGraphShape() {
        Path model = SharedModels.model("lenet5.onnx");
        QuantizedGraph q = quantize(model, "{\"default\": {\"weights\": \"int2\"}}");
        Graph reimported = OnnxImporter.parse(export(model, q), "exported.onnx");
        assertEquals(OnnxImporter.load(model).nodes().size(), reimported.nodes().size());
        for (var layer : reimported.layers()) {
            assertArrayEquals(
                    q.graph().initializers().get(layer.weightName()).data(),
                    reimported.initializers().get(layer.weightName()).data(),
                    layer.name());
        }
    }
}
