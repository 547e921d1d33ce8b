package org.bitbudget.costs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Size, BOPs, MACs and activation memory against totals counted by hand.
 *
 * <p>lenet5: weights 150 + 2,400 + 48,000 + 10,080 + 840 = 61,470; biases 6 + 16 + 120 + 84 + 10 =
 * 236 (= output channels, so per-channel scales are 236 too); MACs 416,520. resnet8 (zoo, with
 * BatchNorm, so only the Gemm has a bias): weights 144 + 2,304 + 2,304 + 4,608 + 9,216 + 512 + 9,216
 * + 9,216 + 1,024 + 320 = 38,864; channels 16·3 + 32·6 + 10 = 250; bias 10; MACs 7,489,088.
 */
class SizeAndBopsTest {
    private static List<LayerInfo> lenet;
    private static List<LayerInfo> resnet;
    private static Graph resnetGraph;

    @BeforeAll
    static void load() {
        lenet = LayerInfo.of(SharedModels.lenet5());
        resnetGraph = ModelZoo.build("resnet8", true, 7L);
        resnet = LayerInfo.of(resnetGraph);
    }

    static Precision w(String weights) {
        return new Precision(
                weights.equals("float") ? QuantizerSpec.FLOAT : QuantizerSpec.weights(NumberFormat.parse(weights)),
                QuantizerSpec.FLOAT,
                32);
    }

    static Precision wa(String weights, String activations) {
        return new Precision(
                QuantizerSpec.weights(NumberFormat.parse(weights)),
                QuantizerSpec.activations(NumberFormat.parse(activations)),
                32);
    }

    static double total(List<LayerInfo> layers, CostModel model, Precision p) {
        return CostTable.of(layers, List.of(p), List.of(model)).total(PrecisionConfig.uniform(p), model.name());
    }

    @Test
    void lenetSizeIsWeightBitsPlus32BitBiasesAndScales() {
        CostModel size = new SizeCost();
        // 61,470 x bits + 236 biases x 32 + 236 per-channel scales x 32.
        assertEquals(61_470 * 8 + 7_552 + 7_552, total(lenet, size, w("int8")));
        assertEquals(506_864, total(lenet, size, w("int8")));
        assertEquals(260_984, total(lenet, size, w("int4")));
        assertEquals(138_044, total(lenet, size, w("int2")));
        assertEquals(506_864, total(lenet, size, w("fp8-e4m3")));
        assertEquals(61_706 * 32, total(lenet, size, w("float")));
        // Unsigned weights add an 8-bit zero point per channel.
        assertEquals(506_864 + 236 * 8, total(lenet, size, w("uint8")));
        // Per tensor: one scale per layer.
        Precision perTensor = new Precision(
                new QuantizerSpec(NumberFormat.parse("int8"), Granularity.PER_TENSOR, Clipping.MAX, null),
                QuantizerSpec.FLOAT,
                32);
        assertEquals(491_760 + 7_552 + 5 * 32, total(lenet, size, perTensor));
        // Per-vector(16): ceil(K/16) 6-bit scales per channel: 2*6 + 10*16 + 25*120 + 8*84 + 6*10 = 3,904.
        Precision perVector = new Precision(
                new QuantizerSpec(NumberFormat.parse("int4"), Granularity.perVector(16), Clipping.MAX, null),
                QuantizerSpec.FLOAT,
                32);
        assertEquals(245_880 + 7_552 + 7_552 + 3_904 * 6, total(lenet, size, perVector));
        // A residual int4 tensor stores its own values and scales.
        Precision residual = new Precision(
                new QuantizerSpec(
                        NumberFormat.parse("int4"), Granularity.PER_CHANNEL, Clipping.MAX, NumberFormat.parse("int4")),
                QuantizerSpec.FLOAT,
                32);
        assertEquals(2 * 245_880 + 7_552 + 2 * 7_552, total(lenet, size, residual));
    }

