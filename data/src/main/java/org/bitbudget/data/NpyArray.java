package org.bitbudget.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitbudget.ir.UserInputException;

/**
 * One NumPy array in the {@code .npy} format (versions 1 to 3) over the bytes that hold it, a memory
 * segment that is usually a mapped file: its element type, byte order and shape from the header, and
 * the segment of its values. Values are read on demand; nothing but the header is read on opening.
 *
 * @param origin how errors name the array, e.g. {@code data.npz: x}
 * @param type   the element type
 * @param order  the byte order of the values
 * @param shape  the dimensions, C order
 * @param values the segment holding exactly the values
 */
record NpyArray(String origin, ElementType type, ByteOrder order, long[] shape, MemorySegment values) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** The element types BitBudget reads, by their NumPy {@code descr} without the byte order. */
    enum ElementType {
        FLOAT16("f2", 2),
        FLOAT32("f4", 4),
        FLOAT64("f8", 8),
        UINT8("u1", 1),
        INT8("i1", 1),
        INT16("i2", 2),
        INT32("i4", 4),
        INT64("i8", 8);

        private final String code;
        private final int bytes;

        ElementType(String code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        int bytes() {
            return bytes;
        }

        boolean isInteger() {
            return this != FLOAT16 && this != FLOAT32 && this != FLOAT64;
        }

        /** NumPy's name of the type, e.g. {@code float16}. */
        String numpyName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    NpyArray {
        shape = shape.clone();
    }

    /**
     * Reads the header at the start of {@code file} (a whole {@code .npy} file or the bytes of one
     * {@code .npz} entry) and returns the array it describes.
     *
     * @throws UserInputException naming {@code origin} when the header is malformed, the element type is
     *                            not one BitBudget reads, the array is in Fortran order, or the values are
     *                            truncated
     */
    static NpyArray parse(MemorySegment file, String origin) {
        if (file.byteSize() < 10 || !Arrays.equals(file.asSlice(0, 6).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
            throw new UserInputException(origin, "not a NumPy .npy array (no \\x93NUMPY magic)");
        }
        int major = file.get(ValueLayout.JAVA_BYTE, 6);
        long headerLength;
        long start;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(
                    file.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            start = 10;
        } else if (major == 2 || major == 3) {
            if (file.byteSize() < 12) {
                throw new UserInputException(origin, "truncated .npy header");
            }
            headerLength = Integer.toUnsignedLong(
                    file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            start = 12;
        } else {
            throw new UserInputException(origin, ".npy format version " + major + " is not 1, 2 or 3");
        }
        if (start + headerLength > file.byteSize()) {
            throw new UserInputException(origin, "truncated .npy header");
        }
        String header = new String(
                file.asSlice(start, headerLength).toArray(ValueLayout.JAVA_BYTE),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, origin, "descr");
        if (group(FORTRAN, header, origin, "fortran_order").equals("True")) {
            throw new UserInputException(
                    origin,
                    "is stored in Fortran order; save it in C order (numpy.ascontiguousarray) to read it in batches");
        }
        long[] shape = shape(group(SHAPE, header, origin, "shape"), origin);
        ElementType type = type(descr, origin);
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        long bytes = count * type.bytes();
        long offset = start + headerLength;
        if (offset + bytes > file.byteSize()) {
            throw new UserInputException(
                    origin,
                    "truncated: shape " + Arrays.toString(shape) + " of " + type.numpyName() + " needs " + bytes
                            + " bytes of values, the file holds " + (file.byteSize() - offset));
        }
        return new NpyArray(origin, type, order, shape, file.asSlice(offset, bytes));
    }

    private static String group(Pattern p, String header, String origin, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new UserInputException(origin, "malformed .npy header (no '" + key + "'): " + header.strip());
        }
        return m.group(1);
    }

    private static long[] shape(String text, String origin) {
        String[] parts = text.split(",");
        long[] dims = new long[parts.length];
        int n = 0;
        for (String p : parts) {
            String t = p.strip();
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims[n++] = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new UserInputException(origin, "malformed .npy shape (" + text + ")");
            }
        }
        return Arrays.copyOf(dims, n);
    }

    private static ElementType type(String descr, String origin) {
        if (descr.length() == 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            String code = descr.substring(1);
            for (ElementType t : ElementType.values()) {
                if (t.code.equals(code)) {
                    return t;
                }
            }
        }
        throw new UserInputException(
                origin,
                "element type '" + descr + "' is not float16, float32, float64, uint8, int8, int16, int32 or int64");
    }

    /** The number of samples: the first dimension. */
    int samples() {
        if (shape.length == 0) {
            throw new UserInputException(origin, "is a scalar; the first axis must count the samples");
        }
        if (shape[0] > Integer.MAX_VALUE) {
            throw new UserInputException(origin, shape[0] + " samples are more than 2^31 - 1");
        }
        return (int) shape[0];
    }

    /** The dimensions after the first, the shape of one sample. */
    int[] sampleDims() {
        int[] dims = new int[shape.length - 1];
        for (int i = 0; i < dims.length; i++) {
            if (shape[i + 1] > Integer.MAX_VALUE) {
                throw new UserInputException(origin, "dimension " + shape[i + 1] + " is more than 2^31 - 1");
            }
            dims[i] = (int) shape[i + 1];
        }
        return dims;
    }

    /**
     * Values {@code [first, first + out.length)} (flat C-order indices) as floats: floats as stored
     * (float16 and float64 converted exactly and by rounding), integers as their value, except unsigned
     * bytes, which become {@code byte / 255f} like every 8-bit source when {@code scaleBytes}.
     */
    void read(long first, float[] out, boolean scaleBytes) {
        long at = first * type.bytes();
        int n = out.length;
        switch (type) {
            case FLOAT32 -> MemorySegment.copy(values, floatLayout(), at, out, 0, n);
            case FLOAT16 -> {
                short[] raw = new short[n];
                MemorySegment.copy(values, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), at, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(raw[i]);
                }
            }
            case FLOAT64 -> {
                double[] raw = new double[n];
                MemorySegment.copy(values, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), at, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = (float) raw[i];
                }
            }
            case UINT8, INT8 -> {
                byte[] raw = new byte[n];
                MemorySegment.copy(values, ValueLayout.JAVA_BYTE, at, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    if (type == ElementType.INT8) {
                        out[i] = raw[i];
                    } else {
                        out[i] = scaleBytes ? (raw[i] & 0xFF) / 255f : raw[i] & 0xFF;
                    }
                }
            }
            case INT16 -> {
                short[] raw = new short[n];
                MemorySegment.copy(values, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), at, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            case INT32 -> {
                int[] raw = new int[n];
                MemorySegment.copy(values, ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), at, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            case INT64 -> {
                long[] raw = new long[n];
                MemorySegment.copy(values, ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), at, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
        }
    }

    private ValueLayout.OfFloat floatLayout() {
        return ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order);
    }

    /**
     * The array as class labels: a one-dimensional integer array of {@code samples} non-negative values.
     *
     * @throws UserInputException naming the array when it is not one
     */
    int[] labels(int samples) {
        if (!type.isInteger() || shape.length != 1) {
            throw new UserInputException(
                    origin,
                    "labels must be a one-dimensional integer array, got " + type.numpyName() + " of shape "
                            + Arrays.toString(shape));
        }
        if (shape[0] != samples) {
            throw new UserInputException(origin, shape[0] + " labels for " + samples + " samples");
        }
        float[] v = new float[samples];
        int[] out = new int[samples];
        if (type == ElementType.INT64) {
            long[] raw = new long[samples];
            MemorySegment.copy(values, ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), 0, raw, 0, samples);
            for (int i = 0; i < samples; i++) {
                out[i] = checkLabel(raw[i], i);
            }
            return out;
        }
        read(0, v, false);
        for (int i = 0; i < samples; i++) {
            out[i] = checkLabel((long) v[i], i);
        }
        return out;
    }

    private int checkLabel(long label, int index) {
        if (label < 0 || label > Integer.MAX_VALUE) {
            throw new UserInputException(origin, "label " + label + " of sample " + index + " is not a class index");
        }
        return (int) label;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a
                && origin.equals(a.origin)
                && type == a.type
                && order.equals(a.order)
                && Arrays.equals(shape, a.shape)
                && values.equals(a.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, type, order, Arrays.hashCode(shape), values);
    }

    @Override
    public String toString() {
        return origin + " (" + type.numpyName() + " " + Arrays.toString(shape) + ")";
    }
}
