package org.bitbudget.ir.precision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * The runtime an export is meant for, and the encodings that keep its integer arithmetic exact.
 *
 * <p>ONNX defines integer convolutions and matrix products with exact 32-bit accumulation, and the
 * integer engine computes exactly that. One common kernel does not: on x86 CPUs without VNNI, ONNX
 * Runtime multiplies uint8 activations by int8 weights with {@code vpmaddubsw}, which adds each pair of
 * products in a saturating int16. A layer whose pair sum can exceed 32,767 (uint8 codes up to 255 times
 * int8 codes up to 127, twice: 64,770) then computes other numbers than the integer engine. For
 * {@link #X86_AVX2} every layer with signed integer weights and integer activations whose
 * {@code 2 × activation code span × max |weight code|} exceeds 32,767 gets the widest symmetric
 * weight format that fits (int7 beside 8-bit activations, as ONNX Runtime's {@code reduce_range}); int8
 * activations count with their 255-code span, since that kernel shifts them to uint8. The other targets'
 * dot products (VNNI's {@code vpdpbusd}, Arm's {@code sdot}/{@code udot} or widening multiplies)
 * accumulate in 32 bits and change nothing; {@link #GENERIC}, the default, assumes ONNX's exact
 * arithmetic and changes nothing either, and {@link #saturating} says which layers an AVX2 runtime
 * could change.
 */
public enum RuntimeTarget {
    /** ONNX's exact 32-bit accumulation: the config as written. */
    GENERIC,
    /** x86 without VNNI: u8 × s8 pair sums saturate in int16. */
    X86_AVX2,
    /** x86 with VNNI (AVX512-VNNI, AVX-VNNI): 32-bit dot products. */
    X86_VNNI,
    /** Arm (NEON widening multiplies, sdot/udot): 32-bit dot products. */
    ARM;

    /** The largest pair sum a saturating int16 holds. */
    public static final int INT16_MAX = Short.MAX_VALUE;

    /** One weight format a target changed, and why. */
    public record Change(String layer, NumberFormat from, NumberFormat to, long pairSum) {
        /** One line: the layer, the change and the pair sum that forced it. */
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "%s: weights %s -> %s (u8 x s8 pair sums up to %,d would saturate int16 in vpmaddubsw)",
                    layer,
                    from.name(),
                    to.name(),
                    pairSum);
        }
    }

    /** A config adjusted for a target, with the changes made. */
    public record Adjusted(PrecisionConfig config, List<Change> changes) {
        public Adjusted {
            changes = List.copyOf(changes);
        }
    }

    /** The target's command-line name: {@code generic}, {@code x86-avx2}, {@code x86-vnni}, {@code arm}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The target of a name as {@link #label} writes it. */
    public static RuntimeTarget parse(String name) {
        for (RuntimeTarget t : values()) {
            if (t.label().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not one of "
                + String.join(
                        ", ", Arrays.stream(values()).map(RuntimeTarget::label).toList()));
    }

    /**
     * {@code config} with the weight formats this target needs; the layers' activation encodings stay
     * (only weights change).
     */
    public Adjusted adjust(PrecisionConfig config, Graph graph) {
        if (this != X86_AVX2) {
            return new Adjusted(config, List.of());
        }
        List<Change> changes = saturating(config, graph);
        Map<String, Precision> layers = new LinkedHashMap<>(config.layers());
        for (Change c : changes) {
            Precision p = config.of(c.layer());
            QuantizerSpec w = p.weights();
            QuantizerSpec narrowed =
                    new QuantizerSpec(c.to(), w.granularity(), w.clipping(), w.residual(), w.biasCorrection());
            layers.put(c.layer(), new Precision(narrowed, p.activations(), p.accumulatorBits()));
        }
        // Only weights change, so the activation encodings stay valid.
        PrecisionConfig out = new PrecisionConfig(config.defaults(), layers, config.encodings());
        return new Adjusted(out, changes);
    }

    /**
     * The layers of {@code config} whose u8 × s8 pair sums can leave int16, each with the widest
     * symmetric format that keeps them in (what {@link #X86_AVX2} changes).
     */
    public static List<Change> saturating(PrecisionConfig config, Graph graph) {
        List<Change> out = new ArrayList<>();
        for (Layer layer : graph.layers()) {
            Change c = saturating(layer.name(), config.of(layer.name()));
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * {@code precision} with the weight format this target needs (itself when it needs none), as
     * {@link #adjust} gives a layer of that precision: what a search for this target measures.
     */
    public Precision adjust(Precision precision) {
        Change c = this == X86_AVX2 ? saturating("", precision) : null;
        if (c == null) {
            return precision;
        }
        QuantizerSpec w = precision.weights();
        return new Precision(
                new QuantizerSpec(c.to(), w.granularity(), w.clipping(), w.residual(), w.biasCorrection()),
                precision.activations(),
                precision.accumulatorBits());
    }

    /** The change {@code layer} at {@code p} needs on x86 without VNNI, or null when it needs none. */
    public static Change saturating(String layer, Precision p) {
        NumberFormat w = p.weights().format();
        NumberFormat a = p.activations().format();
        if (!p.weights().quantizes()
                || !p.activations().quantizes()
                || !w.isInteger()
                || w.unsigned()
                || w.signOnly()
                || !a.isInteger()
                || w.bits() > 8
                || a.bits() > 8) {
            return null;
        }
        long span = a.unsigned() ? a.maxCode() : a.maxCode() - a.minCode();
        long maxWeight = Math.max(Math.abs(w.minCode()), Math.abs(w.maxCode()));
        long pairSum = 2 * span * maxWeight;
        if (pairSum <= INT16_MAX) {
            return null;
        }
        long fits = INT16_MAX / (2 * span);
        int bits = 63 - Long.numberOfLeadingZeros(fits + 1) + 1;
        return new Change(layer, w, NumberFormat.parse("int" + bits), pairSum);
    }
}
