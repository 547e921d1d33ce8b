package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.ShapeInference;
import org.bitbudget.ops.gradients.DTensor;

/**
 * {@code fisher}: the gradient-weighted output error of the layer, the Taylor/Fisher score of
 * Model-Optimizer's AutoQuantize. With Y the layer's output (before any activation that follows it),
 * ΔY the change of Y when only the layer is quantized (weights and, if the candidate says so, its
 * input, calibrated as {@code eval} calibrates it) and g = ∂ℓ/∂Y the gradient of each image's own
 * cross-entropy at the float model,
 *
 * <pre>
 *   score = ½ · (1 / N) Σ_images Σ_elements of Y  g² · ΔY²
 * </pre>
 *
 * the second-order Taylor expansion of the loss in Y with the diagonal of the empirical Fisher
 * (E[g gᵀ]) standing in for the Hessian. AutoQuantize sums g²ΔY² with g the gradient of each batch's
 * mean loss over batches; the per-image gradient, the mean over images and the ½ make the score the
 * predicted rise of the mean cross-entropy in nats, the unit of {@code measured}, whatever the batch
 * size and number of images. Labels are the problem's (the float model's top-1 where the data have
 * none). One forward and backward pass per batch of {@link SensitivityProblem#batchSize()} images
 * gives every layer's g; each cell then runs only its layer, on the float values of the layer's
 * inputs, so no cell runs the rest of the network.
 */
public final class FisherEstimator implements SensitivityEstimator {
    public static final String NAME = "fisher";

    @Override
    public String name() {
        return NAME;
    }

    /** One layer: its output, the layer alone in float, and the layer alone at each candidate. */
    private record Alone(Layer layer, String output, List<String> cut, FloatEngine plain, List<FloatEngine> cells) {}

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        long start = System.nanoTime();
        List<Alone> layers = layers(problem);
        LossGradients gradients = new LossGradients(problem);
        List<String> outputs = layers.stream().map(Alone::output).toList();
        Set<String> cutNames = new LinkedHashSet<>();
        layers.forEach(a -> cutNames.addAll(a.cut()));
        Graph graph = problem.graph();
        FloatEngine full = FloatEngine.builder(graph).threads(1).build();
        String input = graph.inputs().getFirst().name();
        Tensor images = problem.images();
        int n = problem.size();
        int per = images.shape().size() / n;
        int batch = problem.batchSize();
        int batches = gradients.batchCount();
        // Per batch, per layer, per candidate: the batch's part of the sum, added in batch order at
        // the end so that the score does not depend on the thread count.
        double[][][] parts = new double[batches][layers.size()][];
        int[] done = new int[layers.size()];
        Parallel.forEach(problem.threads(), batches, b -> {
            int from = b * batch;
            int count = Math.min(batch, n - from);
            Map<String, DTensor> g = gradients.valueGradients(b, outputs);
            float[] part = Arrays.copyOfRange(images.data(), from * per, (from + count) * per);
            Map<String, Tensor> values =
                    full.capture(Map.of(input, Tensor.of(images.shape().with(0, count), part)), cutNames);
            for (int l = 0; l < layers.size(); l++) {
                Alone a = layers.get(l);
                Map<String, Tensor> cut = new LinkedHashMap<>();
                a.cut().forEach(name -> cut.put(name, values.get(name)));
                float[] y = a.plain().run(cut).get(a.output()).data();
                double[] grad = g.get(a.output()).data();
                double[] sums = new double[a.cells().size()];
                for (int c = 0; c < sums.length; c++) {
                    float[] q = a.cells().get(c).run(cut).get(a.output()).data();
                    double sum = 0;
                    for (int j = 0; j < q.length; j++) {
                        double d = (double) q[j] - y[j];
                        sum += grad[j] * grad[j] * d * d;
                    }
                    sums[c] = sum;
                }
                parts[b][l] = sums;
                boolean finished;
                synchronized (done) {
                    finished = ++done[l] == batches;
                }
                if (finished) {
                    problem.precisions()
                            .get(a.layer().name())
                            .forEach(p -> progress.scored(NAME, a.layer().name(), p));
                }
            }
        });
        List<SensitivityRow> rows = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l).layer();
            List<Precision> candidates = problem.precisions().get(layer.name());
            for (int c = 0; c < candidates.size(); c++) {
                double sum = 0;
                for (double[][] part : parts) {
                    sum += part[l][c];
                }
                rows.add(SensitivityRow.of(layer.name(), NAME, candidates.get(c), 0.5 * sum / n, 0));
            }
        }
        double share = (System.nanoTime() - start) / 1e9 / Math.max(1, rows.size());
        return new SensitivityTable(rows.stream().map(r -> r.withSeconds(share)).toList());
    }

    /** Every layer alone, in float and at each of its candidates. */
    private static List<Alone> layers(SensitivityProblem problem) {
        Graph graph = problem.graph();
        Map<QuantizerSpec, Map<String, RangeSearch.Params>> activationParams = SingleLayerRuns.calibrate(problem);
        Map<String, Shape> shapes = ShapeInference.shapes(graph, 1);
        Map<String, Shape> atBatchTwo = ShapeInference.shapes(graph, 2);
        List<Alone> out = new ArrayList<>();
        for (Layer layer : graph.layers()) {
            String output = layer.node().outputs().getFirst();
            ValueInfo info = SingleLayerRuns.valueInfo(output, DataType.FLOAT, shapes, atBatchTwo);
            Graph plain = alone(graph, layer, layer.nodeIndex(), info, shapes, atBatchTwo);
            List<FloatEngine> cells = new ArrayList<>();
            for (Precision p : problem.precisions().get(layer.name())) {
                RangeSearch.Params a = p.activations().quantizes()
                        ? activationParams.get(p.activations()).get(layer.name())
                        : null;
                Graph quantized = SingleLayerRuns.quantizeOne(graph, layer, p, a);
                // quantizeOne puts the input quantizer just before the layer's node.
                int at = layer.nodeIndex() + (a == null ? 0 : 1);
                cells.add(engine(alone(quantized, layer, at, info, shapes, atBatchTwo)));
            }
            List<String> cut = plain.inputs().stream().map(ValueInfo::name).toList();
            out.add(new Alone(layer, output, cut, engine(plain), cells));
        }
        return out;
    }

    /**
     * The nodes of {@code graph} from the layer's position up to its node at {@code at} (the node
     * alone, or its input quantizer and the node), as a graph from the values they read to the
     * layer's output.
     */
    private static Graph alone(
            Graph graph,
            Layer layer,
            int at,
            ValueInfo output,
            Map<String, Shape> shapes,
            Map<String, Shape> atBatchTwo) {
        Graph prefix = new Graph(
                graph.name(),
                graph.opset(),
                graph.inputs(),
                List.of(output),
                graph.initializers(),
                graph.nodes().subList(0, at + 1),
                graph.metadata());
        return SingleLayerRuns.suffix(prefix, layer.nodeIndex(), shapes, atBatchTwo);
    }

    private static FloatEngine engine(Graph graph) {
        return FloatEngine.builder(graph).threads(1).build();
    }
}
