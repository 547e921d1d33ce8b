package org.bitbudget.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/** Converts ONNX {@code TensorProto} messages to tensors and back. */
public final class TensorProtos {
    private TensorProtos() {}

    /**
     * Reads a tensor stored in {@code raw_data} (little-endian) or in the typed fields.
     *
     * @param where names the tensor in errors, e.g. {@code model.onnx: initializer w}
     */
    public static Tensor toTensor(TensorProto proto, String where) {
        DataType type = DataType.fromOnnx(proto.getDataType());
        if (type == null) {
            throw new UnsupportedModelException(
                    where,
                    dataTypeName(proto.getDataType()),
                    "element type "
                            + dataTypeName(proto.getDataType())
                            + " is not supported (supported: float, double, uint8, int8, int32, int64, bool)");
        }
        if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedModelException(
                    where,
                    "external data",
                    "external tensor data is not supported; "
                            + "save the model with its weights inside the .onnx file");
        }
        Shape shape;
        try {
            shape = Shape.of(
                    proto.getDimsList().stream().mapToLong(Long::longValue).toArray());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(where, "invalid dimensions " + proto.getDimsList());
        }
        int n = shape.size();
        float[] values = new float[n];
        if (!proto.getRawData().isEmpty()) {
            readRaw(proto.getRawData(), type, values, where);
        } else {
            // Index accessors: the typed fields are primitive lists, and their List views box every value.
            int available = switch (type) {
                case FLOAT -> proto.getFloatDataCount();
                case DOUBLE -> proto.getDoubleDataCount();
                case INT64 -> proto.getInt64DataCount();
                case UINT8, INT8, INT32, BOOL -> proto.getInt32DataCount();
            };
            for (int i = 0; i < Math.min(available, n); i++) {
                values[i] = switch (type) {
                    case FLOAT -> proto.getFloatData(i);
                    case DOUBLE -> (float) proto.getDoubleData(i);
                    case INT64 -> proto.getInt64Data(i);
                    case UINT8, INT8, INT32, BOOL -> proto.getInt32Data(i);
                };
            }
            if (available != n) {
                throw new UserInputException(
                        where, "holds " + available + " values but its shape " + shape + " needs " + n);
            }
        }
        return Tensor.of(type == DataType.DOUBLE ? DataType.FLOAT : type, shape, values);
    }

    private static void readRaw(ByteString raw, DataType type, float[] values, String where) {
        int width = switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case FLOAT, INT32 -> 4;
            case INT64, DOUBLE -> 8;
        };
        if (raw.size() != (long) width * values.length) {
            throw new UserInputException(
                    where, "raw data has " + raw.size() + " bytes but its shape needs " + (long) width * values.length);
        }
        ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (type == DataType.FLOAT) {
            buf.asFloatBuffer().get(values);
            return;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (type) {
                case FLOAT -> buf.getFloat();
                case DOUBLE -> (float) buf.getDouble();
                case INT32 -> buf.getInt();
                case INT64 -> buf.getLong();
                case UINT8 -> buf.get() & 0xFF;
                case INT8, BOOL -> buf.get();
            };
        }
    }

    /** Writes a tensor as a {@code TensorProto} with little-endian {@code raw_data}. */
    public static TensorProto toProto(String name, Tensor tensor) {
        TensorProto.Builder b =
                TensorProto.newBuilder().setName(name).setDataType(tensor.type().onnxCode());
        for (int d : tensor.shape().dims()) {
            b.addDims(d);
        }
        float[] v = tensor.data();
        ByteBuffer buf;
        switch (tensor.type()) {
            case FLOAT -> {
                buf = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    buf.putFloat(x);
                }
            }
            case INT64 -> {
                buf = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    buf.putLong((long) x);
                }
            }
            case INT32 -> {
                buf = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    buf.putInt((int) x);
                }
            }
            default -> {
                buf = ByteBuffer.allocate(v.length);
                for (float x : v) {
                    buf.put((byte) (int) x);
                }
            }
        }
        return b.setRawData(ByteString.copyFrom(buf.flip())).build();
    }

    /**
     * Writes integer codes as an ONNX {@code INT4} or {@code UINT4} tensor (opset 21): two codes a byte in
     * {@code raw_data}, the first of each pair in the low nibble, an odd count's last byte padded with 0.
     *
     * @param codes whole numbers in −8…7 ({@code INT4}) or 0…15 ({@code UINT4})
     */
    public static TensorProto toPackedInt4(String name, Shape shape, float[] codes, boolean unsigned) {
        TensorProto.Builder b = TensorProto.newBuilder()
                .setName(name)
                .setDataType((unsigned ? TensorProto.DataType.UINT4 : TensorProto.DataType.INT4).getNumber());
        for (int d : shape.dims()) {
            b.addDims(d);
        }
        byte[] packed = new byte[(codes.length + 1) / 2];
        for (int i = 0; i < codes.length; i++) {
            int c = (int) codes[i];
            if (c != codes[i] || c < (unsigned ? 0 : -8) || c > (unsigned ? 15 : 7)) {
                throw new IllegalArgumentException(name + ": " + codes[i] + " is not a 4-bit code");
            }
            packed[i / 2] |= (byte) ((c & 0xF) << (4 * (i % 2)));
        }
        return b.setRawData(ByteString.copyFrom(packed)).build();
    }

    /** The ONNX name of an element type code, for messages. */
    static String dataTypeName(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return t == null ? "#" + code : t.name().toLowerCase(java.util.Locale.ROOT);
    }
}
