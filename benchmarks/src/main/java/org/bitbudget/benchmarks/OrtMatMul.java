package org.bitbudget.benchmarks;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One-node ONNX models that give ONNX Runtime the matrix product of a layer: activations
 * {@code A [m, k]} as the input and the weights {@code B [k, n]} as a constant initializer, as in a
 * real Conv or Gemm layer, so ONNX Runtime may pre-pack B.
 */
final class OrtMatMul {
    private OrtMatMul() {}

    /** fp32 {@code MatMul(A, B)}. */
    static byte[] fp32(int m, int k, int n, float[] b) {
        ByteBuffer raw = ByteBuffer.allocate(b.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(b);
        TensorProto weights = tensor("B", TensorProto.DataType.FLOAT, raw.array(), k, n);
        NodeProto node = NodeProto.newBuilder()
                .setOpType("MatMul")
                .addInput("A")
                .addInput("B")
                .addOutput("C")
                .build();
        return model(
                node,
                value("A", TensorProto.DataType.FLOAT, m, k),
                value("C", TensorProto.DataType.FLOAT, m, n),
                weights);
    }

    /** {@code MatMulInteger(A uint8, B int8, a_zero_point)} into int32. */
    static byte[] int8(int m, int k, int n, byte[] b, int aZeroPoint) {
        TensorProto weights = tensor("B", TensorProto.DataType.INT8, b, k, n);
        TensorProto zeroPoint = tensor("a_zero_point", TensorProto.DataType.UINT8, new byte[] {(byte) aZeroPoint});
        NodeProto node = NodeProto.newBuilder()
                .setOpType("MatMulInteger")
                .addInput("A")
                .addInput("B")
                .addInput("a_zero_point")
                .addOutput("C")
                .build();
        return model(
                node,
                value("A", TensorProto.DataType.UINT8, m, k),
                value("C", TensorProto.DataType.INT32, m, n),
                weights,
                zeroPoint);
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto value(String name, TensorProto.DataType type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(type.getNumber())
                                .setShape(shape)))
                .build();
    }

    private static byte[] model(
            NodeProto node, ValueInfoProto input, ValueInfoProto output, TensorProto... initializers) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .setName("matmul")
                .addNode(node)
                .addInput(input)
                .addOutput(output);
        for (TensorProto t : initializers) {
            graph.addInitializer(t);
        }
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("bitbudget-benchmarks")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }
}
