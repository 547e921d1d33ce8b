package org.bitbudget.costs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.ShapeInference;
import org.bitbudget.ops.inspect.LayerSummary;
import org.bitbudget.ops.inspect.ModelSummary;

/**
 * What the cost models know about one layer, for one sample (batch 1): sizes from
 * {@link ModelSummary}, the float weight (for the L1-norm accumulator bound) and how many other
 * activation values stay alive while the layer runs (for the activation-memory peak).
 *
 * @param layer           the layer
 * @param macs            multiply-accumulates per sample
 * @param channels        output channels (the per-channel scale count)
 * @param reduction       products summed into each output value (K)
 * @param inputElements   elements of the layer's data input per sample
 * @param outputElements  elements of its output per sample
 * @param otherLiveElements elements of other values alive while it runs (e.g. a residual shortcut), per sample
 * @param weight          the float weight as stored in the model
 * @param channelAxis     the axis of {@code weight} that holds output channels
 */
public record LayerInfo(
        Layer layer,
        long macs,
        int channels,
        int reduction,
        long inputElements,
        long outputElements,
        long otherLiveElements,
        Tensor weight,
        int channelAxis) {

    /** The layer (ONNX node) name. */
    public String name() {
        return layer.name();
    }

    /** Number of weights. */
    public long weightParams() {
        return layer.weightParams();
    }

    /** Number of bias values (0 without a bias). */
    public long biasParams() {
        return layer.biasParams();
    }

    /** The layers of {@code graph}, in graph order. */
    public static List<LayerInfo> of(Graph graph) {
        ModelSummary summary = ModelSummary.of(graph);
        Map<String, Shape> shapes = ShapeInference.shapes(graph, 1);
        Map<String, Integer> lastUse = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (!in.isEmpty()) {
                    lastUse.put(in, i);
                }
            }
        }
        for (ValueInfo out : graph.outputs()) {
            lastUse.put(out.name(), Integer.MAX_VALUE);
        }
        List<LayerInfo> infos = new ArrayList<>();
        for (LayerSummary s : summary.layers()) {
            Layer layer = s.layer();
            Tensor weight = graph.initializers().get(layer.weightName());
            int axis = QuantizedGraph.channelAxis(layer);
            int channels =
                    layer.weightShape().rank() == 0 ? 1 : layer.weightShape().dim(axis);
            int reduction = (int) (layer.weightParams() / Math.max(1, channels));
            long other = otherLive(graph, layer, shapes, lastUse);
            infos.add(new LayerInfo(
                    layer,
                    s.macs(),
                    channels,
                    reduction,
                    s.inputShape().size(),
                    s.outputShape().size(),
                    other,
                    weight,
                    axis));
        }
        return List.copyOf(infos);
    }

    /**
     * Elements of runtime values, other than the layer's own input and output, that were produced
     * before the layer's node and are read after it (graph inputs included).
     */
    private static long otherLive(Graph graph, Layer layer, Map<String, Shape> shapes, Map<String, Integer> lastUse) {
        int at = layer.nodeIndex();
        Set<String> produced = new HashSet<>();
        graph.inputs().forEach(v -> produced.add(v.name()));
        for (int i = 0; i < at; i++) {
            produced.addAll(graph.nodes().get(i).outputs());
        }
        Node node = layer.node();
        long elements = 0;
        for (String v : produced) {
            if (v.isEmpty()
                    || graph.initializers().containsKey(v)
                    || v.equals(node.input(0))
                    || node.outputs().contains(v)) {
                continue;
            }
            Integer last = lastUse.get(v);
            Shape shape = shapes.get(v);
            if (last != null && last > at && shape != null) {
                elements += shape.size();
            }
        }
        return elements;
    }
}
