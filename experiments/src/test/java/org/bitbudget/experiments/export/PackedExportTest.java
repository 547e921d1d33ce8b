package org.bitbudget.experiments.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.onnx.QdqExporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Export at the chosen bits: configs of the bundled LeNet-5 and ResNet-8 with int4, int3 and int2 layers
 * store their codes as ONNX INT4 (packed two a byte, opset 21) in half the bytes of int8 codes; each
 * file is at most 0.6 × the bytes of its int8 export, and ONNX Runtime, both running the QDQ graph as
 * ONNX defines it (graph optimisations off) and with its default optimisations (fused integer kernels
 * that add each bias as an int32 code of input × weight scale, as the layers' {@code BiasGrid} biases
 * are), predicts the class the integer engine predicts on at least 99.9 % of the whole Fashion-MNIST
 * test split.
 */
class PackedExportTest {
    private static final int CALIBRATION = 1000;

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "lenet5-fashion-mnist | 0.6 | {\"/f1/Gemm\": {\"weights\": \"int2\"}, \"/c2/Conv\": {\"weights\":"
                        + " \"int3\"}}",
                "resnet8-fashion-mnist | 0.6 | {\"/stage2/conv2/Conv\": {\"weights\": \"int2\"},"
                        + " \"/stage3/conv1/Conv\": {\"weights\": \"int3\"}, \"/stage3/conv2/Conv\": {\"weights\":"
                        + " \"int2\"}}"
            })
    void lowBitExportsArePackedSmallAndRunAsTheIntegerEngine(String name, double maxRatio, String lowLayers)
            throws Exception {
        Graph graph = OnnxImporter.load(Path.of("../models/" + name + ".onnx"));
        Normalization norm = Normalization.parse(graph.metadata().get(Normalization.METADATA_KEY));
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), CALIBRATION, 0, norm);
        PrecisionConfig low = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": \"int4\", \"activations\": \"uint8\"}, \"layers\": " + lowLayers + "}",
                name,
                false);
        PrecisionConfig int8 = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\"}}", name, false);
        QuantizedGraph q = FakeQuantization.apply(graph, low, calibration);
        QdqExporter.Export packed = QdqExporter.export(graph, q, Map.of());
        QdqExporter.Export reference = QdqExporter.export(
                graph, FakeQuantization.apply(graph, int8, calibration), Map.of(), QdqExporter.Container.INT8);

        assertEquals(QdqExporter.INT4_OPSET, packed.opset());
        assertEquals(13, reference.opset());
        ModelProto m = ModelProto.parseFrom(packed.bytes());
        long int4 = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == TensorProto.DataType.INT4_VALUE && t.getDimsCount() >= 2)
                .count();
        assertEquals(graph.layers().size(), int4, "every layer's codes in INT4");
        packed.layers().forEach(l -> assertEquals("qdq-int4", l.weights(), l.toString()));
        double ratio = (double) packed.bytes().length / reference.bytes().length;

        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        IntegerEngine engine = IntegerEngine.of(graph, q);
        int n = test.size();
        int agree = 0;
        int agreeOptimised = 0;
        int integerCorrect = 0;
        int ortCorrect = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions plain = new OrtSession.SessionOptions();
                OrtSession.SessionOptions optimised = new OrtSession.SessionOptions()) {
            plain.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            plain.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            optimised.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            try (OrtSession session = env.createSession(packed.bytes(), plain);
                    OrtSession fused = env.createSession(packed.bytes(), optimised)) {
                String input = session.getInputNames().iterator().next();
                for (int from = 0; from < n; from += 1000) {
                    int count = Math.min(1000, n - from);
                    Tensor x = test.batch(from, count, norm);
                    int[] ours = Classification.predictions(engine.predict(x));
                    int[] theirs = Classification.predictions(onnxRuntime(env, session, input, x));
                    int[] theirsFused = Classification.predictions(onnxRuntime(env, fused, input, x));
                    for (int i = 0; i < count; i++) {
                        agree += ours[i] == theirs[i] ? 1 : 0;
                        agreeOptimised += ours[i] == theirsFused[i] ? 1 : 0;
                    }
                    integerCorrect += Classification.correct(ours, test.labels(), from);
                    ortCorrect += Classification.correct(theirs, test.labels(), from);
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: packed %d bytes, int8 export %d bytes (%.3f x); agreement %d/%d (default optimisations %d);"
                        + " accuracy integer %.4f, ORT %.4f%n",
                name,
                packed.bytes().length,
                reference.bytes().length,
                ratio,
                agree,
                n,
                agreeOptimised,
                integerCorrect / (double) n,
                ortCorrect / (double) n);
        // The codes halve; the rest of the file (Q/DQ nodes, per-channel scales, float biases: about 8 KB)
        // does not, and is a larger share of ResNet-8's 39k weights than of LeNet-5's 62k.
        long packedCodes = packed.layers().stream()
                .mapToLong(QdqExporter.LayerExport::weightBytes)
                .sum();
        long int8Codes = reference.layers().stream()
                .mapToLong(QdqExporter.LayerExport::weightBytes)
                .sum();
        assertTrue(packedCodes <= int8Codes / 2 + graph.layers().size(), packedCodes + " vs " + int8Codes);
        assertTrue(ratio <= maxRatio, "packed export is " + ratio + " x the int8 export");
        assertTrue(agree >= Math.ceil(0.999 * n), "per-image agreement " + agree + "/" + n);
        assertTrue(
                agreeOptimised >= Math.ceil(0.999 * n),
                "per-image agreement with default optimisations " + agreeOptimised + "/" + n);
    }

    private static Tensor onnxRuntime(OrtEnvironment env, OrtSession session, String input, Tensor x) throws Exception {
        long[] dims = Arrays.stream(x.shape().dims()).asLongStream().toArray();
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                OrtSession.Result result = session.run(Map.of(input, in))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer buffer = out.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return Tensor.of(Shape.of(out.getInfo().getShape()), values);
        }
    }
}
