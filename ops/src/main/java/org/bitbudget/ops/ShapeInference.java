package org.bitbudget.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.sgemm.SgemmFamily;

/**
 * The element type and shape of every value of a graph (initializers, inputs, node outputs), derived
 * from the operators' {@link ShapeRule}s without running the graph. A rule may read the values of
 * constant inputs (Reshape's target): the initializers, the inputs the caller gives, and the outputs
 * of nodes that read only constants, which are folded by their float kernel once.
 * A graph whose shapes do not fit fails as running it would: one line naming the node.
 *
 * <pre>{@code
 * Map<String, Shape> shapes = ShapeInference.shapes(graph, 1);
 * Shape logits = shapes.get(graph.outputs().getFirst().name());
 * }</pre>
 */
public final class ShapeInference {
    private final Graph graph;
    private final Map<String, ValueType> types = new LinkedHashMap<>();
    /** Initializers and folded node outputs. */
    private final Map<String, Tensor> values = new HashMap<>();
    /** Graph inputs the caller gave: known to rules, but never folded further. */
    private final Map<String, Tensor> given = new HashMap<>();

    private ShapeInference(Graph graph) {
        this.graph = graph;
        graph.initializers().forEach((name, t) -> {
            types.put(name, new ValueType(t.type(), t.shape()));
            values.put(name, t);
        });
    }

    /**
     * Every value's type when the graph runs on a batch of {@code batch}: each symbolic dimension of
     * an input is the batch size.
     *
     * @throws UserInputException when an input has a symbolic dimension other than the first, or a
     *                            node's inputs do not fit it
     */
    public static Map<String, ValueType> infer(Graph graph, int batch) {
        ShapeInference inference = new ShapeInference(graph);
        for (ValueInfo v : graph.inputs()) {
            try {
                inference.types.put(v.name(), new ValueType(v.type(), v.shapeForBatch(batch)));
            } catch (IllegalStateException e) {
                throw new UserInputException("input " + v.name(), e.getMessage());
            }
        }
        return inference.run();
    }

    /** Every value's type when the graph runs on {@code inputs}, whose values are known too. */
    public static Map<String, ValueType> infer(Graph graph, Map<String, Tensor> inputs) {
        ShapeInference inference = new ShapeInference(graph);
        for (ValueInfo v : graph.inputs()) {
            Tensor t = inputs.get(v.name());
            if (t == null) {
                throw new UserInputException("input " + v.name(), "no value given");
            }
            inference.types.put(v.name(), new ValueType(t.type(), t.shape()));
            inference.given.put(v.name(), t);
        }
        return inference.run();
    }

    /** {@link #infer(Graph, int)}, shapes only. */
    public static Map<String, Shape> shapes(Graph graph, int batch) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        infer(graph, batch).forEach((name, type) -> shapes.put(name, type.shape()));
        return shapes;
    }

    private Map<String, ValueType> run() {
        for (Node node : graph.nodes()) {
            List<ValueType> outputs;
            try {
                outputs = outputsOf(node);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new UserInputException("node " + node.name(), node.op().type() + ": " + e.getMessage());
            }
            for (int o = 0; o < node.outputs().size() && o < outputs.size(); o++) {
                String name = node.outputs().get(o);
                if (!name.isEmpty() && outputs.get(o) != null) {
                    types.put(name, outputs.get(o));
                }
            }
            fold(node);
        }
        return Collections.unmodifiableMap(types);
    }

    private <O extends Op> List<ValueType> outputsOf(Node node) {
        @SuppressWarnings("unchecked")
        O op = (O) node.op();
        return Operators.of(op).outputs(op, new Inputs(node));
    }

    /**
     * Computes the node's outputs when every input it names is a constant, or when the operator reads
     * only its inputs' shapes and those are inferred.
     */
    private <O extends Op> void fold(Node node) {
        @SuppressWarnings("unchecked")
        O op = (O) node.op();
        Tensor[] in = new Tensor[node.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            String name = node.inputs().get(i);
            if (!name.isEmpty()) {
                in[i] = values.get(name);
                if (in[i] == null) {
                    foldFromShapes(node, op);
                    return;
                }
            }
        }
        FloatContext context = new FloatContext(node, graph.initializers(), SgemmFamily.get(), null);
        Tensor[] out;
        try {
            out = Operators.of(op).floatKernel(op, context).apply(in, Allocator.FRESH);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UserInputException("node " + node.name(), node.op().type() + ": " + e.getMessage());
        }
        for (int o = 0; o < node.outputs().size() && o < out.length; o++) {
            if (!node.outputs().get(o).isEmpty() && out[o] != null) {
                values.put(node.outputs().get(o), out[o]);
            }
        }
    }

    private <O extends Op> void foldFromShapes(Node node, O op) {
        List<ValueType> inputs = new ArrayList<>();
        for (String name : node.inputs()) {
            ValueType type = name.isEmpty() ? null : types.get(name);
            if (type == null) {
                return;
            }
            inputs.add(type);
        }
        Tensor value = Operators.of(op).valueFromShapes(op, inputs);
        if (value != null && !node.outputs().isEmpty()) {
            values.put(node.outputs().getFirst(), value);
        }
    }

    /** The inputs of one node, read from what is inferred so far. */
    private final class Inputs implements ShapeInputs {
        private final Node node;

        Inputs(Node node) {
            this.node = node;
        }

        @Override
        public Node node() {
            return node;
        }

        @Override
        public int count() {
            return node.inputs().size();
        }

        @Override
        public ValueType type(int i) {
            String name = node.input(i);
            if (name.isEmpty()) {
                return null;
            }
            ValueType t = types.get(name);
            if (t == null) {
                throw new IllegalArgumentException("input '" + name + "' has no known type");
            }
            return t;
        }

        @Override
        public Tensor value(int i) {
            String name = node.input(i);
            Tensor t = values.get(name);
            return t != null ? t : given.get(name);
        }
    }
}
