package org.bitbudget.ir.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers that must share one activation format because of how the graph joins or fans out
 * tensors: the layers producing the inputs of a residual {@code Add} (or {@code Sum}) or of a {@code
 * Concat}, which an integer runtime adds or concatenates only on one grid, and the layers reading one
 * input (attention's Q/K/V projections, a residual block's branch and shortcut), which a runtime
 * quantizes once and may fuse into one GEMM. Producers are traced back through operators that keep
 * values on their grid (shape-only operators, {@code Relu}, {@code Clip}, {@code MaxPool}, and an
 * {@code Add}/{@code Sub}/{@code Mul}/{@code Div} with a constant operand, such as an exported bias);
 * a join, another operator or a graph input ends the trace. Groups that share a layer are merged, so
 * every layer is in at most one group.
 *
 * @param groups the groups with at least two layers, ordered by their first layer in graph order
 */
public record CouplingGroups(List<Group> groups) {
    /** Operators whose output is on the grid of their one runtime input. */
    private static final Set<String> PASS_THROUGH = Set.of(
            "Relu",
            "Clip",
            "MaxPool",
            "Reshape",
            "Flatten",
            "Transpose",
            "Squeeze",
            "Unsqueeze",
            "Identity",
            "Dropout");

    /** Binary operators that pass a grid through when their other operand is a constant. */
    private static final Set<String> CONSTANT_OPERAND = Set.of("Add", "Sub", "Mul", "Div");

    /**
     * One group.
     *
     * @param layers  the member layers' names, in graph order
     * @param reasons why they are coupled, e.g. {@code Add 'add_1'} or {@code shared input 'x'}
     */
    public record Group(List<String> layers, List<String> reasons) {
        public Group {
            layers = List.copyOf(layers);
            reasons = List.copyOf(reasons);
        }
    }

    public CouplingGroups {
        groups = List.copyOf(groups);
    }

    /** No groups. */
    public static final CouplingGroups NONE = new CouplingGroups(List.of());

    /** The coupling groups of {@code graph}'s {@link Graph#layers() layers}. */
    public static CouplingGroups of(Graph graph) {
        List<Layer> layers = graph.layers();
        Map<String, Integer> layerIndex = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            layerIndex.put(layers.get(i).name(), i);
        }
        Map<String, Node> producer = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (String out : n.outputs()) {
                producer.put(out, n);
            }
        }
        Tracer tracer = new Tracer(graph, producer, layerIndex);
        int[] parent = new int[layers.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<String, Integer> reasons = new LinkedHashMap<>(); // reason -> a member, in the order found
        for (Node n : graph.nodes()) {
            String type = n.op().type();
            boolean join = type.equals("Concat") || type.equals("Sum") || type.equals("Add");
            List<String> runtime = tracer.runtimeInputs(n);
            if (!join || runtime.size() < 2) {
                continue;
            }
            Set<Integer> members = new LinkedHashSet<>();
            for (String in : runtime) {
                members.addAll(tracer.producers(in));
            }
            couple(parent, reasons, members, type + " '" + n.name() + "'");
        }
        Map<String, Set<Integer>> readers = new LinkedHashMap<>();
        for (Layer layer : layers) {
            String source = tracer.source(tracer.dataInput(layer.node()));
            if (source != null) {
                readers.computeIfAbsent(source, k -> new LinkedHashSet<>()).add(layerIndex.get(layer.name()));
            }
        }
        readers.forEach((tensor, members) -> couple(parent, reasons, members, "shared input '" + tensor + "'"));
        Map<Integer, List<String>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            byRoot.computeIfAbsent(root(parent, i), k -> new ArrayList<>())
                    .add(layers.get(i).name());
        }
        Map<Integer, List<String>> why = new HashMap<>();
        reasons.forEach((reason, member) -> why.computeIfAbsent(root(parent, member), k -> new ArrayList<>())
                .add(reason));
        List<Group> out = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : byRoot.entrySet()) {
            if (e.getValue().size() > 1) {
                out.add(new Group(e.getValue(), why.get(e.getKey())));
            }
        }
        return new CouplingGroups(out);
    }

    /** The group holding layer {@code name}, or null when it is coupled to no other layer. */
    public Group groupOf(String name) {
        for (Group g : groups) {
            if (g.layers().contains(name)) {
                return g;
            }
        }
        return null;
    }

    private static void couple(int[] parent, Map<String, Integer> reasons, Set<Integer> members, String reason) {
        if (members.size() < 2) {
            return;
        }
        int first = Integer.MAX_VALUE;
        for (int m : members) {
            first = Math.min(first, root(parent, m));
        }
        for (int m : members) {
            parent[root(parent, m)] = first;
        }
        reasons.put(reason, first);
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Follows tensors through grid-preserving operators. */
    private record Tracer(Graph graph, Map<String, Node> producer, Map<String, Integer> layerIndex) {
        /** The inputs of {@code n} computed at run time (not constants, not omitted). */
        List<String> runtimeInputs(Node n) {
            List<String> out = new ArrayList<>();
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !graph.initializers().containsKey(in)) {
                    out.add(in);
                }
            }
            return out;
        }

        /** The activation a layer multiplies by its weight: its first runtime input that is not the weight. */
        String dataInput(Node layer) {
            int weight = layer.op().weightInput();
            for (int i = 0; i < layer.inputs().size(); i++) {
                String in = layer.input(i);
                if (i != weight && !in.isEmpty() && !graph.initializers().containsKey(in)) {
                    return in;
                }
            }
            return null;
        }

        /** The grid-preserving operator's input that carries the grid, or null when {@code n} is not one. */
        String passedInput(Node n) {
            String type = n.op().type();
            List<String> runtime = runtimeInputs(n);
            if (PASS_THROUGH.contains(type)) {
                return n.input(0).isEmpty() ? null : n.input(0);
            }
            if (CONSTANT_OPERAND.contains(type) && runtime.size() == 1) {
                return runtime.getFirst();
            }
            return null;
        }

        /** The tensor {@code value} is a grid-preserving view of: the first value up the trace not passed through. */
        String source(String value) {
            String v = value;
            while (v != null) {
                Node p = producer.get(v);
                String up = p == null || layerIndex.containsKey(p.name()) ? null : passedInput(p);
                if (up == null) {
                    return v;
                }
                v = up;
            }
            return null;
        }

        /** The layers whose output reaches {@code value} through grid-preserving operators (at most one). */
        Set<Integer> producers(String value) {
            String s = source(value);
            Node p = s == null ? null : producer.get(s);
            Integer layer = p == null ? null : layerIndex.get(p.name());
            return layer == null ? Set.of() : Set.of(layer);
        }
    }
}
