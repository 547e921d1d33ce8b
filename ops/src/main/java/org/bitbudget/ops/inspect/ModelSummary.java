package org.bitbudget.ops.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.ShapeInference;

/**
 * The layer table of a model: every quantizable layer with its shapes, parameters and MACs for one
 * sample, and the totals. Shapes come from {@link ShapeInference} for a batch of one.
 *
 * @param graph  the model
 * @param layers the layers in graph order
 * @param params parameters (weights and biases) of every initializer the layers use
 * @param macs   multiply-accumulates per sample over all layers
 * @param activationLayers the activation-only layers (MatMuls between two activations) in graph
 *                         order; their MACs are not in {@code macs}
 */
public record ModelSummary(
        Graph graph, List<LayerSummary> layers, long params, long macs, List<ActivationLayerSummary> activationLayers) {
    public ModelSummary {
        layers = List.copyOf(layers);
        activationLayers = List.copyOf(activationLayers);
    }

    /** Summarises {@code graph}. */
    public static ModelSummary of(Graph graph) {
        Map<String, Shape> shapes = ShapeInference.shapes(graph, 1);
        List<LayerSummary> rows = new ArrayList<>();
        long params = 0;
        long macs = 0;
        for (Layer layer : graph.layers()) {
            Shape in = shapes.get(layer.node().input(0));
            Shape out = shapes.get(layer.node().outputs().getFirst());
            long layerMacs = macs(layer, in, out);
            rows.add(new LayerSummary(layer, in, out, layerMacs));
            params += layer.params();
            macs += layerMacs;
        }
        List<ActivationLayerSummary> activationRows = new ArrayList<>();
        for (ActivationLayer layer : graph.activationLayers()) {
            Shape left = shapes.get(layer.node().input(0));
            Shape right = shapes.get(layer.node().input(1));
            Shape out = shapes.get(layer.node().outputs().getFirst());
            activationRows.add(
                    new ActivationLayerSummary(layer, left, right, out, ActivationLayerSummary.macs(left, out)));
        }
        return new ModelSummary(graph, rows, params, macs, activationRows);
    }

    /** MACs of one layer, as its operator's descriptor counts them. */
    static long macs(Layer layer, Shape in, Shape out) {
        Op op = layer.node().op();
        return Operators.of(op).macs(op, in, out, layer.weightShape());
    }
}
