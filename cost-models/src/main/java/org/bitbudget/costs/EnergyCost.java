package org.bitbudget.costs;

import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * {@code energy}: picojoules per sample from an {@link EnergyTable} (default: Horowitz, ISSCC 2014,
 * 45 nm):
 * <ul>
 *   <li>compute: MACs × (multiply + add). Integer × integer operands use the integer multiply at
 *       (weight bits, activation bits) and an integer add at the precision's accumulator width;
 *       otherwise the arithmetic is floating point: a float multiply at the wider operand (32 when
 *       either is {@code float}, e.g. weight-only configs that dequantize) and a float add at the
 *       accumulator width. A residual weight tensor is a second multiply and add per MAC;</li>
 *   <li>weights: every stored weight bit ({@link SizeCost}, scales included) read once from the
 *       table's {@code weights_from} level;</li>
 *   <li>activations: the input read and the output written at the activation format's bits, at the
 *       {@code activations_from} level.</li>
 * </ul>
 */
public final class EnergyCost implements CostModel {
    private final EnergyTable table;

    public EnergyCost(EnergyTable table) {
        this.table = table;
    }

    /** The table in use. */
    public EnergyTable table() {
        return table;
    }

    @Override
    public String name() {
        return "energy";
    }

    @Override
    public String unit() {
        return "pJ";
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        QuantizerSpec w = precision.weights();
        NumberFormat a = precision.activations().format();
        double perMac = mac(w.format(), a, precision.accumulatorBits());
        if (w.residual() != null) {
            perMac += mac(w.residual(), a, precision.accumulatorBits());
        }
        double compute = layer.macs() * perMac;
        double weights = table.memory(table.weightsFrom(), SizeCost.bits(layer, w));
        double activations = table.memory(
                table.activationsFrom(), (double) (layer.inputElements() + layer.outputElements()) * a.bits());
        return compute + weights + activations;
    }

    private double mac(NumberFormat w, NumberFormat a, int accumulatorBits) {
        if (w.isInteger() && a.isInteger()) {
            return table.multiply(true, w.bits(), a.bits()) + table.add(true, accumulatorBits);
        }
        int width = !w.quantizes() || !a.quantizes() ? 32 : Math.max(w.bits(), a.bits());
        return table.multiply(false, width, width) + table.add(false, accumulatorBits);
    }
}
