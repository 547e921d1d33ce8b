package org.bitbudget.kernels.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.training.A2qWeightNormalization;
import org.bitbudget.training.Trainer;

/**
 * Prints the accumulator-aware quantization table of issue 11 (not a test): for each model and
 * WbAb precision (first layer's input signed intb, later inputs uintb) and accumulator P, the
 * top-1 accuracy on the Fashion-MNIST test split after post-training A2Q and after A2Q
 * weight-normalisation fine-tuning, the weight sparsity, the bits the L1 bound proves, and the
 * integer engine's images/s with the int16 kernel allowed versus forced int32 (one thread).
 *
 * <p>Arguments: {@code model.onnx[,model2.onnx] [trainImages] [epochs]}.
 */
public final class A2qTable {
    private A2qTable() {}

    public static void main(String[] args) throws Exception {
        String[] models = args.length > 0 ? args[0].split(",") : new String[] {"../shared/models/lenet5.onnx"};
        int trainImages = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int testImages = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST).limit(testImages);
        System.out.printf(
                "%-10s %-5s %3s %7s %7s %7s %7s %7s %6s %7s %9s %8s %6s%n",
                "model", "prec", "P", "float", "PTQ", "A2Q-FT", "sp-PTQ", "sp-FT", "L1bits", "gemm16x", "int16/s",
                "int32/s", "ratio");
        for (String m : models) {
            Path path = Path.of(m);
            if (!Files.isRegularFile(path)) {
                System.out.println(m + ": missing");
                continue;
            }
            Graph graph = OnnxImporter.load(path);
            String meta = graph.metadata().get(Normalization.METADATA_KEY);
            Normalization norm = meta != null ? Normalization.parse(meta) : new Normalization(0.2860f, 0.3530f);
            Tensor images = test.batch(0, test.size(), norm);
            Tensor calibration = Calibration.sample(train, 1000, 0L, norm);
            Tensor benchImages = test.batch(0, Math.min(1000, test.size()), norm);
            double floatAccuracy = accuracy(FloatEngine.of(graph).predict(images), test);
            String name = path.getFileName().toString().replace(".onnx", "");
            for (int bits : new int[] {8, 4, 3}) {
                for (int p : new int[] {32, 16, 14, 12}) {
                    PrecisionConfig config = config(graph, "int" + bits, bits, p);
                    QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
                    double ptq = accuracy(FloatEngine.of(q.graph()).predict(images), test);
                    long zeros = 0;
                    long codes = 0;
                    int l1Bits = 0;
                    for (LayerQuantization lq : q.layers()) {
                        AccumulatorAware.Result a = lq.accumulator() != null
                                ? lq.accumulator()
                                : AccumulatorAware.constrain(
                                        graph.initializers().get(lq.layer().weightName()),
                                        QuantizedGraph.channelAxis(lq.layer()),
                                        lq.precision().weights(),
                                        62,
                                        AccumulatorAware.maxInputMagnitude((org.bitbudget.ir.quant.IntegerFormat)
                                                lq.precision().activations().format()));
                        zeros += Math.round(a.sparsity() * a.codes().length);
                        codes += a.codes().length;
                        l1Bits = Math.max(
                                l1Bits,
                                AccumulatorAware.bits(a.maxL1()
                                        * AccumulatorAware.maxInputMagnitude((org.bitbudget.ir.quant.IntegerFormat)
                                                lq.precision().activations().format())));
                    }
                    double[] ft = epochs == 0
                            ? new double[] {Double.NaN, Double.NaN}
                            : fineTune(
                                    graph,
                                    q,
                                    config,
                                    calibration,
                                    train.limit(trainImages),
                                    norm,
                                    epochs,
                                    images,
                                    test);
                    String speed16 = "n/a";
                    String speed32 = "n/a";
                    String ratio = "";
                    try {
                        IntegerEngine e16 = IntegerEngine.builder(graph, q)
                                .threads(1)
                                .bitSerial(false)
                                .fma(false)
                                .build();
                        IntegerEngine e32 = IntegerEngine.builder(graph, q)
                                .threads(1)
                                .bitSerial(false)
                                .int16(false)
                                .fma(false)
                                .build();
                        long int16Layers = e16.kernels().values().stream()
                                .filter(k -> k == KernelPath.INT16)
                                .count();
                        double s16 = imagesPerSecond(e16, benchImages);
                        double s32 = imagesPerSecond(e32, benchImages);
                        s16 = Math.max(s16, imagesPerSecond(e16, benchImages));
                        s32 = Math.max(s32, imagesPerSecond(e32, benchImages));
                        speed16 = String.format(Locale.ROOT, "%.0f(%d)", s16, int16Layers);
                        speed32 = String.format(Locale.ROOT, "%.0f", s32);
                        ratio = String.format(Locale.ROOT, "%.2f", s16 / s32);
                    } catch (IllegalStateException | IllegalArgumentException e) {
                        speed16 = "n/a:" + e.getMessage();
                    }
                    String gemm = gemmSpeedup(graph, q);
                    System.out.printf(
                            Locale.ROOT,
                            "%-10s W%dA%d %3d %7.4f %7.4f %7.4f %7.3f %7.3f %6d %7s %9s %8s %6s%n",
                            name,
                            bits,
                            bits,
                            p,
                            floatAccuracy,
                            ptq,
                            ft[0],
                            (double) zeros / codes,
                            ft[1],
                            l1Bits,
                            gemm,
                            speed16,
                            speed32,
                            ratio);
                }
            }
        }
    }

    static PrecisionConfig config(Graph graph, String weights, int activationBits, int accumulator) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            String activations = (i == 0 ? "int" : "uint") + activationBits;
            QuantizerSpec w =
                    weights.equals("float") ? QuantizerSpec.FLOAT : QuantizerSpec.weights(NumberFormat.parse(weights));
            layers.put(
                    all.get(i).name(),
                    new Precision(w, QuantizerSpec.activations(NumberFormat.parse(activations)), accumulator));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    /**
     * A2Q fine-tuning: the activations fake-quantized with the post-training scales (fixed), the
     * weights through {@link A2qWeightNormalization}; returns the test accuracy and weight sparsity.
     */
    static double[] fineTune(
            Graph graph,
            QuantizedGraph q,
            PrecisionConfig config,
            Tensor calibration,
            DataSource train,
            Normalization norm,
            int epochs,
            Tensor images,
            DataSource test) {
        Map<String, Precision> activationsOnly = new LinkedHashMap<>();
        config.layers()
                .forEach((layer, p) ->
                        activationsOnly.put(layer, new Precision(QuantizerSpec.FLOAT, p.activations(), 32)));
        Graph trainGraph = FakeQuantization.apply(
                        graph, new PrecisionConfig(Precision.FLOAT, activationsOnly), calibration)
                .graph();
        A2qWeightNormalization a2q = A2qWeightNormalization.of(graph, q);
        Trainer.Result r = Trainer.builder()
                .epochs(epochs)
                .batchSize(64)
                .learningRate(0.002)
                .momentum(0.9)
                .weightDecay(0)
                .seed(1)
                .threads(2)
                .reparametrization(a2q)
                .build()
                .train(trainGraph, train, norm);
        long zeros = 0;
        long total = 0;
        for (LayerQuantization lq : q.layers()) {
            for (float v : r.graph().initializers().get(lq.layer().weightName()).data()) {
                zeros += v == 0f ? 1 : 0;
                total++;
            }
        }
        return new double[] {accuracy(FloatEngine.of(r.graph()).predict(images), test), (double) zeros / total};
    }

    /**
     * The int32 kernels' time over the int16 kernels' on every layer's GEMM (64 images; conv layers
     * as im2col rows, random input codes of the layer's format), for the layers whose constrained
     * codes the L1 bound allows on the int16 kernel (as the engine's rule: L1 times 128 for uint8,
     * the largest code otherwise, at most 32767); "-" when there is none.
     */
    static String gemmSpeedup(Graph graph, QuantizedGraph q) {
        Map<String, org.bitbudget.ir.tensor.Shape> shapes =
                FloatEngine.of(graph).valueShapes(1);
        org.bitbudget.kernels.gemm.IntGemm kernels = org.bitbudget.kernels.gemm.IntGemmFamily.get();
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        double t16 = 0;
        double t32 = 0;
        int layers = 0;
        for (LayerQuantization lq : q.layers()) {
            AccumulatorAware.Result a = lq.accumulator() != null
                    ? lq.accumulator()
                    : AccumulatorAware.constrain(
                            graph.initializers().get(lq.layer().weightName()),
                            QuantizedGraph.channelAxis(lq.layer()),
                            lq.precision().weights(),
                            62,
                            1);
            org.bitbudget.ir.quant.IntegerFormat in = (org.bitbudget.ir.quant.IntegerFormat)
                    lq.precision().activations().format();
            long largest = in.max() > 127 ? 128 : Math.max(-in.min(), in.max());
            if (a.maxL1() * largest > Short.MAX_VALUE) {
                continue;
            }
            int n = a.scales().length;
            int k = a.codes().length / n;
            org.bitbudget.ir.tensor.Shape out =
                    shapes.get(lq.layer().node().outputs().getFirst());
            int positions = out.rank() == 4 ? out.dim(2) * out.dim(3) : 1;
            int m = 64 * positions;
            byte[] w = new byte[n * k];
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) a.codes()[i];
            }
            byte[] x = new byte[m * k];
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) random.nextInt(in.min(), in.max() + 1);
            }
            int[] c = new int[m * n];
            int[] sums = org.bitbudget.kernels.gemm.IntGemm.weightSums(n, k, w, 0, k);
            boolean u8 = in.max() > 127;
            double best16 = Double.MAX_VALUE;
            double best32 = Double.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                if (u8) {
                    kernels.gemmU8Int16(m, n, k, x, 0, k, 0, w, 0, k, sums, c, 0, n);
                } else {
                    kernels.gemmS8Int16(m, n, k, x, 0, k, w, 0, k, c, 0, n);
                }
                long t1 = System.nanoTime();
                if (u8) {
                    kernels.gemmU8(m, n, k, x, 0, k, 0, w, 0, k, sums, c, 0, n);
                } else {
                    kernels.gemmS8(m, n, k, x, 0, k, w, 0, k, c, 0, n);
                }
                long t2 = System.nanoTime();
                best16 = Math.min(best16, t1 - t0);
                best32 = Math.min(best32, t2 - t1);
            }
            t16 += best16;
            t32 += best32;
            layers++;
        }
        return layers == 0 ? "-" : String.format(Locale.ROOT, "%.2f(%d)", t32 / t16, layers);
    }

    static double accuracy(Tensor logits, DataSource test) {
        return Classification.accuracy(logits, test);
    }

    static double imagesPerSecond(IntegerEngine engine, Tensor images) {
        engine.predict(images);
        long start = System.nanoTime();
        int runs = 0;
        while (System.nanoTime() - start < 1_000_000_000L) {
            engine.predict(images);
            runs++;
        }
        return runs * (double) images.shape().dim(0) / ((System.nanoTime() - start) / 1e9);
    }
}
