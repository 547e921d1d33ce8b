package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.BiasGrid;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.ShapeInference;

/**
 * The logits of the model with only one layer quantized, for every cell (layer × candidate) of a
 * problem, and of the float model: the shared work of {@code output-mse} and {@code measured}.
 *
 * <p>Each cell's graph equals {@link FakeQuantization#apply} of a config that quantizes only that
 * layer (same weights, same calibrated activation scale), so its logits are those {@code eval}
 * would give. Work is reused: activation ranges are calibrated once per activation quantizer (on
 * the float model, as {@code FakeQuantization} does, so every layer gets the same scale as alone);
 * images are processed in chunks in parallel; in each chunk the float model runs once, keeping the
 * values at every layer's cut, and each cell runs only the part of its graph from its layer on.
 */
final class SingleLayerRuns {
    /** Images per chunk: enough work per task, little memory for the cut values. */
    private static final int CHUNK = 100;

    /** One cell: which layer, which precision, and the suffix of its graph that runs from the cut. */
    record Cell(Layer layer, Precision precision, FloatEngine suffix, List<String> cut) {}

    /**
     * The result.
     *
     * @param classes  logits per image
     * @param baseline the float model's logits, [images × classes]
     * @param logits   per cell (graph order, then candidate order), its logits
     * @param cells    the cells
     * @param nanos    per cell, the thread time spent in it; the float run's time is {@code baselineNanos}
     */
    record Result(
            int classes,
            float[] baseline,
            float[][] logits,
            List<Cell> cells,
            long[] nanos,
            long baselineNanos,
            double seconds) {
        /** Each cell's share of the wall time: its thread time plus an equal part of the float run's. */
        double cellSeconds(int i) {
            double total = baselineNanos;
            for (long t : nanos) {
                total += t;
            }
            double mine = nanos[i] + (double) baselineNanos / nanos.length;
            return total > 0 ? seconds * mine / total : seconds / nanos.length;
        }
    }

    private SingleLayerRuns() {}

    /** A problem and its runs. */
    private record Cached(SensitivityProblem problem, Result result) {}

    /** The last problem run and its result: {@code output-mse} and {@code measured} of one problem share it. */
    private static Cached last;

    /**
     * The runs of {@code problem}; a second call with the same problem object (as when an {@code all}
     * run asks for {@code output-mse} and then {@code measured}) reuses the first's result, seconds
     * included, and reports its cells to {@code progress} at once.
     */
    static Result run(SensitivityProblem problem, String estimator, ProgressListener progress) {
        synchronized (SingleLayerRuns.class) {
            if (last != null && last.problem() == problem) {
                Result r = last.result();
                r.cells().forEach(c -> progress.scored(estimator, c.layer().name(), c.precision()));
                return r;
            }
        }
        Result r = compute(problem, estimator, progress);
        synchronized (SingleLayerRuns.class) {
            last = new Cached(problem, r);
        }
        return r;
    }

