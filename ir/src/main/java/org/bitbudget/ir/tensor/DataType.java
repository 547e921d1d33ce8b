package org.bitbudget.ir.tensor;

/**
 * Element types a tensor can carry. Values are held as float32; integer types hold exact integer
 * values (every integer type here fits a float exactly up to 2^24, which covers shapes and 8-bit data)
 * and results are wrapped to the type's range as ONNX does.
 */
public enum DataType {
    FLOAT(1),
    UINT8(2),
    INT8(3),
    INT32(6),
    INT64(7),
    BOOL(9),
    DOUBLE(11);

    private final int onnxCode;

    DataType(int onnxCode) {
        this.onnxCode = onnxCode;
    }

    /** The {@code TensorProto.DataType} number. */
    public int onnxCode() {
        return onnxCode;
    }

    /** True for the types whose values are whole numbers. */
    public boolean isInteger() {
        return this != FLOAT && this != DOUBLE;
    }

    /** Casts a computed value to this type as numpy would (truncate, then wrap to the type's width). */
    public float cast(float value) {
        return switch (this) {
            case FLOAT, DOUBLE -> value;
            case UINT8 -> (float) (((long) value) & 0xFF);
            case INT8 -> (float) (byte) (long) value;
            case INT32 -> (float) (int) (long) value;
            case INT64 -> (float) (long) value;
            case BOOL -> value != 0 ? 1f : 0f;
        };
    }

    /** The type with this ONNX code, or null when BitBudget does not carry it. */
    public static DataType fromOnnx(int code) {
        for (DataType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        return null;
    }
}
