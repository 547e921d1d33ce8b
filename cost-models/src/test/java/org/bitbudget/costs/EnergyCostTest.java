package org.bitbudget.costs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.IntegerFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 45 nm energy table, its interpolation, user overrides, and a layer's energy by hand. */
class EnergyCostTest {
    private static final EnergyTable TABLE = EnergyTable.defaults();

    @Test
    void horowitzFiguresAndInterpolation() {
        assertEquals(0.2, TABLE.multiply(true, 8, 8), 1e-12);
        assertEquals(3.1, TABLE.multiply(true, 32, 32), 1e-12);
        assertEquals(3.7, TABLE.multiply(false, 32, 32), 1e-12);
        assertEquals(1.1, TABLE.multiply(false, 16, 16), 1e-12);
        assertEquals(0.03, TABLE.add(true, 8), 1e-12);
        assertEquals(0.9, TABLE.add(false, 32), 1e-12);
        // Multiplies scale with the product of widths: proportionally below int8, linearly between entries.
        assertEquals(0.05, TABLE.multiply(true, 4, 4), 1e-12);
        assertEquals(0.1, TABLE.multiply(true, 4, 8), 1e-12);
        assertEquals(0.2 + 2.9 * (256 - 64) / 960.0, TABLE.multiply(true, 16, 16), 1e-12);
        // Adds scale linearly.
        assertEquals(0.03 + 0.07 * 8 / 24, TABLE.add(true, 16), 1e-12);
        assertEquals(0.015, TABLE.add(true, 4), 1e-12);
        assertEquals(100.0, TABLE.memory("sram-1mb", 64), 1e-12);
    }

    @Test
    void layerEnergyByHand() {
        // Gemm 2x2, no bias: 4 MACs; int8 x int8 into 32 bits: 4 x (0.2 + 0.1) = 1.2 pJ; weights 4 x 8 bits
        // + 2 scales x 32 = 96 bits from 1 MB SRAM: 150 pJ; activations (2 in + 2 out) x 8 bits from
        // 32 KB SRAM: 10 pJ.
        LayerInfo layer =
                AccumulatorCostTest.gemm(new float[][] {{1, 2}, {3, 4}}).getFirst();
        Precision w8a8 = new Precision(
                QuantizerSpec.weights(IntegerFormat.symmetric(8)),
                QuantizerSpec.activations(IntegerFormat.symmetric(8)),
                32);
        assertEquals(1.2 + 150 + 10, new EnergyCost(TABLE).cost(layer, w8a8), 1e-9);
        // Weight-only: float multiply and add (3.7 + 0.9) and 32-bit activations.
        Precision w8 = new Precision(QuantizerSpec.weights(IntegerFormat.symmetric(8)), QuantizerSpec.FLOAT, 32);
        assertEquals(4 * 4.6 + 150 + 40, new EnergyCost(TABLE).cost(layer, w8), 1e-9);
    }

    @Test
    void aUserFileOverridesSomeKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("e.yaml");
        Files.writeString(f, "weights_from: dram\nadd_pj:\n  int: {8: 0.05, 32: 0.2}\n");
        EnergyTable t = EnergyTable.load(f);
        assertEquals("dram", t.weightsFrom());
        assertEquals(0.2, t.add(true, 32), 1e-12);
        assertEquals(0.2, t.multiply(true, 8, 8), 1e-12);
        assertEquals(1300.0, t.memory("dram", 64), 1e-12);
    }

    @Test
    void badFilesNameTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("e.yaml");
        Files.writeString(f, "multiply_pj:\n  int: {eight: 0.2}\n");
        UserInputException e = assertThrows(UserInputException.class, () -> EnergyTable.load(f));
        assertEquals(f + ": multiply_pj.int.eight", e.source());
        Files.writeString(f, "weights_from: l3\n");
        e = assertThrows(UserInputException.class, () -> EnergyTable.load(f));
        assertTrue(e.getMessage().contains("weights_from: 'l3' is not a level"), e.getMessage());
        Files.writeString(f, "memory: 3\n");
        e = assertThrows(UserInputException.class, () -> EnergyTable.load(f));
        assertEquals(f + ": memory", e.source());
        Files.writeString(f, "add_pj: {int: {8: -1}}\n");
        e = assertThrows(UserInputException.class, () -> EnergyTable.load(f));
        assertEquals(f + ": add_pj.int.8", e.source());
    }
}