    private static Result compute(SensitivityProblem problem, String estimator, ProgressListener progress) {
        long start = System.nanoTime();
        Graph graph = problem.graph();
        List<Cell> cells = cells(problem, progress);
        Set<String> cutNames = new LinkedHashSet<>();
        cells.forEach(c -> cutNames.addAll(c.cut()));
        FloatEngine full = FloatEngine.builder(graph).threads(1).build();
        String input = graph.inputs().getFirst().name();
        String output = graph.outputs().getFirst().name();
        Tensor images = problem.images();
        int n = problem.size();
        int per = images.shape().size() / n;
        int chunks = (n + CHUNK - 1) / CHUNK;
        float[][] baselineParts = new float[chunks][];
        float[][][] cellParts = new float[cells.size()][chunks][];
        long[] nanos = new long[cells.size()];
        long[] baselineNanos = new long[1];
        int[] done = new int[cells.size()];
        Parallel.forEach(problem.threads(), chunks, c -> {
            progress.checkpoint();
            int from = c * CHUNK;
            int count = Math.min(CHUNK, n - from);
            float[] part = java.util.Arrays.copyOfRange(images.data(), from * per, (from + count) * per);
            Tensor in = Tensor.of(images.shape().with(0, count), part);
            long t0 = System.nanoTime();
            Set<String> wanted = new LinkedHashSet<>(cutNames);
            wanted.add(output);
            Map<String, Tensor> values = full.capture(Map.of(input, in), wanted);
            baselineParts[c] = values.get(output).data();
            long t1 = System.nanoTime();
            synchronized (baselineNanos) {
                baselineNanos[0] += t1 - t0;
            }
            for (int i = 0; i < cells.size(); i++) {
                progress.checkpoint();
                Cell cell = cells.get(i);
                long c0 = System.nanoTime();
                Map<String, Tensor> cutValues = new LinkedHashMap<>();
                cell.cut().forEach(name -> cutValues.put(name, values.get(name)));
                Tensor out = cell.suffix().run(cutValues).get(output);
                cellParts[i][c] = out.data();
                long c1 = System.nanoTime();
                boolean finished;
                synchronized (nanos) {
                    nanos[i] += c1 - c0;
                    finished = ++done[i] == chunks;
                }
                if (finished) {
                    progress.scored(estimator, cell.layer().name(), cell.precision());
                }
            }
        });
        int classes = baselineParts[0].length / Math.min(CHUNK, n);
        float[] baseline = join(baselineParts, n * classes);
        float[][] logits = new float[cells.size()][];
        for (int i = 0; i < cells.size(); i++) {
            logits[i] = join(cellParts[i], n * classes);
        }
        return new Result(classes, baseline, logits, cells, nanos, baselineNanos[0], (System.nanoTime() - start) / 1e9);
    }

    private static float[] join(float[][] parts, int size) {
        float[] out = new float[size];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        if (at != size) {
            throw new IllegalStateException("the model's output is not [N, classes]");
        }
        return out;
    }

    /** Every cell with its suffix engine. */
    static List<Cell> cells(SensitivityProblem problem, ProgressListener progress) {
        Graph graph = problem.graph();
        Map<QuantizerSpec, Map<String, RangeSearch.Params>> activationParams = calibrate(problem);
        Map<String, Shape> shapes = ShapeInference.shapes(graph, 1);
        Map<String, Shape> atBatchTwo = ShapeInference.shapes(graph, 2);
        List<Cell> cells = new ArrayList<>();
        for (Layer layer : graph.layers()) {
            for (Precision p : problem.precisions().get(layer.name())) {
                progress.checkpoint();
                RangeSearch.Params a = p.activations().quantizes()
                        ? activationParams.get(p.activations()).get(layer.name())
                        : null;
                Graph quantized = quantizeOne(graph, layer, p, a);
                Graph suffix = suffix(quantized, layer.nodeIndex(), shapes, atBatchTwo);
                List<String> cut = suffix.inputs().stream().map(ValueInfo::name).toList();
                cells.add(new Cell(
                        layer, p, FloatEngine.builder(suffix).threads(1).build(), cut));
            }
        }
        return cells;
    }

    /**
     * Per activation quantizer among the candidates, the scale and zero point of every layer's
     * input, calibrated on the problem's activation-calibration images exactly as
     * {@link FakeQuantization#apply} calibrates them.
     */
    static Map<QuantizerSpec, Map<String, RangeSearch.Params>> calibrate(SensitivityProblem problem) {
        Map<QuantizerSpec, Map<String, RangeSearch.Params>> out = new LinkedHashMap<>();
        for (Precision p : problem.distinctPrecisions()) {
            QuantizerSpec a = p.activations();
            if (!a.quantizes() || out.containsKey(a)) {
                continue;
            }
            PrecisionConfig config = PrecisionConfig.uniform(new Precision(QuantizerSpec.FLOAT, a, 32));
            var q = FakeQuantization.apply(problem.graph(), config, problem.activationCalibration());
            Map<String, RangeSearch.Params> params = new LinkedHashMap<>();
            q.layers().forEach(l -> params.put(l.layer().name(), l.activations()));
            out.put(a, params);
        }
        return out;
    }

