package org.bitbudget.costs;

import java.util.List;
import java.util.function.Function;
import org.bitbudget.costs.latency.MeasuredLatency;
import org.bitbudget.ir.Registry;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.graph.Graph;

/**
 * The cost models by name. To add one, write its {@link CostModel} and add one line to
 * {@link #REGISTRY}: budgets, the command-line help and its errors read the names, descriptions and
 * budget units from here. All but {@code latency} are analytic (they need only the layers); latency
 * is measured on this machine's kernels, or built as {@link org.bitbudget.costs.latency.RooflineLatency}
 * or {@link org.bitbudget.costs.latency.TableLatency} by callers that want another source.
 */
public final class CostModels {
    /** Builds a cost model; analytic ones ignore the graph. */
    @FunctionalInterface
    public interface Factory {
        CostModel create(Graph graph, EnergyTable energy);
    }

    /**
     * One cost model: its name (as budgets write it), a one-line description for help texts, the
     * units a budget on it may use, whether it needs the model (it runs it), and how to build it.
     */
    public record Entry(String name, String description, BudgetUnits budgetUnits, boolean needsModel, Factory factory)
            implements Registry.Entry {}

    /** Every cost model, in table order. */
    public static final Registry<Entry> REGISTRY = Registry.of(
            "cost model",
            List.of(
                    analytic("size", "bits of weights, scales, zeros", BudgetUnits.SIZE_BITS, energy -> new SizeCost()),
                    analytic("bops", "MACs x weight x activation bits", BudgetUnits.COUNT, energy -> new BopsCost()),
                    analytic("macs", "multiply-accumulates per sample", BudgetUnits.COUNT, energy -> new MacsCost()),
                    analytic(
                            "activation-memory",
                            "peak bytes of live activations",
                            BudgetUnits.BYTES,
                            energy -> new ActivationMemoryCost()),
                    analytic("energy", "pJ per sample (45 nm table)", BudgetUnits.PICOJOULES, EnergyCost::new),
                    analytic(
                            "accumulator",
                            "accumulator bits, data-type bound",
                            BudgetUnits.BITS,
                            energy -> AccumulatorCost.dataType()),
                    analytic(
                            "accumulator-l1",
                            "accumulator bits, L1 bound (A2Q)",
                            BudgetUnits.BITS,
                            energy -> AccumulatorCost.l1Norm()),
                    analytic(
                            "bpw",
                            "bits per weight, scales and zeros",
                            BudgetUnits.BITS,
                            energy -> new BitsPerWeightCost()),
                    new Entry(
                            "latency",
                            "ms on this machine's kernels",
                            BudgetUnits.MILLISECONDS,
                            true,
                            (graph, energy) -> MeasuredLatency.onThisMachine(graph))));

    /** Every cost model name, in table order. */
    public static final List<String> NAMES = REGISTRY.names();
    /** The analytic models, in table order. */
    public static final List<String> ANALYTIC = REGISTRY.entries().stream()
            .filter(e -> !e.needsModel())
            .map(Entry::name)
            .toList();

    private CostModels() {}

    private static Entry analytic(
            String name, String description, BudgetUnits units, Function<EnergyTable, CostModel> factory) {
        return new Entry(name, description, units, false, (graph, energy) -> factory.apply(energy));
    }

    /** The analytic model {@code name} (energy with the default 45 nm table). */
    public static CostModel get(String name) {
        return get(name, EnergyTable.defaults());
    }

    /**
     * The analytic model {@code name}, energy with {@code energy}.
     *
     * @throws UnknownNameException for an unknown name
     * @throws IllegalArgumentException for a model that needs the model, such as latency
     */
    public static CostModel get(String name, EnergyTable energy) {
        Entry e = REGISTRY.get(name);
        if (e.needsModel()) {
            throw new IllegalArgumentException(
                    e.name() + " needs a model and a machine: use create(name, graph, " + "energy)");
        }
        return e.factory().create(null, energy);
    }

    /**
     * The model {@code name} of {@code graph}: an analytic one, or one measured by running the graph
     * on this machine (latency).
     *
     * @throws UnknownNameException for an unknown name
     */
    public static CostModel create(String name, Graph graph, EnergyTable energy) {
        return REGISTRY.get(name).factory().create(graph, energy);
    }

    /** Every analytic model. */
    public static List<CostModel> analytic(EnergyTable energy) {
        return ANALYTIC.stream().map(n -> get(n, energy)).toList();
    }
}
