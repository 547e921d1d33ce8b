package org.bitbudget.costs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Average bits per weight on the shared LeNet-5, counted by hand: weights 150 + 2,400 + 48,000 +
 * 10,080 + 840 = 61,470 in layers of 6, 16, 120, 84 and 10 output channels (236 per-channel scales of
 * 32 bits); biases are not weights and do not count.
 */
class BitsPerWeightCostTest {
    private static final double WEIGHTS = 61_470;
    private static CostTable table;
    private static List<LayerInfo> lenet;

    @BeforeAll
    static void load() {
        lenet = LayerInfo.of(SharedModels.lenet5());
        List<Precision> candidates = List.of(
                SizeAndBopsTest.w("int8"),
                SizeAndBopsTest.w("int4"),
                SizeAndBopsTest.w("uint4"),
                SizeAndBopsTest.w("float"));
        table = CostTable.of(lenet, candidates, List.of(CostModels.get("bpw"), CostModels.get("size")));
    }

    @Test
    void uniformConfigsCountTheirScalesAndZeroPoints() {
        // int4: 61,470 x 4 + 236 x 32 = 253,432 bits.
        assertEquals(253_432 / WEIGHTS, bpw(uniform("int4")), 1e-12);
        // uint4 adds a 4-bit zero point per scale: + 236 x 4.
        assertEquals(254_376 / WEIGHTS, bpw(uniform("uint4")), 1e-12);
        // int8: 61,470 x 8 + 236 x 32 = 499,312 bits, just over 8.
        assertEquals(499_312 / WEIGHTS, bpw(uniform("int8")), 1e-12);
        assertEquals(32.0, bpw(uniform("float")), 1e-12);
    }

    @Test
    void aMixedConfigAveragesOverEveryWeight() {
        // c1 at int8: 150 x 8 + 6 x 32 = 1,392; the rest at int4: 61,320 x 4 + 230 x 32 = 252,640.
        Map<String, Precision> layers = new LinkedHashMap<>();
        for (LayerInfo l : lenet) {
            layers.put(l.name(), SizeAndBopsTest.w(l == lenet.getFirst() ? "int8" : "int4"));
        }
        double mixed = bpw(new PrecisionConfig(Precision.FLOAT, layers));
        assertEquals((1_392 + 252_640) / WEIGHTS, mixed, 1e-12);
        // The first layer's share of the average, and the relation to size (which adds the 236 x 32 bias bits).
        assertEquals(1_392 / WEIGHTS, table.cost(0, SizeAndBopsTest.w("int8"), "bpw"), 1e-15);
        double size = table.total(new PrecisionConfig(Precision.FLOAT, layers), "size");
        assertEquals((size - 236 * 32) / WEIGHTS, mixed, 1e-12);
    }

    @Test
    void anUnboundModelRefusesToGuessTheWeightCount() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new BitsPerWeightCost().cost(lenet.getFirst(), SizeAndBopsTest.w("int4")));
        assertEquals("bpw: the model's weight count is unknown; bind the cost to its layers", e.getMessage());
        assertEquals("bpw", new BitsPerWeightCost().key());
    }

    private static PrecisionConfig uniform(String format) {
        return PrecisionConfig.uniform(SizeAndBopsTest.w(format));
    }

    private static double bpw(PrecisionConfig config) {
        return table.total(config, "bpw");
    }
}
