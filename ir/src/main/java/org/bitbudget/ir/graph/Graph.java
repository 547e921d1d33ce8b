package org.bitbudget.ir.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.tensor.Tensor;

/**
 * A model as BitBudget sees it: nodes in topological order over named values, with constant
 * tensors (initializers and folded {@code Constant} nodes) held apart from runtime inputs.
 *
 * @param name         the model's name (the ONNX graph name, or the file name)
 * @param opset        the default-domain opset the model was written for
 * @param inputs       the runtime inputs, in declaration order
 * @param outputs      the outputs, in declaration order
 * @param initializers constant values by name
 * @param nodes        the nodes, each after every node that produces one of its inputs
 * @param metadata     the model's metadata properties (for example the training normalisation)
 */
public record Graph(
        String name,
        int opset,
        List<ValueInfo> inputs,
        List<ValueInfo> outputs,
        Map<String, Tensor> initializers,
        List<Node> nodes,
        Map<String, String> metadata) {
    public Graph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        // Insertion order is kept (Map.copyOf would not), so export bytes and slot numbering are stable.
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        nodes = List.copyOf(nodes);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The quantizable layers in graph order: nodes of a weighted operator ({@link Op#weightInput()}:
     * Conv, ConvTranspose, Gemm, MatMul) whose weight is a constant.
     */
    public List<Layer> layers() {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            int weightInput = node.op().weightInput();
            Tensor weight = weightInput < 0 ? null : initializers.get(node.input(weightInput));
            if (weight == null) {
                continue;
            }
            int biasInput = node.op().biasInput();
            String biasName = biasInput < 0 ? "" : node.input(biasInput);
            Tensor bias = initializers.get(biasName);
            layers.add(new Layer(
                    node.name(),
                    i,
                    node,
                    node.input(weightInput),
                    weight.shape(),
                    bias == null ? null : biasName,
                    bias == null ? 0 : bias.shape().size()));
        }
        return List.copyOf(layers);
    }

    /**
     * The activation-only layers in graph order: MatMul nodes neither of whose operands is a constant
     * (see {@link ActivationLayer}). They are not among {@link #layers()}.
     */
    public List<ActivationLayer> activationLayers() {
        List<ActivationLayer> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (node.op() instanceof Op.MatMul
                    && !initializers.containsKey(node.input(0))
                    && !initializers.containsKey(node.input(1))) {
                out.add(new ActivationLayer(node.name(), i, node));
            }
        }
        return List.copyOf(out);
    }

    /** The node called {@code name}, or null. */
    public Node node(String name) {
        for (Node n : nodes) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        return null;
    }
}
