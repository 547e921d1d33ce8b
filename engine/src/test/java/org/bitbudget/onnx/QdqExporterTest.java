package org.bitbudget.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The QDQ export against BitBudget's own fake quantization: ONNX Runtime (graph optimisations off,
 * so it runs the Q/DQ operators as written) gives the logits of the fake-quantized float engine on
 * the shared LeNet-5, for integer weights per channel and per tensor, narrow activation formats
 * (which need the Clip), and minifloat weights; the stored codes are int8 with per-channel scales.
 */
class QdqExporterTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static Tensor calibration;
    private static Tensor images;
    private static int[] labels;

    @BeforeAll
    static void load() {
        graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 500, 0, NORM);
        var test = DataSources.open("fashion-mnist", Split.TEST).limit(500);
        images = test.batch(0, 500, NORM);
        labels = test.labels();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\"}}",
                "{\"default\": {\"weights\": {\"format\": \"int4\", \"granularity\": \"per-tensor\"}, \"activations\":"
                        + " \"int4\"}}",
                "{\"default\": {\"weights\": \"int3\", \"activations\": \"int8\"}, \"layers\": {\"/c1/Conv\":"
                        + " {\"activations\": \"uint4\"}}}",
                "{\"default\": {\"weights\": \"fp8-e4m3\", \"activations\": \"uint8\"}, \"layers\": {\"/f1/Gemm\":"
                        + " {\"weights\": \"int2\"}}}",
                "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\", \"accumulator\": 14}}",
                "{\"default\": {\"weights\": {\"format\": \"int3\", \"clipping\": \"auto\", \"bias_correction\":"
                        + " true}, \"activations\": \"uint8\"}}"
            })
    void onnxRuntimeReproducesTheFakeQuantizedModel(String json) throws Exception {
        QuantizedGraph q = FakeQuantization.apply(graph, PrecisionConfigs.parse(json, "c", false), calibration);
        QdqExporter.Export export = QdqExporter.export(graph, q, Map.of());
        Tensor ours = FloatEngine.builder(q.graph()).threads(1).build().predict(images);
        Tensor ort = onnxRuntime(export.bytes(), images);
        int[] a = Classification.predictions(ours);
        int[] b = Classification.predictions(ort);
        int agree = 0;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            agree += a[i] == b[i] ? 1 : 0;
        }
        for (int i = 0; i < ours.data().length; i++) {
            worst = Math.max(worst, Math.abs(ours.data()[i] - ort.data()[i]));
        }
        System.out.printf(
                Locale.ROOT,
                "%s: top-1 agreement %d/%d, max |logit difference| %.2e, accuracy %.4f vs %.4f%n",
                json,
                agree,
                a.length,
                worst,
                Classification.correct(a, labels, 0) / 500.0,
                Classification.correct(b, labels, 0) / 500.0);
        assertTrue(agree >= a.length - 2, "top-1 agreement " + agree + "/" + a.length);
        assertTrue(worst < 0.1, "max logit difference " + worst);
    }

    @Test
    void weightsAreInt8CodesWithPerChannelScales() throws Exception {
        var config = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": \"int4\", \"activations\": \"uint8\"}}", "c", false);
        QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
        ModelProto m = ModelProto.parseFrom(QdqExporter.export(graph, q, Map.of("k", "v"), QdqExporter.Container.INT8)
                .bytes());
        assertEquals(13, m.getOpsetImport(0).getVersion());
        String c2 = graph.layers().get(1).weightName();
        NodeProto dq = m.getGraph().getNodeList().stream()
                .filter(n -> n.getOutput(0).equals(c2))
                .findFirst()
                .orElseThrow();
        TensorProto codes = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(dq.getInput(0)))
                .findFirst()
                .orElseThrow();
        assertEquals(TensorProto.DataType.INT8_VALUE, codes.getDataType());
        for (byte v : codes.getRawData().toByteArray()) {
            assertTrue(v >= -7 && v <= 7, "int4 codes stay within +-7: " + v);
        }
        TensorProto scale = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(dq.getInput(1)))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(16L), scale.getDimsList());
        assertEquals("DequantizeLinear", dq.getOpType());
        assertEquals(0, dq.getAttribute(0).getI(), "axis of the output channels");
        assertTrue(m.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals("k")));
    }

    /** Every bias-corrected layer's node reads its corrected bias, written as a float initializer. */
    @Test
    void biasCorrectedLayersReadTheirCorrectedBias() throws Exception {
        var config = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": {\"format\": \"int4\", \"bias_correction\": true}}}", "c", false);
        QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
        ModelProto m =
                ModelProto.parseFrom(QdqExporter.export(graph, q, Map.of()).bytes());
        for (var lq : q.layers()) {
            String name = QuantizedGraph.correctedBiasName(lq.layer());
            NodeProto node = m.getGraph().getNodeList().stream()
                    .filter(n -> n.getName().equals(lq.layer().name()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(name, node.getInput(2), lq.layer().name());
            TensorProto bias = m.getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().equals(name))
                    .findFirst()
                    .orElseThrow();
            assertArrayEquals(
                    lq.correctedBias().data(), TensorProtos.toTensor(bias, name).data(), name);
        }
    }

    @Test
    void minifloatActivationsAreRefusedByName() {
        var config = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": \"int8\", \"activations\": \"fp8-e4m3\"}}", "c", false);
        QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
        UserInputException e = assertThrows(UserInputException.class, () -> QdqExporter.export(graph, q, Map.of()));
        assertTrue(e.getMessage().contains("/c1/Conv") && e.getMessage().contains("fp8-e4m3"), e.getMessage());
    }

    private static Tensor onnxRuntime(byte[] onnx, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
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
