package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * Phase 1, candidates: every combination of a weight format, an activation format and an accumulator
 * width that can work. An accumulator below 32 bits pairs only with signed integer weights and integer
 * activations (accumulator-aware quantization bounds integer codes); with other formats only the
 * 32-bit accumulator is a candidate. The constructor checks the settings.
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
                    out.add(new Precision(QuantizerSpec.weights(wf), QuantizerSpec.activations(af), acc));
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

    /** The candidates of every quantizable layer of {@code graph}. */
    public Candidates run(Graph graph) {
        return new Candidates(graph.layers().stream().map(Layer::name).toList(), precisions, CouplingGroups.of(graph));
    }

    private static NumberFormat parse(Setting setting, String format) {
        try {
            return NumberFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new SettingException(setting, e.getMessage());
        }
    }
}
