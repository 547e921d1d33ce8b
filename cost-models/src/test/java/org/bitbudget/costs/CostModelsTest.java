package org.bitbudget.costs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.bitbudget.costs.latency.MeasuredLatency;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.graph.Graph;
import org.junit.jupiter.api.Test;

/**
 * {@link CostModels}: every entry builds the model of its name, and budgets accept every registered
 * cost in every unit its entry declares.
 */
class CostModelsTest {
    @Test
    void everyEntryBuildsTheModelOfItsName() {
        Graph lenet = SharedModels.lenet5();
        for (CostModels.Entry e : CostModels.REGISTRY.entries()) {
            CostModel m = CostModels.create(e.name(), lenet, EnergyTable.defaults());
            assertEquals(e.name(), m.name());
            if (!e.needsModel()) {
                assertEquals(e.name(), CostModels.get(e.name()).name());
            }
        }
        assertInstanceOf(MeasuredLatency.class, CostModels.create("latency", lenet, EnergyTable.defaults()));
        assertEquals(
                List.of("size", "bops", "macs", "activation-memory", "energy", "accumulator", "accumulator-l1", "bpw"),
                CostModels.ANALYTIC);
        assertEquals(
                CostModels.ANALYTIC,
                CostModels.analytic(EnergyTable.defaults()).stream()
                        .map(CostModel::name)
                        .toList());
    }

    @Test
    void aModelThatRunsTheGraphIsNotAnalytic() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CostModels.get("latency"));
        assertEquals("latency needs a model and a machine: use create(name, graph, energy)", e.getMessage());
        UnknownNameException unknown = assertThrows(UnknownNameException.class, () -> CostModels.get("speed"));
        assertEquals(
                "cost model 'speed' is not one of size, bops, macs, activation-memory, energy, accumulator, "
                        + "accumulator-l1, bpw, latency",
                unknown.getMessage());
    }
}
