package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.engine.WeightCalibration;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.LayerPattern;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.RuntimeTarget;
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
 * 32-bit accumulator is a candidate.
 *
 * <p>A weight candidate is a format name or a full weight quantizer,
 * {@code format[/granularity[/clipping]][+residual][/bc]}: {@code int3/per-channel/auto} (the clipping
 * rule with the least output error, chosen per layer) and {@code int3/bc} (bias-corrected) are
 * candidates of their own, beside {@code int3}; {@link #weightCandidates} writes such lists. Candidates
 * that need calibration data are settled per layer on the run's calibration images
 * ({@link #run(Graph, Tensor)}), so each layer's candidate holds its own rule and bias shift.
 *
 * <p>For a {@link RuntimeTarget} that changes encodings (x86 without
 * VNNI), each candidate is what that runtime will run ({@link RuntimeTarget#adjust(Precision)}: int8
 * weights beside 8-bit activations become int7), so the search measures and prices it; {@link #targetNotes}
 * says which. Ignored layers (names or patterns, as a config's {@code ignore:} scopes) are not searched:
 * they stay float and their float costs count against the budgets.
 * The constructor checks the settings.
 */
public final class CandidatesPhase {
    private final List<Precision> precisions;
    private final List<String> targetNotes = new ArrayList<>();
    private final List<String> ignore;

    /**
     * @throws SettingException naming the format list or accumulator width that cannot work
     */
    public CandidatesPhase(List<String> weightFormats, List<String> activationFormats, List<Integer> accumulators) {
        this(weightFormats, activationFormats, accumulators, RuntimeTarget.GENERIC, List.of());
    }

    /**
     * @param target the runtime the candidates must run exactly on
     * @param ignore layers that stay float and are not searched: names or patterns ({@link LayerPattern})
     * @throws SettingException naming the format list or accumulator width that cannot work
     */
    public CandidatesPhase(
            List<String> weightFormats,
            List<String> activationFormats,
            List<Integer> accumulators,
            RuntimeTarget target,
            List<String> ignore) {
        this.ignore = List.copyOf(ignore);
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
                    Precision p = new Precision(w, QuantizerSpec.activations(af), acc);
                    Precision adjusted = target.adjust(p);
                    if (!adjusted.equals(p)) {
                        targetNotes.add("target " + target.label() + ": "
                                + RuntimeTarget.saturating("candidate " + p.label(), p)
                                        .describe());
                    }
                    out.add(adjusted);
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

    /** What the target changed, one line per candidate ({@code target x86-avx2: candidate int8/uint8: ...}). */
    public List<String> targetNotes() {
        return List.copyOf(targetNotes);
    }

    /**
     * The candidates of every quantizable layer of {@code graph} but the ignored ones.
     *
     * @throws SettingException naming an ignored scope that selects no layer, or when every layer is ignored
     */
    public Candidates run(Graph graph) {
        Set<String> ignored = ignored(graph);
        List<String> layers = graph.layers().stream()
                .map(Layer::name)
                .filter(name -> !ignored.contains(name))
                .toList();
        if (layers.isEmpty()) {
            throw new SettingException(Setting.IGNORE, "every layer is ignored; nothing is left to search");
        }
        return new Candidates(layers, precisions, CouplingGroups.of(graph));
    }

    /** The layers the ignored scopes select, resolved as a config's {@code ignore:} list is. */
    private Set<String> ignored(Graph graph) {
        if (ignore.isEmpty()) {
            return Set.of();
        }
        String source = "search";
        PrecisionConfig resolved;
        try {
            resolved = new PrecisionConfig(Precision.FLOAT, Map.of())
                    .ignoring(ignore)
                    .resolve(graph, source);
        } catch (UserInputException e) {
            String prefix = source + ": ignore.";
            String scope = e.source().startsWith(prefix) ? e.source().substring(prefix.length()) : null;
            throw new SettingException(
                    Setting.IGNORE, scope, e.getMessage().substring(e.source().length() + 2));
        }
        return resolved.layers().keySet();
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
