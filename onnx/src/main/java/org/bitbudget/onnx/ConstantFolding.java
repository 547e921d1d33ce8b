package org.bitbudget.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.FloatContext;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.ShapeInference;
import org.bitbudget.ops.ValueType;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.sgemm.SgemmFamily;

/**
 * Evaluates, once, every node whose inputs are all constants (initializers, {@code Constant}
 * outputs, or outputs of nodes folded before it) with its operator's float kernel, and replaces it
 * by an initializer. Exporters compute weight reshapes, transposes and shape arithmetic this way;
 * folded, a weight reached through such a chain is a layer's weight like any initializer.
 *
 * <p>A {@code Shape} node folds too when its input's shape does not depend on the batch. A chain
 * that starts at a dimension which does (Shape of a dynamic-batch activation) stays in the graph
 * and is computed per batch when the graph runs.
 *
 * <p>Any registered operator folds, so new operators need nothing here. Two kinds of node stay:
 * those that produce a graph output (the graph keeps one node per output) and FakeQuantize, which
 * marks where a model is quantized rather than computing a value.
 */
public final class ConstantFolding {
    private ConstantFolding() {}

    /** The graph with its constant subgraphs folded; an unchanged graph when there are none. */
    public static Graph fold(Graph graph) {
        Set<String> graphOutputs = new HashSet<>();
        for (ValueInfo v : graph.outputs()) {
            graphOutputs.add(v.name());
        }
        Map<String, Tensor> constants = new LinkedHashMap<>(graph.initializers());
        // Shape inference runs only for a graph whose Shape nodes read something not constant.
        Supplier<Map<String, ValueType>> staticTypes = new Supplier<>() {
            private Map<String, ValueType> types;

            @Override
            public Map<String, ValueType> get() {
                if (types == null) {
                    types = staticTypes(graph);
                }
                return types;
            }
        };
        Set<String> readByFolded = new HashSet<>();
        List<Node> kept = new ArrayList<>();
        for (Node node : graph.nodes()) {
            Tensor[] in = foldable(node, constants, graphOutputs, staticTypes);
            if (in == null) {
                kept.add(node);
                continue;
            }
            Tensor[] out = evaluate(node, in, constants);
            for (int o = 0; o < node.outputs().size(); o++) {
                String name = node.outputs().get(o);
                if (!name.isEmpty() && o < out.length && out[o] != null) {
                    constants.put(name, out[o]);
                }
            }
            node.inputs().stream().filter(i -> !i.isEmpty()).forEach(readByFolded::add);
        }
        if (kept.size() == graph.nodes().size()) {
            return graph;
        }
        // A constant only folded nodes read is gone from the model, as it would be after an exporter's folding.
        Map<String, Integer> readers = new HashMap<>();
        kept.forEach(n -> n.inputs().forEach(i -> readers.merge(i, 1, Integer::sum)));
        graphOutputs.forEach(o -> readers.merge(o, 1, Integer::sum));
        constants.keySet().removeIf(name -> readByFolded.contains(name) && !readers.containsKey(name));
        constants
                .keySet()
                .removeIf(name ->
                        !readers.containsKey(name) && !graph.initializers().containsKey(name));
        return new Graph(
                graph.name(), graph.opset(), graph.inputs(), graph.outputs(), constants, kept, graph.metadata());
    }

    /** The node's input values when it can be folded, else null. */
    private static Tensor[] foldable(
            Node node,
            Map<String, Tensor> constants,
            Set<String> graphOutputs,
            Supplier<Map<String, ValueType>> staticTypes) {
        if (node.op() instanceof Op.FakeQuantize) {
            return null;
        }
        for (String out : node.outputs()) {
            if (graphOutputs.contains(out)) {
                return null;
            }
        }
        Tensor[] in = new Tensor[node.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            String name = node.inputs().get(i);
            if (!name.isEmpty()) {
                in[i] = constants.get(name);
                if (in[i] == null && i == 0 && node.op().type().equals("Shape")) {
                    // Shape reads only its input's shape: a stand-in of that shape gives the same result.
                    ValueType t = staticTypes.get().get(name);
                    in[i] = t == null
                            ? null
                            : Tensor.of(t.type(), t.shape(), new float[t.shape().size()]);
                }
                if (in[i] == null) {
                    return null;
                }
            }
        }
        return in;
    }

    /**
     * The types of the values whose shape is the same whatever the batch (inferred for batches 1 and
     * 2), for the Shape nodes that read them; none when the graph's shapes cannot be inferred
     * without more (a symbolic dimension besides the batch).
     */
    private static Map<String, ValueType> staticTypes(Graph graph) {
        Map<String, ValueType> one;
        Map<String, ValueType> two;
        try {
            one = ShapeInference.infer(graph, 1);
            two = ShapeInference.infer(graph, 2);
        } catch (UserInputException | IllegalArgumentException | IllegalStateException e) {
            return Map.of();
        }
        Map<String, ValueType> fixed = new HashMap<>();
        one.forEach((name, type) -> {
            if (type.equals(two.get(name))) {
                fixed.put(name, type);
            }
        });
        return fixed;
    }

    private static <O extends Op> Tensor[] evaluate(Node node, Tensor[] in, Map<String, Tensor> constants) {
        @SuppressWarnings("unchecked")
        O op = (O) node.op();
        FloatContext context = new FloatContext(node, constants, SgemmFamily.get(), null);
        try {
            return Operators.of(op).floatKernel(op, context).apply(in, Allocator.FRESH);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UserInputException("node " + node.name(), node.op().type() + ": " + e.getMessage());
        }
    }
}
