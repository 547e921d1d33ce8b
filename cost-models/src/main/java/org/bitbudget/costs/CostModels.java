package org.bitbudget.costs;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.model.UserInputException;

/**
 * The cost models by name: {@code size}, {@code bops}, {@code macs}, {@code activation-memory},
 * {@code energy}, {@code accumulator}, {@code accumulator-l1} and {@code latency}. All but latency
 * are analytic and come from {@link #get}; latency needs a model and a machine, so callers build
 * {@link org.bitbudget.costs.latency.MeasuredLatency}, {@link org.bitbudget.costs.latency.RooflineLatency}
 * or {@link org.bitbudget.costs.latency.TableLatency} themselves.
 */
public final class CostModels {
    /** Every cost model name. */
    public static final List<String> NAMES = List.of("size", "bops", "macs", "activation-memory", "energy",
            "accumulator", "accumulator-l1", "latency");
    /** The analytic models, in table order. */
    public static final List<String> ANALYTIC = NAMES.subList(0, NAMES.size() - 1);

    private CostModels() {
    }

    /** The analytic model {@code name} (energy with the default 45 nm table). */
    public static CostModel get(String name) {
        return get(name, EnergyTable.defaults());
    }

    /** The analytic model {@code name}, energy with {@code energy}. */
    public static CostModel get(String name, EnergyTable energy) {
        return switch (name) {
            case "size" -> new SizeCost();
            case "bops" -> new BopsCost();
            case "macs" -> new MacsCost();
            case "activation-memory" -> new ActivationMemoryCost();
            case "energy" -> new EnergyCost(energy);
            case "accumulator" -> AccumulatorCost.dataType();
            case "accumulator-l1" -> AccumulatorCost.l1Norm();
            case "latency" -> throw new IllegalArgumentException("latency needs a model and a machine: build "
                    + "MeasuredLatency, RooflineLatency or TableLatency");
            default -> throw new UserInputException("cost model '" + name + "'", "unknown (known: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    /** Every analytic model. */
    public static List<CostModel> analytic(EnergyTable energy) {
        List<CostModel> out = new ArrayList<>();
        for (String n : ANALYTIC) {
            out.add(get(n, energy));
        }
        return out;
    }
}
