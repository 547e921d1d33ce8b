package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.engine.WeightCalibration;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.BiasCorrection;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.sensitivity.Specs;

/**
 * Phase 1, candidates: every combination of a weight format, an activation format and an accumulator
 * width that can work. An accumulator below 32 bits pairs only with signed integer weights and integer
 * activations (accumulator-aware quantization bounds integer codes); with other formats only the
 * 32-bit accumulator is a candidate. The constructor checks the settings.
 *
 * <p>A weight candidate is a format name or a full weight quantizer,
 * {@code format[/granularity[/clipping]][+residual][/bc]}: {@code int3/per-channel/auto} (the clipping
 * rule with the least output error, chosen per layer) and {@code int3/bc} (bias-corrected) are
 * candidates of their own, beside {@code int3}; {@link #weightCandidates} writes such lists. Candidates
 * that need calibration data are settled per layer on the run's calibration images
 * ({@link #run(Graph, Tensor)}), so each layer's candidate holds its own rule and bias shift.
 */
public final class CandidatesPhase {
    private final List<Precision> precisions;

    /**
     * @throws SettingException naming the format list or accumulator width that cannot work
     */
    public CandidatesPhase(List<String> weightFormats, List<String> activationFormats, List<Integer> accumulators) {
        if (weightFormats.isEmpty()) {
            throw new SettingException(Setting.WEIGHT_FORMATS, "at least one candidate is required");
        }
        if (activationFormats.isEmpty()) {
            throw new SettingException(Setting.ACTIVATION_FORMATS, "at least one candidate is required");
        }
        if (accumulators.isEmpty()) {
            throw new SettingException(Setting.ACCUMULATORS, "at least one candidate is required");
        }
        List<QuantizerSpec> weights =
                weightFormats.stream().map(CandidatesPhase::weightQuantizer).toList();
        List<NumberFormat> activations = activationFormats.stream()
                .map(f -> parse(Setting.ACTIVATION_FORMATS, f))
                .toList();
        for (int bits : accumulators) {
            if (bits < 2 || bits > 64) {
                throw new SettingException(Setting.ACCUMULATORS, bits + " is not between 2 and 64 bits");
            }
        }
        List<Precision> out = new ArrayList<>();
        for (QuantizerSpec w : weights) {
            NumberFormat wf = w.format();
            for (NumberFormat af : activations) {
                boolean narrowable = wf.isInteger() && !wf.unsigned() && !wf.signOnly() && af.isInteger();
                for (int acc : accumulators) {
                    if (acc < 32 && !narrowable) {
                        continue;
                    }
                    out.add(new Precision(w, QuantizerSpec.activations(af), acc));
                }
            }
        }
        this.precisions = out.stream().distinct().toList();
        if (precisions.isEmpty()) {
            throw new SettingException(
                    Setting.ACCUMULATORS,
                    "accumulators below 32 bits need signed integer "
                            + "weights and integer activations; add 32 or integer weight and activation formats");
        }
        for (Precision p : precisions) {
            NumberFormat in = p.activations().format();
            if (p.accumulatorBits() < 32
                    && in.isInteger()
                    && AccumulatorAware.l1Budget(p.accumulatorBits(), AccumulatorAware.maxInputMagnitude(in)) < 1) {
                throw new SettingException(
                        Setting.ACCUMULATORS,
                        "a " + p.accumulatorBits() + "-bit accumulator "
                                + "cannot hold even one weight times the largest " + in.name() + " input");
            }
        }
    }

    /** The candidate precisions, in weight × activation × accumulator order. */
    public List<Precision> precisions() {
        return precisions;
    }

    /** The candidates of every quantizable layer of {@code graph}, as given (nothing settled). */
    public Candidates run(Graph graph) {
        return new Candidates(graph.layers().stream().map(Layer::name).toList(), precisions, CouplingGroups.of(graph));
    }

    /**
     * The candidates of every quantizable layer of {@code graph}, those that need calibration data
     * ({@code auto} clipping, bias correction) settled per layer on {@code calibration}.
     */
    public Candidates run(Graph graph, Tensor calibration) {
        Candidates given = run(graph);
        if (precisions.stream().noneMatch(p -> p.weights().needsCalibration())) {
            return given;
        }
        Map<String, List<Precision>> asked = new LinkedHashMap<>();
        given.layers().forEach(l -> asked.put(l, precisions));
        Map<String, List<Precision>> settled = WeightCalibration.settle(graph, asked, calibration);
        return new Candidates(
                given.layers(),
                precisions,
                given.layers().stream().map(settled::get).toList(),
                given.coupling());
    }

    /**
     * The weight candidates for {@code formats} (names or full weight quantizers) under each clipping
     * rule of {@code clipping} (empty: each format's own), with bias correction {@code off}, {@code on}
     * (every candidate corrected) or {@code candidate} (each candidate with and without), in that order.
     *
     * @throws SettingException naming the clipping or bias correction setting for a rule or mode that is not one
     */
    public static List<String> weightCandidates(List<String> formats, List<String> clipping, String biasCorrection) {
        List<Clipping> rules = new ArrayList<>();
        for (String rule : clipping) {
            try {
                rules.add(Clipping.parse(rule));
            } catch (IllegalArgumentException e) {
                throw new SettingException(Setting.CLIPPING, e.getMessage());
            }
        }
        List<Boolean> corrections = switch (biasCorrection) {
            case "off" -> List.of(false);
            case "on" -> List.of(true);
            case "candidate" -> List.of(false, true);
            default ->
                throw new SettingException(
                        Setting.BIAS_CORRECTION, "'" + biasCorrection + "' is not off, on or candidate");
        };
        List<String> out = new ArrayList<>();
        for (String format : formats) {
            QuantizerSpec spec = weightQuantizer(format);
            for (Clipping rule : rules.isEmpty() ? List.of(spec.clipping()) : rules) {
                for (boolean correct : corrections) {
                    String label = spec.withClipping(rule)
                            .withBiasCorrection(correct ? BiasCorrection.MEASURE : null)
                            .label(true);
                    if (!out.contains(label)) {
                        out.add(label);
                    }
                }
            }
        }
        return out;
    }

    private static QuantizerSpec weightQuantizer(String text) {
        try {
            return Specs.parse(text, true);
        } catch (IllegalArgumentException e) {
            throw new SettingException(Setting.WEIGHT_FORMATS, e.getMessage());
        }
    }

    private static NumberFormat parse(Setting setting, String format) {
        try {
            return NumberFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new SettingException(setting, e.getMessage());
        }
    }
}
