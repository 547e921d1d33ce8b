package org.bitbudget.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Writes a fake-quantized graph back into its original ONNX model: quantized weights replace their
 * initializers (or the Constant nodes, or constant subgraphs, that computed them); a layer that
 * import rewired (a BatchNormalization folded into it) is written rewired, with its folded weight and
 * bias, and the folded BatchNorm is left out; each activation quantizer becomes the
 * standard-operator chain {@code Div(scale) → Round → Add(zp) → Clip(min, max) → Sub(zp) → Mul(scale)},
 * which ONNX Runtime evaluates with the same float32 arithmetic and half-to-even rounding as
 * BitBudget. Everything else in the model (names, metadata, other nodes) is kept.
 */
public final class FakeQuantizedExport {
    /** Round, which the activation chain needs, exists from opset 11. */
    private static final int MIN_OPSET = 11;

    private FakeQuantizedExport() {}

    /**
     * The ONNX bytes of {@code quantized}, a graph derived from the model in {@code original}.
     *
     * @param changedWeights the initializers whose values {@code quantized} replaced
     * @param metadata       extra metadata properties to record (for example the precision config)
     */
    public static byte[] export(
            Path original, Graph quantized, Set<String> changedWeights, Map<String, String> metadata) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(original));
        } catch (IOException e) {
            throw new UserInputException(original.toString(), "cannot read: " + e.getMessage());
        }
        Graph source = OnnxImporter.parse(toBytes(model), original.toString());
        boolean activations = quantized.nodes().stream().anyMatch(n -> n.op() instanceof Op.FakeQuantize);
        if (activations && source.opset() < MIN_OPSET) {
            throw new UnsupportedModelException(
                    original.toString(),
                    "opset " + source.opset(),
                    "activation " + "quantizers need opset " + MIN_OPSET + " or newer (the model has " + source.opset()
                            + ")");
        }
        Map<String, Tensor> changed = new HashMap<>();
        for (String name : changedWeights) {
            changed.put(name, quantized.initializers().get(name));
        }
        Map<String, Node> rewired = rewiredLayers(model, quantized);
        for (Node layer : rewired.values()) {
            for (String in : layer.inputs().subList(1, layer.inputs().size())) {
                if (quantized.initializers().containsKey(in)) {
                    changed.put(in, quantized.initializers().get(in));
                }
            }
        }
        Set<String> rewiredOutputs = new HashSet<>();
        rewired.values().forEach(n -> rewiredOutputs.addAll(n.outputs()));
        var graph = model.getGraph().toBuilder();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            String name = graph.getInitializer(i).getName();
            if (changed.containsKey(name)) {
                graph.setInitializer(i, TensorProtos.toProto(name, changed.get(name)));
                written.add(name);
            }
        }
        Map<String, List<NodeProto>> chains = new HashMap<>();
        Map<String, String> rewiredInput = new HashMap<>();
        for (Node node : quantized.nodes()) {
            if (node.op() instanceof Op.FakeQuantize q) {
                String layer = node.name().substring(0, node.name().length() - "/input_quantizer".length());
                chains.put(layer, chain(node, q, graph));
                rewiredInput.put(layer, node.outputs().getFirst());
            }
        }
        List<NodeProto> nodes = new ArrayList<>();
        Map<String, Integer> counters = new HashMap<>();
        for (NodeProto p : graph.getNodeList()) {
            int index = counters.merge(p.getOpType(), 1, Integer::sum) - 1;
            String name = p.getName().isEmpty() ? p.getOpType() + "_" + index : p.getName();
            if (p.getOutputCount() == 1 && changed.containsKey(p.getOutput(0))) {
                // A Constant or a constant subgraph's last node: the value it computed is now an initializer.
                graph.addInitializer(TensorProtos.toProto(p.getOutput(0), changed.get(p.getOutput(0))));
                written.add(p.getOutput(0));
                continue;
            }
            Node layer = rewired.get(name);
            if (layer == null && p.getOutputList().stream().anyMatch(rewiredOutputs::contains)) {
                continue;
            }
            if (layer != null) {
                p = p.toBuilder()
                        .clearInput()
                        .addInput(p.getInput(0))
                        .addAllInput(layer.inputs().subList(1, layer.inputs().size()))
                        .clearOutput()
                        .addAllOutput(layer.outputs())
                        .build();
            }
            if (chains.containsKey(name)) {
                nodes.addAll(chains.get(name));
                p = p.toBuilder().setInput(0, rewiredInput.get(name)).build();
            }
            nodes.add(p);
        }
        for (var e : changed.entrySet()) {
            if (written.add(e.getKey())) {
                // A value import made that the file lacks: a folded BatchNorm's new bias.
                graph.addInitializer(TensorProtos.toProto(e.getKey(), e.getValue()));
            }
        }
        // The folded BatchNorms' parameters, when Constant nodes held them, are read by nothing now.
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.getInputList()));
        graph.getOutputList().forEach(o -> read.add(o.getName()));
        nodes.removeIf(n -> n.getOpType().equals("Constant") && !read.contains(n.getOutput(0)));
        graph.clearNode().addAllNode(nodes);
        var out = model.toBuilder().setGraph(graph);
        metadata.forEach((k, v) -> {
            out.getMetadataPropsList().stream()
                    .filter(e -> e.getKey().equals(k))
                    .findFirst()
                    .ifPresent(e -> {
                        int at = out.getMetadataPropsList().indexOf(e);
                        out.removeMetadataProps(at);
                    });
            out.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v));
        });
        return toBytes(out.build());
    }

    /**
     * The graph's nodes, by name, whose weight, bias or output differ from the file's node of that name
     * (import folded a BatchNorm into them); a FakeQuantize in front of a layer is not a difference.
     */
    private static Map<String, Node> rewiredLayers(ModelProto model, Graph quantized) {
        Map<String, Node> byName = new HashMap<>();
        quantized.nodes().stream()
                .filter(n -> !(n.op() instanceof Op.FakeQuantize))
                .forEach(n -> byName.put(n.name(), n));
        Map<String, Node> rewired = new HashMap<>();
        Map<String, Integer> counters = new HashMap<>();
        for (NodeProto p : model.getGraph().getNodeList()) {
            int index = counters.merge(p.getOpType(), 1, Integer::sum) - 1;
            String name = p.getName().isEmpty() ? p.getOpType() + "_" + index : p.getName();
            Node n = byName.get(name);
            if (n != null
                    && n.inputs().size() > 1
                    && (!n.outputs().equals(p.getOutputList())
                            || !n.inputs()
                                    .subList(1, n.inputs().size())
                                    .equals(p.getInputList().subList(1, p.getInputCount())))) {
                rewired.put(name, n);
            }
        }
        return rewired;
    }

    private static List<NodeProto> chain(Node node, Op.FakeQuantize q, ai.onnx.proto.OnnxMl.GraphProto.Builder graph) {
        NumberFormat f = q.format();
        if (!f.isInteger() || f.signOnly()) {
            throw new UnsupportedModelException(
                    "layer " + node.name(),
                    q.format().name(),
                    "activation format "
                            + q.format().name() + " has no ONNX equivalent; export supports integer activation formats "
                            + "(weights of any format are written as float values)");
        }
        String base = node.name();
        String scale = base + "/scale";
        String zero = base + "/zero_point";
        String min = base + "/min";
        String max = base + "/max";
        graph.addInitializer(scalar(scale, q.scale()));
        graph.addInitializer(scalar(zero, q.zeroPoint()));
        graph.addInitializer(scalar(min, f.minCode()));
        graph.addInitializer(scalar(max, f.maxCode()));
        String in = node.inputs().getFirst();
        List<NodeProto> chain = new ArrayList<>();
        chain.add(op(base + "/Div", "Div", List.of(in, scale), base + "/scaled"));
        chain.add(op(base + "/Round", "Round", List.of(base + "/scaled"), base + "/rounded"));
        chain.add(op(base + "/AddZeroPoint", "Add", List.of(base + "/rounded", zero), base + "/shifted"));
        chain.add(op(base + "/Clip", "Clip", List.of(base + "/shifted", min, max), base + "/code"));
        chain.add(op(base + "/SubZeroPoint", "Sub", List.of(base + "/code", zero), base + "/centred"));
        chain.add(op(
                base + "/Mul",
                "Mul",
                List.of(base + "/centred", scale),
                node.outputs().getFirst()));
        return chain;
    }

    private static NodeProto op(String name, String type, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setName(name)
                .setOpType(type)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProtos.toProto(name, Tensor.of(Shape.of(), new float[] {value}));
    }

    private static byte[] toBytes(ModelProto model) {
        return model.toByteArray();
    }
}
