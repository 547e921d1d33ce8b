package org.bitbudget.costs.latency;

import org.bitbudget.costs.CostModel;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.costs.SizeCost;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.NumberFormat;

/**
 * {@code latency} estimated for a machine BitBudget cannot run on: the roofline of each layer, per
 * sample, {@code max(MACs / peak MAC rate, bytes / memory bandwidth)} in milliseconds.
 *
 * <ul>
 *   <li>Peak MAC rate: {@code fp32GMacs} when either operand is {@code float} or a minifloat (no
 *       native minifloat units: they compute in float32); for integer × integer,
 *       {@code int8GMacs × 8 / max(weight bits, activation bits)} (SIMD lanes pack narrower codes),
 *       capped at {@code maxGMacs};</li>
 *   <li>bytes: the layer's stored weights ({@link SizeCost}) plus its input read and output written
 *       at the activation format.</li>
 * </ul>
 * Defaults ({@link #defaults()}) describe a two-core AVX2 laptop at about 3 GHz: fp32 48 GMAC/s
 * (2 cores × 2 FMA ports × 8 lanes × 3 GHz / 2 for realistic issue), int8 96 GMAC/s (16-bit
 * multiply-add pairs), at most 384 GMAC/s, 20 GB/s memory.
 *
 * @param fp32GMacs  float MACs per nanosecond (GMAC/s)
 * @param int8GMacs  int8 × int8 MACs per nanosecond
 * @param maxGMacs   cap for narrow integers
 * @param bandwidthGBs memory bandwidth in GB/s
 */
public record RooflineLatency(double fp32GMacs, double int8GMacs, double maxGMacs, double bandwidthGBs)
        implements CostModel {
    public RooflineLatency {
        if (!(fp32GMacs > 0) || !(int8GMacs > 0) || !(maxGMacs > 0) || !(bandwidthGBs > 0)) {
            throw new IllegalArgumentException("roofline parameters must be positive");
        }
    }

    /** The documented defaults. */
    public static RooflineLatency defaults() {
        return new RooflineLatency(48, 96, 384, 20);
    }

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public String unit() {
        return "ms";
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        NumberFormat w = precision.weights().format();
        NumberFormat a = precision.activations().format();
        double gmacs = w.isInteger() && a.isInteger()
                ? Math.min(maxGMacs, int8GMacs * 8 / Math.max(w.bits(), a.bits()))
                : fp32GMacs;
        double macs = layer.macs() * (precision.weights().residual() == null ? 1 : 2);
        double bytes = SizeCost.bits(layer, precision.weights()) / 8.0
                + (layer.inputElements() + layer.outputElements()) * a.bits() / 8.0;
        double computeNs = macs / gmacs;
        double memoryNs = bytes / bandwidthGBs;
        return Math.max(computeNs, memoryNs) / 1e6;
    }
}