    @Test
    void scaleCountsMatchWhatTheWeightQuantizerStores() {
        List<QuantizerSpec> specs = List.of(
                QuantizerSpec.weights(NumberFormat.parse("int4")),
                QuantizerSpec.weights(NumberFormat.parse("uint4")),
                new QuantizerSpec(NumberFormat.parse("int8"), Granularity.PER_TENSOR, Clipping.MAX, null),
                new QuantizerSpec(
                        NumberFormat.parse("int3"),
                        Granularity.perVector(16),
                        Clipping.MAX,
                        NumberFormat.parse("int2")));
        for (LayerInfo l : resnet) {
            for (QuantizerSpec s : specs) {
                WeightQuantizer.Result r =
                        WeightQuantizer.quantize(l.weight(), QuantizedGraph.channelAxis(l.layer()), s);
                long values = l.weightParams()
                        * (s.format().bits()
                                + (s.residual() == null ? 0 : s.residual().bits()));
                long zeroPointBits = s.format().unsigned()
                        ? (long) r.zeroPoints() * s.format().bits()
                        : 0;
                long expected = values + l.biasParams() * 32 + r.scales() * 32L + r.vectorScales() * 6L + zeroPointBits;
                assertEquals(expected, SizeCost.bits(l, s), l.name() + " " + s);
            }
        }
    }

    @Test
    void lenetBopsAreMacsTimesWeightAndActivationBits() {
        CostModel bops = new BopsCost();
        assertEquals(416_520, total(lenet, new MacsCost(), w("int8")));
        // Weight-only: float activations count 32 bits.
        assertEquals(416_520.0 * 8 * 32, total(lenet, bops, w("int8")));
        assertEquals(416_520.0 * 8 * 8, total(lenet, bops, wa("int8", "uint8")));
        assertEquals(416_520.0 * 4 * 4, total(lenet, bops, wa("int4", "uint4")));
        assertEquals(416_520.0 * 2 * 2, total(lenet, bops, wa("int2", "int2")));
        assertEquals(416_520.0 * 8 * 8, total(lenet, bops, wa("fp8-e4m3", "fp8-e4m3")));
        assertEquals(416_520.0 * 32 * 32, total(lenet, bops, w("float")));
    }

    @Test
    void resnet8SizeAndBopsByHand() {
        assertEquals(10, resnet.size());
        assertEquals(38_864, resnet.stream().mapToLong(LayerInfo::weightParams).sum());
        assertEquals(7_489_088, total(resnet, new MacsCost(), w("int8")));
        assertEquals(38_864 * 8 + 10 * 32 + 250 * 32, total(resnet, new SizeCost(), w("int8")));
        assertEquals(38_864 * 4 + 10 * 32 + 250 * 32, total(resnet, new SizeCost(), w("int4")));
        assertEquals(7_489_088.0 * 16, total(resnet, new BopsCost(), wa("int4", "uint4")));
        assertEquals(7_489_088.0 * 2 * 32, total(resnet, new BopsCost(), w("int2")));
    }

    @Test
    void activationMemoryIsThePeakOfLiveValues() {
        CostModel mem = new ActivationMemoryCost();
        // lenet5's peak is /c1/Conv: 1x28x28 in + 6x28x28 out = 5,488 values.
        assertEquals(5_488 * 4, total(lenet, mem, w("int8")));
        assertEquals(5_488, total(lenet, mem, wa("int8", "uint8")));
        // resnet8's peak is stage1's second conv: its input and output (16x28x28 each) and the
        // shortcut x kept alive for the Add: 3 x 12,544.
        assertEquals(37_632, total(resnet, mem, wa("int8", "int8")));
        assertEquals(37_632 / 2, total(resnet, mem, wa("int4", "uint4")));
    }

    @Test
    void costTableKeepsTotalsAndReferences() {
        List<Precision> candidates = List.of(wa("int8", "uint8"), wa("int4", "uint4"), wa("int2", "uint2"));
        CostTable t = CostTable.of(lenet, candidates, CostModels.analytic(EnergyTable.defaults()));
        PrecisionConfig mixed = PrecisionConfig.uniform(wa("int8", "uint8")).with("/f1/Gemm", wa("int2", "uint2"));
        // f1 has 48,000 MACs: 64 -> 4 bits^2.
        assertEquals(416_520.0 * 64 - 48_000 * 60, t.total(mixed, "bops"));
        // References: int8 with quantized activations means int8 activations too.
        assertEquals(416_520.0 * 64, t.reference("bops", NumberFormat.parse("int8")));
        assertEquals(416_520.0 * 32 * 32, t.reference("bops", NumberFormat.parse("fp32")));
    }
}
