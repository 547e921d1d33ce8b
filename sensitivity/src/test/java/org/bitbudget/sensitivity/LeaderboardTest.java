package org.bitbudget.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.junit.jupiter.api.Test;

/** Kendall's τ-b and Spearman's ρ against values computed by hand, ties included. */
class LeaderboardTest {
    @Test
    void withoutTies() {
        // Pairs of (1,2,3,4) vs (1,3,2,4): one discordant pair (2,3) of six → τ = (5 − 1)/6;
        // Σd² = 2 → ρ = 1 − 6·2/(4·15) = 0.8.
        double[] x = {1, 2, 3, 4};
        double[] y = {1, 3, 2, 4};
        assertEquals(4.0 / 6, Leaderboard.kendallTauB(x, y), 1e-12);
        assertEquals(0.8, Leaderboard.spearmanRho(x, y), 1e-12);
        assertEquals(-1, Leaderboard.kendallTauB(x, new double[] {4, 3, 2, 1}), 1e-12);
        assertEquals(-1, Leaderboard.spearmanRho(x, new double[] {40, 30, 20, 10}), 1e-12);
    }

    @Test
    void withTies() {
        // x = (1,2,2,3), y = (1,2,3,3): 4 concordant, 0 discordant, one tie in x, one in y:
        // τ_b = 4 / √((6−1)(6−1)) = 0.8. Ranks (1,2.5,2.5,4) and (1,2,3.5,3.5): ρ = 3.75 / 4.5.
        double[] x = {1, 2, 2, 3};
        double[] y = {1, 2, 3, 3};
        assertEquals(0.8, Leaderboard.kendallTauB(x, y), 1e-12);
        assertEquals(3.75 / 4.5, Leaderboard.spearmanRho(x, y), 1e-12);
        assertTrue(Double.isNaN(Leaderboard.kendallTauB(x, new double[] {5, 5, 5, 5})));
        assertTrue(Double.isNaN(Leaderboard.spearmanRho(x, new double[] {5, 5, 5, 5})));
    }

    @Test
    void comparesEachEstimatorWithTheMeasuredDropPerFormat() throws Exception {
        Precision int4 = new Precision(QuantizerSpec.weights(NumberFormat.parse("int4")), QuantizerSpec.FLOAT, 32);
        Precision w2a8 = new Precision(
                QuantizerSpec.weights(NumberFormat.parse("int2")),
                QuantizerSpec.activations(NumberFormat.parse("uint8")),
                32);
        SensitivityTable est = new SensitivityTable(List.of(
                SensitivityRow.of("a", "roundoff", int4, 1, 0), SensitivityRow.of("b", "roundoff", int4, 2, 0),
                SensitivityRow.of("c", "roundoff", int4, 3, 0), SensitivityRow.of("a", "roundoff", w2a8, 3, 0),
                SensitivityRow.of("b", "roundoff", w2a8, 2, 0), SensitivityRow.of("c", "roundoff", w2a8, 1, 0)));
        SensitivityTable truth = new SensitivityTable(List.of(
                drop("a", int4, 0.01),
                drop("b", int4, 0.02),
                drop("c", int4, 0.03),
                drop("a", w2a8, 0.1),
                drop("b", w2a8, 0.2),
                drop("c", w2a8, 0.3)));
        Leaderboard board = Leaderboard.of(est, truth);
        assertEquals(
                List.of(
                        new Leaderboard.Entry("roundoff", "int4", 1, 1, 3),
                        new Leaderboard.Entry("roundoff", "int2/uint8", -1, -1, 3)),
                board.entries());
        StringWriter w = new StringWriter();
        board.write(w);
        assertEquals(
                "estimator,format,kendall_tau,spearman_rho,layers\nroundoff,int4,1.0000,1.0000,3\n"
                        + "roundoff,int2/uint8,-1.0000,-1.0000,3\n",
                w.toString());
    }

    private static SensitivityRow drop(String layer, Precision p, double drop) {
        return new SensitivityRow(layer, "measured", p, drop, 0, Double.NaN, 0.9 - drop, drop);
    }
}
