package org.bitbudget.onnx;

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
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ops.AttributeWriter;
import org.bitbudget.ops.Operators;

/**
 * Writes a graph as an ONNX model at the opset {@link #opset(Graph)} chooses. The bytes depend only on the
 * graph and the metadata (initializers in graph order, metadata sorted by key), so the same model always
 * gives the same file. {@link Op.FakeQuantize} has no ONNX form here; use {@link FakeQuantizedExport}.
 */
public final class OnnxExporter {
    /**
     * The lowest opset written: QuantizeLinear and DequantizeLinear take per-axis scales from 13, and every
     * operator form BitBudget writes exists there.
     */
    public static final int MIN_OPSET = 13;

    private OnnxExporter() {}

    /**
     * The default-domain opset {@code graph} is written at: the highest of {@link #MIN_OPSET}, the graph's
     * own opset (so a model's operators keep the form it was read in) and the lowest opset each node's
     * operator needs (HardSwish 14, LayerNormalization 17, Gelu 20, ...).
     */
    public static int opset(Graph graph) {
        int opset = Math.max(MIN_OPSET, graph.opset());
        for (Node n : graph.nodes()) {
            opset = Math.max(opset, Operators.of(n.op()).minimumOpset(n.op(), n));
        }
        return opset;
    }

    /**
     * The IR version that goes with {@code opset}, as ONNX releases pair them (IR 8 up to opset 18, 9 for
     * 19 and 20, 10 for 21 and 22, 11 from 23).
     */
    static int irVersion(int opset) {
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return opset <= 22 ? 10 : 11;
    }

    /** The ONNX bytes of {@code graph} with {@code metadata} as metadata properties, at {@link #opset(Graph)}. */
    public static byte[] toBytes(Graph graph, Map<String, String> metadata) {
        return toBytes(graph, metadata, MIN_OPSET);
    }

    /**
     * {@link #toBytes(Graph, Map)} at {@code atLeast} or {@link #opset(Graph)}, whichever is higher (the QDQ
     * export's 4-bit weights need 21).
     */
    public static byte[] toBytes(Graph graph, Map<String, String> metadata, int atLeast) {
        int opset = Math.max(atLeast, opset(graph));
        GraphProto.Builder g = GraphProto.newBuilder().setName(graph.name());
        for (ValueInfo v : graph.inputs()) {
            g.addInput(valueInfo(v));
        }
        for (ValueInfo v : graph.outputs()) {
            g.addOutput(valueInfo(v));
        }
        graph.initializers().forEach((name, t) -> g.addInitializer(TensorProtos.toProto(name, t)));
        for (Node n : graph.nodes()) {
            g.addNode(node(n, opset, g));
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(irVersion(opset))
                .setProducerName("bitbudget")
                .setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        new TreeMap<>(metadata)
                .forEach((k, v) -> m.addMetadataProps(
                        StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build().toByteArray();
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dimension d : v.dims()) {
            shape.addDim(
                    d.isSymbolic()
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam(d.symbol())
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(d.size()));
        }
        return ValueInfoProto.newBuilder()
                .setName(v.name())
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(v.type().onnxCode())
                                .setShape(shape)))
                .build();
    }

    /** The node in ONNX form; constants its descriptor writes as inputs go into {@code g}'s initializers. */
    private static NodeProto node(Node n, int opset, GraphProto.Builder g) {
        NodeProto.Builder b = NodeProto.newBuilder()
                .setName(n.name())
                .setOpType(n.op().type())
                .addAllInput(n.inputs())
                .addAllOutput(n.outputs());
        Operators.of(n.op()).write(n.op(), n, new AttributeWriter() {
            @Override
            public int opset() {
                return opset;
            }

            @Override
            public void integer(String name, long value) {
                b.addAttribute(OnnxExporter.integer(name, value));
            }

            @Override
            public void real(String name, float value) {
                b.addAttribute(OnnxExporter.real(name, value));
            }

            @Override
            public void text(String name, String value) {
                b.addAttribute(OnnxExporter.text(name, value));
            }

            @Override
            public void ints(String name, int[] values) {
                OnnxExporter.ints(b, name, values);
            }

            @Override
            public void constantInput(int index, org.bitbudget.ir.tensor.Tensor value) {
                String name = n.outputs().getFirst() + "_input_" + index;
                g.addInitializer(TensorProtos.toProto(name, value));
                while (b.getInputCount() <= index) {
                    b.addInput("");
                }
                b.setInput(index, name);
            }
        });
        return b.build();
    }

    private static void ints(NodeProto.Builder b, String name, int[] values) {
        if (values != null) {
            AttributeProto.Builder a =
                    AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (int v : values) {
                a.addInts(v);
            }
            b.addAttribute(a);
        }
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(v)
                .build();
    }

    private static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(v)
                .build();
    }

    private static AttributeProto text(String name, String v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v))
                .build();
    }
}
