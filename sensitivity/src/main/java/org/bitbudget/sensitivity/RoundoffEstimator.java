package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code roundoff} (MixQuant): the roundoff error that putting a layer's tensors in a format
 * introduces, normalised by the tensor's energy so that layers of any size and scale compare:
 *
 * <pre>
 *   score = ‖Q(W) − W‖² / ‖W‖²  +  ‖Q(x) − x‖² / ‖x‖²
 * </pre>
 *
 * <p>The first term is the weight's relative squared error (the inverse of its signal-to-quantization-
 * noise ratio) under the candidate's weight quantizer, exactly as {@link WeightQuantizer} applies it;
 * it needs no data. The second is the same for the layer's input activations x, captured from the
 * float model on the problem's activation-calibration images and quantized with the calibrated
 * scale {@link FakeQuantization} would use; it is 0 when activations stay float. Because both are
 * relative, scaling a layer's weights by c leaves its score unchanged (for {@code max} clipping,
 * whose scale scales with c), while the absolute error {@link #squaredError} grows by c².
 */
public final class RoundoffEstimator implements SensitivityEstimator {
    public static final String NAME = "roundoff";
    private static final int CHUNK = 100;

    @Override
    public String name() {
        return NAME;
    }

    /** Σ (Q(W) − W)² of a tensor and its quantized version. */
    public static double squaredError(Tensor original, Tensor quantized) {
        float[] a = original.data();
        float[] b = quantized.data();
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) b[i] - a[i];
            sum += d * d;
        }
        return sum;
    }

    /** Σ W². */
    public static double energy(Tensor t) {
        double sum = 0;
        for (float v : t.data()) {
            sum += (double) v * v;
        }
        return sum;
    }

    /**
     * ‖Q(W) − W‖² / ‖W‖² of {@code layer}'s weight at {@code precision} (accumulator-aware when its
     * accumulator is below 32 bits; 0 for float or an all-zero weight).
     */
    public static double weightError(Graph graph, Layer layer, Precision precision) {
        if (!precision.weights().quantizes()) {
            return 0;
        }
        Tensor w = graph.initializers().get(layer.weightName());
        Tensor q = QuantizedGraph.quantizedWeight(layer, w, precision);
        double e = energy(w);
        return e == 0 ? 0 : squaredError(w, q) / e;
    }

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        long start = System.nanoTime();
        Graph graph = problem.graph();
        Map<String, Double> activationError = activationErrors(problem);
        long activationNanos = System.nanoTime() - start;
        List<SensitivityRow> rows = new ArrayList<>();
        List<Long> nanos = new ArrayList<>();
        for (Layer layer : graph.layers()) {
            for (Precision p : problem.precisions().get(layer.name())) {
                long t0 = System.nanoTime();
                double score = weightError(graph, layer, p);
                if (p.activations().quantizes()) {
                    score += activationError.get(key(layer, p.activations()));
                }
                nanos.add(System.nanoTime() - t0);
                rows.add(SensitivityRow.of(layer.name(), NAME, p, score, 0));
                progress.scored(NAME, layer.name(), p);
            }
        }
        double share = activationNanos / 1e9 / Math.max(1, rows.size());
        List<SensitivityRow> timed = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            timed.add(rows.get(i).withSeconds(nanos.get(i) / 1e9 + share));
        }
        return new SensitivityTable(timed);
    }

    private static String key(Layer layer, QuantizerSpec spec) {
        return layer.name() + "\u0000" + spec;
    }

    /**
     * Per layer and activation quantizer among the candidates, ‖Q(x) − x‖² / ‖x‖² of the layer's
     * input over the activation-calibration images (one float run, in parallel chunks).
     */
    private static Map<String, Double> activationErrors(SensitivityProblem problem) {
        Map<QuantizerSpec, Map<String, RangeSearch.Params>> params = SingleLayerRuns.calibrate(problem);
        Map<String, Double> out = new LinkedHashMap<>();
        if (params.isEmpty()) {
            return out;
        }
        Graph graph = problem.graph();
        List<Layer> layers = graph.layers();
        Set<String> inputs = new LinkedHashSet<>();
        layers.forEach(l -> inputs.add(l.node().input(0)));
        List<QuantizerSpec> specs = new ArrayList<>(params.keySet());
        FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
        Tensor images = problem.activationCalibration();
        int n = images.shape().dim(0);
        int per = images.shape().size() / Math.max(1, n);
        int chunks = (n + CHUNK - 1) / CHUNK;
        // [chunk][layer][spec] → {error, energy}
        double[][][][] sums = new double[chunks][layers.size()][specs.size()][2];
        String input = graph.inputs().getFirst().name();
        Parallel.forEach(problem.threads(), chunks, c -> {
            int from = c * CHUNK;
            int count = Math.min(CHUNK, n - from);
            float[] part = java.util.Arrays.copyOfRange(images.data(), from * per, (from + count) * per);
            Map<String, Tensor> values =
                    engine.capture(Map.of(input, Tensor.of(images.shape().with(0, count), part)), inputs);
            for (int l = 0; l < layers.size(); l++) {
                float[] x = values.get(layers.get(l).node().input(0)).data();
                for (int s = 0; s < specs.size(); s++) {
                    QuantizerSpec spec = specs.get(s);
                    RangeSearch.Params p = params.get(spec).get(layers.get(l).name());
                    double err = 0;
                    double energy = 0;
                    for (float v : x) {
                        double d = (double) p.apply(v, spec.format()) - v;
                        err += d * d;
                        energy += (double) v * v;
                    }
                    sums[c][l][s][0] = err;
                    sums[c][l][s][1] = energy;
                }
            }
        });
        for (int l = 0; l < layers.size(); l++) {
            for (int s = 0; s < specs.size(); s++) {
                double err = 0;
                double energy = 0;
                for (int c = 0; c < chunks; c++) {
                    err += sums[c][l][s][0];
                    energy += sums[c][l][s][1];
                }
                out.put(key(layers.get(l), specs.get(s)), energy == 0 ? 0 : err / energy);
            }
        }
        return out;
    }
}
