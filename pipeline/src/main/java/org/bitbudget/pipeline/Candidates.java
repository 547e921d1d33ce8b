package org.bitbudget.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;

/**
 * The search space of a run: its layers and the candidate precisions every layer may take, in the
 * order the search problem indexes them. Candidate c of layer l is {@code perLayer.get(l).get(c)}: the
 * candidate {@code precisions.get(c)} as settled for that layer (its {@code auto} clipping rule and
 * bias correction measured on calibration data), or that candidate itself when nothing needed settling.
 *
 * @param layers     the quantizable layers' names, in graph order
 * @param precisions the candidates, in weight × activation × accumulator order, as given
 * @param perLayer   per layer, its settled candidates, in the same order
 * @param coupling   the graph's coupling groups over those layers
 */
public record Candidates(
        List<String> layers, List<Precision> precisions, List<List<Precision>> perLayer, CouplingGroups coupling) {
    public Candidates {
        layers = List.copyOf(layers);
        precisions = List.copyOf(precisions);
        perLayer = perLayer.stream().map(List::copyOf).toList();
        int choices = precisions.size();
        if (perLayer.size() != layers.size() || perLayer.stream().anyMatch(list -> list.size() != choices)) {
            throw new IllegalArgumentException(
                    "settled candidates do not match " + layers.size() + " layers × " + choices + " candidates");
        }
    }

    /** Every layer takes {@code precisions} as they are. */
    public Candidates(List<String> layers, List<Precision> precisions, CouplingGroups coupling) {
        this(layers, precisions, layers.stream().map(l -> precisions).toList(), coupling);
    }

    /** Candidate {@code choice} of layer {@code layer}, as settled for it. */
    public Precision precision(int layer, int choice) {
        return perLayer.get(layer).get(choice);
    }

    /** The candidates' labels ({@link Precision#label()}), the search space's choice names. */
    public List<String> labels() {
        return precisions.stream().map(Precision::label).toList();
    }

    /** The config that gives layer {@code l} the candidate {@code choice[l]}; other nodes stay float. */
    public PrecisionConfig config(int[] choice) {
        Map<String, Precision> map = new LinkedHashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            map.put(layers.get(l), precision(l, choice[l]));
        }
        return new PrecisionConfig(Precision.FLOAT, map);
    }
}
