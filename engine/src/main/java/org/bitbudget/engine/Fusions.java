package org.bitbudget.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.compute.Activation;

/**
 * Which nodes of a graph {@link FloatEngine}'s fused plan lets the step of an earlier node do: a
 * residual Add after a Conv, a Relu or Clip after a Conv or Gemm (or after that Add), each only
 * where no other reader needs the value the fused step never writes.
 */
final class Fusions {
    private final Graph graph;
    /** For each value, the nodes that read it, once per input that names it. */
    private final Map<String, List<Node>> readers;

    private final Set<String> outputs = new HashSet<>();

    Fusions(Graph graph) {
        this.graph = graph;
        this.readers = readers(graph);
        graph.outputs().forEach(v -> outputs.add(v.name()));
    }

    /**
     * The Add (ONNX broadcasting, not the legacy axis form) that a {@code node} able to fuse one
     * (Conv) can do on its own result: the only reader of that result, reading it once. Its other
     * operand must be computed before {@code node} runs ({@code available}), as the fused step runs
     * at the node's place; in a residual block whose shortcut comes after the main branch, the Add
     * joins the shortcut's convolution. The node's result must not be a graph output, as the fused
     * plan never holds it.
     */
    Node residualAdd(Node node, Set<String> available) {
        if (!Operators.of(node.op()).fusesResidualAdd() || node.outputs().size() != 1) {
            return null;
        }
        String value = node.outputs().getFirst();
        List<Node> next = readers.getOrDefault(value, List.of());
        if (value.isEmpty() || outputs.contains(value) || next.size() != 1) {
            return null;
        }
        Node add = next.getFirst();
        if (!(add.op() instanceof Op.Binary binary)
                || binary.kind() != Op.Binary.Kind.ADD
                || binary.legacyAxis() >= 0
                || add.inputs().size() != 2
                || add.outputs().size() != 1
                || add.outputs().getFirst().isEmpty()) {
            return null;
        }
        String other = residualOperand(add, value);
        return available.contains(other) ? add : null;
    }

    /** The operand of a two-input {@code add} that is not {@code value}. */
    static String residualOperand(Node add, String value) {
        return add.input(0).equals(value) ? add.input(1) : add.input(0);
    }

    /** The readers of each value of {@code graph}, for {@link #readers}. */
    private static Map<String, List<Node>> readers(Graph graph) {
        Map<String, List<Node>> readers = new HashMap<>();
        for (Node node : graph.nodes()) {
            for (String in : node.inputs()) {
                if (!in.isEmpty()) {
                    readers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
        return readers;
    }

    /**
     * The activation (Relu, or Clip with bounds that are absent or scalar initializers, so they are
     * known now) that the step ending with {@code node} can apply to its result: the only reader
     * of that result, reading it once, as its data input. The result must not be a graph output, as
     * the fused plan never holds it.
     */
    Node activationReading(Node node) {
        if (node.outputs().size() != 1) {
            return null;
        }
        String value = node.outputs().getFirst();
        List<Node> next = readers.getOrDefault(value, List.of());
        if (value.isEmpty()
                || outputs.contains(value)
                || next.size() != 1
                || !next.getFirst().input(0).equals(value)) {
            return null;
        }
        Node reader = next.getFirst();
        return activation(reader) != null ? reader : null;
    }

    /** The {@link Activation} that does the work of {@code node}, or null when it is none. */
    Activation activation(Node node) {
        return Operators.of(node.op()).asActivation(node.op(), node, graph.initializers());
    }

    /**
     * Whether a caller can end up holding the array of value {@code name}: it is a graph output, or
     * a node that passes its input's array on (Flatten, Reshape, Identity) makes it part of one.
     * Such an array must not be reused.
     */
    boolean escapes(String name) {
        if (outputs.contains(name)) {
            return true;
        }
        for (Node reader : readers.getOrDefault(name, List.of())) {
            if (Operators.of(reader.op()).sharesInputArray(reader.op())
                    && reader.outputs().stream().anyMatch(o -> !o.isEmpty() && escapes(o))) {
                return true;
            }
        }
        return false;
    }
}
