package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PyTorch exports of {@code test-support/fixtures/make_models.py} (opset 17, dynamic batch) run as
 * PyTorch and ONNX Runtime run them, on the whole Fashion-MNIST test split: float accuracy equal to
 * PyTorch's within 0.0005 (a few images whose top two logits PyTorch and we order differently), logits
 * within 1e-4 of ONNX Runtime's, and weight-only per-channel int8 and int4 accuracy within 0.003 of
 * PyTorch's fake quantization (the reference rounds half to even like we do; float summation order
 * decides the rest).
 */
class ExportedModelsTest {
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    private static Tensor images;
    private static int[] labels;

    @BeforeAll
    static void load() {
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        images = test.batch(0, test.size(), FASHION_MNIST);
        labels = test.labels();
    }

    private static JsonNode expected(String name) throws IOException {
        return new ObjectMapper().readTree(ExportedModels.expected(name).toFile());
    }

    private static double accuracy(Graph graph) {
        float[] logits =
                FloatEngine.builder(graph).threads(2).build().predict(images).data();
        int classes = logits.length / labels.length;
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    @ParameterizedTest
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void floatAccuracyMatchesPyTorch(String name) throws IOException {
        Graph graph = OnnxImporter.load(ExportedModels.model(name));
        assertEquals(expected(name).get("float_accuracy").asDouble(), accuracy(graph), 0.0005, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void logitsMatchOnnxRuntime(String name) throws IOException, OrtException {
        byte[] onnx = Files.readAllBytes(ExportedModels.model(name));
        Graph graph = OnnxImporter.parse(onnx, name + ".onnx");
        float[] flat = Arrays.copyOf(images.data(), 256 * 28 * 28);
        Tensor x = Tensor.of(Shape.of(256, 1, 28, 28), flat);
        float[] ours = FloatEngine.builder(graph).threads(2).build().predict(x).data();
        float[] reference = onnxRuntime(onnx, x);
        assertEquals(reference.length, ours.length, name + ": logits");
        double worst = 0;
        for (int k = 0; k < ours.length; k++) {
            worst = Math.max(worst, Math.abs((double) ours[k] - reference[k]));
        }
        assertTrue(worst <= 1e-4, name + ": largest difference to ONNX Runtime " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void weightOnlyPerChannelMatchesPyTorch(String name) throws IOException {
        Graph graph = OnnxImporter.load(ExportedModels.model(name));
        JsonNode want = expected(name).get("weight_only_per_channel_symmetric");
        for (int bits : new int[] {8, 4}) {
            Precision weights = new Precision(
                    new QuantizerSpec(NumberFormat.parse("int" + bits), Granularity.PER_CHANNEL, Clipping.MAX, null),
                    QuantizerSpec.FLOAT,
                    32);
            Graph quantized = FakeQuantization.apply(graph, PrecisionConfig.uniform(weights), null)
                    .graph();
            assertEquals(
                    want.get(Integer.toString(bits)).asDouble(), accuracy(quantized), 0.003, name + " at int" + bits);
        }
    }

    private static float[] onnxRuntime(byte[] onnx, Tensor x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            long[] dims = Arrays.stream(x.shape().dims()).asLongStream().toArray();
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                    OrtSession.Result result = session.run(Map.of("input", in))) {
                FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return values;
            }
        }
    }
}