    /**
     * {@code graph} with only {@code layer} at {@code p}: what {@link FakeQuantization#apply} builds
     * for a config with that one layer quantized, given the layer's calibrated input quantizer (its
     * bias included: {@link BiasGrid}).
     */
    static Graph quantizeOne(Graph graph, Layer layer, Precision p, RangeSearch.Params activation) {
        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        AccumulatorAware.Result constrained = null;
        Tensor bias = null;
        if (p.weights().quantizes()) {
            Tensor w = graph.initializers().get(layer.weightName());
            constrained = QuantizedGraph.constrained(layer, w, p);
            initializers.put(
                    layer.weightName(),
                    constrained != null ? constrained.tensor() : QuantizedGraph.quantizedWeight(layer, w, p));
            bias = QuantizedGraph.correctedBias(layer, graph, p.weights());
        }
        bias = QuantizedGraph.placeBias(layer, graph, bias, p, activation, constrained, initializers);
        List<Node> nodes = new ArrayList<>();
        for (Node original : graph.nodes()) {
            Node node = original == layer.node() && bias != null
                    ? QuantizedGraph.withBias(original, QuantizedGraph.correctedBiasName(layer))
                    : original;
            if (original == layer.node() && activation != null) {
                String quantized = node.input(0) + "::quantized_for::" + node.name();
                nodes.add(new Node(
                        node.name() + "/input_quantizer",
                        new Op.FakeQuantize(p.activations().format(), activation.scale(), activation.zeroPoint()),
                        List.of(node.input(0)),
                        List.of(quantized)));
                List<String> inputs = new ArrayList<>(node.inputs());
                inputs.set(0, quantized);
                nodes.add(new Node(node.name(), node.op(), inputs, node.outputs()));
            } else {
                nodes.add(node);
            }
        }
        return new Graph(
                graph.name(), graph.opset(), graph.inputs(), graph.outputs(), initializers, nodes, graph.metadata());
    }

    /**
     * The declaration of value {@code name}: its shape at batch 1 ({@code shapes}), the first
     * dimension symbolic when it follows the batch (it differs in {@code atBatchTwo}).
     */
    static ValueInfo valueInfo(
            String name,
            org.bitbudget.ir.tensor.DataType type,
            Map<String, Shape> shapes,
            Map<String, Shape> atBatchTwo) {
        Shape s = shapes.get(name);
        if (s == null) {
            throw new IllegalStateException("no shape for value " + name);
        }
        Shape two = atBatchTwo.get(name);
        boolean batched = s.rank() > 0 && two != null && two.rank() == s.rank() && two.dim(0) != s.dim(0);
        List<Dimension> dims = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            dims.add(i == 0 && batched ? Dimension.symbolic("N") : Dimension.of(s.dim(i)));
        }
        return new ValueInfo(name, type, dims);
    }

    /**
     * The nodes of {@code graph} from {@code from} on, as a graph whose inputs are the values those
     * nodes read but do not compute (the cut). A value whose first dimension follows the batch
     * ({@code shapes} at batch 1, {@code atBatchTwo} at batch 2) gets a symbolic batch dimension; one
     * that does not (a scalar, a shape computed by Shape → Gather) keeps its exact shape.
     */
    static Graph suffix(Graph graph, int from, Map<String, Shape> shapes, Map<String, Shape> atBatchTwo) {
        List<Node> nodes = graph.nodes().subList(from, graph.nodes().size());
        Set<String> produced = new HashSet<>();
        Set<String> cut = new LinkedHashSet<>();
        for (Node node : nodes) {
            for (String in : node.inputs()) {
                if (!in.isEmpty()
                        && !produced.contains(in)
                        && !graph.initializers().containsKey(in)) {
                    cut.add(in);
                }
            }
            produced.addAll(node.outputs());
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (String name : cut) {
            var type = graph.inputs().stream()
                    .filter(v -> v.name().equals(name))
                    .findFirst()
                    .map(ValueInfo::type)
                    .orElse(org.bitbudget.ir.tensor.DataType.FLOAT);
            inputs.add(valueInfo(name, type, shapes, atBatchTwo));
        }
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        for (Node node : nodes) {
            for (String in : node.inputs()) {
                Tensor t = graph.initializers().get(in);
                if (t != null) {
                    initializers.put(in, t);
                }
            }
        }
        return new Graph(
                graph.name() + "[" + from + ":]",
                graph.opset(),
                inputs,
                graph.outputs(),
                initializers,
                nodes,
                graph.metadata());
    }
}
