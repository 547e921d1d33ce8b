package org.bitbudget.experiments.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.onnx.QdqExporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The QDQ export run by ONNX Runtime Java (default graph optimisations, so it fuses the QDQ pairs
 * into its own quantized operators) against BitBudget's integer engine on the same quantization:
 * top-1 accuracy on 2,000 Fashion-MNIST test images must agree within 0.5 percentage points.
 * Minifloat weights (no integer engine) are compared with the fake-quant float engine instead.
 */
class QdqExportAccuracyTest {
    private static final Path LENET = Path.of(System.getProperty("bitbudget.shared", "../../shared"))
            .resolve("models/lenet5.onnx")
            .toAbsolutePath()
            .normalize();
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static final int IMAGES = 2000;

    private static Graph graph;
    private static DataSource test;
    private static Tensor images;
    private static Tensor calibration;

    @BeforeAll
    static void load() {
        graph = OnnxImporter.load(LENET);
        test = DataSources.open("fashion-mnist", Split.TEST).limit(IMAGES);
        images = test.batch(0, IMAGES, NORM);
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 1000, 0, NORM);
    }

    @ParameterizedTest(name = "W{0}A8")
    @ValueSource(strings = {"int8", "int4"})
    void onnxRuntimeRunsTheQdqModelWithinHalfAPointOfTheIntegerEngine(String weights) throws Exception {
        PrecisionConfig config = PrecisionConfigs.parse("""
            {"default": {"weights": "%s", "activations": "uint8"}}\
            """.formatted(weights), "w" + weights, false);
        QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
        QdqExporter.Export export = QdqExporter.export(
                graph, q, Map.of("bitbudget.precision", PrecisionConfigs.toJson(config)), QdqExporter.Container.INT8);
        assertQdq(export.bytes(), 5);
        export.layers().forEach(l -> assertEquals("qdq-int8", l.weights(), l.toString()));

        double integer = accuracy(IntegerEngine.of(graph, q).predict(images));
        double ort = accuracy(onnxRuntime(export.bytes(), images));
        System.out.printf(
                Locale.ROOT,
                "W%sA8 on %d images: integer engine %.4f, ONNX Runtime QDQ %.4f%n",
                weights,
                IMAGES,
                integer,
                ort);
        assertTrue(Math.abs(integer - ort) <= 0.005, "integer " + integer + " vs ORT " + ort);
        assertTrue(integer > 0.8, "a working quantized model: " + integer);
    }

    @ParameterizedTest(name = "{0} weights")
    @ValueSource(strings = {"fp8-e4m3", "fp6-e3m2"})
    void minifloatWeightsAreFakeQuantInitializers(String weights) throws Exception {
        PrecisionConfig config = PrecisionConfigs.parse("""
            {"default": {"weights": "%s", "activations": "int8"}}\
            """.formatted(weights), "w" + weights, false);
        QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
        QdqExporter.Export export = QdqExporter.export(graph, q, Map.of());
        export.layers().forEach(l -> assertEquals("fake-quant", l.weights(), l.toString()));
        assertQdq(export.bytes(), 0);
        double fake = accuracy(FloatEngine.builder(q.graph()).build().predict(images));
        double ort = accuracy(onnxRuntime(export.bytes(), images));
        System.out.printf(
                Locale.ROOT, "W%s A int8: fake-quant float engine %.4f, ONNX Runtime %.4f%n", weights, fake, ort);
        assertTrue(Math.abs(fake - ort) <= 0.005, "fake-quant " + fake + " vs ORT " + ort);
    }

    /** The model holds {@code weightDq} int8 weight DequantizeLinear nodes and a Q/DQ pair per layer input. */
    private static void assertQdq(byte[] bytes, int weightDq) throws Exception {
        ModelProto m = ModelProto.parseFrom(bytes);
        List<NodeProto> nodes = m.getGraph().getNodeList();
        long q = nodes.stream()
                .filter(n -> n.getOpType().equals("QuantizeLinear"))
                .count();
        long dq = nodes.stream()
                .filter(n -> n.getOpType().equals("DequantizeLinear"))
                .count();
        assertEquals(5, q, "one QuantizeLinear per layer input");
        assertEquals(5 + weightDq, dq);
        long int8 = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == 3 && t.getDimsCount() >= 2)
                .count();
        assertEquals(weightDq, int8, "int8 weight initializers");
    }

    private static double accuracy(Tensor logits) {
        return (double) Classification.correct(Classification.predictions(logits), test.labels(), 0) / IMAGES;
    }

    private static Tensor onnxRuntime(byte[] onnx, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            options.setIntraOpNumThreads(1);
            long[] dims = Arrays.stream(x.shape().dims()).asLongStream().toArray();
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                    OrtSession.Result result = session.run(Map.of("input", in))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer buffer = out.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return Tensor.of(Shape.of(out.getInfo().getShape()), values);
            }
        }
    }
}
