package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.ActivationQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.inspect.ActivationLayerSummary;
import org.bitbudget.ops.inspect.ModelSummary;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attention's MatMuls between two activations in the PyTorch ViT export are activation-only layers:
 * listed with their shapes and MACs, given an activation format by a config (never a weight format),
 * and fake-quantized on both operands with ranges calibrated like any layer input. Quantizing them to
 * int8 on top of W8A8 costs at most 0.01 accuracy on the first {@link #IMAGES} test images.
 */
class ActivationLayersTest {
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    private static final int IMAGES = 2000;
    private static Graph vit;
    private static Tensor calibration;
    private static Tensor images;
    private static int[] labels;

    @BeforeAll
    static void load() {
        vit = OnnxImporter.load(ExportedModels.model(ExportedModels.VIT));
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        calibration = train.batch(0, 512, FASHION_MNIST);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST).limit(IMAGES);
        images = test.batch(0, test.size(), FASHION_MNIST);
        labels = test.labels();
    }

    private static Precision w8a8() {
        return new Precision(
                QuantizerSpec.weights(NumberFormat.parse("int8")),
                QuantizerSpec.activations(NumberFormat.parse("int8")),
                32);
    }

    /** W8A8 plus an int8 activation entry for every attention MatMul. */
    private static PrecisionConfig withAttention(PrecisionConfig base) {
        Precision entry = new Precision(QuantizerSpec.FLOAT, QuantizerSpec.activations(NumberFormat.parse("int8")), 32);
        PrecisionConfig config = base;
        for (ActivationLayer l : vit.activationLayers()) {
            config = config.with(l.name(), entry);
        }
        return config;
    }

    private static double accuracy(Graph graph) {
        int[] predicted = Classification.predictions(
                FloatEngine.builder(graph).threads(2).build().predict(images));
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    @Test
    void attentionMatMulsAreActivationOnlyLayers() {
        List<ActivationLayer> layers = vit.activationLayers();
        assertEquals(8, layers.size(), "Q·Kᵀ and A·V in each of 4 blocks");
        for (ActivationLayer l : layers) {
            assertEquals("MatMul", l.opType());
            assertTrue(vit.nodes().get(l.nodeIndex()) == l.node());
            assertTrue(vit.layers().stream().noneMatch(w -> w.name().equals(l.name())));
        }
        ModelSummary summary = ModelSummary.of(vit);
        assertEquals(layers.size(), summary.activationLayers().size());
        for (ActivationLayerSummary s : summary.activationLayers()) {
            int k = s.leftShape().dim(s.leftShape().rank() - 1);
            assertEquals(k, s.rightShape().dim(s.rightShape().rank() - 2), s.name() + ": shared dimension");
            assertEquals((long) s.outputShape().size() * k, s.macs(), s.name());
            assertTrue(s.macs() > 0);
        }
    }

    @Test
    void aConfigGivesThemActivationsOnly() {
        String name = vit.activationLayers().getFirst().name();
        PrecisionConfig ok = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": \"int8\", \"activations\": \"int8\"}," + " \"layers\": {\"" + name
                        + "\": {\"activations\": \"int4\"}}}",
                "c.json",
                false);
        ok.validate(vit, "c.json");
        assertEquals("int4", ok.activationsOf(name).format().name());
        assertEquals(QuantizerSpec.FLOAT, PrecisionConfig.uniform(w8a8()).activationsOf(name), "no entry: float");

        PrecisionConfig bad = PrecisionConfigs.parse(
                "{\"layers\": {\"" + name + "\": {\"weights\": \"int4\", \"activations\": \"int8\"}}}",
                "c.json",
                false);
        UserInputException e = assertThrows(UserInputException.class, () -> bad.validate(vit, "c.json"));
        assertTrue(e.getMessage().contains("c.json: layers." + name + ".weights"), e.getMessage());
        UserInputException applied =
                assertThrows(UserInputException.class, () -> FakeQuantization.apply(vit, bad, calibration));
        assertTrue(applied.getMessage().contains(name), applied.getMessage());
    }

    @Test
    void fakeQuantizesBothOperandsAtTheirActivationFormat() {
        PrecisionConfig plain = PrecisionConfig.uniform(w8a8());
        QuantizedGraph without = FakeQuantization.apply(vit, plain, calibration);
        QuantizedGraph with = FakeQuantization.apply(vit, withAttention(plain), calibration);
        assertTrue(without.activationLayers().isEmpty(), "the default does not reach activation-only layers");
        assertEquals(8, with.activationLayers().size());

        Map<String, Node> nodes = new LinkedHashMap<>();
        with.graph().nodes().forEach(n -> nodes.put(n.name(), n));
        for (ActivationQuantization q : with.activationLayers()) {
            Node matmul = nodes.get(q.layer().name());
            for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                Node quantizer = nodes.get(ActivationQuantization.quantizerName(q.layer(), i));
                Op.FakeQuantize fq = (Op.FakeQuantize) quantizer.op();
                assertEquals("int8", fq.format().name());
                assertEquals(q.operands().get(i).scale(), fq.scale());
                assertEquals(q.layer().node().input(i), quantizer.input(0));
                assertEquals(quantizer.outputs().getFirst(), matmul.input(i));
            }
        }
        assertEquals(without.graph().nodes().size() + 16, with.graph().nodes().size());

        double floatAccuracy = accuracy(vit);
        double w8a8 = accuracy(without.graph());
        double attention = accuracy(with.graph());
        System.out.printf(
                "ViT on %d test images: float %.4f, W8A8 %.4f, W8A8 with attention MatMuls at int8 %.4f%n",
                IMAGES, floatAccuracy, w8a8, attention);
        assertEquals(w8a8, attention, 0.01);
    }
}
