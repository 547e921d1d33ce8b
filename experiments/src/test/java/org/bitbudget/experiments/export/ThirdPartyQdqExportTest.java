package org.bitbudget.experiments.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.Classification;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.onnx.InputShapes;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.onnx.QdqExporter;
import org.bitbudget.onnx.TensorProtos;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.PaddleStyleModel;
import org.junit.jupiter.api.Test;

/**
 * QDQ export of models as other exporters write them, at opset 9: a BatchNormalization after the
 * convolution is folded into the written weights, a Clip whose bounds are attributes is written with the
 * constant bound inputs opset 13 wants, INT4 weights raise the file to opset 21, and ONNX Runtime
 * (default optimisations) predicts what the integer engine predicts; an operator with no form at the
 * written opset is an error naming the node.
 */
class ThirdPartyQdqExportTest {
    private static final PrecisionConfig W4A8 =
            PrecisionConfigs.parse("{\"default\": {\"weights\": \"int4\", \"activations\": \"uint8\"}}", "w4a8", false);

    /** x [N,1,8,8] → Conv 3×3 → BatchNormalization → Clip(0, 6) (attributes) → Flatten → Gemm → [N, 5]. */
    private static byte[] opset9Model() {
        ModelBuilder b = new ModelBuilder("opset9", 3).opset(9);
        String x = b.input("x", 1, 8, 8);
        String conv = b.node(
                "Conv", "conv", List.of(x, b.weight("conv.w", 4, 1, 3, 3)), ModelBuilder.ints("pads", 1, 1, 1, 1));
        String bn = b.node(
                "BatchNormalization",
                "bn",
                List.of(
                        conv,
                        b.uniform("bn.scale", 0.5f, 1.5f, 4),
                        b.uniform("bn.bias", -0.5f, 0.5f, 4),
                        b.uniform("bn.mean", -0.3f, 0.3f, 4),
                        b.uniform("bn.var", 0.2f, 2f, 4)));
        String clip = b.node("Clip", "relu6", List.of(bn), ModelBuilder.f("min", 0f), ModelBuilder.f("max", 6f));
        String flat = b.node("Flatten", "flatten", List.of(clip));
        String fc = b.node(
                "Gemm",
                "fc",
                List.of(flat, b.weight("fc.w", 5, 256), b.weight("fc.b", 5)),
                ModelBuilder.i("transB", 1));
        return b.output(fc).bytes();
    }

    @Test
    void anOpset9ModelWithBatchNormAndAttributeClipExportsAndRunsAsTheIntegerEngine() throws Exception {
        Graph graph = OnnxImporter.parse(opset9Model(), "opset9.onnx");
        Tensor calibration = Tensor.of(Shape.of(64, 1, 8, 8), ModelBuilder.gaussian(5, 64 * 64, 1f));
        QuantizedGraph q = FakeQuantization.apply(graph, W4A8, calibration);
        QdqExporter.Export export = QdqExporter.export(graph, q, Map.of());

        assertEquals(21, export.opset());
        ModelProto m = ModelProto.parseFrom(export.bytes());
        List<String> ops =
                m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertFalse(ops.contains("BatchNormalization"), "folded: " + ops);
        NodeProto clip = m.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Clip"))
                .findFirst()
                .orElseThrow();
        assertEquals(0, clip.getAttributeCount());
        assertEquals(0f, constant(m, clip.getInput(1)));
        assertEquals(6f, constant(m, clip.getInput(2)));

        Tensor x = Tensor.of(Shape.of(500, 1, 8, 8), ModelBuilder.gaussian(9, 500 * 64, 1f));
        int[] ours = Classification.predictions(IntegerEngine.of(graph, q).predict(x));
        int[] ort = Classification.predictions(onnxRuntime(export.bytes(), x));
        int agree = 0;
        for (int i = 0; i < ours.length; i++) {
            agree += ours[i] == ort[i] ? 1 : 0;
        }
        assertTrue(agree >= 499, "top-1 agreement " + agree + "/500");
    }

    @Test
    void anOperatorWithoutAFormAtTheWrittenOpsetIsAnErrorNamingTheNode() {
        Graph paddle = InputShapes.bind(
                OnnxImporter.parse(PaddleStyleModel.bytes(3, 11), "paddle.onnx"),
                Map.of(PaddleStyleModel.INPUT, new int[] {1, 3, 16, 16}));
        QuantizedGraph q = FakeQuantization.apply(
                paddle, W4A8, Tensor.of(Shape.of(4, 3, 16, 16), ModelBuilder.gaussian(1, 4 * 3 * 256, 1f)));
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> QdqExporter.export(paddle, q, Map.of()));
        assertTrue(e.getMessage().contains("node upsample_0"), e.getMessage());
    }

    private static float constant(ModelProto m, String name) {
        return m.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(name))
                .map(t -> TensorProtos.toTensor(t, name).data()[0])
                .findFirst()
                .orElseThrow();
    }

    private static Tensor onnxRuntime(byte[] onnx, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] dims = java.util.Arrays.stream(x.shape().dims()).asLongStream().toArray();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, options);
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                OrtSession.Result result = session.run(Map.of("x", in))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer buffer = out.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return Tensor.of(Shape.of(out.getInfo().getShape()), values);
        }
    }
}
