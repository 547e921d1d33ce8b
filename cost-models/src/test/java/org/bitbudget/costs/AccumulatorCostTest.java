package org.bitbudget.costs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.IntegerFormat;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.gemm.AccumulatorBounds;
import org.junit.jupiter.api.Test;

/** The accumulator bounds against brute-force enumeration of every input of tiny layers. */
class AccumulatorCostTest {

    /** The largest |dot product| over every weight and activation code vector of length k. */
    private static long bruteForceDataType(int k, IntegerFormat w, IntegerFormat a) {
        long worst = 0;
        int wCount = w.max() - w.min() + 1;
        int aCount = a.max() - a.min() + 1;
        long combos = (long) Math.pow((double) wCount * aCount, k);
        for (long c = 0; c < combos; c++) {
            long rest = c;
            long sum = 0;
            for (int i = 0; i < k; i++) {
                int wi = (int) (rest % wCount) + w.min();
                rest /= wCount;
                int ai = (int) (rest % aCount) + a.min();
                rest /= aCount;
                sum += (long) wi * ai;
            }
            worst = Math.max(worst, Math.abs(sum));
        }
        return worst;
    }

    /** The largest |w · a| over every activation code vector, for fixed weight codes. */
    private static long bruteForceL1(int[] w, IntegerFormat a) {
        int aCount = a.max() - a.min() + 1;
        long combos = (long) Math.pow(aCount, w.length);
        long worst = 0;
        for (long c = 0; c < combos; c++) {
            long rest = c;
            long sum = 0;
            for (int wi : w) {
                sum += (long) wi * ((int) (rest % aCount) + a.min());
                rest /= aCount;
            }
            worst = Math.max(worst, Math.abs(sum));
        }
        return worst;
    }

    @Test
    void dataTypeBoundIsTheBruteForceWorstCase() {
        List<IntegerFormat> weights = List.of(
                IntegerFormat.symmetric(2),
                IntegerFormat.symmetric(3),
                IntegerFormat.fullRange(3),
                IntegerFormat.ternary(),
                IntegerFormat.fullRange(4));
        List<IntegerFormat> activations =
                List.of(IntegerFormat.symmetric(2), IntegerFormat.fullRange(3), IntegerFormat.symmetric(4));
        for (IntegerFormat w : weights) {
            for (IntegerFormat a : activations) {
                for (int k = 1; k <= 3; k++) {
                    long worst = bruteForceDataType(k, w, a);
                    assertEquals(
                            AccumulatorBounds.bits(worst),
                            AccumulatorCost.dataTypeBits(k, w, a, Granularity.PER_CHANNEL),
                            w + " x " + a + " k=" + k);
                }
            }
        }
        // Unsigned activations (code - zero point, zero point 0): the bound is the worst case too.
        IntegerFormat u3 = IntegerFormat.unsigned(3);
        assertEquals(
                AccumulatorBounds.bits(bruteForceDataType(3, IntegerFormat.fullRange(3), u3)),
                AccumulatorCost.dataTypeBits(3, IntegerFormat.fullRange(3), u3, Granularity.PER_CHANNEL));
    }

    @Test
    void l1BoundOfRealLayerWeightsIsTheBruteForceWorstCase() {
        // A Gemm with K = 4 and 3 channels whose max-scaled int3 codes are the weights themselves
        // (each channel's largest |w| is 3 = int3's max, so the scale is 1).
        float[][] rows = {{3, -1, 2, 0}, {-3, 0, 0, 1}, {1, 1, -3, 3}};
        LayerInfo layer = gemm(rows).getFirst();
        IntegerFormat int3 = IntegerFormat.symmetric(3);
        for (IntegerFormat a :
                List.of(IntegerFormat.symmetric(3), IntegerFormat.symmetric(4), IntegerFormat.fullRange(3))) {
            long worst = 0;
            for (float[] r : rows) {
                int[] codes = new int[r.length];
                for (int i = 0; i < r.length; i++) {
                    codes[i] = (int) r[i];
                }
                worst = Math.max(worst, bruteForceL1(codes, a));
            }
            Precision p = new Precision(QuantizerSpec.weights(int3), QuantizerSpec.activations(a), 32);
            double l1 = AccumulatorCost.l1Norm().cost(layer, p);
            double dataType = AccumulatorCost.dataType().cost(layer, p);
            if (a.min() == -a.max()) {
                assertEquals(AccumulatorBounds.bits(worst), l1, "symmetric activations reach the L1 bound: " + a);
            } else {
                assertTrue(l1 >= AccumulatorBounds.bits(worst), "the L1 bound is safe: " + a);
            }
            assertTrue(dataType >= l1);
            assertEquals(AccumulatorBounds.bits(4L * 3 * Math.max(-a.min(), a.max())), dataType);
        }
    }

