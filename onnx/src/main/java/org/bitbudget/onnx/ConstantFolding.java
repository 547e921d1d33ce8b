package org.bitbudget.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
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
 * that starts at a shape which does (Shape of a dynamic-batch activation) is evaluated at two batch
 * sizes: where its values agree (a Gather or Slice of the other dimensions, and whatever is computed
 * from them) it folds; a Reshape target whose batch-dependent entries copy the data's dimension
 * at the same position becomes a constant with 0 there (ONNX Reshape's "copy this dimension"); what
 * still depends on the batch (an Expand to the batch) stays in the graph with the Shape nodes it
 * reads and is computed per batch when the graph runs.
 *
 * <p>Any registered operator folds, so new operators need nothing here. Two kinds of node stay:
 * those that produce a graph output (the graph keeps one node per output) and FakeQuantize, which
 * marks where a model is quantized rather than computing a value.
 */
public final class ConstantFolding {
    /** The batch sizes a batch-dependent shape chain is evaluated at. */
    private static final int[] BATCHES = {1, 2};

    private final Graph graph;
    private final Set<String> graphOutputs = new HashSet<>();
    private final Map<String, Tensor> constants;
    /** Values computed from batch-dependent shapes: their value at each of {@link #BATCHES}. */
    private final Map<String, Tensor[]> perBatch = new HashMap<>();
    /** The kept nodes that compute only {@link #perBatch} values (removed when nothing reads them). */
    private final Set<Node> shapeNodes = new HashSet<>();

    private final Set<String> readByFolded = new HashSet<>();
    /** The inferred types at each of {@link #BATCHES}; inferred only for a graph whose Shape nodes need them. */
    private List<Map<String, ValueType>> types;

    private ConstantFolding(Graph graph) {
        this.graph = graph;
        graph.outputs().forEach(v -> graphOutputs.add(v.name()));
        constants = new LinkedHashMap<>(graph.initializers());
    }

    /** The graph with its constant subgraphs folded; an unchanged graph when there are none. */
    public static Graph fold(Graph graph) {
        return new ConstantFolding(graph).fold();
    }

    private Graph fold() {
        List<Node> kept = new ArrayList<>();
        boolean changed = false;
        for (Node node : graph.nodes()) {
            if (!candidate(node)) {
                kept.add(node);
                continue;
            }
            Tensor[] in = constantInputs(node);
            if (in != null) {
                fold(node, evaluate(node, in, constants));
                changed = true;
                continue;
            }
            Tensor[][] variants = batchVariants(node);
            Tensor[][] out = variants == null ? null : evaluateEach(node, variants);
            if (out == null) {
                Node reshape = staticReshape(node);
                changed |= reshape != node;
                kept.add(reshape);
            } else if (agree(out)) {
                fold(node, out[0]);
                changed = true;
            } else {
                for (int o = 0; o < node.outputs().size(); o++) {
                    Tensor[] values = new Tensor[BATCHES.length];
                    for (int b = 0; b < values.length; b++) {
                        values[b] = o < out[b].length ? out[b][o] : null;
                    }
                    perBatch.put(node.outputs().get(o), values);
                }
                shapeNodes.add(node);
                kept.add(node);
            }
        }
        changed |= dropUnreadShapeNodes(kept);
        if (!changed) {
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

    private void fold(Node node, Tensor[] out) {
        for (int o = 0; o < node.outputs().size(); o++) {
            String name = node.outputs().get(o);
            if (!name.isEmpty() && o < out.length && out[o] != null) {
                constants.put(name, out[o]);
            }
        }
        node.inputs().stream().filter(i -> !i.isEmpty()).forEach(readByFolded::add);
    }

    /**
     * Removes the batch-dependent shape computations that nothing reads any more (their readers
     * folded), from the last node to the first so that a chain goes from its end; whether any went.
     */
    private boolean dropUnreadShapeNodes(List<Node> kept) {
        Set<String> read = new HashSet<>(graphOutputs);
        boolean dropped = false;
        for (int k = kept.size() - 1; k >= 0; k--) {
            Node n = kept.get(k);
            if (shapeNodes.contains(n) && n.outputs().stream().noneMatch(read::contains)) {
                kept.remove(k);
                n.inputs().stream().filter(i -> !i.isEmpty()).forEach(readByFolded::add);
                dropped = true;
            } else {
                read.addAll(n.inputs());
            }
        }
        return dropped;
    }

    /** Whether the node may fold: it produces no graph output and is not a FakeQuantize. */
    private boolean candidate(Node node) {
        return !(node.op() instanceof Op.FakeQuantize)
                && node.outputs().stream().noneMatch(graphOutputs::contains);
    }

    /** The node's input values when they are all constants, else null. */
    private Tensor[] constantInputs(Node node) {
        Tensor[] in = new Tensor[node.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            String name = node.inputs().get(i);
            if (!name.isEmpty()) {
                in[i] = constants.get(name);
                if (in[i] == null && i == 0 && isShape(node)) {
                    // Shape reads only its input's shape: a stand-in of that shape gives the same result.
                    ValueType t = typeAt(0, name);
                    in[i] = t != null && t.equals(typeAt(1, name)) ? standIn(t) : null;
                }
                if (in[i] == null) {
                    return null;
                }
            }
        }
        return in;
    }

    /**
     * The node's input values at each batch size, when each input is a constant or a batch-dependent
     * shape value (or, for a Shape node, an activation whose shape is inferred) and one depends on
     * the batch; else null.
     */
    private Tensor[][] batchVariants(Node node) {
        Tensor[][] in = new Tensor[BATCHES.length][node.inputs().size()];
        boolean varies = false;
        for (int i = 0; i < node.inputs().size(); i++) {
            String name = node.inputs().get(i);
            if (name.isEmpty()) {
                continue;
            }
            Tensor constant = constants.get(name);
            Tensor[] values = perBatch.get(name);
            for (int b = 0; b < BATCHES.length; b++) {
                Tensor v = constant != null ? constant : values != null ? values[b] : null;
                if (v == null && i == 0 && isShape(node)) {
                    ValueType t = typeAt(b, name);
                    v = t == null ? null : standIn(t);
                }
                if (v == null) {
                    return null;
                }
                in[b][i] = v;
            }
            varies |= constant == null;
        }
        return varies ? in : null;
    }

    /** The node evaluated on each batch size's inputs, or null when a kernel refuses them. */
    private Tensor[][] evaluateEach(Node node, Tensor[][] variants) {
        Tensor[][] out = new Tensor[variants.length][];
        for (int b = 0; b < variants.length; b++) {
            try {
                out[b] = evaluate(node, variants[b], constants);
            } catch (UserInputException e) {
                // The graph computes this per batch when it runs, where its kernel reports the error.
                return null;
            }
        }
        return out;
    }

    private static boolean agree(Tensor[][] out) {
        for (int b = 1; b < out.length; b++) {
            if (out[b].length != out[0].length) {
                return false;
            }
            for (int o = 0; o < out[0].length; o++) {
                Tensor x = out[0][o];
                Tensor y = out[b][o];
                if (x == null || y == null) {
                    if (x != y) {
                        return false;
                    }
                } else if (x.type() != y.type() || !x.shape().equals(y.shape()) || !Arrays.equals(x.data(), y.data())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A Reshape whose batch-dependent target copies the data's dimension wherever the target
     * depends on the batch, rewritten to read a constant target with 0 there (without allowzero, 0
     * copies the data's dimension at that position); else the node unchanged.
     */
    private Node staticReshape(Node node) {
        if (!(node.op() instanceof Op.Reshape r)
                || r.allowZero()
                || node.inputs().size() != 2) {
            return node;
        }
        Tensor[] targets = perBatch.get(node.input(1));
        if (targets == null || targets[0] == null) {
            return node;
        }
        float[] target = targets[0].data().clone();
        for (int i = 0; i < target.length; i++) {
            boolean same = true;
            boolean copies = true;
            for (int b = 0; b < BATCHES.length; b++) {
                same &= targets[b].data().length == target.length && targets[b].data()[i] == target[i];
                ValueType t = typeAt(b, node.input(0));
                copies &= t != null
                        && i < t.shape().rank()
                        && t.shape().dim(i) == targets[b].data()[i];
            }
            if (!same) {
                if (!copies) {
                    return node;
                }
                target[i] = 0;
            }
        }
        String name = node.name() + "/static_shape";
        while (constants.containsKey(name) || perBatch.containsKey(name)) {
            name = name + "_";
        }
        constants.put(name, Tensor.of(targets[0].type(), targets[0].shape(), target));
        return new Node(node.name(), node.op(), List.of(node.input(0), name), node.outputs());
    }

    private static boolean isShape(Node node) {
        return node.op().type().equals("Shape");
    }

    private static Tensor standIn(ValueType t) {
        return Tensor.of(t.type(), t.shape(), new float[t.shape().size()]);
    }

    /** The inferred type of {@code name} at batch size {@code BATCHES[b]}, or null. */
    private ValueType typeAt(int b, String name) {
        if (types == null) {
            types = inferTypes(graph);
        }
        return types.isEmpty() ? null : types.get(b).get(name);
    }

    /**
     * The types of every value at each of {@link #BATCHES}; none when the graph's shapes cannot be
     * inferred without more (a symbolic dimension besides the batch).
     */
    private static List<Map<String, ValueType>> inferTypes(Graph graph) {
        List<Map<String, ValueType>> types = new ArrayList<>();
        try {
            for (int batch : BATCHES) {
                types.add(ShapeInference.infer(graph, batch));
            }
        } catch (UserInputException | IllegalArgumentException | IllegalStateException e) {
            return List.of();
        }
        return types;
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
