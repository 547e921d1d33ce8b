package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine reuses each thread's arrays from chunk to chunk (padded images, accumulators, codes): on
 * the zoo's resnet8 at W8A8 (residual Adds, a clamp on accumulators, the FMA path's padded images)
 * batches of 70, 64, 5 and 70 images in a row, a partial last chunk among them, on one and on two
 * threads, each give exactly the logits of a fresh single-thread engine that int8 kernels run on
 * that batch alone, image for image. The float islands reuse their arrays too (dequantized
 * accumulators, the first result of an island's kernel, the fused HardSwish's codes): on the
 * PyTorch exports (the MobileNetV3-style CNN's HardSwish, HardSigmoid and gating Mul; the ViT's
 * reshapes and transposes, results that share their input's array) the same batches give exactly
 * what a fresh engine gives on each chunk of them alone, where nothing is reused.
 */
class IntegerEngineReuseTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);

    private static PrecisionConfig config(Graph graph) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse("int8")),
                            QuantizerSpec.activations(NumberFormat.parse(i == 0 ? "int8" : "uint8")),
                            32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    private static Tensor prefix(Tensor images, int count) {
        int per = images.shape().size() / images.shape().dim(0);
        int[] dims = images.shape().dims().clone();
        dims[0] = count;
        return Tensor.of(Shape.of(dims), Arrays.copyOf(images.data(), count * per));
    }

    @ParameterizedTest(name = "{0}, {1} threads, fused activations {2}")
    @CsvSource({
        "mobilenetv3-fashion-mnist, 1, true",
        "mobilenetv3-fashion-mnist, 2, true",
        "mobilenetv3-fashion-mnist, 2, false",
        "vit-fashion-mnist, 2, true"
    })
    void reusedIslandArraysGiveEachChunksOwnLogits(String model, int threads, boolean fuse) {
        Graph graph = OnnxImporter.load(ExportedModels.model(model));
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 0L, NORMALIZATION);
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 70, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, config(graph), calibration);
        IntegerEngine engine = IntegerEngine.builder(graph, quantized)
                .threads(threads)
                .fuseActivations(fuse)
                .build();
        for (int count : new int[] {70, 64, 5, 70}) {
            Tensor batch = prefix(images, count);
            float[] expected = new float[0];
            for (int from = 0; from < count; from += IntegerEngine.CHUNK) {
                Tensor chunk = slice(batch, from, Math.min(count, from + IntegerEngine.CHUNK));
                float[] logits = IntegerEngine.builder(graph, quantized)
                        .threads(1)
                        .fuseActivations(fuse)
                        .build()
                        .predict(chunk)
                        .data();
                expected = Arrays.copyOf(expected, expected.length + logits.length);
                System.arraycopy(logits, 0, expected, expected.length - logits.length, logits.length);
            }
            assertArrayEquals(expected, engine.predict(batch).data(), model + ", batch of " + count);
        }
    }

    private static Tensor slice(Tensor images, int from, int to) {
        int per = images.shape().size() / images.shape().dim(0);
        int[] dims = images.shape().dims().clone();
        dims[0] = to - from;
        return Tensor.of(Shape.of(dims), Arrays.copyOfRange(images.data(), from * per, to * per));
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void reusedArraysGiveEachBatchsOwnLogits(int threads) {
        Graph graph = ModelZoo.build("resnet8", false, 3);
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 0L, NORMALIZATION);
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 70, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, config(graph), calibration);
        IntegerEngine engine = IntegerEngine.builder(graph, quantized)
                .threads(threads)
                .path(KernelPath.FMA)
                .build();
        for (int count : new int[] {70, 64, 5, 70}) {
            Tensor batch = prefix(images, count);
            IntegerEngine reference = IntegerEngine.builder(graph, quantized)
                    .threads(1)
                    .bitSerial(false)
                    .int16(false)
                    .fma(false)
                    .build();
            assertArrayEquals(
                    reference.predict(batch).data(), engine.predict(batch).data(), "batch of " + count);
        }
    }
}
