package org.bitbudget.model.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Map;
import java.util.TreeMap;
import org.bitbudget.model.graph.Dimension;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.graph.Node;
import org.bitbudget.model.graph.Op;
import org.bitbudget.model.graph.ValueInfo;

/**
 * Writes a graph as an opset-13 ONNX model. The bytes depend only on the graph and the metadata
 * (initializers in graph order, metadata sorted by key), so the same model always gives the same
 * file. {@link Op.FakeQuantize} has no ONNX form here; use {@link FakeQuantizedExport}.
 */
public final class OnnxExporter {
    /** The opset written. */
    public static final int OPSET = 13;

    private OnnxExporter() {
    }

    /** The ONNX bytes of {@code graph} with {@code metadata} as metadata properties. */
    public static byte[] toBytes(Graph graph, Map<String, String> metadata) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(graph.name());
        for (ValueInfo v : graph.inputs()) {
            g.addInput(valueInfo(v));
        }
        for (ValueInfo v : graph.outputs()) {
            g.addOutput(valueInfo(v));
        }
        graph.initializers().forEach((name, t) -> g.addInitializer(TensorProtos.toProto(name, t)));
        for (Node n : graph.nodes()) {
            g.addNode(node(n));
        }
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("bitbudget")
                .setGraph(g).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        new TreeMap<>(metadata).forEach((k, v) ->
                m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build().toByteArray();
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dimension d : v.dims()) {
            shape.addDim(d.isSymbolic() ? TensorShapeProto.Dimension.newBuilder().setDimParam(d.symbol())
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d.size()));
        }
        return ValueInfoProto.newBuilder().setName(v.name()).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode()).setShape(shape))).build();
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(n.op().type())
                .addAllInput(n.inputs()).addAllOutput(n.outputs());
        switch (n.op()) {
            case Op.Conv c -> {
                ints(b, "kernel_shape", c.kernel());
                ints(b, "strides", c.strides());
                ints(b, "pads", c.pads());
                ints(b, "dilations", c.dilations());
                b.addAttribute(integer("group", c.group()));
                if (c.autoPad() != Op.AutoPad.NOTSET) {
                    b.addAttribute(text("auto_pad", c.autoPad().name()));
                }
            }
            case Op.Gemm g -> {
                b.addAttribute(real("alpha", g.alpha()));
                b.addAttribute(real("beta", g.beta()));
                b.addAttribute(integer("transA", g.transA() ? 1 : 0));
                b.addAttribute(integer("transB", g.transB() ? 1 : 0));
            }
            case Op.BatchNorm bn -> {
                b.addAttribute(real("epsilon", bn.epsilon()));
                b.addAttribute(real("momentum", bn.momentum()));
            }
            case Op.Pool p -> {
                ints(b, "kernel_shape", p.kernel());
                ints(b, "strides", p.strides());
                ints(b, "pads", p.pads());
                if (p.ceilMode()) {
                    b.addAttribute(integer("ceil_mode", 1));
                }
                if (p.kind() == Op.Pool.Kind.AVERAGE && p.countIncludePad()) {
                    b.addAttribute(integer("count_include_pad", 1));
                }
                if (p.kind() == Op.Pool.Kind.MAX) {
                    ints(b, "dilations", p.dilations());
                }
                if (p.autoPad() != Op.AutoPad.NOTSET) {
                    b.addAttribute(text("auto_pad", p.autoPad().name()));
                }
            }
            case Op.Flatten f -> b.addAttribute(integer("axis", f.axis()));
            case Op.Concat c -> b.addAttribute(integer("axis", c.axis()));
            case Op.Softmax s -> {
                if (s.coerce2d()) {
                    throw new IllegalArgumentException("node " + n.name() + ": opset-13 Softmax has no 2-D form");
                }
                b.addAttribute(integer("axis", s.axis()));
            }
            case Op.Binary bin -> {
                if (bin.legacyAxis() >= 0) {
                    throw new IllegalArgumentException("node " + n.name() + ": legacy broadcasting has no opset-13 form");
                }
            }
            case Op.Clip c -> {
                if (c.min() != Float.NEGATIVE_INFINITY || c.max() != Float.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("node " + n.name() + ": Clip bounds must be inputs in opset 13");
                }
            }
            case Op.Reshape r -> {
                if (r.shapeAttribute() != null || r.allowZero()) {
                    throw new IllegalArgumentException("node " + n.name() + ": this Reshape has no opset-13 form");
                }
            }
            case Op.FakeQuantize q -> throw new IllegalArgumentException("node " + n.name()
                    + ": FakeQuantize has no ONNX operator; write quantized models with FakeQuantizedExport");
            case Op.MatMul m -> {
            }
            case Op.Unary u -> {
            }
            case Op.GlobalAveragePool g -> {
            }
        }
        return b.build();
    }

    private static void ints(NodeProto.Builder b, String name, int[] values) {
        if (values != null) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (int v : values) {
                a.addInts(v);
            }
            b.addAttribute(a);
        }
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static AttributeProto text(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }
}
