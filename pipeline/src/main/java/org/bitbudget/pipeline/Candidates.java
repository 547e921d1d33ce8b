package org.bitbudget.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;

/**
 * The search space of a run: its layers and the candidate precisions every layer may take, in the
 * order the search problem indexes them.
 *
 * @param layers     the quantizable layers' names, in graph order
 * @param precisions the candidates, in weight × activation × accumulator order
 * @param coupling   the graph's coupling groups over those layers
 */
public record Candidates(List<String> layers, List<Precision> precisions, CouplingGroups coupling) {
    public Candidates {
        layers = List.copyOf(layers);
        precisions = List.copyOf(precisions);
    }

    /** The candidates' labels ({@link Precision#label()}), the search space's choice names. */
    public List<String> labels() {
        return precisions.stream().map(Precision::label).toList();
    }

    /** The config that gives layer {@code l} the candidate {@code choice[l]}; other nodes stay float. */
    public PrecisionConfig config(int[] choice) {
        Map<String, Precision> map = new LinkedHashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            map.put(layers.get(l), precisions.get(choice[l]));
        }
        return new PrecisionConfig(Precision.FLOAT, map);
    }
}
