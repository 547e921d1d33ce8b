package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bitbudget.costs.CostModels;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.EnergyTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.search.Budget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The budget parser on a corpus of good and bad expressions. */
class BudgetsTest {
    /** bops of int8 = 1000, of fp32 = 16000; size of int4 = 300; other totals 1. */
    private static final Budgets.Reference REFERENCE = (cost, format) -> switch (cost + ":" + format.name()) {
        case "bops:int8" -> 1000;
        case "bops:float" -> 16000;
        case "size:int4" -> 300;
        default -> 1;
    };

    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("size <= 64KiB", "size", false, 64 * 1024 * 8.0),
                Arguments.of("size < 64 KB", "size", true, 512_000.0),
                Arguments.of("size<=1MiB", "size", false, 8.0 * 1024 * 1024),
                Arguments.of("size <= 100000 bits", "size", false, 100_000.0),
                Arguments.of("size <= 2.5e3B", "size", false, 20_000.0),
                Arguments.of("latency <= 1.5ms", "latency", false, 1.5),
                Arguments.of("latency <= 200us", "latency", false, 0.2),
                Arguments.of("latency <= 200 µs", "latency", false, 0.2),
                Arguments.of("latency < 2s", "latency", true, 2000.0),
                Arguments.of("energy <= 20uJ", "energy", false, 2e7),
                Arguments.of("energy ≤ 3 nJ", "energy", false, 3000.0),
                Arguments.of("accumulator <= 16", "accumulator", false, 16.0),
                Arguments.of("accumulator-l1 <= 16 bits", "accumulator-l1", false, 16.0),
                Arguments.of("bops <= 1.5G", "bops", false, 1.5e9),
                Arguments.of("bops <= 2000000", "bops", false, 2e6),
                Arguments.of("macs <= 500k", "macs", false, 5e5),
                Arguments.of("activation-memory <= 8KiB", "activation-memory", false, 8192.0),
                Arguments.of("bops <= 0.25*int8", "bops", false, 250.0),
                Arguments.of("bops <= 0.5 * fp32", "bops", false, 8000.0),
                Arguments.of("bops <= 0.5 x fp32", "bops", false, 8000.0),
                Arguments.of("size <= int4", "size", false, 300.0),
                Arguments.of("  SIZE <=  64KiB  ", "size", false, 64 * 1024 * 8.0));
    }

    @ParameterizedTest
    @MethodSource("good")
    void parsesGoodBudgets(String text, String cost, boolean strict, double limit) {
        List<Budget> budgets = Budgets.parse(text, REFERENCE);
        assertEquals(1, budgets.size());
        Budget b = budgets.getFirst();
        assertEquals(cost, b.cost());
        assertEquals(strict, b.strict());
        assertEquals(limit, b.limit(), 1e-9 * limit);
        assertEquals(text.strip(), b.text());
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("size <= 64", 10, "size needs a unit"),
                Arguments.of("size <= 64KX", 10, "unknown unit 'KX' for size"),
                Arguments.of("latency <= 3 KiB", 13, "unknown unit 'KiB' for latency"),
                Arguments.of(
                        "speed <= 3",
                        0,
                        "cost model 'speed' is not one of size, bops, macs, activation-memory, "
                                + "energy, accumulator, accumulator-l1, bpw, latency"),
                Arguments.of("size >= 64KiB", 5, "budgets are upper bounds"),
                Arguments.of("size = 64KiB", 5, "budgets are upper bounds"),
                Arguments.of("size 64KiB", 5, "expected <= or <"),
                Arguments.of("size <=", 7, "expected a limit"),
                Arguments.of("size <= ", 8, "expected a limit"),
                Arguments.of("bops <= 0.25*int9", 13, "'int9' is not a reference format"),
                Arguments.of("bops <= 0.25*", 13, "expected a reference format"),
                Arguments.of("latency <= 1.5ms extra", 17, "unexpected 'extra'"),
                Arguments.of("latency <= 1.2.3ms", 11, "'1.2.3' is not a number"),
                Arguments.of("", 0, "expected a budget"),
                Arguments.of("size <= 64KiB,", 14, "expected a budget"),
                Arguments.of("size <= 64KiB, latency <= 3", 27, "latency needs a unit"),
                Arguments.of("<= 3", 0, "expected a cost name"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void rejectsBadBudgetsNamingThePosition(String text, int position, String message) {
        UserInputException e = assertThrows(UserInputException.class, () -> Budgets.parse(text, REFERENCE));
        String marked = text.substring(0, position) + "^" + text.substring(position);
        assertEquals("budget '" + marked + "'", e.source());
        assertTrue(
                e.getMessage().startsWith("budget '" + marked + "': position " + position + ": " + message),
                e.getMessage());
    }

    @Test
    void relativeBudgetsNeedAReference() {
        UserInputException e = assertThrows(UserInputException.class, () -> Budgets.parse("bops <= 0.25*int8", null));
        assertTrue(e.getMessage().contains("position 8: a relative budget needs a reference"), e.getMessage());
    }

    @Test
    void severalBudgetsMustAllHold() {
        List<Budget> b = Budgets.parseAll(List.of("size <= 1KiB, latency < 2ms", "energy <= 1nJ"), REFERENCE);
        assertEquals(
                List.of("size", "latency", "energy"),
                b.stream().map(Budget::cost).toList());
        assertTrue(Budgets.holdAll(b, Map.of("size", 8192.0, "latency", 1.9, "energy", 1000.0)));
        assertFalse(Budgets.holdAll(b, Map.of("size", 8192.0, "latency", 2.0, "energy", 1000.0)));
        assertEquals(List.of(b.get(0)), Budgets.violated(b, Map.of("size", 8193.0, "latency", 1.0, "energy", 1.0)));
        assertEquals(1.0, b.get(0).excess(8193.0));
        assertEquals(2.0, b.get(0).ratio(16384.0));
        assertEquals(
                "size <= 1KiB: 9,011 bits is 10.0% over the limit 8,192 bits",
                b.get(0).describe(9011, "bits"));
    }

    /** Relative budgets resolve against a cost table's uniform reference configs (LeNet-5: 416,520 MACs). */
    @Test
    void relativeBudgetsResolveAgainstACostTable() {
        List<Precision> candidates = List.of(wa("int8", "uint8"), wa("int4", "uint4"), wa("int2", "uint2"));
        CostTable t = CostTable.of(
                LayerInfo.of(SearchPipelineTest.lenet5()), candidates, CostModels.analytic(EnergyTable.defaults()));
        List<Budget> budgets = Budgets.parse("bops <= 0.25*int8, size <= 64KiB", t::reference);
        assertEquals(416_520.0 * 16, budgets.getFirst().limit());
        assertEquals(true, Budgets.holdAll(budgets, t.totals(PrecisionConfig.uniform(wa("int4", "uint4")))));
        assertEquals(
                List.of(budgets.getFirst()),
                Budgets.violated(budgets, t.totals(PrecisionConfig.uniform(wa("int8", "uint8")))));
    }

    private static Precision wa(String weights, String activations) {
        return new Precision(
                QuantizerSpec.weights(NumberFormat.parse(weights)),
                QuantizerSpec.activations(NumberFormat.parse(activations)),
                32);
    }

    @Test
    void budgetsAcceptEveryRegisteredCostInEachOfItsUnits() {
        for (CostModels.Entry e : CostModels.REGISTRY.entries()) {
            e.budgetUnits().factors().forEach((unit, factor) -> {
                String text = e.name() + " <= 3" + (unit.isEmpty() ? "" : " " + unit);
                Budget b = Budgets.parse(text, null).getFirst();
                assertEquals(e.name(), b.cost(), text);
                assertEquals(3 * factor, b.limit(), 1e-12 * 3 * factor, text);
            });
        }
    }
}
