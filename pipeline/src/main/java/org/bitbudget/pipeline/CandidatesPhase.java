package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.LayerPattern;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.RuntimeTarget;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * Phase 1, candidates: every combination of a weight format, an activation format and an accumulator
 * width that can work. An accumulator below 32 bits pairs only with signed integer weights and integer
 * activations (accumulator-aware quantization bounds integer codes); with other formats only the
 * 32-bit accumulator is a candidate. For a {@link RuntimeTarget} that changes encodings (x86 without
 * VNNI), each candidate is what that runtime will run ({@link RuntimeTarget#adjust(Precision)}: int8
 * weights beside 8-bit activations become int7), so the search measures and prices it; {@link #targetNotes}
 * says which. Ignored layers (names or patterns, as a config's {@code ignore:} scopes) are not searched:
 * they stay float and their float costs count against the budgets. The constructor checks the settings.
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
        List<NumberFormat> weights = weightFormats.stream()
                .map(f -> parse(Setting.WEIGHT_FORMATS, f))
                .toList();
        List<NumberFormat> activations = activationFormats.stream()
                .map(f -> parse(Setting.ACTIVATION_FORMATS, f))
                .toList();
        for (int bits : accumulators) {
            if (bits < 2 || bits > 64) {
                throw new SettingException(Setting.ACCUMULATORS, bits + " is not between 2 and 64 bits");
            }
        }
        List<Precision> out = new ArrayList<>();
        for (NumberFormat wf : weights) {
            for (NumberFormat af : activations) {
                boolean narrowable = wf.isInteger() && !wf.unsigned() && !wf.signOnly() && af.isInteger();
                for (int acc : accumulators) {
                    if (acc < 32 && !narrowable) {
                        continue;
                    }
                    Precision p = new Precision(QuantizerSpec.weights(wf), QuantizerSpec.activations(af), acc);
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

    private static NumberFormat parse(Setting setting, String format) {
        try {
            return NumberFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new SettingException(setting, e.getMessage());
        }
    }
}