    @Test
    void floatOperandsAccumulateInFloat32AndMinifloatsInAnExactFixedPointRegister() {
        LayerInfo layer = gemm(new float[][] {{1, 2}, {3, 4}}).getFirst();
        Precision weightOnly =
                new Precision(QuantizerSpec.weights(IntegerFormat.symmetric(8)), QuantizerSpec.FLOAT, 32);
        assertEquals(32, AccumulatorCost.dataType().cost(layer, weightOnly));
        // fp8-e4m3: max 448, smallest subnormal 2^-9, so codes reach 448 * 512 = 229,376.
        NumberFormat fp8 = NumberFormat.parse("fp8-e4m3");
        Precision p = new Precision(QuantizerSpec.weights(fp8), QuantizerSpec.activations(fp8), 32);
        assertEquals(
                AccumulatorBounds.bits(2L * 229_376 * 229_376),
                AccumulatorCost.dataType().cost(layer, p));
        assertTrue(AccumulatorCost.l1Norm().cost(layer, p)
                <= AccumulatorCost.dataType().cost(layer, p));
    }

    @Test
    void lenetInt8NeedsWiderAccumulatorsThanInt4() {
        List<LayerInfo> lenet = LayerInfo.of(SharedModels.lenet5());
        Precision w8a8 = new Precision(
                QuantizerSpec.weights(IntegerFormat.symmetric(8)),
                QuantizerSpec.activations(IntegerFormat.unsigned(8)),
                32);
        // f1: K = 400, 127 x 255 x 400 = 12,954,000 < 2^24: 25 bits.
        assertEquals(25, AccumulatorCost.dataType().cost(lenet.get(2), w8a8));
        CostTable t = CostTable.of(lenet, List.of(w8a8), List.of(AccumulatorCost.dataType(), AccumulatorCost.l1Norm()));
        double dt = t.total(org.bitbudget.ir.precision.PrecisionConfig.uniform(w8a8), "accumulator");
        double l1 = t.total(org.bitbudget.ir.precision.PrecisionConfig.uniform(w8a8), "accumulator-l1");
        assertEquals(25, dt);
        assertTrue(l1 < dt, "trained weights are far from all-max: " + l1);
    }

    @Test
    void aNarrowAccumulatorInThePrecisionIsAllTheLayerNeeds() {
        List<LayerInfo> lenet = LayerInfo.of(SharedModels.lenet5());
        Precision a2q = new Precision(
                QuantizerSpec.weights(IntegerFormat.symmetric(8)),
                QuantizerSpec.activations(IntegerFormat.unsigned(8)),
                16);
        // f1 needs 25 bits by the data-type bound; accumulator-aware weights make 16 enough.
        assertEquals(16, AccumulatorCost.dataType().cost(lenet.get(2), a2q));
        assertEquals(16, AccumulatorCost.l1Norm().cost(lenet.get(2), a2q));
        // A bound already below the precision's width stays as it is: W2A2 on c1, 25 x 1 x 3 = 75 < 2^7: 8 bits.
        Precision w2a2 = new Precision(
                QuantizerSpec.weights(IntegerFormat.symmetric(2)),
                QuantizerSpec.activations(IntegerFormat.unsigned(2)),
                16);
        assertEquals(8, AccumulatorCost.dataType().cost(lenet.getFirst(), w2a2));
    }

    /** A one-layer graph: Gemm with transB, weight rows = output channels. */
    static List<LayerInfo> gemm(float[][] rows) {
        int n = rows.length;
        int k = rows[0].length;
        float[] w = new float[n * k];
        for (int j = 0; j < n; j++) {
            System.arraycopy(rows[j], 0, w, j * k, k);
        }
        Map<String, Tensor> init = new LinkedHashMap<>();
        init.put("W", Tensor.of(Shape.of(n, k), w));
        Node node = new Node("/gemm", new Op.Gemm(1f, 1f, false, true), List.of("x", "W"), List.of("y"));
        ValueInfo x = new ValueInfo("x", DataType.FLOAT, List.of(Dimension.symbolic("N"), Dimension.of(k)));
        ValueInfo y = new ValueInfo("y", DataType.FLOAT, List.of(Dimension.symbolic("N"), Dimension.of(n)));
        Graph g = new Graph("tiny", 13, List.of(x), List.of(y), init, List.of(node), Map.of());
        return LayerInfo.of(g);
    }
}
